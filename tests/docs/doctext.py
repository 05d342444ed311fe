# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the collection's documents the way the docs tests need them.

A Document is a Markdown file, an RST file, or the documentation of a plugin (its DOCUMENTATION,
EXAMPLES and RETURN strings). Each gives its code blocks, its tables, its sentences, its links
and its headings, with the line where each starts, so a problem can be reported as FILE:LINE.

The parsers cover what these documents use (fenced code, pipe tables and links in Markdown;
code-block and literal blocks, list-tables, hyperlinks and the antsibull roles in RST; Ansible's
documentation markup in plugins), not every corner of either format.
"""

import ast
import os
import re

import yaml

MD, RST, PLUGIN = "md", "rst", "plugin"
YAML_LANGUAGES = ("yaml", "yml", "yaml+jinja")
SHELL_LANGUAGES = ("", "sh", "bash", "console", "shell", "text", "shell-session")


def problem(doc, line, message):
    """A problem found in ``doc``, as the checks report it: FILE:LINE: message."""
    return f"{doc.where(line)}: {message}"


class CodeBlock:
    def __init__(self, language, line, text):
        self.language = (language or "").lower()
        self.line = line  # the first line of the block's content
        self.text = text

    def __repr__(self):
        return f"CodeBlock({self.language!r}, line {self.line})"


class Table:
    def __init__(self, line, header, rows, section):
        self.line = line
        self.header = header  # the header cells, lower case
        self.rows = rows  # [(line, [cell, ...])]
        self.section = section  # the title of the section the table is in

    def column(self, *words):
        """Index of the first header cell that contains one of ``words``, or None."""
        for index, cell in enumerate(self.header):
            if any(word in cell for word in words):
                return index
        return None

    def __repr__(self):
        return f"Table(line {self.line}, {self.header})"


class Sentence:
    def __init__(self, line, text):
        self.line = line
        self.text = text

    def __repr__(self):
        return f"Sentence(line {self.line}, {self.text!r})"


class Link:
    def __init__(self, line, target, text=""):
        self.line = line
        self.target = target
        self.text = text

    def __repr__(self):
        return f"Link(line {self.line}, {self.target!r})"


# ---------------------------------------------------------------------------------------------- inline markup

# Markdown `code` / ``code``; RST ``code``; RST roles :role:`text`; Ansible markup C(code), O(option), ...
_MD_CODE = re.compile(r"(`+)(.+?)\1")
_RST_ROLE = re.compile(r":(\w+):`([^`]+)`")
_RST_LITERAL = re.compile(r"``(.+?)``")
_ANSIBLE_MARKUP = re.compile(r"\b(C|O|V|E|RV|M|I|B|P)\(([^()]*(?:\([^()]*\)[^()]*)*)\)")


class InlineCode:
    """One inline code span or reference: kind is code, option, value, env, plugin, return or ref."""

    def __init__(self, kind, value, plugin=None):
        self.kind = kind
        self.value = value
        self.plugin = plugin  # for an option reference that names its plugin (tencent.cloud.x#module:opt)

    def __repr__(self):
        return f"InlineCode({self.kind}, {self.value!r})"


def _option_reference(text):
    """``fqcn#type:option`` or ``option`` (as in O() and :ansopt:) -> (plugin fqcn or None, option)."""
    text = text.split("=", 1)[0].strip()
    plugin = None
    if "#" in text:
        plugin, _kind_option = text.split("#", 1)
        text = _kind_option.split(":", 1)[1] if ":" in _kind_option else _kind_option
    return plugin, text.split(".", 1)[0].strip()


# what each RST role and each letter of Ansible's markup refers to; the others are code (or a ref)
_RST_KINDS = {"ansopt": "option", "ansval": "value", "ansenvvar": "env", "ansplugin": "plugin", "ansretval": "return"}
_MARKUP_KINDS = {"O": "option", "V": "value", "E": "env", "M": "plugin", "RV": "return"}


def _reference(kind, value):
    if kind == "option":
        plugin, option = _option_reference(value)
        return InlineCode("option", option, plugin)
    if kind in ("env", "plugin"):
        value = re.split(r"[=#]", value, maxsplit=1)[0]
    return InlineCode(kind, value)


def inline_codes(text, kind):
    """The inline code spans and references of a piece of ``text`` of a document of ``kind``."""
    if kind == RST:
        found = [_reference(_RST_KINDS.get(role, "ref"), value) for role, value in _RST_ROLE.findall(text)]
        rest = _RST_ROLE.sub(" ", text)
        return found + [InlineCode("code", value) for value in _RST_LITERAL.findall(rest)]
    if kind == MD:
        return [InlineCode("code", match.group(2).strip()) for match in _MD_CODE.finditer(text)]
    return [_reference(_MARKUP_KINDS.get(letter, "code"), value) for letter, value in _ANSIBLE_MARKUP.findall(text)]


def plain(text, kind):
    """``text`` with its inline markup reduced to the words in it (for matching prose)."""
    if kind == RST:
        text = _RST_ROLE.sub(lambda m: _option_reference(m.group(2))[1] if m.group(1) == "ansopt" else m.group(2), text)
        text = _RST_LITERAL.sub(r"\1", text)
        text = re.sub(r"`([^`<]*?)\s*<[^>]*>`__?", r"\1", text)
        text = text.replace("\\", "")
    elif kind == MD:
        text = _MD_CODE.sub(lambda m: m.group(2), text)
        text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
        text = text.replace("**", "").replace("\\|", "|")
    else:
        text = _ANSIBLE_MARKUP.sub(
            lambda m: _option_reference(m.group(2))[1] if m.group(1) == "O" else m.group(2), text
        )
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------------------------------------- sentences

_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+(?=[A-Z`*(\"'\[:])")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.|#\.)\s+")


def split_sentences(paragraphs):
    """[(line, paragraph text)] -> [Sentence]; a sentence keeps the line of its paragraph's start."""
    sentences = []
    for line, text in paragraphs:
        for part in _SENTENCE_END.split(text):
            part = part.strip()
            if part:
                sentences.append(Sentence(line, part))
    return sentences


def _paragraphs(lines):
    """[(line number, text)] of prose lines -> [(first line, joined text)], a list item starting a paragraph."""
    paragraphs, current, start, previous = [], [], None, None
    for number, text in lines:
        if not text.strip() or (previous is not None and number != previous + 1) or _LIST_ITEM.match(text):
            if current:
                paragraphs.append((start, " ".join(current)))
            current, start = [], None
        previous = number
        if text.strip():
            if start is None:
                start = number
            current.append(_LIST_ITEM.sub("", text).strip())
    if current:
        paragraphs.append((start, " ".join(current)))
    return paragraphs


# ---------------------------------------------------------------------------------------------- Markdown


def _md_split_row(line):
    cells, current, in_code, index = [], [], False, 0
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    while index < len(line):
        char = line[index]
        if char == "\\" and index + 1 < len(line) and line[index + 1] == "|":
            current.append("|")
            index += 2
            continue
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    cells.append("".join(current).strip())
    return cells


def github_slug(title):
    """The anchor GitHub gives a Markdown heading."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", title)
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def parse_markdown(doc):
    lines = doc.text.splitlines()
    prose, section, fence = [], "", None
    block_start, block_lines, language, indent = 0, [], "", 0
    number = 0
    while number < len(lines):
        raw = lines[number]
        stripped = raw.strip()
        if fence is not None:
            if stripped.startswith(fence) and stripped.strip("`~") == "":
                doc.code_blocks.append(CodeBlock(language, block_start, "\n".join(block_lines) + "\n"))
                fence = None
            else:
                block_lines.append(raw[indent:] if raw[:indent].strip() == "" else raw.lstrip())
            number += 1
            continue
        opening = re.match(r"^(\s*)(```+|~~~+)\s*([\w+.-]*)", raw)
        if opening:
            indent, fence, language = len(opening.group(1)), opening.group(2), opening.group(3)
            block_start, block_lines = number + 2, []
            number += 1
            continue
        heading = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", raw)
        if heading:
            section = heading.group(2)
            doc.headings.append((number + 1, section))
            doc.anchors.add(_unique_slug(doc, github_slug(section)))
            number += 1
            continue
        if stripped.startswith("|") and number + 1 < len(lines) and re.match(r"^\s*\|?\s*:?-{3,}", lines[number + 1]):
            header = [cell.lower() for cell in _md_split_row(raw)]
            rows, start = [], number + 1
            number += 2
            while number < len(lines) and lines[number].strip().startswith("|"):
                rows.append((number + 1, _md_split_row(lines[number])))
                number += 1
            doc.tables.append(Table(start, header, rows, section))
            continue
        for anchor in re.findall(r"<a\s+(?:name|id)=\"([^\"]+)\"", raw):
            doc.anchors.add(anchor)
        prose.append((number + 1, raw))
        number += 1
    doc.sentences = split_sentences(_paragraphs(prose))
    doc.prose_lines = prose
    previous = None
    for number, raw in prose:
        text = _MD_CODE.sub(" ", raw)
        for match in re.finditer(r"!?\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", text):
            doc.links.append(Link(number, match.group(2), match.group(1)))
        # a link reference definition starts a paragraph (it cannot interrupt one)
        starts_paragraph = previous is None or previous[0] != number - 1 or not previous[1].strip()
        for match in re.finditer(r"^ {0,3}\[[^\]]+\]:\s*(\S+)", text):
            if starts_paragraph:
                doc.links.append(Link(number, match.group(1)))
        previous = (number, raw)
        for match in re.finditer(r"<(https?://[^>\s]+)>", text):
            doc.links.append(Link(number, match.group(1)))
    for line, row in ((line, cells) for table in doc.tables for line, cells in table.rows):
        for cell in row:
            for match in re.finditer(r"!?\[([^\]]*)\]\(\s*<?([^)\s>]+)>?\)", _MD_CODE.sub(" ", cell)):
                doc.links.append(Link(line, match.group(2), match.group(1)))


def _unique_slug(doc, slug):
    count = doc.slug_counts.get(slug, 0)
    doc.slug_counts[slug] = count + 1
    return slug if count == 0 else f"{slug}-{count}"


# ---------------------------------------------------------------------------------------------- RST

_RST_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+])\1{2,}\s*$")


def _indent(line):
    return len(line) - len(line.lstrip())


def _rst_block(lines, start, directive_indent):
    """The lines of a directive's body from ``start``: [(number, text)], and the index after it."""
    body, number = [], start
    while number < len(lines):
        line = lines[number]
        if line.strip() and _indent(line) <= directive_indent:
            break
        body.append((number + 1, line))
        number += 1
    while body and not body[-1][1].strip():
        body.pop()
    return body, number


def _dedent(body):
    indents = [_indent(text) for _n, text in body if text.strip()]
    cut = min(indents) if indents else 0
    return [(n, text[cut:] if text.strip() else "") for n, text in body]


def _parse_list_table(body, header_rows, line, section):
    options_done = False
    rows, current = [], None
    for number, text in _dedent(body):
        if not options_done:
            if text.startswith(":") or not text.strip():
                continue
            options_done = True
        row_start = re.match(r"^\* - ?(.*)$", text)
        cell_start = re.match(r"^  - ?(.*)$", text)
        if row_start:
            current = (number, [row_start.group(1)])
            rows.append(current)
        elif cell_start and current is not None:
            current[1].append(cell_start.group(1))
        elif current is not None and text.strip():
            current[1][-1] = (current[1][-1] + " " + text.strip()).strip()
    rows = [(number, [cell.strip() for cell in cells]) for number, cells in rows]
    header = [cell.lower() for cell in rows[0][1]] if header_rows and rows else []
    return Table(line, header, rows[header_rows:], section)


def parse_rst(doc):
    lines = doc.text.splitlines()
    prose, section, number = [], "", 0
    while number < len(lines):
        raw = lines[number]
        stripped = raw.strip()
        if (
            number + 1 < len(lines)
            and stripped
            and _RST_UNDERLINE.match(lines[number + 1])
            and not raw.startswith(" ")
            and len(lines[number + 1].strip()) >= len(stripped)
        ):
            section = stripped
            doc.headings.append((number + 1, section))
            number += 2
            continue
        directive = re.match(r"^(\s*)\.\.\s+([\w-]+)::\s*(.*)$", raw)
        if directive:
            indent, name, argument = len(directive.group(1)), directive.group(2), directive.group(3)
            body, after = _rst_block(lines, number + 1, indent)
            if name in ("code-block", "code", "sourcecode"):
                content = _dedent(_drop_options(body))
                while content and not content[0][1].strip():
                    content.pop(0)
                first = content[0][0] if content else number + 2
                doc.code_blocks.append(CodeBlock(argument, first, "\n".join(t for _n, t in content) + "\n"))
            elif name == "list-table":
                header_rows = 0
                for _n, text in body:
                    option = re.match(r"^\s*:header-rows:\s*(\d+)", text)
                    if option:
                        header_rows = int(option.group(1))
                doc.tables.append(_parse_list_table(body, header_rows, number + 1, section))
            number = after
            continue
        label = re.match(r"^\.\.\s+_([^:]+):\s*(\S*)\s*$", raw)
        if label:
            if label.group(2):
                doc.links.append(Link(number + 1, label.group(2)))
            else:
                doc.anchors.add(label.group(1))
            number += 1
            continue
        if stripped.startswith(".. "):  # a comment (or an unknown directive): not prose
            body, after = _rst_block(lines, number + 1, _indent(raw))
            doc.comments.append((number + 1, stripped))
            number = after
            continue
        if stripped.endswith("::") and not stripped.startswith(".."):
            # a literal block follows: the paragraph is prose, the indented block is code
            prose.append((number + 1, raw[:-1] if raw.rstrip().endswith(" ::") else raw))
            body, after = _rst_block(lines, number + 1, _indent(raw))
            content = _dedent(body)
            while content and not content[0][1].strip():
                content.pop(0)
            if content:
                doc.code_blocks.append(CodeBlock("text", content[0][0], "\n".join(t for _n, t in content) + "\n"))
            number = after
            continue
        prose.append((number + 1, raw))
        number += 1
    doc.sentences = split_sentences(_paragraphs(prose))
    doc.prose_lines = prose
    cells = [(line, cell) for table in doc.tables for line, row in table.rows for cell in row]
    for number, text in prose + cells:
        for match in re.finditer(r"`([^`<]*?)\s*<([^>]+)>`__?", text):
            doc.links.append(Link(number, match.group(2), match.group(1)))


def _drop_options(body):
    """A directive's body without its leading :option: lines."""
    result, in_options = [], True
    for number, text in body:
        if in_options and (re.match(r"^\s*:[\w-]+:", text) or (not result and not text.strip())):
            continue
        in_options = False
        result.append((number, text))
    return result


# ---------------------------------------------------------------------------------------------- plugins


def _doc_strings(tree):
    """DOCUMENTATION, EXAMPLES and RETURN of a plugin's source (module level, or a class's attributes)."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("DOCUMENTATION", "EXAMPLES", "RETURN") and isinstance(node.value, ast.Constant):
                found[name] = (node.value.lineno, node.value.value)
    return found


def _descriptions(data, out):
    """Every description-like string of a plugin's DOCUMENTATION (descriptions, notes, short descriptions)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("description", "notes", "short_description", "requirements"):
                items = value if isinstance(value, list) else [value]
                out.extend(str(item) for item in items if item is not None)
            else:
                _descriptions(value, out)
    elif isinstance(data, list):
        for item in data:
            _descriptions(item, out)
    return out


def _line_of(text, fragment, default):
    """The line of ``fragment`` in ``text`` (its first 40 characters), else ``default``."""
    probe = fragment.strip().split("\n", 1)[0][:40]
    index = text.find(probe) if probe else -1
    return text.count("\n", 0, index) + 1 if index >= 0 else default


def parse_plugin(doc):
    tree = ast.parse(doc.text)
    strings = _doc_strings(tree)
    paragraphs = []
    if "DOCUMENTATION" in strings:
        line, text = strings["DOCUMENTATION"]
        doc.data = yaml.safe_load(text) or {}
        for description in _descriptions(doc.data, []):
            paragraphs.append((_line_of(doc.text, description, line), re.sub(r"\s+", " ", description)))
    if "EXAMPLES" in strings:
        line, text = strings["EXAMPLES"]
        doc.code_blocks.append(CodeBlock("yaml", line, text))
    doc.sentences = split_sentences(paragraphs)
    doc.prose_lines = paragraphs


# ---------------------------------------------------------------------------------------------- documents


class Document:
    """One document of the collection: ``path`` relative to the collection root."""

    def __init__(self, path, text, kind=None):
        self.path = path
        self.text = text
        self.kind = kind or kind_of(path)
        self.code_blocks = []
        self.tables = []
        self.sentences = []
        self.prose_lines = []
        self.links = []
        self.headings = []
        self.anchors = set()
        self.slug_counts = {}
        self.comments = []
        self.data = None
        {MD: parse_markdown, RST: parse_rst, PLUGIN: parse_plugin}[self.kind](self)

    @classmethod
    def load(cls, root, path):
        with open(os.path.join(root, path), encoding="utf-8") as handle:
            return cls(path, handle.read())

    def where(self, line):
        return f"{self.path}:{line}"

    def inline(self, text):
        return inline_codes(text, self.kind)

    def plain(self, text):
        return plain(text, self.kind)

    def section_at(self, line):
        """The title of the section that holds ``line``."""
        title = ""
        for number, heading in self.headings:
            if number > line:
                break
            title = heading
        return title

    def __repr__(self):
        return f"Document({self.path!r})"


def kind_of(path):
    if path.endswith(".md"):
        return MD
    if path.endswith(".rst"):
        return RST
    if path.endswith(".py"):
        return PLUGIN
    raise ValueError(f"not a document: {path}")

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks of what a document points at: make targets, links, and the benchmark's numbers.

- check_make_targets: every `make X` in inline code or a shell block names a target of the Makefile;
- check_links: every relative link (and every link into the repository) resolves;
- check_benchmark_numbers: measured ratios are quoted only as the benchmark results page has them.
"""

import posixpath
import re

import facts
from doctext import MD, SHELL_LANGUAGES, problem

# ---------------------------------------------------------------------------------------------- make targets

_MAKE = re.compile(r"(?:^|[\s;&|($])make\s+([^#;&|)]*)")


def make_commands(doc):
    """(line, text after `make`) of every make command in inline code and shell code blocks."""
    found = []
    for number, text in doc.prose_lines:
        for code in doc.inline(text):
            for match in _MAKE.finditer(" " + code.value):
                found.append((number, match.group(1)))
    for table in doc.tables:
        for number, cells in table.rows:
            for code in (c for cell in cells for c in doc.inline(cell)):
                for match in _MAKE.finditer(" " + code.value):
                    found.append((number, match.group(1)))
    for block in doc.code_blocks:
        if block.language not in SHELL_LANGUAGES:
            continue
        for offset, text in enumerate(block.text.splitlines()):
            for match in _MAKE.finditer(" " + text):
                found.append((block.line + offset, match.group(1)))
    return found


def check_make_targets(doc):
    targets = facts.make_targets()
    problems = []
    for line, rest in make_commands(doc):
        for word in rest.split():
            if "=" in word or word.startswith(("-", "<", "$", "'", '"')) or "/" in word:
                continue
            if not re.fullmatch(r"[a-z][a-z0-9.-]*", word):
                break
            if word not in targets:
                problems.append(problem(doc, line, f"`make {word}`: the Makefile has no target {word}"))
    return problems


# ---------------------------------------------------------------------------------------------- links


def check_links(doc, exists, anchors_of, repository_files=None):
    """Every relative link of ``doc`` resolves in the tree that ``exists(path)`` describes.

    anchors_of(path) gives the anchors of a Markdown document of that tree (or None when it cannot
    be read); repository_files, when given, checks links into the repository (its blob/tree URLs).
    """
    repository = facts.repository_url()
    problems = []
    for link in doc.links:
        target = link.target.strip()
        if target.startswith(("mailto:", "tel:")):
            continue
        if target.startswith(("http://", "https://")):
            match = re.match(re.escape(repository) + r"/(?:blob|tree)/[^/]+/([^#?]*)(?:#(.*))?", target)
            if match and repository_files is not None:
                wanted, anchor = match.group(1).rstrip("/"), match.group(2)
                if wanted and not repository_files(wanted):
                    problems.append(problem(doc, link.line, f"{target}: the repository has no {wanted}"))
                elif anchor and wanted.endswith(".md"):
                    anchors = anchors_of(wanted)
                    if anchors is not None and anchor not in anchors:
                        problems.append(problem(doc, link.line, f"{target}: no heading #{anchor} in {wanted}"))
            continue
        path_part, _hash, anchor = target.partition("#")
        if not path_part:
            if doc.kind == MD and anchor and anchor not in doc.anchors:
                problems.append(problem(doc, link.line, f"#{anchor}: no such heading in {doc.path}"))
            continue
        if doc.path.startswith("docs/docsite/rst/"):
            problems.append(
                problem(
                    doc,
                    link.line,
                    f"{target}: a guide of the docs site cannot link to a file by a relative path (the site holds "
                    f"only the guides): link to {repository}/blob/main/... instead",
                )
            )
            continue
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(doc.path), path_part))
        if resolved.startswith("..") or not exists(resolved):
            problems.append(problem(doc, link.line, f"{target}: {resolved} does not exist"))
            continue
        if anchor and resolved.endswith(".md"):
            anchors = anchors_of(resolved)
            if anchors is not None and anchor not in anchors:
                problems.append(problem(doc, link.line, f"{target}: no heading #{anchor} in {resolved}"))
    return problems


# ---------------------------------------------------------------------------------------------- benchmark numbers

_RATIO = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?:x\b| times (?:faster|slower|the|as)\b)")


def numbers_in(text):
    return {float(value.replace(",", "")) for value in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}


def check_benchmark_numbers(doc, results_text, allowed=()):
    """Ratios quoted in ``doc`` (1.03x, 3.5 times faster) must be numbers of the results page."""
    known = numbers_in(results_text) | {float(value) for value in allowed}
    problems = []
    texts = [(s.line, doc.plain(s.text)) for s in doc.sentences]
    texts += [(line, doc.plain(cell)) for table in doc.tables for line, cells in table.rows for cell in cells]
    for line, text in texts:
        for match in _RATIO.finditer(text):
            if float(match.group(1)) not in known:
                problems.append(
                    problem(
                        doc,
                        line,
                        f"{match.group(0)}: not a number of the benchmark results page "
                        "(docs/docsite/rst/benchmark_results.rst, written by make bench)",
                    )
                )
    return problems

"""Write the documentation that comes from the code, so that it cannot drift from it.

- The error code table of docs/docsite/rst/failure_behaviour.rst, between the comments
  ``.. code-table-start`` and ``.. code-table-end``, from CODE_TABLE in plugins/module_utils/_error_codes.py
  (every row, in order: the codes, their behaviour and the hint a failure carries).
- The docs site's page of the event source tencent.cloud.live_callback, docs/docsite/rst/live_callback.rst,
  from its documentation (extensions/eda/plugins/event_source/live_callback.yaml, which ansible-doc, Galaxy
  and Automation Hub read): antsibull-docs renders no page for an EDA event source.

Usage: python hack/docs_facts.py [--check] [ROOT]
  (make docs-facts)  rewrites them in place;
  --check            changes nothing and exits 1, naming the file, when one is not what its source says.
The docs tests (make docs-test) run the same comparisons.
"""

import importlib.util
import os
import re
import sys
import textwrap

import yaml

GUIDE = os.path.join("docs", "docsite", "rst", "failure_behaviour.rst")
ERRORS = os.path.join("plugins", "module_utils", "_error_codes.py")
START, END = ".. code-table-start", ".. code-table-end"
# how the CAM hint's {action} shows in the table
ACTION_PLACEHOLDER = "<Action>"
# the codes of a row are wrapped at this width (a list-table cell continues on lines indented by 6)
CODES_WIDTH = 100


def load_code_table(root):
    """CODE_TABLE of _error_codes.py, loaded by path (it imports nothing)."""
    spec = importlib.util.spec_from_file_location("tencent_cloud_errors", os.path.join(root, ERRORS))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CODE_TABLE


def render_code_table(code_table):
    """The RST list-table of the code table (the text between the markers, markers excluded)."""
    lines = [
        "",
        ".. list-table::",
        "  :header-rows: 1",
        "",
        "  * - codes",
        "    - behaviour",
        "    - hint in the failure",
    ]
    for pattern, behaviour, hint in code_table:
        codes = ", ".join(f"``{code}``" for code in pattern.split())
        lines += [
            *textwrap.wrap(
                codes, CODES_WIDTH, initial_indent="  * - ", subsequent_indent="      ", break_on_hyphens=False
            ),
            f"    - {behaviour}",
            f"    - {hint.format(action=ACTION_PLACEHOLDER)}" if hint else "    -",
        ]
    return "\n".join([*lines, "", ""])


def split_guide(text):
    """(before and START, the generated part, END and after) of the guide; ValueError without the markers."""
    start = text.find(START + "\n")
    end = text.find(END, start + 1)
    if start < 0 or end < 0:
        raise ValueError(f"{GUIDE} lacks the markers {START!r} and {END!r} around the code table")
    head = start + len(START) + 1
    return text[:head], text[head:end], text[end:]


# ---------------------------------------------------------------------------------------------- the event source

SOURCE_DOC = os.path.join("extensions", "eda", "plugins", "event_source", "live_callback.yaml")
SOURCE_PAGE = os.path.join("docs", "docsite", "rst", "live_callback.rst")
# Ansible's documentation markup in the plugin's YAML: C(code), O(option), E(ENV), V(value), I(italic), and
# R(text,label) for a link to a label of the docs site
_MARKUP = re.compile(r"\b([COEVI])\(([^()]*)\)")
_REFERENCE = re.compile(r"\bR\(([^(),]*),\s*([^(),\s]+)\)")


def rst_text(text):
    """One description paragraph of the plugin's documentation, in RST."""
    text = _MARKUP.sub(lambda match: f"*{match.group(2)}*" if match.group(1) == "I" else f"``{match.group(2)}``", text)
    return _REFERENCE.sub(lambda match: f":ref:`{match.group(1)} <{match.group(2)}>`", text)


def _paragraphs(value):
    return [value] if isinstance(value, str) else list(value or [])


def _type(option):
    kind = option.get("type", "str")
    return f"list of {option['elements']}" if kind == "list" and option.get("elements") else kind


def _cell(lines, first, text, width=96):
    lines += textwrap.wrap(text, width, initial_indent=first, subsequent_indent="      ", break_on_hyphens=False) or [
        first.rstrip()
    ]


def render_source_page(documentation_yaml):
    """The docs site's page of the event source, from the text of its YAML documentation."""
    data = yaml.safe_load(documentation_yaml)
    doc = data["DOCUMENTATION"]
    name = f"tencent.cloud.{doc['module']}"
    title = f"{name} event source"
    lines = [
        f".. Written by make docs-facts (hack/docs_facts.py) from {SOURCE_DOC}. Do not edit by hand.",
        "",
        f".. _ansible_collections.tencent.cloud.docsite.{doc['module']}:",
        "",
        title,
        "=" * len(title),
        "",
        rst_text(doc["short_description"]) + ".",
        "",
    ]
    for paragraph in _paragraphs(doc.get("description")):
        lines += [*textwrap.wrap(rst_text(paragraph), 100, break_on_hyphens=False), ""]
    lines += ["Arguments", "---------", "", ".. list-table::", "  :header-rows: 1", "  :widths: 18 12 12 58", ""]
    lines += ["  * - argument", "    - type", "    - default", "    - description"]
    for option, spec in doc["options"].items():
        default = spec.get("default")
        shown = "(none)" if default is None else f"``{str(default).lower() if isinstance(default, bool) else default}``"
        text = " ".join(rst_text(p) for p in _paragraphs(spec.get("description")))
        if spec.get("choices"):
            text += " Choices: " + ", ".join(f"``{choice}``" for choice in spec["choices"]) + "."
        lines += [f"  * - ``{option}``", f"    - {_type(spec)}", f"    - {shown}"]
        _cell(lines, "    - ", text)
    lines += ["", "Example", "-------", "", ".. code-block:: yaml", ""]
    lines += [f"  {line}" if line else "" for line in data["EXAMPLES"].rstrip("\n").split("\n")]
    return "\n".join([*lines, ""])


# ---------------------------------------------------------------------------------------------- writing them


def _read(root, relative):
    with open(os.path.join(root, relative), encoding="utf-8") as handle:
        return handle.read()


def wanted_files(root):
    """{path relative to root: (what it should hold, what it comes from)} for every generated document."""
    text = _read(root, GUIDE)
    before, _current, after = split_guide(text)
    return {
        GUIDE: (before + render_code_table(load_code_table(root)) + after, "CODE_TABLE"),
        SOURCE_PAGE: (render_source_page(_read(root, SOURCE_DOC)), SOURCE_DOC),
    }


def main(argv):
    check = "--check" in argv
    args = [arg for arg in argv if arg != "--check"]
    root = os.path.abspath(args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    stale = 0
    for relative, (wanted, source) in wanted_files(root).items():
        path = os.path.join(root, relative)
        current = _read(root, relative) if os.path.exists(path) else None
        if current == wanted:
            print(f"docs-facts: {relative}: as {source} says")
        elif check:
            print(f"docs-facts: {relative}: differs from {source}; run make docs-facts", file=sys.stderr)
            stale += 1
        else:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(wanted)
            print(f"docs-facts: {relative}: rewritten from {source}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

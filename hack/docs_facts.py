"""Write the documentation's tables that come from the code, so they cannot drift from it.

Today one: the error code table of docs/docsite/rst/failure_behaviour.rst, between the comments
``.. code-table-start`` and ``.. code-table-end``, from CODE_TABLE in plugins/module_utils/_errors.py
(every row, in order: the pattern, its behaviour and the hint a failure carries).

Usage: python hack/docs_facts.py [--check] [ROOT]
  (make docs-facts)  rewrites the table in place;
  --check            changes nothing and exits 1, naming the file, when the table is not what the code says.
The docs tests (make docs-test) run the same comparison.
"""

import importlib.util
import os
import sys
import textwrap

GUIDE = os.path.join("docs", "docsite", "rst", "failure_behaviour.rst")
ERRORS = os.path.join("plugins", "module_utils", "_errors.py")
START, END = ".. code-table-start", ".. code-table-end"
# how the CAM hint's {action} shows in the table
ACTION_PLACEHOLDER = "<Action>"
# the codes of a row are wrapped at this width (a list-table cell continues on lines indented by 6)
CODES_WIDTH = 100


def load_code_table(root):
    """CODE_TABLE of _errors.py, loaded by path (it imports nothing)."""
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


def main(argv):
    check = "--check" in argv
    args = [arg for arg in argv if arg != "--check"]
    root = os.path.abspath(args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    path = os.path.join(root, GUIDE)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    before, current, after = split_guide(text)
    wanted = render_code_table(load_code_table(root))
    if current == wanted:
        print(f"docs-facts: {GUIDE}: the code table is CODE_TABLE's")
        return 0
    if check:
        print(f"docs-facts: {GUIDE}: the code table differs from CODE_TABLE; run make docs-facts", file=sys.stderr)
        return 1
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(before + wanted + after)
    print(f"docs-facts: {GUIDE}: the code table rewritten from CODE_TABLE")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

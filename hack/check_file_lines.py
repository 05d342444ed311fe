# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CONTRIBUTING's rule: no file in plugins/ or extensions/ over 400 lines (make lint runs this).

Usage: python hack/check_file_lines.py [ROOT]   (default: the repository this script is in)
Lists every file over the limit with its line count, and exits 1 when there is one. A file that is
too long is split along a seam (one job a file), not by moving lines to another file.
"""

import os
import sys

LIMIT = 400
FOLDERS = ("plugins", "extensions")
SKIPPED = ("__pycache__",)


def line_count(path):
    with open(path, "rb") as handle:
        return sum(1 for _line in handle)


def too_long(root, limit=LIMIT):
    """(path relative to root, lines) of every file under FOLDERS with more than limit lines."""
    found = []
    for folder in FOLDERS:
        for directory, subdirectories, files in os.walk(os.path.join(root, folder)):
            subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED and not d.startswith("."))
            for name in sorted(files):
                path = os.path.join(directory, name)
                lines = line_count(path)
                if lines > limit:
                    found.append((os.path.relpath(path, root), lines))
    return found


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    found = too_long(root)
    for path, lines in found:
        print(f"{path}: {lines} lines, over the limit of {LIMIT}: split it along a seam (CONTRIBUTING.md, The code)")
    if not found:
        print(f"file length: no file in {' or '.join(f'{f}/' for f in FOLDERS)} over {LIMIT} lines")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

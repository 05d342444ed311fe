# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's results page of the docs site: bench_batch.py --docs-page FILE writes it.

make bench passes --docs-page docs/docsite/rst/benchmark_results.rst, so the tables of the last
run live in one file; the performance guide, the README and tests/benchmark/README.md link to it
and quote no number of their own (the docs tests check that).
"""

import re

LABEL = "ansible_collections.tencent.cloud.docsite.benchmark_results"
MARKER = ".. Written by make bench (tests/benchmark/bench_batch.py --docs-page). Re-run it; do not edit by hand."
METHOD_URL = "https://github.com/tencent-cloud-ansible/tencent.cloud/blob/main/tests/benchmark/README.md"


def escape(text):
    """Plain text as RST: no markup character (or trailing underscore) means anything."""
    if text.strip() == "-":
        return "\\-"  # not an empty bullet list
    text = text.replace("\\", "\\\\")
    for char in "*`|":
        text = text.replace(char, "\\" + char)
    text = re.sub(r"(\w)_(?=\W|$)", r"\1\\_", text)
    # "(a) batch", "1. x" or "- x" at the start would open a list
    if re.match(r"^(?:\(?[A-Za-z0-9#]{1,3}[.)]|[-*+])(?:\s|$)", text):
        text = "\\" + text
    return text


def list_table(headers, rows):
    lines = [".. list-table::", "  :header-rows: 1", ""]
    for row in [headers, *rows]:
        lines.append(f"  * - {escape(str(row[0]))}")
        lines.extend(f"    - {escape(str(cell))}" for cell in row[1:])
    return lines


def heading(text, char):
    return [text, char * len(text)]


def bench_command(args):
    """The command line of a run, as the page shows it."""
    words = [
        "tests/benchmark/bench_batch.py",
        f"--streams {args.streams}",
        f"--latency-ms {args.latency_ms:g}",
        "--latencies " + ",".join(f"{latency:g}" for latency in args.latencies),
    ]
    if args.no_bucket:
        words.append("--no-bucket")
    if not getattr(args, "tls", True):
        words.append("--no-tls")
    if args.contention_streams != args.streams:
        words.append(f"--contention-streams {args.contention_streams}")
    words.append(f"--memory-streams {args.memory_streams}")
    return " ".join(words)


def render_sections(sections, headings=True):
    """Each section's heading (unless not wanted), title, table, notes and targets, as RST lines."""
    status = {None: "not measured", True: "met", False: "NOT MET"}
    lines = []
    for section in sections:
        lines += [*heading(section.heading, "-"), ""] if headings else []
        lines += [escape(section.title) + ".", ""]
        lines += [*list_table(section.headers, section.rows), ""]
        lines += [f"- {escape(note)}" for note in section.notes] + [""]
        lines += [escape(section.targets_title) + ":", ""]
        lines += [f"- **{status[met]}**: {escape(text)}" for met, text in section.targets] + [""]
    return lines


# A part of the page another benchmark writes (make bench-eda: tests/benchmark/bench_eda.py), between these two
# comments; each writer keeps the others' parts as they are.
PART_BEGIN = ".. Begin of the part written by {name}. Re-run it; do not edit by hand."
PART_END = ".. End of the part written by {name}."
_PART = re.compile(
    r"^\.\. Begin of the part written by (.+?)\. .*?^\.\. End of the part written by \1\.\n", re.M | re.S
)


def parts(text):
    """The parts other benchmarks wrote, in the order they are on the page."""
    return [match.group(0) for match in _PART.finditer(text)]


def write_part(path, name, lines):
    """Write (or replace) the part of ``name`` at the end of the page at path, leaving the rest as it is."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    block = (
        "\n".join([PART_BEGIN.format(name=name), "", *lines]).rstrip("\n") + "\n\n" + PART_END.format(name=name) + "\n"
    )
    kept = [part for part in parts(text) if not part.startswith(PART_BEGIN.format(name=name))]
    head = _PART.sub("", text).rstrip("\n") + "\n"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join([head, *kept, block]).replace("\n\n\n", "\n\n"))


def render_page(sections, machine, command, started_at, total, preface=None):
    """The page: when and where it was measured, then each section's table, notes and targets."""
    lines = [
        MARKER,
        "",
        f".. _{LABEL}:",
        "",
        *heading("Benchmark results", "="),
        "",
        "What ``make bench`` measured in its last run against the local Live API emulator, with Tencent's quotas on.",
        f"How it measures, and what each column means: `tests/benchmark/README.md <{METHOD_URL}>`__.",
        "",
        f"- Run: {escape(started_at)}, {total:.0f} s in all.",
        f"- Machine: {escape(machine)}.",
        f"- Command: ``{command}``.",
        "",
    ]
    for paragraph in preface or ():
        lines += [escape(paragraph), ""]
    lines += render_sections(sections)
    return "\n".join(lines).rstrip("\n") + "\n"


def when(started_at):
    return started_at.strftime("%Y-%m-%d at %H:%M UTC") if hasattr(started_at, "strftime") else str(started_at)


def write_page(path, sections, machine, command, started_at, total, preface=None):
    """The page of make bench; the parts other benchmarks wrote on it stay, after it."""
    try:
        with open(path, encoding="utf-8") as handle:
            kept = parts(handle.read())
    except FileNotFoundError:
        kept = []
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join([render_page(sections, machine, command, when(started_at), total, preface), *kept]))

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The facts that have one home written from the code: the error table (hack/docs_facts.py, from
CODE_TABLE), the benchmark results page (make bench, and its part make bench-eda writes), the environment variables of each connection
option (the doc fragment, against the argument spec)."""

import importlib.util
import os
import sys

import facts
import tree_checks
from doctext import RST, Document

BENCH_DIR = facts.path("tests", "benchmark")
RESULTS = os.path.join("docs", "docsite", "rst", "benchmark_results.rst")


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def docs_facts():
    return load(facts.path("hack", "docs_facts.py"), "docs_facts")


def bench():
    if BENCH_DIR not in sys.path:
        sys.path.insert(0, BENCH_DIR)
    return load(os.path.join(BENCH_DIR, "bench_batch.py"), "bench_batch")


def bench_eda():
    bench()
    return load(os.path.join(BENCH_DIR, "bench_eda.py"), "bench_eda")


# ---------------------------------------------------------------------------------------------- the error table


def test_the_error_table_of_the_failure_guide_is_the_code_table():
    generator = docs_facts()
    _head, current, _tail = generator.split_guide(facts.read(generator.GUIDE))
    wanted = generator.render_code_table(facts.errors().CODE_TABLE)
    assert current == wanted, f"{generator.GUIDE}: the error table is not CODE_TABLE's: run make docs-facts"


def test_the_generated_table_has_every_row_behaviour_and_hint():
    table = Document("table.rst", docs_facts().render_code_table(facts.errors().CODE_TABLE), RST).tables[0]
    # the codes cell: ``A``, ``B`` (the row's codes, in order); the pattern of the code table: "A B"
    rows = [[" ".join(c.strip("`") for c in cells[0].split(", ")), *cells[1:]] for _line, cells in table.rows]
    expected = [
        [pattern, behaviour, hint.format(action="<Action>")] for pattern, behaviour, hint in facts.errors().CODE_TABLE
    ]
    assert rows == expected


def test_the_table_follows_a_change_of_the_code_table():
    changed = (("InternalError.Made.Up", "fatal", "A made-up hint for {action}."), *facts.errors().CODE_TABLE)
    text = docs_facts().render_code_table(changed)
    assert "``InternalError.Made.Up``\n    - fatal\n    - A made-up hint for <Action>." in text


# ---------------------------------------------------------------------------------------------- the event source's page


def test_the_event_source_page_is_written_from_its_documentation():
    generator = docs_facts()
    wanted = generator.render_source_page(facts.read(generator.SOURCE_DOC))
    assert facts.read(generator.SOURCE_PAGE) == wanted, f"{generator.SOURCE_PAGE}: run make docs-facts"
    assert "live_callback" in facts.extra_docs()


def test_the_event_source_page_follows_a_change_of_its_documentation():
    generator = docs_facts()
    documentation = facts.read(generator.SOURCE_DOC)
    changed = documentation.replace("      default: 5000\n", "      default: 5001\n", 1)
    assert changed != documentation
    page = Document("page.rst", generator.render_source_page(changed), RST)
    rows = {cells[0].strip("`"): cells for _line, cells in page.tables[0].rows}
    assert rows["port"][1:3] == ["int", "``5001``"]


# ---------------------------------------------------------------------------------------------- the results page


def test_the_results_page_is_what_make_bench_writes():
    batch = bench()
    page = Document(RESULTS, facts.read(RESULTS), RST)
    assert batch.write_page.__module__ == "results_page"
    marker = sys.modules["results_page"].MARKER
    assert marker in page.text, f"{RESULTS} was not written by make bench"
    headers = [table.header for table in page.tables]
    expected = [[h.lower() for h in batch.HEADERS], [h.lower() for h in batch.PACING_HEADERS]]
    # (f) the runs over HTTPS: written unless make bench ran with --no-tls (BENCH_ARGS)
    over_https = [[h.lower() for h in sys.modules["tls_runs"].TLS_HEADERS]]
    # and the part make bench-eda writes (tests/benchmark/bench_eda.py), which make bench keeps
    raid = [[h.lower() for h in bench_eda().HEADERS]]
    assert headers in (expected, expected + over_https, expected + raid, expected + over_https + raid), headers
    assert all(table.rows for table in page.tables)
    if headers[-1] == raid[0]:
        assert sys.modules["results_page"].PART_BEGIN.format(name=bench_eda().PART) in page.text


def test_the_results_page_is_a_page_of_the_docs_site():
    assert "benchmark_results" in facts.extra_docs()


def test_the_results_page_writer_round_trips_its_tables(tmp_path):
    batch = bench()
    rows = [
        [
            "(a) batch: 1 task, stream_names",
            "1,000",
            "13.3",
            "-",
            "~1,000",
            "2,201 (201 throttled)",
            "0 (0.0%)",
            "1.33x",
        ]
    ]
    section = batch.Section(
        "Pacing",
        "A *title* | with `markup`",
        batch.HEADERS[: len(rows[0])],
        rows,
        ["a note_"],
        "Targets",
        [(True, "t")],
    )
    path = tmp_path / "page.rst"
    batch.write_page(str(path), [section], "cpu", "cmd", "2026-01-01 at 00:00 UTC", 1.0)
    page = Document("page.rst", path.read_text(encoding="utf-8"), RST)
    parsed = [[page.plain(cell) for cell in cells] for _line, cells in page.tables[0].rows]
    assert parsed == rows


def test_make_bench_and_make_bench_eda_keep_each_others_part_of_the_page(tmp_path):
    batch = bench()
    page = sys.modules["results_page"]
    path = tmp_path / "page.rst"
    section = batch.Section("Pacing", "T", ["a"], [["1"]], ["n"], "Targets", [(True, "t")])
    batch.write_page(str(path), [section], "cpu", "cmd", "2026-01-01 at 00:00 UTC", 1.0)
    page.write_part(str(path), "make bench-eda", ["Raid", "----", "", "first raid"])
    batch.write_page(str(path), [section], "cpu", "cmd2", "2026-01-02 at 00:00 UTC", 2.0)  # make bench again
    text = path.read_text(encoding="utf-8")
    assert "cmd2" in text and "cmd``" not in text and text.count("first raid") == 1
    page.write_part(str(path), "make bench-eda", ["Raid", "----", "", "second raid"])  # make bench-eda again
    text = path.read_text(encoding="utf-8")
    assert "cmd2" in text and "first raid" not in text and text.count("second raid") == 1
    assert text.index("Pacing") < text.index("second raid")


def test_measured_ratios_are_quoted_only_from_the_results_page(documents):
    batch = bench()
    results = facts.read(RESULTS)
    targets = (
        batch.TARGET_API_RATIO,
        batch.TARGET_CONTENTION_RATIO,
        batch.TARGET_LOOP_SPEEDUP,
        batch.TARGET_SDK_SPEEDUP,
    )
    problems = [
        found
        for doc in documents
        if doc.path != RESULTS
        for found in tree_checks.check_benchmark_numbers(doc, results, allowed=targets)
    ]
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------- the doc fragment


def test_each_connection_option_documents_exactly_its_environment_variables():
    documented = facts.fragment_options("tencent")
    problems = []
    for name, option in facts.connection_options().items():
        text = " ".join(documented[name]["description"])
        named = facts.ENV_NAME.findall(text)
        if set(named) != set(option.env):
            problems.append(f"{name}: the doc fragment names {named}, the argument spec reads {list(option.env)}")
    assert not problems, "\n".join(problems)


def test_the_fragment_documents_every_connection_option():
    assert set(facts.fragment_options("tencent")) == set(facts.connection_options())


def test_every_action_the_quota_table_names_is_called():
    assert set(facts.quotas()) | {"AssumeRole"} == facts.called_actions()

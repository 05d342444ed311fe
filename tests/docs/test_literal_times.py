# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""No example or guide carries a time that will expire.

A literal UTC time (2026-11-23T08:00:00Z) in something a user copies -- a module's documentation or
EXAMPLES, a doc fragment, a guide, a README, a role's argument specs, a playbook, the AWX material --
stops working one day: a resume_time must be in the future and at most 90 days ahead, a pushed_since
at most 60 days ago. Examples compute their times from now instead. Where a literal time is the point,
it is declared in tests/docs/examples.yml (``literal_times``: where, the time and which rule it obeys),
and this test fails 30 days before it expires, while there is time to change it.

What is not copied is not checked: output shown as text (console and text blocks), the modules'
RETURN samples and the benchmark's results page (when it was measured).
"""

import ast
import datetime
import glob
import os
import re

import facts
import pytest
import yaml
from doctext import Document

DECLARATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "examples.yml")
TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?Z\b")
NOTICE = datetime.timedelta(days=30)
# How long a literal time works, by what it is: (earliest valid, latest valid) as offsets from now
RULES = {
    # tencent_live_stream resume_time: in the future, at most 90 days ahead
    "resume_time": (datetime.timedelta(0), datetime.timedelta(days=90)),
    # tencent_live_stream_info pushed_since / pushed_until: at most 60 days ago, not in the future
    "pushed_since": (-datetime.timedelta(days=60), datetime.timedelta(0)),
}
OUTPUT_LANGUAGES = ("text", "console", "shell-session", "output")
NOT_COPIED = ("docs/docsite/rst/benchmark_results.rst",)


def copied_texts(root):
    """(path, line, text) of everything a user may copy: the documents and the YAML users run."""
    found = []
    patterns = (
        "README.md",
        "roles/*/README.md",
        "docs/docsite/rst/*.rst",
        "plugins/modules/*.py",
        "plugins/doc_fragments/*.py",
        "roles/*/meta/argument_specs.yml",
        "roles/*/defaults/*.yml",
        "playbooks/*.yml",
        "awx/*.yml",
        "extensions/eda/rulebooks/*.yml",
    )
    for pattern in patterns:
        for path in sorted(glob.glob(os.path.join(root, pattern))):
            relative = os.path.relpath(path, root)
            if relative in NOT_COPIED or path.endswith("__init__.py"):
                continue
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
            found.extend(_copied_parts(relative, text))
    return found


def _copied_parts(path, text):
    if path.endswith(".py"):
        # DOCUMENTATION and EXAMPLES; RETURN holds samples of results
        parts = []
        for node in ast.walk(ast.parse(text)):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and getattr(node.targets[0], "id", None) in ("DOCUMENTATION", "EXAMPLES")
                and isinstance(node.value, ast.Constant)
            ):
                parts.append((path, node.value.lineno, node.value.value))
        return parts
    if path.endswith((".md", ".rst")):
        doc = Document(path, text)
        lines = text.splitlines()
        for block in doc.code_blocks:
            if block.language in OUTPUT_LANGUAGES:
                for index in range(block.line - 1, min(len(lines), block.line - 1 + block.text.count("\n") + 1)):
                    lines[index] = ""
        return [(path, 1, "\n".join(lines))]
    return [(path, 1, text)]


def declared_times():
    with open(DECLARATIONS, encoding="utf-8") as handle:
        return (yaml.safe_load(handle) or {}).get("literal_times") or []


def parse_time(value):
    fmt = "%Y-%m-%dT%H:%M:%SZ" if value.count(":") == 2 else "%Y-%m-%dT%H:%MZ"
    return datetime.datetime.strptime(value, fmt).replace(tzinfo=datetime.timezone.utc)


def problems(texts, declared, now):
    """Every literal time of ``texts`` that is not declared, or that stops working within NOTICE of ``now``."""
    found = []
    for path, first_line, text in texts:
        for match in TIME.finditer(text):
            value = match.group(0)
            where = f"{path}:{first_line + text.count(chr(10), 0, match.start())}"
            entry = next((item for item in declared if item.get("path") == path and item.get("time") == value), None)
            if entry is None:
                found.append(
                    f"{where}: the literal time {value} will expire: compute it from now in the example (see the "
                    "modules' EXAMPLES), or declare it in tests/docs/examples.yml literal_times with its rule"
                )
                continue
            earliest, latest = RULES[entry["rule"]]
            moment = parse_time(value)
            if moment > now + latest:
                found.append(f"{where}: {value} is refused today ({entry['rule']}: at most {latest.days} days ahead)")
            elif moment - earliest < now + NOTICE:
                expires = (moment - earliest).strftime("%Y-%m-%d")
                found.append(f"{where}: {value} stops working on {expires} ({entry['rule']}): replace it now")
    return found


def test_no_example_or_guide_carries_a_time_that_expires():
    now = datetime.datetime.now(datetime.timezone.utc)
    assert problems(copied_texts(facts.COLLECTION_ROOT), declared_times(), now) == []


def test_every_declared_literal_time_is_where_it_says():
    texts = copied_texts(facts.COLLECTION_ROOT)
    for entry in declared_times():
        assert entry.get("rule") in RULES, f"literal_times: {entry}: rule must be one of {sorted(RULES)}"
        assert any(path == entry.get("path") and entry.get("time") in text for path, _line, text in texts), (
            f"literal_times: {entry['time']} is not in {entry.get('path')} (any more): remove the entry"
        )


NOW = datetime.datetime(2026, 12, 4, 18, 0, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize(
    "text, declared, expected",
    [
        # the forbid example of issue 26: refused as soon as it was written
        ('resume_time: "2030-01-31T19:00:00Z"', [], "will expire"),
        ('resume_time: "2030-01-31T19:00:00Z"', [{"time": "2030-01-31T19:00:00Z", "rule": "resume_time"}], "refused"),
        # the info example's window: works until 2027-01-22, so the test fails from 2026-12-23 on
        ('pushed_since: "2026-11-23T08:00:00Z"', [], "will expire"),
        ('pushed_since: "2026-11-23T08:00:00Z"', [{"time": "2026-11-23T08:00:00Z", "rule": "pushed_since"}], None),
        ('pushed_since: "2026-11-01T08:00:00Z"', [{"time": "2026-11-01T08:00:00Z", "rule": "pushed_since"}], "stops"),
        ('resume_time: "2026-12-20T08:00:00Z"', [{"time": "2026-12-20T08:00:00Z", "rule": "resume_time"}], "stops"),
        ('resume_time: "2027-02-20T08:00:00Z"', [{"time": "2027-02-20T08:00:00Z", "rule": "resume_time"}], None),
        # a date without a time is a fact (when Tencent removed an API), not something to send
        ("DescribeLiveForbidStreamList was removed on 2025-11-28", [], None),
    ],
)
def test_the_check_fails_where_it_should(text, declared, expected):
    declared = [dict(entry, path="guide.rst") for entry in declared]
    found = problems([("guide.rst", 1, text)], declared, NOW)
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1 and expected in found[0]


def test_output_shown_as_text_is_not_checked_but_yaml_is():
    text = "```text\nran at 2026-11-23T18:00:00Z\n```\n\n```yaml\n- pushed_since: 2026-11-23T08:00:00Z\n```\n"
    found = problems(_copied_parts("README.md", text), [], NOW)
    assert len(found) == 1 and "README.md:6:" in found[0]

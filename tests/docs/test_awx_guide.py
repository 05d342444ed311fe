# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX guide (docs/docsite/rst/awx.rst) says what the AWX material does.

- Its survey table is the survey awx/configure_awx.yml creates.
- Each row of "When a job fails" is reproduced: the job-template playbook runs, the way an AWX job
  runs it (a project checkout, credentials in the environment, survey answers as extra vars),
  against the emulator with the row's cause, and its output must show the row's message -- every
  part of it between the "..."; for a row of error codes, one of them.
"""

import os
import re
import shutil
import subprocess
import sys

import code_checks
import facts
import playrun
import pytest
from doctext import Document

GUIDE = os.path.join("docs", "docsite", "rst", "awx.rst")
DOMAIN = "5000.livepush.myqcloud.com"
SURVEY = {"domain_name": DOMAIN, "stream_names": "stream1"}


def guide():
    return Document.load(facts.COLLECTION_ROOT, GUIDE)


def table_with(doc, *columns):
    for table in doc.tables:
        if all(table.column(column) is not None for column in columns):
            return table
    raise AssertionError(f"{GUIDE} has no table with the columns {columns}")


# ---------------------------------------------------------------------------------------------- the survey


def test_the_survey_table_is_the_survey_configure_awx_creates():
    doc = guide()
    table = table_with(doc, "question", "variable", "required", "default")
    documented = []
    for _line, cells in table.rows:
        default = doc.plain(cells[4])
        documented.append(
            {
                "question_name": doc.plain(cells[0]),
                "variable": doc.plain(cells[1]),
                "type": re.sub(r"[^a-z]", "", doc.plain(cells[2]).lower().split(",")[0].split(":")[0]),
                "required": doc.plain(cells[3]) == "yes",
                "default": default,
            }
        )
    tasks = facts.load_yaml("awx", "configure_awx.yml")[0]["tasks"]
    template = next(task["awx.awx.job_template"] for task in tasks if "awx.awx.job_template" in task)
    created = [
        {
            "question_name": question["question_name"],
            "variable": question["variable"],
            "type": question["type"],
            "required": question["required"],
            "default": str(question.get("default", "")),
        }
        for question in template["survey_spec"]["spec"]
    ]
    assert documented == created


# ---------------------------------------------------------------------------------------------- the credential type


def test_the_ca_certificates_row_says_what_the_injector_sets_when_the_field_is_empty():
    """The guide said TENCENTCLOUD_CA_PATH "is set only when the field is filled in"; AWX renders the injector's
    template with the empty field as an empty string, so the variable is always set: to the file's path, or to "".
    (tests/awx/test_ansible_runner.py runs a job both ways.)"""
    jinja2 = pytest.importorskip("jinja2")
    template = jinja2.Template(facts.credential_type()["injectors"]["env"]["TENCENTCLOUD_CA_PATH"])
    tower = {"filename": {"ca_bundle": "/runner/env/ca_bundle"}}
    assert template.render(ca_bundle="PEM", tower=tower) == "/runner/env/ca_bundle"
    assert template.render(ca_bundle="", tower=tower) == ""
    doc = guide()
    [row] = [cells for _line, cells in table_with(doc, "injected as").rows if "TENCENTCLOUD_CA_PATH" in cells[1]]
    text = doc.plain(" ".join(row))
    assert "only when" not in text and "an empty string" in text, text


# ---------------------------------------------------------------------------------------------- the failures


def shown(message_cell, output):
    """Whether the job's output shows a troubleshooting row's message."""
    doc = guide()
    spans = [code.value for code in doc.inline(message_cell)]
    text = re.sub(r"\s+", " ", output)
    if spans and all(code_checks.codes_in(doc, f"``{span}``") for span in spans):
        return any(span in text for span in spans)
    parts = [part.strip() for span in spans for part in span.split("...")]
    return bool(parts) and all(re.sub(r"\s+", " ", part) in text for part in parts if part)


def python_without_requests(workdir):
    target = os.path.join(str(workdir), "bare-python")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", target], check=True, timeout=120)
    return os.path.join(target, "bin", "python")


# The cause of a row (words of its "cause and fix" cell) and how to bring it about.
SCENARIOS = {
    "no ``Tencent Cloud`` credential": {"credentials": False},
    "an EE without the collection": {"collections": False},
    "the image's system Python": {"python": "bare"},
    "the survey is off": {"survey": {}},
    "neither *Stream names*": {"survey": {"domain_name": DOMAIN, "stream_names": "", "forbidden_pushed_within": ""}},
    "two months of push history": {"survey": {"domain_name": DOMAIN, "forbidden_pushed_within": "70d"}},
    "a wrong or expired key": {"secret_key": "not-the-key-0000000000000000000000000"},
    "CAM policy": {"fault": {"action": "DescribeLiveStreamState", "kind": "error", "code": "UnauthorizedOperation"}},
    "not a push domain": {"survey": {"domain_name": "unknown.livepush.example.com", "stream_names": "stream1"}},
    "forbade the streams again": {
        "fault": {"action": "DescribeLiveStreamState", "kind": "preempt", "state": "forbid", "count": 2}
    },
}


def row_for(cause):
    doc = guide()
    table = table_with(doc, "message", "cause")
    rows = [cells for _line, cells in table.rows if cause in cells[1]]
    assert len(rows) == 1, f"{GUIDE}: one row of 'When a job fails' should say {cause!r}, found {len(rows)}"
    return rows[0]


def run_job(api, tmp_path, scenario):
    """The job-template playbook as AWX runs it: from a project checkout, not from inside the collection."""
    api.core.reset()
    api.core.seed_streams({"streams": [{"domain_name": DOMAIN, "stream_name": "stream1", "state": "forbid"}]})
    if "fault" in scenario:
        api.core.add_faults({"faults": [scenario["fault"]]})
    project = tmp_path / "project" / "playbooks"
    project.mkdir(parents=True)
    shutil.copy(facts.path("playbooks", "resume_streams.yml"), project)
    env = playrun.emulator_env(api)
    if not scenario.get("credentials", True):
        env = {"TENCENTCLOUD_LIVE_ENDPOINT": api.url}
    if "secret_key" in scenario:
        env["TENCENTCLOUD_SECRET_KEY"] = scenario["secret_key"]
    if not scenario.get("collections", True):
        empty = tmp_path / "no-collections"
        empty.mkdir()
        env["ANSIBLE_COLLECTIONS_PATH"] = str(empty)
    survey = dict(scenario.get("survey", SURVEY))
    if scenario.get("python") == "bare":
        survey["ansible_python_interpreter"] = python_without_requests(tmp_path)
    return playrun.run_playbook(project / "resume_streams.yml", tmp_path, env, survey or None)


def test_every_row_has_a_scenario():
    table = table_with(guide(), "message", "cause")
    unmatched = [cells[1] for _line, cells in table.rows if not any(cause in cells[1] for cause in SCENARIOS)]
    assert not unmatched, f"rows of 'When a job fails' that no test brings about: {unmatched}"


@pytest.mark.parametrize("cause", sorted(SCENARIOS))
def test_the_job_shows_the_message_of_the_row(cause, live_api, tmp_path):
    message, _fix = row_for(cause)
    rc, output = run_job(live_api, tmp_path, SCENARIOS[cause])
    assert rc != 0, output[-3000:]
    assert shown(message, output), f"the guide says {message}; the job printed:\n{output[-3000:]}"


def test_the_row_the_guide_had_for_a_missing_credential_would_fail(live_api, tmp_path):
    # before issue #20 the guide quoted a message a missing credential never prints
    _rc, output = run_job(live_api, tmp_path, SCENARIOS["no ``Tencent Cloud`` credential"])
    assert not shown("``secret_id is not set: give secret_id or set TENCENTCLOUD_SECRET_ID``", output)

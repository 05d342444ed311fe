# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The EXAMPLES of every module run against the emulator.

The modules are found in plugins/modules/ (a new module's examples run as soon as it lands);
tests/docs/examples.yml says how: the context the examples take, and, per module, check mode, the
streams' starting state, variables and tasks to run first. Its header is the manual.
"""

import os

import facts
import playrun
import pytest
import yaml
from doctext import Document

DECLARATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "examples.yml")
ENTRY_KEYS = {"check_mode", "stream_state", "vars", "before"}
STREAM_STATES = ("forbid", "active", "inactive")
# Calls that change nothing: reads, and the credential chain's own
READ_PREFIXES = ("Describe", "AssumeRole")


def declarations():
    with open(DECLARATIONS, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def examples_of(name):
    """The module's EXAMPLES as a list of tasks (the one YAML code block of its documentation)."""
    doc = Document.load(facts.COLLECTION_ROOT, os.path.join("plugins", "modules", f"{name}.py"))
    assert len(doc.code_blocks) == 1, f"{name} has no EXAMPLES"
    tasks = yaml.safe_load(doc.code_blocks[0].text)
    assert isinstance(tasks, list) and tasks and all(isinstance(task, dict) for task in tasks), (
        f"{name}: EXAMPLES must be a list of tasks"
    )
    return tasks


def to_emulator(data, url):
    """``data`` with every ``endpoint`` option pointed at the emulator (a real Tencent host cannot be reached
    from a test); returns (new data, how many were changed)."""
    if isinstance(data, dict):
        changed, result = 0, {}
        for key, value in data.items():
            if key == "endpoint" and isinstance(value, str):
                result[key], changed = url, changed + 1
            else:
                result[key], count = to_emulator(value, url)
                changed += count
        return result, changed
    if isinstance(data, list):
        items = [to_emulator(item, url) for item in data]
        return [item for item, _count in items], sum(count for _item, count in items)
    return data, 0


def play(tasks, before, context):
    """One play on localhost: the tasks to run first, then the examples."""
    return [
        {
            "name": "The EXAMPLES of a module",
            "hosts": "localhost",
            "gather_facts": False,
            "vars": context,
            "tasks": list(before) + list(tasks),
        }
    ]


def test_every_declaration_names_a_module_and_known_keys():
    data = declarations()
    assert set(data) == {"context", "modules", "literal_times"}
    for name, entry in (data["modules"] or {}).items():
        assert name in facts.module_names(), f"examples.yml: {name} is not a module of plugins/modules/"
        assert set(entry) <= ENTRY_KEYS, f"examples.yml: {name}: unknown keys {sorted(set(entry) - ENTRY_KEYS)}"
        assert entry.get("stream_state", "forbid") in STREAM_STATES, f"examples.yml: {name}: stream_state"


def test_the_modules_are_found():
    assert {"tencent_live_stream", "tencent_live_stream_info"} <= set(facts.module_names())


@pytest.mark.parametrize("name", facts.module_names())
def test_the_examples_run(name, live_api, tmp_path):
    data = declarations()
    entry = (data["modules"] or {}).get(name) or {}
    context = dict(data["context"], **(entry.get("vars") or {}))
    tasks, _pointed = to_emulator(examples_of(name), live_api.url)
    before = entry.get("before") or []
    playrun.seed(live_api, tasks, context["incident_streams"], entry.get("stream_state", "forbid"))
    playbook = tmp_path / "examples.yml"
    playbook.write_text(yaml.safe_dump(play(tasks, before, context), sort_keys=False), encoding="utf-8")
    check_mode = bool(entry.get("check_mode"))
    if check_mode and before:
        # the tasks to run first run for real: a play of their own, before the examples in check mode
        setup = tmp_path / "before.yml"
        setup.write_text(yaml.safe_dump(play([], before, context), sort_keys=False), encoding="utf-8")
        rc, output = playrun.run_playbook(setup, tmp_path, playrun.emulator_env(live_api))
        assert rc == 0, output[-4000:]
        playbook.write_text(yaml.safe_dump(play(tasks, [], context), sort_keys=False), encoding="utf-8")
    calls_before = len(live_api.core.list_calls(None)["calls"])

    rc, output = playrun.run_playbook(
        playbook, tmp_path, playrun.emulator_env(live_api), extra_args=["--check"] if check_mode else None
    )
    assert rc == 0, output[-6000:]
    recap = playrun.recap(output)
    # an example whose failure is ignored (ignore_errors) did not run either
    assert " failed=0 " in recap + " " and " ignored=0 " in recap + " ", output[-6000:]
    calls = live_api.core.list_calls(None)["calls"][calls_before:]
    assert calls, f"{name}: the examples made no API call"
    written = [call["action"] for call in calls if not call["action"].startswith(READ_PREFIXES)]
    if check_mode:
        assert written == [], f"{name}: examples in check mode wrote {written}"
    elif any(task_writes(task, name) for task in tasks):
        assert written and " changed=0 " not in recap + " ", f"{name}: the examples wrote nothing: {recap}"


def task_writes(task, name):
    """Whether an example task may write: it uses the module outside check mode, and the module is not an info
    module (a *_info module only reads)."""
    if name.endswith("_info") or task.get("check_mode") is True:
        return False
    module = f"tencent.cloud.{name}"
    if module in task:
        return True
    return any(task_writes(inner, name) for key in ("block", "rescue", "always") for inner in task.get(key) or [])

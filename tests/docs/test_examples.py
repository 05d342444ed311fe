# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The EXAMPLES of every module run against the emulator, as written and in order.

The modules are found in plugins/modules/ (a new module's examples run as soon as it lands);
tests/docs/examples.yml says how: the context the examples take, what a populated account holds, and, per
module, check mode, the streams' starting state, variables, tasks to run first, and the warnings check mode
gives. Its header is the manual.

Every module's EXAMPLES run module after module (in the order of their names) on one account, four times:
for real on an empty account and on a populated one, then with --check on an empty and on a populated one.
"""

import os
import re

import facts
import playrun
import pytest
import yaml
from doctext import Document

DECLARATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "examples.yml")
TOP_KEYS = {"context", "modules", "populated", "literal_times"}
ENTRY_KEYS = {"check_mode", "stream_state", "vars", "before", "check_mode_warnings"}
STREAM_STATES = ("forbid", "active", "inactive")
# Calls that change nothing: reads, and the credential chain's own
READ_PREFIXES = ("Describe", "AssumeRole")
# the emulator's push domain, where a populated account's other streams are
DOMAIN = "5000.livepush.myqcloud.com"
# (account, check mode): the four runs of every module's EXAMPLES
RUNS = (("empty", False), ("populated", False), ("empty", True), ("populated", True))
# what a check-mode task says when it needs what a task before it would create (_config_module.needs_creation)
CHECK_MODE_WARNING = re.compile(r"\[WARNING\]: (.*? yet: in check mode, .*? once a task before this one creates it)")


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


def play(tasks, before, context, name="The EXAMPLES of a module"):
    """One play on localhost: the tasks to run first, then the examples."""
    return [
        {
            "name": name,
            "hosts": "localhost",
            "gather_facts": False,
            "vars": context,
            "tasks": list(before) + list(tasks),
        }
    ]


def one_line(output):
    """The output with Ansible's line wrapping undone (ansible-core 2.16 wraps warnings at 79 columns, after a
    hyphen too), so a message can be looked for whole."""
    return re.sub(r"\s+", " ", re.sub(r"-\n", "-", output))


class Outcome:
    """One module's EXAMPLES in one run: the exit status, the output, its recap, the API calls it made."""

    def __init__(self, rc, output, calls):
        self.rc, self.output, self.calls = rc, output, calls
        self.recap = playrun.recap(output) + " " if rc == 0 else ""
        self.written = [call["action"] for call in calls if not call["action"].startswith(READ_PREFIXES)]
        self.check_mode_warnings = CHECK_MODE_WARNING.findall(one_line(output))


def run_playbook(path, workdir, api, tasks, context, check_mode=False, name="The EXAMPLES of a module"):
    path.write_text(yaml.safe_dump(play(tasks, [], context, name), sort_keys=False), encoding="utf-8")
    extra = ["--check"] if check_mode else None
    return playrun.run_playbook(path, workdir, playrun.emulator_env(api), extra_args=extra)


def run_examples(api, workdir, account, check_mode):
    """Every module's EXAMPLES, module after module, on one account; {module: Outcome}."""
    data = declarations()
    entries = data["modules"] or {}
    api.core.reset()
    others = []
    if account == "populated":
        populated = data["populated"]
        rc, output = run_playbook(
            workdir / "populate.yml", workdir, api, populated["tasks"], data["context"], name="A populated account"
        )
        assert rc == 0, output[-4000:]
        others = [{"domain_name": DOMAIN, "stream_name": n, "state": s} for n, s in populated["streams"].items()]
    outcomes = {}
    for name in facts.module_names():
        entry = entries.get(name) or {}
        context = dict(data["context"], **(entry.get("vars") or {}))
        tasks, _pointed = to_emulator(examples_of(name), api.url)
        # the streams as this module's examples expect them (a forbid of a name left by a check-mode run before
        # would cover the name everywhere), the configuration as the modules before left it
        api.core.clear_streams()
        api.core.seed_streams({"streams": others})
        playrun.seed(api, tasks, context["incident_streams"], entry.get("stream_state", "forbid"), reset=False)
        if entry.get("before"):  # run for real, also before examples in check mode
            rc, output = run_playbook(workdir / f"{name}-before.yml", workdir, api, entry["before"], context)
            assert rc == 0, output[-4000:]
        calls_before = len(api.core.list_calls(None)["calls"])
        rc, output = run_playbook(
            workdir / f"{name}.yml", workdir, api, tasks, context, check_mode or bool(entry.get("check_mode"))
        )
        outcomes[name] = Outcome(rc, output, api.core.list_calls(None)["calls"][calls_before:])
    return outcomes


@pytest.fixture(scope="module", params=RUNS, ids=[f"{a}{'-check' if c else ''}" for a, c in RUNS])
def examples_run(request, live_api, tmp_path_factory):
    account, check_mode = request.param
    workdir = tmp_path_factory.mktemp(f"examples-{account}{'-check' if check_mode else ''}")
    return account, check_mode, run_examples(live_api, workdir, account, check_mode)


def test_every_declaration_names_a_module_and_known_keys():
    data = declarations()
    assert set(data) == TOP_KEYS
    assert set(data["populated"]) == {"tasks", "streams"}
    for name, entry in (data["modules"] or {}).items():
        assert name in facts.module_names(), f"examples.yml: {name} is not a module of plugins/modules/"
        assert set(entry) <= ENTRY_KEYS, f"examples.yml: {name}: unknown keys {sorted(set(entry) - ENTRY_KEYS)}"
        assert entry.get("stream_state", "forbid") in STREAM_STATES, f"examples.yml: {name}: stream_state"


def test_the_modules_are_found():
    assert {"tencent_live_stream", "tencent_live_stream_info"} <= set(facts.module_names())


@pytest.mark.parametrize("name", facts.module_names())
def test_the_examples_run(examples_run, name):
    """Every task succeeds (an ignored failure counts as one); an example that writes writes, except in check mode,
    where nothing is written at all."""
    account, check_mode, outcomes = examples_run
    outcome = outcomes[name]
    assert outcome.rc == 0, outcome.output[-6000:]
    assert " failed=0 " in outcome.recap and " ignored=0 " in outcome.recap, outcome.output[-6000:]
    assert outcome.calls, f"{name}: the examples made no API call"
    entry = (declarations()["modules"] or {}).get(name) or {}
    if check_mode or entry.get("check_mode"):
        assert outcome.written == [], f"{name}: examples in check mode wrote {outcome.written}"
    elif any(task_writes(task, name) for task in examples_of(name)):
        assert outcome.written and " changed=0 " not in outcome.recap, f"{name} ({account}): wrote nothing"


@pytest.mark.parametrize("name", facts.module_names())
def test_check_mode_says_what_a_task_before_would_create(examples_run, name):
    """In check mode on an empty account a task that needs a template an earlier example creates warns saying so --
    exactly the warnings examples.yml declares (check_mode_warnings), no other; on a populated account, where the
    examples' templates exist, none. Outside check mode, none either."""
    account, check_mode, outcomes = examples_run
    entry = (declarations()["modules"] or {}).get(name) or {}
    declared = (entry.get("check_mode_warnings") or []) if check_mode and account == "empty" else []
    warned = outcomes[name].check_mode_warnings
    assert len(warned) == len(declared), f"{name} ({account}, check mode {check_mode}) warned {warned}"
    for expected in declared:
        assert any(expected in warning for warning in warned), f"{name}: no warning says {expected!r}: {warned}"


@pytest.mark.parametrize("name", facts.module_names())
def test_what_an_example_prints_is_words(examples_run, name):
    """A message an example prints says what it found in words, also when it found nothing: never a bare list
    with nothing in it (tencent_live_callback_info's example printed ``[] use []`` on an account without rules)."""
    _account, _check_mode, outcomes = examples_run
    empty = [line.strip() for line in outcomes[name].output.splitlines() if re.search(r'"msg": .*\[\]', line)]
    assert not empty, f"{name}: {empty}"


def task_writes(task, name):
    """Whether an example task may write: it uses the module outside check mode, and the module is not an info
    module (a *_info module only reads)."""
    if name.endswith("_info") or task.get("check_mode") is True:
        return False
    module = f"tencent.cloud.{name}"
    if module in task:
        return True
    return any(task_writes(inner, name) for key in ("block", "rescue", "always") for inner in task.get(key) or [])

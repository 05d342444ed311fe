# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The filters of playbooks/forbid_streams.yml (plugins/filter/; their code: plugins/plugin_utils/_forbid_plan.py):
callbacks decoded as hostile data (names exactly as they came, each stream's own reason, what cannot be acted on
listed, never guessed at), reasons cut to 2048 bytes, the re-run of what a failed run did not forbid, the output inert
to templating on every ansible-core, and the EXAMPLES of their documentation run as written (against the emulator
where they forbid)."""

import base64
import importlib
import json
import os
import shlex

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

from ansible_collections.tencent.cloud.plugins.filter import callbacks_to_forbid as callbacks_to_forbid_file
from ansible_collections.tencent.cloud.plugins.plugin_utils._forbid_plan import (
    callbacks_to_forbid,
    cut_reason,
    forbid_rerun,
    streams_to_forbid,
)
from ansible_collections.tencent.cloud.tests.unit.plugins.modules.conftest import run_playbook

DOMAIN = "5000.livepush.myqcloud.com"
INJECTION = "{{ 6 * 7 }}{% if true %}X{% endif %}"


def b64(value):
    return base64.b64encode(json.dumps(value).encode()).decode()


def block(stream, **fields):
    callback = {"event": "moderation", "event_type": 317, "domain_name": DOMAIN, "app_name": "live"}
    callback.update(stream_name=stream, suggestion="Block", label="Porn", sub_label="PornHigh")
    callback.update(fields)
    return callback


def test_one_callback_and_a_batch_give_the_same_plan_shape_with_each_streams_own_reason():
    assert callbacks_to_forbid(b64(block("a"))) == callbacks_to_forbid(b64([block("a")]))
    plan = callbacks_to_forbid(b64([block("a"), block("b", label="Ad", sub_label=None), block("c", sub_label="")]))
    assert plan["error"] is None and plan["refused"] == [] and plan["refused_command"] is None
    [group] = plan["groups"]
    assert (group["domain_name"], group["app_name"], group["stream_names"]) == (DOMAIN, "live", ["a", "b", "c"])
    assert group["reasons"] == {
        "a": "Tencent moderation: Block Porn PornHigh",
        "b": "Tencent moderation: Block Ad",
        "c": "Tencent moderation: Block Porn",
    }
    assert [s["callback"]["stream_name"] for s in plan["streams"]] == ["a", "b", "c"]


def test_streams_are_grouped_by_domain_and_app_and_a_stream_named_twice_is_forbidden_once_with_its_first_reason():
    callbacks = [block("a"), block("a", label="Ad"), block("a", app_name="other"), block("x", domain_name="d.example")]
    plan = callbacks_to_forbid(b64(callbacks))
    assert [(g["domain_name"], g["app_name"], g["stream_names"]) for g in plan["groups"]] == [
        (DOMAIN, "live", ["a"]),
        (DOMAIN, "other", ["a"]),
        ("d.example", "live", ["x"]),
    ]
    assert plan["groups"][0]["reasons"]["a"] == "Tencent moderation: Block Porn PornHigh"


@pytest.mark.parametrize("name", ["2024_05_01", "True", "null", "[1]", "1e5", "0x1F", "\u4e2d\u6587", "a b"])
def test_names_are_taken_exactly_as_they_came(name):
    plan = callbacks_to_forbid(b64([block(name)]))
    assert plan["groups"][0]["stream_names"] == [name] and isinstance(plan["groups"][0]["stream_names"][0], str)


@pytest.mark.parametrize(
    "name, why",
    [
        ("victim\u00a0", "control or invisible character"),
        (" victim2 ", "leading or trailing white space"),
        ("evade\u200b", "control or invisible character"),
        ("a\nb", "control or invisible character"),
        ("x" * 1025, "1025 characters long"),
    ],
)
def test_a_name_the_module_would_refuse_is_refused_alone_never_trimmed_and_the_rest_of_the_batch_goes_on(name, why):
    """One such name in a batch would fail tencent_live_stream's checks for the whole task: it is listed instead."""
    plan = callbacks_to_forbid(b64([block("ok"), block(name), block("also-ok")]))
    assert plan["groups"][0]["stream_names"] == ["ok", "also-ok"]
    [refused] = plan["refused"]
    assert refused["why"].startswith("cannot be acted on: stream_name") and why in refused["why"]
    assert name.strip() not in plan["groups"][0]["stream_names"]


@pytest.mark.parametrize(
    "fields, why",
    [
        ({"stream_name": None}, "names no stream name"),
        ({"stream_name": ""}, "names no stream name"),
        ({"stream_name": 42}, "has a stream name that is not text (int)"),
        ({"domain_name": None}, "names no push domain"),
        ({"app_name": ["live"]}, "has a app that is not text (list)"),
    ],
)
def test_a_callback_that_cannot_be_acted_on_is_listed_never_guessed_at(fields, why):
    plan = callbacks_to_forbid(b64([block("ok"), block("bad", **fields)]))
    assert plan["groups"][0]["stream_names"] == ["ok"] and len(plan["streams"]) == 1
    assert [r["why"] for r in plan["refused"]] == [why]
    assert "None" not in json.dumps(plan["groups"])


def test_a_callback_without_a_domain_takes_domain_name_if_given_or_says_how_to_forbid_it_by_hand():
    callback = block("nodomain", domain_name=None, app_name=None)
    plan = callbacks_to_forbid(b64(callback), domain_name="given.example")
    assert [(g["domain_name"], g["app_name"]) for g in plan["groups"]] == [("given.example", "live")]
    plan = callbacks_to_forbid(b64(callback))
    assert plan["groups"] == [] and plan["refused"] == [{"why": "names no push domain", "stream": "nodomain"}]
    prefix = "ansible-playbook tencent.cloud.forbid_streams -e domain_name=YOUR.PUSH.DOMAIN -e tencent_live_b64="
    assert plan["refused_command"].startswith(prefix)
    again = plan["refused_command"][len(prefix) :]
    assert json.loads(base64.b64decode(again))["stream_name"] == "nodomain"
    assert callbacks_to_forbid(again, domain_name="d.example")["groups"][0]["stream_names"] == ["nodomain"]


@pytest.mark.parametrize(
    "value, message",
    [
        ("not base64!", "tencent_live_b64 is not base64 text"),
        (
            base64.b64encode(b"no json here").decode(),
            "tencent_live_b64 is base64, but not of the JSON text of a callback",
        ),
        (
            base64.b64encode(b"\xff\xfe").decode(),
            "is base64, but not of the JSON text of a callback (UnicodeDecodeError",
        ),
        (b64("a string"), "holds neither a callback (a JSON object) nor a batch"),
        (b64([1, 2]), "holds neither a callback"),
        (b64([]), "holds neither a callback"),
        (12, "tencent_live_b64 is not base64 text"),
    ],
)
def test_what_is_not_a_callback_is_said_in_the_plan_with_the_fix(value, message):
    plan = callbacks_to_forbid(value)
    assert message in plan["error"]
    assert plan["groups"] == [] and plan["streams"] == []


@pytest.mark.parametrize(
    "text, cut",
    [
        ("a" * 2048, False),
        ("a" * 2049, True),
        ("\u00e9" * 1024, False),
        ("\u00e9" * 1025, True),
        ("\u4e2d" * 683, True),
        ("a" + "\U0001f600" * 600, True),
        ("b" * 5000, True),
    ],
)
def test_a_reason_is_cut_to_2048_bytes_at_a_character(text, cut):
    result = cut_reason(text)
    size = len(result.encode())
    if not cut:
        assert result == text
    else:
        assert result.endswith("...") and text.startswith(result[:-3]) and 2045 <= size <= 2048


def test_a_long_label_gives_a_reason_of_at_most_2048_bytes():
    plan = callbacks_to_forbid(b64(block("long", label="\u4e2d" * 3000)))
    reason = plan["groups"][0]["reasons"]["long"]
    assert reason.startswith("Tencent moderation: Block \u4e2d") and len(reason.encode()) <= 2048


def test_streams_to_forbid_splits_a_survey_answer_and_cuts_the_reason():
    plan = streams_to_forbid("a, b\r\nc  a", domain_name=DOMAIN, reason="  " + "r" * 3000)
    [group] = plan["groups"]
    assert group["stream_names"] == ["a", "b", "c"] and group["app_name"] == "live"
    assert set(group["reasons"]) == {"a", "b", "c"} and len(group["reasons"]["a"].encode()) == 2048
    assert streams_to_forbid(["x y"], domain_name=DOMAIN, app_name="app", reason="r")["groups"][0]["stream_names"] == [
        "x y"
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        ({"stream_names": "a", "reason": "r"}, "domain_name is required"),
        ({"stream_names": "a", "domain_name": DOMAIN}, "reason is required"),
        ({"stream_names": " ,\n", "domain_name": DOMAIN, "reason": "r"}, "stream_names is empty"),
        ({"stream_names": 5, "domain_name": DOMAIN, "reason": "r"}, "stream_names must be a list"),
    ],
)
def test_streams_to_forbid_refuses_what_is_missing(args, message):
    from ansible.errors import AnsibleFilterError

    with pytest.raises(AnsibleFilterError, match=message):
        streams_to_forbid(args.pop("stream_names"), **args)


def module_result(*streams, failed=None):
    """A tencent_live_stream result: (name, failed) pairs."""
    rows = [{"domain_name": DOMAIN, "app_name": "live", "stream_name": n, "failed": f} for n, f in streams]
    result = {"streams": rows, "failed": any(f for _name, f in streams) if failed is None else failed}
    if result["failed"]:
        result["msg"] = "1 of 2 streams failed: UnauthorizedOperation"
    return result


def test_forbid_rerun_names_what_was_not_forbidden_and_the_command_that_forbids_only_that():
    plan = callbacks_to_forbid(b64([block("ok"), block("fails", label="Ad"), block("late", domain_name="d.example")]))
    results = {
        "results": [module_result(("ok", False), ("fails", True))],
        "failed": True,
        "msg": "One or more items failed",
    }
    rerun = forbid_rerun(plan, results, {"resume_after": "2h"})
    assert rerun["streams"] == [f"{DOMAIN}/live/fails", "d.example/live/late"]  # the second group never ran
    assert rerun["why"] == "1 of 2 streams failed: UnauthorizedOperation" and rerun["vars_file"] is None
    words = shlex.split(rerun["command"])
    assert words[:4] == ["ansible-playbook", "tencent.cloud.forbid_streams", "-e", words[3]] and words[4:] == [
        "-e",
        "resume_after=2h",
    ]
    again = callbacks_to_forbid(words[3].split("=", 1)[1])
    assert [s["stream_name"] for s in again["streams"]] == ["fails", "late"]
    assert again["groups"][0]["reasons"]["fails"] == "Tencent moderation: Block Ad PornHigh"
    assert forbid_rerun(plan, None)["streams"] == [f"{DOMAIN}/live/ok", f"{DOMAIN}/live/fails", "d.example/live/late"]
    done = {"results": [module_result(("ok", False), ("fails", False)), module_result(("late", False))]}
    done["results"][1]["streams"][0]["domain_name"] = "d.example"
    assert forbid_rerun(plan, done) == {"streams": [], "why": None, "command": None, "vars_file": None}


def test_forbid_rerun_of_names_gives_them_back_as_json_and_quotes_for_the_shell():
    plan = streams_to_forbid(["it's", "b"], domain_name=DOMAIN, reason="Complaint; rm -rf /")
    rerun = forbid_rerun(plan, module_result(("it's", True), ("b", False)), {"resume_time": "2030-01-01T00:00:00Z"})
    words = shlex.split(rerun["command"])
    assert json.loads(words[3]) == {
        "domain_name": DOMAIN,
        "app_name": "live",
        "stream_names": ["it's"],
        "reason": "Complaint; rm -rf /",
    }
    assert words[4:] == ["-e", "resume_time=2030-01-01T00:00:00Z"]


def test_a_re_run_too_long_for_one_argument_goes_through_a_file():
    plan = callbacks_to_forbid(b64([block(f"raid-{n:04d}", label="x" * 100) for n in range(1000)]))
    rerun = forbid_rerun(plan, None, {"resume_after": "24h"})
    assert rerun["command"] == "ansible-playbook tencent.cloud.forbid_streams -e @forbid-rerun.yml -e resume_after=24h"
    assert len(callbacks_to_forbid(yaml.safe_load(rerun["vars_file"])["tencent_live_b64"])["streams"]) == 1000


def test_names_in_messages_have_control_characters_escaped():
    plan = callbacks_to_forbid(b64([block("evil\x1b[2J\r\nname")]))
    assert plan["refused"][0]["stream"] == "evil\\x1b[2J\\r\\nname"
    plan = streams_to_forbid(["evil\x1b[2J"], domain_name=DOMAIN, reason="r")  # an operator's, not checked here
    assert forbid_rerun(plan, None)["streams"] == [f"{DOMAIN}/live/evil\\x1b[2J"]
    assert plan["groups"][0]["stream_names"] == ["evil\x1b[2J"]  # the name itself exactly as it came


def strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def test_the_output_is_never_rendered_as_a_template():
    """On ansible-core before 2.19 every string is AnsibleUnsafe (a plain str would be rendered: 42); after, none is
    trusted as a template. Either way templating the plan gives it back unchanged."""
    plan = callbacks_to_forbid(b64([block(INJECTION, label=INJECTION)]), domain_name=INJECTION)
    rerun = forbid_rerun(plan, None, {"resume_after": INJECTION})
    templar = Templar(loader=DataLoader())
    for value in (plan, rerun):
        assert INJECTION in json.dumps(value)
        assert templar.template(value) == value
        for text in strings(value):
            assert templar.template(text) == text
    assert plan["groups"][0]["reasons"][INJECTION] == f"Tencent moderation: Block {INJECTION} PornHigh"


FILTERS = os.path.dirname(callbacks_to_forbid_file.__file__)


def filter_file(name):
    """plugins/filter/<name>.py, loaded as ansible-core's plugin loader loads it."""
    return importlib.import_module(f"ansible_collections.tencent.cloud.plugins.filter.{name}")


def test_each_filter_is_a_file_of_its_own_that_documents_it_and_gives_it():
    """One filter a file, named as the filter, with its documentation inside (ansible-doc reads it there; galaxy-importer
    lints every file of plugins/filter/ as Python, so documentation in .yml files next to them fails its import)."""
    names = sorted(name[:-3] for name in os.listdir(FILTERS) if name.endswith(".py") and name != "__init__.py")
    assert names == ["callbacks_to_forbid", "forbid_rerun", "streams_to_forbid"]
    assert not [name for name in os.listdir(FILTERS) if name.endswith((".yml", ".yaml"))]
    code = {
        "callbacks_to_forbid": callbacks_to_forbid,
        "forbid_rerun": forbid_rerun,
        "streams_to_forbid": streams_to_forbid,
    }
    for name in names:
        module = filter_file(name)
        assert yaml.safe_load(module.DOCUMENTATION)["name"] == name
        assert yaml.safe_load(module.EXAMPLES) and yaml.safe_load(module.RETURN)["_value"]
        assert module.FilterModule().filters() == {name: code[name]}


@pytest.mark.parametrize("name", ["callbacks_to_forbid", "streams_to_forbid", "forbid_rerun"])
def test_the_examples_run_as_written(name, tmp_path, live_api_fresh):
    tasks = yaml.safe_load(filter_file(name).EXAMPLES)
    playbook = tmp_path / "examples.yml"
    playbook.write_text(
        yaml.safe_dump([{"hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}])
    )
    core = live_api_fresh.core
    core.seed_streams({"streams": [{"domain_name": DOMAIN, "stream_name": "stream1"}]})
    env = {
        "TENCENTCLOUD_SECRET_ID": "AKIDEMULATOR00000000000000000000000",
        "TENCENTCLOUD_SECRET_KEY": "emulator-secret-key-0000000000000000",
        "TENCENTCLOUD_LIVE_ENDPOINT": live_api_fresh.url,
    }
    extra = ["tencent_live_b64=" + b64([block("stream1")])]
    done = run_playbook(playbook, tmp_path, extra_vars=extra, env=env)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    if name == "callbacks_to_forbid":
        [row] = core.list_streams({"stream_name": ["stream1"]})["streams"]
        assert (row["state"], row["reason"]) == ("forbid", "Tencent moderation: Block Porn PornHigh")

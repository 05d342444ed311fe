# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/forbid_streams.yml on the oldest and the newest supported ansible-core (.venv-2.16 and
.venv, hack/eda-test.sh names them), started with its extra vars exactly as ansible-rulebook writes
them (env/extravars: yaml.dump of the rule's extra_vars and ansible_eda.event), against the emulator:

- callback text holding Jinja is never rendered: no MARKER file, the forbid names the literal text;
- a name that looks like a number is forbidden by exactly that name;
- a stream that is not pushing: one read, no forbid; a reason is cut to 2048 bytes in UTF-8;
- a failed forbid names the stream and the command that runs it again.
"""

import base64
import json
import os
import subprocess

import pytest
import yaml
from conftest import DOMAIN, EMULATOR_CREDENTIALS, ansible_environment, collections_path_or_fail, injections

CORE_VENVS = os.environ.get("TENCENT_EDA_CORE_VENVS", "").split()
EMULATOR_KEY = EMULATOR_CREDENTIALS["TENCENTCLOUD_SECRET_KEY"]


@pytest.fixture(params=CORE_VENVS or ["(not set)"], ids=os.path.basename)
def core_venv(request):
    assert CORE_VENVS, "TENCENT_EDA_CORE_VENVS is not set: run these tests with make eda-test"
    assert os.path.isfile(os.path.join(request.param, "bin", "ansible-playbook")), request.param
    return request.param


def b64(info):
    return base64.b64encode(json.dumps(info).encode()).decode()


def moderation(stream, **fields):
    info = {"event": "moderation", "event_type": 317, "domain_name": DOMAIN, "app_name": "live"}
    info.update(stream_name=stream, suggestion="Block", label="Porn", sub_label="PornHigh")
    info.update(fields)
    return info


class Play:
    def __init__(self, tmp_path, core_venv, live_api):
        self.tmp_path, self.live_api = tmp_path, live_api
        python = os.path.join(core_venv, "bin", "python")
        self.command = [os.path.join(core_venv, "bin", "ansible-playbook"), "-i", "inventory.yml"]
        self.environment = ansible_environment(tmp_path, collections_path_or_fail(), live_api.url, python)

    def run(self, extra_vars, event=None):
        """ansible-playbook tencent.cloud.forbid_streams with extra vars written as ansible-rulebook does."""
        extra = dict(extra_vars)
        if event is not None:
            extra["ansible_eda"] = {"ruleset": "r", "rule": "Block", "event": event}
        (self.tmp_path / "extravars").write_text(yaml.dump(extra))
        done = subprocess.run(
            [*self.command, "tencent.cloud.forbid_streams", "-e", "@extravars"],
            cwd=self.tmp_path,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        return done.returncode, done.stdout + done.stderr


@pytest.fixture
def play(tmp_path, core_venv, live_api_fresh):
    return Play(tmp_path, core_venv, live_api_fresh)


def seed(core, *names, state="active"):
    core.seed_streams({"streams": [{"domain_name": DOMAIN, "stream_name": n, "state": state} for n in names]})
    core.clear_calls()


def admitted(core, action):
    return [c for c in core.list_calls(action)["calls"] if c["admitted"]]


def test_template_text_in_any_callback_field_stays_data(play, tmp_path):
    core = play.live_api.core
    INJECTIONS = injections(tmp_path / "MARKER")
    names = [f"inj-{n}" for n in range(len(INJECTIONS))]
    seed(core, *names, INJECTIONS[0])
    for name, text in zip([*names, INJECTIONS[0]], (*INJECTIONS, INJECTIONS[1])):
        info = moderation(name, label=text, sub_label=text, suggestion=f"Block {text}")
        event = {"tencent_live": info, "payload": {"stream_param": text, "streamId": name}, "meta": {"e": text}}
        status, output = play.run({"tencent_live_b64": b64(info), "resume_after": "2h"}, event=dict(event))
        assert status == 0, output
        assert not (tmp_path / "MARKER").exists(), output
    forbids = admitted(core, "ForbidLiveStream")
    assert sorted(c["stream_name"] for c in forbids) == sorted([*names, INJECTIONS[0]])
    row = core.list_streams({"stream_name": ["inj-0"]})["streams"][0]
    assert row["reason"] == f"Tencent moderation: Block {INJECTIONS[0]} {INJECTIONS[0]} {INJECTIONS[0]}"
    assert not (tmp_path / "MARKER").exists()


LOOKS_LIKE_A_LITERAL = ["2024_05_01", "1_000", "0x1F", "1.50", "1e5", "00", "True", "null", "[1]"]


def test_names_that_look_like_literals_are_forbidden_by_exactly_that_name(play):
    core = play.live_api.core
    seed(core, *LOOKS_LIKE_A_LITERAL)
    for name in LOOKS_LIKE_A_LITERAL:
        status, output = play.run({"tencent_live_b64": b64(moderation(name))})
        assert status == 0, output
    assert sorted(c["stream_name"] for c in admitted(core, "ForbidLiveStream")) == sorted(LOOKS_LIKE_A_LITERAL)


def test_a_stream_that_is_not_pushing_is_read_once_and_not_forbidden(play):
    core = play.live_api.core
    seed(core, "off-air", state="inactive")
    seed(core, "gone", state="forbid")
    not_pushing = "Not pushing now, so not forbidden (nothing to stop; the next push is moderated again): {}."
    kept = "Already forbidden, their ban unchanged (Tencent does not report its end): {}."
    for name, said in (("off-air", not_pushing), ("never-seen", not_pushing), ("gone", kept)):
        status, output = play.run({"tencent_live_b64": b64(moderation(name, sub_label=None))})
        assert status == 0, output
        assert said.format(name) in " ".join(output.split()), output
    reads = admitted(core, "DescribeLiveStreamState")
    assert sorted(c["stream_name"] for c in reads) == ["gone", "never-seen", "off-air"]
    assert admitted(core, "ForbidLiveStream") == []


@pytest.mark.parametrize(
    "reason",
    ["a" * 2048, "a" * 2049, "a" * 2050, "\u00e9" * 1025, "\u4e2d" * 683, "a" + "\U0001f600" * 600, "b" * 5000],
    ids=["2048", "2049", "2050", "2-byte", "3-byte", "4-byte", "5000"],
)
def test_a_reason_is_cut_to_2048_bytes_and_the_forbid_succeeds(play, reason):
    core = play.live_api.core
    seed(core, "long-reason")
    status, output = play.run({"domain_name": DOMAIN, "stream_names": ["long-reason"], "reason": reason})
    assert status == 0, output
    [row] = core.list_streams({"stream_name": ["long-reason"]})["streams"]
    sent = row["reason"].encode()
    assert len(sent) <= 2048
    if len(reason.encode()) <= 2048:
        assert row["reason"] == reason
    else:
        assert row["reason"].endswith("...") and reason.startswith(row["reason"][:-3])
        assert len(sent) >= 2042  # cut to fit, not to a fraction of it


def test_a_reason_built_from_labels_leaves_missing_ones_out(play):
    core = play.live_api.core
    seed(core, "no-sub")
    status, output = play.run({"tencent_live_b64": b64(moderation("no-sub", sub_label=None))})
    assert status == 0, output
    assert core.list_streams({"stream_name": ["no-sub"]})["streams"][0]["reason"] == "Tencent moderation: Block Porn"


def test_a_second_block_for_a_forbidden_stream_claims_no_new_end(play):
    """By hand and from a rulebook alike, the playbook says the stream kept its ban (the guide says so)."""
    core = play.live_api.core
    seed(core, "twice")
    assert play.run({"domain_name": DOMAIN, "stream_names": "twice", "reason": "x"})[0] == 0
    status, output = play.run({"domain_name": DOMAIN, "stream_names": "twice", "reason": "y"})
    assert status == 0, output
    text = " ".join(output.split())
    assert (
        "0 stream(s) forbidden" in text
        and "Already forbidden, their ban unchanged (Tencent does not report its end): twice." in text
    )
    status, output = play.run({"tencent_live_b64": b64(moderation("twice", label="Ad"))})
    text = " ".join(output.split())
    assert status == 0 and "Already forbidden, their ban unchanged (Tencent does not report its end): twice." in text
    assert "Not pushing now, so not forbidden (nothing to stop; the next push is moderated again): (none)." in text
    assert core.list_streams({"stream_name": ["twice"]})["streams"][0]["reason"] == "x"


def rerun_argument(text, prefix="ansible-playbook tencent.cloud.forbid_streams -e "):
    """The extra var of the re-run command in a playbook's output."""
    return text.split(prefix, 1)[1].split(" ", 1)[0]


def test_a_failed_forbid_names_the_stream_and_how_to_run_it_again(play):
    core = play.live_api.core
    seed(core, "fails")
    play.environment["TENCENTCLOUD_SECRET_KEY"] = "not-the-emulator-key-000000000000000"
    info = moderation("fails")
    status, output = play.run({"tencent_live_b64": b64(info), "resume_after": "2h"})
    assert status != 0
    text = " ".join(output.split())
    assert f"FORBID FAILED for {DOMAIN}/live/fails: " in text and "AuthFailure" in text
    argument = rerun_argument(text)
    assert argument.startswith("tencent_live_b64=") and f"{argument} -e resume_after=2h" in text
    assert json.loads(base64.b64decode(argument.split("=", 1)[1])) == info  # the callback, to forbid it again
    assert "not-the-emulator-key" not in output
    play.environment["TENCENTCLOUD_SECRET_KEY"] = EMULATOR_KEY  # the cause fixed, the command as printed
    status, output = play.run({"tencent_live_b64": argument.split("=", 1)[1], "resume_after": "2h"})
    assert status == 0 and core.list_streams({"stream_name": ["fails"]})["streams"][0]["state"] == "forbid", output


def test_a_callback_without_a_domain_says_how_to_forbid_it_by_hand(play):
    info = moderation("nodomain", domain_name=None)
    status, output = play.run({"tencent_live_b64": b64(info)})
    assert status != 0
    text = " ".join(output.split())
    assert (
        "NOT FORBIDDEN: 1 callback(s) could not be acted on: the callback for stream nodomain names no push domain."
        in text
    )
    argument = rerun_argument(text, "-e domain_name=YOUR.PUSH.DOMAIN -e ")
    assert json.loads(base64.b64decode(argument.split("=", 1)[1]))["stream_name"] == "nodomain"


def test_base64_that_is_not_json_is_said_clearly(play):
    status, output = play.run({"tencent_live_b64": base64.b64encode(b"not json at all").decode()})
    assert status != 0
    text = " ".join(output.split())
    assert "tencent_live_b64 is base64, but not of the JSON text of a callback" in text
    assert "give the event's tencent_live_b64 exactly as the rulebook has it" in text
    assert "Traceback" not in output and "template" not in text.lower()


def batch_event(callbacks):
    """The event of a batch as the source emits it (_live_callback/batch.py), as ansible_eda.event carries it."""
    summary = {"event": "moderation", "suggestion": "Block", "size": len(callbacks), "callbacks": callbacks}
    return {"tencent_live_batch": summary, "tencent_live_b64": b64(callbacks), "meta": {"endpoints": ["/live"]}}


def test_a_batch_forbids_each_pushing_stream_once_with_its_own_reason_and_lists_what_it_cannot_act_on(play, tmp_path):
    """The extra vars exactly as ansible-rulebook writes them for the shipped rule (the batch's tencent_live_b64 and
    resume_after, and the event as ansible_eda.event), on the oldest and the newest ansible-core."""
    core = play.live_api.core
    marker = tmp_path / "MARKER"
    texts = injections(marker)
    pushing = ["raid-1", "raid-2", *LOOKS_LIKE_A_LITERAL, "victim", "victim2", "evade\u200b"]
    seed(core, *pushing)
    seed(core, "off-air", state="inactive")
    seed(core, "banned", state="forbid")
    callbacks = [
        moderation("raid-1", label=texts[0], sub_label=texts[1]),
        moderation("raid-2", label="Ad", sub_label=None),
        moderation("raid-1", label="Illegal"),  # the same stream twice: forbidden once, the first reason
        *(moderation(name) for name in LOOKS_LIKE_A_LITERAL),
        moderation("off-air"),
        moderation("banned"),
        moderation("victim\u00a0"),  # names that are not exactly a stream's: refused, never trimmed
        moderation(" victim2 "),
        moderation("evade\u200b"),
        moderation(None),  # no stream name: nothing to forbid (not the stream "None")
    ]
    status, output = play.run({"tencent_live_b64": b64(callbacks), "resume_after": "2h"}, event=batch_event(callbacks))
    assert status != 0, output  # it says what it could not act on
    forbids = [c["stream_name"] for c in admitted(core, "ForbidLiveStream")]
    assert sorted(forbids) == sorted(["raid-1", "raid-2", *LOOKS_LIKE_A_LITERAL])  # exactly once each
    reads = sorted(c["stream_name"] for c in admitted(core, "DescribeLiveStreamState"))
    assert reads == sorted(["raid-1", "raid-2", *LOOKS_LIKE_A_LITERAL, "off-air", "banned"])  # one read each
    rows = {r["stream_name"]: r for r in core.list_streams({})["streams"]}
    assert rows["raid-1"]["reason"] == f"Tencent moderation: Block {texts[0]} {texts[1]}"
    assert rows["raid-2"]["reason"] == "Tencent moderation: Block Ad"
    for name, state in (
        ("victim", "active"),
        ("victim2", "active"),
        ("evade\u200b", "active"),
        ("off-air", "inactive"),
    ):
        assert rows[name]["state"] == state, name
    assert "None" not in rows
    text = " ".join(output.split())
    assert f"{2 + len(LOOKS_LIKE_A_LITERAL)} stream(s) forbidden until" in text
    assert "Already forbidden, their ban unchanged (Tencent does not report its end): banned." in text
    assert "moderated again): off-air." in text
    assert "NOT FORBIDDEN: 4 callback(s) could not be acted on" in text and "a callback names no stream name" in text
    assert "stream_name ' victim2 ' has leading or trailing white space" in text.replace("\\'", "'")
    said = text.split("NOT FORBIDDEN: ", 1)[1].split("a callback names no stream name.", 1)[0]
    assert said.count("contains a control or invisible character") == 2  # victim\u00a0 and evade\u200b
    assert not marker.exists()

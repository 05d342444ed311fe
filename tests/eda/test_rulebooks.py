# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The real engine: ansible-rulebook (Java 17) runs the shipped rulebooks with tencent.cloud.live_callback
from the collection built and installed by hack/eda-test.sh, and the Live API emulator sends the callbacks
and answers the forbids. Every claim is read from the emulator's stream state and call log (exact
counts); outcomes are polled with generous bounds, never waited for with a fixed sleep.

- moderation_forbid: Block forbids the stream with the label as reason and a resume time; Pass
  changes nothing; a re-delivered callback starts nothing twice; a second Block changes nothing.
- forbidden_encoders: an encoder retrying a forbidden stream is reported once; a push is "back on air".
"""

import collections
import datetime
import os
import re
import socket
import subprocess
import sys
import time

import pytest
from conftest import (
    DOMAIN,
    KEY,
    ansible_environment,
    collections_path_or_fail,
    end_process_tree,
    free_port,
    injections,
)

START_TIMEOUT = 180  # the JVM and the rule engine start in seconds; a loaded 2-core machine may take longer
OUTCOME_TIMEOUT = 180
CORE_VENVS = os.environ.get("TENCENT_EDA_CORE_VENVS", "").split()


@pytest.fixture(scope="module")
def collections_path():
    return collections_path_or_fail()


class Rulebook:
    """One ansible-rulebook process running a rulebook of the installed collection; the playbooks it starts
    run with the ansible-playbook of ``core_venv`` (first on PATH) or of the EDA venv."""

    def __init__(
        self, tmp_path, collections_path, name, port, endpoint, core_venv=None, options=(), env=None, **variables
    ):
        """options: more ansible-rulebook options; env: more environment variables for it."""
        self.port = port
        self.log_path = tmp_path / f"{name}.log"
        python = os.path.join(core_venv, "bin", "python") if core_venv else sys.executable
        environment = ansible_environment(tmp_path, collections_path, endpoint, python)
        environment.update(env or {})
        lines = [f"live_callback_port: {port}"] + [f"{key}: {value}" for key, value in variables.items()]
        (tmp_path / "vars.yml").write_text("\n".join(lines) + "\n")
        command = [os.path.join(os.path.dirname(sys.executable), "ansible-rulebook")]
        command += ["-r", f"tencent.cloud.{name}", "-i", "inventory.yml", "--vars", "vars.yml", "-v", "--print-events"]
        command += list(options)
        self.log = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(
            command, cwd=tmp_path, env=environment, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def output(self):
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_listening(self):
        def listening():
            assert self.process.poll() is None, f"ansible-rulebook exited early:\n{self.output()[-4000:]}"
            with socket.socket() as probe:
                return probe.connect_ex(("127.0.0.1", self.port)) == 0

        poll(listening, START_TIMEOUT, "ansible-rulebook's source to listen", self)

    def stop(self):
        end_process_tree(self.process)  # ansible-rulebook, and every ansible-playbook it started
        self.log.close()


def poll(predicate, timeout, what, rulebook=None):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            tail = rulebook.output()[-6000:] if rulebook else ""
            raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{tail}")
        time.sleep(0.2)


@pytest.fixture
def start(tmp_path, collections_path, live_api, listener):
    """start(rulebook, **variables) -> a running Rulebook whose source the emulator's callbacks reach: the shipped
    rulebook with its listener's variables set as a hardened deployment sets them (HTTPS on 127.0.0.1, the senders
    allowed), and the emulator trusting its certificate."""
    started = []

    def run(name, core_venv=None, options=(), env=None, **variables):
        port = free_port()
        live_api.core.reset()
        live_api.core.callbacks.update({"url": listener.url(port), "key": KEY, "ca_file": listener.ca})
        live_api.core.callbacks.update({"retry_interval": 0.5})
        variables = dict(listener.variables, **variables)
        rulebook = Rulebook(tmp_path, collections_path, name, port, live_api.url, core_venv, options, env, **variables)
        started.append(rulebook)
        started[-1].wait_listening()
        return started[-1]

    yield run
    for rulebook in started:
        rulebook.stop()


def stream(core, name):
    [row] = core.list_streams({"stream_name": [name]})["streams"]
    return row


def calls(core, action, name):
    return sum(1 for c in core.list_calls(action)["calls"] if c["stream_name"] == name and c["admitted"])


def seed_active(core, *names):
    core.seed_streams({"streams": [{"domain_name": DOMAIN, "stream_name": name} for name in names]})


def moderate(core, name, **fields):
    return core.send_moderation(dict({"domain_name": DOMAIN, "stream_name": name}, **fields))


BATCH_EMITTED = re.compile(r"a batch of \d+ callback\(s\) emitted")


def settled(core, rulebook, timeout=OUTCOME_TIMEOUT):
    """Every delivery answered, and a playbook run ended for every batch the source emitted (the source logs each
    batch before the answers of its callbacks go out; ansible-playbook ends each run with PLAY RECAP)."""

    def done():
        output = rulebook.output()
        batches = len(BATCH_EMITTED.findall(output))
        return core.callbacks.describe()["pending"] == 0 and batches == output.count("PLAY RECAP")

    poll(done, timeout, "every delivery answered and every batch acted on", rulebook)


def wait_forbidden(core, name, rulebook):
    poll(lambda: stream(core, name)["state"] == "forbid", OUTCOME_TIMEOUT, f"{name} to be forbidden", rulebook)


def test_moderation_block_forbids_pass_changes_nothing_redelivery_starts_nothing_twice(start, live_api):
    core = live_api.core
    rulebook = start("moderation_forbid", forbid_for="2h")
    seed_active(core, "pass-1", "block-1", "again-1")
    core.clear_calls()

    moderate(core, "pass-1", suggestion="Pass", label="Normal")
    moderate(core, "block-1", suggestion="Block", label="Porn", sub_label="PornHigh")
    wait_forbidden(core, "block-1", rulebook)
    row = stream(core, "block-1")
    assert row["reason"] == "Tencent moderation: Block Porn PornHigh"
    resume = datetime.datetime.strptime(row["resume_time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    ahead = resume - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(hours=1, minutes=50) < ahead <= datetime.timedelta(hours=2)

    # Tencent re-sends a callback whose answer it did not get: the same Block arrives twice
    [first, second] = moderate(core, "again-1", label="Ad", deliveries=2)["deliveries"]
    wait_forbidden(core, "again-1", rulebook)
    # a second, different Block for a stream already forbidden
    moderate(core, "block-1", suggestion="Block", label="Porn", sub_label="PornLow")
    settled(core, rulebook)
    kept = "Already forbidden, their ban unchanged (Tencent does not report its end): block-1."
    assert kept in rulebook.output()

    answers = {(d["delivery"], d["status"]) for d in core.callbacks.describe()["deliveries"] if d["event_type"] == 317}
    assert {(first, 200), (second, 200)} <= answers
    # one read before each forbid decides; the second Block: one read, no forbid
    assert (calls(core, "ForbidLiveStream", "again-1"), calls(core, "DescribeLiveStreamState", "again-1")) == (1, 1)
    assert (calls(core, "ForbidLiveStream", "block-1"), calls(core, "DescribeLiveStreamState", "block-1")) == (1, 2)
    assert stream(core, "block-1")["reason"] == "Tencent moderation: Block Porn PornHigh"  # unchanged
    assert stream(core, "pass-1")["state"] == "active"
    assert [c for c in core.list_calls(None)["calls"] if c["stream_name"] == "pass-1"] == []
    rulebook.stop()
    output = rulebook.output()
    assert "re-delivery of a moderation callback for 5000.livepush.myqcloud.com/live/again-1" in output
    assert f"listening on https://127.0.0.1:{rulebook.port}" in output and "plain HTTP" not in output
    assert KEY not in output


def test_an_encoder_retrying_a_forbidden_stream_is_reported_once(start, live_api):
    core = live_api.core
    rulebook = start("forbidden_encoders")
    core.callbacks.update({"forbidden_style": "sub_errcode"})  # errcode 18 with sub_errcode 305
    seed_active(core, "enc-1")  # a push: back on air
    core.forbid_stream({"DomainName": DOMAIN, "AppName": "live", "StreamName": "enc-1", "Reason": "test"})
    for attempt in range(3):  # the encoder keeps trying: three refused pushes
        assert core.push_attempt({"domain_name": DOMAIN, "stream_name": "enc-1"}) == {"refused": True}, attempt
    core.resume_stream({"DomainName": DOMAIN, "AppName": "live", "StreamName": "enc-1"})
    assert core.push_attempt({"domain_name": DOMAIN, "stream_name": "enc-1"}) == {"refused": False}

    back = f"PUSHING: {DOMAIN}/live/enc-1"
    poll(lambda: rulebook.output().count(back) == 2, OUTCOME_TIMEOUT, "the second push to be reported", rulebook)
    rulebook.stop()
    output = rulebook.output()
    statuses = [d["status"] for d in core.callbacks.describe()["deliveries"] if d["status"] != "ConnectionRefusedError"]
    assert statuses == [200] * 6  # push, interrupt (the forbid), three refusals, push
    assert output.count("FORBIDDEN STREAM RETRYING") == 1
    assert f"keeps pushing {DOMAIN}/live/enc-1, which is forbidden (interrupt code 18/305)" in " ".join(output.split())
    assert KEY not in output


def send(core, body, **fields):
    return core.send_callback({"body": dict(body, **fields)})


def moderation_body(stream, **fields):
    body = {"event_type": 317, "app": DOMAIN, "appname": "live", "streamId": stream, "suggestion": "Block"}
    body.update(label="Porn", subLabel="PornHigh", stream_param="txSecret=0&txTime=1")
    body.update(fields)
    return body


LOOKS_LIKE_A_LITERAL = ["2024_05_01", "1_000", "0x1F", "1.50", "1e5", "00", "True", "null", "[1]"]


@pytest.mark.parametrize("core_venv", CORE_VENVS or ["(not set)"], ids=os.path.basename)
def test_callback_text_is_data_names_keep_their_type_and_only_pushing_streams_are_forbidden(
    start, live_api, tmp_path, core_venv
):
    """The shipped moderation rulebook, the playbook run by the oldest and the newest ansible-core."""
    assert CORE_VENVS, "TENCENT_EDA_CORE_VENVS is not set: run these tests with make eda-test"
    core = live_api.core
    rulebook = start("moderation_forbid", core_venv=core_venv, forbid_for="2h")
    core.callbacks.update({"retries": 30, "retry_interval": 1.0})  # Tencent re-sends what did not get a 200
    marker = tmp_path / "MARKER"
    texts = injections(marker)
    carriers = [f"carrier-{n}" for n in range(len(texts))]
    seed_active(core, *carriers, *LOOKS_LIKE_A_LITERAL)
    core.seed_streams({"streams": [{"domain_name": DOMAIN, "stream_name": "off-air", "state": "inactive"}]})
    core.clear_calls()
    for text in texts:  # a name with template text: refused by the source (400), nothing forbidden
        for field in ("streamId", "app", "appname"):
            send(core, moderation_body("refused"), **{field: text})
    for carrier, text in zip(carriers, texts):  # template text in every other field: acted on, as data
        fields = {"label": text, "subLabel": text, "stream_param": text, "img": text, "extra": {"k": [text]}}
        send(core, moderation_body(carrier), **fields)
    for name in LOOKS_LIKE_A_LITERAL:
        send(core, moderation_body(name))
    send(core, moderation_body("off-air"))
    settled(core, rulebook)

    last = {d["delivery"]: d["status"] for d in core.callbacks.describe()["deliveries"]}  # each one's last try
    assert collections.Counter(last.values()) == {400: 3 * len(texts), 200: len(last) - 3 * len(texts)}
    forbids = [c["stream_name"] for c in core.list_calls("ForbidLiveStream")["calls"] if c["admitted"]]
    assert sorted(forbids) == sorted([*carriers, *LOOKS_LIKE_A_LITERAL])  # exactly one each
    for carrier, text in zip(carriers, texts):
        assert stream(core, carrier)["reason"] == f"Tencent moderation: Block {text} {text}"
    assert calls(core, "DescribeLiveStreamState", "off-air") == 1 and stream(core, "off-air")["state"] == "inactive"
    assert not marker.exists()
    rulebook.stop()
    assert not marker.exists()
    assert KEY not in rulebook.output()


def test_a_forbid_that_fails_says_so_in_ansible_rulebook_output_with_the_stream_and_the_next_step(start, live_api):
    core = live_api.core
    rulebook = start("moderation_forbid")
    seed_active(core, "fails-1")
    fault = {"action": "ForbidLiveStream", "kind": "error", "code": "UnauthorizedOperation", "count": 5}
    core.add_faults({"faults": [fault]})
    moderate(core, "fails-1", label="Porn")

    def text():
        return " ".join(rulebook.output().split())

    poll(lambda: "FORBID FAILED" in text(), OUTCOME_TIMEOUT, "the failure to be reported", rulebook)
    poll(lambda: "-e resume_after=24h" in text(), OUTCOME_TIMEOUT, "the whole message", rulebook)
    assert f"FORBID FAILED for {DOMAIN}/live/fails-1:" in text()
    assert "UnauthorizedOperation" in text()
    assert "ansible-playbook tencent.cloud.forbid_streams -e tencent_live_b64=" in text()
    assert stream(core, "fails-1")["state"] == "active"

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generated callback bodies (hypothesis) through the source and on into real ansible-rulebook and a playbook.

One ansible-rulebook process runs a rulebook with the source of the installed collection and two rules: every
fuzzed callback prints all of its tencent_live text (a debug action, as the shipped Review rules do) and runs a
playbook with the event in its extra vars (ansible-rulebook writes them as YAML, ansible-core reads them back);
a canary callback, sent after each body, is printed. Each body is answered 200 or 4xx; after a 200 its debug line
and the playbook's marker file appear, and after every body the canary is printed: the engine still takes events.

Fuzzing this way found what the source now refuses (_live_callback/body.py, carry_problem): an empty key at any
depth stops the engine for good (dpath, which ansible-rulebook walks every event with, raises on it); a number
JSON reads as infinity, a number of more than 1000 characters and a key of more than 50,000 are refused by
Jackson, so the callback is lost; a lone surrogate, and any character beyond U+FFFF (an emoji), which the engine
hands back split into surrogate halves: no action can print them and ansible-core's YAML reader refuses them.

The examples are few (each accepted one starts an ansible-playbook): about a minute or two on an idle 2-core
machine. No shrinking: once the engine is stuck every later body fails too, so the first failing body is the one
reported.
"""

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import (
    DOMAIN,
    KEY,
    ansible_environment,
    collections_path_or_fail,
    end_process_tree,
    free_port,
    load_body,
)
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

CORE_VENVS = os.environ.get("TENCENT_EDA_CORE_VENVS", "").split()
START_TIMEOUT = 180
STEP_TIMEOUT = 180  # a loaded machine may take long to start one ansible-playbook; only a failure waits this long
EXAMPLES = int(os.environ.get("TENCENT_EDA_FUZZ_EXAMPLES", "100"))
# make eda-test runs the same bodies every time (a CI run must not pass or fail by the draw: one fresh-clone run drew
# only 24 accepted bodies of 100); TENCENT_EDA_FUZZ_RANDOM=1 draws new ones, to look further
DERANDOMIZE = os.environ.get("TENCENT_EDA_FUZZ_RANDOM", "") != "1"

RULEBOOK = """
- name: Fuzzed Tencent Live callbacks
  hosts: all
  sources:
    - tencent.cloud.live_callback:
        host: 127.0.0.1
        port: {port}
  rules:
    - name: Canary
      condition: event.payload.fuzz_canary is defined
      action:
        debug:
          msg: "CANARY {{{{ event.payload.fuzz_canary }}}}"
    - name: Fuzzed callback
      condition: event.payload.fuzz_seq is defined
      actions:
        - debug:
            msg: "FUZZ {{{{ event.payload.fuzz_seq }}}} {{{{ event.tencent_live.values() | map('string') | join(' ') }}}}"
        - run_playbook:
            name: {playbook}
            extra_vars:
              fuzz_seq: "{{{{ event.payload.fuzz_seq }}}}"
              marker_dir: {markers}
"""
PLAYBOOK = """
- name: Read the extra vars ansible-rulebook wrote, leave a marker
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Marker
      ansible.builtin.file:
        path: "{{ marker_dir }}/{{ fuzz_seq }}"
        state: touch
"""


class Raw:
    """A JSON token written as it is (json.dumps cannot write 1e400 or a lone surrogate's escape)."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return f"Raw({self.text!r})"


def to_json(value):
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    return json.dumps(value)


RAW_TOKENS = ["1e400", "-1E999", "1e-400", "-0.0", '"a=\\ud800"', '"\\udfff"', '"\\ud83d\\ude00"', "9" * 1001,
              "9" * 1000, '"\\u0000"', "123456789012345678901234567890"]  # fmt: skip
TEXT = st.text(max_size=12) | st.sampled_from(["", "{{ 6*7 }}", "\x1b[31m\r\n\x07", "a.b", "<<", "=", "\u200b"])
KEYS = (st.text(max_size=8) | st.sampled_from(["", "a.b", "<<", "=", "meta", "k" * 1100])).filter(
    lambda key: not key.startswith("fuzz_")
)
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
    | st.sampled_from(RAW_TOKENS).map(Raw)
)
JSON = st.recursive(
    LEAVES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3), max_leaves=12
)
BASES = ["moderation.json", "push.json", "interrupt.json", "push_error.json", "record.json", "snapshot.json"]
KNOWN = ["label", "subLabel", "suggestion", "img", "errmsg", "errcode", "sequence", "abnormal_event", "event_type",
         "appid", "stream_param", "user_ip"]  # fmt: skip
VALID_NAMES = st.sampled_from(["show-42", "2024_05_01", "a b", "流", "x" * 1024, "é{x}"])
NAMES = VALID_NAMES | VALID_NAMES | st.text(max_size=6)  # mostly names the source takes: more bodies reach the engine
BODIES = st.fixed_dictionaries(
    {
        "base": st.sampled_from(BASES),
        "stream": st.none() | NAMES,
        "known": st.dictionaries(st.sampled_from(KNOWN), JSON, max_size=3),
        "extra": st.dictionaries(KEYS, JSON, max_size=3),
        "signed": st.sampled_from([True, True, True, False]),
    }
)


def known_killer(**extra):
    return {"base": "moderation.json", "stream": None, "known": {}, "extra": extra, "signed": True}


class FuzzEngine:
    """ansible-rulebook with the fuzz rulebook, its playbooks run by the newest ansible-core of make eda-test."""

    def __init__(self, tmp_path, collections_path):
        self.port, self.tmp_path, self.markers = free_port(), tmp_path, tmp_path / "markers"
        self.markers.mkdir()
        core = CORE_VENVS[-1]
        environment = ansible_environment(tmp_path, collections_path, "http://127.0.0.1:9", f"{core}/bin/python")
        environment["PATH"] = f"{core}/bin{os.pathsep}{environment['PATH']}"
        (tmp_path / "fuzz_playbook.yml").write_text(PLAYBOOK)
        rulebook = RULEBOOK.format(port=self.port, playbook=tmp_path / "fuzz_playbook.yml", markers=self.markers)
        (tmp_path / "fuzz_rulebook.yml").write_text(rulebook)
        self.log_path = tmp_path / "ansible-rulebook.log"
        self.log = open(self.log_path, "w", encoding="utf-8")
        command = [os.path.join(os.path.dirname(sys.executable), "ansible-rulebook"), "-r", "fuzz_rulebook.yml"]
        command += ["-i", "inventory.yml", "-v"]
        self.process = subprocess.Popen(
            command, cwd=tmp_path, env=environment, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.wait(self.listening, START_TIMEOUT, "ansible-rulebook's source to listen")

    def output(self):
        return self.log_path.read_text(encoding="utf-8", errors="backslashreplace")

    def listening(self):
        assert self.process.poll() is None, f"ansible-rulebook exited:\n{self.output()[-4000:]}"
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def wait(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, (
                f"timed out after {timeout} s waiting for {what}\n{self.output()[-6000:]}"
            )
            time.sleep(0.1)

    def post(self, text):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/fuzz", data=text.encode("utf-8", "surrogatepass"), method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self):
        end_process_tree(self.process)
        self.log.close()


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    assert CORE_VENVS, "TENCENT_EDA_CORE_VENVS is not set: run these tests with make eda-test"
    running = FuzzEngine(tmp_path_factory.mktemp("fuzz"), collections_path_or_fail())
    yield running
    running.stop()


def signed_text(body, genuine):
    """The body's JSON text with t and sign (as Tencent signs) added; a wrong sign when not genuine."""
    t = int(time.time()) + 600
    sign = hashlib.md5(f"{KEY if genuine else 'NotTheKey'}{t}".encode()).hexdigest()
    return to_json(dict(body, t=t, sign=sign))


SEQUENCE = iter(range(1, 10**9))
ANSWERS = {}  # status -> how many bodies got it


@settings(
    max_examples=EXAMPLES,
    derandomize=DERANDOMIZE,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@example(known_killer(**{"": "x"}))
@example(known_killer(abnormal_event={"": 1}))
@example(known_killer(extra=[{"ok": 1}, {"": 1}]))
@example(known_killer(level=Raw("1e400")))
@example(known_killer(stream_param=Raw('"a=\\ud800"')))
@example(known_killer(label=Raw('"Porn \\ud83d\\ude00"')))
@example(known_killer(extra=Raw("9" * 1001)))
@example(known_killer(**{"k" * 50_001: 1}))
@example(known_killer(label="\x1b[31mRED\r\nFAKE LOG LINE\x07", extra={"a.b": {"<<": 1, "=": Raw('"\\u0000"')}}))
@given(case=BODIES)
def test_every_body_is_answered_200_or_4xx_and_the_engine_keeps_taking_events(engine, case):
    body = load_body(case["base"])
    body.update(case["known"])
    body.update(case["extra"])
    if case["stream"] is not None:
        for spelling in ("stream_id", "streamId", "channel_id", "channelId"):
            body.pop(spelling, None)
        body["stream_id"] = case["stream"]
    body.setdefault("app", DOMAIN)
    seq = next(SEQUENCE)
    body["fuzz_seq"] = seq
    status = engine.post(signed_text(body, case["signed"]))
    ANSWERS[status] = ANSWERS.get(status, 0) + 1
    assert status == 200 or 400 <= status < 500, status
    if status == 200:
        engine.wait((engine.markers / str(seq)).exists, STEP_TIMEOUT, f"the playbook of body {seq}")
        engine.wait(lambda: f"FUZZ {seq} " in engine.output(), STEP_TIMEOUT, f"the debug line of body {seq}")
    canary = dict(load_body("push.json"), fuzz_canary=seq, sequence=f"canary-{seq}")
    assert engine.post(signed_text(canary, True)) == 200
    engine.wait(lambda: f"CANARY {seq}\n" in engine.output(), STEP_TIMEOUT, f"the canary after body {seq}")


def test_the_fuzzing_reached_the_engine():
    """Runs after the fuzz test (file order): enough generated bodies were accepted and went through the engine
    and a playbook, and enough were refused, for the fuzz test to have tested both (a fifth of the examples each:
    drawn at random, a quarter to a half were accepted)."""
    print(f"answers to the fuzzed bodies: {dict(sorted(ANSWERS.items()))}")
    assert ANSWERS.get(200, 0) >= EXAMPLES // 5 and sum(n for s, n in ANSWERS.items() if s >= 400) >= EXAMPLES // 5

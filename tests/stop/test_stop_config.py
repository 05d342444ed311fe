# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stop means stop for the Live configuration modules too, over HTTP and HTTPS: they share the stream modules'
client, so a signal, ``task_timeout`` and ``timeout`` end a configuration call on the wire as they end a stream
call (test_stop.py), and a stopped task writes nothing after its stop."""

import json
import os
import signal
import time

import pytest
from stop_support import Play, wait_for
from test_stop import SIGNAL_BOUND, assert_dripped_calls_cut, assert_nothing_left, play_log, run_to_its_failure

TEMPLATE = "tencent.cloud.tencent_live_callback_template"
FIND = "DescribeLiveCallbackTemplates"
URL = "https://eda.example.com:5000/live"


def template_play(tmp_path, emulator, venv, **options):
    """A task that creates the callback template "stop" (its first call is the listing that finds none)."""
    return Play(tmp_path / "job", emulator, venv, None, module=TEMPLATE, name="stop", urls={"push": URL}, **options)


def fault(emulator, kind, seconds):
    emulator.request("POST", "faults", {"faults": [{"action": FIND, "kind": kind, "seconds": seconds, "rate": 1.0}]})


def failed_result(play):
    output = play_log(play)
    return json.loads(output[output.index("FAILED! => ") + len("FAILED! => ") :].splitlines()[0])


def templates(emulator):
    return emulator.request("GET", "config")["callback_templates"]


@pytest.mark.parametrize("emulator", ["http", "https"], indirect=True)
def test_a_signal_stops_a_configuration_module_on_the_wire(emulator, venv, tmp_path):
    """SIGTERM while the listing's answer is held for 60 s: the task ends at once, reports the stop, creates nothing."""
    fault(emulator, "stall", 60)
    play = template_play(tmp_path, emulator, venv, timeout=90)
    process = play.start()
    module = wait_for(
        lambda: any(call["action"] == FIND for call in emulator.calls()) and play.module_process(),
        120,
        "the module to wait for the listing's answer",
    )
    stop = time.time()
    os.kill(module["pid"], signal.SIGTERM)
    assert process.wait(60) != 0
    ended = time.time()
    assert_nothing_left(play)
    assert ended - stop < SIGNAL_BOUND + 5, ended - stop
    result = failed_result(play)
    assert result["msg"].startswith("The task was stopped (SIGTERM received)"), result["msg"][:300]
    assert not [call for call in emulator.calls() if call["action"] != FIND], "a call was made after the listing"
    assert templates(emulator) == []


@pytest.mark.parametrize("emulator", ["http", "https"], indirect=True)
def test_task_timeout_cuts_a_configuration_call_on_the_wire(emulator, venv, tmp_path):
    """timeout: 30 and task_timeout: 3 while the listing drips: the task ends at 3 s and creates nothing."""
    fault(emulator, "drip", 0.9)
    play = template_play(tmp_path, emulator, venv, timeout=30, task_timeout=3, retries=0)
    module = run_to_its_failure(play)
    ended = time.time()
    assert ended - module["started"] < 3 + 4, ended - module["started"]
    assert_dripped_calls_cut(emulator, 3)
    assert "task's deadline (task_timeout)" in play_log(play), play_log(play)[-3000:]
    assert templates(emulator) == []

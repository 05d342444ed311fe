# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stop means stop (issue #22): each way of stopping a job, against the emulator at Tencent's quotas.

Each test runs the module over a batch big enough to be mid-way when it is stopped, stops it, and
asserts from the emulator's call log (each call's arrival time) that no call started more than
SIGNAL_BOUND seconds after the stop (KEYWORD_BOUND for the task keyword ``timeout:``), that no process
of the play is left, and that a re-run completes every stream with exact call counts. The stop
moment is taken where it really is: when the signal was sent or ansible-runner was told to cancel,
the controller's task start plus the ``timeout:`` (the worker starts its clock a little later), or
the module process's start plus task_timeout (the module starts its clock a little later).
"""

import json
import os
import re
import shutil
import signal
import time

import pytest
from stop_support import DOMAIN, Play, wait_for

# ansible-runner starts ansible-playbook through pexpect (forkpty) while the test holds no lock; the child execs at once.
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded, use of forkpty:DeprecationWarning")

STREAMS = 1000
# writes already done when a test stops the job: really mid-way
MIDWAY = 200
SIGNAL_BOUND = 1.0
KEYWORD_BOUND = 2.0
# how long after the stop a process of the play may still be seen (the claim on calls is the call log's)
GONE_WITHIN = 10.0
# the re-run is not what is tested: it runs at a quota the emulator does not enforce, to keep the suite short
FAST = {"DescribeLiveStreamState": 5000, "ResumeLiveStream": 5000}


def stream_names(count, prefix="stop"):
    return [f"{prefix}-{index:04d}" for index in range(count)]


def done_writes(calls, action="ResumeLiveStream"):
    return [call for call in calls if call["action"] == action and call["admitted"] and call["code"] is None]


def written_so_far(emulator):
    """ResumeLiveStream calls carried out so far (lines of the call log; cheap enough to poll)."""
    with open(emulator.call_log, encoding="utf-8") as handle:
        return sum(1 for line in handle if '"ResumeLiveStream"' in line and '"code": null' in line)


def assert_nothing_started_after(calls, stop, bound):
    late = [call for call in calls if call["arrived"] > stop + bound]
    last = max((call["arrived"] for call in calls), default=stop) - stop
    assert not late, (
        f"{len(late)} call(s) started more than {bound} s after the stop, the last {last:.2f} s after it: "
        f"{sorted({call['action'] for call in late})}"
    )
    print(f"last call {last:+.2f} s from the stop ({len(calls)} calls)")
    return last


def assert_mid_way(calls, total):
    done = len(done_writes(calls))
    assert 0 < done < total, f"the job was not mid-way when stopped: {done} of {total} streams written"
    return done


def assert_nothing_left(play, seconds=GONE_WITHIN):
    left = play.wait_until_gone(seconds)
    assert not left, f"processes of the play still run {seconds} s after the stop: {left}"


def rerun_completes(
    emulator, venv, workdir, names, module="tencent.cloud.tencent_live_stream", expect_writes=True, **options
):
    """Run the same task again, to its end: it reads every stream once and writes exactly the ones left."""
    left = sorted(name for name, state in emulator.states().items() if name in set(names) and state == "forbid")
    emulator.new_calls()
    emulator.request("POST", "settings", {"quotas": False})
    rc, output = Play(workdir, emulator, venv, names, module=module, rate_limits=FAST, **options).run()
    assert rc == 0, f"the re-run failed ({rc}):\n{output[-3000:]}"
    calls = emulator.new_calls()
    reads = [call for call in calls if call["action"] == "DescribeLiveStreamState"]
    assert sorted(call["stream_name"] for call in reads) == sorted(names), "the re-run did not read each stream once"
    writes = [call for call in calls if call["action"] != "DescribeLiveStreamState"]
    if expect_writes:
        assert sorted(call["stream_name"] for call in writes) == left and all(call["code"] is None for call in writes)
        assert not [name for name, state in emulator.states().items() if name in set(names) and state == "forbid"]
    else:
        assert not writes
    return left


def play_log(play):
    with open(os.path.join(play.workdir, "play.log"), encoding="utf-8", errors="replace") as handle:
        return handle.read()


def test_ansible_runner_cancel_stops_the_module(emulator, any_venv, tmp_path, monkeypatch):
    """AWX's cancel button and job timeout: ansible-runner SIGKILLs ansible-playbook's process group."""
    import ansible_runner  # pylint: disable=import-outside-toplevel

    names = stream_names(STREAMS)
    emulator.seed(names, "forbid")
    play = Play(tmp_path / "job", emulator, any_venv, names)
    data = tmp_path / "private_data_dir"
    (data / "project").mkdir(parents=True)
    (data / "inventory").mkdir()
    shutil.copy(play.playbook, data / "project" / "play.yml")
    (data / "inventory" / "hosts").write_text(
        f"localhost ansible_connection=local ansible_python_interpreter={any_venv.python}\n"
    )
    environment = play.environment()
    monkeypatch.setenv("PATH", environment["PATH"])
    stopped = []

    def cancel():
        if not stopped and written_so_far(emulator) >= MIDWAY:
            stopped.append(time.time())
        return bool(stopped)

    runner = ansible_runner.run(
        private_data_dir=str(data),
        playbook="play.yml",
        extravars=play.extravars,
        envvars=environment,
        cancel_callback=cancel,
        settings={"pexpect_timeout": 0.1, "suppress_ansible_output": True},
        quiet=True,
        timeout=300,
    )
    assert runner.status == "canceled" and stopped, f"the job was not canceled: {runner.status}"
    assert_nothing_left(play)
    calls = emulator.new_calls()
    assert_mid_way(calls, STREAMS)
    assert_nothing_started_after(calls, stopped[0], SIGNAL_BOUND)
    rerun_completes(emulator, any_venv, tmp_path / "rerun", names)


def test_task_keyword_timeout_stops_the_module(emulator, any_venv, tmp_path):
    """``timeout: 10`` on the task: Ansible fails it, and the module must not carry on behind its back."""
    names = stream_names(2 * STREAMS)
    emulator.seed(names, "forbid")
    play = Play(tmp_path / "job", emulator, any_venv, names, keyword="timeout: 10")
    process = play.start()
    assert process.wait(120) != 0
    stop = play.task_started() + 10
    # 2.21 and 2.22: "Timed out after 10 second(s)"; 2.16: "failed to execute in the expected time frame (10)"
    assert re.search(r"Timed out after 10 second|time frame \(10\)", play_log(play)), play_log(play)[-3000:]
    assert_nothing_left(play)
    calls = emulator.new_calls()
    assert_mid_way(calls, len(names))
    assert_nothing_started_after(calls, stop, KEYWORD_BOUND)
    rerun_completes(emulator, any_venv, tmp_path / "rerun", names)


@pytest.mark.parametrize(
    "any_venv, signal_name",
    [("newest", "SIGINT"), ("newest", "SIGTERM"), ("oldest", "SIGTERM")],
    indirect=["any_venv"],
)
def test_a_signal_to_ansible_playbook_stops_the_module(emulator, any_venv, signal_name, tmp_path):
    """SIGINT (Ctrl-C) or SIGTERM to the ansible-playbook process alone, not its group."""
    names = stream_names(STREAMS)
    emulator.seed(names, "forbid")
    play = Play(tmp_path / "job", emulator, any_venv, names)
    process = play.start()
    wait_for(lambda: written_so_far(emulator) >= MIDWAY or process.poll() is not None, 120, "the job to be mid-way")
    stop = time.time()
    process.send_signal(getattr(signal, signal_name))
    process.wait(60)
    assert_nothing_left(play)
    calls = emulator.new_calls()
    assert_mid_way(calls, STREAMS)
    assert_nothing_started_after(calls, stop, SIGNAL_BOUND)
    rerun_completes(emulator, any_venv, tmp_path / "rerun", names)


@pytest.mark.parametrize("emulator", ["http", "https"], indirect=True)
def test_a_signal_to_the_module_itself_stops_it_with_a_normal_failed_result(emulator, venv, tmp_path):
    """SIGTERM to the module (a container or service stopped under it): it stops and still reports, stream by stream.
    Over HTTPS too: the calls on the wire at the stop are cut through TLS."""
    names = stream_names(STREAMS)
    emulator.seed(names, "forbid")
    play = Play(tmp_path / "job", emulator, venv, names)
    process = play.start()
    module = wait_for(
        lambda: written_so_far(emulator) >= MIDWAY and play.module_process(), 120, "the job to be mid-way"
    )
    stop = time.time()
    os.kill(module["pid"], signal.SIGTERM)
    assert process.wait(60) != 0
    assert_nothing_left(play)
    calls = emulator.new_calls()
    assert_mid_way(calls, STREAMS)
    assert_nothing_started_after(calls, stop, SIGNAL_BOUND)
    output = play_log(play)
    result = json.loads(output[output.index("FAILED! => ") + len("FAILED! => ") :].splitlines()[0])
    assert result["msg"].startswith("The task was stopped (SIGTERM received): "), result["msg"][:300]
    counts = result["counts"]
    assert counts["skipped"] > 0 and counts["changed"] + counts["skipped"] + counts["unknown"] == STREAMS, counts
    # every write Tencent carried out is reported changed, or sent with an unknown outcome (cut on the wire)
    assert counts["changed"] <= len(done_writes(calls)) <= counts["changed"] + counts["unknown"], counts
    kinds = {stream["error"]["kind"] for stream in result["streams"] if stream["failed"]}
    assert kinds <= {"skipped", "outcome_unknown"}, kinds
    rerun_completes(emulator, venv, tmp_path / "rerun", names)


def run_to_its_failure(play):
    """Run the play until it fails; returns its module process, whose start is where task_timeout starts counting."""
    process = play.start()
    module = wait_for(lambda: play.module_process() or (process.poll() is not None and "ended"), 120, "the module")
    assert module != "ended", play_log(play)[-3000:]
    assert process.wait(120) != 0
    assert_nothing_left(play)
    return module


@pytest.mark.parametrize("emulator", ["http", "https"], indirect=True)
def test_task_timeout_bounds_retries_of_failing_reads(emulator, venv, tmp_path):
    """task_timeout: 3 while every read fails with InternalError (retried with backoff): nothing after it."""
    names = stream_names(STREAMS)
    emulator.seed(names, "forbid")
    emulator.request(
        "POST", "faults", {"faults": [{"action": "DescribeLiveStreamState", "kind": "internal_error", "rate": 1.0}]}
    )
    play = Play(tmp_path / "job", emulator, venv, names, task_timeout=3, retries=5)
    module = run_to_its_failure(play)
    calls = emulator.new_calls()
    reads = [call["stream_name"] for call in calls if call["action"] == "DescribeLiveStreamState"]
    assert all(call["code"] == "InternalError" for call in calls) and not done_writes(calls), (
        "the reads did not all fail",
        sorted({(call["action"], call["code"]) for call in calls}),
    )
    assert len(reads) > len(set(reads)), "no read was retried"
    last = assert_nothing_started_after(calls, module["started"] + 3, SIGNAL_BOUND)
    output = play_log(play)
    assert "task_timeout" in output and "not attempted" in output, output[-3000:]
    emulator.request("DELETE", "faults")
    assert rerun_completes(emulator, venv, tmp_path / "rerun", names) == sorted(names), last


@pytest.mark.parametrize("emulator", ["http", "https"], indirect=True)
def test_wait_for_ends_at_task_timeout_before_wait_timeout(emulator, venv, tmp_path):
    """wait_for with wait_timeout: 30 and task_timeout: 3: the earlier wins, no poll after it."""
    names = stream_names(50, prefix="wait")
    emulator.seed(names, "inactive")
    play = Play(
        tmp_path / "job",
        emulator,
        venv,
        names,
        module="tencent.cloud.tencent_live_stream_info",
        wait_for="active",
        wait_timeout=30,
        wait_interval=1,
        task_timeout=3,
    )
    module = run_to_its_failure(play)
    calls = emulator.new_calls()
    assert len(calls) > len(names), "wait_for did not poll"
    assert_nothing_started_after(calls, module["started"] + 3, SIGNAL_BOUND)
    assert "until task_timeout" in play_log(play), play_log(play)[-3000:]
    emulator.seed(names, "active")
    rerun_completes(
        emulator,
        venv,
        tmp_path / "rerun",
        names,
        module="tencent.cloud.tencent_live_stream_info",
        wait_for="active",
        expect_writes=False,
    )


@pytest.mark.parametrize("emulator", ["http", "https"], indirect=True)
def test_timeout_bounds_a_dripping_answer_in_wall_time(emulator, venv, tmp_path):
    """An endpoint that answers one byte every 0.9 s: timeout: 2 cuts each call at 2 s, retries: 0 sends none again.

    Each call is the first on a new connection (a dripped answer ends its connection); over HTTPS urllib3 wraps that
    socket for TLS, which the cut must reach all the same."""
    names = stream_names(20, prefix="drip")
    emulator.seed(names, "inactive")
    emulator.request(
        "POST",
        "faults",
        {"faults": [{"action": "DescribeLiveStreamState", "kind": "drip", "seconds": 0.9, "rate": 1.0}]},
    )
    play = Play(
        tmp_path / "job",
        emulator,
        venv,
        names,
        module="tencent.cloud.tencent_live_stream_info",
        timeout=2,
        retries=0,
        task_timeout=60,
    )
    module = run_to_its_failure(play)
    ended = time.time()
    emulator_calls = emulator.request("GET", "calls")["calls"]
    dripped = [call for call in emulator_calls if call["fault"] == "drip"]
    assert dripped and len(dripped) == len({call["stream_name"] for call in dripped}), "a dripping call was sent again"
    held = [call["drip_end"] - call["arrived"] for call in dripped]
    assert all(call["hung_up"] for call in dripped) and max(held) <= 2 + SIGNAL_BOUND, held
    # the whole module, start to exit: one round of calls of at most 2 s each (not 20 x 0.9 s per answer)
    assert ended - module["started"] < 2 + 8, ended - module["started"]
    assert "no complete answer" in play_log(play), play_log(play)[-3000:]
    emulator.request("DELETE", "faults")
    emulator.new_calls()
    rerun_completes(
        emulator, venv, tmp_path / "rerun", names, module="tencent.cloud.tencent_live_stream_info", expect_writes=False
    )


def test_the_stop_tests_see_calls_at_all(emulator, venv, tmp_path):
    """The call log the assertions read holds each call with its arrival time (else they would prove nothing)."""
    names = stream_names(3, prefix="seen")
    emulator.seed(names, "forbid")
    before = time.time()
    rc, output = Play(tmp_path, emulator, venv, names).run()
    assert rc == 0, output[-3000:]
    calls = emulator.new_calls()
    assert len(calls) == 6 and all(before < call["arrived"] <= call["ts"] <= time.time() for call in calls)
    assert json.dumps(calls).count('"ResumeLiveStream"') == 3 and DOMAIN in calls[0]["domain_name"]


def reading_play(tmp_path, emulator, venv, names, **options):
    """A play of tencent_live_stream_info over names with retries: 0 and options: a call cut is not sent again."""
    return Play(
        tmp_path / "job", emulator, venv, names, module="tencent.cloud.tencent_live_stream_info", retries=0, **options
    )


def dripping_reads(emulator, **fault):
    emulator.request(
        "POST",
        "faults",
        {"faults": [dict({"action": "DescribeLiveStreamState", "kind": "drip", "seconds": 0.9, "rate": 1.0}, **fault)]},
    )


def assert_dripped_calls_cut(emulator, bound):
    dripped = [call for call in emulator.request("GET", "calls")["calls"] if call["fault"] == "drip"]
    held = [call["drip_end"] - call["arrived"] for call in dripped]
    assert dripped and all(call["hung_up"] for call in dripped) and max(held) <= bound + SIGNAL_BOUND, held


@pytest.mark.parametrize("emulator", ["https"], indirect=True)
def test_timeout_cuts_a_dripping_answer_on_a_reused_https_connection(emulator, venv, tmp_path):
    """One connection (concurrency: 1): the first read is answered, the second drips on the same TLS connection."""
    emulator.seed(["fast", "slow"], "inactive")
    dripping_reads(emulator, stream_name="slow")
    play = reading_play(tmp_path, emulator, venv, ["fast", "slow"], timeout=2, concurrency=1)
    module = run_to_its_failure(play)
    ended = time.time()
    assert_dripped_calls_cut(emulator, 2)
    assert ended - module["started"] < 2 + 8, ended - module["started"]
    assert "no complete answer" in play_log(play), play_log(play)[-3000:]


@pytest.mark.parametrize("emulator", ["http", "https"], indirect=True)
def test_task_timeout_cuts_a_call_on_the_wire(emulator, venv, tmp_path):
    """timeout: 30 and task_timeout: 3 against a dripping endpoint: the task ends at 3 s, not at 30 s (nor at the drip's end)."""
    names = stream_names(5, prefix="late")
    emulator.seed(names, "inactive")
    dripping_reads(emulator)
    play = reading_play(tmp_path, emulator, venv, names, timeout=30, task_timeout=3)
    module = run_to_its_failure(play)
    ended = time.time()
    assert_dripped_calls_cut(emulator, 3)
    # the module's process started, and task_timeout counts from then: it ended at 3 s (plus reporting and exiting)
    assert ended - module["started"] < 3 + 4, ended - module["started"]
    assert "task's deadline (task_timeout)" in play_log(play), play_log(play)[-3000:]


@pytest.mark.parametrize("any_venv", ["newest", "oldest"], indirect=True)
def test_a_sighup_ignored_at_the_start_stays_ignored(emulator, any_venv, tmp_path):
    """nohup ansible-playbook, then the terminal closes: SIGHUP to the play's process group (on 2.16 the module is
    in it) and to the module itself (as a session leader's hang-up would): the play goes on to its end."""
    names = stream_names(400)
    emulator.seed(names, "forbid")
    play = Play(tmp_path / "job", emulator, any_venv, names)
    process = play.start(nohup=True)
    module = wait_for(
        lambda: (written_so_far(emulator) >= 50 and play.module_process()) or process.poll() is not None,
        120,
        "the job to be under way",
    )
    assert module is not True, play_log(play)[-3000:]
    os.killpg(process.pid, signal.SIGHUP)
    os.kill(module["pid"], signal.SIGHUP)
    assert process.wait(300) == 0, play_log(play)[-3000:]
    assert not [name for name, state in emulator.states().items() if state == "forbid"]
    assert "SIGHUP" not in play_log(play)

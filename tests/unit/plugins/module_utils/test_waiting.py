# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Waiting for stream states, with a fake clock: polls, deadlines, who got there."""

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils._streams import StreamKey
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound
from ansible_collections.tencent.cloud.plugins.module_utils._waiting import wait_for_state
from ansible_collections.tencent.cloud.tests.unit.plugins.module_utils.test_stream_batch import (
    Ended,
    FakeClient,
    Reader,
    batch,
    keys,
)


class FakeClock:
    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class Streams:
    """Stream states that change at given times on the fake clock; records what is read when."""

    def __init__(self, clock, timeline):
        self.clock = clock
        self.timeline = timeline  # name -> [(from_time, state), ...]
        self.reads = []

    def state(self, name):
        current = None
        for since, state in self.timeline[name]:
            if self.clock.now >= since:
                current = state
        return current

    def read(self, keys):
        self.reads.append([key.stream_name for key in keys])
        return [dict(key.as_dict(), state=self.state(key.stream_name), failed=False) for key in keys]


def start(streams, names):
    keys = [StreamKey("d", "live", name) for name in names]
    return list(zip(keys, streams.read(keys)))


def test_waits_until_every_stream_is_there_reading_only_the_others():
    clock = FakeClock()
    streams = Streams(
        clock,
        {"a": [(0, "inactive"), (1007, "active")], "b": [(0, "active")], "c": [(0, "inactive"), (1012, "active")]},
    )
    pairs = start(streams, ["a", "b", "c"])
    outcome = wait_for_state(pairs, streams.read, "active", 300, 5, clock=clock, sleep=clock.sleep)
    keys = [key for key, _result in pairs]
    summary = outcome.summary(keys)
    assert summary["timed_out"] is False and summary["not_reached"] == [] and summary["reached"] == ["a", "b", "c"]
    assert streams.reads == [["a", "b", "c"], ["a", "c"], ["a", "c"], ["c"]]
    assert clock.sleeps == [5, 5, 5] and summary["polls"] == 4 and summary["elapsed"] == 15
    assert [result["state"] for _key, result in pairs] == ["active"] * 3


def test_time_running_out_names_the_streams_that_never_got_there_and_keeps_every_last_state():
    clock = FakeClock()
    streams = Streams(
        clock, {"a": [(0, "inactive"), (1003, "active")], "never": [(0, "inactive")], "gone": [(0, "forbid")]}
    )
    pairs = start(streams, ["a", "never", "gone"])
    outcome = wait_for_state(pairs, streams.read, "active", 12, 5, clock=clock, sleep=clock.sleep)
    summary = outcome.summary([key for key, _result in pairs])
    assert summary["timed_out"] is True and summary["reached"] == ["a"] and summary["not_reached"] == ["never", "gone"]
    # the last sleep is cut to the deadline, and the streams are read once more at the deadline
    assert clock.sleeps == [5, 5, 2] and clock.now == 1012 and summary["polls"] == 4
    assert [result["state"] for _key, result in pairs] == ["active", "inactive", "forbid"]


def test_a_zero_timeout_reads_once():
    clock = FakeClock()
    streams = Streams(clock, {"a": [(0, "inactive")]})
    pairs = start(streams, ["a"])
    outcome = wait_for_state(pairs, streams.read, "active", 0, 5, clock=clock, sleep=clock.sleep)
    assert clock.sleeps == [] and outcome.summary([pairs[0][0]])["timed_out"] is True and outcome.polls == 1


def test_a_failed_read_ends_the_wait_at_once():
    clock = FakeClock()
    streams = Streams(clock, {"a": [(0, "inactive")], "b": [(0, "inactive")]})
    pairs = start(streams, ["a", "b"])

    def failing(keys):
        return [dict(key.as_dict(), state=None, failed=True) for key in keys]

    outcome = wait_for_state(pairs, failing, "active", 300, 5, clock=clock, sleep=clock.sleep)
    assert (
        outcome.failed is True and clock.sleeps == [5] and outcome.summary([k for k, _r in pairs])["timed_out"] is False
    )


def test_nothing_to_wait_for_returns_at_once():
    clock = FakeClock()
    outcome = wait_for_state([], lambda keys: [], "active", 300, 5, clock=clock, sleep=clock.sleep)
    assert clock.sleeps == [] and outcome.summary([])["timed_out"] is False


def wait_under(task_left, wait_timeout, interval):
    """Wait for one stream that never comes, with task_left seconds left of the task: (outcome, summary, clock)."""
    clock = FakeClock()
    streams = Streams(clock, {"a": [(0, "inactive")]})
    pairs = start(streams, ["a"])
    bound = TaskBound(deadline=clock.now + task_left, clock=clock, sleep=clock.sleep)
    outcome = wait_for_state(pairs, streams.read, "active", wait_timeout, interval, clock=clock, bound=bound)
    return outcome, outcome.summary([key for key, _result in pairs]), clock


def test_task_timeout_before_wait_timeout_ends_the_wait_at_the_tasks_deadline():
    outcome, summary, clock = wait_under(7, 30, 2)
    assert summary["timed_out"] is True and summary["task_timeout"] is True and summary["elapsed"] == 7
    assert clock.sleeps == [2, 2, 2, 1] and clock.now == 1007  # no poll after the task's deadline
    assert outcome.limit_text() == "7 s (until task_timeout, which came before wait_timeout=30)"


def test_streams_there_in_time_under_a_nearer_task_timeout_say_no_bound_ended_the_wait():
    """RETURN: wait.task_timeout says whether task_timeout ended the wait -- not whether it was the nearer bound."""
    clock = FakeClock()
    streams = Streams(clock, {"a": [(0, "inactive"), (1003, "active")]})
    pairs = start(streams, ["a"])
    bound = TaskBound(deadline=clock.now + 7, clock=clock, sleep=clock.sleep)
    outcome = wait_for_state(pairs, streams.read, "active", 30, 2, clock=clock, bound=bound)
    summary = outcome.summary([key for key, _result in pairs])
    assert summary["reached"] == ["a"] and summary["timed_out"] is False and summary["task_timeout"] is False


def test_wait_timeout_before_task_timeout_is_the_usual_wait():
    outcome, _summary, clock = wait_under(3600, 4, 2)
    assert outcome.task_timeout is False and clock.now == 1004 and outcome.limit_text() == "4 s"


def test_the_tasks_stop_ends_the_wait_at_once():
    clock = FakeClock()
    streams = Streams(clock, {"a": [(0, "inactive")]})
    pairs = start(streams, ["a"])
    bound = TaskBound(clock=clock, sleep=lambda seconds: bound.stop("SIGINT received"))
    outcome = wait_for_state(pairs, streams.read, "active", 300, 5, clock=clock, bound=bound)
    summary = outcome.summary([key for key, _result in pairs])
    assert outcome.stopped == "SIGINT received" and summary["timed_out"] is False and len(streams.reads) == 1


def test_wait_for_holds_constant_memory_however_long_it_polls():
    """10,000 polls through the real batch (an in-flight gate per poll): the stop callbacks held stay bounded."""
    polls = 10_000
    client = FakeClient({"a": "inactive"})
    module = batch(Reader, client, stream_names=["a"], wait_for="active", wait_timeout=86400, wait_interval=1)
    held = []

    def between_polls(_seconds):
        held.append(module.bound.stop_callbacks)
        if len(held) == polls:
            client.states["a"] = "active"

    module.bound = TaskBound(sleep=between_polls)
    with pytest.raises(Ended) as ended:
        module.report_states(keys("a"))
    assert ended.value.result["wait"]["polls"] == polls + 1 and ended.value.result["wait"]["reached"] == ["a"]
    assert len(held) == polls and max(held) <= 1, (held[:3], max(held))

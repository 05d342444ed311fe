# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The task's bound: its deadline and its stop, with a fake clock (and real time only for "at most" claims)."""

import threading
import time

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils._errors import DeadlineExceeded, TaskStopped
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound


class FakeClock:
    def __init__(self, now=100.0):
        self.now = now
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def test_nothing_may_start_at_or_after_the_deadline():
    clock = FakeClock()
    bound = TaskBound(deadline=103.0, clock=clock, sleep=clock.sleep)
    bound.check("DescribeLiveStreamState")
    assert bound.remaining() == 3.0 and bound.over_reason() is None
    clock.now = 103.0
    with pytest.raises(DeadlineExceeded) as caught:
        bound.check("ResumeLiveStream")
    assert caught.value.action == "ResumeLiveStream" and caught.value.kind == "deadline"
    assert bound.remaining() == 0.0 and bound.over_reason() == "the task's deadline (task_timeout) was reached"


def test_a_wait_that_would_end_after_the_deadline_is_refused_without_waiting():
    clock = FakeClock()
    bound = TaskBound(deadline=101.0, clock=clock, sleep=clock.sleep)
    bound.sleep(0.5)
    with pytest.raises(DeadlineExceeded):
        bound.sleep(0.6, "ResumeLiveStream")
    assert clock.slept == [0.5] and clock.now == 100.5


def test_without_a_deadline_only_the_stop_ends_it():
    clock = FakeClock()
    bound = TaskBound(clock=clock, sleep=clock.sleep)
    bound.sleep(10000)
    assert bound.remaining() is None and bound.over_reason() is None
    bound.stop("SIGTERM received")
    with pytest.raises(TaskStopped) as caught:
        bound.check("DropLiveStream")
    assert caught.value.reason == "SIGTERM received" and caught.value.maybe_sent is False
    assert str(caught.value) == "the task was stopped (SIGTERM received) before it could be sent"
    assert bound.over_reason() == "the task was stopped (SIGTERM received)"


def test_the_stop_wakes_a_sleeper_at_once():
    bound = TaskBound()
    threading.Timer(0.2, bound.stop, args=("SIGINT received",)).start()
    started = time.monotonic()
    with pytest.raises(TaskStopped):
        bound.sleep(60)
    assert time.monotonic() - started < 5  # an "at most" bound: the stop came after 0.2 s


def test_stop_is_final_and_its_callbacks_run_once():
    bound = TaskBound()
    seen = []
    bound.on_stop(lambda: seen.append("first"))
    bound.stop("SIGHUP received")
    bound.stop("SIGTERM received")
    bound.on_stop(lambda: seen.append("late"))
    assert seen == ["first", "late"] and bound.stop_reason == "SIGHUP received" and bound.stopped


def test_the_deadline_counts_from_a_start_in_the_past():
    clock = FakeClock()
    assert TaskBound.after(3, clock=clock, elapsed=0.5).deadline == 102.5
    assert TaskBound.after(None, clock=clock).deadline is None and TaskBound.after(0, clock=clock).deadline is None


def test_a_callback_taken_back_never_runs_and_is_not_held():
    bound, seen = TaskBound(), []
    cancels = [bound.on_stop(lambda n=n: seen.append(n)) for n in range(1000)]
    assert bound.stop_callbacks == 1000
    for cancel in cancels[:-1]:
        cancel()
    assert bound.stop_callbacks == 1
    bound.stop("SIGTERM received")
    assert seen == [999] and bound.stop_callbacks == 0
    cancels[0]()  # after the stop: nothing to take back, nothing happens
    late = bound.on_stop(lambda: seen.append("late"))
    late()
    assert seen == [999, "late"]

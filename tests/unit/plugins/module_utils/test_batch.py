# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The batch runner: in flight follows the measured latency, the early stop, input order."""

import threading
import time

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils._batch import (
    MIN_IN_FLIGHT,
    InflightGate,
    StopSignal,
    run_in_order,
)
from ansible_collections.tencent.cloud.plugins.module_utils._errors import DeadlineExceeded
from ansible_collections.tencent.cloud.plugins.module_utils._ratelimit import RateLimits
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound


def gate_limit_at(latency, upper=200):
    limits = RateLimits()
    gate = InflightGate(upper, target=limits.in_flight_target)
    for _dummy in range(20):
        limits.answered("DescribeLiveStreamState", latency)
        limits.answered("ResumeLiveStream", latency)
    return gate.limit()


def test_in_flight_grows_with_latency_between_the_floor_and_concurrency():
    limits = [gate_limit_at(latency) for latency in (0.005, 0.02, 0.1, 0.2, 0.5)]
    assert limits[0] == MIN_IN_FLIGHT  # a nearby endpoint needs few
    assert limits == sorted(limits) and len(set(limits)) >= 4
    # (285 + 95)/s x 0.1 s x 2 headroom
    assert limits[2] in (76, 77)
    assert limits[-1] == 200  # concurrency is the upper bound
    assert gate_limit_at(0.5, upper=64) == 64
    assert gate_limit_at(0.005, upper=4) == 4  # and the floor never exceeds it


def test_before_any_answer_the_upper_bound_applies():
    assert InflightGate(120, target=RateLimits().in_flight_target).limit() == 120


def test_run_in_order_keeps_in_flight_within_the_gate_and_results_in_order():
    """Each item waits (up to 10 s) until as many items as the gate should admit are in flight: the gate's
    limit is then reached whatever the machine's speed, and never passed."""
    wanted = [3]
    gate = InflightGate(50, target=lambda: wanted[0], lower=1, headroom=1.0)
    full = threading.Condition()
    state = {"now": 0, "max": 0}

    def work(item, stop):
        with full:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
            full.notify_all()
            full.wait_for(lambda: state["now"] >= wanted[0] or state["max"] >= wanted[0], timeout=10)
            state["now"] -= 1
        return item * 2

    results = run_in_order(list(range(60)), work, lambda item, reason: None, 50, gate=gate)
    assert results == [item * 2 for item in range(60)]
    assert state["max"] == 3 and gate.peak == 3
    wanted[0] = 12
    state["max"] = 0
    run_in_order(list(range(200)), work, lambda item, reason: None, 50, gate=gate)
    assert state["max"] == 12


def test_consecutive_transport_failures_stop_new_streams_with_a_reason():
    def work(item, stop):
        return {"item": item, "failed": True, "error": {"kind": "transport", "message": "could not reach the endpoint"}}

    def not_started(item, reason):
        return {"item": item, "skipped": reason}

    def transport(result):
        return result["error"]["message"] if result.get("failed") else None

    stop = StopSignal(transport_limit=5)
    results = run_in_order(list(range(30)), work, not_started, 1, stop=stop, transport_failure=transport)
    assert [r["item"] for r in results] == list(range(30))
    assert sum(1 for r in results if "skipped" in r) == 25
    assert "5 streams in a row failed without a valid answer" in results[-1]["skipped"]
    assert "could not reach the endpoint" in results[-1]["skipped"]


def test_a_success_resets_the_transport_failure_count_and_zero_never_stops():
    outcomes = iter([True, True, False] * 10)

    def work(item, stop):
        return {"failed": next(outcomes)}

    stop = StopSignal(transport_limit=3)
    run_in_order(list(range(30)), work, None, 1, stop=stop, transport_failure=lambda r: "x" if r["failed"] else None)
    assert not stop.stopped
    never = StopSignal(transport_limit=0)
    run_in_order(
        list(range(30)), lambda item, stop: {"failed": True}, None, 1, stop=never, transport_failure=lambda r: "x"
    )
    assert not never.stopped and never.transport_failures == 30


@pytest.mark.parametrize("upper", [0, 1])
def test_gate_upper_bound_is_at_least_one(upper):
    assert InflightGate(upper).limit() == 1


def test_results_keep_input_order_whatever_order_the_items_finish_in():
    finished = []
    lock = threading.Lock()
    last_done = threading.Event()

    def work(item, stop):
        # the first item finishes only after the last one (20 workers: all run at once)
        if item == 0:
            last_done.wait(10)
        with lock:
            finished.append(item)
        if item == 19:
            last_done.set()
        return f"result {item}"

    results = run_in_order(list(range(20)), work, lambda item, reason: None, 20)
    assert results == [f"result {item}" for item in range(20)]
    assert finished.index(19) < finished.index(0)  # the threads really did finish out of order


def test_items_not_started_when_stop_is_signalled_get_not_started_with_the_reason():
    started = []

    def work(item, stop):
        started.append(item)
        if item == 3:
            stop.stop("item 3 found the account locked")
        return ("done", item)

    results = run_in_order(list(range(8)), work, lambda item, reason: ("not started", item, reason), 1)
    assert started == [0, 1, 2, 3]
    assert results[:4] == [("done", item) for item in range(4)]
    assert results[4:] == [("not started", item, "item 3 found the account locked") for item in range(4, 8)]


def test_items_waiting_at_the_gate_are_not_started_once_stopped():
    gate = InflightGate(1, lower=1)  # one item in flight, the other threads wait at the gate

    def work(item, stop):
        if item == 0:
            time.sleep(0.05)  # the other threads have passed the first check and wait at the gate
            stop.stop("stopped by item 0")
        return ("done", item)

    results = run_in_order(list(range(40)), work, lambda item, reason: ("not started", item, reason), 8, gate=gate)
    assert results[0] == ("done", 0)
    assert results[1:] == [("not started", item, "stopped by item 0") for item in range(1, 40)]


def test_the_stop_signal_keeps_the_first_reason():
    stop = StopSignal()
    assert not stop.stopped and stop.reason is None
    stop.stop("first")
    stop.stop("second")
    assert stop.stopped and stop.reason == "first"


def test_transport_failures_stop_after_the_limit_with_the_count_and_the_last_message():
    stop = StopSignal(transport_limit=2)
    stop.item_done("timed out")
    assert not stop.stopped
    stop.item_done("connection reset")
    assert stop.stopped
    assert stop.reason == (
        "2 streams in a row failed without a valid answer from the endpoint (max_transport_failures=2); "
        "the last: connection reset"
    )


def test_the_tasks_stop_wakes_the_items_waiting_at_the_gate_and_none_of_them_starts():
    """One item holds the only place in flight until the task is stopped; every other one was waiting at the gate."""
    bound = TaskBound()
    gate = InflightGate(1, lower=1, bound=bound)
    stop = StopSignal(bound=bound)
    release = threading.Event()

    def work(item, _stop):
        if item == 0:
            bound.stop("SIGTERM received")  # the task is stopped while this item is in flight
            release.wait(5)
        return ("done", item)

    threading.Timer(0.5, release.set).start()
    started = time.monotonic()
    results = run_in_order(
        list(range(20)), work, lambda item, reason: ("not started", item, reason), 8, gate=gate, stop=stop
    )
    assert results[0] == ("done", 0)
    assert results[1:] == [("not started", item, "the task was stopped (SIGTERM received)") for item in range(1, 20)]
    assert time.monotonic() - started < 5


def test_items_after_the_tasks_deadline_are_not_started():
    clock = [0.0]
    bound = TaskBound(deadline=10.0, clock=lambda: clock[0])

    def work(item, _stop):
        clock[0] += 4.0  # each item takes 4 s of the task's time
        return ("done", item)

    results = run_in_order(
        list(range(5)), work, lambda item, reason: ("not started", item, reason), 1, stop=StopSignal(bound=bound)
    )
    reason = "the task's deadline (task_timeout) was reached"
    assert results == [("done", 0), ("done", 1), ("done", 2), *[("not started", item, reason) for item in (3, 4)]]


def test_the_gate_refuses_a_place_in_flight_after_the_deadline():
    clock = [0.0]
    bound = TaskBound(deadline=1.0, clock=lambda: clock[0])
    gate = InflightGate(1, lower=1, bound=bound)
    gate.acquire()
    clock[0] = 1.0
    with pytest.raises(DeadlineExceeded):
        gate.acquire()

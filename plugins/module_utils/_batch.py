# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run one unit of work per item concurrently, keeping input order.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

The client's per-action rate limiters pace the calls; this keeps enough items in flight to use
those rates, and no more: an InflightGate admits rate x latency x IN_FLIGHT_HEADROOM items (the
latency measured by the client), between MIN_IN_FLIGHT and the ``workers`` upper bound. Each
item's work reads and, if needed, writes, so writes start while other items are still being read.
"""

import math
import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentError

# Items in flight never go below this (or the upper bound, if lower) ...
MIN_IN_FLIGHT = 32
# ... and are rate x latency times this: room for the time an item waits for its turn at the
# rate limiter and for the spread of latencies around their average.
IN_FLIGHT_HEADROOM = 2.0


class StopSignal:
    """Set once by any worker (for example on an authentication error) to stop new work.

    It also counts the items that failed in a row without a valid answer from the endpoint
    (transport failures): ``transport_limit`` of them (0: never) stop the batch. With the task's
    ``bound`` (a TaskBound), the batch also stops when the task is stopped or reaches its deadline.
    """

    def __init__(self, transport_limit=0, bound=None):
        self._event = threading.Event()
        self._lock = threading.Lock()
        self.reason = None
        self.transport_limit = transport_limit
        self.transport_failures = 0
        self._last_transport_message = None
        self._bound = bound

    def stop(self, reason):
        with self._lock:
            if not self._event.is_set():
                self.reason = reason
                self._event.set()

    @property
    def stopped(self):
        if not self._event.is_set() and self._bound is not None:
            over = self._bound.over_reason()
            if over:
                self.stop(over)
        return self._event.is_set()

    def item_done(self, transport_failure=None):
        """An item finished: transport_failure is its failure message if it failed for want of an answer, else None."""
        with self._lock:
            if transport_failure is None:
                self.transport_failures = 0
                return
            self.transport_failures += 1
            self._last_transport_message = transport_failure
            reached = self.transport_limit and self.transport_failures >= self.transport_limit
        if reached:
            self.stop(
                f"{self.transport_failures} streams in a row failed without a valid answer from the endpoint "
                f"(max_transport_failures={self.transport_limit}); the last: {self._last_transport_message}"
            )


class InflightGate:
    """An adjustable semaphore: at most limit() items in flight.

    limit() = target() x IN_FLIGHT_HEADROOM, rounded up, within [MIN_IN_FLIGHT, upper]; target()
    returns the calls needed in flight (rate x latency) or None when nothing is measured yet, and
    then the upper bound applies. Waiters are woken as items finish, and when the task's ``bound``
    (a TaskBound) stops or reaches its deadline: then acquire() raises its TaskStopped or DeadlineExceeded.
    close() it when the batch is over.
    """

    def __init__(self, upper, target=None, lower=MIN_IN_FLIGHT, headroom=IN_FLIGHT_HEADROOM, bound=None):
        self.upper = max(1, int(upper))
        self.lower = max(1, min(int(lower), self.upper))
        self.headroom = headroom
        self._target = target
        self._cond = threading.Condition()
        self.in_flight = 0
        self.peak = 0
        self._bound = bound
        # taken back by close(): a gate per batch (per wait_for poll) must not pile up in the task's bound
        self._cancel_wake = bound.on_stop(self._wake_all) if bound is not None else None

    def close(self):
        """The batch is over: the task's stop no longer needs to wake this gate."""
        if self._cancel_wake is not None:
            self._cancel_wake()
            self._cancel_wake = None

    def _wake_all(self):
        with self._cond:
            self._cond.notify_all()

    def limit(self):
        wanted = self._target() if self._target is not None else None
        if wanted is None:
            return self.upper
        return max(self.lower, min(self.upper, math.ceil(wanted * self.headroom)))

    def acquire(self):
        with self._cond:
            while self.in_flight >= self.limit():
                if self._bound is None:
                    self._cond.wait()
                    continue
                self._bound.check()
                self._cond.wait(self._bound.remaining())
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)

    def release(self):
        with self._cond:
            self.in_flight -= 1
            free = self.limit() - self.in_flight
            if free > 0:
                self._cond.notify(free)


def run_in_order(items, work, not_started, workers, gate=None, stop=None, transport_failure=None):
    """Call work(item, stop) for every item with up to ``workers`` threads.

    Items not yet started when stop is signalled get not_started(item, reason) instead.
    gate (an InflightGate) bounds the items in flight below ``workers``; transport_failure(result)
    returns a message when an item's result is a failure for want of an answer (counted by stop).
    Returns the results in the order of ``items``.
    """
    stop = stop if stop is not None else StopSignal()

    def guarded(item):
        if stop.stopped:
            return not_started(item, stop.reason)
        if gate is None:
            return finished(work(item, stop))
        try:
            gate.acquire()
        except TencentError as error:  # the task's deadline or stop, while waiting for a place in flight
            if not stop.stopped:
                stop.stop(error.message)
            return not_started(item, stop.reason)
        try:
            if stop.stopped:
                return not_started(item, stop.reason)
            return finished(work(item, stop))
        finally:
            gate.release()

    def finished(result):
        if transport_failure is not None:
            stop.item_done(transport_failure(result))
        return result

    if workers <= 1 or len(items) <= 1:
        return [guarded(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(guarded, items))

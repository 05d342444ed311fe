# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Client-side pacing at Tencent's per-action API quotas, shared fairly with other clients.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

Tencent counts each action's calls per main account in one-second windows, and every job, tool
and SDK of the account shares the quota. Each action gets a RateLimiter that:

- never lets more than SAFETY_MARGIN x the quota (rounded down) start in ANY one-second window,
  the first second included: starts are scheduled 1/rate apart (a caller woken late by a busy
  machine does not push the schedule back), and a start must be a full second after the start
  ``cap`` starts before it. The margin leaves room for network jitter that moves our calls
  closer together on their way to Tencent;
- shares the quota (AIMD): a RequestLimitExceeded answer means someone else uses the quota too,
  so the rate is multiplied by DECREASE_FACTOR (at most once per window + round trip, so one
  burst of throttled answers counts once), never below a floor; every successful answer adds a
  little back (INCREASE_PER_SECOND x the ceiling per second of answers) up to the ceiling.
  Several tasks doing this settle on a fair share instead of fighting;
- measures each action's latency (an EWMA of the answers' round trips), which sets how many
  streams a batch keeps in flight (in_flight_target, used by _batch.InflightGate);
- serves waiting callers in arrival order without spinning, and refuses, with
  DeadlineExceeded, a start that could only come after the task's deadline.
"""

import collections
import math
import threading
import time

from ansible_collections.tencent.cloud.plugins.module_utils._errors import DeadlineExceeded
from ansible_collections.tencent.cloud.plugins.module_utils._quotas import DEFAULT_QUOTAS, FALLBACK_QUOTA

# At most this share of a quota is started in any one-second window: 95 of 100, 285 of 300.
# The 5 % is room for jitter between our clock and Tencent's (a call held back 40 ms on the way,
# the next one not) -- with a strict window no call of ours is throttled for it.
SAFETY_MARGIN = 0.95
WINDOW = 1.0
# AIMD: on throttling, rate x DECREASE_FACTOR; every second of successful answers adds
# INCREASE_PER_SECOND x the ceiling; the rate never drops below FLOOR_SHARE x the ceiling
# (nor MIN_RATE), so a task always makes progress and notices when the quota frees up.
DECREASE_FACTOR = 0.7
INCREASE_PER_SECOND = 0.1
FLOOR_SHARE = 0.05
MIN_RATE = 0.5
# A backlogged limiter woken late (a busy machine) makes up at most this share of a period of
# lateness by starting the next call sooner: more would send small bursts, which jitter on the
# way can turn into a throttled call (and a slowdown for seconds).
CATCH_UP = 0.5
# Weight of the newest answer in the latency average.
LATENCY_WEIGHT = 0.2


class RateLimiter:
    """Paces the starts of one action: never more than ``cap`` in any one-second window, AIMD rate.

    ``quota`` is the account's limit (requests per second). The working rate starts at the
    ceiling (quota x margin) and moves between the floor and the ceiling (see the module's
    docstring). acquire() blocks the caller until its start is due; callers are served in the
    order they arrived.
    """

    def __init__(self, quota, margin=SAFETY_MARGIN, clock=time.monotonic, sleep=time.sleep):
        if not quota > 0:
            raise ValueError("quota must be positive")
        if not 0 < margin <= 1:
            raise ValueError("margin must be in (0, 1]")
        self.quota = float(quota)
        self.ceiling = self.quota * margin
        # starts allowed in any window of WINDOW seconds
        self.cap = max(1, math.floor(self.ceiling + 1e-9))
        self.floor = min(self.ceiling, max(MIN_RATE, self.ceiling * FLOOR_SHARE))
        self.rate = self.ceiling
        self.latency = None
        self.throttles = 0
        self.decreases = 0
        self._clock = clock
        self._sleep = sleep
        self._starts = collections.deque(maxlen=self.cap)
        # The last start as scheduled: a caller that slept until its start woke a little late (a
        # busy machine); the next start is spaced from the schedule, not from the late wake-up, so
        # the lateness does not add up to a lower rate. The window check uses the real starts.
        self._anchor = None
        self._last_decrease = None
        self._lock = threading.Lock()
        # FIFO of waiting callers; only the first one waits for time to pass.
        self._queue = collections.deque()

    def _earliest(self, now):
        """The earliest moment the next call may start (lock held)."""
        due = now
        if self._starts:
            due = max(due, self._anchor + 1.0 / self.rate)
            if len(self._starts) == self.cap:
                # the oldest of the last cap starts must have left the window
                due = max(due, self._starts[0] + WINDOW + 1e-6)
        return due

    def next_start(self):
        """When a call arriving now could start (no other caller waiting)."""
        with self._lock:
            return self._earliest(self._clock())

    def acquire(self, deadline=None, action=None):
        """Wait for this caller's turn and start; returns the seconds waited.

        Raises DeadlineExceeded, without waiting, when the start would come after ``deadline``
        (a clock value; None: no deadline).
        """
        turn = threading.Condition(self._lock)
        waited = 0.0
        scheduled = None
        with self._lock:
            self._queue.append(turn)
            try:
                while True:
                    if self._queue[0] is not turn:
                        turn.wait()
                        continue
                    now = self._clock()
                    due = self._earliest(now)
                    if due <= now:
                        if self._anchor is not None and (scheduled is not None or len(self._queue) > 1):
                            # Backlogged (this caller slept, or others wait): keep to the schedule, making
                            # up at most CATCH_UP of a period of lateness; after idle time no credit is earned.
                            self._anchor = max(self._anchor + 1.0 / self.rate, now - CATCH_UP / self.rate)
                        else:
                            self._anchor = now
                        self._starts.append(now)
                        return waited
                    if deadline is not None and due > deadline:
                        raise DeadlineExceeded(
                            "the task's deadline (task_timeout) came before this call could be sent within the rate limit",
                            action=action,
                            deadline=deadline,
                        )
                    # The first in line sleeps outside the lock until its start is due, then looks
                    # again: the rate may have changed meanwhile.
                    scheduled = due
                    self._lock.release()
                    try:
                        self._sleep(due - now)
                    finally:
                        self._lock.acquire()
                    waited += due - now
            finally:
                first = self._queue[0] is turn
                self._queue.remove(turn)
                if first and self._queue:
                    self._queue[0].notify()

    def answered(self, latency=None):
        """A successful (not throttled) answer: probe the rate up, learn the latency."""
        with self._lock:
            if latency is not None and latency >= 0:
                self.latency = (
                    latency
                    if self.latency is None
                    else ((1 - LATENCY_WEIGHT) * self.latency + LATENCY_WEIGHT * latency)
                )
            if self.rate < self.ceiling:
                self.rate = min(self.ceiling, self.rate + INCREASE_PER_SECOND * self.ceiling / self.rate)

    def throttled(self):
        """A RequestLimitExceeded answer: slow down, once per window + round trip."""
        with self._lock:
            self.throttles += 1
            now = self._clock()
            quiet = WINDOW + (self.latency or 0.0)
            if self._last_decrease is None or now - self._last_decrease >= quiet:
                self._last_decrease = now
                self.decreases += 1
                self.rate = max(self.floor, self.rate * DECREASE_FACTOR)


class RateLimits:
    """One RateLimiter per action, created on first use."""

    def __init__(self, overrides=None, clock=time.monotonic, sleep=time.sleep, margin=SAFETY_MARGIN):
        self._quotas = dict(DEFAULT_QUOTAS)
        self._quotas.update(overrides or {})
        self._clock = clock
        self._sleep = sleep
        self._margin = margin
        self._limiters = {}
        self._lock = threading.Lock()

    def quota(self, action):
        return self._quotas.get(action, FALLBACK_QUOTA)

    def limiter(self, action):
        with self._lock:
            if action not in self._limiters:
                self._limiters[action] = RateLimiter(
                    self.quota(action), margin=self._margin, clock=self._clock, sleep=self._sleep
                )
            return self._limiters[action]

    def acquire(self, action, time_left=None):
        """Wait until a call of this action may start; DeadlineExceeded if only after ``time_left`` seconds.

        (Seconds left, not a clock value: the caller's clock need not be this one's.)
        """
        deadline = None if time_left is None else self._clock() + time_left
        return self.limiter(action).acquire(deadline, action=action)

    def answered(self, action, latency=None):
        """The server answered a call of this action (not throttled) after ``latency`` seconds."""
        self.limiter(action).answered(latency)

    def throttled(self, action):
        """Tencent answered a call of this action with RequestLimitExceeded*: it was not carried out."""
        self.limiter(action).throttled()

    def in_flight_target(self):
        """How many calls must be under way to keep every used action at its rate (Little's law).

        The sum over the actions answered so far of rate x latency; None before the first answer.
        """
        with self._lock:
            limiters = list(self._limiters.values())
        measured = [limiter for limiter in limiters if limiter.latency is not None]
        if not measured:
            return None
        return sum(limiter.rate * limiter.latency for limiter in measured)

    def stats(self):
        """Per action: quota, current rate, latency, throttled answers (for tests and benchmarks)."""
        with self._lock:
            items = list(self._limiters.items())
        return {
            action: {
                "quota": limiter.quota,
                "rate": limiter.rate,
                "latency": limiter.latency,
                "throttled": limiter.throttles,
                "decreases": limiter.decreases,
            }
            for action, limiter in items
        }

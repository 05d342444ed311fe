# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Client-side pacing at Tencent's per-action API quotas, shared fairly with other clients.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

Tencent counts each action's calls per main account in one-second windows, and every job, tool
and SDK of the account shares the quota. Each action gets a RateLimiter with two ways to pace:

- bursting (from the start, while the action has never been throttled): a full quota may start
  at once, and each later start comes BURST_WINDOW (1.05 s) after the start a quota before it --
  at most the quota in any BURST_WINDOW, so at most the quota in any one-second window even when
  jitter on the way moves a call up to 50 ms closer to the call a quota before it. This is what
  a one-second quota allows: 1,000 calls at 100/s fit in 9.45 s instead of the 10.5 s that an
  even pace at 95 % takes, which is the whole difference at 500 ms per answer. A token bucket
  with a burst of the quota, a sliding window and a fixed window all admit it;
- even (after the first RequestLimitExceeded answer for the action: another job or tool shares
  the quota, or Tencent counts it in a way that does not take a burst): starts are scheduled
  1/rate apart (a caller woken late by a busy machine does not push the schedule back), never
  more than SAFETY_MARGIN x the quota (rounded down) in any one-second window, and the rate
  follows AIMD: a RequestLimitExceeded answer multiplies it by DECREASE_FACTOR (at most once per
  window + round trip, so one burst of throttled answers counts once), never below a floor;
  every successful answer adds a little back (INCREASE_PER_SECOND x the ceiling per second of
  answers) up to the ceiling. Several tasks doing this settle on a fair share instead of
  fighting. A limiter that has been throttled does not go back to bursting.

It also measures each action's latency (an EWMA of the answers' round trips), which sets how
many streams a batch keeps in flight (in_flight_target, used by _batch.InflightGate); serves
waiting callers in arrival order without spinning; and refuses, with DeadlineExceeded, a start
that could only come after the task's deadline. A quota under 1/s stretches both windows to 1/quota
seconds: one call in each.
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
# While bursting: at most the quota in any window this long. The extra 50 ms is room for jitter
# (a call held back on the way, the one a quota later not) -- the same room the even pace's 5 %
# leaves between a call and the call a quota after it.
BURST_WINDOW = 1.05
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
    """Paces the starts of one action: bursts of at most the quota per BURST_WINDOW until the first
    throttled answer, then an even AIMD rate with never more than ``cap`` in any one-second window.

    ``quota`` is the account's limit (requests per second). The even rate starts at
    ceiling x DECREASE_FACTOR (the throttled answer that ends bursting counts as a decrease) and
    moves between the floor and the ceiling (see the module's docstring). acquire() blocks the
    caller until its start is due; callers are served in the order they arrived.
    ``burst=False`` paces evenly from the start.
    """

    def __init__(self, quota, margin=SAFETY_MARGIN, clock=time.monotonic, sleep=time.sleep, burst=True):
        if not quota > 0:
            raise ValueError("quota must be positive")
        if not 0 < margin <= 1:
            raise ValueError("margin must be in (0, 1]")
        self.quota = float(quota)
        self.ceiling = self.quota * margin
        # A quota under 1/s allows one call in 1/quota seconds: the windows stretch to that (0.25/s: one call in
        # any 4 s, 4.2 s while bursting), rather than one call in each second.
        stretch = max(1.0, 1.0 / self.quota)
        self.window = WINDOW * stretch
        self.burst_window = BURST_WINDOW * stretch
        # starts allowed in any window of self.window seconds
        self.cap = max(1, math.floor(self.ceiling * stretch + 1e-9))
        # while bursting: starts allowed in any window of self.burst_window seconds
        self.burst_cap = max(1, math.floor(self.quota * stretch + 1e-9))
        self.bursting = bool(burst)
        self.floor = min(self.ceiling, max(MIN_RATE, self.ceiling * FLOOR_SHARE))
        self.rate = self.ceiling
        self.latency = None
        # the quickest round trip seen: an answer later than this after the send was held up on
        # the way (a cold connection, a queue), and the call reached Tencent that much later
        self.fastest = None
        self.throttles = 0
        self.decreases = 0
        self._clock = clock
        self._sleep = sleep
        # one [time] cell per start: the time the call was let go, moved to when it was really
        # sent (sent()), so a call held up on this side (a busy machine) counts from its real send
        self._starts = collections.deque(maxlen=max(self.cap, self.burst_cap))
        self._mine = threading.local()
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
        if len(self._starts) >= self.burst_cap:
            # in both ways of pacing (the switch included): the start a quota before this one must be
            # BURST_WINDOW in the past
            due = max(due, self._starts[-self.burst_cap][0] + self.burst_window)
        if not self.bursting:
            if self._anchor is not None:
                due = max(due, self._anchor + 1.0 / self.rate)
            if len(self._starts) >= self.cap:
                # the oldest of the last cap starts must have left the window
                due = max(due, self._starts[-self.cap][0] + self.window + 1e-6)
        return due

    def next_start(self):
        """When a call arriving now could start (no other caller waiting)."""
        with self._lock:
            return self._earliest(self._clock())

    def acquire(self, deadline=None, action=None, bound=None):
        """Wait for this caller's turn and start; returns the seconds waited.

        Raises DeadlineExceeded, without waiting, when the start would come after ``deadline``
        (a clock value; None: no deadline). With the task's ``bound`` (a TaskBound), the caller
        waits through it: TaskStopped as soon as the task stops, DeadlineExceeded, without waiting,
        when the start would come after the task's deadline.
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
                    if bound is not None:
                        bound.check(action)
                    if due <= now:
                        if self.bursting or self._anchor is None:
                            # the even schedule, once it starts, counts from the last real start
                            self._anchor = now
                        elif scheduled is not None or len(self._queue) > 1:
                            # Backlogged (this caller slept, or others wait): keep to the schedule, making
                            # up at most CATCH_UP of a period of lateness; after idle time no credit is earned.
                            self._anchor = max(self._anchor + 1.0 / self.rate, now - CATCH_UP / self.rate)
                        else:
                            self._anchor = now
                        self._mine.cell = [now]
                        self._starts.append(self._mine.cell)
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
                        self._wait(due - now, bound, action)
                    finally:
                        self._lock.acquire()
                    waited += due - now
            finally:
                first = self._queue[0] is turn
                self._queue.remove(turn)
                if first and self._queue:
                    self._queue[0].notify()

    def _wait(self, seconds, bound, action):
        """Sleep until a start is due, through the task's bound when there is one (TaskBound.sleeper: woken by
        its stop, refused past its deadline)."""
        if bound is None:
            self._sleep(seconds)
        else:
            bound.sleeper(self._sleep)(seconds, action)

    def sent(self):
        """The call this thread was last let go for is being sent now (signed, about to be written):
        the windows count it from now, if that is later than when it was let go."""
        with self._lock:
            cell = getattr(self._mine, "cell", None)
            if cell is not None:
                cell[0] = max(cell[0], self._clock())

    def answered(self, latency=None):
        """A successful (not throttled) answer: probe the rate up, learn the latency.

        An answer that took longer than the quickest round trip seen was held up somewhere: on the
        way there (the call reached Tencent late, and the call a quota after it must not reach
        Tencent within a second of it) or on the way back. Not knowing which, the windows count this
        thread's call that whole delay later than it was sent, if that is later. (Half the delay was
        tried: it let jitter throttle a call now and then, and one throttled answer ends bursting,
        which costs more than the windows the whole delay stretches.)
        """
        with self._lock:
            cell, self._mine.cell = getattr(self._mine, "cell", None), None
            if latency is not None and latency >= 0:
                self.fastest = latency if self.fastest is None else min(self.fastest, latency)
                if cell is not None:
                    held_up = latency - self.fastest
                    cell[0] = max(cell[0], self._clock() - latency + held_up)
                self.latency = (
                    latency
                    if self.latency is None
                    else ((1 - LATENCY_WEIGHT) * self.latency + LATENCY_WEIGHT * latency)
                )
            if self.rate < self.ceiling:
                self.rate = min(self.ceiling, self.rate + INCREASE_PER_SECOND * self.ceiling / self.rate)

    def throttled(self):
        """A RequestLimitExceeded answer: stop bursting; slow down, once per window + round trip."""
        with self._lock:
            self._mine.cell = None
            self.throttles += 1
            if self.bursting:
                # the even schedule starts from its first start, not from the last burst
                self.bursting = False
                self._anchor = None
            now = self._clock()
            quiet = self.window + (self.latency or 0.0)
            if self._last_decrease is None or now - self._last_decrease >= quiet:
                self._last_decrease = now
                self.decreases += 1
                self.rate = max(self.floor, self.rate * DECREASE_FACTOR)


class RateLimits:
    """One RateLimiter per action, created on first use."""

    def __init__(self, overrides=None, clock=time.monotonic, sleep=time.sleep, margin=SAFETY_MARGIN, burst=True):
        self._quotas = dict(DEFAULT_QUOTAS)
        self._burst = burst
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
                    self.quota(action), margin=self._margin, clock=self._clock, sleep=self._sleep, burst=self._burst
                )
            return self._limiters[action]

    def acquire(self, action, time_left=None, bound=None):
        """Wait until a call of this action may start; DeadlineExceeded if only after ``time_left`` seconds,
        or after the deadline of the task's ``bound`` (TaskStopped when it stops meanwhile).

        (Seconds left, not a clock value: the caller's clock need not be this one's.)
        """
        deadline = None if time_left is None else self._clock() + time_left
        return self.limiter(action).acquire(deadline, action=action, bound=bound)

    def sent(self, action):
        """This thread's call of this action, let go by acquire(), is being sent now."""
        self.limiter(action).sent()

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
                "bursting": limiter.bursting,
            }
            for action, limiter in items
        }

# -*- coding: utf-8 -*-
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Client-side rate limiting at Tencent's per-action API quotas.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

# Requests per second per account, from Tencent's API pages (Live, version 2018-08-01).
DEFAULT_QUOTAS = {
    "DescribeLiveStreamState": 300,
    "ResumeLiveStream": 100,
    "ForbidLiveStream": 200,
    "DropLiveStream": 100,
    "DescribeLiveStreamOnlineList": 80,
}
FALLBACK_QUOTA = 20
# The client's burst is a little smaller than the server's bucket. The server starts its
# bucket when the first request arrives, which can be tens of milliseconds after the client
# took its first token (connection set-up), so with equal buckets the client runs slightly
# ahead and meets an occasional RequestLimitExceeded. A fifth of a second of headroom
# absorbs that jitter and costs 0.2 s on a 1,000-stream batch. (How Tencent counts -- token
# bucket or fixed window -- is not documented; throttling answers are retried either way.)
BURST_FRACTION = 0.8


class RateLimiter:
    """A thread-safe token bucket: ``rate`` tokens a second, bursts up to ``capacity``.

    acquire() reserves a token even when the bucket is empty (the balance goes negative) and
    then sleeps outside the lock until the reservation is due, so waiting callers are served
    in arrival order and never spin.
    """

    def __init__(self, rate, capacity=None, clock=time.monotonic, sleep=time.sleep):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = float(rate)
        self.capacity = float(capacity if capacity is not None else rate)
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.capacity
        self._stamp = clock()
        self._lock = threading.Lock()

    def acquire(self):
        """Take one token, sleeping as long as needed; returns the seconds slept."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= 1.0
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if wait > 0:
            self._sleep(wait)
        return wait


class RateLimits:
    """One RateLimiter per action, created on first use."""

    def __init__(self, overrides=None, clock=time.monotonic, sleep=time.sleep):
        self._quotas = dict(DEFAULT_QUOTAS)
        self._quotas.update(overrides or {})
        self._clock = clock
        self._sleep = sleep
        self._limiters = {}
        self._lock = threading.Lock()

    def quota(self, action):
        return self._quotas.get(action, FALLBACK_QUOTA)

    def limiter(self, action):
        with self._lock:
            if action not in self._limiters:
                rate = self.quota(action)
                self._limiters[action] = RateLimiter(rate, capacity=max(1.0, rate * BURST_FRACTION), clock=self._clock, sleep=self._sleep)
            return self._limiters[action]

    def acquire(self, action):
        return self.limiter(action).acquire()

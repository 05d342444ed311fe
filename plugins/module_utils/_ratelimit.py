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
    # Not on Tencent's page for this action; the reference's working assumption.
    "DescribeLiveStreamPublishedList": 20,
}
FALLBACK_QUOTA = 20


class RateLimiter:
    """A thread-safe token bucket: ``rate`` tokens a second, bursts up to ``capacity``.

    acquire() reserves a token even when the bucket is empty (the balance goes negative) and
    then sleeps outside the lock until the reservation is due, so waiting callers are served
    in arrival order and never spin.

    The bucket starts refilling only once anchor() is called, when the first answer for this
    action has come back. The server's own bucket starts when it sees our first request, which
    may be well after we took the first token (connection set-up, a busy machine); refilling
    from our first token would run ahead of the server by that delay and meet
    RequestLimitExceeded. Anchoring on the first answer keeps the client behind the server.
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
        self._anchored = False
        self._lock = threading.Lock()

    def anchor(self):
        """Start refilling from now (the first answer for this action has arrived); once only."""
        if self._anchored:
            return
        with self._lock:
            if not self._anchored:
                self._anchored = True
                self._stamp = self._clock()

    def acquire(self):
        """Take one token, sleeping as long as needed; returns the seconds slept."""
        with self._lock:
            now = self._clock()
            if self._anchored:
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
                self._limiters[action] = RateLimiter(self.quota(action), clock=self._clock, sleep=self._sleep)
            return self._limiters[action]

    def acquire(self, action):
        return self.limiter(action).acquire()

    def answered(self, action, latency=None):
        """The server has answered a call of this action (after latency seconds): its bucket is surely running."""
        self.limiter(action).anchor()

    def throttled(self, action):
        """Tencent answered a call of this action with RequestLimitExceeded*: it was not carried out."""
        self.limiter(action).anchor()

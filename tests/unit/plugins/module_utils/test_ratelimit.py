# -*- coding: utf-8 -*-
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils._ratelimit import RateLimiter, RateLimits


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_burst_up_to_capacity_then_paced_at_rate():
    clock = FakeClock()
    limiter = RateLimiter(100, clock=clock, sleep=clock.sleep)
    limiter.anchor()
    for dummy in range(100):
        assert limiter.acquire() == 0
    for dummy in range(200):
        limiter.acquire()
    # 300 tokens at 100/s with a burst of 100: the last one is granted at t = 2 s.
    assert clock.now == pytest.approx(2.0)


def test_idle_time_refills_only_up_to_capacity():
    clock = FakeClock()
    limiter = RateLimiter(10, capacity=5, clock=clock, sleep=clock.sleep)
    limiter.anchor()
    clock.now = 100.0
    waits = [limiter.acquire() for dummy in range(6)]
    assert waits[:5] == [0] * 5 and waits[5] == pytest.approx(0.1)


def test_rate_limits_use_documented_quotas_and_overrides():
    limits = RateLimits({"ResumeLiveStream": 20})
    assert limits.quota("DescribeLiveStreamState") == 300
    assert limits.quota("ResumeLiveStream") == 20
    assert limits.limiter("ResumeLiveStream") is limits.limiter("ResumeLiveStream")
    assert limits.limiter("DescribeLiveStreamState").capacity == 300


def test_no_refill_before_the_first_answer_then_refill_from_it():
    clock = FakeClock()
    limiter = RateLimiter(10, clock=clock, sleep=clock.sleep)
    limiter.acquire()              # first call sent at t=0, its answer is slow
    clock.now = 0.5                # time before the answer earns nothing: the server may not have started counting
    for dummy in range(9):
        assert limiter.acquire() == 0
    assert limiter.acquire() == pytest.approx(0.1)   # bucket empty: wait for a refill
    limiter.anchor()               # the first answer arrives at t=0.6
    limiter.anchor()               # later answers do not move the anchor
    clock.now = 0.8
    assert limiter.acquire() == pytest.approx(0.0)   # 0.2 s since the anchor earned 2 tokens, one was owed


def test_rate_limits_anchor_on_answered():
    clock = FakeClock()
    limits = RateLimits(clock=clock, sleep=clock.sleep)
    limits.acquire("ResumeLiveStream")
    limits.answered("ResumeLiveStream")
    assert limits.limiter("ResumeLiveStream")._anchored is True


def test_rate_must_be_positive():
    with pytest.raises(ValueError):
        RateLimiter(0)

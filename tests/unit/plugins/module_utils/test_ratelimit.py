# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The rate limiter with a fake clock: the one-second window, AIMD sharing, the deadline."""

import bisect
import collections
import heapq
import itertools
import random
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.tencent.cloud.plugins.module_utils._errors import DeadlineExceeded, TaskStopped
from ansible_collections.tencent.cloud.plugins.module_utils._ratelimit import (
    BURST_WINDOW,
    DECREASE_FACTOR,
    SAFETY_MARGIN,
    RateLimiter,
    RateLimits,
)
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound


class FakeClock:
    def __init__(self, now=0.0):
        self.now = now

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        assert seconds > 0, "the limiter must never sleep for nothing (spinning)"
        self.now += seconds


def max_in_any_window(times, window=1.0):
    """The most start times in any closed window [t, t + window] (enough to check at each start)."""
    times = sorted(times)
    return max(bisect.bisect_right(times, t + window) - i for i, t in enumerate(times)) if times else 0


# --------------------------------------------------------------------------- the window
@settings(max_examples=150, deadline=None)
@given(
    quota=st.integers(min_value=1, max_value=400),
    gaps=st.lists(st.floats(min_value=0.0, max_value=1.5, allow_nan=False), min_size=1, max_size=600),
    throttle_every=st.integers(min_value=0, max_value=50),
    burst=st.booleans(),
)
def test_never_more_than_the_quota_in_any_one_second_window(quota, gaps, throttle_every, burst):
    """Whatever the arrival pattern (bursts, idle gaps, AIMD changes, the switch from bursting to the
    even pace), no one-second window holds more than the quota, and no BURST_WINDOW more than the quota
    (room for 50 ms of jitter); once paced evenly, no one-second window more than margin x quota."""
    clock = FakeClock(100.0)
    limiter = RateLimiter(quota, clock=clock, sleep=clock.sleep, burst=burst)
    starts = []
    even_from = None
    for index, gap in enumerate(gaps):
        clock.now += gap
        limiter.acquire()
        starts.append(clock.now)
        if throttle_every and index % throttle_every == 0:
            even_from = len(starts) if limiter.bursting else even_from
            limiter.throttled()
        else:
            limiter.answered(0.05)
    assert max_in_any_window(starts, BURST_WINDOW - 1e-9) <= quota
    # from the first throttled answer on (or from the start, burst=False): the even pace's cap
    even = starts if not burst else starts[even_from:] if even_from is not None else []
    cap = max(1, int(quota * SAFETY_MARGIN))
    assert max_in_any_window(even) <= cap <= quota


@pytest.mark.parametrize("burst", [True, False])
@pytest.mark.parametrize("quota", [0.25, 0.5, 0.9])
def test_a_quota_under_one_per_second_is_honoured(quota, burst):
    """rate_limits takes any number greater than 0: at 0.25/s, never two calls within 4 s (5 calls take at
    least 16 s, not the 5 s of one call a second), also after a throttled answer and however they arrive."""
    clock = FakeClock()
    limiter = RateLimiter(quota, clock=clock, sleep=clock.sleep, burst=burst)
    starts = []
    for index in range(12):
        limiter.acquire()
        starts.append(clock.now)
        if index == 5:
            limiter.throttled()
        else:
            limiter.answered(0.05)
        clock.now += 0.1 * (index % 3)
    assert max_in_any_window(starts, 1.0 / quota - 1e-6) == 1
    assert starts[4] - starts[0] >= 4 / quota - 1e-6


def test_bursting_one_quota_per_burst_window_never_a_double_burst():
    """A thousand callers at once: a quota starts at once, the next quota 1.05 s later, and so on --
    never 100 + 100 in one second, and 1,000 starts take 9 x 1.05 s (an even 95 % pace: 10.5 s)."""
    clock = FakeClock()
    limiter = RateLimiter(100, clock=clock, sleep=clock.sleep)
    starts = []
    for _dummy in range(1000):
        limiter.acquire()
        starts.append(clock.now)
    assert starts[:100] == [0.0] * 100 and min(starts[100:]) == pytest.approx(BURST_WINDOW)
    assert max_in_any_window(starts) == 100
    assert max_in_any_window(starts, BURST_WINDOW - 1e-9) == 100
    assert starts[-1] == pytest.approx(9 * BURST_WINDOW)
    assert limiter.bursting and limiter.throttles == 0


def test_the_first_throttled_answer_ends_bursting_for_good():
    """Someone else uses the quota (or Tencent does not take a burst): from the first throttled answer
    the limiter paces evenly at the decreased rate, and it does not burst again when the rate is back."""
    clock = FakeClock()
    limiter = RateLimiter(100, clock=clock, sleep=clock.sleep)
    for _dummy in range(100):
        limiter.acquire()
    assert clock.now == 0.0
    limiter.throttled()
    assert not limiter.bursting and limiter.rate == pytest.approx(95 * DECREASE_FACTOR)
    starts = []
    for _dummy in range(200):
        limiter.acquire()
        starts.append(clock.now)
    # the quota's window is respected across the switch, then the even pace holds
    assert starts[0] >= 1.0
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) == pytest.approx(1 / (95 * DECREASE_FACTOR))
    for _dummy in range(5000):
        limiter.answered(0.1)
    assert limiter.rate == pytest.approx(95.0) and not limiter.bursting
    clock.now += 100.0  # idle: no burst is earned
    waits = [limiter.acquire() for _dummy in range(3)]
    assert waits[0] == 0 and waits[1] == pytest.approx(1 / 95.0)


def test_a_call_held_up_on_this_side_counts_from_its_send():
    """sent(): a call let go at 0 s but only sent at 0.3 s (a busy machine) holds the call a quota after
    it back until 0.3 + 1.05 s."""
    clock = FakeClock()
    limiter = RateLimiter(2, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    limiter.acquire()
    clock.now = 0.3
    limiter.sent()  # this thread's last call (the second)
    limiter.acquire()
    assert clock.now == pytest.approx(BURST_WINDOW)  # a quota after the first: 0 + 1.05
    limiter.acquire()
    assert clock.now == pytest.approx(0.3 + BURST_WINDOW)  # a quota after the second: from its send


def test_a_late_answer_moves_its_call_later_in_the_windows():
    """answered(): an answer 0.8 s after the send when the quickest round trip is 0.1 s was held up
    0.7 s, on the way there or back; the call a quota after it waits for all of that."""
    clock = FakeClock()
    limiter = RateLimiter(2, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    clock.now = 0.1
    limiter.answered(0.1)  # the first call: the quickest round trip, not late
    limiter.acquire()
    clock.now = 0.9
    limiter.answered(0.8)  # the second call: let go at 0.1, answered 0.8 s later
    limiter.acquire()
    assert clock.now == pytest.approx(BURST_WINDOW)
    limiter.acquire()
    assert clock.now == pytest.approx(0.1 + 0.7 + BURST_WINDOW)
    # a throttled answer was not admitted: it moves nothing, and ends bursting
    limiter.throttled()
    assert limiter.fastest == pytest.approx(0.1) and not limiter.bursting


def test_no_double_burst_at_the_start_when_pacing_evenly():
    """burst=False: the first second holds 95 starts, evenly spread, not a burst of 100 + 100."""
    clock = FakeClock()
    limiter = RateLimiter(100, clock=clock, sleep=clock.sleep, burst=False)
    starts = []
    for _dummy in range(1000):
        limiter.acquire()
        starts.append(clock.now)
    assert sum(1 for t in starts if t < 1.0) == 95
    assert max_in_any_window(starts) == 95
    assert min(b - a for a, b in zip(starts, starts[1:])) == pytest.approx(1 / 95.0)
    # ... and the pace is the ceiling: 1,000 starts in 999/95 s
    assert starts[-1] == pytest.approx(999 / 95.0)


def test_late_wake_ups_do_not_lower_the_rate_nor_break_the_window():
    """On a busy machine every sleep overruns (here by 3 ms): the schedule holds, the window too."""
    clock = FakeClock()

    def late_sleep(seconds):
        clock.sleep(seconds + 0.003)

    limiter = RateLimiter(100, clock=clock, sleep=late_sleep, burst=False)
    starts = []
    for _dummy in range(1000):
        limiter.acquire()
        starts.append(clock.now)
    assert starts[-1] <= 999 / 95.0 + 0.5  # not 999 x (1/95 + 0.003) = 13.5 s
    assert max_in_any_window(starts) <= 95
    # bursting: a late wake-up only moves later starts later, never closer than BURST_WINDOW
    limiter = RateLimiter(100, clock=clock, sleep=late_sleep)
    starts = []
    for _dummy in range(1000):
        limiter.acquire()
        starts.append(clock.now)
    assert max_in_any_window(starts, BURST_WINDOW - 1e-9) <= 100
    assert starts[-1] - starts[0] <= 9 * (BURST_WINDOW + 0.003) + 1e-6


def test_idle_time_earns_no_burst_when_pacing_evenly():
    clock = FakeClock()
    limiter = RateLimiter(10, clock=clock, sleep=clock.sleep, burst=False)
    limiter.acquire()
    clock.now = 100.0
    waits = [limiter.acquire() for dummy in range(3)]
    assert waits[0] == 0 and waits[1] == pytest.approx(1 / 9.5) and waits[2] == pytest.approx(1 / 9.5)


def test_real_threads_are_served_in_arrival_order_and_paced():
    limiter = RateLimiter(200, burst=False)
    order, started = [], []
    lock = threading.Lock()
    ready = []

    def caller(index):
        limiter.acquire()
        with lock:
            order.append(index)
            started.append(time.monotonic())

    threads = []
    for index in range(40):
        thread = threading.Thread(target=caller, args=(index,))
        thread.start()
        threads.append(thread)
        # each caller is queued before the next one arrives
        deadline = time.monotonic() + 10  # (a loaded machine may take a while to start a thread)
        while len(limiter._queue) + len(order) < index + 1 and time.monotonic() < deadline:
            time.sleep(0.0005)
        ready.append(index)
    for thread in threads:
        thread.join(10)
    assert order == list(range(40))
    assert started[-1] - started[0] >= 39 / 190.0 - 0.01


# --------------------------------------------------------------------------- AIMD
def test_throttling_decreases_once_per_window_and_answers_increase_back():
    clock = FakeClock()
    limiter = RateLimiter(100, clock=clock, sleep=clock.sleep)
    limiter.answered(0.1)
    for _dummy in range(20):  # a burst of throttled answers counts once
        limiter.throttled()
    assert limiter.rate == pytest.approx(95 * DECREASE_FACTOR) and limiter.decreases == 1
    clock.now += 1.2  # a window + the round trip later, it counts again
    limiter.throttled()
    assert limiter.rate == pytest.approx(95 * DECREASE_FACTOR**2)
    for _dummy in range(10000):
        limiter.throttled()
        clock.now += 2
    assert limiter.rate == pytest.approx(limiter.floor) and limiter.floor > 0
    for _dummy in range(5000):
        limiter.answered(0.1)
    assert limiter.rate == pytest.approx(95.0)


class StrictQuotaServer:
    """Tencent's quota as the strict emulator counts it: a call is admitted when fewer than
    ``limit`` calls were admitted in the last second; throttled calls are not counted."""

    def __init__(self, limit):
        self.limit = limit
        self.admitted = collections.deque()
        self.throttled = 0

    def call(self, now):
        while self.admitted and self.admitted[0] <= now - 1.0:
            self.admitted.popleft()
        if len(self.admitted) < self.limit:
            self.admitted.append(now)
            return True
        self.throttled += 1
        return False


def simulate(clients, server, seconds, neighbour_rate=0.0, seed=7):
    """Clients with endless work share one quota; returns admitted calls per client per second.

    clients: list of (RateLimiter, start time). A call reaches the server 10-30 ms after it
    starts (network jitter, seeded) and its answer comes back 20 ms later (feedback then).
    A neighbour that does not adapt sends neighbour_rate calls per second.
    """
    rand = random.Random(seed)
    clock = clients[0][0]._clock
    admitted = [collections.Counter() for dummy in clients]
    queue = []  # (time, order, kind, who, ok): kind 0 = arrives at the server, 1 = answer back
    order = itertools.count()
    next_neighbour = 0.0 if neighbour_rate else None
    while True:
        candidates = [
            (max(begin, limiter._earliest(max(clock.now, begin))), 2, index)
            for index, (limiter, begin) in enumerate(clients)
        ]
        if queue:
            candidates.append((queue[0][0], 0, None))
        if next_neighbour is not None:
            candidates.append((next_neighbour, 3, None))
        when, kind, index = min(candidates)
        if when > seconds:
            break
        clock.now = max(clock.now, when)
        if kind == 0:
            _when, _seq, what, who, ok = heapq.heappop(queue)
            if what == 0:
                ok = server.call(clock.now)
                if ok and who is not None:
                    admitted[who][int(clock.now)] += 1
                if who is not None:
                    heapq.heappush(queue, (clock.now + 0.02, next(order), 1, who, ok))
            elif ok:
                clients[who][0].answered(0.04)
            else:
                clients[who][0].throttled()
        elif kind == 3:
            heapq.heappush(queue, (clock.now + rand.uniform(0.01, 0.03), next(order), 0, None, None))
            next_neighbour += 1.0 / neighbour_rate
        else:
            assert clients[index][0].acquire() == 0
            heapq.heappush(queue, (clock.now + rand.uniform(0.01, 0.03), next(order), 0, index, None))
    return admitted


def share(counter, start, end):
    return sum(counter[s] for s in range(start, end)) / float(end - start)


@pytest.mark.parametrize("neighbour", [0.0, 20.0])
def test_aimd_two_clients_converge_to_a_fair_share_of_one_quota(neighbour):
    clock = FakeClock()
    first = RateLimiter(100, clock=clock, sleep=clock.sleep)
    second = RateLimiter(100, clock=clock, sleep=clock.sleep)
    server = StrictQuotaServer(100)
    # the first client has the quota to itself for 10 s, then the second one comes
    admitted = simulate([(first, 0.0), (second, 10.0)], server, 90.0, neighbour_rate=neighbour)
    available = 100 - neighbour
    alone = share(admitted[0], 2, 10)
    # alone, it bursts: a quota every 1.05 s (whole-second buckets see 100 in most seconds)
    assert 0.75 * available <= alone <= 100
    a, b = share(admitted[0], 50, 90), share(admitted[1], 50, 90)
    # fair: within 20 % of each other; efficient: together at least 75 % of what is left of the quota
    assert abs(a - b) <= 0.2 * max(a, b), (a, b)
    assert a + b >= 0.75 * available, (a, b)
    total_calls = sum(sum(c.values()) for c in admitted) + server.throttled
    assert server.throttled <= 0.05 * total_calls, (server.throttled, total_calls)


def test_alone_against_the_strict_quota_no_call_is_throttled():
    clock = FakeClock()
    limiter = RateLimiter(100, clock=clock, sleep=clock.sleep)
    server = StrictQuotaServer(100)
    admitted = simulate([(limiter, 0.0)], server, 30.0)
    # a quota every 1.05 s: 29 bursts in 30 s, at least the even pace's 95/s, never a throttled call
    assert server.throttled == 0 and 95 <= share(admitted[0], 0, 30) <= 100
    assert limiter.bursting


# --------------------------------------------------------------------------- the deadline
def test_a_start_after_the_deadline_is_refused_without_waiting():
    clock = FakeClock()
    limiter = RateLimiter(10, clock=clock, sleep=clock.sleep, burst=False)
    deadline = 0.5
    starts = 0
    with pytest.raises(DeadlineExceeded) as caught:
        while True:
            limiter.acquire(deadline, action="ResumeLiveStream")
            starts += 1
    # 0, 1/9.5, ... 4/9.5 = 0.42 are before 0.5; the next one (0.526) is not, and nobody slept past it
    assert starts == 5 and clock.now <= deadline
    assert caught.value.kind == "deadline" and caught.value.action == "ResumeLiveStream"
    assert "task_timeout" in str(caught.value)
    assert caught.value.failure()["kind"] == "deadline"
    assert limiter._queue == collections.deque()
    # bursting: the quota starts at once, the next one only BURST_WINDOW later -- past the deadline
    limiter = RateLimiter(10, clock=clock, sleep=clock.sleep)
    begin = clock.now
    for _dummy in range(10):
        limiter.acquire(begin + 0.5)
    with pytest.raises(DeadlineExceeded):
        limiter.acquire(begin + 0.5)
    assert clock.now == begin


def test_rate_limits_pass_the_deadline_and_feedback_to_the_action():
    clock = FakeClock()
    limits = RateLimits({"ResumeLiveStream": 20}, clock=clock, sleep=clock.sleep)
    assert limits.quota("DescribeLiveStreamState") == 300 and limits.quota("ResumeLiveStream") == 20
    assert limits.limiter("ResumeLiveStream") is limits.limiter("ResumeLiveStream")
    assert limits.limiter("ResumeLiveStream").ceiling == pytest.approx(19)
    for _dummy in range(20):  # bursting: the quota at once
        limits.acquire("ResumeLiveStream", time_left=0.0)
    with pytest.raises(DeadlineExceeded):  # the 21st only 1.05 s later
        limits.acquire("ResumeLiveStream", time_left=1.0)
    assert limits.stats()["ResumeLiveStream"]["bursting"]
    limits.throttled("ResumeLiveStream")
    assert limits.stats()["ResumeLiveStream"]["rate"] == pytest.approx(19 * DECREASE_FACTOR)


# --------------------------------------------------------------------------- in flight
def test_in_flight_target_is_rate_times_latency():
    limits = RateLimits()
    assert limits.in_flight_target() is None
    limits.answered("DescribeLiveStreamState", 0.1)
    assert limits.in_flight_target() == pytest.approx(285 * 0.1)
    limits.answered("ResumeLiveStream", 0.1)
    assert limits.in_flight_target() == pytest.approx(285 * 0.1 + 95 * 0.1)


def test_limiter_rejects_bad_settings():
    with pytest.raises(ValueError):
        RateLimiter(0)
    with pytest.raises(ValueError):
        RateLimiter(10, margin=1.5)


# --------------------------------------------------------------------------- the task's bound
def test_callers_waiting_for_their_turn_wake_up_when_the_task_is_stopped():
    """Real time (an "at most" claim): one caller waits for the next window, the others queue behind it."""
    limiter = RateLimiter(2)
    bound = TaskBound()
    limiter.acquire(bound=bound)
    limiter.acquire(bound=bound)
    outcomes = []

    def caller():
        try:
            limiter.acquire(bound=bound, action="ResumeLiveStream")
            outcomes.append("started")
        except TaskStopped:
            outcomes.append("stopped")

    threads = [threading.Thread(target=caller) for _dummy in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.1)
    stopped = time.monotonic()
    bound.stop("SIGTERM received")
    for thread in threads:
        thread.join(5)
    assert outcomes == ["stopped"] * 4 and time.monotonic() - stopped < 2.0
    assert limiter._queue == collections.deque()


def test_a_start_after_the_tasks_deadline_is_refused_without_waiting():
    limiter = RateLimiter(2)
    bound = TaskBound.after(0.5)
    limiter.acquire(bound=bound)
    limiter.acquire(bound=bound)
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        limiter.acquire(bound=bound, action="ResumeLiveStream")  # its turn is 1.05 s away, after the deadline
    assert time.monotonic() - started < 0.4

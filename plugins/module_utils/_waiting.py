# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Polling stream states until every stream is in a wanted state, or time runs out.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

Each poll reads only the streams not yet seen in the wanted state (a stream counts as there
once a read says so), through the same batch runner and client as any read, so the reads
stay within DescribeLiveStreamState's quota however many streams are waited for; between
polls it sleeps ``interval`` seconds (less when the deadline is nearer).
"""

import time

# wait_timeout and wait_interval: at most a day, like task_timeout (anything longer is a typo).
MAX_WAIT = 86400


def option_problems(wait_timeout, wait_interval):
    """The problems of wait_timeout and wait_interval."""
    problems = []
    if not 0 <= wait_timeout <= MAX_WAIT:
        problems.append(f"wait_timeout must be 0 to {MAX_WAIT} seconds (a day), got {wait_timeout}")
    if not 1 <= wait_interval <= MAX_WAIT:
        problems.append(f"wait_interval must be 1 to {MAX_WAIT} seconds (a day), got {wait_interval}")
    return problems


class WaitOutcome:
    """What a wait ended with: every stream's last result, who got there, and how long it took."""

    def __init__(self, target, timeout, interval):
        self.target = target
        self.timeout = timeout
        self.interval = interval
        self.polls = 0
        self.elapsed = 0.0
        self.reached_at = {}
        self.failed = False

    def summary(self, keys):
        not_reached = [key for key in keys if key not in self.reached_at]
        return {
            "state": self.target,
            "timeout": self.timeout,
            "interval": self.interval,
            "polls": self.polls,
            "elapsed": round(self.elapsed, 1),
            "timed_out": bool(not_reached) and not self.failed,
            "reached": [key.stream_name for key in keys if key in self.reached_at],
            "not_reached": [key.stream_name for key in not_reached],
        }


def wait_for_state(results, read, target, timeout, interval, clock=time.monotonic, sleep=time.sleep):
    """Poll until every stream is in ``target`` or ``timeout`` seconds have passed.

    results: a list of (key, result) pairs -- the first poll, already read; it is updated in
    place with the latest result of each key. read(keys) -> the results of reading those keys, in
    order (result dicts with ``state`` and ``failed``). A failed read ends the wait at once
    (``outcome.failed``): the client has already retried what was worth retrying.
    """
    outcome = WaitOutcome(target, timeout, interval)
    started = clock()
    deadline = started + timeout
    latest = dict(results)
    keys = [key for key, _result in results]
    outcome.polls = 1
    while True:
        now = clock()
        outcome.elapsed = now - started
        if any(latest[key]["failed"] for key in keys if key not in outcome.reached_at):
            outcome.failed = True
            break
        for key in keys:
            if key not in outcome.reached_at and latest[key]["state"] == target:
                outcome.reached_at[key] = outcome.elapsed
        pending = [key for key in keys if key not in outcome.reached_at]
        if not pending or now >= deadline:
            break
        sleep(max(0.0, min(interval, deadline - now)))
        for key, result in zip(pending, read(pending)):
            latest[key] = result
        outcome.polls += 1
    results[:] = [(key, latest[key]) for key in keys]
    return outcome

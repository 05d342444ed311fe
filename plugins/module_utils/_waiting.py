# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Polling stream states until every stream is in a wanted state, or time runs out.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

Each poll reads only the streams not yet seen in the wanted state (a stream counts as there
once a read says so), through the same batch runner and client as any read, so the reads
stay within DescribeLiveStreamState's quota however many streams are waited for; between
polls it sleeps ``interval`` seconds (less when the deadline is nearer). The earlier of
wait_timeout and the task's deadline (task_timeout) ends the wait; the task's stop ends it at once.
"""

import time

from ansible_collections.tencent.cloud.plugins.module_utils._errors import DeadlineExceeded, TaskStopped

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
        # the task's deadline (task_timeout) came before wait_timeout, and ended the wait
        self.task_timeout = False
        # why the task was stopped while waiting, if it was
        self.stopped = None

    def summary(self, keys):
        not_reached = [key for key in keys if key not in self.reached_at]
        timed_out = bool(not_reached) and not self.failed and self.stopped is None
        return {
            "state": self.target,
            "timeout": self.timeout,
            "interval": self.interval,
            "polls": self.polls,
            "elapsed": round(self.elapsed, 1),
            "timed_out": timed_out,
            # which bound ended the wait: only when time ran out (task_timeout alone says it was the nearer one)
            "task_timeout": timed_out and self.task_timeout,
            "reached": [key.stream_name for key in keys if key in self.reached_at],
            "not_reached": [key.stream_name for key in not_reached],
        }

    def limit_text(self):
        """How long the wait could last, for a message: wait_timeout, or task_timeout when that came first."""
        if self.task_timeout:
            return f"{self.elapsed:.0f} s (until task_timeout, which came before wait_timeout={self.timeout})"
        return f"{self.timeout} s"


def wait_for_state(results, read, target, timeout, interval, clock=time.monotonic, sleep=time.sleep, bound=None):
    """Poll until every stream is in ``target`` or ``timeout`` seconds have passed.

    results: a list of (key, result) pairs -- the first poll, already read; it is updated in
    place with the latest result of each key. read(keys) -> the results of reading those keys, in
    order (result dicts with ``state`` and ``failed``). A failed read ends the wait at once
    (``outcome.failed``): the client has already retried what was worth retrying. With the task's
    ``bound`` (a TaskBound), the wait sleeps through it: the task's deadline ends the wait when it
    comes before ``timeout`` (``outcome.task_timeout``), and a stop ends it at once (``outcome.stopped``).
    """
    outcome = WaitOutcome(target, timeout, interval)
    started = clock()
    deadline = started + timeout
    left = None if bound is None else bound.remaining()
    if left is not None and left < timeout:
        deadline, outcome.task_timeout = started + left, True
    # through the task's bound: woken by its stop, refused past its deadline (TaskBound.sleeper)
    pause = sleep if bound is None else bound.sleeper(sleep)
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
        try:
            pause(max(0.0, min(interval, deadline - now)))
        except DeadlineExceeded:
            outcome.elapsed = clock() - started
            break
        except TaskStopped as error:
            outcome.elapsed, outcome.stopped = clock() - started, error.reason
            break
        for key, result in zip(pending, read(pending)):
            latest[key] = result
        outcome.polls += 1
    results[:] = [(key, latest[key]) for key in keys]
    return outcome

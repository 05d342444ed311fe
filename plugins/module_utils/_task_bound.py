# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The bound of one task: its deadline (task_timeout) and its stop (a signal, or Ansible giving it up).

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

Everything that starts a call or waits consults the task's one TaskBound: the client before each
attempt and for its backoff, the rate limiter while a call waits for its turn, the batch's in-flight
gate, the read that settles a write, wait_for's polls and the credential fetches (STS, the CVM
metadata service). So nothing starts after the deadline or the stop, whatever the call site:

- check() raises DeadlineExceeded past the deadline and TaskStopped once stopped;
- sleep() waits, but wakes up at once when the task is stopped, and refuses at once (without
  waiting) a wait that would end after the deadline: what it waits for could only start too late;
- stop() is final; the callbacks registered with on_stop() run once (the HTTP layer aborts the
  exchanges on the wire, the in-flight gate wakes its waiters). on_stop() returns the function that
  takes a callback back: whatever registers one per batch (the in-flight gate, once per wait_for poll)
  takes it back when done, so a task holds only the callbacks of what is running, however long it polls.

A call on the wire at the deadline is cut there (its exchange ends at the nearer of its own
``timeout`` and the deadline, see _http.py) and is not tried again; one on the wire at a stop is cut
at once.
"""

import threading
import time

from ansible_collections.tencent.cloud.plugins.module_utils._errors import DeadlineExceeded, TaskStopped

DEADLINE_REASON = "the task's deadline (task_timeout) was reached"


def _nothing():
    """The cancel() of a callback that already ran."""


class TaskBound:
    """A deadline on ``clock`` (None: none) and a stop; ``sleep`` replaces the real, interruptible wait (tests)."""

    def __init__(self, deadline=None, clock=time.monotonic, sleep=None):
        self.deadline = deadline
        self._clock = clock
        self._sleep = sleep
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._reason = None
        # registration number -> callback, in the order registered
        self._callbacks = {}
        self._registered = 0

    @classmethod
    def after(cls, seconds, clock=time.monotonic, elapsed=0.0):
        """A bound whose deadline is ``seconds`` after a start ``elapsed`` seconds ago (None or 0: no deadline)."""
        return cls(clock() - elapsed + seconds if seconds else None, clock=clock)

    def now(self):
        return self._clock()

    def remaining(self):
        """Seconds until the deadline (0 when past it), or None without one."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - self._clock())

    @property
    def stopped(self):
        return self._stopped.is_set()

    @property
    def stop_reason(self):
        return self._reason

    def over_reason(self):
        """Why nothing may start any more (the stop first), or None while the task may go on."""
        if self._stopped.is_set():
            return f"the task was stopped ({self._reason})"
        if self.deadline is not None and self._clock() >= self.deadline:
            return DEADLINE_REASON
        return None

    def stop(self, reason):
        """Stop the task for good: nothing starts any more; the on_stop callbacks run (once, in this thread)."""
        with self._lock:
            if self._stopped.is_set():
                return
            self._reason = reason
            self._stopped.set()
            callbacks, self._callbacks = list(self._callbacks.values()), {}
        for callback in callbacks:
            callback()

    def on_stop(self, callback):
        """Run callback() when the task is stopped (at once, if it already is). Returns cancel(): called
        before the stop, the callback is dropped and never runs; afterwards it does nothing."""
        with self._lock:
            if not self._stopped.is_set():
                self._registered += 1
                number = self._registered
                self._callbacks[number] = callback
                return lambda: self._cancel(number)
        callback()
        return _nothing

    def _cancel(self, number):
        with self._lock:
            self._callbacks.pop(number, None)

    @property
    def stop_callbacks(self):
        """How many on_stop callbacks are held (taken back or run ones are not)."""
        with self._lock:
            return len(self._callbacks)

    def check(self, action=None):
        """Raise TaskStopped or DeadlineExceeded if nothing may start any more (``action``: what was about to)."""
        if self._stopped.is_set():
            raise TaskStopped(self._reason, action=action)
        if self.deadline is not None and self._clock() >= self.deadline:
            raise DeadlineExceeded(
                f"{DEADLINE_REASON} before this call could be sent", action=action, deadline=self.deadline
            )

    def sleep(self, seconds, action=None):
        """Wait ``seconds`` before starting ``action``; TaskStopped as soon as the task is stopped, and
        DeadlineExceeded at once when the wait would end after the deadline."""
        self.check(action)
        seconds = max(0.0, seconds)
        if self.deadline is not None and self._clock() + seconds > self.deadline:
            raise DeadlineExceeded(
                f"{DEADLINE_REASON} before this call could be sent (it had to wait {seconds:.1f} s more)",
                action=action,
                deadline=self.deadline,
            )
        if self._sleep is not None:
            self._sleep(seconds)
        else:
            self._stopped.wait(seconds)
        self.check(action)

    def sleeper(self, sleep=time.sleep):
        """The wait for a caller that was given ``sleep``: this bound's own sleep() for the real time.sleep;
        for a replacement (a test's fake clock), that one, refused like sleep() once the task is stopped or
        past its deadline, before and after it waits."""
        if sleep is time.sleep:
            return self.sleep

        def checked(seconds, action=None):
            self.check(action)
            sleep(seconds)
            self.check(action)

        return checked

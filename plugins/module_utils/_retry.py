# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one retry policy of the tencent.cloud collection.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

What a Tencent error code means comes from the code table in _error_codes.py (CODE_TABLE); this
file decides what is done about it:

- throttled calls (every RequestLimitExceeded* code) were not carried out: they are sent again
  at the client's adapted rate, until the task's deadline;
- transient faults of reads (ServiceUnavailable, ResourceUnavailable*, InternalError, ...) and
  transport faults (reset, timeout, HTTP 5xx, an answer that is not Tencent's envelope) are sent
  again, within the ``retries`` budget, with jittered exponential backoff;
- the stream writes (SETTLED_WRITES) are never re-sent blindly. A write whose answer was lost
  (read timeout or reset after sending, HTTP 5xx, a body that is not Tencent's envelope) may
  already have been carried out, and a write that failed with an error may have found the
  stream in the desired state already (another operator, or our own lost first attempt). Both
  are settled by reading the stream's state (see _writes.py): in the desired state, the write
  counts as done; otherwise it is sent again within the budget, if the fault was a passing one.
  Only a request that certainly never reached the server (connection refused, DNS, connect
  timeout) is sent again without a read; a TLS failure is final (not retryable).
- the configuration writes (Create, Modify and Delete of templates and rules, _config_kinds.CONFIG_WRITES) are not
  re-sent blindly either: they carry no idempotency token, and a second Create makes a second template. They are
  settled by listing again (_live_config.py).
"""

import random

from ansible_collections.tencent.cloud.plugins.module_utils._config_kinds import CONFIG_WRITES
from ansible_collections.tencent.cloud.plugins.module_utils._errors import (
    FATAL,
    THROTTLED,
    TRANSIENT,
    TencentApiError,
    TencentTransportError,
)
from ansible_collections.tencent.cloud.plugins.module_utils._settings import DEFAULT_RETRIES

# Writes that set a stream's push state: settled by a read, never re-sent blindly.
SETTLED_WRITES = frozenset(("ResumeLiveStream", "ForbidLiveStream", "DropLiveStream"))
# Writes the client never sends again by itself after they may have reached Tencent: their callers settle them.
NEVER_RESENT = SETTLED_WRITES | CONFIG_WRITES


def is_throttling(error):
    return isinstance(error, TencentApiError) and error.behaviour == THROTTLED


class RetryPolicy:
    """Decides whether a failed call is tried again, and after how long."""

    def __init__(self, retries=DEFAULT_RETRIES, base_delay=0.2, max_delay=5.0, rand=None):
        self.retries = retries
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._rand = rand or random.random

    @staticmethod
    def is_retryable(error, action):
        """May the client send this call again by itself (without reading first)?"""
        if isinstance(error, TencentApiError):
            if error.behaviour == THROTTLED:
                return True
            return error.behaviour == TRANSIENT and action not in NEVER_RESENT
        if isinstance(error, TencentTransportError):
            return error.retryable and (action not in NEVER_RESENT or not error.maybe_carried_out)
        return False

    def should_retry(self, error, action, attempt):
        """attempt: how many retries were already made for this call."""
        return attempt < self.retries and self.is_retryable(error, action)

    @staticmethod
    def needs_settling(error):
        """Must a failed stream write be settled by reading the stream's state?"""
        if isinstance(error, TencentApiError):
            return error.behaviour != FATAL
        if isinstance(error, TencentTransportError):
            # A request that never reached the server changed nothing: its retries are the client's.
            return error.retryable and error.maybe_carried_out
        return False

    @staticmethod
    def may_resend(error):
        """After a read showed the write not done: is sending it again worth it (a passing fault)?"""
        if isinstance(error, TencentApiError):
            return error.behaviour in (TRANSIENT, THROTTLED)
        return isinstance(error, TencentTransportError) and error.retryable

    def delay(self, attempt):
        """Seconds to wait before retry number attempt + 1 (full jitter, at least 10 % of the step)."""
        step = min(self.max_delay, self.base_delay * (2**attempt))
        return step * (0.1 + 0.9 * self._rand())

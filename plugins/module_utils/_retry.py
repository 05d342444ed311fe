# -*- coding: utf-8 -*-
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one retry policy of the tencent.cloud collection.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

What is retried:
- throttling: RequestLimitExceeded and its sub-codes, LimitExceeded.RateLimitExceeded;
- transport faults: connection refused or reset, timeouts, HTTP 429 and 5xx, answers that are
  not a Tencent envelope (a proxy's error page);
- InternalError (any sub-code but InternalError.ConfigNotExist, an unknown domain) on read
  actions (Describe*) only.

Why retrying the Live writes is safe: ResumeLiveStream, ForbidLiveStream and DropLiveStream
set a stream to a state rather than change it by a step. Sending one twice -- because the
first answer was lost on the way back -- leaves the stream as sending it once would, so a
transport retry cannot do harm. InternalError on a write is still not retried (as in
Tencent's own Terraform provider): the server may be half-way through, and the user should
see it.

Backoff is exponential with full jitter, capped, and the number of retries is bounded by the
``retries`` option.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random

from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentApiError, TencentTransportError, is_fatal_code

THROTTLING_CODES = frozenset((
    "RequestLimitExceeded",
    "RequestLimitExceeded.UinLimitExceeded",
    "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
    "RequestLimitExceeded.IPLimitExceeded",
    "LimitExceeded.RateLimitExceeded",
))


def is_read_action(action):
    return bool(action) and action.startswith("Describe")


class RetryPolicy:
    """Decides whether a failed call is tried again, and after how long."""

    def __init__(self, retries=5, base_delay=0.2, max_delay=5.0, rand=None):
        self.retries = retries
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._rand = rand or random.random

    def is_retryable(self, error, action):
        if isinstance(error, TencentApiError):
            if error.code in THROTTLING_CODES:
                return True
            # A configuration error (InternalError.ConfigNotExist: unknown domain) will not heal by retrying.
            internal = error.code == "InternalError" or error.code.startswith("InternalError.")
            return is_read_action(action) and internal and not is_fatal_code(error.code)
        if isinstance(error, TencentTransportError):
            return error.retryable
        return False

    def should_retry(self, error, action, attempt):
        """attempt: how many retries were already made for this call."""
        return attempt < self.retries and self.is_retryable(error, action)

    def delay(self, attempt):
        """Seconds to wait before retry number attempt + 1 (full jitter, at least 10 % of the step)."""
        step = min(self.max_delay, self.base_delay * (2 ** attempt))
        return step * (0.1 + 0.9 * self._rand())

    def worst_case_wait(self):
        """Upper bound of the total backoff sleep over the whole budget."""
        return sum(min(self.max_delay, self.base_delay * (2 ** n)) for n in range(self.retries))

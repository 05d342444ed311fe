# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tencent's per-action quotas and how the emulator counts them: the Live quotas come from the
collection's own table, plugins/module_utils/_quotas.py, loaded by path (one source for the client's
pacing, the emulator and the benchmark); STS's AssumeRole quota is the emulator's own. A quota is
counted per main account in a token bucket (bursts up to the quota), a leaky bucket (no burst:
the quota spread evenly) or a strict sliding one-second window.
"""

import bisect
import importlib.util
import os

from .common import ACTION_PARAMS

# tests/emulator/live_api_emulator/quotas.py -> the collection's root -> plugins/module_utils/_quotas.py
COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
QUOTAS_FILE = os.path.join(COLLECTION_ROOT, "plugins", "module_utils", "_quotas.py")


def load_collection_quotas(path: str = QUOTAS_FILE):
    """The collection's quota table (DEFAULT_QUOTAS, FALLBACK_QUOTA), loaded by path: the emulator
    runs from any copy of the collection with only the standard library, never as part of it."""
    if not os.path.isfile(path):
        raise ImportError(
            f"the emulator reads Tencent's quotas from {path}, which is missing: run it from a whole copy of the collection"
        )
    spec = importlib.util.spec_from_file_location("live_api_emulator_collection_quotas", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_COLLECTION_QUOTAS = load_collection_quotas()
# Live actions the collection never calls, so its table leaves them out: Tencent's quotas, kept here.
UNCALLED_QUOTAS = {"DescribeLiveCallbackTemplate": 500, "DescribeLiveSnapshotTemplate": 500}
# Requests per second per main account; an action neither table names gets the collection's fallback.
LIVE_QUOTAS = {
    action: _COLLECTION_QUOTAS.DEFAULT_QUOTAS.get(
        action, UNCALLED_QUOTAS.get(action, _COLLECTION_QUOTAS.FALLBACK_QUOTA)
    )
    for action in ACTION_PARAMS
}
# AssumeRole: 600 a minute per account.
STS_QUOTAS = {"AssumeRole": 10}
ALL_QUOTAS = dict(LIVE_QUOTAS, **STS_QUOTAS)


# quota_window "leaky": a bucket that holds only this share of a second's quota (at least one call),
# i.e. the quota spread evenly over the second -- a server that takes no burst
LEAKY_BURST_SHARE = 0.05


class TokenBucket:
    """Capacity = rate x burst_share (at least one token; burst_share 1: the whole quota at once),
    refilled continuously."""

    def __init__(self, rate: float, now: float, burst_share: float = 1.0):
        self.rate = float(rate)
        self.capacity = max(1.0, self.rate * burst_share)
        self.tokens = self.capacity
        self.stamp = now

    def take(self, now: float) -> bool:
        if self.rate <= 0:
            return False
        elapsed = max(0.0, now - self.stamp)
        self.stamp = max(self.stamp, now)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class SlidingWindow:
    """Strict sliding one-second window: admits a call only if fewer than ``limit`` calls were
    admitted in the last 1.0 s (calls at t and t + 1.0 are not in one window). Admission times
    are kept sorted; a time slightly out of order (concurrent requests) is still counted."""

    def __init__(self, limit: float):
        self.limit = float(limit)
        self.stamps: list = []

    def take(self, now: float) -> bool:
        if self.limit <= 0:
            return False
        del self.stamps[: bisect.bisect_right(self.stamps, now - 2.0)]
        in_window = len(self.stamps) - bisect.bisect_right(self.stamps, now - 1.0)
        if in_window < self.limit:
            bisect.insort(self.stamps, now)
            return True
        return False


def window_max(stamps: list) -> int:
    """The largest number of the given times inside any half-open window [t, t + 1.0)."""
    stamps = sorted(stamps)
    best = start = 0
    for end, stamp in enumerate(stamps):
        while stamps[start] <= stamp - 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best

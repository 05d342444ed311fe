# -*- coding: utf-8 -*-
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run one unit of work per item concurrently, keeping input order.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

The client's per-action rate limiters pace the calls; this only keeps enough of them in
flight. Each item's work reads and, if needed, writes, so writes start while other items are
still being read.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
from concurrent.futures import ThreadPoolExecutor


class StopSignal:
    """Set once by any worker (for example on an authentication error) to stop new work."""

    def __init__(self):
        self._event = threading.Event()
        self.reason = None

    def stop(self, reason):
        if not self._event.is_set():
            self.reason = reason
            self._event.set()

    @property
    def stopped(self):
        return self._event.is_set()


def run_in_order(items, work, not_started, workers):
    """Call work(item, stop) for every item with up to ``workers`` threads.

    Items not yet started when stop is signalled get not_started(item, reason) instead.
    Returns the results in the order of ``items``.
    """
    stop = StopSignal()

    def guarded(item):
        if stop.stopped:
            return not_started(item, stop.reason)
        return work(item, stop)

    if workers <= 1 or len(items) <= 1:
        return [guarded(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(guarded, items))

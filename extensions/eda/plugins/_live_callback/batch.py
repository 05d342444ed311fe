# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What waits for the rule engine in the live_callback source: the callbacks gathered into batches, the budget of
what may wait, and the first deliveries still in flight.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice. Loaded by its path
(live_callback.py's _load_part): it imports nothing from the collection.

ansible-rulebook's queue for a source holds one event, its engine stops taking events while more than ten actions
wait, and nothing combines actions: a raid of 1,000 moderation Blocks would be 1,000 playbook starts. So the source
batches. A callback whose ``tencent_live`` has every value of ``batch_match`` waits at most ``batch_window`` seconds
for others; then they go on the queue together, as one event (batch_event), at most ``batch_max`` callbacks and
BATCH_MAX_BYTES of their text in one; a burst's batch goes sooner, once no more come (BURST). While the engine is
not taking events, the callbacks that arrive meanwhile join the batch that waits. Each callback is answered 200 only
once the event carrying it is on the queue; one that the queue did not take within ``queue_timeout`` of its arrival
leaves its batch and is answered 503 (Tencent re-sends it later). A callback is in one batch only, and each batch
carries each callback's own ``tencent_live``.
"""

import asyncio
import base64
import contextlib
import json

# the text of the callbacks one batch carries, at most (a callback beyond goes into the next batch): what the
# playbook gets as one extra var, whatever size the callbacks' labels are
BATCH_MAX_BYTES = 4 * 1024 * 1024
# A batch of at least BURST callbacks goes before its window ends once none has come for QUIET_SHARE of the window:
# Tencent's senders wait for each answer (up to 20 s), so in a raid they are all waiting, and the next callbacks
# come only once this batch is answered. Fewer callbacks at that pace (1 / (QUIET_SHARE x window) a second or
# slower) fill no such batch within a window: a trickle still gets the window, and is not one run per callback.
BURST = 10
QUIET_SHARE = 0.2
# a batch the queue did not take is rebuilt without the callbacks whose queue_timeout has come; those due this
# much later go with them (answered a little before their time, never after), so that a stalled engine with
# callbacks arriving all the time costs at most a few rebuilds a second
EXPIRY_GRAIN = 0.25


def matches(match, info):
    """True when the callback's tencent_live (info) has every value of batch_match (None: nothing is batched)."""
    return match is not None and all(info.get(key) == wanted for key, wanted in match.items())


def batch_event(match, callbacks, endpoints):
    """The event of a batch: its callbacks' tencent_live mappings, in the order they arrived, and the same as one
    base64 text for a playbook (a JSON list where a single callback's tencent_live_b64 has a mapping)."""
    text = json.dumps(callbacks, sort_keys=True)
    return {
        "tencent_live_batch": dict(match, size=len(callbacks), callbacks=callbacks),
        "tencent_live_b64": base64.b64encode(text.encode()).decode("ascii"),
        "meta": {"endpoints": sorted(set(endpoints))},
    }


class Budget:
    """What may wait at once for the rule engine: at most ``max_count`` callbacks and ``max_bytes`` bytes of bodies.
    A callback counts from before its body is read until it is answered, as its Content-Length (or max_body_bytes
    when the sender does not say); its body and parsed form are what the source holds for it."""

    def __init__(self, max_count, max_bytes):
        self.max_count, self.max_bytes = max_count, max_bytes
        self.count = self.bytes = 0

    def refusal(self, size):
        """Why one more callback of ``size`` bytes may not wait now (None: it may; then ``take`` it)."""
        if self.count >= self.max_count:
            return f"{self.count} callbacks already wait for the rule engine (max_pending)"
        if self.bytes + size > self.max_bytes:
            return f"{self.count} callbacks of {self.bytes} bytes already wait for the rule engine (max_pending_bytes)"
        return None

    def take(self, size):
        self.count += 1
        self.bytes += size

    def give_back(self, size):
        self.count -= 1
        self.bytes -= size


class InFlight:
    """The first deliveries being handled: fingerprint -> a future that is True once the queue took the callback and
    False once it was given up. Kept apart from the re-delivery memory (dedup_window, its capacity), which may forget
    a callback while its first delivery still waits: a re-delivery then still finds it here and waits for its
    outcome, and only the first delivery removes its own entry."""

    def __init__(self):
        self.futures = {}

    def first(self, fingerprint):
        return self.futures.get(fingerprint)

    def start(self, fingerprint):
        future = self.futures[fingerprint] = asyncio.get_running_loop().create_future()
        return future

    def end(self, fingerprint, future, taken):
        if not future.done():
            future.set_result(taken)
        if self.futures.get(fingerprint) is future:
            del self.futures[fingerprint]


class _Waiting:
    """One callback in a batch: its tencent_live, where it was posted, the size of its text, when it arrived and when
    its queue_timeout comes (loop time), and the future its request waits on."""

    __slots__ = ("arrival", "deadline", "endpoint", "future", "info", "size", "withdrawn")

    def __init__(self, info, endpoint, deadline, loop):
        self.info, self.endpoint, self.deadline = info, endpoint, deadline
        self.size = len(json.dumps(info))
        self.arrival = loop.time()
        self.future = loop.create_future()
        self.withdrawn = False


class Batcher:
    """Gathers the callbacks batch_match selects into batch events and puts them on the queue, one batch at a time."""

    def __init__(self, queue, settings, logger, plugin):
        self.queue, self.logger, self.plugin = queue, logger, plugin
        self.match, self.window, self.max_items = settings.batch_match, settings.batch_window, settings.batch_max
        self.waiting = []  # callbacks not in the event being put, in the order they arrived
        self.attempt = []  # the callbacks of the event being put
        self.changed = asyncio.Event()  # a batch became full, or a callback was withdrawn
        self.task = None

    async def add(self, info, endpoint, deadline):
        """True once an event carrying this callback is on the queue; False when its deadline came first."""
        item = _Waiting(info, endpoint, deadline, asyncio.get_running_loop())
        self.waiting.append(item)
        if len(self.waiting) >= self.max_items:
            self.changed.set()
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self._run())
        try:
            return await asyncio.shield(item.future)
        except asyncio.CancelledError:
            self._withdraw(item)
            raise

    def _withdraw(self, item):
        """The request of a callback went away (cancelled): it leaves its batch unless the queue already has it."""
        if item in self.waiting:
            self.waiting.remove(item)
        elif item in self.attempt and not item.future.done():
            item.withdrawn = True
            self.changed.set()
        if not item.future.done():
            item.future.set_result(False)

    def close(self):
        """At shutdown: nothing more is put; every callback still waiting gets False."""
        if self.task is not None:
            self.task.cancel()
        for item in self.attempt + self.waiting:
            if not item.future.done():
                item.future.set_result(False)
        self.attempt, self.waiting = [], []

    def _next_batch(self):
        """The first callbacks waiting, at most batch_max of them and BATCH_MAX_BYTES of text (one at least)."""
        size = count = 0
        for item in self.waiting[: self.max_items]:
            if count and size + item.size > BATCH_MAX_BYTES:
                break
            size, count = size + item.size, count + 1
        return self.waiting[:count], self.waiting[count:]

    async def _run(self):
        loop = asyncio.get_running_loop()
        while self.waiting:
            # the first callback waits for others at most batch_window; a full batch goes at once, and so does a
            # batch of a burst once no more come (QUIET_SHARE of the window): its senders wait for their answers
            while self.waiting and len(self.waiting) < self.max_items:
                now, quiet = loop.time(), self.window * QUIET_SHARE
                left = self.waiting[0].arrival + self.window - now
                if len(self.waiting) >= BURST:
                    left = min(left, self.waiting[-1].arrival + quiet - now)
                if left <= 0:
                    break
                self.changed.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self.changed.wait(), min(left, quiet))
            self.attempt, self.waiting = self._next_batch()
            if self.attempt:
                await self._put(loop)
            self.attempt = []

    async def _put(self, loop):
        """Puts the batch of self.attempt on the queue, or gives up the callbacks whose deadline comes first (their
        requests are answered 503) and leaves the others waiting for the next batch."""
        items = self.attempt
        event = batch_event(self.match, [item.info for item in items], [item.endpoint for item in items])
        put = asyncio.ensure_future(self.queue.put(event))
        taken = False
        try:
            while True:
                self.changed.clear()
                if any(item.withdrawn for item in items):
                    break
                earliest = min(item.deadline for item in items)
                changed = asyncio.ensure_future(self.changed.wait())
                await asyncio.wait(
                    {put, changed}, timeout=max(0.0, earliest - loop.time()), return_when="FIRST_COMPLETED"
                )
                changed.cancel()
                if put.done() or loop.time() >= earliest:
                    break
        finally:
            if not put.done():
                put.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await put
            taken = not put.cancelled() and put.exception() is None
        if taken:
            for item in items:
                if not item.future.done():
                    item.future.set_result(True)
            self.logger.info("%s: a batch of %d callback(s) emitted", self.plugin, len(items))
            return
        due = loop.time() + EXPIRY_GRAIN
        kept = []
        for item in items:
            if item.withdrawn or item.deadline <= due:
                if not item.future.done():
                    item.future.set_result(False)
            else:
                kept.append(item)
        self.waiting = kept + self.waiting

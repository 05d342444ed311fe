# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Batches, what may wait, and the first deliveries in flight (aiohttp's test client; _live_callback/batch.py):

- the callbacks batch_match selects, arriving within batch_window, are one event carrying each one's own
  tencent_live; each is answered 200 only once that event is on the queue; others are emitted one by one meanwhile;
- a full batch (batch_max) goes at once; a stalled engine makes the waiting batch grow, and a callback whose
  queue_timeout comes first leaves it with a 503 and is forgotten (its re-delivery is accepted, emitted once);
- a re-delivery of a callback in a waiting batch waits for that batch's outcome;
- max_pending_bytes bounds what waits without refusing a raid of small callbacks;
- a re-delivery while the first delivery is in flight waits for it, for any dedup_window / queue_timeout pair and
  at the de-duplication capacity, under both orderings (issue: a 500 with a KeyError).
"""

import asyncio
import base64
import json

import pytest
from conftest import KEY, NOW, drain, load_body, post, signed

BLOCK = {"event": "moderation", "suggestion": "Block"}


def moderation(stream, **fields):
    return dict(load_body("moderation.json"), streamId=stream, channelId=stream, **fields)


def decoded(event):
    return json.loads(base64.b64decode(event["tencent_live_b64"]))


async def take_every_event(queue, taken):
    while True:
        taken.append(await queue.get())


def busy_queue():
    """ansible-rulebook's queue for a source holds one event; this one's slot is taken (an engine not taking)."""
    queue = asyncio.Queue(1)
    queue.put_nowait("the engine is busy")
    return queue


async def test_blocks_within_the_window_are_one_event_and_other_callbacks_flow_meanwhile(make_client):
    client = await make_client(batch_match=BLOCK, batch_window=0.5)
    labels = ["Porn", "Ad", "Illegal"]
    blocks = [
        asyncio.ensure_future(post(client, signed(moderation(f"raid-{n}", label=label))))
        for n, label in enumerate(labels)
    ]
    await asyncio.sleep(0.1)
    # a Review is not selected: it is emitted at once, while the Blocks wait for their window
    assert (await post(client, signed(moderation("review-1", suggestion="Review"))))[0] == 200
    [review] = drain(client.events)
    assert (
        review["tencent_live"]["stream_name"] == "review-1"
        and "payload" in review
        and "tencent_live_batch" not in review
    )
    assert not any(block.done() for block in blocks)  # answered only once their batch is on the queue
    assert [await block for block in blocks] == [(200, {"code": 0})] * 3
    [batch] = drain(client.events)
    assert set(batch) == {"tencent_live_batch", "tencent_live_b64", "meta"}  # no payload
    assert batch["meta"] == {"endpoints": ["/live/callback"]}
    summary = batch["tencent_live_batch"]
    assert (summary["event"], summary["suggestion"], summary["size"]) == ("moderation", "Block", 3)
    # each callback's own tencent_live, in the order they arrived, and the same as base64 of one JSON list
    assert [c["stream_name"] for c in summary["callbacks"]] == ["raid-0", "raid-1", "raid-2"]
    assert [c["label"] for c in summary["callbacks"]] == labels
    assert decoded(batch) == summary["callbacks"]


async def test_the_first_callback_waits_at_most_the_window_and_a_full_batch_goes_at_once(make_client):
    client = await make_client(batch_match=BLOCK, batch_window=0.6, batch_max=2)
    loop = asyncio.get_running_loop()
    started = loop.time()
    answers = await asyncio.gather(*(post(client, signed(moderation(f"full-{n}"))) for n in range(5)))
    assert [status for status, _answer in answers] == [200] * 5
    sizes = [event["tencent_live_batch"]["size"] for event in drain(client.events)]
    assert sizes == [2, 2, 1]  # the full ones at once, the last one after its window
    assert 0.6 <= loop.time() - started < 0.6 + 2
    started = loop.time()
    assert (await post(client, signed(moderation("alone"))))[0] == 200
    assert 0.6 <= loop.time() - started < 0.6 + 2
    assert [e["tencent_live_batch"]["size"] for e in drain(client.events)] == [1]


async def test_a_burst_goes_once_no_more_come_and_a_few_callbacks_wait_the_whole_window(make_client):
    """Tencent's senders wait for their answers: in a raid, once all of them wait, nothing more comes until the
    batch is answered, so a batch of a burst (10 or more) goes after a fifth of the window without a new one."""
    client = await make_client(batch_match=BLOCK, batch_window=3)
    loop = asyncio.get_running_loop()
    started = loop.time()
    answers = await asyncio.gather(*(post(client, signed(moderation(f"burst-{n}"))) for n in range(12)))
    assert [status for status, _answer in answers] == [200] * 12 and loop.time() - started < 2.5  # 0.6 s after the last
    assert [e["tencent_live_batch"]["size"] for e in drain(client.events)] == [12]
    started = loop.time()
    answers = await asyncio.gather(*(post(client, signed(moderation(f"few-{n}"))) for n in range(3)))
    assert [status for status, _answer in answers] == [200] * 3 and loop.time() - started >= 3
    assert [e["tencent_live_batch"]["size"] for e in drain(client.events)] == [3]


async def test_a_stalled_engine_grows_the_waiting_batch_and_gives_up_each_callback_at_its_own_queue_timeout(
    make_client,
):
    queue = busy_queue()
    client = await make_client(queue, batch_match=BLOCK, batch_window=0.2, queue_timeout=1.5)
    loop = asyncio.get_running_loop()
    early = asyncio.ensure_future(post(client, signed(moderation("early"))))
    await asyncio.sleep(1.0)
    late = [asyncio.ensure_future(post(client, signed(moderation(f"late-{n}")))) for n in range(3)]
    status, answer = await early
    assert status == 503 and "queue_timeout" in answer["message"]
    started = loop.time()
    queue.get_nowait()  # the engine takes events again: the batch that waits goes, without the one given up
    assert [(await one)[0] for one in late] == [200] * 3
    assert loop.time() - started < 1.0
    [batch] = drain(queue)
    assert [c["stream_name"] for c in batch["tencent_live_batch"]["callbacks"]] == ["late-0", "late-1", "late-2"]
    # the one given up was forgotten: Tencent's re-delivery is accepted, and emitted once
    assert (await post(client, signed(moderation("early"), now=NOW + 60)))[0] == 200
    assert [c["stream_name"] for c in drain(queue)[0]["tencent_live_batch"]["callbacks"]] == ["early"]
    assert (await post(client, signed(moderation("early"), now=NOW + 120)))[0] == 200
    assert drain(queue) == []


async def test_a_re_delivery_of_a_callback_in_a_waiting_batch_waits_for_the_batch(make_client):
    queue = busy_queue()
    client = await make_client(queue, batch_match=BLOCK, batch_window=0.2, queue_timeout=3)
    body = moderation("twice")
    first = asyncio.ensure_future(post(client, signed(body)))
    await asyncio.sleep(0.5)  # its window is over: the batch waits for the engine
    again = asyncio.ensure_future(post(client, signed(body, now=NOW + 60)))
    await asyncio.sleep(0.3)
    assert not first.done() and not again.done()
    queue.get_nowait()
    assert [(await first)[0], (await again)[0]] == [200, 200]
    [batch] = drain(queue)
    assert batch["tencent_live_batch"]["size"] == 1
    # the other outcome: the batch is not taken, the re-delivery gets 503 too, and neither is remembered
    queue.put_nowait("the engine is busy again")
    body = moderation("never")
    first = asyncio.ensure_future(post(client, signed(body)))
    await asyncio.sleep(0.5)
    again = asyncio.ensure_future(post(client, signed(body, now=NOW + 60)))
    assert [(await first)[0], (await again)[0]] == [503, 503]
    queue.get_nowait()
    assert (await post(client, signed(body, now=NOW + 120)))[0] == 200
    assert decoded(drain(queue)[0])[0]["stream_name"] == "never"


async def test_a_raid_of_small_callbacks_is_not_refused_and_big_bodies_are_bounded_in_bytes(make_client):
    queue = busy_queue()
    client = await make_client(queue, batch_match=BLOCK, batch_window=0.5, queue_timeout=6)
    raid = [asyncio.ensure_future(post(client, signed(moderation(f"small-{n}")))) for n in range(300)]
    await asyncio.sleep(1.5)
    queue.get_nowait()
    taken = []
    engine = asyncio.ensure_future(take_every_event(queue, taken))  # the engine takes events again
    assert [(await one)[0] for one in raid] == [200] * 300  # 300 > the former max_pending of 100
    engine.cancel()
    assert sorted(c["stream_name"] for e in taken for c in decoded(e)) == sorted(f"small-{n}" for n in range(300))

    queue = busy_queue()
    client = await make_client(queue, max_pending_bytes=3_000_000, queue_timeout=1)
    big = [signed(moderation(f"big-{n}", stream_param="x" * 1_000_000)) for n in range(4)]
    answers = await asyncio.gather(*(post(client, body) for body in big))
    assert sorted(status for status, _answer in answers) == [503] * 4
    assert sum("max_pending_bytes" in answer["message"] for _status, answer in answers) == 2  # refused at once, unread


@pytest.mark.parametrize(
    "args, message",
    [
        ({"batch_match": BLOCK, "batch_window": 10}, "`batch_window` (10 s) must be shorter than queue_timeout (10 s)"),
        ({"batch_match": BLOCK, "batch_window": 3, "queue_timeout": 2}, "must be shorter than queue_timeout (2 s)"),
        ({"batch_match": "Block"}, "`batch_match` must be a mapping"),
        ({"batch_match": {"suggestion": ["Block"]}}, "one text value"),
        ({"batch_match": {"size": "3"}}, "a batch event has that key"),
        ({"batch_max": 0}, "`batch_max` must be a whole number"),
        ({"max_pending_bytes": -1}, "`max_pending_bytes` must be a positive number of bytes"),
    ],
)
def test_bad_batch_arguments_are_refused_at_start_naming_them(source, args, message):
    with pytest.raises(source["ArgumentError"]) as caught:
        source["parse_arguments"](dict(args, callback_key=KEY), {})
    assert message in str(caught.value)


# ------------------------------------------------------------------ the first deliveries in flight (issue 33 item 6)


async def re_delivered_after_forgotten(make_client, clock, batched, limit, queue_timeout):
    """A first delivery waiting for a busy engine, forgotten by the re-delivery memory (its dedup_window passes, or
    other callbacks fill the memory), and its re-delivery: (client, queue, body, first's answer, again's answer)."""
    queue = busy_queue()
    args = {"batch_match": BLOCK, "batch_window": 0.1} if batched else {}
    client = await make_client(queue, dedup_window=1, queue_timeout=queue_timeout, **args)
    body = moderation(f"in-flight-{queue_timeout}")
    first = asyncio.ensure_future(post(client, signed(body)))
    await asyncio.sleep(0.3)
    forget_the_first(client, clock, limit)
    again = asyncio.ensure_future(post(client, signed(body, now=int(clock.now))))
    await asyncio.sleep(0.3)
    return client, queue, body, first, again


@pytest.mark.parametrize("batched", [False, True], ids=["single", "batched"])
@pytest.mark.parametrize("limit", ["window", "capacity"])
async def test_a_re_delivery_after_the_first_is_forgotten_still_waits_for_it_when_it_is_taken(
    make_client, clock, batched, limit
):
    """The re-delivery memory forgets the first delivery while it waits (dedup_window shorter than the wait, or the
    memory full); the first is then taken: both answered 200, one event, and a third delivery is not emitted."""
    client, queue, body, first, again = await re_delivered_after_forgotten(make_client, clock, batched, limit, 3)
    queue.get_nowait()  # the engine takes the first delivery's event
    assert [await first, await again] == [(200, {"code": 0})] * 2
    [event] = drain(queue)
    assert (decoded(event) if batched else [event["tencent_live"]])[0]["stream_name"] == body["streamId"]
    assert (await post(client, signed(body, now=int(clock.now))))[0] == 200  # remembered again once taken
    assert drain(queue) == []


@pytest.mark.parametrize("batched", [False, True], ids=["single", "batched"])
@pytest.mark.parametrize("limit", ["window", "capacity"])
async def test_a_re_delivery_after_the_first_is_forgotten_still_waits_for_it_when_it_is_given_up(
    make_client, clock, batched, limit
):
    """The other ordering: the first delivery is given up at its queue_timeout while the re-delivery waits on it:
    both 503, nothing emitted, no 500; the next re-delivery is accepted and emitted once."""
    client, queue, body, first, again = await re_delivered_after_forgotten(make_client, clock, batched, limit, 1.5)
    assert [(await first)[0], (await again)[0]] == [503, 503]
    assert client.receiver.in_flight.futures == {}
    queue.get_nowait()
    assert (await post(client, signed(body, now=int(clock.now) + 60)))[0] == 200
    assert len(drain(queue)) == 1


def forget_the_first(client, clock, limit):
    """The re-delivery memory forgets the first delivery: its window passes, or other callbacks fill it."""
    if limit == "window":
        clock.now += 2
        return
    recent = client.receiver.recent
    recent.capacity = 2
    for number in range(2):
        assert recent.seen_before({"sequence": f"other-{number}"}, clock.now) is False
    assert len(recent.expiry) == 2  # the first delivery's fingerprint was evicted


async def test_the_in_flight_entry_is_removed_only_by_its_own_delivery(source):
    """InFlight.end of an entry another delivery replaced leaves that one alone (no KeyError, no lost entry)."""
    in_flight = source["_batch"].InFlight()
    first = in_flight.start(b"fp")
    second = in_flight.start(b"fp")  # not done by the receiver, which waits on the first; the ledger holds anyway
    in_flight.end(b"fp", first, True)
    assert in_flight.first(b"fp") is second and first.result() is True
    in_flight.end(b"fp", second, False)
    in_flight.end(b"fp", second, False)
    assert in_flight.first(b"fp") is None and second.result() is False

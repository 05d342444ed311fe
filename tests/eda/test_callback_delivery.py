# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's callbacks into the live_callback source over real HTTP, both as they run in
production (no rulebook engine here): genuine ones become events once, badly signed and expired ones
get 401 end to end and are re-sent by the emulator until it gives up, a re-delivery is answered 200
and not emitted again, and a forbid of a pushing stream arrives as push then interrupt."""

import pytest
from conftest import KEY, drain, running, wait_for

DOMAIN = "5000.livepush.myqcloud.com"


@pytest.fixture
async def receiver(source):
    """The source listening on a free port; yields (queue, url)."""
    async with running(source, callback_key=KEY) as (queue, port):
        yield queue, f"http://127.0.0.1:{port}/tencent/live"


@pytest.fixture
def emulator(live_api_fresh, receiver):
    live_api_fresh.core.callbacks.update({"url": receiver[1], "key": KEY, "retry_interval": 0.05, "retries": 2})
    return live_api_fresh.core


async def settled(core):
    await wait_for(lambda: core.callbacks.describe()["pending"] == 0, what="the emulator's deliveries")
    return [(entry["delivery"], entry["status"]) for entry in core.callbacks.describe()["deliveries"]]


async def test_a_moderation_callback_becomes_one_event(emulator, receiver):
    queue = receiver[0]
    emulator.send_moderation({"domain_name": DOMAIN, "stream_name": "show-1", "label": "Porn"})
    await wait_for(lambda: not queue.empty(), what="the event")
    assert await settled(emulator) == [(1, 200)]
    [event] = drain(queue)
    assert event["meta"] == {"endpoint": "/tencent/live"}
    live = event["tencent_live"]
    assert (live["event"], live["domain_name"], live["app_name"], live["stream_name"]) == (
        "moderation",
        DOMAIN,
        "live",
        "show-1",
    )
    assert (live["suggestion"], live["label"]) == ("Block", "Porn")


@pytest.mark.parametrize("mode", ["bad", "expired", "unsigned"])
async def test_a_callback_that_is_not_genuine_is_refused_and_re_sent_until_tencent_gives_up(emulator, receiver, mode):
    emulator.send_moderation({"domain_name": DOMAIN, "stream_name": "show-2", "sign": mode})
    assert await settled(emulator) == [(1, 401)] * 3  # the first try and both re-sends
    assert drain(receiver[0]) == []


async def test_a_re_delivery_is_answered_and_starts_nothing(emulator, receiver):
    emulator.send_moderation({"domain_name": DOMAIN, "stream_name": "show-3", "deliveries": 3})
    assert await settled(emulator) == [(1, 200), (2, 200), (3, 200)]
    assert len(drain(receiver[0])) == 1


async def test_a_forbid_of_a_pushing_stream_arrives_as_push_then_interrupt(emulator, receiver):
    emulator.seed_streams({"streams": [{"domain_name": DOMAIN, "stream_name": "show-4", "state": "active"}]})
    emulator.forbid_stream({"DomainName": DOMAIN, "AppName": "live", "StreamName": "show-4"})
    emulator.push_attempt({"domain_name": DOMAIN, "stream_name": "show-4"})  # its encoder tries again
    await wait_for(lambda: receiver[0].qsize() == 3, what="three events")
    events = [event["tencent_live"] for event in drain(receiver[0])]
    assert [(e["event"], e["errcode"]) for e in events] == [("push", 0), ("interrupt", 10), ("interrupt", 305)]
    assert events[0]["sequence"] == events[1]["sequence"] != events[2]["sequence"]
    assert [e["stream_forbidden"] for e in events[1:]] == [False, True]

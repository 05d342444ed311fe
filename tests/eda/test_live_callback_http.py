# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live_callback source over HTTP (aiohttp's test client): genuine callbacks only, the answers
Tencent expects, re-deliveries emitted once with bounded memory, each event type normalised from the
docs' example bodies, and no key or sign in any answer, event or log line."""

import json
import logging

import pytest
from conftest import KEY, NOW, drain, load_body, post, signed


async def test_a_genuine_callback_is_answered_and_emitted(make_client):
    client = await make_client()
    body = signed(load_body("push.json"))
    assert await post(client, body, "/tencent/push") == (200, {"code": 0})
    [event] = drain(client.events)
    assert event["meta"] == {"endpoint": "/tencent/push"}
    assert event["payload"] == {k: v for k, v in body.items() if k != "sign"}
    assert event["tencent_live"] == {
        "event": "push",
        "event_type": 1,
        "domain_name": "5000.livepush.myqcloud.com",
        "app_name": "live",
        "stream_name": "show-42",
        "appid": 1250000000,
        "sequence": "7037777160241646428",
        "errcode": 0,
        "errmsg": "ok",
        "event_time": 1700000000,
        "user_ip": "198.51.100.7",
    }


@pytest.mark.parametrize(
    "body, why",
    [
        (signed(load_body("push.json"), key="AnotherKey"), "the sign does not match"),
        (signed(load_body("push.json"), t=NOW - 1), "expired"),
        (dict(load_body("push.json"), t=NOW + 600), "no `sign`"),
        ({k: v for k, v in signed(load_body("push.json")).items() if k != "t"}, "no valid `t`"),
        (dict(signed(load_body("push.json")), t="soon"), "no valid `t`"),
        (dict(signed(load_body("push.json")), t=NOW + 601), "the sign does not match"),
    ],
)
async def test_a_callback_that_is_not_genuine_gets_401_and_no_event(make_client, body, why):
    client = await make_client()
    status, answer = await post(client, body)
    assert status == 401 and why in answer["message"]
    assert drain(client.events) == []


async def test_t_equal_to_now_is_not_in_the_past(make_client):
    client = await make_client()
    assert (await post(client, signed(load_body("push.json"), t=NOW)))[0] == 200


async def test_the_sign_is_compared_case_insensitively(make_client):
    client = await make_client()
    body = signed(load_body("push.json"))
    body["sign"] = body["sign"].upper()
    assert (await post(client, body))[0] == 200


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b'"text"', b"\xff\xfe", b""])
async def test_a_body_that_is_not_a_json_object_gets_400(make_client, raw):
    client = await make_client()
    status, answer = await post(client, raw)
    assert status == 400 and answer["message"] == "the body is not a JSON object"
    assert drain(client.events) == []


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_other_methods_get_405(make_client, method):
    client = await make_client()
    answer = await client.request(method, "/")
    assert answer.status == 405 and answer.headers["Allow"] == "POST"


async def test_a_body_over_max_body_bytes_gets_413(make_client):
    client = await make_client(max_body_bytes=2000)
    body = signed(dict(load_body("push.json"), stream_param="x" * 3000))
    assert (await post(client, body))[0] == 413

    async def chunks():  # no Content-Length: the limit holds while reading
        yield json.dumps(body).encode()

    answer = await client.post("/", data=chunks())
    assert answer.status == 413
    assert drain(client.events) == []


async def test_a_redelivery_is_answered_200_and_emitted_once(make_client, clock):
    client = await make_client()
    body = load_body("moderation.json")
    assert await post(client, signed(body)) == (200, {"code": 0})
    clock.now += 60  # Tencent re-sends a minute later, with a fresh t and sign
    assert await post(client, signed(body, now=int(clock.now))) == (200, {"code": 0})
    assert len(drain(client.events)) == 1
    # another push of the same stream is another callback
    assert (await post(client, signed(dict(body, sendTime=NOW + 61), now=int(clock.now))))[0] == 200
    assert len(drain(client.events)) == 1


async def test_after_dedup_window_the_same_body_is_emitted_again(make_client, clock):
    client = await make_client(dedup_window=120)
    body = load_body("interrupt.json")
    await post(client, signed(body))
    clock.now += 121
    await post(client, signed(body, now=int(clock.now)))
    assert len(drain(client.events)) == 2


async def test_a_forged_body_does_not_suppress_the_genuine_one(make_client):
    client = await make_client()
    body = load_body("moderation.json")
    assert (await post(client, signed(body, key="ForgedKey")))[0] == 401
    assert (await post(client, signed(body)))[0] == 200
    assert len(drain(client.events)) == 1


def test_the_dedup_memory_is_bounded_under_a_flood(source, caplog):
    recent = source["RecentCallbacks"](900, capacity=100)
    with caplog.at_level(logging.WARNING):
        for number in range(1000):
            assert recent.seen_before({"sequence": number}, NOW) is False
    assert len(recent.expiry) == 100 and recent.evicted == 900
    assert recent.seen_before({"sequence": 999}, NOW) is True
    assert recent.seen_before({"sequence": 0}, NOW) is False  # forgotten early, and said so once
    assert len([r for r in caplog.records if "forgot" in r.getMessage()]) == 1
    # entries past their window are dropped as time goes on
    assert recent.seen_before({"sequence": "late"}, NOW + 901) is False and len(recent.expiry) == 1


async def test_event_types_limits_what_is_emitted_but_everything_is_answered(make_client):
    client = await make_client(event_types=["moderation"])
    assert await post(client, signed(load_body("push.json"))) == (200, {"code": 0})
    assert await post(client, signed(load_body("moderation.json"))) == (200, {"code": 0})
    assert [e["tencent_live"]["event"] for e in drain(client.events)] == ["moderation"]


async def test_allow_unsigned_accepts_a_body_without_sign(make_client):
    client = await make_client(allow_unsigned=True)
    assert (await post(client, load_body("push.json")))[0] == 200
    assert len(drain(client.events)) == 1


EXPECTED = {
    "interrupt.json": {
        "event": "interrupt",
        "event_type": 0,
        "stream_name": "show-42",
        "errcode": 2,
        "sub_errcode": None,
        "push_duration_ms": 61000,
        "stream_forbidden": False,
    },
    "moderation.json": {
        "event": "moderation",
        "event_type": 317,
        "domain_name": "5000.livepush.myqcloud.com",
        "app_name": "live",
        "stream_name": "show-42",
        "suggestion": "Block",
        "label": "Porn",
        "sub_label": "PornHigh",
        "screenshot_time": 1699999990,
    },
    "record.json": {"event": "record", "event_type": 100, "stream_name": "show-42", "file_id": "5285890813874977771"},
    "snapshot.json": {"event": "snapshot", "domain_name": "5000.livepush.myqcloud.com", "app_name": "live"},
    "snapshot_without_domain.json": {
        "event": "snapshot",
        "domain_name": None,
        "app_name": None,
        "stream_name": "show-42",
    },
    "push_error.json": {
        "event": "push_error",
        "event_type": 321,
        "domain_name": "5000.livepush.myqcloud.com",
        "app_name": "live",
        "stream_name": "show-42",
        "abnormal_type": 6,
        "abnormal_description": "Two consecutive video frames arrived late",
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_each_event_type_is_normalised_to_the_module_names(make_client, name):
    client = await make_client()
    assert (await post(client, signed(load_body(name))))[0] == 200
    [event] = drain(client.events)
    assert {k: event["tencent_live"].get(k, "<missing>") for k in EXPECTED[name]} == EXPECTED[name]
    assert "sign" not in event["payload"]


@pytest.mark.parametrize(
    "fields, forbidden",
    [
        ({"errcode": 305}, True),
        ({"errcode": 18, "sub_errcode": 305}, True),
        ({"errcode": "18", "sub_errcode": "305"}, True),
        ({"errcode": 18, "sub_errcode": 304}, False),
        ({"errcode": 10}, False),
    ],
)
def test_an_interrupt_says_whether_the_stream_name_is_forbidden(source, fields, forbidden):
    info = source["normalise"](dict(load_body("interrupt.json"), **fields))
    assert info["stream_forbidden"] is forbidden


@pytest.mark.parametrize("event_type, name", [(347, "other"), ("abc", "other"), (None, "other"), ("1", "push")])
def test_unknown_event_types_are_other(source, event_type, name):
    assert source["normalise"]({"event_type": event_type, "stream_id": "s"})["event"] == name


async def test_no_key_or_sign_in_any_answer_event_or_log(make_client, clock, caplog):
    client = await make_client()
    bodies = [signed(load_body(name)) for name in ("push.json", "interrupt.json", "moderation.json")]
    bodies += [signed(load_body("push.json"), key="WrongKey"), signed(load_body("push.json"), t=NOW - 5)]
    signs = {body["sign"] for body in bodies}
    seen = []
    with caplog.at_level(logging.DEBUG):
        for body in bodies + bodies:  # the second round: re-deliveries and repeated refusals
            answer = await client.post("/", data=json.dumps(body))
            seen.append(await answer.text())
    seen += [json.dumps(event) for event in drain(client.events)]
    seen += [record.getMessage() for record in caplog.records]
    assert any("refused a callback" in line for line in seen) and any("emitted" in line for line in seen)
    for secret in [KEY, *signs]:
        assert not [line for line in seen if secret in line], secret

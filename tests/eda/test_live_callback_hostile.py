# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callbacks are hostile input (aiohttp's test client): a name that cannot be acted on safely is refused,
any other field is carried as data, no body makes a 500, a sign wrong in any way is refused, the wait for
the engine is bounded (max_pending, queue_timeout) and forgets what it gave up, and plain HTTP on a public
address is warned about once. What is refused before any request (allowed_networks, max_connections, the TLS
handshake's bound) is in test_live_callback_connections.py."""

import asyncio
import base64
import json
import logging

import pytest
from conftest import KEY, NOW, FakeClock, drain, injections, load_body, post, running, signed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BAD_NAMES = ["", " ", "x" * 1025, "a\nb", "a\x00b", "a\x7fb", "a\u0085b", "{{ 6*7 }}", "a{%b", "{#", 1.5, [1], {}, True]


@pytest.mark.parametrize("field", ["streamId", "app", "appname"])
@pytest.mark.parametrize("name", BAD_NAMES, ids=range(len(BAD_NAMES)))
async def test_a_name_that_cannot_be_acted_on_safely_gets_400_and_no_event(make_client, field, name):
    client = await make_client()
    status, answer = await post(client, signed(dict(load_body("moderation.json"), **{field: name})))
    assert status == 400 and "cannot be acted on safely" in answer["message"]
    assert drain(client.events) == []


async def test_a_name_of_1024_characters_and_a_numeric_name_are_accepted(make_client):
    client = await make_client()
    assert (await post(client, signed(dict(load_body("moderation.json"), streamId="s" * 1024))))[0] == 200
    assert (await post(client, signed(dict(load_body("moderation.json"), streamId=2024))))[0] == 200
    assert [e["tencent_live"]["stream_name"] for e in drain(client.events)] == ["s" * 1024, "2024"]


async def test_template_text_in_other_fields_is_carried_as_data(make_client, tmp_path):
    client = await make_client()
    text = injections(tmp_path / "MARKER")[0]
    body = dict(load_body("moderation.json"), label=text, subLabel=text, stream_param=text, img=text)
    assert (await post(client, signed(body)))[0] == 200
    [event] = drain(client.events)
    assert event["tencent_live"]["label"] == event["tencent_live"]["sub_label"] == text
    assert event["payload"]["stream_param"] == text
    assert json.loads(base64.b64decode(event["tencent_live_b64"])) == event["tencent_live"]


@pytest.mark.parametrize(
    "fields",
    [
        {"event_type": "\u00b2"},
        {"event_type": "1" * 5000},
        {"errcode": "9" * 5000, "event_type": 0},
        {"event_type": 0, "errcode": "\u00b2", "sub_errcode": ["305"], "push_duration": {"a": 1}},
        {"event_type": 321, "abnormal_event": [1, 2]},
        {"event_type": 317, "label": {"x": [1, {"y": None}]}, "subLabel": list(range(10000))},
        {"appid": "\u0662\u0663", "sequence": 1e308},
    ],
)
async def test_junk_fields_never_make_a_500(make_client, fields):
    client = await make_client()
    assert (await post(client, signed(dict(load_body("push.json"), **fields))))[0] == 200


@pytest.mark.parametrize(
    "raw", [b'{"event_type": NaN}', b'{"a": Infinity}', b"[" * 100000, b'{"a":' * 40 + b"1" + b"}" * 40]
)
async def test_bodies_no_engine_can_take_get_400(make_client, raw):
    client = await make_client()
    status, answer = await post(client, raw)
    assert status == 400 and "the body" in answer["message"]
    assert drain(client.events) == []


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
FIELDS = ["event_type", "app", "appname", "streamId", "stream_id", "errcode", "sub_errcode", "label", "subLabel",
          "sequence", "abnormal_event", "appid", "suggestion", "push_duration", "event_time", "t", "sign"]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=6), JSON, max_size=10), st.booleans())
def test_any_json_body_gets_an_answer_that_is_not_a_500(source, body, sign_it):
    async def run():
        queue = asyncio.Queue()
        settings_ = source["parse_arguments"]({"callback_key": KEY}, {})
        receiver = source["CallbackReceiver"](queue, settings_, clock=FakeClock(NOW))
        from aiohttp.test_utils import TestClient, TestServer

        async with TestClient(TestServer(receiver.app())) as client:
            payload = signed(body) if sign_it else body
            answer = await client.post("/", data=json.dumps(payload))
            assert answer.status in (200, 400, 401), (answer.status, await answer.text())

    asyncio.run(run())


def one_digit_off(sign, index):
    digit = sign[index]
    return sign[:index] + ("0" if digit != "0" else "1") + sign[index + 1 :]


@pytest.mark.parametrize(
    "wrong",
    [
        lambda s: one_digit_off(s, 0),
        lambda s: one_digit_off(s, 16),
        lambda s: one_digit_off(s, 31),
        lambda s: s[:31],
        lambda s: s + "0",
        lambda s: s[:8] + "0" * 24,
        lambda s: one_digit_off(s, 20).upper(),
        lambda s: " " + s[:30],
    ],
    ids=["first", "middle", "last", "shorter", "longer", "first-8-only", "wrong-upper-case", "spaces"],
)
async def test_a_sign_wrong_in_any_way_gets_401(make_client, wrong):
    client = await make_client()
    body = signed(load_body("moderation.json"))
    body["sign"] = wrong(body["sign"])
    status, answer = await post(client, body)
    assert status == 401 and "the sign does not match" in answer["message"]
    assert drain(client.events) == []


async def test_a_full_engine_queue_gets_503_after_queue_timeout_and_the_re_delivery_is_accepted(make_client):
    queue = asyncio.Queue(1)
    queue.put_nowait("the engine is busy")
    client = await make_client(queue, queue_timeout=0.3)
    body = load_body("moderation.json")
    loop = asyncio.get_running_loop()
    started = loop.time()
    status, answer = await post(client, signed(body))
    assert status == 503 and "queue_timeout" in answer["message"]
    assert 0.3 <= loop.time() - started < 1.3
    queue.get_nowait()  # the engine takes events again; Tencent re-delivers
    assert await post(client, signed(body, now=NOW + 60)) == (200, {"code": 0})
    assert await post(client, signed(body, now=NOW + 120)) == (200, {"code": 0})  # now a real re-delivery
    assert [e["tencent_live"]["stream_name"] for e in drain(queue)] == ["show-42"]


async def test_beyond_max_pending_the_answer_is_503_at_once(make_client):
    queue = asyncio.Queue(1)
    queue.put_nowait("the engine is busy")
    client = await make_client(queue, queue_timeout=2, max_pending=2)
    bodies = [signed(dict(load_body("push.json"), sequence=str(n))) for n in range(5)]
    answers = await asyncio.gather(*(post(client, body) for body in bodies))
    assert sorted(status for status, answer in answers) == [503] * 5
    assert sum("max_pending" in answer["message"] for status, answer in answers) == 3


async def test_a_re_delivery_while_the_first_waits_gets_the_first_ones_answer(make_client):
    queue = asyncio.Queue(1)
    queue.put_nowait("the engine is busy")
    client = await make_client(queue, queue_timeout=1)
    body = load_body("moderation.json")
    first = asyncio.ensure_future(post(client, signed(body)))
    await asyncio.sleep(0.2)
    second = asyncio.ensure_future(post(client, signed(body, now=NOW + 1)))
    await asyncio.sleep(0.2)
    queue.get_nowait()  # the engine takes one: the first delivery goes in
    assert [(await first)[0], (await second)[0]] == [200, 200]
    assert len(drain(queue)) == 1


async def test_plain_http_on_a_public_address_is_warned_about_once(source, caplog):
    with caplog.at_level(logging.WARNING):
        async with running(source, callback_key=KEY, host="0.0.0.0"):
            pass
        async with running(source, callback_key=KEY):  # 127.0.0.1: no warning
            pass
    warnings = [r.getMessage() for r in caplog.records if "plain HTTP" in r.getMessage()]
    assert len(warnings) == 1
    assert "ANY body for 10 minutes" in warnings[0] and "`certfile`" in warnings[0] and "TLS proxy" in warnings[0]
    assert "live_callback_certfile, live_callback_host, live_callback_allowed_networks" in warnings[0]


class FakeRequest:
    content_length, path, remote, headers = None, "/", "127.0.0.1", {}

    def __init__(self, body):
        self.content = self
        self.raw = json.dumps(body).encode()

    async def iter_any(self):
        yield self.raw


async def test_a_handler_cancelled_while_waiting_forgets_its_callback(source, clock):
    queue = asyncio.Queue(1)
    queue.put_nowait("the engine is busy")
    receiver = source["CallbackReceiver"](queue, source["parse_arguments"]({"callback_key": KEY}, {}), clock=clock)
    loop = asyncio.get_running_loop()
    waiting = asyncio.ensure_future(receiver._receive(FakeRequest(signed(load_body("push.json"))), loop.time() + 30))
    await asyncio.sleep(0.2)
    assert len(receiver.recent.expiry) == 1 and len(receiver.in_flight.futures) == 1
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert len(receiver.recent.expiry) == 0 and receiver.in_flight.futures == {}  # a re-delivery will be taken

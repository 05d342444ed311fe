# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What later stages cannot carry, or a name the modules would not take exactly as it came, is refused at the door
(aiohttp's test client): 400, nothing emitted, and a log line that names the streams with every invisible
character escaped. Text fields of tencent_live are escaped so that a rule may print them; the payload is kept
as it came. The same bodies go through real ansible-rulebook in test_rulebook_refusals.py and
test_engine_fuzz.py, which found the engine's limits."""

import asyncio
import base64
import json
import logging
import os
import sys

import pytest
from aiohttp.test_utils import TestClient, TestServer
from conftest import DOMAIN, KEY, NOW, FakeClock, drain, installed_collection, load_body, post, signed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

RAW = "@RAW@"


def with_raw(body, token):
    """The signed body's JSON text with the string RAW replaced by the JSON text ``token`` (which json.dumps
    cannot write: 1e400, a lone surrogate's escape)."""
    return json.dumps(signed(body)).replace(json.dumps(RAW), token)


def block(stream="victim", **fields):
    body = dict(load_body("moderation.json"), streamId=stream, suggestion="Block")
    body.update(fields)
    return body


UNCARRIABLE = [
    ("empty-key-top", json.dumps(signed(dict(block(), **{"": "x"})))),
    ("empty-key-nested", json.dumps(signed(dict(load_body("push_error.json"), abnormal_event={"": 1})))),
    ("empty-key-in-list", json.dumps(signed(block(extra=[{"ok": 1}, {"": 1}])))),
    ("1e400", with_raw(block(level=RAW), "1e400")),
    ("-1E999-nested", with_raw(block(extra={"score": RAW}), "-1E999")),
    ("lone-surrogate", with_raw(block(stream_param=RAW), '"a=\\ud800"')),
    ("lone-surrogate-key", with_raw(block(extra=RAW), '{"\\udc00": 1}')),
    ("emoji-escaped", with_raw(block(label=RAW), '"Porn \\ud83d\\ude00"')),
    ("emoji-utf8", json.dumps(signed(block(stream_param="title=\U0001f600")), ensure_ascii=False)),
    ("1001-digits", with_raw(block(extra=RAW), "9" * 1001)),
    ("key-of-50001", json.dumps(signed(block(extra={"k" * 50_001: 1})))),
]


@pytest.mark.parametrize("text", [text for what, text in UNCARRIABLE], ids=[what for what, text in UNCARRIABLE])
async def test_what_the_engine_or_extra_vars_cannot_take_gets_400_and_no_event(make_client, text, caplog):
    caplog.set_level(logging.WARNING)
    client = await make_client()
    status, answer = await post(client, text.encode("utf-8", "surrogatepass"))
    assert status == 400 and "cannot be carried to the rules" in answer["message"], answer
    assert drain(client.events) == []
    [line] = [r.getMessage() for r in caplog.records if "refused a callback" in r.getMessage()]
    assert "(400)" in line and " for " in line and line.isprintable()


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(signed(block(label="Porn \u00e9\u4e2d\uffff", extra={"k" * 50_000: "\u0000"}))),
        with_raw(block(extra=RAW), "9" * 1000),
        with_raw(block(extra=RAW), "-1e308"),
        with_raw(block(extra=RAW), "1e-400"),  # reads as 0.0
        with_raw(block(extra=RAW), '{"a.b": {"<<": 1, "=": [[[]]]}}'),
    ],
    ids=["bmp-text-nul-long-key", "1000-digits", "-1e308", "underflow", "odd-keys"],
)
async def test_what_the_engine_carries_is_accepted(make_client, text):
    client = await make_client()
    assert (await post(client, text.encode("utf-8", "surrogatepass")))[0] == 200
    assert len(drain(client.events)) == 1


NOT_ITSELF = ["victim\u00a0", " victim2 ", "evade\u200b", "victim\u3164", "a\tb", "x" * 1025]


@pytest.mark.parametrize("name", NOT_ITSELF, ids=["nbsp", "spaces", "zwsp", "hangul-filler", "tab", "long"])
async def test_a_name_the_modules_would_not_take_as_it_came_gets_400(make_client, name):
    client = await make_client()
    status, answer = await post(client, signed(block(name)))
    assert status == 400 and "cannot be acted on safely: its stream_name" in answer["message"]
    assert drain(client.events) == []


@pytest.mark.parametrize("body", ["moderation.json", "push.json", "interrupt.json", "push_error.json", "record.json"])
async def test_a_callback_about_a_stream_that_names_none_gets_400(make_client, body):
    """A Block with no stream name once forbade the stream called None."""
    client = await make_client()
    nameless = {
        k: v for k, v in load_body(body).items() if k not in ("stream_id", "streamId", "channel_id", "channelId")
    }
    status, answer = await post(client, signed(nameless))
    assert status == 400 and "it names no stream" in answer["message"]
    assert drain(client.events) == []
    unknown = dict(nameless, event_type=999)  # an event this source does not know: nothing says it has a stream
    assert (await post(client, signed(unknown)))[0] == 200


async def test_the_log_line_of_a_refusal_names_the_streams_escaped(make_client, caplog):
    caplog.set_level(logging.WARNING)
    client = await make_client()
    await post(client, signed(block("evade\u200b\x1b[2J", app="d.example.com\r\nFORGED LINE")))
    await post(client, b"{not JSON")  # no names to show
    lines = [r.getMessage() for r in caplog.records if "refused a callback" in r.getMessage()]
    assert lines[0].startswith(
        "tencent.cloud.live_callback: refused a callback for d.example.com\\r\\nFORGED LINE/live/evade\\u200b\\x1b[2J "
        "from 127.0.0.1 (400): a callback that cannot be acted on safely: its domain_name"
    )
    assert "refused a callback from 127.0.0.1 (400): the body is not a JSON object" in lines[1]
    assert all(line.isprintable() for line in lines)


async def test_a_forged_body_is_logged_with_its_names_and_never_its_sign(make_client, caplog):
    caplog.set_level(logging.WARNING)
    client = await make_client()
    forged = signed(block("x" * 300), key="NotTheKey0123456789")
    assert (await post(client, forged))[0] == 401
    [line] = [r.getMessage() for r in caplog.records if "refused a callback" in r.getMessage()]
    assert f"for {DOMAIN}/live/{'x' * 120}... from" in line and forged["sign"] not in line and KEY not in line


async def test_text_fields_of_tencent_live_are_escaped_and_the_payload_is_kept(make_client):
    client = await make_client()
    label = "\x1b[31mRED\r\nFAKE LOG LINE\x07 \u202egnp.exe"
    assert (await post(client, signed(block(label=label, img="http://x/\n.jpg", subLabel="Porn\u00a0High"))))[0] == 200
    [event] = drain(client.events)
    info = event["tencent_live"]
    assert info["label"] == "\\x1b[31mRED\\r\\nFAKE LOG LINE\\x07 \\u202egnp.exe"
    assert (info["img"], info["sub_label"]) == ("http://x/\\n.jpg", "Porn\\xa0High")
    assert info["stream_name"] == "victim" and event["payload"]["label"] == label
    assert json.loads(base64.b64decode(event["tencent_live_b64"])) == info


def module_name_problem():
    """_streams.name_problem as tencent_live_stream runs it, from the installed collection (make eda-test)."""
    root = installed_collection()
    assert root, "run these tests with make eda-test (hack/eda-test.sh installs the built collection)"
    collections_path = os.path.dirname(os.path.dirname(os.path.dirname(root)))
    if collections_path not in sys.path:
        sys.path.insert(0, collections_path)
    from ansible_collections.tencent.cloud.plugins.module_utils._streams import name_problem

    return name_problem


EDGES = st.sampled_from(["", " ", "\u00a0", "\u2003", "\ufeff", "\u200b", "\u3164", "\t"])
NAMES = st.one_of(
    st.text(max_size=12),
    st.text(st.sampled_from("ab {}%#\u00a0\u200b\u3164\t\n\u2028é\U0001f600"), max_size=6),
    st.builds(lambda a, b, c: a + b + c, EDGES, st.text("ab1-_.:/", min_size=1, max_size=5), EDGES),
    st.integers(-(10**20), 10**20),
)
FIELDS = st.sampled_from([("streamId", "stream_name"), ("app", "domain_name"), ("appname", "app_name")])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, field=FIELDS)
def test_a_name_answered_200_is_one_the_modules_take_unchanged(source, name, field):
    """Whatever name the source answers 200, tencent_live_stream takes exactly as it came (its own check, the one
    module_utils function both use); a name it refuses, the modules refuse too, or it holds template delimiters
    or a character the engine cannot carry. Seeded fault: a source rule of its own that strips names first."""
    check = module_name_problem()
    spelling, option = field

    async def run():
        queue = asyncio.Queue()
        receiver = source["CallbackReceiver"](
            queue, source["parse_arguments"]({"callback_key": KEY}, {}), clock=FakeClock(NOW)
        )
        async with TestClient(TestServer(receiver.app())) as client:
            status, _answer = await post(client, signed(block(**{spelling: name})))
        return status, drain(queue)

    status, events = asyncio.run(run())
    text = str(name) if isinstance(name, int) else name
    if status == 200:
        assert events[0]["tencent_live"][option] == text and check(option, text) is None
    else:
        refused = check(option, text) is not None or any(mark in text for mark in ("{{", "{%", "{#"))
        assert status == 400 and (refused or any(ord(char) > 0xFFFF for char in text)), (status, text)

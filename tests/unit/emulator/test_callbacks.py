# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's Live callbacks against a receiver of the test's own: push and interrupt when a push
starts or ends (a forbid or a drop interrupts it, with the errcode of the cause), a refused push of a
forbidden stream in both 305 spellings, moderation on demand, sign modes, re-sends on a compressed
schedule while the answer is not 200, and the key never shown."""

import hashlib
import json
import time

import live_api_emulator as le  # loaded by tests/conftest.py from tests/emulator/
import pytest

KEY = "EmulatorCallbackKey0123456789xyz"
DOMAIN = le.DEFAULT_DOMAIN


@pytest.fixture(name="core")
def core_fixture(emulator, receiver):
    emulator.core.callbacks.update({"url": receiver.url, "key": KEY, "retry_interval": 0.05})
    return emulator.core


def settled(core):
    """Waits until nothing is left to send; returns the delivery log."""
    return core.callbacks.wait_idle()


def genuine(body, now):
    return body["sign"] == hashlib.md5(f"{KEY}{body['t']}".encode()).hexdigest() and body["t"] >= now


def seed(core, name, state="active"):
    core.seed_streams({"streams": [{"domain_name": DOMAIN, "stream_name": name, "state": state}]})


def test_a_push_start_and_its_forbid_send_push_and_interrupt(core, receiver):
    seed(core, "s1")
    core.forbid_stream({"DomainName": DOMAIN, "AppName": "live", "StreamName": "s1", "Reason": "test"})
    settled(core)
    push, interrupt = receiver.bodies
    now = time.time()
    assert push["event_type"] == 1 and interrupt["event_type"] == 0
    for body in (push, interrupt):
        assert (body["app"], body["appname"], body["stream_id"], body["channel_id"]) == (DOMAIN, "live", "s1", "s1")
        assert genuine(body, now) and body["t"] <= now + 601
    assert push["sequence"] == interrupt["sequence"]
    assert (push["errcode"], interrupt["errcode"]) == (0, 10)
    assert interrupt["push_duration"].isdigit()


def test_a_drop_interrupts_with_errcode_10_and_forbid_errcode_is_configurable(core, receiver):
    core.callbacks.update({"forbid_errcode": 18})
    seed(core, "d1")
    seed(core, "f1")
    core.drop_stream({"DomainName": DOMAIN, "AppName": "live", "StreamName": "d1"})
    core.forbid_stream({"DomainName": DOMAIN, "AppName": "live", "StreamName": "f1"})
    settled(core)
    interrupts = {b["stream_id"]: b["errcode"] for b in receiver.bodies if b["event_type"] == 0}
    assert interrupts == {"d1": 10, "f1": 18}


@pytest.mark.parametrize(
    "style, fields", [("errcode", {"errcode": 305}), ("sub_errcode", {"errcode": 18, "sub_errcode": 305})]
)
def test_a_forbidden_encoder_that_retries_is_refused_with_305(core, receiver, style, fields):
    core.callbacks.update({"forbidden_style": style})
    seed(core, "banned", "forbid")
    assert core.push_attempt({"domain_name": DOMAIN, "stream_name": "banned"}) == {"refused": True}
    settled(core)
    [body] = receiver.bodies
    assert body["event_type"] == 0 and {k: body.get(k) for k in fields} == fields
    assert core.list_streams({})["streams"][0]["state"] == "forbid"


def test_a_push_attempt_of_a_free_stream_starts_pushing(core, receiver):
    assert core.push_attempt({"domain_name": DOMAIN, "stream_name": "fresh"}) == {"refused": False}
    settled(core)
    assert [b["event_type"] for b in receiver.bodies] == [1]
    assert core.list_streams({"stream_name": ["fresh"]})["streams"][0]["state"] == "active"


def test_moderation_on_demand_through_the_control_interface(core, receiver):
    status, answer = core.handle_control(
        "POST",
        "callbacks/moderation",
        {},
        json.dumps({"domain_name": DOMAIN, "stream_name": "m1", "label": "Ad", "suggestion": "Review"}).encode(),
    )
    assert status == 200 and len(answer["deliveries"]) == 1
    settled(core)
    [body] = receiver.bodies
    assert (body["event_type"], body["streamId"], body["channelId"], body["app"]) == (317, "m1", "m1", DOMAIN)
    assert (body["suggestion"], body["label"], body["subLabel"]) == ("Review", "Ad", "AdHigh")
    assert "socre" in body  # the docs' own spelling: the emulator is no kinder than Tencent's bodies
    assert genuine(body, time.time())


@pytest.mark.parametrize("senders, at_once", [(1, 1), (25, 25)])
def test_a_raid_of_moderation_callbacks_is_sent_by_senders_at_once(core, receiver, senders, at_once):
    """Tencent's many servers send a raid's callbacks side by side: `senders` deliveries under way at once (one
    list of callbacks through the control interface), each callback once."""
    receiver.hold = 0.3
    core.callbacks.update({"senders": senders})
    raid = {"callbacks": [{"domain_name": DOMAIN, "stream_name": f"raid-{n}"} for n in range(50)]}
    status, answer = core.handle_control("POST", "callbacks/moderation", {}, json.dumps(raid).encode())
    assert status == 200 and len(answer["deliveries"]) == 50
    log = core.callbacks.wait_idle(60)
    assert sorted(b["streamId"] for b in receiver.bodies) == sorted(f"raid-{n}" for n in range(50))
    assert [entry["status"] for entry in log] == [200] * 50
    assert receiver.most_at_once == at_once


@pytest.mark.parametrize("value", [0, 501, "many"])
def test_senders_out_of_range_is_refused(core, value):
    with pytest.raises(le.ControlError, match="senders"):
        core.callbacks.update({"senders": value})


def test_unanswered_callbacks_are_re_sent_with_a_fresh_t(core, receiver):
    receiver.script = [500, 502]
    core.callbacks.update({"ttl": 600})
    core.send_moderation({"domain_name": DOMAIN, "stream_name": "r1"})
    log = settled(core)
    assert [entry["status"] for entry in log] == [500, 502, 200]
    assert [entry["try"] for entry in log] == [1, 2, 3]
    assert all(genuine(body, time.time() - 60) for body in receiver.bodies)
    assert len({json.dumps({k: v for k, v in b.items() if k not in ("t", "sign")}) for b in receiver.bodies}) == 1


def test_re_sends_stop_after_retries(core, receiver):
    receiver.script = [503] * 10
    core.callbacks.update({"retries": 2})
    core.send_callback({"body": {"event_type": 100, "stream_id": "x"}})
    assert [entry["status"] for entry in settled(core)] == [503, 503, 503]


def test_a_receiver_that_is_down_is_retried_and_logged(core, receiver):
    core.callbacks.update({"url": "http://127.0.0.1:9/nothing-listens", "retries": 1})
    core.send_callback({"body": {"event_type": 1, "stream_id": "x"}})
    assert [entry["status"] for entry in settled(core)] == ["ConnectionRefusedError"] * 2


@pytest.mark.parametrize("mode", ["bad", "expired", "unsigned"])
def test_callbacks_that_are_not_genuine_on_demand(core, receiver, mode):
    core.callbacks.update({"retries": 0})
    core.send_moderation({"domain_name": DOMAIN, "stream_name": "x", "sign": mode})
    settled(core)
    [body] = receiver.bodies
    if mode == "unsigned":
        assert "sign" not in body and "t" not in body
    else:
        assert not genuine(body, time.time())
        assert (body["t"] < time.time()) == (mode == "expired")


def test_deliveries_sends_the_same_callback_again(core, receiver):
    core.send_moderation({"domain_name": DOMAIN, "stream_name": "twice", "deliveries": 2})
    assert [entry["delivery"] for entry in settled(core)] == [1, 2]
    assert len(receiver.bodies) == 2 and receiver.bodies[0]["streamId"] == receiver.bodies[1]["streamId"]


def test_the_key_is_never_shown(core, receiver):
    receiver.script = [500]
    seed(core, "k1")
    settled(core)
    status, shown = core.handle_control("GET", "callbacks", {}, b"")
    assert status == 200 and shown["config"]["key_set"] is True
    assert KEY not in json.dumps(shown)
    assert KEY not in json.dumps(core.list_calls(None))


@pytest.mark.parametrize(
    "update, message",
    [
        ({"url": "ftp://x"}, "`url` must start with http"),
        ({"colour": 1}, "unknown callbacks setting(s): colour"),
        ({"forbidden_style": "both"}, "`forbidden_style` must be one of"),
        ({"retry_interval": -1}, "`retry_interval` must be a non-negative number"),
    ],
)
def test_bad_callback_settings_are_refused(core, update, message):
    status, answer = core.handle_control("POST", "callbacks", {}, json.dumps(update).encode())
    assert status == 400 and message in answer["error"]


def test_unknown_domain_or_sign_mode_is_refused(core):
    status, answer = core.handle_control(
        "POST", "callbacks/moderation", {}, b'{"domain_name": "x.example", "stream_name": "s"}'
    )
    assert status == 400 and "not a domain of the account" in answer["error"]
    body = json.dumps({"domain_name": DOMAIN, "stream_name": "s", "sign": "maybe"}).encode()
    assert core.handle_control("POST", "callbacks/push_attempt", {}, body)[0] == 400


def test_without_a_url_nothing_is_sent(emulator, receiver):
    seed(emulator.core, "quiet")
    assert emulator.core.callbacks.describe()["deliveries"] == [] and receiver.bodies == []


def test_command_line_flags_and_reset(receiver):
    args = le.parse_args(["--callback-url", receiver.url, "--callback-key", KEY, "--callback-retry-interval", "0.05"])
    config = le.load_config(args)
    assert config["callbacks"] == {"url": receiver.url, "key": KEY, "retry_interval": 0.05}
    with le.LiveEmulator(config) as emulator:
        emulator.core.callbacks.update({"url": None})
        emulator.core.reset()  # back to the command line's callbacks
        seed(emulator.core, "cli")
        settled(emulator.core)
    assert [b["stream_id"] for b in receiver.bodies] == ["cli"]

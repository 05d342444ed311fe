# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live_callback source's arguments: defaults, the callback key from the environment, and a
clear start-up error naming the argument for every bad one (never echoing a secret)."""

import pytest
from conftest import KEY


def parse(source, args, environ=None):
    return source["parse_arguments"](args, environ or {})


def error_of(source, args, environ=None):
    with pytest.raises(source["ArgumentError"]) as caught:
        parse(source, args, environ)
    return str(caught.value)


def test_defaults_and_the_key_from_the_environment(source):
    settings = parse(source, {}, {"TENCENTCLOUD_LIVE_CALLBACK_KEY": KEY})
    assert settings.callback_key == KEY
    assert (settings.host, settings.port, settings.allow_unsigned) == ("0.0.0.0", 5000, False)
    assert (settings.dedup_window, settings.max_body_bytes, settings.request_timeout) == (900, 1048576, 10)
    assert settings.event_types == frozenset(source["ALL_EVENTS"])
    assert settings.certfile is None


def test_an_argument_wins_over_the_environment(source):
    assert parse(source, {"callback_key": KEY}, {"TENCENTCLOUD_LIVE_CALLBACK_KEY": "other"}).callback_key == KEY


@pytest.mark.parametrize("environ", [{}, {"TENCENTCLOUD_LIVE_CALLBACK_KEY": ""}])
def test_no_key_and_not_allow_unsigned_is_refused(source, environ):
    message = error_of(source, {"port": 5001}, environ)
    assert "`callback_key` is required" in message
    assert "TENCENTCLOUD_LIVE_CALLBACK_KEY" in message and "allow_unsigned" in message


def test_allow_unsigned_needs_no_key(source):
    settings = parse(source, {"allow_unsigned": "yes"})
    assert settings.allow_unsigned is True and settings.callback_key is None


@pytest.mark.parametrize(
    "name, value",
    [
        ("port", 0),
        ("port", 70000),
        ("port", "http"),
        ("port", True),
        ("dedup_window", 0),
        ("dedup_window", "forever"),
        ("max_body_bytes", -1),
        ("request_timeout", float("inf")),
        ("allow_unsigned", "maybe"),
        ("host", "  "),
        ("certfile", 42),
        ("event_types", [""]),
        ("event_types", {"push": True}),
    ],
)
def test_a_bad_value_names_its_argument(source, name, value):
    message = error_of(source, {"callback_key": KEY, name: value})
    assert f"argument `{name}`" in message
    assert message.startswith("tencent.cloud.live_callback:")


def test_numbers_may_come_as_strings_from_rulebook_variables(source):
    settings = parse(source, {"callback_key": KEY, "port": "5002", "dedup_window": "60", "max_body_bytes": "10"})
    assert (settings.port, settings.dedup_window, settings.max_body_bytes) == (5002, 60.0, 10)


def test_event_types_are_checked_names(source):
    settings = parse(source, {"callback_key": KEY, "event_types": ["moderation", "interrupt"]})
    assert settings.event_types == {"moderation", "interrupt"}
    assert parse(source, {"callback_key": KEY, "event_types": "push, interrupt"}).event_types == {"push", "interrupt"}
    message = error_of(source, {"callback_key": KEY, "event_types": ["moderation", "porn"]})
    assert "`event_types` has unknown event name(s) porn" in message and "push_error" in message


def test_an_unknown_argument_is_named(source):
    message = error_of(source, {"callback_key": KEY, "callbak_key": KEY})
    assert "argument `callbak_key` is not an argument of this source" in message


def test_ansible_rulebook_own_argument_is_accepted(source):
    assert parse(source, {"callback_key": KEY, "eda_feedback_queue": object()}).port == 5000


@pytest.mark.parametrize("name", ["keyfile", "password"])
def test_tls_pieces_need_a_certfile(source, name):
    message = error_of(source, {"callback_key": KEY, name: "x"})
    assert f"argument `{name}` needs `certfile`" in message


def test_an_unreadable_certificate_names_certfile(source, tmp_path):
    settings = parse(source, {"callback_key": KEY, "certfile": str(tmp_path / "missing.pem"), "password": "pw-Secret"})
    with pytest.raises(source["ArgumentError"]) as caught:
        source["tls_context"](settings)
    assert "argument `certfile`" in str(caught.value)
    assert "pw-Secret" not in str(caught.value)


def test_secrets_never_show_in_settings_or_errors(source):
    settings = parse(source, {"callback_key": KEY, "certfile": "/c.pem", "password": "pw-Secret"})
    assert KEY not in repr(settings) and "pw-Secret" not in repr(settings)
    message = error_of(source, {"callback_key": 12345678})
    assert "argument `callback_key`" in message and "12345678" not in message

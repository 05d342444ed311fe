# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a hardened deployment sets, as the shipped rulebooks pass it: an optional argument left empty by a
rulebook variable counts as not given; the TLS key's password comes from the environment, never from an argument
ansible-rulebook would log; and the source warns when it starts about a short callback key, a TLS key others may
read, and a password given as an argument -- never showing a secret."""

import logging
import os
import shutil
import ssl

import aiohttp
import pytest
from conftest import KEY, load_body, running, signed, tls_arguments

PASSWORD = "tls-Pass-word"  # the certificate fixture's key password
PASSWORD_ENV = "TENCENTCLOUD_LIVE_CALLBACK_TLS_PASSWORD"


def parse(source, args, environ=None):
    return source["parse_arguments"](dict({"callback_key": KEY}, **args), environ or {})


@pytest.mark.parametrize("empty", ["", [], None], ids=["empty-string", "empty-list", "null"])
def test_an_optional_argument_left_empty_counts_as_not_given(source, empty):
    """What `{{ live_callback_certfile | default('') }}` renders when the variable is not set."""
    names = ["host", "port", "certfile", "keyfile", "password", "allowed_networks", "event_types", "dedup_window"]
    settings = parse(source, dict.fromkeys(names, empty))
    assert (settings.host, settings.port, settings.certfile, settings.keyfile) == ("0.0.0.0", 5000, None, None)
    assert settings.password is None and settings.allowed_networks is None and settings.dedup_window == 900
    assert settings.event_types == frozenset(source["ALL_EVENTS"])


def test_allowed_networks_as_a_comma_separated_string_or_a_list(source):
    text = parse(source, {"allowed_networks": "203.0.113.0/24, 2001:db8::/32"}).allowed_networks
    assert text == parse(source, {"allowed_networks": ["203.0.113.0/24", "2001:db8::/32"]}).allowed_networks
    assert [str(network) for network in text] == ["203.0.113.0/24", "2001:db8::/32"]


def test_the_password_comes_from_the_environment_when_not_given(source, certificate):
    arguments = dict(tls_arguments(certificate), password="")
    settings = parse(source, arguments, {PASSWORD_ENV: PASSWORD})
    assert settings.password == PASSWORD and PASSWORD not in repr(settings)
    assert source["tls_context"](settings) is not None
    assert parse(source, dict(arguments, password="given"), {PASSWORD_ENV: PASSWORD}).password == "given"
    assert parse(source, {}, {PASSWORD_ENV: PASSWORD}).password is None  # no certificate: nothing to unlock


def test_an_encrypted_key_without_a_password_fails_at_once_naming_the_variable(source, certificate):
    """OpenSSL would otherwise ask for the password on the terminal and wait there."""
    settings = parse(source, dict(tls_arguments(certificate), password=""))
    with pytest.raises(source["ArgumentError"]) as caught:
        source["tls_context"](settings)
    assert "argument `certfile`" in str(caught.value) and PASSWORD_ENV in str(caught.value)


async def test_https_with_the_password_from_the_environment_and_it_is_never_logged(
    source, certificate, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    arguments = dict(tls_arguments(certificate), password="", callback_key=KEY)
    async with running(source, **arguments) as (queue, port):
        context = ssl.create_default_context(cafile=str(certificate / "cert.pem"))
        body = signed(load_body("push.json"), now=2_000_000_000)
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"https://127.0.0.1:{port}/", json=body, ssl=context) as answer,
        ):
            assert answer.status == 200
        assert (await queue.get())["tencent_live"]["event"] == "push"
    assert PASSWORD not in caplog.text and KEY not in caplog.text
    assert "listening on https://127.0.0.1" in caplog.text


def warnings_of(source, settings_args, environ=None, given=None):
    settings = parse(source, settings_args, environ)
    return source["_arguments"].start_warnings(settings, dict(settings_args) if given is None else given)


@pytest.mark.parametrize("length, warned", [(1, True), (15, True), (16, False), (32, False)])
def test_a_callback_key_shorter_than_16_characters_is_warned_about(source, length, warned):
    key = ("Key0" * 8)[:length]
    warnings = warnings_of(source, {"callback_key": key})
    assert any("trying keys offline" in w for w in warnings) is warned
    if warned:
        [warning] = warnings
        assert f"the callback key has {length} characters" in warning and "16 to 32 letters and digits" in warning
        assert length < 4 or key not in warning


@pytest.fixture
def key_files(certificate, tmp_path):
    """Copies of the certificate and its key whose modes a test may change."""
    for name in ("cert.pem", "key.pem"):
        shutil.copy(certificate / name, tmp_path / name)
    return {"certfile": str(tmp_path / "cert.pem"), "keyfile": str(tmp_path / "key.pem")}


@pytest.mark.parametrize("mode, who", [(0o600, None), (0o400, None), (0o640, "its group"), (0o604, "others")])
def test_a_tls_key_that_group_or_others_may_read_is_warned_about(source, key_files, mode, who):
    os.chmod(key_files["keyfile"], mode)
    os.chmod(key_files["certfile"], 0o644)  # a certificate is public: never warned about
    warnings = warnings_of(source, key_files, {PASSWORD_ENV: PASSWORD})
    if who is None:
        assert warnings == []
    else:
        [warning] = warnings
        assert f"the TLS private key {key_files['keyfile']} may be read by {who} (mode {mode:04o})" in warning
        assert "chmod 600" in warning and PASSWORD not in warning


def test_a_key_inside_the_certificate_file_is_checked_there(source, key_files, tmp_path):
    both = tmp_path / "both.pem"
    both.write_text((tmp_path / "cert.pem").read_text() + (tmp_path / "key.pem").read_text())
    os.chmod(both, 0o644)
    [warning] = warnings_of(source, {"certfile": str(both)}, {PASSWORD_ENV: PASSWORD})
    assert f"the TLS private key {both} may be read by others" in warning


def test_a_password_given_as_an_argument_is_warned_about_without_showing_it(source, key_files):
    os.chmod(key_files["keyfile"], 0o600)
    [warning] = warnings_of(source, dict(key_files, password=PASSWORD))
    assert "ansible-rulebook logs with the source's arguments at -vv" in warning and PASSWORD_ENV in warning
    assert PASSWORD not in warning
    assert warnings_of(source, dict(key_files, password=""), {PASSWORD_ENV: PASSWORD}) == []


async def test_the_warnings_are_logged_when_the_source_starts(source, key_files, caplog, monkeypatch):
    caplog.set_level(logging.WARNING)
    os.chmod(key_files["keyfile"], 0o644)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    async with running(source, callback_key="Short1", **key_files):
        pass
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("the callback key has 6 characters" in line for line in lines), lines
    assert any("may be read by others" in line for line in lines), lines
    assert "Short1" not in caplog.text and PASSWORD not in caplog.text

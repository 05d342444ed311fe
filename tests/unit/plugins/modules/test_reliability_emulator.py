# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module against the real emulator over HTTP: bad input, faults, TLS, proxies."""

import json
import re
import socket
import tempfile
import threading
import time

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils._client import LiveClient
from ansible_collections.tencent.cloud.plugins.modules import tencent_live_stream, tencent_live_stream_info

DOMAIN = "5000.livepush.myqcloud.com"
SECRET_ID = "AKIDEMULATOR00000000000000000000000"
SECRET_KEY = "emulator-secret-key-0000000000000000"


def connection(api, **extra):
    return dict(endpoint=api.url, secret_id=SECRET_ID, secret_key=SECRET_KEY, domain_name=DOMAIN, **extra)


def seed(api, states):
    api.core.seed_streams(
        {
            "streams": [
                {"domain_name": DOMAIN, "app_name": "live", "stream_name": name, "state": state}
                for name, state in states.items()
            ]
        }
    )


def states_of(api):
    return {s["stream_name"]: s["state"] for s in api.core.list_streams({})["streams"]}


def api_calls(api):
    return api.core.list_calls(None)["calls"]


# --------------------------------------------------------------------------- bad input
BAD_INPUT = [
    ({"domain_name": ""}, "domain_name must not be empty"),
    ({"domain_name": "   "}, "domain_name must not be empty"),
    ({"domain_name": "rtmp://5000.livepush.myqcloud.com/live"}, "bare push domain"),
    ({"domain_name": " 5000.livepush.myqcloud.com"}, "leading or trailing white space"),
    ({"app_name": ""}, "app_name must not be empty"),
    ({"stream_name": ""}, "stream_name must not be empty"),
    ({"stream_name": "  "}, "stream_name must not be empty"),
    ({"stream_name": "s ", "state": "resumed"}, "leading or trailing white space"),
    ({"stream_name": None, "stream_names": []}, "at least one stream name"),
    ({"stream_name": None, "stream_names": ["a", "b", "a"]}, "'a' more than once"),
    ({"stream_name": None, "stream_names": ["a", " "]}, "stream_names[1] must not be empty"),
    ({"stream_names": ["a"]}, "mutually exclusive"),
    ({"stream_name": None}, "one of the following is required"),
    ({"state": "paused"}, "value of state must be one of"),
    ({"reason": "why"}, "reason is only used with state=forbidden"),
    ({"state": "dropped", "resume_time": "2030-01-01T00:00:00Z"}, "resume_time is only used with state=forbidden"),
    ({"state": "forbidden", "resume_time": "next week"}, "not an ISO 8601 UTC time"),
    ({"state": "forbidden", "resume_time": "2001-01-01T00:00:00Z"}, "is in the past"),
    ({"state": "forbidden", "resume_time": "2999-01-01T00:00:00Z"}, "more than 90 days ahead"),
    ({"state": "forbidden", "resume_time": "2030-01-01T08:00:00+08:00"}, "is not in UTC"),
    ({"state": "forbidden", "resume_time": "2030-01-01 08:00"}, "has no time zone"),
    ({"state": "forbidden", "resume_time": "2030-02-30T08:00:00Z"}, "not a valid date and time"),
    ({"state": "forbidden", "reason": "\u7981" * 700}, "2100 bytes long in UTF-8"),
    ({"timeout": 0}, "timeout must be a number of seconds greater than 0"),
    ({"timeout": -3}, "timeout must be a number of seconds greater than 0"),
    ({"timeout": "soon"}, "timeout"),
    ({"retries": -1}, "retries must be between 0 and 50"),
    ({"retries": "many"}, "retries"),
    ({"endpoint": "ftp://live.tencentcloudapi.com"}, "only http:// and https:// are supported"),
    ({"endpoint": "http://"}, "no valid host name"),
    ({"endpoint": "http://127.0.0.1:70000"}, "not a valid host or URL"),
    ({"endpoint": "https://live.tencentcloudapi.com/api"}, "must not have a path"),
    ({"secret_id": None}, "secret_id is not set: give secret_id or set TENCENTCLOUD_SECRET_ID"),
    ({"secret_key": None}, "secret_key is not set: give secret_key or set TENCENTCLOUD_SECRET_KEY"),
    ({"rate_limits": {"ResumeStream": 10}}, "rate_limits has an unknown action 'ResumeStream'"),
    ({"rate_limits": {"ResumeLiveStream": -1}}, "rate_limits.ResumeLiveStream must be a number"),
    ({"concurrency": 0}, "concurrency must be between 1 and 256, got 0"),
    ({"validate_certs": "maybe"}, "validate_certs"),
    # issue 14: hostile and careless input
    ({"stream_name": None, "stream_names": [0o123, True]}, "stream_names[0] is the number 83, not a string: quote it"),
    (
        {"stream_name": None, "stream_names": ["ok", True]},
        "stream_names[1] is the boolean True, not a string: quote it",
    ),
    ({"stream_name": None, "stream_names": ["ok", 1e3]}, "stream_names[1] is the number 1000.0, not a string"),
    ({"stream_name": 83}, "stream_name is the number 83, not a string: quote it"),
    ({"stream_name": False}, "stream_name is the boolean False, not a string"),
    ({"app_name": 2024}, "app_name is the number 2024, not a string"),
    ({"stream_name": "s1\nother"}, "contains a control or invisible character"),
    ({"stream_name": "s1\x1b[2J"}, "contains a control or invisible character"),
    ({"stream_name": None, "stream_names": ["a", "b\r"]}, "stream_names[1] 'b\\r' contains a control"),
    ({"stream_name": "x" * 100000}, "stream_name is 100000 characters long: a stream name has at most 1024"),
    ({"stream_name": None, "stream_names": ["a", "y" * 1025]}, "stream_names[1] is 1025 characters long"),
    ({"domain_name": "d" * 254 + ".com"}, "domain_name is 258 characters long: a domain name has at most 253"),
    ({"ca_path": "/nonexistent/ca.pem"}, "ca_path /nonexistent/ca.pem does not exist"),
    ({"timeout": float("inf")}, "timeout must be a number of seconds greater than 0 and at most 600"),
    ({"timeout": float("nan")}, "timeout must be a number of seconds greater than 0 and at most 600"),
    ({"timeout": 601}, "at most 600, got 601"),
    ({"retries": 51}, "retries must be between 0 and 50"),
    (
        {"rate_limits": {"ResumeLiveStream": "inf"}},
        "rate_limits.ResumeLiveStream must be a number of requests per second greater than 0 and at most",
    ),
    ({"rate_limits": {"ResumeLiveStream": 1e9}}, "at most 100000"),
    ({"rate_limits": {"ResumeLiveStream": True}}, "rate_limits.ResumeLiveStream must be a number"),
    ({"concurrency": 100000}, "concurrency must be between 1 and 256, got 100000"),
    (
        {"secret_id": "AKIDEMULATOR00000000000000000000000\n"},
        "secret_id has white space (a space, tab or line break) at its start or end",
    ),
    ({"secret_key": " emulator-secret-key-0000000000000000"}, "secret_key has white space"),
    # (a token that is not a word of the message: ansible-core 2.22+ masks the token, without the white
    # space, wherever it shows, and "tok" would turn "session_token" into "session_$REDACTED$en")
    ({"session_token": "pasted-token\n"}, "session_token has white space"),
    ({"session_token": "pasted-token\r"}, "session_token has white space"),
    ({"session_token": "to\nk"}, "session_token contains a control or other non-printable character"),
    ({"session_token": "tok\u2019en"}, "session_token contains a character outside Latin-1"),
    ({"endpoint": "http://live.tencentcloudapi.com"}, "uses plain http:// to a host that is not this machine"),
    ({"endpoint": "http://192.0.2.10:8080"}, "use https://192.0.2.10:8080 (and give ca_path for a private CA)"),
    (
        {"sts_endpoint": "http://sts.tencentcloudapi.com", "role_arn": "qcs::cam::uin/1:roleName/r"},
        "sts_endpoint 'http://sts.tencentcloudapi.com' uses plain http://",
    ),
]


@pytest.mark.parametrize("change, fragment", BAD_INPUT)
def test_bad_input_fails_clearly_before_any_request(live_api_fresh, run_module, change, fragment):
    args = dict(connection(live_api_fresh), stream_name="s1")
    args.update(change)
    args = {key: value for key, value in args.items() if value is not None}
    result = run_module(tencent_live_stream.main, args)
    assert result["failed"] is True
    assert fragment in result["msg"], result["msg"]
    assert "Traceback" not in result["msg"] and "exception" not in result
    assert api_calls(live_api_fresh) == []


@pytest.mark.parametrize("module", [tencent_live_stream, tencent_live_stream_info])
def test_info_and_main_module_reject_non_string_names(live_api_fresh, run_module, module):
    result = run_module(module.main, dict(connection(live_api_fresh), stream_names=["a", 0o123, "yes", True]))
    assert "stream_names[1] is the number 83, not a string: quote it" in result["msg"]
    assert "stream_names[3] is the boolean True" in result["msg"] and api_calls(live_api_fresh) == []


def test_secret_problems_from_the_environment_name_the_variable_never_the_value(
    live_api_fresh, run_module, monkeypatch
):
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("TENCENTCLOUD_TOKEN", "pasted-token-value\n")
    result = run_module(
        tencent_live_stream.main, dict(endpoint=live_api_fresh.url, domain_name=DOMAIN, stream_name="s1")
    )
    assert "session_token (from TENCENTCLOUD_TOKEN) has white space" in result["msg"]
    assert "pasted-token-value" not in json.dumps(result) and api_calls(live_api_fresh) == []


def test_plain_http_endpoint_from_the_environment_is_refused(run_module, monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_LIVE_ENDPOINT", "http://live.tencentcloudapi.com")
    result = run_module(
        tencent_live_stream.main, dict(secret_id=SECRET_ID, secret_key=SECRET_KEY, domain_name=DOMAIN, stream_name="s1")
    )
    assert "endpoint 'http://live.tencentcloudapi.com' uses plain http://" in result["msg"]


def test_credential_source_is_in_every_result(live_api_fresh, run_module, monkeypatch):
    seed(live_api_fresh, {"c1": "forbid"})
    single = run_module(tencent_live_stream.main, dict(connection(live_api_fresh), stream_name="c1"))
    assert single["changed"] is True and single["credential_source"] == "options"
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
    batch = run_module(
        tencent_live_stream_info.main, dict(endpoint=live_api_fresh.url, domain_name=DOMAIN, stream_names=["c1", "c2"])
    )
    assert batch["credential_source"] == "environment"
    online = run_module(tencent_live_stream_info.main, dict(endpoint=live_api_fresh.url))
    assert online["credential_source"] == "environment"
    failed = run_module(
        tencent_live_stream.main, dict(endpoint=live_api_fresh.url, domain_name="unknown.example.com", stream_name="c1")
    )
    assert failed["failed"] is True and failed["credential_source"] == "environment"


@pytest.mark.parametrize("module", [tencent_live_stream, tencent_live_stream_info])
def test_one_streams_unexpected_exception_keeps_every_other_result(live_api_fresh, run_module, monkeypatch, module):
    seed(live_api_fresh, {f"u{n}": "forbid" for n in range(6)})
    original = LiveClient.call

    def call(client, action, params):
        if params.get("StreamName") == "u3":
            raise KeyError("text that must not be shown")
        return original(client, action, params)

    monkeypatch.setattr(LiveClient, "call", call)
    names = [f"u{n}" for n in range(6)]
    result = run_module(module.main, dict(connection(live_api_fresh), stream_names=names, concurrency=3))
    assert (
        result["failed"] is True
        and "Traceback" not in json.dumps(result)
        and "must not be shown" not in json.dumps(result)
    )
    by_name = {entry["stream_name"]: entry for entry in result["streams"]}
    assert by_name["u3"]["failed"] is True and by_name["u3"]["error"]["kind"] == "internal"
    assert "u3: unexpected KeyError" in result["msg"]
    others = [by_name[name] for name in names if name != "u3"]
    assert all(not entry["failed"] for entry in others)
    if module is tencent_live_stream:
        assert result["counts"] == {"total": 6, "changed": 5, "ok": 0, "failed": 1, "skipped": 0, "unknown": 0}
        assert all(state == "inactive" for name, state in states_of(live_api_fresh).items() if name != "u3")


def test_info_module_rejects_page_size_with_names(live_api_fresh, run_module):
    result = run_module(tencent_live_stream_info.main, dict(connection(live_api_fresh), stream_name="s", page_size=50))
    assert "page_size is only used to list online streams" in result["msg"] and api_calls(live_api_fresh) == []


# --------------------------------------------------------------------------- faults
def test_batch_of_300_reaches_desired_state_through_30_percent_faults(live_api_fresh, run_module):
    api = live_api_fresh
    names = [f"fault-{n:03d}" for n in range(300)]
    seed(api, {name: "forbid" if n % 3 else "active" for n, name in enumerate(names)})
    api.core.add_faults(
        {
            "faults": [
                {"action": "*", "kind": "throttle", "rate": 0.12, "seed": 1},
                {"action": "*", "kind": "http_502", "rate": 0.08, "seed": 2},
                {"action": "*", "kind": "close", "rate": 0.06, "seed": 3},
                {"action": "*", "kind": "stall", "rate": 0.04, "seconds": 1.5, "seed": 4},
            ]
        }
    )
    result = run_module(tencent_live_stream.main, dict(connection(api), stream_names=names, timeout=0.5, retries=12))
    assert result.get("failed") is not True, result.get("msg")
    needed = sum(1 for n in range(300) if n % 3)
    assert result["counts"] == {
        "total": 300,
        "changed": needed,
        "ok": 300 - needed,
        "failed": 0,
        "skipped": 0,
        "unknown": 0,
    }
    assert {states_of(api)[name] for name in names if int(name[-3:]) % 3} == {"inactive"}
    faulted = [call for call in api_calls(api) if call["code"]]
    assert len(faulted) > 50  # the faults really happened, and were absorbed


def test_unreachable_endpoint_fails_promptly_and_clearly(run_module):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.time()
    args = dict(
        endpoint=f"http://127.0.0.1:{port}",
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        domain_name=DOMAIN,
        stream_name="s1",
        retries=2,
    )
    result = run_module(tencent_live_stream.main, args)
    assert time.time() - started < 5
    assert f"could not reach http://127.0.0.1:{port}/" in result["msg"] and "after 3 attempts" in result["msg"]
    assert result["failure"]["kind"] == "transport"


def test_stalled_endpoint_is_bounded_by_timeout_and_retries(live_api_fresh, run_module):
    live_api_fresh.core.add_faults({"faults": [{"action": "*", "kind": "stall", "count": 100, "seconds": 3}]})
    started = time.time()
    result = run_module(
        tencent_live_stream.main, dict(connection(live_api_fresh), stream_name="s1", timeout=0.4, retries=2)
    )
    elapsed = time.time() - started
    # 3 attempts x 0.4 s plus at most 0.2 + 0.4 s of backoff = 1.8 s; waiting for the stall would take 9 s. The bound
    # leaves a loaded machine room.
    assert elapsed < 6.0, elapsed
    # the socket's read timeout or the exchange's wall-clock bound, whichever notices first
    assert re.search(f"no (complete )?answer from {re.escape(live_api_fresh.url)}/ within timeout=0.4s", result["msg"])


def test_internal_error_on_write_is_settled_by_a_read_then_sent_again(live_api_fresh, run_module):
    seed(live_api_fresh, {"s1": "forbid"})
    live_api_fresh.core.add_faults({"faults": [{"action": "ResumeLiveStream", "kind": "internal_error", "count": 1}]})
    result = run_module(tencent_live_stream.main, dict(connection(live_api_fresh), stream_name="s1"))
    actions = [c["action"] for c in api_calls(live_api_fresh)]
    # the write was not carried out: the read finds the stream still forbidden, and it is sent once more
    assert actions == ["DescribeLiveStreamState", "ResumeLiveStream", "DescribeLiveStreamState", "ResumeLiveStream"]
    assert result["changed"] is True and result["stream"]["state"] == "inactive"
    recovered = result["stream"]["recovered_errors"]
    assert (
        recovered[0]["code"] == "InternalError"
        and recovered[0]["read_state"] == "forbid"
        and recovered[0]["request_id"]
    )


# --------------------------------------------------------------------------- TLS and proxies
@pytest.fixture(scope="module")
def tls_api(live_emulator_module):
    cert_dir = tempfile.mkdtemp(prefix="live-emulator-tls-")
    server = live_emulator_module.LiveEmulator(tls_cert_dir=cert_dir)
    server.start()
    yield server
    server.stop()


def test_tls_with_ca_path_works(tls_api, run_module):
    seed(tls_api, {"tls1": "forbid"})
    result = run_module(
        tencent_live_stream.main, dict(connection(tls_api), stream_name="tls1", ca_path=tls_api.ca_file)
    )
    assert result["changed"] is True and result["stream"]["state"] == "inactive"
    assert not result.get("warnings")


def test_tls_self_signed_without_ca_fails_with_advice(tls_api, run_module):
    result = run_module(tencent_live_stream.main, dict(connection(tls_api), stream_name="tls2"))
    assert f"TLS verification of {tls_api.url}/ failed" in result["msg"]
    assert "ca_path" in result["msg"] and result["failure"]["attempts"] == 1


def test_tls_with_the_ca_from_tencentcloud_ca_path_works_and_wins_over_requests_ca_bundle(
    tls_api, run_module, monkeypatch, tmp_path
):
    """TENCENTCLOUD_CA_PATH (the AWX credential type's) applies when ca_path is not set, before REQUESTS_CA_BUNDLE."""
    seed(tls_api, {"tls5": "forbid"})
    unrelated = tmp_path / "unrelated.pem"
    unrelated.write_text(open(certifi_where(), encoding="ascii").read(), encoding="ascii")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(unrelated))  # public CAs only: would refuse the emulator
    refused = run_module(tencent_live_stream.main, dict(connection(tls_api), stream_name="tls5"))
    assert refused["failed"] is True and "TLS verification" in refused["msg"], refused["msg"]
    monkeypatch.setenv("TENCENTCLOUD_CA_PATH", tls_api.ca_file)
    result = run_module(tencent_live_stream.main, dict(connection(tls_api), stream_name="tls5"))
    assert result["changed"] is True and result["stream"]["state"] == "inactive", result.get("msg")


def test_a_missing_file_in_tencentcloud_ca_path_is_refused_naming_the_variable(tls_api, run_module, monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_CA_PATH", "/nonexistent/awx-ca.pem")
    result = run_module(tencent_live_stream.main, dict(connection(tls_api), stream_name="tls6"))
    assert result["failed"] is True
    assert "ca_path /nonexistent/awx-ca.pem (from TENCENTCLOUD_CA_PATH) does not exist" in result["msg"], result["msg"]
    assert tls_api.core.calls == [] or all(call["stream_name"] != "tls6" for call in tls_api.core.calls)


def certifi_where():
    import certifi  # pylint: disable=import-outside-toplevel  # requests' own dependency

    return certifi.where()


def test_tls_validate_certs_false_works_and_warns(tls_api, run_module):
    result = run_module(tencent_live_stream.main, dict(connection(tls_api), stream_name="tls3", validate_certs=False))
    assert result.get("failed") is not True
    # ansible-core >= 2.19 returns warnings as structured objects in-process; their text is what counts.
    warnings = str(result["warnings"])
    assert "validate_certs is false: the TLS certificates of the endpoint" in warnings
    assert "STS (sts_endpoint" in warnings and "CVM metadata service (metadata_url" in warnings


def test_validate_certs_false_covers_sts_too_as_the_warning_says(tls_api, run_module):
    """The role is assumed from the same self-signed HTTPS emulator: refused with checks on, assumed with them off."""
    role_arn = "qcs::cam::uin/100000000001:roleName/tls-role"
    tls_api.core.add_roles({"role_arn": role_arn})
    seed(tls_api, {"tls4": "forbid"})
    args = dict(connection(tls_api), stream_name="tls4", role_arn=role_arn, sts_endpoint=tls_api.url)
    checked = run_module(tencent_live_stream.main, dict(args, ca_path=None))
    assert checked["failed"] is True and "TLS verification" in checked["msg"] and "AssumeRole" in json.dumps(checked)
    unchecked = run_module(tencent_live_stream.main, dict(args, validate_certs=False))
    assert unchecked.get("failed") is not True, unchecked.get("msg")
    assert unchecked["credential_source"].startswith("assumed role") and "STS (sts_endpoint" in str(
        unchecked["warnings"]
    )


class _RecordingProxy:
    """A forward proxy that only records the request line and answers 502 (we never go further)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.requests = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _dummy = self.sock.accept()
            except OSError:
                return
            with conn:
                self.requests.append(conn.recv(65536).split(b"\r\n", 1)[0].decode())
                conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def test_http_proxy_environment_is_honoured_and_no_proxy_bypasses_it(live_api_fresh, run_module, monkeypatch):
    proxy = _RecordingProxy()
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    through_proxy = run_module(tencent_live_stream.main, dict(connection(live_api_fresh), stream_name="p1", retries=0))
    assert "HTTP 502" in through_proxy["msg"]
    assert proxy.requests and proxy.requests[0].startswith(f"POST {live_api_fresh.url}/ ")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    direct = run_module(tencent_live_stream.main, dict(connection(live_api_fresh), stream_name="p1", retries=0))
    assert direct.get("failed") is not True and len(proxy.requests) == 1
    proxy.sock.close()


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
def test_the_module_fails_before_any_call_without_showing_the_proxy_credentials(
    live_api_fresh, run_module, monkeypatch, variable
):
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, "http://prxusr7:pa#ss-sEcReT@127.0.0.1:3128")
    live_api_fresh.core.clear_calls()
    result = run_module(
        tencent_live_stream.main,
        dict(endpoint=live_api_fresh.url, secret_id="AKIDx", secret_key="k", domain_name="d.example", stream_name="s"),
    )
    assert result["failed"] is True and f"the proxy URL in {variable}" in result["msg"]
    assert live_api_fresh.core.list_calls(None)["calls"] == []
    for piece in ("prxusr7", "pa#ss", "sEcReT"):
        assert piece not in json.dumps(result)


# --------------------------------------------------------------------------- a drop of a stream that is not pushing


@pytest.mark.parametrize("answer", [None, "ResourceNotFound.StreamNotAlive"], ids=["success", "StreamNotAlive"])
def test_dropped_reaches_every_stream_whatever_tencent_answers_an_idle_drop(live_api_fresh, run_module, answer):
    """Tencent's page says a drop of an inactive stream succeeds; the SDKs listed ResourceNotFound.StreamNotAlive
    for it until 2022. Under either answer a batch ends with no stream pushing, changes only the pushing ones,
    sends one drop per stream and stops nothing."""
    api = live_api_fresh
    api.core.update_settings({"drop_inactive_code": answer})
    states = {f"d{n:02d}": ("active", "inactive", "forbid")[n % 3] for n in range(30)}
    seed(api, states)
    result = run_module(tencent_live_stream.main, dict(connection(api), stream_names=list(states), state="dropped"))
    assert result.get("failed") is not True, result.get("msg")
    assert result["counts"] == {"total": 30, "changed": 10, "ok": 20, "failed": 0, "skipped": 0, "unknown": 0}
    assert "active" not in states_of(api).values()
    drops = [c for c in api_calls(api) if c["action"] == "DropLiveStream"]
    assert sorted(c["stream_name"] for c in drops) == sorted(states)
    assert {c["code"] for c in drops} == ({None} if answer is None else {None, answer})
    idle = [s for s in result["streams"] if s["previous_state"] != "active"]
    assert all(s["changed"] is False and s["request_ids"]["DropLiveStream"] for s in idle)
    # the encoder of a pushing stream leaves between the read and the drop: the drop finds nothing to cut
    seed(api, {"racer": "active"})
    api.core.add_faults({"faults": [{"action": "DropLiveStream", "kind": "preempt", "state": "inactive"}]})
    raced = run_module(tencent_live_stream.main, dict(connection(api), stream_name="racer", state="dropped"))
    assert raced.get("failed") is not True and raced["stream"]["previous_state"] == "active"
    assert raced["stream"]["state"] == "inactive" and raced["changed"] is (answer is None)

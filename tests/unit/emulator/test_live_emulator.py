# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Conformance and protocol tests of the Live API 3.0 emulator (tests/emulator/: the live_api_emulator
package and its command line, live_emulator.py)."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import threading
import time

import live_api_emulator as le  # loaded by tests/conftest.py from tests/emulator/
import pytest
import requests
from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.live.v20180801 import live_client, models

EMULATOR_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(le.__file__))), "live_emulator.py")
DOMAIN = le.DEFAULT_DOMAIN
SECRET_ID = le.DEFAULT_SECRET_ID
SECRET_KEY = le.DEFAULT_SECRET_KEY


# --------------------------------------------------------------------------- helpers: an independent stdlib signer


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def tc3_authorization(
    secret_id, secret_key, headers, body, timestamp, signed=("content-type", "host"), service="live", date=None
):
    date = date or time.strftime("%Y-%m-%d", time.gmtime(timestamp))
    lowered = {name.lower(): value for name, value in headers.items()}
    canonical_headers = "".join(f"{name}:{lowered[name].strip().lower()}\n" for name in signed)
    signed_headers = ";".join(signed)
    canonical = f"POST\n/\n\n{canonical_headers}\n{signed_headers}\n{hashlib.sha256(body).hexdigest()}"
    scope = f"{date}/{service}/tc3_request"
    to_sign = f"TC3-HMAC-SHA256\n{int(timestamp)}\n{scope}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"
    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode("utf-8"), date), service), "tc3_request")
    signature = hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"


def signed_headers_for(
    port,
    action,
    body,
    timestamp,
    secret_id=SECRET_ID,
    secret_key=SECRET_KEY,
    token=None,
    version="2018-08-01",
    signed=("content-type", "host"),
    **sign_options,
):
    headers = {
        "Content-Type": "application/json",
        "Host": f"127.0.0.1:{port}",
        "X-TC-Action": action,
        "X-TC-Timestamp": str(timestamp),
        "X-TC-Version": version,
    }
    if token is not None:
        headers["X-TC-Token"] = token
    headers["Authorization"] = tc3_authorization(
        secret_id, secret_key, headers, body, timestamp, signed, **sign_options
    )
    return headers


def raw_call(
    emulator,
    action="DescribeLiveStreamState",
    params=None,
    body=None,
    timestamp=None,
    conn=None,
    sent_body=None,
    **options,
):
    """Sign and POST one call with http.client; returns (status, parsed JSON or raw bytes)."""
    if body is None:
        body = json.dumps(params if params is not None else stream_params("s1")).encode("utf-8")
    timestamp = int(emulator.core.clock()) if timestamp is None else timestamp
    headers = signed_headers_for(emulator.port, action, body, timestamp, **options)
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
    try:
        conn.request("POST", "/", body=body if sent_body is None else sent_body, headers=headers)
        response = conn.getresponse()
        data = response.read()
    finally:
        if own:
            conn.close()
    if response.getheader("Content-Type", "").startswith("application/json"):
        return response.status, json.loads(data)
    return response.status, data


def error_code(answer):
    status, payload = answer
    assert status == 200, payload
    return payload["Response"].get("Error", {}).get("Code")


def stream_params(stream, domain=DOMAIN, app="live", **extra):
    params = {"DomainName": domain, "AppName": app, "StreamName": stream}
    params.update(extra)
    return params


def control(emulator, method, route, payload=None):
    conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
    try:
        body = json.dumps(payload).encode("utf-8") if payload is not None else None
        conn.request(method, "/_emulator/" + route, body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def seed(emulator, *streams, state="active", **extra):
    items = [dict({"domain_name": DOMAIN, "stream_name": name, "state": state}, **extra) for name in streams]
    assert control(emulator, "POST", "streams", {"streams": items})[0] == 200


def stream_state(emulator, name, domain=DOMAIN, app="live"):
    rows = emulator.core.list_streams({"domain_name": [domain], "app_name": [app], "stream_name": [name]})["streams"]
    return rows[0]["state"] if rows else "inactive"


def add_faults(emulator, *faults):
    status, payload = control(emulator, "POST", "faults", {"faults": list(faults)})
    assert status == 200, payload


# --------------------------------------------------------------------------- helpers: the official SDK


def sdk_client(port, secret_id=SECRET_ID, secret_key=SECRET_KEY, token=None, scheme="http", ca_file=None, timeout=10):
    http_profile = HttpProfile(protocol=scheme, endpoint=f"127.0.0.1:{port}", reqTimeout=timeout, certification=ca_file)
    return live_client.LiveClient(Credential(secret_id, secret_key, token), "", ClientProfile(httpProfile=http_profile))


def sdk_request(model, stream=None, **fields):
    request = model()
    if stream is not None:
        request.DomainName, request.AppName, request.StreamName = DOMAIN, "live", stream
    for name, value in fields.items():
        setattr(request, name, value)
    return request


def sdk_state(client, stream):
    return client.DescribeLiveStreamState(sdk_request(models.DescribeLiveStreamStateRequest, stream)).StreamState


def sdk_error(call, *args):
    with pytest.raises(TencentCloudSDKException) as caught:
        call(*args)
    return caught.value


# --------------------------------------------------------------------------- the emulator's signer vs the published vectors


VECTOR_BODY = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
VECTOR_HEADERS = {
    "content-type": "application/json; charset=utf-8",
    "host": "cvm.tencentcloudapi.com",
    "x-tc-action": "DescribeInstances",
}


@pytest.mark.parametrize(
    "secret_key, signed, canonical_hash, signature",
    [
        (
            "Gu5t9xGARNpq86cd98joQYCN3*******",
            ["content-type", "host"],
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031",
            "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c",
        ),
        (
            "*" * 32,
            ["content-type", "host", "x-tc-action"],
            "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84",
            "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f",
        ),
        (
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            ["content-type", "host"],
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031",
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
        ),
    ],
)
def test_emulator_signer_matches_published_vectors(secret_key, signed, canonical_hash, signature):
    assert le.sha256_hex(VECTOR_BODY) == "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    canonical = le.canonical_request("POST", "/", "", VECTOR_HEADERS, signed, le.sha256_hex(VECTOR_BODY))
    assert le.sha256_hex(canonical.encode("utf-8")) == canonical_hash
    to_sign = le.string_to_sign("1551113065", "2019-02-25/cvm/tc3_request", canonical)
    assert le.compute_signature(secret_key, "2019-02-25", "cvm", to_sign) == signature


# --------------------------------------------------------------------------- conformance with the official SDK


def test_sdk_drives_every_action_and_sees_state_changes(emulator):
    seed(emulator, "s1", "s2")
    client = sdk_client(emulator.port)
    assert sdk_state(client, "s1") == "active"
    assert sdk_state(client, "never-seen") == "inactive"

    client.ForbidLiveStream(sdk_request(models.ForbidLiveStreamRequest, "s1", Reason="maintenance"))
    assert sdk_state(client, "s1") == "forbid"
    assert stream_state(emulator, "s1") == "forbid"

    client.ResumeLiveStream(sdk_request(models.ResumeLiveStreamRequest, "s1"))
    assert sdk_state(client, "s1") == "inactive"

    online = client.DescribeLiveStreamOnlineList(sdk_request(models.DescribeLiveStreamOnlineListRequest))
    assert (online.TotalNum, online.TotalPage, online.PageNum, online.PageSize) == (1, 1, 1, 10)
    info = online.OnlineInfo[0]
    assert (info.StreamName, info.AppName, info.DomainName, info.PushToDelay) == ("s2", "live", DOMAIN, 0)
    assert le.parse_utc(info.PublishTimeList[0].PublishTime) is not None

    response = client.DropLiveStream(sdk_request(models.DropLiveStreamRequest, "s2"))
    assert len(response.RequestId) == 36
    assert sdk_state(client, "s2") == "inactive"
    assert client.DescribeLiveStreamOnlineList(sdk_request(models.DescribeLiveStreamOnlineListRequest)).TotalNum == 0


def test_sdk_forbid_with_resume_time_expires_into_inactive(emulator):
    client = sdk_client(emulator.port)
    resume = le.format_utc(time.time() + 60)
    client.ForbidLiveStream(sdk_request(models.ForbidLiveStreamRequest, "s1", ResumeTime=resume, Reason="r"))
    assert sdk_state(client, "s1") == "forbid"
    assert emulator.core.list_streams({})["streams"][0]["resume_time"] == resume
    emulator.test_clock.advance(120)  # still inside the 300 s signature window
    assert sdk_state(client, "s1") == "inactive"


def test_sdk_wrong_key_is_a_signature_failure(emulator):
    error = sdk_error(
        sdk_client(emulator.port, secret_key="not-the-key").DescribeLiveStreamState,
        sdk_request(models.DescribeLiveStreamStateRequest, "s1"),
    )
    assert error.code == "AuthFailure.SignatureFailure"
    assert len(error.requestId) == 36


def test_sdk_unknown_secret_id(emulator):
    error = sdk_error(
        sdk_client(emulator.port, secret_id="AKIDunknown").DescribeLiveStreamState,
        sdk_request(models.DescribeLiveStreamStateRequest, "s1"),
    )
    assert error.code == "AuthFailure.SecretIdNotFound"


def test_sdk_temporary_credentials(emulator):
    temporary = {"secret_id": "AKIDtmp", "secret_key": "tmp-key", "token": "tok-1", "expires_at": time.time() + 3600}
    assert control(emulator, "POST", "credentials", temporary)[0] == 200
    seed(emulator, "s1", state="forbid")
    client = sdk_client(emulator.port, "AKIDtmp", "tmp-key", "tok-1")
    client.ResumeLiveStream(sdk_request(models.ResumeLiveStreamRequest, "s1"))
    assert stream_state(emulator, "s1") == "inactive"

    wrong = sdk_client(emulator.port, "AKIDtmp", "tmp-key", "tok-2")
    assert (
        sdk_error(wrong.DescribeLiveStreamState, sdk_request(models.DescribeLiveStreamStateRequest, "s1")).code
        == "AuthFailure.TokenFailure"
    )
    missing = sdk_client(emulator.port, "AKIDtmp", "tmp-key")
    assert (
        sdk_error(missing.DescribeLiveStreamState, sdk_request(models.DescribeLiveStreamStateRequest, "s1")).code
        == "AuthFailure.TokenFailure"
    )


def test_expired_temporary_credentials_fail(emulator):
    emulator.core.add_credentials(
        {"secret_id": "AKIDold", "secret_key": "k", "token": "t", "expires_at": time.time() - 1}
    )
    client = sdk_client(emulator.port, "AKIDold", "k", "t")
    assert (
        sdk_error(client.DescribeLiveStreamState, sdk_request(models.DescribeLiveStreamStateRequest, "s1")).code
        == "AuthFailure.TokenFailure"
    )


def test_sdk_unsigned_payload_is_accepted(emulator):
    seed(emulator, "s1", state="forbid")
    client = sdk_client(emulator.port)
    client.profile.unsignedPayload = True  # X-TC-Content-SHA256: UNSIGNED-PAYLOAD
    client.ResumeLiveStream(sdk_request(models.ResumeLiveStreamRequest, "s1"))
    assert stream_state(emulator, "s1") == "inactive"


def test_sdk_sees_a_non_200_fault_as_a_network_error(emulator):
    add_faults(emulator, {"action": "DescribeLiveStreamState", "kind": "http_502", "count": 1})
    error = sdk_error(
        sdk_client(emulator.port).DescribeLiveStreamState, sdk_request(models.DescribeLiveStreamStateRequest, "s1")
    )
    assert error.code == "ServerNetworkError"


def test_tls_mode_with_sdk_requests_and_stdlib(tmp_path):
    with le.LiveEmulator(tls_cert_dir=str(tmp_path)) as emulator:
        ca_file = str(tmp_path / "ca.pem")
        assert emulator.url == f"https://127.0.0.1:{emulator.port}"
        client = sdk_client(emulator.port, scheme="https", ca_file=ca_file)
        assert sdk_state(client, "s1") == "inactive"
        assert requests.get(emulator.url + "/_emulator/health", verify=ca_file, timeout=10).json() == {"ok": True}
        response = requests.get(f"https://localhost:{emulator.port}/_emulator/health", verify=ca_file, timeout=10)
        assert response.status_code == 200
        context = ssl.create_default_context(cafile=ca_file)
        conn = http.client.HTTPSConnection("127.0.0.1", emulator.port, context=context, timeout=10)
        conn.request("GET", "/_emulator/health")
        assert json.loads(conn.getresponse().read()) == {"ok": True}
        conn.close()
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(emulator.url + "/_emulator/health", timeout=10)  # the system CAs do not trust it


# --------------------------------------------------------------------------- protocol details with the stdlib signer


def test_raw_signed_call_and_keep_alive(emulator):
    conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
    try:
        assert raw_call(emulator, conn=conn)[1]["Response"]["StreamState"] == "inactive"
        first_socket = conn.sock
        for attempt in range(3):
            status, payload = raw_call(emulator, conn=conn)
            assert status == 200 and "Error" not in payload["Response"], attempt
        assert conn.sock is first_socket
    finally:
        conn.close()


def test_signing_more_headers_is_accepted(emulator):
    status, payload = raw_call(emulator, signed=("content-type", "host", "x-tc-action"))
    assert status == 200 and payload["Response"]["StreamState"] == "inactive"
    answer = raw_call(emulator, signed=("content-type", "host", "x-tc-action", "x-tc-timestamp", "x-tc-version"))
    assert error_code(answer) is None


@pytest.mark.parametrize("skew", [-301, 301, -3600])
def test_stale_or_future_timestamp_is_signature_expire(emulator, skew):
    # On a frozen clock: against a running one, int(now) + 301 is only 300 s ahead once the request arrives in the
    # next second (a fraction of the runs; more on a loaded machine).
    emulator.test_clock.freeze()
    timestamp = int(emulator.test_clock()) + skew
    assert error_code(raw_call(emulator, timestamp=timestamp)) == "AuthFailure.SignatureExpire"


def test_timestamp_within_skew_is_accepted(emulator):
    assert error_code(raw_call(emulator, timestamp=int(time.time()) - 250)) is None


def test_unknown_action(emulator):
    assert error_code(raw_call(emulator, action="DescribeLiveStreamStates")) == "InvalidAction"


def test_wrong_version(emulator):
    assert error_code(raw_call(emulator, version="2017-03-12")) == "NoSuchVersion"


def test_tampered_body_is_signature_failure(emulator):
    body = json.dumps(stream_params("s1")).encode("utf-8")
    assert (
        error_code(raw_call(emulator, body=body, sent_body=body.replace(b"s1", b"s2")))
        == "AuthFailure.SignatureFailure"
    )


def test_wrong_service_or_date_in_scope(emulator):
    assert error_code(raw_call(emulator, service="cvm")) == "AuthFailure.InvalidAuthorization"
    assert error_code(raw_call(emulator, date="2001-01-01")) == "AuthFailure.SignatureFailure"


def test_signed_headers_must_include_content_type_and_host(emulator):
    assert error_code(raw_call(emulator, signed=("host",))) == "AuthFailure.InvalidAuthorization"


@pytest.mark.parametrize(
    "authorization",
    [
        "",
        "Basic dXNlcjpwYXNz",
        "TC3-HMAC-SHA256 Credential=AKID/2020-01-01/live/tc3_request",
        "TC3-HMAC-SHA256 Credential=AKID/live/tc3_request, SignedHeaders=content-type;host, Signature=" + "0" * 64,
        "TC3-HMAC-SHA256 Credential=AKID/2020-01-01/live/tc3_request, SignedHeaders=content-type;host, Signature=xyz",
    ],
)
def test_malformed_authorization(emulator, authorization):
    body = json.dumps(stream_params("s1")).encode("utf-8")
    headers = signed_headers_for(emulator.port, "DescribeLiveStreamState", body, int(time.time()))
    headers["Authorization"] = authorization
    conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
    conn.request("POST", "/", body=body, headers=headers)
    payload = json.loads(conn.getresponse().read())
    conn.close()
    assert payload["Response"]["Error"]["Code"] == "AuthFailure.InvalidAuthorization"


@pytest.mark.parametrize(
    "body, code",
    [
        (b"not json", "InvalidParameter"),
        (b"[1, 2]", "InvalidParameter"),
        (json.dumps(stream_params("s1", Extra=1)).encode(), "UnknownParameter"),
        (json.dumps({"DomainName": DOMAIN, "AppName": "live"}).encode(), "MissingParameter"),
        (json.dumps(stream_params(5)).encode(), "InvalidParameterValue"),
    ],
)
def test_bad_parameters(emulator, body, code):
    assert error_code(raw_call(emulator, body=body)) == code


def test_missing_action_header(emulator):
    assert error_code(raw_call(emulator, action="")) == "MissingParameter"


def test_unknown_domain_and_configurable_code(emulator):
    status, payload = raw_call(emulator, params=stream_params("s1", domain="nope.example.com"))
    assert payload["Response"]["Error"]["Code"] == "InternalError.ConfigNotExist"
    assert "nope.example.com" in payload["Response"]["Error"]["Message"]
    assert status == 200
    control(emulator, "POST", "settings", {"unknown_domain_code": "InvalidParameter.DomainNotExists"})
    assert (
        error_code(raw_call(emulator, params=stream_params("s1", domain="nope.example.com")))
        == "InvalidParameter.DomainNotExists"
    )


def test_non_api_paths(emulator):
    conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
    conn.request("POST", "/other", body=b"{}")
    response = conn.getresponse()
    response.read()
    assert response.status == 404
    conn.close()


# --------------------------------------------------------------------------- quotas


def test_quota_burst_is_exactly_the_per_second_number(emulator):
    emulator.test_clock.freeze()  # no refill: the burst capacity alone decides
    conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
    codes = [error_code(raw_call(emulator, action="ResumeLiveStream", conn=conn)) for attempt in range(120)]
    conn.close()
    assert codes.count(None) == 100
    assert codes.count("RequestLimitExceeded") == 20
    message = emulator.core.list_calls("ResumeLiveStream")["calls"][-1]
    assert message["code"] == "RequestLimitExceeded"
    # the quota is per action and per main account (not per SecretId)
    assert error_code(raw_call(emulator, action="DropLiveStream")) is None
    emulator.core.add_credentials({"secret_id": "AKIDsame", "secret_key": "same"})
    assert (
        error_code(raw_call(emulator, action="ResumeLiveStream", secret_id="AKIDsame", secret_key="same"))
        == "RequestLimitExceeded"
    )
    emulator.core.add_credentials({"secret_id": "AKIDother", "secret_key": "other", "account": "100000000002"})
    assert error_code(raw_call(emulator, action="ResumeLiveStream", secret_id="AKIDother", secret_key="other")) is None


def test_quota_message_names_action_and_limit(emulator):
    control(emulator, "POST", "settings", {"quota_overrides": {"DescribeLiveStreamState": 1}})
    emulator.test_clock.freeze()
    assert error_code(raw_call(emulator)) is None
    status, payload = raw_call(emulator)
    assert status == 200
    error = payload["Response"]["Error"]
    assert error["Code"] == "RequestLimitExceeded"
    assert "DescribeLiveStreamState" in error["Message"] and "1" in error["Message"]


def test_quota_in_real_time_with_concurrent_clients(emulator):
    results = []
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
        for attempt in range(15):
            code = error_code(raw_call(emulator, action="ResumeLiveStream", conn=conn))
            with lock:
                results.append((attempt, code))
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for attempt in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    codes = [code for attempt, code in results]
    successes, throttled = codes.count(None), codes.count("RequestLimitExceeded")
    assert successes + throttled == 120
    assert successes <= 100 + int(100 * elapsed) + 1  # burst of 100 plus continuous refill
    if elapsed < 0.15:
        assert throttled >= 1


def test_quotas_can_be_turned_off(emulator):
    control(emulator, "POST", "settings", {"quotas": False})
    emulator.test_clock.freeze()
    conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
    codes = [
        error_code(raw_call(emulator, action="DescribeLiveStreamOnlineList", params={}, conn=conn))
        for attempt in range(90)
    ]
    conn.close()
    assert codes == [None] * 90


# --------------------------------------------------------------------------- faults


@pytest.mark.parametrize("kind, code", [("throttle", "RequestLimitExceeded"), ("internal_error", "InternalError")])
def test_envelope_faults_leave_state_unchanged(emulator, kind, code):
    seed(emulator, "s1", state="forbid")
    add_faults(emulator, {"action": "ResumeLiveStream", "kind": kind, "count": 1})
    assert error_code(raw_call(emulator, action="ResumeLiveStream")) == code
    assert stream_state(emulator, "s1") == "forbid"
    call = emulator.core.list_calls("ResumeLiveStream")["calls"][-1]
    assert (call["code"], call["fault"]) == (code, kind)
    assert error_code(raw_call(emulator, action="ResumeLiveStream")) is None  # count exhausted
    assert stream_state(emulator, "s1") == "inactive"


@pytest.mark.parametrize("kind, status", [("http_500", 500), ("http_502", 502), ("http_429", 429)])
def test_http_status_faults(emulator, kind, status):
    seed(emulator, "s1", state="active")
    add_faults(emulator, {"action": "DropLiveStream", "kind": kind, "count": 2})
    for attempt in range(2):
        got_status, body = raw_call(emulator, action="DropLiveStream")
        assert got_status == status, attempt
        assert isinstance(body, bytes) and b"Response" not in body
    assert stream_state(emulator, "s1") == "active"
    assert emulator.core.list_calls("DropLiveStream")["counts"] == {"DropLiveStream": 2}
    assert error_code(raw_call(emulator, action="DropLiveStream")) is None
    assert stream_state(emulator, "s1") == "inactive"


def test_close_fault_drops_the_connection(emulator):
    seed(emulator, "s1", state="active")
    add_faults(emulator, {"action": "*", "kind": "close", "count": 1})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        raw_call(emulator, action="ForbidLiveStream")
    assert stream_state(emulator, "s1") == "active"
    assert emulator.core.list_calls(None)["calls"][-1]["code"] == "close"
    assert error_code(raw_call(emulator, action="ForbidLiveStream")) is None
    assert stream_state(emulator, "s1") == "forbid"


def test_stall_fault_answers_late_and_normally(emulator):
    seed(emulator, "s1", state="forbid")
    add_faults(emulator, {"action": "ResumeLiveStream", "kind": "stall", "seconds": 0.4, "count": 1})
    started = time.monotonic()
    assert error_code(raw_call(emulator, action="ResumeLiveStream")) is None
    assert time.monotonic() - started >= 0.4
    assert stream_state(emulator, "s1") == "inactive"


def test_stall_fault_times_out_an_impatient_sdk(emulator):
    add_faults(emulator, {"action": "DescribeLiveStreamState", "kind": "stall", "seconds": 1.5, "count": 1})
    client = sdk_client(emulator.port, timeout=0.3)
    error = sdk_error(client.DescribeLiveStreamState, sdk_request(models.DescribeLiveStreamStateRequest, "s1"))
    assert error.code == "ClientNetworkError"


def test_faults_come_after_authentication(emulator):
    add_faults(emulator, {"action": "*", "kind": "http_500", "count": 1})
    assert error_code(raw_call(emulator, secret_key="wrong")) == "AuthFailure.SignatureFailure"
    assert control(emulator, "GET", "faults")[1]["faults"][0]["count"] == 1
    assert raw_call(emulator)[0] == 500
    assert control(emulator, "GET", "faults")[1]["faults"] == []


def test_fault_matches_only_its_action(emulator):
    add_faults(emulator, {"action": "ResumeLiveStream", "kind": "throttle", "count": 1})
    assert error_code(raw_call(emulator, action="DescribeLiveStreamState")) is None
    assert error_code(raw_call(emulator, action="ResumeLiveStream")) == "RequestLimitExceeded"


def test_rate_faults_are_seeded_and_reproducible(emulator):
    def pattern():
        control(emulator, "DELETE", "faults")
        add_faults(emulator, {"action": "*", "kind": "internal_error", "rate": 0.5, "seed": 42})
        return [error_code(raw_call(emulator)) for attempt in range(30)]

    first, second = pattern(), pattern()
    assert first == second
    assert 0 < first.count("InternalError") < 30
    control(emulator, "DELETE", "faults")
    add_faults(emulator, {"action": "*", "kind": "throttle", "rate": 1.0})
    assert [error_code(raw_call(emulator)) for attempt in range(3)] == ["RequestLimitExceeded"] * 3
    control(emulator, "DELETE", "faults")
    assert error_code(raw_call(emulator)) is None


def test_bad_fault_definitions_are_rejected(emulator):
    for fault in (
        {"action": "Nope", "kind": "close"},
        {"action": "*", "kind": "explode"},
        {"action": "*", "kind": "close", "count": 0},
        {"action": "*", "kind": "close", "rate": 2},
    ):
        status, payload = control(emulator, "POST", "faults", {"faults": [fault]})
        assert status == 400 and payload["error"]


# --------------------------------------------------------------------------- online list


def online_page(emulator, **params):
    status, payload = raw_call(emulator, action="DescribeLiveStreamOnlineList", params=params)
    assert status == 200 and "Error" not in payload["Response"], payload
    return payload["Response"]


def test_online_list_pagination(emulator):
    names = [f"stream-{i:02d}" for i in range(25)]
    seed(emulator, *reversed(names))
    seed(emulator, "idle-1", "idle-2", state="inactive")
    seed(emulator, "banned", state="forbid")
    pages = [online_page(emulator, PageNum=n, PageSize=10) for n in (1, 2, 3, 4)]
    assert [(p["TotalNum"], p["TotalPage"], p["PageNum"], p["PageSize"]) for p in pages] == [
        (25, 3, n, 10) for n in (1, 2, 3, 4)
    ]
    assert [len(p["OnlineInfo"]) for p in pages] == [10, 10, 5, 0]
    listed = [info["StreamName"] for page in pages for info in page["OnlineInfo"]]
    assert listed == names
    default = online_page(emulator)
    assert (default["PageNum"], default["PageSize"], len(default["OnlineInfo"])) == (1, 10, 10)


def test_online_list_filters(emulator):
    seed(emulator, "a", "b")
    control(
        emulator,
        "POST",
        "streams",
        {"streams": [{"domain_name": "other.push.example", "app_name": "app2", "stream_name": "a"}]},
    )
    assert online_page(emulator, PageSize=100)["TotalNum"] == 3
    assert [i["DomainName"] for i in online_page(emulator, StreamName="a")["OnlineInfo"]] == [
        DOMAIN,
        "other.push.example",
    ]
    assert online_page(emulator, AppName="app2")["TotalNum"] == 1
    assert online_page(emulator, DomainName=DOMAIN)["TotalNum"] == 2
    assert online_page(emulator, StreamName="b ")["TotalNum"] == 0


@pytest.mark.parametrize(
    "params", [{"PageSize": 9}, {"PageSize": 300001}, {"PageNum": 0}, {"PageSize": "10"}, {"PageNum": True}]
)
def test_online_list_bad_paging(emulator, params):
    assert (
        error_code(raw_call(emulator, action="DescribeLiveStreamOnlineList", params=params)) == "InvalidParameterValue"
    )


# --------------------------------------------------------------------------- forbid parameters and expiry


@pytest.mark.parametrize(
    "resume_time",
    [
        "past",
        "far",
        "2030-01-01 00:00:00",
        "2030-01-01T00:00:00+08:00",
        "tomorrow",
        1700000000,
    ],
)
def test_forbid_bad_resume_time(emulator, resume_time):
    now = time.time()
    value = {"past": le.format_utc(now - 60), "far": le.format_utc(now + 91 * 86400)}.get(resume_time, resume_time)
    seed(emulator, "s1")
    answer = raw_call(emulator, action="ForbidLiveStream", params=stream_params("s1", ResumeTime=value))
    assert error_code(answer) == "InvalidParameterValue"
    assert stream_state(emulator, "s1") == "active"


def test_forbid_reason_limit_and_defaults(emulator):
    too_long = "\u00e9" * 1025  # 2050 bytes in UTF-8
    assert (
        error_code(raw_call(emulator, action="ForbidLiveStream", params=stream_params("s1", Reason=too_long)))
        == "InvalidParameterValue"
    )
    assert (
        error_code(raw_call(emulator, action="ForbidLiveStream", params=stream_params("s1", Reason="\u00e9" * 1024)))
        is None
    )
    row = emulator.core.list_streams({})["streams"][0]
    assert row["state"] == "forbid"
    assert abs(le.parse_utc(row["resume_time"]) - (time.time() + 7 * 86400)) < 5
    ahead = le.format_utc(time.time() + 89 * 86400)
    assert (
        error_code(raw_call(emulator, action="ForbidLiveStream", params=stream_params("s2", ResumeTime=ahead))) is None
    )


def test_seeded_forbid_expires(emulator):
    emulator.test_clock.freeze()
    seed(emulator, "s1", state="forbid", resume_time=emulator.core.clock() + 30)
    assert stream_state(emulator, "s1") == "forbid"
    assert raw_call(emulator)[1]["Response"]["StreamState"] == "forbid"
    emulator.test_clock.advance(31)
    assert raw_call(emulator)[1]["Response"]["StreamState"] == "inactive"
    assert stream_state(emulator, "s1") == "inactive"


def test_resume_and_drop_are_no_ops_but_logged(emulator):
    seed(emulator, "s1", state="active")
    seed(emulator, "s2", state="forbid")
    assert error_code(raw_call(emulator, action="ResumeLiveStream")) is None
    assert stream_state(emulator, "s1") == "active"
    assert error_code(raw_call(emulator, action="DropLiveStream", params=stream_params("s2"))) is None
    assert stream_state(emulator, "s2") == "forbid"
    assert error_code(raw_call(emulator, action="DropLiveStream", params=stream_params("gone"))) is None
    counts = control(emulator, "GET", "calls")[1]["counts"]
    assert counts == {"ResumeLiveStream": 1, "DropLiveStream": 2}
    assert control(emulator, "GET", "calls?action=DropLiveStream")[1]["counts"] == {"DropLiveStream": 2}


# --------------------------------------------------------------------------- control interface


def test_control_health_settings_and_errors(emulator):
    assert control(emulator, "GET", "health") == (200, {"ok": True})
    status, settings = control(emulator, "GET", "settings")
    assert status == 200 and settings["quotas"] is True and settings["latency_ms"] == 0
    assert settings["quota_limits"]["DescribeLiveStreamOnlineList"] == 80
    assert control(emulator, "POST", "settings", {"latency_ms": -1})[0] == 400
    assert control(emulator, "POST", "settings", {"bogus": 1})[0] == 400
    assert control(emulator, "POST", "settings", {"quota_overrides": {"Nope": 1}})[0] == 400
    assert control(emulator, "GET", "nothing-here")[0] == 404
    assert control(emulator, "PUT", "health")[0] == 405


def test_live_quotas_are_the_collections_own_table(emulator):
    """One source for Tencent's quotas: the emulator loads plugins/module_utils/_quotas.py by path;
    only STS's AssumeRole quota and those of the two Live actions the collection never calls are its own."""
    from ansible_collections.tencent.cloud.plugins.module_utils import _quotas

    limits = control(emulator, "GET", "settings")[1]["quota_limits"]
    assert limits.pop("AssumeRole") == 10
    own = {action: limits.pop(action) for action in le.quotas.UNCALLED_QUOTAS}
    assert own == {"DescribeLiveCallbackTemplate": 500, "DescribeLiveSnapshotTemplate": 500}
    assert not set(own) & set(_quotas.DEFAULT_QUOTAS)
    assert limits == _quotas.DEFAULT_QUOTAS
    assert os.path.samefile(le.QUOTAS_FILE, _quotas.__file__)


def test_a_copy_without_the_quota_table_is_refused_clearly(tmp_path):
    """The emulator copied without the collection around it says which file it misses, without a traceback."""
    copy = tmp_path / "tests" / "emulator"
    shutil.copytree(os.path.dirname(EMULATOR_PATH), copy, ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [sys.executable, str(copy / "live_emulator.py"), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    missing = tmp_path / "plugins" / "module_utils" / "_quotas.py"
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        f"live-emulator: cannot start: the emulator reads Tencent's quotas from {missing}, which is missing: "
        "run it from a whole copy of the collection\n"
    )


def test_control_latency(emulator):
    control(emulator, "POST", "settings", {"latency_ms": 250})
    started = time.monotonic()
    assert error_code(raw_call(emulator)) is None
    assert time.monotonic() - started >= 0.25


def test_control_credentials_and_domains(emulator):
    assert control(emulator, "POST", "credentials", {"secret_id": "AKIDnew", "secret_key": "new-key"})[0] == 200
    assert error_code(raw_call(emulator, secret_id="AKIDnew", secret_key="new-key")) is None
    assert control(emulator, "DELETE", "credentials?secret_id=AKIDnew")[0] == 200
    assert error_code(raw_call(emulator, secret_id="AKIDnew", secret_key="new-key")) == "AuthFailure.SecretIdNotFound"
    assert control(emulator, "POST", "credentials", {"secret_id": "AKIDbad"})[0] == 400

    assert control(emulator, "POST", "domains", {"domains": ["new.push.example"]})[0] == 200
    assert error_code(raw_call(emulator, params=stream_params("s1", domain="new.push.example"))) is None
    assert control(emulator, "DELETE", "domains?domain_name=new.push.example")[0] == 200
    assert (
        error_code(raw_call(emulator, params=stream_params("s1", domain="new.push.example")))
        == "InternalError.ConfigNotExist"
    )


def test_control_streams_seed_and_filter(emulator):
    control(
        emulator,
        "POST",
        "streams",
        {
            "streams": [
                {"domain_name": "x.push.example", "stream_name": "a", "state": "active"},
                {"domain_name": DOMAIN, "app_name": "other", "stream_name": "b", "state": "forbid"},
                {"domain_name": DOMAIN, "stream_name": "c", "state": "inactive"},
            ]
        },
    )
    rows = control(emulator, "GET", "streams")[1]["streams"]
    assert {(r["domain_name"], r["app_name"], r["stream_name"], r["state"]) for r in rows} == {
        ("x.push.example", "live", "a", "active"),
        (DOMAIN, "other", "b", "forbid"),
        (DOMAIN, "live", "c", "inactive"),
    }
    assert [r["stream_name"] for r in control(emulator, "GET", "streams?state=forbid")[1]["streams"]] == ["b"]
    assert [r["stream_name"] for r in control(emulator, "GET", "streams?domain_name=x.push.example")[1]["streams"]] == [
        "a"
    ]
    assert [
        r["stream_name"] for r in control(emulator, "GET", "streams?app_name=live&stream_name=c")[1]["streams"]
    ] == ["c"]
    assert (
        error_code(raw_call(emulator, params=stream_params("a", domain="x.push.example"))) is None
    )  # domain registered
    assert (
        control(
            emulator, "POST", "streams", {"streams": [{"domain_name": DOMAIN, "stream_name": "d", "state": "paused"}]}
        )[0]
        == 400
    )


def test_control_reset_restores_start_up_config():
    config = {
        "credentials": [{"secret_id": "AKIDcfg", "secret_key": "cfg-key"}],
        "domains": ["cfg.push.example"],
        "streams": [{"domain_name": DOMAIN, "stream_name": "seeded", "state": "forbid"}],
        "settings": {"latency_ms": 5},
    }
    with le.LiveEmulator(config) as emulator:
        emulator.core.add_credentials({"secret_id": "AKIDextra", "secret_key": "x"})
        emulator.core.remove_domain("cfg.push.example")
        emulator.core.seed_streams({"streams": [{"domain_name": DOMAIN, "stream_name": "extra"}]})
        emulator.core.add_faults({"faults": [{"action": "*", "kind": "close"}]})
        emulator.core.update_settings({"latency_ms": 0, "quotas": False})
        assert control(emulator, "POST", "reset") == (200, {"ok": True})
        ids = {c["secret_id"] for c in control(emulator, "GET", "credentials")[1]["credentials"]}
        assert ids == {SECRET_ID, "AKIDcfg"}
        assert control(emulator, "GET", "domains")[1]["domains"] == sorted([DOMAIN, "cfg.push.example"])
        assert [(r["stream_name"], r["state"]) for r in control(emulator, "GET", "streams")[1]["streams"]] == [
            ("seeded", "forbid")
        ]
        settings = control(emulator, "GET", "settings")[1]
        assert (settings["latency_ms"], settings["quotas"]) == (5, True)
        assert control(emulator, "GET", "faults")[1]["faults"] == []
        assert control(emulator, "GET", "calls")[1]["calls"] == []


# --------------------------------------------------------------------------- secrets never recorded


def test_call_log_never_holds_secrets(tmp_path):
    log_path = tmp_path / "calls.jsonl"
    secret_key, token = "VERY-RECOGNISABLE-SECRET-KEY-4242", "VERY-RECOGNISABLE-TOKEN-9191"
    with le.LiveEmulator(call_log=str(log_path)) as emulator:
        emulator.core.add_credentials({"secret_id": "AKIDsecretive", "secret_key": secret_key, "token": token})
        client = sdk_client(emulator.port, "AKIDsecretive", secret_key, token)
        client.ForbidLiveStream(sdk_request(models.ForbidLiveStreamRequest, "s1", Reason="why"))
        sdk_error(
            sdk_client(emulator.port, "AKIDsecretive", secret_key, token + "x").DescribeLiveStreamState,
            sdk_request(models.DescribeLiveStreamStateRequest, "s1"),
        )
        sdk_error(
            sdk_client(emulator.port, "AKIDsecretive", secret_key + "x", token).DescribeLiveStreamState,
            sdk_request(models.DescribeLiveStreamStateRequest, "s1"),
        )
        body = json.dumps(stream_params("s1")).encode()
        headers = signed_headers_for(
            emulator.port, "DescribeLiveStreamState", body, int(time.time()), "AKIDsecretive", secret_key, token
        )
        signature = headers["Authorization"].rsplit("Signature=", 1)[1]
        assert error_code(raw_call(emulator, secret_id="AKIDsecretive", secret_key=secret_key, token=token)) is None
        calls_text = json.dumps(control(emulator, "GET", "calls")[1])
        credentials_text = json.dumps(control(emulator, "GET", "credentials")[1])
        settings_text = json.dumps(control(emulator, "GET", "settings")[1])
    log_text = log_path.read_text(encoding="utf-8")
    assert len(log_text.splitlines()) == 4
    assert [json.loads(line)["code"] for line in log_text.splitlines()] == [
        None,
        "AuthFailure.TokenFailure",
        "AuthFailure.SignatureFailure",
        None,
    ]
    for text in (log_text, calls_text, credentials_text, settings_text):
        for secret in (secret_key, token, signature, "Signature=", "TC3-HMAC-SHA256"):
            assert secret not in text
    assert "AKIDsecretive" in log_text


# --------------------------------------------------------------------------- command line


def http_get_json(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


def wait_for_file(path, process, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.path.exists(path):
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError("port file never appeared")


def test_cli_port_file_config_and_clean_sigterm(tmp_path):
    port_file, log_file, config_file = tmp_path / "port", tmp_path / "calls.jsonl", tmp_path / "config.json"
    config_file.write_text(
        json.dumps({"streams": [{"domain_name": DOMAIN, "stream_name": "cli", "state": "active"}]}), encoding="utf-8"
    )
    command = [
        sys.executable,
        str(EMULATOR_PATH),
        "--port",
        "0",
        "--port-file",
        str(port_file),
        "--config",
        str(config_file),
        "--call-log",
        str(log_file),
        "--no-quotas",
        "--latency-ms",
        "1",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_file(str(port_file), process)
        text = port_file.read_text(encoding="ascii")
        assert text.endswith("\n") and text.strip().isdigit()
        port = int(text)
        assert http_get_json(port, "/_emulator/health") == {"ok": True}
        settings = http_get_json(port, "/_emulator/settings")
        assert (settings["quotas"], settings["latency_ms"]) == (False, 1)
        assert sdk_state(sdk_client(port), "cli") == "active"
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert stdout == f"live-emulator listening on http://127.0.0.1:{port}\n"
    assert stderr == ""
    assert json.loads(log_file.read_text(encoding="utf-8").splitlines()[0])["stream_name"] == "cli"


def test_cli_rejects_tls_without_cert_dir_and_bad_config(tmp_path):
    result = subprocess.run(
        [sys.executable, str(EMULATOR_PATH), "--tls"], capture_output=True, text=True, timeout=10, check=False
    )
    assert result.returncode == 2 and "--cert-dir" in result.stderr
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"streams": [{"stream_name": "no-domain"}]}), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(EMULATOR_PATH), "--config", str(bad)],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert result.returncode == 2 and "domain_name" in result.stderr


# --------------------------------------------------------------------------- strict modes: quotas per account, sliding window


OTHER_ACCOUNT = "100000000002"


def test_sliding_window_class_admits_at_most_limit_in_any_second():
    window = le.SlidingWindow(3)
    admitted = [t for t in (0.0, 0.25, 0.5, 0.75, 0.99, 1.0, 1.1, 1.25, 1.5, 2.0, 2.25, 2.5, 2.75) if window.take(t)]
    # 0.0, 0.25, 0.5 fill the first second; 0.0 has left the window at 1.0, but 1.1 still sees 0.25, 0.5 and 1.0
    assert admitted == [0.0, 0.25, 0.5, 1.0, 1.25, 1.5, 2.0, 2.25, 2.5]
    assert le.window_max(admitted) == 3
    assert not le.SlidingWindow(0).take(0.0)


def test_window_max_counts_half_open_one_second_windows():
    assert le.window_max([]) == 0
    assert le.window_max([0.0, 1.0, 2.0, 3.0]) == 1
    assert le.window_max([0.0, 0.5, 0.99, 0.999, 1.0, 1.5]) == 4
    assert le.window_max([5.0, 0.0, 5.5, 5.9]) == 3  # unsorted input


def test_sliding_quota_counts_the_first_second_and_never_refills_early(emulator):
    control(
        emulator, "POST", "settings", {"quota_window": "sliding", "quota_overrides": {"DescribeLiveStreamState": 5}}
    )
    emulator.test_clock.freeze()
    conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
    codes = [error_code(raw_call(emulator, conn=conn)) for attempt in range(6)]
    assert codes == [None] * 5 + ["RequestLimitExceeded"]
    emulator.test_clock.advance(0.999)  # a token bucket would have refilled ~5 calls by now
    assert error_code(raw_call(emulator, conn=conn)) == "RequestLimitExceeded"
    emulator.test_clock.advance(0.001)  # the first five are exactly one second old: out of the window
    codes = [error_code(raw_call(emulator, conn=conn)) for attempt in range(6)]
    conn.close()
    assert codes == [None] * 5 + ["RequestLimitExceeded"]
    log = control(emulator, "GET", "calls")[1]
    assert log["counts"] == {"DescribeLiveStreamState": 13}
    assert log["window_max"] == {"DescribeLiveStreamState": 5}
    assert [call["throttled"] for call in log["calls"]] == [False] * 5 + [True, True] + [False] * 5 + [True]


def test_bucket_quota_stays_the_default_and_refills(emulator):
    control(emulator, "POST", "settings", {"quota_overrides": {"DescribeLiveStreamState": 5}})
    assert control(emulator, "GET", "settings")[1]["quota_window"] == "bucket"
    emulator.test_clock.freeze()
    assert [error_code(raw_call(emulator)) for attempt in range(6)] == [None] * 5 + ["RequestLimitExceeded"]
    emulator.test_clock.advance(0.5)  # 2.5 tokens back
    assert [error_code(raw_call(emulator)) for attempt in range(3)] == [None, None, "RequestLimitExceeded"]
    # burst of 5 plus 2 refilled within one second: above the quota, and window_max shows it
    assert control(emulator, "GET", "calls")[1]["window_max"] == {"DescribeLiveStreamState": 7}


def test_leaky_quota_takes_no_burst_and_spreads_the_quota_evenly(emulator):
    control(emulator, "POST", "settings", {"quota_window": "leaky", "quota_overrides": {"DescribeLiveStreamState": 40}})
    emulator.test_clock.freeze()
    # a bucket of 5 % of 40: two calls at once, not forty
    assert [error_code(raw_call(emulator)) for attempt in range(3)] == [None, None, "RequestLimitExceeded"]
    emulator.test_clock.advance(0.025)  # one call's worth refilled (40 per second)
    assert [error_code(raw_call(emulator)) for attempt in range(2)] == [None, "RequestLimitExceeded"]
    emulator.test_clock.advance(10.0)  # idle time earns no more than the small bucket
    assert [error_code(raw_call(emulator)) for attempt in range(3)] == [None, None, "RequestLimitExceeded"]


def test_secret_ids_of_one_account_share_a_quota_and_other_accounts_do_not(emulator):
    control(emulator, "POST", "settings", {"quota_overrides": {"ForbidLiveStream": 2}})
    assert (
        control(
            emulator,
            "POST",
            "credentials",
            {
                "credentials": [
                    {"secret_id": "AKIDsecond", "secret_key": "second"},
                    {"secret_id": "AKIDelse", "secret_key": "else", "account": OTHER_ACCOUNT},
                ]
            },
        )[0]
        == 200
    )
    emulator.test_clock.freeze()
    first = dict(action="ForbidLiveStream")
    second = dict(first, secret_id="AKIDsecond", secret_key="second")
    other = dict(first, secret_id="AKIDelse", secret_key="else")
    assert error_code(raw_call(emulator, **first)) is None
    assert error_code(raw_call(emulator, **second)) is None
    assert error_code(raw_call(emulator, **second)) == "RequestLimitExceeded"
    assert error_code(raw_call(emulator, **first)) == "RequestLimitExceeded"
    assert error_code(raw_call(emulator, **other)) is None
    assert error_code(raw_call(emulator, **other)) is None
    assert error_code(raw_call(emulator, **other)) == "RequestLimitExceeded"
    calls = control(emulator, "GET", "calls")[1]["calls"]
    assert [(c["secret_id"], c["account"], c["throttled"]) for c in calls] == [
        (SECRET_ID, le.DEFAULT_ACCOUNT, False),
        ("AKIDsecond", le.DEFAULT_ACCOUNT, False),
        ("AKIDsecond", le.DEFAULT_ACCOUNT, True),
        (SECRET_ID, le.DEFAULT_ACCOUNT, True),
        ("AKIDelse", OTHER_ACCOUNT, False),
        ("AKIDelse", OTHER_ACCOUNT, False),
        ("AKIDelse", OTHER_ACCOUNT, True),
    ]
    accounts = {c["secret_id"]: c["account"] for c in control(emulator, "GET", "credentials")[1]["credentials"]}
    assert accounts == {SECRET_ID: le.DEFAULT_ACCOUNT, "AKIDsecond": le.DEFAULT_ACCOUNT, "AKIDelse": OTHER_ACCOUNT}
    assert control(emulator, "POST", "credentials", {"secret_id": "AKIDx", "secret_key": "x", "account": ""})[0] == 400


def test_issued_temporary_credentials_belong_to_the_default_account(emulator):
    control(emulator, "POST", "cvm_role", {"role_name": "live-ops"})
    status, issued = emulator.core.handle_metadata("GET", le.METADATA_ROLE_PATH + "live-ops")[:2]
    assert status == 200
    secret_id = json.loads(issued)["TmpSecretId"]
    assert emulator.core.credentials[secret_id].account == le.DEFAULT_ACCOUNT


def test_call_log_records_account_language_and_request_client(emulator):
    emulator.test_clock.freeze()  # all in one second for window_max, however slow the machine
    profile = ClientProfile(
        httpProfile=HttpProfile(protocol="http", endpoint=f"127.0.0.1:{emulator.port}"), language="en-US"
    )
    client = live_client.LiveClient(Credential(SECRET_ID, SECRET_KEY), "", profile)
    assert sdk_state(client, "s1") == "inactive"
    assert error_code(raw_call(emulator)) is None
    assert error_code(raw_call(emulator, secret_key="wrong")) == "AuthFailure.SignatureFailure"
    sdk_call, raw, refused = control(emulator, "GET", "calls")[1]["calls"]
    assert (sdk_call["account"], sdk_call["language"]) == (le.DEFAULT_ACCOUNT, "en-US")
    assert sdk_call["request_client"].startswith("SDK_PYTHON")
    assert (raw["language"], raw["request_client"], raw["throttled"], raw["admitted"]) == (None, None, False, True)
    assert (refused["admitted"], refused["throttled"]) == (False, False)
    assert control(emulator, "GET", "calls")[1]["window_max"] == {"DescribeLiveStreamState": 2}


# --------------------------------------------------------------------------- strict modes: new fault kinds


def raw_exchange(emulator, action, params, timeout=10):
    """One signed call with http.client; returns (status, raw body bytes) -- no JSON parsing."""
    body = json.dumps(params).encode("utf-8")
    headers = signed_headers_for(emulator.port, action, body, int(emulator.core.clock()))
    conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=timeout)
    try:
        conn.request("POST", "/", body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_error_fault_answers_any_code_and_does_not_carry_out_the_call(emulator):
    seed(emulator, "s1", state="active")
    add_faults(
        emulator,
        {"action": "ForbidLiveStream", "kind": "error", "code": "FailedOperation.ForbidFailed", "message": "nope"},
    )
    status, payload = raw_call(emulator, action="ForbidLiveStream")
    assert status == 200 and payload["Response"]["Error"] == {"Code": "FailedOperation.ForbidFailed", "Message": "nope"}
    assert stream_state(emulator, "s1") == "active"
    call = emulator.core.list_calls("ForbidLiveStream")["calls"][-1]
    assert (call["code"], call["fault"], call["throttled"]) == ("FailedOperation.ForbidFailed", "error", False)
    add_faults(emulator, {"action": "*", "kind": "error", "code": "ResourceNotFound.Whatever"})
    assert "injected" in raw_call(emulator)[1]["Response"]["Error"]["Message"]


@pytest.mark.parametrize(
    "fault, message",
    [
        ({"action": "*", "kind": "error"}, "needs `code`"),
        ({"action": "*", "kind": "error", "code": ""}, "`code`"),
        ({"action": "*", "kind": "throttle", "code": "X"}, "takes no `code`"),
        ({"action": "*", "kind": "lost_answer", "via": "pigeon"}, "`via`"),
        ({"action": "*", "kind": "preempt"}, "needs `state`"),
        ({"action": "*", "kind": "preempt", "state": "paused"}, "`state`"),
        ({"action": "*", "kind": "close", "stream_name": ""}, "`stream_name`"),
        ({"action": "*", "kind": "close", "streamname": "s1"}, "unknown fault field(s): streamname"),
    ],
)
def test_bad_new_fault_definitions_are_rejected(emulator, fault, message):
    status, payload = control(emulator, "POST", "faults", {"faults": [fault]})
    assert status == 400 and message in payload["error"]
    assert control(emulator, "GET", "faults")[1]["faults"] == []


def test_lost_answer_close_carries_out_the_write_and_drops_the_connection(emulator):
    seed(emulator, "s1", state="forbid")
    add_faults(emulator, {"action": "ResumeLiveStream", "kind": "lost_answer"})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        raw_exchange(emulator, "ResumeLiveStream", stream_params("s1"))
    assert stream_state(emulator, "s1") == "inactive"
    call = emulator.core.list_calls("ResumeLiveStream")["calls"][-1]
    assert (call["fault"], call["executed"], call["code"]) == ("lost_answer", True, None)
    assert control(emulator, "GET", "faults")[1]["faults"] == []


def test_lost_answer_stall_times_out_the_client_after_the_write(emulator):
    seed(emulator, "s1", state="active")
    add_faults(emulator, {"action": "ForbidLiveStream", "kind": "lost_answer", "via": "stall", "seconds": 3.0})
    # a timeout, not the server's close 3 s later (RemoteDisconnected): the client gave up while the server held the
    # answer -- told by the kind of error, not by a clock the machine's load moves
    with pytest.raises(TimeoutError):
        raw_exchange(emulator, "ForbidLiveStream", stream_params("s1"), timeout=0.3)
    assert stream_state(emulator, "s1") == "forbid"  # carried out before the client gave up
    # the SDK sees the same thing as a network error
    add_faults(emulator, {"action": "DropLiveStream", "kind": "lost_answer", "via": "stall", "seconds": 3.0})
    seed(emulator, "s2", state="active")
    client = sdk_client(emulator.port, timeout=0.3)
    assert (
        sdk_error(client.DropLiveStream, sdk_request(models.DropLiveStreamRequest, "s2")).code == "ClientNetworkError"
    )
    assert stream_state(emulator, "s2") == "inactive"


def test_lost_answer_http_502_and_garbage_after_the_write(emulator):
    seed(emulator, "s1", "s2", state="active")
    add_faults(
        emulator,
        {"action": "DropLiveStream", "kind": "lost_answer", "via": "http_502", "stream_name": "s1"},
        {"action": "DropLiveStream", "kind": "lost_answer", "via": "garbage", "stream_name": "s2"},
    )
    status, body = raw_exchange(emulator, "DropLiveStream", stream_params("s1"))
    assert status == 502 and b"Bad Gateway" in body
    status, body = raw_exchange(emulator, "DropLiveStream", stream_params("s2"))
    assert status == 200
    with pytest.raises(ValueError):
        json.loads(body)
    assert (stream_state(emulator, "s1"), stream_state(emulator, "s2")) == ("inactive", "inactive")
    assert [call["executed"] for call in emulator.core.list_calls("DropLiveStream")["calls"]] == [True, True]


def test_lost_answer_of_a_failing_call_records_its_code(emulator):
    add_faults(emulator, {"action": "ForbidLiveStream", "kind": "lost_answer", "via": "http_502"})
    assert raw_exchange(emulator, "ForbidLiveStream", stream_params("s1", ResumeTime="2000-01-01T00:00:00Z"))[0] == 502
    call = emulator.core.list_calls("ForbidLiveStream")["calls"][-1]
    assert (call["code"], call["executed"]) == ("InvalidParameterValue", True)
    assert stream_state(emulator, "s1") == "inactive"


def test_preempt_sets_the_state_before_the_call_runs(emulator):
    seed(emulator, "s1", state="active")
    add_faults(emulator, {"action": "DescribeLiveStreamState", "kind": "preempt", "state": "forbid"})
    assert raw_call(emulator)[1]["Response"]["StreamState"] == "forbid"
    assert emulator.core.list_calls(None)["calls"][-1]["fault"] == "preempt"
    add_faults(emulator, {"action": "ForbidLiveStream", "kind": "preempt", "state": "active"})
    assert error_code(raw_call(emulator, action="ForbidLiveStream")) is None
    assert stream_state(emulator, "s1") == "forbid"  # preempted to active, then our forbid ran


def test_preempt_with_strict_resume_makes_the_resume_fail(emulator):
    control(emulator, "POST", "settings", {"strict_resume": True})
    seed(emulator, "s1", state="forbid")
    add_faults(emulator, {"action": "ResumeLiveStream", "kind": "preempt", "state": "inactive"})
    _status, payload = raw_call(emulator, action="ResumeLiveStream")
    assert payload["Response"]["Error"] == {"Code": "FailedOperation", "Message": "The stream is not forbidden."}
    assert stream_state(emulator, "s1") == "inactive"


def test_faults_with_stream_name_match_only_that_stream(emulator):
    seed(emulator, "s1", "s2", state="forbid")
    add_faults(emulator, {"action": "*", "kind": "internal_error", "stream_name": "s2", "count": 1})
    assert error_code(raw_call(emulator, action="ResumeLiveStream", params=stream_params("s1"))) is None
    assert error_code(raw_call(emulator, params=stream_params("s1"))) is None
    assert control(emulator, "GET", "faults")[1]["faults"][0]["stream_name"] == "s2"
    assert error_code(raw_call(emulator, action="ResumeLiveStream", params=stream_params("s2"))) == "InternalError"
    assert (stream_state(emulator, "s1"), stream_state(emulator, "s2")) == ("inactive", "forbid")


# --------------------------------------------------------------------------- strict modes: resume, forbid scope, page size


def test_strict_resume_fails_on_a_stream_that_is_not_forbidden(emulator):
    seed(emulator, "on", state="active")
    seed(emulator, "banned", state="forbid")
    assert (
        error_code(raw_call(emulator, action="ResumeLiveStream", params=stream_params("on"))) is None
    )  # default: a no-op
    control(emulator, "POST", "settings", {"strict_resume": True})
    for name in ("on", "never-seen"):
        assert (
            error_code(raw_call(emulator, action="ResumeLiveStream", params=stream_params(name))) == "FailedOperation"
        )
    assert error_code(raw_call(emulator, action="ResumeLiveStream", params=stream_params("banned"))) is None
    assert (
        error_code(raw_call(emulator, action="ResumeLiveStream", params=stream_params("banned"))) == "FailedOperation"
    )
    control(emulator, "POST", "settings", {"strict_resume_code": "FailedOperation.NotForbidden"})
    assert (
        error_code(raw_call(emulator, action="ResumeLiveStream", params=stream_params("on")))
        == "FailedOperation.NotForbidden"
    )
    assert stream_state(emulator, "on") == "active"


def test_drop_inactive_code_makes_a_drop_of_a_stream_that_is_not_pushing_fail(emulator):
    seed(emulator, "on", state="active")
    seed(emulator, "off", state="inactive")
    seed(emulator, "banned", state="forbid")

    def drop(name):
        return error_code(raw_call(emulator, action="DropLiveStream", params=stream_params(name)))

    assert drop("off") is None  # default: a no-op, as Tencent's page says
    control(emulator, "POST", "settings", {"drop_inactive_code": "ResourceNotFound.StreamNotAlive"})
    for name in ("off", "banned", "never-seen"):
        assert drop(name) == "ResourceNotFound.StreamNotAlive"
    assert drop("on") is None and stream_state(emulator, "on") == "inactive"
    assert drop("on") == "ResourceNotFound.StreamNotAlive"
    assert stream_state(emulator, "banned") == "forbid"
    assert control(emulator, "POST", "settings", {"drop_inactive_code": ""})[0] == 400
    assert control(emulator, "POST", "settings", {"drop_inactive_code": None})[1]["drop_inactive_code"] is None
    assert drop("off") is None


def describe_state(emulator, name, domain=DOMAIN, app="live"):
    return raw_call(emulator, params=stream_params(name, domain=domain, app=app))[1]["Response"]["StreamState"]


def test_forbid_scope_name_is_the_default_and_covers_every_domain_and_app(emulator):
    control(emulator, "POST", "domains", {"domains": ["other.push.example"]})
    seed(emulator, "n1", state="active", domain_name="other.push.example", app_name="app2")
    assert control(emulator, "GET", "settings")[1]["forbid_scope"] == "name"
    assert error_code(raw_call(emulator, action="ForbidLiveStream", params=stream_params("n1"))) is None
    assert describe_state(emulator, "n1", domain="other.push.example", app="app2") == "forbid"
    assert describe_state(emulator, "n1", app="never-used") == "forbid"
    assert describe_state(emulator, "n2") == "inactive"
    assert online_page(emulator)["TotalNum"] == 0  # the push on the other domain was kicked off
    rows = control(emulator, "GET", "streams?domain_name=other.push.example")[1]["streams"]
    assert [(r["stream_name"], r["state"], r["resume_time"] is not None) for r in rows] == [("n1", "forbid", True)]
    # a resume of the name anywhere lifts it everywhere
    params = stream_params("n1", domain="other.push.example", app="app2")
    assert error_code(raw_call(emulator, action="ResumeLiveStream", params=params)) is None
    assert describe_state(emulator, "n1") == "inactive"
    assert describe_state(emulator, "n1", domain="other.push.example", app="app2") == "inactive"


def test_forbid_scope_strict_matches_domain_app_and_name(emulator):
    control(emulator, "POST", "settings", {"forbid_scope": "strict"})
    control(emulator, "POST", "domains", {"domains": ["other.push.example"]})
    seed(emulator, "n1", state="active", domain_name="other.push.example", app_name="app2")
    assert error_code(raw_call(emulator, action="ForbidLiveStream", params=stream_params("n1"))) is None
    assert describe_state(emulator, "n1") == "forbid"
    assert describe_state(emulator, "n1", domain="other.push.example", app="app2") == "active"
    assert describe_state(emulator, "n1", app="app2") == "inactive"
    assert error_code(raw_call(emulator, action="ResumeLiveStream", params=stream_params("n1", app="app2"))) is None
    assert describe_state(emulator, "n1") == "forbid"


def test_forbid_scope_name_expires_with_the_forbid(emulator):
    control(emulator, "POST", "domains", {"domains": ["other.push.example"]})
    seed(emulator, "n1", state="forbid", resume_time=emulator.core.clock() + 60)
    assert describe_state(emulator, "n1", domain="other.push.example") == "forbid"
    emulator.test_clock.advance(61)
    assert describe_state(emulator, "n1", domain="other.push.example") == "inactive"


def test_online_page_size_max(emulator):
    assert error_code(online_page_raw(emulator, PageSize=1000)) is None
    control(emulator, "POST", "settings", {"online_page_size_max": 100})
    assert error_code(online_page_raw(emulator, PageSize=100)) is None
    _status, payload = online_page_raw(emulator, PageSize=101)
    error = payload["Response"]["Error"]
    assert error["Code"] == "InvalidParameterValue" and "PageSize must be 10..100" in error["Message"]
    assert control(emulator, "POST", "settings", {"online_page_size_max": 9})[0] == 400


def online_page_raw(emulator, **params):
    return raw_call(emulator, action="DescribeLiveStreamOnlineList", params=dict({"DomainName": DOMAIN}, **params))


# --------------------------------------------------------------------------- strict modes: settings, CLI, no control


def test_settings_strict_shorthand_validation_and_reset(emulator):
    settings = control(emulator, "GET", "settings")[1]
    defaults = {
        "quota_window": "bucket",
        "strict_resume": False,
        "strict_resume_code": "FailedOperation",
        "drop_inactive_code": None,
        "forbid_scope": "name",
        "online_page_size_max": 300000,
        "reconnect_after_resume": None,
        "published_cap_mode": "truncate",
    }
    assert {name: settings[name] for name in defaults} == defaults
    settings = control(emulator, "POST", "settings", {"strict": True})[1]
    assert (settings["quota_window"], settings["strict_resume"], settings["forbid_scope"]) == ("sliding", True, "name")
    assert settings["drop_inactive_code"] == "ResourceNotFound.StreamNotAlive"
    assert "strict" not in settings
    settings = control(emulator, "POST", "settings", {"strict": True, "forbid_scope": "strict"})[1]
    assert (settings["quota_window"], settings["forbid_scope"]) == ("sliding", "strict")
    settings = control(emulator, "POST", "settings", {"strict": False})[1]
    assert (settings["quota_window"], settings["strict_resume"], settings["forbid_scope"]) == ("bucket", False, "name")
    assert settings["drop_inactive_code"] is None
    for bad, name in (
        ({"quota_window": "fixed"}, "quota_window"),
        ({"strict_resume": "yes"}, "strict_resume"),
        ({"forbid_scope": "domain"}, "forbid_scope"),
        ({"strict": 1}, "strict"),
        ({"strict_resume_code": ""}, "strict_resume_code"),
    ):
        status, payload = control(emulator, "POST", "settings", bad)
        assert status == 400 and name in payload["error"]
    control(
        emulator,
        "POST",
        "settings",
        {
            "strict": True,
            "online_page_size_max": 100,
            "reconnect_after_resume": 3,
            "published_cap_mode": "error",
            "forbid_scope": "strict",
        },
    )
    control(emulator, "POST", "reset")
    settings = control(emulator, "GET", "settings")[1]
    assert {name: settings[name] for name in defaults} == defaults


@pytest.mark.parametrize(
    "argv, expected",
    [
        (
            ["--strict"],
            {
                "quota_window": "sliding",
                "strict_resume": True,
                "forbid_scope": "name",
                "drop_inactive_code": "ResourceNotFound.StreamNotAlive",
            },
        ),
        (["--drop-inactive-code", "FailedOperation.X"], {"drop_inactive_code": "FailedOperation.X"}),
        (["--strict", "--forbid-scope", "strict"], {"quota_window": "sliding", "forbid_scope": "strict"}),
        (["--intl"], {"online_page_size_max": 100}),
        (
            ["--quota-window", "sliding", "--strict-resume", "--strict-resume-code", "X.Y"],
            {"quota_window": "sliding", "strict_resume": True, "strict_resume_code": "X.Y"},
        ),
        (
            ["--online-page-size-max", "500", "--unknown-domain-code", "ResourceNotFound.DomainNotExist"],
            {"online_page_size_max": 500, "unknown_domain_code": "ResourceNotFound.DomainNotExist"},
        ),
    ],
)
def test_cli_settings_flags(argv, expected):
    settings = le.load_config(le.parse_args(argv))["settings"]
    assert {name: settings[name] for name in expected} == expected
    with le.LiveEmulator(le.load_config(le.parse_args(argv))) as emulator:
        current = control(emulator, "GET", "settings")[1]
        assert {name: current[name] for name in expected} == expected


def test_cli_rejects_bad_setting_values(tmp_path):
    result = subprocess.run(
        [sys.executable, str(EMULATOR_PATH), "--online-page-size-max", "5"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert result.returncode == 2 and "online_page_size_max" in result.stderr


def test_no_control_answers_404_on_the_control_interface():
    with le.LiveEmulator({"streams": [{"domain_name": DOMAIN, "stream_name": "s1"}]}, control=False) as emulator:
        for method, route in (("GET", "health"), ("POST", "reset"), ("GET", "calls"), ("POST", "settings")):
            assert control(emulator, method, route, {} if method == "POST" else None)[0] == 404
        assert describe_state(emulator, "s1") == "active"  # the API still answers


def test_cli_no_control(tmp_path):
    port_file = tmp_path / "port"
    process = subprocess.Popen(
        [sys.executable, str(EMULATOR_PATH), "--port-file", str(port_file), "--no-control", "--strict"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_file(str(port_file), process)
        port = int(port_file.read_text(encoding="ascii"))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/_emulator/health")
        assert conn.getresponse().status == 404
        conn.close()
        assert sdk_state(sdk_client(port), "s1") == "inactive"
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)


# --------------------------------------------------------------------------- issue 12: push history, reconnecting encoders


DAY = 86400


def utc(emulator, seconds_from_now):
    return le.format_utc(emulator.core.clock() + seconds_from_now)


def published(emulator, start=-DAY, end=-1, **params):
    body = dict({"DomainName": DOMAIN, "StartTime": utc(emulator, start), "EndTime": utc(emulator, end)}, **params)
    return raw_call(emulator, action="DescribeLiveStreamPublishedList", params=body)


def published_ok(emulator, **options):
    status, payload = published(emulator, **options)
    assert status == 200 and "Error" not in payload["Response"], payload
    return payload["Response"]


def test_published_list_with_the_sdk_and_seeded_records(emulator):
    now = emulator.core.clock()
    status, answer = control(
        emulator,
        "POST",
        "published",
        {
            "records": [
                {
                    "domain_name": DOMAIN,
                    "stream_name": "late",
                    "start": now - 3600,
                    "end": now - 600,
                    "client_ip": "198.51.100.7",
                },
                {
                    "domain_name": DOMAIN,
                    "app_name": "other",
                    "stream_name": "early",
                    "start": le.format_utc(now - 7200),
                    "end": le.format_utc(now - 7000),
                    "stop_reason": "encoder closed",
                },
                {"domain_name": "else.push.example", "stream_name": "elsewhere", "start": now - 3600, "end": now - 600},
            ]
        },
    )
    assert (status, answer) == (200, {"added": 3, "total": 3})
    client = sdk_client(emulator.port)
    request = sdk_request(
        models.DescribeLiveStreamPublishedListRequest,
        DomainName=DOMAIN,
        StartTime=le.format_utc(now - DAY),
        EndTime=le.format_utc(now - 1),
    )
    response = client.DescribeLiveStreamPublishedList(request)
    assert (response.TotalNum, response.TotalPage, response.PageNum, response.PageSize) == (2, 1, 1, 10)
    first, second = response.PublishInfo
    assert (first.StreamName, first.AppName, first.StopReason, first.Duration) == (
        "early",
        "other",
        "encoder closed",
        200,
    )
    assert (second.StreamName, second.ClientIp, second.Duration) == ("late", "198.51.100.7", 3000)
    assert second.StreamStartTime == le.format_utc(now - 3600) and second.StreamEndTime == le.format_utc(now - 600)
    assert second.DomainName == DOMAIN and second.Resolution
    # AppName is exact, StreamName a substring; the time range must overlap the push
    assert [p["StreamName"] for p in published_ok(emulator, AppName="other")["PublishInfo"]] == ["early"]
    assert [p["StreamName"] for p in published_ok(emulator, AppName="oth")["PublishInfo"]] == []
    assert [p["StreamName"] for p in published_ok(emulator, StreamName="at")["PublishInfo"]] == ["late"]
    assert [p["StreamName"] for p in published_ok(emulator, start=-1800, end=-1)["PublishInfo"]] == ["late"]
    assert published_ok(emulator, start=-500, end=-1)["TotalNum"] == 0
    assert error_code(published(emulator, DomainName="nowhere.push.example")) == "InternalError.ConfigNotExist"


@pytest.mark.parametrize(
    "start, end, fragment",
    [
        (-DAY, 60, "in the future"),
        (-DAY, -2 * DAY, "before StartTime"),
        (-31 * DAY, -1, "30 days"),
        (-61 * DAY, -40 * DAY, "60 days"),
    ],
)
def test_published_list_time_range_errors(emulator, start, end, fragment):
    error = published(emulator, start=start, end=end)[1]["Response"]["Error"]
    assert error["Code"] == "InvalidParameterValue" and fragment in error["Message"]


def test_published_list_limits_at_the_edges(emulator):
    assert published_ok(emulator, start=-30 * DAY, end=-1)["TotalNum"] == 0  # exactly 30 days
    assert published_ok(emulator, start=-59 * DAY, end=-29 * DAY)["TotalNum"] == 0
    assert published_ok(emulator, start=-5, end=-5)["TotalNum"] == 0  # EndTime == StartTime
    body = {"DomainName": DOMAIN, "StartTime": utc(emulator, -60), "EndTime": "2026-13-01T00:00:00Z"}
    assert (
        error_code(raw_call(emulator, action="DescribeLiveStreamPublishedList", params=body)) == "InvalidParameterValue"
    )
    del body["EndTime"]
    assert error_code(raw_call(emulator, action="DescribeLiveStreamPublishedList", params=body)) == "MissingParameter"
    for size, code in ((9, "InvalidParameterValue"), (10, None), (100, None), (101, "InvalidParameterValue")):
        assert error_code(published(emulator, PageSize=size)) == code, size
    assert error_code(published(emulator, PageNum=0)) == "InvalidParameterValue"
    assert error_code(published(emulator, Bogus=1)) == "UnknownParameter"


def generate(emulator, count, prefix="bulk", per_stream=1, start=-10 * DAY, end=-60):
    now = emulator.core.clock()
    status, answer = control(
        emulator,
        "POST",
        "published",
        {
            "generate": {
                "domain_name": DOMAIN,
                "prefix": prefix,
                "count": count,
                "per_stream": per_stream,
                "start": now + start,
                "end": now + end,
            }
        },
    )
    assert status == 200, answer
    return answer


def test_published_generate_is_fast_and_spread_over_the_range(emulator):
    emulator.test_clock.freeze()
    started = time.monotonic()
    assert generate(emulator, 12000) == {"added": 12000, "total": 12000}
    assert time.monotonic() - started < 5.0
    page = published_ok(emulator, start=-20 * DAY, PageSize=100)
    assert [p["StreamName"] for p in page["PublishInfo"][:2]] == ["bulk00000", "bulk00001"]
    starts = [le.parse_utc(p["StreamStartTime"]) for p in page["PublishInfo"]]
    assert starts == sorted(starts)
    for push in page["PublishInfo"]:
        assert (
            emulator.core.clock() - 10 * DAY - 1
            <= le.parse_utc(push["StreamStartTime"])
            <= le.parse_utc(push["StreamEndTime"])
        )
    control(emulator, "DELETE", "published")
    generate(emulator, 3, prefix="p", per_stream=4, start=-4 * DAY, end=0)
    rows = control(emulator, "GET", "published?stream_name=p0001")[1]
    assert rows["total"] == 4
    ends = [le.parse_utc(row["StreamEndTime"]) for row in rows["records"]]
    assert ends[-1] <= emulator.core.clock() + 1 and len({row["StreamStartTime"] for row in rows["records"]}) == 4


@pytest.mark.parametrize(
    "spec, fragment",
    [
        ({"prefix": "x", "count": 0, "start": 0, "end": 1}, "`count`"),
        ({"prefix": "x", "count": 1, "start": "yesterday", "end": 1}, "`start`"),
        ({"prefix": "x", "count": 1, "start": 10, "end": 1}, "`end`"),
        ({"prefix": "x", "count": 1, "per_stream": 0, "start": 0, "end": 1}, "`per_stream`"),
        ({"prefix": "x", "count": 3000000, "start": 0, "end": 1}, "at most"),
        ({"prefix": "x", "count": 1, "start": 0, "end": 1, "colour": "red"}, "colour"),
    ],
)
def test_published_generate_rejects_bad_specs(emulator, spec, fragment):
    status, payload = control(emulator, "POST", "published", {"generate": dict({"domain_name": DOMAIN}, **spec)})
    assert status == 400 and fragment in payload["error"]
    assert control(emulator, "GET", "published")[1]["total"] == 0


def test_published_cap_truncates_at_ten_thousand_records(emulator):
    generate(emulator, 10050)
    first = published_ok(emulator, start=-20 * DAY, PageSize=100)
    assert (first["TotalNum"], first["TotalPage"]) == (10000, 100)
    last = published_ok(emulator, start=-20 * DAY, PageSize=100, PageNum=100)
    assert [p["StreamName"] for p in last["PublishInfo"]][-1] == "bulk09999"
    beyond = published_ok(emulator, start=-20 * DAY, PageSize=100, PageNum=101)
    assert (beyond["TotalNum"], beyond["PublishInfo"]) == (10000, [])
    # a page straddling record 10,000 stops there
    assert len(published_ok(emulator, start=-20 * DAY, PageSize=30, PageNum=334)["PublishInfo"]) == 10
    # below the cap the count is exact
    assert published_ok(emulator, start=-20 * DAY, StreamName="bulk01")["TotalNum"] == 1000
    assert published_ok(emulator, start=-20 * DAY, StreamName="bulk1")["TotalNum"] == 50


def test_published_cap_error_mode(emulator):
    control(emulator, "POST", "settings", {"published_cap_mode": "error"})
    generate(emulator, 10001)
    assert published_ok(emulator, start=-20 * DAY, PageSize=100, PageNum=100)["TotalNum"] == 10000
    error = published(emulator, start=-20 * DAY, PageSize=100, PageNum=101)[1]["Response"]["Error"]
    assert error["Code"] == "InvalidParameterValue" and "10000" in error["Message"]
    assert control(emulator, "POST", "settings", {"published_cap_mode": "drop"})[0] == 400


def test_seen_pushes_feed_the_history(emulator):
    emulator.test_clock.freeze()
    seed(emulator, "live-1", "live-2", state="active")
    seed(emulator, "idle", state="inactive")
    emulator.test_clock.advance(100)
    assert error_code(raw_call(emulator, action="DropLiveStream", params=stream_params("live-1"))) is None
    emulator.test_clock.advance(50)
    assert error_code(raw_call(emulator, action="ForbidLiveStream", params=stream_params("live-2"))) is None
    emulator.test_clock.advance(10)
    history = published_ok(emulator, start=-3600, end=0)
    assert [(p["StreamName"], p["Duration"], p["StopReason"]) for p in history["PublishInfo"]] == [
        ("live-1", 100, "dropped"),
        ("live-2", 150, "forbidden"),
    ]
    # a push still going on is not in the history (it is in the online list), but the control route counts it
    seed(emulator, "live-3", state="active")
    assert published_ok(emulator, start=-3600, end=0)["TotalNum"] == 2
    assert control(emulator, "GET", "published")[1]["open"] == 1
    control(emulator, "DELETE", "published")
    assert control(emulator, "GET", "published")[1] == {"total": 0, "open": 0, "records": []}


def test_reconnect_after_resume_setting(emulator):
    emulator.test_clock.freeze()
    control(emulator, "POST", "settings", {"reconnect_after_resume": 30})
    seed(emulator, "r1", state="forbid")
    assert error_code(raw_call(emulator, action="ResumeLiveStream", params=stream_params("r1"))) is None
    assert describe_state(emulator, "r1") == "inactive"
    emulator.test_clock.advance(29.5)
    assert describe_state(emulator, "r1") == "inactive"
    emulator.test_clock.advance(0.5)
    assert describe_state(emulator, "r1") == "active"
    resumed_at = emulator.core.clock() - 30
    online = online_page(emulator)
    assert [i["StreamName"] for i in online["OnlineInfo"]] == ["r1"]
    assert online["OnlineInfo"][0]["PublishTimeList"][0]["PublishTime"] == le.format_utc(emulator.core.clock())
    emulator.test_clock.advance(20)
    raw_call(emulator, action="DropLiveStream", params=stream_params("r1"))
    emulator.test_clock.advance(1)
    push = published_ok(emulator, start=-3600, end=0)["PublishInfo"][0]
    assert (push["StreamStartTime"], push["Duration"]) == (le.format_utc(resumed_at + 30), 20)
    # a drop is not a forbid lifted: no reconnect
    emulator.test_clock.advance(100)
    assert describe_state(emulator, "r1") == "inactive"


def test_reconnect_is_off_by_default_and_per_stream_overrides(emulator):
    emulator.test_clock.freeze()
    seed(emulator, "never", state="forbid")
    seed(emulator, "quick", state="forbid", reconnect_after=5)
    seed(emulator, "waking", state="inactive", reconnect_after=8)
    for name in ("never", "quick"):
        assert error_code(raw_call(emulator, action="ResumeLiveStream", params=stream_params(name))) is None
    emulator.test_clock.advance(5)
    states = {name: stream_state(emulator, name) for name in ("never", "quick", "waking")}
    assert states == {"never": "inactive", "quick": "active", "waking": "inactive"}
    emulator.test_clock.advance(3)
    assert stream_state(emulator, "waking") == "active"
    emulator.test_clock.advance(3600)
    assert stream_state(emulator, "never") == "inactive"
    assert (
        control(
            emulator,
            "POST",
            "streams",
            {"streams": [{"domain_name": DOMAIN, "stream_name": "x", "reconnect_after": -1}]},
        )[0]
        == 400
    )
    assert control(emulator, "POST", "settings", {"reconnect_after_resume": "soon"})[0] == 400


def test_a_forbid_cancels_a_pending_reconnect(emulator):
    emulator.test_clock.freeze()
    control(emulator, "POST", "settings", {"reconnect_after_resume": 10})
    seed(emulator, "r1", state="forbid")
    raw_call(emulator, action="ResumeLiveStream", params=stream_params("r1"))
    raw_call(emulator, action="ForbidLiveStream", params=stream_params("r1"))
    emulator.test_clock.advance(20)
    assert stream_state(emulator, "r1") == "forbid"


def test_published_settings_from_the_cli():
    settings = le.load_config(le.parse_args(["--reconnect-after-resume", "2.5", "--published-cap-mode", "error"]))[
        "settings"
    ]
    assert (settings["reconnect_after_resume"], settings["published_cap_mode"]) == (2.5, "error")


def dripped_call(emulator):
    """The last call, once its drip has ended (the server notes drip_end just after the last byte or the hang-up)."""
    deadline = time.monotonic() + 5
    while "drip_end" not in emulator.core.list_calls(None)["calls"][-1] and time.monotonic() < deadline:
        time.sleep(0.02)
    return emulator.core.list_calls(None)["calls"][-1]


def test_drip_fault_answers_one_byte_at_a_time_and_carries_the_call_out(emulator):
    seed(emulator, "s1", state="forbid")
    add_faults(emulator, {"action": "ResumeLiveStream", "kind": "drip", "seconds": 0.01})
    status, body = raw_exchange(emulator, "ResumeLiveStream", stream_params("s1"))
    assert status == 200 and json.loads(body)["Response"]["RequestId"]
    assert stream_state(emulator, "s1") == "inactive"
    call = dripped_call(emulator)
    assert call["fault"] == "drip" and call["hung_up"] is False and call["drip_end"] - call["arrived"] >= 0.01 * 50


def test_drip_fault_outlasts_a_per_read_timeout_and_records_when_the_client_hung_up(emulator):
    """One byte every 0.3 s: a client whose socket timeout is 1 s never times out; one that gives up is seen going."""
    add_faults(emulator, {"action": "DescribeLiveStreamState", "kind": "drip", "seconds": 0.3})
    body = json.dumps(stream_params("s1")).encode("utf-8")
    headers = signed_headers_for(emulator.port, "DescribeLiveStreamState", body, int(emulator.core.clock()))
    conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=1.0)
    started = time.monotonic()
    conn.request("POST", "/", body=body, headers=headers)
    received = b""
    while len(received) < 8:  # a few bytes, each well within the 1 s socket timeout
        received += conn.sock.recv(8 - len(received))
    elapsed = time.monotonic() - started
    assert received == b"HTTP/1.1"
    assert elapsed >= 0.3 * 6
    conn.close()
    hung_up_at = emulator.core.clock()
    call = dripped_call(emulator)
    assert call["hung_up"] is True and call["drip_end"] - hung_up_at < 1.0


def test_each_call_records_when_it_arrived(emulator):
    before = emulator.core.clock()
    raw_call(emulator)
    add_faults(emulator, {"action": "*", "kind": "stall", "seconds": 0.3})
    raw_call(emulator)
    first, stalled = emulator.core.list_calls(None)["calls"][-2:]
    assert before <= first["arrived"] <= first["ts"] and before <= stalled["arrived"] <= stalled["ts"]
    assert stalled["arrived"] - first["arrived"] < 0.3 + 5  # arrival, not the moment the stalled answer went out

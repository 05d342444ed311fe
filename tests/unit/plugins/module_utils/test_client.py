# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


import json
import re

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from ansible_collections.tencent.cloud.plugins.module_utils import _signer as signer
from ansible_collections.tencent.cloud.plugins.module_utils._client import LiveClient, decode_response
from ansible_collections.tencent.cloud.plugins.module_utils._credential_types import Credentials
from ansible_collections.tencent.cloud.plugins.module_utils._errors import (
    TaskStopped,
    TencentApiError,
    TencentTransportError,
)
from ansible_collections.tencent.cloud.plugins.module_utils._ratelimit import RateLimits
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.tencent.cloud.plugins.module_utils._settings import parse_endpoint
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound

NOW = 1700000000


class FakeAnswer:
    def __init__(self, status, content):
        self.status_code = status
        self.content = content if isinstance(content, bytes) else json.dumps(content).encode()


class FakeSession:
    """Plays back answers (or raises exceptions) and records what was sent."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent = []

    def post(self, url, data=None, headers=None, timeout=None, verify=None, allow_redirects=None):
        self.sent.append(dict(url=url, data=data, headers=headers, timeout=timeout, verify=verify))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def ok(data=None, request_id="req-ok"):
    return FakeAnswer(200, {"Response": dict(data or {}, RequestId=request_id)})


def err(code, message="boom", request_id="req-err"):
    return FakeAnswer(200, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}})


def make_client(session, retries=3, token=None, sleeps=None, **kwargs):
    sleeps = sleeps if sleeps is not None else []
    return LiveClient(
        Credentials("AKIDtest", "s3cr3t-key", token),
        endpoint=kwargs.pop("endpoint", "http://127.0.0.1:9"),
        retry_policy=RetryPolicy(retries=retries, rand=lambda: 0.5),
        session=session,
        rate_limits=RateLimits(sleep=lambda s: None),
        clock=lambda: NOW,
        sleep=sleeps.append,
        **kwargs,
    )


def test_success_decodes_data_and_request_id():
    client = make_client(FakeSession(ok({"StreamState": "forbid"}, "rid-1")))
    answer = client.call("DescribeLiveStreamState", {"DomainName": "d", "AppName": "live", "StreamName": "s"})
    assert answer.data == {"StreamState": "forbid"} and answer.request_id == "rid-1" and answer.attempts == 1


def test_sent_bytes_are_the_signed_bytes():
    session = FakeSession(ok())
    client = make_client(session, token="tmp-token", region="ap-guangzhou")
    client.call("ResumeLiveStream", {"StreamName": "\u76f4\u64ad-1", "DomainName": "d", "AppName": "live"})
    sent = session.sent[0]
    headers = sent["headers"]
    assert json.loads(sent["data"].decode("utf-8"))["StreamName"] == "\u76f4\u64ad-1"
    expected = signer.authorization(
        "AKIDtest", "s3cr3t-key", NOW, "live", headers, ("content-type", "host"), sent["data"]
    )
    assert headers["Authorization"] == expected
    assert headers["Host"] == "127.0.0.1:9" and headers["X-TC-Version"] == "2018-08-01"
    assert headers["X-TC-Token"] == "tmp-token" and headers["X-TC-Region"] == "ap-guangzhou"
    # the official Go SDK accepts only ^[0-9a-zA-Z-_ ,;.]+$ here
    assert re.match(r"^[0-9a-zA-Z\-_ ,;.]+$", headers["X-TC-RequestClient"]) and headers[
        "X-TC-RequestClient"
    ].startswith("tencent.cloud")
    assert headers["X-TC-Language"] == "en-US"
    assert sent["url"] == "http://127.0.0.1:9/"


def test_no_region_header_unless_set():
    session = FakeSession(ok())
    make_client(session).call("ResumeLiveStream", {})
    assert "X-TC-Region" not in session.sent[0]["headers"] and "X-TC-Token" not in session.sent[0]["headers"]


def test_error_envelope_becomes_api_error_with_request_id_and_hint():
    client = make_client(FakeSession(err("AuthFailure.SignatureFailure", "bad sig", "rid-9")))
    with pytest.raises(TencentApiError) as caught:
        client.call("ResumeLiveStream", {})
    error = caught.value
    assert (error.code, error.request_id, error.action) == ("AuthFailure.SignatureFailure", "rid-9", "ResumeLiveStream")
    assert "rid-9" in str(error) and "secret_key" in str(error) and error.fatal
    assert error.failure()["code"] == "AuthFailure.SignatureFailure"


@pytest.mark.parametrize(
    "status, body, retryable",
    [
        (502, b"<html>bad gateway</html>", True),
        (429, b"slow down", True),
        (403, b"forbidden", False),
        (200, b"<html>not json</html>", True),
        # JSON that is not Tencent's envelope is settled like any unreadable answer (failure guide), never fatal
        (200, b'{"NoResponse": 1}', True),
        (200, b'{"Response": "text"}', True),
        (200, b"[1, 2]", True),
    ],
)
def test_non_envelope_answers_are_transport_errors(status, body, retryable):
    with pytest.raises(TencentTransportError) as caught:
        decode_response(status, body, "ResumeLiveStream")
    assert caught.value.retryable is retryable and caught.value.fatal is not retryable
    assert caught.value.maybe_carried_out is True  # a write that got it is settled by a read


def test_a_read_that_got_json_without_response_is_sent_again():
    session = FakeSession(FakeAnswer(200, {"status": "ok"}), ok({"StreamState": "active"}, "rid-2"))
    answer = make_client(session).call("DescribeLiveStreamState", {})
    assert answer.data == {"StreamState": "active"} and len(session.sent) == 2


@pytest.mark.parametrize(
    "exception, text",
    [
        (requests.exceptions.ConnectTimeout("timed out"), "within timeout=10.0s"),
        (requests.exceptions.ReadTimeout("read timed out"), "within timeout=10.0s"),
        (requests.exceptions.ConnectionError("Connection refused"), "could not reach http://127.0.0.1:9/"),
    ],
)
def test_transport_exceptions_are_retried_then_reported(exception, text):
    sleeps = []
    session = FakeSession(exception, exception, exception)
    with pytest.raises(TencentTransportError) as caught:
        make_client(session, retries=2, sleeps=sleeps).call("DescribeLiveStreamState", {})
    assert text in str(caught.value) and caught.value.attempts == 3
    assert len(session.sent) == 3 and len(sleeps) == 2


def test_tls_failure_is_not_retried_and_says_what_to_do():
    session = FakeSession(requests.exceptions.SSLError("CERTIFICATE_VERIFY_FAILED"))
    with pytest.raises(TencentTransportError) as caught:
        make_client(session).call("DescribeLiveStreamState", {})
    assert "ca_path" in str(caught.value) and len(session.sent) == 1


def test_throttling_is_retried_with_growing_backoff_until_success():
    sleeps = []
    session = FakeSession(
        err("RequestLimitExceeded"), err("RequestLimitExceeded.UinLimitExceeded"), ok(request_id="rid-3")
    )
    answer = make_client(session, sleeps=sleeps).call("ResumeLiveStream", {})
    assert answer.request_id == "rid-3" and answer.attempts == 3
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0]


def test_retry_budget_is_bounded():
    session = FakeSession(*[err("RequestLimitExceeded")] * 10)
    with pytest.raises(TencentApiError) as caught:
        make_client(session, retries=4).call("ResumeLiveStream", {})
    assert caught.value.attempts == 5 and len(session.sent) == 5 and "after 5 attempts" in str(caught.value)


def test_internal_error_retried_on_reads_not_on_writes():
    read = FakeSession(err("InternalError.GetStreamInfoError"), ok({"StreamState": "active"}))
    assert make_client(read).call("DescribeLiveStreamState", {}).data["StreamState"] == "active"
    write = FakeSession(err("InternalError"), ok())
    with pytest.raises(TencentApiError):
        make_client(write).call("ResumeLiveStream", {})
    assert len(write.sent) == 1


def test_unknown_domain_is_not_retried_even_on_reads():
    session = FakeSession(err("InternalError.ConfigNotExist"), ok())
    with pytest.raises(TencentApiError):
        make_client(session).call("DescribeLiveStreamState", {})
    assert len(session.sent) == 1


def test_every_attempt_is_signed_again_with_the_same_body():
    session = FakeSession(err("RequestLimitExceeded"), ok())
    make_client(session).call("ResumeLiveStream", {"StreamName": "s"})
    assert session.sent[0]["data"] == session.sent[1]["data"]


def test_credentials_repr_hides_secrets():
    text = repr(Credentials("AKIDvisible", "the-secret-key", "the-token"))
    assert "AKIDvisible" in text and "the-secret-key" not in text and "the-token" not in text


@pytest.mark.parametrize(
    "value, url, host",
    [
        ("live.tencentcloudapi.com", "https://live.tencentcloudapi.com/", "live.tencentcloudapi.com"),
        (
            "https://live.intl.tencentcloudapi.com",
            "https://live.intl.tencentcloudapi.com/",
            "live.intl.tencentcloudapi.com",
        ),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/", "127.0.0.1:8080"),
        ("http://127.3.2.1:8080", "http://127.3.2.1:8080/", "127.3.2.1:8080"),
        ("http://localhost:8080", "http://localhost:8080/", "localhost:8080"),
        ("http://[::1]:8080", "http://[::1]:8080/", "[::1]:8080"),
        ("https://Live.TencentCloudAPI.com:443", "https://live.tencentcloudapi.com/", "live.tencentcloudapi.com"),
    ],
)
def test_parse_endpoint(value, url, host):
    assert parse_endpoint(value) == (url, host)


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("", "empty"),
        ("ftp://live.tencentcloudapi.com", "only http:// and https://"),
        ("https://", "no valid host"),
        ("http://127.0.0.1:99999", "not a valid host or URL"),
        ("https://live.tencentcloudapi.com/v3", "must not have a path"),
        ("https://user:pw@live.tencentcloudapi.com", "no valid host"),
        ("http://live.tencentcloudapi.com", "plain http:// to a host that is not this machine"),
        ("http://10.0.0.8:8080", "use https://10.0.0.8:8080 (and give ca_path for a private CA)"),
        ("http://127.0.0.1.example.com", "plain http://"),
        ("http://localhostx.com", "plain http://"),
    ],
)
def test_parse_endpoint_rejects_bad_values(value, fragment):
    with pytest.raises(ValueError) as caught:
        parse_endpoint(value)
    assert fragment in str(caught.value)


# --------------------------------------------------------------------------- header values, netrc (issue 14)
TOKEN_CORE = "ToKeN-must-never-be-printed"


@pytest.mark.parametrize(
    "token", [TOKEN_CORE + "\n", TOKEN_CORE + "\r", "\t" + TOKEN_CORE, TOKEN_CORE + "\u2603", TOKEN_CORE + "\x00x"]
)
def test_unsendable_header_value_fails_once_without_quoting_it(token):
    session = FakeSession(ok())
    client = make_client(session, token=token)
    with pytest.raises(TencentTransportError) as caught:
        client.call("DescribeLiveStreamState", {"DomainName": "d", "AppName": "live", "StreamName": "s"})
    error = caught.value
    assert session.sent == [] and error.attempts == 1 and error.fatal and not error.retryable
    text = str(error) + repr(error.failure())
    assert "session_token" in text and TOKEN_CORE not in text


@pytest.mark.parametrize(
    "exception",
    [
        requests.exceptions.InvalidHeader(
            "Invalid leading whitespace, reserved character(s), or return character(s) in header value: %r"
            % (TOKEN_CORE + "\n")
        ),
        UnicodeEncodeError("latin-1", TOKEN_CORE + "\u2603", 27, 28, "ordinal not in range(256)"),
    ],
)
def test_header_errors_from_requests_are_value_free_and_not_retried(exception):
    session = FakeSession(exception, ok())
    with pytest.raises(TencentTransportError) as caught:
        make_client(session).call("DescribeLiveStreamState", {})
    assert len(session.sent) == 1 and caught.value.fatal
    assert TOKEN_CORE not in str(caught.value) + repr(caught.value.failure()) and "could not be sent" in str(
        caught.value
    )


def test_netrc_never_replaces_the_signature(live_api_fresh, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login netrc-user password netrc-password-must-not-be-sent\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".netrc").write_text(netrc.read_text())
    (tmp_path / ".netrc").chmod(0o600)
    client = LiveClient(
        Credentials("AKIDEMULATOR00000000000000000000000", "emulator-secret-key-0000000000000000"),
        endpoint=live_api_fresh.url,
        retry_policy=RetryPolicy(retries=0),
    )
    answer = client.call("DescribeLiveStreamOnlineList", {"PageSize": 10, "PageNum": 1})
    assert answer.request_id
    assert client.session.trust_env is False


def test_session_proxies_come_from_the_environment_explicitly(monkeypatch):
    for name in (
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.com:3128")
    proxied = LiveClient(Credentials("AKIDx", "k"), endpoint="https://live.tencentcloudapi.com").session
    assert proxied.trust_env is False and proxied.proxies.get("https") == "http://proxy.example.com:3128"
    monkeypatch.setenv("NO_PROXY", ".tencentcloudapi.com")
    direct = LiveClient(Credentials("AKIDx", "k"), endpoint="https://live.tencentcloudapi.com").session
    assert direct.proxies == {}


def test_ca_bundle_variable_still_honoured_without_trust_env(monkeypatch, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    assert LiveClient(Credentials("AKIDx", "k")).verify == str(bundle)
    assert LiveClient(Credentials("AKIDx", "k"), ca_path="/given.pem").verify == "/given.pem"
    assert LiveClient(Credentials("AKIDx", "k"), validate_certs=False).verify is False


def test_language_can_be_chinese():
    session = FakeSession(ok())
    make_client(session, language="zh-CN").call("ResumeLiveStream", {})
    assert session.sent[0]["headers"]["X-TC-Language"] == "zh-CN"


def never_connected():
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/", reason))


# Faults after which the server may have carried the call out.
MAYBE_CARRIED_OUT = [
    requests.exceptions.ReadTimeout("read timed out"),
    requests.exceptions.ConnectionError(
        ProtocolError("Connection aborted.", ConnectionResetError(104, "reset by peer"))
    ),
    FakeAnswer(502, b"<html>bad gateway</html>"),
    FakeAnswer(200, b"<html>not json</html>"),
]


@pytest.mark.parametrize("fault", MAYBE_CARRIED_OUT)
@pytest.mark.parametrize("action", ["ResumeLiveStream", "ForbidLiveStream", "DropLiveStream"])
def test_a_write_that_may_have_been_carried_out_is_never_sent_again_by_the_client(fault, action):
    session = FakeSession(fault, ok())
    with pytest.raises(TencentTransportError) as caught:
        make_client(session).call(action, {})
    assert len(session.sent) == 1 and caught.value.maybe_carried_out is True


@pytest.mark.parametrize("fault", MAYBE_CARRIED_OUT)
def test_a_read_after_the_same_faults_is_sent_again(fault):
    session = FakeSession(fault, ok({"StreamState": "forbid"}))
    assert make_client(session).call("DescribeLiveStreamState", {}).data == {"StreamState": "forbid"}


@pytest.mark.parametrize("fault", [never_connected(), requests.exceptions.ConnectTimeout("connect timed out")])
def test_a_write_that_never_reached_the_server_is_sent_again(fault):
    session = FakeSession(fault, ok(request_id="rid-2"))
    answer = make_client(session).call("ResumeLiveStream", {})
    assert answer.request_id == "rid-2" and len(session.sent) == 2


@pytest.mark.parametrize(
    "code", ["ServiceUnavailable", "ResourceUnavailable.Whatever", "FailedOperation.CallOtherSvrFailed"]
)
def test_transient_codes_are_retried_on_reads_and_left_to_settling_on_writes(code):
    read = FakeSession(err(code), ok({"StreamState": "inactive"}))
    assert make_client(read).call("DescribeLiveStreamState", {}).data["StreamState"] == "inactive"
    write = FakeSession(err(code), ok())
    with pytest.raises(TencentApiError):
        make_client(write).call("ForbidLiveStream", {})
    assert len(write.sent) == 1


def test_throttling_goes_on_past_the_retry_budget_until_the_deadline():
    clock = [0.0]
    throttles = [err("RequestLimitExceeded.GlobalRegionUinLimitExceeded")] * 12
    session = FakeSession(*([*throttles, ok(request_id="rid-late")]))
    answer = make_client(session, retries=1, deadline=100.0, monotonic=lambda: clock[0]).call("ResumeLiveStream", {})
    assert answer.request_id == "rid-late" and answer.attempts == 13

    # just before the deadline: sent, throttled, and not sent again (the backoff would end after the deadline)
    clock[0] = 99.99
    session = FakeSession(err("RequestLimitExceeded.UinLimitExceeded"), ok())
    with pytest.raises(TencentApiError) as caught:
        make_client(session, retries=5, deadline=100.0, monotonic=lambda: clock[0]).call("ResumeLiveStream", {})
    assert caught.value.code == "RequestLimitExceeded.UinLimitExceeded" and len(session.sent) == 1


# --------------------------------------------------------------------------- answers nobody should send (issue 22)
NESTED = b'{"Response": ' + b"[" * 200000 + b"]" * 200000 + b"}"


def test_a_deeply_nested_answer_is_a_clear_transport_error_not_a_recursion_error():
    session = FakeSession(FakeAnswer(200, NESTED), FakeAnswer(200, NESTED))
    with pytest.raises(TencentTransportError) as caught:
        make_client(session, retries=1).call("DescribeLiveStreamState", {})
    assert "nested too deeply" in str(caught.value) and caught.value.attempts == 2
    with pytest.raises(TencentTransportError):
        decode_response(200, NESTED.decode(), "ResumeLiveStream")


def test_a_deeply_nested_metadata_answer_is_a_clear_credential_error():
    from ansible_collections.tencent.cloud.plugins.module_utils._credential_types import CredentialError
    from ansible_collections.tencent.cloud.plugins.module_utils._temporary_credentials import CvmRoleFetcher

    class Metadata:
        base_url = "http://169.254.0.23"

        def url(self, path):
            return self.base_url + path

        def get(self, path):
            return 200, NESTED.decode()

    with pytest.raises(CredentialError) as caught:
        CvmRoleFetcher(Metadata(), "r", on_secret=lambda secret: None)()
    assert "not a JSON object" in str(caught.value)


def test_a_call_that_fails_at_the_deadline_is_not_tried_again_its_own_error_stands():
    clock = [0.0]
    session = FakeSession(ConnectionResetErrorAnswer(), ok())
    client = make_client(session, retries=5, deadline=0.1, monotonic=lambda: clock[0])
    # the call is sent, fails, and its backoff (0.11 s at attempt 0 with this policy) would end after the deadline
    with pytest.raises(TencentTransportError) as caught:
        client.call("DescribeLiveStreamState", {})
    assert len(session.sent) == 1 and caught.value.attempts == 1


def test_a_stop_during_the_backoff_sends_nothing_more():
    session = FakeSession(err("InternalError"), ok())
    client = make_client(session, retries=5)
    client.bound = TaskBound(sleep=lambda seconds: client.bound.stop("SIGTERM received"))
    with pytest.raises(TencentApiError) as caught:
        client.call("DescribeLiveStreamState", {})
    assert caught.value.code == "InternalError" and len(session.sent) == 1


def test_nothing_is_sent_once_the_task_is_stopped():
    session = FakeSession(ok())
    client = make_client(session)
    client.bound.stop("SIGHUP received")
    with pytest.raises(TaskStopped) as caught:
        client.call("ResumeLiveStream", {})
    assert session.sent == [] and caught.value.failure()["kind"] == "stopped"


def test_a_request_the_stop_cuts_is_reported_as_the_stop_not_as_a_transport_fault():
    class StoppingSession(FakeSession):
        def post(self, *args, **kwargs):
            client.bound.stop("SIGTERM received")
            return super().post(*args, **kwargs)

    session = StoppingSession(requests.exceptions.ConnectionError(ProtocolError("aborted")), ok())
    client = make_client(session, retries=5)
    with pytest.raises(TaskStopped) as caught:
        client.call("ResumeLiveStream", {})
    assert len(session.sent) == 1 and caught.value.reason == "SIGTERM received"


class ConnectionResetErrorAnswer(requests.exceptions.ConnectionError):
    def __init__(self):
        super().__init__(ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")))

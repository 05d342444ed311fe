# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's own promise, before any Ansible masking: no secret key, session token or proxy password
in str(error), repr(error) or error.failure() of any failure the client, STS or the metadata service can end
with (issue 22: appending secret_key to an AuthFailure message passed every test, because no_log masked it).

Each failure is driven through the real client code with fakes of the HTTP session. The hostile ones quote
the secrets themselves -- as requests does for a header value or urllib3 for a proxy URL -- to prove the
client never passes foreign text on unredacted.
"""

import json

import pytest
import requests
from urllib3.exceptions import LocationParseError, MaxRetryError, NewConnectionError, ProtocolError

from ansible_collections.tencent.cloud.plugins.module_utils._client import LiveClient, StsClient
from ansible_collections.tencent.cloud.plugins.module_utils._credential_types import CredentialError, Credentials
from ansible_collections.tencent.cloud.plugins.module_utils._errors import CODE_TABLE, TencentError
from ansible_collections.tencent.cloud.plugins.module_utils._ratelimit import RateLimits
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.tencent.cloud.plugins.module_utils._temporary_credentials import (
    AssumeRoleFetcher,
    CvmRoleFetcher,
    MetadataService,
    RefreshingCredentials,
)

SECRET_ID = "AKIDpromise0000000000000000000000001"
SECRET_KEY = "SeCrEtKeY-promise-7f3a91"
TOKEN = "ToKeN-promise-c0ffee42"
PROXY_USER = "prxUsEr-promise"
PROXY_PASSWORD = "pa#ss-PrOxY-promise"
PROXY = f"http://{PROXY_USER}:{PROXY_PASSWORD.replace('#', '%23')}@proxy.example.com:3128"
SECRETS = (SECRET_KEY, TOKEN, PROXY_USER, PROXY_PASSWORD, PROXY_PASSWORD.replace("#", "%23"))
ROLE_ARN = "qcs::cam::uin/100000000001:roleName/promise"
# What a careless library would say: every secret, in plain text.
QUOTED = (
    f"{PROXY} Authorization: {SECRET_ID} {SECRET_KEY} X-TC-Token: {TOKEN} {PROXY_USER}:{PROXY_PASSWORD} "
    f"glued{SECRET_KEY}0{TOKEN}x{PROXY_PASSWORD}y"
)


def assert_promise_kept(error):
    assert isinstance(error, TencentError)
    texts = {
        "str": str(error),
        "repr": repr(error),
        "args": repr(error.args),
        "failure": json.dumps(error.failure()),
    }
    for where, text in texts.items():
        for secret in SECRETS:
            for form in (secret, repr(secret)[1:-1], json.dumps(secret)[1:-1]):
                assert form not in text, f"{form!r} in {where}: {text}"


class Answer:
    def __init__(self, status, body):
        self.status_code = status
        self.content = body if isinstance(body, bytes) else json.dumps(body).encode()


class Session:
    """Plays back answers (or raises them) for POST and GET; carries a proxy with credentials."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.proxies = {"http": PROXY, "https": PROXY}

    def _next(self):
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def post(self, *args, **kwargs):
        return self._next()

    def get(self, *args, **kwargs):
        return self._next()


def envelope(code, message="refused"):
    return Answer(200, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": "rid-promise"}})


def client(session, cls=LiveClient, retries=1, token=TOKEN):
    return cls(
        Credentials(SECRET_ID, SECRET_KEY, token),
        endpoint="http://127.0.0.1:9",
        retry_policy=RetryPolicy(retries=retries, rand=lambda: 0.0),
        session=session,
        rate_limits=RateLimits(sleep=lambda seconds: None),
        sleep=lambda seconds: None,
    )


def failure_of(call):
    with pytest.raises(TencentError) as caught:
        call()
    return caught.value


# --------------------------------------------------------------------------- Tencent's error answers
AUTH_CODES = sorted({code for codes, _b, _h in CODE_TABLE for code in codes.split() if code.startswith("AuthFailure")})
EVERY_FAMILY = sorted({code.split(".")[0] for codes, _b, _h in CODE_TABLE for code in codes.split()})


@pytest.mark.parametrize("code", [*AUTH_CODES, "AuthFailure.InvalidAuthorization", "UnauthorizedOperation"])
@pytest.mark.parametrize("action", ["DescribeLiveStreamState", "ResumeLiveStream", "DescribeLiveStreamOnlineList"])
def test_auth_failures(code, action):
    assert_promise_kept(failure_of(lambda: client(Session(envelope(code))).call(action, {"StreamName": "s"})))


@pytest.mark.parametrize("family", EVERY_FAMILY)
def test_every_family_even_when_tencent_quotes_the_secrets(family):
    """Tencent never echoes a secret that we know of; if it did, the message is redacted."""
    session = Session(envelope(family, message=f"nope {QUOTED}"))
    assert_promise_kept(failure_of(lambda: client(session, retries=0).call("ForbidLiveStream", {})))


# --------------------------------------------------------------------------- transport failures
def connection_refused(text):
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/", NewConnectionError(None, text)))


TRANSPORT = {
    "connect timeout": requests.exceptions.ConnectTimeout(QUOTED),
    "read timeout": requests.exceptions.ReadTimeout(QUOTED),
    "refused": connection_refused(f"Failed to establish a new connection: {QUOTED}"),
    "reset": requests.exceptions.ConnectionError(
        ProtocolError("Connection aborted.", ConnectionResetError(104, QUOTED))
    ),
    "proxy": requests.exceptions.ProxyError(MaxRetryError(None, "/", OSError(f"Tunnel connection failed: {QUOTED}"))),
    "proxy url": requests.exceptions.ConnectionError(LocationParseError(f"Failed to parse: {PROXY}")),
    "tls": requests.exceptions.SSLError(QUOTED),
    "invalid url": requests.exceptions.InvalidURL(f"Failed to parse: {QUOTED}"),
    "invalid proxy url": requests.exceptions.InvalidProxyURL(QUOTED),
    "invalid schema": requests.exceptions.InvalidSchema(QUOTED),
    "invalid header": requests.exceptions.InvalidHeader(
        f"Invalid return character or leading space in header: {TOKEN}"
    ),
    "unicode": UnicodeEncodeError("latin-1", TOKEN + "\u2603", 0, 1, "ordinal not in range(256)"),
    "chunked": requests.exceptions.ChunkedEncodingError(QUOTED),
    "content decoding": requests.exceptions.ContentDecodingError(QUOTED),
    "too many redirects": requests.exceptions.TooManyRedirects(QUOTED),
    "any other": requests.exceptions.RequestException(QUOTED),
    "http 502 echoing the request": Answer(502, QUOTED.encode()),
    "http 407 from the proxy": Answer(407, QUOTED.encode()),
    "not json": Answer(200, QUOTED.encode()),
    "json without Response": Answer(200, {"Echo": QUOTED}),
    "nested too deeply": Answer(200, b"[" * 100000 + b"]" * 100000),
}


@pytest.mark.parametrize("fault", list(TRANSPORT), ids=list(TRANSPORT))
@pytest.mark.parametrize("action", ["DescribeLiveStreamState", "DropLiveStream"])
def test_transport_failures(fault, action):
    assert_promise_kept(failure_of(lambda: client(Session(TRANSPORT[fault])).call(action, {})))


@pytest.mark.parametrize("stray", ["\n", "\r", "\t", "\x00", "\u2603"])
def test_header_values_that_cannot_be_sent(stray):
    session = Session(envelope("AuthFailure.TokenFailure"))
    assert_promise_kept(failure_of(lambda: client(session, token=TOKEN + stray).call("DescribeLiveStreamState", {})))


# --------------------------------------------------------------------------- STS and the metadata service
def assume_role(session):
    sts = client(session, cls=StsClient)
    return AssumeRoleFetcher(sts, ROLE_ARN, "promise", 900, "the options", on_secret=lambda secret: None)()


@pytest.mark.parametrize(
    "answer",
    [
        envelope("AuthFailure.SignatureFailure", message=QUOTED),
        envelope("ResourceNotFound.RoleNotFound"),
        envelope("InternalError.GetRoleError"),
        Answer(200, {"Response": {"RequestId": "r"}}),
        Answer(200, {"Response": {"Credentials": {"TmpSecretId": "AKIDtmp"}, "RequestId": "r"}}),
        *TRANSPORT.values(),
    ],
)
def test_sts_failures(answer):
    assert_promise_kept(failure_of(lambda: assume_role(Session(answer))))


@pytest.mark.parametrize(
    "answer",
    [
        Answer(404, b"Not Found"),
        Answer(500, QUOTED.encode()),
        Answer(200, QUOTED.encode()),
        Answer(200, {"Code": "Failure", "Message": QUOTED}),
        Answer(200, {"TmpSecretId": "AKIDtmp", "TmpSecretKey": SECRET_KEY, "Token": TOKEN + "\n"}),
        # (no secret is sent to the metadata service, nor a proxy used: its failures have nothing to quote)
        requests.exceptions.ConnectionError("Connection refused"),
        requests.exceptions.ReadTimeout("read timed out"),
    ],
)
def test_metadata_failures(answer):
    """What it answers is never quoted: a malformed answer may hold the temporary secret key and token."""
    metadata = MetadataService("http://169.254.0.23", session=Session(answer), sleep=lambda seconds: None, retries=1)
    error = failure_of(CvmRoleFetcher(metadata, "promise-role", on_secret=lambda secret: None))
    assert isinstance(error, CredentialError)
    assert_promise_kept(error)


def test_a_failed_renewal():
    clock = [1000.0]
    answers = [envelope("AuthFailure.SignatureFailure", message=QUOTED)]

    def fetch():
        if clock[0] > 1000.0:
            return assume_role(Session(*answers))
        return Credentials("AKIDtmp", SECRET_KEY, TOKEN, expires_at=clock[0] + 600)

    creds = RefreshingCredentials(fetch, "the role", clock=lambda: clock[0])
    creds.current()
    clock[0] += 700
    assert_promise_kept(failure_of(creds.current))

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP clients for Tencent Cloud API 3.0: the Live API, and STS for the credential chain.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

ApiClient owns the HTTP session (connection reuse), the endpoint, the X-TC-* headers, the
decoding of Tencent's answer envelope, retries and the per-action rate limits, for one service
and API version. LiveClient and StsClient only name theirs. Clients are safe to share between
threads.
"""

import ipaddress
import json
import os
import re
import time
import traceback

try:
    import requests
    from requests.adapters import HTTPAdapter
    from requests.utils import get_environ_proxies

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from urllib.parse import urlsplit

from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentApiError, TencentTransportError
from ansible_collections.tencent.cloud.plugins.module_utils._ratelimit import RateLimits
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy, is_throttling
from ansible_collections.tencent.cloud.plugins.module_utils._signer import signed_headers_for

COLLECTION_VERSION = "0.1.0"
# X-TC-RequestClient: within the official SDKs' character set ^[0-9a-zA-Z-_ ,;.]+$ (no "/").
REQUEST_CLIENT = f"tencent.cloud-{COLLECTION_VERSION}"
# X-TC-Language: Tencent's messages in English unless the user asks for zh-CN.
LANGUAGES = ("en-US", "zh-CN")
DEFAULT_LANGUAGE = "en-US"
DEFAULT_ENDPOINT = "https://live.tencentcloudapi.com"
LIVE_SERVICE = "live"
LIVE_VERSION = "2018-08-01"
DEFAULT_STS_ENDPOINT = "https://sts.tencentcloudapi.com"
STS_SERVICE = "sts"
STS_VERSION = "2018-08-13"
# The official SDK sends this region with AssumeRole when none is configured.
STS_DEFAULT_REGION = "ap-guangzhou"
# Tencent's header; the official SDK sends exactly this value.
CONTENT_TYPE = "application/json"
# Throttling backoff stops growing here (0.2 s x 2^4 = 3.2 s at most, jittered): the rate limiter
# paces what is sent again; this only keeps throttled senders from answering in lockstep.
MAX_THROTTLE_BACKOFF_STEP = 4


class Credentials:
    """A SecretId, SecretKey and optional session token. repr() never shows the secrets.

    expires_at (unix seconds) is set for temporary credentials that came with an expiry;
    source says where the credentials came from (for messages; never a secret); label is the
    short form modules return as credential_source (options, environment, profile NAME, ...).
    """

    def __init__(self, secret_id, secret_key, token=None, expires_at=None, source=None, label=None):
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.token = token or None
        self.expires_at = expires_at
        self.source = source
        self.label = label
        # Set by the resolver: things the user should know (an asked-for source that lost on precedence).
        self.warnings = []

    def current(self):
        """The credentials to sign the next request with (providers may refresh here)."""
        return self

    def __repr__(self):
        return "Credentials(secret_id={!r}, secret_key=<hidden>, token={}, source={!r})".format(
            self.secret_id, "<hidden>" if self.token else None, self.source
        )

    __str__ = __repr__


# What http.client cannot send in a header value: control characters and anything outside Latin-1.
# The Authorization header carries secret_id and X-TC-Token the session token, both user input.
_BAD_HEADER_CHARACTER = re.compile("[\\x00-\\x1f\\x7f]|[^\\x00-\\xff]")
# Ambient CA bundles requests would honour through trust_env, which our sessions switch off.
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


def is_loopback_host(host):
    """True for localhost and the loopback addresses (127.0.0.0/8, ::1): this machine only."""
    host = (host or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_endpoint(
    value,
    option="endpoint",
    example="live.tencentcloudapi.com",
    default_scheme="https",
    path_reason="the API is always POST / on the host",
    plain_http_anywhere=False,
):
    """Turn a host or URL into (base URL, Host header). Raises ValueError naming ``option`` and the fix.

    Plain http:// is accepted only for a loopback host (a local emulator), unless plain_http_anywhere
    (the CVM metadata service, which Tencent serves over plain HTTP inside its network): anywhere else
    the session token, the signed (replayable) requests and STS-issued secrets would travel in clear text.
    """
    text = (value or "").strip()
    if not text:
        raise ValueError(
            f"{option} is empty: give a host such as {example} or a URL such as {default_scheme}://{example}"
        )
    if "://" not in text:
        text = default_scheme + "://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{option} {value!r} is not a valid host or URL ({exc})")
    if parts.scheme not in ("http", "https"):
        raise ValueError(
            f"{option} {value!r} uses the scheme {parts.scheme!r}: only http:// and https:// are supported"
        )
    host = parts.hostname
    if not host or any(ch.isspace() for ch in parts.netloc) or parts.username or parts.password:
        raise ValueError(
            f"{option} {value!r} has no valid host name: use a host such as {example} or a URL such as http://127.0.0.1:8080"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"{option} {value!r} must not have a path or query: {path_reason}")
    if parts.scheme == "http" and not plain_http_anywhere and not is_loopback_host(host):
        raise ValueError(
            f"{option} {value!r} uses plain http:// to a host that is not this machine: credentials and signed requests would travel in "
            f"clear text; use https://{parts.netloc} (and give ca_path for a private CA). Plain http:// is accepted only for a local "
            "emulator on 127.0.0.1, ::1 or localhost"
        )
    netloc = parts.netloc.lower()
    if port is not None and (parts.scheme, port) in (("https", 443), ("http", 80)):
        netloc = netloc.rsplit(":", 1)[0]
    return f"{parts.scheme}://{netloc}/", netloc


class ApiResponse:
    """A decoded successful answer: the Response object without RequestId, and the RequestId."""

    def __init__(self, data, request_id, attempts=1):
        self.data = data
        self.request_id = request_id
        self.attempts = attempts


def decode_response(status, body, action):
    """Decode one HTTP answer into ApiResponse, or raise TencentApiError / TencentTransportError."""
    if status != 200:
        # Tencent answers every API error with HTTP 200: anything else came from a proxy or a
        # failing front end. 429 and 5xx are transient; other statuses are not.
        retryable = status == 429 or status >= 500
        raise TencentTransportError(
            "HTTP %d from the endpoint (expected 200 with a JSON envelope)" % status,
            action=action,
            status=status,
            retryable=retryable,
        )
    try:
        document = json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)
    except ValueError:
        raise TencentTransportError(
            "the endpoint answered HTTP 200 with a body that is not JSON: is the endpoint a Tencent Cloud API host?",
            action=action,
            status=status,
        )
    response = document.get("Response") if isinstance(document, dict) else None
    if not isinstance(response, dict):
        raise TencentTransportError(
            "the endpoint answered JSON without a Response object: is the endpoint a Tencent Cloud API host?",
            action=action,
            status=status,
            retryable=False,
        )
    request_id = response.get("RequestId")
    error = response.get("Error")
    if isinstance(error, dict):
        raise TencentApiError(
            str(error.get("Code") or "UnknownError"), str(error.get("Message") or ""), request_id, action=action
        )
    data = {key: value for key, value in response.items() if key != "RequestId"}
    return ApiResponse(data, request_id)


class ApiClient:
    """Signed, retried, rate-limited calls to one Tencent Cloud API 3.0 service and version.

    Subclasses set SERVICE (the credential-scope service name, whatever the host is), VERSION
    and DEFAULT_ENDPOINT.
    """

    SERVICE = None
    VERSION = None
    DEFAULT_ENDPOINT = None
    DEFAULT_REGION = None
    ENDPOINT_OPTION = "endpoint"

    def __init__(
        self,
        credentials,
        endpoint=None,
        timeout=10.0,
        retry_policy=None,
        validate_certs=True,
        ca_path=None,
        region=None,
        rate_limits=None,
        pool_size=10,
        session=None,
        clock=time.time,
        sleep=time.sleep,
        monotonic=time.monotonic,
        deadline=None,
        language=DEFAULT_LANGUAGE,
    ):
        if not HAS_REQUESTS and session is None:
            raise RuntimeError("the Python library requests is required")
        self.credentials = credentials
        self.url, self.host = parse_endpoint(
            endpoint or self.DEFAULT_ENDPOINT,
            option=self.ENDPOINT_OPTION,
            example=parse_endpoint(self.DEFAULT_ENDPOINT)[1],
        )
        self.timeout = timeout
        self.retry_policy = retry_policy or RetryPolicy()
        self.region = region or self.DEFAULT_REGION
        self.rate_limits = rate_limits if rate_limits is not None else RateLimits()
        self._clock = clock
        self._sleep = sleep
        self._monotonic = monotonic
        # time.monotonic() value after which throttled calls are no longer sent again (None: no deadline).
        self.deadline = deadline
        self.language = language
        self.session = session or self.new_session(pool_size, self.url)
        # A CA bundle path wins over validate_certs=True; validate_certs=False disables checks.
        self.verify = (ca_path or ambient_ca_bundle() or True) if validate_certs else False
        if not validate_certs and HAS_REQUESTS:
            # The module warns once in its result; urllib3's per-request warning would only repeat
            # it on stderr, once per call of a batch.
            requests.packages.urllib3.disable_warnings(requests.packages.urllib3.exceptions.InsecureRequestWarning)

    @staticmethod
    def new_session(pool_size=1, url=None):
        """A requests session with one connection pool of pool_size and no urllib3 retries (we retry).

        trust_env is off: requests would otherwise apply ~/.netrc credentials over our Authorization
        header (breaking the signature and sending the netrc password to the endpoint). The proxy
        settings it would have read (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY) are applied here,
        explicitly, for the one URL this session talks to.
        """
        session = requests.Session()
        session.trust_env = False
        if url:
            session.proxies = get_environ_proxies(url)
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(1, pool_size), max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def close(self):
        self.session.close()

    def call(self, action, params):
        """Call one action; returns ApiResponse or raises a TencentError.

        Throttled calls (not carried out) are sent again at the rate limiter's pace until the
        deadline; other faults as the retry policy says. A stream write that may have been
        carried out is never re-sent here: its caller settles it by reading (see _writes.py).
        """
        # Serialised once: these exact bytes are signed and sent, on every attempt.
        payload = json.dumps(params, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
        attempts = retries = throttles = 0
        while True:
            # DeadlineExceeded (not sent) when the rate limit could only let it start after the deadline.
            self.rate_limits.acquire(action, None if self.deadline is None else self.deadline - self._monotonic())
            # Taken per attempt: a refreshing provider renews near expiry. Its own failures are final
            # here -- it already retried its own call (STS, metadata).
            credentials = self.credentials.current()
            attempts += 1
            sent = self._monotonic()
            try:
                response = self._send(action, payload, credentials)
            except TencentApiError as error:
                error.attempts = attempts
                if is_throttling(error):
                    self.rate_limits.throttled(action)
                    throttles += 1
                    if self._out_of_time(throttles):
                        raise
                    self._sleep(self.retry_policy.delay(min(throttles - 1, MAX_THROTTLE_BACKOFF_STEP)))
                    continue
                self.rate_limits.answered(action, self._monotonic() - sent)
                if not self.retry_policy.should_retry(error, action, retries):
                    raise
            except TencentTransportError as error:
                error.attempts = attempts
                if not self.retry_policy.should_retry(error, action, retries):
                    raise
            else:
                self.rate_limits.answered(action, self._monotonic() - sent)
                response.attempts = attempts
                return response
            self._sleep(self.retry_policy.delay(retries))
            retries += 1

    def _out_of_time(self, throttles):
        """Throttling goes on until the deadline; without one, it uses the retries budget."""
        if self.deadline is None:
            return throttles > self.retry_policy.retries
        return self._monotonic() >= self.deadline

    def _headers(self, action, payload, credentials=None):
        creds = credentials if credentials is not None else self.credentials.current()
        return signed_headers_for(
            creds.secret_id,
            creds.secret_key,
            self.host,
            action,
            self.VERSION,
            payload,
            int(self._clock()),
            service=self.SERVICE,
            content_type=CONTENT_TYPE,
            token=creds.token,
            region=self.region,
            language=self.language,
            request_client=REQUEST_CLIENT,
        )

    def _send(self, action, payload, credentials=None):
        headers = self._headers(action, payload, credentials)
        check_header_values(headers, action)
        # the quota windows count this call from now (signed, about to be written), not from its turn
        self.rate_limits.sent(action)
        try:
            answer = self.session.post(
                self.url,
                data=payload,
                headers=headers,
                timeout=(self.timeout, self.timeout),
                verify=self.verify,
                allow_redirects=False,
            )
        except (requests.exceptions.InvalidHeader, UnicodeError):
            # Their text quotes the header value, which may be a token: never shown, never retried.
            raise _header_error(action)
        except requests.exceptions.SSLError as exc:
            raise TencentTransportError(
                f"TLS verification of {self.url} failed ({_reason(exc)}): give the CA bundle in ca_path, or set validate_certs: false only for a "
                "test endpoint",
                action=action,
                retryable=False,
                maybe_carried_out=False,
            )
        except requests.exceptions.ConnectTimeout:
            raise TencentTransportError(
                f"could not connect to {self.url} within timeout={self.timeout}s",
                action=action,
                maybe_carried_out=False,
            )
        except requests.exceptions.Timeout:
            # Read timeout: the request went out, and the server may have carried it out.
            raise TencentTransportError(f"no answer from {self.url} within timeout={self.timeout}s", action=action)
        except requests.exceptions.ConnectionError as exc:
            raise TencentTransportError(
                f"could not reach {self.url} ({_reason(exc)})",
                action=action,
                maybe_carried_out=not _never_connected(exc),
            )
        except requests.exceptions.RequestException as exc:
            raise TencentTransportError(f"request to {self.url} failed ({_reason(exc)})", action=action)
        return decode_response(answer.status_code, answer.content, action)


class LiveClient(ApiClient):
    """The Live API (CSS), version 2018-08-01."""

    SERVICE = LIVE_SERVICE
    VERSION = LIVE_VERSION
    DEFAULT_ENDPOINT = DEFAULT_ENDPOINT


class StsClient(ApiClient):
    """STS (security token service), version 2018-08-13: AssumeRole for the credential chain."""

    SERVICE = STS_SERVICE
    VERSION = STS_VERSION
    DEFAULT_ENDPOINT = DEFAULT_STS_ENDPOINT
    DEFAULT_REGION = STS_DEFAULT_REGION
    ENDPOINT_OPTION = "sts_endpoint"

    def assume_role(self, role_arn, session_name, duration):
        """Call AssumeRole; returns the ApiResponse (Credentials, ExpiredTime, Expiration)."""
        return self.call(
            "AssumeRole", {"RoleArn": role_arn, "RoleSessionName": session_name, "DurationSeconds": int(duration)}
        )


def ambient_ca_bundle():
    """The CA bundle of REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE, which requests honours only with trust_env."""
    for name in CA_BUNDLE_VARIABLES:
        value = os.environ.get(name)
        if value and value.strip():
            return value
    return None


def _header_error(action):
    return TencentTransportError(
        "a request header could not be sent: a credential (secret_id or session_token) holds a line break, another control character "
        "or a character outside Latin-1; check them (and TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_TOKEN) for pasted white space",
        action=action,
        retryable=False,
        maybe_carried_out=False,
    )


def check_header_values(headers, action=None):
    """Raise a value-free, non-retryable TencentTransportError when a header value cannot be sent as is.

    requests and http.client reject such values with messages that quote them (a token with a
    trailing newline would be printed in clear text); this check runs first and never quotes.
    """
    for value in headers.values():
        if isinstance(value, str) and (_BAD_HEADER_CHARACTER.search(value) or value != value.strip()):
            raise _header_error(action)


def _never_connected(exc):
    """True when a requests ConnectionError certainly came before the request was sent.

    With urllib3's retries off, a failure to connect (refused, DNS, unreachable, connect
    timeout) arrives wrapped in MaxRetryError whose reason is a NewConnectionError or a
    ConnectTimeoutError; a reset or a closed connection after sending arrives as a
    ProtocolError. Anything we cannot place counts as possibly sent.
    """
    inner = exc.args[0] if exc.args else None
    reason = getattr(inner, "reason", None)
    try:
        from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
    except ImportError:  # pragma: no cover - urllib3 comes with requests
        return False
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))


def _reason(exc):
    """The innermost, most specific reason of a requests exception, on one line."""
    reason = exc
    while getattr(reason, "args", None) and isinstance(reason.args[0], Exception):
        reason = reason.args[0]
    inner = getattr(reason, "reason", None)
    if isinstance(inner, Exception):
        reason = inner
    return " ".join(str(reason).split()) or type(reason).__name__

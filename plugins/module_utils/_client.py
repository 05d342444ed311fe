# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP clients for Tencent Cloud API 3.0: the Live API, and STS for the credential chain.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

ApiClient owns the HTTP session (connection reuse), the endpoint, the X-TC-* headers, the
decoding of Tencent's answer envelope, retries and the per-action rate limits, for one service
and API version. LiveClient and StsClient only name theirs. Clients are thread-safe.
"""

import json
import os
import time
import traceback

try:
    import requests
    from requests.utils import get_environ_proxies

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.tencent.cloud.plugins.module_utils._errors import (
    DeadlineExceeded,
    TaskStopped,
    TencentApiError,
    TencentTransportError,
)
from ansible_collections.tencent.cloud.plugins.module_utils._http import Exchange, bounded_session, cut_error
from ansible_collections.tencent.cloud.plugins.module_utils._http_errors import (
    check_header_values,
    connection_error,
    header_error,
    redact,
)
from ansible_collections.tencent.cloud.plugins.module_utils._http_errors import reason as _reason
from ansible_collections.tencent.cloud.plugins.module_utils._proxies import proxy_label, proxy_secrets
from ansible_collections.tencent.cloud.plugins.module_utils._ratelimit import RateLimits
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy, is_throttling
from ansible_collections.tencent.cloud.plugins.module_utils._settings import (
    DEFAULT_ENDPOINT,
    DEFAULT_LANGUAGE,
    DEFAULT_STS_ENDPOINT,
    DEFAULT_TIMEOUT,
    parse_endpoint,
    tls_verify,
)
from ansible_collections.tencent.cloud.plugins.module_utils._signer import signed_headers_for
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound
from ansible_collections.tencent.cloud.plugins.module_utils._version import COLLECTION_VERSION

# X-TC-RequestClient: within the official SDKs' character set ^[0-9a-zA-Z-_ ,;.]+$ (no "/").
REQUEST_CLIENT = f"tencent.cloud-{COLLECTION_VERSION}"
LIVE_SERVICE = "live"
LIVE_VERSION = "2018-08-01"
STS_SERVICE = "sts"
STS_VERSION = "2018-08-13"
# The official SDK sends this region with AssumeRole when none is configured.
STS_DEFAULT_REGION = "ap-guangzhou"
# Tencent's header; the official SDK sends exactly this value.
CONTENT_TYPE = "application/json"
# Throttling backoff stops growing here (0.2 s x 2^4 = 3.2 s at most, jittered): the rate limiter
# paces what is sent again; this only keeps throttled senders from answering in lockstep.
MAX_THROTTLE_BACKOFF_STEP = 4


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
            f"HTTP {status} from the endpoint (expected 200 with a JSON envelope)",
            action=action,
            status=status,
            retryable=retryable,
        )
    try:
        document = json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)
    except (ValueError, RecursionError):
        # The decoder's error quotes the body; the message says all there is to say. (RecursionError: nested
        # deeper than the interpreter's stack -- no answer of Tencent's is.)
        raise TencentTransportError(
            "the endpoint answered HTTP 200 with a body that is not JSON (or nested too deeply to read): is the endpoint "
            "a Tencent Cloud API host?",
            action=action,
            status=status,
        ) from None
    response = document.get("Response") if isinstance(document, dict) else None
    if not isinstance(response, dict):
        # unreadable, as a body that is not JSON: a passing fault (a write that got it is settled by reading)
        raise TencentTransportError(
            "the endpoint answered JSON without a Response object: is the endpoint a Tencent Cloud API host?",
            action=action,
            status=status,
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
        timeout=DEFAULT_TIMEOUT,
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
        bound=None,
    ):
        if not HAS_REQUESTS and session is None:
            raise RuntimeError("the Python library requests is required")
        self.credentials = credentials
        if isinstance(endpoint, tuple):  # parsed (and checked) by ConnectionSettings
            self.url, self.host = endpoint
        else:
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
        # The task's bound (deadline and stop): consulted before every attempt and by every wait. Without one,
        # the client has its own (deadline: a ``monotonic`` value; None: none).
        self.bound = bound or TaskBound(deadline, clock=monotonic, sleep=None if sleep is time.sleep else sleep)
        self.language = language
        self.session = session or self.new_session(pool_size, self.url)
        # A CA bundle path wins over validate_certs=True; validate_certs=False disables checks.
        self.verify = tls_verify(validate_certs, ca_path, os.environ)
        if not validate_certs and HAS_REQUESTS:
            # The module warns once in its result; urllib3's per-request warning would only repeat
            # it on stderr, once per call of a batch.
            requests.packages.urllib3.disable_warnings(requests.packages.urllib3.exceptions.InsecureRequestWarning)

    @classmethod
    def for_settings(cls, credentials, settings, endpoint, **options):
        """A client with the ConnectionSettings' timeout, retries, TLS and region; endpoint: the parsed (URL, host)."""
        return cls(
            credentials,
            endpoint=endpoint,
            timeout=settings.timeout,
            retry_policy=RetryPolicy(retries=settings.retries),
            validate_certs=settings.validate_certs,
            ca_path=settings.ca_path,
            region=settings.region,
            **options,
        )

    @staticmethod
    def new_session(pool_size=1, url=None):
        """A requests session with one connection pool of pool_size and no urllib3 retries (we retry).

        trust_env is off: requests would otherwise apply ~/.netrc credentials over our Authorization
        header (breaking the signature and sending the netrc password to the endpoint). The proxy
        settings it would have read (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY) are applied here,
        explicitly, for the one URL this session talks to.
        """
        session = bounded_session(pool_size)
        if url:
            session.proxies = get_environ_proxies(url)
        return session

    def call(self, action, params):
        """Call one action; returns ApiResponse or raises a TencentError.

        Throttled calls (not carried out) are sent again at the rate limiter's pace until the
        deadline; other faults as the retry policy says. Nothing starts after the task's deadline or
        stop (self.bound): a call that failed then is not tried again, its own error stands. A stream
        write that may have been carried out is never re-sent here: its caller settles it by reading
        (see _writes.py).
        """
        # Serialised once: these exact bytes are signed and sent, on every attempt.
        payload = json.dumps(params, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
        attempts = retries = throttles = 0
        while True:
            # DeadlineExceeded or TaskStopped (not sent) when the call could only start after the deadline or the stop.
            self.rate_limits.acquire(action, bound=self.bound)
            # Taken per attempt: a refreshing provider renews near expiry. Its own failures are final
            # here -- it already retried its own call (STS, metadata).
            credentials = self.credentials.current()
            self.bound.check(action)
            attempts += 1
            sent = self._monotonic()
            try:
                response = self._send(action, payload, credentials)
            except TencentApiError as error:
                error.attempts = attempts
                renewal = getattr(self.credentials, "renewal_failure", lambda: None)()
                if renewal is not None and error.code.startswith("AuthFailure"):
                    # Signed with credentials whose renewal failed: that failure is the cause, not the token Tencent refused.
                    raise renewal from None
                if is_throttling(error):
                    self.rate_limits.throttled(action)
                    throttles += 1
                    if self.bound.deadline is None and throttles > self.retry_policy.retries:
                        raise
                    self._pause(error, self.retry_policy.delay(min(throttles - 1, MAX_THROTTLE_BACKOFF_STEP)))
                    continue
                self.rate_limits.answered(action, self._monotonic() - sent)
                if not self.retry_policy.should_retry(error, action, retries):
                    raise
                self._pause(error, self.retry_policy.delay(retries))
            except TencentTransportError as error:
                error.attempts = attempts
                if not self.retry_policy.should_retry(error, action, retries):
                    raise
                self._pause(error, self.retry_policy.delay(retries))
            else:
                self.rate_limits.answered(action, self._monotonic() - sent)
                response.attempts = attempts
                return response
            retries += 1

    def _pause(self, error, seconds):
        """Wait before trying a failed call again. When the task's deadline or stop comes first (or would
        come during the wait), the call is not tried again: its own error stands."""
        try:
            self.bound.sleep(seconds, error.action)
        except (DeadlineExceeded, TaskStopped):
            raise error from None

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
        credentials = credentials if credentials is not None else self.credentials.current()
        headers = self._headers(action, payload, credentials)
        check_header_values(headers, action)
        # What no message may show: texts from requests, urllib3 and Tencent pass through redact().
        secrets = {credentials.secret_key, credentials.token} | proxy_secrets(getattr(self.session, "proxies", None))
        # the quota windows count this call from now (signed, about to be written), not from its turn
        self.rate_limits.sent(action)
        # requests' exceptions hold the request, Authorization and X-TC-Token included: never chained (from None).
        # The exchange bounds it all in wall time (timeout), and cuts it when the task stops.
        exchange = Exchange(self.bound, self.timeout)
        try:
            try:
                with exchange:
                    answer = self.session.post(
                        self.url,
                        data=payload,
                        headers=headers,
                        timeout=(self.timeout, self.timeout),
                        verify=self.verify,
                        allow_redirects=False,
                    )
            finally:  # a cut exchange fails or ends early, whatever requests made of it
                if exchange.cut is not None:
                    raise cut_error(exchange, action, self.url) from None
        except (requests.exceptions.InvalidHeader, UnicodeError):
            # Their text quotes the header value, which may be a token: never shown, never retried.
            raise header_error(action) from None
        except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema):
            # InvalidProxyURL among them: their text may quote a proxy URL with its password. Checked before any call
            # (_proxies.proxy_problem); this catches what that check does not know.
            raise TencentTransportError(
                f"the request to {self.url} could not be prepared: a proxy URL of the environment (HTTPS_PROXY, HTTP_PROXY, "
                "ALL_PROXY or their lower-case forms) is not valid; its value is not shown, as it may hold a password",
                action=action,
                retryable=False,
                maybe_carried_out=False,
            ) from None
        except requests.exceptions.SSLError as exc:
            raise TencentTransportError(
                f"TLS verification of {self.url} failed ({_reason(exc, secrets)}): give the CA bundle in ca_path, or set validate_certs: "
                "false only for a test endpoint",
                action=action,
                retryable=False,
                maybe_carried_out=False,
            ) from None
        except requests.exceptions.ConnectTimeout:
            raise TencentTransportError(
                f"could not connect to {self.url} within timeout={self.timeout}s",
                action=action,
                maybe_carried_out=False,
            ) from None
        except requests.exceptions.Timeout:
            # Read timeout: the request went out, and the server may have carried it out.
            raise TencentTransportError(
                f"no answer from {self.url} within timeout={self.timeout}s", action=action
            ) from None
        except requests.exceptions.ConnectionError as exc:
            proxied = isinstance(exc, requests.exceptions.ProxyError)
            proxy = proxy_label(self.url, self.session.proxies) if proxied else None
            raise connection_error(exc, self.url, proxy, _reason(exc, secrets), action) from None
        except requests.exceptions.RequestException as exc:
            raise TencentTransportError(
                f"request to {self.url} failed ({_reason(exc, secrets)})", action=action
            ) from None
        try:
            return decode_response(answer.status_code, answer.content, action)
        except TencentApiError as error:
            error.message = redact(error.message, secrets)
            error.args = (error.message,)
            raise


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

# -*- coding: utf-8 -*-
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP client for the Tencent Cloud Live API 3.0.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

The client owns the HTTP session (connection reuse), the endpoint, the X-TC-* headers, the
decoding of Tencent's answer envelope, retries and the per-action rate limits. It is safe to
share between threads.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time
import traceback

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible.module_utils.six.moves.urllib.parse import urlsplit

from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentApiError, TencentTransportError
from ansible_collections.tencent.cloud.plugins.module_utils._ratelimit import RateLimits
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.tencent.cloud.plugins.module_utils._signer import signed_headers_for

COLLECTION_VERSION = "0.1.0"
REQUEST_CLIENT = "tencent.cloud/%s" % COLLECTION_VERSION
DEFAULT_ENDPOINT = "https://live.tencentcloudapi.com"
LIVE_SERVICE = "live"
LIVE_VERSION = "2018-08-01"
# Tencent's header; the official SDK sends exactly this value.
CONTENT_TYPE = "application/json"


class Credentials:
    """A SecretId, SecretKey and optional session token. repr() never shows the secrets."""

    def __init__(self, secret_id, secret_key, token=None):
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.token = token or None

    def current(self):
        """The credentials to sign the next request with (providers may refresh here)."""
        return self

    def __repr__(self):
        return "Credentials(secret_id=%r, secret_key=<hidden>, token=%s)" % (self.secret_id, "<hidden>" if self.token else None)


def parse_endpoint(value):
    """Turn a host or URL into (base URL, Host header). Raises ValueError with the fix."""
    text = (value or "").strip()
    if not text:
        raise ValueError("endpoint is empty: give a host such as live.tencentcloudapi.com or a URL such as https://live.tencentcloudapi.com")
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError("endpoint %r is not a valid host or URL (%s)" % (value, exc))
    if parts.scheme not in ("http", "https"):
        raise ValueError("endpoint %r uses the scheme %r: only http:// and https:// are supported" % (value, parts.scheme))
    host = parts.hostname
    if not host or any(ch.isspace() for ch in parts.netloc) or parts.username or parts.password:
        raise ValueError("endpoint %r has no valid host name: use a host such as live.tencentcloudapi.com or a URL such as http://127.0.0.1:8080" % value)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("endpoint %r must not have a path or query: the API is always POST / on the host" % value)
    netloc = parts.netloc.lower()
    if port is not None and (parts.scheme, port) in (("https", 443), ("http", 80)):
        netloc = netloc.rsplit(":", 1)[0]
    return "%s://%s/" % (parts.scheme, netloc), netloc


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
        raise TencentTransportError("HTTP %d from the endpoint (expected 200 with a JSON envelope)" % status,
                                    action=action, status=status, retryable=retryable)
    try:
        document = json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)
    except ValueError:
        raise TencentTransportError("the endpoint answered HTTP 200 with a body that is not JSON: is the endpoint a Tencent Cloud API host?",
                                    action=action, status=status)
    response = document.get("Response") if isinstance(document, dict) else None
    if not isinstance(response, dict):
        raise TencentTransportError("the endpoint answered JSON without a Response object: is the endpoint a Tencent Cloud API host?",
                                    action=action, status=status, retryable=False)
    request_id = response.get("RequestId")
    error = response.get("Error")
    if isinstance(error, dict):
        raise TencentApiError(str(error.get("Code") or "UnknownError"), str(error.get("Message") or ""), request_id, action=action)
    data = dict((key, value) for key, value in response.items() if key != "RequestId")
    return ApiResponse(data, request_id)


class LiveClient:
    """Signed, retried, rate-limited calls to the Live API."""

    def __init__(self, credentials, endpoint=DEFAULT_ENDPOINT, timeout=10.0, retry_policy=None,
                 validate_certs=True, ca_path=None, region=None, rate_limits=None, pool_size=10,
                 session=None, clock=time.time, sleep=time.sleep):
        if not HAS_REQUESTS and session is None:
            raise RuntimeError("the Python library requests is required")
        self.credentials = credentials
        self.url, self.host = parse_endpoint(endpoint)
        self.timeout = timeout
        self.retry_policy = retry_policy or RetryPolicy()
        self.region = region or None
        self.rate_limits = rate_limits if rate_limits is not None else RateLimits()
        self._clock = clock
        self._sleep = sleep
        self.session = session or self._new_session(pool_size)
        # A CA bundle path wins over validate_certs=True; validate_certs=False disables checks.
        self.verify = (ca_path or True) if validate_certs else False
        if not validate_certs and HAS_REQUESTS:
            # The module warns once in its result; urllib3's per-request warning would only repeat
            # it on stderr, once per call of a batch.
            requests.packages.urllib3.disable_warnings(requests.packages.urllib3.exceptions.InsecureRequestWarning)

    @staticmethod
    def _new_session(pool_size):
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(1, pool_size), max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def close(self):
        self.session.close()

    def call(self, action, params):
        """Call one action with retries; returns ApiResponse or raises a TencentError."""
        # Serialised once: these exact bytes are signed and sent, on every attempt.
        payload = json.dumps(params, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
        attempt = 0
        while True:
            self.rate_limits.acquire(action)
            try:
                response = self._send(action, payload)
                response.attempts = attempt + 1
                return response
            except (TencentApiError, TencentTransportError) as error:
                error.attempts = attempt + 1
                if not self.retry_policy.should_retry(error, action, attempt):
                    raise
                self._sleep(self.retry_policy.delay(attempt))
                attempt += 1

    def _headers(self, action, payload):
        creds = self.credentials.current()
        return signed_headers_for(
            creds.secret_id, creds.secret_key, self.host, action, LIVE_VERSION, payload,
            int(self._clock()), service=LIVE_SERVICE, content_type=CONTENT_TYPE, token=creds.token,
            region=self.region, request_client=REQUEST_CLIENT)

    def _send(self, action, payload):
        headers = self._headers(action, payload)
        try:
            answer = self.session.post(self.url, data=payload, headers=headers, timeout=(self.timeout, self.timeout),
                                       verify=self.verify, allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            raise TencentTransportError(
                "TLS verification of %s failed (%s): give the CA bundle in ca_path, or set validate_certs: false only for a "
                "test endpoint" % (self.url, _reason(exc)), action=action, retryable=False)
        except requests.exceptions.Timeout:
            raise TencentTransportError("no answer from %s within timeout=%ss" % (self.url, self.timeout), action=action)
        except requests.exceptions.ConnectionError as exc:
            raise TencentTransportError("could not reach %s (%s)" % (self.url, _reason(exc)), action=action)
        except requests.exceptions.RequestException as exc:
            raise TencentTransportError("request to %s failed (%s)" % (self.url, _reason(exc)), action=action)
        return decode_response(answer.status_code, answer.content, action)


def _reason(exc):
    """The innermost, most specific reason of a requests exception, on one line."""
    reason = exc
    while getattr(reason, "args", None) and isinstance(reason.args[0], Exception):
        reason = reason.args[0]
    inner = getattr(reason, "reason", None)
    if isinstance(inner, Exception):
        reason = inner
    return " ".join(str(reason).split()) or type(reason).__name__

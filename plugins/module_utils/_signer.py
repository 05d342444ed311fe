# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""TC3-HMAC-SHA256 request signing for Tencent Cloud API 3.0.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

Pure functions only: bytes and header values in, headers out. No clock, no I/O -- the
caller passes the timestamp, so the same inputs always give the same signature.
"""

import datetime
import hashlib
import hmac

ALGORITHM = "TC3-HMAC-SHA256"
TERMINATOR = "tc3_request"
# Signed on every request: exactly what Tencent's official SDKs sign (content-type and host,
# the two the server requires), so any server or proxy that accepts the SDK accepts us.
# Tencent's current documentation also shows x-tc-action signed; callers may pass more.
DEFAULT_SIGNED_HEADERS = ("content-type", "host")


def sha256_hex(data):
    """Lower-case hex SHA-256 of bytes (text is UTF-8 encoded first)."""
    if not isinstance(data, bytes):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def utc_date(timestamp):
    """The credential-scope date (YYYY-MM-DD) of a unix timestamp, always in UTC.

    Local time must never be used: in UTC+8 the local date runs ahead of the UTC date for
    eight hours every night, and the server would reject the signature.
    """
    return datetime.datetime.fromtimestamp(int(timestamp), tz=datetime.timezone.utc).strftime("%Y-%m-%d")


def credential_scope(date, service):
    return f"{date}/{service}/{TERMINATOR}"


def canonical_request(headers, signed_headers, payload, method="POST", uri="/", query=""):
    """Build the canonical request string.

    headers: mapping of header name (any case) to value; must hold every signed header.
    signed_headers: iterable of lower-case header names to sign.
    payload: the exact body bytes that will be sent.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    names = sorted(name.lower() for name in signed_headers)
    canonical_headers = "".join(f"{name}:{str(lowered[name]).strip().lower()}\n" for name in names)
    return "\n".join([method, uri, query, canonical_headers, ";".join(names), sha256_hex(payload)])


def string_to_sign(timestamp, service, canonical):
    date = utc_date(timestamp)
    return "\n".join([ALGORITHM, str(int(timestamp)), credential_scope(date, service), sha256_hex(canonical)])


def signing_key(secret_key, date, service):
    """kSigning = HMAC(HMAC(HMAC("TC3" + key, date), service), "tc3_request")."""
    k_date = _hmac(("TC3" + secret_key).encode("utf-8"), date)
    k_service = _hmac(k_date, service)
    return _hmac(k_service, TERMINATOR)


def signature(secret_key, timestamp, service, to_sign):
    key = signing_key(secret_key, utc_date(timestamp), service)
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(secret_id, secret_key, timestamp, service, headers, signed_headers, payload):
    """The Authorization header value for a request with these headers and body bytes."""
    names = sorted(name.lower() for name in signed_headers)
    canonical = canonical_request(headers, names, payload)
    sig = signature(secret_key, timestamp, service, string_to_sign(timestamp, service, canonical))
    scope = credential_scope(utc_date(timestamp), service)
    return f"{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders={';'.join(names)}, Signature={sig}"


def signed_headers_for(
    secret_id,
    secret_key,
    host,
    action,
    version,
    payload,
    timestamp,
    service="live",
    content_type="application/json",
    token=None,
    region=None,
    language=None,
    request_client=None,
    signed_headers=DEFAULT_SIGNED_HEADERS,
):
    """Every header of one API 3.0 call, Authorization included.

    payload must be the exact bytes that go on the wire. Optional headers are present only
    when given: X-TC-Token for temporary credentials, X-TC-Region when a region is set.
    """
    headers = {
        "Content-Type": content_type,
        "Host": host,
        "X-TC-Action": action,
        "X-TC-Timestamp": str(int(timestamp)),
        "X-TC-Version": version,
    }
    if region:
        headers["X-TC-Region"] = region
    if token:
        headers["X-TC-Token"] = token
    if language:
        headers["X-TC-Language"] = language
    if request_client:
        headers["X-TC-RequestClient"] = request_client
    headers["Authorization"] = authorization(
        secret_id, secret_key, timestamp, service, headers, signed_headers, payload
    )
    return headers

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's own TC3-HMAC-SHA256 checker, written apart from the collection's signer
(plugins/module_utils/_signer.py) so that one cannot hide the other's mistakes: the Authorization
header is parsed strictly and the signature recomputed from the raw request the server received.
"""

import dataclasses
import hashlib
import hmac
import re
from typing import Optional

from .common import ApiError, ApiRequest

ALGORITHM = "TC3-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
SIGNATURE_PATTERN = re.compile(r"[0-9a-f]{64}")
HEADER_NAME_PATTERN = re.compile(r"[a-z0-9-]+")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hmac_sha256(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret_key: str, date: str, service: str) -> bytes:
    k_date = hmac_sha256(("TC3" + secret_key).encode("utf-8"), date)
    k_service = hmac_sha256(k_date, service)
    return hmac_sha256(k_service, "tc3_request")


def canonical_request(
    method: str, path: str, query: str, headers: dict, signed_headers: list, payload_hash: str
) -> str:
    """headers maps lower-case names to raw values; every signed header must be present."""
    canonical_headers = "".join(f"{name}:{headers[name].strip().lower()}\n" for name in signed_headers)
    return "\n".join((method, path, query, canonical_headers, ";".join(signed_headers), payload_hash))


def string_to_sign(timestamp: str, scope: str, canonical: str) -> str:
    return "\n".join((ALGORITHM, timestamp, scope, sha256_hex(canonical.encode("utf-8"))))


def compute_signature(secret_key: str, date: str, service: str, to_sign: str) -> str:
    key = signing_key(secret_key, date, service)
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclasses.dataclass
class Authorization:
    secret_id: str
    date: str
    service: str
    signed_headers: list
    signature: str

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.service}/tc3_request"


def invalid_authorization(detail: str) -> ApiError:
    return ApiError("AuthFailure.InvalidAuthorization", f"Authorization header is invalid: {detail}.")


def split_authorization_fields(value: str) -> dict:
    algorithm, rest = ([*value.strip().split(" ", 1), ""])[:2]
    if algorithm != ALGORITHM:
        raise invalid_authorization(f"the algorithm must be {ALGORITHM}")
    fields = {}
    for part in rest.split(","):
        key, sep, item = part.strip().partition("=")
        if not sep:
            raise invalid_authorization("expected Credential=..., SignedHeaders=..., Signature=...")
        fields[key] = item
    for key in ("Credential", "SignedHeaders", "Signature"):
        if not fields.get(key):
            raise invalid_authorization(f"{key} is missing")
    return fields


def parse_signed_headers(value: str) -> list:
    names = value.split(";")
    if not all(HEADER_NAME_PATTERN.fullmatch(name) for name in names):
        raise invalid_authorization("SignedHeaders must be lower-case header names joined by ';'")
    if "content-type" not in names or "host" not in names:
        raise invalid_authorization("SignedHeaders must include content-type and host")
    return names


def parse_authorization(value: Optional[str]) -> Authorization:
    if not value:
        raise invalid_authorization("the Authorization header is missing")
    fields = split_authorization_fields(value)
    scope = fields["Credential"].split("/")
    if len(scope) != 4 or scope[3] != "tc3_request" or not all(scope):
        raise invalid_authorization("Credential must be SecretId/Date/Service/tc3_request")
    if not DATE_PATTERN.fullmatch(scope[1]):
        raise invalid_authorization("the credential date must be YYYY-MM-DD")
    if not SIGNATURE_PATTERN.fullmatch(fields["Signature"]):
        raise invalid_authorization("Signature must be 64 lower-case hex digits")
    return Authorization(
        scope[0], scope[1], scope[2], parse_signed_headers(fields["SignedHeaders"]), fields["Signature"]
    )


def verify_signature(request: ApiRequest, auth: Authorization, timestamp: str, secret_key: str) -> None:
    """Recomputes the signature of the raw request with the credential's key; raises ApiError when it differs."""
    for name in auth.signed_headers:
        if name not in request.headers:
            raise invalid_authorization(f"signed header `{name}` is not in the request")
    unsigned = request.headers.get("x-tc-content-sha256", "").strip() == UNSIGNED_PAYLOAD
    payload_hash = sha256_hex(UNSIGNED_PAYLOAD.encode("ascii") if unsigned else request.body)
    canonical = canonical_request(
        request.method, request.path, request.query, request.headers, auth.signed_headers, payload_hash
    )
    expected = compute_signature(secret_key, auth.date, auth.service, string_to_sign(timestamp, auth.scope, canonical))
    if not hmac.compare_digest(expected.encode("ascii"), auth.signature.encode("ascii")):
        raise ApiError(
            "AuthFailure.SignatureFailure",
            "The provided credentials could not be validated. Please check your signature is correct.",
        )

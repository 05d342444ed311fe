# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local, protocol-faithful stand-in for the Tencent Cloud Live API 3.0.

Standard library only (python3 >= 3.9). It verifies TC3-HMAC-SHA256 signatures from the
raw request, keeps stream state, enforces per-action quotas (per main account) and can inject
faults. tests/emulator/README.md documents every setting, fault kind, flag and control route.

Command line::

    python3 tests/emulator/live_emulator.py [--host 127.0.0.1] [--port 0] [--port-file FILE]
        [--config FILE.json] [--call-log FILE.jsonl] [--latency-ms N] [--no-quotas]
        [--tls --cert-dir DIR] [--no-control] [--strict] [--quota-window bucket|sliding]
        [--strict-resume] [--forbid-scope name|strict] [--intl] ...

In-process::

    emulator = LiveEmulator(config)
    host, port = emulator.start()
    ...
    emulator.stop()

The control interface lives on the same port under ``/_emulator/`` (JSON, no auth).

Besides Live, the same port serves what the credential chain needs:

- STS (``AssumeRole``, version 2018-08-13): a request whose credential scope names the service
  ``sts`` is verified like any call and issues a new temporary credential for a role registered
  with ``POST /_emulator/roles {"role_arn": ..., "lifetime": seconds (optional)}``;
- the CVM metadata service: ``GET /latest/meta-data/cam/security-credentials/`` answers the role
  name and ``GET .../<role>`` issues a new temporary credential, once a role is bound with
  ``POST /_emulator/cvm_role {"role_name": ..., "duration": seconds}``.

Issued credentials are registered like any other (with their expiry); ``GET /_emulator/roles``
lists the roles, the bound CVM role and what was issued (secret ids only, never keys or tokens).
"""

from __future__ import annotations

import argparse
import bisect
import copy
import dataclasses
import datetime
import hashlib
import hmac
import json
import math
import os
import random
import re
import secrets
import shutil
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional
from urllib.parse import parse_qs, urlsplit

API_VERSION = "2018-08-01"
SERVICE = "live"
ALGORITHM = "TC3-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
MAX_SKEW_SECONDS = 300
MAX_BODY_BYTES = 10 * 1024 * 1024
TLS_HANDSHAKE_TIMEOUT = 10.0

DEFAULT_SECRET_ID = "AKIDEMULATOR00000000000000000000000"
DEFAULT_SECRET_KEY = "emulator-secret-key-0000000000000000"
DEFAULT_DOMAIN = "5000.livepush.myqcloud.com"
DEFAULT_APP = "live"
# every credential belongs to a main account (its APPID-like UIN); quotas are counted per account
DEFAULT_ACCOUNT = "100000000001"

DEFAULT_FORBID_SECONDS = 7 * 86400
MAX_FORBID_SECONDS = 90 * 86400
MAX_REASON_BYTES = 2048
MIN_PAGE_SIZE = 10
MAX_PAGE_SIZE = 300000
# the international site (intl.cloud.tencent.com) documents PageSize 10..100 for the online list
INTL_PAGE_SIZE_MAX = 100

STREAM_STATES = ("active", "inactive", "forbid")
UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
UTC_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
SIGNATURE_PATTERN = re.compile(r"[0-9a-f]{64}")
HEADER_NAME_PATTERN = re.compile(r"[a-z0-9-]+")

DEFAULT_QUOTAS = {
    "DescribeLiveStreamState": 300,
    "ResumeLiveStream": 100,
    "ForbidLiveStream": 200,
    "DropLiveStream": 100,
    "DescribeLiveStreamOnlineList": 80,
    "DescribeLiveStreamPublishedList": 20,
}
STREAM_PARAMS = ("DomainName", "AppName", "StreamName")
ACTION_PARAMS = {
    "DescribeLiveStreamState": STREAM_PARAMS,
    "ResumeLiveStream": STREAM_PARAMS,
    "ForbidLiveStream": (*STREAM_PARAMS, "ResumeTime", "Reason"),
    "DropLiveStream": STREAM_PARAMS,
    "DescribeLiveStreamOnlineList": ("DomainName", "AppName", "PageNum", "PageSize", "StreamName"),
    "DescribeLiveStreamPublishedList": (
        "DomainName",
        "StartTime",
        "EndTime",
        "AppName",
        "StreamName",
        "PageNum",
        "PageSize",
    ),
}
# DescribeLiveStreamPublishedList: the push history Tencent keeps and lets one query reach
PUBLISHED_MAX_SPAN = 30 * 86400
PUBLISHED_RETENTION = 60 * 86400
PUBLISHED_CAP = 10000
PUBLISHED_PAGE_SIZE_MAX = 100
PUBLISHED_CAP_MODES = ("truncate", "error")
MAX_GENERATED_RECORDS = 2000000

# STS, served on the same port: the credential scope's service picks the API.
STS_SERVICE = "sts"
STS_VERSION = "2018-08-13"
STS_ACTION_PARAMS = {
    "AssumeRole": ("RoleArn", "RoleSessionName", "DurationSeconds", "Policy", "ExternalId", "Tags", "SourceIdentity"),
}
# AssumeRole: 600 a minute per account.
STS_QUOTAS = {"AssumeRole": 10}
SERVICE_APIS = {
    SERVICE: (API_VERSION, ACTION_PARAMS),
    STS_SERVICE: (STS_VERSION, STS_ACTION_PARAMS),
}
ALL_QUOTAS = dict(DEFAULT_QUOTAS, **STS_QUOTAS)
ALL_ACTIONS = tuple(ACTION_PARAMS) + tuple(STS_ACTION_PARAMS)
STS_DEFAULT_DURATION = 7200
STS_MIN_DURATION = 900
STS_MAX_DURATION = 43200
ROLE_SESSION_NAME_PATTERN = re.compile(r"[A-Za-z0-9_+=,.@-]{2,128}")
ROLE_NAME_PATTERN = re.compile(r"[A-Za-z0-9_+=,.@-]{1,128}")

# The CVM instance metadata service.
METADATA_PREFIX = "/latest/meta-data/"
METADATA_ROLE_PATH = METADATA_PREFIX + "cam/security-credentials/"
DEFAULT_CVM_ROLE_SECONDS = 7200

FAULT_KINDS = (
    "throttle",
    "internal_error",
    "http_500",
    "http_502",
    "http_429",
    "close",
    "stall",
    "error",
    "lost_answer",
    "preempt",
)
FAULT_FIELDS = ("action", "kind", "count", "rate", "seconds", "seed", "stream_name", "code", "message", "via", "state")
LOST_ANSWER_VIAS = ("close", "stall", "http_502", "garbage")
HTTP_FAULT_STATUS = {"http_500": 500, "http_502": 502, "http_429": 429}
HTTP_FAULT_REASON = {500: "Internal Server Error", 502: "Bad Gateway", 429: "Too Many Requests"}

QUOTA_WINDOWS = ("bucket", "sliding")
FORBID_SCOPES = ("name", "strict")
DEFAULT_SETTINGS = {
    "latency_ms": 0,
    "quotas": True,
    "quota_overrides": {},
    "quota_window": "bucket",
    "unknown_domain_code": "InternalError.ConfigNotExist",
    "strict_resume": False,
    "strict_resume_code": "FailedOperation",
    "forbid_scope": "name",
    "online_page_size_max": MAX_PAGE_SIZE,
    "reconnect_after_resume": None,
    "published_cap_mode": "truncate",
}
# "strict": true in POST /_emulator/settings (and --strict) is shorthand for these
STRICT_SETTINGS = {"quota_window": "sliding", "strict_resume": True, "forbid_scope": "name"}
NOT_STRICT_SETTINGS = {"quota_window": "bucket", "strict_resume": False, "forbid_scope": "name"}


# --------------------------------------------------------------------------- errors


class ApiError(Exception):
    """A Tencent error answered inside the HTTP 200 envelope."""

    def __init__(self, code: str, message: str):
        super().__init__(code)
        self.code = code
        self.message = message


class ControlError(Exception):
    """A bad request to the control interface (or a bad --config file)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


# --------------------------------------------------------------------------- time helpers


def format_utc(timestamp: float) -> str:
    return time.strftime(UTC_FORMAT, time.gmtime(timestamp))


def utc_date(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(timestamp))


def parse_utc(text: str) -> Optional[float]:
    """Parse ``YYYY-MM-DDTHH:MM:SSZ`` strictly; None when malformed."""
    if not isinstance(text, str) or not UTC_PATTERN.fullmatch(text):
        return None
    try:
        moment = datetime.datetime.strptime(text, UTC_FORMAT)
    except ValueError:
        return None
    return moment.replace(tzinfo=datetime.timezone.utc).timestamp()


# --------------------------------------------------------------------------- TC3 signature


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


# --------------------------------------------------------------------------- records


@dataclasses.dataclass
class ApiRequest:
    method: str
    path: str
    query: str
    headers: dict  # lower-case name -> raw value (first occurrence)
    body: bytes


@dataclasses.dataclass
class Outcome:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: tuple = ()
    close: bool = False
    delay: float = 0.0


@dataclasses.dataclass
class Credential:
    secret_id: str
    secret_key: str
    token: Optional[str] = None
    expires_at: Optional[float] = None
    account: str = DEFAULT_ACCOUNT


@dataclasses.dataclass
class RoleRecord:
    """A CAM role that AssumeRole may assume; lifetime (seconds) overrides DurationSeconds for tests."""

    role_arn: str
    lifetime: Optional[float] = None


@dataclasses.dataclass
class CvmRoleRecord:
    """The CAM role bound to this (emulated) CVM instance."""

    role_name: str
    duration: float = DEFAULT_CVM_ROLE_SECONDS


class PushRecord:
    """One push of a stream (DescribeLiveStreamPublishedList); ``end`` is None while it lasts."""

    __slots__ = ("app", "client_ip", "domain", "end", "name", "resolution", "start", "stop_reason")

    def __init__(
        self,
        key: tuple,
        start: float,
        end: Optional[float] = None,
        stop_reason: str = "",  # pylint: disable=too-many-arguments
        client_ip: str = "203.0.113.10",
        resolution: str = "1920*1080",
    ):
        self.domain, self.app, self.name = key
        self.start = start
        self.end = end
        self.stop_reason = stop_reason
        self.client_ip = client_ip
        self.resolution = resolution

    def describe(self) -> dict:
        return {
            "StreamName": self.name,
            "AppName": self.app,
            "DomainName": self.domain,
            "StreamStartTime": format_utc(self.start),
            "StreamEndTime": format_utc(self.end),
            "StopReason": self.stop_reason,
            "Duration": int(self.end - self.start),
            "ClientIp": self.client_ip,
            "Resolution": self.resolution,
        }


@dataclasses.dataclass
class StreamRecord:  # pylint: disable=too-many-instance-attributes
    state: str = "inactive"
    resume_at: Optional[float] = None
    published_at: Optional[float] = None
    reason: Optional[str] = None
    key: tuple = ()
    reconnect_after: Optional[float] = None  # this stream's own reconnect_after_resume
    reconnect_at: Optional[float] = None  # an inactive stream becomes active then
    push: Optional[PushRecord] = None  # the push in progress while active


class TokenBucket:
    """Capacity = rate (at least one token), refilled continuously."""

    def __init__(self, rate: float, now: float):
        self.rate = float(rate)
        self.capacity = max(1.0, self.rate)
        self.tokens = self.capacity
        self.stamp = now

    def take(self, now: float) -> bool:
        if self.rate <= 0:
            return False
        elapsed = max(0.0, now - self.stamp)
        self.stamp = max(self.stamp, now)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class SlidingWindow:
    """Strict sliding one-second window: admits a call only if fewer than ``limit`` calls were
    admitted in the last 1.0 s (calls at t and t + 1.0 are not in one window). Admission times
    are kept sorted; a time slightly out of order (concurrent requests) is still counted."""

    def __init__(self, limit: float):
        self.limit = float(limit)
        self.stamps: list = []

    def take(self, now: float) -> bool:
        if self.limit <= 0:
            return False
        del self.stamps[: bisect.bisect_right(self.stamps, now - 2.0)]
        in_window = len(self.stamps) - bisect.bisect_right(self.stamps, now - 1.0)
        if in_window < self.limit:
            bisect.insort(self.stamps, now)
            return True
        return False


def window_max(stamps: list) -> int:
    """The largest number of the given times inside any half-open window [t, t + 1.0)."""
    stamps = sorted(stamps)
    best = start = 0
    for end, stamp in enumerate(stamps):
        while stamps[start] <= stamp - 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


@dataclasses.dataclass
class Fault:  # pylint: disable=too-many-instance-attributes
    action: str
    kind: str
    count: Optional[int]
    rate: Optional[float]
    seconds: float
    rng: random.Random
    stream_name: Optional[str] = None
    code: Optional[str] = None
    message: Optional[str] = None
    via: Optional[str] = None
    state: Optional[str] = None

    def matches(self, action: str, stream_name: Optional[str]) -> bool:
        if self.stream_name is not None and self.stream_name != stream_name:
            return False
        return self.action in ("*", action)

    def fires(self) -> bool:
        if self.count is not None:
            if self.count <= 0:
                return False
            self.count -= 1
            return True
        return self.rng.random() < self.rate

    @property
    def exhausted(self) -> bool:
        return self.count is not None and self.count <= 0

    def describe(self) -> dict:
        described = {
            "action": self.action,
            "kind": self.kind,
            "count": self.count,
            "rate": self.rate,
            "seconds": self.seconds,
        }
        for name in ("stream_name", "code", "message", "via", "state"):
            if getattr(self, name) is not None:
                described[name] = getattr(self, name)
        return described


# --------------------------------------------------------------------------- envelopes


def json_bytes(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def envelope_ok(data: dict, request_id: str) -> Outcome:
    response = dict(data)
    response["RequestId"] = request_id
    return Outcome(body=json_bytes({"Response": response}))


def envelope_error(error: ApiError, request_id: str) -> Outcome:
    response = {"Error": {"Code": error.code, "Message": error.message}, "RequestId": request_id}
    return Outcome(body=json_bytes({"Response": response}))


def proxy_error(status: int) -> Outcome:
    reason = HTTP_FAULT_REASON.get(status, "Error")
    body = (
        "<html><head><title>%d %s</title></head><body><h1>%d %s</h1></body></html>\n" % (status, reason, status, reason)
    ).encode("ascii")
    headers = (("Retry-After", "1"),) if status == 429 else ()
    return Outcome(status=status, body=body, content_type="text/html", headers=headers)


# --------------------------------------------------------------------------- parameter validation


def decode_params(body: bytes) -> dict:
    try:
        params = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApiError("InvalidParameter", "The request body is not valid JSON.") from None
    if not isinstance(params, dict):
        raise ApiError("InvalidParameter", "The request body must be a JSON object.")
    return params


def reject_unknown_params(params: dict, allowed: tuple) -> None:
    for name in params:
        if name not in allowed:
            raise ApiError("UnknownParameter", f"The parameter `{name}` is not recognized.")


def required_str(params: dict, name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise ApiError("MissingParameter", f"The request is missing a required parameter `{name}`.")
    if not isinstance(value, str):
        raise ApiError("InvalidParameterValue", f"The value of `{name}` must be a string.")
    return value


def optional_str(params: dict, name: str) -> Optional[str]:
    value = params.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ApiError("InvalidParameterValue", f"The value of `{name}` must be a string.")
    return value


def optional_int(params: dict, name: str, default: int, lowest: int, highest: Optional[int]) -> int:
    value = params.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError("InvalidParameterValue", f"The value of `{name}` must be an integer.")
    if value < lowest or (highest is not None and value > highest):
        limits = "between %d and %d" % (lowest, highest) if highest is not None else "at least %d" % lowest
        raise ApiError("InvalidParameterValue", "The value of `%s` must be %s, got %d." % (name, limits, value))
    return value


def page_size_param(params: dict, highest: int) -> int:
    value = params.get("PageSize")
    if value is None:
        return MIN_PAGE_SIZE
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError("InvalidParameterValue", "The value of `PageSize` must be an integer.")
    if not MIN_PAGE_SIZE <= value <= highest:
        raise ApiError("InvalidParameterValue", "PageSize must be %d..%d, got %d." % (MIN_PAGE_SIZE, highest, value))
    return value


def stream_key(params: dict) -> tuple:
    domain = required_str(params, "DomainName")
    app = required_str(params, "AppName")
    stream = required_str(params, "StreamName")
    return (domain.lower(), app, stream)


def resume_time_param(params: dict, now: float) -> float:
    value = params.get("ResumeTime")
    if value is None:
        return now + DEFAULT_FORBID_SECONDS
    moment = parse_utc(value)
    if moment is None:
        raise ApiError("InvalidParameterValue", "ResumeTime must be a UTC time like 2018-11-29T19:00:00Z.")
    if moment <= now:
        raise ApiError("InvalidParameterValue", f"ResumeTime {value} is in the past.")
    if moment - now > MAX_FORBID_SECONDS:
        raise ApiError("InvalidParameterValue", f"ResumeTime {value} is more than 90 days ahead.")
    return moment


def reason_param(params: dict) -> Optional[str]:
    value = params.get("Reason")
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError("InvalidParameterValue", "The value of `Reason` must be a string.")
    if len(value.encode("utf-8")) > MAX_REASON_BYTES:
        raise ApiError("InvalidParameterValue", "Reason is longer than %d bytes." % MAX_REASON_BYTES)
    return value


# --------------------------------------------------------------------------- control input validation


def control_str(item: dict, name: str, default: Optional[str] = None) -> str:
    value = item.get(name, default)
    if not isinstance(value, str) or not value:
        raise ControlError(f"`{name}` must be a non-empty string")
    return value


def control_number(item: dict, name: str, default: Optional[float] = None, allow_none: bool = False):
    value = item.get(name, default)
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ControlError(f"`{name}` must be a non-negative number")
    return value


def control_list(body: dict, name: str) -> list:
    value = body.get(name)
    if not isinstance(value, list):
        raise ControlError(f"`{name}` must be a list")
    if not all(isinstance(item, (dict, str)) for item in value):
        raise ControlError(f"`{name}` holds an item that is neither an object nor a string")
    return value


def control_object(item: Any, what: str) -> dict:
    if not isinstance(item, dict):
        raise ControlError(f"each {what} must be a JSON object")
    return item


def parse_credential(item: Any) -> Credential:
    item = control_object(item, "credential")
    unknown = set(item) - {"secret_id", "secret_key", "token", "expires_at", "account"}
    if unknown:
        raise ControlError("unknown credential field(s): {}".format(", ".join(sorted(unknown))))
    token = item.get("token")
    if token is not None and (not isinstance(token, str) or not token):
        raise ControlError("`token` must be a non-empty string when given")
    expires_at = control_number(item, "expires_at", allow_none=True)
    account = control_str(item, "account", DEFAULT_ACCOUNT)
    return Credential(control_str(item, "secret_id"), control_str(item, "secret_key"), token, expires_at, account)


def parse_fault(item: Any) -> Fault:
    item = control_object(item, "fault")
    unknown = set(item) - set(FAULT_FIELDS)
    if unknown:
        raise ControlError(
            "unknown fault field(s): {} (known: {})".format(", ".join(sorted(unknown)), ", ".join(FAULT_FIELDS))
        )
    action = control_str(item, "action")
    if action != "*" and action not in ALL_ACTIONS:
        raise ControlError("fault action must be '*' or one of {}".format(", ".join(sorted(ALL_ACTIONS))))
    kind = control_str(item, "kind")
    if kind not in FAULT_KINDS:
        raise ControlError("fault kind must be one of {}".format(", ".join(FAULT_KINDS)))
    count, rate = fault_trigger(item)
    seconds = float(control_number(item, "seconds", 5.0))
    seed = item.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ControlError("`seed` must be an integer")
    fault = Fault(action, kind, count, rate, seconds, random.Random(seed))
    if "stream_name" in item:
        fault.stream_name = control_str(item, "stream_name")
    fault_kind_fields(fault, item)
    return fault


def fault_kind_fields(fault: Fault, item: dict) -> None:
    """The fields only some kinds take: code/message (error), via (lost_answer), state (preempt)."""
    allowed = {"error": {"code", "message"}, "lost_answer": {"via"}, "preempt": {"state"}}.get(fault.kind, set())
    misplaced = (set(item) - allowed) & {"code", "message", "via", "state"}
    if misplaced:
        raise ControlError(
            "fault kind `{}` takes no {}".format(fault.kind, ", ".join(f"`{name}`" for name in sorted(misplaced)))
        )
    if fault.kind == "error":
        if "code" not in item:
            raise ControlError(
                'a fault of kind `error` needs `code`, the Tencent error code to answer (e.g. "FailedOperation")'
            )
        fault.code = control_str(item, "code")
        if "message" in item:
            fault.message = control_str(item, "message")
    elif fault.kind == "lost_answer":
        fault.via = control_str(item, "via", "close")
        if fault.via not in LOST_ANSWER_VIAS:
            raise ControlError("`via` must be one of {}".format(", ".join(LOST_ANSWER_VIAS)))
    elif fault.kind == "preempt":
        if "state" not in item:
            raise ControlError("a fault of kind `preempt` needs `state`, one of {}".format(", ".join(STREAM_STATES)))
        fault.state = control_str(item, "state")
        if fault.state not in STREAM_STATES:
            raise ControlError("`state` must be one of {}".format(", ".join(STREAM_STATES)))


def fault_trigger(item: dict) -> tuple:
    if "count" in item and "rate" in item:
        raise ControlError("give either `count` or `rate`, not both")
    if "rate" in item:
        rate = item["rate"]
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0.0 <= rate <= 1.0:
            raise ControlError("`rate` must be a number from 0.0 to 1.0")
        return None, float(rate)
    count = item.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ControlError("`count` must be a positive integer")
    return count, None


def validate_settings(update: Any) -> dict:
    """Checks a settings update; ``strict`` is expanded first, so explicit settings beside it win."""
    update = control_object(update, "settings object")
    checks = {
        "latency_ms": lambda v: control_number({"latency_ms": v}, "latency_ms"),
        "quotas": lambda v: validate_bool_setting("quotas", v),
        "quota_overrides": validate_quota_overrides,
        "quota_window": lambda v: validate_choice_setting("quota_window", v, QUOTA_WINDOWS),
        "unknown_domain_code": lambda v: control_str({"unknown_domain_code": v}, "unknown_domain_code"),
        "strict_resume": lambda v: validate_bool_setting("strict_resume", v),
        "strict_resume_code": lambda v: control_str({"strict_resume_code": v}, "strict_resume_code"),
        "forbid_scope": lambda v: validate_choice_setting("forbid_scope", v, FORBID_SCOPES),
        "online_page_size_max": validate_page_size_max,
        "reconnect_after_resume": lambda v: control_number(
            {"reconnect_after_resume": v}, "reconnect_after_resume", allow_none=True
        ),
        "published_cap_mode": lambda v: validate_choice_setting("published_cap_mode", v, PUBLISHED_CAP_MODES),
        "strict": lambda v: validate_bool_setting("strict", v),
    }
    clean = {}
    for name, value in update.items():
        if name not in checks:
            raise ControlError("unknown setting `{}` (known: {})".format(name, ", ".join(sorted(checks))))
        clean[name] = checks[name](value)
    if "strict" in clean:
        clean = dict(STRICT_SETTINGS if clean.pop("strict") else NOT_STRICT_SETTINGS, **clean)
    return clean


def validate_bool_setting(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ControlError(f"`{name}` must be true or false")
    return value


def validate_choice_setting(name: str, value: Any, choices: tuple) -> str:
    if value not in choices:
        raise ControlError("`{}` must be one of {}".format(name, ", ".join(f'"{choice}"' for choice in choices)))
    return value


def validate_page_size_max(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < MIN_PAGE_SIZE:
        raise ControlError("`online_page_size_max` must be an integer of at least %d" % MIN_PAGE_SIZE)
    return value


def validate_quota_overrides(value: Any) -> dict:
    if not isinstance(value, dict):
        raise ControlError("`quota_overrides` must be an object of action: requests per second")
    for action in value:
        if action not in ALL_QUOTAS:
            raise ControlError(f"quota_overrides: unknown action `{action}`")
        control_number(value, action)
    return dict(value)


def control_moment(item: dict, name: str) -> float:
    """Unix seconds or UTC text (YYYY-MM-DDTHH:MM:SSZ)."""
    value = item.get(name)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    moment = parse_utc(value) if isinstance(value, str) else None
    if moment is None:
        raise ControlError(f"`{name}` must be unix seconds or YYYY-MM-DDTHH:MM:SSZ")
    return moment


def control_count(item: dict, name: str, default: Optional[int] = None) -> int:
    value = item.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ControlError(f"`{name}` must be a positive integer")
    return value


def generate_pushes(spec: dict) -> list:
    """``count`` streams named prefix0000.., each with ``per_stream`` ended pushes spread over [start, end]:
    push j of stream i starts in the j-th of per_stream equal slots (later for higher i) and lasts half a slot."""
    unknown = set(spec) - {"domain_name", "app_name", "prefix", "count", "start", "end", "per_stream"}
    if unknown:
        raise ControlError("unknown generate field(s): {}".format(", ".join(sorted(unknown))))
    domain = control_str(spec, "domain_name").lower()
    app = control_str(spec, "app_name", DEFAULT_APP)
    prefix = spec.get("prefix", "stream")
    if not isinstance(prefix, str):
        raise ControlError("`prefix` must be a string")
    count, per_stream = control_count(spec, "count"), control_count(spec, "per_stream", 1)
    if count * per_stream > MAX_GENERATED_RECORDS:
        raise ControlError("count * per_stream must be at most %d" % MAX_GENERATED_RECORDS)
    start, end = control_moment(spec, "start"), control_moment(spec, "end")
    if end < start:
        raise ControlError("`end` must not be before `start`")
    slot = (end - start) / per_stream
    width = max(4, len(str(count - 1)))
    pushes = []
    for index in range(count):
        key = (domain, app, "%s%0*d" % (prefix, width, index))
        shift = slot / 2.0 * index / count
        for number in range(per_stream):
            begin = start + number * slot + shift
            pushes.append(PushRecord(key, begin, begin + slot / 2.0, "normal stop"))
    return pushes


def parse_role(item: Any) -> RoleRecord:
    item = control_object(item, "role")
    unknown = set(item) - {"role_arn", "lifetime"}
    if unknown:
        raise ControlError("unknown role field(s): {}".format(", ".join(sorted(unknown))))
    lifetime = control_number(item, "lifetime", allow_none=True)
    if lifetime is not None and lifetime <= 0:
        raise ControlError("`lifetime` must be a number of seconds greater than 0")
    return RoleRecord(control_str(item, "role_arn"), lifetime)


def parse_cvm_role(item: Any) -> CvmRoleRecord:
    item = control_object(item, "cvm_role")
    unknown = set(item) - {"role_name", "duration"}
    if unknown:
        raise ControlError("unknown cvm_role field(s): {}".format(", ".join(sorted(unknown))))
    name = control_str(item, "role_name")
    if not ROLE_NAME_PATTERN.fullmatch(name):
        raise ControlError("`role_name` must be 1 to 128 letters, digits or +=,.@_-")
    duration = control_number(item, "duration", DEFAULT_CVM_ROLE_SECONDS)
    if duration <= 0:
        raise ControlError("`duration` must be a number of seconds greater than 0")
    return CvmRoleRecord(name, duration)


def iso_utc(timestamp: float) -> str:
    return format_utc(int(timestamp))


def query_value(query: dict, name: str) -> Optional[str]:
    values = query.get(name)
    return values[0] if values else None


# --------------------------------------------------------------------------- the emulator state machine


class EmulatorCore:
    """All state and behaviour, independent of HTTP plumbing. One lock guards the state."""

    def __init__(
        self, config: Optional[dict] = None, clock: Optional[Callable[[], float]] = None, call_log: Optional[str] = None
    ):
        self.clock = clock or time.time
        self._lock = threading.Lock()
        self._log_lock = threading.Lock()
        self._call_log_path = call_log
        self._call_log = open(call_log, "a", encoding="utf-8") if call_log else None  # pylint: disable=consider-using-with
        self._startup = copy.deepcopy(config or {})
        self._check_config_shape(self._startup)
        self.credentials: dict = {}
        self.domains: set = set()
        self.streams: dict = {}
        self.by_name: dict = {}  # stream name -> set of stream keys (forbid_scope "name")
        self.published: list = []  # PushRecord, seen pushes and seeded history
        self.published_sorted = True
        self.settings: dict = {}
        self.faults: list = []
        self.calls: list = []
        self.buckets: dict = {}
        self.roles: dict = {}
        self.cvm_role: Optional[CvmRoleRecord] = None
        self.issued: list = []
        self.reset()

    # ----- configuration

    @staticmethod
    def _check_config_shape(config: Any) -> None:
        if not isinstance(config, dict):
            raise ControlError("the config must be a JSON object")
        unknown = set(config) - {"credentials", "domains", "streams", "settings", "roles", "cvm_role"}
        if unknown:
            raise ControlError("unknown config key(s): {}".format(", ".join(sorted(unknown))))

    def reset(self) -> None:
        """Back to the start-up config: defaults plus the config given at construction."""
        with self._lock:
            self.credentials = {DEFAULT_SECRET_ID: Credential(DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY)}
            self.domains = {DEFAULT_DOMAIN}
            self.streams = {}
            self.by_name = {}
            self.published = []
            self.published_sorted = True
            self.settings = copy.deepcopy(DEFAULT_SETTINGS)
            self.faults = []
            self.calls = []
            self.buckets = {}
            self.roles = {}
            self.cvm_role = None
            self.issued = []
        config = self._startup
        if "credentials" in config:
            self.add_credentials({"credentials": config["credentials"]})
        if "domains" in config:
            self.add_domains({"domains": config["domains"]})
        if "streams" in config:
            self.seed_streams({"streams": config["streams"]})
        if "settings" in config:
            self.update_settings(config["settings"])
        if "roles" in config:
            self.add_roles({"roles": config["roles"]})
        if "cvm_role" in config:
            self.bind_cvm_role(config["cvm_role"])

    def close(self) -> None:
        with self._log_lock:
            if self._call_log is not None:
                self._call_log.close()
                self._call_log = None

    # ----- Tencent API

    def handle_api(self, request: ApiRequest) -> Outcome:
        request_id = str(uuid.uuid4())
        call = self._new_call(request, request_id)
        stall = 0.0
        try:
            action = self._admit(request, call)
            fault = self._pick_fault(action, call["stream_name"])
            if fault is not None:
                call["fault"] = fault.kind
                if fault.kind == "stall" or (fault.kind == "lost_answer" and fault.via == "stall"):
                    stall = fault.seconds
            outcome = self._run(action, fault, request, call)
        except ApiError as error:
            call["code"] = error.code
            outcome = envelope_error(error, request_id)
        self._record_call(call)
        outcome.delay = stall + self.settings.get("latency_ms", 0) / 1000.0
        return outcome

    def _run(self, action: str, fault: Optional[Fault], request: ApiRequest, call: dict) -> Outcome:
        """Carries out an admitted call, as the fault picked for it (if any) says."""
        if fault is None or fault.kind == "stall":
            return envelope_ok(self._execute(action, request.body), call["request_id"])
        if fault.kind == "preempt":
            self._preempt(fault.state, request.body)
            return envelope_ok(self._execute(action, request.body), call["request_id"])
        if fault.kind == "lost_answer":
            try:
                self._execute(action, request.body)
            except ApiError as error:
                call["code"] = error.code
            call["executed"] = True
            return self._lost_answer(fault, call)
        return self._fault_outcome(fault, call)

    @staticmethod
    def _lost_answer(fault: Fault, call: dict) -> Outcome:
        """The call was carried out; its answer never reaches the client."""
        if fault.via in ("close", "stall"):
            return Outcome(close=True)
        if fault.via == "http_502":
            return proxy_error(502)
        # a gateway cut the answer short: HTTP 200, JSON content type, not JSON
        truncated = ('{{"Response": {{"RequestId": "{}", "Stream'.format(call["request_id"])).encode("ascii")
        return Outcome(body=truncated)

    def _new_call(self, request: ApiRequest, request_id: str) -> dict:
        params = self._peek_params(request.body)
        return {
            "ts": self.clock(),
            "action": request.headers.get("x-tc-action"),
            "secret_id": None,
            "account": None,
            "domain_name": params.get("DomainName") if isinstance(params.get("DomainName"), str) else None,
            "app_name": params.get("AppName") if isinstance(params.get("AppName"), str) else None,
            "stream_name": params.get("StreamName") if isinstance(params.get("StreamName"), str) else None,
            "code": None,
            "fault": None,
            "throttled": False,
            "admitted": False,
            "language": request.headers.get("x-tc-language"),
            "request_client": request.headers.get("x-tc-requestclient"),
            "request_id": request_id,
            "params": params or None,
        }

    @staticmethod
    def _peek_params(body: bytes) -> dict:
        try:
            params = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return {}
        return params if isinstance(params, dict) else {}

    def _admit(self, request: ApiRequest, call: dict) -> str:
        """Method, signature, action, version and quota; returns the action."""
        if request.method != "POST":
            raise ApiError("UnsupportedOperation", "The emulator accepts only POST / with a JSON body.")
        credential, service = self._authenticate(request)
        call["secret_id"], call["account"] = credential.secret_id, credential.account
        action = self._check_action(request.headers, service)
        try:
            self._take_quota(credential.account, action, call)
        except ApiError:
            call["throttled"] = True
            raise
        call["admitted"] = True
        return action

    def _authenticate(self, request: ApiRequest) -> tuple:
        """Returns (credential, service of the credential scope)."""
        auth = parse_authorization(request.headers.get("authorization"))
        timestamp = self._check_timestamp(request.headers.get("x-tc-timestamp"), auth)
        credential = self._lookup_credential(auth.secret_id)
        self._check_token(credential, request.headers.get("x-tc-token"))
        self._check_signature(request, auth, timestamp, credential.secret_key)
        return credential, auth.service

    def _check_timestamp(self, value: Optional[str], auth: Authorization) -> str:
        if not value:
            raise ApiError("MissingParameter", "The request is missing the X-TC-Timestamp header.")
        if not value.strip().isdigit():
            raise ApiError("InvalidParameter", "X-TC-Timestamp must be unix seconds.")
        timestamp = int(value)
        now = self.clock()
        if abs(now - timestamp) > MAX_SKEW_SECONDS:
            raise ApiError(
                "AuthFailure.SignatureExpire",
                "Signature expired: X-TC-Timestamp %d is outside +/-%d s of server time %d."
                % (timestamp, MAX_SKEW_SECONDS, int(now)),
            )
        if auth.service not in SERVICE_APIS:
            raise invalid_authorization(
                f"the credential scope service must be `{SERVICE}` (or `{STS_SERVICE}` for STS)"
            )
        if auth.date != utc_date(timestamp):
            raise ApiError(
                "AuthFailure.SignatureFailure",
                f"The credential date {auth.date} is not the UTC date of X-TC-Timestamp ({utc_date(timestamp)}).",
            )
        return value

    def _lookup_credential(self, secret_id: str) -> Credential:
        with self._lock:
            credential = self.credentials.get(secret_id)
        if credential is None:
            raise ApiError(
                "AuthFailure.SecretIdNotFound",
                "The SecretId is not found, please ensure that your SecretId is correct.",
            )
        return credential

    def _check_token(self, credential: Credential, token: Optional[str]) -> None:
        token = token.strip() if token else ""
        if credential.token is None:
            if token:
                raise ApiError("AuthFailure.TokenFailure", "A token was sent for a permanent credential.")
            return
        if not hmac.compare_digest(token.encode("utf-8"), credential.token.encode("utf-8")):
            raise ApiError("AuthFailure.TokenFailure", "The token is missing or invalid.")
        if credential.expires_at is not None and self.clock() >= credential.expires_at:
            raise ApiError("AuthFailure.TokenFailure", "The token has expired.")

    @staticmethod
    def _check_signature(request: ApiRequest, auth: Authorization, timestamp: str, secret_key: str) -> None:
        for name in auth.signed_headers:
            if name not in request.headers:
                raise invalid_authorization(f"signed header `{name}` is not in the request")
        unsigned = request.headers.get("x-tc-content-sha256", "").strip() == UNSIGNED_PAYLOAD
        payload_hash = sha256_hex(UNSIGNED_PAYLOAD.encode("ascii") if unsigned else request.body)
        canonical = canonical_request(
            request.method, request.path, request.query, request.headers, auth.signed_headers, payload_hash
        )
        expected = compute_signature(
            secret_key, auth.date, auth.service, string_to_sign(timestamp, auth.scope, canonical)
        )
        if not hmac.compare_digest(expected.encode("ascii"), auth.signature.encode("ascii")):
            raise ApiError(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated. Please check your signature is correct.",
            )

    @staticmethod
    def _check_action(headers: dict, service: str = SERVICE) -> str:
        expected_version, actions = SERVICE_APIS[service]
        action = headers.get("x-tc-action")
        if not action:
            raise ApiError("MissingParameter", "The request is missing the X-TC-Action header.")
        version = headers.get("x-tc-version")
        if not version:
            raise ApiError("MissingParameter", "The request is missing the X-TC-Version header.")
        if version != expected_version:
            raise ApiError("NoSuchVersion", f"The API version `{version}` does not exist; use {expected_version}.")
        if action not in actions:
            raise ApiError("InvalidAction", f"The action `{action}` is not supported by this emulator.")
        return action

    def _quota_limit(self, action: str) -> float:
        return self.settings["quota_overrides"].get(action, ALL_QUOTAS[action])

    def _take_quota(self, account: str, action: str, call: dict) -> None:
        """One call of ``action`` against the account's quota (every SecretId of an account shares it).
        The call's ``ts`` becomes the moment of this check, so that window_max over the log sees
        exactly the times the quota saw."""
        with self._lock:
            now = call["ts"] = self.clock()
            if not self.settings["quotas"]:
                return
            limit = self._quota_limit(action)
            window = self.buckets.get((account, action))
            if window is None:
                sliding = self.settings["quota_window"] == "sliding"
                window = self.buckets[(account, action)] = SlidingWindow(limit) if sliding else TokenBucket(limit, now)
            allowed = window.take(now)
        if not allowed:
            raise ApiError(
                "RequestLimitExceeded",
                f"Your request frequency of {action} has exceeded the limit of {limit} per second.",
            )

    def _pick_fault(self, action: str, stream_name: Optional[str]) -> Optional[Fault]:
        with self._lock:
            for fault in self.faults:
                if fault.matches(action, stream_name) and fault.fires():
                    if fault.exhausted:
                        self.faults.remove(fault)
                    return fault
        return None

    def _preempt(self, state: str, body: bytes) -> None:
        """Another operator changes the stream between our read and our write."""
        try:
            key = stream_key(self._peek_params(body))
        except ApiError:
            return  # the call itself will fail on its parameters
        with self._lock:
            if key[0] in self.domains:
                self._set_state(key, state)

    @staticmethod
    def _fault_outcome(fault: Fault, call: dict) -> Outcome:
        if fault.kind == "throttle":
            raise ApiError("RequestLimitExceeded", "Your request frequency has exceeded the limit (injected fault).")
        if fault.kind == "internal_error":
            raise ApiError("InternalError", "An internal error has occurred (injected fault).")
        if fault.kind == "error":
            raise ApiError(fault.code, fault.message or f"The request failed (injected fault {fault.code}).")
        call["code"] = fault.kind
        if fault.kind == "close":
            return Outcome(close=True)
        return proxy_error(HTTP_FAULT_STATUS[fault.kind])

    def _execute(self, action: str, body: bytes) -> dict:
        params = decode_params(body)
        reject_unknown_params(params, ACTION_PARAMS.get(action) or STS_ACTION_PARAMS[action])
        handlers = {
            "DescribeLiveStreamState": self.describe_stream_state,
            "ResumeLiveStream": self.resume_stream,
            "ForbidLiveStream": self.forbid_stream,
            "DropLiveStream": self.drop_stream,
            "DescribeLiveStreamOnlineList": self.describe_online_list,
            "DescribeLiveStreamPublishedList": self.describe_published_list,
            "AssumeRole": self.assume_role,
        }
        return handlers[action](params)

    # ----- stream actions (all state access under the lock)

    def _require_domain(self, domain: str) -> None:
        if domain not in self.domains:
            raise ApiError(
                self.settings["unknown_domain_code"], f"The domain `{domain}` does not exist in this account."
            )

    def _current_state(self, record: StreamRecord) -> str:
        """The record's state now: a forbid past its ResumeTime has ended, and an encoder due to
        reconnect has (evaluated lazily, whenever a stream is read)."""
        if record.state == "forbid" and record.resume_at is not None and record.resume_at <= self.clock():
            record.state = "inactive"
            record.resume_at = None
            record.reason = None
        if record.state == "inactive" and record.reconnect_at is not None and record.reconnect_at <= self.clock():
            self._go_active(record, record.reconnect_at)
        return record.state

    def _go_active(self, record: StreamRecord, at: float) -> None:
        """The stream starts pushing at ``at``: a new push record starts."""
        record.state, record.resume_at, record.reason, record.reconnect_at = "active", None, None, None
        record.published_at = at
        record.push = PushRecord(record.key, at)
        self.published.append(record.push)
        self.published_sorted = False

    def _end_push(self, record: StreamRecord, stop_reason: str) -> None:
        """An active stream stops pushing now (its push record ends); the caller sets the new state."""
        if record.state == "active":
            record.state = "inactive"
        record.published_at = None
        if record.push is not None:
            record.push.end = max(record.push.start, self.clock())
            record.push.stop_reason = stop_reason
            record.push = None

    def _touch(self, key: tuple) -> StreamRecord:
        record = self.streams.get(key)
        if record is None:
            record = self._store(key, StreamRecord())
        return record

    def _store(self, key: tuple, record: StreamRecord) -> StreamRecord:
        old = self.streams.get(key)
        if old is not None and old.push is not None:
            self._end_push(old, "replaced")
        record.key = key
        self.streams[key] = record
        self.by_name.setdefault(key[2], set()).add(key)
        if record.state == "active":
            self._go_active(record, self.clock())
        return record

    def _scope_keys(self, key: tuple) -> list:
        """The stream keys a forbid or resume of ``key`` reaches: every domain and app with that
        stream name (forbid_scope "name", Tencent's default), or ``key`` alone ("strict")."""
        if self.settings["forbid_scope"] == "name":
            return sorted(self.by_name.get(key[2], ()))
        return [key] if key in self.streams else []

    def _forbid_record(self, key: tuple) -> Optional[StreamRecord]:
        """The record whose forbid is in effect for ``key`` (its own first), or None."""
        own = self.streams.get(key)
        if own is not None and self._current_state(own) == "forbid":
            return own
        for other in self._scope_keys(key):
            if other != key and self._current_state(self.streams[other]) == "forbid":
                return self.streams[other]
        return None

    def _effective_state(self, key: tuple) -> str:
        """What DescribeLiveStreamState answers for ``key``."""
        if self._forbid_record(key) is not None:
            return "forbid"
        record = self.streams.get(key)
        return self._current_state(record) if record is not None else "inactive"

    def _lift_forbid(self, key: tuple) -> None:
        """A resume: every forbid in its scope ends; an encoder set to reconnect is scheduled."""
        for other in self._scope_keys(key):
            record = self.streams[other]
            if self._current_state(record) == "forbid":
                record.state, record.resume_at, record.reason = "inactive", None, None
                delay = (
                    record.reconnect_after
                    if record.reconnect_after is not None
                    else self.settings["reconnect_after_resume"]
                )
                record.reconnect_at = self.clock() + delay if delay is not None else None

    def _set_state(
        self, key: tuple, state: str, resume_at: Optional[float] = None, reason: Optional[str] = None
    ) -> None:
        """Sets a stream's state as a forbid, a resume (plus a new push) or a drop would; lock held."""
        if state == "forbid":
            record = self._touch(key)
            self._end_push(record, "forbidden")
            record.state, record.resume_at, record.reason = (
                "forbid",
                resume_at or self.clock() + DEFAULT_FORBID_SECONDS,
                reason,
            )
            record.reconnect_at = None
            for other in self._scope_keys(key):  # a forbidden name cannot push anywhere
                if other != key and self._current_state(self.streams[other]) == "active":
                    self._end_push(self.streams[other], "forbidden")
                self.streams[other].reconnect_at = None
            return
        self._lift_forbid(key)
        record = self._touch(key)
        if state == "active":
            if self._current_state(record) != "active":
                self._go_active(record, self.clock())
        else:
            self._end_push(record, "dropped")

    def describe_stream_state(self, params: dict) -> dict:
        key = stream_key(params)
        with self._lock:
            self._require_domain(key[0])
            state = self._effective_state(key)
        return {"StreamState": state}

    def resume_stream(self, params: dict) -> dict:
        key = stream_key(params)
        with self._lock:
            self._require_domain(key[0])
            self._touch(key)
            if self._effective_state(key) != "forbid":
                if self.settings["strict_resume"]:
                    raise ApiError(self.settings["strict_resume_code"], "The stream is not forbidden.")
                return {}
            self._lift_forbid(key)
        return {}

    def forbid_stream(self, params: dict) -> dict:
        key = stream_key(params)
        now = self.clock()
        resume_at = resume_time_param(params, now)
        reason = reason_param(params)
        with self._lock:
            self._require_domain(key[0])
            self._set_state(key, "forbid", resume_at, reason)
        return {}

    def drop_stream(self, params: dict) -> dict:
        key = stream_key(params)
        with self._lock:
            self._require_domain(key[0])
            record = self._touch(key)
            if self._effective_state(key) == "active":
                self._end_push(record, "dropped")
        return {}

    def describe_online_list(self, params: dict) -> dict:
        domain = optional_str(params, "DomainName")
        wanted = (
            domain.lower() if domain else None,
            optional_str(params, "AppName"),
            optional_str(params, "StreamName"),
        )
        page_num = optional_int(params, "PageNum", 1, 1, None)
        page_size = page_size_param(params, self.settings["online_page_size_max"])
        with self._lock:
            rows = [
                (key, record.published_at)
                for key, record in self.streams.items()
                if self._key_matches(key, wanted) and self._effective_state(key) == "active"
            ]
        rows.sort(key=lambda row: (row[0][2], row[0][0], row[0][1]))
        page = rows[(page_num - 1) * page_size : page_num * page_size]
        return {
            "TotalNum": len(rows),
            "TotalPage": math.ceil(len(rows) / float(page_size)),
            "PageNum": page_num,
            "PageSize": page_size,
            "OnlineInfo": [self._online_info(key, published_at) for key, published_at in page],
        }

    def describe_published_list(self, params: dict) -> dict:
        domain = required_str(params, "DomainName").lower()
        start, end = self._published_range(params)
        app = optional_str(params, "AppName")
        fragment = optional_str(params, "StreamName")
        page_num = optional_int(params, "PageNum", 1, 1, None)
        page_size = page_size_param(params, PUBLISHED_PAGE_SIZE_MAX)
        offset = (page_num - 1) * page_size
        if offset >= PUBLISHED_CAP and self.settings["published_cap_mode"] == "error":
            raise ApiError(
                "InvalidParameterValue",
                "A query reaches at most %d records: page %d of %d starts beyond them; "
                "narrow StartTime..EndTime." % (PUBLISHED_CAP, page_num, page_size),
            )
        with self._lock:
            self._require_domain(domain)
            self._sort_published()
            rows = [
                push
                for push in self.published
                if push.end is not None
                and push.domain == domain
                and push.start <= end
                and push.end >= start
                and (app is None or push.app == app)
                and (fragment is None or fragment in push.name)
            ]
        total = min(len(rows), PUBLISHED_CAP)
        page = rows[offset : min(offset + page_size, total)] if offset < total else []
        return {
            "TotalNum": total,
            "TotalPage": math.ceil(total / float(page_size)),
            "PageNum": page_num,
            "PageSize": page_size,
            "PublishInfo": [push.describe() for push in page],
        }

    def _published_range(self, params: dict) -> tuple:
        now = self.clock()
        moments = []
        for name in ("StartTime", "EndTime"):
            moment = parse_utc(required_str(params, name))
            if moment is None:
                raise ApiError("InvalidParameterValue", f"{name} must be a UTC time like 2016-06-30T19:00:00Z.")
            moments.append(moment)
        start, end = moments
        if end > now:
            raise ApiError("InvalidParameterValue", f"EndTime {format_utc(end)} is in the future.")
        if end < start:
            raise ApiError(
                "InvalidParameterValue", f"EndTime {format_utc(end)} is before StartTime {format_utc(start)}."
            )
        if end - start > PUBLISHED_MAX_SPAN:
            raise ApiError("InvalidParameterValue", "EndTime and StartTime must be at most 30 days apart.")
        if now - start > PUBLISHED_RETENTION:
            raise ApiError(
                "InvalidParameterValue",
                f"StartTime {format_utc(start)} is older than the 60 days of push history kept.",
            )
        return start, end

    def _sort_published(self) -> None:
        if not self.published_sorted:
            self.published.sort(key=lambda push: (push.start, push.name, push.domain, push.app))
            self.published_sorted = True

    @staticmethod
    def _key_matches(key: tuple, wanted: tuple) -> bool:
        return all(want is None or want == have for have, want in zip(key, wanted))

    def _online_info(self, key: tuple, published_at: Optional[float]) -> dict:
        publish_time = format_utc(published_at if published_at is not None else self.clock())
        return {
            "StreamName": key[2],
            "AppName": key[1],
            "DomainName": key[0],
            "PublishTimeList": [{"PublishTime": publish_time}],
            "PushToDelay": 0,
        }

    # ----- temporary credentials: STS AssumeRole and the CVM metadata service

    def _issue(self, kind: str, role: str, lifetime: float) -> Credential:
        """A new temporary credential, registered so that calls signed with it are accepted until it expires."""
        credential = Credential(
            "AKID" + secrets.token_hex(16).upper(),
            secrets.token_urlsafe(30),
            secrets.token_urlsafe(48),
            self.clock() + lifetime,
        )
        with self._lock:
            self.credentials[credential.secret_id] = credential
            self.issued.append(
                {"kind": kind, "role": role, "secret_id": credential.secret_id, "expires_at": credential.expires_at}
            )
        return credential

    def assume_role(self, params: dict) -> dict:
        role_arn = required_str(params, "RoleArn")
        session_name = required_str(params, "RoleSessionName")
        if not ROLE_SESSION_NAME_PATTERN.fullmatch(session_name):
            raise ApiError(
                "InvalidParameter.ParamError", "RoleSessionName must be 2 to 128 letters, digits or +=,.@_-."
            )
        duration = params.get("DurationSeconds", STS_DEFAULT_DURATION)
        if isinstance(duration, bool) or not isinstance(duration, int):
            raise ApiError("InvalidParameter.ParamError", "DurationSeconds must be an integer.")
        if duration > STS_MAX_DURATION:
            raise ApiError(
                "InvalidParameter.OverTimeError",
                "DurationSeconds %d is over the maximum of %d." % (duration, STS_MAX_DURATION),
            )
        if duration < STS_MIN_DURATION:
            raise ApiError(
                "InvalidParameter.ParamError",
                "DurationSeconds %d is under the minimum of %d." % (duration, STS_MIN_DURATION),
            )
        with self._lock:
            role = self.roles.get(role_arn)
        if role is None:
            raise ApiError("ResourceNotFound.RoleNotFound", f"The role `{role_arn}` does not exist.")
        credential = self._issue("sts", role_arn, role.lifetime if role.lifetime is not None else duration)
        return {
            "Credentials": {
                "Token": credential.token,
                "TmpSecretId": credential.secret_id,
                "TmpSecretKey": credential.secret_key,
            },
            "ExpiredTime": int(credential.expires_at),
            "Expiration": iso_utc(credential.expires_at),
        }

    def handle_metadata(self, method: str, path: str) -> tuple:
        """(status, body bytes, content type) of one request to the instance metadata service."""
        if method != "GET":
            return 405, b"Method Not Allowed", "text/plain"
        with self._lock:
            bound = self.cvm_role
        if path in (METADATA_ROLE_PATH, METADATA_ROLE_PATH.rstrip("/")):
            if bound is None:
                return 404, b"Not Found", "text/plain"
            return 200, bound.role_name.encode("utf-8"), "text/plain"
        if path.startswith(METADATA_ROLE_PATH):
            name = path[len(METADATA_ROLE_PATH) :].rstrip("/")
            if bound is None or name != bound.role_name:
                return 404, b"Not Found", "text/plain"
            credential = self._issue("cvm_role", bound.role_name, bound.duration)
            return (
                200,
                json_bytes(
                    {
                        "TmpSecretId": credential.secret_id,
                        "TmpSecretKey": credential.secret_key,
                        "Token": credential.token,
                        "ExpiredTime": int(credential.expires_at),
                        "Expiration": iso_utc(credential.expires_at),
                        "Code": "Success",
                    }
                ),
                "application/json",
            )
        return 404, b"Not Found", "text/plain"

    # ----- call log

    def _record_call(self, call: dict) -> None:
        with self._lock:
            self.calls.append(call)
        with self._log_lock:
            if self._call_log is not None:
                self._call_log.write(json.dumps(call, ensure_ascii=False) + "\n")
                self._call_log.flush()

    # ----- control interface

    def handle_control(self, method: str, route: str, query: dict, body: bytes) -> tuple:
        routes = {
            ("GET", "health"): lambda q, b: {"ok": True},
            ("POST", "reset"): self._control_reset,
            ("GET", "credentials"): lambda q, b: self.list_credentials(),
            ("POST", "credentials"): lambda q, b: self.add_credentials(b),
            ("DELETE", "credentials"): lambda q, b: self.remove_credential(query_value(q, "secret_id")),
            ("GET", "domains"): lambda q, b: self.list_domains(),
            ("POST", "domains"): lambda q, b: self.add_domains(b),
            ("DELETE", "domains"): lambda q, b: self.remove_domain(query_value(q, "domain_name")),
            ("GET", "streams"): lambda q, b: self.list_streams(q),
            ("POST", "streams"): lambda q, b: self.seed_streams(b),
            ("DELETE", "streams"): lambda q, b: self.clear_streams(),
            ("GET", "faults"): lambda q, b: self.list_faults(),
            ("POST", "faults"): lambda q, b: self.add_faults(b),
            ("DELETE", "faults"): lambda q, b: self.clear_faults(),
            ("GET", "settings"): lambda q, b: self.get_settings(),
            ("POST", "settings"): lambda q, b: self.update_settings(b),
            ("GET", "calls"): lambda q, b: self.list_calls(query_value(q, "action")),
            ("DELETE", "calls"): lambda q, b: self.clear_calls(),
            ("GET", "roles"): lambda q, b: self.list_roles(),
            ("POST", "roles"): lambda q, b: self.add_roles(b),
            ("DELETE", "roles"): lambda q, b: self.remove_role(query_value(q, "role_arn")),
            ("GET", "cvm_role"): lambda q, b: self.list_roles(),
            ("POST", "cvm_role"): lambda q, b: self.bind_cvm_role(b),
            ("DELETE", "cvm_role"): lambda q, b: self.unbind_cvm_role(),
            ("GET", "published"): lambda q, b: self.list_published(q),
            ("POST", "published"): lambda q, b: self.add_published(b),
            ("DELETE", "published"): lambda q, b: self.clear_published(),
        }
        handler = routes.get((method, route))
        if handler is None:
            known = any(key[1] == route for key in routes)
            return (
                (405, {"error": f"method {method} not allowed on /_emulator/{route}"})
                if known
                else (404, {"error": f"no control endpoint /_emulator/{route}"})
            )
        try:
            return 200, handler(query, self._control_body(method, body))
        except ControlError as error:
            return error.status, {"error": error.message}

    @staticmethod
    def _control_body(method: str, body: bytes) -> dict:
        if method != "POST" or not body.strip():
            return {}
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ControlError("the body must be JSON") from None
        return control_object(data, "control body")

    def _control_reset(self, query: dict, body: dict) -> dict:
        del query, body
        self.reset()
        return {"ok": True}

    def list_credentials(self) -> dict:
        with self._lock:
            items = [
                {
                    "secret_id": c.secret_id,
                    "account": c.account,
                    "temporary": c.token is not None,
                    "expires_at": c.expires_at,
                }
                for c in self.credentials.values()
            ]
        return {"credentials": items}

    def add_credentials(self, body: dict) -> dict:
        items = control_list(body, "credentials") if "credentials" in body else [body]
        parsed = [parse_credential(item) for item in items]
        with self._lock:
            for credential in parsed:
                self.credentials[credential.secret_id] = credential
        return {"secret_ids": [c.secret_id for c in parsed]}

    def remove_credential(self, secret_id: Optional[str]) -> dict:
        if not secret_id:
            raise ControlError("give ?secret_id=")
        with self._lock:
            removed = self.credentials.pop(secret_id, None) is not None
        if not removed:
            raise ControlError("no credential with that secret_id", status=404)
        return {"removed": secret_id}

    def list_roles(self) -> dict:
        with self._lock:
            return {
                "roles": [dataclasses.asdict(role) for role in self.roles.values()],
                "cvm_role": dataclasses.asdict(self.cvm_role) if self.cvm_role is not None else None,
                "issued": [dict(item) for item in self.issued],
            }

    def add_roles(self, body: dict) -> dict:
        items = control_list(body, "roles") if "roles" in body else [body]
        parsed = [parse_role(item) for item in items]
        with self._lock:
            for role in parsed:
                self.roles[role.role_arn] = role
        return {"role_arns": [role.role_arn for role in parsed]}

    def remove_role(self, role_arn: Optional[str]) -> dict:
        if not role_arn:
            raise ControlError("give ?role_arn=")
        with self._lock:
            if self.roles.pop(role_arn, None) is None:
                raise ControlError("no such role", status=404)
        return {"removed": role_arn}

    def bind_cvm_role(self, body: Any) -> dict:
        role = parse_cvm_role(body)
        with self._lock:
            self.cvm_role = role
        return {"cvm_role": dataclasses.asdict(role)}

    def unbind_cvm_role(self) -> dict:
        with self._lock:
            self.cvm_role = None
        return {"cvm_role": None}

    def list_domains(self) -> dict:
        with self._lock:
            return {"domains": sorted(self.domains)}

    def add_domains(self, body: dict) -> dict:
        domains = control_list(body, "domains")
        if not all(isinstance(d, str) and d for d in domains):
            raise ControlError("`domains` must be non-empty strings")
        with self._lock:
            self.domains.update(d.lower() for d in domains)
            return {"domains": sorted(self.domains)}

    def remove_domain(self, domain: Optional[str]) -> dict:
        if not domain:
            raise ControlError("give ?domain_name=")
        with self._lock:
            if domain.lower() not in self.domains:
                raise ControlError("no such domain", status=404)
            self.domains.discard(domain.lower())
            return {"domains": sorted(self.domains)}

    def _parse_seed(self, item: Any) -> tuple:
        item = control_object(item, "stream")
        unknown = set(item) - {
            "domain_name",
            "app_name",
            "stream_name",
            "state",
            "resume_time",
            "reason",
            "reconnect_after",
        }
        if unknown:
            raise ControlError("unknown stream field(s): {}".format(", ".join(sorted(unknown))))
        key = (
            control_str(item, "domain_name").lower(),
            control_str(item, "app_name", DEFAULT_APP),
            control_str(item, "stream_name"),
        )
        state = control_str(item, "state", "active")
        if state not in STREAM_STATES:
            raise ControlError("`state` must be one of {}".format(", ".join(STREAM_STATES)))
        record = StreamRecord(state=state)
        if state == "forbid":
            record.resume_at = self._seed_resume_at(item.get("resume_time"))
            record.reason = item.get("reason") if isinstance(item.get("reason"), str) else None
        record.reconnect_after = control_number(item, "reconnect_after", allow_none=True)
        if state == "inactive" and record.reconnect_after is not None:
            record.reconnect_at = self.clock() + record.reconnect_after  # an encoder already trying to reconnect
        return key, record

    def _seed_resume_at(self, value: Any) -> float:
        if value is None:
            return self.clock() + DEFAULT_FORBID_SECONDS
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        moment = parse_utc(value)
        if moment is None:
            raise ControlError("`resume_time` must be unix seconds or YYYY-MM-DDTHH:MM:SSZ")
        return moment

    def seed_streams(self, body: dict) -> dict:
        seeds = [self._parse_seed(item) for item in control_list(body, "streams")]
        with self._lock:
            for key, record in seeds:
                self.domains.add(key[0])
                self._store(key, record)
        return {"seeded": len(seeds)}

    def list_streams(self, query: dict) -> dict:
        domain = query_value(query, "domain_name")
        wanted = (domain.lower() if domain else None, query_value(query, "app_name"), query_value(query, "stream_name"))
        state_filter = query_value(query, "state")
        with self._lock:
            rows = [self._stream_row(key) for key in sorted(self.streams) if self._key_matches(key, wanted)]
        return {"streams": [row for row in rows if state_filter is None or row["state"] == state_filter]}

    def _stream_row(self, key: tuple) -> dict:
        """A stream as DescribeLiveStreamState sees it (a forbid of its name elsewhere included)."""
        forbid = self._forbid_record(key)
        return {
            "domain_name": key[0],
            "app_name": key[1],
            "stream_name": key[2],
            "state": self._effective_state(key),
            "resume_time": format_utc(forbid.resume_at)
            if forbid is not None and forbid.resume_at is not None
            else None,
            "reason": forbid.reason if forbid is not None else None,
        }

    def clear_streams(self) -> dict:
        with self._lock:
            self.streams = {}
            self.by_name = {}
        return {"ok": True}

    def list_published(self, query: dict) -> dict:
        """The push history (ended pushes, as DescribeLiveStreamPublishedList lists them) and how many pushes are open."""
        name = query_value(query, "stream_name")
        with self._lock:
            for record in self.streams.values():
                self._current_state(record)
            self._sort_published()
            ended = [
                push.describe()
                for push in self.published
                if push.end is not None and (name is None or push.name == name)
            ]
            open_pushes = sum(1 for push in self.published if push.end is None)
        return {"total": len(ended), "open": open_pushes, "records": ended}

    def add_published(self, body: dict) -> dict:
        unknown = set(body) - {"records", "generate"}
        if unknown or not body:
            raise ControlError("give `records` (a list) and/or `generate` (an object)")
        pushes = [self._parse_push(item) for item in control_list(body, "records")] if "records" in body else []
        if "generate" in body:
            pushes.extend(generate_pushes(control_object(body["generate"], "generate")))
        with self._lock:
            self.published.extend(pushes)
            self.published_sorted = False
            total = sum(1 for push in self.published if push.end is not None)
        return {"added": len(pushes), "total": total}

    @staticmethod
    def _parse_push(item: Any) -> PushRecord:
        item = control_object(item, "record")
        fields = {"domain_name", "app_name", "stream_name", "start", "end", "stop_reason", "client_ip", "resolution"}
        unknown = set(item) - fields
        if unknown:
            raise ControlError("unknown record field(s): {}".format(", ".join(sorted(unknown))))
        key = (
            control_str(item, "domain_name").lower(),
            control_str(item, "app_name", DEFAULT_APP),
            control_str(item, "stream_name"),
        )
        start, end = control_moment(item, "start"), control_moment(item, "end")
        if end < start:
            raise ControlError("`end` must not be before `start`")
        extras = {name: control_str(item, name) for name in ("stop_reason", "client_ip", "resolution") if name in item}
        return PushRecord(key, start, end, **extras)

    def clear_published(self) -> dict:
        with self._lock:
            self.published = []
            self.published_sorted = True
            for record in self.streams.values():
                record.push = None
        return {"ok": True}

    def list_faults(self) -> dict:
        with self._lock:
            return {"faults": [fault.describe() for fault in self.faults]}

    def add_faults(self, body: dict) -> dict:
        faults = [parse_fault(item) for item in control_list(body, "faults")]
        with self._lock:
            self.faults.extend(faults)
            return {"faults": [fault.describe() for fault in self.faults]}

    def clear_faults(self) -> dict:
        with self._lock:
            self.faults = []
        return {"ok": True}

    def get_settings(self) -> dict:
        with self._lock:
            settings = copy.deepcopy(self.settings)
            settings["quota_limits"] = {action: self._quota_limit(action) for action in ALL_QUOTAS}
        return settings

    def update_settings(self, body: Any) -> dict:
        clean = validate_settings(body)
        with self._lock:
            self.settings.update(clean)
            self.buckets = {}
        return self.get_settings()

    def list_calls(self, action: Optional[str]) -> dict:
        with self._lock:
            calls = [dict(call) for call in self.calls if action is None or call["action"] == action]
        counts: dict = {}
        admitted: dict = {}
        for call in calls:
            counts[call["action"]] = counts.get(call["action"], 0) + 1
            if call["admitted"]:
                admitted.setdefault(call["action"], []).append(call["ts"])
        maxima = {name: window_max(stamps) for name, stamps in admitted.items()}
        return {"calls": calls, "counts": counts, "window_max": maxima}

    def clear_calls(self) -> dict:
        with self._lock:
            self.calls = []
        return {"ok": True}


# --------------------------------------------------------------------------- HTTP plumbing


class BodyError(Exception):
    """The request body could not be read (bad framing or too large)."""


class LiveRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "live-emulator/1.0"
    sys_version = ""
    disable_nagle_algorithm = True  # headers and body go out in separate writes

    def setup(self) -> None:
        context = self.server.tls_context
        if context is not None:
            self.request.settimeout(TLS_HANDSHAKE_TIMEOUT)
            self.request = context.wrap_socket(self.request, server_side=True)
            self.request.settimeout(None)
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        self.server.untrack(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format, *args) -> None:  # pylint: disable=redefined-builtin
        """Quiet access log."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        try:
            body = self._read_body()
        except BodyError as error:
            self.close_connection = True
            self._send_json(413 if "large" in str(error) else 400, {"error": str(error)})
            return
        if url.path == "/_emulator" or url.path.startswith("/_emulator/"):
            if self.server.control:
                self._control(url, body)
            else:
                self._send_json(404, {"error": f"not found: {url.path}"})
        elif url.path.startswith(METADATA_PREFIX):
            status, payload, content_type = self.server.core.handle_metadata(self.command, url.path)
            self._send(status, payload, content_type, ())
        elif url.path == "/":
            self._api(url, body)
        else:
            self._send_json(404, {"error": f"not found: {url.path}"})

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        if not length.strip().isdigit():
            raise BodyError("bad Content-Length")
        if int(length) > MAX_BODY_BYTES:
            raise BodyError("request body too large")
        return self.rfile.read(int(length))

    def _read_chunked(self) -> bytes:
        chunks, total = [], 0
        while True:
            line = self.rfile.readline(65537)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                raise BodyError("bad chunked encoding") from None
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise BodyError("request body too large")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(65537)

    def _headers_dict(self) -> dict:
        headers: dict = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), value)
        return headers

    def _api(self, url, body: bytes) -> None:
        request = ApiRequest(self.command, url.path, url.query, self._headers_dict(), body)
        outcome = self.server.core.handle_api(request)
        if outcome.delay > 0:
            time.sleep(outcome.delay)
        if outcome.close:
            self.close_connection = True
            return
        self._send(outcome.status, outcome.body, outcome.content_type, outcome.headers)

    def _control(self, url, body: bytes) -> None:
        route = url.path[len("/_emulator/") :].strip("/")
        status, payload = self.server.core.handle_control(self.command, route, parse_qs(url.query), body)
        self._send_json(status, payload)

    def _send_json(self, status: int, payload: Any) -> None:
        self._send(status, json_bytes(payload), "application/json", ())

    def _send(self, status: int, body: bytes, content_type: str, headers: tuple) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)


class LiveHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple, core: EmulatorCore, tls_context: Optional[ssl.SSLContext], control: bool = True):
        self.core = core
        self.tls_context = tls_context
        self.control = control
        self._connections: set = set()
        self._connections_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, LiveRequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn); skip it.
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = self.server_address[1]

    def track(self, connection) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
            self._connections.clear()
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            return  # client went away, TLS handshake failed, connection shut down at stop
        sys.stderr.write(f"live-emulator: error serving {client_address[0]}: {error!r}\n")


# --------------------------------------------------------------------------- TLS


def generate_tls_files(cert_dir: str) -> tuple:
    """Self-signed cert+key for 127.0.0.1/localhost; ca.pem is a copy of the cert."""
    os.makedirs(cert_dir, exist_ok=True)
    cert_path = os.path.join(cert_dir, "cert.pem")
    key_path = os.path.join(cert_dir, "key.pem")
    command = [
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout",
        key_path,
        "-out",
        cert_path,
    ]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    shutil.copyfile(cert_path, os.path.join(cert_dir, "ca.pem"))
    return cert_path, key_path


def tls_server_context(cert_dir: str) -> ssl.SSLContext:
    cert_path, key_path = generate_tls_files(cert_dir)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    return context


# --------------------------------------------------------------------------- in-process runner


class LiveEmulator:
    """Runs the emulator in a background thread: ``host, port = LiveEmulator(config).start()``."""

    def __init__(
        self,
        config: Optional[dict] = None,
        host: str = "127.0.0.1",
        port: int = 0,
        call_log: Optional[str] = None,
        tls_cert_dir: Optional[str] = None,
        clock: Optional[Callable[[], float]] = None,
        control: bool = True,
    ):
        self.core = EmulatorCore(config, clock=clock, call_log=call_log)
        self.host = host
        self.port = port
        self.tls_cert_dir = tls_cert_dir
        self.control = control
        self._server: Optional[LiveHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    @property
    def scheme(self) -> str:
        return "https" if self.tls_cert_dir else "http"

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return "%s://%s:%d" % (self.scheme, host, self.port)

    @property
    def ca_file(self) -> Optional[str]:
        return os.path.join(self.tls_cert_dir, "ca.pem") if self.tls_cert_dir else None

    def start(self) -> tuple:
        context = tls_server_context(self.tls_cert_dir) if self.tls_cert_dir else None
        self._server = LiveHTTPServer((self.host, self.port), self.core, context, control=self.control)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name="live-emulator", daemon=True
        )
        self._thread.start()
        return self.host, self.port

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.close_connections()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        self.core.close()

    def __enter__(self) -> LiveEmulator:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


# --------------------------------------------------------------------------- command line


def parse_args(argv: Optional[list]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Tencent Cloud Live API 3.0 emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", help="write the bound port here (atomically) once listening")
    parser.add_argument("--config", help="JSON: {credentials, domains, streams, settings, roles, cvm_role}")
    parser.add_argument("--call-log", help="append every API call as a JSON line here")
    parser.add_argument("--latency-ms", type=float, help="sleep this long before every API answer")
    parser.add_argument("--no-quotas", action="store_true", help="do not enforce the per-action quotas")
    parser.add_argument(
        "--quota-window",
        choices=QUOTA_WINDOWS,
        help="bucket (default): token bucket, burst = rate; sliding: at most the quota in any 1.0 s window",
    )
    parser.add_argument(
        "--strict-resume", action="store_true", help="ResumeLiveStream of a stream that is not forbidden fails"
    )
    parser.add_argument("--strict-resume-code", help="the error code of --strict-resume (default FailedOperation)")
    parser.add_argument(
        "--forbid-scope",
        choices=FORBID_SCOPES,
        help="name (default, as Tencent): a forbid covers the stream name on every domain and app; strict: domain+app+name",
    )
    parser.add_argument(
        "--online-page-size-max",
        type=int,
        help="largest DescribeLiveStreamOnlineList PageSize (default %d)" % MAX_PAGE_SIZE,
    )
    parser.add_argument(
        "--intl",
        action="store_true",
        help="the international site's limits: online list PageSize at most %d" % INTL_PAGE_SIZE_MAX,
    )
    parser.add_argument("--unknown-domain-code", help="error code for a domain the account does not have")
    parser.add_argument(
        "--reconnect-after-resume",
        type=float,
        help="seconds after a ResumeLiveStream lifts a forbid until the stream is active again (default: never)",
    )
    parser.add_argument(
        "--published-cap-mode",
        choices=PUBLISHED_CAP_MODES,
        help="DescribeLiveStreamPublishedList beyond record 10,000: truncate (default, empty pages) or error",
    )
    parser.add_argument(
        "--strict", action="store_true", help="shorthand: --quota-window sliding --strict-resume --forbid-scope name"
    )
    parser.add_argument("--no-control", action="store_true", help="answer 404 on /_emulator/* (no control interface)")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a generated self-signed cert")
    parser.add_argument("--cert-dir", help="with --tls: where cert.pem, key.pem and ca.pem are written")
    args = parser.parse_args(argv)
    if args.tls and not args.cert_dir:
        parser.error("--tls needs --cert-dir")
    return args


def cli_settings(args: argparse.Namespace) -> dict:
    """The settings the command line gives; they override the config file's."""
    settings: dict = {}
    if args.strict:
        settings["strict"] = True
    if args.intl:
        settings["online_page_size_max"] = INTL_PAGE_SIZE_MAX
    flags = {
        "latency_ms": args.latency_ms,
        "quota_window": args.quota_window,
        "strict_resume_code": args.strict_resume_code,
        "forbid_scope": args.forbid_scope,
        "online_page_size_max": args.online_page_size_max,
        "unknown_domain_code": args.unknown_domain_code,
        "reconnect_after_resume": args.reconnect_after_resume,
        "published_cap_mode": args.published_cap_mode,
    }
    settings.update((name, value) for name, value in flags.items() if value is not None)
    if args.no_quotas:
        settings["quotas"] = False
    if args.strict_resume:
        settings["strict_resume"] = True
    return settings


def load_config(args: argparse.Namespace) -> dict:
    config: dict = {}
    if args.config:
        with open(args.config, encoding="utf-8") as handle:
            config = json.load(handle)
        EmulatorCore._check_config_shape(config)  # pylint: disable=protected-access
    settings = dict(config.get("settings") or {})
    settings.update(cli_settings(args))
    if settings:
        config["settings"] = validate_settings(settings)
    return config


def write_port_file(path: str, port: int) -> None:
    temporary = "%s.%d.tmp" % (path, os.getpid())
    with open(temporary, "w", encoding="ascii") as handle:
        handle.write("%d\n" % port)
    os.replace(temporary, path)


def main(argv: Optional[list] = None) -> int:
    args = parse_args(argv)
    try:
        emulator = LiveEmulator(
            load_config(args),
            host=args.host,
            port=args.port,
            call_log=args.call_log,
            tls_cert_dir=args.cert_dir if args.tls else None,
            control=not args.no_control,
        )
        emulator.start()
    except (ControlError, OSError, ValueError, subprocess.CalledProcessError) as error:
        sys.stderr.write("live-emulator: cannot start: {}\n".format(getattr(error, "message", error)))
        return 2
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if args.port_file:
        write_port_file(args.port_file, emulator.port)
    print(f"live-emulator listening on {emulator.url}", flush=True)
    while not stop.wait(0.5):
        pass
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

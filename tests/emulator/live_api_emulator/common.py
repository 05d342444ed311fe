# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every part of the emulator shares: the Live and STS API surface (versions, actions and
their parameters, limits), the default account, the two error types, UTC time, the request and
answer records, and Tencent's JSON envelopes.
"""

import dataclasses
import datetime
import json
import re
import time
from typing import Any, Optional

from .config_surface import CONFIG_ACTION_PARAMS, CONFIG_WRITES

API_VERSION = "2018-08-01"
SERVICE = "live"
MAX_SKEW_SECONDS = 300

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

STREAM_STATES = ("active", "inactive", "forbid")
UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
UTC_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")

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
    # callback and snapshot templates and rules: config_surface.py, run by live_config.py
    **CONFIG_ACTION_PARAMS,
}
# the actions that change something: a fault's action "writes" matches each of them
WRITE_ACTIONS = ("ResumeLiveStream", "ForbidLiveStream", "DropLiveStream", *CONFIG_WRITES)
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
SERVICE_APIS = {
    SERVICE: (API_VERSION, ACTION_PARAMS),
    STS_SERVICE: (STS_VERSION, STS_ACTION_PARAMS),
}
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


def iso_utc(timestamp: float) -> str:
    return format_utc(int(timestamp))


@dataclasses.dataclass
class ApiRequest:
    """One request to the API as the server received it."""

    method: str
    path: str
    query: str
    headers: dict  # lower-case name -> raw value (first occurrence)
    body: bytes
    arrived: Optional[float] = None  # server time the request (line and headers) had arrived


@dataclasses.dataclass
class Outcome:
    """What the server does with an API request: answer (after ``delay`` seconds, or dripping), or close the connection."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: tuple = ()
    close: bool = False
    delay: float = 0.0
    # drip: write the whole answer one byte every this many seconds; call: its call-log entry, which the
    # server completes (drip_end, hung_up) when the drip ends
    drip: float = 0.0
    call: Optional[dict] = None


def json_bytes(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def envelope_ok(data: dict, request_id: str) -> Outcome:
    response = dict(data)
    response["RequestId"] = request_id
    return Outcome(body=json_bytes({"Response": response}))


def envelope_error(error: ApiError, request_id: str) -> Outcome:
    response = {"Error": {"Code": error.code, "Message": error.message}, "RequestId": request_id}
    return Outcome(body=json_bytes({"Response": response}))

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callback and snapshot templates as values: each field's check (a bad value is answered with
Tencent's error code), the unset value of each field, and what a Describe call shows of a stored
template (the callback key in plain text, null or absent fields, the write-only URL left out).
One table per kind, TEMPLATE_KINDS; live_config.py holds the templates and runs the actions.
"""

import re
import urllib.parse
from typing import Any, Optional

from .common import ApiError
from .config_surface import (
    CALLBACK_ABSENT_WHEN_UNSET,
    CALLBACK_KEY_MAX,
    CALLBACK_NULLABLE,
    CALLBACK_TEMPLATE_FIELDS,
    CALLBACK_URL_FIELDS,
    CALLBACK_WRITE_ONLY,
    DESCRIPTION_MAX_BYTES,
    RECORD_EXCEPTION_LEVELS,
    SNAPSHOT_COS_FIELDS,
    SNAPSHOT_INTERVAL,
    SNAPSHOT_NULLABLE,
    SNAPSHOT_TEMPLATE_FIELDS,
    TEMPLATE_NAME_MAX_BYTES,
)

# letters, digits, "_", "-" and Chinese (the SDK's TemplateName rule)
TEMPLATE_NAME_PATTERN = re.compile(r"[A-Za-z0-9_\-\u4e00-\u9fff]+")
CALLBACK_KEY_PATTERN = re.compile(rf"[A-Za-z0-9]{{1,{CALLBACK_KEY_MAX}}}")
BUCKET_WITH_APPID = re.compile(r".+-\d{6,}")


def invalid(name: str, why: str, code: str = "InvalidParameterValue") -> ApiError:
    return ApiError(code, f"The value of `{name}` {why}.")


def check_string(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise invalid(name, "must be a string")
    return value


def check_template_name(value: Any) -> str:
    value = check_string("TemplateName", value)
    if not TEMPLATE_NAME_PATTERN.fullmatch(value) or len(value.encode("utf-8")) > TEMPLATE_NAME_MAX_BYTES:
        raise invalid(
            "TemplateName",
            f"must be 1 to {TEMPLATE_NAME_MAX_BYTES} bytes of letters, digits, `_`, `-` or Chinese",
            "InvalidParameter.ArgsNotMatch",
        )
    return value


def check_description(value: Any) -> str:
    value = check_string("Description", value)
    if len(value.encode("utf-8")) > DESCRIPTION_MAX_BYTES:
        raise invalid("Description", f"is longer than {DESCRIPTION_MAX_BYTES} bytes")
    return value


def url_checker(name: str):
    def check(value: Any) -> str:
        value = check_string(name, value)
        if value and not (value.startswith(("http://", "https://")) and len(value) > len("https://")):
            raise invalid(name, "must be an http:// or https:// URL", "InvalidParameter.InvalidCallbackUrl")
        host = urllib.parse.urlsplit(value).hostname or ""
        if value and host.rstrip(".").endswith(".invalid"):
            # Tencent refuses a URL whose host does not resolve; a name under .invalid (RFC 2606) never does
            raise invalid(name, "has a host that does not resolve", "InvalidParameter.UrlNotSafe")
        return value

    return check


def check_callback_key(value: Any) -> str:
    value = check_string("CallbackKey", value)
    if value and not CALLBACK_KEY_PATTERN.fullmatch(value):
        # the message never repeats the value: it is a secret
        raise invalid("CallbackKey", f"must be 1 to {CALLBACK_KEY_MAX} letters and digits")
    return value


def check_levels(value: Any) -> list:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid("RecordExceptionLevels", "must be a list of strings")
    unknown = [item for item in value if item not in RECORD_EXCEPTION_LEVELS]
    if unknown:
        raise invalid("RecordExceptionLevels", "may hold only {}".format(", ".join(RECORD_EXCEPTION_LEVELS)))
    return list(value)


def int_checker(name: str, lowest: int, highest: Optional[int]):
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid(name, "must be an integer")
        if value < lowest or (highest is not None and value > highest):
            limits = f"from {lowest} to {highest}" if highest is not None else f"at least {lowest}"
            raise invalid(name, f"must be {limits}, got {value}")
        return value

    return check


def check_bucket(value: Any) -> str:
    value = check_string("CosBucket", value)
    if BUCKET_WITH_APPID.fullmatch(value):
        raise invalid("CosBucket", "must be the bucket name without its `-appid` suffix")
    return value


class TemplateKind:
    """One kind of template: its fields, their checks and unset values, and its read."""

    def __init__(self, kind: str, fields: tuple, checks: dict, unset: dict, required: tuple):
        self.kind = kind
        self.fields = fields
        self.checks = checks
        self.unset = unset
        self.required = required  # on Create (Modify: SNAPSHOT_COS_FIELDS for snapshots)

    def check(self, name: str, value: Any) -> Any:
        return self.checks[name](value)

    def read(self, template_id: int, record: dict, style: str) -> dict:
        """What DescribeLive*Template(s) shows: ``style`` "sparse" gives null or leaves out an unset
        field where the SDK says a read may, "empty" gives every field."""
        shown: dict = {"TemplateId": template_id}
        for name in self.fields:
            if name in CALLBACK_WRITE_ONLY and self.kind == "callback":
                continue
            value = record.get(name, self.unset[name])
            if style == "sparse" and value == self.unset[name]:
                if self.kind == "callback" and name in CALLBACK_ABSENT_WHEN_UNSET:
                    continue
                if name in (CALLBACK_NULLABLE if self.kind == "callback" else SNAPSHOT_NULLABLE):
                    value = None
            shown[name] = value
        if self.kind == "callback":
            shown["StreamMixNotifyUrl"] = ""  # deprecated: always read back as ""
        return shown


CALLBACK_CHECKS = dict(
    {name: url_checker(name) for name in CALLBACK_URL_FIELDS},
    TemplateName=check_template_name,
    Description=check_description,
    CallbackKey=check_callback_key,
    RecordExceptionLevels=check_levels,
    StreamMixNotifyUrl=url_checker("StreamMixNotifyUrl"),
)
SNAPSHOT_CHECKS = {
    "TemplateName": check_template_name,
    "Description": check_description,
    "CosAppId": int_checker("CosAppId", 1, None),
    "CosBucket": check_bucket,
    "CosRegion": lambda value: check_string("CosRegion", value),
    "SnapshotInterval": int_checker("SnapshotInterval", SNAPSHOT_INTERVAL[0], SNAPSHOT_INTERVAL[1]),
    "Width": int_checker("Width", 0, 3000),
    "Height": int_checker("Height", 0, 2000),
    "PornFlag": int_checker("PornFlag", 0, 1),
    "CosPrefix": lambda value: check_string("CosPrefix", value),
    "CosFileName": lambda value: check_string("CosFileName", value),
}
TEMPLATE_KINDS = {
    "callback": TemplateKind(
        "callback",
        CALLBACK_TEMPLATE_FIELDS,
        CALLBACK_CHECKS,
        dict(dict.fromkeys(CALLBACK_TEMPLATE_FIELDS, ""), RecordExceptionLevels=[]),
        ("TemplateName",),
    ),
    "snapshot": TemplateKind(
        "snapshot",
        SNAPSHOT_TEMPLATE_FIELDS,
        SNAPSHOT_CHECKS,
        dict(
            dict.fromkeys(SNAPSHOT_TEMPLATE_FIELDS, ""),
            CosAppId=0,
            SnapshotInterval=SNAPSHOT_INTERVAL[2],
            Width=0,
            Height=0,
            PornFlag=0,
        ),
        ("TemplateName", *SNAPSHOT_COS_FIELDS),
    ),
}

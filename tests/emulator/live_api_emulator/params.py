# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input checks: the parameters of an API call (a bad one is answered with Tencent's error code,
ApiError) and the values of a control-interface body or a --config file (ControlError, HTTP 400).
"""

import json
from typing import Any, Optional

from .common import (
    DEFAULT_FORBID_SECONDS,
    MAX_FORBID_SECONDS,
    MAX_REASON_BYTES,
    MIN_PAGE_SIZE,
    ApiError,
    ControlError,
    parse_utc,
)

# --------------------------------------------------------------------------- API parameters


def decode_params(body: bytes) -> dict:
    try:
        params = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApiError("InvalidParameter", "The request body is not valid JSON.") from None
    if not isinstance(params, dict):
        raise ApiError("InvalidParameter", "The request body must be a JSON object.")
    return params


def peek_params(body: bytes) -> dict:
    """The body's parameters for the call log and faults, before any check: {} when it is not a JSON object."""
    try:
        params = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return params if isinstance(params, dict) else {}


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
        limits = f"between {lowest} and {highest}" if highest is not None else f"at least {lowest}"
        raise ApiError("InvalidParameterValue", f"The value of `{name}` must be {limits}, got {value}.")
    return value


def page_size_param(params: dict, highest: int) -> int:
    value = params.get("PageSize")
    if value is None:
        return MIN_PAGE_SIZE
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError("InvalidParameterValue", "The value of `PageSize` must be an integer.")
    if not MIN_PAGE_SIZE <= value <= highest:
        raise ApiError("InvalidParameterValue", f"PageSize must be {MIN_PAGE_SIZE}..{highest}, got {value}.")
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
        raise ApiError("InvalidParameterValue", f"Reason is longer than {MAX_REASON_BYTES} bytes.")
    return value


# --------------------------------------------------------------------------- control values


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


def query_value(query: dict, name: str) -> Optional[str]:
    values = query.get(name)
    return values[0] if values else None

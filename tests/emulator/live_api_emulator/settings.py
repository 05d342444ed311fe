# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's settings (GET/POST /_emulator/settings, the --config file's "settings", the
command-line flags): their defaults, the "strict" shorthand and the checks of an update.
"""

from typing import Any

from .common import MAX_PAGE_SIZE, MIN_PAGE_SIZE, PUBLISHED_CAP_MODES, ControlError
from .config_surface import CONFIG_CHOICES, CONFIG_CODES, DEFAULT_CONFIG_SETTINGS, STRICT_CONFIG_SETTINGS
from .params import control_number, control_object, control_str
from .quotas import ALL_QUOTAS

# the international site (intl.cloud.tencent.com) documents PageSize 10..100 for the online list
INTL_PAGE_SIZE_MAX = 100

QUOTA_WINDOWS = ("bucket", "sliding", "leaky")
FORBID_SCOPES = ("name", "strict")
DEFAULT_SETTINGS = {
    "latency_ms": 0,
    "quotas": True,
    "quota_overrides": {},
    "quota_window": "bucket",
    "unknown_domain_code": "InternalError.ConfigNotExist",
    "strict_resume": False,
    "strict_resume_code": "FailedOperation",
    # DropLiveStream of a stream that is not pushing: None succeeds (Tencent's page says so), a code fails with it
    # (the SDKs listed ResourceNotFound.StreamNotAlive for DropLiveStream until 2022)
    "drop_inactive_code": None,
    "forbid_scope": "name",
    "online_page_size_max": MAX_PAGE_SIZE,
    "reconnect_after_resume": None,
    "published_cap_mode": "truncate",
    # callback and snapshot templates and rules: Tencent's undocumented answers and error codes (config_surface.py)
    **DEFAULT_CONFIG_SETTINGS,
}
# "strict": true in POST /_emulator/settings (and --strict) is shorthand for these
STRICT_SETTINGS = {
    "quota_window": "sliding",
    "strict_resume": True,
    "forbid_scope": "name",
    "drop_inactive_code": "ResourceNotFound.StreamNotAlive",
    **STRICT_CONFIG_SETTINGS,
}
NOT_STRICT_SETTINGS = {
    "quota_window": "bucket",
    "strict_resume": False,
    "forbid_scope": "name",
    "drop_inactive_code": None,
    **{name: DEFAULT_CONFIG_SETTINGS[name] for name in STRICT_CONFIG_SETTINGS},
}


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
        "drop_inactive_code": lambda v: (
            None if v is None else control_str({"drop_inactive_code": v}, "drop_inactive_code")
        ),
        "forbid_scope": lambda v: validate_choice_setting("forbid_scope", v, FORBID_SCOPES),
        "online_page_size_max": validate_page_size_max,
        "reconnect_after_resume": lambda v: control_number(
            {"reconnect_after_resume": v}, "reconnect_after_resume", allow_none=True
        ),
        "published_cap_mode": lambda v: validate_choice_setting("published_cap_mode", v, PUBLISHED_CAP_MODES),
        "strict": lambda v: validate_bool_setting("strict", v),
    }
    for name, choices in CONFIG_CHOICES.items():
        checks[name] = lambda v, name=name, choices=choices: validate_choice_setting(name, v, choices)
    for name in CONFIG_CODES:
        checks[name] = lambda v, name=name: control_str({name: v}, name)
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
        raise ControlError(f"`online_page_size_max` must be an integer of at least {MIN_PAGE_SIZE}")
    return value


def validate_quota_overrides(value: Any) -> dict:
    if not isinstance(value, dict):
        raise ControlError("`quota_overrides` must be an object of action: requests per second")
    for action in value:
        if action not in ALL_QUOTAS:
            raise ControlError(f"quota_overrides: unknown action `{action}`")
        control_number(value, action)
    return dict(value)

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The checks of the Live configuration modules' options, made before any API call: each problem names the option
and the fix.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.
"""

import re

from ansible_collections.tencent.cloud.plugins.module_utils._config_kinds import (
    MAX_DESCRIPTION_BYTES,
    MAX_INTERVAL,
    MAX_NAME_BYTES,
    MIN_INTERVAL,
    URL_SCHEMES,
)
from ansible_collections.tencent.cloud.plugins.module_utils._streams import name_problem

# Tencent: letters, digits, "_" and "-" (Chinese characters too); \w is Unicode letters, digits and "_".
TEMPLATE_NAME = re.compile(r"[\w-]+")
# Tencent's console: the callback key is at most 32 letters and digits.
CALLBACK_KEY = re.compile(r"[A-Za-z0-9]{1,32}")
# A shorter key is warned about: whoever sees one callback (t and sign = md5(key + t)) can try keys offline.
SHORT_CALLBACK_KEY = 16


def callback_key_problem(key):
    """The callback key's problem, never quoting it."""
    if key is None or CALLBACK_KEY.fullmatch(key):
        return None
    return (
        f"callback_key (or TENCENTCLOUD_LIVE_CALLBACK_KEY) must be 1 to 32 letters and digits, as Tencent requires; "
        f"the value given has {len(key)} characters and is not shown"
    )


def callback_key_warning(key):
    """A warning for a valid callback key shorter than SHORT_CALLBACK_KEY characters, never quoting it; or None."""
    if key is None or not CALLBACK_KEY.fullmatch(key) or len(key) >= SHORT_CALLBACK_KEY:
        return None
    return (
        f"callback_key (or TENCENTCLOUD_LIVE_CALLBACK_KEY) has only {len(key)} characters: whoever sees one callback "
        f"(its t and sign) can find a key this short by trying keys offline, then sign any callback. Use "
        f"{SHORT_CALLBACK_KEY} to 32 letters and digits"
    )


def template_name_problem(option, name):
    if name is None:
        return None
    if not name or not TEMPLATE_NAME.fullmatch(name):
        return f"{option} {name!r} may only have letters, digits, '_' and '-' (Tencent's rule for template names)"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"{option} is {len(name.encode('utf-8'))} bytes long: Tencent allows at most {MAX_NAME_BYTES}"
    return None


def template_id_problem(option, template_id):
    if template_id is not None and template_id <= 0:
        return f"{option} must be a positive TemplateId as Tencent gives it, got {template_id}"
    return None


def url_problems(kind, urls):
    """The urls dict: known keys only; each value "" (clear it) or an http:// or https:// URL."""
    if urls is None:
        return []
    problems = []
    known = kind.url_keys
    for key, value in urls.items():
        if key not in known:
            problems.append(f"urls has an unknown key {key!r}: use {', '.join(known)}")
        elif value is None:  # not given: left as it is
            continue
        elif not isinstance(value, str):
            problems.append(f'urls.{key} must be a URL string, or "" to clear it; got {type(value).__name__}')
        elif value and (not value.startswith(URL_SCHEMES) or any(char.isspace() for char in value) or len(value) < 10):
            problems.append(f'urls.{key} {value!r} is not an http:// or https:// URL (give "" to clear it)')
    return problems


def _range_problem(option, value, low, high=None):
    if value is None or (value >= low and (high is None or value <= high)):
        return None
    bounds = f"between {low} and {high}" if high is not None else f"{low} or more"
    return f"{option} must be {bounds}, got {value}"


def template_problems(kind, params):
    """Every problem of a template module's options (all at once)."""
    problems = [
        template_name_problem("name", params["name"]),
        template_id_problem("template_id", params["template_id"]),
    ]
    description = params.get("description")
    if description is not None and len(description.encode("utf-8")) > MAX_DESCRIPTION_BYTES:
        problems.append(f"description is longer than Tencent's {MAX_DESCRIPTION_BYTES} bytes")
    if kind.url_option:
        problems.extend(url_problems(kind, params.get(kind.url_option)))
        problems.append(callback_key_problem(params.get("callback_key")))
    if "interval" in params:
        problems.append(_range_problem("interval", params["interval"], MIN_INTERVAL, MAX_INTERVAL))
        problems.append(_range_problem("width", params["width"], 0))
        problems.append(_range_problem("height", params["height"], 0))
        problems.append(_range_problem("cos_app_id", params["cos_app_id"], 1))
        bucket, app_id = params["cos_bucket"], params["cos_app_id"]
        if bucket is not None and app_id is not None and bucket.endswith(f"-{app_id}"):
            problems.append(
                f"cos_bucket {bucket!r} ends with -{app_id}: give the bucket name without the -appid suffix "
                f"({bucket[: -len(str(app_id)) - 1]!r}), as Tencent asks"
            )
    return [problem for problem in problems if problem]


def rule_problems(rule_kind, params, info=False):
    """Every problem of a rule module's (or the info module's) names: app_name and stream_name may be "" (all)."""
    problems = []
    for option, _api in rule_kind.identity:
        value = params.get(option)
        if info and value is None:
            continue
        if option != "domain_name" and value == "":
            continue
        problems.append(name_problem(option, value))
    if not info:
        problems.append(template_name_problem("template_name", params.get("template_name")))
        problems.append(template_id_problem("template_id", params.get("template_id")))
    return [problem for problem in problems if problem]

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a Tencent Live callback body means, read as hostile input: is it genuine, can every later stage carry
it, which names does it give, is it a re-delivery, and the ``tencent_live`` part of its event.

Part of the event source tencent.cloud.live_callback (live_callback.py loads this file by its path:
ansible-rulebook runs a source as a file on its own). Nothing here raises on any JSON value. The rule for a
name is the modules' own, plugins/module_utils/_names.py, loaded by its path too.
"""

import base64
import collections
import hashlib
import hmac
import importlib.util
import json
import logging
import math
import os
import re

PLUGIN = "tencent.cloud.live_callback"
# event_type number -> event name (Tencent's "Callback Notifications" pages); any other number: "other"
EVENT_NAMES = {1: "push", 0: "interrupt", 100: "record", 200: "snapshot", 317: "moderation", 321: "push_error"}
ALL_EVENTS = ("push", "interrupt", "record", "snapshot", "moderation", "push_error", "other")
# Tencent's interruption table lists "the pushed stream name is forbidden" as code 305 (a sub-code of
# errcode 18); which field of a callback carries it is not documented, so both spellings count.
STREAM_FORBIDDEN_CODE = 305
# the re-delivery memory holds at most this many callbacks; under a flood the oldest are forgotten first
DEDUP_CAPACITY = 100_000
# each name the modules take, and how the callbacks spell it (the first one present counts)
NAME_FIELDS = {
    "domain_name": ("app", "domain", "domain_name"),
    "app_name": ("appname", "path", "app_name"),
    "stream_name": ("stream_id", "streamId", "stream_name", "channel_id", "channelId"),
}
MAX_DEPTH = 32  # deeper JSON is refused: nothing Tencent sends nests like that, and the rule engine has limits too
_NUMBER = re.compile(r"-?[0-9]{1,18}")  # ASCII digits only ("²".isdigit() is true), small enough for any engine
_TEMPLATE = ("{{", "{%", "{#")
# What the later stages carry (ansible-rulebook 1.3's engine: drools via jpy, Jackson 2.19; ansible-core reading
# the YAML of env/extravars): Jackson refuses a number written with more than 1000 characters and a key of more
# than 50,000 characters (tests/eda/test_engine_fuzz.py finds what else).
MAX_NUMBER_TEXT = 1000
MAX_KEY = 50_000
MAX_TEXT = 20_000_000  # reached only with a max_body_bytes far above its default
# A character beyond U+FFFF comes back from the engine split into two halves of a surrogate pair, which no
# action can print and ansible-core's YAML reader refuses; a lone surrogate is refused the same way.
_UNCARRIABLE = re.compile("[\ud800-\udfff\U00010000-\U0010ffff]")

logger = logging.getLogger(PLUGIN)


def _load_names():
    """plugins/module_utils/_names.py of this collection, by its path (here: extensions/eda/plugins/_live_callback/)."""
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "..", "..", "..", "plugins", "module_utils", "_names.py")
    spec = importlib.util.spec_from_file_location("tencent_cloud_live_callback_names", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_names = _load_names()
escape = _names.escape


def signature_problem(body, key, now):
    """Why a callback is not genuine (sign == md5(key + t), t not past), or None. Never shows the sign."""
    t, sign = body.get("t"), body.get("sign")
    if _number(t) is None or _number(t) < 0:
        return "no valid `t` (the expiry time)"
    if not isinstance(sign, str) or not sign:
        return "no `sign`"
    expected = hashlib.md5(f"{key}{str(t).strip()}".encode()).hexdigest()  # signed as Tencent wrote it
    if not hmac.compare_digest(expected.encode("ascii"), sign.strip().lower().encode("utf-8", "replace")):
        return "the sign does not match the callback key"
    if _number(t) < now:
        return "it has expired (`t` is in the past)"
    return None


def too_deep(value, limit=MAX_DEPTH):
    """True when a JSON value nests deeper than ``limit`` (checked without recursion)."""
    level = [value]
    for _depth in range(limit + 1):
        level = [v for item in level if isinstance(item, (dict, list)) for v in _children(item)]
        if not level:
            return False
    return True


def _children(item):
    return item.values() if isinstance(item, dict) else item


def carry_problem(value):
    """Why a JSON value (not nested deeper than MAX_DEPTH) cannot be carried through the rule engine and into a
    playbook's extra vars, or None: a key that is empty, not text or too long; a number that is not finite (JSON
    reads 1e400 as infinity) or too long; text with a lone surrogate or a character beyond U+FFFF."""
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            for key in item:
                problem = _key_problem(key)
                if problem:
                    return problem
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
        else:
            problem = _value_problem(item)
            if problem:
                return problem
    return None


def _key_problem(key):
    if not isinstance(key, str) or key == "":
        return f"it has {'an empty' if key == '' else 'a non-text'} key, which the rule engine cannot take"
    if len(key) > MAX_KEY:
        return f"it has a key longer than {MAX_KEY} characters"
    return _text_problem(key, "a key")


def _value_problem(value):
    if isinstance(value, float) and not math.isfinite(value):
        return "it holds a number that is not finite (such as 1e400)"
    if isinstance(value, int) and not isinstance(value, bool) and len(str(value)) > MAX_NUMBER_TEXT:
        return f"it holds an integer of more than {MAX_NUMBER_TEXT} characters"
    return _text_problem(value, "a text") if isinstance(value, str) else None


def _text_problem(text, what):
    if len(text) > MAX_TEXT:
        return f"{what} is longer than {MAX_TEXT} characters"
    found = _UNCARRIABLE.search(text)
    if found is None:
        return None
    kind = "a lone surrogate" if found.group() <= "\udfff" else "a character beyond U+FFFF (such as an emoji)"
    return f"{what} holds {kind}, which the rule engine cannot hand on"


def shown(value, limit=120):
    """A value of a callback as a log line may show it: text escaped (no control character reaches the log), cut."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return "?" if value is None else f"<{type(value).__name__}>"
    text = escape(str(value))
    return text if len(text) <= limit else text[:limit] + "..."


def name_problem(field, value):
    """Why a callback's domain, app or stream name cannot be acted on safely, or None: the modules' rule for a name
    (_names.name_fault), and no template delimiters."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return f"its {field} is not text"
    text = str(value)
    fault = _names.name_fault(field, text)
    if fault is None and any(mark in text for mark in _TEMPLATE):
        fault = "holds template delimiters ({{, {% or {#)"
    if fault is None:
        return None
    return f"its {field} {fault}" if fault.startswith(("must not", "is ")) else f"its {field} '{shown(text)}' {fault}"


class RecentCallbacks:
    """Fingerprints of the callbacks seen in the last ``window`` seconds, at most ``capacity`` of them."""

    def __init__(self, window, capacity=DEDUP_CAPACITY):
        self.window = window
        self.capacity = capacity
        self.expiry = collections.OrderedDict()  # fingerprint -> when it is forgotten (insertion order = time order)
        self.evicted = 0  # forgotten early because the memory was full

    @staticmethod
    def fingerprint(body):
        """The same callback = the same body apart from sign and t."""
        same = {k: v for k, v in body.items() if k not in ("sign", "t")}
        return hashlib.sha256(json.dumps(same, sort_keys=True, separators=(",", ":")).encode()).digest()

    def seen_before(self, body, now, fingerprint=None):
        """True for a re-delivery (the same body apart from sign and t); otherwise remembers this one."""
        while self.expiry and next(iter(self.expiry.values())) <= now:
            self.expiry.popitem(last=False)
        fingerprint = fingerprint or self.fingerprint(body)
        if fingerprint in self.expiry:
            return True
        self.expiry[fingerprint] = now + self.window
        if len(self.expiry) > self.capacity:
            self.expiry.popitem(last=False)
            self.evicted += 1
            if self.evicted == 1 or self.evicted % 10000 == 0:
                logger.warning(
                    "%s: more than %d callbacks within dedup_window: forgot %d before their window ended "
                    "(a re-delivery of those would be emitted again)",
                    PLUGIN,
                    self.capacity,
                    self.evicted,
                )
        return False

    def forget(self, fingerprint):
        """Forgets a callback that was not handed on, so that Tencent's re-delivery of it is accepted."""
        self.expiry.pop(fingerprint, None)


def _first(body, *names):
    for name in names:
        value = body.get(name)
        if value is not None and value != "":
            return value
    return None


def _number(value):
    """An integer from a JSON number or a string of ASCII digits; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if -(10**18) < value < 10**18 else None
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _text(value):
    """Text from a JSON string or number, its invisible characters escaped (_names.escape: a rule may print it);
    None for anything else (null, lists, objects, true/false)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    if isinstance(value, int) and _number(value) is None:
        return None  # an integer too long to be any name or label
    return escape(str(value))


def names(body):
    """(domain_name, app_name, stream_name, problem): the names a callback gives, or why they are not acceptable.

    The first spelling present counts; one that the modules would refuse or take otherwise than it came
    (name_problem) is a problem, and so is a callback of a known event that names no stream: every one of them
    is about a stream. None for a name the callback does not give."""
    found = []
    for field, spellings in NAME_FIELDS.items():
        present = [body[s] for s in spellings if body.get(s) is not None]
        if present:
            problem = name_problem(field, present[0])
            if problem:
                return None, None, None, problem
        found.append(str(present[0]) if present else None)
    if found[2] is None and EVENT_NAMES.get(_number(body.get("event_type")), "other") != "other":
        spellings = ", ".join(NAME_FIELDS["stream_name"])
        return None, None, None, f"it names no stream (none of {spellings})"
    return (*found, None)


def names_shown(body):
    """domain/app/stream as a log line shows them (escaped, cut; ? for one that is missing), whatever they hold."""
    return "/".join(
        shown(next((body[s] for s in spellings if body.get(s) is not None), None)) for spellings in NAME_FIELDS.values()
    )


def normalise(body):
    """The ``tencent_live`` part of an event: the names the modules take, whatever each callback calls them."""
    code = _number(body.get("event_type"))
    domain, app, stream = names(body)[:3]
    appid = body.get("appid")
    info = {
        "event": EVENT_NAMES.get(code, "other"),
        "event_type": code,
        "domain_name": domain,
        "app_name": app,
        "stream_name": stream,
        "appid": _number(appid) if _number(appid) is not None else _text(appid),
    }
    event = info["event"]
    if event in ("push", "interrupt"):
        info.update(
            sequence=_text(_first(body, "sequence")),
            errcode=_number(body.get("errcode")),
            errmsg=_text(body.get("errmsg")),
            event_time=_number(body.get("event_time")),
            user_ip=_text(body.get("user_ip")),
        )
    if event == "interrupt":
        sub = _number(body.get("sub_errcode"))
        info["sub_errcode"] = sub
        info["push_duration_ms"] = _number(body.get("push_duration"))
        info["stream_forbidden"] = info["errcode"] == STREAM_FORBIDDEN_CODE or (
            info["errcode"] == 18 and sub == STREAM_FORBIDDEN_CODE
        )
    elif event == "moderation":
        info.update(
            suggestion=_text(body.get("suggestion")),
            label=_text(body.get("label")),
            sub_label=_text(body.get("subLabel")),
            img=_text(body.get("img")),
            screenshot_time=_number(body.get("screenshotTime")),
        )
    elif event == "push_error":
        abnormal = body.get("abnormal_event") if isinstance(body.get("abnormal_event"), dict) else {}
        info.update(
            sequence=_text(_first(body, "sequence")),
            abnormal_type=_number(abnormal.get("type")),
            abnormal_description=_text(_first(abnormal, "type_desc_en", "type_desc_cn")),
        )
    elif event == "record":
        info.update(video_url=_text(body.get("video_url")), file_id=_text(body.get("file_id")))
    elif event == "snapshot":
        info.update(pic_full_url=_text(body.get("pic_full_url")))
    return info


def inert(info):
    """``tencent_live`` as base64 of its JSON text: what a rulebook hands to a playbook, so that neither
    ansible-rulebook's native rendering nor ansible-core's templating can re-type or run any of it."""
    return base64.b64encode(json.dumps(info, sort_keys=True).encode()).decode("ascii")

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What playbooks/forbid_streams.yml forbids, worked out in Python: the code of the filters
tencent.cloud.callbacks_to_forbid (the callbacks a rulebook hands on, as tencent_live_b64),
tencent.cloud.streams_to_forbid (names an operator gives) and tencent.cloud.forbid_rerun (what a failed run did not
forbid, and the command that forbids it). Each filter is a file of its own in plugins/filter/, with its documentation.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

Callback text is hostile input: it is decoded here and nowhere else, never trimmed, re-spelled or re-typed, and the
output is marked unsafe (wrap_var: AnsibleUnsafe before ansible-core 2.19, untrusted after), so that no template ever
renders it. A callback that cannot be acted on (no stream name, no push domain) is listed, never guessed at.
"""

import base64
import binascii
import json
import re
import shlex

from ansible.errors import AnsibleFilterError
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.tencent.cloud.plugins.module_utils._streams import name_problem

MAX_REASON_BYTES = 2048  # Tencent's limit of ForbidLiveStream's Reason, in UTF-8
CUT_MARK = "..."
# a re-run command longer than this would not fit in one command-line argument (Linux: 128 KiB): a file then
MAX_COMMAND_ARGUMENT = 100_000
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_SEPARATORS = re.compile(r"[,\s]+")


def cut_reason(text):
    """text, or when it is over 2048 bytes in UTF-8 its start (whole characters) and "...": 2045 to 2048 bytes."""
    data = text.encode("utf-8")
    if len(data) <= MAX_REASON_BYTES:
        return text
    return data[: MAX_REASON_BYTES - len(CUT_MARK)].decode("utf-8", "ignore") + CUT_MARK


def shown(text):
    """A name as a message may print it: control and invisible characters escaped, nothing else changed."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in str(text))


def _callbacks(tencent_live_b64):
    """The list of callbacks (tencent_live mappings) of an event's tencent_live_b64: one callback, or a batch."""
    if not isinstance(tencent_live_b64, str) or not _BASE64.fullmatch(tencent_live_b64):
        raise AnsibleFilterError(
            "tencent_live_b64 is not base64 text: give the event's tencent_live_b64 exactly as the rulebook has it"
        )
    try:
        text = base64.b64decode(tencent_live_b64, validate=True).decode("utf-8")
        decoded = json.loads(text)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise AnsibleFilterError(
            f"tencent_live_b64 is base64, but not of the JSON text of a callback ({type(error).__name__}: {error}): "
            "give the event's tencent_live_b64 exactly as the rulebook has it"
        ) from None
    callbacks = decoded if isinstance(decoded, list) else [decoded]
    if not callbacks or not all(isinstance(callback, dict) for callback in callbacks):
        raise AnsibleFilterError(
            "tencent_live_b64 holds neither a callback (a JSON object) nor a batch of them (a list of JSON objects)"
        )
    return callbacks


def _reason(callback):
    labels = [callback.get(key) for key in ("suggestion", "label", "sub_label")]
    return cut_reason(" ".join(["Tencent moderation:", *(str(label) for label in labels if label not in (None, ""))]))


def _name_problem(option, what, value):
    """Why a callback's name cannot be acted on: missing, or one tencent_live_stream would refuse (its rule, so that one
    such name cannot fail the forbid of the whole batch), or None."""
    if value is None or value == "":
        return f"names no {what}"
    if not isinstance(value, str):
        return f"has a {what} that is not text ({type(value).__name__})"
    problem = name_problem(option, value)
    return f"cannot be acted on: {problem}" if problem else None


def _plan(entries):
    """The plan of (stream, callback or None) entries: groups by domain and app for one task each, in first-seen order;
    a stream named twice is forbidden once, with the reason it was first given."""
    groups, streams, seen = {}, [], set()
    for stream, callback in entries:
        key = (stream["domain_name"], stream["app_name"], stream["stream_name"])
        if key in seen:
            continue
        seen.add(key)
        streams.append(dict(stream, callback=callback))
        group = groups.setdefault(
            key[:2], {"domain_name": key[0], "app_name": key[1], "stream_names": [], "reasons": {}}
        )
        group["stream_names"].append(key[2])
        group["reasons"][key[2]] = stream["reason"]
    return {"groups": list(groups.values()), "streams": streams}


def callbacks_to_forbid(tencent_live_b64, domain_name=None, app_name=None):
    """The plan of the streams that the callbacks of ``tencent_live_b64`` name (see callbacks_to_forbid.yml)."""
    try:
        callbacks = _callbacks(tencent_live_b64)
    except AnsibleFilterError as error:  # said in the plan, so that the playbook can say it alone
        return wrap_var({"error": str(error), "groups": [], "streams": [], "refused": [], "refused_command": None})
    entries, refused, no_domain = [], [], []
    for callback in callbacks:
        stream = {
            "domain_name": callback.get("domain_name") or domain_name,
            "app_name": callback.get("app_name") or app_name or "live",
            "stream_name": callback.get("stream_name"),
        }
        checks = (("stream_name", "stream name"), ("domain_name", "push domain"), ("app_name", "app"))
        problem = next(filter(None, (_name_problem(option, what, stream[option]) for option, what in checks)), None)
        resolved = dict(callback, **{k: v for k, v in stream.items() if v is not None})
        if problem:
            name = stream["stream_name"]
            refused.append({"why": problem, "stream": shown(name) if isinstance(name, str) and name else None})
            if problem == "names no push domain" and isinstance(stream["stream_name"], str) and stream["stream_name"]:
                no_domain.append(resolved)
            continue
        entries.append((dict(stream, reason=_reason(callback)), resolved))
    command = None
    if no_domain:
        command = "ansible-playbook tencent.cloud.forbid_streams -e domain_name=YOUR.PUSH.DOMAIN -e " + _encoded(
            no_domain
        )
    return wrap_var(dict(_plan(entries), error=None, refused=refused, refused_command=command))


def _encoded(callbacks):
    """tencent_live_b64=... of callbacks: one mapping alone, several as a list (as the source's events have it)."""
    value = callbacks[0] if len(callbacks) == 1 else callbacks
    return "tencent_live_b64=" + base64.b64encode(json.dumps(value, sort_keys=True).encode()).decode("ascii")


def streams_to_forbid(stream_names, domain_name=None, app_name=None, reason=None):
    """The plan of the streams an operator names (see streams_to_forbid.yml)."""
    if isinstance(stream_names, str):
        names = [name for name in _SEPARATORS.split(stream_names) if name]
    elif isinstance(stream_names, (list, tuple)):
        names = list(stream_names)
    else:
        raise AnsibleFilterError(f"stream_names must be a list of names or one string of them, got {stream_names!r}")
    for option, value in (("domain_name", domain_name), ("reason", reason)):
        if not isinstance(value, str) or not value.strip():
            raise AnsibleFilterError(f"{option} is required: give it as text, for example -e {option}=...")
    if not names:
        raise AnsibleFilterError("stream_names is empty: give at least one stream name")
    app = app_name or "live"
    reason = cut_reason(reason.strip())
    entries = [
        ({"domain_name": domain_name, "app_name": app, "stream_name": name, "reason": reason}, None) for name in names
    ]
    return wrap_var(dict(_plan(entries), error=None, refused=[], refused_command=None))


def _done(results):
    """(domain, app, stream) of every stream a tencent_live_stream result shows not failed (a looped task: each item)."""
    done = set()
    for result in results.get("results", [results]) if isinstance(results, dict) else []:
        for stream in (result or {}).get("streams") or []:
            if isinstance(stream, dict) and stream.get("failed") is False:
                done.add((stream.get("domain_name"), stream.get("app_name"), stream.get("stream_name")))
    return done


def _why(results):
    """The messages of the failed results (a looped task: of each failed item), once each."""
    items = results.get("results", [results]) if isinstance(results, dict) else []
    messages = [
        str(item.get("msg")) for item in items if isinstance(item, dict) and item.get("failed") and item.get("msg")
    ]
    return "; ".join(dict.fromkeys(messages)) or None


def forbid_rerun(plan, results=None, extra_vars=None):
    """What a failed run did not forbid, why, and the command that forbids it (see forbid_rerun.yml)."""
    if not isinstance(plan, dict) or not isinstance(plan.get("streams"), list):
        raise AnsibleFilterError("forbid_rerun needs the plan of callbacks_to_forbid or streams_to_forbid")
    done = _done(results)
    left = [s for s in plan["streams"] if (s["domain_name"], s["app_name"], s["stream_name"]) not in done]
    tail = "".join(f" -e {key}={shlex.quote(str(value))}" for key, value in (extra_vars or {}).items())
    answer = {"streams": [shown(f"{s['domain_name']}/{s['app_name']}/{s['stream_name']}") for s in left]}
    answer.update(why=_why(results), command=None, vars_file=None)
    if not left:
        return wrap_var(answer)
    if left[0]["callback"] is not None:
        extra = {"tencent_live_b64": _encoded([s["callback"] for s in left]).split("=", 1)[1]}
        argument = "tencent_live_b64=" + extra["tencent_live_b64"]
    else:
        extra = {"domain_name": left[0]["domain_name"], "app_name": left[0]["app_name"]}
        extra.update(stream_names=[s["stream_name"] for s in left], reason=left[0]["reason"])
        argument = json.dumps(extra, ensure_ascii=False)
    if len(argument) <= MAX_COMMAND_ARGUMENT:
        answer["command"] = f"ansible-playbook tencent.cloud.forbid_streams -e {shlex.quote(argument)}{tail}"
    else:  # too long for one argument of a command line: a file of extra vars (JSON is YAML)
        answer["command"] = f"ansible-playbook tencent.cloud.forbid_streams -e @forbid-rerun.yml{tail}"
        answer["vars_file"] = json.dumps(extra, ensure_ascii=False)
    return wrap_var(answer)

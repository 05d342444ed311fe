# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Stream identities, input validation and the desired-state rules of tencent_live_stream.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.
"""

import datetime
import re

from ansible_collections.tencent.cloud.plugins.module_utils._errors import NOT_PUSHING

# one rule for a name, shared with the event source (name_problem is imported from here by the modules too)
from ansible_collections.tencent.cloud.plugins.module_utils._names import name_problem, type_word

STREAM_STATES = ("active", "inactive", "forbid")
MAX_REASON_BYTES = 2048
MAX_FORBID_DAYS = 90
DEFAULT_REASON = "Forbidden by Ansible (tencent.cloud.tencent_live_stream)"


class StateRule:
    """How one desired state is reached.

    action: the write; changes(current): whether the stream's state will change (the task's
    ``changed``); sends(current): whether the write is sent; is_desired(state): whether a state
    read after a failed write shows it done; resulting_state(current): the state afterwards;
    done_codes: the error codes with which Tencent answers the write "nothing to do"; resend_lost: whether
    a write whose answer was lost may be sent again when a read shows it not done.
    """

    def __init__(self, action, changes, is_desired, after, sends=None, done_codes=(), resend_lost=True):
        self.action = action
        self.changes = changes
        self.is_desired = is_desired
        self.sends = sends or changes
        self.done_codes = frozenset(done_codes)
        self._after = after
        self.resend_lost = resend_lost

    @property
    def settle_options(self):
        """How _writes.settle_write treats this rule's write: its "nothing to do" codes, and whether a lost one is re-sent."""
        return {"done_codes": self.done_codes, "resend_lost": self.resend_lost}

    def resulting_state(self, current):
        return self._after if self.changes(current) else current


STATE_RULES = {
    # A resumed stream may push again; it reads inactive until its encoder reconnects.
    "resumed": StateRule(
        "ResumeLiveStream", lambda current: current == "forbid", lambda state: state != "forbid", "inactive"
    ),
    "forbidden": StateRule(
        "ForbidLiveStream", lambda current: current != "forbid", lambda state: state == "forbid", "forbid"
    ),
    # Tencent warns that DescribeLiveStreamState's active/inactive may lag behind, and DropLiveStream
    # of an inactive stream succeeds: so the drop is always sent (outside check mode), and the task
    # reports a change only when the read said active. Tencent may also answer the drop of a stream
    # that is not pushing with an error that says so (the SDKs listed ResourceNotFound.StreamNotAlive):
    # the stream is where it should be, and the drop changed nothing. A drop whose answer was lost is
    # never sent again: a read saying active may mean the encoder pushed again since, and a second drop
    # would cut that new push.
    "dropped": StateRule(
        "DropLiveStream",
        lambda current: current == "active",
        lambda state: state != "active",
        "inactive",
        sends=lambda current: True,
        done_codes=NOT_PUSHING.split(),
        resend_lost=False,
    ),
}


def count_states(results):
    """How many stream results are in each state, their total, and how many failed."""
    counts = {state: sum(1 for r in results if r["state"] == state) for state in STREAM_STATES}
    counts.update(total=len(results), failed=sum(1 for r in results if r["failed"]))
    return counts


class StreamKey:
    """domain + app + stream name: what identifies a stream in every Live call."""

    __slots__ = ("app_name", "domain_name", "stream_name")

    def __init__(self, domain_name, app_name, stream_name):
        self.domain_name = domain_name
        self.app_name = app_name
        self.stream_name = stream_name

    def api_params(self):
        return {"DomainName": self.domain_name, "AppName": self.app_name, "StreamName": self.stream_name}

    def as_dict(self):
        return {"domain_name": self.domain_name, "app_name": self.app_name, "stream_name": self.stream_name}

    def __str__(self):
        return f"{self.domain_name}/{self.app_name}/{self.stream_name}"


def given_name_problems(params, options):
    """The problems of those name options (domain_name, app_name) that are given."""
    problems = (name_problem(option, params[option]) for option in options if params[option] is not None)
    return [problem for problem in problems if problem]


def page_size_problems(page_size, lowest, highest, scope):
    """The problem of a page_size outside lowest..highest (scope: for which list), if given."""
    if page_size is None or lowest <= page_size <= highest:
        return []
    return [f"page_size must be between {lowest} and {highest} {scope}, got {page_size}"]


def stream_names_problems(names):
    if not names:
        return ["stream_names must list at least one stream name"]
    if not isinstance(names, list):
        return [f"stream_names must be a list of stream names, got {type_word(names)}"]
    problems = []
    for index, name in enumerate(names):
        problem = name_problem(f"stream_names[{index}]", name)
        if problem:
            problems.append(problem)
    if problems:
        return problems
    seen, duplicates = set(), []
    for name in names:
        if name in seen and name not in duplicates:
            duplicates.append(name)
        seen.add(name)
    if duplicates:
        problems.append(
            "stream_names lists {} more than once: give each stream once".format(
                ", ".join(repr(name) for name in duplicates)
            )
        )
    return problems


_ISO_UTC = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"(?P<zone>Z|z|[+-]\d{2}:?\d{2})?$"
)


def _resume_time_example(now):
    """How to write resume_time, with a time the module accepts now (a day ahead)."""
    example = (now + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:00:00Z")
    return f"write it like {example} (UTC, at most {MAX_FORBID_DAYS} days ahead)"


def parse_resume_time(value, now):
    """Validate resume_time; returns (Tencent's UTC text, None) or (None, problem)."""
    match = _ISO_UTC.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None, f"resume_time {value!r} is not an ISO 8601 UTC time: {_resume_time_example(now)}"
    try:
        when = datetime.datetime.strptime(
            "{} {}:{}:{}".format(match.group("date"), match.group("h"), match.group("m"), match.group("s") or "00"),
            "%Y-%m-%d %H:%M:%S",
        )
    except ValueError:
        return None, f"resume_time {value!r} is not a valid date and time: {_resume_time_example(now)}"
    zone = match.group("zone")
    if not zone:
        return (
            None,
            "resume_time {!r} has no time zone: Tencent expects UTC, so end it with Z (for example {}Z)".format(
                value, when.strftime("%Y-%m-%dT%H:%M:%S")
            ),
        )
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if offset:
            try:
                utc = (when - sign * offset).strftime("%Y-%m-%dT%H:%M:%SZ")
            except OverflowError:  # the offset takes it past year 1 or 9999
                utc = "out of range"
            return None, f"resume_time {value!r} is not in UTC: give it in UTC, which is {utc}"
    when = when.replace(tzinfo=datetime.timezone.utc)
    if when <= now:
        return None, "resume_time {!r} is in the past (now is {} UTC): give a future time".format(
            value, now.strftime("%Y-%m-%dT%H:%M:%SZ")
        )
    if when > now + datetime.timedelta(days=MAX_FORBID_DAYS):
        latest = (now + datetime.timedelta(days=MAX_FORBID_DAYS)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return None, f"resume_time {value!r} is more than {MAX_FORBID_DAYS} days ahead: Tencent allows at most {latest}"
    return when.strftime("%Y-%m-%dT%H:%M:%SZ"), None


def reason_problem(reason, option="reason"):
    size = len(reason.encode("utf-8"))
    if size > MAX_REASON_BYTES:
        return f"{option} is {size} bytes long in UTF-8: Tencent allows at most {MAX_REASON_BYTES} bytes, shorten it"
    return None


FORBID_OPTIONS = ("resume_time", "reason", "reasons")


def forbid_problems(params, now):
    """(problems, the ForbidLiveStream parameters every stream gets, reasons by stream name) of tencent_live_stream's
    forbid options: resume_time, reason, reasons (each stream's own reason) and only_pushing, only with state=forbidden."""
    if params["state"] != "forbidden":
        given = [option for option in FORBID_OPTIONS if params[option] is not None]
        given += ["only_pushing"] if params["only_pushing"] else []
        return (
            [f"{option} is only used with state=forbidden: remove it or set state: forbidden" for option in given],
            {},
            {},
        )
    problems, action_params = [], {}
    if params["resume_time"] is not None:
        resume_time, problem = parse_resume_time(params["resume_time"], now)
        problems.append(problem)
        action_params["ResumeTime"] = resume_time
    action_params["Reason"] = params["reason"] if params["reason"] is not None else DEFAULT_REASON
    problems.append(reason_problem(action_params["Reason"]))
    reasons = params["reasons"] or {}
    given_names = params["stream_names"] if params["stream_names"] is not None else [params["stream_name"]]
    names = {name for name in given_names if isinstance(name, str)}
    for name, reason in reasons.items():
        if not isinstance(reason, str):
            problems.append(
                f"reasons[{name!r}] is {type_word(reason)}, not a string: give each stream's reason as text"
            )
        elif name not in names:
            problems.append(f"reasons names {name!r}, which is not one of the streams to forbid: remove it")
        else:
            problems.append(reason_problem(reason, f"reasons[{name!r}]"))
    return [problem for problem in problems if problem], action_params, reasons

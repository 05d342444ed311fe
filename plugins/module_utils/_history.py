# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which streams pushed within a time window: the push history (DescribeLiveStreamPublishedList).

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

Tencent removed the only API that listed forbidden streams (DescribeLiveForbidStreamList,
2025-11-28). The push history still names every stream that pushed, so "every stream that
pushed within the window", read state by state, finds the forbidden ones.

The history query has limits that would silently lose streams if ignored:
- one query may span at most 30 days: a longer window is cut into equal slices;
- one query returns at most 10,000 records (pages beyond are empty): a slice whose TotalNum
  reaches the cap is halved and both halves are queried again, down to MIN_SLICE, where it
  is an error rather than a silent cut;
- Tencent keeps about two months (60 days) of history; a window starting earlier, ending in
  the future, or ending before it starts is refused before any call.
"""

import datetime
import math
import re

from ansible_collections.tencent.cloud.plugins.module_utils._batch import run_in_order
from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentError
from ansible_collections.tencent.cloud.plugins.module_utils._streams import (
    StreamKey,
    given_name_problems,
    page_size_problems,
)

ACTION = "DescribeLiveStreamPublishedList"
RETENTION = datetime.timedelta(days=60)
MAX_SPAN = datetime.timedelta(days=30)
RECORD_CAP = 10000
MIN_SLICE = datetime.timedelta(minutes=1)
# A window starting this close to the retention limit would cross it while the task runs
# (Tencent checks StartTime against its own clock when each query arrives): it is moved in.
RETENTION_MARGIN = datetime.timedelta(minutes=5)
MIN_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# What each stream's result gets from the history.
HISTORY_FIELDS = ("pushes", "last_push_start", "last_push_end")

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^(?P<count>\d+)\s*(?P<unit>[smhd])$")
_ISO = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"(?P<zone>[Zz]|[+-]\d{2}:?\d{2})?$"
)


def utcnow():
    """Now, in UTC, to the second (Tencent's times have no fractions)."""
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def format_time(when):
    return when.strftime(TIME_FORMAT)


def parse_point(option, value, now):
    """A point in time given as a duration before ``now`` (7d, 36h, 90m, 600s) or ISO 8601 UTC.

    Returns (aware UTC datetime, None) or (None, problem).
    """
    text = value.strip() if isinstance(value, str) else ""
    example = f"7d, 36h, 90m or 600s before now, or an ISO 8601 UTC time such as {format_time(now - datetime.timedelta(days=7))}"
    try:
        return _parse_point(option, value, text, now, example)
    except (OverflowError, ValueError):
        # 9999999d, or a time whose UTC offset takes it past year 1 or 9999: before or after any date there is.
        return None, (
            f"{option} {value!r} is out of range: Tencent keeps about {RETENTION.days} days of push history, so give "
            f"at most {RETENTION.days}d, or a time within them"
        )


def _parse_point(option, value, text, now, example):
    match = _DURATION.match(text.lower())
    if match:
        return now - datetime.timedelta(seconds=int(match.group("count")) * UNITS[match.group("unit")]), None
    match = _ISO.match(text)
    if not match:
        return None, f"{option} {value!r} is neither a duration nor a time: give {example}"
    try:
        when = datetime.datetime.strptime(
            "{} {}:{}:{}".format(match.group("date"), match.group("h"), match.group("m"), match.group("s") or "00"),
            "%Y-%m-%d %H:%M:%S",
        )
    except ValueError:
        return None, f"{option} {value!r} is not a valid date and time: give {example}"
    zone = match.group("zone")
    if not zone:
        return None, "{} {!r} has no time zone: Tencent's history is in UTC, so end it with Z (for example {}Z)".format(
            option, value, when.strftime("%Y-%m-%dT%H:%M:%S")
        )
    if zone not in ("Z", "z"):
        digits = zone[1:].replace(":", "")
        offset = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if offset:
            utc = when - offset if zone[0] == "+" else when + offset
            return None, f"{option} {value!r} is not in UTC: give it in UTC, which is {format_time(utc)}"
    return when.replace(tzinfo=datetime.timezone.utc), None


class Window:
    """The time window asked for, checked against Tencent's limits, and how it is queried."""

    def __init__(self, since, until, warnings=()):
        self.since = since
        self.until = until
        self.warnings = list(warnings)

    def slices(self):
        """The window cut into equal slices of at most MAX_SPAN, on whole seconds, end to end."""
        return split_span(self.since, self.until, MAX_SPAN)

    def as_dict(self):
        return {"since": format_time(self.since), "until": format_time(self.until)}


def plan_search(params, now):
    """Check a push-history search's options (domain_name, app_name, page_size, the window); returns
    (Window, []) or (None, problems). Makes no call."""
    # domain_name is given: the module requires it with pushed_since.
    problems = given_name_problems(params, ("domain_name", "app_name"))
    problems += page_size_problems(
        params["page_size"], MIN_PAGE_SIZE, MAX_PAGE_SIZE, "for the push history (pushed_since)"
    )
    window, window_problems = plan_window(params["pushed_since"], params["pushed_until"], now)
    return window, problems + window_problems


def plan_window(pushed_since, pushed_until, now):
    """Check the window options; returns (Window, []) or (None, problems). Makes no call."""
    since, problem = parse_point("pushed_since", pushed_since, now)
    problems = [problem] if problem else []
    if pushed_until is None:
        until = now
    else:
        until, problem = parse_point("pushed_until", pushed_until, now)
        if problem:
            problems.append(problem)
        elif until > now:
            problems.append(
                f"pushed_until {pushed_until!r} is in the future (now is {format_time(now)}): the history only covers the past; "
                "leave pushed_until out to mean now"
            )
    if problems:
        return None, problems
    if since >= until:
        return None, [
            f"pushed_since ({format_time(since)}) must be before pushed_until ({format_time(until)}): swap them, or give a longer duration"
        ]
    oldest = now - RETENTION
    if since < oldest:
        return None, [
            f"pushed_since {pushed_since!r} ({format_time(since)}) is more than {RETENTION.days} days ago: Tencent keeps "
            f"the push history for about 2 months, so the oldest start is {format_time(oldest)} "
            f"(pushed_since: {RETENTION.days}d)"
        ]
    warnings = []
    if since < oldest + RETENTION_MARGIN:
        moved = oldest + RETENTION_MARGIN
        if moved >= until:
            return None, [
                f"the window {format_time(since)} to {format_time(until)} lies at the edge of Tencent's "
                f"{RETENTION.days}-day history: start it later"
            ]
        warnings.append(
            f"pushed_since {format_time(since)} is at the edge of Tencent's {RETENTION.days}-day history, which it "
            f"would cross while the task runs: the window starts at {format_time(moved)} instead"
        )
        since = moved
    return Window(since, until, warnings), []


def split_span(start, end, max_span):
    """[start, end) cut into the fewest equal parts no longer than max_span, on whole seconds."""
    total = int((end - start).total_seconds())
    parts = max(1, math.ceil(total / max_span.total_seconds()))
    bounds = [start + datetime.timedelta(seconds=(total * index) // parts) for index in range(parts)] + [end]
    return list(zip(bounds[:-1], bounds[1:]))


class HistoryError(Exception):
    """The history cannot be read completely (too many records in the smallest slice)."""


class PushedStreams:
    """Every stream of a domain (optionally one app) that pushed within a Window.

    ``call(action, params)`` is the client's call; pages after the first of a slice are fetched
    with up to ``workers`` calls in flight (the client paces them at the action's quota).
    """

    def __init__(self, call, domain_name, app_name=None, page_size=MAX_PAGE_SIZE, workers=4):
        self.call = call
        self.domain_name = domain_name
        self.app_name = app_name
        self.page_size = page_size
        self.workers = workers
        self.queries = 0
        self.slices = 0
        self.splits = 0
        self.records = 0
        self.request_ids = []
        self.streams = {}
        # A push that overlaps two slices is listed by both queries: count it once.
        self._seen = set()

    def collect(self, window):
        """Query every slice of the window; returns the streams sorted by (app_name, stream_name)."""
        pending = list(reversed(window.slices()))
        while pending:
            start, end = pending.pop()
            halves = self._query_slice(start, end)
            if halves:
                # Depth first, earlier half first: slices are read in time order.
                pending.extend(reversed(halves))
        return [self.streams[key] for key in sorted(self.streams)]

    def _params(self, start, end, page):
        params = {
            "DomainName": self.domain_name,
            "StartTime": format_time(start),
            "EndTime": format_time(end),
            "PageNum": page,
            "PageSize": self.page_size,
        }
        if self.app_name:
            params["AppName"] = self.app_name
        return params

    def _page(self, start, end, page):
        answer = self.call(ACTION, self._params(start, end, page))
        self.queries += 1
        self.request_ids.append(answer.request_id)
        return answer.data

    def _query_slice(self, start, end):
        """Read one slice; returns its two halves instead when it holds too many records."""
        first = self._page(start, end, 1)
        total = int(first.get("TotalNum") or 0)
        if total >= RECORD_CAP:
            if end - start < 2 * MIN_SLICE:
                raise HistoryError(
                    f"more than {RECORD_CAP} pushes between {format_time(start)} and {format_time(end)} on "
                    f"{self.domain_name}: Tencent returns at most {RECORD_CAP} records per query and this slice "
                    "cannot be cut further; narrow the search with app_name"
                )
            self.splits += 1
            middle = start + datetime.timedelta(seconds=int((end - start).total_seconds()) // 2)
            return [(start, middle), (middle, end)]
        self.slices += 1
        self._add(first)
        pages = math.ceil(total / float(self.page_size))
        if pages > 1:

            def fetch(page, stop):
                if stop.stopped:
                    return None
                try:
                    return self._page(start, end, page)
                except TencentError as error:
                    stop.stop(str(error))
                    return error

            results = run_in_order(list(range(2, pages + 1)), fetch, lambda page, reason: None, self.workers)
            for result in results:
                if isinstance(result, Exception):
                    raise result
            for result in results:
                if result is not None:
                    self._add(result)
        return None

    def _add(self, data):
        for info in data.get("PublishInfo") or []:
            key = (info.get("AppName") or "", info.get("StreamName") or "")
            start, end = info.get("StreamStartTime"), info.get("StreamEndTime")
            if (*key, start) in self._seen:
                continue
            self._seen.add((*key, start))
            self.records += 1
            known = self.streams.get(key)
            if known is None:
                self.streams[key] = {
                    "domain_name": info.get("DomainName") or self.domain_name,
                    "app_name": key[0],
                    "stream_name": key[1],
                    "pushes": 1,
                    "last_push_start": start,
                    "last_push_end": end,
                }
                continue
            known["pushes"] += 1
            if (start or "") > (known["last_push_start"] or ""):
                known.update(last_push_start=start, last_push_end=end)

    def result(self, window):
        """The task's result keys for this search: the window's summary and the RequestIds of the pages."""
        return {"window": self.summary(window), "request_ids": self.request_ids}

    @staticmethod
    def keys_and_fields(found):
        """The StreamKeys of the streams found, and the fields each one's result gets from the history."""
        keys = [StreamKey(stream["domain_name"], stream["app_name"], stream["stream_name"]) for stream in found]
        return keys, [{field: stream[field] for field in HISTORY_FIELDS} for stream in found]

    def summary(self, window):
        return dict(
            window.as_dict(), slices=self.slices, splits=self.splits, queries=self.queries, records=self.records
        )

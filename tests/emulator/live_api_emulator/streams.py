# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Live API's behaviour: stream state (active, inactive, forbid; forbid expiry, forbid by name,
reconnects), the push history, and the six Live actions that read and change them.
"""

import dataclasses
import math
from typing import Optional

from .common import (
    DEFAULT_APP,
    DEFAULT_FORBID_SECONDS,
    MAX_GENERATED_RECORDS,
    PUBLISHED_CAP,
    PUBLISHED_MAX_SPAN,
    PUBLISHED_PAGE_SIZE_MAX,
    PUBLISHED_RETENTION,
    ApiError,
    ControlError,
    format_utc,
    parse_utc,
)
from .params import (
    control_count,
    control_moment,
    control_str,
    optional_int,
    optional_str,
    page_size_param,
    peek_params,
    reason_param,
    required_str,
    resume_time_param,
    stream_key,
)
from .state import EmulatorState


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
        raise ControlError(f"count * per_stream must be at most {MAX_GENERATED_RECORDS}")
    start, end = control_moment(spec, "start"), control_moment(spec, "end")
    if end < start:
        raise ControlError("`end` must not be before `start`")
    slot = (end - start) / per_stream
    width = max(4, len(str(count - 1)))
    pushes = []
    for index in range(count):
        key = (domain, app, f"{prefix}{index:0{width}d}")
        shift = slot / 2.0 * index / count
        for number in range(per_stream):
            begin = start + number * slot + shift
            pushes.append(PushRecord(key, begin, begin + slot / 2.0, "normal stop"))
    return pushes


class StreamActions(EmulatorState):
    """The Live actions and the stream state machine; a part of EmulatorCore. The actions (and
    _preempt) take the lock; the other helpers (a leading underscore) expect it held."""

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
        self._push_event(record.key)

    def _end_push(self, record: StreamRecord, stop_reason: str) -> None:
        """An active stream stops pushing now (its push record ends); the caller sets the new state."""
        if record.state == "active":
            record.state = "inactive"
        record.published_at = None
        if record.push is not None:
            record.push.end = max(record.push.start, self.clock())
            record.push.stop_reason = stop_reason
            record.push = None
            self._push_event(record.key, stop_reason)

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

    def _preempt(self, state: str, body: bytes) -> None:
        """Another operator changes the stream between our read and our write."""
        try:
            key = stream_key(peek_params(body))
        except ApiError:
            return  # the call itself will fail on its parameters
        with self._lock:
            if key[0] in self.domains:
                self._set_state(key, state)

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
            elif self.settings["drop_inactive_code"]:
                raise ApiError(self.settings["drop_inactive_code"], "The stream is not active.")
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
                f"A query reaches at most {PUBLISHED_CAP} records: page {page_num} of {page_size} starts beyond them; "
                "narrow StartTime..EndTime.",
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

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The push-history window: parsing, Tencent's limits, slicing, splitting at the record cap, de-duplication."""

import datetime
import threading

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils import _history
from ansible_collections.tencent.cloud.plugins.module_utils._client import ApiResponse
from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentApiError

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 30, 18, 0, 0, tzinfo=UTC)
DOMAIN = "5000.livepush.myqcloud.com"


def at(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("7d", NOW - datetime.timedelta(days=7)),
        ("36h", NOW - datetime.timedelta(hours=36)),
        ("90m", NOW - datetime.timedelta(minutes=90)),
        ("600s", NOW - datetime.timedelta(seconds=600)),
        (" 7D ", NOW - datetime.timedelta(days=7)),
        ("2026-11-23T08:00:00Z", at("2026-11-23T08:00:00Z")),
        ("2026-11-23T08:00Z", at("2026-11-23T08:00:00Z")),
        ("2026-11-23 08:00:00+00:00", at("2026-11-23T08:00:00Z")),
    ],
)
def test_points_parse_as_durations_or_utc_times(value, expected):
    assert _history.parse_point("pushed_since", value, NOW) == (expected, None)


@pytest.mark.parametrize(
    "value, words",
    [
        ("7 days", "neither a duration nor a time"),
        ("2w", "neither a duration nor a time"),
        ("-7d", "neither a duration nor a time"),
        ("", "neither a duration nor a time"),
        ("2026-02-30T00:00:00Z", "not a valid date"),
        ("2026-11-23T08:00:00", "has no time zone"),
        ("2026-11-23T08:00:00+08:00", "not in UTC: give it in UTC, which is 2026-11-23T00:00:00Z"),
    ],
)
def test_bad_points_name_the_option_and_the_fix(value, words):
    when, problem = _history.parse_point("pushed_since", value, NOW)
    assert when is None
    assert problem.startswith(f"pushed_since {value!r}") and words in problem


def test_until_defaults_to_now():
    window, problems = _history.plan_window("7d", None, NOW)
    assert problems == [] and window.until == NOW and window.since == NOW - datetime.timedelta(days=7)
    assert window.as_dict() == {"since": "2026-11-23T18:00:00Z", "until": "2026-11-30T18:00:00Z"}


@pytest.mark.parametrize(
    "since, until, words",
    [
        ("70d", None, "more than 60 days ago"),
        ("2026-09-01T00:00:00Z", "2026-09-20T00:00:00Z", "more than 60 days ago"),
        ("1d", "2d", "must be before pushed_until"),
        ("1d", "1d", "must be before pushed_until"),
        ("7d", "2026-12-01T00:00:00Z", "pushed_until '2026-12-01T00:00:00Z' is in the future"),
        ("bogus", "also bogus", "pushed_until 'also bogus' is neither"),
    ],
)
def test_windows_tencent_cannot_answer_are_refused(since, until, words):
    window, problems = _history.plan_window(since, until, NOW)
    assert window is None and any(words in problem for problem in problems), problems


def test_a_window_at_the_retention_edge_is_moved_in_with_a_warning():
    window, problems = _history.plan_window("60d", None, NOW)
    assert problems == []
    assert window.since == NOW - datetime.timedelta(days=60) + _history.RETENTION_MARGIN
    assert "edge of Tencent's 60-day history" in window.warnings[0]


def test_a_45_day_window_becomes_two_slices_end_to_end():
    window, _problems = _history.plan_window("45d", None, NOW)
    slices = window.slices()
    assert len(slices) == 2
    assert slices[0][0] == window.since and slices[-1][1] == window.until and slices[0][1] == slices[1][0]
    assert all(end - start <= _history.MAX_SPAN for start, end in slices)


@pytest.mark.parametrize("days, count", [(1, 1), (30, 1), (31, 2), (59, 2), (60, 2)])
def test_slices_are_never_longer_than_a_query_may_span(days, count):
    slices = _history.split_span(NOW - datetime.timedelta(days=days), NOW, _history.MAX_SPAN)
    assert len(slices) == count and all(end - start <= _history.MAX_SPAN for start, end in slices)


class FakeHistory:
    """DescribeLiveStreamPublishedList over in-memory records, with Tencent's limits.

    A record is listed by a query when its start lies in [StartTime, EndTime] (both ends: a record
    on a slice boundary is listed twice, which the client must de-duplicate). TotalNum is capped at
    10,000 and pages beyond record 10,000 are empty, as Tencent does.
    """

    def __init__(self, records, now=NOW, overlap=False, length=datetime.timedelta(minutes=5)):
        self.records = sorted(records, key=lambda record: record[2])
        # overlap: list every push that overlaps [StartTime, EndTime], as the emulator does
        self.overlap = overlap
        self.length = length
        self.now = now
        self.calls = []
        self.errors = {}
        self._lock = threading.Lock()

    def call(self, action, params):
        assert action == "DescribeLiveStreamPublishedList"
        start, end = at(params["StartTime"]), at(params["EndTime"])
        with self._lock:
            self.calls.append(params)
            planted = self.errors.get(params["PageNum"])
        if planted:
            raise planted
        assert start < end <= self.now and end - start <= datetime.timedelta(days=30)
        assert start >= self.now - datetime.timedelta(days=60) and 10 <= params["PageSize"] <= 100
        listed = [
            r
            for r in self.records
            if (r[2] <= end and r[2] + self.length >= start if self.overlap else start <= r[2] <= end)
            and (params.get("AppName") in (None, r[0]))
        ]
        total = min(len(listed), 10000)
        size, page = params["PageSize"], params["PageNum"]
        chunk = listed[(page - 1) * size : min(page * size, 10000)]
        info = [
            {
                "AppName": r[0],
                "StreamName": r[1],
                "DomainName": DOMAIN,
                "StreamStartTime": _history.format_time(r[2]),
                "StreamEndTime": _history.format_time(r[2] + self.length),
            }
            for r in chunk
        ]
        return ApiResponse(
            {"TotalNum": total, "TotalPage": -(-total // size), "PageNum": page, "PageSize": size, "PublishInfo": info},
            f"rid-{len(self.calls)}",
        )


def collect(fake, since, until=None, app_name=None, page_size=100):
    window, problems = _history.plan_window(since, until, NOW)
    assert problems == []
    history = _history.PushedStreams(fake.call, DOMAIN, app_name=app_name, page_size=page_size, workers=3)
    return history, history.collect(window)


def test_streams_are_listed_once_sorted_with_their_latest_push():
    records = [
        ("live", "b", NOW - datetime.timedelta(hours=5)),
        ("live", "a", NOW - datetime.timedelta(hours=3)),
        ("live", "b", NOW - datetime.timedelta(hours=1)),
        ("other", "a", NOW - datetime.timedelta(hours=2)),
        ("live", "old", NOW - datetime.timedelta(days=3)),
    ]
    history, streams = collect(FakeHistory(records), "2d")
    assert [(s["app_name"], s["stream_name"]) for s in streams] == [("live", "a"), ("live", "b"), ("other", "a")]
    b = streams[1]
    assert b["pushes"] == 2 and b["last_push_start"] == _history.format_time(NOW - datetime.timedelta(hours=1))
    assert history.summary(_history.plan_window("2d", None, NOW)[0])["records"] == 4


def test_a_45_day_window_is_read_in_two_slices_and_a_push_on_the_boundary_counts_once():
    window, _problems = _history.plan_window("45d", None, NOW)
    boundary = window.slices()[0][1]
    records = [("live", f"s{day:02d}", NOW - datetime.timedelta(days=day, hours=1)) for day in range(44)]
    records.append(("live", "edge", boundary))
    fake = FakeHistory(records)
    history, streams = collect(fake, "45d")
    assert len(streams) == 45 and len({s["stream_name"] for s in streams}) == 45
    assert [s["pushes"] for s in streams if s["stream_name"] == "edge"] == [1]
    assert history.slices == 2 and history.splits == 0 and history.queries == 2 == len(fake.calls)
    assert len({(c["StartTime"], c["EndTime"]) for c in fake.calls}) == 2


def test_pages_after_the_first_are_all_fetched():
    records = [("live", f"p{n:04d}", NOW - datetime.timedelta(minutes=n + 1)) for n in range(250)]
    fake = FakeHistory(records)
    history, streams = collect(fake, "1d")
    assert len(streams) == 250 and history.queries == 3
    assert sorted(c["PageNum"] for c in fake.calls) == [1, 2, 3]


@pytest.mark.parametrize("overlap", [False, True], ids=["starts-in-range", "overlapping"])
def test_a_slice_at_the_record_cap_is_halved_until_nothing_is_cut_off(overlap):
    # 12,000 pushes of 12,000 streams within one day: one query would return only 10,000.
    records = [("live", f"cap{n:05d}", NOW - datetime.timedelta(seconds=7 * n + 3)) for n in range(12000)]
    fake = FakeHistory(records, overlap=overlap)
    history, streams = collect(fake, "1d")
    assert len(streams) == 12000 and len({s["stream_name"] for s in streams}) == 12000
    assert history.splits >= 1 and history.slices >= 2
    whole_day = [
        c for c in fake.calls if (c["StartTime"], c["EndTime"]) == ("2026-11-29T18:00:00Z", "2026-11-30T18:00:00Z")
    ]
    assert [c["PageNum"] for c in whole_day] == [1]  # the whole day was asked once, found capped, and not paged through
    assert not any(c["PageNum"] > 100 for c in fake.calls)


def test_a_minimal_slice_over_the_cap_is_a_clear_error():
    records = [("live", f"burst{n:05d}", NOW - datetime.timedelta(seconds=30)) for n in range(10000)]
    with pytest.raises(
        _history.HistoryError,
        match=r"more than 10000 pushes between .* cannot be cut further; narrow the search with app_name",
    ):
        collect(FakeHistory(records), "1h")


def test_more_than_the_cap_pushing_at_one_moment_is_a_clear_error_when_pushes_overlap_the_range():
    # 10,000 one-hour pushes all under way at NOW - 2h: no time slice can hold fewer of them.
    records = [("live", f"long{n:05d}", NOW - datetime.timedelta(hours=2, seconds=n % 600)) for n in range(10000)]
    with pytest.raises(_history.HistoryError, match="cannot be cut further"):
        collect(FakeHistory(records, overlap=True, length=datetime.timedelta(hours=1)), "1d")


def test_app_name_is_sent_when_given():
    fake = FakeHistory(
        [("live", "a", NOW - datetime.timedelta(hours=1)), ("other", "b", NOW - datetime.timedelta(hours=1))]
    )
    _history_obj, streams = collect(fake, "1d", app_name="other")
    assert [s["stream_name"] for s in streams] == ["b"] and fake.calls[0]["AppName"] == "other"


def test_an_error_on_a_later_page_is_raised():
    fake = FakeHistory([("live", f"p{n:03d}", NOW - datetime.timedelta(minutes=n + 1)) for n in range(300)])
    fake.errors[3] = TencentApiError("InternalError", "boom", "rid-x", action="DescribeLiveStreamPublishedList")
    with pytest.raises(TencentApiError):
        collect(fake, "1d")


@pytest.mark.parametrize(
    "value",
    ["9999999d", "99999999999999999999d", "9" * 5000 + "d", "0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"],
)
def test_points_out_of_any_range_are_a_problem_not_a_traceback(value):
    """issue 22: 9999999d reaches before year 1 (OverflowError); 5000 digits exceed int's limit (ValueError)."""
    for option in ("pushed_since", "pushed_until"):
        when, problem = _history.parse_point(option, value, NOW)
        assert when is None and problem.startswith(f"{option} {value!r} is out of range") and "60d" in problem

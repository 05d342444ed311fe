# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""tencent_live_stream_info with a fake client (no HTTP): discovery from the push history, and wait_for."""

import datetime
import functools
import threading

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils import _base, _history, _waiting
from ansible_collections.tencent.cloud.plugins.module_utils._client import ApiResponse
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound
from ansible_collections.tencent.cloud.plugins.module_utils._waiting import wait_for_state
from ansible_collections.tencent.cloud.plugins.modules import tencent_live_stream_info

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 30, 18, 0, 0, tzinfo=UTC)
DOMAIN = "5000.livepush.myqcloud.com"
CONNECTION = {"secret_id": "AKIDtest", "secret_key": "s3cr3t", "endpoint": "http://127.0.0.1:9"}


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class FakeClient:
    """Stream states (which may change on the fake clock) and a push history; records every call."""

    def __init__(self, states, history=(), clock=None, changes=None):
        self.states = dict(states)
        self.history = list(history)  # (app, name, start datetime)
        self.clock = clock
        self.changes = dict(changes or {})  # name -> (at, state)
        self.calls = []
        self._lock = threading.Lock()

    def call(self, action, params):
        with self._lock:
            self.calls.append((action, params))
        if action == "DescribeLiveStreamState":
            name = params["StreamName"]
            change = self.changes.get(name)
            if change and self.clock and self.clock.now >= change[0]:
                self.states[name] = change[1]
            return ApiResponse({"StreamState": self.states.get(name, "inactive")}, f"rid-{name}")
        assert action == "DescribeLiveStreamPublishedList"
        start = datetime.datetime.strptime(params["StartTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        end = datetime.datetime.strptime(params["EndTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        listed = [r for r in self.history if start <= r[2] < end and params.get("AppName") in (None, r[0])]
        size, page = params["PageSize"], params["PageNum"]
        info = [
            {
                "AppName": r[0],
                "StreamName": r[1],
                "DomainName": DOMAIN,
                "StreamStartTime": _history.format_time(r[2]),
                "StreamEndTime": None,
            }
            for r in listed[(page - 1) * size : page * size]
        ]
        return ApiResponse(
            {"TotalNum": len(listed), "TotalPage": -(-len(listed) // size), "PublishInfo": info}, f"rid-h{page}"
        )

    def actions(self):
        return [action for action, _params in self.calls]


@pytest.fixture
def run(monkeypatch, run_module):
    monkeypatch.setattr(_history, "utcnow", lambda: NOW)

    def run_with(client, check_mode=False, clock=None, **args):
        monkeypatch.setattr(_base.TencentModule, "client", property(lambda self: client))
        if clock is not None:
            monkeypatch.setattr(
                _waiting,
                "wait_for_state",
                functools.partial(wait_for_state, clock=clock, sleep=clock.sleep),
            )
        return run_module(tencent_live_stream_info.main, dict(CONNECTION, **args), check_mode=check_mode)

    return run_with


def hours_ago(hours):
    return NOW - datetime.timedelta(hours=hours)


def test_discovery_lists_each_pushed_stream_once_with_its_state_and_counts(run):
    history = [
        ("live", "b", hours_ago(30)),
        ("live", "a", hours_ago(20)),
        ("live", "b", hours_ago(2)),
        ("live", "c", hours_ago(1)),
        ("live", "stale", hours_ago(24 * 10)),
    ]
    client = FakeClient({"a": "forbid", "b": "active", "c": "forbid", "stale": "forbid"}, history)
    result = run(client, check_mode=True, domain_name=DOMAIN, app_name="live", pushed_since="7d")
    assert result["changed"] is False
    assert [(s["stream_name"], s["state"], s["pushes"]) for s in result["streams"]] == [
        ("a", "forbid", 1),
        ("b", "active", 2),
        ("c", "forbid", 1),
    ]
    assert result["streams"][1]["last_push_start"] == "2026-11-30T16:00:00Z"
    assert result["counts"] == {"total": 3, "active": 1, "inactive": 0, "forbid": 2, "failed": 0}
    assert result["window"] == {
        "since": "2026-11-23T18:00:00Z",
        "until": "2026-11-30T18:00:00Z",
        "slices": 1,
        "splits": 0,
        "queries": 1,
        "records": 4,
    }
    assert client.actions().count("DescribeLiveStreamState") == 3
    assert next(p for a, p in client.calls if a == "DescribeLiveStreamPublishedList")["AppName"] == "live"


@pytest.mark.parametrize(
    "args, words",
    [
        (dict(pushed_since="70d"), "pushed_since '70d' (2026-09-21T18:00:00Z) is more than 60 days ago"),
        (dict(pushed_since="1d", pushed_until="2d"), "must be before pushed_until"),
        (dict(pushed_since="1d", pushed_until="2026-12-24T00:00:00Z"), "is in the future"),
        (dict(pushed_since="last week"), "pushed_since 'last week' is neither a duration nor a time"),
        (dict(pushed_since="7d", page_size=300), "page_size must be between 10 and 100 for the push history"),
        (dict(pushed_since="7d", wait_interval=0), "wait_interval must be 1 to 86400 seconds"),
        (dict(pushed_since="7d", wait_interval=10**30), "wait_interval must be 1 to 86400 seconds"),
        (dict(pushed_since="7d", wait_timeout=10**400), "wait_timeout must be 0 to 86400 seconds"),
        # absurd windows (issue 22): out of range, not a traceback
        (dict(pushed_since="9999999d"), "pushed_since '9999999d' is out of range"),
        (dict(pushed_since="99999999999999999999d"), "is out of range"),
        (dict(pushed_since="9" * 5000 + "d"), "is out of range"),
        (dict(pushed_since="7d", pushed_until="9999999d"), "pushed_until '9999999d' is out of range"),
        (dict(pushed_since="0001-01-01T00:30:00+01:00"), "is out of range"),
        (dict(pushed_since="7d", pushed_until="9999-12-31T23:30:00-01:00"), "is out of range"),
    ],
)
def test_bad_windows_fail_before_any_call(run, args, words):
    client = FakeClient({})
    result = run(client, domain_name=DOMAIN, **args)
    assert result["failed"] is True and words in result["msg"] and client.calls == []


@pytest.mark.parametrize(
    "args, words",
    [
        (dict(pushed_since="7d"), "missing parameter(s) required by 'pushed_since': domain_name"),
        (dict(domain_name=DOMAIN, pushed_until="1d"), "missing parameter(s) required by 'pushed_until': pushed_since"),
        (dict(domain_name=DOMAIN, pushed_since="7d", stream_names=["a"]), "mutually exclusive"),
        (dict(domain_name=DOMAIN, wait_for="active"), "wait_for needs the streams to wait for"),
    ],
)
def test_option_combinations_are_checked(run, args, words):
    client = FakeClient({})
    result = run(client, **args)
    assert result["failed"] is True and words in result["msg"] and client.calls == []


def test_wait_for_succeeds_when_every_stream_comes_back(run):
    clock = FakeClock()
    client = FakeClient(
        {"a": "inactive", "b": "inactive"}, clock=clock, changes={"a": (4, "active"), "b": (9, "active")}
    )
    result = run(
        client,
        clock=clock,
        domain_name=DOMAIN,
        stream_names=["a", "b"],
        wait_for="active",
        wait_interval=2,
        wait_timeout=60,
    )
    assert "failed" not in result or result["failed"] is False
    assert [s["state"] for s in result["streams"]] == ["active", "active"]
    assert (
        result["wait"]["reached"] == ["a", "b"]
        and result["wait"]["not_reached"] == []
        and result["wait"]["timed_out"] is False
    )
    assert result["wait"]["elapsed"] == 10 and result["counts"]["active"] == 2


def test_wait_for_fails_naming_the_streams_that_never_came_back(run):
    clock = FakeClock()
    client = FakeClient(
        {"a": "inactive", "never": "inactive", "still": "forbid"}, clock=clock, changes={"a": (4, "active")}
    )
    result = run(
        client,
        clock=clock,
        domain_name=DOMAIN,
        stream_names=["a", "never", "still"],
        wait_for="active",
        wait_timeout=20,
    )
    assert result["failed"] is True
    assert (
        "Waited 20 s for 3 stream(s) to be active; 2 did not get there: never (inactive); still (forbid)"
        in result["msg"]
    )
    assert [s["state"] for s in result["streams"]] == ["active", "inactive", "forbid"]
    assert result["wait"]["not_reached"] == ["never", "still"] and result["wait"]["timed_out"] is True
    assert clock.now == 20


def test_wait_for_works_on_discovered_streams_in_check_mode(run):
    clock = FakeClock()
    client = FakeClient({"a": "forbid"}, [("live", "a", hours_ago(1))], clock=clock, changes={"a": (6, "inactive")})
    result = run(client, check_mode=True, clock=clock, domain_name=DOMAIN, pushed_since="90m", wait_for="inactive")
    assert (
        result["wait"]["reached"] == ["a"]
        and result["streams"][0]["state"] == "inactive"
        and result["streams"][0]["pushes"] == 1
    )
    assert clock.now == 10


def test_a_stop_while_waiting_fails_the_task_saying_so(run, monkeypatch):
    clock = FakeClock()
    bound = TaskBound()
    monkeypatch.setattr(_base.TaskBound, "after", classmethod(lambda cls, *args, **kwargs: bound))
    client = FakeClient({"a": "inactive"}, clock=clock)
    monkeypatch.setattr(clock, "sleep", lambda seconds: bound.stop("SIGTERM received"))
    result = run(client, clock=clock, domain_name=DOMAIN, stream_names=["a"], wait_for="active", wait_timeout=60)
    assert result["failed"] is True and result["wait"]["timed_out"] is False and result["wait"]["polls"] == 1
    assert (
        result["msg"] == "The task was stopped (SIGTERM received): waiting for 1 stream(s) to be active was cut short"
    )

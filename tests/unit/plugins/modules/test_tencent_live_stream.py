# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Planning and results of tencent_live_stream with a fake client (no HTTP)."""

import threading

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils import _base
from ansible_collections.tencent.cloud.plugins.module_utils._client import ApiResponse
from ansible_collections.tencent.cloud.plugins.module_utils._errors import (
    TaskStopped,
    TencentApiError,
    TencentTransportError,
)
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound
from ansible_collections.tencent.cloud.plugins.modules import tencent_live_stream

DOMAIN = "5000.livepush.myqcloud.com"
CONNECTION = {"secret_id": "AKIDtest", "secret_key": "s3cr3t", "endpoint": "http://127.0.0.1:9"}


class FakeClient:
    """Keeps stream states in memory and records every call; errors can be planted per stream.

    A planted error is raised before the call is carried out; one planted as ("lost", error) is
    raised after it was carried out (an answer lost on the way back).
    """

    retry_policy = RetryPolicy(retries=2, rand=lambda: 0.0)
    # the task's bound, as the real client has it: no deadline, never stopped
    bound = TaskBound()

    def __init__(self, states, errors=None):
        self.states = dict(states)
        self.errors = dict(errors or {})
        self.calls = []
        self._lock = threading.Lock()

    def call(self, action, params):
        name = params["StreamName"]
        with self._lock:
            self.calls.append((action, name))
            planted = self.errors.get((action, name))
            lost = isinstance(planted, tuple)
            if planted and not lost:
                raise planted
            if action == "DescribeLiveStreamState":
                return ApiResponse({"StreamState": self.states.get(name, "inactive")}, f"rid-{name}-{len(self.calls)}")
            self.states[name] = {
                "ResumeLiveStream": "inactive",
                "ForbidLiveStream": "forbid",
                "DropLiveStream": "inactive",
            }[action]
            if lost:
                raise planted[1]
            self.params = params
            return ApiResponse({}, f"rid-{action}-{name}")

    def writes(self):
        return [call for call in self.calls if call[0] != "DescribeLiveStreamState"]


@pytest.fixture
def run(monkeypatch, run_module):
    def run_with(client, check_mode=False, diff=False, **args):
        monkeypatch.setattr(_base.TencentModule, "client", property(lambda self: client))
        return run_module(
            tencent_live_stream.main, dict(CONNECTION, domain_name=DOMAIN, **args), check_mode=check_mode, diff=diff
        )

    return run_with


@pytest.mark.parametrize(
    "state, before, writes, changed, after",
    [
        ("resumed", "forbid", ["ResumeLiveStream"], True, "inactive"),
        ("resumed", "active", [], False, "active"),
        ("resumed", "inactive", [], False, "inactive"),
        ("forbidden", "active", ["ForbidLiveStream"], True, "forbid"),
        ("forbidden", "inactive", ["ForbidLiveStream"], True, "forbid"),
        ("forbidden", "forbid", [], False, "forbid"),
        # The state read may lag behind (Tencent says so) and dropping an inactive stream succeeds:
        # the drop is always sent, and only a stream read as active counts as changed.
        ("dropped", "active", ["DropLiveStream"], True, "inactive"),
        ("dropped", "inactive", ["DropLiveStream"], False, "inactive"),
        ("dropped", "forbid", ["DropLiveStream"], False, "forbid"),
    ],
)
def test_each_state_writes_only_when_needed(run, state, before, writes, changed, after):
    client = FakeClient({"s1": before})
    result = run(client, stream_name="s1", state=state)
    assert [call[0] for call in client.writes()] == writes
    assert result["changed"] is changed
    assert result["stream"]["previous_state"] == before and result["stream"]["state"] == after
    assert sorted(result["stream"]["request_ids"]) == sorted(["DescribeLiveStreamState", *writes])


def test_check_mode_of_a_drop_never_writes_and_changes_only_an_active_stream(run):
    for before, changed in (("active", True), ("inactive", False)):
        client = FakeClient({"s1": before})
        result = run(client, check_mode=True, stream_name="s1", state="dropped")
        assert client.writes() == [] and result["changed"] is changed


def test_check_mode_reads_but_never_writes(run):
    client = FakeClient({"s1": "forbid"})
    result = run(client, check_mode=True, diff=True, stream_name="s1")
    assert result["changed"] is True and client.writes() == [] and client.states["s1"] == "forbid"
    assert result["diff"] == {"before": {"state": "forbid"}, "after": {"state": "inactive"}}


def test_forbid_sends_resume_time_and_default_reason(run):
    client = FakeClient({"s1": "active"})
    run(client, stream_name="s1", state="forbidden")
    assert client.params["Reason"].startswith("Forbidden by Ansible")
    assert "ResumeTime" not in client.params


def test_single_stream_failure_names_code_message_and_request_id(run):
    error = TencentApiError("InternalError", "backend down", "rid-77", action="ResumeLiveStream")
    client = FakeClient({"s1": "forbid"}, {("ResumeLiveStream", "s1"): error})
    result = run(client, stream_name="s1")
    assert result["failed"] is True
    assert "InternalError" in result["msg"] and "backend down" in result["msg"] and "rid-77" in result["msg"]
    assert result["failure"]["request_id"] == "rid-77" and result["stream"]["state"] == "forbid"
    # a passing fault: each failed write was settled by a read that still found it forbid, then sent again (retries=2)
    assert [call[0] for call in client.calls] == ["DescribeLiveStreamState"] + [
        "ResumeLiveStream",
        "DescribeLiveStreamState",
    ] * 3
    assert result["failure"]["read_state"] == "forbid" and result["failure"]["read_request_id"]


@pytest.mark.parametrize(
    "state, before, action",
    [
        ("resumed", "forbid", "ResumeLiveStream"),
        ("forbidden", "active", "ForbidLiveStream"),
        ("dropped", "active", "DropLiveStream"),
    ],
)
@pytest.mark.parametrize(
    "lost",
    [
        TencentTransportError("no answer within timeout=10s"),
        TencentTransportError("HTTP 502 from the endpoint", status=502),
        TencentApiError("ServiceUnavailable", "busy", "rid-su"),
    ],
)
def test_a_write_whose_answer_was_lost_is_confirmed_by_a_read_not_sent_again(run, state, before, action, lost):
    client = FakeClient({"s1": before}, {(action, "s1"): ("lost", lost)})
    result = run(client, stream_name="s1", state=state)
    assert result.get("failed") is not True, result
    assert [call[0] for call in client.calls] == ["DescribeLiveStreamState", action, "DescribeLiveStreamState"]
    stream = result["stream"]
    assert result["changed"] is True and stream["confirmed_by_read"] is True
    assert stream["recovered_errors"][0]["read_state"] == client.states["s1"]
    assert action not in stream["request_ids"]


def test_a_write_that_never_reached_the_server_is_not_settled_by_a_read(run):
    # The client itself re-sends those; if it gives up, no read can tell anything new.
    error = TencentTransportError("could not connect", maybe_carried_out=False)
    client = FakeClient({"s1": "forbid"}, {("ResumeLiveStream", "s1"): error})
    result = run(client, stream_name="s1")
    assert result["failed"] is True
    assert [call[0] for call in client.calls] == ["DescribeLiveStreamState", "ResumeLiveStream"]


def test_an_error_on_a_stream_another_client_already_resumed_is_success(run):
    # strict-resume: Tencent may refuse ResumeLiveStream of a stream that is not forbidden; another
    # operator resumed it between our read and our write.
    class Preempting(FakeClient):
        def call(self, action, params):
            if action == "ResumeLiveStream":
                self.states["s1"] = "inactive"
                self.calls.append((action, "s1"))
                raise TencentApiError("FailedOperation", "The stream is not forbidden.", "rid-fo", action=action)
            return FakeClient.call(self, action, params)

    client = Preempting({"s1": "forbid"})
    result = run(client, stream_name="s1")
    assert result.get("failed") is not True, result
    assert result["changed"] is True and result["stream"]["confirmed_by_read"] is True
    assert result["stream"]["recovered_errors"][0]["code"] == "FailedOperation"
    assert [call[0] for call in client.calls] == [
        "DescribeLiveStreamState",
        "ResumeLiveStream",
        "DescribeLiveStreamState",
    ]


def test_a_failed_write_not_confirmed_by_the_read_fails_without_a_blind_resend(run):
    error = TencentApiError("FailedOperation", "nope", "rid-x", action="ResumeLiveStream")
    client = FakeClient({"s1": "forbid"}, {("ResumeLiveStream", "s1"): error})
    result = run(client, stream_name="s1")
    assert result["failed"] is True and result["failure"]["code"] == "FailedOperation"
    assert result["failure"]["read_state"] == "forbid"
    assert [call[0] for call in client.calls] == [
        "DescribeLiveStreamState",
        "ResumeLiveStream",
        "DescribeLiveStreamState",
    ]


def test_a_fatal_error_on_a_write_is_not_settled(run):
    error = TencentApiError("UnauthorizedOperation", "no", "rid-u", action="ResumeLiveStream")
    client = FakeClient({"s1": "forbid"}, {("ResumeLiveStream", "s1"): error})
    result = run(client, stream_name="s1")
    assert result["failed"] is True and "read_state" not in result["failure"]
    assert [call[0] for call in client.calls] == ["DescribeLiveStreamState", "ResumeLiveStream"]


@pytest.mark.parametrize(
    "code",
    ["ResourceNotFound.StreamNotAlive", "ResourceUnavailable.StreamNotExist", "FailedOperation.HasNotLivingStream"],
)
@pytest.mark.parametrize("before", ["active", "inactive"])
def test_a_drop_answered_not_pushing_finds_the_stream_where_it_should_be(run, code, before):
    """The encoder left between the read and the drop (or Tencent answers an idle drop so): no failure, no
    change made by the task, no read that could lag behind, and the answer's RequestId kept."""
    error = TencentApiError(code, "The stream is not active.", "rid-gone", action="DropLiveStream")
    client = FakeClient({"s1": before}, {("DropLiveStream", "s1"): error})
    result = run(client, stream_name="s1", state="dropped")
    assert result.get("failed") is not True, result.get("msg")
    assert [call[0] for call in client.calls] == ["DescribeLiveStreamState", "DropLiveStream"]
    stream = result["stream"]
    assert result["changed"] is False and stream["changed"] is False
    assert (stream["previous_state"], stream["state"]) == (before, "inactive")
    assert stream["request_ids"]["DropLiveStream"] == "rid-gone" and stream["confirmed_by_read"] is False
    assert [(e["code"], e["request_id"]) for e in stream["recovered_errors"]] == [(code, "rid-gone")]


def test_a_stream_that_is_not_pushing_fails_only_itself_on_other_writes_and_the_batch_goes_on(run):
    names = ["a", "b", "c"]
    error = TencentApiError("ResourceNotFound.StreamNotAlive", "gone", "rid-na", action="ForbidLiveStream")
    client = FakeClient(dict.fromkeys(names, "active"), {("ForbidLiveStream", "a"): error})
    result = run(client, stream_names=names, state="forbidden", concurrency=1)
    assert result["counts"] == {"total": 3, "changed": 2, "ok": 0, "failed": 1, "skipped": 0, "unknown": 0}
    # settled by a read like any failure that is not fatal, and not taken for a frozen service
    assert ("DescribeLiveStreamState", "a") in client.calls[1:] and "frozen" not in result["msg"]
    assert result["streams"][0]["error"]["read_state"] == "active"


def test_batch_diff_holds_the_states_before_and_after_not_only_the_names(run):
    names = ["on", "off", "banned"]
    client = FakeClient({"on": "active", "off": "inactive", "banned": "forbid"})
    result = run(client, diff=True, stream_names=names, state="forbidden")
    assert result["diff"] == {
        "before": {"streams": {"on": "active", "off": "inactive"}},
        "after": {"streams": {"on": "forbid", "off": "forbid"}},
    }
    single = run(FakeClient({"s1": "active"}), diff=True, stream_name="s1", state="dropped")
    assert single["diff"] == {"before": {"state": "active"}, "after": {"state": "inactive"}}


def test_batch_results_in_input_order_with_counts_and_diff_of_changes_only(run):
    names = [f"s{n:02d}" for n in range(40)]
    states = {name: "forbid" if n % 2 else "active" for n, name in enumerate(names)}
    client = FakeClient(states)
    result = run(client, diff=True, stream_names=names)
    assert [s["stream_name"] for s in result["streams"]] == names
    assert result["counts"] == {"total": 40, "changed": 20, "ok": 20, "failed": 0, "skipped": 0, "unknown": 0}
    assert sorted(call[1] for call in client.writes()) == names[1::2]
    assert result["diff"]["before"]["streams"] == dict.fromkeys(names[1::2], "forbid")
    assert result["diff"]["after"]["streams"] == dict.fromkeys(names[1::2], "inactive")


def test_batch_partial_failure_lists_failed_and_succeeded_then_rerun_finishes(run):
    names = ["a", "b", "c", "d"]
    error = TencentApiError("InternalError", "try later", "rid-b", action="ResumeLiveStream")
    client = FakeClient(dict.fromkeys(names, "forbid"), {("ResumeLiveStream", "b"): error})
    result = run(client, stream_names=names)
    assert result["failed"] is True and result["counts"]["failed"] == 1 and result["counts"]["changed"] == 3
    assert "b: ResumeLiveStream failed: InternalError: try later (RequestId: rid-b)" in result["msg"]
    assert "3 succeeded" in result["msg"]
    client.errors.clear()
    client.calls = []
    again = run(client, stream_names=names)
    assert client.writes() == [("ResumeLiveStream", "b")] and again["counts"]["changed"] == 1


def test_batch_stops_starting_streams_after_an_authentication_error(run):
    names = [f"n{n:03d}" for n in range(50)]
    error = TencentApiError("AuthFailure.SignatureFailure", "bad signature", "rid-a", action="DescribeLiveStreamState")
    client = FakeClient({}, {("DescribeLiveStreamState", n): error for n in names})
    result = run(client, stream_names=names, concurrency=1)
    assert len(client.calls) == 1
    assert result["counts"] == {"total": 50, "changed": 0, "ok": 0, "failed": 1, "skipped": 49, "unknown": 0}
    assert "not attempted" in result["streams"][1]["error"]["message"]


@pytest.mark.parametrize(
    "args, fragment",
    [
        ({"stream_name": "s", "reason": "x"}, "reason is only used with state=forbidden"),
        ({"stream_name": "s", "resume_time": "2099-01-01T00:00:00Z"}, "resume_time is only used with state=forbidden"),
        ({"stream_name": "s", "state": "forbidden", "resume_time": "2000-01-01T00:00:00Z"}, "is in the past"),
        ({"stream_name": "s", "state": "forbidden", "resume_time": "2999-01-01T00:00:00Z"}, "more than 90 days ahead"),
        ({"stream_name": "s", "state": "forbidden", "resume_time": "tomorrow"}, "not an ISO 8601 UTC time"),
        (
            {"stream_name": "s", "state": "forbidden", "resume_time": "2030-01-01T08:00:00+08:00"},
            "which is 2030-01-01T00:00:00Z",
        ),
        ({"stream_name": "s", "state": "forbidden", "resume_time": "2030-01-01T08:00:00"}, "has no time zone"),
        ({"stream_name": "s", "state": "forbidden", "reason": "x" * 2049}, "2049 bytes"),
        ({"stream_name": " "}, "stream_name must not be empty"),
        ({"stream_names": []}, "at least one stream name"),
        ({"stream_names": ["a", "a"]}, "'a' more than once"),
        ({"stream_names": ["a", ""]}, "stream_names[1] must not be empty"),
        ({"stream_name": "s", "timeout": 0}, "timeout must be"),
        ({"stream_name": "s", "retries": -1}, "retries must be"),
        ({"stream_name": "s", "endpoint": "ftp://x"}, "only http:// and https://"),
        ({"stream_name": "s", "secret_key": None}, "secret_key is not set"),
        ({"stream_name": "s", "rate_limits": {"ResumeLiveStream": 0}}, "rate_limits.ResumeLiveStream"),
    ],
)
def test_bad_input_fails_before_any_call(run, args, fragment):
    client = FakeClient({})
    result = run(client, **args)
    assert result["failed"] is True and fragment in result["msg"], result["msg"]
    assert client.calls == []


def test_a_write_on_the_wire_when_the_task_stops_is_reported_as_sent_with_an_unknown_outcome(run):
    names = ["a", "b", "c"]
    cut = TaskStopped("SIGTERM received", action="ResumeLiveStream", maybe_sent=True)
    client = FakeClient(dict.fromkeys(names, "forbid"), {("ResumeLiveStream", "b"): cut})
    result = run(client, stream_names=names)
    unknown = result["streams"][1]
    assert unknown["failed"] is True and unknown["changed"] is True and unknown["state"] is None
    assert unknown["error"]["kind"] == "outcome_unknown" and unknown["error"]["cause"]["kind"] == "stopped"
    assert result["counts"] == {"total": 3, "changed": 2, "ok": 0, "failed": 0, "skipped": 0, "unknown": 1}
    assert "(0 failed, 0 not attempted, 1 sent with an unknown outcome)" in result["msg"]
    assert "b: ResumeLiveStream was sent and its outcome is unknown" in result["msg"]
    # a re-run reads every stream and writes only what is still forbidden
    client.errors.clear()
    client.calls = []
    client.states["b"] = "forbid"
    again = run(client, stream_names=names)
    assert client.writes() == [("ResumeLiveStream", "b")] and again["counts"]["changed"] == 1


def test_a_stopped_task_says_so_first_and_reports_the_streams_not_attempted(run, monkeypatch):
    names = [f"s{n}" for n in range(6)]
    bound = TaskBound()
    monkeypatch.setattr(_base.TaskBound, "after", classmethod(lambda cls, *args, **kwargs: bound))

    class StoppedAfterTwo(FakeClient):
        def call(self, action, params):
            if len(self.calls) == 2:
                bound.stop("SIGTERM received")
            bound.check(action)
            return super().call(action, params)

    client = StoppedAfterTwo(dict.fromkeys(names, "forbid"))
    result = run(client, stream_names=names, concurrency=1)
    assert result["msg"].startswith("The task was stopped (SIGTERM received): 5 of 6 streams did not reach")
    assert result["counts"] == {"total": 6, "changed": 1, "ok": 0, "failed": 0, "skipped": 5, "unknown": 0}
    reasons = {stream["error"]["message"] for stream in result["streams"][1:]}
    assert reasons == {
        "not attempted: the task was stopped (SIGTERM received) before DescribeLiveStreamState could be sent"
    }


# ------------------------------------------------------------------ the forbid options of a batch of moderation Blocks
# only_pushing forbids only what its one read shows pushing; reasons gives each stream its own reason in one task.


class RecordingClient(FakeClient):
    """A FakeClient that keeps the parameters of every write."""

    def __init__(self, states, errors=None):
        super().__init__(states, errors)
        self.written = {}

    def call(self, action, params):
        answer = FakeClient.call(self, action, params)
        if action != "DescribeLiveStreamState":
            self.written[params["StreamName"]] = dict(params)
        return answer


STATES = {"pushing": "active", "off-air": "inactive", "banned": "forbid"}


def test_only_pushing_forbids_what_its_one_read_shows_pushing_and_nothing_else(run):
    client = RecordingClient(STATES)
    result = run(client, stream_names=list(STATES), state="forbidden", only_pushing=True, reason="Block")
    reads = sorted(call for call in client.calls if call[0] == "DescribeLiveStreamState")
    assert reads == sorted(("DescribeLiveStreamState", name) for name in STATES)  # one read each
    assert client.writes() == [("ForbidLiveStream", "pushing")]
    by_name = {stream["stream_name"]: stream for stream in result["streams"]}
    assert [(by_name[n]["previous_state"], by_name[n]["state"], by_name[n]["changed"]) for n in STATES] == [
        ("active", "forbid", True),
        ("inactive", "inactive", False),
        ("forbid", "forbid", False),
    ]
    assert result["changed"] is True
    assert result["counts"] == {"total": 3, "changed": 1, "ok": 2, "failed": 0, "skipped": 0, "unknown": 0}


def test_without_only_pushing_an_inactive_stream_is_forbidden_as_before(run):
    client = RecordingClient(STATES)
    run(client, stream_names=list(STATES), state="forbidden")
    assert sorted(client.writes()) == [("ForbidLiveStream", "off-air"), ("ForbidLiveStream", "pushing")]


def test_only_pushing_in_check_mode_reads_and_says_what_it_would_forbid(run):
    client = RecordingClient(STATES)
    result = run(client, check_mode=True, diff=True, stream_names=list(STATES), state="forbidden", only_pushing=True)
    assert client.writes() == []
    assert result["diff"] == {"before": {"streams": {"pushing": "active"}}, "after": {"streams": {"pushing": "forbid"}}}


def test_reasons_give_each_stream_its_own_reason_and_the_others_get_reason(run):
    client = RecordingClient({"a": "active", "b": "active", "c": "active"})
    reasons = {"a": "Tencent moderation: Block Porn PornHigh", "b": "Tencent moderation: Block Ad"}
    result = run(client, stream_names=["a", "b", "c"], state="forbidden", reason="the rest", reasons=reasons)
    assert result["counts"]["changed"] == 3
    assert {name: params["Reason"] for name, params in client.written.items()} == dict(reasons, c="the rest")


@pytest.mark.parametrize(
    "args, message",
    [
        ({"reasons": {"a": "x"}}, "reasons is only used with state=forbidden"),
        ({"only_pushing": True}, "only_pushing is only used with state=forbidden"),
        ({"state": "forbidden", "reasons": {"z": "x"}}, "reasons names 'z', which is not one of the streams"),
        ({"state": "forbidden", "reasons": {"a": "\u4e2d" * 683}}, "reasons['a'] is 2049 bytes long in UTF-8"),
        ({"state": "forbidden", "reasons": {"a": ["x"]}}, "reasons['a'] is a list, not a string"),
    ],
)
def test_bad_forbid_options_fail_before_any_call_naming_the_option(run, args, message):
    client = RecordingClient({"a": "active"})
    result = run(client, stream_names=["a"], **args)
    assert result["failed"] is True and message in result["msg"]
    assert client.calls == []


def test_a_reason_of_2048_bytes_is_accepted(run):
    client = RecordingClient({"a": "active"})
    result = run(client, stream_name="a", state="forbidden", reasons={"a": "\u4e2d" * 682 + "xx"})
    assert result["changed"] is True and len(client.written["a"]["Reason"].encode()) == 2048

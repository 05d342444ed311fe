# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Settling a write when the task's deadline or stop comes, and a dropped stream that reads active again."""

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils._client import ApiResponse
from ansible_collections.tencent.cloud.plugins.module_utils._errors import (
    DeadlineExceeded,
    OutcomeUnknown,
    TaskStopped,
    TencentApiError,
    TencentTransportError,
)
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.tencent.cloud.plugins.module_utils._streams import STATE_RULES, StreamKey
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound
from ansible_collections.tencent.cloud.plugins.module_utils._writes import settle_write

KEY = StreamKey("5000.livepush.myqcloud.com", "live", "s1")


class ScriptedClient:
    """Answers each call with the next item of its script: a StreamState (reads), None (a write's success) or an error."""

    retry_policy = RetryPolicy(retries=3, rand=lambda: 0.0)

    def __init__(self, *script):
        self.script = list(script)
        self.calls = []
        self.bound = TaskBound(sleep=lambda seconds: None)

    def call(self, action, params):
        self.calls.append(action)
        answer = self.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        data = {} if answer is None else {"StreamState": answer}
        return ApiResponse(data, f"rid-{len(self.calls)}")


def lost(action="ResumeLiveStream"):
    return TencentTransportError("no complete answer within timeout=10.0s", action=action)


def settle(client, state="resumed"):
    rule = STATE_RULES[state]
    return settle_write(client, rule.action, KEY.api_params(), KEY, rule.is_desired, resend_lost=rule.resend_lost)


def test_a_deadline_before_the_settling_read_leaves_a_lost_write_unknown_not_unattempted():
    client = ScriptedClient(lost(), DeadlineExceeded("no time left", action="DescribeLiveStreamState"))
    with pytest.raises(OutcomeUnknown) as caught:
        settle(client)
    failure = caught.value.failure()
    assert client.calls == ["ResumeLiveStream", "DescribeLiveStreamState"]
    assert failure["kind"] == "outcome_unknown" and failure["action"] == "ResumeLiveStream"
    assert failure["cause"]["kind"] == "transport" and "no complete answer" in failure["cause"]["message"]
    assert "task_timeout" in failure["message"] and "a re-run reads the stream's state" in failure["message"]


def test_a_stop_before_the_settling_read_leaves_a_lost_write_unknown():
    client = ScriptedClient(lost(), TaskStopped("SIGTERM received", action="DescribeLiveStreamState"))
    with pytest.raises(OutcomeUnknown) as caught:
        settle(client)
    assert "the task was stopped (SIGTERM received) before a read could settle it" in str(caught.value)


def test_a_write_on_the_wire_when_the_task_stops_is_unknown_and_not_read():
    client = ScriptedClient(TaskStopped("SIGINT received", action="ResumeLiveStream", maybe_sent=True))
    with pytest.raises(OutcomeUnknown) as caught:
        settle(client)
    assert client.calls == ["ResumeLiveStream"] and caught.value.failure()["cause"]["kind"] == "stopped"


def test_a_write_the_stop_kept_from_being_sent_was_not_attempted():
    client = ScriptedClient(TaskStopped("SIGINT received", action="ResumeLiveStream"))
    with pytest.raises(TaskStopped):
        settle(client)


def test_a_throttled_write_at_the_deadline_was_not_carried_out():
    throttled = TencentApiError("RequestLimitExceeded", "slow down", "rid-t", action="ResumeLiveStream")
    client = ScriptedClient(throttled, DeadlineExceeded("no time left", action="DescribeLiveStreamState"))
    with pytest.raises(DeadlineExceeded):
        settle(client)


def test_a_write_answered_with_an_error_keeps_its_error_when_no_read_can_settle_it():
    answered = TencentApiError("InternalError", "oops", "rid-i", action="ResumeLiveStream")
    client = ScriptedClient(answered, DeadlineExceeded("no time left", action="DescribeLiveStreamState"))
    with pytest.raises(TencentApiError) as caught:
        settle(client)
    assert caught.value is answered


def test_a_lost_write_whose_read_fails_is_unknown():
    failed_read = TencentApiError("InternalError", "oops", "rid-r", action="DescribeLiveStreamState")
    client = ScriptedClient(lost(), failed_read)
    with pytest.raises(OutcomeUnknown) as caught:
        settle(client)
    assert "the read to settle it failed" in str(caught.value)


def test_a_lost_drop_is_not_sent_again_when_the_stream_reads_active():
    """The encoder may have pushed again since: a second DropLiveStream would cut that new push."""
    client = ScriptedClient(lost("DropLiveStream"), "active", None)
    with pytest.raises(OutcomeUnknown) as caught:
        settle(client, "dropped")
    assert client.calls == ["DropLiveStream", "DescribeLiveStreamState"]
    failure = caught.value.failure()
    assert failure["read_state"] == "active" and failure["read_request_id"] == "rid-2"
    assert "a second DropLiveStream would cut that new push" in failure["message"]


def test_a_lost_resume_is_still_sent_again_when_the_stream_reads_forbidden():
    client = ScriptedClient(lost(), "forbid", None)
    outcome = settle(client)
    assert client.calls == ["ResumeLiveStream", "DescribeLiveStreamState", "ResumeLiveStream"]
    assert outcome.request_id == "rid-3" and outcome.recovered[0]["read_state"] == "forbid"


def test_a_drop_answered_with_a_passing_error_is_sent_again_when_the_read_says_active():
    """Tencent answered: the drop was not carried out, so sending it again cuts no new push."""
    busy = TencentApiError("ResourceUnavailable", "busy", "rid-b", action="DropLiveStream")
    client = ScriptedClient(busy, "active", None)
    assert settle(client, "dropped").request_id == "rid-3"


def test_a_deadline_during_the_wait_before_sending_again_keeps_the_writes_error():
    client = ScriptedClient(lost(), "forbid")
    client.bound = TaskBound(deadline=0.0, clock=lambda: 0.0, sleep=lambda seconds: None)
    with pytest.raises(TencentTransportError) as caught:
        settle(client)
    assert caught.value.read_state == "forbid" and client.calls == ["ResumeLiveStream", "DescribeLiveStreamState"]

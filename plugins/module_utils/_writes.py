# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Stream writes that are settled by reading, never by re-sending blindly.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

A ResumeLiveStream, ForbidLiveStream or DropLiveStream whose answer was lost may already have
been carried out, and Tencent may answer a write with an error although the stream is already
where we want it (another operator got there first, our own lost first attempt did, or -- which
Tencent does not document -- ResumeLiveStream of a stream that is not forbidden fails). So a
failed write is followed by DescribeLiveStreamState: if the stream is in the desired state, the
write counts as done and the result says it was confirmed by a read; if not, a passing fault is
sent again within the retry budget, and anything else fails with the write's own error.

A write that Tencent answers with a code saying there was nothing to do (``done_codes``: a
DropLiveStream of a stream that is not pushing, ResourceNotFound.StreamNotAlive) is done and
changed nothing; no read follows, since the read may lag behind and still say ``active``.

A write that may have been carried out and cannot be settled has an unknown outcome (OutcomeUnknown,
a result of its own kind): the task's deadline or stop came while it was on the wire or before the
read, the read failed, or -- DropLiveStream -- the read says the stream is active again, which a
second drop must not cut. A re-run reads the stream's state first, like any run.
"""

from ansible_collections.tencent.cloud.plugins.module_utils._errors import (
    DeadlineExceeded,
    OutcomeUnknown,
    TaskStopped,
    TencentError,
    TencentTransportError,
)
from ansible_collections.tencent.cloud.plugins.module_utils._retry import is_throttling
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import DEADLINE_REASON

READ_ACTION = "DescribeLiveStreamState"


class WriteOutcome:
    """How a write ended: its RequestId, or the read that confirmed it, and the faults overcome."""

    def __init__(self, request_id=None, confirmed_by_read=False, recovered=None, attempts=1, nothing_to_do=False):
        self.request_id = request_id
        self.confirmed_by_read = confirmed_by_read
        self.recovered = recovered or []
        self.attempts = attempts
        # Tencent answered that there was nothing to do (see done_codes): the write changed nothing.
        self.nothing_to_do = nothing_to_do


def lost_answer(error):
    """Did this write get no valid answer although it may have reached Tencent (so may have been carried out)?"""
    if isinstance(error, TaskStopped):
        return error.maybe_sent
    return isinstance(error, TencentTransportError) and error.maybe_carried_out


def settle_write(client, action, params, key, is_desired, sleep=None, done_codes=(), resend_lost=True):
    """Send one stream write; settle any non-fatal failure by reading the stream's state.

    is_desired(state) says whether a StreamState read counts as the write being done; done_codes are
    the error codes that answer the first attempt with "nothing to do" (done, nothing changed).
    resend_lost: whether a write whose answer was lost is sent again when the read does not show it
    done (not DropLiveStream: the stream may read active because its encoder pushed again since, and a
    second drop would cut that new push). Returns WriteOutcome; raises the write's TencentError when it
    cannot be settled (or the settling read's error, when the read itself fails), and OutcomeUnknown for
    a write that may have been carried out and cannot be settled: the task's deadline or stop came
    while it was on the wire or before the read, or it may not be sent again.
    """
    policy = client.retry_policy
    recovered = []
    resends = 0
    while True:
        try:
            answer = client.call(action, params)
            return WriteOutcome(answer.request_id, recovered=recovered, attempts=resends + 1)
        except TaskStopped as error:
            if error.maybe_sent:
                raise OutcomeUnknown(
                    action, error, f"the task was stopped ({error.reason}) while it was on the wire"
                ) from None
            raise
        except TencentError as error:
            if resends == 0 and getattr(error, "code", None) in done_codes:
                return WriteOutcome(error.request_id, recovered=[error.failure()], nothing_to_do=True)
            if not policy.needs_settling(error):
                raise
            read = _settling_read(client, action, key, error)
            state = read.data.get("StreamState")
            failure = error.failure()
            failure.update(read_state=state, read_request_id=read.request_id)
            recovered.append(failure)
            if is_desired(state):
                return WriteOutcome(confirmed_by_read=True, recovered=recovered, attempts=resends + 1)
            error.read_state, error.read_request_id = state, read.request_id
            if lost_answer(error) and not resend_lost:
                unknown = OutcomeUnknown(
                    action,
                    error,
                    f"its answer was lost ({error.message}) and the read after it says the stream is {state}: its encoder "
                    f"may have pushed again since, and a second {action} would cut that new push",
                )
                unknown.read_state, unknown.read_request_id = state, read.request_id
                raise unknown from None
            pause_before_resend(client, error, resends, sleep)
            resends += 1


def pause_before_resend(client, error, resends, sleep=None):
    """Wait before a write that failed with error is sent again (resends: how often it was already), or raise error:
    when the retries budget is spent, when the fault is not one to send again, or when the task's deadline or stop
    comes during the wait (the write's own error stands)."""
    policy = client.retry_policy
    if resends >= policy.retries or not policy.may_resend(error):
        raise error
    try:
        (sleep or client.bound.sleep)(policy.delay(resends))
    except (DeadlineExceeded, TaskStopped):
        raise error from None


def _settling_read(client, action, key, error):
    """The read that settles a failed write. When it cannot be made or fails, a write whose answer was lost
    has an unknown outcome. Otherwise, when the task's deadline or stop refuses it, a throttled write was not
    carried out (the refusal stands) and any other failed with its own error; a failed read's error stands."""
    try:
        return client.call(READ_ACTION, key.api_params())
    except (DeadlineExceeded, TaskStopped) as over:
        if lost_answer(error):
            why = f"the task was stopped ({over.reason})" if isinstance(over, TaskStopped) else DEADLINE_REASON
            raise OutcomeUnknown(
                action, error, f"its answer was lost ({error.message}), and {why} before a read could settle it"
            ) from None
        if is_throttling(error):
            raise
        raise error from None
    except TencentError as failed:
        if lost_answer(error):
            raise OutcomeUnknown(
                action, error, f"its answer was lost ({error.message}), and the read to settle it failed: {failed}"
            ) from None
        raise

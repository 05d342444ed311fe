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
"""

import time

from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentError

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


def settle_write(client, action, params, key, is_desired, sleep=time.sleep, done_codes=()):
    """Send one stream write; settle any non-fatal failure by reading the stream's state.

    is_desired(state) says whether a StreamState read counts as the write being done; done_codes are
    the error codes that answer the first attempt with "nothing to do" (done, nothing changed).
    Returns WriteOutcome; raises the write's TencentError when it cannot be settled (or the
    settling read's error, when the read itself fails).
    """
    policy = client.retry_policy
    recovered = []
    resends = 0
    while True:
        try:
            answer = client.call(action, params)
            return WriteOutcome(answer.request_id, recovered=recovered, attempts=resends + 1)
        except TencentError as error:
            if resends == 0 and getattr(error, "code", None) in done_codes:
                return WriteOutcome(error.request_id, recovered=[error.failure()], nothing_to_do=True)
            if not policy.needs_settling(error):
                raise
            read = client.call(READ_ACTION, key.api_params())
            state = read.data.get("StreamState")
            failure = error.failure()
            failure.update(read_state=state, read_request_id=read.request_id)
            recovered.append(failure)
            if is_desired(state):
                return WriteOutcome(confirmed_by_read=True, recovered=recovered, attempts=resends + 1)
            if resends >= policy.retries or not policy.may_resend(error):
                error.read_state, error.read_request_id = state, read.request_id
                raise
            sleep(policy.delay(resends))
            resends += 1

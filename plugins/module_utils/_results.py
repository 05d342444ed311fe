# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Per-stream results of batch modules: failed and not-attempted entries, and their summary.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.
"""

from ansible_collections.tencent.cloud.plugins.module_utils._errors import DeadlineExceeded

MAX_MESSAGES_SHOWN = 10


def record_failure(result, key, error, stop):
    """Mark a stream's result failed by a TencentError; stop the batch if every stream would fail alike.

    The task's deadline (DeadlineExceeded: a call that could not be sent in time) stops the batch,
    and the stream is reported as not attempted, like the streams not started: a re-run does it.
    """
    if isinstance(error, DeadlineExceeded):
        stop.stop(deadline_reason(error))
        return not_attempted(result, key, stop.reason)
    result.update(failed=True, error=error.failure(), msg=f"{key.stream_name}: {error}")
    if error.fatal:
        stop.stop(
            "{} failed with an error that every stream would get ({})".format(
                key.stream_name, error.failure().get("code") or error.message
            )
        )
    return result


def record_unexpected(result, key, exc):
    """Mark a stream's result failed by an exception the collection does not expect (a bug).

    Only the exception's type is shown: its text could quote anything, a header value included.
    The other streams of the batch keep their results.
    """
    message = (
        f"unexpected {type(exc).__name__} while working on this stream: a bug in tencent.cloud, please report it; the other streams are "
        "not affected"
    )
    result.update(
        failed=True,
        error={"kind": "internal", "action": None, "message": message, "attempts": 0},
        msg=f"{key.stream_name}: {message}",
    )
    return result


def deadline_reason(error):
    return "the task's deadline (task_timeout) was reached before %s could be sent" % (error.action or "the next call")


def transport_failure(result):
    """The failure message of a stream that failed for want of a valid answer from the endpoint, else None."""
    error = result.get("error") if result.get("failed") else None
    if error and error.get("kind") == "transport":
        return error.get("message")
    return None


def not_attempted(result, key, reason):
    """Mark a result as not attempted (counted as skipped), keeping what it holds (for example the state read)."""
    result.update(
        failed=True,
        error={"kind": "skipped", "action": None, "message": "not attempted: " + reason, "attempts": 0},
        msg=f"{key.stream_name}: not attempted: {reason}",
    )
    return result


def not_started_result(key, reason, **fields):
    """The result of a stream the batch did not start (an earlier configuration error, the deadline, a dead endpoint)."""
    result = not_attempted(dict(key.as_dict(), request_ids={}), key, reason)
    result.update(fields)
    return result


def pop_messages(results):
    """Remove the per-stream failure texts from results (they belong in the task's msg only)."""
    return [result.pop("msg") for result in results if "msg" in result]


def shorten(messages):
    shown = "; ".join(messages[:MAX_MESSAGES_SHOWN])
    more = len(messages) - MAX_MESSAGES_SHOWN
    if more > 0:
        shown += "; and %d more (see the per-stream results)" % more
    return shown


def first_error(results):
    return next(result["error"] for result in results if result["failed"])

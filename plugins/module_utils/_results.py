# -*- coding: utf-8 -*-
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Per-stream results of batch modules: failed and not-attempted entries, and their summary.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

MAX_MESSAGES_SHOWN = 10


def record_failure(result, key, error, stop):
    """Mark a stream's result failed by a TencentError; stop the batch if every stream would fail alike."""
    result.update(failed=True, error=error.failure(), msg="%s: %s" % (key.stream_name, error))
    if error.fatal:
        stop.stop("%s failed with an error that every stream would get (%s)" % (
            key.stream_name, error.failure().get("code") or error.message))
    return result


def record_unexpected(result, key, exc):
    """Mark a stream's result failed by an exception the collection does not expect (a bug).

    Only the exception's type is shown: its text could quote anything, a header value included.
    The other streams of the batch keep their results.
    """
    message = ("unexpected %s while working on this stream: a bug in tencent.cloud, please report it; the other streams are "
               "not affected" % type(exc).__name__)
    result.update(failed=True, error={"kind": "internal", "action": None, "message": message, "attempts": 0},
                  msg="%s: %s" % (key.stream_name, message))
    return result


def not_started_result(key, reason, **fields):
    """The result of a stream the batch did not start because of an earlier configuration error."""
    result = dict(key.as_dict(), failed=True, request_ids={},
                  error={"kind": "skipped", "action": None, "message": "not attempted: " + reason, "attempts": 0},
                  msg="%s: not attempted: %s" % (key.stream_name, reason))
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

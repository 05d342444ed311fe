# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Error types of the tencent.cloud collection.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

Every expected failure is a TencentError whose str() is a complete, secret-free message for
the user and whose failure() is the structured form modules return as ``failure``. What a
Tencent error code means (its behaviour and hint) is the code table's, in _error_codes.py.
"""

from ansible_collections.tencent.cloud.plugins.module_utils._error_codes import (
    CODE_TABLE,
    FAILED,
    FATAL,
    NOT_PUSHING,
    THROTTLED,
    TRANSIENT,
    classify,
    hint_for,
)

# The code table's names stay importable from here (the error types and the table were one file).
__all__ = [
    "CODE_TABLE",
    "FAILED",
    "FATAL",
    "NOT_PUSHING",
    "THROTTLED",
    "TRANSIENT",
    "DeadlineExceeded",
    "OutcomeUnknown",
    "TaskStopped",
    "TencentApiError",
    "TencentError",
    "TencentTransportError",
    "classify",
    "hint_for",
]


class TencentError(Exception):
    """Base of every expected failure; str() is the message shown to the user."""

    kind = "error"

    def __init__(self, message, action=None):
        super().__init__(message)
        self.message = message
        self.action = action
        self.attempts = 1
        # Set when a failed stream write was followed by a read that did not find it done.
        self.read_state = None
        self.read_request_id = None

    @property
    def fatal(self):
        return False

    def failure(self):
        """The structured failure returned by modules (never holds a secret)."""
        result = {"kind": self.kind, "action": self.action, "message": self.message, "attempts": self.attempts}
        if self.read_state is not None:
            result.update(read_state=self.read_state, read_request_id=self.read_request_id)
        return result


class TencentApiError(TencentError):
    """Tencent answered with an error envelope: code, message and RequestId."""

    kind = "api"

    def __init__(self, code, message, request_id, action=None):
        super().__init__(message, action=action)
        self.code = code
        self.request_id = request_id

    @property
    def behaviour(self):
        return classify(self.code)[0]

    @property
    def hint(self):
        return hint_for(self.code, self.action)

    @property
    def fatal(self):
        return self.behaviour == FATAL

    def __str__(self):
        action = self.action or "Tencent API call"
        text = f"{action} failed: {self.code}: {self.message} (RequestId: {self.request_id})"
        if self.attempts > 1:
            text += f" after {self.attempts} attempts"
        return text + (". " + self.hint if self.hint else "")

    def failure(self):
        result = super().failure()
        result.update(code=self.code, request_id=self.request_id, hint=self.hint)
        return result


class TencentTransportError(TencentError):
    """No valid API answer: refused, reset, timed out, TLS failure, non-200 or not JSON.

    maybe_carried_out is False only when the request certainly never reached the server
    (connection refused, DNS, TLS handshake, connect timeout): only then may a write be sent
    again without first reading the stream's state.
    """

    kind = "transport"

    def __init__(self, message, action=None, status=None, retryable=True, maybe_carried_out=True):
        super().__init__(message, action=action)
        self.status = status
        self.retryable = retryable
        self.maybe_carried_out = maybe_carried_out

    @property
    def fatal(self):
        # A TLS or endpoint problem affects every call alike.
        return not self.retryable

    def __str__(self):
        text = f"{self.action or 'Tencent API call'} failed: {self.message}"
        if self.attempts > 1:
            text += f" (after {self.attempts} attempts)"
        return text

    def failure(self):
        result = super().failure()
        result.update(status=self.status)
        return result


class DeadlineExceeded(TencentError):
    """The task's deadline (task_timeout) came before this call could be sent: it was not sent."""

    kind = "deadline"

    def __init__(self, message, action=None, deadline=None):
        super().__init__(message, action=action)
        self.deadline = deadline


class TaskStopped(TencentError):
    """The task was stopped (a signal, or Ansible gave it up) before this call could be sent, or while it was
    on the wire (maybe_sent: the request may have reached the server)."""

    kind = "stopped"

    def __init__(self, reason, action=None, maybe_sent=False):
        where = "while it was on the wire" if maybe_sent else "before it could be sent"
        super().__init__(f"the task was stopped ({reason}) {where}", action=action)
        self.reason = reason
        self.maybe_sent = maybe_sent


class OutcomeUnknown(TencentError):
    """A stream write was sent, and whether Tencent carried it out is not known: a re-run reads the stream's
    state first and settles it. ``cause`` is the write's own error (a lost answer, the stop)."""

    kind = "outcome_unknown"

    def __init__(self, action, cause, why):
        super().__init__(
            f"{action} was sent and its outcome is unknown: {why}; a re-run reads the stream's state and settles it",
            action=action,
        )
        self.cause = cause
        self.attempts = cause.attempts

    def __str__(self):
        return self.message

    def failure(self):
        result = super().failure()
        result["cause"] = self.cause.failure()
        return result

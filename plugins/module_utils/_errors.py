# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Error types of the tencent.cloud collection and the advice attached to each.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

Every expected failure is a TencentError whose str() is a complete, secret-free message for
the user and whose failure() is the structured form modules return as ``failure``.
Decisions are made on the error code only; Tencent's message texts may change.
"""

# What a Tencent error code means for the call that got it. The one table of the collection:
# the client, the retry policy, the batch runner and the docs
# (docs/docsite/rst/failure_behaviour.rst) all follow it.
THROTTLED = "throttled"  # the call was NOT carried out: slow down and send it again (until the task's deadline)
TRANSIENT = "transient"  # a passing fault: a read is sent again; a write is settled by reading the state first
FATAL = "fatal"  # the configuration or account is wrong: every stream would fail alike, stop the batch
FAILED = "failed"  # this call failed; other streams may still succeed (a write is still settled by a read)

_DOMAIN_HINT = "Tencent does not know this push domain for this account: check domain_name is a push domain of this account (Live console, Domain Management)."
_SERVICE_HINT = (
    "The Live (CSS) service of this account is not usable (not activated, frozen, stopped, disabled or in arrears): "
    "check it in the Tencent Cloud console."
)
_CAM_HINT = "The credentials may not call live:{action}: grant it in a CAM policy (for example QcloudLiveFullAccess)."
_THROTTLE_HINT = (
    "Tencent kept throttling the calls until the task's deadline: other jobs or tools use this account's quota; "
    "raise task_timeout, or lower rate_limits for this account."
)
_TRANSIENT_HINT = (
    "Tencent reported a passing fault and the retries ran out: run the task again later (it only touches what is left)."
)

# (pattern, behaviour, hint). A pattern ending in "*" matches the code and its sub-codes (prefix);
# one starting with "*" matches the code and any code ending in "." + the rest (suffix). First match wins.
CODE_TABLE = (
    ("RequestLimitExceeded*", THROTTLED, _THROTTLE_HINT),
    ("LimitExceeded.RateLimitExceeded", THROTTLED, _THROTTLE_HINT),
    ("ServiceUnavailable", TRANSIENT, _TRANSIENT_HINT),
    ("ResourceUnavailable*", TRANSIENT, _TRANSIENT_HINT),
    ("ResourceInUse*", TRANSIENT, _TRANSIENT_HINT),
    ("ResourceBusy*", TRANSIENT, _TRANSIENT_HINT),
    ("FailedOperation.CallOtherSvrFailed", TRANSIENT, _TRANSIENT_HINT),
    ("InternalError.CallOtherSvrError", TRANSIENT, _TRANSIENT_HINT),
    (
        "AuthFailure.SignatureExpire",
        FATAL,
        "The request timestamp was more than 5 minutes away from Tencent's clock: synchronise this host's clock (NTP).",
    ),
    (
        "AuthFailure.SecretIdNotFound",
        FATAL,
        "Tencent does not know this SecretId: check secret_id (or TENCENTCLOUD_SECRET_ID) and that the key is enabled in CAM.",
    ),
    (
        "AuthFailure.InvalidSecretId",
        FATAL,
        "The SecretId is malformed: check secret_id (or TENCENTCLOUD_SECRET_ID); it usually starts with AKID.",
    ),
    (
        "AuthFailure.SignatureFailure",
        FATAL,
        "The signature did not match: check secret_key (or TENCENTCLOUD_SECRET_KEY) belongs to this secret_id.",
    ),
    (
        "AuthFailure.TokenFailure",
        FATAL,
        "The temporary credentials were rejected or have expired: obtain a fresh session_token (with its secret_id/secret_key).",
    ),
    (
        "AuthFailure.MFAFailure",
        FATAL,
        "The account requires MFA for this call: use credentials that satisfy the CAM MFA condition.",
    ),
    ("AuthFailure.UnauthorizedOperation", FATAL, _CAM_HINT),
    ("AuthFailure*", FATAL, "Authentication failed: check secret_id, secret_key and session_token."),
    ("UnauthorizedOperation*", FATAL, _CAM_HINT),
    ("InternalError.ConfigNotExist", FATAL, _DOMAIN_HINT),
    ("InternalError.DomainNotExist", FATAL, _DOMAIN_HINT),
    ("ResourceNotFound.DomainNotExist", FATAL, _DOMAIN_HINT),
    ("InvalidParameter.DomainNotExists", FATAL, _DOMAIN_HINT),
    ("*PushDomainNoRecord", FATAL, _DOMAIN_HINT),
    (
        "InternalError.NotPermmitOperat",
        FATAL,
        "Tencent does not permit this operation on this domain for these credentials: check the domain belongs to this account "
        "and the CAM policy covers it.",
    ),
    # ForbidService, FreezeService, StopService, UserDisableService, UserNotExist: the account's service.
    ("ResourceNotFound*", FATAL, _SERVICE_HINT),
    (
        "InvalidAction",
        FATAL,
        "The endpoint does not know this action: check endpoint is a Live API host (live.tencentcloudapi.com).",
    ),
    (
        "NoSuchVersion",
        FATAL,
        "The endpoint does not serve Live API version 2018-08-01: check endpoint is a Live API host.",
    ),
    ("ActionOffline", FATAL, "Tencent has taken this action offline: upgrade the tencent.cloud collection."),
    ("UnsupportedRegion", FATAL, "The Live API does not take this region: remove region (Live calls need none)."),
    (
        "InternalError*",
        TRANSIENT,
        "Tencent reported an internal error: retry later; quote the RequestId to Tencent support if it persists.",
    ),
    (
        "InvalidParameterValue*",
        FAILED,
        "Tencent rejected a parameter value: check the task's options against the module documentation.",
    ),
)


def _matches(pattern, code):
    if pattern.endswith("*"):
        stem = pattern[:-1]
        return code == stem or code.startswith(stem + ".")
    if pattern.startswith("*"):
        stem = pattern[1:]
        return code == stem or code.endswith("." + stem)
    return code == pattern


def classify(code):
    """(behaviour, hint template) of a Tencent error code; unknown codes fail the call only."""
    for pattern, behaviour, hint in CODE_TABLE:
        if _matches(pattern, code):
            return behaviour, hint
    return FAILED, ""


def hint_for(code, action=None):
    """The next step for a Tencent error code, or an empty string."""
    return classify(code)[1].format(action=action or "the action")


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

# -*- coding: utf-8 -*-
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Error types of the tencent.cloud collection and the advice attached to each.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

Every expected failure is a TencentError whose str() is a complete, secret-free message for
the user and whose failure() is the structured form modules return as ``failure``.
Decisions are made on the error code only; Tencent's message texts may change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Codes that mean "your configuration is wrong", not "this stream is wrong": a batch stops
# starting new streams once one of these is seen, because every other stream would fail the
# same way.
FATAL_CODE_PREFIXES = (
    "AuthFailure",
    "UnauthorizedOperation",
    "ResourceNotFound",
    "InternalError.ConfigNotExist",
    "InternalError.DomainNotExist",
    "InvalidParameter.DomainNotExists",
    "InvalidAction",
    "NoSuchVersion",
    "ActionOffline",
)

_HINTS = (
    ("AuthFailure.SignatureExpire",
     "The request timestamp was more than 5 minutes away from Tencent's clock: synchronise this host's clock (NTP)."),
    ("AuthFailure.SecretIdNotFound",
     "Tencent does not know this SecretId: check secret_id (or TENCENTCLOUD_SECRET_ID) and that the key is enabled in CAM."),
    ("AuthFailure.InvalidSecretId",
     "The SecretId is malformed: check secret_id (or TENCENTCLOUD_SECRET_ID); it usually starts with AKID."),
    ("AuthFailure.SignatureFailure",
     "The signature did not match: check secret_key (or TENCENTCLOUD_SECRET_KEY) belongs to this secret_id."),
    ("AuthFailure.TokenFailure",
     "The temporary credentials were rejected or have expired: obtain a fresh session_token (with its secret_id/secret_key)."),
    ("AuthFailure.MFAFailure", "The account requires MFA for this call: use credentials that satisfy the CAM MFA condition."),
    ("AuthFailure.UnauthorizedOperation",
     "The credentials may not call live:{action}: grant it in a CAM policy (for example QcloudLiveFullAccess)."),
    ("UnauthorizedOperation",
     "The credentials may not call live:{action}: grant it in a CAM policy (for example QcloudLiveFullAccess)."),
    ("AuthFailure", "Authentication failed: check secret_id, secret_key and session_token."),
    ("ResourceNotFound",
     "The Live (CSS) service of this account is not usable (not activated, frozen, stopped or in arrears): check it in the Tencent Cloud console."),
    ("InternalError.ConfigNotExist",
     "Tencent has no configuration for this domain: check domain_name is a push domain of this account."),
    ("InternalError.DomainNotExist", "The domain does not exist: check domain_name is a push domain of this account."),
    ("InvalidParameter.DomainNotExists", "The domain does not exist: check domain_name is a push domain of this account."),
    ("RequestLimitExceeded",
     "Tencent throttled the calls and the retry budget ran out: raise retries, or lower rate_limits for this account."),
    ("LimitExceeded.RateLimitExceeded",
     "Tencent throttled the calls and the retry budget ran out: raise retries, or lower rate_limits for this account."),
    ("InvalidParameterValue", "Tencent rejected a parameter value: check the task's options against the module documentation."),
    ("InternalError", "Tencent reported an internal error: retry later; quote the RequestId to Tencent support if it persists."),
)


def hint_for(code, action=None):
    """The next step for a Tencent error code, or an empty string."""
    for prefix, hint in _HINTS:
        if code == prefix or code.startswith(prefix + "."):
            return hint.format(action=action or "the action")
    return ""


def is_fatal_code(code):
    return any(code == prefix or code.startswith(prefix + ".") for prefix in FATAL_CODE_PREFIXES)


class TencentError(Exception):
    """Base of every expected failure; str() is the message shown to the user."""

    kind = "error"

    def __init__(self, message, action=None):
        super(TencentError, self).__init__(message)
        self.message = message
        self.action = action
        self.attempts = 1

    @property
    def fatal(self):
        return False

    def failure(self):
        """The structured failure returned by modules (never holds a secret)."""
        return {"kind": self.kind, "action": self.action, "message": self.message, "attempts": self.attempts}


class TencentApiError(TencentError):
    """Tencent answered with an error envelope: code, message and RequestId."""

    kind = "api"

    def __init__(self, code, message, request_id, action=None):
        super(TencentApiError, self).__init__(message, action=action)
        self.code = code
        self.request_id = request_id

    @property
    def hint(self):
        return hint_for(self.code, self.action)

    @property
    def fatal(self):
        return is_fatal_code(self.code)

    def __str__(self):
        text = "%s failed: %s: %s (RequestId: %s)" % (self.action or "Tencent API call", self.code, self.message, self.request_id)
        if self.attempts > 1:
            text += " after %d attempts" % self.attempts
        return text + (". " + self.hint if self.hint else "")

    def failure(self):
        result = super(TencentApiError, self).failure()
        result.update(code=self.code, request_id=self.request_id, hint=self.hint)
        return result


class TencentTransportError(TencentError):
    """No valid API answer: refused, reset, timed out, TLS failure, non-200 or not JSON."""

    kind = "transport"

    def __init__(self, message, action=None, status=None, retryable=True):
        super(TencentTransportError, self).__init__(message, action=action)
        self.status = status
        self.retryable = retryable

    @property
    def fatal(self):
        # A TLS or endpoint problem affects every call alike.
        return not self.retryable

    def __str__(self):
        text = "%s failed: %s" % (self.action or "Tencent API call", self.message)
        if self.attempts > 1:
            text += " (after %d attempts)" % self.attempts
        return text

    def failure(self):
        result = super(TencentTransportError, self).failure()
        result.update(status=self.status)
        return result

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What each Tencent error code means: the code table (CODE_TABLE), its four behaviours and the hint
attached to each code.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

Decisions are made on the error code only; Tencent's message texts may change. This file imports
nothing: hack/docs_facts.py loads it by path to write the failure guide's table. The error types
that carry a code are in _errors.py.
"""

# What a Tencent error code means for the call that got it. The one table of the collection:
# the client, the retry policy, the batch runner and the docs
# (docs/docsite/rst/failure_behaviour.rst) all follow it.
THROTTLED = "throttled"  # the call was NOT carried out: slow down and send it again (until the task's deadline)
TRANSIENT = "transient"  # a passing fault: a read is sent again; a write is settled by reading the state first
FATAL = "fatal"  # the configuration or account is wrong: every stream would fail alike, stop the batch
FAILED = "failed"  # this call failed; other streams may still succeed (a write is still settled by a read)

_DOMAIN_HINT = (
    "Tencent does not know this push domain for this account: check domain_name is a push domain of this account "
    "(Live console, Domain Management)."
)
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
_INTERNAL_HINT = (
    "Tencent reported an internal error: retry later; quote the RequestId to Tencent support if it persists."
)
_NOT_PUSHING_HINT = (
    "Tencent found no live push of this stream: check stream_name and app_name (with state dropped, a stream that is "
    "not pushing is already where it should be)."
)
# Tencent's answers that a stream is not pushing: a DropLiveStream that gets one has nothing to do (_writes.py).
NOT_PUSHING = (
    "ResourceNotFound.StreamNotAlive ResourceUnavailable.StreamNotExist FailedOperation.StreamNotExist "
    "FailedOperation.HasNotLivingStream InternalError.HasNotLivingStream"
)
_PARAMETER_HINT = "Tencent rejected a parameter value: check the task's options against the module documentation."

# Rows of (codes, behaviour, hint); the codes of a row are separated by white space. A code is
# looked up by its exact name first; a code no row names gets the default of its family (the code
# "Family.*"; the family is the part before the first dot). A code of a family no row names fails
# only its own call, without a hint. The codes are the Live API's (every code of the official Go
# SDK's tencentcloud/live/v20180801/errors.go is checked by tests/unit/plugins/module_utils/
# test_errors.py) and Tencent's common ones.
CODE_TABLE = (
    # -- throttling: never carried out
    ("RequestLimitExceeded RequestLimitExceeded.* LimitExceeded.RateLimitExceeded", THROTTLED, _THROTTLE_HINT),
    # -- passing faults: a backend call or resource failed for the moment
    (
        "ServiceUnavailable ResourceUnavailable ResourceUnavailable.* ResourceInUse ResourceInUse.* "
        "ResourceBusy ResourceBusy.* ResourceInsufficient ResourceInsufficient.* "
        "FailedOperation.CallOtherSvrFailed FailedOperation.CallOtherSvrError FailedOperation.NetworkError "
        "FailedOperation.DatabaseNotAccessible FailedOperation.RelateServerNotAccessible "
        "InternalError.CallOtherSvrError",
        TRANSIENT,
        _TRANSIENT_HINT,
    ),
    ("InternalError InternalError.*", TRANSIENT, _INTERNAL_HINT),
    # -- the credentials: every call is signed with them
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
    ("AuthFailure AuthFailure.*", FATAL, "Authentication failed: check secret_id, secret_key and session_token."),
    (
        "AuthFailure.UnauthorizedOperation UnauthorizedOperation UnauthorizedOperation.* FailedOperation.AuthError",
        FATAL,
        _CAM_HINT,
    ),
    (
        "InternalError.NotPermmitOperat FailedOperation.NoProjectPermission",
        FATAL,
        "Tencent does not permit this operation on this domain for these credentials: check the domain belongs to this account "
        "and the CAM policy covers it.",
    ),
    # -- the push domain: every stream of a task is on the same one
    (
        "InternalError.ConfigNotExist InternalError.DomainNotExist InternalError.PushDomainNoRecord "
        "InternalError.PlayDomainNoRecord ResourceNotFound.DomainNotExist ResourceNotFound.PushDomainNoRecord "
        "ResourceNotFound.PlayDomainNoRecord InvalidParameter.DomainNotExists "
        "FailedOperation.NoLVBPushOrPlayDomain",
        FATAL,
        _DOMAIN_HINT,
    ),
    (
        "InternalError.DomainFormatError InternalError.DomainTooLong InternalError.ChineseCharacterDetected "
        "InvalidParameter.DomainFormatError InvalidParameter.DomainTooLong",
        FATAL,
        "Tencent refused domain_name as a domain name: give the bare push domain, such as 5000.livepush.myqcloud.com.",
    ),
    (
        "InternalError.DomainNoRecord ResourceNotFound.DomainNoRecord InternalError.DomainIsLimited "
        "InvalidParameter.DomainIsLimited InvalidParameter.DomainHitBlackList InvalidParameter.DomainIsFamous "
        "InternalError.DomainIsFamous InvalidParameter.CloudDomainIsStop",
        FATAL,
        "Tencent does not serve this domain (no ICP filing, restricted, blocked or expired): check domain_name, and the "
        "domain's status in the Live console.",
    ),
    # -- the account's Live service
    (
        "ResourceNotFound.ForbidService ResourceNotFound.FreezeService ResourceNotFound.StopService "
        "ResourceNotFound.UserDisableService ResourceNotFound.UserNotExist ResourceNotFound.UserNotFount "
        "FailedOperation.OutOfService FailedOperation.JiFeiNoEnoughFund InvalidParameter.NotAllowUseLVB",
        FATAL,
        _SERVICE_HINT,
    ),
    (
        "InternalError.InvalidUser",
        FATAL,
        "Tencent reports a problem with this account's information for Live (not a passing fault): check the account and "
        "its Live service in the console; quote the RequestId to Tencent support.",
    ),
    (
        "ResourceNotFound.InvalidUser",
        FATAL,
        "This account may not use this API (Tencent: the user does not support this interface): ask Tencent support to "
        "enable it.",
    ),
    (
        "ResourceNotFound.NotBindPackage",
        FATAL,
        "This prepaid account has no Live package bound: bind one in the Live console.",
    ),
    (
        "FailedOperation.NoRealNameAuth",
        FATAL,
        "The account has not completed real-name verification, which Live requires: complete it in the console.",
    ),
    (
        "UnsupportedOperation.NotLVBCodeMode",
        FATAL,
        "The account's Live service is not in live-code (new console) mode, which this API needs: ask Tencent support "
        "to switch it.",
    ),
    (
        "ResourceUnavailable.InvalidVodStatus",
        FATAL,
        "The VOD (video on demand) service of this account is not activated and this call needs it: activate it in the "
        "console.",
    ),
    # -- the endpoint and the API
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
    # -- this stream or this call only
    (NOT_PUSHING, FAILED, _NOT_PUSHING_HINT),
    (
        "InvalidParameter.UrlNotSafe InvalidParameter.InvalidCallbackUrl",
        FAILED,
        "Tencent refused a callback URL: give http:// or https:// URLs whose host names resolve in public DNS, "
        "where Tencent's servers can reach them (check urls).",
    ),
    (
        "InternalError.InvalidInput InternalError.InvalidRequest InvalidParameter InvalidParameter.* "
        "InvalidParameterValue InvalidParameterValue.*",
        FAILED,
        _PARAMETER_HINT,
    ),
    (
        "MissingParameter MissingParameter.* UnknownParameter UnknownParameter.* RequestSizeLimitExceeded "
        "DryRunOperation",
        FAILED,
        "Tencent did not take the request as tencent.cloud sent it (a parameter missing or unknown, too large, or a dry "
        "run): the API may have changed; upgrade tencent.cloud, or report it with the RequestId.",
    ),
    (
        "InternalError.ArgsNotMatch InternalError.ConfInUsed InternalError.ConfNotFound "
        "InternalError.ConfOutLimit InternalError.CrtDateInUsing InternalError.CrtDateNotFound "
        "InternalError.CrtDateNotLegal InternalError.CrtDateOverdue InternalError.CrtDomainNotFound "
        "InternalError.CrtKeyNotMatch InternalError.DomainAlreadyExist InternalError.NotFound "
        "InternalError.ProcessorAlreadyExist InternalError.RuleAlreadyExist InternalError.RuleInUsing "
        "InternalError.RuleNotFound InternalError.RuleOutLimit InternalError.WatermarkNotExist",
        FAILED,
        "Tencent reports a missing or conflicting Live configuration object (a template, rule, certificate, watermark or "
        "record), not a passing fault: see its message.",
    ),
    (
        "ResourceNotFound ResourceNotFound.*",
        FAILED,
        "Tencent did not find what this call names: check domain_name, app_name and the stream names.",
    ),
    (
        "FailedOperation FailedOperation.*",
        FAILED,
        "Tencent could not carry out this call: see its message; other calls are not affected.",
    ),
    (
        "LimitExceeded LimitExceeded.*",
        FAILED,
        "A limit of the account was reached (not the call rate): see the message.",
    ),
    (
        "UnsupportedOperation UnsupportedOperation.*",
        FAILED,
        "Tencent does not support this operation for this account or stream: see its message.",
    ),
)

_EXACT = {}
_FAMILY = {}
for _codes, _behaviour, _hint in CODE_TABLE:
    for _code in _codes.split():
        _index, _key = (_FAMILY, _code[:-2]) if _code.endswith(".*") else (_EXACT, _code)
        if _key in _index:
            raise ValueError(f"CODE_TABLE names {_code} twice")
        _index[_key] = (_behaviour, _hint)


def classify(code):
    """(behaviour, hint template) of a Tencent error code: its own row, else its family's default, else
    (FAILED, ""): an unknown code fails only its own call."""
    if code in _EXACT:
        return _EXACT[code]
    family, dot, _rest = code.partition(".")
    if dot and family in _FAMILY:
        return _FAMILY[family]
    return FAILED, ""


def hint_for(code, action=None):
    """The next step for a Tencent error code, or an empty string."""
    return classify(code)[1].format(action=action or "the action")

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The error-code table: every code of the API reference, and the failure-behaviour guide."""

import os
import re

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils._errors import (
    CODE_TABLE,
    FAILED,
    FATAL,
    THROTTLED,
    TRANSIENT,
    TencentApiError,
    TencentTransportError,
    classify,
    hint_for,
)

DOMAIN = "push domain"
SERVICE = "service of this account"

# Every code the API reference lists (shared/reference/tencent-live-api.md sections 3, 4 and 6),
# with the behaviour it must get and, where it matters, a word its hint must hold.
REFERENCE_CODES = [
    # section 3: the push-control calls
    ("FailedOperation", FAILED, None),
    ("FailedOperation.CallOtherSvrFailed", TRANSIENT, None),
    ("InternalError", TRANSIENT, "internal error"),
    ("InternalError.CallOtherSvrError", TRANSIENT, None),
    ("InternalError.ConfigNotExist", FATAL, DOMAIN),
    ("InternalError.GetBizidError", TRANSIENT, None),
    ("InternalError.GetStreamInfoError", TRANSIENT, None),
    ("InternalError.GetUpstreamInfoError", TRANSIENT, None),
    ("InternalError.NotPermmitOperat", FATAL, "not permit"),
    ("InternalError.StreamStatusError", TRANSIENT, None),
    ("InternalError.UpdateDataError", TRANSIENT, None),
    ("InvalidParameter", FAILED, None),
    ("InvalidParameterValue", FAILED, "parameter value"),
    ("MissingParameter", FAILED, None),
    ("ResourceNotFound.ForbidService", FATAL, SERVICE),
    ("ResourceNotFound.FreezeService", FATAL, SERVICE),
    ("ResourceNotFound.StopService", FATAL, SERVICE),
    ("ResourceNotFound.UserDisableService", FATAL, SERVICE),
    ("ResourceNotFound.UserNotExist", FATAL, SERVICE),
    # section 4: common codes
    ("AuthFailure.InvalidAuthorization", FATAL, "Authentication failed"),
    ("AuthFailure.InvalidSecretId", FATAL, "secret_id"),
    ("AuthFailure.MFAFailure", FATAL, "MFA"),
    ("AuthFailure.SecretIdNotFound", FATAL, "secret_id"),
    ("AuthFailure.SignatureExpire", FATAL, "clock"),
    ("AuthFailure.SignatureFailure", FATAL, "secret_key"),
    ("AuthFailure.TokenFailure", FATAL, "session_token"),
    ("AuthFailure.UnauthorizedOperation", FATAL, "CAM policy"),
    ("ActionOffline", FATAL, None),
    ("InvalidAction", FATAL, None),
    ("LimitExceeded", FAILED, None),
    ("NoSuchVersion", FATAL, None),
    ("RequestLimitExceeded", THROTTLED, "quota"),
    ("RequestLimitExceeded.UinLimitExceeded", THROTTLED, "quota"),
    ("RequestLimitExceeded.GlobalRegionUinLimitExceeded", THROTTLED, "quota"),
    ("RequestLimitExceeded.IPLimitExceeded", THROTTLED, "quota"),
    ("RequestSizeLimitExceeded", FAILED, None),
    ("ResourceInUse", TRANSIENT, None),
    ("ResourceUnavailable", TRANSIENT, None),
    ("ServiceUnavailable", TRANSIENT, "passing fault"),
    ("UnauthorizedOperation", FATAL, "CAM policy"),
    ("UnknownParameter", FAILED, None),
    ("UnsupportedOperation", FAILED, None),
    ("UnsupportedRegion", FATAL, "region"),
    # section 6: retryable by nature, domain-level and permission codes
    ("ResourceBusy", TRANSIENT, None),
    ("ResourceInUse.Something", TRANSIENT, None),
    ("ResourceUnavailable.Whatever", TRANSIENT, None),
    ("InternalError.DomainNotExist", FATAL, DOMAIN),
    ("ResourceNotFound.DomainNotExist", FATAL, DOMAIN),
    ("InvalidParameter.DomainNotExists", FATAL, DOMAIN),
    ("ResourceNotFound.PushDomainNoRecord", FATAL, DOMAIN),
    ("InternalError.PushDomainNoRecord", FATAL, DOMAIN),
    # throttling is a prefix, not a fixed set: a sub-code Tencent adds later is throttling too
    ("RequestLimitExceeded.SomethingNew", THROTTLED, "quota"),
]


@pytest.mark.parametrize("code, behaviour, hint_word", REFERENCE_CODES)
def test_every_reference_code_has_its_behaviour_and_hint(code, behaviour, hint_word):
    assert classify(code)[0] == behaviour
    if hint_word:
        assert hint_word in hint_for(code, "ResumeLiveStream")


def test_a_domain_code_gets_the_domain_hint_not_the_service_one():
    for code in ("ResourceNotFound.DomainNotExist", "ResourceNotFound.PushDomainNoRecord"):
        assert "domain_name" in hint_for(code) and "not activated" not in hint_for(code)


def test_unknown_codes_fail_only_their_call():
    assert classify("SomethingNobodyHasSeen") == (FAILED, "")
    assert TencentApiError("SomethingNobodyHasSeen", "m", "r").fatal is False


def test_patterns_do_not_match_codes_that_only_share_a_prefix_of_letters():
    # "RequestLimitExceeded*" is the code and its sub-codes, not every code starting with those letters
    assert classify("RequestLimitExceededX")[0] == FAILED


def guide():
    here = os.path.dirname(os.path.abspath(__file__))
    root = here[: here.index(os.sep + "tests" + os.sep)]
    with open(os.path.join(root, "docs", "docsite", "rst", "failure_behaviour.rst"), encoding="utf-8") as handle:
        return handle.read()


def test_the_failure_behaviour_guide_shows_the_whole_table():
    """Each row of CODE_TABLE is in the guide's code table, with its behaviour."""
    text = guide()
    section = text[text.index(".. code-table-start") : text.index(".. code-table-end")]
    rows = dict(re.findall(r"\* - ``([^`]+)``\n\s+- (\w+)", section))
    assert rows == {pattern: behaviour for pattern, behaviour, hint in CODE_TABLE}


# --------------------------------------------------------------------------- hints


def test_every_hint_is_a_sentence_with_only_the_action_to_fill_in():
    for pattern, _behaviour, hint in CODE_TABLE:
        text = hint.format(action="ResumeLiveStream")
        assert text and text.endswith(".") and "{" not in text, pattern


@pytest.mark.parametrize(
    "code", ["UnauthorizedOperation", "UnauthorizedOperation.X", "AuthFailure.UnauthorizedOperation"]
)
def test_the_cam_hint_names_the_action_that_was_refused(code):
    assert "live:ForbidLiveStream" in hint_for(code, "ForbidLiveStream")
    assert "CAM policy" in hint_for(code, "ForbidLiveStream")
    assert "live:the action" in hint_for(code)
    error = TencentApiError(code, "no", "rid", action="DropLiveStream")
    assert "live:DropLiveStream" in error.hint and error.failure()["hint"] == error.hint


def test_an_auth_sub_code_gets_its_own_hint_before_the_generic_one():
    generic = hint_for("AuthFailure.InvalidAuthorization")
    assert generic.startswith("Authentication failed")
    for code in ("AuthFailure.SignatureExpire", "AuthFailure.SecretIdNotFound", "AuthFailure.UnauthorizedOperation"):
        assert hint_for(code) != generic


@pytest.mark.parametrize(
    "code",
    [
        "InternalError.ConfigNotExist",
        "InternalError.DomainNotExist",
        "ResourceNotFound.DomainNotExist",
        "InvalidParameter.DomainNotExists",
        "PushDomainNoRecord",
        "FailedOperation.PushDomainNoRecord",
    ],
)
def test_domain_codes_point_at_domain_name(code):
    hint = hint_for(code, "ResumeLiveStream")
    assert "domain_name" in hint and "push domain" in hint and "not activated" not in hint
    assert classify(code)[0] == FATAL


def test_a_code_that_only_ends_like_a_domain_code_is_not_one():
    assert "domain_name" not in hint_for("FailedOperation.NoPushDomainNoRecordX")


@pytest.mark.parametrize(
    "code", ["RequestLimitExceeded", "RequestLimitExceeded.IPLimitExceeded", "LimitExceeded.RateLimitExceeded"]
)
def test_the_throttle_hint_names_the_options_that_help(code):
    hint = hint_for(code, "DescribeLiveStreamState")
    assert "task_timeout" in hint and "rate_limits" in hint and "quota" in hint


@pytest.mark.parametrize("code", ["ServiceUnavailable", "ResourceBusy.X", "FailedOperation.CallOtherSvrFailed"])
def test_passing_faults_say_to_run_the_task_again(code):
    assert "run the task again" in hint_for(code)


def test_internal_errors_ask_for_the_request_id():
    assert "RequestId" in hint_for("InternalError.Whatever")


def test_no_hint_for_an_unknown_code_and_no_dangling_separator():
    assert hint_for("SomethingNobodyHasSeen", "ResumeLiveStream") == ""
    error = TencentApiError("SomethingNobodyHasSeen", "odd", "rid-1", action="ResumeLiveStream")
    assert str(error) == "ResumeLiveStream failed: SomethingNobodyHasSeen: odd (RequestId: rid-1)"


def test_the_message_carries_code_request_id_attempts_and_hint():
    error = TencentApiError("AuthFailure.SignatureExpire", "expired", "rid-2", action="DescribeLiveStreamState")
    error.attempts = 3
    assert str(error) == (
        "DescribeLiveStreamState failed: AuthFailure.SignatureExpire: expired (RequestId: rid-2) after 3 attempts. "
        + hint_for("AuthFailure.SignatureExpire")
    )
    assert "NTP" in str(error)
    unnamed = TencentApiError("InvalidAction", "x", "rid-3")
    assert str(unnamed).startswith("Tencent API call failed: InvalidAction") and "endpoint" in unnamed.hint


def test_a_transport_failure_counts_its_attempts():
    error = TencentTransportError("no answer", action="ResumeLiveStream")
    assert str(error) == "ResumeLiveStream failed: no answer"
    error.attempts = 4
    assert str(error) == "ResumeLiveStream failed: no answer (after 4 attempts)"

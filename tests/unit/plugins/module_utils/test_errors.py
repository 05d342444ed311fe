# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The error-code table: every code of the API reference and of the official SDK's Live error list, and the
failure-behaviour guide."""

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
    # throttling is a family, not a fixed set: a sub-code Tencent adds later is throttling too
    ("RequestLimitExceeded.SomethingNew", THROTTLED, "quota"),
    # issue 22: classified per code, not by the prefix -- a stream that is not pushing is not a frozen service,
    # an account-information error is not a passing internal error, ...
    ("ResourceNotFound.StreamNotAlive", FAILED, "no live push of this stream"),
    ("ResourceUnavailable.StreamNotExist", FAILED, "no live push of this stream"),
    ("FailedOperation.HasNotLivingStream", FAILED, "no live push of this stream"),
    ("InternalError.InvalidUser", FATAL, "account's information"),
    ("ResourceNotFound.InvalidUser", FATAL, "may not use this API"),
    ("UnsupportedOperation.NotLVBCodeMode", FATAL, "live-code"),
    ("ResourceNotFound.UserNotFount", FATAL, SERVICE),
    ("InvalidParameter.NotAllowUseLVB", FATAL, SERVICE),
    ("FailedOperation.OutOfService", FATAL, SERVICE),
    ("InternalError.PlayDomainNoRecord", FATAL, DOMAIN),
    ("InternalError.DomainFormatError", FATAL, "domain_name"),
    ("ResourceNotFound.DomainNoRecord", FATAL, "ICP"),
    ("FailedOperation.AuthError", FATAL, "CAM policy"),
    ("InternalError.InvalidInput", FAILED, "parameter value"),
    ("InternalError.RuleNotFound", FAILED, "configuration object"),
    # a sub-code nobody has seen gets its family's default
    ("ResourceNotFound.SomethingNew", FAILED, "did not find"),
    ("InternalError.SomethingNew", TRANSIENT, "internal error"),
    ("FailedOperation.SomethingNew", FAILED, "could not carry out"),
    ("UnauthorizedOperation.SomethingNew", FATAL, "CAM policy"),
    ("AuthFailure.SomethingNew", FATAL, "Authentication failed"),
]


@pytest.mark.parametrize("code, behaviour, hint_word", REFERENCE_CODES)
def test_every_reference_code_has_its_behaviour_and_hint(code, behaviour, hint_word):
    assert classify(code)[0] == behaviour
    if hint_word:
        assert hint_word in hint_for(code, "ResumeLiveStream")


def test_a_domain_code_gets_the_domain_hint_not_the_service_one():
    for code in ("ResourceNotFound.DomainNotExist", "ResourceNotFound.PushDomainNoRecord"):
        assert "domain_name" in hint_for(code) and "not activated" not in hint_for(code)


def live_error_codes():
    """The Live API's error codes from the official Go SDK (data/live_error_codes.txt says which commit)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "live_error_codes.txt")
    with open(path, encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith("#")]


def test_the_sdk_list_is_read():
    codes = live_error_codes()
    assert len(codes) > 200 and "ResourceNotFound.StreamNotAlive" in codes and "AuthFailure" in codes


@pytest.mark.parametrize("code", live_error_codes())
def test_every_code_of_the_live_list_has_a_row_or_a_family_default_with_a_hint(code):
    behaviour, hint = classify(code)
    assert behaviour in (THROTTLED, TRANSIENT, FATAL, FAILED)
    assert hint, f"{code} falls through to the unknown-code default"


def test_no_code_of_a_stream_is_fatal_for_the_batch():
    """A code about one stream (not pushing, not found) must not stop the other streams."""
    for code in live_error_codes():
        if "Stream" in code and "Service" not in code:
            assert classify(code)[0] != FATAL, code


def test_account_codes_get_the_service_hint_not_a_passing_fault():
    for code in (
        "ResourceNotFound.FreezeService",
        "FailedOperation.JiFeiNoEnoughFund",
        "ResourceNotFound.UserNotExist",
    ):
        assert classify(code)[0] == FATAL
        assert "run the task again" not in hint_for(code) and "arrears" in hint_for(code)


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


def guide_rows():
    """The guide's code table as [(codes, behaviour, hint)], codes separated by spaces as in CODE_TABLE."""
    text = guide()
    section = text[text.index(".. code-table-start") : text.index(".. code-table-end")]
    rows = []
    for row in re.split(r"\n  \* - ", section)[2:]:
        cells = re.split(r"\n    - ", row)
        codes = " ".join(re.findall(r"``([^`]+)``", cells[0]))
        rows.append((codes, cells[1].strip(), " ".join(cells[2].split())))
    return rows


def test_the_failure_behaviour_guide_shows_the_whole_table():
    """Each row of CODE_TABLE is in the guide's code table, in order, with its codes, behaviour and hint."""
    expected = [
        (" ".join(codes.split()), behaviour, hint.replace("{action}", "<Action>"))
        for codes, behaviour, hint in CODE_TABLE
    ]
    assert guide_rows() == expected


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
        "InternalError.PushDomainNoRecord",
        "ResourceNotFound.PushDomainNoRecord",
        "FailedOperation.NoLVBPushOrPlayDomain",
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

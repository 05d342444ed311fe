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
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy

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


@pytest.mark.parametrize(
    "code, retried_on_read, settled_on_write, resent_after_read",
    [
        ("RequestLimitExceeded.UinLimitExceeded", True, True, True),
        ("ServiceUnavailable", True, True, True),
        ("InternalError", True, True, True),
        ("FailedOperation", False, True, False),
        ("AuthFailure.SignatureFailure", False, False, False),
        ("InternalError.ConfigNotExist", False, False, False),
    ],
)
def test_retry_policy_follows_the_table(code, retried_on_read, settled_on_write, resent_after_read):
    policy = RetryPolicy(retries=3)
    error = TencentApiError(code, "m", "rid")
    assert policy.should_retry(error, "DescribeLiveStreamState", 0) is retried_on_read
    assert policy.needs_settling(error) is settled_on_write
    assert policy.may_resend(error) is resent_after_read
    assert policy.should_retry(error, "DescribeLiveStreamState", 3) is False


def test_retry_policy_on_transport_faults():
    policy = RetryPolicy(retries=2)
    lost = TencentTransportError("reset after sending")
    refused = TencentTransportError("refused", maybe_carried_out=False)
    tls = TencentTransportError("TLS", retryable=False, maybe_carried_out=False)
    assert policy.should_retry(lost, "DescribeLiveStreamState", 0) and not policy.should_retry(
        lost, "ResumeLiveStream", 0
    )
    assert policy.should_retry(refused, "ResumeLiveStream", 0) and policy.should_retry(refused, "AssumeRole", 1)
    assert not policy.should_retry(tls, "DescribeLiveStreamState", 0)
    assert policy.needs_settling(lost) and not policy.needs_settling(refused) and not policy.needs_settling(tls)


def test_backoff_grows_and_is_capped():
    policy = RetryPolicy(base_delay=0.2, max_delay=5.0, rand=lambda: 1.0)
    assert [policy.delay(n) for n in range(7)] == [0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0]
    assert RetryPolicy(rand=lambda: 0.0).delay(0) == pytest.approx(0.02)


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

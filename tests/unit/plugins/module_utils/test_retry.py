# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The retry decisions of _retry.py: what is sent again by the client, what a write settles by
reading, what is re-sent after that read, and how long the client waits (backoff and jitter)."""

import random

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils._errors import (
    DeadlineExceeded,
    TencentApiError,
    TencentError,
    TencentTransportError,
)
from ansible_collections.tencent.cloud.plugins.module_utils._retry import SETTLED_WRITES, RetryPolicy, is_throttling
from ansible_collections.tencent.cloud.plugins.module_utils._settings import DEFAULT_RETRIES

READ = "DescribeLiveStreamState"
WRITES = sorted(SETTLED_WRITES)

THROTTLED_CODES = ["RequestLimitExceeded", "RequestLimitExceeded.UinLimitExceeded", "LimitExceeded.RateLimitExceeded"]
TRANSIENT_CODES = [
    "ServiceUnavailable",
    "ResourceUnavailable.X",
    "ResourceBusy",
    "InternalError",
    "InternalError.Other",
]
FAILED_CODES = ["FailedOperation", "InvalidParameterValue", "SomethingNobodyHasSeen", "LimitExceeded"]
FATAL_CODES = ["AuthFailure.SignatureFailure", "UnauthorizedOperation", "InternalError.ConfigNotExist", "InvalidAction"]


def api(code, action=READ):
    return TencentApiError(code, "message", "request-id", action=action)


# The three kinds of transport fault the client raises.
LOST = TencentTransportError("reset after sending")  # retryable, may have been carried out
REFUSED = TencentTransportError("refused", maybe_carried_out=False)  # retryable, never reached the server
BROKEN = TencentTransportError("TLS", retryable=False, maybe_carried_out=False)  # the same on every call


def test_the_stream_writes_are_the_settled_ones():
    assert {"ResumeLiveStream", "ForbidLiveStream", "DropLiveStream"} == SETTLED_WRITES


@pytest.mark.parametrize("code", THROTTLED_CODES)
def test_throttled_calls_were_not_carried_out_so_every_call_is_sent_again(code):
    assert is_throttling(api(code))
    for action in [READ, *WRITES, "AssumeRole"]:
        assert RetryPolicy.is_retryable(api(code, action), action)


@pytest.mark.parametrize("code", TRANSIENT_CODES)
def test_passing_faults_resend_reads_but_never_a_write(code):
    assert not is_throttling(api(code))
    assert RetryPolicy.is_retryable(api(code), READ)
    for action in WRITES:
        assert not RetryPolicy.is_retryable(api(code, action), action)


@pytest.mark.parametrize("code", FAILED_CODES + FATAL_CODES)
def test_failed_and_fatal_codes_are_never_sent_again(code):
    for action in [READ, *WRITES]:
        assert not RetryPolicy.is_retryable(api(code, action), action)


def test_transport_faults_resend_a_write_only_when_it_never_reached_the_server():
    assert RetryPolicy.is_retryable(LOST, READ) and RetryPolicy.is_retryable(REFUSED, READ)
    for action in WRITES:
        assert not RetryPolicy.is_retryable(LOST, action)
        assert RetryPolicy.is_retryable(REFUSED, action)
    for action in [READ, *WRITES]:
        assert not RetryPolicy.is_retryable(BROKEN, action)


def test_other_errors_are_never_retried():
    for error in (TencentError("x"), DeadlineExceeded("too late"), ValueError("x"), RuntimeError("x")):
        assert not RetryPolicy.is_retryable(error, READ)
        assert not RetryPolicy.needs_settling(error)
        assert not RetryPolicy.may_resend(error)
        assert not is_throttling(error)


@pytest.mark.parametrize("retries", [0, 1, 3, DEFAULT_RETRIES])
def test_the_budget_counts_retries_not_attempts(retries):
    policy = RetryPolicy(retries=retries)
    error = api("InternalError")
    assert [policy.should_retry(error, READ, done) for done in range(retries + 2)] == [True] * retries + [False, False]


def test_the_budget_does_not_make_a_final_fault_retryable():
    policy = RetryPolicy(retries=50)
    assert not policy.should_retry(api("AuthFailure.SignatureFailure"), READ, 0)
    assert not policy.should_retry(LOST, "ResumeLiveStream", 0)


def test_the_default_budget_is_the_documented_one():
    assert RetryPolicy().retries == DEFAULT_RETRIES == 5


@pytest.mark.parametrize(
    "error, settled",
    [
        *[(api(code, "ResumeLiveStream"), True) for code in THROTTLED_CODES + TRANSIENT_CODES + FAILED_CODES],
        *[(api(code, "ResumeLiveStream"), False) for code in FATAL_CODES],
        (LOST, True),
        (REFUSED, False),
        (BROKEN, False),
    ],
)
def test_a_failed_write_is_settled_by_a_read_unless_it_certainly_changed_nothing(error, settled):
    assert RetryPolicy.needs_settling(error) is settled


@pytest.mark.parametrize(
    "error, resend",
    [
        *[(api(code), True) for code in THROTTLED_CODES + TRANSIENT_CODES],
        *[(api(code), False) for code in FAILED_CODES + FATAL_CODES],
        (LOST, True),
        (REFUSED, True),
        (BROKEN, False),
    ],
)
def test_after_the_read_only_a_passing_fault_is_worth_sending_again(error, resend):
    assert RetryPolicy.may_resend(error) is resend


def test_backoff_doubles_from_the_base_delay_up_to_the_cap():
    policy = RetryPolicy(base_delay=0.2, max_delay=5.0, rand=lambda: 1.0)
    assert [policy.delay(n) for n in range(8)] == pytest.approx([0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0, 5.0])
    assert policy.delay(50) == pytest.approx(5.0)
    other = RetryPolicy(base_delay=1.0, max_delay=3.0, rand=lambda: 1.0)
    assert [other.delay(n) for n in range(4)] == pytest.approx([1.0, 2.0, 3.0, 3.0])


@pytest.mark.parametrize("attempt", [0, 2, 5, 9])
def test_jitter_spreads_the_wait_over_ten_to_a_hundred_percent_of_the_step(attempt):
    step = min(5.0, 0.2 * 2**attempt)
    assert RetryPolicy(rand=lambda: 0.0).delay(attempt) == pytest.approx(0.1 * step)
    assert RetryPolicy(rand=lambda: 0.5).delay(attempt) == pytest.approx(0.55 * step)
    source = random.Random(attempt)
    waits = [RetryPolicy(rand=source.random).delay(attempt) for sample in range(500)]
    assert all(0.1 * step <= wait <= step for wait in waits)
    # Spread over the range, not bunched: senders that failed together do not come back together.
    assert min(waits) < 0.2 * step and max(waits) > 0.9 * step and len(set(waits)) > 400


def test_the_default_jitter_is_random():
    waits = {RetryPolicy().delay(3) for sample in range(50)}
    assert len(waits) > 40 and all(0.16 - 1e-9 <= wait <= 1.6 + 1e-9 for wait in waits)


# Moved from test_errors.py: the table's codes and the decisions taken on them.


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

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""resume_time checks (_streams.parse_resume_time): the forms accepted, time zones, the messages."""

import datetime

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils._streams import parse_resume_time

NOW = datetime.datetime(2030, 1, 10, 12, 0, 0, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize(
    "value, sent",
    [
        ("2030-01-31T19:00:00Z", "2030-01-31T19:00:00Z"),
        ("2030-01-31t19:00:00z", None),  # a lower-case T is not ISO 8601 here: see the next test
        ("2030-01-31T19:00:00z", "2030-01-31T19:00:00Z"),
        ("2030-01-31 19:00:00Z", "2030-01-31T19:00:00Z"),
        ("2030-01-31T19:00Z", "2030-01-31T19:00:00Z"),
        ("2030-01-31T19:00:00.750Z", "2030-01-31T19:00:00Z"),
        ("  2030-01-31T19:00:00Z  ", "2030-01-31T19:00:00Z"),
        ("2030-01-31T19:00:00+00:00", "2030-01-31T19:00:00Z"),
        ("2030-01-31T19:00:00-0000", "2030-01-31T19:00:00Z"),
    ],
)
def test_accepted_forms_are_sent_as_utc_seconds(value, sent):
    when, problem = parse_resume_time(value, NOW)
    if sent is None:
        assert when is None and "is not an ISO 8601 UTC time" in problem
    else:
        assert (when, problem) == (sent, None)


def test_an_offset_other_than_zero_is_refused_with_the_utc_time_to_give():
    assert parse_resume_time("2030-01-31T19:00:00+08:00", NOW) == (
        None,
        "resume_time '2030-01-31T19:00:00+08:00' is not in UTC: give it in UTC, which is 2030-01-31T11:00:00Z",
    )
    assert parse_resume_time("2030-01-31T19:00:00-0530", NOW)[1].endswith("which is 2030-02-01T00:30:00Z")


def test_a_time_without_a_zone_is_refused_saying_to_end_it_with_z():
    assert parse_resume_time("2030-01-31T19:00", NOW) == (
        None,
        "resume_time '2030-01-31T19:00' has no time zone: Tencent expects UTC, so end it with Z "
        "(for example 2030-01-31T19:00:00Z)",
    )


@pytest.mark.parametrize(
    "value, says",
    [
        (
            "tomorrow",
            "resume_time 'tomorrow' is not an ISO 8601 UTC time: write it like 2030-01-11T12:00:00Z (UTC, at most 90 "
            "days ahead)",
        ),
        ("", "resume_time '' is not an ISO 8601 UTC time"),
        ("2030/01/31 19:00:00Z", "is not an ISO 8601 UTC time"),
        (20300131, "resume_time 20300131 is not an ISO 8601 UTC time"),
        (
            "2030-02-30T19:00:00Z",
            "resume_time '2030-02-30T19:00:00Z' is not a valid date and time: write it like 2030-01-11T12:00:00Z",
        ),
        ("2030-01-31T25:00:00Z", "is not a valid date and time"),
    ],
)
def test_bad_input_names_the_option_and_the_fix(value, says):
    when, problem = parse_resume_time(value, NOW)
    assert when is None and problem.startswith("resume_time ") and says in problem


@pytest.mark.parametrize("value", ["tomorrow", "2030-02-30T19:00:00Z"])
def test_the_example_a_refusal_gives_is_accepted(value):
    """The fix a message suggests works as written: its example time is in the future and within 90 days."""
    _when, problem = parse_resume_time(value, NOW)
    example = problem.split("write it like ", 1)[1].split(" ", 1)[0]
    assert parse_resume_time(example, NOW) == (example, None)


def test_the_time_must_be_in_the_future():
    assert parse_resume_time("2030-01-10T12:00:00Z", NOW) == (
        None,
        "resume_time '2030-01-10T12:00:00Z' is in the past (now is 2030-01-10T12:00:00Z UTC): give a future time",
    )
    assert parse_resume_time("2030-01-10T12:00:01Z", NOW) == ("2030-01-10T12:00:01Z", None)


def test_the_time_may_be_at_most_90_days_ahead():
    assert parse_resume_time("2030-04-10T12:00:00Z", NOW) == ("2030-04-10T12:00:00Z", None)
    assert parse_resume_time("2030-04-10T12:00:01Z", NOW) == (
        None,
        "resume_time '2030-04-10T12:00:01Z' is more than 90 days ahead: Tencent allows at most 2030-04-10T12:00:00Z",
    )


@pytest.mark.parametrize("value", ["9999-12-31T23:30:00-01:00", "0001-01-01T00:30:00+01:00"])
def test_an_offset_past_the_last_or_first_date_is_a_problem_not_a_traceback(value):
    when, problem = parse_resume_time(value, NOW)
    assert when is None and problem == f"resume_time {value!r} is not in UTC: give it in UTC, which is out of range"

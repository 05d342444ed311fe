# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The failure behaviour guide's bound of a stalled call, computed from the code: every attempt's timeout
plus the longest backoff the retry policy may wait between them, with the defaults."""

import re

import facts

GUIDE = ("docs", "docsite", "rst", "failure_behaviour.rst")


def stalled_call_bound():
    """(the longest backoff of each retry, the bound in seconds) with the default timeout and retries."""
    settings = facts.utils("_settings")
    policy = facts.utils("_retry").RetryPolicy(retries=settings.DEFAULT_RETRIES, rand=lambda: 1.0)
    waits = [policy.delay(attempt) for attempt in range(settings.DEFAULT_RETRIES)]
    return waits, settings.DEFAULT_TIMEOUT * (settings.DEFAULT_RETRIES + 1) + sum(waits)


def test_the_stalled_call_bound_is_the_codes():
    text = " ".join(facts.read(*GUIDE).split())
    waits, bound = stalled_call_bound()
    stated = re.search(
        r"backoff \(at most ([\d.+ ]+) seconds for (\w+) retries\): about (\d+) seconds with the defaults", text
    )
    assert stated, "the guide no longer states the bound of a stalled call in the form this test reads"
    steps = [float(step) for step in stated.group(1).split("+")]
    assert steps == [round(wait, 1) for wait in waits]
    assert stated.group(2) == {5: "five"}.get(len(waits), str(len(waits)))
    assert abs(int(stated.group(3)) - bound) < 1, (
        f"the guide says about {stated.group(3)} s; the code gives {bound:.1f} s"
    )

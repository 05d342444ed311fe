# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A moderation raid through the shipped rulebook tencent.cloud.moderation_forbid and real ansible-rulebook: 200
Blocks for pushing streams, with Blocks for streams off air and Pass results among them, sent at once by 200 senders
as Tencent's many servers do (non-200 answers re-sent every 5 s), against the emulator's quotas counted in a strict
one-second window; then, while the emulator holds the answer to one of the raid's forbids (so its batch's playbook
still runs), Review and Pass results.

The checks of make bench-eda, as a correctness test with a generous bound (never a timing claim): every first
delivery answered 200; every pushing stream forbidden, with exactly one ForbidLiveStream each, in a few batches;
none for the streams off air (one read each) or the Pass results (no call); the Reviews printed and the Passes
answered while the held forbid's playbook still runs; the quota never exceeded in any second. make bench-eda
measures how fast.
"""

import collections
import random
import re
import time

import test_rulebooks
from test_rulebooks import poll, seed_active, settled

# the fixtures: a shipped rulebook in ansible-rulebook, its callbacks from the emulator
start, collections_path = test_rulebooks.start, test_rulebooks.collections_path

RAID = 200
OFF_AIR, PASSES, REVIEWS = 20, 20, 10
BOUND = 240  # seconds from the first Block to the last forbid: generous for a loaded 2-core machine
HELD = 8  # seconds the emulator holds the answer to one forbid of the raid (the module waits 10 s for one)
DOMAIN = "5000.livepush.myqcloud.com"


def moderation(name, suggestion="Block", label="Porn"):
    return {"domain_name": DOMAIN, "stream_name": name, "suggestion": suggestion, "label": label}


def test_a_raid_of_200_blocks_is_forbidden_in_a_few_batches_and_every_first_delivery_is_answered_200(start, live_api):
    core = live_api.core
    rulebook = start("moderation_forbid", forbid_for="2h")
    core.update_settings({"quota_window": "sliding"})  # Tencent's quotas, never more in any one second
    core.callbacks.update({"senders": 200, "retry_interval": 5, "retries": 12})
    raid = [f"raid-{n:03d}" for n in range(RAID)]
    passing = [f"pass-{n:02d}" for n in range(PASSES)]
    reviewed = [f"review-{n:02d}" for n in range(REVIEWS)]
    off_air = [f"off-air-{n:02d}" for n in range(OFF_AIR)]
    seed_active(core, *raid, *passing, *reviewed)
    core.seed_streams({"streams": [{"domain_name": DOMAIN, "stream_name": n, "state": "inactive"} for n in off_air]})
    core.clear_calls()
    labels = ["Porn", "Porn", "Porn", "Ad", "Illegal"]  # a raid pushes much the same content
    callbacks = [moderation(name, label=labels[n % len(labels)]) for n, name in enumerate(raid)]
    callbacks += [moderation(name) for name in off_air]
    callbacks += [moderation(name, "Pass", "Normal") for name in passing]
    random.Random(32).shuffle(callbacks)
    # one forbid of the raid is held: while its batch's playbook waits for it, Reviews and Passes still flow
    core.add_faults(
        {"faults": [{"action": "ForbidLiveStream", "kind": "stall", "seconds": HELD, "stream_name": raid[0]}]}
    )

    started = time.monotonic()
    core.send_moderation({"callbacks": callbacks})
    poll(lambda: calls_of(core, raid[0]), BOUND, "the held forbid", rulebook)
    held_at = calls_of(core, raid[0])[0]["arrived"]
    core.send_moderation({"callbacks": [moderation(name, "Review", "Ad") for name in reviewed]})
    core.send_moderation({"callbacks": [moderation(name, "Pass", "Normal") for name in passing]})
    poll(lambda: all(f"Review stream {name} on {DOMAIN}" in rulebook.output() for name in reviewed), BOUND,
         "the Reviews to be printed", rulebook)  # fmt: skip
    printed_at = time.time()
    poll(lambda: all_forbidden(core, raid), BOUND, f"the {RAID} streams of the raid to be forbidden", rulebook)
    took = time.monotonic() - started
    settled(core, rulebook)
    assert printed_at < held_at + HELD, "the Reviews waited for the held forbid"  # its playbook still ran
    answered = [
        d for d in core.callbacks.describe()["deliveries"] if d["event_type"] == 317 and d["stream_name"] in passing
    ]
    assert len(answered) == 2 * PASSES and all(d["status"] == 200 and d["at"] < held_at + HELD for d in answered)

    log = core.callbacks.describe()["deliveries"]
    first = collections.Counter(entry["status"] for entry in log if entry["try"] == 1 and entry["event_type"] == 317)
    assert first == {200: len(callbacks) + REVIEWS + PASSES}, first  # a 503 costs a minute at Tencent
    forbids = collections.Counter(
        c["stream_name"] for c in core.list_calls("ForbidLiveStream")["calls"] if c["admitted"]
    )
    assert forbids == dict.fromkeys(raid, 1)  # exactly one each; none for streams off air or Pass results
    reads = collections.Counter(c["stream_name"] for c in core.list_calls("DescribeLiveStreamState")["calls"])
    assert reads == dict.fromkeys(raid + off_air, 1)  # the one read that decides; Pass and Review: no call at all
    rows = {row["stream_name"]: row for row in core.list_streams({})["streams"]}
    assert {rows[n]["reason"] for n in raid} == {f"Tencent moderation: Block {label} {label}High" for label in labels}
    assert all(rows[n]["state"] == "active" for n in passing + reviewed)
    assert all(rows[n]["state"] == "inactive" for n in off_air)
    most = core.list_calls(None)["window_max"]  # the most admitted in any one second: Tencent's quotas kept
    assert most["ForbidLiveStream"] <= 200 and most["DescribeLiveStreamState"] <= 300, most
    output = rulebook.output()
    batches = [int(size) for size in re.findall(r"a batch of (\d+) callback\(s\) emitted", output)]
    assert sum(batches) == RAID + OFF_AIR and len(batches) <= 20, batches  # a few playbook runs, not 220
    print(f"raid of {RAID}: forbidden {took:.1f} s after the first Block was sent, in {len(batches)} batches")


def calls_of(core, name):
    return [c for c in core.list_calls("ForbidLiveStream")["calls"] if c["stream_name"] == name]


def all_forbidden(core, names):
    forbidden = {row["stream_name"] for row in core.list_streams({})["streams"] if row["state"] == "forbid"}
    return forbidden >= set(names)

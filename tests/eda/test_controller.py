# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The EDA controller path: the shipped rulebook tencent.cloud.moderation_forbid_controller in real ansible-rulebook
(--controller-url) against a stand-in controller API (helpers/controller.py: the job template lookup, the launch and
the job status polling as ansible-rulebook 1.3 calls them), which runs each launched job's playbook,
playbooks/forbid_streams.yml, with ansible-runner as AWX does, against the emulator.

Its job template is "Forbid Live streams" as awx/configure_awx.yml creates it (its name, prompt for variables,
simultaneous jobs allowed -- the stand-in keeps a job pending while another of a template that does not allow that
runs, as AWX does). Two raids, the second while the first one's job still runs (a forbid the emulator holds):

- one launch per batch, not per Block; a launch carries the encoded batch and the resume time, nothing else from a
  callback (include_events: false: no ansible_eda event);
- the second batch's job runs while the first one's does: it does not queue behind it;
- every pushing stream forbidden by the jobs, one ForbidLiveStream each; the stream off air only read.
"""

import base64
import collections
import json
import os
import re
import shutil
import sys
import time

import pytest
import test_rulebooks
import yaml
from conftest import COLLECTION_ROOT, DOMAIN, EMULATOR_CREDENTIALS, collections_path_or_fail
from helpers.controller import StandInController
from test_rulebooks import poll, seed_active

# the fixtures: a shipped rulebook in ansible-rulebook, its callbacks from the emulator
start, collections_path = test_rulebooks.start, test_rulebooks.collections_path
BOUND = 300  # seconds: generous for a loaded 2-core machine
HELD = 8  # seconds the emulator holds one forbid of the first batch, so that its job still runs


def forbid_job_template():
    """The forbid job template as awx/configure_awx.yml creates it."""
    with open(os.path.join(COLLECTION_ROOT, "awx", "configure_awx.yml"), encoding="utf-8") as handle:
        [play] = yaml.safe_load(handle)
    name = play["vars"]["tencent_awx_forbid_template_name"]
    [task] = [t["awx.awx.job_template"] for t in play["tasks"] if "awx.awx.job_template" in t and "forbid" in t["name"]]
    assert (
        task["name"] == "{{ tencent_awx_forbid_template_name }}" and task["playbook"] == "playbooks/forbid_streams.yml"
    )
    return {
        "id": 7,
        "name": name,
        "organization": play["vars"]["tencent_awx_organization"],
        "playbook": task["playbook"],
        "ask_variables_on_launch": task.get("ask_variables_on_launch", False),
        "allow_simultaneous": task.get("allow_simultaneous", False),
    }


@pytest.fixture
def controller(tmp_path, live_api):
    """The stand-in controller with the forbid job template; its jobs' execution environment has the installed
    collection, and their credential injects the emulator's key and endpoint."""
    project = tmp_path / "project"
    installed = os.path.join(collections_path_or_fail(), "ansible_collections", "tencent", "cloud")
    shutil.copytree(os.path.join(installed, "playbooks"), project / "playbooks")
    environment = dict(EMULATOR_CREDENTIALS, TENCENTCLOUD_LIVE_ENDPOINT=live_api.url)
    environment.update(ANSIBLE_COLLECTIONS_PATH=collections_path_or_fail(), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false")
    environment["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    server = StandInController([forbid_job_template()], str(project), environment, sys.executable)
    yield server
    server.close()


def raid(names, label="Porn"):
    return {"callbacks": [{"domain_name": DOMAIN, "stream_name": name, "label": label} for name in names]}


def test_one_job_per_batch_carrying_only_the_encoded_batch_and_batches_run_side_by_side(start, live_api, controller):
    core = live_api.core
    options = ["--controller-url", controller.url, "--controller-token", "stand-in-token"]
    env = {"EDA_JOB_TEMPLATE_REFRESH_DELAY": "0.5"}  # how often ansible-rulebook asks for the jobs' status
    rulebook = start("moderation_forbid_controller", options=options, env=env, forbid_for="2h")
    core.callbacks.update({"senders": 50})
    first, second = [f"first-{n:02d}" for n in range(40)], [f"second-{n:02d}" for n in range(40)]
    seed_active(core, *first, *second)
    core.seed_streams({"streams": [{"domain_name": DOMAIN, "stream_name": "off-air", "state": "inactive"}]})
    core.clear_calls()
    held = {"action": "ForbidLiveStream", "kind": "stall", "seconds": HELD, "stream_name": "first-00"}
    core.add_faults({"faults": [held]})

    core.send_moderation(raid([*first, "off-air"]))
    poll(lambda: any(job["status"] == "running" for job in controller.jobs.values()), BOUND, "a job", rulebook)
    core.send_moderation(raid(second, label="Ad"))  # while the first job waits for its held forbid
    poll(lambda: forbidden(core) >= set(first + second), BOUND, "every stream forbidden", rulebook)
    settled_jobs(core, controller, rulebook)

    # one launch per batch the source emitted, each carrying the batch and the resume time, nothing else
    batches = [int(n) for n in re.findall(r"a batch of (\d+) callback\(s\) emitted", rulebook.output())]
    assert len(controller.launches) == len(batches) and sum(batches) == 81 and len(batches) <= 10, batches
    launched = []
    for launch in controller.launches:
        assert launch["template"] == "Forbid Live streams" and set(launch["body"]) <= {"extra_vars", "limit"}
        extra_vars = launch["body"]["extra_vars"]
        assert set(extra_vars) == {"tencent_live_b64", "resume_after"} and extra_vars["resume_after"] == "2h"
        launched += [c["stream_name"] for c in json.loads(base64.b64decode(extra_vars["tencent_live_b64"]))]
    assert sorted(launched) == sorted([*first, "off-air", *second])
    assert all(job["status"] == "successful" for job in controller.jobs.values()), describe(controller)
    # the second raid's job ran while the first one's did
    jobs = sorted(controller.jobs.values(), key=lambda job: job["started"])
    holding = next(job for job in jobs if "first-00" in job_streams(controller, job))
    later = [job for job in jobs if job["started"] > holding["started"] and "second-00" in job_streams(controller, job)]
    assert later and later[0]["started"] < holding["finished"], describe(controller)
    forbids = collections.Counter(
        c["stream_name"] for c in core.list_calls("ForbidLiveStream")["calls"] if c["admitted"]
    )
    assert forbids == dict.fromkeys(first + second, 1)
    assert [c["stream_name"] for c in core.list_calls("DescribeLiveStreamState")["calls"]].count("off-air") == 1
    assert all(authorization == "Bearer stand-in-token" for _method, _path, authorization in controller.requests)


def forbidden(core):
    return {row["stream_name"] for row in core.list_streams({})["streams"] if row["state"] == "forbid"}


def job_streams(controller, job):
    launch = controller.launches[job["id"] - 1]
    return [c["stream_name"] for c in json.loads(base64.b64decode(launch["body"]["extra_vars"]["tencent_live_b64"]))]


BATCH_EMITTED = re.compile(r"a batch of \d+ callback\(s\) emitted")
JOB_ENDED = re.compile(r"Job template '[^']*' \S.*\(job_id: (\d+)\)")


def settled_jobs(core, controller, rulebook):
    """Every delivery answered, a launch for every batch the source emitted, and every job ended and seen ended by
    ansible-rulebook (which logs each job's end with its id)."""

    def done():
        output = rulebook.output()
        return (
            core.callbacks.describe()["pending"] == 0
            and len(BATCH_EMITTED.findall(output)) == len(controller.launches)
            and all(job["finished"] for job in controller.jobs.values())
            and len(set(JOB_ENDED.findall(output))) == len(controller.jobs)
        )

    poll(done, BOUND, "every batch launched and every job ended", rulebook)


def describe(controller):
    return "\n".join(
        f"job {job['id']}: {job['status']} {job['started'] and time.strftime('%X', time.localtime(job['started']))}"
        f" - {job['finished'] and time.strftime('%X', time.localtime(job['finished']))}\n{job['stdout'][-3000:]}"
        for job in controller.jobs.values()
    )

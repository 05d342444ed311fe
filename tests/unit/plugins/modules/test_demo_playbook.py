# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""playbooks/demo.yml cannot harm a real account: it refuses a non-emulator endpoint unless asked,
refuses a stream it could not put back, and leaves the stream as it found it, even when a step fails."""

import os

DOMAIN = "5000.livepush.myqcloud.com"
SECRET_ID = "AKIDEMULATOR00000000000000000000000"
SECRET_KEY = "emulator-secret-key-0000000000000000"
WRITES = ("ResumeLiveStream", "ForbidLiveStream", "DropLiveStream")


def demo_playbook():
    here = os.path.abspath(__file__)
    root = here[: here.index(os.sep + "tests" + os.sep + "unit" + os.sep)]
    return os.path.join(root, "playbooks", "demo.yml")


def run_demo(api, tmp_path, ansible_playbook, endpoint=None, extra_vars=(), state=None):
    api.core.reset()
    if state:
        api.core.seed_streams({"streams": [{"domain_name": DOMAIN, "stream_name": "stream1", "state": state}]})
    completed = ansible_playbook(
        demo_playbook(),
        tmp_path,
        extra_vars=list(extra_vars),
        env={
            "TENCENTCLOUD_SECRET_ID": SECRET_ID,
            "TENCENTCLOUD_SECRET_KEY": SECRET_KEY,
            "TENCENTCLOUD_LIVE_ENDPOINT": endpoint or api.url,
        },
    )
    out = completed.stdout.decode("utf-8", "replace") + completed.stderr.decode("utf-8", "replace")
    calls = api.core.list_calls(None)["calls"]
    streams = {s["stream_name"]: s["state"] for s in api.core.list_streams({})["streams"]}
    return completed.returncode, out, calls, streams


def writes(calls):
    return [call["action"] for call in calls if call["action"] in WRITES]


def test_demo_on_the_emulator_leaves_the_stream_as_found(live_api, tmp_path, ansible_playbook):
    rc, out, calls, streams = run_demo(live_api, tmp_path, ansible_playbook)
    assert rc == 0, out[-3000:]
    assert writes(calls) == ["ForbidLiveStream", "ResumeLiveStream"]
    assert streams.get("stream1", "inactive") == "inactive" and "stream1 is inactive again, as before the demo" in out


def test_demo_restores_a_forbidden_stream_on_the_emulator(live_api, tmp_path, ansible_playbook):
    rc, out, calls, streams = run_demo(live_api, tmp_path, ansible_playbook, state="forbid")
    assert rc == 0, out[-3000:]
    assert streams["stream1"] == "forbid" and writes(calls) == ["ResumeLiveStream", "ForbidLiveStream"]


def test_demo_refuses_a_real_endpoint_without_opt_in(live_api, tmp_path, ansible_playbook):
    rc, out, calls, _dummy = run_demo(live_api, tmp_path, ansible_playbook, endpoint="https://live.tencentcloudapi.com")
    assert rc != 0 and "is not a local emulator" in out and "demo_allow_real_endpoint=true" in out
    assert calls == []


def test_demo_refuses_a_pushing_stream(live_api, tmp_path, ansible_playbook):
    rc, out, calls, streams = run_demo(live_api, tmp_path, ansible_playbook, state="active")
    assert rc != 0 and "pushing now" in out and writes(calls) == [] and streams["stream1"] == "active"


def test_demo_puts_the_stream_back_when_a_step_fails(live_api, tmp_path, ansible_playbook):
    live_api.core.reset()
    # The first resume fails with an error that is neither retried nor settled as done: the stream is
    # left forbidden by the demo's own forbid, until the always: section resumes it.
    live_api.core.add_faults(
        {
            "faults": [
                {
                    "action": "ResumeLiveStream",
                    "kind": "error",
                    "code": "InvalidParameterValue",
                    "message": "injected by the test",
                    "count": 1,
                }
            ]
        }
    )
    completed = ansible_playbook(
        demo_playbook(),
        tmp_path,
        env={
            "TENCENTCLOUD_SECRET_ID": SECRET_ID,
            "TENCENTCLOUD_SECRET_KEY": SECRET_KEY,
            "TENCENTCLOUD_LIVE_ENDPOINT": live_api.url,
        },
    )
    out = completed.stdout.decode("utf-8", "replace")
    calls = live_api.core.list_calls(None)["calls"]
    streams = {s["stream_name"]: s["state"] for s in live_api.core.list_streams({})["streams"]}
    assert completed.returncode != 0 and "injected by the test" in out
    assert writes(calls) == ["ForbidLiveStream", "ResumeLiveStream", "ResumeLiveStream"]
    assert streams.get("stream1", "inactive") == "inactive", out[-3000:]

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""End to end, from an empty account to a forbid, with nothing hand-made: tencent.cloud.setup_callbacks
(the installed collection's playbook, run by ansible-playbook) creates the callback template with the
rulebook's URL and the key from TENCENTCLOUD_LIVE_CALLBACK_KEY, binds it and switches moderation on;
ansible-rulebook runs tencent.cloud.moderation_forbid; a push starts in the emulator and its image
moderation says Block -- and the emulator delivers that callback only because its rules say so (the
emulator's own callback URL stays unset). The outcome is read from the emulator: the stream forbidden,
the callback delivered to the template's URL, the forbid in the call log. A domain the playbook did not
bind gets no moderation callback and its stream stays as it was.
"""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from conftest import KEY, free_port

DOMAIN = "5000.livepush.myqcloud.com"
UNBOUND = "other.livepush.example.com"
START_TIMEOUT = 180  # the JVM and the rule engine; a loaded 2-core machine may take longer
OUTCOME_TIMEOUT = 180
COS = {"moderation_cos_app_id": "1250000000", "moderation_cos_bucket": "shots", "moderation_cos_region": "ap-guangzhou"}


def environment(tmp_path, endpoint):
    """What a job gets from its credentials: the API key, the endpoint and the callback key; nothing else."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "TENCENTCLOUD_"))}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=os.environ["TENCENT_EDA_COLLECTIONS_PATH"],
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
        ANSIBLE_NOCOLOR="1",
        PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        TENCENTCLOUD_SECRET_ID="AKIDEMULATOR00000000000000000000000",
        TENCENTCLOUD_SECRET_KEY="emulator-secret-key-0000000000000000",
        TENCENTCLOUD_LIVE_ENDPOINT=endpoint,
        TENCENTCLOUD_LIVE_CALLBACK_KEY=KEY,
    )
    return env


def wait_until(predicate, timeout, what, log=None):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            tail = log.read_text(encoding="utf-8", errors="replace")[-6000:] if log and log.exists() else ""
            raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{tail}")
        time.sleep(0.2)


@pytest.fixture(name="rulebook")
def rulebook_fixture(tmp_path, live_api, listener):
    """ansible-rulebook running tencent.cloud.moderation_forbid on a free port: (port, log path)."""
    assert os.environ.get("TENCENT_EDA_COLLECTIONS_PATH"), "run with make eda-test (it installs the built collection)"
    port = free_port()
    (tmp_path / "inventory.yml").write_text(
        "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
        f"      ansible_python_interpreter: {sys.executable}\n"
    )
    variables = dict(listener.variables, live_callback_port=port, forbid_for="2h")
    (tmp_path / "vars.yml").write_text("".join(f"{key}: {value}\n" for key, value in variables.items()))
    log_path = tmp_path / "rulebook.log"
    command = [
        os.path.join(os.path.dirname(sys.executable), "ansible-rulebook"),
        "-r",
        "tencent.cloud.moderation_forbid",
    ]
    command += ["-i", "inventory.yml", "--vars", "vars.yml", "-v"]
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command,
            cwd=tmp_path,
            env=environment(tmp_path, live_api.url),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:

            def listening():
                assert process.poll() is None, f"ansible-rulebook exited early:\n{log_path.read_text()[-4000:]}"
                with socket.socket() as probe:
                    return probe.connect_ex(("127.0.0.1", port)) == 0

            wait_until(listening, START_TIMEOUT, "ansible-rulebook's source to listen", log_path)
            yield port, log_path
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
                try:
                    process.wait(60)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(10)


def setup_callbacks(tmp_path, endpoint, *extra_vars):
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "tencent.cloud.setup_callbacks"]
    for assignment in extra_vars:
        command += ["-e", assignment]
    done = subprocess.run(
        command,
        cwd=tmp_path,
        env=environment(tmp_path, endpoint),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    assert KEY not in output
    return output


def state(core, domain, name):
    [row] = core.list_streams({"domain_name": [domain], "stream_name": [name]})["streams"]
    return row["state"]


def test_setup_callbacks_then_a_moderation_block_forbids_the_stream(tmp_path, live_api, rulebook, listener):
    core = live_api.core
    core.reset()
    core.update_settings({"strict": True})  # the strictest answer wherever Tencent's is undocumented
    core.callbacks.update({"retry_interval": 0.5, "ca_file": listener.ca})
    core.add_domains({"domains": [UNBOUND]})
    assert core.callbacks.describe()["config"]["url"] is None  # nothing is sent unless the rules say where
    port, log_path = rulebook
    url = listener.url(port)

    setup = [f"callback_url={url}", f"domains={DOMAIN}", "moderation=yes", *(f"{k}={v}" for k, v in COS.items())]
    setup_callbacks(tmp_path, live_api.url, *setup)
    assert "changed=0" in setup_callbacks(tmp_path, live_api.url, *setup)  # a re-run changes nothing
    config = core.describe_config()
    [template] = config["callback_templates"]
    assert template["PornCensorshipNotifyUrl"] == url and template["callback_key_set"] is True
    assert [(r["DomainName"], r["TemplateId"]) for r in config["callback_rules"]] == [(DOMAIN, template["TemplateId"])]
    assert [t["PornFlag"] for t in config["snapshot_templates"]] == [1]

    # the encoders push after the set-up; moderation looks at both streams' snapshots and says Block
    for domain, name in ((DOMAIN, "e2e-block"), (UNBOUND, "e2e-unbound")):
        assert core.push_attempt({"domain_name": domain, "stream_name": name}) == {"refused": False}
    delivered = core.moderate({"domain_name": DOMAIN, "stream_name": "e2e-block", "label": "Porn"})
    assert delivered["delivered"] is True, delivered
    skipped = core.moderate({"domain_name": UNBOUND, "stream_name": "e2e-unbound", "label": "Porn"})
    assert skipped["delivered"] is False and "no snapshot template" in skipped["reason"]

    wait_until(lambda: state(core, DOMAIN, "e2e-block") == "forbid", OUTCOME_TIMEOUT, "the forbid", log_path)
    forbids = [c for c in core.list_calls("ForbidLiveStream")["calls"] if c["code"] is None]
    assert [(c["domain_name"], c["stream_name"]) for c in forbids] == [(DOMAIN, "e2e-block")]
    moderation = [d for d in core.callbacks.describe()["deliveries"] if d["event_type"] == 317]
    assert {(d["url"], d["status"]) for d in moderation} == {(url, 200)}
    assert state(core, UNBOUND, "e2e-unbound") == "active"
    assert KEY not in log_path.read_text(encoding="utf-8", errors="replace")

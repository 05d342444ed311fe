# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a playbook the way a user does, against the emulator.

ansible-playbook without an inventory (the implicit localhost: a local connection with
ansible-playbook's own Python) with this collection, credentials only from the environment given,
an empty HOME (no tccli profile, no SDK credentials file of this machine), and no TENCENTCLOUD_*
variable of the test run.
"""

import datetime
import json
import os
import subprocess
import sys

import facts

EMULATOR_SECRET_ID = "AKIDEMULATOR00000000000000000000000"
EMULATOR_SECRET_KEY = "emulator-secret-key-0000000000000000"
# The options that name push domains and streams, in the modules and the role.
DOMAIN_KEYS = ("domain_name", "live_stream_resume_domain_name")
STREAM_KEYS = ("stream_name", "stream_names", "live_stream_resume_streams")


def run_playbook(playbook, workdir, env=None, extra_vars=None, timeout=300, extra_args=None):
    """ansible-playbook PLAYBOOK in WORKDIR (with extra_args, such as --check); returns (exit status, stdout and
    stderr)."""
    home = os.path.join(str(workdir), "home")
    os.makedirs(home, exist_ok=True)
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TENCENTCLOUD_", "TCCLI_", "ANSIBLE_")) and name != "PYTHONPATH"
    }
    environment.update(
        HOME=home,
        ANSIBLE_CONFIG=os.path.join(str(workdir), "no-ansible.cfg"),
        ANSIBLE_COLLECTIONS_PATH=facts.COLLECTIONS_ROOT,
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_LOCAL_TEMP=os.path.join(str(workdir), "ansible-local"),
        ANSIBLE_REMOTE_TEMP=os.path.join(str(workdir), "ansible-remote"),
    )
    environment.update(env or {})
    command = [sys.executable, "-m", "ansible", "playbook", str(playbook)]
    if extra_vars:
        command += ["-e", json.dumps(extra_vars)]
    command += list(extra_args or [])
    result = subprocess.run(
        command, cwd=str(workdir), capture_output=True, text=True, env=environment, timeout=timeout, check=False
    )
    return result.returncode, result.stdout + result.stderr


def emulator_env(api):
    return {
        "TENCENTCLOUD_SECRET_ID": EMULATOR_SECRET_ID,
        "TENCENTCLOUD_SECRET_KEY": EMULATOR_SECRET_KEY,
        "TENCENTCLOUD_LIVE_ENDPOINT": api.url,
    }


def literals(data, keys):
    """The literal (untemplated) strings under ``keys`` anywhere in ``data``."""
    found = set()
    if isinstance(data, dict):
        for key, value in data.items():
            items = value if isinstance(value, list) else [value]
            if key in keys:
                found.update(v for v in items if isinstance(v, str) and "{{" not in v)
            found |= literals(value, keys)
    elif isinstance(data, list):
        for item in data:
            found |= literals(item, keys)
    return found


def seed(api, data, streams=(), state="forbid", reset=True):
    """The emulator as an example expects the account: the domains it names, the streams it names (and
    ``streams``) in ``state`` (forbidden unless said), a push history of the last days; the encoders push
    again 2 s after a resume. ``reset``: first back to the emulator's start-up state (no templates, no rules)."""
    core = api.core
    if reset:
        core.reset()
    core.update_settings({"reconnect_after_resume": 2})
    domains = literals(data, DOMAIN_KEYS) or {"5000.livepush.myqcloud.com"}
    streams = literals(data, STREAM_KEYS) | set(streams)
    core.add_domains({"domains": sorted(domains)})
    core.seed_streams(
        {
            "streams": [
                {"domain_name": d, "stream_name": s, "state": state} for d in sorted(domains) for s in sorted(streams)
            ]
        }
    )
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    core.add_published(
        {
            "records": [
                {
                    "domain_name": d,
                    "stream_name": s,
                    "start": (now - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "end": (now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
                for d in sorted(domains)
                for s in sorted(streams)
            ]
        }
    )


def recap(output):
    lines = [line for line in output.splitlines() if line.startswith("localhost") and "ok=" in line]
    assert lines, output[-3000:]
    return lines[-1]

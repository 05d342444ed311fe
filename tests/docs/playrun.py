# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a playbook the way a user does, against the emulator.

ansible-playbook without an inventory (the implicit localhost: a local connection with
ansible-playbook's own Python) with this collection, credentials only from the environment given,
an empty HOME (no tccli profile, no SDK credentials file of this machine), and no TENCENTCLOUD_*
variable of the test run.
"""

import json
import os
import subprocess
import sys

import facts

EMULATOR_SECRET_ID = "AKIDEMULATOR00000000000000000000000"
EMULATOR_SECRET_KEY = "emulator-secret-key-0000000000000000"


def run_playbook(playbook, workdir, env=None, extra_vars=None, timeout=300):
    """ansible-playbook PLAYBOOK in WORKDIR; returns (exit status, stdout and stderr)."""
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

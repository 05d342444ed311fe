# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tencent.cloud.setup_callbacks (the installed collection's playbook, ansible-playbook, the emulator) and the length
of the callback key in TENCENTCLOUD_LIVE_CALLBACK_KEY: 32 letters and digits are taken and 33 refused before any
call, as Tencent allows; a key shorter than 16 characters is set but warned about, naming the risk, and never
shown."""

import os
import subprocess
import sys

import pytest
from test_setup_to_forbid import environment

URL = "https://eda.example.com/tencent/live"
DOMAIN = "5000.livepush.myqcloud.com"


def setup_callbacks(tmp_path, live_api, key, *options):
    env = dict(environment(tmp_path, live_api.url), TENCENTCLOUD_LIVE_CALLBACK_KEY=key)
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "tencent.cloud.setup_callbacks"]
    command += ["-e", f"callback_url={URL}", "-e", f"domains={DOMAIN}", *options]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False)
    return done.returncode, " ".join((done.stdout + done.stderr).split())


@pytest.mark.parametrize("length, warned", [(15, True), (16, False), (32, False)])
def test_a_key_shorter_than_16_characters_is_set_with_a_warning(tmp_path, live_api_fresh, length, warned):
    key = ("Setup0Key" * 4)[:length]
    code, output = setup_callbacks(tmp_path, live_api_fresh, key)
    assert code == 0, output[-4000:]
    [template] = live_api_fresh.core.describe_config()["callback_templates"]
    assert template["callback_key_set"] is True
    assert ("trying keys offline" in output) is warned, output[-4000:]
    if warned:
        assert f"has only {length} characters" in output and "Use 16 to 32 letters and digits" in output
    assert key not in output


def test_a_key_of_33_characters_is_refused_before_any_call(tmp_path, live_api_fresh):
    """Seeded fault: the playbook's check allowing 33 characters; Tencent would refuse the key at the first write."""
    code, output = setup_callbacks(tmp_path, live_api_fresh, "Setup0Key" * 3 + "abcdef")
    assert code != 0 and "set, but not 1 to 32 letters and digits" in output
    assert live_api_fresh.core.describe_config()["callback_templates"] == []
    assert "Setup0Key" not in output

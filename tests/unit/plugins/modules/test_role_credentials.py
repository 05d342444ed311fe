# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The example role takes its credentials from a play's module_defaults for group/tencent.cloud.all,
from its own variables, or from the environment (as AWX injects them) -- each through
ansible-playbook against the emulator, which says which SecretId signed every call."""

import time

DOMAIN = "5000.livepush.myqcloud.com"
KEYS = {
    source: ("AKIDROLE{}00000000000000000000".format(source.upper()[:6].ljust(6, "X")), f"role-test-key-{source}")
    for source in ("defaults", "vars", "env")
}

PLAY = """
- hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/tencent.cloud.all: %(module_defaults)s
  roles:
    - role: tencent.cloud.live_stream_resume
      vars: %(role_vars)s
"""


def run_role(live_api, tmp_path, ansible_playbook, module_defaults, role_vars, env=None):
    live_api.core.reset()
    for secret_id, secret_key in KEYS.values():
        live_api.core.add_credentials(
            {"secret_id": secret_id, "secret_key": secret_key, "expires_at": time.time() + 3600}
        )
    live_api.core.seed_streams(
        {"streams": [{"domain_name": DOMAIN, "stream_name": name, "state": "forbid"} for name in ("r1", "r2")]}
    )
    base_vars = {"live_stream_resume_domain_name": DOMAIN, "live_stream_resume_streams": ["r1", "r2"]}
    playbook = tmp_path / "role.yml"
    playbook.write_text(
        PLAY % dict(module_defaults=_flow(module_defaults), role_vars=_flow(dict(base_vars, **role_vars)))
    )
    completed = ansible_playbook(str(playbook), tmp_path, env=env)
    out = completed.stdout.decode("utf-8", "replace") + completed.stderr.decode("utf-8", "replace")
    calls = live_api.core.list_calls(None)["calls"]
    return completed.returncode, out, calls


def _flow(mapping):
    """A YAML flow mapping (JSON is YAML)."""
    import json

    return json.dumps(mapping)


def signed_by(calls):
    return {call["secret_id"] for call in calls}


def test_role_uses_play_module_defaults_for_the_group(live_api, tmp_path, ansible_playbook):
    secret_id, secret_key = KEYS["defaults"]
    rc, out, calls = run_role(
        live_api,
        tmp_path,
        ansible_playbook,
        {"secret_id": secret_id, "secret_key": secret_key, "endpoint": live_api.url},
        {},
    )
    assert rc == 0, out[-3000:]
    assert signed_by(calls) == {secret_id} and {"ResumeLiveStream", "DescribeLiveStreamState"} <= {
        c["action"] for c in calls
    }
    assert "No Tencent Cloud credentials found" not in out


def test_role_variables_win_over_module_defaults(live_api, tmp_path, ansible_playbook):
    secret_id, secret_key = KEYS["vars"]
    other_id, other_key = KEYS["defaults"]
    rc, out, calls = run_role(
        live_api,
        tmp_path,
        ansible_playbook,
        {"secret_id": other_id, "secret_key": other_key, "endpoint": "http://127.0.0.1:9"},
        {
            "live_stream_resume_secret_id": secret_id,
            "live_stream_resume_secret_key": secret_key,
            "live_stream_resume_endpoint": live_api.url,
        },
    )
    assert rc == 0, out[-3000:]
    assert signed_by(calls) == {secret_id} and len(calls) >= 4


def test_role_uses_the_environment_as_awx_injects_it(live_api, tmp_path, ansible_playbook):
    secret_id, secret_key = KEYS["env"]
    rc, out, calls = run_role(
        live_api,
        tmp_path,
        ansible_playbook,
        {},
        {},
        env={
            "TENCENTCLOUD_SECRET_ID": secret_id,
            "TENCENTCLOUD_SECRET_KEY": secret_key,
            "TENCENTCLOUD_LIVE_ENDPOINT": live_api.url,
        },
    )
    assert rc == 0, out[-3000:]
    assert signed_by(calls) == {secret_id} and len(calls) >= 4


def test_role_module_defaults_mixed_with_the_environment(live_api, tmp_path, ansible_playbook):
    """The endpoint from module_defaults, the credentials from the environment: neither erases the other."""
    secret_id, secret_key = KEYS["env"]
    rc, out, calls = run_role(
        live_api,
        tmp_path,
        ansible_playbook,
        {"endpoint": live_api.url},
        {},
        env={"TENCENTCLOUD_SECRET_ID": secret_id, "TENCENTCLOUD_SECRET_KEY": secret_key},
    )
    assert rc == 0, out[-3000:]
    assert signed_by(calls) == {secret_id}

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""No secret_key or session token in any output: every path, at -vvvv, through ansible-playbook."""

import json
import os
import socket
import tempfile
import time

import pytest

SECRET_ID = "AKIDHYGIENE0000000000000000000000001"
SECRET_KEY = "SeCrEtKeY-must-never-be-printed-4f7a"
TOKEN = "ToKeN-must-never-be-printed-9c2e"
DOMAIN = "5000.livepush.myqcloud.com"
# Careless tokens (issue 14): what a YAML block scalar, an echo'd ansible-vault string, a pasted
# environment value or a typographic character gives. Each has its own core, which must never show
# in any form: raw, %r / repr ('...\n'), JSON ("...\n") or without the stray character.
BAD_TOKENS = {
    "newline": ("ToKeNnl-must-never-be-printed-51a", "\n"),
    "cr": ("ToKeNcr-must-never-be-printed-7d0", "\r"),
    "nonlatin1": ("ToKeNu-must-never-be-printed-e3b", "\u2603"),
}

PLAYBOOK_VALUES = dict(secret_id=SECRET_ID, secret_key=SECRET_KEY, token=TOKEN, domain=DOMAIN)
PLAYBOOK_VALUES.update(("token_" + name, json.dumps(core + stray)) for name, (core, stray) in BAD_TOKENS.items())

PLAYBOOK = """
- hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/tencent.cloud.all:
      endpoint: "{{{{ endpoint }}}}"
      secret_id: "{secret_id}"
      secret_key: "{secret_key}"
      session_token: "{token}"
      retries: 1
      timeout: 2
  tasks:
    - name: success, single stream, diff
      tencent.cloud.tencent_live_stream: {{domain_name: "{domain}", stream_name: h1}}
      diff: true
    - name: check mode batch
      tencent.cloud.tencent_live_stream: {{domain_name: "{domain}", stream_names: [h2, h3], state: forbidden, reason: test}}
      check_mode: true
    - name: real batch
      tencent.cloud.tencent_live_stream: {{domain_name: "{domain}", stream_names: [h2, h3], state: forbidden}}
    - name: info
      tencent.cloud.tencent_live_stream_info: {{domain_name: "{domain}", stream_names: [h1, h2]}}
    - name: online list
      tencent.cloud.tencent_live_stream_info: {{}}
    - name: API error (unknown domain)
      tencent.cloud.tencent_live_stream: {{domain_name: unknown.example.com, stream_name: h1}}
      ignore_errors: true
    - name: API error (wrong token)
      tencent.cloud.tencent_live_stream: {{domain_name: "{domain}", stream_name: h1, session_token: "{token}-wrong"}}
      ignore_errors: true
    - name: transport error
      tencent.cloud.tencent_live_stream: {{domain_name: "{domain}", stream_name: h1, endpoint: "{{{{ dead_endpoint }}}}"}}
      ignore_errors: true
    - name: bad input error
      tencent.cloud.tencent_live_stream: {{domain_name: "{domain}", stream_name: h1, reason: x}}
      ignore_errors: true
    - name: token with a trailing newline
      tencent.cloud.tencent_live_stream: {{domain_name: "{domain}", stream_name: h1, session_token: {token_newline}}}
      ignore_errors: true
    - name: token with a trailing carriage return
      tencent.cloud.tencent_live_stream_info: {{domain_name: "{domain}", stream_names: [h1, h2], session_token: {token_cr}}}
      ignore_errors: true
    - name: token with a character outside Latin-1
      tencent.cloud.tencent_live_stream: {{domain_name: "{domain}", stream_names: [h1, h2], session_token: {token_nonlatin1}}}
      ignore_errors: true

# Credentials from the process environment, as AWX injects them. (A task-level environment:
# would be echoed by Ansible itself in the -vvvv command line; that is not how to pass secrets.)
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: credentials from the environment
      tencent.cloud.tencent_live_stream: {{domain_name: "{domain}", stream_name: h4, endpoint: "{{{{ endpoint }}}}"}}
""".format(**PLAYBOOK_VALUES)


def dead_endpoint():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.fixture(scope="module")
def hygiene_run(live_emulator_module, ansible_playbook):
    log_dir = tempfile.mkdtemp(prefix="hygiene-")
    call_log = os.path.join(log_dir, "calls.jsonl")
    server = live_emulator_module.LiveEmulator(call_log=call_log)
    server.start()
    try:
        server.core.add_credentials(
            {"secret_id": SECRET_ID, "secret_key": SECRET_KEY, "token": TOKEN, "expires_at": time.time() + 3600}
        )
        server.core.seed_streams(
            {
                "streams": [
                    {"domain_name": DOMAIN, "stream_name": "h1", "state": "forbid"},
                    {"domain_name": DOMAIN, "stream_name": "h2", "state": "active"},
                ]
            }
        )
        playbook = os.path.join(log_dir, "hygiene.yml")
        with open(playbook, "w") as handle:
            handle.write(PLAYBOOK)
        # ANSIBLE_INJECT_INVOCATION: ansible-core >= 2.19 returns the invocation dump (module_args) only when asked.
        # The environment credentials are the process's own, as AWX injects them.
        completed = ansible_playbook(
            playbook,
            log_dir,
            verbosity=4,
            extra_vars=[f"endpoint={server.url}", f"dead_endpoint={dead_endpoint()}"],
            env=dict(
                ANSIBLE_INJECT_INVOCATION="true",
                ANSIBLE_LOG_PATH=os.path.join(log_dir, "ansible.log"),
                TENCENTCLOUD_SECRET_ID=SECRET_ID,
                TENCENTCLOUD_SECRET_KEY=SECRET_KEY,
                TENCENTCLOUD_TOKEN=TOKEN,
            ),
        )
        calls = server.core.list_calls(None)["calls"]
    finally:
        server.stop()
    with open(call_log) as handle:
        call_log_text = handle.read()
    with open(os.path.join(log_dir, "ansible.log")) as handle:
        ansible_log = handle.read()
    return completed, calls, call_log_text, ansible_log


def test_every_path_ran(hygiene_run):
    completed, calls, _dummy, _dummy2 = hygiene_run
    out = completed.stdout.decode("utf-8", "replace")
    assert completed.returncode == 0, out[-3000:] + completed.stderr.decode("utf-8", "replace")[-3000:]
    assert "ok=13" in out and "ignored=7" in out
    for code in (
        "InternalError.ConfigNotExist",
        "AuthFailure.TokenFailure",
        "could not reach",
        "reason is only used",
        "session_token has white space",
        "session_token contains a character outside Latin-1",
    ):
        assert code in out
    assert out.count("session_token has white space") >= 2
    assert {"DescribeLiveStreamState", "ResumeLiveStream", "ForbidLiveStream", "DescribeLiveStreamOnlineList"} <= {
        c["action"] for c in calls
    }


def leak_forms(secret, core=None):
    """Every form a secret takes in text: raw, %r / repr, JSON, and its core without a stray character."""
    forms = {secret, repr(secret)[1:-1], json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    if core:
        forms.add(core)
    return forms


@pytest.mark.parametrize(
    "secret, core",
    [(SECRET_KEY, None), (TOKEN, None)] + [(core + stray, core) for core, stray in BAD_TOKENS.values()],
    ids=["secret_key", "token"] + ["token_" + name for name in BAD_TOKENS],
)
def test_no_secret_anywhere(hygiene_run, secret, core):
    completed, calls, call_log_text, ansible_log = hygiene_run
    for name, text in (
        ("stdout", completed.stdout.decode("utf-8", "replace")),
        ("stderr", completed.stderr.decode("utf-8", "replace")),
        ("emulator calls", repr(calls)),
        ("emulator call log", call_log_text),
        ("ansible log", ansible_log),
    ):
        for form in leak_forms(secret, core):
            assert form not in text, f"{form!r} leaked into {name}"
    # The invocation dump is in the output, with the secrets masked: the output was really searched.
    out = completed.stdout.decode("utf-8", "replace")
    # (no_log's mask: VALUE_SPECIFIED_IN_NO_LOG_PARAMETER before ansible-core 2.22, $REDACTED$ since)
    masks = ("VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "$REDACTED$")
    assert f'"secret_id": "{SECRET_ID}"' in out and any(f'"secret_key": "{mask}"' in out for mask in masks)

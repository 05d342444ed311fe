# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run a module's main() in-process with given arguments and return its JSON result."""

import json
import os
import subprocess
import sys

import pytest
from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes


@pytest.fixture
def run_module(monkeypatch, capsys):
    """run_module(main, args, check_mode=False, diff=False) -> the module's result dict."""

    def run(main, args, check_mode=False, diff=False):
        module_args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
        try:
            from ansible.module_utils.testing import patch_module_args
        except ImportError:  # ansible-core < 2.19
            patch_module_args = None
        with pytest.raises(SystemExit):
            if patch_module_args:
                with patch_module_args(module_args):
                    main()
            else:
                monkeypatch.setattr(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": module_args})))
                main()
        result = json.loads(capsys.readouterr().out)
        # ansible-core 2.22+ masks a module's no_log values on the controller, not in the module: the module
        # returns them in _ansible_new_secrets, and the controller takes that key out and shows each of them
        # as $REDACTED$ wherever it appears. The result here is the one the user sees, as before 2.22.
        secrets = result.pop("_ansible_new_secrets", None)
        if secrets:
            text = json.dumps(result)
            for secret in sorted(secrets, key=len, reverse=True):
                text = text.replace(json.dumps(secret)[1:-1], "$REDACTED$")
            result = json.loads(text)
        return result

    return run


def collections_root():
    """The directory holding ansible_collections/ (the staged copy the tests run from)."""
    path = os.path.abspath(__file__)
    return path[: path.index(os.sep + "ansible_collections" + os.sep)]


def run_playbook(playbook, workdir, extra_vars=(), env=None, verbosity=0):
    """Run ``python -m ansible playbook`` on localhost with this collection; returns CompletedProcess.

    The environment has no TENCENTCLOUD_* / TCCLI_* variables except those in ``env``, and no
    PYTHONPATH: ansible-test units puts a partial copy of ansible first on it, which cannot run
    as "python -m ansible"; the collection is found through ANSIBLE_COLLECTIONS_PATH.
    """
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TENCENTCLOUD_", "TCCLI_")) and name != "PYTHONPATH"
    }
    clean.update(
        ANSIBLE_COLLECTIONS_PATH=collections_root(),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_LOCAL_TEMP=os.path.join(str(workdir), "ansible-local"),
        ANSIBLE_REMOTE_TEMP=os.path.join(str(workdir), "ansible-remote"),
    )
    clean.update(env or {})
    command = [
        sys.executable,
        "-m",
        "ansible",
        "playbook",
        "-i",
        "localhost,",
        str(playbook),
        "-e",
        f"ansible_python_interpreter={sys.executable}",
    ]
    for extra in extra_vars:
        command.extend(["-e", extra])
    if verbosity:
        command.append("-" + "v" * verbosity)
    return subprocess.run(command, capture_output=True, env=clean, timeout=300, check=False)


@pytest.fixture(scope="session")
def ansible_playbook():
    """run_playbook, for tests: ansible_playbook(playbook, workdir, extra_vars=..., env=..., verbosity=...)."""
    return run_playbook

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared fixtures: the Live API emulator (tests/emulator/live_emulator.py) loaded by path."""

import importlib
import os
import sys

import pytest

EMULATOR_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "emulator")


def load_emulator_module():
    """tests/emulator/live_emulator.py is a script, not a package: import it from its folder."""
    if EMULATOR_DIR not in sys.path:
        sys.path.insert(0, EMULATOR_DIR)
    return importlib.import_module("live_emulator")


@pytest.fixture(autouse=True)
def isolated_credentials(tmp_path_factory, monkeypatch):
    """No test sees this machine's Tencent credentials: no TENCENTCLOUD_* / TCCLI_* variables,
    an empty HOME (no ~/.tccli, no ~/.tencentcloud), and no /etc/tencentcloud/credentials."""
    for name in list(os.environ):
        if name.startswith(("TENCENTCLOUD_", "TCCLI_")):
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    from ansible_collections.tencent.cloud.plugins.module_utils import _credentials

    monkeypatch.setattr(
        _credentials,
        "SDK_CREDENTIAL_FILES",
        ("~/.tencentcloud/credentials", str(home / "etc-tencentcloud-credentials")),
    )


# Loaded at import so that test modules can also "import live_emulator".
load_emulator_module()


@pytest.fixture(scope="session")
def live_emulator_module():
    return load_emulator_module()


@pytest.fixture(scope="module")
def live_api(live_emulator_module):
    """A running emulator (HTTP, in-process thread), reset before each use by live_api_fresh."""
    server = live_emulator_module.LiveEmulator()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live_api_fresh(live_api):
    live_api.core.reset()
    return live_api

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared by the unit tests: no test sees this machine's Tencent credentials. The emulator fixtures
(live_emulator_module, live_api, live_api_fresh) are tests/conftest.py's."""

import os

import pytest


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

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared by the unit tests: no test sees this machine's Tencent credentials, and none runs longer than
UNIT_TEST_TIMEOUT seconds. The emulator fixtures (live_emulator_module, live_api, live_api_fresh,
live_api_tls) are tests/conftest.py's."""

import os

import pytest

# Every unit test ends within this (pytest-timeout; a test's own @pytest.mark.timeout wins): a test that hangs or
# spins fails, named, instead of holding the run until CI's limit. ansible-test units passes no PYTEST_TIMEOUT
# through to pytest (it runs pytest with an environment of its own), so it is set here, on each test;
# PYTEST_TIMEOUT, where it does reach pytest, overrides it. func_only: ansible-test runs each test in a forked
# child (its ansible_forked plugin) while the parent waits for it; a bound on the whole protocol would fire in the
# parent, crash the xdist worker and leave the child spinning. Around the test function it fires in the child.
UNIT_TEST_TIMEOUT = 180.0


def pytest_collection_modifyitems(items):
    seconds = float(os.environ.get("PYTEST_TIMEOUT") or UNIT_TEST_TIMEOUT)
    for item in items:
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(seconds, func_only=True))


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

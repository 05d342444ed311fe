# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the stop tests: a fresh emulator process per test, and the ansible-core venvs (stop_support.py)."""

import pytest
from stop_support import Emulator, Venv


@pytest.fixture
def emulator(tmp_path):
    server = Emulator(str(tmp_path))
    yield server
    server.stop()


@pytest.fixture
def venv():
    """The newest ansible-core."""
    return Venv("newest")


@pytest.fixture(params=["newest", "oldest"])
def any_venv(request):
    """The newest and the oldest ansible-core: their process trees differ (2.16's workers share the controller's group)."""
    return Venv(request.param)

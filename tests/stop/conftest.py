# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the stop tests: a fresh emulator process per test (HTTP, or HTTPS when parametrized
indirectly with "https"), the ansible-core venvs (stop_support.py), and the end of every process a
test's plays started, whether the test passed or failed."""

import pytest
from stop_support import PLAYS, Emulator, Venv


@pytest.fixture(autouse=True)
def no_process_left_behind():
    """After each test, passed or failed: SIGKILL whatever its plays left running (ansible-playbook, workers, modules)."""
    PLAYS.clear()
    yield
    for play in PLAYS:
        play.end_every_process()
    PLAYS.clear()


@pytest.fixture
def emulator(request, tmp_path):
    server = Emulator(str(tmp_path), scheme=getattr(request, "param", "http"))
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

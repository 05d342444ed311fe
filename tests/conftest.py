# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Live API emulator for every pytest suite under tests/ (unit, awx): the one place that loads
it and starts it in-process. Test modules may also ``import live_api_emulator`` once this has run.

- live_emulator_module: the emulator package (LiveEmulator, EmulatorCore, DEFAULT_SECRET_ID, ...),
  for a fixture that needs its own emulator: ``with live_emulator_module.LiveEmulator(...) as server``
- live_api: a running emulator shared by a test module (HTTP on a free port)
- live_api_fresh: the same, back in its start-up state for each test
"""

import os
import sys

import pytest

EMULATOR_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "emulator")

# the package is stdlib-only and not installed anywhere: import it from its folder
sys.path.insert(0, EMULATOR_DIR)

import live_api_emulator  # noqa: E402


@pytest.fixture(scope="session")
def live_emulator_module():
    return live_api_emulator


@pytest.fixture(scope="module")
def live_api():
    """A running emulator (HTTP, in-process thread), reset before each use by live_api_fresh."""
    with live_api_emulator.LiveEmulator() as server:
        yield server


@pytest.fixture
def live_api_fresh(live_api):
    live_api.core.reset()
    return live_api

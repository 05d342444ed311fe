# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Live API emulator for every pytest suite under tests/ (unit, awx): the one place that loads
it and starts it in-process. Test modules may also ``import live_api_emulator`` once this has run.

- live_emulator_module: the emulator package (LiveEmulator, EmulatorCore, DEFAULT_SECRET_ID, ...),
  for a fixture that needs its own emulator: ``with live_emulator_module.LiveEmulator(...) as server``
- live_api: a running emulator shared by a test module (HTTP on a free port)
- live_api_fresh: the same, back in its start-up state for each test
- live_api_tls: a running emulator over HTTPS (a certificate from a throwaway CA made with trustme;
  ``.ca_path`` is the CA file a client trusts), reset before each test that takes it; its clock is
  the wall clock plus ``.offset[0]`` seconds (0 at the reset), for a test that moves time on
"""

import os
import sys
import time

import pytest

EMULATOR_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "emulator")

# the package is stdlib-only and not installed anywhere: import it from its folder
sys.path.insert(0, EMULATOR_DIR)

import live_api_emulator  # noqa: E402
from throwaway_ca import tls_files  # noqa: E402


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


@pytest.fixture(scope="module")
def live_api_tls_module(tmp_path_factory):
    ca_path, cert_path = tls_files(str(tmp_path_factory.mktemp("emulator-tls")))
    offset = [0.0]
    with live_api_emulator.LiveEmulator(tls_cert=cert_path, clock=lambda: time.time() + offset[0]) as server:
        server.ca_path, server.offset = ca_path, offset
        yield server


@pytest.fixture
def live_api_tls(live_api_tls_module):
    """A running emulator over HTTPS, in its start-up state; trust ``.ca_path``."""
    live_api_tls_module.offset[0] = 0.0
    live_api_tls_module.core.reset()
    return live_api_tls_module

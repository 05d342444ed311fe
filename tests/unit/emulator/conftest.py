# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures: the Live API emulator loaded by file path and run in-process on a free port."""

from __future__ import annotations

import sys
import time

import pytest

# tests/unit/conftest.py has already imported tests/emulator/live_emulator.py as "live_emulator".
live_emulator = sys.modules["live_emulator"]


class TestClock:
    """Wall clock with an adjustable offset; can be frozen."""

    __test__ = False

    def __init__(self):
        self.offset = 0.0
        self.frozen = None

    def __call__(self) -> float:
        if self.frozen is not None:
            return self.frozen
        return time.time() + self.offset

    def freeze(self) -> None:
        self.frozen = self()

    def advance(self, seconds: float) -> None:
        if self.frozen is not None:
            self.frozen += seconds
        else:
            self.offset += seconds

    def restore(self) -> None:
        self.offset = 0.0
        self.frozen = None


@pytest.fixture(name="shared_emulator", scope="module")
def shared_emulator_fixture():
    clock = TestClock()
    emulator = live_emulator.LiveEmulator(clock=clock)
    emulator.start()
    emulator.test_clock = clock
    yield emulator
    emulator.stop()


@pytest.fixture(name="emulator")
def emulator_fixture(shared_emulator):
    """A running emulator in its start-up state, with a real (unfrozen) clock."""
    shared_emulator.test_clock.restore()
    shared_emulator.core.reset()
    yield shared_emulator
    shared_emulator.test_clock.restore()

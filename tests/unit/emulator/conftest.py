# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures: the Live API emulator (loaded by tests/conftest.py) run in-process with a clock tests can move."""

from __future__ import annotations

import time

import pytest


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
def shared_emulator_fixture(live_emulator_module):
    clock = TestClock()
    with live_emulator_module.LiveEmulator(clock=clock) as emulator:
        emulator.test_clock = clock
        yield emulator


@pytest.fixture(name="emulator")
def emulator_fixture(shared_emulator):
    """A running emulator in its start-up state, with a real (unfrozen) clock."""
    shared_emulator.test_clock.restore()
    shared_emulator.core.reset()
    yield shared_emulator
    shared_emulator.test_clock.restore()

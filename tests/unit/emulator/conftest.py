# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures: the Live API emulator loaded by file path and run in-process on a free port."""
from __future__ import annotations

import importlib.util
import pathlib
import sys
import time

import pytest

EMULATOR_PATH = pathlib.Path(__file__).resolve().parents[2] / "emulator" / "live_emulator.py"


def _load_emulator_module():
    if "live_emulator" in sys.modules:
        return sys.modules["live_emulator"]
    spec = importlib.util.spec_from_file_location("live_emulator", str(EMULATOR_PATH))
    module = importlib.util.module_from_spec(spec)
    sys.modules["live_emulator"] = module
    spec.loader.exec_module(module)
    return module


live_emulator = _load_emulator_module()


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

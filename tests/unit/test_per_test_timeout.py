# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every unit test runs under pytest-timeout's bound (tests/unit/conftest.py), so a hang fails, named."""

import time

import pytest


def test_each_unit_test_has_a_timeout(request):
    assert request.config.pluginmanager.hasplugin("timeout"), "pytest-timeout is not loaded"
    marker = request.node.get_closest_marker("timeout")
    assert marker is not None and 0 < float(marker.args[0]) <= 600, marker
    # in the forked child that runs the test function (see tests/unit/conftest.py), not around the whole protocol
    assert marker.kwargs.get("func_only") is True, marker


@pytest.mark.timeout(0.5, func_only=True)
@pytest.mark.xfail(strict=True, raises=pytest.fail.Exception, reason="pytest-timeout fails a test that runs too long")
def test_a_test_that_spins_past_its_bound_fails():
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pass

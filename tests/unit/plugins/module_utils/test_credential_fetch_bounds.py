# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The credential fetches (STS AssumeRole, the CVM metadata service) are bounded like any call, over
HTTPS too: ``timeout`` cuts a dripping answer, and the task's stop cuts it at once, on a new connection
and on the pooled one a refresh reuses. Through the public functions that build them
(assumed_role_credentials, cvm_role_credentials): STS against the emulator over HTTPS with its drip
fault, the metadata service against a small HTTPS server (the emulator's metadata service has no faults).
"""

import json
import threading
import time

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils._credential_types import Credentials
from ansible_collections.tencent.cloud.plugins.module_utils._errors import TaskStopped, TencentError
from ansible_collections.tencent.cloud.plugins.module_utils._settings import ConnectionSettings
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound
from ansible_collections.tencent.cloud.plugins.module_utils._temporary_credentials import (
    assumed_role_credentials,
    cvm_role_credentials,
)
from ansible_collections.tencent.cloud.tests.unit.plugins.module_utils.wire import Server, Tls, answer_then, drip

ROLE_ARN = "qcs::cam::uin/100000000001:roleName/live-operator"
DRIP = 0.05  # an answer of a few hundred bytes: many seconds at this pace
CASES = [
    pytest.param(False, False, id="new-timeout"),
    pytest.param(True, False, id="pooled-timeout"),
    pytest.param(False, True, id="new-stop"),
    pytest.param(True, True, id="pooled-stop"),
]


def fetch_within(creds, bound, stop):
    """creds.current() (a fetch), the bound stopped 0.3 s in when ``stop``: (seconds it took, the error).

    A renewal that fails while the old credentials are still valid is kept as renewal_failure()."""
    if stop:
        threading.Timer(0.3, bound.stop, args=("SIGTERM received",)).start()
    started = time.monotonic()
    try:
        creds.current()
        error = creds.renewal_failure()
    except TencentError as raised:
        error = raised
    return time.monotonic() - started, error


def assert_cut(error, stop):
    if stop:
        assert isinstance(getattr(error, "error", error), TaskStopped), repr(error)
        assert "the task was stopped (SIGTERM received)" in str(error)
    else:
        assert "within timeout=1.0s" in str(error), repr(error)


def settings_for(timeout, **params):
    return ConnectionSettings(dict(params, timeout=timeout, retries=0), environ={}, sdk_files=[])


@pytest.mark.parametrize("pooled, stop", CASES)
def test_assume_role_over_https_is_cut(live_api_tls, live_emulator_module, pooled, stop):
    api = live_api_tls
    api.core.add_roles({"roles": [{"role_arn": ROLE_ARN}]})
    clock, bound = [time.time()], TaskBound()
    timeout = 60.0 if stop else 1.0
    settings = settings_for(timeout, role_arn=ROLE_ARN, sts_endpoint=api.url, ca_path=api.ca_path, role_duration=900)
    source = Credentials(live_emulator_module.DEFAULT_SECRET_ID, live_emulator_module.DEFAULT_SECRET_KEY)
    creds = assumed_role_credentials(
        source, ROLE_ARN, "bound-test", settings, lambda _secret: None, clock=lambda: clock[0], bound=bound
    )
    if pooled:
        assert creds.current().token  # answered over a new connection, which the pool keeps
        # due for renewal (the emulator's clock moves on too: the signature's timestamp stays valid)
        clock[0] += 700
        api.offset[0] += 700
    api.core.add_faults({"faults": [{"action": "AssumeRole", "kind": "drip", "seconds": DRIP, "count": 1}]})
    elapsed, error = fetch_within(creds, bound, stop)
    assert_cut(error, stop)
    assert elapsed < (0.3 if stop else 1.0) + 2.0
    # the server saw the client go away in the middle of the drip
    deadline = time.monotonic() + 5
    while not [call for call in api.core.calls if call.get("hung_up")] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [call["action"] for call in api.core.calls if call.get("hung_up")] == ["AssumeRole"]


def metadata_answer():
    body = json.dumps(
        {
            "TmpSecretId": "AKIDmetadatatest",
            "TmpSecretKey": "metadata-secret-key-0123456789",
            "Token": "metadata-token-0123456789",
            "ExpiredTime": int(time.time()) + 7200,
            "Code": "Success",
        }
    ).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


@pytest.mark.parametrize("pooled, stop", CASES)
def test_the_metadata_service_over_https_is_cut(tmp_path, pooled, stop):
    tls = Tls(tmp_path)
    answer = metadata_answer()
    behaviour = answer_then(drip(DRIP, answer), answer) if pooled else drip(DRIP, answer)
    server = Server(behaviour, tls.server_context())
    clock, bound = [time.time()], TaskBound()
    settings = settings_for(
        60.0 if stop else 1.0, cvm_role="r", metadata_url=server.url.rstrip("/"), ca_path=tls.ca_path
    )
    creds = cvm_role_credentials(settings, lambda _secret: None, clock=lambda: clock[0], bound=bound)
    try:
        if pooled:
            assert creds.current().secret_id == "AKIDmetadatatest"
            clock[0] += 86400
        elapsed, error = fetch_within(creds, bound, stop)
    finally:
        server.close()
    assert_cut(error, stop)
    assert elapsed < (0.3 if stop else 1.0) + 2.0
    assert server.requests == (2 if pooled else 1) and server.accepted == 1


def test_a_metadata_service_whose_certificate_does_not_verify_is_asked_once(tmp_path):
    """A TLS verification failure is final: not tried again however many retries are allowed."""
    served, trusted = tmp_path / "served", tmp_path / "trusted"
    served.mkdir()
    trusted.mkdir()
    server = Server(answer_then(drip(DRIP)), Tls(served).server_context())
    settings = ConnectionSettings(
        {
            "timeout": 5.0,
            "retries": 3,
            "cvm_role": "r",
            "metadata_url": server.url.rstrip("/"),
            "ca_path": Tls(trusted).ca_path,
        },
        environ={},
        sdk_files=[],
    )
    creds = cvm_role_credentials(settings, lambda _secret: None, bound=TaskBound())
    try:
        with pytest.raises(TencentError) as caught:
            creds.current()
    finally:
        server.close()
    assert "1 attempt)" in str(caught.value) and "CERTIFICATE_VERIFY_FAILED" in str(caught.value), str(caught.value)
    assert "in ca_path" in str(caught.value)
    assert server.accepted == 1 and server.requests == 0

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client against the emulator over HTTPS (live_api_tls): its faults (drip, stall, close) behave over
TLS as over HTTP, and each is bounded by ``timeout`` like any other exchange."""

import time

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils._client import LiveClient
from ansible_collections.tencent.cloud.plugins.module_utils._credential_types import Credentials
from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentTransportError
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy

DOMAIN = "5000.livepush.myqcloud.com"
READ = {"DomainName": DOMAIN, "AppName": "live", "StreamName": "s1"}


def client_of(api, emulator, timeout):
    return LiveClient(
        Credentials(emulator.DEFAULT_SECRET_ID, emulator.DEFAULT_SECRET_KEY),
        endpoint=api.url,
        timeout=timeout,
        retry_policy=RetryPolicy(retries=0),
        ca_path=api.ca_path,
    )


def test_the_emulator_answers_over_https(live_api_tls, live_emulator_module):
    answer = client_of(live_api_tls, live_emulator_module, 5).call("DescribeLiveStreamState", READ)
    assert answer.data["StreamState"] in ("active", "inactive", "forbid") and answer.request_id


@pytest.mark.parametrize(
    "fault, words",
    [
        ({"kind": "drip", "seconds": 0.2}, "no complete answer"),
        ({"kind": "stall", "seconds": 30}, "no complete answer"),
        ({"kind": "close"}, ""),
    ],
    ids=["drip", "stall", "close"],
)
def test_each_fault_over_tls_ends_the_call_within_timeout(live_api_tls, live_emulator_module, fault, words):
    live_api_tls.core.add_faults({"faults": [dict(fault, action="DescribeLiveStreamState", count=1)]})
    client = client_of(live_api_tls, live_emulator_module, 1.0)
    started = time.monotonic()
    with pytest.raises(TencentTransportError) as caught:
        client.call("DescribeLiveStreamState", READ)
    assert time.monotonic() - started < 1.0 + 2.0
    assert words in str(caught.value)
    calls = [call for call in live_api_tls.core.calls if call["action"] == "DescribeLiveStreamState"]
    assert [call.get("fault") for call in calls] == [fault["kind"]]
    # the next call, on a new connection, is answered
    assert client.call("DescribeLiveStreamState", READ).request_id

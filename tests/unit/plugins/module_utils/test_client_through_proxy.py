# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client against the emulator over HTTPS through HTTPS_PROXY, as a corporate network has it: a CONNECT
proxy (plain, or itself over TLS) that asks for a user and password. The signed call goes through the tunnel
and is answered; a proxy that refuses the credentials fails the call once, naming the variable, never the
password."""

import json

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils._client import LiveClient
from ansible_collections.tencent.cloud.plugins.module_utils._credential_types import Credentials
from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentTransportError
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.tencent.cloud.tests.unit.plugins.module_utils.wire import ConnectProxy, Tls

USER = "live-ops"
PASSWORD = "pr0xy#p@ss"  # percent-encoded in the proxy URL: %23 and %40
ENCODED = "pr0xy%23p%40ss"
READ = {"DomainName": "5000.livepush.myqcloud.com", "AppName": "live", "StreamName": "s1"}
PROXY_VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")


@pytest.fixture
def proxy_of(monkeypatch, tmp_path, live_api_tls):
    """proxy_of(scheme, password, status=None) -> (the running proxy, the client's CA bundle): HTTPS_PROXY names it with
    USER and password; the bundle trusts the emulator's CA and the proxy's. status: what it answers every CONNECT."""
    for name in (*PROXY_VARIABLES, "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    proxy_tls = Tls(tmp_path)
    bundle = tmp_path / "bundle.pem"
    with open(live_api_tls.ca_path, encoding="ascii") as api_ca, open(proxy_tls.ca_path, encoding="ascii") as proxy_ca:
        bundle.write_text(api_ca.read() + proxy_ca.read(), encoding="ascii")
    started = []

    def make(scheme, password, status=None):
        context = proxy_tls.server_context() if scheme == "https" else None
        proxy = ConnectProxy(context, credentials=(USER, PASSWORD), status=status)
        started.append(proxy)
        monkeypatch.setenv("HTTPS_PROXY", f"{scheme}://{USER}:{password}@127.0.0.1:{proxy.port}")
        return proxy, str(bundle)

    yield make
    for proxy in started:
        proxy.close()


def client_of(api, emulator, ca_path):
    return LiveClient(
        Credentials(emulator.DEFAULT_SECRET_ID, emulator.DEFAULT_SECRET_KEY),
        endpoint=api.url,
        timeout=10,
        retry_policy=RetryPolicy(retries=2),
        ca_path=ca_path,
    )


@pytest.mark.parametrize("scheme", ["http", "https"], ids=["proxy", "tls-proxy"])
def test_a_signed_call_goes_through_the_proxys_tunnel(proxy_of, live_api_tls, live_emulator_module, scheme):
    proxy, bundle = proxy_of(scheme, ENCODED)
    client = client_of(live_api_tls, live_emulator_module, bundle)
    for _round in range(2):
        answer = client.call("DescribeLiveStreamState", READ)
        assert answer.request_id and answer.data["StreamState"] in ("active", "inactive", "forbid")
    assert proxy.tunnels == 1 and proxy.refused == 0  # one tunnel, kept for the second call
    assert [call["action"] for call in live_api_tls.core.calls] == ["DescribeLiveStreamState"] * 2


@pytest.mark.parametrize("scheme", ["http", "https"], ids=["proxy", "tls-proxy"])
def test_a_proxy_that_refuses_the_credentials_fails_the_call_once_naming_the_variable(
    proxy_of, live_api_tls, live_emulator_module, scheme
):
    proxy, bundle = proxy_of(scheme, "wr0ng%23s3cret")
    client = client_of(live_api_tls, live_emulator_module, bundle)
    client._sleep = lambda seconds: None  # pylint: disable=protected-access
    with pytest.raises(TencentTransportError) as caught:
        client.call("DescribeLiveStreamState", READ)
    error = caught.value
    text = str(error) + repr(error) + json.dumps(error.failure())
    assert f"through the proxy 127.0.0.1:{proxy.port} (from HTTPS_PROXY)" in str(error), str(error)
    assert "answered 407 Proxy Authentication Required" in str(error) and "user name and password" in str(error)
    assert error.fatal and not error.maybe_carried_out  # the same for every call, and nothing reached Tencent
    for piece in (USER, "wr0ng", "s3cret", PASSWORD, ENCODED):
        assert piece not in text, f"{piece!r} shown in {text!r}"
    assert proxy.tunnels == 0 and live_api_tls.core.calls == []
    assert proxy.refused == 1, f"asked {proxy.refused} times: {error}"


@pytest.mark.parametrize(
    "status, final, words",
    [
        (b"403 Forbidden", True, "answered 403 Forbidden to the tunnel; its policy refuses the tunnel"),
        (b"502 Bad Gateway", False, "502 Bad Gateway"),
    ],
    ids=["policy", "upstream"],
)
def test_a_refused_tunnel_is_final_only_when_the_proxy_decided_it(
    proxy_of, live_api_tls, live_emulator_module, status, final, words
):
    """403: the proxy's policy, the same for every call: final. 502: it could not reach Tencent: retried."""
    proxy, bundle = proxy_of("http", ENCODED, status=status)
    client = client_of(live_api_tls, live_emulator_module, bundle)
    client._sleep = lambda seconds: None  # pylint: disable=protected-access
    with pytest.raises(TencentTransportError) as caught:
        client.call("DescribeLiveStreamState", READ)
    assert words in str(caught.value), str(caught.value)
    assert caught.value.fatal is final and not caught.value.maybe_carried_out  # nothing went past the proxy
    assert proxy.refused == (1 if final else 3)  # retries: 2

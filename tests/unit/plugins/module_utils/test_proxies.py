# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Proxies from the environment: a proxy URL with credentials never shows them in any message, and a
malformed one is a configuration error named by its variable, before any call (issue 22)."""

import json
import socket

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils._args import connection_problems
from ansible_collections.tencent.cloud.plugins.module_utils._client import LiveClient
from ansible_collections.tencent.cloud.plugins.module_utils._credential_types import Credentials
from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentTransportError
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.tencent.cloud.plugins.module_utils._settings import ConnectionSettings

PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")
USER = "prxusr7"
PASSWORD = "pa#ss-sEcReT"  # written %23 in a well-formed URL; a raw # cuts the URL in the middle of the password
# Every piece of the credentials a message could hold: the user, the password raw and encoded, and what a
# raw # leaves on either side of it.
LEAKS = (USER, "pa#ss", "pa%23ss", "sEcReT", "ss-sEcReT")
HTTPS_ENDPOINT = "https://live.tencentcloudapi.com"


@pytest.fixture(autouse=True)
def no_proxy_variables(monkeypatch):
    for name in (*PROXY_VARIABLES, "NO_PROXY", "no_proxy", "REQUEST_METHOD"):
        monkeypatch.delenv(name, raising=False)


def dead_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def assert_no_leak(text):
    for piece in LEAKS:
        assert piece not in text, f"{piece!r} shown in {text!r}"


def problems_for(endpoint=HTTPS_ENDPOINT, **params):
    base = dict(secret_id="AKIDx", secret_key="k", endpoint=endpoint)
    return connection_problems(ConnectionSettings(dict(base, **params), sdk_files=[]))


# --------------------------------------------------------------------------- malformed: a configuration error
@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"])
def test_a_raw_hash_in_the_password_is_named_by_its_variable_and_never_quoted(monkeypatch, variable):
    monkeypatch.setenv(variable, f"http://{USER}:{PASSWORD}@proxy.example.com:3128")
    problems = problems_for()
    assert len(problems) == 1 and f"the proxy URL in {variable} (used for endpoint https://live" in problems[0]
    assert "%23" in problems[0] and "not shown" in problems[0]
    assert_no_leak(problems[0])


@pytest.mark.parametrize(
    "value, what",
    [
        (f"http://{USER}:{PASSWORD.replace('#', '%23')}@proxy.example.com:99999", "port"),
        (f"{USER}:{PASSWORD.replace('#', '%23')}@proxy.example.com:3128", "no scheme"),
        (f"ftp://{USER}:{PASSWORD.replace('#', '%23')}@proxy.example.com:3128", "scheme"),
        (f"http://{USER}:{PASSWORD.replace('#', '%23')}@:3128", "no host"),
        (f"http://{USER}:pa ss-sEcReT@proxy.example.com:3128", "white space"),
    ],
)
def test_every_malformed_proxy_url_is_a_configuration_problem(monkeypatch, value, what):
    monkeypatch.setenv("HTTPS_PROXY", value)
    problems = problems_for()
    assert len(problems) == 1 and "HTTPS_PROXY" in problems[0] and what in problems[0]
    assert_no_leak(problems[0])


def test_a_well_formed_proxy_url_and_one_that_no_call_goes_through_are_fine(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", f"http://{USER}:pa%23ss-sEcReT@proxy.example.com:3128")
    assert problems_for() == []
    monkeypatch.setenv("HTTPS_PROXY", f"http://{USER}:{PASSWORD}@proxy.example.com:3128")
    monkeypatch.setenv("NO_PROXY", ".tencentcloudapi.com")
    assert problems_for() == []
    # HTTP_PROXY is for http:// URLs only; the STS endpoint's proxy is checked when a role is assumed
    monkeypatch.delenv("NO_PROXY")
    monkeypatch.setenv("HTTPS_PROXY", "")
    monkeypatch.setenv("HTTP_PROXY", f"http://{USER}:{PASSWORD}@proxy.example.com:3128")
    assert problems_for() == []
    assert problems_for(endpoint="http://127.0.0.1:9")[0].startswith("the proxy URL in HTTP_PROXY")


def test_the_sts_endpoint_proxy_is_checked_when_a_role_is_assumed(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", f"http://{USER}:{PASSWORD}@proxy.example.com:3128")
    monkeypatch.setenv("NO_PROXY", "live.tencentcloudapi.com")
    assert problems_for() == []
    problems = problems_for(role_arn="qcs::cam::uin/100000000001:roleName/r")
    assert len(problems) == 1 and "used for sts_endpoint https://sts.tencentcloudapi.com" in problems[0]


# --------------------------------------------------------------------------- well-formed: through a proxy that fails
@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
def test_a_failing_proxy_is_named_without_its_credentials(monkeypatch, variable):
    port = dead_port()
    monkeypatch.setenv(variable, f"http://{USER}:pa%23ss-sEcReT@127.0.0.1:{port}")
    client = LiveClient(
        Credentials("AKIDx", "k"), endpoint=f"http://127.0.0.1:{dead_port()}", retry_policy=RetryPolicy(retries=1)
    )
    client._sleep = lambda seconds: None
    with pytest.raises(TencentTransportError) as caught:
        client.call("DescribeLiveStreamState", {})
    error = caught.value
    text = str(error) + repr(error) + json.dumps(error.failure())
    assert f"through the proxy 127.0.0.1:{port} (from {variable})" in str(error) and error.attempts == 2
    assert_no_leak(text)


def test_a_proxy_error_that_quotes_the_proxy_url_is_redacted(monkeypatch):
    """urllib3 quotes a proxy URL it cannot parse ("Failed to parse: http://user:password@host:port")."""
    import requests
    from urllib3.exceptions import LocationParseError

    proxy = f"http://{USER}:pa%23ss-sEcReT@proxy.example.com:3128"

    class Session:
        def __init__(self):
            self.proxies = {"http": proxy}

        def post(self, *args, **kwargs):
            raise requests.exceptions.ConnectionError(LocationParseError(f"Failed to parse: {proxy} and {PASSWORD}"))

    client = LiveClient(Credentials("AKIDx", "k"), endpoint="http://127.0.0.1:9", session=Session())
    client.retry_policy = RetryPolicy(retries=0)
    with pytest.raises(TencentTransportError) as caught:
        client.call("DescribeLiveStreamState", {})
    assert "Failed to parse" in str(caught.value)
    assert_no_leak(str(caught.value) + repr(caught.value) + json.dumps(caught.value.failure()))


def test_invalid_proxy_urls_that_reach_requests_are_not_retried_and_not_quoted():
    import requests

    class Session:
        def __init__(self):
            self.proxies = {}
            self.posts = 0

        def post(self, *args, **kwargs):
            self.posts += 1
            raise requests.exceptions.InvalidURL(f"Failed to parse: http://{USER}:{PASSWORD}@proxy.example.com:99999")

    session = Session()
    client = LiveClient(Credentials("AKIDx", "k"), endpoint="http://127.0.0.1:9", session=session)
    with pytest.raises(TencentTransportError) as caught:
        client.call("DescribeLiveStreamState", {})
    assert session.posts == 1 and caught.value.fatal and "HTTPS_PROXY" in str(caught.value)
    assert_no_leak(str(caught.value) + repr(caught.value))

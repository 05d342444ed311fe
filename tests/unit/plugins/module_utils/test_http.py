# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One HTTP exchange bounded in wall time, against small local servers that drip, stall or keep quiet,
over HTTP and HTTPS (urllib3 wraps the socket for TLS), directly and through a CONNECT tunnel.

The time claims are "at most" bounds with wide margins (a loaded machine only makes things slower,
never faster than the bound); the server side of each test shows the client really went away.
"""

import os
import socket
import threading
import time

import pytest
import requests

from ansible_collections.tencent.cloud.plugins.module_utils import _http
from ansible_collections.tencent.cloud.plugins.module_utils._client import LiveClient
from ansible_collections.tencent.cloud.plugins.module_utils._credential_types import Credentials
from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentTransportError
from ansible_collections.tencent.cloud.plugins.module_utils._http import STOPPED, TIMED_OUT, Exchange, bounded_session
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound
from ansible_collections.tencent.cloud.tests.unit.plugins.module_utils.wire import (
    ANSWER,
    SCHEMES,
    ConnectProxy,
    Server,
    Stalling,
    Tls,
    answer_then,
    drip,
    prompt,
    quiet,
)


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return Tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture(params=SCHEMES)
def scheme(request):
    return request.param


@pytest.fixture
def server(request, scheme, tls):
    """The server of request.param's behaviour, over the test's scheme; .verify is what the client trusts."""
    running = Server(request.param, tls.server_context() if scheme == "https" else None)
    running.verify = tls.ca_path if scheme == "https" else True
    yield running
    running.close()


def post(session, bound, url, timeout, verify=True, proxies=None, socket_timeout=None):
    """One POST in an exchange: (exchange, seconds it took, the exception or the answer)."""
    exchange = Exchange(bound, timeout)
    started = time.monotonic()
    socket_timeout = socket_timeout or timeout
    try:
        with exchange:
            outcome = session.post(
                url, data=b"{}", timeout=(socket_timeout, socket_timeout), verify=verify, proxies=proxies
            )
    except Exception as exc:  # pylint: disable=broad-except
        outcome = exc
    return exchange, time.monotonic() - started, outcome


@pytest.mark.parametrize("server", [drip(0.05)], indirect=True)
def test_a_dripping_answer_outlasts_requests_own_timeout(server):
    """The fault _http.py exists for: each byte comes well within the 0.5 s read timeout, so requests waits on."""
    started = time.monotonic()
    answer = requests.post(server.url, data=b"{}", timeout=(0.5, 0.5), verify=server.verify)
    assert answer.status_code == 200 and time.monotonic() - started >= 0.05 * (len(ANSWER) - 1)


@pytest.mark.parametrize("server", [drip(0.05)], indirect=True)
def test_the_exchange_cuts_a_dripping_answer_at_its_timeout(server):
    exchange, elapsed, error = post(bounded_session(), TaskBound(), server.url, 1.0, server.verify)
    assert exchange.cut == TIMED_OUT and exchange.connected, error
    # at most: cut at 1 s, well before the whole answer (4.3 s at least) could have come
    assert elapsed < 1.0 + 2.0


@pytest.mark.parametrize("server", [answer_then(drip(0.05))], indirect=True)
def test_a_pooled_connection_is_cut_as_well(server):
    session = bounded_session()
    with Exchange(TaskBound(), 5.0):
        assert session.post(server.url, data=b"{}", timeout=(5, 5), verify=server.verify).status_code == 200
    exchange, elapsed, _error = post(session, TaskBound(), server.url, 1.0, server.verify)
    assert exchange.cut == TIMED_OUT and elapsed < 3.0 and server.requests == 2


@pytest.mark.parametrize("server", [drip(0.05)], indirect=True)
def test_the_client_reports_a_cut_answer_as_lost_within_its_timeout(server):
    """requests may take a socket shut in the middle of the headers for their end: the client goes by the cut."""
    client = LiveClient(
        Credentials("AKIDtest", "key"),
        endpoint=server.url.rstrip("/"),
        timeout=1.0,
        retry_policy=RetryPolicy(retries=0),
        ca_path=None if server.verify is True else server.verify,
    )
    started = time.monotonic()
    with pytest.raises(TencentTransportError) as caught:
        client.call("DescribeLiveStreamState", {"StreamName": "s"})
    assert time.monotonic() - started < 1.0 + 2.0
    assert "no complete answer" in str(caught.value) and caught.value.maybe_carried_out


@pytest.mark.parametrize("server", [quiet], indirect=True)
def test_the_stop_cuts_an_exchange_on_the_wire_at_once(server):
    bound = TaskBound()
    threading.Timer(0.3, bound.stop, args=("SIGTERM received",)).start()
    exchange, elapsed, _error = post(bounded_session(), bound, server.url, 60.0, server.verify)
    assert exchange.cut == STOPPED and exchange.connected and elapsed < 5.0 and server.requests == 1


@pytest.mark.parametrize("server", [quiet], indirect=True)
def test_an_exchange_of_a_stopped_task_sends_nothing(server):
    bound = TaskBound()
    bound.stop("SIGINT received")
    exchange, _elapsed, error = post(bounded_session(), bound, server.url, 5.0, server.verify)
    assert exchange.cut == STOPPED and not exchange.connected and isinstance(error, _http.ExchangeCut)
    time.sleep(0.2)
    assert server.requests == 0


def test_name_resolution_is_bounded_too(monkeypatch):
    """A resolver that hangs: the exchange gives up at its timeout, and nothing was sent."""
    import urllib3.util.connection  # pylint: disable=import-outside-toplevel

    real = socket.getaddrinfo

    def slow_getaddrinfo(*args, **kwargs):
        time.sleep(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection.socket, "getaddrinfo", slow_getaddrinfo)
    exchange, elapsed, error = post(bounded_session(), TaskBound(), "http://live.example.invalid/", 0.5)
    assert exchange.cut == TIMED_OUT and not exchange.connected and isinstance(error, _http.ExchangeCut)
    assert elapsed < 0.5 + 2.0


def test_outside_an_exchange_the_session_is_plain_requests():
    """Connections made with no exchange (no current one) open as requests opens them."""
    assert _http.current() is None
    session = bounded_session(pool_size=3)
    adapter = session.get_adapter("https://live.tencentcloudapi.com/")
    assert isinstance(adapter, _http.BoundedAdapter) and session.trust_env is False


# --------------------------------------------------------------------------- whatever wraps the socket
# urllib3 wraps a new socket for TLS (the SSLSocket takes its descriptor; the object it was made from is
# left detached), for a CONNECT tunnel, and for TLS inside TLS (an HTTPS proxy): the cut must reach the
# TCP connection under them all, on a new connection and on a pooled one.


@pytest.mark.parametrize("server", [drip(0.05)], indirect=True)
@pytest.mark.parametrize("pooled", [False, True], ids=["new", "pooled"])
def test_the_stop_cuts_a_dripping_answer_at_once(server, pooled):
    """TaskBound.stop() alone (the client's thread is in the middle of the answer): cut at once, not at its end."""
    session = bounded_session()
    if pooled:
        server.behaviour = answer_then(drip(0.05))
        with Exchange(TaskBound(), 5.0):
            assert session.post(server.url, data=b"{}", timeout=(5, 5), verify=server.verify).status_code == 200
    bound = TaskBound()
    threading.Timer(0.3, bound.stop, args=("SIGTERM received",)).start()
    exchange, elapsed, _error = post(session, bound, server.url, 60.0, server.verify)
    # at most: the whole answer takes 4.3 s at least
    assert exchange.cut == STOPPED and exchange.connected and elapsed < 0.3 + 2.0


@pytest.mark.parametrize("stop", [False, True], ids=["timeout", "stop"])
def test_a_stalled_tls_handshake_is_cut(tls, stop):
    """The server takes the TCP connection and never answers the ClientHello: the handshake is cut too."""
    stalling = Stalling()
    bound = TaskBound()
    if stop:
        threading.Timer(0.3, bound.stop, args=("SIGTERM received",)).start()
    try:
        exchange, elapsed, error = post(
            bounded_session(),
            bound,
            f"https://127.0.0.1:{stalling.port}/",
            1.0 if not stop else 60.0,
            tls.ca_path,
            socket_timeout=60.0,
        )
    finally:
        stalling.close()
    assert stalling.connected.is_set()
    assert exchange.cut == (STOPPED if stop else TIMED_OUT), error
    assert elapsed < (0.3 if stop else 1.0) + 2.0


@pytest.mark.parametrize("proxy_scheme", ["http", "https"], ids=["proxy", "tls-proxy"])
@pytest.mark.parametrize("pooled", [False, True], ids=["new", "pooled"])
def test_an_exchange_through_a_connect_tunnel_is_cut(tls, proxy_scheme, pooled):
    """HTTPS through a CONNECT proxy (the proxy itself over TLS too: TLS inside TLS): cut at the timeout."""
    behaviour = answer_then(drip(0.05)) if pooled else drip(0.05)
    server = Server(behaviour, tls.server_context())
    proxy = ConnectProxy(tls.server_context() if proxy_scheme == "https" else None)
    proxies = {"https": proxy.url.rstrip("/")}
    session = bounded_session()
    try:
        if pooled:
            with Exchange(TaskBound(), 5.0):
                answer = session.post(server.url, data=b"{}", timeout=(5, 5), verify=tls.ca_path, proxies=proxies)
                assert answer.status_code == 200
        exchange, elapsed, error = post(session, TaskBound(), server.url, 1.0, tls.ca_path, proxies=proxies)
    finally:
        server.close()
        proxy.close()
    assert proxy.tunnels == 1 and server.requests == (2 if pooled else 1)
    assert exchange.cut == TIMED_OUT and exchange.connected, error
    assert elapsed < 1.0 + 2.0


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts this process's descriptors in /proc")
def test_the_watch_of_a_new_connection_is_closed_with_its_exchange(tls):
    """The duplicate that watches a new connection lives as long as its exchange: none is left open."""
    server = Server(prompt, tls.server_context())
    try:
        before = len(os.listdir("/proc/self/fd"))
        for _round in range(5):
            with bounded_session() as session:
                with Exchange(TaskBound(), 5.0) as exchange:
                    session.post(server.url, data=b"{}", timeout=(5, 5), verify=tls.ca_path)
                assert exchange._own is None  # pylint: disable=protected-access
        # the server runs in this process: its side of each connection closes when its thread sees the client go
        deadline = time.monotonic() + 5
        while len(os.listdir("/proc/self/fd")) > before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(os.listdir("/proc/self/fd")) <= before
    finally:
        server.close()


def test_tcp_socket_finds_the_socket_under_urllib3s_wrappers():
    raw = socket.socket()
    try:

        class Transport:  # urllib3's SSLTransport (TLS inside TLS) is no socket: the one under it is
            socket = raw

        assert _http.tcp_socket(raw) is raw and _http.tcp_socket(Transport()) is raw
        assert _http.tcp_socket(None) is None and _http.tcp_socket(object()) is None
    finally:
        raw.close()


@pytest.mark.parametrize("server", [drip(0.01)], indirect=True)
def test_a_connection_no_pool_of_ours_gave_is_not_cut_and_may_have_sent(server):
    """A SOCKS proxy's pools are PySocks', not these (the documented gap): such an exchange is not cut early, it runs
    to its answer, and once past its bound it is reported as maybe carried out, never as "could not connect"."""
    plain = requests.Session()  # stands for the SOCKS pools: its connections never report to the exchange
    exchange, elapsed, answer = post(plain, TaskBound(), server.url, 0.3, server.verify, socket_timeout=5)
    assert answer.status_code == 200 and elapsed >= 0.01 * (len(ANSWER) - 1)
    assert exchange.cut == TIMED_OUT and not exchange.watched
    error = _http.cut_error(exchange, "ResumeLiveStream", server.url)
    assert error.maybe_carried_out and "no complete answer" in str(error)

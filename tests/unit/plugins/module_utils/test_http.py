# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One HTTP exchange bounded in wall time, against small local servers that drip, stall or keep quiet.

The time claims are "at most" bounds with wide margins (a loaded machine only makes things slower,
never faster than the bound); the server side of each test shows the client really went away.
"""

import select
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

ANSWER = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{"Response":{}}'


class Server:
    """A TCP server on 127.0.0.1 that answers each request as ``behaviour`` says, and notes what it saw."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/"
        self.requests = 0
        self.hung_up = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _address = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn):
        with conn:
            while True:
                data = b""
                while b"\r\n\r\n" not in data or len(data) < _request_length(data):
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                self.requests += 1
                if not self.behaviour(conn, self.requests):
                    return

    def close(self):
        self.listener.close()


def _request_length(data):
    """The length of the request whose start is ``data`` (headers and Content-Length body)."""
    head, _sep, _rest = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        name, _colon, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(head) + 4 + int(value)
    return len(head) + 4


def drip(interval):
    """Answer one byte every ``interval`` seconds, until the client goes away (it sends nothing else meanwhile)."""

    def behaviour(conn, _number):
        for byte in ANSWER:
            try:
                conn.sendall(bytes((byte,)))
            except OSError:
                break
            if _readable(conn, interval):
                break
        return False

    return behaviour


def _readable(conn, seconds):
    return bool(select.select([conn], [], [], seconds)[0])


def quiet(conn, _number):
    """Read the request, never answer; hold the connection until the client goes."""
    _readable(conn, 60)
    return False


def answer_then(behaviour):
    """Answer the first request at once (keep-alive), then behave as ``behaviour`` on the next one."""

    def first_fast(conn, number):
        if number == 1:
            conn.sendall(ANSWER)
            return True
        return behaviour(conn, number)

    return first_fast


@pytest.fixture
def server(request):
    running = Server(request.param)
    yield running
    running.close()


def post(session, bound, url, timeout):
    """One POST in an exchange: (exchange, seconds it took, the exception or the answer)."""
    exchange = Exchange(bound, timeout)
    started = time.monotonic()
    try:
        with exchange:
            outcome = session.post(url, data=b"{}", timeout=(timeout, timeout))
    except Exception as exc:  # pylint: disable=broad-except
        outcome = exc
    return exchange, time.monotonic() - started, outcome


@pytest.mark.parametrize("server", [drip(0.05)], indirect=True)
def test_a_dripping_answer_outlasts_requests_own_timeout(server):
    """The fault _http.py exists for: each byte comes well within the 0.5 s read timeout, so requests waits on."""
    started = time.monotonic()
    answer = requests.post(server.url, data=b"{}", timeout=(0.5, 0.5))
    assert answer.status_code == 200 and time.monotonic() - started >= 0.05 * (len(ANSWER) - 1)


@pytest.mark.parametrize("server", [drip(0.05)], indirect=True)
def test_the_exchange_cuts_a_dripping_answer_at_its_timeout(server):
    exchange, elapsed, error = post(bounded_session(), TaskBound(), server.url, 1.0)
    assert exchange.cut == TIMED_OUT and exchange.connected, error
    # at most: cut at 1 s, well before the whole answer (4.3 s at least) could have come
    assert elapsed < 1.0 + 2.0


@pytest.mark.parametrize("server", [answer_then(drip(0.05))], indirect=True)
def test_a_pooled_connection_is_cut_as_well(server):
    session = bounded_session()
    with Exchange(TaskBound(), 5.0):
        assert session.post(server.url, data=b"{}", timeout=(5, 5)).status_code == 200
    exchange, elapsed, _error = post(session, TaskBound(), server.url, 1.0)
    assert exchange.cut == TIMED_OUT and elapsed < 3.0 and server.requests == 2


@pytest.mark.parametrize("server", [drip(0.05)], indirect=True)
def test_the_client_reports_a_cut_answer_as_lost_within_its_timeout(server):
    """requests may take a socket shut in the middle of the headers for their end: the client goes by the cut."""
    client = LiveClient(
        Credentials("AKIDtest", "key"),
        endpoint=server.url.rstrip("/"),
        timeout=1.0,
        retry_policy=RetryPolicy(retries=0),
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
    exchange, elapsed, _error = post(bounded_session(), bound, server.url, 60.0)
    assert exchange.cut == STOPPED and exchange.connected and elapsed < 5.0 and server.requests == 1


@pytest.mark.parametrize("server", [quiet], indirect=True)
def test_an_exchange_of_a_stopped_task_sends_nothing(server):
    bound = TaskBound()
    bound.stop("SIGINT received")
    exchange, _elapsed, error = post(bounded_session(), bound, server.url, 5.0)
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

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""One HTTP exchange bounded in wall time: name resolution, connect, send and the whole answer.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

requests' timeout bounds each socket operation, not the exchange: an endpoint that answers one
byte every 0.9 s holds a call with timeout=2 for as long as it likes, and name resolution is not
bounded at all. Here each exchange is an Exchange with a wall-clock deadline: now + timeout, or the task's deadline
(task_timeout) when that is nearer -- the task ends at its deadline even with a call on the wire:

- sessions built by new_session() use connection pools whose connections report the socket of
  each exchange to it (pooled or new), and open new connections (name resolution and connect) in a
  helper thread that the exchange waits for at most until its deadline;
- one watchdog thread (per process, started on first use) shuts down the socket of an exchange
  whose deadline has passed, or whose task was stopped (TaskBound.stop): the thread blocked on it
  returns at once, and the caller reports the exchange as cut (Exchange.cut);
- the socket shut down is the TCP connection itself, whatever is layered on it: urllib3 wraps a new
  socket for TLS (an ssl.SSLSocket takes over its file descriptor and leaves the original object
  detached, fileno -1), for an HTTPS proxy's CONNECT tunnel, and for TLS inside TLS (an
  SSLTransport, not a socket). So a new connection is watched through a duplicate of its socket made
  before anything wraps it (the handshake and the tunnel are cut too), closed when the exchange
  ends; a pooled one through the TCP socket under its wrappers;
- a SOCKS proxy's pools are PySocks', not these: an exchange through one is bounded only per socket
  operation by ``timeout``, runs until its answer is complete however slowly it comes, and is then
  reported as cut if its bound passed or its task stopped meanwhile (maybe sent: Exchange.watched);
- an exchange cut before it had a connection never sent anything (Exchange.connected is False).

The watchdog sleeps until the earliest deadline of the exchanges on the wire, so it wakes about
once per ``timeout``, not per call; an exchange costs a few lock operations on the hot path.
"""

import socket
import threading
import time
import weakref

from ansible_collections.tencent.cloud.plugins.module_utils._errors import TaskStopped, TencentTransportError
from ansible_collections.tencent.cloud.plugins.module_utils._tls_trust import share_trust

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    HAS_HTTP = True
except ImportError:  # _client.HAS_REQUESTS: the module fails with missing_required_lib first
    HAS_HTTP = False

TIMED_OUT = "timeout"
STOPPED = "stopped"

_local = threading.local()


def current():
    """The exchange this thread is in, or None."""
    return getattr(_local, "exchange", None)


class ExchangeCut(Exception):
    """Raised inside requests when an exchange was cut before it sent anything."""


def _shutdown(sock):
    """Shut a socket down for both directions, from any thread: a recv or send blocked on it returns.

    socket.socket.shutdown is called on the object itself (an SSLSocket's own shutdown() would also
    drop its TLS state under the reading thread). A socket closed meanwhile raises OSError: ignored.
    """
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except (OSError, TypeError, ValueError):
        pass


def tcp_socket(sock):
    """The socket.socket that carries sock: sock itself (a plain socket or an SSLSocket, which owns
    the TCP connection's descriptor), or the one under urllib3's SSLTransport (TLS inside TLS)."""
    while sock is not None and not isinstance(sock, socket.socket):
        sock = getattr(sock, "socket", None)
    return sock


class Exchange:
    """One HTTP exchange of a task (``bound``), cut at ``timeout`` seconds of wall time, at the task's
    deadline when that comes first (``at_task_deadline``), or when the task stops.

    Use it as a context manager around the request; afterwards ``cut`` says whether (and why) it
    was cut -- TIMED_OUT or STOPPED -- and ``connected`` whether it had a connection, so whether
    the request may have reached the server. A cut exchange may also END normally for requests (a
    socket shut down in the middle of the headers reads as their end): check ``cut`` either way.
    """

    def __init__(self, bound, timeout, clock=time.monotonic):
        self.bound = bound
        self.timeout = timeout
        # the task's deadline (task_timeout) ends an exchange on the wire too, when it comes first
        left = bound.remaining()
        self.at_task_deadline = left is not None and left < timeout
        self.deadline = clock() + (left if self.at_task_deadline else timeout)
        self._clock = clock
        self.cut = None
        self.connected = False
        # a connection of these pools was taken (not so through a SOCKS proxy, whose pools are PySocks'): only
        # then does ``connected`` know whether anything was sent
        self.watched = False
        self._sock = None
        # the duplicate of a new connection's socket that _sock is, closed when the exchange ends
        self._own = None
        # the answer was read in full and the connection went back to the pool: nothing left to cut
        self._released = False
        # between the exchange's thread and the watchdog only (no lock shared by every exchange on the hot path)
        self._lock = threading.Lock()
        self._wake = threading.Event()

    def __enter__(self):
        WATCHDOG.add(self)
        _local.exchange = self
        return self

    def __exit__(self, *exc_info):
        _local.exchange = None
        WATCHDOG.remove(self)
        with self._lock:
            self._drop_socket()

    def _drop_socket(self):
        # under self._lock: the exchange no longer watches a socket; the duplicate it made is closed
        own, self._own, self._sock = self._own, None, None
        if own is not None:
            own.close()

    def remaining(self):
        return max(0.0, self.deadline - self._clock())

    def cut_now(self, why):
        """Cut the exchange (from the watchdog, or at the stop): its socket, if it has one, is shut down."""
        with self._lock:
            if self.cut is None and not self._released:
                self.cut = why
                self._wake.set()
                if self._sock is not None:
                    _shutdown(self._sock)

    # called from the connection pool, in the thread of the exchange
    def take(self, conn):
        """A pooled or fresh connection is this exchange's now; ExchangeCut if the exchange was cut already."""
        with self._lock:
            self.watched = True
            if self.cut is None:
                sock = tcp_socket(getattr(conn, "sock", None))
                self._sock = sock
                self.connected = sock is not None
                return
        conn.close()
        raise ExchangeCut(self.cut)

    def release(self):
        """The connection went back to the pool: the exchange is done with its socket."""
        with self._lock:
            self._drop_socket()
            self._released = True

    def open(self, open_socket):
        """open_socket() (name resolution and connect) in a helper thread, waited for until the deadline or the stop."""
        outcome = {}
        with self._lock:
            if self.cut is not None:
                raise ExchangeCut(self.cut)
            self._wake.clear()

        def opener():
            try:
                sock = open_socket()
                try:
                    # watched through a duplicate: whatever wraps sock (TLS, a tunnel) detaches sock itself
                    watch = sock.dup()
                except OSError:
                    sock.close()
                    raise
                outcome["sock"], outcome["watch"] = sock, watch
            except BaseException as exc:  # pylint: disable=broad-except
                outcome["error"] = exc
            with self._lock:
                late = outcome.get("late", False)
                if not late and "sock" in outcome:
                    self._drop_socket()
                    self._sock = self._own = outcome["watch"]
                    self.connected = True
            if late and "sock" in outcome:
                outcome["watch"].close()
                outcome["sock"].close()
            self._wake.set()

        threading.Thread(target=opener, name="tencent-cloud-connect", daemon=True).start()
        self._wake.wait(self.remaining())
        with self._lock:
            if self.cut is None and "sock" in outcome:
                return outcome["sock"]
            if self.cut is None and "error" in outcome:
                raise outcome["error"]
            if self.cut is None:
                self.cut = TIMED_OUT
            outcome["late"] = True
            self.connected = False
            self._drop_socket()
        raise ExchangeCut(self.cut)


class Watchdog:
    """Cuts the exchanges on the wire at their deadline, and all of a task's when it stops."""

    def __init__(self, clock=time.monotonic):
        self._cond = threading.Condition(threading.Lock())
        self._clock = clock
        self._live = {}
        self._thread = None
        self._wake_at = None
        # id(bound) -> a weak reference to each task's bound whose stop cuts its exchanges
        self._hooked = {}

    def add(self, exchange):
        bound = exchange.bound
        hooked = self._hooked.get(id(bound))
        if hooked is None or hooked() is not bound:
            self._hooked[id(bound)] = weakref.ref(bound)
            bound.on_stop(lambda: self.stop(bound))
        with self._cond:
            self._live[id(exchange)] = exchange
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="tencent-cloud-watchdog", daemon=True)
                self._thread.start()
            elif self._wake_at is None or exchange.deadline < self._wake_at:
                self._cond.notify()
        if bound.stopped:
            exchange.cut_now(STOPPED)

    def remove(self, exchange):
        with self._cond:
            self._live.pop(id(exchange), None)

    def stop(self, bound):
        """Cut every exchange of this task now."""
        with self._cond:
            exchanges = [exchange for exchange in self._live.values() if exchange.bound is bound]
        for exchange in exchanges:
            exchange.cut_now(STOPPED)

    def _run(self):
        with self._cond:
            while True:
                now = self._clock()
                due = [(key, exchange) for key, exchange in self._live.items() if exchange.deadline <= now]
                for key, exchange in due:
                    del self._live[key]
                    exchange.cut_now(TIMED_OUT)
                self._wake_at = min((exchange.deadline for exchange in self._live.values()), default=None)
                self._cond.wait(None if self._wake_at is None else self._wake_at - now)


WATCHDOG = Watchdog()


def cut_error(exchange, action, url):
    """The error of an exchange cut by its wall-clock bound (TIMED_OUT) or by its task's stop (STOPPED)."""
    # an exchange on a connection no pool of ours gave (SOCKS) may have sent its request: never assume it did not
    sent = exchange.connected or not exchange.watched
    if exchange.cut == STOPPED:
        return TaskStopped(exchange.bound.stop_reason, action=action, maybe_sent=sent)
    bound = (
        "before the task's deadline (task_timeout)"
        if exchange.at_task_deadline
        else f"within timeout={exchange.timeout}s"
    )
    if sent:
        # The request went out, and the server may have carried it out.
        return TencentTransportError(f"no complete answer from {url} {bound}", action=action)
    return TencentTransportError(f"could not connect to {url} {bound}", action=action, maybe_carried_out=False)


if HAS_HTTP:

    class _ExchangeConnection:
        """Opens its socket (name resolution, connect) within the wall-clock bound of the current exchange."""

        def _new_conn(self):
            exchange = current()
            if exchange is None:
                return super()._new_conn()
            return exchange.open(super()._new_conn)

    class BoundedHTTPConnection(_ExchangeConnection, HTTPConnection):
        pass

    class BoundedHTTPSConnection(_ExchangeConnection, HTTPSConnection):
        def connect(self):
            share_trust(self)  # the CA bundle is loaded once per process, not per connection (_tls_trust.py)
            super().connect()

    class _ExchangePool:
        """Gives each connection taken to the current exchange, and takes it back when it returns."""

        def _get_conn(self, timeout=None):
            conn = super()._get_conn(timeout)
            exchange = current()
            if exchange is not None:
                exchange.take(conn)
            return conn

        def _put_conn(self, conn):
            exchange = current()
            if exchange is not None:
                exchange.release()
            super()._put_conn(conn)

    class BoundedHTTPConnectionPool(_ExchangePool, HTTPConnectionPool):
        ConnectionCls = BoundedHTTPConnection

    class BoundedHTTPSConnectionPool(_ExchangePool, HTTPSConnectionPool):
        ConnectionCls = BoundedHTTPSConnection

    POOL_CLASSES = {"http": BoundedHTTPConnectionPool, "https": BoundedHTTPSConnectionPool}

    class BoundedAdapter(HTTPAdapter):
        """An HTTPAdapter whose pools (direct and through an HTTP(S) proxy) report to the current exchange."""

        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = POOL_CLASSES

        def proxy_manager_for(self, proxy, **proxy_kwargs):
            manager = super().proxy_manager_for(proxy, **proxy_kwargs)
            if not proxy.lower().startswith("socks"):
                manager.pool_classes_by_scheme = POOL_CLASSES
            return manager


def bounded_session(pool_size=1):
    """A requests session (trust_env off) whose exchanges can be bounded: one pool of pool_size, no urllib3 retries."""
    session = requests.Session()
    session.trust_env = False
    adapter = BoundedAdapter(pool_connections=1, pool_maxsize=max(1, pool_size), max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session

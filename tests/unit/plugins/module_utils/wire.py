# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small local servers for the tests of the wire: they answer over HTTP or HTTPS (a throwaway CA made
with trustme), drip, stall or keep quiet, and note what they saw; and a CONNECT proxy (plain, or
itself behind TLS) for the tunnel. Each runs in daemon threads and is closed by its test."""

import base64
import select
import socket
import ssl
import threading

from throwaway_ca import tls_files  # tests/emulator/, on sys.path by tests/conftest.py

ANSWER = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{"Response":{}}'
SCHEMES = ("http", "https")


class Tls:
    """A throwaway CA and a certificate for 127.0.0.1 and localhost (throwaway_ca.py): ``ca_path`` for the
    client (requests' verify, the collection's ca_path), ``server_context()`` for a server."""

    def __init__(self, directory):
        self.ca_path, self.cert_path = tls_files(str(directory))

    def server_context(self):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_path)
        return context


class Listener:
    """Accepts connections on 127.0.0.1 (behind TLS when given a server context) and hands each to handle(conn)."""

    def __init__(self, handle, context=None):
        self._handle = handle
        self._context = context
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.scheme = "https" if context is not None else "http"
        self.url = f"{self.scheme}://127.0.0.1:{self.port}/"
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _address = self.listener.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._secure_and_handle, args=(conn,), daemon=True).start()

    def _secure_and_handle(self, conn):
        if self._context is not None:
            try:
                conn = self._context.wrap_socket(conn, server_side=True)
            except (OSError, ssl.SSLError):
                conn.close()
                return
        with conn:
            self._handle(conn)

    def close(self):
        self.listener.close()


class Server(Listener):
    """Answers each request as ``behaviour(conn, number)`` says (True: keep the connection for the next one)."""

    def __init__(self, behaviour, context=None):
        self.behaviour = behaviour
        self.requests = 0
        super().__init__(self._exchange, context)

    def _exchange(self, conn):
        while True:
            data = b""
            while b"\r\n\r\n" not in data or len(data) < request_length(data):
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                data += chunk
            self.requests += 1
            if not self.behaviour(conn, self.requests):
                return


class Stalling(Listener):
    """Accepts the TCP connection and says nothing, not even its part of the TLS handshake."""

    def __init__(self):
        self.connected = threading.Event()
        super().__init__(self._hold)

    def _hold(self, conn):
        self.connected.set()
        conn.settimeout(60)
        try:
            while conn.recv(65536):  # the ClientHello, unanswered; until the client goes
                pass
        except OSError:
            pass


class ConnectProxy(Listener):
    """An HTTP CONNECT proxy (itself behind TLS when given a context): tunnels to the host:port asked for. Given
    ``credentials`` (user, password), it asks for them (407) unless the request carries them (Basic); given
    ``status`` (a status line such as b"403 Forbidden"), it answers every CONNECT with it."""

    def __init__(self, context=None, credentials=None, status=None):
        self.tunnels = 0
        self.refused = 0
        self.status = status
        self.expected = None
        if credentials is not None:
            self.expected = b"Basic " + base64.b64encode(":".join(credentials).encode("utf-8"))
        super().__init__(self._tunnel, context)

    def _authorized(self, head):
        if self.expected is None:
            return True
        lines = head.split(b"\r\n")[1:]
        given = [line.split(b":", 1)[1].strip() for line in lines if line.lower().startswith(b"proxy-authorization:")]
        return given == [self.expected]

    def _tunnel(self, conn):
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                return
            head += chunk
        method, target = head.split(b" ")[:2]
        if method != b"CONNECT":
            conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        if self.status is not None or not self._authorized(head):
            self.refused += 1
            status = self.status or b'407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"'
            conn.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        host, _colon, port = target.decode().rpartition(":")
        with socket.create_connection((host, int(port))) as upstream:
            self.tunnels += 1
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            _pipe(conn, upstream)


def _pipe(one, other):
    ends = {one: other, other: one}
    while True:
        ready, _w, _x = select.select(list(ends), [], [], 60)
        if not ready:
            return
        for end in ready:
            try:
                data = end.recv(65536)
            except (OSError, ssl.SSLWantReadError):
                return
            if not data:
                return
            ends[end].sendall(data)


def request_length(data):
    """The length of the request whose start is ``data`` (headers and Content-Length body)."""
    head, _sep, _rest = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        name, _colon, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(head) + 4 + int(value)
    return len(head) + 4


def readable(conn, seconds):
    if isinstance(conn, ssl.SSLSocket) and conn.pending():
        return True
    return bool(select.select([conn], [], [], seconds)[0])


def drip(interval, answer=ANSWER):
    """Answer one byte every ``interval`` seconds, until the client goes away (it sends nothing else meanwhile)."""

    def behaviour(conn, _number):
        for byte in answer:
            try:
                conn.sendall(bytes((byte,)))
            except OSError:
                break
            if readable(conn, interval):
                break
        return False

    return behaviour


def prompt(conn, _number):
    """Answer each request at once, keeping the connection."""
    conn.sendall(ANSWER)
    return True


def quiet(conn, _number):
    """Read the request, never answer; hold the connection until the client goes."""
    readable(conn, 60)
    return False


def answer_then(behaviour, answer=ANSWER):
    """Answer the first request at once (keep-alive), then behave as ``behaviour`` on the next one."""

    def first_fast(conn, number):
        if number == 1:
            conn.sendall(answer)
            return True
        return behaviour(conn, number)

    return first_fast

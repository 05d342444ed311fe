# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP(S) server: request parsing (Content-Length or chunked bodies), routing to the API, the
control interface and the metadata service, TLS (with a certificate and key it is given, or a
self-signed one it generates), and LiveEmulator, which runs it all in a background thread.

Every fault works the same over TLS: a drip writes one byte per TLS record, a stall holds the
answer, a close ends the connection without close_notify (as a reset peer would).
"""

from __future__ import annotations

import os
import select
import shutil
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional
from urllib.parse import parse_qs, urlsplit

from .common import METADATA_PREFIX, ApiRequest, json_bytes
from .core import EmulatorCore

MAX_BODY_BYTES = 10 * 1024 * 1024
TLS_HANDSHAKE_TIMEOUT = 10.0


class BodyError(Exception):
    """The request body could not be read (bad framing or too large)."""


class LiveRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "live-emulator/1.0"
    sys_version = ""
    disable_nagle_algorithm = True  # headers and body go out in separate writes

    def setup(self) -> None:
        context = self.server.tls_context
        if context is not None:
            self.request.settimeout(TLS_HANDSHAKE_TIMEOUT)
            self.request = context.wrap_socket(self.request, server_side=True)
            self.request.settimeout(None)
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        self.server.untrack(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format, *args) -> None:  # pylint: disable=redefined-builtin
        """Quiet access log."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        self._arrived = self.server.core.clock()
        url = urlsplit(self.path)
        try:
            body = self._read_body()
        except BodyError as error:
            self.close_connection = True
            self._send_json(413 if "large" in str(error) else 400, {"error": str(error)})
            return
        if url.path == "/_emulator" or url.path.startswith("/_emulator/"):
            if self.server.control:
                self._control(url, body)
            else:
                self._send_json(404, {"error": f"not found: {url.path}"})
        elif url.path.startswith(METADATA_PREFIX):
            status, payload, content_type = self.server.core.handle_metadata(self.command, url.path)
            self._send(status, payload, content_type, ())
        elif url.path == "/":
            self._api(url, body)
        else:
            self._send_json(404, {"error": f"not found: {url.path}"})

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        if not length.strip().isdigit():
            raise BodyError("bad Content-Length")
        if int(length) > MAX_BODY_BYTES:
            raise BodyError("request body too large")
        body = self.rfile.read(int(length))
        if len(body) < int(length):
            # the client went away in the middle of its request (a cut exchange): nothing to carry out, nor to log
            raise BodyError("the request body ended before its Content-Length")
        return body

    def _read_chunked(self) -> bytes:
        chunks, total = [], 0
        while True:
            line = self.rfile.readline(65537)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                raise BodyError("bad chunked encoding") from None
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise BodyError("request body too large")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(65537)

    def _headers_dict(self) -> dict:
        headers: dict = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), value)
        return headers

    def _api(self, url, body: bytes) -> None:
        request = ApiRequest(self.command, url.path, url.query, self._headers_dict(), body, arrived=self._arrived)
        outcome = self.server.core.handle_api(request)
        if outcome.delay > 0:
            time.sleep(outcome.delay)
        if outcome.close:
            self.close_connection = True
            return
        if outcome.drip > 0:
            self._drip(outcome)
            return
        self._send(outcome.status, outcome.body, outcome.content_type, outcome.headers)

    def _drip(self, outcome) -> None:
        """The whole answer, status line included, one byte every outcome.drip seconds, until it is all
        written or the client goes away; the call's entry gets drip_end (server time) and hung_up."""
        head = (
            f"HTTP/1.1 {outcome.status} OK\r\nContent-Type: {outcome.content_type}\r\n"
            f"Content-Length: {len(outcome.body)}\r\n\r\n"
        )
        hung_up = False
        for index, byte in enumerate(head.encode("ascii") + outcome.body):
            # between two bytes, a client waiting for its answer sends nothing: anything readable is its close
            if index and select.select([self.connection], [], [], outcome.drip)[0]:
                hung_up = True
                break
            try:
                self.wfile.write(bytes((byte,)))
                self.wfile.flush()
            except OSError:
                hung_up = True
                break
        self.close_connection = True
        outcome.call.update(drip_end=self.server.core.clock(), hung_up=hung_up)

    def _control(self, url, body: bytes) -> None:
        route = url.path[len("/_emulator/") :].strip("/")
        status, payload = self.server.core.handle_control(self.command, route, parse_qs(url.query), body)
        self._send_json(status, payload)

    def _send_json(self, status: int, payload: Any) -> None:
        self._send(status, json_bytes(payload), "application/json", ())

    def _send(self, status: int, body: bytes, content_type: str, headers: tuple) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)


class LiveHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple, core: EmulatorCore, tls_context: Optional[ssl.SSLContext], control: bool = True):
        self.core = core
        self.tls_context = tls_context
        self.control = control
        self._connections: set = set()
        self._connections_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, LiveRequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn); skip it.
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = self.server_address[1]

    def track(self, connection) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
            self._connections.clear()
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            return  # client went away, TLS handshake failed, connection shut down at stop
        sys.stderr.write(f"live-emulator: error serving {client_address[0]}: {error!r}\n")


def generate_tls_files(cert_dir: str) -> tuple:
    """Self-signed cert+key for 127.0.0.1/localhost; ca.pem is a copy of the cert."""
    os.makedirs(cert_dir, exist_ok=True)
    cert_path = os.path.join(cert_dir, "cert.pem")
    key_path = os.path.join(cert_dir, "key.pem")
    command = [
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout",
        key_path,
        "-out",
        cert_path,
    ]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    shutil.copyfile(cert_path, os.path.join(cert_dir, "ca.pem"))
    return cert_path, key_path


def tls_server_context(
    cert_dir: Optional[str] = None, cert_file: Optional[str] = None, key_file: Optional[str] = None
) -> ssl.SSLContext:
    """A server context with the certificate and key given (cert_file, key_file: PEM; the key may be in
    cert_file), or with a self-signed pair generated into cert_dir."""
    if cert_file:
        cert_path, key_path = cert_file, key_file
    else:
        cert_path, key_path = generate_tls_files(cert_dir)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    return context


class LiveEmulator:
    """Runs the emulator in a background thread: ``host, port = LiveEmulator(config).start()``."""

    def __init__(
        self,
        config: Optional[dict] = None,
        host: str = "127.0.0.1",
        port: int = 0,
        call_log: Optional[str] = None,
        tls_cert_dir: Optional[str] = None,
        clock: Optional[Callable[[], float]] = None,
        control: bool = True,
        tls_cert: Optional[str] = None,
        tls_key: Optional[str] = None,
    ):
        """tls_cert_dir: serve HTTPS with a generated self-signed certificate (its ca.pem written there);
        tls_cert (and tls_key, unless the key is in tls_cert): serve HTTPS with that certificate."""
        self.core = EmulatorCore(config, clock=clock, call_log=call_log)
        self.host = host
        self.port = port
        self.tls_cert_dir = tls_cert_dir
        self.tls_cert = tls_cert
        self.tls_key = tls_key
        self.control = control
        self._server: Optional[LiveHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    @property
    def scheme(self) -> str:
        return "https" if self.tls_cert_dir or self.tls_cert else "http"

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def ca_file(self) -> Optional[str]:
        return os.path.join(self.tls_cert_dir, "ca.pem") if self.tls_cert_dir else None

    def start(self) -> tuple:
        context = None
        if self.tls_cert_dir or self.tls_cert:
            context = tls_server_context(self.tls_cert_dir, self.tls_cert, self.tls_key)
        self._server = LiveHTTPServer((self.host, self.port), self.core, context, control=self.control)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name="live-emulator", daemon=True
        )
        self._thread.start()
        return self.host, self.port

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.close_connections()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        self.core.close()

    def __enter__(self) -> LiveEmulator:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures: the Live API emulator (loaded by tests/conftest.py) run in-process with a clock tests can move."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class TestClock:
    """Wall clock with an adjustable offset; can be frozen."""

    __test__ = False

    def __init__(self):
        self.offset = 0.0
        self.frozen = None

    def __call__(self) -> float:
        if self.frozen is not None:
            return self.frozen
        return time.time() + self.offset

    def freeze(self) -> None:
        self.frozen = self()

    def advance(self, seconds: float) -> None:
        if self.frozen is not None:
            self.frozen += seconds
        else:
            self.offset += seconds

    def restore(self) -> None:
        self.offset = 0.0
        self.frozen = None


@pytest.fixture(name="shared_emulator", scope="module")
def shared_emulator_fixture(live_emulator_module):
    clock = TestClock()
    with live_emulator_module.LiveEmulator(clock=clock) as emulator:
        emulator.test_clock = clock
        yield emulator


@pytest.fixture(name="emulator")
def emulator_fixture(shared_emulator):
    """A running emulator in its start-up state, with a real (unfrozen) clock."""
    shared_emulator.test_clock.restore()
    shared_emulator.core.reset()
    yield shared_emulator
    shared_emulator.test_clock.restore()


class RecordingHandler(BaseHTTPRequestHandler):
    """Records the body in the server; answers the server's next scripted status."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.server.lock:
            self.server.bodies.append(body)
            status = self.server.script.pop(0) if self.server.script else 200
            self.server.answering += 1
            self.server.most_at_once = max(self.server.most_at_once, self.server.answering)
        time.sleep(self.server.hold)
        with self.server.lock:
            self.server.answering -= 1
        self.send_response(status)
        self.send_header("Content-Length", "10")
        self.end_headers()
        self.wfile.write(b'{"code":0}')

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet."""


class Receiver(ThreadingHTTPServer):
    """Records every callback body; answers the statuses of ``script`` in turn, then 200, each ``hold`` seconds
    after it came; ``most_at_once`` is the most requests it was answering at once."""

    daemon_threads = True
    request_queue_size = 128  # a raid connects all at once

    def __init__(self):
        self.bodies = []
        self.script = []
        self.hold, self.answering, self.most_at_once = 0.0, 0, 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), RecordingHandler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/callback"


@pytest.fixture(name="receivers")
def receivers_fixture():
    """Starts callback receivers on demand (receivers()); stops them all at the end."""
    started = []

    def start():
        server = Receiver()
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.shutdown()
        server.server_close()


@pytest.fixture(name="receiver")
def receiver_fixture(receivers):
    """A callback receiver: records every body, answers 200 (or the statuses of its ``script``)."""
    return receivers()

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the Event-Driven Ansible tests (make eda-test, hack/eda-test.sh; .venv-eda/).

The live_callback source is loaded the way ansible-rulebook loads it (runpy, a file on its own): from
the collection installed by hack/eda-test.sh (TENCENT_EDA_COLLECTIONS_PATH) when it is set, else from
this tree. The Live API emulator comes from tests/conftest.py.
"""

import asyncio
import contextlib
import hashlib
import json
import os
import runpy
import socket
import ssl as ssl_module
import subprocess

import pytest
from helpers.processes import descendants, end_process_tree  # noqa: F401  # pylint: disable=unused-import  # for the tests
from throwaway_ca import tls_files  # tests/emulator/, on sys.path through tests/conftest.py

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION_ROOT = os.path.dirname(os.path.dirname(HERE))
SOURCE_PATH = os.path.join("extensions", "eda", "plugins", "event_source", "live_callback.py")
KEY = "LiveCallbackKey0123456789abcdefZ"  # letters and digits, at most 32 characters, as Tencent allows


def installed_collection():
    """The tencent.cloud tree installed by hack/eda-test.sh, or None."""
    path = os.environ.get("TENCENT_EDA_COLLECTIONS_PATH")
    return os.path.join(path, "ansible_collections", "tencent", "cloud") if path else None


def pytest_configure(config):
    """Coroutine tests run in pytest-asyncio's loop without a mark (asyncio_mode auto). Set here, not in an
    ini file: an ini file in tests/eda/ would make it the root and put tests/conftest.py out of reach."""
    config.option.asyncio_mode = "auto"


@pytest.fixture(scope="session")
def source():
    """The source plugin's namespace, as ansible-rulebook's runpy.run_path gives it."""
    root = installed_collection() or COLLECTION_ROOT
    return runpy.run_path(os.path.join(root, SOURCE_PATH))


def load_body(name):
    with open(os.path.join(HERE, "data", name), encoding="utf-8") as handle:
        return json.load(handle)


def signed(body, key=KEY, t=None, now=1_700_000_000):
    """body with t (now + 600 by default) and sign = md5(key + t), as Tencent signs it."""
    body = dict(body)
    body["t"] = now + 600 if t is None else t
    body["sign"] = hashlib.md5(f"{key}{body['t']}".encode()).hexdigest()
    return body


NOW = 1_700_000_000  # the fake clock's start


class FakeClock:
    def __init__(self, now=1_700_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return FakeClock(NOW)


@pytest.fixture
def make_client(source, aiohttp_client, clock):
    """make(queue=None, **arguments) -> an aiohttp test client of the source's receiver; its queue is .events, the
    receiver .receiver."""

    async def make(queue=None, **args):
        queue = asyncio.Queue() if queue is None else queue
        settings = source["parse_arguments"](dict({"callback_key": KEY}, **args), {})
        receiver = source["CallbackReceiver"](queue, settings, clock=clock)
        client = await aiohttp_client(receiver.app())
        client.events, client.receiver = queue, receiver
        return client

    return make


def drain(queue):
    events = []
    while not queue.empty():
        events.append(queue.get_nowait())
    return events


async def post(client, body, path="/live/callback"):
    """(status, JSON answer) of a POST of body (bytes or text as they are, anything else as JSON)."""
    answer = await client.post(path, data=body if isinstance(body, (bytes, str)) else json.dumps(body))
    return answer.status, await answer.json()


def free_port(host="127.0.0.1"):
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


async def wait_for(predicate, timeout=30.0, what="the condition"):
    """Polls (never a fixed sleep) until predicate() is true; generous bounds for a loaded machine."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def running(source, **args):
    """main() in a task (on 127.0.0.1 unless args say another host); yields (queue, port) once it listens, cancels
    it at the end."""
    queue = asyncio.Queue()
    loopback = "::1" if ":" in args.get("host", "") else "127.0.0.1"
    port = free_port(loopback)
    task = asyncio.create_task(source["main"](queue, dict({"host": "127.0.0.1", "port": port}, **args)))

    def listening():
        if task.done():
            task.result()  # a start-up error fails the test with its message
        with socket.socket(socket.AF_INET6 if loopback == "::1" else socket.AF_INET) as probe:
            return probe.connect_ex((loopback, port)) == 0

    await wait_for(listening, what="the source to listen")
    try:
        yield queue, port
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


DOMAIN = "5000.livepush.myqcloud.com"
# the emulator's credentials (tests/emulator/README.md)
EMULATOR_CREDENTIALS = {
    "TENCENTCLOUD_SECRET_ID": "AKIDEMULATOR00000000000000000000000",
    "TENCENTCLOUD_SECRET_KEY": "emulator-secret-key-0000000000000000",
}


def injections(marker):
    """What a callback may carry to run code on the rulebook host if it were ever rendered as a template:
    each one creates the file ``marker`` (an absolute path) when rendered."""
    touch = f"lookup('pipe', 'touch {marker}')"
    return ("{{ " + touch + " }}", "{% set x = " + touch + " %}", "{# " + touch + " #}")


def collections_path_or_fail():
    path = os.environ.get("TENCENT_EDA_COLLECTIONS_PATH")
    assert path, "run these tests with make eda-test (hack/eda-test.sh installs the built collection)"
    return path


def ansible_environment(tmp_path, collections_path, endpoint, python):
    """The environment of an ansible-playbook or ansible-rulebook run against the emulator, with an
    inventory.yml in tmp_path whose localhost runs modules with ``python``."""
    (tmp_path / "inventory.yml").write_text(
        f"all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      ansible_python_interpreter: {python}\n"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "TENCENTCLOUD_"))}
    environment.update(EMULATOR_CREDENTIALS)
    environment.update(
        ANSIBLE_COLLECTIONS_PATH=collections_path,
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
        ANSIBLE_NOCOLOR="1",
        PATH=os.path.dirname(python) + os.pathsep + os.environ.get("PATH", ""),
        TENCENTCLOUD_LIVE_ENDPOINT=endpoint,
        TENCENTCLOUD_LIVE_CALLBACK_KEY=KEY,
    )
    return environment


@pytest.fixture(scope="session")
def listener(tmp_path_factory):
    """The variables that make a shipped rulebook listen as a hardened deployment would (the rulebook headers list
    them): on 127.0.0.1, over HTTPS with a certificate from a throwaway CA (its key in the same file, readable by its
    owner only), callbacks from 127.0.0.0/8 only; .ca is the CA file the emulator's callbacks trust. The shipped
    defaults of these variables are '', which the source takes as not given."""
    folder = tmp_path_factory.mktemp("listener")
    ca_path, cert_path = tls_files(str(folder))
    os.chmod(cert_path, 0o600)

    class Listener:
        ca = ca_path
        variables = {  # noqa: RUF012 (read only)
            "live_callback_host": "127.0.0.1",
            "live_callback_certfile": cert_path,
            "live_callback_keyfile": cert_path,
            "live_callback_allowed_networks": "127.0.0.0/8",
        }

        @staticmethod
        def url(port, path="/tencent/live"):
            return f"https://127.0.0.1:{port}{path}"

    return Listener


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (key protected by a password) made with openssl."""
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-passout", "pass:tls-Pass-word",
            "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return folder


def tls_arguments(certificate):
    """The source's HTTPS arguments for the certificate fixture's files."""
    return {
        "certfile": str(certificate / "cert.pem"),
        "keyfile": str(certificate / "key.pem"),
        "password": "tls-Pass-word",
    }


@pytest.fixture(params=["http", "https"])
def scheme(request):
    return request.param


@pytest.fixture
def served(scheme, certificate):
    """What a test of either scheme needs: .arguments for the source, .connect(port) for a client connection
    (over TLS trusting the certificate for https), .url(port) and .ssl for aiohttp."""

    class Served:
        arguments = tls_arguments(certificate) if scheme == "https" else {}
        ssl = ssl_module.create_default_context(cafile=str(certificate / "cert.pem")) if scheme == "https" else None

        @staticmethod
        def url(port):
            return f"{scheme}://127.0.0.1:{port}/"

        @classmethod
        async def connect(cls, port):
            return await asyncio.open_connection("127.0.0.1", port, ssl=cls.ssl)

    Served.scheme = scheme
    return Served


async def until_closed(reader, limit):
    """(the bytes the server sent, seconds until it closed the connection), within limit seconds. Over TLS a close
    without TLS's own goodbye reads as an error: it ends the reading all the same."""
    loop = asyncio.get_running_loop()
    started, received = loop.time(), b""
    try:
        while chunk := await asyncio.wait_for(reader.read(65536), max(0.0, started + limit - loop.time())):
            received += chunk
    except OSError:  # a reset, or over TLS a close without TLS's goodbye
        pass
    return received, loop.time() - started

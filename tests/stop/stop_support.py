# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the stop tests use: the emulator as a process of its own, the ansible-core venvs, a play of the
module over many streams, and what /proc says of the processes a run left behind (conftest.py makes
fixtures of the first two).

Run by `make stop-test` from the staged copy: STOP_TEST_VENV and STOP_TEST_VENV_OLDEST name the venvs
of the newest and the oldest ansible-core (make builds them). The module runs with the venv's own
Python, with the collection from the staged copy (ANSIBLE_COLLECTIONS_PATH).
"""

import json
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.request

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS_PATH = os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION_ROOT)))
EMULATOR = os.path.join(COLLECTION_ROOT, "tests", "emulator", "live_emulator.py")
sys.path.insert(0, os.path.dirname(EMULATOR))
from throwaway_ca import tls_files  # noqa: E402

CALLBACKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "callback_plugins")
DOMAIN = "5000.livepush.myqcloud.com"
SECRET_ID = "AKIDEMULATOR00000000000000000000000"
SECRET_KEY = "emulator-secret-key-0000000000000000"
VENV_VARIABLES = {"newest": "STOP_TEST_VENV", "oldest": "STOP_TEST_VENV_OLDEST"}
WRITES = ("ResumeLiveStream", "ForbidLiveStream", "DropLiveStream")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def read_text(path):
    """The stripped text of a file, or "" when it does not exist (yet)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    except FileNotFoundError:
        return ""


def started_at(start_ticks):
    """The Unix time a process started, from its start time in /proc (clock ticks since boot).

    Measured back from now with /proc/uptime (10 ms steps), not from btime, which is whole seconds.
    """
    with open("/proc/uptime", encoding="ascii") as handle:
        uptime = float(handle.read().split()[0])
    return time.time() - (uptime - start_ticks / CLOCK_TICKS)


class Emulator:
    """The Live API emulator, started as its own process (so that it keeps its pace whatever the test does).

    scheme "https": it serves HTTPS with a certificate from a throwaway CA (trustme); ``ca_path`` is that
    CA's file, which the plays give the module (its ca_path option) and the control requests trust.
    """

    def __init__(self, workdir, scheme="http"):
        self.port_file = os.path.join(workdir, "port")
        self.call_log = os.path.join(workdir, "calls.jsonl")
        command = [sys.executable, EMULATOR, "--port", "0", "--port-file", self.port_file, "--call-log", self.call_log]
        self.ca_path = self._context = None
        if scheme == "https":
            self.ca_path, cert_path = tls_files(workdir)
            command += ["--tls-cert", cert_path]
            self._context = ssl.create_default_context(cafile=self.ca_path)
        with open(os.path.join(workdir, "emulator.log"), "w", encoding="utf-8") as log:
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + 30
        while not read_text(self.port_file):
            assert self.process.poll() is None, "the emulator exited at start; see emulator.log"
            assert time.monotonic() < deadline, "the emulator did not start within 30 s"
            time.sleep(0.05)
        self.url = f"{scheme}://127.0.0.1:" + read_text(self.port_file)
        self._read = 0

    def request(self, method, route, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(f"{self.url}/_emulator/{route}", data=data, method=method)
        with urllib.request.urlopen(request, timeout=60, context=self._context) as answer:
            return json.loads(answer.read() or b"{}")

    def seed(self, names, state, app="live"):
        streams = [{"domain_name": DOMAIN, "app_name": app, "stream_name": name, "state": state} for name in names]
        self.request("POST", "streams", {"streams": streams})

    def states(self):
        return {row["stream_name"]: row["state"] for row in self.request("GET", "streams")["streams"]}

    def calls(self):
        """Every call logged so far (the --call-log file, with each call's arrival time)."""
        with open(self.call_log, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]

    def new_calls(self):
        """The calls logged since the last new_calls()."""
        calls = self.calls()
        fresh, self._read = calls[self._read :], len(calls)
        return fresh

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Venv:
    """One ansible-core venv: its ansible-playbook and its Python (which runs the module)."""

    def __init__(self, which):
        variable = VENV_VARIABLES[which]
        root = os.environ.get(variable) or (
            os.path.dirname(os.path.dirname(sys.executable)) if which == "newest" else ""
        )
        assert root, f"{variable} is not set: run the stop tests with `make stop-test` (it builds and names the venvs)"
        self.root = root
        self.bin = os.path.join(root, "bin")
        self.python = os.path.join(self.bin, "python")
        self.ansible_playbook = os.path.join(self.bin, "ansible-playbook")
        assert os.path.exists(self.ansible_playbook), f"no ansible-playbook in {self.bin} ({variable})"
        self.core = subprocess.run(
            [self.python, "-c", "import ansible.release as r; print(r.__version__)"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()


PLAY = """\
- name: The module on many streams, as a job would run it
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Work on the streams
      {module}:
        endpoint: "{{{{ endpoint }}}}"
        secret_id: {secret_id}
        secret_key: {secret_key}
{streams}{options}
{keyword}"""
STREAM_OPTIONS = """\
        domain_name: {domain}
        stream_names: "{{{{ stream_names }}}}"
"""


# every Play of the running test: conftest.py ends their processes after each test, passed or failed
PLAYS = []


class Play:
    """A playbook of one task of ``module`` over ``names`` (None: a module of no streams, such as a configuration
    module, given only ``options``), with its own temp dirs (their path marks its processes)."""

    def __init__(
        self, workdir, emulator, venv, names, module="tencent.cloud.tencent_live_stream", keyword="", **options
    ):
        self.workdir = str(workdir)
        os.makedirs(self.workdir, exist_ok=True)
        PLAYS.append(self)
        if emulator.ca_path:
            options.setdefault("ca_path", emulator.ca_path)
        self.marker = os.path.join(self.workdir, "ansible-tmp")
        self.venv = venv
        self.task_clock = os.path.join(self.workdir, "task-start")
        self.playbook = os.path.join(self.workdir, "play.yml")
        lines = "".join(f"        {key}: {json.dumps(value)}\n" for key, value in options.items())
        with open(self.playbook, "w", encoding="utf-8") as handle:
            handle.write(
                PLAY.format(
                    module=module,
                    secret_id=SECRET_ID,
                    secret_key=SECRET_KEY,
                    streams="" if names is None else STREAM_OPTIONS.format(domain=DOMAIN),
                    options=lines.rstrip("\n"),
                    keyword=f"      {keyword}\n" if keyword else "",
                )
            )
        self.extravars = {"endpoint": emulator.url, "stream_names": list(names or [])}
        with open(os.path.join(self.workdir, "vars.json"), "w", encoding="utf-8") as handle:
            json.dump(self.extravars, handle)

    def environment(self):
        """What ansible-playbook runs with: this collection, temp dirs under the work dir, the task clock callback."""
        clean = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("TENCENTCLOUD_", "TCCLI_", "ANSIBLE_")) and name != "PYTHONPATH"
        }
        clean.update(
            PATH=self.venv.bin + os.pathsep + os.environ.get("PATH", ""),
            ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH,
            ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
            ANSIBLE_LOCAL_TEMP=os.path.join(self.marker, "local"),
            ANSIBLE_REMOTE_TEMP=os.path.join(self.marker, "remote"),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_PYTHON_INTERPRETER=self.venv.python,
            ANSIBLE_CALLBACK_PLUGINS=CALLBACKS,
            ANSIBLE_CALLBACKS_ENABLED="task_clock",
            TASK_CLOCK_FILE=self.task_clock,
        )
        return clean

    def command(self):
        return [
            self.venv.ansible_playbook,
            "-i",
            "localhost,",
            "-c",
            "local",
            self.playbook,
            "-e",
            "@" + os.path.join(self.workdir, "vars.json"),
        ]

    def start(self, nohup=False):
        """Start ansible-playbook (in a session of its own, as a service or CI job would); returns the Popen.

        nohup: under nohup(1), which starts it with SIGHUP ignored."""
        with open(os.path.join(self.workdir, "play.log"), "ab") as log:
            return subprocess.Popen(  # pylint: disable=consider-using-with
                ["nohup", *self.command()] if nohup else self.command(),
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def run(self, timeout=300):
        """Run the play to its end; returns (rc, output)."""
        result = subprocess.run(
            [*self.command(), "-v"],
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return result.returncode, result.stdout + result.stderr

    def task_started(self):
        """When the controller started the task (the task clock callback's note), as Unix time."""
        with open(self.task_clock, encoding="ascii") as handle:
            return float(handle.read().split()[-1])

    def processes(self):
        """The live (not zombie) processes of this play: every process whose command line holds its work dir."""
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    argv = handle.read().decode("utf-8", "replace").split("\0")
                with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as handle:
                    stat = handle.read()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2 :].split()
            if self.workdir in " ".join(argv) and fields[0] not in ("Z", "X"):
                started = started_at(int(fields[19]))
                found.append({"pid": int(entry), "argv": [arg for arg in argv if arg], "started": started})
        return found

    def module_process(self):
        """The module's own process (python running AnsiballZ), or None."""
        for process in self.processes():
            if "AnsiballZ_" in " ".join(process["argv"]) and not os.path.basename(process["argv"][0]).endswith("sh"):
                return process
        return None

    def end_every_process(self):
        """SIGKILL every process of this play still there (a test that failed half-way leaves none behind)."""
        for _round in range(3):
            left = self.processes()
            if not left:
                return
            for process in left:
                try:
                    os.kill(process["pid"], signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.2)

    def wait_until_gone(self, seconds):
        """Wait until no process of this play is left (at most ``seconds``); returns the ones still there."""
        deadline = time.monotonic() + seconds
        while True:
            left = self.processes()
            if not left or time.monotonic() >= deadline:
                return left
            time.sleep(0.1)


def wait_for(predicate, seconds, what):
    """Poll predicate() every 50 ms until it returns something true; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: one batch task against a loop of single-stream tasks and a hand-written SDK script.

Starts the Live emulator (tests/emulator/live_emulator.py) with its quotas on and a per-request
latency, seeds N forbidden streams and resumes them three ways, re-seeding between scenarios:

(a) one ``tencent.cloud.tencent_live_stream`` task with ``stream_names`` (ansible-playbook timed
    as a whole, start-up included);
(b) a ``loop:`` over single-stream tasks, timed on a sample and extrapolated to N;
(c) a sequential script with the official Python SDK (DescribeLiveStreamState, then
    ResumeLiveStream when the stream is forbidden), what a user writes by hand.

(a) runs against the emulator's strict sliding one-second quota window (no burst at all). Then:

(d) pacing: the batch task again at each latency of ``--latencies`` (20, 100, 300, 500 ms) under
    the strict window, and once at 20 ms under the token bucket (burst = rate); for each, the API
    phase (the emulator's first request to its last answer) and the end-to-end time (start-up and
    result handling included) as ratios to the limit, and the fixed cost between them;
(e) contention: two batch tasks at once on one account (two SecretIds), each with N streams,
    while a neighbour that does not adapt uses 20 % of the ResumeLiveStream quota, strict window.

Then it runs the module process directly at ``--memory-streams`` streams and reads its peak RSS.
It prints the tables and says, for each of the module's targets, whether it was met. It exits
non-zero only when something broke (a task failed, the emulator did not start), never for a
missed target.

Usage: python tests/benchmark/bench_batch.py [--streams 1000] [--latency-ms 20] [--markdown] ...
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import math
import os
import platform
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from results_page import bench_command, write_page
from tls_runs import tls_section, trust_bundle

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EMULATOR_SCRIPT = os.path.join(REPO_ROOT, "tests", "emulator", "live_emulator.py")
STAGE_SCRIPT = os.path.join(REPO_ROOT, "hack", "stage.py")
sys.path.insert(0, os.path.dirname(EMULATOR_SCRIPT))
from throwaway_ca import tls_files  # noqa: E402

QUOTAS_FILE = os.path.join(REPO_ROOT, "plugins", "module_utils", "_quotas.py")
COLLECTION_SUBDIR = os.path.join("ansible_collections", "tencent", "cloud")
# hack/stage.py's copy (what make stage syncs): REPO_ROOT/.build/ansible_collections/tencent/cloud
STAGED_COLLECTIONS = os.path.join(REPO_ROOT, ".build")
MODULE_SUBPATH = os.path.join("plugins", "modules", "tencent_live_stream.py")

SECRET_ID = "AKIDEMULATOR00000000000000000000000"
SECRET_KEY = "emulator-secret-key-0000000000000000"
DOMAIN = "5000.livepush.myqcloud.com"
APP = "live"
DESCRIBE = "DescribeLiveStreamState"
RESUME = "ResumeLiveStream"


def load_quotas():
    """Tencent's per-account quotas (requests per second): the collection's one table, stdlib-only."""
    spec = importlib.util.spec_from_file_location("tencent_cloud_quotas", QUOTAS_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.DEFAULT_QUOTAS)


QUOTA = load_quotas()

# Under a strict window the batch's wall time is the API phase plus Ansible's fixed cost, each
# with its own target (the pacing targets): wall <= TARGET_API_RATIO x limit + TARGET_FIXED_COST.
# (The former 1.15 x limit for the whole wall time was only reachable because the emulator's token
# bucket let a double burst through.)
# The client bursts a quota per BURST_WINDOW until throttled (plugins/module_utils/_ratelimit.py).
BURST_WINDOW = 1.05
TARGET_API_RATIO = 1.1
TARGET_FIXED_COST = 3.0
TARGET_THROTTLED_SHARE = 0.01
TARGET_CONTENTION_RATIO = 1.3
# the neighbour of the contention scenario: this share of the ResumeLiveStream quota, never adapting
NEIGHBOUR_SHARE = 0.2
# two more keys of the emulator's default account (quotas are per account) and the neighbour's
ACCOUNT = "100000000001"
TASK_KEYS = [
    ("AKIDBENCHTASKA00000000000000000000000", "bench-task-a-secret-key-000000000000"),
    ("AKIDBENCHTASKB00000000000000000000000", "bench-task-b-secret-key-000000000000"),
]
NEIGHBOUR_KEY = ("AKIDBENCHNEIGHBOUR000000000000000000", "bench-neighbour-secret-key-00000000000")
TARGET_LOOP_SPEEDUP = 20.0
TARGET_SDK_SPEEDUP = 3.0
TARGET_MEMORY_MB = 100.0
# rate_limits given to the module for the memory run only, when the emulator's quotas are off
UNLIMITED_RATE = 100000

# Runs in a fresh interpreter so RUSAGE_CHILDREN holds nothing but the module process.
MEMORY_WRAPPER = """
import json, resource, subprocess, sys, time
python, module, args, out = sys.argv[1:5]
with open(out, "wb") as handle:
    started = time.monotonic()
    rc = subprocess.run([python, module, args], stdout=handle, stderr=subprocess.PIPE, check=False).returncode
    wall = time.monotonic() - started
print(json.dumps({"rc": rc, "wall": wall, "maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

# A stdout callback that writes the task results and stats to $BENCH_RESULT_FILE as one JSON
# document (ansible-core 2.21 no longer ships a json callback).
CALLBACK_PLUGIN = '''
from __future__ import annotations
import json
import os
from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: bench_json
type: stdout
short_description: task results and stats as one JSON file, for tests/benchmark/bench_batch.py
description: [Writes the task results and the play stats to the file named by BENCH_RESULT_FILE.]
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "bench_json"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.results = []

    def _record(self, result, status):
        data = result.result if hasattr(result, "result") else result._result
        host = result.host if hasattr(result, "host") else result._host
        self.results.append({"host": host.get_name(), "status": status, "result": data})

    def v2_runner_on_ok(self, result, *args, **kwargs):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, *args, **kwargs):
        self._record(result, "failed")

    def v2_runner_on_unreachable(self, result, *args, **kwargs):
        self._record(result, "unreachable")

    def v2_runner_on_skipped(self, result, *args, **kwargs):
        self._record(result, "skipped")

    def v2_playbook_on_stats(self, stats):
        summary = dict((host, stats.summarize(host)) for host in sorted(stats.processed))
        with open(os.environ["BENCH_RESULT_FILE"], "w") as handle:
            json.dump({"results": self.results, "stats": summary}, handle, default=str)
'''

VERSIONS_PROBE = """
import json, sys
info = {"python": sys.version.split()[0]}
try:
    from ansible.release import __version__ as core
    info["ansible_core"] = core
except ImportError:
    info["ansible_core"] = None
try:
    from importlib.metadata import version
    info["sdk"] = version("tencentcloud-sdk-python-live")
except Exception:
    info["sdk"] = None
print(json.dumps(info))
"""


class BenchError(Exception):
    """Something broke: the benchmark cannot give a valid result."""


def log(message):
    sys.stderr.write(f"[bench] {message}\n")
    sys.stderr.flush()


def stream_names(count):
    return [f"bench-{index:06d}" for index in range(count)]


def limit_seconds(describes, resumes):
    """The fastest the quotas allow: max(N/300, F/100) seconds."""
    return max(describes / float(QUOTA[DESCRIBE]), resumes / float(QUOTA[RESUME]))


def child_env(extra=None):
    env = dict(os.environ)
    # the emulator is on loopback: never send its traffic to a proxy
    for name in ("NO_PROXY", "no_proxy"):
        env[name] = ",".join(filter(None, [env.get(name), "127.0.0.1", "localhost"]))
    env.update(extra or {})
    return env


# --------------------------------------------------------------------------- the emulator


class Emulator:
    """The emulator as a subprocess on a free port, driven through its /_emulator/ control API."""

    def __init__(self, python, latency_ms, workdir, scheme="http"):
        """scheme "https": it serves HTTPS with a certificate from a throwaway CA (ca_path, which the modules trust)."""
        self.python = python
        self.latency_ms = latency_ms
        self.workdir = workdir
        self.scheme = scheme
        self.process = None
        self.port = None
        self._log = None
        self.ca_path = self._cert = None
        self.bundle_size = 0
        handlers = [urllib.request.ProxyHandler({})]
        if scheme == "https":
            tls_dir = os.path.join(workdir, "tls")
            os.makedirs(tls_dir, exist_ok=True)
            ca_path, self._cert = tls_files(tls_dir)
            handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=ca_path)))
            self.ca_path, self.bundle_size = trust_bundle(ca_path, tls_dir)
        self._opener = urllib.request.build_opener(*handlers)

    @property
    def endpoint(self):
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self, timeout=20.0):
        if not os.path.isfile(EMULATOR_SCRIPT):
            raise BenchError(f"emulator not found: {EMULATOR_SCRIPT}")
        port_file = os.path.join(self.workdir, f"emulator-{self.scheme}.port")
        log_path = os.path.join(self.workdir, f"emulator-{self.scheme}.log")
        self._log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [
                self.python,
                EMULATOR_SCRIPT,
                "--port",
                "0",
                "--port-file",
                port_file,
                "--latency-ms",
                str(self.latency_ms),
                *(["--tls-cert", self._cert] if self._cert else []),
            ],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"the emulator exited with status {self.process.returncode} before listening; its log:\n{read_text(log_path)}"
                )
            text = read_text(port_file).strip() if os.path.exists(port_file) else ""
            if text.isdigit() and 0 < int(text) < 65536:
                self.port = int(text)
                self.control("GET", "health")
                return
            time.sleep(0.05)
        raise BenchError(f"the emulator did not write its port within {timeout:.0f} s; its log:\n{read_text(log_path)}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def control(self, method, route, body=None):
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(
            f"{self.endpoint}/_emulator/{route}", data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with self._opener.open(request, timeout=120) as response:
                return json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise BenchError(f"emulator control {method} /_emulator/{route} failed: {error}") from error

    def seed(self, names, quotas=True, settings=None, credentials=None):
        """Back to the start-up state, then the given settings (strict window unless told otherwise),
        extra credentials, N forbidden streams and an empty call log."""
        self.control("POST", "reset")
        wanted = {"quota_window": "sliding", "latency_ms": self.latency_ms}
        wanted.update(settings or {})
        if not quotas:
            wanted["quotas"] = False
        self.control("POST", "settings", wanted)
        if credentials:
            self.control(
                "POST",
                "credentials",
                {
                    "credentials": [
                        {"secret_id": key, "secret_key": secret, "account": ACCOUNT} for key, secret in credentials
                    ]
                },
            )
        streams = [{"domain_name": DOMAIN, "app_name": APP, "stream_name": name, "state": "forbid"} for name in names]
        seeded = self.control("POST", "streams", {"streams": streams})["seeded"]
        if seeded != len(names):
            raise BenchError(f"the emulator seeded {seeded} streams, expected {len(names)}")
        self.control("DELETE", "calls")

    def call_summary(self, secret_ids=None, latency_ms=None):
        """Calls made since the seed (of these SecretIds only, if given): by action, throttled
        (RequestLimitExceeded) by action, other error codes; the API phase, from the first request the
        emulator saw to its last answer (its log time + the latency it adds before every answer); the
        most calls it admitted in any one-second window, by action."""
        log_ = self.control("GET", "calls")
        calls = [c for c in log_["calls"] if secret_ids is None or c.get("secret_id") in secret_ids]
        summary = {
            "by_action": {},
            "throttled_by_action": {},
            "throttled": 0,
            "throttled_at": [],
            "errors": {},
            "window_max": log_.get("window_max") or {},
            "calls": len(calls),
        }
        stamps = [c.get("ts") or 0.0 for c in calls]
        latency = (self.latency_ms if latency_ms is None else latency_ms) / 1000.0
        summary["api_phase"] = (max(stamps) + latency - min(stamps)) if stamps else 0.0
        first = {}
        for call in calls:
            action, code = call.get("action"), call.get("code")
            first.setdefault(action, call.get("ts") or 0.0)
            summary["by_action"][action] = summary["by_action"].get(action, 0) + 1
            if code is None:
                continue
            if code.startswith("RequestLimitExceeded"):
                summary["throttled"] += 1
                summary["throttled_by_action"][action] = summary["throttled_by_action"].get(action, 0) + 1
                summary["throttled_at"].append("{} +{:.2f} s".format(action, (call.get("ts") or 0.0) - first[action]))
            else:
                summary["errors"][code] = summary["errors"].get(code, 0) + 1
        return summary

    def forbidden_left(self):
        return len(self.control("GET", "streams?state=forbid")["streams"])


def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


# --------------------------------------------------------------------------- collection and playbooks


def resolve_collections_path(given):
    """The directory that holds ansible_collections/tencent/cloud: the staged copy (synced now by
    hack/stage.py, as make stage does) unless one is given."""
    if given is None:
        log(f"staging the collection: {STAGE_SCRIPT}")
        completed = subprocess.run(
            [sys.executable, STAGE_SCRIPT], stdin=subprocess.DEVNULL, capture_output=True, check=False
        )
        if completed.returncode != 0:
            raise BenchError(
                f"{STAGE_SCRIPT} failed (rc {completed.returncode}):\n{tail(completed.stderr.decode('utf-8', 'replace'))}"
            )
        log(completed.stdout.decode("utf-8", "replace").strip())
        given = STAGED_COLLECTIONS
    given = os.path.abspath(given)
    candidates = [given, os.path.dirname(given)]
    suffix = os.sep + COLLECTION_SUBDIR
    if given.rstrip(os.sep).endswith(suffix):
        candidates.insert(0, given.rstrip(os.sep)[: -len(suffix)])
    root = next((c for c in candidates if os.path.isfile(os.path.join(c, COLLECTION_SUBDIR, MODULE_SUBPATH))), None)
    if root is None:
        raise BenchError(f"--collections-path {given} holds no {os.path.join(COLLECTION_SUBDIR, MODULE_SUBPATH)}")
    return root


def module_options(endpoint, extra, ca_path=None):
    options = {
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        "endpoint": endpoint,
        "domain_name": DOMAIN,
        "app_name": APP,
        "state": "resumed",
    }
    if ca_path:
        options["ca_path"] = ca_path
    options.update(extra)
    return options


def write_playbook(workdir, label, python, task_options, names, loop=False):
    """A playbook (JSON is YAML) with one task; the names go in a vars file."""
    vars_path = os.path.join(workdir, f"{label}-vars.json")
    with open(vars_path, "w", encoding="utf-8") as handle:
        json.dump({"bench_names": names}, handle)
    task = {"name": "Resume the streams", "tencent.cloud.tencent_live_stream": task_options}
    if loop:
        task["loop"] = "{{ bench_names }}"
    play = {
        "name": f"bench {label}",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "vars": {"ansible_python_interpreter": python},
        "vars_files": [vars_path],
        "tasks": [task],
    }
    path = os.path.join(workdir, f"{label}.yml")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump([play], handle, indent=1)
    return path


def run_playbook(args, collections_path, workdir, playbook):
    """Run ansible-playbook; returns (wall seconds, the task's result for localhost)."""
    callback_dir = os.path.join(workdir, "callback_plugins")
    if not os.path.isdir(callback_dir):
        os.makedirs(callback_dir, exist_ok=True)
        with open(os.path.join(callback_dir, "bench_json.py"), "w", encoding="utf-8") as handle:
            handle.write(CALLBACK_PLUGIN)
    result_file = os.path.splitext(playbook)[0] + "-result.json"
    env = child_env(
        {
            "ANSIBLE_COLLECTIONS_PATH": collections_path,
            "ANSIBLE_CALLBACK_PLUGINS": callback_dir,
            "ANSIBLE_STDOUT_CALLBACK": "bench_json",
            "BENCH_RESULT_FILE": result_file,
            "ANSIBLE_LOCALHOST_WARNING": "False",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
            "ANSIBLE_RETRY_FILES_ENABLED": "False",
            "ANSIBLE_LOCAL_TEMP": os.path.join(workdir, "ansible-tmp"),
        }
    )
    command = [args.ansible_playbook, "-i", "localhost,", playbook]
    started = time.monotonic()
    completed = subprocess.run(
        command, env=env, cwd=workdir, stdin=subprocess.DEVNULL, capture_output=True, check=False
    )
    wall = time.monotonic() - started
    try:
        with open(result_file, encoding="utf-8") as handle:
            output = json.load(handle)
        entry = output["results"][0]
        stats = output["stats"]["localhost"]
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        entry, stats = None, {}
    if (
        completed.returncode != 0
        or entry is None
        or entry["status"] not in ("ok", "skipped")
        or stats.get("failures")
        or stats.get("unreachable")
    ):
        detail = json.dumps(entry["result"], default=str)[:4000] if entry else ""
        raise BenchError(
            f"ansible-playbook {os.path.basename(playbook)} failed (rc {completed.returncode}): {detail}\n"
            f"{tail(completed.stdout.decode('utf-8', 'replace'))}\n{tail(completed.stderr.decode('utf-8', 'replace'))}"
        )
    return wall, entry["result"]


def tail(text, chars=4000):
    return text if len(text) <= chars else "...\n" + text[-chars:]


# --------------------------------------------------------------------------- scenarios


def scenario_batch(args, emulator, collections_path, workdir, names, latency_ms=None, window="sliding", label="batch"):
    latency_ms = args.latency_ms if latency_ms is None else latency_ms
    emulator.seed(names, settings={"latency_ms": latency_ms, "quota_window": window})
    playbook = write_playbook(
        workdir,
        label,
        args.python,
        module_options(emulator.endpoint, {"stream_names": "{{ bench_names }}"}, emulator.ca_path),
        names,
    )
    log(f"{label}: one task, {len(names)} streams, {latency_ms:g} ms, {window} window")
    wall, result = run_playbook(args, collections_path, workdir, playbook)
    counts = result.get("counts") or {}
    if counts.get("changed") != len(names) or counts.get("failed") or counts.get("skipped"):
        raise BenchError(f"the batch task did not resume every stream: counts {counts}")
    calls = emulator.call_summary(latency_ms=latency_ms)
    left = emulator.forbidden_left()
    if left:
        raise BenchError(f"{left} streams are still forbidden after the batch task")
    return {
        "wall": wall,
        "streams": len(names),
        "forbidden": len(names),
        "calls": calls,
        "failed_streams": 0,
        "latency_ms": latency_ms,
        "window": window,
        "limit": limit_seconds(len(names), len(names)),
    }


class NeighbourThread(threading.Thread):
    """Another tool on the account: ResumeLiveStream at a fixed rate with the official SDK, never adapting."""

    def __init__(self, endpoint, rate):
        super().__init__(daemon=True)
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.live.v20180801 import live_client

        profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=endpoint))
        self.client = live_client.LiveClient(credential.Credential(*NEIGHBOUR_KEY), "", profile)
        self.rate = rate
        self.halt = threading.Event()
        self.sent = self.throttled = 0

    def run(self):
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.live.v20180801 import models

        began = time.monotonic()
        while not self.halt.is_set():
            delay = began + self.sent / self.rate - time.monotonic()
            if delay > 0 and self.halt.wait(delay):
                break
            request = models.ResumeLiveStreamRequest()
            request.DomainName, request.AppName, request.StreamName = DOMAIN, "neighbour", f"other-{self.sent}"
            self.sent += 1
            try:
                self.client.ResumeLiveStream(request)
            except TencentCloudSDKException as error:
                if (error.get_code() or "").startswith("RequestLimitExceeded"):
                    self.throttled += 1


def scenario_contention(args, emulator, collections_path, workdir, count):
    """Two batch tasks at once on one account, each with ``count`` streams, and a neighbour."""
    tasks = [[f"{label}-{index:06d}" for index in range(count)] for label in ("ta", "tb")]
    emulator.seed(tasks[0] + tasks[1], credentials=[*TASK_KEYS, NEIGHBOUR_KEY])
    playbooks = []
    for index, (key, secret) in enumerate(TASK_KEYS):
        options = module_options(
            emulator.endpoint, {"stream_names": "{{ bench_names }}", "secret_id": key, "secret_key": secret}
        )
        playbooks.append(write_playbook(workdir, f"contention-{index}", args.python, options, tasks[index]))
    neighbour_rate = NEIGHBOUR_SHARE * QUOTA[RESUME]
    log(
        f"(e) contention: two tasks of {count} streams on one account, a neighbour at {neighbour_rate:g} ResumeLiveStream/s"
    )
    outcomes = [None, None]

    def task(index):
        try:
            outcomes[index] = run_playbook(args, collections_path, workdir, playbooks[index])
        except BenchError as error:
            outcomes[index] = error

    neighbour = NeighbourThread(f"127.0.0.1:{emulator.port}", neighbour_rate)
    neighbour.start()
    time.sleep(1.0)  # the neighbour is already there when the tasks start
    started = time.monotonic()
    runners = [threading.Thread(target=task, args=(index,)) for index in (0, 1)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    wall = time.monotonic() - started
    neighbour.halt.set()
    neighbour.join(30)
    failed = 0
    for index, outcome in enumerate(outcomes):
        if isinstance(outcome, BenchError) or outcome is None:
            # a failed task is a result here (failed streams), not a broken benchmark
            failed += count
            log(f"    task {index} failed: {str(outcome)[:2000]}")
            continue
        counts = outcome[1].get("counts") or {}
        failed += (counts.get("failed") or 0) + (counts.get("skipped") or 0)
    calls = emulator.call_summary(secret_ids=[key for key, dummy in TASK_KEYS])
    left = len(
        [
            s
            for s in emulator.control("GET", "streams?state=forbid")["streams"]
            if s["stream_name"].startswith(("ta-", "tb-"))
        ]
    )
    available = QUOTA[RESUME] - neighbour_rate
    limit = max(2 * count / float(QUOTA[DESCRIBE]), 2 * count / available)
    return {
        "wall": wall,
        "streams": 2 * count,
        "calls": calls,
        "failed_streams": failed,
        "forbidden_left": left,
        "limit": limit,
        "neighbour_sent": neighbour.sent,
        "neighbour_throttled": neighbour.throttled,
        "neighbour_rate": neighbour_rate,
        "task_walls": [o[0] for o in outcomes if isinstance(o, tuple)],
    }


def scenario_loop(args, emulator, collections_path, workdir, names):
    sample = names[: max(1, min(args.loop_sample, len(names)))]
    options = module_options(emulator.endpoint, {"stream_name": "{{ item }}"})
    # the same playbook over an empty list: ansible-playbook start-up and play set-up only
    emulator.seed(names)
    log("(b) loop: ansible-playbook start-up with an empty loop")
    startup = run_playbook(
        args, collections_path, workdir, write_playbook(workdir, "loop-empty", args.python, options, [], loop=True)
    )[0]
    emulator.seed(names)
    log(f"(b) loop: {len(sample)} single-stream iterations")
    wall, result = run_playbook(
        args, collections_path, workdir, write_playbook(workdir, "loop", args.python, options, sample, loop=True)
    )
    items = result.get("results") or []
    changed = sum(1 for item in items if item.get("changed") and not item.get("failed"))
    if len(items) != len(sample) or changed != len(sample):
        raise BenchError(f"the loop resumed {changed} of {len(sample)} streams")
    calls = emulator.call_summary()
    per_item = max(0.0, wall - startup) / len(sample)
    return {
        "wall": wall,
        "streams": len(sample),
        "forbidden": len(sample),
        "calls": calls,
        "failed_streams": 0,
        "startup": startup,
        "per_item": per_item,
        "extrapolated_wall": startup + per_item * len(names),
    }


def sdk_worker(config_path):
    """Runs in its own interpreter: the sequential script a user writes by hand with the official SDK."""
    with open(config_path, encoding="utf-8") as handle:
        config = json.load(handle)
    began = time.monotonic()
    from tencentcloud.common import credential
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.live.v20180801 import live_client, models

    http_profile = HttpProfile(protocol="http", endpoint=config["endpoint"])
    client = live_client.LiveClient(
        credential.Credential(SECRET_ID, SECRET_KEY), "", ClientProfile(httpProfile=http_profile)
    )
    done, resumed, errors = 0, 0, {}
    loop_started = time.monotonic()
    budget, limit = config["budget"], config["limit"]
    for name in config["names"]:
        if (limit and done >= limit) or (budget and time.monotonic() - loop_started > budget):
            break
        try:
            request = models.DescribeLiveStreamStateRequest()
            request.DomainName, request.AppName, request.StreamName = DOMAIN, APP, name
            if client.DescribeLiveStreamState(request).StreamState == "forbid":
                request = models.ResumeLiveStreamRequest()
                request.DomainName, request.AppName, request.StreamName = DOMAIN, APP, name
                client.ResumeLiveStream(request)
                resumed += 1
        except TencentCloudSDKException as error:
            code = error.get_code() or "unknown"
            errors[code] = errors.get(code, 0) + 1
        done += 1
    loop_seconds = time.monotonic() - loop_started
    print(
        json.dumps(
            {"done": done, "resumed": resumed, "errors": errors, "setup": loop_started - began, "loop": loop_seconds}
        )
    )
    return 0


def scenario_sdk(args, emulator, workdir, names):
    emulator.seed(names)
    limit = args.sdk_sample if args.sdk_sample and args.sdk_sample < len(names) else 0
    config_path = os.path.join(workdir, "sdk.json")
    with open(config_path, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "endpoint": f"127.0.0.1:{emulator.port}",
                "names": names,
                "limit": limit,
                "budget": args.sdk_max_seconds,
            },
            handle,
        )
    log(f"(c) SDK: sequential script over {limit or len(names)} streams")
    started = time.monotonic()
    completed = subprocess.run(
        [args.python, os.path.abspath(__file__), "--sdk-worker", config_path],
        env=child_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )
    wall = time.monotonic() - started
    try:
        report = json.loads(completed.stdout.decode("utf-8").strip().splitlines()[-1])
    except (ValueError, IndexError):
        report = None
    if completed.returncode != 0 or report is None or not report["done"]:
        raise BenchError(
            f"the SDK script broke (rc {completed.returncode}):\n{tail(completed.stderr.decode('utf-8', 'replace'))}"
        )
    calls = emulator.call_summary()
    done = report["done"]
    extrapolated = done < len(names)
    overhead = max(0.0, wall - report["loop"])
    return {
        "wall": wall,
        "streams": done,
        "forbidden": done,
        "calls": calls,
        "failed_streams": sum(report["errors"].values()),
        "errors": report["errors"],
        "extrapolated": extrapolated,
        "budget_hit": extrapolated and not limit,
        "extrapolated_wall": overhead + report["loop"] * len(names) / done if extrapolated else wall,
    }


def scenario_memory(args, emulator, collections_path, workdir):
    count = args.memory_streams
    names = stream_names(count)
    emulator.seed(names, quotas=args.memory_quotas)
    extra = {"stream_names": names}
    if not args.memory_quotas:
        extra["rate_limits"] = {DESCRIBE: UNLIMITED_RATE, RESUME: UNLIMITED_RATE}
    args_path = os.path.join(workdir, "memory-args.json")
    with open(args_path, "w", encoding="utf-8") as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": module_options(emulator.endpoint, extra)}, handle)
    out_path = os.path.join(workdir, "memory-out.json")
    module = os.path.join(collections_path, COLLECTION_SUBDIR, MODULE_SUBPATH)
    log(f"memory: the module process alone, {count} streams (emulator quotas {'on' if args.memory_quotas else 'off'})")
    completed = subprocess.run(
        [args.python, "-c", MEMORY_WRAPPER, args.python, module, args_path, out_path],
        cwd=workdir,
        env=child_env({"PYTHONPATH": collections_path}),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )
    try:
        measured = json.loads(completed.stdout.decode("utf-8").strip().splitlines()[-1])
        with open(out_path, encoding="utf-8") as handle:
            output = json.load(handle)
    except (ValueError, IndexError, OSError):
        measured, output = None, None
    if measured is None or output is None or measured["rc"] != 0 or output.get("failed"):
        raise BenchError(
            "the module run for the memory measurement failed:\n{}\n{}".format(
                tail(read_text(out_path)), tail(completed.stderr.decode("utf-8", "replace"))
            )
        )
    counts = output.get("counts") or {}
    if counts.get("changed") != count:
        raise BenchError(f"the memory run resumed {counts.get('changed')} of {count} streams")
    return {
        "streams": count,
        "peak_mb": measured["maxrss_kib"] / 1024.0,
        "wall": measured["wall"],
        "calls": emulator.call_summary(),
    }


# --------------------------------------------------------------------------- report


def machine_line(python):
    cpu = None
    for line in read_text("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    cpu = cpu or platform.processor() or platform.machine()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        probe = subprocess.run(
            [python, "-c", VERSIONS_PROBE], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False
        )
        versions = json.loads(probe.stdout.decode("utf-8"))
    except (OSError, ValueError):
        versions = {}
    load = f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "n/a"
    return "{}, {} cores ({} usable), load {} at start; {} {}; Python {}, ansible-core {}, tencentcloud-sdk-python-live {}".format(
        cpu,
        os.cpu_count(),
        usable,
        load,
        platform.system(),
        platform.release(),
        versions.get("python", "?"),
        versions.get("ansible_core", "?"),
        versions.get("sdk", "?"),
    )


def fmt_seconds(value):
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def fmt_int(value):
    return f"{round(value):,}"


def calls_cell(calls, action, scale=None):
    total = calls["by_action"].get(action, 0)
    if scale:
        return "~" + fmt_int(total * scale)
    throttled = calls["throttled_by_action"].get(action, 0)
    return fmt_int(total) + (f" ({throttled} throttled)" if throttled else "")


def throttled_cell(count):
    return f"{count} (all retried)" if count else "0"


def build_rows(n, batch, loop, sdk):
    limit_n = limit_seconds(n, n)
    rows = [
        [
            "(a) batch: 1 task, stream_names",
            fmt_int(n),
            fmt_seconds(batch["wall"]),
            calls_cell(batch["calls"], DESCRIBE),
            calls_cell(batch["calls"], RESUME),
            throttled_cell(batch["calls"]["throttled"]),
            "0",
            f"{n / batch['wall']:.0f}",
            f"{batch['wall'] / limit_n:.2f}x",
            "1x",
        ]
    ]
    rows += sample_rows(
        n,
        batch,
        loop,
        loop["streams"] < n,
        ("(b) loop: single-stream tasks, measured", "(b) loop: extrapolated from", "(b) loop: single-stream tasks"),
    )
    rows += sample_rows(
        n,
        batch,
        sdk,
        sdk["extrapolated"],
        (
            "(c) SDK script, sequential: measured",
            "(c) SDK script: extrapolated from",
            f"(c) SDK script, sequential (all {fmt_int(n)})",
        ),
    )
    return rows


def sample_rows(n, batch, run, extrapolated, labels):
    """The rows of (b) or (c): the run over all N, or the sample measured and its extrapolation to N."""
    measured_label, extrapolated_label, whole_label = labels
    limit_n = limit_seconds(n, n)
    calls, done, wall = run["calls"], run["streams"], run["wall"]
    measured = [
        calls_cell(calls, DESCRIBE),
        calls_cell(calls, RESUME),
        str(calls["throttled"]),
        fmt_int(run["failed_streams"]),
    ]
    if not extrapolated:
        return [
            [
                whole_label,
                fmt_int(n),
                fmt_seconds(wall),
                *measured,
                f"{n / wall:.1f}",
                f"{wall / limit_n:.2f}x",
                f"{wall / batch['wall']:.1f}x",
            ]
        ]
    scaled = run["extrapolated_wall"]
    return [
        [
            measured_label,
            fmt_int(done),
            fmt_seconds(wall),
            *measured,
            f"{done / wall:.1f}",
            f"{wall / limit_seconds(done, done):.2f}x",
            "-",
        ],
        [
            f"{extrapolated_label} {done}",
            fmt_int(n),
            fmt_seconds(scaled),
            calls_cell(calls, DESCRIBE, n / float(done)),
            calls_cell(calls, RESUME, n / float(done)),
            "-",
            "-",
            f"{n / scaled:.1f}",
            f"{scaled / limit_n:.2f}x",
            f"{scaled / batch['wall']:.1f}x",
        ],
    ]


HEADERS = [
    "scenario",
    "streams",
    "wall s",
    DESCRIBE,
    RESUME,
    "RequestLimitExceeded answers",
    "failed streams",
    "streams/s",
    "wall / limit",
    "batch speed-up",
]


def evaluate_targets(n, batch, loop, sdk, memory):
    """(met, text) for each target; met is None when it was not measured."""
    limit_n = limit_seconds(n, n)
    wall = batch["wall"]
    loop_wall = loop["extrapolated_wall"] if loop["streams"] < n else loop["wall"]
    loop_how = f" (loop extrapolated from {loop['streams']})" if loop["streams"] < n else ""
    sdk_how = f" (SDK extrapolated from {sdk['streams']})" if sdk["extrapolated"] else ""
    calls = batch["calls"]
    describes = calls["by_action"].get(DESCRIBE, 0)
    resumes = calls["by_action"].get(RESUME, 0)
    others = {a: c for a, c in calls["by_action"].items() if a not in (DESCRIBE, RESUME)}
    extra = []
    if calls["throttled"]:
        extra.append(f"{calls['throttled']} of them RequestLimitExceeded answers from the emulator's quota, retried")
    if others:
        extra.append(f"other calls {others}")
    targets = [
        (
            wall <= TARGET_API_RATIO * limit_n + TARGET_FIXED_COST,
            f"batch wall time <= {TARGET_API_RATIO:.1f}x the limit + {TARGET_FIXED_COST:.0f} s fixed cost "
            f"({TARGET_API_RATIO * limit_n + TARGET_FIXED_COST:.1f} s): {wall:.2f} s = {wall / limit_n:.2f}x the limit",
        ),
        (
            batch["failed_streams"] == 0,
            f"no RequestLimitExceeded surfaces as a failure: task succeeded, {calls['throttled']} throttled answers "
            "absorbed by retries",
        ),
        (
            loop_wall / wall >= TARGET_LOOP_SPEEDUP,
            f"batch >= {TARGET_LOOP_SPEEDUP:.0f}x faster than the loop: {loop_wall / wall:.1f}x{loop_how}",
        ),
        (
            sdk["extrapolated_wall"] / wall >= TARGET_SDK_SPEEDUP,
            "batch >= {:.0f}x faster than the sequential SDK script: {:.1f}x{}".format(
                TARGET_SDK_SPEEDUP, sdk["extrapolated_wall"] / wall, sdk_how
            ),
        ),
        (
            describes == n and resumes == n and not others,
            f"exactly N {DESCRIBE} and F {RESUME} calls (no faults injected): {describes} and {resumes} for N = F = {n}"
            + (f" ({'; '.join(extra)})" if extra else ""),
        ),
    ]
    if memory is None:
        targets.append((None, f"module peak memory < {TARGET_MEMORY_MB:.0f} MB: not measured (--memory-streams 0)"))
    else:
        targets.append(
            (
                memory["peak_mb"] < TARGET_MEMORY_MB,
                "module peak memory < {:.0f} MB at {} streams: {:.1f} MB".format(
                    TARGET_MEMORY_MB, fmt_int(memory["streams"]), memory["peak_mb"]
                ),
            )
        )
    return targets


PACING_HEADERS = [
    "scenario",
    "streams",
    "limit s",
    "API phase s",
    "API / limit",
    "end-to-end s",
    "e2e / limit",
    "fixed cost s",
    DESCRIBE,
    RESUME,
    "throttled answers",
    "failed streams",
    f"max in 1 s ({RESUME})",
]


def pacing_row(label, run):
    calls = run["calls"]
    api, wall, limit = calls["api_phase"], run["wall"], run["limit"]
    throttled = calls["throttled"]
    share = f" ({100.0 * throttled / calls['calls']:.1f}%)" if calls["calls"] else ""
    return [
        label,
        fmt_int(run["streams"]),
        fmt_seconds(limit),
        fmt_seconds(api),
        f"{api / limit:.2f}x",
        fmt_seconds(wall),
        f"{wall / limit:.2f}x",
        fmt_seconds(max(0.0, wall - api)),
        calls_cell(calls, DESCRIBE),
        calls_cell(calls, RESUME),
        f"{throttled}{share}",
        fmt_int(run["failed_streams"]),
        str(calls["window_max"].get(RESUME, "-")),
    ]


def pacing_rows(sweep, bucket, contention):
    rows = [pacing_row("strict window, {:g} ms".format(run["latency_ms"]), run) for run in sweep]
    if bucket is not None:
        rows.append(pacing_row("token bucket (burst = quota), {:g} ms".format(bucket["latency_ms"]), bucket))
    if contention is not None:
        rows.append(
            pacing_row("contention: 2 tasks + neighbour, strict, {:g} ms".format(contention["latency_ms"]), contention)
        )
    return rows


def render(headers, rows, markdown):
    if markdown:
        lines = [
            "| " + " | ".join(headers) + " |",
            "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|",
        ]
        lines.extend("| " + " | ".join(row) + " |" for row in rows)
        return "\n".join(lines)
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells):
        return "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(cells)
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(row) for row in rows])


def pacing_targets(sweep, contention):
    targets = []
    for run in sweep:
        calls = run["calls"]
        api, limit = calls["api_phase"], run["limit"]
        windows = math.ceil(run["streams"] / float(QUOTA[RESUME]))
        lower = (windows - 1) * BURST_WINDOW + 2 * run["latency_ms"] / 1000.0
        targets.append(
            (
                api <= TARGET_API_RATIO * limit,
                "{:g} ms: API phase <= {:.1f}x the limit: {:.2f} s = {:.2f}x (the pacing's floor here: "
                "(F / quota - 1) x 1.05 s + 2 x latency = {:.2f}x)".format(
                    run["latency_ms"], TARGET_API_RATIO, api, api / limit, lower / limit
                ),
            )
        )
        fixed = run["wall"] - api
        targets.append(
            (
                fixed < TARGET_FIXED_COST,
                "{:g} ms: fixed cost (end-to-end - API phase) < {:.0f} s: {:.2f} s".format(
                    run["latency_ms"], TARGET_FIXED_COST, fixed
                ),
            )
        )
        share = calls["throttled"] / float(calls["calls"] or 1)
        targets.append(
            (
                share <= TARGET_THROTTLED_SHARE,
                f"{run['latency_ms']:g} ms: <= {100 * TARGET_THROTTLED_SHARE:.0f}% throttled answers: "
                f"{calls['throttled']} of {calls['calls']} calls ({100 * share:.2f}%)",
            )
        )
    if contention is not None:
        calls = contention["calls"]
        targets.append(
            (
                contention["failed_streams"] == 0 and not contention["forbidden_left"],
                f"contention: zero failed streams: {contention['failed_streams']} failed or not attempted, "
                f"{contention['forbidden_left']} still forbidden",
            )
        )
        api, limit = calls["api_phase"], contention["limit"]
        targets.append(
            (
                api <= TARGET_CONTENTION_RATIO * limit,
                f"contention: API phase <= {TARGET_CONTENTION_RATIO:.1f}x the shared limit ({limit:.1f} s): {api:.2f} s = {api / limit:.2f}x",
            )
        )
    return targets


class Section:
    """One part of the report: a title, a table, notes under it, and the targets it is judged by."""

    def __init__(self, heading, title, headers, rows, notes, targets_title, targets):
        self.heading = heading  # a short title (the results page's section heading)
        self.title = title
        self.headers = headers
        self.rows = rows
        self.notes = notes
        self.targets_title = targets_title
        self.targets = targets  # [(met: True, False or None when not measured, text)]


def target_status(met):
    return "not measured" if met is None else ("met" if met else "NOT MET")


def print_section(section, markdown, trailer=None):
    """Print a section as text or Markdown; warn on stderr about every target not met."""
    out = [f"{'###' if markdown else '=='} {section.title}", "", render(section.headers, section.rows, markdown), ""]
    bullet = "- " if markdown else "  "
    out.extend(bullet + note for note in section.notes)
    out += ["", f"{'#### ' if markdown else ''}{section.targets_title}:", ""]
    for met, text in section.targets:
        out.append(f"- **{target_status(met)}**: {text}" if markdown else f"  [{target_status(met)}] {text}")
    if trailer:
        out += ["", trailer]
    print("\n".join(out))
    sys.stdout.flush()
    warn_missed([text for met, text in section.targets if met is False])


def warn_missed(missed):
    if missed:
        sys.stderr.write("\n" + "!" * 78 + "\n")
        for text in missed:
            sys.stderr.write(f"!!! TARGET NOT MET: {text}\n")
        sys.stderr.write("!" * 78 + "\n")


def pacing_section(args, sweep, bucket, contention):
    notes = [
        "API phase = the emulator's first request to its last answer (call-log time of the last call + the latency it adds); "
        "end-to-end = the ansible-playbook run(s); fixed cost = end-to-end - API phase (Ansible start-up, result handling).",
        "strict window: the emulator admits a call only if fewer than the quota were admitted in the last 1.0 s (first second "
        f"included); token bucket: bursts up to the quota. max in 1 s = the most {RESUME} calls the emulator admitted "
        f"in any 1.0 s window (quota {QUOTA[RESUME]}).",
    ]
    if contention is not None:
        notes.append(
            f"contention: two tasks of {fmt_int(contention['streams'] // 2)} streams at once, SecretIds of one "
            f"account; a neighbour (official SDK, never adapting) sends {contention['neighbour_rate']:g} {RESUME}/s on "
            f"the same account ({contention['neighbour_sent']} calls, {contention['neighbour_throttled']} throttled); "
            f"shared limit = max(2N/{QUOTA[DESCRIBE]}, 2F/({QUOTA[RESUME]} - {contention['neighbour_rate']:g})) = "
            f"{contention['limit']:.1f} s; call counts and API phase are the two tasks' (each ended after "
            f"{' and '.join(f'{w:.1f}' for w in contention['task_walls'])} s)."
        )
    return Section(
        "Pacing",
        f"Pacing: API phase and end-to-end time against the limit, {fmt_int(args.streams)} streams per task",
        PACING_HEADERS,
        pacing_rows(sweep, bucket, contention),
        notes,
        "Pacing targets (N = F = 1,000)",
        pacing_targets(sweep, contention),
    )


def batch_section(args, n, batch, loop, sdk, memory, machine):
    notes = [
        f"limit = max(N/{QUOTA[DESCRIBE]}, F/{QUOTA[RESUME]}) s = {limit_seconds(n, n):.1f} s for N = F = {fmt_int(n)}: "
        "the fastest the quotas allow; wall / limit is the ratio to it.",
        "wall s includes ansible-playbook start-up for (a) and (b) ({:.2f} s for an empty loop on this machine) and interpreter start-up "
        "and SDK import for (c).".format(loop["startup"]),
    ]
    if batch["calls"]["throttled"]:
        notes.append(
            "(a) throttled answers came at (seconds after the first call of that action): {}{}.".format(
                ", ".join(batch["calls"]["throttled_at"][:5]), ", ..." if batch["calls"]["throttled"] > 5 else ""
            )
        )
    if batch["calls"]["errors"]:
        notes.append("(a) other error answers (retried): {}.".format(batch["calls"]["errors"]))
    if loop["streams"] < n:
        notes.append(
            f"(b) timed on {loop['streams']} streams and extrapolated: start-up + {loop['per_item']:.3f} s per "
            f"iteration x {fmt_int(n)}."
        )
    if sdk["extrapolated"]:
        why = (
            f"stopped after --sdk-max-seconds {args.sdk_max_seconds:g}"
            if sdk["budget_hit"]
            else f"--sdk-sample {sdk['streams']}"
        )
        notes.append(f"(c) timed on {sdk['streams']} streams ({why}) and extrapolated to {fmt_int(n)}.")
    else:
        notes.append(f"(c) ran over all {fmt_int(n)} streams (not extrapolated); official SDK defaults, no retryer.")
    if sdk["failed_streams"]:
        notes.append(
            f"(c) the SDK script FAILED on {sdk['failed_streams']} streams: "
            f"{', '.join(f'{code} x{count}' for code, count in sorted(sdk['errors'].items()))}."
        )
    if memory is not None:
        how = (
            "emulator quotas ON and the module's default rate limits"
            if args.memory_quotas
            else f"emulator quotas OFF and the module's rate_limits raised to {UNLIMITED_RATE}/s for this run only, "
            "to keep it short"
        )
        notes.append(
            "Module peak memory: {:.1f} MB peak RSS (ru_maxrss) of the module process run directly (python {} args.json), {} streams, {}; "
            "it took {:.1f} s, {} {} + {} {} calls.".format(
                memory["peak_mb"],
                MODULE_SUBPATH,
                fmt_int(memory["streams"]),
                how,
                memory["wall"],
                fmt_int(memory["calls"]["by_action"].get(DESCRIBE, 0)),
                DESCRIBE,
                fmt_int(memory["calls"]["by_action"].get(RESUME, 0)),
                RESUME,
            )
        )
    notes.append(f"Machine: {machine}.")
    return Section(
        "Batch task, loop and SDK script",
        f"tencent.cloud.tencent_live_stream benchmark: {fmt_int(n)} forbidden streams resumed, emulator latency "
        f"{args.latency_ms:g} ms per request, quotas on ({DESCRIBE} {QUOTA[DESCRIBE]}/s, {RESUME} {QUOTA[RESUME]}/s), "
        "strict one-second window",
        HEADERS,
        build_rows(n, batch, loop, sdk),
        notes,
        "Targets (set for N = F = 1,000 at 20 ms latency, memory at 10,000 streams)",
        evaluate_targets(n, batch, loop, sdk, memory),
    )


# --------------------------------------------------------------------------- main


def default_tool(name):
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    return candidate if os.path.exists(candidate) else (shutil.which(name) or name)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Batch vs loop vs SDK benchmark of tencent.cloud.tencent_live_stream against the Live emulator."
    )
    parser.add_argument("--streams", type=int, default=1000, help="N forbidden streams to resume (default 1000)")
    parser.add_argument(
        "--latency-ms", type=float, default=20.0, help="emulator latency added to every API answer (default 20)"
    )
    parser.add_argument(
        "--latencies",
        default="20,100,300,500",
        help="(d) the latency sweep, comma-separated milliseconds, strict window (default 20,100,300,500)",
    )
    parser.add_argument("--no-bucket", action="store_true", help="(d) skip the token-bucket run")
    parser.add_argument(
        "--contention-streams",
        type=int,
        default=None,
        help="(e) streams per task in the contention scenario; 0 skips it (default: --streams)",
    )
    parser.add_argument(
        "--loop-sample", type=int, default=50, help="streams timed in the loop scenario, extrapolated to N (default 50)"
    )
    parser.add_argument(
        "--sdk-sample", type=int, default=0, help="streams timed in the SDK scenario; 0 = all N (default)"
    )
    parser.add_argument(
        "--sdk-max-seconds",
        type=float,
        default=300.0,
        help="stop the SDK script after this long and extrapolate; 0 = never (default 300)",
    )
    parser.add_argument(
        "--memory-streams", type=int, default=10000, help="streams in the module memory run; 0 skips it (default 10000)"
    )
    parser.add_argument(
        "--memory-quotas",
        action="store_true",
        help="keep emulator quotas and the module's rate limits in the memory run (slow: N/100 s)",
    )
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter for the emulator, modules and SDK (default: this one)"
    )
    parser.add_argument(
        "--ansible-playbook", default=default_tool("ansible-playbook"), help="default: next to this interpreter"
    )
    parser.add_argument(
        "--collections-path",
        help="directory holding ansible_collections/tencent/cloud (or that collection directory); "
        "default: the staged copy in .build/, synced first with hack/stage.py (make stage)",
    )
    parser.add_argument(
        "--no-tls",
        dest="tls",
        action="store_false",
        help="(f) skip the runs over HTTPS (by default the batch and the latency sweep run again over HTTPS, compared "
        "with the HTTP runs)",
    )
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument(
        "--docs-page",
        help="also write the tables, notes and targets as the docs site's results page, for example "
        "docs/docsite/rst/benchmark_results.rst (make bench does)",
    )
    parser.add_argument("--keep-temp", action="store_true", help="keep the temporary directory (playbooks, logs)")
    parser.add_argument("--sdk-worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sdk_worker is None:
        for name in ("streams", "loop_sample"):
            if getattr(args, name) < 1:
                parser.error("--{} must be at least 1".format(name.replace("_", "-")))
        for name in ("sdk_sample", "memory_streams"):
            if getattr(args, name) < 0:
                parser.error("--{} must be 0 or more".format(name.replace("_", "-")))
        if args.latency_ms < 0 or args.sdk_max_seconds < 0:
            parser.error("--latency-ms and --sdk-max-seconds must be 0 or more")
        try:
            args.latencies = [float(item) for item in args.latencies.split(",") if item.strip()]
        except ValueError:
            parser.error("--latencies must be comma-separated numbers of milliseconds, such as 20,100,300,500")
        if any(latency < 0 for latency in args.latencies):
            parser.error("--latencies must be 0 or more")
        if args.contention_streams is None:
            args.contention_streams = args.streams
        if args.contention_streams < 0:
            parser.error("--contention-streams must be 0 or more")
    return args


def check_tools(args):
    for option, path in (("--python", args.python), ("--ansible-playbook", args.ansible_playbook)):
        found = path if os.path.isabs(path) or os.sep in path else shutil.which(path)
        if not found or not os.access(found, os.X_OK):
            raise BenchError(f"{option} {path} is not an executable file")


def run(args):
    started = time.monotonic()
    started_at = datetime.datetime.now(datetime.timezone.utc)
    check_tools(args)
    machine = machine_line(args.python)
    workdir = tempfile.mkdtemp(prefix="tencent-bench-")
    emulator = Emulator(args.python, args.latency_ms, workdir)
    # (f) the HTTPS twin of each batch run: its own emulator serving HTTPS, idle while the HTTP one works
    emulator_tls = Emulator(args.python, args.latency_ms, workdir, scheme="https") if args.tls else None
    over_https = []
    try:
        collections_path = resolve_collections_path(args.collections_path)
        log(f"collections path {collections_path}; emulator latency {args.latency_ms:g} ms, quotas on")
        emulator.start()
        if emulator_tls:
            emulator_tls.start()
        names = stream_names(args.streams)

        def batch_and_twin(label, latency_ms):
            """A batch run over HTTP, then at once its twin over HTTPS: both see the same machine."""
            http_run = scenario_batch(args, emulator, collections_path, workdir, names, latency_ms, label=label)
            log("    {:.2f} s, API phase {:.2f} s".format(http_run["wall"], http_run["calls"]["api_phase"]))
            if emulator_tls:
                tls_label = f"(f) https-{http_run['latency_ms']:g}"
                tls_run = scenario_batch(
                    args, emulator_tls, collections_path, workdir, names, latency_ms, label=tls_label
                )
                log("    {:.2f} s, API phase {:.2f} s".format(tls_run["wall"], tls_run["calls"]["api_phase"]))
                over_https.append((http_run, tls_run))
            return http_run

        batch = batch_and_twin("(a) batch", args.latency_ms)
        sweep = []
        for latency in args.latencies:
            sweep.append(batch if latency == args.latency_ms else batch_and_twin(f"(d) pacing-{latency:g}", latency))
        bucket = None
        if not args.no_bucket:
            bucket = scenario_batch(
                args, emulator, collections_path, workdir, names, window="bucket", label="(d) pacing-bucket"
            )
            log("    {:.2f} s, API phase {:.2f} s".format(bucket["wall"], bucket["calls"]["api_phase"]))
        contention = None
        if args.contention_streams:
            contention = scenario_contention(args, emulator, collections_path, workdir, args.contention_streams)
            contention["latency_ms"] = args.latency_ms
            log(
                f"    {contention['wall']:.2f} s, API phase {contention['calls']['api_phase']:.2f} s, "
                f"{contention['failed_streams']} failed"
            )
        loop = scenario_loop(args, emulator, collections_path, workdir, names)
        log(f"    {loop['wall']:.2f} s for {loop['streams']} (start-up {loop['startup']:.2f} s)")
        sdk = scenario_sdk(args, emulator, workdir, names)
        log(f"    {sdk['wall']:.2f} s for {sdk['streams']}")
        memory = scenario_memory(args, emulator, collections_path, workdir) if args.memory_streams else None
        if memory:
            log("    {:.1f} MB peak RSS, {:.1f} s".format(memory["peak_mb"], memory["wall"]))
    finally:
        emulator.stop()
        if emulator_tls:
            emulator_tls.stop()
        if args.keep_temp:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    total = time.monotonic() - started
    sections = [
        batch_section(args, args.streams, batch, loop, sdk, memory, machine),
        pacing_section(args, sweep, bucket, contention),
    ]
    if over_https:
        sections.append(tls_section(args.streams, over_https, Section, fmt_seconds, emulator_tls.bundle_size))
    print_section(sections[0], args.markdown, trailer=f"Total benchmark run time: {total:.0f} s.")
    for section in sections[1:]:
        print()
        print_section(section, args.markdown)
    if args.docs_page:
        write_page(args.docs_page, sections, machine, bench_command(args), started_at, total)
        log(f"wrote the results page {args.docs_page}")
    return 0


def guarded(run_, args, name="bench", broken=(BenchError, OSError)):
    """run_(args)'s exit status; 1 when something broke (said on stderr), 130 when interrupted."""
    try:
        return run_(args)
    except broken as error:
        sys.stderr.write(f"{name}: BROKEN: {error}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write(f"{name}: interrupted\n")
        return 130


def main(argv=None):
    args = parse_args(argv)
    if args.sdk_worker:
        return sdk_worker(args.sdk_worker)
    return guarded(run, args)


if __name__ == "__main__":
    sys.exit(main())

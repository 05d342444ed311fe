# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: a moderation raid through the shipped rulebook, against the one-run-per-Block rulebook it replaced.

make bench-eda (not in make test). Drives real ansible-rulebook with the shipped rulebook tencent.cloud.moderation_forbid
(the collection built and installed from the staged copy) against the Live emulator at Tencent's quotas (a strict
sliding one-second window: ForbidLiveStream 200/s, DescribeLiveStreamState 300/s) with a latency per API answer. For
each raid size (20, 200 and 1,000 Blocks for pushing streams), the emulator's senders (up to 200 at once, as Tencent's
many servers) deliver at once the Blocks, Blocks for streams off air (a tenth as many) and Pass results (a tenth as
many), re-sending an answer other than 200 every 5 s (Tencent: every minute, 12 times). Then the same raid through
the rulebook and playbook of commit 1aa895c -- one forbid_streams run per Block, actions one after the other
(tests/benchmark/fixtures/one_run_per_block_*.yml) -- given a fixed time (90 s) and stopped: how many it forbade by then.

For each run it prints the time from the raid's first Block to the last stream forbidden, the API's limit for that
many forbids (N / 200 s), the first deliveries' answers by status, the ForbidLiveStream calls (for streams off air
and Pass results too), and the playbook runs; then the targets of issue 32. It exits non-zero only when something
broke, never for a missed target. tests/benchmark/README.md describes it.

Usage: python tests/benchmark/bench_eda.py [--sizes 20,200,1000] [--docs-page FILE] [--markdown] ...
"""

from __future__ import annotations

import argparse
import collections
import datetime
import glob
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from bench_batch import (
    REPO_ROOT,
    STAGE_SCRIPT,
    BenchError,
    Emulator,
    Section,
    guarded,
    log,
    machine_line,
    print_section,
)
from results_page import escape, heading, render_sections, when, write_part

sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "emulator"))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "eda"))
from helpers.processes import end_process_tree
from throwaway_ca import tls_files

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
STAGED = os.path.join(REPO_ROOT, ".build", "ansible_collections", "tencent", "cloud")
DOMAIN = "5000.livepush.myqcloud.com"
KEY = "BenchCallbackKey0123456789abcdef"  # letters and digits, at most 32, as Tencent allows
CREDENTIALS = {
    "TENCENTCLOUD_SECRET_ID": "AKIDEMULATOR00000000000000000000000",
    "TENCENTCLOUD_SECRET_KEY": "emulator-secret-key-0000000000000000",
}
FORBID_QUOTA, READ_QUOTA = 200, 300
TARGETS = {200: 6.0, 1000: 15.0}  # issue 32: seconds from the first Block to the last stream forbidden
PART = "make bench-eda (tests/benchmark/bench_eda.py --docs-page)"
HEADERS = [
    "rulebook",
    "Blocks (+ off air)",
    "first Block to last forbid, s",
    "limit, s",
    "wall / limit",
    "forbidden",
    "first deliveries",
    "ForbidLiveStream calls",
    "playbook runs",
]
BATCHED, ONE_BY_ONE = "shipped (batches)", "one run per Block"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--sizes", default="20,200,1000", help="raid sizes: Blocks for pushing streams")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="the emulator's latency per API answer")
    parser.add_argument("--senders", type=int, default=200, help="Tencent's senders at once, at most")
    parser.add_argument("--retry-interval", type=float, default=5.0, help="seconds between re-sends (Tencent: 60)")
    parser.add_argument("--bound", type=float, default=120.0, help="seconds the shipped rulebook is given")
    parser.add_argument("--old-bound", type=float, default=90.0, help="seconds the one-run-per-Block rulebook is given")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the shipped rulebook per size (the median counts)"
    )
    parser.add_argument("--no-old", action="store_true", help="leave out the one-run-per-Block rulebook")
    parser.add_argument("--docs-page", help="write the table into this results page (its own part of it)")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    parser.add_argument("--keep-temp", action="store_true", help="keep the working directory (logs)")
    args = parser.parse_args(argv)
    args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    return args


def java_home():
    """A Java 17 or newer for ansible-rulebook's rule engine."""
    candidates = [os.environ.get("JAVA_HOME", ""), *sorted(glob.glob("/usr/lib/jvm/java-*-openjdk*"), reverse=True)]
    for home in filter(None, candidates):
        java = os.path.join(home, "bin", "java")
        if os.access(java, os.X_OK):
            text = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
            found = re.search(r'version "(\d+)', text)
            if found and int(found.group(1)) >= 17:
                return home
    raise BenchError("ansible-rulebook needs Java 17 or newer: set JAVA_HOME (make eda-test says how to install it)")


def install_collection(workdir):
    """The collection as users get it: the staged copy (hack/stage.py) built and installed; its collections path."""
    bin_dir = os.path.dirname(sys.executable)
    subprocess.run([sys.executable, STAGE_SCRIPT, REPO_ROOT, STAGED], check=True, capture_output=True)
    dist, path = os.path.join(workdir, "dist"), os.path.join(workdir, "collections")
    galaxy = os.path.join(bin_dir, "ansible-galaxy")
    subprocess.run([galaxy, "collection", "build", "--output-path", dist], cwd=STAGED, check=True, capture_output=True)
    [tarball] = glob.glob(os.path.join(dist, "*.tar.gz"))
    environment = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=path)
    subprocess.run([galaxy, "collection", "install", "--offline", "-p", path, tarball], env=environment, check=True,
                   capture_output=True)  # fmt: skip
    return path


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Rulebook:
    """ansible-rulebook running a rulebook (the shipped one by name, the fixture by path) on a free port, over
    HTTPS on 127.0.0.1 as a hardened deployment listens."""

    def __init__(self, workdir, collections_path, listener, endpoint, kind, java):
        self.port = free_port()
        self.folder = tempfile.mkdtemp(prefix=f"{'batched' if kind == BATCHED else 'one-by-one'}-", dir=workdir)
        with open(os.path.join(self.folder, "inventory.yml"), "w", encoding="utf-8") as handle:
            handle.write(f"all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
                         f"      ansible_python_interpreter: {sys.executable}\n")  # fmt: skip
        variables = dict(listener, live_callback_port=self.port, forbid_for="2h")
        with open(os.path.join(self.folder, "vars.yml"), "w", encoding="utf-8") as handle:
            handle.write("".join(f"{key}: {value}\n" for key, value in variables.items()))
        if kind == BATCHED:
            rulebook = "tencent.cloud.moderation_forbid"
        else:
            for name in ("one_run_per_block_rulebook.yml", "one_run_per_block_playbook.yml"):
                shutil.copy(os.path.join(FIXTURES, name), self.folder)
            rulebook = "one_run_per_block_rulebook.yml"
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "TENCENTCLOUD_"))}
        environment.update(CREDENTIALS, TENCENTCLOUD_LIVE_ENDPOINT=endpoint, TENCENTCLOUD_LIVE_CALLBACK_KEY=KEY)
        environment.update(ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_NOCOLOR="1", JAVA_HOME=java)
        environment.update(ANSIBLE_LOCAL_TEMP=os.path.join(self.folder, "tmp"))
        environment["PATH"] = os.path.dirname(sys.executable) + os.pathsep + environment.get("PATH", "")
        self.log_path = os.path.join(self.folder, "rulebook.log")
        self.log = open(self.log_path, "w", encoding="utf-8")
        command = [os.path.join(os.path.dirname(sys.executable), "ansible-rulebook"), "-r", rulebook]
        command += ["-i", "inventory.yml", "--vars", "vars.yml", "-v"]
        self.process = subprocess.Popen(command, cwd=self.folder, env=environment, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + 180
        while not self.listening():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"ansible-rulebook did not start listening:\n{self.output()[-4000:]}")
            time.sleep(0.1)

    def listening(self):
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def output(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def stop(self):
        """ansible-rulebook and every playbook it started (each ansible-playbook in a session of its own)."""
        end_process_tree(self.process, grace=30)
        self.log.close()


def raid(emulator, size, args, url, ca):
    """Seeds the streams, points the emulator's senders at url, and hands them the raid: (the pushing streams, the
    streams off air, the Pass results' streams, the moment the raid was handed on)."""
    pushing = [f"raid-{n:05d}" for n in range(size)]
    off_air = [f"off-air-{n:04d}" for n in range(max(2, size // 10))]
    passing = [f"pass-{n:04d}" for n in range(max(2, size // 10))]
    emulator.control("POST", "reset")
    emulator.control("POST", "settings", {"quota_window": "sliding", "latency_ms": args.latency_ms})
    streams = [{"domain_name": DOMAIN, "stream_name": name} for name in pushing + passing]
    streams += [{"domain_name": DOMAIN, "stream_name": name, "state": "inactive"} for name in off_air]
    emulator.control("POST", "streams", {"streams": streams})  # before the URL is set: no push callbacks
    callbacks = [{"domain_name": DOMAIN, "stream_name": name} for name in pushing + off_air]
    callbacks += [
        {"domain_name": DOMAIN, "stream_name": name, "suggestion": "Pass", "label": "Normal"} for name in passing
    ]
    random.Random(size).shuffle(callbacks)
    senders = min(args.senders, len(callbacks))
    settings = {"url": url, "key": KEY, "ca_file": ca, "retry_interval": args.retry_interval, "retries": 12}
    settings["timeout"] = 20  # Tencent waits 20 s for an answer (reference section 8)
    emulator.control("POST", "callbacks", dict(settings, senders=senders))
    emulator.control("DELETE", "calls")
    handed = time.time()
    emulator.control("POST", "callbacks/moderation", {"callbacks": callbacks})
    return pushing, off_air, passing, handed


def forbidden(emulator, names):
    rows = emulator.control("GET", "streams?state=forbid")["streams"]
    return len({row["stream_name"] for row in rows} & set(names))


def run_once(args, emulator, workdir, collections_path, listener, ca, java, kind, size):
    bound = args.bound if kind == BATCHED else args.old_bound
    log(f"{kind}: a raid of {size} Blocks (bound {bound:g} s)")
    rulebook = Rulebook(workdir, collections_path, listener, emulator.endpoint, kind, java)
    try:
        url = f"https://127.0.0.1:{rulebook.port}/tencent/live"
        pushing, off_air, passing, handed = raid(emulator, size, args, url, ca)
        deadline = handed + bound
        while forbidden(emulator, pushing) < size and time.time() < deadline:
            time.sleep(0.2)
        done = forbidden(emulator, pushing)
        # every first delivery answered (a 503 takes up to queue_timeout), then the run is stopped
        while time.time() < max(deadline, handed + 30) and not all_first_answered(emulator, size + 2 * len(off_air)):
            time.sleep(0.2)
        calls = emulator.control("GET", "calls")
        deliveries = emulator.control("GET", "callbacks")["deliveries"]
    finally:
        rulebook.stop()
    if args.keep_temp:  # for a closer look: the API calls and the deliveries, next to the rulebook's log
        with open(os.path.join(rulebook.folder, "emulator.json"), "w", encoding="utf-8") as handle:
            json.dump({"handed": handed, "calls": calls["calls"], "deliveries": deliveries}, handle)
    output = rulebook.output()
    forbids = [c for c in calls["calls"] if c["action"] == "ForbidLiveStream" and c["admitted"]]
    per_stream = collections.Counter(c["stream_name"] for c in forbids)
    latency = args.latency_ms / 1000.0
    last = max((c["ts"] for c in forbids if c["stream_name"] in set(pushing)), default=None)
    first_call = min((c["ts"] for c in calls["calls"]), default=None)
    first_answers = collections.Counter(d["status"] for d in deliveries if d["try"] == 1 and d["event_type"] == 317)
    runs = (
        len(re.findall(r"a batch of \d+ callback\(s\) emitted", output))
        if kind == BATCHED
        else output.count("PLAY RECAP")
    )
    result = {
        "kind": kind,
        "size": size,
        "off_air": len(off_air),
        "passes": len(passing),
        "bound": bound,
        "forbidden": done,
        "seconds": (last + latency - handed) if done == size and last else None,
        "first_answers": dict(first_answers),
        "forbid_calls": len(forbids),
        "duplicates": sum(count - 1 for count in per_stream.values() if count > 1),
        "wrong_forbids": sum(per_stream[name] for name in off_air + passing),
        "window_max": calls.get("window_max", {}).get("ForbidLiveStream", 0),
        "runs": runs,
        "first_call": None if first_call is None else first_call - handed,
        "throttled": sum(1 for c in calls["calls"] if c.get("throttled")),
    }
    log(f"    {describe(result)}")
    return result


def all_first_answered(emulator, total):
    deliveries = emulator.control("GET", "callbacks")["deliveries"]
    return sum(1 for d in deliveries if d["try"] == 1 and d["event_type"] == 317) >= total


def describe(result):
    took = f"{result['seconds']:.1f} s" if result["seconds"] is not None else f"not all within {result['bound']:g} s"
    first_call = "-" if result["first_call"] is None else f"{result['first_call']:.1f} s"
    return (
        f"{result['forbidden']} of {result['size']} forbidden, {took}; first answers {result['first_answers']}; "
        f"{result['runs']} playbook runs, the first API call after {first_call}, {result['throttled']} throttled"
    )


def limit(size):
    """The fastest the quotas allow for that many forbids (the reads, 300/s, overlap)."""
    return max(size / FORBID_QUOTA, size / READ_QUOTA)


def answers_cell(answers):
    return ", ".join(f"{count:,} x {status}" for status, count in sorted(answers.items(), key=lambda i: str(i[0])))


def combined(runs):
    """The runs of one rulebook and size as one result: the median time (None unless every run forbade all), the
    fewest forbidden, the first answers and wrong forbids summed, the rest per run."""
    finished = sorted(r["seconds"] for r in runs if r["seconds"] is not None)
    result = dict(runs[0], repeats=len(runs), spread=finished)
    result["seconds"] = statistics.median(finished) if len(finished) == len(runs) else None
    result["forbidden"] = min(r["forbidden"] for r in runs)
    result["first_answers"] = dict(sum((collections.Counter(r["first_answers"]) for r in runs), collections.Counter()))
    for key in ("wrong_forbids", "duplicates"):
        result[key] = sum(r[key] for r in runs)
    for key in ("forbid_calls", "runs", "throttled"):
        result[key] = [r[key] for r in runs]
    result["window_max"] = max(r["window_max"] for r in runs)
    return result


def per_run(values):
    return (
        f"{values[0]:,}" + (" each" if len(values) > 1 else "")
        if len(set(values)) == 1
        else ", ".join(f"{v:,}" for v in values)
    )


def row(result):
    seconds = result["seconds"]
    took = f"{seconds:.1f}" if seconds is not None else f"> {result['bound']:g} (stopped)"
    if seconds is not None and result["repeats"] > 1:
        took = f"{seconds:.1f} (median of {result['repeats']}: {', '.join(f'{t:.1f}' for t in result['spread'])})"
    ratio = f"{seconds / limit(result['size']):.1f}x" if seconds is not None else "-"
    calls = per_run(result["forbid_calls"]) + (
        f" ({result['wrong_forbids']} off air or Pass)" if result["wrong_forbids"] else ""
    )
    return [
        result["kind"],
        f"{result['size']:,} (+ {result['off_air']:,})",
        took,
        f"{limit(result['size']):.1f}",
        ratio,
        f"{result['forbidden']:,} of {result['size']:,}" + (" in each run" if result["repeats"] > 1 else ""),
        answers_cell(result["first_answers"]),
        calls,
        per_run(result["runs"]),
    ]


def ratio_note(new, old):
    """How much faster the shipped rulebook forbade the raid than the one-run-per-Block one."""
    if new["seconds"] is None:
        return None
    if old["seconds"] is not None:
        return f"{new['size']:,} Blocks: one run per Block took {old['seconds'] / new['seconds']:.0f}x as long"
    rate = old["forbidden"] / old["bound"]
    rest = f", about {new['size'] / rate:.0f} s for all at that rate" if rate else ""
    return (
        f"{new['size']:,} Blocks: one run per Block had forbidden {old['forbidden']:,} after {old['bound']:g} s "
        f"(at least {old['bound'] / new['seconds']:.0f}x as long{rest})"
    )


def section(args, every_run):
    grouped = collections.defaultdict(list)
    for result in every_run:
        grouped[(result["kind"], result["size"])].append(result)
    results = [combined(runs) for runs in grouped.values()]
    rows = [row(result) for result in results]
    by = {(r["kind"], r["size"]): r for r in results}
    notes = [
        "first Block to last forbid = from the moment the raid was handed to the emulator's senders to the answer of "
        "the last ForbidLiveStream of a pushing stream (its call-log time + the latency the emulator adds); limit = "
        f"N / {FORBID_QUOTA} s, the fastest Tencent's quotas allow that many forbids (ForbidLiveStream {FORBID_QUOTA}/s; "
        f"the reads, {READ_QUOTA}/s, overlap).",
        f"Each raid: N Blocks for pushing streams, and a tenth as many Blocks for streams off air and Pass results, "
        f"shuffled, sent at once by up to {args.senders} senders; an answer other than 200 re-sent every "
        f"{args.retry_interval:g} s. Emulator: quotas in a strict sliding one-second window, {args.latency_ms:g} ms "
        "per answer. The source listens over HTTPS on 127.0.0.1 (a throwaway CA's ECDSA certificate).",
        f"shipped: tencent.cloud.moderation_forbid with its defaults (batch_window 1 s, batch_max 1,000, actions side "
        f"by side), {args.repeat} runs of each size, the median counts; playbook runs = the batches it emitted. "
        "one run per Block: the rulebook and playbook of commit "
        f"1aa895c (tests/benchmark/fixtures/), stopped after {args.old_bound:g} s; playbook runs = the runs that ended.",
    ]
    shipped_runs = [r for r in results if r["kind"] == BATCHED]
    notes.append(
        "RequestLimitExceeded answers to the shipped rulebook's runs (batches forbidden side by side share the "
        "account's quota; the module waits and sends them again, none failed): "
        + "; ".join(f"{per_run(r['throttled'])} for {r['size']:,}" for r in shipped_runs)
        + "."
    )
    for size in args.sizes:
        if (BATCHED, size) in by and (ONE_BY_ONE, size) in by:
            note = ratio_note(by[(BATCHED, size)], by[(ONE_BY_ONE, size)])
            if note:
                notes.append(note + ".")
    targets = []
    for size, seconds in TARGETS.items():
        result = by.get((BATCHED, size))
        took = result and result["seconds"]
        shown = f"{took:.1f} s" if took is not None else ("not measured" if result is None else "not all forbidden")
        targets.append((None if result is None else took is not None and took <= seconds,
                        f"{size:,} Blocks all forbidden within {seconds:g} s of the first (the median run): {shown}"))  # fmt: skip
    shipped = [r for r in results if r["kind"] == BATCHED]
    answered = all(set(r["first_answers"]) == {200} for r in shipped)
    targets.append((answered if shipped else None, "every first delivery answered 200: " + "; ".join(
        f"{r['size']:,}: {answers_cell(r['first_answers'])}" for r in shipped)))  # fmt: skip
    exact = all(
        set(r["forbid_calls"]) == {r["size"]} and not r["duplicates"] and not r["wrong_forbids"] for r in shipped
    )
    targets.append((exact if shipped else None, "exactly one ForbidLiveStream per pushing stream, none for streams "
                    "off air or Pass results: " + "; ".join(f"{per_run(r['forbid_calls'])} for {r['size']:,}" for r in shipped)))  # fmt: skip
    quota = max((r["window_max"] for r in results), default=0)
    targets.append((quota <= FORBID_QUOTA if results else None, f"never more than {FORBID_QUOTA} ForbidLiveStream in any "
                    f"one second: at most {quota}"))  # fmt: skip
    title = "A moderation raid through real ansible-rulebook: the shipped rulebook against one run per Block"
    return Section(
        "Event-Driven Ansible: a moderation raid", title, HEADERS, rows, notes, "Targets (issue 32)", targets
    )


def run(args):
    started, started_at = time.monotonic(), datetime.datetime.now(datetime.timezone.utc)
    machine = machine_line(sys.executable).replace(", tencentcloud-sdk-python-live None", "")
    java = java_home()
    workdir = tempfile.mkdtemp(prefix="tencent-bench-eda-")
    emulator = Emulator(sys.executable, args.latency_ms, workdir)
    results = []
    try:
        collections_path = install_collection(workdir)
        ca, certificate = tls_files(workdir)
        os.chmod(certificate, 0o600)
        listener = {"live_callback_host": "127.0.0.1", "live_callback_certfile": certificate}
        listener.update(live_callback_keyfile=certificate, live_callback_allowed_networks="127.0.0.0/8")
        emulator.start()
        for size in args.sizes:
            for _repeat in range(args.repeat):
                results.append(run_once(args, emulator, workdir, collections_path, listener, ca, java, BATCHED, size))
            if not args.no_old:
                results.append(
                    run_once(args, emulator, workdir, collections_path, listener, ca, java, ONE_BY_ONE, size)
                )
    finally:
        emulator.stop()
        if args.keep_temp:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    total = time.monotonic() - started
    report = section(args, results)
    print_section(report, args.markdown, trailer=f"Total run time: {total:.0f} s. Machine: {machine}.")
    if args.docs_page:
        command = "tests/benchmark/bench_eda.py --sizes " + ",".join(str(size) for size in args.sizes)
        command += f" --repeat {args.repeat}"
        lines = [*heading(report.heading, "-"), "", "What ``make bench-eda`` measured in its last run.", ""]
        lines += [f"- Run: {when(started_at)}, {total:.0f} s in all.", f"- Machine: {escape(machine)}."]
        lines += [f"- Command: ``{command}``.", ""]
        write_part(args.docs_page, PART, lines + render_sections([report], headings=False))
        log(f"wrote its part of the results page {args.docs_page}")
    return 0


def main(argv=None):
    return guarded(run, parse_args(argv), "bench-eda", (BenchError, OSError, subprocess.CalledProcessError))


if __name__ == "__main__":
    sys.exit(main())

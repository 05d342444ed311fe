# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make smoke-emulator`: prove that `make smoke-cloud` works, against the emulator.

The emulator runs in strict mode (strict one-second quota window, strict resume, Tencent's
forbid-by-name scope) with its control interface OFF, as a real endpoint would be: the test
stream is set up by the emulator's start-up config, and what happened is read from its call
log file. Three runs of hack/smoke-cloud.sh:

1. without credentials and names: it must stop with exit status 2 and say what to set;
2. on a stream that is pushing: it must refuse, and send no write;
3. on an idle test stream: it must pass (forbid, resume, restore, each read back), write a
   report with every RequestId, and leave the stream as it was.

Prints one line per check and a closing "N passed, N failed" line; exits non-zero on a failure.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECRET_ID = "AKIDSMOKE0000000000000000000000000000"
SECRET_KEY = "smoke-secret-key-00000000000000000000"
DOMAIN = "smoke.livepush.example.com"
WRITES = ("ResumeLiveStream", "ForbidLiveStream", "DropLiveStream")


def start_emulator(workdir):
    config = {
        "credentials": [{"secret_id": SECRET_ID, "secret_key": SECRET_KEY}],
        "domains": [DOMAIN],
        "streams": [
            {"domain_name": DOMAIN, "stream_name": "smoke-idle", "state": "inactive"},
            {"domain_name": DOMAIN, "stream_name": "smoke-on-air", "state": "active"},
        ],
    }
    config_path = os.path.join(workdir, "config.json")
    with open(config_path, "w", encoding="utf-8") as handle:
        json.dump(config, handle)
    port_file = os.path.join(workdir, "port")
    call_log = os.path.join(workdir, "calls.jsonl")
    log = open(os.path.join(workdir, "emulator.log"), "w", encoding="utf-8")  # pylint: disable=consider-using-with
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [
            sys.executable,
            os.path.join(ROOT, "tests", "emulator", "live_emulator.py"),
            "--port",
            "0",
            "--port-file",
            port_file,
            "--config",
            config_path,
            "--call-log",
            call_log,
            "--strict",
            "--no-control",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"smoke-emulator: the emulator exited with status {process.returncode} (log: {log.name})")
        try:
            with open(port_file, encoding="ascii") as handle:
                port = int(handle.read().strip())
            return process, f"http://127.0.0.1:{port}", call_log
        except (OSError, ValueError):
            time.sleep(0.1)
    process.kill()
    raise SystemExit("smoke-emulator: the emulator did not start within 20 s")


def smoke(env_extra, workdir, name):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TENCENTCLOUD_", "SMOKE_"))}
    env.update(env_extra, SMOKE_REPORT=os.path.join(workdir, name + ".json"))
    return subprocess.run(
        [os.path.join(ROOT, "hack", "smoke-cloud.sh")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
        timeout=600,
        text=True,
    )


def calls(call_log, stream):
    with open(call_log, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if json.loads(line).get("stream_name") == stream]


def main():
    results = []

    def check(what, ok, output=""):
        results.append(ok)
        print("smoke-emulator: {}: {}".format("ok" if ok else "FAILED", what))
        if not ok and output:
            print("\n".join("    " + line for line in output.splitlines()[-40:]))

    with tempfile.TemporaryDirectory(prefix="smoke-emulator-") as workdir:
        process, url, call_log = start_emulator(workdir)
        try:
            bare = smoke({}, workdir, "bare")
            check(
                "without credentials or names it stops with status 2 and says what to set",
                bare.returncode == 2 and "SMOKE_DOMAIN" in bare.stdout and "TENCENTCLOUD_SECRET_ID" in bare.stdout,
                bare.stdout,
            )

            env = {
                "TENCENTCLOUD_SECRET_ID": SECRET_ID,
                "TENCENTCLOUD_SECRET_KEY": SECRET_KEY,
                "TENCENTCLOUD_LIVE_ENDPOINT": url,
                "SMOKE_DOMAIN": DOMAIN,
            }
            on_air = smoke(dict(env, SMOKE_STREAM="smoke-on-air"), workdir, "on-air")
            writes = [c["action"] for c in calls(call_log, "smoke-on-air") if c["action"] in WRITES]
            check(
                "a stream that is pushing is refused, with no write",
                on_air.returncode != 0 and "never cuts a live broadcast" in on_air.stdout and writes == [],
                on_air.stdout,
            )

            idle = smoke(dict(env, SMOKE_STREAM="smoke-idle"), workdir, "idle")
            check(
                "an idle test stream: forbid, resume, restore pass",
                idle.returncode == 0 and "Smoke test passed" in idle.stdout,
                idle.stdout,
            )
            with open(os.path.join(workdir, "idle.json"), encoding="utf-8") as handle:
                report = json.load(handle)
            seen = {c["request_id"]: c["action"] for c in calls(call_log, "smoke-idle")}
            reported = [
                rid
                for step in report["steps"]
                for rid in (step.get("request_ids") or (step.get("result") or {}).get("request_ids") or {}).values()
            ]
            check(
                "the report holds RequestIds the server issued, for every step",
                len(report["steps"]) == 7 and reported and all(rid in seen for rid in reported),
                json.dumps(report, indent=1),
            )
            written = [
                c["action"] for c in calls(call_log, "smoke-idle") if c["action"] in WRITES and not c.get("code")
            ]
            check(
                "the idle stream was forbidden then resumed, and is inactive again",
                written[:2] == ["ForbidLiveStream", "ResumeLiveStream"]
                and report["final_state"] == "inactive"
                and report["original_state"] == "inactive",
                str(written),
            )
        finally:
            process.terminate()
            process.wait(timeout=10)
    failed = results.count(False)
    print(f"smoke-emulator: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounded under a slow engine: the source in a process of its own (helpers/busy_engine.py) whose engine
takes no events; 300 concurrent signed callbacks of nearly 1 MiB each get answers within queue_timeout + 1 s,
the process's peak memory (VmHWM) grows by at most twice what may wait (max_pending x max_body_bytes, or
max_pending_bytes, whichever is less) + 50 MB, and once the engine takes events again Tencent's re-deliveries
are each emitted exactly once. Both bounds: callbacks counted (max_pending 100), and bytes (max_pending_bytes
64 MiB with max_pending at its default, 1,000)."""

import asyncio
import json
import os
import subprocess
import sys
import time

import aiohttp
import pytest
from conftest import COLLECTION_ROOT, HERE, KEY, SOURCE_PATH, free_port, installed_collection, signed, wait_for

QUEUE_TIMEOUT = 5
MAX_PENDING = 100
MAX_BODY = 1048576
CALLBACKS = 300


def memory_kib(pid, field):
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


def body(number, now):
    callback = {"event_type": 317, "app": "5000.livepush.myqcloud.com", "appname": "live", "streamId": f"big-{number}"}
    callback.update(suggestion="Block", label="Porn", sendTime=number)
    callback["stream_param"] = "x" * (MAX_BODY - 400)
    return json.dumps(signed(callback, now=now)).encode()


async def deliver(session, url, data):
    """(status, seconds from the moment the request's headers were sent to its answer)."""
    context = {}
    async with session.post(url, data=data, trace_request_ctx=context) as answer:
        text = await answer.read()
        return answer.status, time.monotonic() - context["sent"], b"max_pending" in text


async def _headers_sent(session, context, params):
    context.trace_request_ctx["sent"] = time.monotonic()


def tracing():
    trace = aiohttp.TraceConfig()
    trace.on_request_headers_sent.append(_headers_sent)
    return [trace]


BOUNDS = {
    # max_pending callbacks, each at most max_body_bytes (max_pending_bytes out of the way)
    "count": ({"max_pending": MAX_PENDING, "max_pending_bytes": 2**31}, MAX_PENDING * MAX_BODY),
    # max_pending_bytes, with max_pending at its default: a raid of small callbacks is not refused for its number
    "bytes": ({"max_pending_bytes": 64 * 2**20}, 64 * 2**20),
}


@pytest.mark.parametrize("bound", sorted(BOUNDS))
async def test_300_big_callbacks_to_a_busy_engine_are_bounded_in_time_and_memory(tmp_path, bound):
    port = free_port()
    resume = tmp_path / "resume"
    source_path = os.path.join(installed_collection() or COLLECTION_ROOT, SOURCE_PATH)
    args = {"host": "127.0.0.1", "port": port, "callback_key": KEY, "queue_timeout": QUEUE_TIMEOUT}
    # every callback on a connection of its own at once: max_connections (default 256) is not what is measured here
    pending, waiting_bytes = BOUNDS[bound]
    args.update(pending, max_body_bytes=MAX_BODY, max_connections=CALLBACKS + 10)
    output = open(tmp_path / "engine.out", "w+", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "helpers", "busy_engine.py"), str(resume), source_path, json.dumps(args)],
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}/"

        def listening():
            assert process.poll() is None, (tmp_path / "engine.out").read_text()
            import socket

            with socket.socket() as probe:
                return probe.connect_ex(("127.0.0.1", port)) == 0

        await wait_for(listening, what="the source to listen")
        before = memory_kib(process.pid, "VmRSS")
        now = int(time.time())
        bodies = [body(n, now) for n in range(CALLBACKS)]
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=120), trace_configs=tracing()
        ) as session:
            answers = await asyncio.gather(*(deliver(session, url, data) for data in bodies))
            peak = memory_kib(process.pid, "VmHWM")
            assert {answer[0] for answer in answers} == {503}
            growth_mb = (peak - before) / 1024
            assert growth_mb <= 2 * waiting_bytes / 2**20 + 50, growth_mb
            slowest = max(answer[1] for answer in answers)
            print(f"memory growth {growth_mb:.0f} MB, slowest answer {slowest:.2f} s")  # shown with -s
            assert slowest <= QUEUE_TIMEOUT + 1, sorted((round(a[1], 1), a[2]) for a in answers)[-20:]

            resume.touch()  # the engine takes events again; Tencent re-delivers every one
            now = int(time.time())
            for start in range(0, CALLBACKS, 50):  # as Tencent would: not all in the same instant
                batch = [body(n, now) for n in range(start, start + 50)]
                again = await asyncio.gather(*(deliver(session, url, data) for data in batch))
                assert {answer[0] for answer in again} == {200}
            again = await deliver(session, url, body(7, now + 1))  # a later re-delivery
            assert again[0] == 200

        def emitted():
            output.seek(0)
            return [json.loads(line) for line in output.read().splitlines() if line.startswith('"')]

        await wait_for(lambda: len(emitted()) >= CALLBACKS, what="every callback to be emitted")
        await asyncio.sleep(0.5)
        assert sorted(emitted()) == sorted(f"big-{n}" for n in range(CALLBACKS))  # each exactly once
    finally:
        process.kill()
        process.wait(10)
        output.close()

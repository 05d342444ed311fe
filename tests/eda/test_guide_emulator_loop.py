# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The event-driven guide's "Test without Tencent" runs as written: its first shell block (the emulator, the
rulebook tencent.cloud.moderation_forbid) in one bash, its second (setup_callbacks, a push, the emulator's image
moderation through /_emulator/moderation, the stream's state) in another with the same variables exported, in a
directory holding the guide's own inventory.yml. What differs from the page: the two ports (free ones instead of
8080 and 5000) and the emulator's path (the checkout's, absolute). The moderation Block reaches the rulebook only
because the rules setup_callbacks made say so, and the stream ends forbidden with the reason the guide shows.
"""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from conftest import COLLECTION_ROOT, free_port

GUIDE = os.path.join(COLLECTION_ROOT, "docs", "docsite", "rst", "event_driven.rst")
SECTION = "Test without Tencent"
START_TIMEOUT = 180  # the JVM and the rule engine; a loaded 2-core machine may take longer
OUTCOME_TIMEOUT = 180


def rst_blocks(text, language):
    """(section title, block text) of each ``.. code-block:: language`` of an RST text, dedented."""
    lines, found, title = text.splitlines(), [], None
    for number, line in enumerate(lines):
        if number + 1 < len(lines) and re.fullmatch(r"-{3,}|~{3,}", lines[number + 1]) and line.strip():
            title = line.strip()
        if line.strip() == f".. code-block:: {language}":
            body, after = [], number + 1
            while after < len(lines) and (not lines[after].strip() or lines[after].startswith("    ")):
                body.append(lines[after][4:])
                after += 1
            found.append((title, "\n".join(body).strip("\n") + "\n"))
    return found


def guide_blocks():
    with open(GUIDE, encoding="utf-8") as handle:
        text = handle.read()
    shell = [block for title, block in rst_blocks(text, "shell") if title == SECTION]
    assert len(shell) == 2, f"{GUIDE}: '{SECTION}' has two shell blocks (the emulator and rulebook; the loop)"
    [inventory] = [block for _title, block in rst_blocks(text, "yaml") if block.startswith("all:")]
    return shell[0], shell[1], inventory


def as_here(block, emulator_port, source_port):
    """The block with free ports for the page's 8080 (the emulator) and 5000 (the source), and the emulator's path."""
    block = block.replace("8080", str(emulator_port))
    block = block.replace("127.0.0.1:5000", f"127.0.0.1:{source_port}")
    block = block.replace("live_callback_port: 5000", f"live_callback_port: {source_port}")
    return block.replace("tests/emulator/", os.path.join(COLLECTION_ROOT, "tests", "emulator") + os.sep)


def listening(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_until(predicate, timeout, what, log):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{log.read_text()[-6000:]}")
        time.sleep(0.5)


def json_answers(text):
    """The JSON objects curl printed, one after the other, with or without a line between them."""
    decoder, found, at = json.JSONDecoder(), [], text.find("{")
    while at != -1:
        try:
            answer, end = decoder.raw_decode(text, at)
        except ValueError:
            at = text.find("{", at + 1)
            continue
        found.append(answer)
        at = text.find("{", end)
    return found


def stream_state(emulator_url, name):
    with urllib.request.urlopen(f"{emulator_url}/_emulator/streams?stream_name={name}", timeout=30) as answer:
        rows = json.load(answer)["streams"]
    return rows[0] if rows else None


def test_the_guide_s_emulator_loop_forbids_the_stream(tmp_path):
    collections = os.environ.get("TENCENT_EDA_COLLECTIONS_PATH")
    assert collections, "run with make eda-test (it installs the built collection)"
    first, second, inventory = guide_blocks()
    emulator_port, source_port = free_port(), free_port()
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    (tmp_path / "inventory.yml").write_text(inventory, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "TENCENTCLOUD_"))}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=collections,  # the collection installed, as the guide assumes
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
        ANSIBLE_NOCOLOR="1",
        PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
    )
    log = tmp_path / "first-terminal.log"
    with open(log, "w", encoding="utf-8") as out:
        terminal = subprocess.Popen(
            ["bash", "-e", "-c", as_here(first, emulator_port, source_port)],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until(lambda: terminal.poll() is None and listening(source_port), START_TIMEOUT, "the source", log)
        here = as_here(first, emulator_port, source_port)
        exports = "".join(line + "\n" for line in here.splitlines() if line.startswith("export "))
        done = subprocess.run(
            ["bash", "-e", "-c", exports + as_here(second, emulator_port, source_port)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        output = done.stdout + done.stderr
        assert done.returncode == 0, output[-6000:]
        moderation = [answer for answer in json_answers(done.stdout) if "delivered" in answer]
        assert moderation and moderation[0]["delivered"] is True, output[-6000:]
        # the guide's "sleep 20" is the page's pace; the test waits as long as a loaded machine needs
        wait_until(
            lambda: (stream_state(emulator_url, "stream1") or {}).get("state") == "forbid",
            OUTCOME_TIMEOUT,
            "stream1 to be forbidden",
            log,
        )
        row = stream_state(emulator_url, "stream1")
        assert row["reason"].startswith("Tencent moderation: Block Porn"), row
        with open(GUIDE, encoding="utf-8") as handle:
            assert f"the reason ``{row['reason']}``" in handle.read().split(SECTION, 1)[1], row  # what the page shows
        assert "TestCallbackKey1" not in log.read_text(encoding="utf-8", errors="replace") + output
    finally:
        stop_terminal(terminal)


def stop_terminal(terminal):
    """Ctrl-C to the first terminal's processes (bash, ansible-rulebook, the emulator), as a person would; whatever is
    left after a minute is killed."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(terminal.pid, signal.SIGINT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        terminal.poll()
        try:
            os.killpg(terminal.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(terminal.pid, signal.SIGKILL)
    terminal.wait(10)

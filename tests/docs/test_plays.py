# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plays of README.md, of the quick start and of every role's README run as written, against the emulator
set up as the quick start says. (The modules' EXAMPLES run in test_examples.py.)

Every YAML block of these documents is taken from the file: a complete play runs exactly as
written; a list of tasks or of roles runs as the tasks or roles of a play on localhost (the text
of the block unchanged, indented). For each block, the quick start's emulator block ("Try it without
a Tencent Cloud account") runs first, in bash, as written but for its port: it starts the emulator,
exports its credentials and endpoint, and makes the streams the plays name. The play then runs in
the environment the block exported; the one variable a snippet takes from its context,
``incident_streams``, is given as an extra var, as the quick start says.

Each block runs twice: the first run succeeds (and changes something when it writes), the second
changes nothing -- what the documents promise.
"""

import glob
import json
import os
import re
import signal
import socket
import subprocess
import textwrap
import time
import urllib.request

import facts
import playrun
import pytest
import yaml
from doctext import YAML_LANGUAGES, Document

QUICK_START = os.path.join("docs", "docsite", "rst", "quick_start.rst")
EMULATOR_SECTION = "Try it without a Tencent Cloud account"
DOCUMENTED_PORT = "8080"

# every role's README is found, so a new role's examples run too
SOURCES = (
    "README.md",
    os.path.join("docs", "docsite", "rst", "quick_start.rst"),
    *sorted(os.path.relpath(path, facts.COLLECTION_ROOT) for path in glob.glob(facts.path("roles", "*", "README.md"))),
)
CONTEXT = {"incident_streams": ["stream1", "stream2", "stream3"]}
WRITERS = ("tencent.cloud.tencent_live_stream", "tencent.cloud.live_stream_resume")
WRITE_ACTIONS = ("ResumeLiveStream", "ForbidLiveStream", "DropLiveStream")


def kind_of(data):
    if not isinstance(data, list) or not data or not all(isinstance(item, dict) for item in data):
        return None
    if all("hosts" in item for item in data):
        return "play"
    if all("role" in item for item in data):
        return "roles"
    if all(any(key.startswith(("tencent.cloud.", "ansible.builtin.")) for key in item) for item in data):
        return "tasks"
    return None


def blocks():
    found = []
    for path in SOURCES:
        doc = Document.load(facts.COLLECTION_ROOT, path)
        for block in doc.code_blocks:
            if block.language in YAML_LANGUAGES:
                kind = kind_of(yaml.safe_load(block.text))
                if kind:
                    found.append(pytest.param(block, kind, id=f"{path}:{block.line}"))
    return found


def playbook_text(block, kind):
    if kind == "play":
        return block.text  # exactly as written
    head = f"- name: The {kind} of a documentation example\n  hosts: localhost\n  gather_facts: false\n  {kind}:\n"
    return head + textwrap.indent(block.text, "    ")


def writes(data):
    """Whether the example brings streams to a state (the module, or the role that resumes)."""
    if isinstance(data, dict):
        return any(key in WRITERS or value in WRITERS or writes(value) for key, value in data.items())
    return isinstance(data, list) and any(writes(item) for item in data)


def test_the_documents_have_plays():
    found = {param.id.rsplit(":", 1)[0] for param in blocks()}
    assert found == set(SOURCES)


def emulator_block():
    """The quick start's shell block that starts the emulator and makes the streams."""
    doc = Document.load(facts.COLLECTION_ROOT, QUICK_START)
    found = [
        block for block in doc.code_blocks if "live_emulator.py" in block.text and "/_emulator/streams" in block.text
    ]
    assert len(found) == 1, f"{QUICK_START}: one block starts the emulator and makes the streams ({EMULATOR_SECTION})"
    return found[0]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DocumentedEmulator:
    """The quick start's emulator block run in bash, as written but for its port; what it exported, its process."""

    def __init__(self, workdir):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # on the way out, even when a line fails: the emulator's process id, and what the block exported
        script = 'trap \'printf "\\n__emulator_pid__=%s\\n" "$!"; env\' EXIT\n'
        script += emulator_block().text.replace(DOCUMENTED_PORT, str(self.port))
        log = workdir / "emulator-block.log"
        with open(log, "w", encoding="utf-8") as out:  # a file, not a pipe: the emulator keeps it open
            done = subprocess.run(
                ["bash", "-e", "-c", script],
                cwd=facts.COLLECTION_ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={name: value for name, value in os.environ.items() if not name.startswith("TENCENTCLOUD_")},
                timeout=120,
                check=False,
            )
        self.output = log.read_text(encoding="utf-8")
        pid = re.search(r"^__emulator_pid__=(\d+)$", self.output, re.M)
        self.pid = int(pid.group(1)) if pid else None
        self.returncode = done.returncode
        self.env = dict(re.findall(r"^(TENCENTCLOUD_[A-Z_]+)=(.*)$", self.output, re.M))

    def calls(self):
        with urllib.request.urlopen(f"{self.url}/_emulator/calls", timeout=30) as answer:
            return json.load(answer)["calls"]

    def stop(self):
        if self.pid is None:
            return
        os.kill(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        os.kill(self.pid, signal.SIGKILL)


@pytest.fixture
def documented_emulator(tmp_path):
    emulator = DocumentedEmulator(tmp_path)
    try:
        assert emulator.returncode == 0, f"the quick start's emulator block failed:\n{emulator.output[-3000:]}"
        yield emulator
    finally:
        emulator.stop()


def test_the_emulator_block_sets_the_modules_up_as_the_quick_start_says(documented_emulator):
    """It exports the emulator's credentials and its endpoint, and the three streams are forbidden with a push each in
    the history."""
    assert documented_emulator.env == {
        "TENCENTCLOUD_SECRET_ID": playrun.EMULATOR_SECRET_ID,
        "TENCENTCLOUD_SECRET_KEY": playrun.EMULATOR_SECRET_KEY,
        "TENCENTCLOUD_LIVE_ENDPOINT": documented_emulator.url,
    }
    with urllib.request.urlopen(f"{documented_emulator.url}/_emulator/streams", timeout=30) as answer:
        states = {row["stream_name"]: row["state"] for row in json.load(answer)["streams"]}
    assert states == dict.fromkeys(CONTEXT["incident_streams"], "forbid")
    with urllib.request.urlopen(f"{documented_emulator.url}/_emulator/published", timeout=30) as answer:
        pushed = sorted(record["StreamName"] for record in json.load(answer)["records"])
    assert pushed == CONTEXT["incident_streams"]


@pytest.mark.parametrize("block, kind", blocks())
def test_the_example_runs_as_written(block, kind, documented_emulator, tmp_path):
    data = yaml.safe_load(block.text)
    playbook = tmp_path / "example.yml"
    playbook.write_text(playbook_text(block, kind), encoding="utf-8")
    env = documented_emulator.env

    rc, output = playrun.run_playbook(playbook, tmp_path, env, CONTEXT)
    assert rc == 0, output[-4000:]
    first = playrun.recap(output)
    assert "failed=0" in first, output[-4000:]
    if writes(data):
        sent = [call for call in documented_emulator.calls() if call["action"] in WRITE_ACTIONS]
        assert sent and " changed=0 " not in first + " ", f"the example wrote nothing: {first}"

    rc, output = playrun.run_playbook(playbook, tmp_path, env, CONTEXT)
    assert rc == 0, output[-4000:]
    assert " changed=0 " in playrun.recap(output) + " ", f"a second run changed something: {playrun.recap(output)}"

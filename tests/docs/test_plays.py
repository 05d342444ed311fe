# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plays of README.md, of the quick start and of every role's README run as written, against the emulator.
(The modules' EXAMPLES run in test_examples.py.)

Every YAML block of these documents is taken from the file: a complete play runs exactly as
written; a list of tasks or of roles runs as the tasks or roles of a play on localhost (the text
of the block unchanged, indented). The emulator knows the push domains and streams the block
names, forbidden, with a push history of the last days; the encoders push again 2 s after a
resume. Credentials come from the environment, as the README says. The one variable a snippet
takes from its context, ``incident_streams``, is given as an extra var.

Each block runs twice: the first run succeeds (and changes something when it writes), the second
changes nothing -- what the documents promise.
"""

import glob
import os
import textwrap

import facts
import playrun
import pytest
import yaml
from doctext import YAML_LANGUAGES, Document

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


@pytest.mark.parametrize("block, kind", blocks())
def test_the_example_runs_as_written(block, kind, live_api, tmp_path):
    data = yaml.safe_load(block.text)
    playrun.seed(live_api, data, CONTEXT["incident_streams"])
    playbook = tmp_path / "example.yml"
    playbook.write_text(playbook_text(block, kind), encoding="utf-8")
    env = playrun.emulator_env(live_api)

    rc, output = playrun.run_playbook(playbook, tmp_path, env, CONTEXT)
    assert rc == 0, output[-4000:]
    first = playrun.recap(output)
    assert "failed=0" in first, output[-4000:]
    if writes(data):
        sent = [call for call in live_api.core.list_calls(None)["calls"] if call["action"] in WRITE_ACTIONS]
        assert sent and " changed=0 " not in first + " ", f"the example wrote nothing: {first}"

    rc, output = playrun.run_playbook(playbook, tmp_path, env, CONTEXT)
    assert rc == 0, output[-4000:]
    assert " changed=0 " in playrun.recap(output) + " ", f"a second run changed something: {playrun.recap(output)}"

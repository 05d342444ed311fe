# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The README and the quick start state two Python floors, and each is the right one: the controller's, which is
ansible-core's own for the oldest release the collection claims (meta/runtime.yml), and the modules', wherever they
run (tests/config.yml, which ansible-test's sanity tests check the modules against). They said "Python 3.9 or
later" for the controller, which ansible-core 2.16 does not run on.
"""

import os
import re

import facts
import pytest
from doctext import Document

# ansible-core's own Python requirement for its controller (its python_requires), by release
CONTROLLER_PYTHON = {"2.16": "3.10", "2.17": "3.10", "2.18": "3.11", "2.19": "3.11", "2.20": "3.12", "2.21": "3.12"}
DOCUMENTS = ("README.md", os.path.join("docs", "docsite", "rst", "quick_start.rst"))
FLOOR = re.compile(r"Python (3\.\d+) or later")


def floors():
    oldest = re.match(r">=\s*(\d+\.\d+)", facts.load_yaml("meta", "runtime.yml")["requires_ansible"]).group(1)
    assert oldest in CONTROLLER_PYTHON, f"add ansible-core {oldest}'s controller Python to CONTROLLER_PYTHON"
    modules = re.fullmatch(r">=\s*(3\.\d+)", facts.load_yaml("tests", "config.yml")["modules"]["python_requires"])
    return CONTROLLER_PYTHON[oldest], modules.group(1)


@pytest.mark.parametrize("path", DOCUMENTS)
def test_the_python_floors_are_the_controller_s_and_the_modules(path):
    """Each "Python 3.N or later" is the controller's ("... on the controller") or the modules' ("where the modules
    run ... Python 3.N or later"), and says the right number."""
    controller, modules = floors()
    doc = Document.load(facts.COLLECTION_ROOT, path)
    text = " ".join(doc.plain(sentence.text) for sentence in doc.sentences)
    assert f"Python {controller} or later on the controller" in text, f"{path}: the controller's floor"
    assert re.search(rf"modules run\b[^.;]*?Python {re.escape(modules)} or later", text), f"{path}: the modules' floor"
    for match in FLOOR.finditer(text):
        on_controller = text[match.end() :].startswith(" on the controller")
        expected = controller if on_controller else modules
        assert match.group(1) == expected, f"{path}: {text[max(0, match.start() - 80) : match.end() + 30]!r}"

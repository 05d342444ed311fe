# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by the docs tests (make docs-test, from the staged copy): the documents, the built tarball.

The emulator fixtures (live_api, live_api_fresh) come from tests/conftest.py.
"""

import os
import subprocess
import sys
import tarfile

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import facts
from doctext import Document

VENV_BIN = os.path.dirname(sys.executable)
SKIPPED_DIRS = {".git", ".build", "output", "build", "__pycache__", ".pytest_cache"}


def document_paths(root):
    """Every document of a collection tree: Markdown and RST files, and the plugins' documentation."""
    found = []
    for directory, subdirs, files in os.walk(root):
        relative = os.path.relpath(directory, root)
        subdirs[:] = sorted(
            d
            for d in subdirs
            if d not in SKIPPED_DIRS and not d.startswith(".venv") and os.path.join(relative, d) != "docs/build"
        )
        for name in sorted(files):
            path = os.path.normpath(os.path.join(relative, name))
            if name.endswith((".md", ".rst")) or (
                name.endswith(".py")
                and os.path.dirname(path) in ("plugins/modules", "plugins/doc_fragments")
                and name != "__init__.py"
            ):
                found.append(path)
    return found


@pytest.fixture(scope="session")
def documents():
    return [Document.load(facts.COLLECTION_ROOT, path) for path in document_paths(facts.COLLECTION_ROOT)]


@pytest.fixture(scope="session")
def readme():
    return Document.load(facts.COLLECTION_ROOT, "README.md")


@pytest.fixture(scope="session")
def tarball_tree(tmp_path_factory):
    """The collection as a release ships it: built with ansible-galaxy from this tree, then unpacked."""
    work = tmp_path_factory.mktemp("tarball")
    build = subprocess.run(
        [os.path.join(VENV_BIN, "ansible-galaxy"), "collection", "build", "--force", "--output-path", str(work)],
        cwd=facts.COLLECTION_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    tarball = next(work.glob("tencent-cloud-*.tar.gz"))
    tree = work / "tree"
    with tarfile.open(tarball) as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(tree, filter="data")
        else:  # a Python without extraction filters: check the names ourselves
            assert all(not name.startswith(("/", "..")) and "/../" not in name for name in archive.getnames())
            archive.extractall(tree)
    return str(tree)

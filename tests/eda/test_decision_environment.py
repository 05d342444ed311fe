# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""extensions/eda/decision-environment.yml with ansible-builder (no container engine here): the build
context installs Java 17, ansible-rulebook and aiohttp, and the collection from the tarball built by
hack/eda-test.sh; the collection's own Python needs are found by introspection."""

import os
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import COLLECTION_ROOT

VENV_BIN = os.path.dirname(sys.executable)


def tool(*args, cwd=None):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def tarball():
    path = os.environ.get("TENCENT_EDA_TARBALL")
    assert path, "run these tests with make eda-test (hack/eda-test.sh builds the collection tarball)"
    return path


def test_the_decision_environment_builds_a_context_with_rulebook_java_and_the_collection(tmp_path, tarball):
    with open(os.path.join(COLLECTION_ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        version = yaml.safe_load(handle)["version"]
    with open(os.path.join(COLLECTION_ROOT, "extensions", "eda", "decision-environment.yml"), encoding="utf-8") as f:
        definition = yaml.safe_load(f)
    name = f"tencent-cloud-{version}.tar.gz"
    assert definition["additional_build_files"][0]["src"] == name, "decision-environment.yml names another tarball"

    shutil.copy(os.path.join(COLLECTION_ROOT, "extensions", "eda", "decision-environment.yml"), tmp_path)
    shutil.copy(tarball, tmp_path / name)
    context = tmp_path / "context"
    tool(
        os.path.join(VENV_BIN, "ansible-builder"), "create", "--file", str(tmp_path / "decision-environment.yml"),
        "--context", str(context), "--output-filename", "Containerfile",
    )  # fmt: skip
    build = context / "_build"
    assert (build / "collections" / name).is_file()
    assert "java-17-openjdk-headless" in (build / "bindep.txt").read_text()
    python_requirements = (build / "requirements.txt").read_text()
    assert "ansible-rulebook>=1.3,<1.4" in python_requirements and "aiohttp" in python_requirements
    containerfile = (context / "Containerfile").read_text()
    assert "ENV JAVA_HOME=/usr/lib/jvm/jre-17-openjdk" in containerfile
    assert "ansible-galaxy collection install" in containerfile

    installed = tmp_path / "image-collections"  # the image's galaxy stage, run in the context's _build
    tool(
        os.path.join(VENV_BIN, "ansible-galaxy"), "collection", "install", "--offline", "-r", "requirements.yml",
        "--collections-path", str(installed), cwd=str(build),
    )  # fmt: skip
    source = installed / "ansible_collections" / "tencent" / "cloud" / "extensions" / "eda" / "plugins"
    assert (source / "event_source" / "live_callback.py").is_file()
    introspected = tool(os.path.join(VENV_BIN, "ansible-builder"), "introspect", "--sanitize", str(installed))
    assert "requests" in introspected and "tencent.cloud" in introspected

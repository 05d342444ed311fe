# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""`make demo` as a newcomer meets it: a fresh copy of the repository on a machine where
exactly one Python can be found.

Each case copies the repository's git-visible files (what a clone holds, plus uncommitted
work: hack/stage.py) into an empty directory, makes it a git work tree, and runs `make demo`
there with a PATH on which the only Python is one ``pythonX.Y`` (every other program of the
caller's PATH stays reachable), an empty PYENV_ROOT and FIND_PYTHON_NO_SYSTEM=1, so
hack/find-python.sh sees that one interpreter and nothing else. The demo must pick it, pick
the newest ansible-core series it supports, build its own venv with only the runtime
requirements -- exactly the packages and versions of that Python's lock in hack/locks/ --, stay
quiet (no warning, nothing on stderr but its progress lines), and end with the playbook's and
its own success summary.

Run by `make demo-test`, which passes the interpreters as DEMO_TEST_PYTHON311, DEMO_TEST_PYTHON312
and DEMO_TEST_PYTHON313 (make PYTHON311=... to choose others). Needs the package index (pip
installs each copy's .venv-demo/). `make test-latest` sets DEMO_TEST_LATEST=1: each case then runs
`make demo LATEST=1`, which installs the newest releases the ranges allow instead of the lock.
"""

import os
import re
import subprocess
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAKE_TIMEOUT = 600
# the newest final ansible-core series for each Python (Requires-Python of the releases)
EXPECTED_CORE = {"3.11": "2.19", "3.12": "2.21", "3.13": "2.22"}
LATEST = bool(os.environ.get("DEMO_TEST_LATEST"))
MAKE_DEMO = ["make", "demo", "LATEST=1"] if LATEST else ["make", "demo"]
# programs that would let find-python.sh (or make) see another Python
HIDDEN_PREFIXES = ("python", "pip", "pydoc", "idle", "2to3", "pyenv")
# the caller's environment that must not leak into the newcomer's make
DROPPED_PREFIXES = (
    "MAKE",
    "MFLAGS",
    "GNUMAKEFLAGS",
    "PYTHON",
    "VIRTUAL_ENV",
    "PYENV",
    "DEMO_",
    "ANSIBLE_",
    "TENCENTCLOUD_",
    "CONDA",
)
DROPPED_NAMES = ("V", "LATEST")  # LATEST: the case passes it on the make command line, or not


def interpreter(version):
    name = "DEMO_TEST_PYTHON" + version.replace(".", "")
    path = os.environ.get(name)
    if not path:
        pytest.fail(f"{name} is not set: run this test with `make demo-test` (or set it to a Python {version})")
    return path


def run(args, **kwargs):
    return subprocess.run(
        args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=MAKE_TIMEOUT, check=False, **kwargs
    )


def is_venv_or_pyenv_dir(directory):
    parent = os.path.dirname(os.path.abspath(directory))
    return os.path.isfile(os.path.join(parent, "pyvenv.cfg")) or ".pyenv" in directory.split(os.sep)


def path_with_only(tmp_path, pythons):
    """A bin directory linking every program on PATH except Pythons, plus NAME -> TARGET of `pythons`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not directory or not os.path.isdir(directory) or is_venv_or_pyenv_dir(directory):
            continue
        for name in os.listdir(directory):
            target = os.path.join(directory, name)
            if name.startswith(HIDDEN_PREFIXES) or (bin_dir / name).exists() or (bin_dir / name).is_symlink():
                continue
            if os.path.isfile(target) and os.access(target, os.X_OK):
                (bin_dir / name).symlink_to(target)
    for name, target in pythons.items():
        (bin_dir / name).symlink_to(target)
    return bin_dir


def fresh_copy(tmp_path):
    """The repository's git-visible files in a new git work tree, as after `git clone`."""
    copy = tmp_path / "tencent.cloud"
    result = run([sys.executable, os.path.join(REPO_ROOT, "hack", "stage.py"), REPO_ROOT, str(copy)])
    assert result.returncode == 0, result.stdout
    for args in (["git", "init", "-q"], ["git", "add", "-A"]):
        result = run(args, cwd=str(copy))
        assert result.returncode == 0, result.stdout
    assert not any(name.startswith(".venv") for name in os.listdir(str(copy))), "the copy must start without venvs"
    return copy


def newcomer_env(tmp_path, bin_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED_PREFIXES) and k not in DROPPED_NAMES}
    empty_pyenv = tmp_path / "no-pyenv"
    empty_pyenv.mkdir()
    env.update(PATH=str(bin_dir), PYENV_ROOT=str(empty_pyenv), FIND_PYTHON_NO_SYSTEM="1")
    return env


def installed_distributions(venv_python):
    """{normalized name: version} of every distribution in the venv."""
    code = "import importlib.metadata as m; print('\\n'.join(d.metadata['Name'] + ' ' + d.version for d in m.distributions()))"
    result = run([venv_python, "-c", code])
    assert result.returncode == 0, result.stdout
    return {normalized(name): version for name, version in (line.split() for line in result.stdout.splitlines())}


def normalized(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins(lock):
    """{normalized name: version} of every package a lock pins (uv's format: `name==version [; marker] \\`)."""
    with open(lock, encoding="utf-8") as f:
        return {
            normalized(m.group(1)): m.group(2)
            for m in re.finditer(r"^([A-Za-z0-9][\w.-]*)==([^\s;\\]+)", f.read(), re.M)
        }


def requirement_names(filename):
    names = set()
    with open(os.path.join(REPO_ROOT, filename), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.add(re.split(r"[<>=!~;\[ ]", line, maxsplit=1)[0].lower())
    return names


@pytest.mark.parametrize("version", sorted(EXPECTED_CORE))
def test_make_demo_with_only_one_python(tmp_path, version):
    python = interpreter(version)
    core = EXPECTED_CORE[version]
    copy = fresh_copy(tmp_path)
    bin_dir = path_with_only(tmp_path, {"python" + version: python})
    env = newcomer_env(tmp_path, bin_dir)

    # nothing else is visible: find-python.sh finds exactly this interpreter for every version
    for other in ("3.10", "3.11", "3.12", "3.13", "3.14"):
        found = run([os.path.join(str(copy), "hack", "find-python.sh"), other], env=env)
        if other == version:
            assert found.stdout.strip() == str(bin_dir / ("python" + version)), found.stdout
        else:
            assert found.returncode == 1 and not found.stdout.strip(), f"Python {other} is not hidden: {found.stdout}"

    result = run(MAKE_DEMO, cwd=str(copy), env=env)
    out = result.stdout
    assert result.returncode == 0, f"make demo failed ({result.returncode}):\n{out}"
    lines = out.splitlines()
    lock = f"hack/locks/demo-core{core}-py{version}.txt"

    # the choice, said first
    assert re.match(
        r"demo: Python {}\.\d+ \({}\) -> ansible-core {}, the newest series for Python {}$".format(
            re.escape(version), re.escape(str(bin_dir / ("python" + version))), re.escape(core), re.escape(version)
        ),
        lines[0],
    ), out
    major, minor = core.split(".")
    spec = f"ansible-core>={core},<{major}.{int(minor) + 1}"
    creating = f"with {spec} and requirements.txt (the ranges, no lock)" if LATEST else f"from {lock}"
    assert lines[1] == f"demo: creating .venv-demo/ {creating} ...", out
    assert re.search(
        rf"^demo: \.venv-demo/: ansible-core {re.escape(core)}\.\d+ and requests \S+ \(\d+ s\)$", out, re.M
    ), out

    # quiet: a few progress lines before the playbook, no pip / ansible-galaxy chatter, and no warning at all
    # (Python's, such as cryptography's DSA deprecation on ansible-core's import, or Ansible's)
    before_play = lines[: next(i for i, line in enumerate(lines) if line.startswith("PLAY ["))]
    assert len([line for line in before_play if line.strip()]) <= 6, out
    assert not re.search(r"Warning\b|\[WARNING\]|\[DEPRECATION WARNING\]", out), out
    for chatter in (
        "Collecting ",
        "Successfully installed",
        "Installing collected",
        "Created collection for",
        "Starting galaxy collection install",
    ):
        assert chatter not in out, f"{chatter!r} in the quiet output:\n{out}"

    # the playbook's and the demo's success summaries
    assert re.search(r"resume +forbid +-> inactive +changed", out), out
    assert re.search(r"resume again +inactive +-> inactive +ok +\S+, no write", out), out
    # 11 tasks: the endpoint check, a read and a check before, forbid / resume / resume again, their checks and
    # table, and the restore (a no-op read here), a read and a check after
    assert re.search(r"localhost +: ok=11 +changed=2 +unreachable=0 +failed=0", out), out
    assert re.search(r"stream1 is inactive again, as before the demo", out), out
    assert re.search(r"^ResumeLiveStream +1$", out, re.M) and re.search(r"^total +8$", out, re.M), out
    assert re.search(
        rf"^demo: passed in \d+ s \(Python {re.escape(version)}\.\d+, ansible-core {re.escape(core)}\.\d+\)$", out, re.M
    ), out

    # its own venv, on that Python, with the runtime requirements and none of the test tooling
    venv_python = str(copy / ".venv-demo" / "bin" / "python")
    check = run(
        [
            venv_python,
            "-c",
            "import sys, ansible.release as r, requests; print('%d.%d' % sys.version_info[:2], r.__version__)",
        ]
    )
    assert check.returncode == 0, check.stdout
    got_python, got_core = check.stdout.split()
    assert got_python == version and got_core.startswith(core + "."), check.stdout
    installed = installed_distributions(venv_python)
    assert {"ansible-core", "requests"} <= set(installed), installed
    assert not set(installed) & requirement_names("test-requirements.txt"), installed
    if not LATEST:
        # exactly what the lock pins, at its versions (pip, when the venv has one, is the Python's own)
        assert {k: v for k, v in installed.items() if k != "pip"} == lock_pins(str(copy / lock)), installed
    assert not (copy / ".venv").exists(), "make demo built the test venv"

    # again, verbose: the venv is reused, and V=1 shows what the quiet run kept in .build/demo/
    again = run([*MAKE_DEMO, "V=1"], cwd=str(copy), env=env)
    assert again.returncode == 0, f"make demo V=1 failed ({again.returncode}):\n{again.stdout}"
    assert re.search(rf"^demo: using \.venv-demo/ \(ansible-core {re.escape(core)}\.\d+\)$", again.stdout, re.M), (
        again.stdout
    )
    assert "Created collection for tencent.cloud" in again.stdout, again.stdout
    assert "demo: passed in" in again.stdout, again.stdout


def test_make_demo_without_a_fitting_python_says_what_to_install(tmp_path):
    copy = fresh_copy(tmp_path)
    env = newcomer_env(tmp_path, path_with_only(tmp_path, {}))

    result = run(["make", "demo"], cwd=str(copy), env=env)
    out = result.stdout
    assert result.returncode != 0, out
    assert "demo: ERROR: no Python 3.10 to 3.14 found" in out, out
    assert "sudo apt install python3 python3-venv" in out and "brew install python@" in out, out
    assert "make demo DEMO_PYTHON=/path/to/python3" in out, out
    assert not (copy / ".venv-demo").exists(), "a venv was made without a Python to make it"

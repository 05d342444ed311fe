# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ansible-core versions the documents and definitions state, against the Makefile that tests them.

- CONTRIBUTING.md's version matrix: a column for the oldest, the previous and the newest ansible-core of the
  Makefile (CORE_OLDEST, CORE_PREVIOUS, CORE_NEWEST) with their Pythons, every series between them named;
- the execution and decision environment definitions install the tested range, oldest to newest;
- hack/demo.sh installs the newest on Python 3.13 and the previous on 3.12, and a lock exists for every
  Python it runs on; hack/locks/ holds no lock that nothing makes;
- the quick start's answer to cryptography's DSA warning: the cap it gives is the one the locks use
  (hack/lock-constraints.txt), and its PYTHONWARNINGS filter, read by Python as it starts, silences that
  warning as the quick start quotes it and nothing else.
"""

import os
import re
import subprocess
import sys

import facts
import pytest
import yaml

DEFINITIONS = ("awx/execution-environment.yml", "extensions/eda/decision-environment.yml")


def make_variable(name):
    match = re.search(rf"^{name}\s*:?=\s*(\S+)\s*$", facts.read("Makefile"), re.M)
    assert match, f"the Makefile sets no {name}"
    return match.group(1)


def series_after(series):
    major, minor = series.split(".")
    return f"{major}.{int(minor) + 1}"


@pytest.fixture(scope="module")
def cores():
    return {end: make_variable(f"CORE_{end.upper()}") for end in ("oldest", "previous", "newest")}


def test_the_matrix_has_a_column_for_each_tested_ansible_core(cores):
    text = facts.read("CONTRIBUTING.md")
    header = next((line for line in text.splitlines() if line.startswith("| suite |")), None)
    assert header, "CONTRIBUTING.md has no version matrix (a table whose first column is 'suite')"
    columns = [cell.strip() for cell in header.strip("|").split("|")][1:]
    assert columns[0] == f"ansible-core {cores['oldest']} / Python 3.11", columns
    assert columns[-2:] == [
        f"ansible-core {cores['previous']} / Python 3.13",
        f"ansible-core {cores['newest']} / Python 3.13",
    ]
    named = set()
    for column in columns:
        span = re.fullmatch(r"ansible-core 2\.(\d+) to 2\.(\d+)", column)
        if span:
            named.update(range(int(span.group(1)), int(span.group(2)) + 1))
        else:
            named.update(int(minor) for minor in re.findall(r"\bansible-core 2\.(\d+)\b", column))
    oldest, newest = (int(cores[end].split(".")[1]) for end in ("oldest", "newest"))
    assert named == set(range(oldest, newest + 1)), f"the version matrix's columns {columns} name 2.{sorted(named)}"
    for end in ("oldest", "previous", "newest"):
        spec = make_variable(f"CORE_{end.upper()}_SPEC")
        assert spec == f"ansible-core>={cores[end]},<{series_after(cores[end])}", f"CORE_{end.upper()}_SPEC: {spec}"


@pytest.mark.parametrize("definition", DEFINITIONS)
def test_the_environment_definitions_install_the_tested_range(definition, cores):
    core = yaml.safe_load(facts.read(definition))["dependencies"]["ansible_core"]["package_pip"]
    assert core == f"ansible-core>={cores['oldest']},<{series_after(cores['newest'])}", f"{definition}: {core}"
    requires = facts.load_yaml("meta", "runtime.yml")["requires_ansible"]
    assert re.fullmatch(rf">={re.escape(cores['oldest'])}(\.0)?", requires), requires


def test_the_demo_installs_the_newest_and_every_lock_is_made(cores):
    plan = subprocess.run(
        [facts.path("hack", "demo.sh"), "--lock-plan"], check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    series = {}
    demo_locks = set()
    for line in plan.splitlines():
        lock, python, spec, *_files = line.split()
        series[python] = re.match(r"ansible-core>=(\d+\.\d+),", spec).group(1)
        demo_locks.add(lock)
        assert os.path.isfile(facts.path(lock)), f"no {lock}: run make lock"
    assert series["3.13"] == cores["newest"] and series["3.12"] == cores["previous"], series
    made = {os.path.basename(lock) for lock in demo_locks}
    makefile = facts.read("Makefile")
    for value in re.findall(r"^LOCK_[A-Z_]+\s*:=\s*\$\(LOCKS\)/(\S+)$", makefile, re.M):
        made.add(re.sub(r"\$\(([A-Z_]+)\)", lambda m: make_variable(m.group(1)), value))
    present = set(os.listdir(facts.path("hack", "locks")))
    assert present == made, f"hack/locks/ holds {sorted(present - made)}, lacks {sorted(made - present)}"


def dsa_section():
    """The quick start's section about the DSA warning, from its label to the next section's."""
    text = facts.read("docs", "docsite", "rst", "quick_start.rst")
    match = re.search(
        r"^\.\. _[\w.]+\.quick_start\.dsa_warning:\n\n[^\n]+\n-{3,}\n(.*?)(?=^\.\. _|^[^\n]+\n-{3,}$|\Z)",
        text,
        re.M | re.S,
    )
    assert match, "quick_start.rst has no section labelled ...quick_start.dsa_warning"
    return match.group(1)


def test_the_dsa_cap_is_the_one_the_locks_use():
    cap = re.search(r"pip install '(cryptography<\d+)'", dsa_section()).group(1)
    constraints = [
        line.split("#")[0].strip() for line in facts.read("hack", "lock-constraints.txt").splitlines() if line.strip()
    ]
    assert cap in constraints, (cap, constraints)


def test_the_dsa_filter_silences_that_warning_and_no_other(tmp_path):
    section = dsa_section()
    value = re.search(r"export PYTHONWARNINGS='([^']+)'", section).group(1)
    message = re.search(r"CryptographyDeprecationWarning: (.+)$", section, re.M).group(1)
    # a stand-in for cryptography.utils: the same class name and base, the message the quick start quotes
    (tmp_path / "stand_in.py").write_text(
        "import warnings\n"
        "class CryptographyDeprecationWarning(UserWarning):\n    pass\n"
        "def warn(message):\n    warnings.warn(message, CryptographyDeprecationWarning, stacklevel=2)\n"
    )

    def stderr(text, filters):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
        if filters:
            env["PYTHONWARNINGS"] = filters
        code = f"import stand_in; stand_in.warn({text!r})"
        return subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True, check=True
        ).stderr

    assert message in stderr(message, None)
    assert stderr(message, value) == "", "the quick start's PYTHONWARNINGS does not silence the warning it quotes"
    other = "RSA is deprecated and support will be removed in a future release."
    assert other in stderr(other, value), "the quick start's PYTHONWARNINGS silences more than the DSA warning"

"""Build ansible-test's sanity virtual environments whose requirements name a URL outside the
package index, with the released package from the index instead.

ansible-test sanity installs each test's requirements into a cached virtual environment
(~/.ansible/test/venv/sanity.<test>/<python>/<hash of the pip commands>) and reuses one that
has its marker.txt. ansible-core 2.22.0rc1 pins pylint's ``dill`` to a GitHub archive of an
unreleased commit ("needed until dill released with 3.15 support"), which cannot be fetched
here; on Python 3.13 the released dill works. This script creates that same environment the
way ansible-test does (venv without pip, then ansible-test's own pip script: bootstrap,
install, uninstall of the set-up packages), with each ``name @ URL`` requirement line replaced
by ``name``, and writes ansible-test's metadata and marker, so that ansible-test finds it and
installs nothing. Environments that exist, and tests whose requirements need no such change,
are left to ansible-test.

Run with the Python of the venv whose ansible-test runs sanity (it must import ansible_test),
after hack/install_get_pip_stub.py (the pip bootstrap uses the cached get-pip script).

Usage: python prebuild_sanity_venvs.py PYTHON_VERSION [TEST...]   (default tests: pylint)
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

URL_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*@\s*\S+.*$", re.MULTILINE)


def offline(contents, replaced):
    """The requirements text with each ``name @ URL`` line made ``name``; the lines replaced go to replaced."""

    def plain(match):
        replaced.append(match.group(0).strip())
        return match.group(1)

    return URL_REQUIREMENT.sub(plain, contents)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    python_version, tests = sys.argv[1], sys.argv[2:] or ["pylint"]
    if python_version != "{}.{}".format(*sys.version_info[:2]):
        sys.exit(f"prebuild_sanity_venvs: run it with Python {python_version}, not {sys.version.split()[0]}")

    from ansible_test._internal.commands.sanity import hash_pip_commands
    from ansible_test._internal.host_configs import NativePythonConfig
    from ansible_test._internal.python_requirements import PipInstall, collect_requirements, prepare_pip_script
    from ansible_test._internal.util import ANSIBLE_TEST_TARGET_TOOLS_ROOT

    python = NativePythonConfig(version=python_version, path=sys.executable)
    for test in tests:
        commands = collect_requirements(
            python=python, controller=True, command=None, ansible=False, coverage=False, minimize=False, sanity=test
        )
        replaced = []
        patched = [
            PipInstall(
                requirements=[(path, offline(contents, replaced)) for path, contents in c.requirements],
                constraints=list(c.constraints),
                packages=list(c.packages),
            )
            if isinstance(c, PipInstall)
            else c
            for c in commands
        ]
        if not replaced:
            print(f"sanity.{test} on Python {python_version}: no URL requirements, left to ansible-test")
            continue
        # the path ansible-test computes from its own (unpatched) commands
        path = os.path.expanduser(
            os.path.join("~/.ansible/test/venv", f"sanity.{test}", python_version, hash_pip_commands(commands))
        )
        marker = os.path.join(path, "marker.txt")
        if os.path.exists(marker):
            print(f"sanity.{test} on Python {python_version}: {path} exists")
            continue
        print(f"sanity.{test} on Python {python_version}: building {path}, from the index instead of a URL: {replaced}")
        shutil.rmtree(path, ignore_errors=True)
        base_python = getattr(sys, "_base_executable", None) or sys.executable
        subprocess.run([base_python, "-m", "venv", "--without-pip", path], check=True)
        venv_python = os.path.join(path, "bin", "python")
        try:
            subprocess.run([venv_python], input=prepare_pip_script(patched).encode("utf-8"), check=True)
            yaml = json.loads(
                subprocess.run(
                    [venv_python, os.path.join(ANSIBLE_TEST_TARGET_TOOLS_ROOT, "yamlcheck.py")],
                    check=True,
                    stdout=subprocess.PIPE,
                ).stdout
            )
        except (subprocess.CalledProcessError, ValueError):
            shutil.rmtree(path, ignore_errors=True)
            raise
        # what ansible-test writes after creating one (commands.sanity.create_sanity_virtualenv)
        with open(os.path.join(path, "meta.install.json"), "w", encoding="utf-8") as handle:
            handle.write(json.dumps([c.serialize() for c in commands], indent=4))
        with open(os.path.join(path, "meta.yaml.json"), "w", encoding="utf-8") as handle:
            json.dump(yaml["cloader"] if yaml["yaml"] else None, handle)
        pathlib.Path(marker).touch()


if __name__ == "__main__":
    main()

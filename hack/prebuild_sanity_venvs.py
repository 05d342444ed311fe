"""Build ansible-test's sanity virtual environments whose requirements name a URL outside the
package index, with a released package from the index instead.

ansible-test sanity installs each test's requirements into a cached virtual environment
(~/.ansible/test/venv/sanity.<test>/<python>/<hash of the pip commands>) and reuses one that
has its marker.txt. ansible-core 2.22.0 pins pylint's ``dill`` to a GitHub archive of an
unreleased commit ("needed until dill released with 3.15 support"), which cannot be fetched
here; on Python 3.13 the released dill works. This script creates that same environment the
way ansible-test does (venv without pip, then ansible-test's own pip script: bootstrap,
install, uninstall of the set-up packages), with each ``name @ URL`` requirement line replaced
by ``name==VERSION`` from RELEASED (every other line of ansible-test's file is an exact pin
already), and writes ansible-test's metadata and marker, so that ansible-test finds it and
installs nothing. An environment that exists with that version is kept; tests whose
requirements need no such change are left to ansible-test.

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
# The release installed in place of a URL requirement: a pin, so the environment is the same on every
# machine (the newest dill on the index when ansible-core 2.22.0 was locked; CONTRIBUTING.md says when to
# change it). A URL requirement of a package not named here fails, naming it.
RELEASED = {"dill": "0.4.1"}


def offline(contents, replaced):
    """The requirements text with each ``name @ URL`` line made ``name==RELEASED[name]``; replaced (a dict)
    gets name: the release used."""

    def plain(match):
        name = match.group(1)
        if name.lower() not in RELEASED:
            sys.exit(
                f"prebuild_sanity_venvs: ansible-test names {name} by URL ({match.group(0).strip()}), which cannot be"
                f" fetched here: add the release to use instead to RELEASED in {__file__}"
            )
        replaced[name] = RELEASED[name.lower()]
        return f"{name}=={replaced[name]}"

    return URL_REQUIREMENT.sub(plain, contents)


def installed_versions(venv_python, names):
    """The installed version of each of names in the venv, or None when it cannot be read."""
    code = "import importlib.metadata as m, sys; print(' '.join(m.version(n) for n in sys.argv[1:]))"
    try:
        out = subprocess.run([venv_python, "-c", code, *names], check=True, stdout=subprocess.PIPE, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return dict(zip(names, out.split()))


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
        replaced = {}
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
            if installed_versions(os.path.join(path, "bin", "python"), list(replaced)) == replaced:
                print(f"sanity.{test} on Python {python_version}: {path} exists ({replaced})")
                continue
            print(f"sanity.{test} on Python {python_version}: {path} does not hold {replaced}: building it again")
        print(
            f"sanity.{test} on Python {python_version}: building {path}, with {replaced} from the index instead of a URL"
        )
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

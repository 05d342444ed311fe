"""Put hack/get_pip_stub.py where ansible-test looks for its cached get-pip script.

Run with the Python of a virtual environment that has ansible-core installed; the
pip version(s) ansible-test wants are read from that ansible-test itself, so this keeps
working when ansible-core changes its pinned pip. Idempotent: a stub that is already in
place is left alone, and a real (downloaded) get-pip script is never overwritten.

Usage: python install_get_pip_stub.py PYTHON_VERSION...   (e.g. 3.13)
"""

import os
import shutil
import sys
import types

MARKER = "tencent.cloud offline get-pip stub"


def wanted_pip_versions(python_versions):
    # get_venv_packages() only looks at .version of its argument
    from ansible_test._internal.python_requirements import get_venv_packages

    return sorted({get_venv_packages(types.SimpleNamespace(version=v))["pip"] for v in python_versions})


def main():
    python_versions = sys.argv[1:] or ["{}.{}".format(*sys.version_info[:2])]
    stub = os.path.join(os.path.dirname(os.path.abspath(__file__)), "get_pip_stub.py")
    with open(stub, encoding="utf-8") as f:
        stub_text = f.read()
    cache = os.path.expanduser("~/.ansible/test/cache")
    os.makedirs(cache, exist_ok=True)

    for pip_version in wanted_pip_versions(python_versions):
        path = os.path.join(cache, "get_pip_{}.py".format(pip_version.replace(".", "_")))
        if os.path.exists(path):
            with open(path, encoding="utf-8", errors="replace") as f:
                current = f.read()
            if current == stub_text or MARKER not in current:
                print(f"get-pip for pip {pip_version}: {path} (present)")
                continue
        tmp = f"{path}.tmp{os.getpid()}"
        shutil.copyfile(stub, tmp)
        os.replace(tmp, path)
        print(f"get-pip for pip {pip_version}: {path} (offline stub installed)")


if __name__ == "__main__":
    main()

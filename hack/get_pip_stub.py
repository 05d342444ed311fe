# tencent.cloud offline get-pip stub -- installed by hack/install_get_pip_stub.py
"""Stand-in for the get-pip.py script ansible-test downloads to bootstrap pip.

ansible-test creates its sanity-test virtual environments without pip and then runs
``~/.ansible/test/cache/get_pip_<version>.py [pip options] pip==X ...`` inside them. The
real script comes from a host CI cannot reach, so this stub does the same job offline:
bootstrap the pip bundled with Python (ensurepip), then let that pip install the exact
packages ansible-test asked for -- through the normally configured index/mirror.
"""

import ensurepip
import os
import subprocess
import sys

# get-pip.py options that are not pip install options
GET_PIP_ONLY = ("--no-setuptools", "--no-wheel")


def main():
    args = [a for a in sys.argv[1:] if a not in GET_PIP_ONLY]
    # ensurepip.bootstrap() sets PIP_CONFIG_FILE=/dev/null (and drops PIP_* variables) in
    # os.environ; the real install must see the machine's pip configuration (index,
    # mirror, CA bundle), so it gets the environment from before the bootstrap.
    env = dict(os.environ)
    ensurepip.bootstrap(upgrade=True)
    sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", *args], env=env))


if __name__ == "__main__":
    main()

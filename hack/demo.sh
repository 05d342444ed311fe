#!/usr/bin/env bash
# The newcomer's demo (`make demo`): in a virtual environment of its own with only what the
# demo needs, build and install the collection, start the emulator, run playbooks/demo.yml
# against it, print the API calls the emulator saw.
#
# Usage: hack/demo.sh [extra ansible-playbook args, e.g. -v or --diff]
#        hack/demo.sh --lock-plan   (make lock) one line per Python the demo supports: its lock file,
#                                   the Python, the ansible-core series' spec and requirements.txt
# Env:   DEMO_PYTHON   the interpreter (default: the newest Python 3.10 to 3.14 that
#                      hack/find-python.sh finds)
#        DEMO_VENV     the demo's virtual environment (default: .venv-demo/)
#        DEMO_VERBOSE  non-empty: show the full output of pip, staging and ansible-galaxy
#                      (otherwise it is logged in .build/demo/ and shown only on failure)
#        DEMO_FROM     lock (default): install from hack/locks/demo-coreSERIES-pyPYTHON.txt;
#                      ranges (make demo LATEST=1): the newest releases of the series and requirements.txt
#
# The venv holds ansible-core -- the newest series the chosen Python supports, see
# core_series -- and requirements.txt, nothing of the test tooling (.venv/), every package at the
# version and hash of that Python's lock (cryptography among them: below 51, whose DSA deprecation
# ansible-core's import would print on stderr; hack/lock-constraints.txt). It is re-created when the
# Python, the lock (or, from the ranges, the ansible-core series or requirements.txt) changes.
#
# The playbook runs from the repository but uses the *built and installed* collection
# (ANSIBLE_COLLECTIONS_PATH=.build/collections), exactly as a user would.
set -euo pipefail

started=$SECONDS
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/.build
stage=$build/ansible_collections/tencent/cloud
logs=$build/demo
venv=${DEMO_VENV:-.venv-demo}
case $venv in
    /*) ;;
    *) venv=$root/$venv ;;
esac
verbose=${DEMO_VERBOSE:-}
mkdir -p "$logs"

say() { echo "demo: $*"; }
# the path as the user knows it: relative to the repository when inside it
show() { case $1 in "$root"/*) echo "${1#"$root"/}" ;; *) echo "$1" ;; esac; }

# run LOG CMD... -- quiet: output to .build/demo/LOG.log, printed only when CMD fails
run() {
    local log=$logs/$1.log rc=0
    shift
    if [ -n "$verbose" ]; then
        "$@" 2>&1 | tee "$log" || rc=$?
    else
        "$@" >"$log" 2>&1 || rc=$?
    fi
    if [ "$rc" -ne 0 ]; then
        if [ -z "$verbose" ]; then
            sed 's/^/    /' "$log" >&2
        fi
        echo "demo: FAILED (status $rc): $*" >&2
        echo "      (output above and in $(show "$log"))" >&2
    fi
    return "$rc"
}

if [ ! -f "$root/playbooks/demo.yml" ]; then
    echo "ERROR: playbooks/demo.yml does not exist (yet)" >&2
    exit 1
fi

# ------------------------------------------------------------------ Python and ansible-core
# The newest ansible-core series (final releases) each Python can run, from the releases'
# Requires-Python: 2.17 is the last for 3.10, 2.19 the last for 3.11, 2.21 the last for 3.12
# (2.20 and 2.21 need 3.12+, 2.22 needs 3.13+). make lock makes a lock for each line.
core_series() {
    case $1 in
        3.10) echo 2.17 ;;
        3.11) echo 2.19 ;;
        3.12) echo 2.21 ;;
        3.13 | 3.14) echo 2.22 ;;
        *) return 1 ;;
    esac
}
oldest=3.10 newest=3.14
series_spec() { echo "ansible-core>=$1,<${1%.*}.$((${1#*.} + 1))"; }
lock_of() { echo "hack/locks/demo-core$2-py$1.txt"; }  # PYTHON SERIES, relative to the repository

if [ "${1:-}" = --lock-plan ]; then
    for ((minor = ${oldest#*.}; minor <= ${newest#*.}; minor++)); do
        s=$(core_series "3.$minor")
        echo "$(lock_of "3.$minor" "$s") 3.$minor $(series_spec "$s") requirements.txt"
    done
    exit 0
fi

no_python() {
    cat >&2 <<EOF
demo: ERROR: $1
  make demo needs Python $oldest to $newest with the venv module. Install one, e.g.
    Ubuntu 24.04 / Debian 12:  sudo apt install python3 python3-venv   (3.12 / 3.11)
    Fedora:                    sudo dnf install python3
    macOS (Homebrew):          brew install python@3.13
    pyenv:                     pyenv install 3.13
  or name one: make demo DEMO_PYTHON=/path/to/python3
EOF
    exit 1
}

if [ -n "${DEMO_PYTHON:-}" ]; then
    python=$DEMO_PYTHON
    "$python" -c 'import venv, ensurepip' 2>/dev/null ||
        no_python "DEMO_PYTHON=$python does not run, or has no venv/ensurepip module."
else
    python=$("$root/hack/find-python.sh" "$oldest-$newest") ||
        no_python "no Python $oldest to $newest found (looked for python3.14 ... python3.10, python3 and
  python on PATH, under ${PYENV_ROOT:-~/.pyenv}/versions/, in /usr/local/bin and /usr/bin)."
fi
read -r pyver pyfull < <("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2], sys.version.split()[0])')
series=$(core_series "$pyver") ||
    no_python "DEMO_PYTHON=$python is Python $pyfull."
core_spec=$(series_spec "$series")
say "Python $pyfull ($python) -> ansible-core $series, the newest series for Python $pyver"
from=${DEMO_FROM:-lock}
case $from in
    lock)
        lock=$(lock_of "$pyver" "$series")
        "$root/hack/lock.sh" verify "$lock" "$pyver" "$core_spec" requirements.txt || exit 1
        want_stamp="$python $pyfull $lock $("$root/hack/lock.sh" sha256 "$root/$lock")"
        source="from $lock"
        pip_from=(--require-hashes -r "$root/$lock")
        ;;
    ranges)
        want_stamp="$python $pyfull $core_spec"
        source="with $core_spec and requirements.txt (the ranges, no lock)"
        pip_from=("$core_spec" -r "$root/requirements.txt")
        ;;
    *) echo "demo: ERROR: DEMO_FROM must be lock or ranges, not $from" >&2; exit 2 ;;
esac

# ------------------------------------------------------------------ the demo's venv
# Several people may share one checkout: build the venv under an exclusive lock.
locked=
if command -v flock >/dev/null 2>&1; then
    exec 9>"$build/$(basename "$venv").lock"
    flock -n 9 || { say "waiting for another make demo to finish with $(show "$venv")/ ..."; flock 9; }
    locked=yes
fi
stamp=$venv/.demo-stamp
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ] && { [ "$from" = lock ] || [ ! "$root/requirements.txt" -nt "$stamp" ]; }; then
    say "using $(show "$venv")/ (ansible-core $("$venv/bin/python" -c 'import ansible.release as r; print(r.__version__)'))"
else
    # never delete a directory the demo did not make (say DEMO_VENV=.venv, the test venv)
    if [ -e "$venv" ] && [ ! -f "$venv/.demo-venv" ]; then
        echo "demo: ERROR: $(show "$venv") exists and is not a venv made by make demo; remove it, or" \
            "choose another: make demo DEMO_VENV=.venv-demo" >&2
        exit 1
    fi
    say "creating $(show "$venv")/ $source ..."
    t=$SECONDS
    rm -rf "$venv"
    mkdir -p "$venv"
    touch "$venv/.demo-venv"
    pip_args=(install --disable-pip-version-check --no-compile "${pip_from[@]}")
    # The demo venv needs no pip of its own: when the chosen Python has pip 22.3+ (--python),
    # that pip installs into a venv made without one (seconds faster than ensurepip).
    if "$python" -c 'import sys
from pip import __version__ as v
sys.exit(tuple(map(int, v.split(".")[:2])) < (22, 3))' 2>/dev/null; then
        run venv "$python" -m venv --without-pip "$venv"
        run pip "$python" -m pip --python "$venv/bin/python" "${pip_args[@]}"
    else
        run venv "$python" -m venv "$venv"
        run pip "$venv/bin/python" -m pip "${pip_args[@]}"
    fi
    echo "$want_stamp" >"$stamp"
    say "$(show "$venv")/: $("$venv/bin/python" -c 'import ansible.release as a, requests as r
print("ansible-core", a.__version__, "and requests", r.__version__, end="")') ($((SECONDS - t)) s)"
fi
if [ -n "$locked" ]; then exec 9>&-; fi
export PATH="$venv/bin:$PATH"
# pip installed without compiling (--no-compile saves seconds); the first ansible command then
# compiles only what it imports, into the venv. With bytecode writing off, every ansible command
# would compile ansible again (a second or more each); the demo writes bytecode only into its
# git-ignored venv and .build/.
unset PYTHONDONTWRITEBYTECODE

# shellcheck source=hack/emulator.sh
. "$root/hack/emulator.sh"
trap emulator_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ build, install
# the tarball is built from the git-visible files, staged by hack/stage.py (standard library only)
run stage "$venv/bin/python" "$root/hack/stage.py"
rm -rf "$build/dist"
mkdir -p "$build/dist" "$build/collections"
build_tarball() (cd "$stage" && ansible-galaxy collection build --force --output-path "$build/dist")
run build build_tarball
tarballs=("$build"/dist/tencent-cloud-*.tar.gz)
if [ "${#tarballs[@]}" -ne 1 ] || [ ! -f "${tarballs[0]}" ]; then
    echo "ERROR: expected exactly one tencent-cloud-*.tar.gz in $build/dist" >&2
    exit 1
fi
run install env ANSIBLE_COLLECTIONS_PATH="$build/collections" \
    ansible-galaxy collection install --offline --force -p "$build/collections" "${tarballs[0]}"
say "built $(show "${tarballs[0]}") and installed it into $(show "$build/collections")/"

# ------------------------------------------------------------------ emulator, playbook
emulator_start "$venv/bin/python" "$root/tests/emulator/live_emulator.py" "$logs"

say "ansible-playbook playbooks/demo.yml $*"
rc=0
(
    cd "$root"
    export ANSIBLE_COLLECTIONS_PATH="$build/collections"
    export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false   # only the collection we just built
    export ANSIBLE_LOCALHOST_WARNING=false
    export ANSIBLE_INVENTORY_UNPARSED_WARNING=false
    export TENCENTCLOUD_SECRET_ID=AKIDEMULATOR00000000000000000000000
    export TENCENTCLOUD_SECRET_KEY=emulator-secret-key-0000000000000000
    export TENCENTCLOUD_LIVE_ENDPOINT="$EMULATOR_URL"
    ansible-playbook playbooks/demo.yml -e "tencent_emulator_url=$EMULATOR_URL/_emulator" "$@"
) || rc=$?

echo "API calls the emulator saw:"
"$venv/bin/python" - "$EMULATOR_URL/_emulator/calls" <<'PY' || true
import json
import sys
import urllib.request

try:
    with urllib.request.urlopen(sys.argv[1], timeout=10) as response:
        data = json.load(response)
except Exception as exc:  # the summary is informational only
    print('could not read %s: %s' % (sys.argv[1], exc))
    sys.exit(0)
counts = data.get('counts') or {}
if not counts:
    print('(no API calls)')
    sys.exit(0)
width = max(len('Action'), *(len(a) for a in counts))
print('%-*s  %5s' % (width, 'Action', 'calls'))
print('%s  %s' % ('-' * width, '-' * 5))
for action in sorted(counts):
    print('%-*s  %5d' % (width, action, counts[action]))
print('%-*s  %5d' % (width, 'total', sum(counts.values())))
PY

if [ "$rc" -ne 0 ]; then
    echo "demo: FAILED: ansible-playbook exited with status $rc; emulator log: $(show "$logs")/emulator.log" >&2
    exit "$rc"
fi
say "passed in $((SECONDS - started)) s (Python $pyfull, ansible-core $("$venv/bin/python" -c 'import ansible.release as r; print(r.__version__)'))"

#!/usr/bin/env bash
# Create (or re-create) a virtual environment and mark it with a stamp file.
#
# Usage: hack/make-venv.sh PYTHON VENV_DIR STAMP ANSIBLE_CORE_SPEC REQUIREMENTS_FILE...
#
# Several people share one checkout here, so two makes may want to rebuild the same venv
# at once; one would delete it under the other's pip. The work is done under an exclusive
# lock (flock, when available), and after waiting for the lock we re-check the stamp: if
# the other process just built it from the same requirements, there is nothing to do.
set -euo pipefail

python=$1 venv=$2 stamp=$3 core_spec=$4
shift 4
requirements=("$@")

if command -v flock >/dev/null 2>&1; then
    # in .build/ (git-ignored), next to where the venv lives
    lock_dir="$(dirname "$venv")/.build"
    mkdir -p "$lock_dir"
    lock="$lock_dir/$(basename "$venv").lock"
    exec 9>"$lock"
    if ! flock -n 9; then
        echo "waiting for another make to finish building $venv ..."
        flock 9
    fi
fi

fresh=yes
[ -f "$stamp" ] || fresh=no
for r in "${requirements[@]}"; do
    [ "$fresh" = yes ] && [ "$r" -nt "$stamp" ] && fresh=no
done
if [ "$fresh" = yes ]; then
    echo "$venv is up to date (built by another make)"
    exit 0
fi

rm -rf "$venv"
"$python" -m venv "$venv"
req_args=()
for r in "${requirements[@]}"; do
    req_args+=(-r "$r")
done
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$core_spec" "${req_args[@]}"
"$venv/bin/python" -c "import sys, ansible.release as r; print('$venv: ansible-core', r.__version__, 'on Python', sys.version.split()[0])"
touch "$stamp"

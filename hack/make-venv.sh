#!/usr/bin/env bash
# Create (or re-create) a virtual environment from its lock file and mark it with a stamp file.
#
# Usage: hack/make-venv.sh PYTHON VENV_DIR STAMP LOCK [SPEC REQUIREMENTS_FILE...]
# Env:   VENV_FROM  lock (default): pip install --require-hashes -r LOCK, after `hack/lock.sh verify` has
#                   checked that LOCK was made from SPEC, the REQUIREMENTS_FILEs and hack/lock-constraints.txt
#                   as they are now (LOCK alone, without SPEC: the lock is the only input, as for the lock tool's)
#                   ranges: pip install SPEC -r REQUIREMENTS_FILE... -- the newest releases the ranges allow,
#                   no lock, no constraints (make test-latest)
#
# The venv's .lock-source says where it came from; hack/venv-report.sh prints it for make test.
#
# Several people share one checkout here, so two makes may want to rebuild the same venv
# at once; one would delete it under the other's pip. The work is done under an exclusive
# lock (flock, when available), and after waiting for the lock we re-check the stamp: if
# the other process just built it from the same files, there is nothing to do.
set -euo pipefail

python=$1 venv=$2 stamp=$3 lock=$4
shift 4
spec=${1:-}
[ $# -eq 0 ] || shift
requirements=("$@")
from=${VENV_FROM:-lock}
root=$(cd "$(dirname "$0")/.." && pwd)

if command -v flock >/dev/null 2>&1; then
    # in .build/ (git-ignored), next to where the venv lives
    lock_dir="$(dirname "$venv")/.build"
    mkdir -p "$lock_dir"
    flock_file="$lock_dir/$(basename "$venv").lock"
    exec 9>"$flock_file"
    if ! flock -n 9; then
        echo "waiting for another make to finish building $venv ..."
        flock 9
    fi
fi

inputs=(${requirements[@]+"${requirements[@]}"})
[ "$from" != lock ] || inputs+=("$lock" "$root/hack/lock-constraints.txt")
fresh=yes
[ -f "$stamp" ] || fresh=no
for r in ${inputs[@]+"${inputs[@]}"}; do
    if [ -e "$r" ] && [ "$r" -nt "$stamp" ]; then fresh=no; fi
done
if [ "$fresh" = yes ]; then
    echo "$venv is up to date (built by another make)"
    exit 0
fi

pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)
case $from in
    lock)
        if [ -n "$spec" ]; then
            pyver=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
            "$root/hack/lock.sh" verify "$lock" "$pyver" "$spec" "${requirements[@]}"
        fi
        source="$lock (sha256 $("$root/hack/lock.sh" sha256 "$lock" | cut -c1-12))"
        pip+=(--require-hashes -r "$lock")
        ;;
    ranges)
        [ -n "$spec" ] || { echo "make-venv: VENV_FROM=ranges needs a SPEC" >&2; exit 2; }
        source="the ranges, no lock: $spec ${requirements[*]}"
        req_args=()
        for r in "${requirements[@]}"; do
            req_args+=(-r "$r")
        done
        pip+=("$spec" ${req_args[@]+"${req_args[@]}"})
        ;;
    *) echo "make-venv: VENV_FROM must be lock or ranges, not $from" >&2; exit 2 ;;
esac

rm -rf "$venv"
"$python" -m venv "$venv"
"${pip[@]}"
echo "$source" >"$venv/.lock-source"
"$venv/bin/python" - "$venv" "$source" <<'PY'
import sys

try:
    import ansible.release

    what = f"ansible-core {ansible.release.__version__}"
except ImportError:
    what = "no ansible-core"
print(f"{sys.argv[1]}: {what} on Python {sys.version.split()[0]}, from {sys.argv[2]}")
PY
touch "$stamp"

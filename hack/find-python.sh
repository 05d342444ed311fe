#!/usr/bin/env bash
# Print the path of a working Python interpreter of version MAJOR.MINOR (e.g. 3.13),
# or print nothing and exit 1 when none is found.
#
# Candidates, in order: pythonX.Y on PATH, pyenv installs (~/.pyenv/versions/X.Y*),
# the usual system locations. pyenv *shims* are on PATH even when the version is not
# active (they then fail with "command not found"), so every candidate is actually run
# and must report the requested version.
set -uo pipefail

want=${1:?usage: find-python.sh MAJOR.MINOR}

candidates=()
if p=$(command -v "python${want}" 2>/dev/null); then
    candidates+=("$p")
fi
pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
# newest patch release first
while IFS= read -r d; do
    candidates+=("$d/bin/python${want}" "$d/bin/python3")
done < <(for d in "$pyenv_root/versions/${want}" "$pyenv_root/versions/${want}".*; do
             [ -d "$d" ] && printf '%s\n' "$d"; done | sort -rV)
candidates+=("/usr/local/bin/python${want}" "/usr/bin/python${want}" "/opt/python${want}/bin/python${want}")

for c in "${candidates[@]}"; do
    [ -x "$c" ] || continue
    got=$("$c" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
    if [ "$got" = "$want" ]; then
        # the venv module is needed to create our virtual environments
        "$c" -c 'import venv, ensurepip' 2>/dev/null || continue
        # print the real interpreter, not a shim or wrapper
        "$c" -c 'import sys; print(sys.executable)' && exit 0
    fi
done
exit 1

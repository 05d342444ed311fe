#!/usr/bin/env bash
# Print where each virtual environment came from (make test and make test-latest print it first).
#
# Usage: hack/venv-report.sh VENV...
#
# One line per venv: its Python, its ansible-core, and the lock it was installed from (with the first
# 12 hex digits of the lock's sha256 when it was built) or "the ranges, no lock" (make test-latest),
# as hack/make-venv.sh recorded in VENV/.lock-source. Exits 1 when a venv has no record or its lock
# changed since it was built (make rebuilds it on its next run).
set -uo pipefail

status=0
printf '  %-22s %-8s %-12s %s\n' venv Python ansible-core 'installed from'
for venv in "$@"; do
    if [ ! -f "$venv/.lock-source" ] || [ ! -x "$venv/bin/python" ]; then
        printf '  %-22s %s\n' "$venv" "NOT BUILT by hack/make-venv.sh (no $venv/.lock-source)"
        status=1
        continue
    fi
    source=$(cat "$venv/.lock-source")
    lock=${source%% (sha256 *}
    if [ "$lock" != "$source" ] && [ -f "$lock" ]; then
        now=$("$(dirname "$0")/lock.sh" sha256 "$lock" | cut -c1-12)
        [[ $source == *"sha256 $now)" ]] || { source="$source, CHANGED since (now $now)"; status=1; }
    fi
    read -r python core < <("$venv/bin/python" -c 'import sys
try:
    import ansible.release as r
    core = r.__version__
except ImportError:
    core = "-"
print(sys.version.split()[0], core)')
    printf '  %-22s %-8s %-12s %s\n' "$venv" "$python" "$core" "$source"
done
exit "$status"

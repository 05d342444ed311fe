#!/usr/bin/env bash
# No deprecation warning from our modules or role: ansible-test turns deprecation warnings off
# for every target (ANSIBLE_DEPRECATION_WARNINGS=false), so this target runs a playbook with
# them on, the way a user sees them, and fails on any "[DEPRECATION WARNING]" in its output
# (ansible-core 2.21+ printed one for every task while we imported ansible.module_utils.six).
set -euo pipefail

export ANSIBLE_ROLES_PATH=..
export ANSIBLE_DEPRECATION_WARNINGS=true
export ANSIBLE_NOCOLOR=1

out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
# ansible-test passes -v (and nothing else here); the integration config holds the emulator's
# endpoint and credentials
ansible-playbook -i "$INVENTORY_PATH" -e @../../integration_config.yml "$@" playbook.yml >"$out" 2>&1 || rc=$?
cat "$out"
if [ "$rc" -ne 0 ]; then
    echo "no_deprecation_warnings: ansible-playbook exited with status $rc" >&2
    exit "$rc"
fi
if grep -F -A3 '[DEPRECATION WARNING]' "$out" >&2; then
    echo "no_deprecation_warnings: FAILED: the run above printed deprecation warnings" >&2
    exit 1
fi
tasks=$(grep -c '^TASK \[' "$out" || true)
echo "no_deprecation_warnings: $tasks tasks, no [DEPRECATION WARNING]"

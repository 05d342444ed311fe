#!/usr/bin/env bash
# The newcomer's demo: build and install the collection, start the emulator, run
# playbooks/demo.yml against it, print the API calls the emulator saw.
#
# Usage: hack/demo.sh [extra ansible-playbook args, e.g. -v or --diff]
# Env:   STAGE, VENV as in hack/run-integration.sh
#
# The playbook runs from the repository but uses the *built and installed* collection
# (ANSIBLE_COLLECTIONS_PATH=.build/collections), exactly as a user would.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
stage=$(cd "${STAGE:-$root/.build/ansible_collections/tencent/cloud}" && pwd)
venv=$(cd "${VENV:-$root/.venv}" && pwd)
build=$root/.build
export PATH="$venv/bin:$PATH"

# shellcheck source=hack/emulator.sh
. "$root/hack/emulator.sh"
trap emulator_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ ! -f "$root/playbooks/demo.yml" ]; then
    echo "ERROR: playbooks/demo.yml does not exist (yet)" >&2
    exit 1
fi

echo "== build the collection"
rm -rf "$build/dist"
mkdir -p "$build/dist" "$build/collections"
(cd "$stage" && ansible-galaxy collection build --force --output-path "$build/dist")
tarballs=("$build"/dist/tencent-cloud-*.tar.gz)
if [ "${#tarballs[@]}" -ne 1 ] || [ ! -f "${tarballs[0]}" ]; then
    echo "ERROR: expected exactly one tencent-cloud-*.tar.gz in $build/dist" >&2
    exit 1
fi

echo "== install it into .build/collections"
ANSIBLE_COLLECTIONS_PATH="$build/collections" \
    ansible-galaxy collection install --offline --force -p "$build/collections" "${tarballs[0]}"

echo "== start the emulator"
emulator_start "$venv/bin/python" "$root/tests/emulator/live_emulator.py" "$build/demo"

echo "== ansible-playbook playbooks/demo.yml"
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

echo "== API calls the emulator saw"
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
    echo "demo: ansible-playbook failed (status $rc); emulator log: $build/demo/emulator.log" >&2
fi
exit "$rc"

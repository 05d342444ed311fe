#!/usr/bin/env bash
# Run the ansible-test integration targets against a freshly started emulator.
#
# Usage: hack/run-integration.sh [extra ansible-test integration args, e.g. a target name]
# Env:   STAGE   staged collection (default .build/ansible_collections/tencent/cloud)
#        VENV    virtual environment with ansible-core (default .venv)
#        PYTHON_VERSION  (default 3.13)
#        EMULATOR_SCHEME http (default) or https: the emulator serves HTTPS with a throwaway CA's
#                certificate; the targets get its file as tencent_ca_path (the modules' ca_path)
#
# Expects the staged copy to be up to date (make integration does that). Writes
# tests/integration/integration_config.yml in the staged copy, runs
#   ansible-test integration --local --python $PYTHON_VERSION -v
# and always stops the emulator, exiting with ansible-test's status.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
stage=$(cd "${STAGE:-$root/.build/ansible_collections/tencent/cloud}" && pwd)
venv=$(cd "${VENV:-$root/.venv}" && pwd)
python_version=${PYTHON_VERSION:-3.13}

# shellcheck source=hack/emulator.sh
. "$root/hack/emulator.sh"
trap emulator_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! compgen -G "$stage/tests/integration/targets/*/aliases" >/dev/null; then
    echo "integration: no targets with an aliases file under tests/integration/targets/ -- nothing to run"
    exit 0
fi

emulator_start "$venv/bin/python" "$stage/tests/emulator/live_emulator.py" "$stage/tests/output/emulator"

cat >"$stage/tests/integration/integration_config.yml" <<YAML
---
tencent_endpoint: $EMULATOR_URL
tencent_emulator_url: $EMULATOR_URL/_emulator
tencent_secret_id: AKIDEMULATOR00000000000000000000000
tencent_secret_key: emulator-secret-key-0000000000000000
YAML
if [ -n "$EMULATOR_CA_PATH" ]; then
    echo "tencent_ca_path: $EMULATOR_CA_PATH" >>"$stage/tests/integration/integration_config.yml"
fi

cd "$stage"
export PATH="$venv/bin:$PATH"
# the copy is inside our git work tree: stop ansible-test from walking up to .git (see Makefile)
export ANSIBLE_TEST_CONTENT_ROOT="$stage"
rc=0
"$venv/bin/ansible-test" integration --local --python "$python_version" -v "$@" || rc=$?
if [ "$rc" -ne 0 ]; then
    echo "integration: ansible-test exited with status $rc; emulator log: $stage/tests/output/emulator/emulator.log" >&2
fi
exit "$rc"

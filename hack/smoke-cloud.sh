#!/usr/bin/env bash
# make smoke-cloud: the real-cloud smoke test for maintainers (tests/smoke/smoke_cloud.yml).
#
# Needs, in the environment:
#   TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY (and TENCENTCLOUD_TOKEN for temporary keys)
#   SMOKE_DOMAIN   a push domain of the account
#   SMOKE_STREAM   a TEST stream on it that is not on air (the test refuses an active one)
# Optional: SMOKE_APP (default live), TENCENTCLOUD_LIVE_ENDPOINT (default Tencent's),
#           SMOKE_REPORT (default tests/output/smoke/report.json)
# Env for make: STAGE, VENV as in hack/run-integration.sh. Uses the staged collection.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
stage=$(cd "${STAGE:-$root/.build/ansible_collections/tencent/cloud}" && pwd)
venv=$(cd "${VENV:-$root/.venv}" && pwd)

missing=()
for name in TENCENTCLOUD_SECRET_ID TENCENTCLOUD_SECRET_KEY SMOKE_DOMAIN SMOKE_STREAM; do
    [ -n "${!name:-}" ] || missing+=("$name")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "smoke-cloud: not run: set ${missing[*]}." >&2
    echo "  It forbids, resumes and restores ONE test stream of your account, e.g." >&2
    echo "  TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=... SMOKE_DOMAIN=push.example.com SMOKE_STREAM=smoke-test make smoke-cloud" >&2
    exit 2
fi

report=${SMOKE_REPORT:-$root/tests/output/smoke/report.json}
mkdir -p "$(dirname "$report")"
echo "smoke-cloud: ${SMOKE_STREAM} on ${SMOKE_DOMAIN}/${SMOKE_APP:-live} via ${TENCENTCLOUD_LIVE_ENDPOINT:-https://live.tencentcloudapi.com}"
collections_path=$(cd "$stage/../../.." && pwd)
export ANSIBLE_COLLECTIONS_PATH="$collections_path"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export PATH="$venv/bin:$PATH"
rc=0
ansible-playbook -i localhost, "$stage/tests/smoke/smoke_cloud.yml" \
    -e "smoke_domain=${SMOKE_DOMAIN}" -e "smoke_stream=${SMOKE_STREAM}" -e "smoke_app=${SMOKE_APP:-live}" \
    -e "smoke_report=${report}" -e "ansible_python_interpreter=$venv/bin/python" "$@" || rc=$?
echo "smoke-cloud: report in $report"
exit "$rc"

#!/usr/bin/env bash
# Run the unit tests (tests/unit/, including tests/unit/emulator/) with ansible-test.
#
# Usage: hack/run-units.sh [extra ansible-test units args]
# Env:   STAGE, VENV, PYTHON_VERSION as in hack/run-integration.sh
#
# ansible-test units treats pytest's exit status 5 ("no tests collected") as success.
# That is fine while the test suite is being written, but once test files exist a run
# that executes zero tests means collection silently broke, so we count the tests in the
# JUnit reports and fail when there are test files but no executed tests.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
stage=$(cd "${STAGE:-$root/.build/ansible_collections/tencent/cloud}" && pwd)
venv=$(cd "${VENV:-$root/.venv}" && pwd)
python_version=${PYTHON_VERSION:-3.13}

cd "$stage"
test_files=$(find tests/unit -name 'test_*.py' -o -name '*_test.py' 2>/dev/null | wc -l)
if [ "$test_files" -eq 0 ]; then
    echo "units: no test files under tests/unit/ yet -- nothing to run"
    exit 0
fi

rm -rf tests/output/junit
export PATH="$venv/bin:$PATH"
# the copy is inside our git work tree: stop ansible-test from walking up to .git (see Makefile)
export ANSIBLE_TEST_CONTENT_ROOT="$stage"
"$venv/bin/ansible-test" units --local --python "$python_version" "$@"

"$venv/bin/python" - <<'PY'
import glob
import sys
import xml.etree.ElementTree as ET

total = skipped = 0
reports = glob.glob('tests/output/junit/*.xml')
for path in reports:
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == 'testsuite' else root.iter('testsuite')
    for s in suites:
        total += int(s.get('tests', 0))
        skipped += int(s.get('skipped', 0))
print('units: %d tests in %d JUnit report(s), %d skipped' % (total, len(reports), skipped))
if total - skipped <= 0:
    sys.exit('units: ERROR: there are test files under tests/unit/ but no test ran '
             '(collection errors, wrong file names, or everything skipped)')
PY

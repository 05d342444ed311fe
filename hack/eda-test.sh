#!/usr/bin/env bash
# make eda-test: Event-Driven Ansible with the collection as it ships.
#
# Usage: hack/eda-test.sh [extra pytest args]
# Env:   STAGE     staged collection (default .build/ansible_collections/tencent/cloud)
#        VENV_EDA  venv with ansible-rulebook, ansible-core and hack/eda-requirements.txt (default .venv-eda)
#        CORE_VENVS the venvs of the oldest and newest supported ansible-core, whose ansible-playbook runs
#                  playbooks/forbid_streams.yml with callback data (default .venv-2.16 .venv)
#        EDA_TEST_TIMEOUT  seconds one test may take before pytest-timeout fails it by name (default 900)
#        EDA_TESTS what pytest runs, split on spaces (default tests/eda; make eda-test leaves out the flood
#                  test, make eda-flood-test runs only it: its claims are about time, so it runs alone)
#        JAVA_HOME the Java 17 (or newer) ansible-rulebook runs on; otherwise `java` on PATH, otherwise
#                  /usr/lib/jvm/java-17-openjdk* is used
#
# 1. Java 17: ansible-rulebook's rule engine (Drools) runs in a JVM and needs Java 17 or newer.
# 2. The collection tarball is built from the staged copy and installed into a private collections
#    path (TENCENT_EDA_COLLECTIONS_PATH for the tests): ansible-rulebook finds tencent.cloud.live_callback,
#    the rulebooks and playbooks/forbid_streams.yml there, as it would in a decision environment.
# 3. pytest tests/eda (from the staged copy): the source's unit tests, the emulator's callbacks against
#    the source, ansible-rulebook against the emulator, the decision environment definition.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
stage=$(cd "${STAGE:-$root/.build/ansible_collections/tencent/cloud}" && pwd)
venv=$(cd "${VENV_EDA:-$root/.venv-eda}" && pwd)

# ------------------------------------------------------------------------------ 1. Java 17
java_major() {  # JAVA_BINARY -> the major version, or nothing
    "$1" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\)[."].*/\1/p' | head -n 1
}
java=
if [ -n "${JAVA_HOME:-}" ]; then
    java=$JAVA_HOME/bin/java
elif command -v java >/dev/null 2>&1; then
    java=$(command -v java)
else
    for candidate in /usr/lib/jvm/java-17-openjdk*/bin/java /usr/lib/jvm/java-1.17.0-openjdk*/bin/java; do
        [ -x "$candidate" ] && java=$candidate && break
    done
fi
major=
[ -n "$java" ] && [ -x "$java" ] && major=$(java_major "$java")
if [ -z "$major" ] || [ "$major" -lt 17 ]; then
    {
        echo "eda-test: ERROR: ansible-rulebook needs Java 17 (or newer); found ${major:+Java $major at }${java:-no java}."
        echo "  Install a Java 17 runtime (Debian/Ubuntu: apt-get install openjdk-17-jre-headless;"
        echo "  Fedora/RHEL: dnf install java-17-openjdk-headless) and point at it with"
        echo "  JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 make eda-test, or put its bin/java first on PATH."
    } >&2
    exit 1
fi
JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$java")")")
export JAVA_HOME
echo "eda-test: Java $major at $JAVA_HOME"

# ------------------------------------------------------------------------------ 2. build + install
work=$(mktemp -d "${TMPDIR:-/tmp}/tencent-cloud-eda-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
export ANSIBLE_CONFIG="$work/no-ansible.cfg" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false ANSIBLE_LOCAL_TEMP="$work/ansible-local"
unset ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS

(cd "$stage" && "$venv/bin/ansible-galaxy" collection build --force --output-path "$work/dist") >"$work/build.log" 2>&1 ||
    { cat "$work/build.log" >&2; echo "eda-test: ERROR: ansible-galaxy collection build failed" >&2; exit 1; }
tarball=$(ls "$work"/dist/tencent-cloud-*.tar.gz)
ANSIBLE_COLLECTIONS_PATH="$work/collections" "$venv/bin/ansible-galaxy" collection install --offline \
    -p "$work/collections" "$tarball" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log" >&2; echo "eda-test: ERROR: installing $tarball failed" >&2; exit 1; }
echo "eda-test: $(basename "$tarball") installed into a private collections path"

# ------------------------------------------------------------------------------ 3. the tests
cd "$stage"
core_venvs=
for core in ${CORE_VENVS:-$root/.venv-2.16 $root/.venv}; do
    [ -x "$core/bin/ansible-playbook" ] ||
        { echo "eda-test: ERROR: $core has no ansible-playbook (make venv venv-oldest)" >&2; exit 1; }
    core_venvs="$core_venvs $(cd "$core" && pwd)"
done
# what to run: EDA_TESTS split on spaces (paths and pytest options such as --ignore=)
read -r -a eda_tests <<<"${EDA_TESTS:-tests/eda}"
# every test has a bound of its own; when one is hit, pytest-timeout names the test and its fixtures still
# stop every process it started
TENCENT_EDA_COLLECTIONS_PATH="$work/collections" TENCENT_EDA_TARBALL="$tarball" PATH="$venv/bin:$PATH" \
    TENCENT_EDA_CORE_VENVS="${core_venvs# }" \
    "$venv/bin/python" -m pytest -p no:cacheprovider -o asyncio_default_fixture_loop_scope=function \
    --timeout "${EDA_TEST_TIMEOUT:-900}" --timeout-method signal "${eda_tests[@]}" "$@"

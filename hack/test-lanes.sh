#!/usr/bin/env bash
# make test: run the suites in lanes side by side, then the timing-sensitive ones alone.
#
# Usage: hack/test-lanes.sh [--lane "SUITE..."]... [--alone "SUITE..."]
# Env:   MAKE (default make), BUILD_ROOT (default .build: the first lane's BUILD, the others' are
#        BUILD_ROOT/lane-N, the --alone suites' BUILD_ROOT), TEST_LOGS (default BUILD_ROOT/test-logs),
#        TEST_NAME (default "make test": how the summary names the run)
#
# Each lane runs its suites one after another with a staged copy of its own (make BUILD=...):
# ansible-test writes its results into the copy it runs in, and `make stage` re-syncs it, so two
# suites must never share one at the same time. Lanes are chosen so that they share nothing else
# either (ports are picked free, temporary files are private). A suite's output goes to
# TEST_LOGS/<suite>.log; a line reports each suite as it ends, and the whole log of every suite
# that failed is printed at the end. The --alone suites then run one at a time with nothing
# beside them (their claims are about time), their output shown as it comes.
# Every suite runs even when another fails; the exit status is 1 when any failed.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
make_cmd=${MAKE:-make}
build_root=${BUILD_ROOT:-.build}
name=${TEST_NAME:-make test}
logs=${TEST_LOGS:-$root/$build_root/test-logs}
rm -rf "$logs"
mkdir -p "$logs"

lanes=()
alone=()
while [ $# -gt 0 ]; do
    case $1 in
        --lane) lanes+=("$2"); shift 2 ;;
        --alone) alone+=("$2"); shift 2 ;;
        *) echo "test-lanes: unknown argument $1" >&2; exit 2 ;;
    esac
done

# run_suite BUILD SUITE: one suite, its output in its log; appends "SUITE STATUS SECONDS" to results
run_suite() {
    local build=$1 suite=$2 start rc=0
    start=$SECONDS
    "$make_cmd" --no-print-directory BUILD="$build" "$suite" </dev/null >"$logs/$suite.log" 2>&1 || rc=$?
    local took=$((SECONDS - start)) status=passed
    [ "$rc" -eq 0 ] || status=FAILED
    echo "$suite $status $took" >>"$logs/results"
    echo "==== make $suite: $status (${took}s)"
}

start_all=$SECONDS
pids=()
index=0
for lane in "${lanes[@]}"; do
    index=$((index + 1))
    # the first lane keeps the default staged copy (.build/), the others get .build/lane-N/
    build=$build_root
    [ "$index" -eq 1 ] || build=$build_root/lane-$index
    echo "==== lane $index ($build): $lane"
    (
        for suite in $lane; do
            run_suite "$build" "$suite"
        done
    ) &
    pids+=($!)
done
for pid in "${pids[@]}"; do
    wait "$pid"
done
[ "${#lanes[@]}" -eq 0 ] || echo "==== lanes done after $((SECONDS - start_all))s"

for suites in "${alone[@]}"; do
    for suite in $suites; do
        echo "==================== make $suite (alone)"
        start=$SECONDS
        rc=0
        "$make_cmd" --no-print-directory BUILD="$build_root" "$suite" </dev/null 2>&1 | tee "$logs/$suite.log" || rc=$?
        took=$((SECONDS - start))
        status=passed
        [ "$rc" -eq 0 ] || status=FAILED
        echo "$suite $status $took" >>"$logs/results"
        echo "==== make $suite: $status (${took}s)"
    done
done

failed=()
while read -r suite status _; do
    [ "$status" = passed ] || failed+=("$suite")
done <"$logs/results"
for suite in "${failed[@]}"; do
    case " ${alone[*]} " in *" $suite "*) continue ;; esac # shown as it ran
    echo "==================== output of make $suite (FAILED)"
    cat "$logs/$suite.log"
done
echo "==================== $name: each suite (seconds; logs in ${logs#"$root"/}/)"
sort -k3 -n -r "$logs/results" | awk '{ printf "  %-22s %-7s %5d\n", $1, $2, $3 }'
echo "$name: $((SECONDS - start_all))s in all"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "$name: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "$name: all passed"

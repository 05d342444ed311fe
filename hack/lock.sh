#!/usr/bin/env bash
# The lock files every environment make builds installs from (hack/locks/), and their inputs.
#
# Usage: hack/lock.sh inputs PYTHON SPEC FILE...
#            print a lock's inputs: the Python version, the package spec given besides the files (the
#            ansible-core series), and the requirement files and hack/lock-constraints.txt with their sha256
#        hack/lock.sh sha256 FILE
#            print FILE's sha256 (for the venv builds' record of the lock they came from)
#        hack/lock.sh verify LOCK PYTHON SPEC FILE...
#            exit 1, saying what to run, when LOCK is missing or was made from other inputs
#        hack/lock.sh make [--upgrade] [--no-test] --tool LOCK SPEC --lock 'LOCK PYTHON SPEC FILE...'...
#                          [--locks-from FILE]   (more --lock values, one a line; - reads stdin)
#            (make lock) compile every lock, the lock tool's own (--tool) and each --lock, into a candidate
#            directory; when any changed, run `make test` in a copy of the repository holding the candidates,
#            and only when it passes write them to hack/locks/ (and remove the locks no --lock names any more)
# Env:   UV     the uv binary (make lock passes the one of .venv-lock/, itself installed from its lock)
#        MAKE   (make)
#
# Each lock is `uv pip compile --universal --python-version PYTHON --generate-hashes` of SPEC and the FILEs
# under the constraints of hack/lock-constraints.txt: every package, transitive ones included, at an exact
# version with the hashes of all its files (pip install --require-hashes), for Linux and macOS alike. A
# compile keeps every pin of the committed lock that the inputs still allow (a requirement file that gains
# a package gets that package and what it needs, nothing else moves); --upgrade takes the newest release
# of everything the inputs allow. The lock's third line records its inputs (the files with their sha256),
# which `verify` (hack/make-venv.sh, hack/demo.sh) compares before installing: a requirement file changed
# without `make lock` fails the build, naming the file, instead of testing an environment without it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
constraints=hack/lock-constraints.txt
locks=hack/locks
marker='# lock-inputs:'

sha256() {  # FILE -> its sha256 in hex (sha256sum on Linux, shasum on macOS)
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    else
        shasum -a 256 "$1" | cut -d' ' -f1
    fi
}

inputs() {  # PYTHON SPEC FILE... -> the inputs of a lock, one a line: the Python, the spec, each file with its sha256
    local python=$1 spec=$2 f
    shift 2
    echo "Python $python"
    echo "$spec"
    for f in "$@" "$constraints"; do
        echo "$f@$(sha256 "$f" | cut -c1-16)"
    done
}

inputs_line() {  # PYTHON SPEC FILE... -> the line a lock records them on
    echo "$marker $(inputs "$@" | tr '\n' ' ' | sed 's/ $//')"
}

verify() {  # LOCK PYTHON SPEC FILE...
    local lock=$1 want recorded
    shift
    if [ ! -f "$lock" ]; then
        echo "lock: ERROR: $lock does not exist: run \`make lock\` (CONTRIBUTING.md, \"Locked environments\")" >&2
        return 1
    fi
    want=$(inputs_line "$@")
    recorded=$(grep -m1 "^$marker" "$lock" || true)
    if [ "$recorded" != "$want" ]; then
        {
            echo "lock: ERROR: $lock was made from other inputs than today's; changed since:"
            # what is now and was not then: a file's new digest, another spec or Python
            inputs "$@" | while IFS= read -r item; do
                [[ " ${recorded#"$marker"} " == *" $item "* ]] || echo "    ${item%@*}"
            done
            echo "  Run \`make lock\` and commit hack/locks/ (CONTRIBUTING.md, \"Locked environments\")."
        } >&2
        return 1
    fi
}

# pins LOCK -> "name==version" lines, sorted (the markers of a line kept: a universal lock may fork)
pins() {
    [ -f "$1" ] || return 0
    grep -E '^[A-Za-z0-9]' "$1" | sed -E 's/ *\\$//' | sort
}

make_locks() {
    local upgrade=no test=yes tool_lock='' tool_spec='' specs=() new=.build/lock/new line
    while [ $# -gt 0 ]; do
        case $1 in
            --upgrade) upgrade=yes; shift ;;
            --no-test) test=no; shift ;;
            --tool) tool_lock=$2 tool_spec=$3; shift 3 ;;
            --lock) specs+=("$2"); shift 2 ;;
            --locks-from)
                local from=$2
                [ "$from" != - ] || from=/dev/stdin
                while IFS= read -r line; do [ -z "$line" ] || specs+=("$line"); done <"$from"
                shift 2
                ;;
            *) echo "lock: unknown argument $1" >&2; exit 2 ;;
        esac
    done
    [ -n "$tool_lock" ] && [ "${#specs[@]}" -gt 0 ] || { echo "lock: make needs --tool and --lock" >&2; exit 2; }
    uv=${UV:?UV= the uv binary}
    # uv reads none of pip's configuration: the index pip is configured with, when it is set in the environment
    if [ -n "${PIP_INDEX_URL:-}" ] && [ -z "${UV_DEFAULT_INDEX:-}${UV_INDEX_URL:-}" ]; then
        export UV_DEFAULT_INDEX=$PIP_INDEX_URL
    fi
    if [ -n "${PIP_CERT:-}" ] && [ -z "${SSL_CERT_FILE:-}" ]; then
        export SSL_CERT_FILE=$PIP_CERT
    fi

    rm -rf "$new"
    mkdir -p "$new"
    local compile=("$uv" pip compile --quiet --no-config --universal --generate-hashes
        --custom-compile-command 'make lock')
    [ "$upgrade" = no ] || compile+=(--upgrade)
    local how='keeping the committed pins the inputs allow'
    [ "$upgrade" = no ] || how='taking the newest releases the inputs allow (--upgrade)'
    echo "lock: $("$uv" --version), $how"

    # the tool's own lock: its spec alone (uv has no dependencies), no constraints
    local out
    out=$new/$(basename "$tool_lock")
    [ "$upgrade" = yes ] || [ ! -f "$tool_lock" ] || cp "$tool_lock" "$out"
    echo "$tool_spec" | "${compile[@]}" --python-version 3.13 -o "$out" -
    echo "lock: $tool_lock ($tool_spec)"

    local spec lock python core files made=("$(basename "$tool_lock")")
    for spec in "${specs[@]}"; do
        read -r lock python core files <<<"$spec"
        read -r -a files <<<"$files"
        out=$new/$(basename "$lock")
        [ "$upgrade" = yes ] || [ ! -f "$lock" ] || cp "$lock" "$out"
        echo "$core" | "${compile[@]}" --python-version "$python" -c "$constraints" -o "$out" - "${files[@]}"
        # the inputs, recorded on the line after uv's two-line header
        { head -n 2 "$out"; inputs_line "$python" "$core" "${files[@]}"; tail -n +3 "$out"; } >"$out.tmp"
        mv "$out.tmp" "$out"
        made+=("$(basename "$lock")")
        echo "lock: $lock (Python $python; $core; ${files[*]}): $(pins "$out" | wc -l) packages"
    done

    # what changed
    local changed=() name
    for name in "${made[@]}"; do
        if ! cmp -s "$new/$name" "$locks/$name"; then
            changed+=("$name")
            echo "== $locks/$name"
            diff <(pins "$locks/$name") <(pins "$new/$name") | sed -n 's/^\([<>]\) /  \1 /p' || true
        fi
    done
    local stale=()
    for f in "$locks"/*.txt; do
        [ -e "$f" ] || continue
        [[ " ${made[*]} " == *" $(basename "$f") "* ]] || stale+=("$f")
    done
    if [ "${#changed[@]}" -eq 0 ] && [ "${#stale[@]}" -eq 0 ]; then
        echo "lock: every lock in $locks/ is up to date"
        return 0
    fi
    [ "${#stale[@]}" -eq 0 ] || echo "lock: no longer made, to be removed: ${stale[*]}"

    if [ "$test" = yes ]; then
        # make test on the candidates, in a copy of the repository as a fresh clone has it (git-visible files)
        local check=.build/lock/check
        echo "lock: make test in $check/ with the new locks (log: .build/lock/make-test.log) ..."
        rm -rf "$check"
        python3 hack/stage.py . "$check" >/dev/null
        rm -f "$check/$locks"/*.txt
        cp "$new"/*.txt "$check/$locks/"
        (cd "$check" && git init -q && git add -A)
        local rc=0
        (cd "$check" && "${MAKE:-make}" --no-print-directory test </dev/null) >.build/lock/make-test.log 2>&1 || rc=$?
        tail -n 40 .build/lock/make-test.log
        if [ "$rc" -ne 0 ]; then
            echo "lock: make test FAILED on the new locks: hack/locks/ is left as it was." >&2
            echo "  Find the release that broke it in .build/lock/make-test.log; keep it out with a line in" >&2
            echo "  $constraints (the reason and the issue), and run make lock again." >&2
            return 1
        fi
        echo "lock: make test passed on the new locks"
    else
        echo "lock: make test NOT run on the new locks (LOCK_TEST=no): run it before you commit them"
    fi
    [ "${#stale[@]}" -eq 0 ] || rm -f "${stale[@]}"
    mkdir -p "$locks"
    for name in "${changed[@]}"; do
        cp "$new/$name" "$locks/$name"   # newer than the venvs built from the old one: make rebuilds them
    done
    echo "lock: wrote ${changed[*]:-no changed lock} to $locks/; commit $locks/"
}

command=${1:-}
[ $# -eq 0 ] || shift
case $command in
    inputs) inputs "$@" ;;
    sha256) sha256 "$@" ;;
    verify) verify "$@" ;;
    make) make_locks "$@" ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac

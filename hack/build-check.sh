#!/usr/bin/env bash
# The release artifact, checked the way a user, an EE build and Galaxy meet it.
#
# Usage: hack/build-check.sh
# Env:   STAGE          staged collection (default .build/ansible_collections/tencent/cloud)
#        VENV           newest ansible-core (default .venv)
#        VENV_OLDEST    oldest ansible-core (default .venv-2.16)
#        VENV_IMPORTER  galaxy-importer (default .venv-importer); SKIP_IMPORTER=1 skips it
#
# 1. `ansible-galaxy collection build` from the staged copy (the git-visible files: what a
#    release is built from) and, as a second opinion on galaxy.yml's build_ignore, from the
#    work tree itself, where venvs, caches, test output and docs builds do lie around.
#    Both tarballs' member lists must hold nothing galaxy.yml's build_ignore names, no virtual
#    environment, and the files a release needs (hack/build_check.py members).
# 2. The staged tarball installs with `ansible-galaxy collection install --offline` into an
#    empty collections path, with the newest and with the oldest ansible-core; there,
#    `ansible-doc` renders every module of plugins/modules/ and every role, and
#    `ansible-doc --list tencent.cloud` lists exactly those modules.
# 3. `ansible-builder introspect` on the installed tree lists the collection's Python
#    requirements (requests), as an execution-environment build reads them.
# 4. galaxy-importer (the checks Galaxy runs on an upload) imports the tarball, offline, with
#    hack/galaxy-importer.cfg; any WARNING or ERROR it logs fails the check.
#
# hack/build_check.py judges the output (tarball members, ansible-doc --list, the importer's
# result); this script builds, installs and runs the tools. Everything is written to a private
# temporary directory, removed at exit.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
stage=$(cd "${STAGE:-$root/.build/ansible_collections/tencent/cloud}" && pwd)
venv=$(cd "${VENV:-$root/.venv}" && pwd)
venv_oldest=$(cd "${VENV_OLDEST:-$root/.venv-2.16}" && pwd)
venv_importer=$(cd "${VENV_IMPORTER:-$root/.venv-importer}" 2>/dev/null && pwd || echo "${VENV_IMPORTER:-$root/.venv-importer}")
collection=tencent.cloud

work=$(mktemp -d "${TMPDIR:-/tmp}/tencent-cloud-build-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    echo "build-check: ERROR: $*" >&2
    exit 1
}

# A clean environment for the ansible tools: no ansible.cfg from the current directory, no
# collection found next to it or on sys.path, temporary files in $work.
export ANSIBLE_CONFIG="$work/no-ansible.cfg"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
export ANSIBLE_LOCAL_TEMP="$work/ansible-local"
export ANSIBLE_NOCOLOR=1
unset ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS ANSIBLE_ROLES_PATH
cd "$work"

version=$("$venv/bin/python" "$root/hack/build_check.py" version "$stage/galaxy.yml")
tarball_name="tencent-cloud-$version.tar.gz"
modules=()
for f in "$stage"/plugins/modules/*.py; do
    name=$(basename "$f" .py)
    [ "$name" = __init__ ] || modules+=("$collection.$name")
done
roles=()
for d in "$stage"/roles/*/; do
    roles+=("$collection.$(basename "$d")")
done
[ "${#modules[@]}" -gt 0 ] || fail "no modules under plugins/modules/"

# ------------------------------------------------------------------------------ 1. build
check_members() {  # TARBALL LABEL
    "$venv/bin/python" "$root/hack/build_check.py" members "$1" "$2" "$stage/galaxy.yml"
}

echo "== ansible-galaxy collection build (staged copy)"
(cd "$stage" && "$venv/bin/ansible-galaxy" collection build --force --output-path "$work/dist")
tarball="$work/dist/$tarball_name"
[ -f "$tarball" ] || fail "expected $tarball_name"
check_members "$tarball" staged

echo "== ansible-galaxy collection build (work tree: build_ignore must keep out what lies around)"
(cd "$root" && "$venv/bin/ansible-galaxy" collection build --force --output-path "$work/dist-worktree")
check_members "$work/dist-worktree/$tarball_name" work-tree

# ------------------------------------------------------------------------------ 2. install + ansible-doc
install_and_doc() {  # VENV LABEL
    local v=$1 label=$2 path="$work/collections-$2" out
    echo "== install into an empty collections path and run ansible-doc ($label: $("$v/bin/python" -c 'import ansible.release as r; print("ansible-core", r.__version__)'))"
    mkdir -p "$path"
    ANSIBLE_COLLECTIONS_PATH="$path" "$v/bin/ansible-galaxy" collection install --offline -p "$path" "$tarball" \
        >"$work/install-$label.log" 2>&1 || { cat "$work/install-$label.log" >&2; fail "$label: install failed"; }
    grep -q "$collection:$version was installed successfully" "$work/install-$label.log" ||
        { cat "$work/install-$label.log" >&2; fail "$label: install did not report success"; }
    if grep -E '\[(WARNING|ERROR)\]' "$work/install-$label.log"; then
        fail "$label: ansible-galaxy collection install warned"
    fi

    export ANSIBLE_COLLECTIONS_PATH="$path"
    local ref type
    for ref in "${modules[@]}" "${roles[@]}"; do
        type=module
        [[ " ${roles[*]} " == *" $ref "* ]] && type=role
        if ! "$v/bin/ansible-doc" -t "$type" "$ref" >"$work/doc.out" 2>"$work/doc.err"; then
            cat "$work/doc.err" >&2
            fail "$label: ansible-doc -t $type $ref failed"
        fi
        # ansible-core 2.19+ warns about its own internal collection (ansible._protomatter, which
        # has no MANIFEST.json) when listing roles; that is not about this collection.
        if grep -v "/ansible/_internal/ansible_collections/" "$work/doc.err" | grep -q .; then
            cat "$work/doc.err" >&2
            fail "$label: ansible-doc -t $type $ref wrote to stderr"
        fi
        grep -qi "$ref" "$work/doc.out" || fail "$label: ansible-doc -t $type $ref does not show $ref"
        echo "ansible-doc -t $type $ref: $(wc -l <"$work/doc.out") lines"
    done
    out=$("$v/bin/ansible-doc" --list "$collection" --json 2>"$work/list.err") ||
        { cat "$work/list.err" >&2; fail "$label: ansible-doc --list $collection failed"; }
    [ ! -s "$work/list.err" ] || { cat "$work/list.err" >&2; fail "$label: ansible-doc --list wrote to stderr"; }
    "$v/bin/python" "$root/hack/build_check.py" doc-list "$out" "${modules[@]}" ||
        fail "$label: ansible-doc --list $collection does not list exactly plugins/modules/"
    unset ANSIBLE_COLLECTIONS_PATH
}

install_and_doc "$venv" newest
install_and_doc "$venv_oldest" oldest

# ------------------------------------------------------------------------------ 3. EE introspection
echo "== ansible-builder introspect on the installed collection"
"$venv/bin/ansible-builder" introspect --sanitize "$work/collections-newest" >"$work/introspect.out" 2>&1 ||
    { cat "$work/introspect.out" >&2; fail "ansible-builder introspect failed"; }
cat "$work/introspect.out"
grep -Eq "^- '?requests\b.*$collection" "$work/introspect.out" ||
    { cat "$work/introspect.out" >&2; fail "ansible-builder introspect does not list requests for $collection"; }

# ------------------------------------------------------------------------------ 4. galaxy-importer
if [ "${SKIP_IMPORTER:-}" = 1 ]; then
    echo "== galaxy-importer: skipped (SKIP_IMPORTER=1)"
    exit 0
fi
[ -x "$venv_importer/bin/python" ] || fail "no galaxy-importer venv at $venv_importer (make venv-importer)"
echo "== galaxy-importer $("$venv_importer/bin/python" -c 'import importlib.metadata as m; print(m.version("galaxy-importer"))') (config: hack/galaxy-importer.cfg)"
mkdir -p "$work/importer" "$work/importer-tmp"
rc=0
(
    cd "$work/importer"   # it writes importer_result.json into the current directory
    # its tools (ansible-doc, ansible-lint) are looked up on PATH: the importer venv's own
    PATH="$venv_importer/bin:$PATH" \
    GALAXY_IMPORTER_CONFIG="$root/hack/galaxy-importer.cfg" \
    GALAXY_IMPORTER_TMP_ROOT_DIR="$work/importer-tmp" \
    GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP="$work/importer-tmp/ansible" \
        "$venv_importer/bin/python" -m galaxy_importer.main "$tarball"
) >"$work/importer.log" 2>&1 || rc=$?
cat "$work/importer.log"
[ "$rc" -eq 0 ] || fail "galaxy-importer exited with status $rc"
grep -q '^Importer processing completed successfully' "$work/importer.log" || fail "galaxy-importer did not complete"
if grep -Eq '^(WARNING|ERROR|CRITICAL):' "$work/importer.log"; then
    fail "galaxy-importer logged warnings or errors (above)"
fi
event_sources=()  # the EDA event sources (meta/extensions.yml lists them for Galaxy)
for f in "$stage"/extensions/eda/plugins/event_source/*.py; do
    [ -f "$f" ] && event_sources+=("$collection.$(basename "$f" .py)")
done
"$venv/bin/python" "$root/hack/build_check.py" importer-result "$work/importer/importer_result.json" \
    "${modules[@]}" "${roles[@]}" "${event_sources[@]}" || fail "galaxy-importer's result is incomplete"
echo "build-check: passed"

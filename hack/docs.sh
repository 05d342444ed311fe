#!/usr/bin/env bash
# Build the collection's documentation site (antsibull-docs + Sphinx) into docs/build/.
#
# Usage: hack/docs.sh
# Env:   STAGE      staged collection (default .build/ansible_collections/tencent/cloud)
#        VENV_DOCS  venv with docs/requirements.txt and ansible-core (default .venv-docs)
#
# docs/build/ is generated from scratch on every run and is git-ignored:
# 1. `antsibull-docs sphinx-init --use-current` writes the Sphinx scaffold (conf.py, build.sh,
#    antsibull-docs.cfg) for tencent.cloud as the staged copy has it (ANSIBLE_COLLECTIONS_PATH
#    points at .build/, the directory that holds ansible_collections/).
# 2. The intersphinx set-up is appended to the generated conf.py, and an offline stand-in for
#    the Ansible docs' intersphinx inventory is written next to it (see below).
# 3. The scaffold's build.sh runs `antsibull-docs collection --fail-on-error` (pages for every
#    module and role, the environment variables, and the guides of docs/docsite/) and
#    `sphinx-build -W` (every warning is an error).
#
# The result: docs/build/build/html/index.html.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
stage=$(cd "${STAGE:-$root/.build/ansible_collections/tencent/cloud}" && pwd)
venv_docs=$(cd "${VENV_DOCS:-$root/.venv-docs}" && pwd)
out=$root/docs/build
collections_root=$(cd "$stage/../../.." && pwd)
version=$("$venv_docs/bin/python" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' "$stage/galaxy.yml")

export PATH="$venv_docs/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$collections_root"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false

rm -rf "$out"
mkdir -p "$out"
antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error \
    --project tencent.cloud --copyright 'tencent.cloud contributors' \
    --title "tencent.cloud $version" --html-short-title 'tencent.cloud' \
    --dest-dir "$out" tencent.cloud
cat >>"$out/conf.py" <<'CONF'

# ---- appended by hack/docs.sh ----
# Only the Ansible documentation is cross-referenced. Its inventory is fetched from the site and,
# when that is unreachable, read from ../ansible_devel.inv (relative to the rst/ source
# directory; hack/docs.sh writes it). The Python and Jinja2 inventories of the scaffold are
# dropped: no page refers to them, and offline they would only fail to load.
intersphinx_mapping = {
    'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', (None, '../ansible_devel.inv')),
}
intersphinx_timeout = 15
CONF

# Sphinx resolves the references the generated pages make into the Ansible documentation
# (common return values, configuration settings, ...) through that site's intersphinx
# inventory. It is fetched when the site is reachable; when it is not (CI has no network
# but the package index), Sphinx falls back to this local inventory of the few labels the
# pages use, which points at the same URLs -- so the links are right either way and the
# build still treats every other unresolved reference as an error.
"$venv_docs/bin/python" - "$out/ansible_devel.inv" <<'PY'
import sys
import zlib

# the labels antsibull-docs' page templates refer to; the guides link to docs.ansible.com directly
LABELS = [
    # label, page (relative to https://docs.ansible.com/projects/ansible/devel/), title
    ('ansible_configuration_settings', 'reference_appendices/config.html', 'Ansible Configuration Settings'),
    ('common_return_values', 'reference_appendices/common_return_values.html', 'Return Values'),
    ('collections_keyword', 'collections_guide/collections_using_playbooks.html', 'The collections keyword'),
    ('list_of_collections', 'collections/index.html', 'Collection Index'),
    ('action_plugins', 'plugins/action.html', 'Action plugins'),
    ('callback_plugins', 'plugins/callback.html', 'Callback plugins'),
    ('list_of_callback_plugins', 'collections/index_callback.html', 'Index of all Callback Plugins'),
]
body = ''.join('%s std:label -1 %s %s\n' % (label, page, title) for label, page, title in LABELS)
with open(sys.argv[1], 'wb') as f:
    f.write(b'# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n'
            b'# The remainder of this file is compressed using zlib.\n')
    f.write(zlib.compress(body.encode('utf-8')))
PY

(cd "$out" && ./build.sh)

# every module, every role and every guide of docs/docsite/extra-docs.yml has its page
html=$out/build/html
pages=()
for f in "$stage"/plugins/modules/*.py; do
    [ "$(basename "$f")" = __init__.py ] || pages+=("$(basename "$f" .py)_module.html")
done
for d in "$stage"/roles/*/; do
    pages+=("$(basename "$d")_role.html")
done
while IFS= read -r guide; do
    pages+=("docsite/$guide.html")
done < <("$venv_docs/bin/python" -c '
import sys, yaml
for section in yaml.safe_load(open(sys.argv[1]))["sections"]:
    for entry in section["toctree"]:
        print(entry if isinstance(entry, str) else entry["ref"])
' "$stage/docs/docsite/extra-docs.yml")
missing=0
for page in index.html "${pages[@]}"; do
    if [ ! -s "$html/$page" ]; then
        echo "docs: ERROR: no page $page in $html" >&2
        missing=1
    fi
done
[ "$missing" -eq 0 ] || exit 1
echo "docs: ${#pages[@]} pages checked (modules, roles, guides); open $html/index.html"

"""The checks of hack/build-check.sh that read files: what the tarball ships, what ansible-doc
lists, what galaxy-importer found. The shell script builds, installs and runs the tools; this
script judges their output.

What must not ship has one source: galaxy.yml's build_ignore, the list ansible-galaxy builds
the tarball with. ``members`` checks a tarball against it as a second opinion on ansible-galaxy
(with the work tree's venvs, caches and test output lying around), and a little more strictly:

- a pattern is matched against a member's path and the path of each directory above it (a
  directory that is ignored takes everything in it along), as ansible-galaxy does;
- a pattern without a slash also forbids that name at any depth (``__pycache__``, ``.venv*``,
  ``*.pyc``), where ansible-galaxy matches it at the top level only.

and two checks that are not file patterns: no virtual environment under any name (a directory
with a pyvenv.cfg), and the files a release must hold are there.

Usage (run with the Python of a venv that has ansible-core, i.e. PyYAML):
  build_check.py version GALAXY_YML
  build_check.py members TARBALL LABEL GALAXY_YML
  build_check.py doc-list LIST_JSON EXPECTED_MODULE...
  build_check.py importer-result IMPORTER_RESULT_JSON EXPECTED_NAME...
Exits non-zero, with the reason on stderr, when a check fails.
"""

import fnmatch
import json
import sys
import tarfile

import yaml

# the files a release must hold: Galaxy's metadata, the docs, what an EE build and the docs site read
MUST_SHIP = (
    "MANIFEST.json",
    "FILES.json",
    "README.md",
    "meta/runtime.yml",
    "requirements.txt",
    "meta/execution-environment.yml",
    "changelogs/changelog.yaml",
    "docs/docsite/extra-docs.yml",
    "docs/docsite/links.yml",
    "meta/extensions.yml",
    "extensions/eda/plugins/event_source/live_callback.py",
    "extensions/eda/rulebooks/moderation_forbid_controller.yml",
    "extensions/eda/decision-environment.yml",
    "playbooks/forbid_streams.yml",
)


# galaxy-importer's content type of the Event-Driven Ansible event sources (meta/extensions.yml)
EVENT_SOURCE = "eda/plugins/event_source"


def load_galaxy(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def build_ignore(galaxy):
    patterns = galaxy.get("build_ignore") or []
    if not patterns:
        sys.exit(f"build-check: galaxy.yml has no build_ignore, nothing to check the tarball against: {patterns!r}")
    return [str(p) for p in patterns]


def forbidden(name, patterns):
    """Why a member must not ship, or None."""
    parts = name.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        if any(fnmatch.fnmatchcase(p, pattern) for p in prefixes):
            return f"build_ignore pattern {pattern!r}"
        if "/" not in pattern and any(fnmatch.fnmatchcase(part, pattern) for part in parts):
            return f"build_ignore pattern {pattern!r} (at any depth)"
    if parts[-1] == "pyvenv.cfg":
        return "a virtual environment (pyvenv.cfg)"
    return None


def cmd_version(galaxy_yml):
    print(load_galaxy(galaxy_yml)["version"])


def cmd_members(tarball, label, galaxy_yml):
    patterns = build_ignore(load_galaxy(galaxy_yml))
    with tarfile.open(tarball) as tar:
        names = [m.name[2:] if m.name.startswith("./") else m.name for m in tar.getmembers()]
    bad = [(n, why) for n in names if (why := forbidden(n, patterns))]
    for n, why in bad:
        print(f"build-check: {label} tarball ships {n}: {why}", file=sys.stderr)
    missing = [n for n in MUST_SHIP if n not in names]
    for n in missing:
        print(f"build-check: {label} tarball lacks {n}", file=sys.stderr)
    print(
        f"{label} tarball: {len(names)} members, {len(bad) or 'none'} forbidden "
        f"(galaxy.yml build_ignore: {len(patterns)} patterns)"
    )
    sys.exit(1 if bad or missing else 0)


def cmd_doc_list(listing, *expected):
    listed = sorted(json.loads(listing))
    print(f"ansible-doc --list: {', '.join(listed)}")
    if listed != sorted(expected):
        sys.exit(f"listed {listed}, expected {sorted(expected)}")


def cmd_importer_result(result_json, *expected):
    with open(result_json, encoding="utf-8") as handle:
        result = json.load(handle)
    prefix = f"{result['metadata']['namespace']}.{result['metadata']['name']}."
    plugins = ("module", EVENT_SOURCE)  # the content types whose documentation Galaxy shows
    found = {
        prefix + c["name"]: c["content_type"]
        for c in result["contents"]
        if c["content_type"] in ("module", "role", EVENT_SOURCE)
    }
    documented = {
        prefix + c["content_name"]
        for c in result["docs_blob"]["contents"]
        if c["content_type"] in plugins and c.get("doc_strings")
    }
    missing = [name for name in expected if name not in found]
    undocumented = [name for name, kind in found.items() if kind in plugins and name not in documented]
    print(f"galaxy-importer found: {', '.join(f'{name} ({kind})' for name, kind in sorted(found.items()))}")
    if missing or undocumented:
        sys.exit(f"missing: {missing}; modules or event sources without docs: {undocumented}")


COMMANDS = {
    "version": (cmd_version, 1),
    "members": (cmd_members, 3),
    "doc-list": (cmd_doc_list, 1),
    "importer-result": (cmd_importer_result, 1),
}


def main(argv):
    if not argv or argv[0] not in COMMANDS or len(argv) - 1 < COMMANDS[argv[0]][1]:
        sys.exit(__doc__)
    command, minimum = COMMANDS[argv[0]]
    if command in (cmd_version, cmd_members) and len(argv) - 1 != minimum:
        sys.exit(__doc__)
    command(*argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])

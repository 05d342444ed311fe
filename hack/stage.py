"""Stage the collection where ansible-test and ansible-galaxy expect it.

ansible-test insists on running from ``.../ansible_collections/<namespace>/<name>/``.
This repository is the collection root but does not live in such a path, so we keep a
synced *copy* (not a symlink: ansible-test resolves paths) under
``.build/ansible_collections/tencent/cloud/``.

The file set is what git would ship: tracked files plus untracked files that are not
ignored (``git ls-files -co --exclude-standard``), so new files appear before they are
committed. Without git (e.g. an unpacked tarball) every file is copied except build
output, virtual environments and caches.

Every run re-syncs: changed files are copied, files that disappeared from the source are
deleted from the copy. ``tests/output`` (ansible-test's results) is kept.

Usage: stage.py [SOURCE_ROOT [DEST]]
"""

import filecmp
import os
import shutil
import subprocess
import sys

# never copied, never deleted from the staged copy (relative to the collection root)
KEEP_IN_DEST = ("tests/output",)
# Skipped in the no-git fallback walk. This is NOT the list of what must not ship (galaxy.yml's
# build_ignore is): the tests need hack/, the Makefile, tests/ and the rest of what a release leaves
# out. The two overlap only in build output, VCS state, venvs and caches, which no one wants copied.
EXCLUDE_TOP = (".git", ".build", "tests/output")
EXCLUDE_ANY = ("__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".tox")


def git_files(root):
    """Return the git-visible file list, or None when root is not in a git work tree."""
    try:
        out = subprocess.run(
            ["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            check=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    files = set()
    for name in out.decode("utf-8", "surrogateescape").split("\0"):
        # ls-files also lists tracked files deleted from the work tree
        if name and os.path.lexists(os.path.join(root, name)):
            files.add(name)
    return files


def walk_files(root):
    """Fallback without git: everything except build output, venvs and caches."""
    files = set()
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else rel_dir
        kept = []
        for d in dirnames:
            rel = os.path.join(rel_dir, d)
            if rel in EXCLUDE_TOP or d in EXCLUDE_ANY or (not rel_dir and d.startswith(".venv")):
                continue
            if os.path.islink(os.path.join(dirpath, d)):
                files.add(rel)  # copy directory symlinks as links, do not descend
                continue
            kept.append(d)
        dirnames[:] = kept
        for f in filenames:
            if f.endswith((".pyc", ".pyo")):
                continue
            files.add(os.path.join(rel_dir, f))
    return files


def is_kept(rel):
    return any(rel == k or rel.startswith(k + os.sep) for k in KEEP_IN_DEST)


def same(src, dst):
    if os.path.islink(src) or os.path.islink(dst):
        return os.path.islink(src) and os.path.islink(dst) and os.readlink(src) == os.readlink(dst)
    if not os.path.isfile(dst):
        return False
    return filecmp.cmp(src, dst, shallow=False) and (os.stat(src).st_mode & 0o777) == (os.stat(dst).st_mode & 0o777)


def copy(src, dst):
    parent = os.path.dirname(dst)
    if os.path.islink(parent) or (os.path.exists(parent) and not os.path.isdir(parent)):
        remove(parent)
    os.makedirs(parent, exist_ok=True)
    if os.path.lexists(dst) or os.path.isdir(dst):
        remove(dst)
    if os.path.islink(src):
        os.symlink(os.readlink(src), dst)
    else:
        shutil.copy2(src, dst)


def remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, ".."))
    dest = os.path.abspath(
        sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, ".build", "ansible_collections", "tencent", "cloud")
    )

    files = git_files(root)
    source = "git"
    if files is None:
        files = walk_files(root)
        source = "directory walk"
    # never stage our own output, even if someone un-ignores it
    files = {f for f in files if not f.startswith((".build" + os.sep, "tests/output/")) and not is_kept(f)}

    os.makedirs(dest, exist_ok=True)
    copied = 0
    for rel in sorted(files):
        src, dst = os.path.join(root, rel), os.path.join(dest, rel)
        if not same(src, dst):
            copy(src, dst)
            copied += 1

    # delete what is no longer in the source (bottom-up so emptied directories go too)
    deleted = 0
    for dirpath, dirnames, filenames in os.walk(dest, topdown=False):
        rel_dir = os.path.relpath(dirpath, dest)
        rel_dir = "" if rel_dir == "." else rel_dir
        if is_kept(rel_dir):
            continue
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            rel = os.path.join(rel_dir, name)
            if rel not in files and not is_kept(rel):
                os.unlink(os.path.join(dirpath, name))
                deleted += 1
        if rel_dir and not os.listdir(dirpath) and not any(k.startswith(rel_dir + os.sep) for k in KEEP_IN_DEST):
            os.rmdir(dirpath)

    print(f"staged {len(files)} files ({source}) in {os.path.relpath(dest)}: {copied} copied, {deleted} deleted")


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Find a Python interpreter that can create virtual environments and print its path.
#
# Usage: find-python.sh MAJOR.MINOR       exactly that version (e.g. 3.13; make test's venvs)
#        find-python.sh MAJOR.MIN-MAX     the newest version in that range (e.g. 3.10-3.14; make demo)
#
# Prints the interpreter's real path (sys.executable), or prints nothing and exits 1. When a
# candidate of a wanted version was found but cannot create a virtual environment (Debian and
# Ubuntu ship `venv`'s ensurepip in a separate python3.X-venv package), or a plain python3 is
# outside the range, stderr says so on failure, with the package to install.
#
# Candidates for each version, newest version first: pythonX.Y on PATH, pyenv installs
# ($PYENV_ROOT/versions/X.Y*, PYENV_ROOT defaulting to ~/.pyenv), the usual system locations
# (/usr/local/bin, /usr/bin, /opt/pythonX.Y/bin; FIND_PYTHON_NO_SYSTEM=1 skips these, so a
# PATH and PYENV_ROOT fully decide what is seen); in range mode also python3 and python on PATH.
# pyenv *shims* on PATH are skipped: they lead to the pyenv installs, which are searched anyway,
# and they fail with "command not found" when the version is not active. Every candidate is
# actually run and must report a wanted version.
set -uo pipefail

usage='usage: find-python.sh MAJOR.MINOR | MAJOR.MIN-MAX (e.g. 3.13 or 3.10-3.14)'
spec=${1:?$usage}
if [[ "$spec" =~ ^([0-9]+)\.([0-9]+)(-([0-9]+)\.([0-9]+))?$ ]]; then
    major=${BASH_REMATCH[1]} lo=${BASH_REMATCH[2]} hi=${BASH_REMATCH[5]:-${BASH_REMATCH[2]}}
    if [ -n "${BASH_REMATCH[3]}" ] && [ "${BASH_REMATCH[4]}" != "$major" ]; then
        echo "$usage" >&2
        exit 2
    fi
else
    echo "$usage" >&2
    exit 2
fi

pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
notes=()

# candidates for one MAJOR.MINOR, in order of preference
candidates_for() {
    local want=$1 p d
    # a pyenv shim only leads to $pyenv_root/versions/, searched next (and running one is slow)
    if p=$(command -v "python${want}" 2>/dev/null) && [ "${p%/*}" != "$pyenv_root/shims" ]; then
        printf '%s\n' "$p"
    fi
    # newest patch release first
    for d in "$pyenv_root/versions/${want}" "$pyenv_root/versions/${want}".*; do
        [ -d "$d" ] && printf '%s\n' "$d"
    done | sort -rV | while IFS= read -r d; do
        printf '%s\n' "$d/bin/python${want}" "$d/bin/python3"
    done
    if [ "${FIND_PYTHON_NO_SYSTEM:-}" != 1 ]; then
        printf '%s\n' "/usr/local/bin/python${want}" "/usr/bin/python${want}" "/opt/python${want}/bin/python${want}"
    fi
}

# version_of PATH -> prints MAJOR.MINOR, fails when it does not run (e.g. an inactive pyenv shim)
version_of() {
    "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

# try PATH VERSION -> sets found (its sys.executable) when PATH can create a virtual environment
try() {
    local c=$1 v=$2
    if ! "$c" -c 'import venv, ensurepip' 2>/dev/null; then
        notes+=("$c is Python $v but cannot create virtual environments (no ensurepip module);" \
                "    on Debian/Ubuntu install python${v}-venv: sudo apt install python${v}-venv")
        return 1
    fi
    # the real interpreter, not a shim or wrapper
    found=$("$c" -c 'import sys; print(sys.executable)') && [ -n "$found" ]
}

found=
found_minor=
for ((minor = hi; minor >= lo; minor--)); do
    want=$major.$minor
    while IFS= read -r c; do
        [ -x "$c" ] || continue
        [ "$(version_of "$c")" = "$want" ] || continue
        if try "$c" "$want"; then
            found_minor=$minor
            break 2
        fi
    done < <(candidates_for "$want")
done

# range mode: a plain python3 / python may be newer than any versioned name found
if [ "$lo" != "$hi" ]; then
    for name in python3 python; do
        c=$(command -v "$name" 2>/dev/null) || continue
        [ "${c%/*}" != "$pyenv_root/shims" ] || continue
        v=$(version_of "$c") || continue
        m=${v#*.}
        if [ "${v%%.*}" != "$major" ] || [ "$m" -lt "$lo" ] || [ "$m" -gt "$hi" ]; then
            notes+=("$c is Python $v, not $major.$lo to $major.$hi")
            continue
        fi
        if [ -z "$found_minor" ] || [ "$m" -gt "$found_minor" ]; then
            previous=$found
            if try "$c" "$v"; then
                found_minor=$m
            else
                found=$previous
            fi
        fi
    done
fi

if [ -n "$found" ]; then
    printf '%s\n' "$found"
    exit 0
fi
# (the ${a[@]+...} form: bash before 4.4, e.g. macOS's 3.2, calls an empty array unbound)
for n in ${notes[@]+"${notes[@]}"}; do
    printf 'find-python: %s\n' "$n" >&2
done
exit 1

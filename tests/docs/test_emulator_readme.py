# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tests/emulator/README.md against the emulator: its flags, its settings with their defaults, its
fault kinds and fault fields are the ones the code has."""

import importlib
import os
import re

import checks
import facts
import pytest
from doctext import Document

README = os.path.join("tests", "emulator", "README.md")


@pytest.fixture(scope="module")
def readme():
    return Document.load(facts.COLLECTION_ROOT, README)


def table(doc, first_column, *others):
    for found in doc.tables:
        if found.header and found.header[0] == first_column and all(found.column(o) is not None for o in others):
            return found
    raise AssertionError(f"{README} has no table starting with the column {first_column!r}")


def first_cells(doc, found):
    return [(line, [code.value for code in doc.inline(cells[0])]) for line, cells in found.rows]


def test_the_flags_are_the_command_line_s(readme):
    source = facts.read("tests", "emulator", "live_api_emulator", "cli.py")
    flags = set(re.findall(r"add_argument\(\s*\"(--[a-z][\w-]*)\"", source))
    documented = {
        flag
        for _line, values in first_cells(readme, table(readme, "flag", "meaning"))
        for value in values
        for flag in re.findall(r"--[a-z][\w-]*", value)
    }
    assert documented == flags


def test_the_settings_and_their_defaults_are_the_emulator_s(readme, live_emulator_module):
    defaults = importlib.import_module(f"{live_emulator_module.__name__}.settings").DEFAULT_SETTINGS
    found = table(readme, "setting", "default")
    column = found.column("default")
    documented, problems = {}, []
    for line, cells in found.rows:
        name = readme.inline(cells[0])[0].value
        documented[name] = line
        stated = checks.literal(cells[column], readme.kind)
        if name not in defaults:
            problems.append(f"{README}:{line}: the emulator has no setting {name}")
        elif stated is not checks.UNCLEAR and not checks.same_value(stated, defaults[name]):
            problems.append(f"{README}:{line}: {name} defaults to {defaults[name]!r}, not {stated!r}")
    missing = sorted(set(defaults) - set(documented))
    assert not problems and not missing, "\n".join([*problems, f"settings left out: {missing}"])


def test_the_fault_kinds_and_fields_are_the_emulator_s(readme, live_emulator_module):
    faults = importlib.import_module(f"{live_emulator_module.__name__}.faults")
    kinds = {value for _line, values in first_cells(readme, table(readme, "kind")) for value in values}
    fields = {value for _line, values in first_cells(readme, table(readme, "field", "meaning")) for value in values}
    assert kinds == set(faults.FAULT_KINDS)
    assert set(faults.FAULT_FIELDS) <= fields

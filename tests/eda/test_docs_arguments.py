# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The source's arguments: the event-driven guide carries their table for the docs site (antsibull-docs 2.x
renders no EDA plugin pages), live_callback.yaml for Galaxy and Automation Hub (ansible-doc reads it). Both
must name every argument the source takes, in order, with its default and type."""

import os
import re

import yaml
from conftest import COLLECTION_ROOT, SOURCE_PATH

GUIDE = os.path.join(COLLECTION_ROOT, "docs", "docsite", "rst", "event_driven.rst")


def documented_arguments():
    with open(GUIDE, encoding="utf-8") as handle:
        text = handle.read()
    table = text.split(".. _ansible_collections.tencent.cloud.docsite.event_driven.arguments:", 1)[1]
    table = table.split("\n\n", 3)[2].split("\n\n")[0]  # the list-table after its options
    rows = re.findall(r"^  \* - ``(\w+)``\n    - (.+)$", table, re.MULTILINE)
    return [(name, default.strip()) for name, default in rows]


def shown(default):
    if default is None:
        return "(none)"
    return f"``{str(default).lower() if isinstance(default, bool) else default}``"


def test_the_guide_documents_every_argument_with_its_default(source):
    expected = [(name, shown(default)) for name, (kind, default) in source["ARGUMENTS"].items() if kind]
    assert documented_arguments() == expected


def test_the_guide_names_the_environment_variable_and_every_event(source):
    with open(GUIDE, encoding="utf-8") as handle:
        text = handle.read()
    assert source["KEY_ENV"] in text
    for event in source["ALL_EVENTS"]:
        assert f"``{event}``" in text
    for number in source["EVENT_NAMES"]:
        assert f"({number})" in text or f"``event_type`` {number}" in text


TYPES = {"text": "str", "secret": "str", "port": "int", "bool": "bool", "event_types": "list"}
TYPES.update(seconds="float", positive_int="int")


def test_the_sidecar_documentation_matches_the_source(source):
    with open(os.path.join(COLLECTION_ROOT, SOURCE_PATH[:-3] + ".yaml"), encoding="utf-8") as handle:
        documentation = yaml.safe_load(handle)["DOCUMENTATION"]
    options = documentation["options"]
    assert list(options) == list(source["ARGUMENTS"])
    for name, (kind, default) in source["ARGUMENTS"].items():
        assert options[name].get("default") == default, name
        assert options[name]["type"] == TYPES[kind], name
        assert options[name]["description"], name
    assert options["event_types"]["choices"] == list(source["ALL_EVENTS"])
    assert source["KEY_ENV"] in str(options["callback_key"]["description"])

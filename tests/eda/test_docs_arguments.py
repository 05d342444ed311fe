# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The source's documentation, live_callback.yaml, is the one home of its arguments: ansible-doc, Galaxy,
Automation Hub and the docs site's page of the source (docs/docsite/rst/live_callback.rst, written from it by
make docs-facts and checked by make docs-test) read it. It must name every argument the source takes, in
order, with its default and type; the event-driven guide names every event."""

import os

import yaml
from conftest import COLLECTION_ROOT, SOURCE_PATH

GUIDE = os.path.join(COLLECTION_ROOT, "docs", "docsite", "rst", "event_driven.rst")


def test_the_guide_names_the_environment_variable_and_every_event(source):
    with open(GUIDE, encoding="utf-8") as handle:
        text = handle.read()
    assert source["KEY_ENV"] in text
    for event in source["ALL_EVENTS"]:
        assert f"``{event}``" in text
    for number in source["EVENT_NAMES"]:
        assert f"({number})" in text or f"``event_type`` {number}" in text


TYPES = {"text": "str", "secret": "str", "port": "int", "bool": "bool", "event_types": "list"}
TYPES.update(seconds="float", positive_int="int", count="int", networks="list", match="dict")


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
    assert source["_arguments"].PASSWORD_ENV in str(options["password"]["description"])
    assert f"shorter than {source['_arguments'].SHORT_KEY} characters" in str(options["callback_key"]["description"])

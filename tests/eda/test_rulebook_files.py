# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shipped rulebooks are valid for ansible-rulebook (its own JSON schema), deployable as shipped (every setting
of the source a documented variable with a default, rendered to arguments the source takes), the moderation ones
batch Blocks and run their actions side by side, and the two keep the same rules apart from the action."""

import glob
import os
import re

import pytest
import yaml
from ansible_rulebook.validators import Validate
from conftest import COLLECTION_ROOT
from jinja2.nativetypes import NativeEnvironment

RULEBOOKS = sorted(glob.glob(os.path.join(COLLECTION_ROOT, "extensions", "eda", "rulebooks", "*.yml")))


def load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def test_there_are_rulebooks():
    assert [os.path.basename(p) for p in RULEBOOKS] == [
        "forbidden_encoders.yml",
        "moderation_forbid.yml",
        "moderation_forbid_controller.yml",
    ]


VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\|\s*default\(")
# what a deployment never changes: which events the source emits and which it batches
FIXED_ARGUMENTS = {"event_types", "batch_match"}


def rendered(value, variables):
    """A rulebook's value as ansible-rulebook renders it (Jinja with native types)."""
    return NativeEnvironment().from_string(value).render(**variables) if isinstance(value, str) else value


@pytest.mark.parametrize("path", RULEBOOKS, ids=os.path.basename)
def test_each_rulebook_is_valid_deployable_as_shipped_and_documented_at_its_top(source, path, listener):
    """Every setting of the source is a variable with a default (never a copy to edit), each variable the rulebook
    reads is in its header, and what the variables render to is what the source takes."""
    Validate.rulebook(load(path))
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    header = text.split("\n- name:")[0]
    assert f"tencent.cloud.{os.path.basename(path)[:-4]}" in header
    for variable in set(VARIABLE.findall(text)):
        assert re.search(rf"^#   {variable} ", header, re.MULTILINE), f"{variable} is not in the header"
    for ruleset in load(path):
        for item in ruleset["sources"]:
            args = item["tencent.cloud.live_callback"]
            assert "password" not in args and "callback_key" not in args  # secrets come from the environment
            for name, value in args.items():
                assert name in FIXED_ARGUMENTS or VARIABLE.match(str(value)), f"{name} is not a variable"
            settings = source["parse_arguments"](
                {k: rendered(v, listener.variables) for k, v in args.items()}, {"TENCENTCLOUD_LIVE_CALLBACK_KEY": "k"}
            )
            assert settings.host == "127.0.0.1" and settings.port == 5000 and settings.certfile is not None
            # as shipped (no variable set): the safe defaults, every '' taken as not given
            shipped = source["parse_arguments"](
                {k: rendered(v, {}) for k, v in args.items()}, {"TENCENTCLOUD_LIVE_CALLBACK_KEY": "k"}
            )
            assert (shipped.host, shipped.port, shipped.certfile, shipped.keyfile) == ("0.0.0.0", 5000, None, None)
            assert shipped.allowed_networks is None and shipped.password is None


def test_the_moderation_rulebooks_batch_blocks_and_run_their_actions_side_by_side(source):
    for name in ("moderation_forbid.yml", "moderation_forbid_controller.yml"):
        [ruleset] = load(os.path.join(os.path.dirname(RULEBOOKS[0]), name))
        assert ruleset["execution_strategy"] == "parallel", name  # a Review, a second batch: no wait for a forbid
        [item] = ruleset["sources"]
        args = {k: rendered(v, {}) for k, v in item["tencent.cloud.live_callback"].items() if k in FIXED_ARGUMENTS}
        assert args == {"event_types": ["moderation"], "batch_match": {"event": "moderation", "suggestion": "Block"}}
        block = ruleset["rules"][0]
        assert block["condition"] == (
            'event.tencent_live_batch.event == "moderation" and event.tencent_live_batch.suggestion == "Block"'
        )
    [controller] = load(os.path.join(os.path.dirname(RULEBOOKS[0]), "moderation_forbid_controller.yml"))
    assert controller["rules"][0]["action"]["run_job_template"]["include_events"] is False


def test_both_moderation_rulebooks_have_the_same_rules_but_the_action():
    job_template, playbook = (load(os.path.join(os.path.dirname(RULEBOOKS[0]), name)) for name in (
        "moderation_forbid_controller.yml", "moderation_forbid.yml"))  # fmt: skip
    assert job_template[0]["sources"] == playbook[0]["sources"]
    [block_job, review_job] = job_template[0]["rules"]
    [block_play, review_play] = playbook[0]["rules"]
    assert review_job == review_play
    assert block_job["condition"] == block_play["condition"]
    assert (
        block_job["action"]["run_job_template"]["job_args"]["extra_vars"]
        == block_play["action"]["run_playbook"]["extra_vars"]
    )
    assert block_play["action"]["run_playbook"]["name"] == "tencent.cloud.forbid_streams"

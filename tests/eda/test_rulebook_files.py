# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shipped rulebooks are valid for ansible-rulebook (its own JSON schema), use the source with
checked arguments, and the two moderation rulebooks keep the same rules apart from the action."""

import glob
import os

import pytest
import yaml
from ansible_rulebook.validators import Validate
from conftest import COLLECTION_ROOT

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


@pytest.mark.parametrize("path", RULEBOOKS, ids=os.path.basename)
def test_each_rulebook_is_valid_and_documented_at_its_top(source, path):
    Validate.rulebook(load(path))
    with open(path, encoding="utf-8") as handle:
        header = handle.read().split("\n- name:")[0]
    assert f"tencent.cloud.{os.path.basename(path)[:-4]}" in header
    for ruleset in load(path):
        for item in ruleset["sources"]:
            args = dict(item["tencent.cloud.live_callback"], callback_key="k", port=5000)
            source["parse_arguments"](args, {})  # every argument a rulebook gives is one the source takes


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

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""tencent_live_snapshot_template and tencent_live_snapshot_rule with a fake Tencent: the same engine, another table."""

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils import _base
from ansible_collections.tencent.cloud.plugins.modules import tencent_live_snapshot_rule, tencent_live_snapshot_template

CONNECTION = {"secret_id": "AKIDtest", "secret_key": "s3cr3t-key-value", "endpoint": "http://127.0.0.1:9"}
DOMAIN = "5000.livepush.myqcloud.com"
COS = {"cos_app_id": 1250000000, "cos_bucket": "live-snapshots", "cos_region": "ap-guangzhou"}


@pytest.fixture
def run(monkeypatch, run_module, fake_live):
    def run_with(main=tencent_live_snapshot_template.main, check_mode=False, diff=False, **args):
        monkeypatch.setattr(_base.TencentModule, "client", property(lambda self: fake_live))
        return run_module(main, dict(CONNECTION, **args), check_mode=check_mode, diff=diff)

    return run_with


def test_create_with_moderation_then_rerun_is_ok(run, fake_live):
    first = run(name="moderation", moderation=True, interval=10, **COS)
    assert first["changed"] is True and first["template"]["moderation"] is True
    (create,) = fake_live.sent("CreateLiveSnapshotTemplate")
    assert create["PornFlag"] == 1 and create["CosBucket"] == "live-snapshots" and create["SnapshotInterval"] == 10
    assert run(name="moderation", moderation=True, interval=10, **COS)["changed"] is False
    assert fake_live.writes() == ["CreateLiveSnapshotTemplate"]


def test_modify_sends_the_cos_fields_every_time(run, fake_live):
    template_id = fake_live.add_template("Snapshot", TemplateName="moderation")
    result = run(diff=True, name="moderation", moderation=True)
    assert result["changed"] is True and result["diff"]["before"]["moderation"] is False
    (modify,) = fake_live.sent("ModifyLiveSnapshotTemplate")
    assert modify == {
        "TemplateId": template_id,
        "PornFlag": 1,
        "CosAppId": 1250000000,
        "CosBucket": "b",
        "CosRegion": "ap-guangzhou",
        "SnapshotInterval": 10,
        "Width": 0,
        "Height": 0,
    }


@pytest.mark.parametrize(
    "args, words",
    [
        (dict(name="m", interval=1, **COS), "interval must be between 2 and 300, got 1"),
        (dict(name="m", cos_app_id=1250000000, cos_bucket="b-1250000000", cos_region="r"), "without the -appid"),
        (dict(name="m", moderation=True), "cos_app_id is required to create a snapshot template"),
    ],
)
def test_bad_input_fails_before_any_write(run, fake_live, args, words):
    result = run(**args)
    assert result["failed"] is True and words in result["msg"] and fake_live.writes() == []


def test_snapshot_rule_identity_has_the_stream_and_rebinds(run, fake_live):
    first = fake_live.add_template("Snapshot", TemplateName="a")
    second = fake_live.add_template("Snapshot", TemplateName="b")
    bound = run(tencent_live_snapshot_rule.main, domain_name=DOMAIN, template_name="a")
    assert bound["changed"] is True and bound["rule"]["stream_name"] == "" and bound["rule"]["template_id"] == first
    assert fake_live.sent("CreateLiveSnapshotRule") == [
        {"DomainName": DOMAIN, "AppName": "live", "StreamName": "", "TemplateId": first}
    ]
    again = run(tencent_live_snapshot_rule.main, diff=True, domain_name=DOMAIN, template_id=second)
    assert again["changed"] is True and again["diff"]["before"]["template_id"] == first
    assert fake_live.writes() == ["CreateLiveSnapshotRule", "DeleteLiveSnapshotRule", "CreateLiveSnapshotRule"]


def test_snapshot_template_in_use_is_not_deleted(run, fake_live):
    template_id = fake_live.add_template("Snapshot", TemplateName="a")
    fake_live.add_rule("Snapshot", DomainName=DOMAIN, AppName="live", StreamName="", TemplateId=template_id)
    result = run(name="a", state="absent")
    assert result["failed"] is True and "snapshot rule" in result["msg"] and fake_live.writes() == []


def test_snapshot_rule_absent_in_check_mode_deletes_nothing(run, fake_live):
    """Seeded fault this catches: the rule flow deleting in check mode, for the snapshot rule's identity (domain, app,
    stream). The rule must still be there, and no write sent."""
    template_id = fake_live.add_template("Snapshot", TemplateName="moderation")
    fake_live.add_rule("Snapshot", DomainName=DOMAIN, AppName="live", StreamName="", TemplateId=template_id)
    result = run(tencent_live_snapshot_rule.main, check_mode=True, domain_name=DOMAIN, state="absent")
    assert result["changed"] is True and result["rule"] is None
    assert fake_live.writes() == [] and len(fake_live.rules["Snapshot"]) == 1


def test_a_description_change_alone_is_written(run, fake_live):
    """Seeded fault this catches: TemplateStore.changes() not comparing ``description`` (for the snapshot kind too)."""
    template_id = fake_live.add_template("Snapshot", TemplateName="moderation", Description="old")
    assert run(name="moderation", description="new")["changed"] is True
    assert [modify["Description"] for modify in fake_live.sent("ModifyLiveSnapshotTemplate")] == ["new"]
    assert fake_live.templates["Snapshot"][template_id]["Description"] == "new"


def test_check_mode_change_of_a_template_not_created_yet_warns(run, fake_live):
    """The snapshot template EXAMPLES' second task in check mode on an empty account: it changes a template the first
    task would create; it warns saying so instead of failing for the COS fields it does not repeat."""
    result = run(check_mode=True, name="moderation", moderation=False)
    assert result["changed"] is True and fake_live.writes() == []
    assert "no snapshot template has the name 'moderation' yet: in check mode" in str(result["warnings"])
    assert "cos_app_id is required" in str(result["warnings"])

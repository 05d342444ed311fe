# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""tencent_live_callback_rule and tencent_live_callback_info with a fake Tencent (tests/unit/plugins/conftest.py)."""

import json

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils import _base
from ansible_collections.tencent.cloud.plugins.modules import tencent_live_callback_info, tencent_live_callback_rule

CONNECTION = {"secret_id": "AKIDtest", "secret_key": "s3cr3t-key-value", "endpoint": "http://127.0.0.1:9"}
DOMAIN = "5000.livepush.myqcloud.com"
URL = "https://eda.example.com:5000/live"


@pytest.fixture
def run(monkeypatch, run_module, fake_live):
    def run_with(main=tencent_live_callback_rule.main, check_mode=False, diff=False, **args):
        monkeypatch.setattr(_base.TencentModule, "client", property(lambda self: fake_live))
        return run_module(main, dict(CONNECTION, **args), check_mode=check_mode, diff=diff)

    return run_with


@pytest.fixture
def two_templates(fake_live):
    return (
        fake_live.add_template(TemplateName="eda", StreamBeginNotifyUrl=URL, CallbackKey="key-one-abcdef"),
        fake_live.add_template(TemplateName="other", StreamBeginNotifyUrl=URL),
    )


def test_bind_by_name_then_rerun_is_ok(run, fake_live, two_templates):
    first = run(domain_name=DOMAIN, template_name="eda")
    assert first["changed"] is True
    assert first["rule"] == {
        "domain_name": DOMAIN,
        "app_name": "live",
        "template_id": two_templates[0],
        "template_name": "eda",
    }
    assert fake_live.rules["Callback"][0]["TemplateId"] == two_templates[0]
    assert run(domain_name=DOMAIN, template_id=two_templates[0])["changed"] is False
    assert fake_live.writes() == ["CreateLiveCallbackRule"]


def test_rebind_deletes_then_creates_and_the_diff_shows_both_ids(run, fake_live, two_templates):
    fake_live.add_rule(DomainName=DOMAIN, AppName="live", TemplateId=two_templates[0])
    result = run(diff=True, domain_name=DOMAIN, template_name="other")
    assert result["changed"] is True
    assert fake_live.writes() == ["DeleteLiveCallbackRule", "CreateLiveCallbackRule"]
    assert result["diff"]["before"]["template_id"] == two_templates[0]
    assert result["diff"]["after"]["template_id"] == two_templates[1]
    assert [rule["TemplateId"] for rule in fake_live.rules["Callback"]] == [two_templates[1]]


def test_a_failed_create_after_the_delete_says_the_old_rule_is_gone(run, fake_live, two_templates):
    fake_live.add_rule(DomainName=DOMAIN, AppName="live", TemplateId=two_templates[0])
    fake_live.plant("CreateLiveCallbackRule", fake_live.error("InvalidParameter", "CreateLiveCallbackRule"))
    result = run(domain_name=DOMAIN, template_name="other")
    assert result["failed"] is True and result["changed"] is True
    assert f"after the rule to template {two_templates[0]} was deleted" in result["msg"]
    assert result["failure"]["code"] == "InvalidParameter" and result["rule"] is None


def test_the_whole_domain_is_app_name_empty(run, fake_live, two_templates):
    assert run(domain_name=DOMAIN, app_name="", template_id=two_templates[0])["rule"]["app_name"] == ""
    assert fake_live.sent("CreateLiveCallbackRule") == [
        {"DomainName": DOMAIN, "AppName": "", "TemplateId": two_templates[0]}
    ]


def test_check_mode_makes_no_write(run, fake_live, two_templates):
    result = run(check_mode=True, diff=True, domain_name=DOMAIN, template_name="eda")
    assert result["changed"] is True and fake_live.writes() == [] and result["diff"]["after"]["template_name"] == "eda"


def test_check_mode_with_a_template_not_created_yet_warns(run, fake_live):
    result = run(check_mode=True, domain_name=DOMAIN, template_name="later")
    assert result["changed"] is True and result["rule"]["template_id"] is None
    assert "no callback template has the name 'later' yet" in str(result["warnings"])
    failed = run(domain_name=DOMAIN, template_name="later")
    assert failed["failed"] is True and "No callback template has the name 'later'" in failed["msg"]


def test_absent_removes_and_then_is_ok(run, fake_live, two_templates):
    fake_live.add_rule(DomainName=DOMAIN, AppName="live", TemplateId=two_templates[0])
    assert run(domain_name=DOMAIN, state="absent")["changed"] is True and fake_live.rules["Callback"] == []
    assert run(domain_name=DOMAIN, state="absent")["changed"] is False


@pytest.mark.parametrize("action", ["CreateLiveCallbackRule", "DeleteLiveCallbackRule"])
def test_lost_rule_writes_settle_with_exactly_one_rule(run, fake_live, two_templates, action):
    fake_live.add_rule(DomainName=DOMAIN, AppName="live", TemplateId=two_templates[1])
    fake_live.plant(action, ("lost", fake_live.lost(action)))
    result = run(domain_name=DOMAIN, template_name="eda")
    assert result["changed"] is True, result
    assert fake_live.writes() == ["DeleteLiveCallbackRule", "CreateLiveCallbackRule"]
    assert [rule["TemplateId"] for rule in fake_live.rules["Callback"]] == [two_templates[0]]


def test_duplicate_template_names_fail_naming_the_ids(run, fake_live, two_templates):
    fake_live.add_template(TemplateName="eda", StreamBeginNotifyUrl=URL)
    result = run(domain_name=DOMAIN, template_name="eda")
    assert result["failed"] is True and "1001, 1003" in result["msg"] and "template_name" in result["msg"]
    assert fake_live.writes() == []


def test_info_lists_templates_and_rules_without_keys(run, fake_live, two_templates):
    fake_live.add_rule(DomainName=DOMAIN, AppName="live", TemplateId=two_templates[0])
    fake_live.add_rule(DomainName="other.example.com", AppName="", TemplateId=two_templates[1])
    result = run(tencent_live_callback_info.main, domain_name=DOMAIN)
    assert [t["name"] for t in result["templates"]] == ["eda", "other"]
    assert result["templates"][0]["callback_key_set"] is True and result["templates"][1]["callback_key_set"] is False
    assert result["rules"] == [{"domain_name": DOMAIN, "app_name": "live", "template_id": 1001, "template_name": "eda"}]
    assert "key-one-abcdef" not in json.dumps(result) and result["changed"] is False
    assert len(run(tencent_live_callback_info.main)["rules"]) == 2


def test_info_refuses_a_malformed_listing(run, fake_live, monkeypatch):
    monkeypatch.setattr(fake_live, "_carry_out", lambda action, params: {"Templates": "not a list"})
    result = run(tencent_live_callback_info.main)
    assert result["failed"] is True and "Templates is not a list of objects" in result["msg"]


def test_the_domain_name_is_not_case_sensitive(run, fake_live, two_templates):
    fake_live.add_rule(DomainName=DOMAIN, AppName="live", TemplateId=two_templates[0])
    result = run(domain_name=DOMAIN.upper(), template_name="eda")
    assert result["changed"] is False and fake_live.writes() == [] and result["rule"]["domain_name"] == DOMAIN


def test_absent_in_check_mode_deletes_nothing(run, fake_live, two_templates):
    """Seeded fault this catches: run_rule deleting the rule of state absent in check mode (its check-mode guard
    dropped) -- check mode was tested only for binding. The rule must still be there, and no write sent."""
    fake_live.add_rule(DomainName=DOMAIN, AppName="live", TemplateId=two_templates[0])
    result = run(check_mode=True, diff=True, domain_name=DOMAIN, state="absent")
    assert result["changed"] is True and result["rule"] is None
    assert result["diff"]["before"]["template_id"] == two_templates[0] and result["diff"]["after"] == {}
    assert fake_live.writes() == [] and len(fake_live.rules["Callback"]) == 1


def test_a_null_template_id_binds_a_template_a_check_mode_task_would_create(run, fake_live, two_templates):
    """template_id given as null (registered from a task in check mode) warns in check mode and fails outside it; it
    never binds a template found some other way."""
    result = run(check_mode=True, domain_name=DOMAIN, template_id=None)
    assert result["changed"] is True and result["rule"]["template_id"] is None
    assert "template_id is null: the callback template it stands for has no id yet: in check mode, the rule would " in (
        str(result["warnings"])
    )
    failed = run(domain_name=DOMAIN, template_id=None)
    assert failed["failed"] is True and failed["msg"].startswith("template_id is null: give the template_id")
    assert fake_live.writes() == [] and fake_live.rules["Callback"] == []


def test_a_null_template_name_fails_naming_it_also_in_check_mode(run, fake_live, two_templates):
    """template_name given as null is a mistake (names are not registered from a check-mode run): it fails, in check
    mode too, and binds nothing -- not a template without a name."""
    for check_mode in (True, False):
        failed = run(check_mode=check_mode, domain_name=DOMAIN, template_name=None)
        assert failed["failed"] is True and "No callback template has the name None" in failed["msg"]
    assert fake_live.writes() == []

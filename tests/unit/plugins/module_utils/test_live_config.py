# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The template+rule engine (_live_config.py) with the fake Tencent of tests/unit/plugins/conftest.py: settling by
listing, name lookups, facts without secrets, the changes compared and the writes built from the kind tables."""

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils._config_kinds import CALLBACK, CONFIG_WRITES, SNAPSHOT
from ansible_collections.tencent.cloud.plugins.module_utils._errors import (
    DeadlineExceeded,
    OutcomeUnknown,
    TaskStopped,
    TencentApiError,
    TencentTransportError,
)
from ansible_collections.tencent.cloud.plugins.module_utils._live_config import (
    ConfigConflict,
    RuleStore,
    TemplateStore,
    settled_write,
)
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy

URL = "https://eda.example.com/live"
CREATE = "CreateLiveCallbackTemplate"


def desired(**options):
    wanted = {"name": "eda", **{field.option: None for field in CALLBACK.fields}}
    wanted.update(options)
    return wanted


def test_the_client_never_resends_a_configuration_write_by_itself():
    policy = RetryPolicy()
    lost = TencentTransportError("reset", action=CREATE)
    internal = TencentApiError("InternalError", "oops", "rid", action=CREATE)
    for action in CONFIG_WRITES:
        assert not policy.is_retryable(lost, action) and not policy.is_retryable(internal, action)
    assert policy.is_retryable(lost, "DescribeLiveCallbackTemplates")
    assert len(CONFIG_WRITES) == 10 and "DeleteLiveSnapshotRule" in CONFIG_WRITES


def test_a_lost_create_is_listed_not_resent(fake_live):
    fake_live.plant(CREATE, ("lost", fake_live.lost(CREATE)))
    result, listed = TemplateStore(fake_live, CALLBACK).create(desired(**{"urls.push": URL}))
    assert result.confirmed_by_listing and listed["TemplateName"] == "eda"
    assert fake_live.actions() == [CREATE, "DescribeLiveCallbackTemplates"]
    assert result.recovered[0]["kind"] == "transport"


def test_a_create_not_carried_out_is_sent_again_after_the_listing_shows_none(fake_live):
    fake_live.plant(CREATE, fake_live.lost(CREATE))  # raised before it is carried out
    result, listed = TemplateStore(fake_live, CALLBACK).create(desired(**{"urls.push": URL}))
    assert not result.confirmed_by_listing and listed is not None
    assert fake_live.writes() == [CREATE, CREATE] and len(fake_live.templates["Callback"]) == 1


def test_a_create_refused_for_a_parameter_is_not_listed_nor_resent(fake_live):
    fake_live.plant(CREATE, fake_live.error("InvalidParameter.UrlNotSafe", CREATE))
    with pytest.raises(TencentApiError):
        TemplateStore(fake_live, CALLBACK).create(desired(**{"urls.push": URL}))
    assert fake_live.actions() == [CREATE]


def test_a_lost_create_that_leaves_two_of_the_name_fails_naming_both(fake_live):
    fake_live.add_template(TemplateName="eda", StreamBeginNotifyUrl=URL)  # another tool's, made meanwhile
    fake_live.plant(CREATE, ("lost", fake_live.lost(CREATE)))
    with pytest.raises(ConfigConflict) as caught:
        TemplateStore(fake_live, CALLBACK).create(desired(**{"urls.push": URL}))
    assert "(TemplateId 1001, 1002)" in str(caught.value)


@pytest.mark.parametrize(
    "listing_error",
    [
        TencentApiError("UnauthorizedOperation", "no", "rid", action="DescribeLiveCallbackTemplates"),
        DeadlineExceeded("no time left", action="DescribeLiveCallbackTemplates"),
        TaskStopped("SIGTERM received", action="DescribeLiveCallbackTemplates"),
    ],
)
def test_a_lost_write_whose_listing_fails_has_an_unknown_outcome(fake_live, listing_error):
    fake_live.plant(CREATE, ("lost", fake_live.lost(CREATE)))
    fake_live.plant("DescribeLiveCallbackTemplates", listing_error)
    with pytest.raises(OutcomeUnknown) as caught:
        TemplateStore(fake_live, CALLBACK).create(desired(**{"urls.push": URL}))
    failure = caught.value.failure()
    assert (
        failure["kind"] == "outcome_unknown" and "a re-run lists the callback templates by name" in failure["message"]
    )


def test_a_write_cut_on_the_wire_by_a_stop_is_unknown_and_not_listed(fake_live):
    fake_live.plant(CREATE, TaskStopped("SIGINT received", action=CREATE, maybe_sent=True))
    with pytest.raises(OutcomeUnknown):
        settled_write(fake_live, CREATE, {}, lambda: pytest.fail("listed"), "callback templates")


def test_a_passing_fault_is_resent_at_most_retries_times(fake_live):
    fake_live.plant(CREATE, *[fake_live.error("InternalError", CREATE) for attempt in range(5)])
    with pytest.raises(TencentApiError):
        TemplateStore(fake_live, CALLBACK).create(desired(**{"urls.push": URL}))
    assert fake_live.writes() == [CREATE] * 3  # the first and retries=2


def test_find_by_id_first_then_by_name_and_duplicates_name_their_ids(fake_live):
    first = fake_live.add_template(TemplateName="a")
    fake_live.add_template(TemplateName="b")
    fake_live.add_template(TemplateName="b")
    store = TemplateStore(fake_live, CALLBACK)
    assert store.find(first, "b")["TemplateName"] == "a" and store.find(None, "c") is None
    with pytest.raises(ConfigConflict, match=r"2 callback templates are named 'b' \(TemplateId 1002, 1003\)"):
        store.find(None, "b", option="template_name")
    assert fake_live.actions() == ["DescribeLiveCallbackTemplates"]  # listed once


def test_facts_show_a_secret_only_as_set_and_hide_every_key_read(fake_live):
    fake_live.add_template(TemplateName="a", CallbackKey="Secret1", StreamBeginNotifyUrl=URL)
    fake_live.add_template(TemplateName="b", CallbackKey="Secret2")
    hidden = []
    store = TemplateStore(fake_live, CALLBACK, on_secret=hidden.append)
    facts = [store.facts(template) for template in store.list()]
    assert hidden == ["Secret1", "Secret2"]
    assert facts[0]["callback_key_set"] is True and "callback_key" not in facts[0]
    assert facts[0]["urls"]["push"] == URL and "record_status" not in facts[0]["urls"]
    assert facts[0]["urls"]["push_error"] == "" and facts[0]["urls"]["record_exception"] == ""  # null, absent


def test_changes_treat_absent_null_and_empty_alike_and_compare_the_key(fake_live):
    fake_live.add_template(TemplateName="a", CallbackKey="Key1")
    store = TemplateStore(fake_live, CALLBACK)
    (template,) = store.list()
    same = desired(name="a", **{"urls.push_error": "", "urls.record_exception": "", "record_exception_levels": []})
    assert store.changes(template, same) == {}
    assert store.changes(template, desired(name="a", callback_key="Key2")) == {"callback_key": ("Key1", "Key2")}
    assert store.changes(template, desired(name="a", **{"urls.record_status": URL})) == {}  # write-only


def test_snapshot_modify_carries_the_cos_fields_and_the_flag_as_a_number(fake_live):
    fake_live.add_template("Snapshot", TemplateName="m")
    store = TemplateStore(fake_live, SNAPSHOT)
    (template,) = store.list()
    wanted = {"name": "m", **{field.option: None for field in SNAPSHOT.fields}, "moderation": True}
    changed = store.changes(template, wanted)
    assert changed == {"moderation": (False, True)}
    params = store.modify_params(template, wanted, changed)
    assert params["PornFlag"] == 1 and params["CosBucket"] == "b" and "TemplateName" not in params


def test_rules_are_found_by_identity_whatever_a_whole_domain_app_reads_as(fake_live):
    fake_live.add_rule(DomainName="d.example.com", TemplateId=7)  # AppName absent: the whole domain
    fake_live.add_rule(DomainName="d.example.com", AppName=None, TemplateId=8)
    rules = RuleStore(fake_live, CALLBACK.rule)
    assert rules.find(("d.example.com", ""))["TemplateId"] == 7
    assert [rule["TemplateId"] for rule in rules.using(8)] == [8]


def test_a_rule_delete_answered_not_found_is_done_when_the_listing_agrees(fake_live):
    rules = RuleStore(fake_live, CALLBACK.rule)
    result = rules.delete(("d.example.com", "live"))
    assert result.request_id == "rid-error-FailedOperation.NotFound"
    assert fake_live.actions() == ["DeleteLiveCallbackRule", "DescribeLiveCallbackRules"]


def test_a_malformed_listing_is_a_failure_not_a_crash(fake_live, monkeypatch):
    monkeypatch.setattr(fake_live, "_carry_out", lambda action, params: {"Rules": [1, 2]})
    with pytest.raises(TencentTransportError, match="Rules is not a list of objects"):
        RuleStore(fake_live, CALLBACK.rule).list()

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""tencent_live_callback_template with a fake Tencent (tests/unit/plugins/conftest.py): create, no-op, updates, the key
never shown, rename, duplicate names, absent while bound, lost answers, check and diff mode."""

import json

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils import _base
from ansible_collections.tencent.cloud.plugins.modules import tencent_live_callback_template

CONNECTION = {"secret_id": "AKIDtest", "secret_key": "s3cr3t-key-value", "endpoint": "http://127.0.0.1:9"}
KEY = "CallbackKey0123456789"
URL = "https://eda.example.com:5000/live"


@pytest.fixture
def run(monkeypatch, run_module, fake_live):
    def run_with(check_mode=False, diff=False, **args):
        monkeypatch.setattr(_base.TencentModule, "client", property(lambda self: fake_live))
        return run_module(
            tencent_live_callback_template.main, dict(CONNECTION, **args), check_mode=check_mode, diff=diff
        )

    return run_with


def only_template(fake):
    (template,) = fake.templates["Callback"].values()
    return template


def test_create_then_rerun_is_ok(run, fake_live):
    args = dict(name="eda", urls={"push": URL, "moderation": URL}, callback_key=KEY)
    first = run(**args)
    assert first["changed"] is True and first["template"]["name"] == "eda"
    assert first["template"]["urls"]["push"] == URL and first["template"]["urls"]["interrupt"] == ""
    assert first["template"]["callback_key_set"] is True
    # nothing masked either: a key in the output would show as Ansible's no_log mask
    assert "callback_key" not in first["template"] and "********" not in json.dumps(first)
    assert fake_live.writes() == ["CreateLiveCallbackTemplate"]
    assert only_template(fake_live)["CallbackKey"] == KEY
    second = run(**args)
    assert second["changed"] is False and fake_live.writes() == ["CreateLiveCallbackTemplate"]
    assert second["template"]["template_id"] == first["template"]["template_id"]


def test_check_mode_makes_no_write_and_diff_shows_no_key(run, fake_live):
    result = run(check_mode=True, diff=True, name="eda", urls={"push": URL}, callback_key=KEY)
    assert result["changed"] is True and result["template"]["template_id"] is None
    assert fake_live.writes() == [] and fake_live.templates["Callback"] == {}
    assert KEY not in json.dumps(result) and result["diff"]["after"]["callback_key_set"] is True


@pytest.mark.parametrize("key, api", [("push", "StreamBeginNotifyUrl"), ("push_error", "PushExceptionNotifyUrl")])
def test_update_of_one_url_sends_it_and_the_urls_kept(run, fake_live, key, api):
    template_id = fake_live.add_template(TemplateName="eda", StreamEndNotifyUrl=URL)
    result = run(diff=True, name="eda", urls={key: URL + "/new"})
    assert result["changed"] is True and result["template"]["urls"][key] == URL + "/new"
    (modify,) = fake_live.sent("ModifyLiveCallbackTemplate")
    # the new URL, and the one kept sent again (whether Modify keeps what it is not given is undocumented)
    assert modify == {"TemplateId": template_id, api: URL + "/new", "StreamEndNotifyUrl": URL}
    assert result["diff"]["before"]["urls"][key] == "" and result["diff"]["after"]["urls"][key] == URL + "/new"


def test_clearing_a_url_sends_an_empty_string_and_null_reads_as_cleared(run, fake_live):
    fake_live.add_template(TemplateName="eda", StreamBeginNotifyUrl=URL, StreamEndNotifyUrl=URL)
    result = run(name="eda", urls={"interrupt": "", "push_error": ""})  # PushExceptionNotifyUrl reads back null
    assert result["changed"] is True and result["template"]["urls"]["interrupt"] == ""
    assert fake_live.sent("ModifyLiveCallbackTemplate") == [
        {"TemplateId": 1001, "StreamEndNotifyUrl": "", "StreamBeginNotifyUrl": URL}
    ]
    assert run(name="eda", urls={"interrupt": "", "push_error": "", "record_exception": ""})["changed"] is False


def test_a_changed_key_is_detected_and_never_shown(run, fake_live, monkeypatch):
    fake_live.add_template(TemplateName="eda", StreamBeginNotifyUrl=URL, CallbackKey="old-key-abcdef")
    monkeypatch.setenv("TENCENTCLOUD_LIVE_CALLBACK_KEY", KEY)  # the event source's variable
    result = run(diff=True, name="eda")
    assert result["changed"] is True and only_template(fake_live)["CallbackKey"] == KEY
    assert (
        result["diff"]["after"]["callback_key"] == "(changed)"
        and result["diff"]["before"]["callback_key"] == "(hidden)"
    )
    text = json.dumps(result)
    assert KEY not in text and "old-key-abcdef" not in text
    assert run(name="eda")["changed"] is False


def test_record_status_is_sent_with_other_changes_but_never_compared(run, fake_live):
    template_id = fake_live.add_template(TemplateName="eda", StreamBeginNotifyUrl=URL)
    assert run(name="eda", urls={"record_status": URL})["changed"] is False
    assert fake_live.writes() == []
    result = run(name="eda", urls={"record_status": URL, "record": URL})
    assert result["changed"] is True and fake_live.write_only[template_id] == URL
    assert "record_status" not in result["template"]["urls"]


def test_rename_by_id_and_a_taken_name_is_refused(run, fake_live):
    first = fake_live.add_template(TemplateName="old", StreamBeginNotifyUrl=URL)
    fake_live.add_template(TemplateName="taken", StreamBeginNotifyUrl=URL)
    assert run(template_id=first, name="new")["template"]["name"] == "new"
    refused = run(template_id=first, name="taken")
    assert refused["failed"] is True and "1002" in refused["msg"] and "already has that name" in refused["msg"]
    assert fake_live.writes() == ["ModifyLiveCallbackTemplate"]


def test_two_templates_of_one_name_fail_naming_their_ids(run, fake_live):
    fake_live.add_template(TemplateName="eda", StreamBeginNotifyUrl=URL)
    fake_live.add_template(TemplateName="eda", StreamBeginNotifyUrl=URL)
    result = run(name="eda", urls={"push": URL})
    assert result["failed"] is True and "1001, 1002" in result["msg"] and result["failure"]["kind"] == "conflict"
    assert fake_live.writes() == []


def test_absent_while_bound_fails_naming_the_rules_and_deletes_nothing(run, fake_live):
    template_id = fake_live.add_template(TemplateName="eda", StreamBeginNotifyUrl=URL)
    fake_live.add_rule(DomainName="d.example.com", AppName="live", TemplateId=template_id)
    result = run(name="eda", state="absent")
    assert result["failed"] is True and "domain_name='d.example.com', app_name='live'" in result["msg"]
    assert fake_live.writes() == [] and template_id in fake_live.templates["Callback"]


def test_absent_deletes_and_then_is_ok(run, fake_live):
    fake_live.add_template(TemplateName="eda", StreamBeginNotifyUrl=URL)
    assert run(check_mode=True, name="eda", state="absent")["changed"] is True and fake_live.writes() == []
    assert run(name="eda", state="absent")["changed"] is True and fake_live.templates["Callback"] == {}
    assert run(name="eda", state="absent")["changed"] is False


def test_a_lost_create_is_settled_by_listing_with_exactly_one_template(run, fake_live):
    fake_live.plant("CreateLiveCallbackTemplate", ("lost", fake_live.lost("CreateLiveCallbackTemplate")))
    result = run(name="eda", urls={"push": URL})
    assert result["changed"] is True and result["confirmed_by_listing"] is True
    assert fake_live.writes() == ["CreateLiveCallbackTemplate"] and len(fake_live.templates["Callback"]) == 1


def test_a_create_that_did_not_happen_is_sent_again_after_the_listing(run, fake_live):
    fake_live.plant("CreateLiveCallbackTemplate", fake_live.error("InternalError", "CreateLiveCallbackTemplate"))
    result = run(name="eda", urls={"push": URL})
    assert result["changed"] is True and len(fake_live.templates["Callback"]) == 1
    assert fake_live.writes() == ["CreateLiveCallbackTemplate", "CreateLiveCallbackTemplate"]


def test_lost_modify_and_delete_are_settled_by_listing(run, fake_live):
    fake_live.add_template(TemplateName="eda", StreamBeginNotifyUrl=URL)
    fake_live.plant("ModifyLiveCallbackTemplate", ("lost", fake_live.lost("ModifyLiveCallbackTemplate")))
    assert run(name="eda", urls={"push": URL + "/2"})["changed"] is True
    fake_live.plant("DeleteLiveCallbackTemplate", ("lost", fake_live.lost("DeleteLiveCallbackTemplate")))
    assert run(name="eda", state="absent")["changed"] is True
    assert fake_live.writes() == ["ModifyLiveCallbackTemplate", "DeleteLiveCallbackTemplate"]


def test_create_needs_a_url_and_fails_before_any_call(run, fake_live):
    result = run(name="eda", description="no urls")
    assert result["failed"] is True and "urls must give at least one URL" in result["msg"]
    assert fake_live.writes() == []


@pytest.mark.parametrize(
    "args, words",
    [
        ({"name": "bad name"}, "name 'bad name' may only have"),
        ({"name": "eda", "urls": {"push": "ftp://x.example.com"}}, "urls.push 'ftp://x.example.com' is not an http"),
        ({"template_id": 0}, "template_id must be a positive"),
    ],
)
def test_bad_input_names_the_option_before_any_call(run, fake_live, args, words):
    result = run(**args)
    assert result["failed"] is True and words in result["msg"] and fake_live.calls == []


def test_an_unknown_template_id_fails_when_present_and_is_ok_when_absent(run, fake_live):
    assert "no callback template has template_id 77" in run(template_id=77, urls={"push": URL})["msg"]
    assert run(template_id=77, state="absent")["changed"] is False


def test_a_modify_tencent_accepts_but_does_not_apply_fails_saying_so(run, fake_live, monkeypatch):
    fake_live.add_template(TemplateName="eda", StreamBeginNotifyUrl=URL, StreamEndNotifyUrl=URL, CallbackKey="k-abc")
    write = fake_live._template_write

    def keeps_empty_urls(kind, verb, params, *rest):
        kept = {name: value for name, value in params.items() if value != ""}
        return write(kind, verb, kept, *rest)

    monkeypatch.setattr(fake_live, "_template_write", keeps_empty_urls)
    result = run(name="eda", urls={"interrupt": ""}, callback_key=KEY)
    assert result["failed"] is True and result["changed"] is True and result["failure"]["kind"] == "conflict"
    assert "urls.interrupt reads 'https://eda.example.com:5000/live', not ''" in result["msg"]
    assert "RequestId: rid-ModifyLiveCallbackTemplate-2" in result["msg"] and KEY not in json.dumps(result)


def test_a_key_tencent_would_refuse_fails_before_any_call_without_showing_it(run, fake_live):
    result = run(name="eda", urls={"push": URL}, callback_key="not a valid key!")
    assert (
        result["failed"] is True and "callback_key (or TENCENTCLOUD_LIVE_CALLBACK_KEY) must be 1 to 32" in result["msg"]
    )
    assert "not a valid key" not in json.dumps(result) and fake_live.calls == []


def test_a_change_of_the_description_alone_is_seen_and_written(run, fake_live):
    """Seeded fault this catches: TemplateStore.changes() not comparing ``description`` -- the task then reports ok
    and sends no Modify, and the new description is never written."""
    template_id = fake_live.add_template(TemplateName="eda", Description="old words", StreamBeginNotifyUrl=URL)
    result = run(diff=True, name="eda", description="new words")
    assert result["changed"] is True and result["template"]["description"] == "new words"
    assert result["diff"]["before"]["description"] == "old words"
    (modify,) = fake_live.sent("ModifyLiveCallbackTemplate")
    assert modify["TemplateId"] == template_id and modify["Description"] == "new words"
    assert fake_live.templates["Callback"][template_id]["Description"] == "new words"
    assert run(name="eda", description="new words")["changed"] is False


def test_modify_sends_every_field_that_has_a_value_the_key_as_read_included(run, fake_live):
    """What the module documentation says Modify sends: the fields asked to change, and every other field that has a
    value, as read (the callback key too), since whether Tencent keeps a field left out is undocumented."""
    template_id = fake_live.add_template(
        TemplateName="eda", Description="words", StreamBeginNotifyUrl=URL, StreamEndNotifyUrl=URL, CallbackKey="k-abc1"
    )
    assert run(name="eda", urls={"moderation": URL})["changed"] is True
    assert fake_live.sent("ModifyLiveCallbackTemplate") == [
        {
            "TemplateId": template_id,
            "Description": "words",
            "StreamBeginNotifyUrl": URL,
            "StreamEndNotifyUrl": URL,
            "PornCensorshipNotifyUrl": URL,
            "CallbackKey": "k-abc1",
        }
    ]


def test_check_mode_change_of_a_template_not_created_yet_warns_saying_so(run, fake_live):
    """In check mode the task that creates a template creates nothing, so a later task that changes it finds none, and
    its own options cannot create one: it warns that a task before it would create the template, and reports the
    change; outside check mode the same task fails naming what it lacks."""
    result = run(check_mode=True, diff=True, name="eda", urls={"interrupt": ""})
    assert result["changed"] is True and result["template"]["template_id"] is None
    assert result["template"]["urls"]["interrupt"] == "" and result["diff"]["before"] == {}
    warning = str(result["warnings"])
    assert (
        "no callback template has the name 'eda' yet: in check mode, this task would change it once a task " in warning
    )
    assert "this task's options alone cannot create it: urls must give at least one URL" in warning
    assert fake_live.writes() == []
    failed = run(name="eda", urls={"interrupt": ""})
    assert failed["failed"] is True and "urls must give at least one URL" in failed["msg"] and fake_live.writes() == []


@pytest.mark.parametrize(
    "args, would",
    [
        ({"name": "eda-prod"}, "this task would rename it to 'eda-prod' and set what its options say"),
        ({"state": "absent"}, "this task would delete it"),
    ],
)
def test_a_null_template_id_is_a_template_a_check_mode_task_would_create(run, fake_live, args, would):
    """template_id given as null -- registered from a task that ran in check mode, which returns no id -- is not the
    same as no template_id: in check mode the task warns what it would do to that template; outside check mode it
    fails saying template_id is null. Either way it never falls back to a template of that name."""
    fake_live.add_template(TemplateName="eda-prod", StreamBeginNotifyUrl=URL)
    result = run(check_mode=True, template_id=None, **args)
    assert result["changed"] is True, result
    assert f"template_id is null: the callback template it stands for has no id yet: in check mode, {would}" in str(
        result["warnings"]
    )
    failed = run(template_id=None, **args)
    assert failed["failed"] is True and failed["msg"].startswith("template_id is null: give the template_id")
    assert fake_live.writes() == []


@pytest.fixture
def warnings_cleared():
    """In-process runs collect module warnings in a global: none from another test, none left for the next."""
    from ansible.module_utils.common import warnings as module_warnings

    def clear():
        for name in ("_global_warnings", "_global_deprecations"):
            collected = getattr(module_warnings, name, None)
            if collected is not None:
                collected.clear()

    clear()
    yield
    clear()


@pytest.mark.parametrize("length, accepted", [(32, True), (33, False)])
def test_a_key_may_have_32_characters_not_33(run, fake_live, length, accepted):
    """Tencent allows 32 letters and digits. Seeded fault (issue #34): a key check that allows 33 characters
    (``{1,33}``) passed every test before this one, and Tencent would refuse the key at the first write."""
    key = ("Key0" * 9)[:length]
    result = run(name="eda", urls={"push": URL}, callback_key=key)
    assert key not in json.dumps(result)
    if accepted:
        assert result["changed"] is True and only_template(fake_live)["CallbackKey"] == key
    else:
        assert result["failed"] is True and "must be 1 to 32 letters and digits" in result["msg"]
        assert "has 33 characters" in result["msg"] and fake_live.calls == []


@pytest.mark.parametrize("length, warned", [(1, True), (15, True), (16, False), (32, False)])
def test_a_key_shorter_than_16_characters_gets_a_warning_naming_the_risk(
    run, fake_live, warnings_cleared, length, warned
):
    """One observed t and sign give a short key away to whoever tries keys offline: the task says so, and still
    sets the key (Tencent takes it), never showing it."""
    key = ("Key0" * 8)[:length]
    result = run(name="eda", urls={"push": URL}, callback_key=key)
    assert result["changed"] is True and only_template(fake_live)["CallbackKey"] == key
    text = json.dumps(result.get("warnings", []))
    assert ("trying keys offline" in text) is warned
    if warned:
        assert f"has only {length} characters" in text and "Use 16 to 32 letters and digits" in text
    assert key not in text or length < 4  # a 1-character key is a letter of any text

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's callback and snapshot templates and rules: the official SDK drives all sixteen
actions; Tencent's rules (50 templates, one rule per identity, a bound template stays, the key read
back, the write-only URL never read, null and absent fields); every setting for an undocumented
answer; lost answers on every write; and callbacks that follow the rules -- the bound template's URL
and key, moderation only where a snapshot template with moderation is bound."""

import hashlib
import json
import time

import live_api_emulator as le  # loaded by tests/conftest.py from tests/emulator/
import pytest
import requests
from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.live.v20180801 import live_client, models

DOMAIN = le.DEFAULT_DOMAIN
KEY = "TemplateKey0123456789abcdefABCDE"
OTHER_KEY = "GlobalKey42"


@pytest.fixture(name="client")
def client_fixture(emulator):
    http = HttpProfile(endpoint=f"127.0.0.1:{emulator.port}", protocol="http", reqTimeout=10)
    credential = Credential(le.DEFAULT_SECRET_ID, le.DEFAULT_SECRET_KEY)
    return live_client.LiveClient(credential, "", ClientProfile(httpProfile=http))


def call(client, action, **params):
    """One SDK call of ``action``; the answer as a dict (the SDK's own model, serialised)."""
    request = getattr(models, f"{action}Request")()
    request.from_json_string(json.dumps(params))
    return json.loads(getattr(client, action)(request).to_json_string())


def error_code(client, action, **params):
    with pytest.raises(TencentCloudSDKException) as caught:
        call(client, action, **params)
    return caught.value.code, caught.value.message


def callback_template(client, name="cb", **fields):
    fields.setdefault("StreamBeginNotifyUrl", "http://receiver.example/push")
    return call(client, "CreateLiveCallbackTemplate", TemplateName=name, **fields)["TemplateId"]


def snapshot_template(client, name="snap", **fields):
    fields = dict({"CosAppId": 1250000000, "CosBucket": "shots", "CosRegion": "ap-guangzhou"}, **fields)
    return call(client, "CreateLiveSnapshotTemplate", TemplateName=name, **fields)["TemplateId"]


def settings(emulator, **values):
    emulator.core.update_settings(values)


# --------------------------------------------------------------------------- the SDK drives every action


def test_sdk_drives_every_callback_action(emulator, client):
    template_id = callback_template(
        client, "moderation-loop", Description="d", CallbackKey=KEY, PornCensorshipNotifyUrl="https://r.example/m"
    )
    read = call(client, "DescribeLiveCallbackTemplate", TemplateId=template_id)["Template"]
    assert (read["TemplateId"], read["TemplateName"], read["Description"]) == (template_id, "moderation-loop", "d")
    assert read["CallbackKey"] == KEY  # read back in plain text, as Tencent does
    assert read["PornCensorshipNotifyUrl"] == "https://r.example/m"
    call(client, "ModifyLiveCallbackTemplate", TemplateId=template_id, StreamEndNotifyUrl="http://r.example/end")
    listed = call(client, "DescribeLiveCallbackTemplates")["Templates"]
    assert [(t["TemplateId"], t["StreamEndNotifyUrl"]) for t in listed] == [(template_id, "http://r.example/end")]

    call(client, "CreateLiveCallbackRule", DomainName=DOMAIN, AppName="live", TemplateId=template_id)
    (rule,) = call(client, "DescribeLiveCallbackRules")["Rules"]
    assert (rule["DomainName"], rule["AppName"], rule["TemplateId"]) == (DOMAIN, "live", template_id)
    assert time.strptime(rule["CreateTime"], "%Y-%m-%d %H:%M:%S") and rule["UpdateTime"] == rule["CreateTime"]
    call(client, "DeleteLiveCallbackRule", DomainName=DOMAIN, AppName="live")
    assert call(client, "DescribeLiveCallbackRules")["Rules"] == []
    call(client, "DeleteLiveCallbackTemplate", TemplateId=template_id)
    assert call(client, "DescribeLiveCallbackTemplates")["Templates"] == []
    assert (
        error_code(client, "DescribeLiveCallbackTemplate", TemplateId=template_id)[0] == "InvalidParameter.ConfNotFound"
    )


def test_sdk_drives_every_snapshot_action(client):
    template_id = snapshot_template(client, PornFlag=1, SnapshotInterval=5, CosPrefix="live/")
    read = call(client, "DescribeLiveSnapshotTemplate", TemplateId=template_id)["Template"]
    assert (read["PornFlag"], read["SnapshotInterval"], read["CosPrefix"], read["CosBucket"]) == (
        1,
        5,
        "live/",
        "shots",
    )
    call(
        client,
        "ModifyLiveSnapshotTemplate",
        TemplateId=template_id,
        CosAppId=1250000000,
        CosBucket="shots",
        CosRegion="ap-guangzhou",
        PornFlag=0,
    )
    assert call(client, "DescribeLiveSnapshotTemplates")["Templates"][0]["PornFlag"] == 0
    call(client, "CreateLiveSnapshotRule", DomainName=DOMAIN, TemplateId=template_id, AppName="live")
    (rule,) = call(client, "DescribeLiveSnapshotRules")["Rules"]
    assert (rule["DomainName"], rule["AppName"], rule["StreamName"], rule["TemplateId"]) == (
        DOMAIN,
        "live",
        "",
        template_id,
    )
    assert error_code(client, "DeleteLiveSnapshotTemplate", TemplateId=template_id)[0] == "FailedOperation.ConfInUsed"
    call(client, "DeleteLiveSnapshotRule", DomainName=DOMAIN, AppName="live")
    call(client, "DeleteLiveSnapshotTemplate", TemplateId=template_id)
    assert call(client, "DescribeLiveSnapshotTemplates")["Templates"] == []


def test_new_actions_have_the_collections_quotas_and_reject_unknown_parameters(client):
    for action in le.common.CONFIG_ACTION_PARAMS:
        expected = 500 if action.startswith("Describe") else 200
        assert le.LIVE_QUOTAS[action] == expected, action
    assert le.LIVE_QUOTAS["DescribeLiveStreamPublishedList"] == 300
    params = {"TemplateName": "x", "StreamBeginNotifyUrl": "http://a.example", "Bogus": 1}
    assert raw_call_code(client, "CreateLiveCallbackTemplate", params) == "UnknownParameter"
    assert raw_call_code(client, "DescribeLiveCallbackRules", {"DomainName": DOMAIN}) == "UnknownParameter"


def raw_call_code(client, action, params):
    """The error code of a call whose parameters the SDK's model would not take (an unknown one)."""
    with pytest.raises(TencentCloudSDKException) as caught:
        client.call(action, params)
    return caught.value.code


# --------------------------------------------------------------------------- Tencent's rules


def test_fifty_templates_of_a_kind_then_conf_out_limit(client):
    for number in range(50):
        callback_template(client, f"t{number}")
    assert error_code(client, "CreateLiveCallbackTemplate", TemplateName="t50", StreamEndNotifyUrl="http://a.example")[
        0
    ] == ("InternalError.ConfOutLimit")
    assert len(call(client, "DescribeLiveCallbackTemplates")["Templates"]) == 50
    snapshot_template(client)  # the cap is per kind


def test_a_bound_template_cannot_be_deleted_and_the_error_names_its_rules(emulator, client):
    template_id = callback_template(client)
    call(client, "CreateLiveCallbackRule", DomainName=DOMAIN, AppName="live", TemplateId=template_id)
    call(client, "CreateLiveCallbackRule", DomainName=DOMAIN, AppName="", TemplateId=template_id)
    code, message = error_code(client, "DeleteLiveCallbackTemplate", TemplateId=template_id)
    assert code == "FailedOperation.ConfInUsed" and f"{DOMAIN}/live" in message
    settings(emulator, template_in_use_code="InternalError.RuleInUsing")
    assert error_code(client, "DeleteLiveCallbackTemplate", TemplateId=template_id)[0] == "InternalError.RuleInUsing"
    assert len(call(client, "DescribeLiveCallbackTemplates")["Templates"]) == 1


def test_reads_never_return_the_write_only_url_and_show_unset_fields_as_the_sdk_allows(emulator, client):
    template_id = callback_template(client, RecordStatusNotifyUrl="http://a.example/status")
    sparse = call(client, "DescribeLiveCallbackTemplate", TemplateId=template_id)["Template"]
    raw = emulator.core.run_config_action("DescribeLiveCallbackTemplate", {"TemplateId": template_id})["Template"]
    assert "RecordStatusNotifyUrl" not in raw
    assert raw["PushExceptionNotifyUrl"] is None and raw["AudioAuditNotifyUrl"] is None
    assert "RecordExceptionNotifyUrl" not in raw and "RecordExceptionLevels" not in raw
    assert raw["StreamEndNotifyUrl"] == "" and raw["CallbackKey"] == "" and raw["StreamMixNotifyUrl"] == ""
    assert sparse["RecordExceptionNotifyUrl"] is None  # the SDK fills an absent field with None
    settings(emulator, template_reads="empty")
    raw = emulator.core.run_config_action("DescribeLiveCallbackTemplate", {"TemplateId": template_id})["Template"]
    assert raw["PushExceptionNotifyUrl"] == "" and raw["RecordExceptionLevels"] == []
    assert "RecordStatusNotifyUrl" not in raw


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"StreamBeginNotifyUrl": ""}, "InvalidParameter"),  # no URL at all
        ({"StreamBeginNotifyUrl": "ftp://a.example"}, "InvalidParameter.InvalidCallbackUrl"),
        ({"StreamBeginNotifyUrl": "https://cb.example.invalid/live"}, "InvalidParameter.UrlNotSafe"),
        ({"StreamEndNotifyUrl": "http://cb.example.invalid./x"}, "InvalidParameter.UrlNotSafe"),
        ({"TemplateName": "bad name!"}, "InvalidParameter.ArgsNotMatch"),
        ({"TemplateName": "x" * 256}, "InvalidParameter.ArgsNotMatch"),
        ({"Description": "d" * 1025}, "InvalidParameterValue"),
        ({"RecordExceptionLevels": ["fatal"]}, "InvalidParameterValue"),
    ],
)
def test_bad_callback_templates_are_refused(client, fields, code):
    assert error_code(client, "CreateLiveCallbackTemplate", **dict({"TemplateName": "ok"}, **fields))[0] == code


def test_a_bad_callback_key_is_refused_without_repeating_it(emulator, client):
    secret = "not-a-valid-key-but-secret"
    code, message = error_code(client, "CreateLiveCallbackTemplate", TemplateName="k", CallbackKey=secret)
    assert code == "InvalidParameterValue" and secret not in message
    assert secret not in json.dumps(emulator.core.list_calls(None))


def test_the_call_log_never_holds_a_callback_key(emulator, client):
    template_id = callback_template(client, CallbackKey=KEY)
    call(client, "ModifyLiveCallbackTemplate", TemplateId=template_id, CallbackKey="AnotherKey7")
    log = emulator.core.list_calls(None)
    assert KEY not in json.dumps(log)
    assert log["calls"][0]["params"]["CallbackKey"] == "(hidden)"
    assert KEY not in json.dumps(emulator.core.describe_config())


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"CosBucket": "shots-1250000000"}, "InvalidParameterValue"),
        ({"SnapshotInterval": 1}, "InvalidParameterValue"),
        ({"SnapshotInterval": 301}, "InvalidParameterValue"),
        ({"PornFlag": 2}, "InvalidParameterValue"),
        ({"CosRegion": ""}, "MissingParameter"),
    ],
)
def test_bad_snapshot_templates_are_refused(client, fields, code):
    base = {"TemplateName": "s", "CosAppId": 1250000000, "CosBucket": "shots", "CosRegion": "ap-guangzhou"}
    assert error_code(client, "CreateLiveSnapshotTemplate", **dict(base, **fields))[0] == code


def test_modify_snapshot_needs_the_three_cos_fields_every_time(client):
    template_id = snapshot_template(client)
    code, message = error_code(client, "ModifyLiveSnapshotTemplate", TemplateId=template_id, PornFlag=1)
    assert code == "MissingParameter" and "CosAppId" in message


def test_rules_need_a_known_domain_and_template(emulator, client):
    template_id = callback_template(client)
    assert error_code(client, "CreateLiveCallbackRule", DomainName="other.example", AppName="live", TemplateId=1)[
        0
    ] == ("InternalError.ConfigNotExist")
    code = error_code(client, "CreateLiveCallbackRule", DomainName=DOMAIN, AppName="live", TemplateId=template_id + 9)
    assert code[0] == "InvalidParameter.ConfNotFound"
    snapshot_id = snapshot_template(client)
    code = error_code(client, "CreateLiveCallbackRule", DomainName=DOMAIN, AppName="live", TemplateId=snapshot_id)
    assert code[0] == "InvalidParameter.ConfNotFound"  # a snapshot template is not a callback template
    assert emulator.core.describe_config()["callback_rules"] == []


def test_deleting_an_absent_rule_fails_with_the_configured_code(emulator, client):
    assert (
        error_code(client, "DeleteLiveCallbackRule", DomainName=DOMAIN, AppName="live")[0] == "FailedOperation.NotFound"
    )
    settings(emulator, rule_not_found_code="InternalError.RuleNotFound")
    assert error_code(client, "DeleteLiveSnapshotRule", DomainName=DOMAIN)[0] == "InternalError.RuleNotFound"


# --------------------------------------------------------------------------- the undocumented answers, each a setting


def test_rule_exists_error_or_replace(emulator, client):
    first, second = callback_template(client, "a"), callback_template(client, "b")
    call(client, "CreateLiveCallbackRule", DomainName=DOMAIN, AppName="live", TemplateId=first)
    code = error_code(client, "CreateLiveCallbackRule", DomainName=DOMAIN, AppName="live", TemplateId=second)
    assert code[0] == "InternalError.RuleAlreadyExist"
    assert call(client, "DescribeLiveCallbackRules")["Rules"][0]["TemplateId"] == first
    settings(emulator, rule_exists="replace")
    call(client, "CreateLiveCallbackRule", DomainName=DOMAIN, AppName="live", TemplateId=second)
    assert [r["TemplateId"] for r in call(client, "DescribeLiveCallbackRules")["Rules"]] == [second]


def test_template_names_may_repeat_unless_unique(emulator, client):
    first, second = callback_template(client, "same"), callback_template(client, "same")
    assert first != second
    settings(emulator, template_names="unique")
    assert error_code(client, "CreateLiveCallbackTemplate", TemplateName="same", StreamEndNotifyUrl="http://a.example")[
        0
    ] == ("InvalidParameter.ArgsNotMatch")
    other = callback_template(client, "other")
    code = error_code(client, "ModifyLiveCallbackTemplate", TemplateId=other, TemplateName="same")
    assert code[0] == "InvalidParameter.ArgsNotMatch"


@pytest.mark.parametrize("style, shown", [("empty", ""), ("null", None), ("absent", "missing")])
def test_the_app_of_a_whole_domain_rule(emulator, client, style, shown):
    settings(emulator, whole_domain_app=style)
    template_id = callback_template(client)
    call(client, "CreateLiveCallbackRule", DomainName=DOMAIN, AppName="", TemplateId=template_id)
    (rule,) = emulator.core.run_config_action("DescribeLiveCallbackRules", {})["Rules"]
    assert rule.get("AppName", "missing") == shown
    call(client, "DeleteLiveCallbackRule", DomainName=DOMAIN, AppName="")
    assert emulator.core.run_config_action("DescribeLiveCallbackRules", {})["Rules"] == []


def read_template(emulator, template_id):
    return emulator.core.run_config_action("DescribeLiveCallbackTemplate", {"TemplateId": template_id})["Template"]


def test_modify_omitted_fields_kept_or_reset(emulator, client):
    template_id = callback_template(client, StreamEndNotifyUrl="http://a.example/end", CallbackKey=KEY, Description="d")
    call(client, "ModifyLiveCallbackTemplate", TemplateId=template_id, StreamBeginNotifyUrl="http://a.example/new")
    read = read_template(emulator, template_id)
    assert (read["StreamEndNotifyUrl"], read["CallbackKey"], read["Description"]) == ("http://a.example/end", KEY, "d")
    settings(emulator, modify_omitted="reset")
    call(client, "ModifyLiveCallbackTemplate", TemplateId=template_id, StreamBeginNotifyUrl="http://a.example/newer")
    read = read_template(emulator, template_id)
    assert (read["StreamEndNotifyUrl"], read["CallbackKey"], read["Description"]) == ("", "", "")
    assert (read["TemplateName"], read["StreamBeginNotifyUrl"]) == ("cb", "http://a.example/newer")


def test_modify_with_an_empty_url_clears_keeps_or_fails(emulator, client):
    template_id = callback_template(client, StreamEndNotifyUrl="http://a.example/end")
    settings(emulator, modify_empty_url="keep")
    call(client, "ModifyLiveCallbackTemplate", TemplateId=template_id, StreamEndNotifyUrl="")
    assert read_template(emulator, template_id)["StreamEndNotifyUrl"] == "http://a.example/end"
    settings(emulator, modify_empty_url="error")
    code = error_code(client, "ModifyLiveCallbackTemplate", TemplateId=template_id, StreamEndNotifyUrl="")
    assert code[0] == "InvalidParameter.InvalidCallbackUrl"
    settings(emulator, modify_empty_url="clear")
    call(client, "ModifyLiveCallbackTemplate", TemplateId=template_id, StreamEndNotifyUrl="")
    assert read_template(emulator, template_id)["StreamEndNotifyUrl"] == ""


def test_modify_and_at_least_one_url(emulator, client):
    template_id = callback_template(client)
    call(client, "ModifyLiveCallbackTemplate", TemplateId=template_id, Description="no url in this call")
    settings(emulator, modify_url_required="request")
    code = error_code(client, "ModifyLiveCallbackTemplate", TemplateId=template_id, Description="again")
    assert code[0] == "InvalidParameter"
    settings(emulator, modify_url_required="result")
    call(client, "ModifyLiveCallbackTemplate", TemplateId=template_id, Description="fine: the URL stays")
    code = error_code(client, "ModifyLiveCallbackTemplate", TemplateId=template_id, StreamBeginNotifyUrl="")
    assert code[0] == "InvalidParameter"
    settings(emulator, modify_url_required="none")
    call(client, "ModifyLiveCallbackTemplate", TemplateId=template_id, StreamBeginNotifyUrl="")
    assert read_template(emulator, template_id)["StreamBeginNotifyUrl"] == ""


def test_strict_picks_the_strictest_answers_and_reset_restores_the_defaults(emulator):
    strict = emulator.core.update_settings({"strict": True})
    assert {name: strict[name] for name in le.config_surface.STRICT_CONFIG_SETTINGS} == (
        le.config_surface.STRICT_CONFIG_SETTINGS
    )
    loose = emulator.core.update_settings({"strict": False})
    assert loose["modify_omitted"] == "keep" and loose["modify_url_required"] == "none"
    for bad in ({"modify_omitted": "drop"}, {"rule_exists": True}, {"template_in_use_code": ""}):
        with pytest.raises(le.ControlError) as caught:
            emulator.core.update_settings(bad)
        assert next(iter(bad)) in caught.value.message
    emulator.core.update_settings({"rule_exists": "replace"})
    emulator.core.reset()
    assert emulator.core.get_settings()["rule_exists"] == "error"


# --------------------------------------------------------------------------- lost answers on every write


WRITES = {
    "CreateLiveCallbackTemplate": lambda ids: {"TemplateName": "lost", "StreamBeginNotifyUrl": "http://a.example"},
    "ModifyLiveCallbackTemplate": lambda ids: {"TemplateId": ids["callback"], "Description": "changed"},
    "CreateLiveCallbackRule": lambda ids: {"DomainName": DOMAIN, "AppName": "app2", "TemplateId": ids["callback"]},
    "DeleteLiveCallbackRule": lambda ids: {"DomainName": DOMAIN, "AppName": "live"},
    "CreateLiveSnapshotTemplate": lambda ids: {
        "TemplateName": "lost",
        "CosAppId": 1,
        "CosBucket": "b",
        "CosRegion": "r",
    },
    "ModifyLiveSnapshotTemplate": lambda ids: {
        "TemplateId": ids["snapshot"],
        "CosAppId": 1,
        "CosBucket": "b",
        "CosRegion": "r",
        "PornFlag": 1,
    },
    "CreateLiveSnapshotRule": lambda ids: {"DomainName": DOMAIN, "TemplateId": ids["snapshot"], "AppName": "app2"},
    "DeleteLiveSnapshotRule": lambda ids: {"DomainName": DOMAIN, "AppName": "live"},
    "DeleteLiveCallbackTemplate": lambda ids: {"TemplateId": ids["spare_callback"]},
    "DeleteLiveSnapshotTemplate": lambda ids: {"TemplateId": ids["spare_snapshot"]},
}


@pytest.mark.parametrize("action", sorted(WRITES))
def test_a_lost_answer_on_every_write_is_carried_out_once(emulator, client, action):
    ids = {
        "callback": callback_template(client, "bound"),
        "snapshot": snapshot_template(client, "bound"),
        "spare_callback": callback_template(client, "spare"),
        "spare_snapshot": snapshot_template(client, "spare"),
    }
    call(client, "CreateLiveCallbackRule", DomainName=DOMAIN, AppName="live", TemplateId=ids["callback"])
    call(client, "CreateLiveSnapshotRule", DomainName=DOMAIN, AppName="live", TemplateId=ids["snapshot"])
    before = emulator.core.describe_config()
    emulator.core.clear_calls()
    emulator.core.add_faults({"faults": [{"action": "writes", "kind": "lost_answer"}]})
    with pytest.raises(TencentCloudSDKException):
        call(client, action, **WRITES[action](ids))
    after = emulator.core.describe_config()
    assert after != before  # carried out although the answer was lost
    (logged,) = emulator.core.list_calls(action)["calls"]
    assert logged["executed"] is True and logged["fault"] == "lost_answer" and logged["code"] is None
    if action.startswith("Create") and action.endswith("Template"):
        kind = "callback" if "Callback" in action else "snapshot"
        names = [t["TemplateName"] for t in after[f"{kind}_templates"]]
        assert names.count("lost") == 1
    assert emulator.core.list_faults() == {"faults": []}


def test_the_writes_fault_leaves_reads_alone(emulator, client):
    emulator.core.add_faults({"faults": [{"action": "writes", "kind": "internal_error", "count": 1}]})
    assert call(client, "DescribeLiveCallbackTemplates")["Templates"] == []
    assert error_code(client, "CreateLiveCallbackTemplate", TemplateName="x", StreamEndNotifyUrl="http://a.example")[
        0
    ] == ("InternalError")
    assert emulator.core.describe_config()["callback_templates"] == []


# --------------------------------------------------------------------------- callbacks follow the rules


def quiet(core):
    return core.callbacks.wait_idle()


def signed_with(body, key):
    return body["sign"] == hashlib.md5(f"{key}{body['t']}".encode()).hexdigest()


def push(core, name, app="live"):
    return core.push_attempt({"domain_name": DOMAIN, "app_name": app, "stream_name": name})


def test_a_push_goes_to_the_bound_templates_url_signed_with_its_key(emulator, client, receivers):
    bound, console = receivers(), receivers()
    core = emulator.core
    core.callbacks.update({"url": console.url, "key": OTHER_KEY, "retry_interval": 0.05})
    template_id = callback_template(
        client, StreamBeginNotifyUrl=bound.url, StreamEndNotifyUrl=bound.url + "/end", CallbackKey=KEY
    )
    call(client, "CreateLiveCallbackRule", DomainName=DOMAIN, AppName="live", TemplateId=template_id)
    push(core, "ruled")
    push(core, "elsewhere", app="other")  # no rule covers app "other": the configured URL
    core.drop_stream({"DomainName": DOMAIN, "AppName": "live", "StreamName": "ruled"})
    log = quiet(core)
    assert [(b["event_type"], b["stream_id"]) for b in bound.bodies] == [(1, "ruled"), (0, "ruled")]
    assert all(signed_with(body, KEY) for body in bound.bodies)
    assert [(b["event_type"], b["stream_id"]) for b in console.bodies] == [(1, "elsewhere")]
    assert signed_with(console.bodies[0], OTHER_KEY)
    assert {entry["url"] for entry in log} == {bound.url, bound.url + "/end", console.url}
    assert KEY not in json.dumps(core.callbacks.describe())


def test_a_whole_domain_rule_covers_every_app_and_an_empty_url_sends_nothing(emulator, client, receivers):
    bound = receivers()
    core = emulator.core
    whole = callback_template(client, "whole", StreamBeginNotifyUrl=bound.url, CallbackKey=KEY)
    silent = callback_template(client, "silent", StreamBeginNotifyUrl="", StreamEndNotifyUrl=bound.url)
    call(client, "CreateLiveCallbackRule", DomainName=DOMAIN, AppName="", TemplateId=whole)
    call(client, "CreateLiveCallbackRule", DomainName=DOMAIN, AppName="quiet", TemplateId=silent)
    push(core, "any-app", app="app9")
    push(core, "quiet-one", app="quiet")  # its app's own rule wins, and that template has no push URL
    quiet(core)
    assert [(b["event_type"], b["stream_id"]) for b in bound.bodies] == [(1, "any-app")]


def moderation_setup(client, receiver, porn_flag=1):
    callback_id = callback_template(client, "loop", PornCensorshipNotifyUrl=receiver.url, CallbackKey=KEY)
    call(client, "CreateLiveCallbackRule", DomainName=DOMAIN, AppName="live", TemplateId=callback_id)
    snapshot_id = snapshot_template(client, PornFlag=porn_flag)
    call(client, "CreateLiveSnapshotRule", DomainName=DOMAIN, TemplateId=snapshot_id)
    return snapshot_id


def test_moderation_is_delivered_only_where_a_moderating_snapshot_template_is_bound(emulator, client, receiver):
    core = emulator.core
    moderation_setup(client, receiver)
    push(core, "watched")
    answer = core.moderate({"domain_name": DOMAIN, "stream_name": "watched", "suggestion": "Block"})
    assert answer["delivered"] is True and len(answer["deliveries"]) == 1
    quiet(core)
    (body,) = [b for b in receiver.bodies if b["event_type"] == 317]
    assert (body["streamId"], body["suggestion"], body["app"]) == ("watched", "Block", DOMAIN)
    assert signed_with(body, KEY)
    answer = core.moderate({"domain_name": DOMAIN, "stream_name": "not-pushing"})
    assert answer == {"delivered": False, "reason": "the stream is not pushing", "deliveries": []}


def test_no_moderation_without_pornflag_or_for_a_push_older_than_the_binding(emulator, client, receiver):
    core = emulator.core
    push(core, "early")
    snapshot_id = moderation_setup(client, receiver, porn_flag=0)
    push(core, "late")
    answer = core.moderate({"domain_name": DOMAIN, "stream_name": "late"})
    assert answer["delivered"] is False and "no moderation" in answer["reason"]
    cos = {"CosAppId": 1250000000, "CosBucket": "shots", "CosRegion": "ap-guangzhou"}
    call(client, "ModifyLiveSnapshotTemplate", TemplateId=snapshot_id, PornFlag=1, **cos)
    emulator.test_clock.advance(1)
    call(client, "DeleteLiveSnapshotRule", DomainName=DOMAIN)
    call(client, "CreateLiveSnapshotRule", DomainName=DOMAIN, TemplateId=snapshot_id)
    emulator.test_clock.advance(1)
    answer = core.moderate({"domain_name": DOMAIN, "stream_name": "early"})
    assert answer["delivered"] is False and "after the push started" in answer["reason"]
    core.drop_stream({"DomainName": DOMAIN, "AppName": "live", "StreamName": "early"})
    push(core, "early")  # a new push, after the binding
    assert core.moderate({"domain_name": DOMAIN, "stream_name": "early"})["delivered"] is True
    quiet(core)
    assert [b["streamId"] for b in receiver.bodies if b["event_type"] == 317] == ["early"]


def test_no_moderation_without_a_snapshot_rule(emulator, client, receiver):
    core = emulator.core
    callback_id = callback_template(client, PornCensorshipNotifyUrl=receiver.url)
    call(client, "CreateLiveCallbackRule", DomainName=DOMAIN, AppName="live", TemplateId=callback_id)
    push(core, "s")
    answer = core.moderate({"domain_name": DOMAIN, "stream_name": "s"})
    assert answer["delivered"] is False and "no snapshot template" in answer["reason"]
    quiet(core)
    assert [b for b in receiver.bodies if b["event_type"] == 317] == []


def test_control_routes_for_config_and_moderation(emulator, client):
    template_id = callback_template(client, CallbackKey=KEY)
    url = f"http://127.0.0.1:{emulator.port}/_emulator"
    shown = requests.get(f"{url}/config", timeout=10).json()
    assert shown["callback_templates"][0]["TemplateId"] == template_id
    assert shown["callback_templates"][0]["callback_key_set"] is True and KEY not in json.dumps(shown)
    answer = requests.post(f"{url}/moderation", json={"domain_name": DOMAIN, "stream_name": "x"}, timeout=10)
    assert answer.status_code == 200 and answer.json()["delivered"] is False
    answer = requests.post(f"{url}/moderation", json={"domain_name": DOMAIN, "stream": "x"}, timeout=10)
    assert answer.status_code == 400 and "stream" in answer.json()["error"]
    emulator.core.reset()
    assert requests.get(f"{url}/config", timeout=10).json()["callback_templates"] == []

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""LiveConfigActions: callback and snapshot templates and their rules, a part of EmulatorCore --
the sixteen Create/Modify/Delete/Describe actions with Tencent's semantics (a cap of 50 templates
of a kind, one rule per identity, a bound template cannot be deleted, no ModifyLive*Rule) and the
settings for what Tencent leaves undocumented (config_surface.CONFIG_CHOICES). The rules decide
where the emulator's callbacks go (callback_target) and whether moderation runs (moderation_rule).
"""

import re
import time
from typing import Any, Optional

from .common import ApiError
from .config_surface import BEIJING_OFFSET, CALLBACK_URL_FIELDS, FIRST_TEMPLATE_ID, TEMPLATE_CAP
from .config_templates import TEMPLATE_KINDS
from .state import EmulatorState

CONFIG_ACTION = re.compile(r"(Create|Modify|Delete|Describe)Live(Callback|Snapshot)(Templates?|Rules?)")
# the rule's identity fields, and whether each is required when the rule is created
RULE_IDENTITY = {
    "callback": (("DomainName", True), ("AppName", True)),
    "snapshot": (("DomainName", True), ("AppName", False), ("StreamName", False)),
}
# which URL of a callback template each event_type goes to
EVENT_URL_FIELDS = {
    1: "StreamBeginNotifyUrl",
    0: "StreamEndNotifyUrl",
    100: "RecordNotifyUrl",
    200: "SnapshotNotifyUrl",
    315: "AudioAuditNotifyUrl",
    317: "PornCensorshipNotifyUrl",
    321: "PushExceptionNotifyUrl",
    332: "RecordStatusNotifyUrl",
    341: "RecordExceptionNotifyUrl",
}


def beijing_time(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(timestamp + BEIJING_OFFSET))


def template_id_param(params: dict) -> int:
    value = params.get("TemplateId")
    if value is None:
        raise ApiError("MissingParameter", "The request is missing a required parameter `TemplateId`.")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError("InvalidParameterValue", "The value of `TemplateId` must be an integer.")
    return value


def identity_param(params: dict, name: str, required: bool) -> str:
    """A rule identity field: a string, "" allowed (a whole domain or app); DomainName must not be empty."""
    value = params.get(name)
    if value is None:
        if required:
            raise ApiError("MissingParameter", f"The request is missing a required parameter `{name}`.")
        return ""
    if not isinstance(value, str):
        raise ApiError("InvalidParameterValue", f"The value of `{name}` must be a string.")
    if name == "DomainName" and not value:
        raise ApiError("MissingParameter", "The request is missing a required parameter `DomainName`.")
    return value.lower() if name == "DomainName" else value


class LiveConfigActions(EmulatorState):
    """The template and rule actions; they take the lock. Helpers with a leading underscore expect it held."""

    def _reset_config(self) -> None:
        self.templates = {kind: {} for kind in TEMPLATE_KINDS}  # kind -> {TemplateId: fields}
        self.rules = {kind: {} for kind in TEMPLATE_KINDS}  # kind -> {identity: {template_id, created, updated}}
        self.next_template_id = FIRST_TEMPLATE_ID

    def run_config_action(self, action: str, params: dict) -> dict:
        verb, kind, what = CONFIG_ACTION.fullmatch(action).groups()
        kind = kind.lower()
        handler = {
            ("Create", "Template"): self._create_template,
            ("Modify", "Template"): self._modify_template,
            ("Delete", "Template"): self._delete_template,
            ("Describe", "Template"): self._describe_template,
            ("Describe", "Templates"): self._describe_templates,
            ("Create", "Rule"): self._create_rule,
            ("Delete", "Rule"): self._delete_rule,
            ("Describe", "Rules"): self._describe_rules,
        }[(verb, what)]
        with self._lock:
            return handler(kind, params)

    # ------------------------------------------------------------------ templates

    def _template(self, kind: str, template_id: int) -> dict:
        record = self.templates[kind].get(template_id)
        if record is None:
            raise ApiError(
                self.settings["template_not_found_code"], f"The {kind} template {template_id} does not exist."
            )
        return record

    def _check_name_free(self, kind: str, name: str, own_id: Optional[int] = None) -> None:
        if self.settings["template_names"] != "unique":
            return
        if any(rec["TemplateName"] == name and tid != own_id for tid, rec in self.templates[kind].items()):
            raise ApiError(self.settings["template_name_taken_code"], f"A {kind} template named {name} exists.")

    def _create_template(self, kind: str, params: dict) -> dict:
        table = TEMPLATE_KINDS[kind]
        for name in table.required:
            if params.get(name) in (None, ""):
                raise ApiError("MissingParameter", f"The request is missing a required parameter `{name}`.")
        record = {name: table.check(name, params[name]) for name in table.fields if name in params}
        if "StreamMixNotifyUrl" in params:
            table.check("StreamMixNotifyUrl", params["StreamMixNotifyUrl"])  # taken, checked, never read back
        if kind == "callback" and not any(record.get(name) for name in CALLBACK_URL_FIELDS):
            raise ApiError("InvalidParameter", "A callback template needs at least one notify URL.")
        if len(self.templates[kind]) >= TEMPLATE_CAP:
            raise ApiError(
                self.settings["template_cap_code"],
                f"The account has {TEMPLATE_CAP} {kind} templates, the most it may have.",
            )
        self._check_name_free(kind, record["TemplateName"])
        template_id = self.next_template_id
        self.next_template_id += 1
        self.templates[kind][template_id] = record
        return {"TemplateId": template_id}

    def _modify_template(self, kind: str, params: dict) -> dict:
        table = TEMPLATE_KINDS[kind]
        template_id = template_id_param(params)
        record = self._template(kind, template_id)
        if kind == "snapshot":
            for name in ("CosAppId", "CosBucket", "CosRegion"):  # required on every Modify
                if params.get(name) in (None, ""):
                    raise ApiError("MissingParameter", f"The request is missing a required parameter `{name}`.")
        updated = dict(record)
        for name in table.fields:
            if name not in params:
                if self.settings["modify_omitted"] == "reset" and name != "TemplateName":
                    updated.pop(name, None)
                continue
            value = table.check(name, params[name])
            if name in CALLBACK_URL_FIELDS and value == "":
                mode = self.settings["modify_empty_url"]
                if mode == "error":
                    raise ApiError(
                        "InvalidParameter.InvalidCallbackUrl", f"`{name}` must be an http(s) URL, not empty."
                    )
                if mode == "keep":
                    continue
            if name == "TemplateName" and not value:
                raise ApiError("InvalidParameter.ArgsNotMatch", "`TemplateName` must not be empty.")
            updated[name] = value
        if kind == "callback":
            self._check_modify_urls(params, updated)
        self._check_name_free(kind, updated["TemplateName"], template_id)
        self.templates[kind][template_id] = updated
        return {}

    def _check_modify_urls(self, params: dict, updated: dict) -> None:
        mode = self.settings["modify_url_required"]
        if mode == "request" and not any(params.get(name) for name in CALLBACK_URL_FIELDS):
            raise ApiError("InvalidParameter", "ModifyLiveCallbackTemplate needs at least one notify URL.")
        if mode == "result" and not any(updated.get(name) for name in CALLBACK_URL_FIELDS):
            raise ApiError("InvalidParameter", "A callback template must keep at least one notify URL.")

    def _delete_template(self, kind: str, params: dict) -> dict:
        template_id = template_id_param(params)
        self._template(kind, template_id)
        users = sorted(
            "/".join(ident) for ident, rule in self.rules[kind].items() if rule["template_id"] == template_id
        )
        if users:
            raise ApiError(
                self.settings["template_in_use_code"],
                "The template {} is used by the rule(s) {}.".format(template_id, ", ".join(users)),
            )
        del self.templates[kind][template_id]
        return {}

    def _describe_template(self, kind: str, params: dict) -> dict:
        template_id = template_id_param(params)
        record = self._template(kind, template_id)
        return {"Template": TEMPLATE_KINDS[kind].read(template_id, record, self.settings["template_reads"])}

    def _describe_templates(self, kind: str, params: dict) -> dict:
        del params
        style = self.settings["template_reads"]
        table = TEMPLATE_KINDS[kind]
        return {"Templates": [table.read(tid, rec, style) for tid, rec in sorted(self.templates[kind].items())]}

    # ------------------------------------------------------------------ rules

    def _rule_identity(self, kind: str, params: dict, creating: bool) -> tuple:
        return tuple(identity_param(params, name, required and creating) for name, required in RULE_IDENTITY[kind])

    def _create_rule(self, kind: str, params: dict) -> dict:
        identity = self._rule_identity(kind, params, creating=True)
        template_id = template_id_param(params)
        if identity[0] not in self.domains:
            raise ApiError(
                self.settings["unknown_domain_code"], f"The domain `{identity[0]}` does not exist in this account."
            )
        self._template(kind, template_id)
        now = self.clock()
        existing = self.rules[kind].get(identity)
        if existing is not None and self.settings["rule_exists"] == "error":
            raise ApiError(self.settings["rule_exists_code"], "A rule for {} exists.".format("/".join(identity)))
        self.rules[kind][identity] = {"template_id": template_id, "created": now, "updated": now}
        return {}

    def _delete_rule(self, kind: str, params: dict) -> dict:
        identity = self._rule_identity(kind, params, creating=False)
        if kind == "callback" and params.get("AppName") is None:
            raise ApiError("MissingParameter", "The request is missing a required parameter `AppName`.")
        if self.rules[kind].pop(identity, None) is None:
            raise ApiError(self.settings["rule_not_found_code"], "No rule for {} exists.".format("/".join(identity)))
        return {}

    def _describe_rules(self, kind: str, params: dict) -> dict:
        del params
        shown = []
        for identity, rule in sorted(self.rules[kind].items()):
            row: dict = dict(zip((field[0] for field in RULE_IDENTITY[kind]), identity))
            if row["AppName"] == "":
                style = self.settings["whole_domain_app"]
                if style == "absent":
                    del row["AppName"]
                elif style == "null":
                    row["AppName"] = None
            row.update(
                TemplateId=rule["template_id"],
                CreateTime=beijing_time(rule["created"]),
                UpdateTime=beijing_time(rule["updated"]),
            )
            shown.append(row)
        return {"Rules": shown}

    # ------------------------------------------------------------------ what the rules decide

    def _callback_template_for(self, key: tuple) -> Optional[dict]:
        """The callback template bound to the stream's domain and app (or its whole domain), or None."""
        rules = self.rules["callback"]
        rule = rules.get((key[0], key[1])) or rules.get((key[0], ""))
        return None if rule is None else self.templates["callback"].get(rule["template_id"])

    def callback_target(self, key: tuple, event_type: int) -> Optional[tuple]:
        """Where a callback of ``event_type`` for stream ``key`` goes: None when no rule covers the
        stream (the emulator's own --callback-url then applies), else (url, key) of the bound template,
        url "" when the template has none for that event. Expects the lock held."""
        template = self._callback_template_for(key)
        if template is None:
            return None
        return template.get(EVENT_URL_FIELDS.get(event_type, ""), ""), template.get("CallbackKey", "")

    def moderation_rule(self, key: tuple, push_started: Optional[float]) -> tuple:
        """(True, template id) when a snapshot template with moderation (PornFlag 1) covers the stream
        and was bound before its push started; else (False, why). Expects the lock held."""
        if push_started is None:
            return False, "the stream is not pushing"
        domain, app, name = key
        for identity in ((domain, app, name), (domain, app, ""), (domain, "", name), (domain, "", "")):
            rule = self.rules["snapshot"].get(identity)
            if rule is None:
                continue
            template = self.templates["snapshot"].get(rule["template_id"], {})
            if not template.get("PornFlag"):
                return False, f"the snapshot template {rule['template_id']} bound to the stream has no moderation"
            if rule["updated"] > push_started:
                return False, "the snapshot rule was bound after the push started (moderation applies to later pushes)"
            return True, rule["template_id"]
        return False, "no snapshot template is bound to the stream's domain"

    def describe_config(self, query: Any = None) -> dict:
        """GET /_emulator/config: the templates and rules as the Describe calls show them, keys left out."""
        del query
        with self._lock:
            shown: dict = {}
            for kind in TEMPLATE_KINDS:
                templates = self._describe_templates(kind, {})["Templates"]
                for template in templates:
                    if "CallbackKey" in template:
                        template["callback_key_set"] = bool(template.pop("CallbackKey"))
                shown[f"{kind}_templates"] = templates
                shown[f"{kind}_rules"] = self._describe_rules(kind, {})["Rules"]
            return shown

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A fake Tencent Live configuration service for the unit tests of the template+rule engine and its modules.

FakeLiveConfig keeps callback and snapshot templates and rules in memory with Tencent's semantics as the reference
(section 8) describes them: ids given by Create, names not unique, CallbackKey read back, RecordStatusNotifyUrl never
returned, some unset URLs read back as null or absent, a template in use cannot be deleted, one rule per identity,
Delete of a missing rule answers FailedOperation.NotFound. Faults can be planted per action: ("lost", error) carries
the write out and then raises the error (an answer lost on the way back); an error alone is raised before.
"""

import copy
import threading

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils._client import ApiResponse
from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentApiError, TencentTransportError
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound

CALLBACK_URLS = (
    "StreamBeginNotifyUrl",
    "StreamEndNotifyUrl",
    "RecordNotifyUrl",
    "SnapshotNotifyUrl",
    "PornCensorshipNotifyUrl",
    "PushExceptionNotifyUrl",
    "AudioAuditNotifyUrl",
    "RecordStatusNotifyUrl",
    "RecordExceptionNotifyUrl",
)
SNAPSHOT_FIELDS = (
    "Description",
    "CosAppId",
    "CosBucket",
    "CosRegion",
    "CosPrefix",
    "CosFileName",
    "SnapshotInterval",
    "Width",
    "Height",
    "PornFlag",
)


def lost_answer(action):
    return TencentTransportError("no complete answer within timeout=10.0s", action=action)


def api_error(code, action, message="refused"):
    return TencentApiError(code, message, f"rid-error-{code}", action=action)


class FakeLiveConfig:
    retry_policy = RetryPolicy(retries=2, rand=lambda: 0.0)
    bound = TaskBound(sleep=lambda seconds: None)
    lost = staticmethod(lost_answer)
    error = staticmethod(api_error)

    def __init__(self):
        self.templates = {"Callback": {}, "Snapshot": {}}
        self.rules = {"Callback": [], "Snapshot": []}
        self.write_only = {}
        self.faults = {}
        self.calls = []
        self.next_id = 1000
        self._lock = threading.Lock()

    # set-up ----------------------------------------------------------------------------------
    def add_template(self, kind="Callback", **fields):
        self.next_id += 1
        template = {"TemplateId": self.next_id, "TemplateName": "t", "Description": ""}
        if kind == "Callback":
            template.update({url: "" for url in CALLBACK_URLS if url != "RecordStatusNotifyUrl"})
            template.update(PushExceptionNotifyUrl=None, CallbackKey="")
            template.pop("RecordExceptionNotifyUrl")
        else:
            template.update(CosAppId=1250000000, CosBucket="b", CosRegion="ap-guangzhou", SnapshotInterval=10)
            template.update(Width=0, Height=0, PornFlag=0, CosPrefix="", CosFileName="")
        template.update(fields)
        self.templates[kind][self.next_id] = template
        return self.next_id

    def add_rule(self, kind="Callback", **rule):
        self.rules[kind].append(dict(rule))

    def plant(self, action, *faults):
        self.faults.setdefault(action, []).extend(faults)

    def actions(self):
        return [action for action, _params in self.calls]

    def sent(self, action):
        """The parameters of each call of ``action``, in order."""
        return [params for name, params in self.calls if name == action]

    def writes(self):
        return [action for action in self.actions() if not action.startswith("Describe")]

    # the API ---------------------------------------------------------------------------------
    def call(self, action, params):
        with self._lock:
            self.calls.append((action, copy.deepcopy(params)))
            planted = self.faults.get(action)
            fault = planted.pop(0) if planted else None
            if fault is not None and not isinstance(fault, tuple):
                raise fault
            data = self._carry_out(action, params)
            if fault is not None:
                raise fault[1]
            return ApiResponse(data, f"rid-{action}-{len(self.calls)}")

    def _carry_out(self, action, params):
        kind = "Snapshot" if "Snapshot" in action else "Callback"
        verb = action[: action.index("Live")]
        noun = action[action.index(kind) + len(kind) :]
        templates, rules = self.templates[kind], self.rules[kind]
        if noun == "Templates" and verb == "Describe":
            return {"Templates": copy.deepcopy(list(templates.values()))}
        if noun == "Rules" and verb == "Describe":
            return {"Rules": copy.deepcopy(rules)}
        if noun == "Template":
            return self._template_write(kind, verb, params, templates, rules, action)
        return self._rule_write(kind, verb, params, templates, rules, action)

    def _template_write(self, kind, verb, params, templates, rules, action):
        if verb == "Create":
            if kind == "Callback" and not any(params.get(url) for url in CALLBACK_URLS):
                raise api_error("InvalidParameter", action, "at least one URL")
            fields = {k: v for k, v in params.items() if k != "RecordStatusNotifyUrl"}
            template_id = self.add_template(kind, **fields)
            self.write_only[template_id] = params.get("RecordStatusNotifyUrl")
            return {"TemplateId": template_id}
        template = templates.get(params["TemplateId"])
        if template is None:
            raise api_error("InternalError.ConfNotFound", action)
        if verb == "Delete":
            if any(rule["TemplateId"] == params["TemplateId"] for rule in rules):
                raise api_error("FailedOperation.ConfInUsed", action)
            del templates[params["TemplateId"]]
            return {}
        if kind == "Snapshot" and not all(f in params for f in ("CosAppId", "CosBucket", "CosRegion")):
            raise api_error("MissingParameter", action)
        for field, value in params.items():
            if field == "RecordStatusNotifyUrl":
                self.write_only[params["TemplateId"]] = value
            elif field != "TemplateId":
                template[field] = value
        return {}

    def _rule_write(self, kind, verb, params, templates, rules, action):
        identity = ("DomainName", "AppName") + (("StreamName",) if kind == "Snapshot" else ())
        key = tuple(params.get(field, "") for field in identity)
        found = [rule for rule in rules if tuple(rule.get(field, "") for field in identity) == key]
        if verb == "Delete":
            if not found:
                raise api_error("FailedOperation.NotFound", action)
            rules.remove(found[0])
            return {}
        if params["TemplateId"] not in templates:
            raise api_error("InvalidParameter.ConfNotFound", action)
        if found:
            raise api_error("InternalError.RuleAlreadyExist", action)
        rules.append(dict(zip(identity, key), TemplateId=params["TemplateId"], CreateTime="2018-09-12 15:52:01"))
        return {}


@pytest.fixture
def fake_live():
    return FakeLiveConfig()

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API surface of Live's configuration actions: callback and snapshot templates and the rules
that bind them to a domain (and app, and stream). Their parameters (as the official SDK's models
name them), the template fields, the limits, and the settings that choose among the answers
Tencent leaves undocumented. No imports from the rest of the package: common.py merges the
actions into the Live API, settings.py the settings.
"""

CALLBACK_URL_FIELDS = (
    "StreamBeginNotifyUrl",
    "StreamEndNotifyUrl",
    "RecordNotifyUrl",
    "RecordStatusNotifyUrl",
    "SnapshotNotifyUrl",
    "PornCensorshipNotifyUrl",
    "PushExceptionNotifyUrl",
    "AudioAuditNotifyUrl",
    "RecordExceptionNotifyUrl",
)
# StreamMixNotifyUrl is deprecated: Create takes it, Modify does not, reads give "".
CALLBACK_TEMPLATE_FIELDS = (
    "TemplateName",
    "Description",
    *CALLBACK_URL_FIELDS,
    "CallbackKey",
    "RecordExceptionLevels",
)
# never returned by a read (write-only)
CALLBACK_WRITE_ONLY = ("RecordStatusNotifyUrl",)
# a read may give null for these when unset (SDK models: "may return null") ...
CALLBACK_NULLABLE = ("PushExceptionNotifyUrl", "AudioAuditNotifyUrl")
# ... and may leave these out when unset (newer fields)
CALLBACK_ABSENT_WHEN_UNSET = ("RecordExceptionNotifyUrl", "RecordExceptionLevels")
RECORD_EXCEPTION_LEVELS = ("error", "warning", "info", "alarm")

SNAPSHOT_TEMPLATE_FIELDS = (
    "TemplateName",
    "CosAppId",
    "CosBucket",
    "CosRegion",
    "Description",
    "SnapshotInterval",
    "Width",
    "Height",
    "PornFlag",
    "CosPrefix",
    "CosFileName",
)
SNAPSHOT_COS_FIELDS = ("CosAppId", "CosBucket", "CosRegion")  # required on Create and on every Modify
SNAPSHOT_NULLABLE = ("Description", "CosPrefix", "CosFileName")
SNAPSHOT_INTERVAL = (2, 300, 10)  # lowest, highest, default (seconds)

CONFIG_ACTION_PARAMS = {
    "CreateLiveCallbackTemplate": (*CALLBACK_TEMPLATE_FIELDS, "StreamMixNotifyUrl"),
    "ModifyLiveCallbackTemplate": ("TemplateId", *CALLBACK_TEMPLATE_FIELDS),
    "DeleteLiveCallbackTemplate": ("TemplateId",),
    "DescribeLiveCallbackTemplate": ("TemplateId",),
    "DescribeLiveCallbackTemplates": (),
    "CreateLiveCallbackRule": ("DomainName", "AppName", "TemplateId"),
    "DeleteLiveCallbackRule": ("DomainName", "AppName"),
    "DescribeLiveCallbackRules": (),
    "CreateLiveSnapshotTemplate": SNAPSHOT_TEMPLATE_FIELDS,
    "ModifyLiveSnapshotTemplate": ("TemplateId", *SNAPSHOT_TEMPLATE_FIELDS),
    "DeleteLiveSnapshotTemplate": ("TemplateId",),
    "DescribeLiveSnapshotTemplate": ("TemplateId",),
    "DescribeLiveSnapshotTemplates": (),
    "CreateLiveSnapshotRule": ("DomainName", "TemplateId", "AppName", "StreamName"),
    "DeleteLiveSnapshotRule": ("DomainName", "AppName", "StreamName"),
    "DescribeLiveSnapshotRules": (),
}
# request parameters that are secrets: the call log shows only whether one was sent
SECRET_PARAMS = ("CallbackKey",)
CONFIG_WRITES = tuple(action for action in CONFIG_ACTION_PARAMS if not action.startswith("Describe"))

TEMPLATE_CAP = 50  # templates of one kind an account may have (InternalError.ConfOutLimit past it)
TEMPLATE_NAME_MAX_BYTES = 255
DESCRIPTION_MAX_BYTES = 1024
CALLBACK_KEY_MAX = 32
FIRST_TEMPLATE_ID = 1000
BEIJING_OFFSET = 8 * 3600  # rule times are Beijing time, "2018-09-12 15:52:01"

# The answers Tencent does not document, each a setting; the first choice is the default. The
# strictest choices (STRICT_CONFIG_SETTINGS) are what tests that claim robustness run under.
CONFIG_CHOICES = {
    # ModifyLive*Template without a field: keep it, or reset it to unset ("" / the default)
    "modify_omitted": ("keep", "reset"),
    # ModifyLiveCallbackTemplate with a URL "": clear it, keep the old value, or refuse the call
    "modify_empty_url": ("clear", "keep", "error"),
    # ModifyLiveCallbackTemplate and "at least one URL": not checked, the template after the call
    # must keep one, or the request itself must carry one
    "modify_url_required": ("none", "result", "request"),
    # Create*Rule where that identity already has a rule: refuse it (rule_exists_code), or rebind
    "rule_exists": ("error", "replace"),
    # template names: several templates may share one, or Create/Modify refuse a name in use
    "template_names": ("duplicates", "unique"),
    # what a rule bound to a whole domain (AppName "") shows as its AppName: "", null or nothing
    "whole_domain_app": ("empty", "null", "absent"),
    # how a template read shows unset fields: null and absent where the SDK says it may, or all ""
    "template_reads": ("sparse", "empty"),
}
CONFIG_CODES = {
    "template_not_found_code": "InvalidParameter.ConfNotFound",
    "template_in_use_code": "FailedOperation.ConfInUsed",
    "template_cap_code": "InternalError.ConfOutLimit",
    "rule_exists_code": "InternalError.RuleAlreadyExist",
    "rule_not_found_code": "FailedOperation.NotFound",
    "template_name_taken_code": "InvalidParameter.ArgsNotMatch",
}
DEFAULT_CONFIG_SETTINGS = dict({name: choices[0] for name, choices in CONFIG_CHOICES.items()}, **CONFIG_CODES)
STRICT_CONFIG_SETTINGS = {
    "modify_omitted": "reset",
    "modify_empty_url": "keep",  # a clear silently not done: only a client that reads back notices
    "modify_url_required": "request",
    "rule_exists": "error",
    "template_names": "duplicates",
    "whole_domain_app": "absent",
    "template_reads": "sparse",
}

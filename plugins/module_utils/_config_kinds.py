# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The template+rule kinds of Live configuration: one table per kind, read by the one engine (_live_config.py).

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

A kind says which actions create, modify, delete and list its templates and rules, how each module option maps to
Tencent's field, which fields are write-only (never read back, so never compared), secret (compared, never shown),
nullable (absent, null and "" read alike), sent on every Modify, and what identifies a rule. Recording, transcoding
and watermark templates would be a table each.
"""

# The environment variable of the callback key: the one the event source tencent.cloud.live_callback reads.
CALLBACK_KEY_ENV = "TENCENTCLOUD_LIVE_CALLBACK_KEY"
URL_SCHEMES = ("http://", "https://")


class Field:
    """One template option: its name in the module (``urls.push`` for a key of the urls dict) and Tencent's field.

    kind: str, int, bool (sent as 0/1), list (of str); nullable: absent, null and "" (or []) read alike;
    write_only: Tencent never returns it (sent, never compared); secret: compared, never shown;
    always_on_modify: Modify needs it on every call (sent from the desired or the current value);
    required_on_create: Create fails without it (checked before any call).
    """

    def __init__(
        self,
        option,
        api,
        kind="str",
        nullable=False,
        write_only=False,
        secret=False,
        always_on_modify=False,
        required_on_create=False,
    ):
        self.option = option
        self.api = api
        self.kind = kind
        self.nullable = nullable
        self.write_only = write_only
        self.secret = secret
        self.always_on_modify = always_on_modify
        self.required_on_create = required_on_create

    def read(self, template):
        """This field's value in a template Tencent returned, normalised (absent, null and "" alike when nullable)."""
        value = template.get(self.api)
        if self.kind == "bool":
            return bool(value) if value is not None else False
        if self.kind == "int":
            return value if isinstance(value, int) and not isinstance(value, bool) else None
        if self.kind == "list":
            return [str(item) for item in value] if isinstance(value, list) else []
        return value if isinstance(value, str) else ""

    def to_api(self, value):
        if self.kind == "bool":
            return 1 if value else 0
        return value


class RuleKind:
    """The rules binding a kind's templates: actions, and the options that identify a rule (module option -> field)."""

    def __init__(self, noun, create, delete, describe, identity, not_found_codes=()):
        self.noun = noun
        self.create = create
        self.delete = delete
        self.describe = describe
        self.identity = identity
        # Delete answers these when the rule is already gone: nothing to do.
        self.not_found_codes = frozenset(not_found_codes)

    def key(self, rule):
        """The identity of a rule Tencent returned (a tuple of str, absent and null read as ""; domain names are not
        case-sensitive, so the domain is lower case)."""
        return self.normalised(
            tuple(rule.get(api) if isinstance(rule.get(api), str) else "" for _option, api in self.identity)
        )

    def normalised(self, key):
        """An identity as compared: the domain name in lower case (DNS names are not case-sensitive)."""
        return tuple(
            value.lower() if api == "DomainName" else value for (_option, api), value in zip(self.identity, key)
        )

    def params(self, key):
        return {api: value for (_option, api), value in zip(self.identity, key)}

    def facts(self, key):
        return dict(zip((option for option, _api in self.identity), key))


class TemplateKind:
    """One template+rule kind: its template actions, fields and rule kind."""

    def __init__(
        self, noun, create, modify, delete, describe, fields, rule, in_use_codes=(), not_found_codes=(), url_option=None
    ):
        self.noun = noun
        self.create = create
        self.modify = modify
        self.delete = delete
        self.describe = describe
        self.fields = fields
        self.rule = rule
        # Delete answers these while a rule still uses the template.
        self.in_use_codes = frozenset(in_use_codes)
        self.not_found_codes = frozenset(not_found_codes)
        # The dict option whose keys are URL fields (the callback template's urls), if any.
        self.url_option = url_option

    @property
    def writes(self):
        return (self.create, self.modify, self.delete, self.rule.create, self.rule.delete)

    @property
    def reads(self):
        return (self.describe, self.rule.describe)

    def field(self, option):
        return next(field for field in self.fields if field.option == option)

    @property
    def url_keys(self):
        prefix = f"{self.url_option}."
        return [field.option.removeprefix(prefix) for field in self.fields if field.option.startswith(prefix)]


def _url(key, api, **flags):
    return Field(f"urls.{key}", api, nullable=True, **flags)


CALLBACK = TemplateKind(
    "callback template",
    create="CreateLiveCallbackTemplate",
    modify="ModifyLiveCallbackTemplate",
    delete="DeleteLiveCallbackTemplate",
    describe="DescribeLiveCallbackTemplates",
    fields=(
        Field("description", "Description"),
        # urls keys are the event source's event names (design section 7)
        _url("push", "StreamBeginNotifyUrl"),
        _url("interrupt", "StreamEndNotifyUrl"),
        _url("record", "RecordNotifyUrl"),
        _url("snapshot", "SnapshotNotifyUrl"),
        _url("moderation", "PornCensorshipNotifyUrl"),
        _url("push_error", "PushExceptionNotifyUrl"),
        _url("audio_moderation", "AudioAuditNotifyUrl"),
        _url("record_status", "RecordStatusNotifyUrl", write_only=True),
        _url("record_exception", "RecordExceptionNotifyUrl"),
        Field("record_exception_levels", "RecordExceptionLevels", kind="list", nullable=True),
        Field("callback_key", "CallbackKey", secret=True),
    ),
    rule=RuleKind(
        "callback rule",
        create="CreateLiveCallbackRule",
        delete="DeleteLiveCallbackRule",
        describe="DescribeLiveCallbackRules",
        identity=(("domain_name", "DomainName"), ("app_name", "AppName")),
        not_found_codes=("FailedOperation.NotFound", "InternalError.RuleNotFound", "InternalError.NotFound"),
    ),
    in_use_codes=("FailedOperation.ConfInUsed", "InternalError.ConfInUsed", "InternalError.RuleInUsing"),
    not_found_codes=("InternalError.ConfNotFound", "InvalidParameter.ConfNotFound"),
    url_option="urls",
)

SNAPSHOT = TemplateKind(
    "snapshot template",
    create="CreateLiveSnapshotTemplate",
    modify="ModifyLiveSnapshotTemplate",
    delete="DeleteLiveSnapshotTemplate",
    describe="DescribeLiveSnapshotTemplates",
    fields=(
        Field("description", "Description"),
        Field("cos_app_id", "CosAppId", kind="int", always_on_modify=True, required_on_create=True),
        Field("cos_bucket", "CosBucket", always_on_modify=True, required_on_create=True),
        Field("cos_region", "CosRegion", always_on_modify=True, required_on_create=True),
        Field("cos_prefix", "CosPrefix"),
        Field("cos_file_name", "CosFileName"),
        Field("interval", "SnapshotInterval", kind="int"),
        Field("width", "Width", kind="int"),
        Field("height", "Height", kind="int"),
        Field("moderation", "PornFlag", kind="bool"),
    ),
    rule=RuleKind(
        "snapshot rule",
        create="CreateLiveSnapshotRule",
        delete="DeleteLiveSnapshotRule",
        describe="DescribeLiveSnapshotRules",
        identity=(("domain_name", "DomainName"), ("app_name", "AppName"), ("stream_name", "StreamName")),
        not_found_codes=("FailedOperation.NotFound", "InternalError.RuleNotFound", "InternalError.NotFound"),
    ),
    in_use_codes=("FailedOperation.ConfInUsed", "InternalError.ConfInUsed", "InternalError.RuleInUsing"),
    not_found_codes=("InternalError.ConfNotFound", "InvalidParameter.ConfNotFound"),
)

KINDS = (CALLBACK, SNAPSHOT)
# Configuration writes: never re-sent blindly by the client (_retry.py); settled by listing (_live_config.py).
CONFIG_WRITES = frozenset(action for kind in KINDS for action in kind.writes)
# A template's name: TemplateName on every kind.
NAME_FIELD = "TemplateName"
ID_FIELD = "TemplateId"
MAX_NAME_BYTES = 255
MAX_DESCRIPTION_BYTES = 1024
# SnapshotInterval, seconds
MIN_INTERVAL, MAX_INTERVAL = 2, 300
RECORD_EXCEPTION_LEVELS = ("error", "warning", "info", "alarm")

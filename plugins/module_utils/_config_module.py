# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the Live configuration modules do, for any template+rule kind: the template modules, the rule modules and
the info module are a kind table (_config_kinds.py) and their documentation over this.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

Each task reads first (one listing of the kind's templates, and of its rules where they matter), decides, and writes
only what differs -- nothing in check mode. ``changed`` means the listing differed from what was asked. A secret field
(the callback key) is compared with the key read back and never shown: the returned template says only
``callback_key_set``, and the diff says ``callback_key: (changed)``. In check mode a task that needs a template a task
before it would create (so none exists: a name not found, or a template_id that a check-mode task returned as null)
warns saying so and reports what it would then do, instead of failing as if its options were wrong.
"""

from ansible.module_utils.basic import AnsibleModule, _load_params

from ansible_collections.tencent.cloud.plugins.module_utils._args import env_fallback_nonempty, with_connection_spec
from ansible_collections.tencent.cloud.plugins.module_utils._base import TencentModule
from ansible_collections.tencent.cloud.plugins.module_utils._config_checks import (
    callback_key_warning,
    rule_problems,
    template_problems,
)
from ansible_collections.tencent.cloud.plugins.module_utils._config_kinds import CALLBACK_KEY_ENV
from ansible_collections.tencent.cloud.plugins.module_utils._errors import OutcomeUnknown, TencentError
from ansible_collections.tencent.cloud.plugins.module_utils._live_config import (
    ConfigConflict,
    RuleStore,
    TemplateStore,
    template_id_of,
)
from ansible_collections.tencent.cloud.plugins.module_utils._process_watch import ProcessWatch

HIDDEN, CHANGED = "(hidden)", "(changed)"


def template_spec(kind, **options):
    """A template module's argument spec: identity, description, state, the kind's ``options`` and the connection."""
    return with_connection_spec(
        dict(
            name=dict(type="str"),
            template_id=dict(type="int"),
            description=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            **options,
        )
    )


def callback_key_spec():
    """The callback key: never logged; from TENCENTCLOUD_LIVE_CALLBACK_KEY (the event source's variable) if not given."""
    return dict(type="str", no_log=True, fallback=(env_fallback_nonempty, [CALLBACK_KEY_ENV]))


def rule_spec(kind, **options):
    """A rule module's argument spec: the rule's identity (app_name defaults to live), the template, state."""
    return with_connection_spec(
        dict(
            domain_name=dict(type="str", required=True),
            app_name=dict(type="str", default="live"),
            template_id=dict(type="int"),
            template_name=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            **options,
        )
    )


class LiveConfigModule(TencentModule):
    """One configuration task on one kind: run_template, run_rule or run_info."""

    def __init__(self, module, kind):
        super().__init__(module, pool_size=1)
        self.kind = kind
        self._templates = self._rules = None

    @classmethod
    def main(cls, kind, argument_spec, run, **kwargs):
        """AnsibleModule (check mode supported), then ``run`` (a method name), watched like every module's run."""
        module = cls(AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, **kwargs), kind)
        with ProcessWatch(module.bound) as module.watch:
            getattr(module, run)()

    @property
    def templates(self):
        if self._templates is None:
            self._templates = TemplateStore(self.client, self.kind, on_secret=self._hide)
        return self._templates

    @property
    def rules(self):
        if self._rules is None:
            self._rules = RuleStore(self.client, self.kind.rule)
        return self._rules

    def request_ids(self):
        ids = dict(self._templates.request_ids if self._templates else {})
        ids.update(self._rules.request_ids if self._rules else {})
        return ids

    def finish(self, changed, before=None, after=None, **result):
        if self.module._diff:
            result["diff"] = {"before": before or {}, "after": after or {}}
        self.exit_json(changed=changed, request_ids=self.request_ids(), **result)

    def fail_task(self, error, doing, **result):
        """Fail the task with a TencentError: what was being done, the code and RequestId, never a traceback."""
        changed = isinstance(error, OutcomeUnknown) or result.pop("changed", False)
        self.fail_error(error, msg=f"{doing}: {error}", changed=changed, request_ids=self.request_ids(), **result)

    def given_null(self, option):
        """Whether the task gave ``option`` as null -- not the same as leaving it out: a template_id registered from a
        task that ran in check mode, which creates nothing and so returns no id."""
        return self.module.params[option] is None and option in _load_params()

    def needs_creation(self, which, would, failure, result_key, before=None, planned=None, why=""):
        """What this task needs does not exist yet (``which``: "no ... has the name 'x'"). In check mode a task before
        this one may create it and did not (nothing is written): warn saying so, and report what this task ``would`` do
        then (changed, ``planned``). Outside check mode: fail with the message ``failure``, before any write."""
        if self.module.check_mode:
            self.module.warn(f"{which} yet: in check mode, {would} once a task before this one creates it{why}")
            self.finish(True, before=before, after=planned, **{result_key: planned})
        self.fail_json(failure, changed=False, request_ids=self.request_ids(), **{result_key: before})

    def null_id(self, option):
        """needs_creation's ``which`` and ``failure`` for a template_id given as null; ``option``: the name option."""
        return f"template_id is null: the {self.kind.noun} it stands for has no id", (
            f"template_id is null: give the template_id of an existing {self.kind.noun}, or leave template_id out and "
            f"give {option} (a task run in check mode creates nothing, so the template.template_id it returns is null)"
        )

    # Templates -------------------------------------------------------------------------------
    def desired(self):
        """option -> value of each template option given (urls keys as urls.<key>); None for those not given."""
        params = self.module.params
        desired = {"name": params["name"]}
        for field in self.kind.fields:
            group, _dot, key = field.option.rpartition(".")
            desired[field.option] = (params.get(group) or {}).get(key) if group else params.get(field.option)
        return desired

    def run_template(self):
        params = self.module.params
        self.fail_on_problems(template_problems(self.kind, params))
        warning = callback_key_warning(params.get("callback_key")) if params["state"] == "present" else None
        if warning:
            self.module.warn(warning)
        self.check_connection()
        desired = self.desired()
        if self.given_null("template_id"):
            self.null_template_id(desired)
        try:
            current = self.templates.find(params["template_id"], params["name"])
        except TencentError as error:
            self.fail_task(error, f"Finding the {self.kind.noun}")
        if params["state"] == "absent":
            self.absent_template(current)
        if current is None:
            self.create_template(desired)
        self.update_template(current, desired)

    def null_template_id(self, desired):
        """template_id given as null: in check mode, the template a task before this one would create (warn, report)."""
        params = self.module.params
        which, fix = self.null_id("name")
        if params["state"] == "absent":
            self.needs_creation(which, "this task would delete it", fix, "template")
        renamed = f"rename it to {params['name']!r} and " if params["name"] else ""
        planned = self.templates.facts(self.templates.create_params(desired) | {"TemplateId": None})
        self.needs_creation(which, f"this task would {renamed}set what its options say", fix, "template", None, planned)

    def absent_template(self, current):
        if current is None:
            self.finish(False, template=None)
        facts = self.templates.facts(current)
        template_id = template_id_of(current)
        try:
            in_use = self.rules.using(template_id)
            if in_use:
                raise self.in_use(template_id, in_use)
            if not self.module.check_mode:
                self.templates.delete(current)
        except TencentError as error:
            if getattr(error, "code", None) in self.kind.in_use_codes:
                error = self.in_use(template_id, self.rules.list() and self.rules.using(template_id), error)
            self.fail_task(error, f"Deleting the {self.kind.noun} {template_id}", template=facts)
        self.finish(True, before=self.hidden(facts), template=None)

    def in_use(self, template_id, rules, error=None):
        where = "; ".join(self.rules.describe(rule) for rule in rules) or "rules Tencent did not list"
        tencent = f" (Tencent: {error})" if error else ""
        return ConfigConflict(
            f"the {self.kind.noun} {template_id} is used by {len(rules)} {self.kind.rule.noun}(s): {where}; Tencent "
            f"refuses to delete a template in use, so remove those rules first (state: absent){tencent}",
            action=self.kind.delete,
        )

    def create_template(self, desired):
        params = self.module.params
        missing = self.creation_problems(desired)
        planned = self.templates.facts(self.templates.create_params(desired) | {"TemplateId": None})
        if missing and self.module.check_mode and params["template_id"] is None and params["name"]:
            why = f" (this task's options alone cannot create it: {'; '.join(missing)})"
            which = f"no {self.kind.noun} has the name {params['name']!r}"
            self.needs_creation(which, "this task would change it", None, "template", None, planned, why)
        self.fail_on_problems(missing)
        if self.module.check_mode:
            self.finish(True, after=self.hidden(planned), template=planned)
        try:
            result, listed = self.templates.create(desired)
        except TencentError as error:
            self.fail_task(error, f"Creating the {self.kind.noun} {params['name']!r}")
        facts = self.templates.facts(listed) if listed is not None else planned
        if listed is None:  # the new id is not in the listing yet: say what Tencent answered
            facts["template_id"] = result.data.get("TemplateId")
        self.finish(True, after=self.hidden(facts), template=facts, confirmed_by_listing=result.confirmed_by_listing)

    def creation_problems(self, desired):
        params = self.module.params
        if params["template_id"] is not None:
            return [
                f"no {self.kind.noun} has template_id {params['template_id']}: leave template_id out to create one by "
                "name (Tencent gives the id), or give the id of an existing one"
            ]
        problems = [] if params["name"] else [f"name is required to create a {self.kind.noun}"]
        problems += [
            f"{field.option} is required to create a {self.kind.noun}"
            for field in self.kind.fields
            if field.required_on_create and desired.get(field.option) is None
        ]
        if self.kind.url_option and not any(
            desired.get(field.option) for field in self.kind.fields if field.option.startswith("urls.")
        ):
            problems.append(f"urls must give at least one URL to create a {self.kind.noun} (Tencent requires one)")
        return problems

    def update_template(self, current, desired):
        params = self.module.params
        changed = self.templates.changes(current, desired)
        before = self.templates.facts(current)
        if "name" in changed:
            taken = [t for t in self.templates.named(params["name"]) if template_id_of(t) != template_id_of(current)]
            if taken:
                ids = ", ".join(str(template_id_of(t)) for t in taken)
                self.fail_json(
                    f"Renaming the {self.kind.noun} {template_id_of(current)} to {params['name']!r} is refused: "
                    f"TemplateId {ids} already has that name, and two of one name cannot be told apart by name; "
                    "rename or delete that one first",
                    changed=False,
                    template=before,
                )
        if not changed:
            self.finish(False, template=before)
        after = dict(before)
        for option, (_old, new) in changed.items():
            if not self.templates.kind_field_secret(option):
                self.put(after, option, new)
        if not self.module.check_mode:
            try:
                self.templates.modify(current, desired, changed)
                listed = self.templates.by_id(template_id_of(current))  # as listed after the write
            except TencentError as error:
                doing = f"Modifying the {self.kind.noun} {template_id_of(current)}"
                # a Modify accepted but not applied (ConfigConflict) may have changed some fields
                self.fail_task(error, doing, template=before, changed=isinstance(error, ConfigConflict))
            after = self.templates.facts(listed) if listed is not None else after
        secrets = [option for option in changed if self.templates.kind_field_secret(option)]
        self.finish(
            True,
            before=self.hidden(before, secrets, HIDDEN),
            after=self.hidden(after, secrets, CHANGED),
            template=after,
        )

    @staticmethod
    def put(facts, option, value):
        group, _dot, key = option.rpartition(".")
        if group:
            facts[group] = dict(facts.get(group) or {}, **{key: value})
        else:
            facts[key] = value

    @staticmethod
    def hidden(facts, secrets=(), shown=CHANGED):
        """A diff side: the facts, and each changed secret option as a word, never its value."""
        side = dict(facts)
        for option in secrets:
            side[option] = shown
        return side

    # Rules ------------------------------------------------------------------------------------
    def rule_key(self):
        return self.kind.rule.normalised(tuple(self.module.params[option] for option, _api in self.kind.rule.identity))

    def rule_facts(self, key, template_id, template_name=None):
        if template_name is None:
            template = self.templates.by_id(template_id) if template_id is not None else None
            template_name = (template or {}).get("TemplateName", "")
        return dict(self.kind.rule.facts(key), template_id=template_id, template_name=template_name)

    def run_rule(self):
        params = self.module.params
        self.fail_on_problems(rule_problems(self.kind.rule, params))
        self.check_connection()
        key = self.rule_key()
        try:
            current = self.rules.find(key)
            old_id = template_id_of(current) if current is not None else None
            before = self.rule_facts(key, old_id) if current is not None else None
            if params["state"] == "absent":
                if current is not None and not self.module.check_mode:
                    self.rules.delete(key)
                self.finish(current is not None, before=before, rule=None)
            template = self.templates.find(params["template_id"], params["template_name"], option="template_name")
        except TencentError as error:
            self.fail_task(error, f"Reading the {self.kind.rule.noun}s")
        self.bind(key, current, before, template)

    def bind(self, key, current, before, template):
        if template is None:
            self.no_template(key, before)
        template_id = template_id_of(template)
        after = self.rule_facts(key, template_id, template.get("TemplateName", ""))
        if current is not None and template_id_of(current) == template_id:
            self.finish(False, rule=after)
        if not self.module.check_mode:
            deleted = False
            try:
                if current is not None:  # no ModifyLiveCallbackRule: delete, then create
                    self.rules.delete(key)
                    deleted = True
                self.rules.create(key, template_id)
            except TencentError as error:
                removed = f" after the rule to template {before['template_id']} was deleted" if deleted else ""
                self.fail_task(
                    error,
                    f"Binding {self.rules.describe(self.kind.rule.params(key))} to the {self.kind.noun} {template_id}{removed}",
                    changed=deleted,
                    rule=None if deleted else before,
                )
        self.finish(True, before=before, after=after, rule=after)

    def no_template(self, key, before):
        params = self.module.params
        planned = self.rule_facts(key, None, params["template_name"] or "")
        if self.given_null("template_id"):
            which, fix = self.null_id("template_name")
            self.needs_creation(which, "the rule would bind it", fix, "rule", before, planned)
        fix = (
            f"create it first (tencent.cloud.tencent_live_{self.kind.noun.replace(' ', '_')}), or give the template_id "
            "or template_name of an existing one"
        )
        if params["template_id"] is not None or params["template_name"] is None:
            # Tencent gives ids (no task before this one can make this one exist); a null name is a mistake
            which = f"template_id {params['template_id']}" if params["template_id"] is not None else "the name None"
            self.fail_json(
                f"No {self.kind.noun} has {which}: {fix}",
                changed=False,
                rule=before,
                request_ids=self.request_ids(),
            )
        which = f"no {self.kind.noun} has the name {params['template_name']!r}"
        self.needs_creation(which, "the rule would bind it", f"N{which[1:]}: {fix}", "rule", before, planned)

    # Info -------------------------------------------------------------------------------------
    def run_info(self):
        params = self.module.params
        self.fail_on_problems(rule_problems(self.kind.rule, params, info=True))
        self.check_connection()
        try:
            templates = self.templates.list()
            rules = self.rules.list()
        except TencentError as error:
            self.fail_task(error, f"Listing the {self.kind.noun}s and {self.kind.rule.noun}s")
        domain = params["domain_name"]
        self.exit_json(
            changed=False,
            templates=[self.templates.facts(template) for template in templates],
            rules=[
                self.rule_facts(self.kind.rule.key(rule), template_id_of(rule))
                for rule in rules
                if domain is None or self.kind.rule.key(rule)[0] == domain
            ],
            request_ids=self.request_ids(),
        )

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The engine of Live configuration as code: templates and the rules binding them, for any kind of _config_kinds.py.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

- TemplateStore lists a kind's templates (Tencent has no filter and no paging: one call lists them all), finds one
  by TemplateId or by name -- two of one name is a failure naming their ids, never a guess --, turns one into the
  facts the modules return (a secret field only as ``<option>_set``), and compares it with what was asked.
- RuleStore lists a kind's rules and finds one by its identity, or those using a template.
- settled_write sends a Create, Modify or Delete. Tencent's configuration writes carry no idempotency token: a Create
  whose answer was lost may have made the template, and a second Create would make a second one of the same name. So
  a write whose answer was lost (or that Tencent answered with a passing fault) is settled by listing again; only when
  the list shows it not done, and the fault was a passing one, is it sent again, within the retry budget.

Every answer is checked before it is used: a list that is not a list of objects is a failure, not a crash.
"""

from ansible_collections.tencent.cloud.plugins.module_utils._config_kinds import ID_FIELD, NAME_FIELD
from ansible_collections.tencent.cloud.plugins.module_utils._errors import (
    TRANSIENT,
    DeadlineExceeded,
    OutcomeUnknown,
    TaskStopped,
    TencentApiError,
    TencentError,
    TencentTransportError,
)
from ansible_collections.tencent.cloud.plugins.module_utils._writes import lost_answer, pause_before_resend


class ConfigConflict(TencentError):
    """The configuration found does not allow what was asked (two templates of one name, a template in use, none with
    this id): the task fails before any write, saying what was found and what to do."""

    kind = "conflict"


class ConfigOutcomeUnknown(OutcomeUnknown):
    """A configuration write was sent and whether Tencent carried it out is not known."""

    def __init__(self, action, cause, why, what):
        super().__init__(action, cause, why)
        self.message = f"{action} was sent and its outcome is unknown: {why}; a re-run lists the {what} and settles it"
        self.args = (self.message,)


class WriteResult:
    """How a configuration write ended: its RequestId, or the listing that confirmed it, and the faults overcome."""

    def __init__(self, request_id=None, data=None, confirmed_by_listing=False, recovered=None):
        self.request_id = request_id
        self.data = data or {}
        self.confirmed_by_listing = confirmed_by_listing
        self.recovered = recovered or []


def settles_by_listing(error):
    """Is a failed configuration write settled by listing? When its answer was lost, or Tencent reported a passing
    fault (an InternalError may come after the write was carried out). Other errors stand as they are."""
    if isinstance(error, TencentApiError):
        return error.behaviour == TRANSIENT
    return lost_answer(error)


def settled_write(client, action, params, is_done, what, sleep=None):
    """Send one configuration write; settle a lost answer or a passing fault by listing (never by re-sending blindly).

    is_done(): lists again and returns the object the write made or changed (a truthy value) when the list shows it
    done, else None. what: the things listed, for messages ("callback templates"). Returns WriteResult; raises the
    write's TencentError when it cannot be settled, ConfigOutcomeUnknown when it may have been carried out and neither
    a listing nor the task's time can tell.
    """
    recovered, resends = [], 0
    while True:
        try:
            answer = client.call(action, params)
            return WriteResult(answer.request_id, answer.data, recovered=recovered)
        except TaskStopped as error:
            if error.maybe_sent:
                raise ConfigOutcomeUnknown(
                    action, error, f"the task was stopped ({error.reason}) while it was on the wire", what
                ) from None
            raise
        except TencentError as error:
            if not settles_by_listing(error):
                raise
            done = _settling_list(is_done, action, error, what)
            recovered.append(error.failure())
            if done:
                return WriteResult(data=done, confirmed_by_listing=True, recovered=recovered)
            pause_before_resend(client, error, resends, sleep)
            resends += 1


def settled_delete(client, action, params, gone, what, kind, sleep=None):
    """A Delete settled like any write; answered with one of the kind's not-found codes (``kind.not_found_codes``) and
    the listing agreeing that it is gone, it is done (another tool, or our own lost first attempt, got there first)."""
    try:
        return settled_write(client, action, params, gone, what, sleep)
    except TencentApiError as error:
        if error.code in kind.not_found_codes and gone():
            return WriteResult(error.request_id, recovered=[error.failure()])
        raise


def _settling_list(is_done, action, error, what):
    try:
        return is_done()
    except ConfigConflict:  # the listing worked and found what must not be guessed at (two of one name)
        raise
    except (DeadlineExceeded, TaskStopped, TencentError) as failed:
        if lost_answer(error):
            raise ConfigOutcomeUnknown(
                action,
                error,
                f"its answer was lost ({error.message}), and the listing to settle it failed: {failed}",
                what,
            ) from None
        raise error from None


def _listed(answer, field, action):
    """The list of objects under ``field`` in an answer; a missing or malformed list is a failure naming the action."""
    items = answer.data.get(field)
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise TencentTransportError(
            f"the answer's {field} is not a list of objects: is the endpoint a Tencent Cloud API host?",
            action=action,
            retryable=False,
            maybe_carried_out=False,
        )
    return items


def template_id_of(template):
    value = template.get(ID_FIELD)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class TemplateStore:
    """A kind's templates as Tencent lists them; on_secret(value) hides each secret read back (no_log values)."""

    def __init__(self, client, kind, on_secret=None):
        self.client = client
        self.kind = kind
        self.on_secret = on_secret or (lambda value: None)
        self.request_ids = {}
        self.templates = None

    def list(self):
        answer = self.client.call(self.kind.describe, {})
        self.request_ids[self.kind.describe] = answer.request_id
        templates = [t for t in _listed(answer, "Templates", self.kind.describe) if template_id_of(t) is not None]
        for template in templates:
            for field in self.kind.fields:
                if field.secret and isinstance(template.get(field.api), str) and template[field.api]:
                    self.on_secret(template[field.api])
        self.templates = templates
        return templates

    def current(self):
        return self.templates if self.templates is not None else self.list()

    def by_id(self, template_id):
        return next((t for t in self.current() if template_id_of(t) == template_id), None)

    def named(self, name):
        return [t for t in self.current() if t.get(NAME_FIELD) == name]

    def find(self, template_id=None, name=None, option="name"):
        """The template with template_id, else the one named ``name``; None when there is none.

        Two or more of that name: ConfigConflict naming their ids (``option``: the option that gave the name).
        """
        if template_id is not None:
            return self.by_id(template_id)
        if name is None:  # neither given (a null template_id): no template is meant
            return None
        found = self.named(name)
        if len(found) > 1:
            raise self.duplicates(name, found, option)
        return found[0] if found else None

    def duplicates(self, name, found, option="name"):
        ids = ", ".join(str(template_id_of(t)) for t in found)
        return ConfigConflict(
            f"{len(found)} {self.kind.noun}s are named {name!r} (TemplateId {ids}): Tencent does not keep names unique, "
            f"so {option} cannot say which one is meant; give its template_id, or delete the extra ones by template_id",
            action=self.kind.describe,
        )

    def facts(self, template):
        """What a module returns of a template: the options' values, a secret only as ``<option>_set``, no write-only field."""
        result = {"template_id": template_id_of(template), "name": template.get(NAME_FIELD) or ""}
        for field in self.kind.fields:
            if field.write_only:
                continue
            value = field.read(template)
            if field.secret:
                result[f"{field.option}_set"] = bool(value)
                continue
            group, _dot, key = field.option.rpartition(".")
            (result.setdefault(group, {}) if group else result)[key] = value
        return result

    def changes(self, template, desired):
        """{option: (before, after)} for each readable option given in ``desired`` whose read-back value differs.

        desired: option -> value, for the options given (None: not given); urls keys as ``urls.<key>``.
        """
        changed = {}
        if desired.get("name") is not None and desired["name"] != (template.get(NAME_FIELD) or ""):
            changed["name"] = (template.get(NAME_FIELD) or "", desired["name"])
        for field in self.kind.fields:
            wanted = desired.get(field.option)
            if wanted is None or field.write_only:
                continue
            current = field.read(template)
            if field.kind == "list":
                wanted = list(wanted)
            if current != wanted:
                changed[field.option] = (current, wanted)
        return changed

    def create_params(self, desired):
        params = {NAME_FIELD: desired["name"]}
        for field in self.kind.fields:
            value = desired.get(field.option)
            if value is not None and not (field.nullable and value in ("", [])):
                params[field.api] = field.to_api(value)
        return params

    def modify_params(self, template, desired, changed):
        """The Modify of a template: every field of the result, changed or kept, and the write-only ones given.

        Whether Modify keeps a field it is not given is undocumented (it might reset it), so a kept field is sent
        again with the value read; "" (or []) only for a field being cleared. TemplateName only when it changes.
        """
        params = {ID_FIELD: template_id_of(template)}
        if "name" in changed:
            params[NAME_FIELD] = desired["name"]
        for field in self.kind.fields:
            value = desired.get(field.option)
            if field.write_only:
                if value is not None:
                    params[field.api] = field.to_api(value)
                continue
            if field.option not in changed:
                value = field.read(template)
            if field.option in changed or field.always_on_modify or value not in (None, "", []):
                params[field.api] = field.to_api(value)
        return params

    def not_applied(self, listed, desired, request_id):
        """ConfigConflict when a Modify Tencent accepted does not show in the template read back, else None."""
        remaining = self.changes(listed, desired) if listed is not None else None
        if remaining == {}:
            return None
        shown = "it is no longer listed"
        if remaining:
            shown = ", ".join(
                option if self.kind_field_secret(option) else f"{option} reads {before!r}, not {after!r}"
                for option, (before, after) in remaining.items()
            )
        return ConfigConflict(
            f"Tencent accepted {self.kind.modify} (RequestId: {request_id}) but the {self.kind.noun} read back "
            f"differs from what was sent ({shown}): this account's Live API may not apply such a change (for example "
            "clearing a URL); change it in the console, or re-create the template",
            action=self.kind.modify,
        )

    def kind_field_secret(self, option):
        return any(field.secret and field.option == option for field in self.kind.fields)

    def create(self, desired, sleep=None):
        """Create a template; a lost answer is settled by listing by name. Returns (WriteResult, the template listed)."""
        name = desired["name"]

        def made():
            self.list()
            found = self.named(name)
            if len(found) > 1:
                raise self.duplicates(name, found)
            return found[0] if found else None

        result = settled_write(
            self.client, self.kind.create, self.create_params(desired), made, f"{self.kind.noun}s by name", sleep
        )
        self.request_ids[self.kind.create] = result.request_id
        if result.confirmed_by_listing:
            return result, result.data
        self.list()
        return result, self.by_id(result.data.get(ID_FIELD))

    def modify(self, template, desired, changed, sleep=None):
        """Modify a template (modify_params: every field that has a value); a lost answer is settled by listing again."""
        template_id = template_id_of(template)

        def done():
            self.list()
            listed = self.by_id(template_id)
            return listed if listed is not None and not self.changes(listed, desired) else None

        params = self.modify_params(template, desired, changed)
        result = settled_write(self.client, self.kind.modify, params, done, f"{self.kind.noun}s", sleep)
        self.request_ids[self.kind.modify] = result.request_id
        if not result.confirmed_by_listing:
            self.list()  # read back: what Tencent keeps is what the module returns
            problem = self.not_applied(self.by_id(template_id), desired, result.request_id)
            if problem is not None:
                raise problem
        return result

    def delete(self, template, sleep=None):
        """Delete a template; a lost answer is settled by listing (gone: done). Already gone: done, nothing changed."""
        template_id = template_id_of(template)

        def gone():
            self.list()
            return {ID_FIELD: template_id} if self.by_id(template_id) is None else None

        result = settled_delete(
            self.client, self.kind.delete, {ID_FIELD: template_id}, gone, f"{self.kind.noun}s", self.kind, sleep
        )
        self.request_ids[self.kind.delete] = result.request_id
        return result


class RuleStore:
    """A kind's rules as Tencent lists them (no filter, no paging)."""

    def __init__(self, client, rule_kind):
        self.client = client
        self.kind = rule_kind
        self.request_ids = {}
        self.rules = None

    def list(self):
        answer = self.client.call(self.kind.describe, {})
        self.request_ids[self.kind.describe] = answer.request_id
        self.rules = _listed(answer, "Rules", self.kind.describe)
        return self.rules

    def current(self):
        return self.rules if self.rules is not None else self.list()

    def find(self, key):
        return next((rule for rule in self.current() if self.kind.key(rule) == key), None)

    def using(self, template_id):
        return [rule for rule in self.current() if template_id_of(rule) == template_id]

    def describe(self, rule):
        return ", ".join(
            f"{option}={value!r}" for (option, _api), value in zip(self.kind.identity, self.kind.key(rule))
        )

    def create(self, key, template_id, sleep=None):
        def bound():
            self.list()
            rule = self.find(key)
            return rule if rule is not None and template_id_of(rule) == template_id else None

        params = dict(self.kind.params(key), **{ID_FIELD: template_id})
        result = settled_write(self.client, self.kind.create, params, bound, f"{self.kind.noun}s", sleep)
        self.request_ids[self.kind.create] = result.request_id
        return result

    def delete(self, key, sleep=None):
        def gone():
            self.list()
            return {"deleted": True} if self.find(key) is None else None

        result = settled_delete(
            self.client, self.kind.delete, self.kind.params(key), gone, f"{self.kind.noun}s", self.kind, sleep
        )
        self.request_ids[self.kind.delete] = result.request_id
        return result

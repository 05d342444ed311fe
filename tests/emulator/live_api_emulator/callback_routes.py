# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The control routes of the callbacks (/_emulator/callbacks*, /_emulator/moderation) and the hook
that turns a push starting or ending into a push (1) or interrupt (0) callback; a part of EmulatorCore.
Where a callback goes follows the rules (live_config.py): a stream whose domain and app (or whole
domain) has a callback rule gets the bound template's URL for that event, signed with its key; a
stream no rule covers gets the configured --callback-url.
"""

from typing import Any

from .callbacks import SIGN_MODES
from .common import DEFAULT_APP, ControlError
from .params import control_count, control_object, control_str
from .state import EmulatorState

MODERATION_EVENT = 317


class CallbackRoutes(EmulatorState):
    """POST callbacks/moderation, callbacks/push_attempt, callbacks/send and moderation; the push hook."""

    def _push_event(self, key: tuple, stop_reason=None) -> None:
        """Called with the lock held."""
        if stop_reason is None:
            self.callbacks.push_started(key, self.callback_target(key, 1))
        else:
            self.callbacks.push_ended(key, stop_reason, self.callback_target(key, 0))

    def _callback_key(self, item: dict) -> tuple:
        key = (
            control_str(item, "domain_name").lower(),
            control_str(item, "app_name", DEFAULT_APP),
            control_str(item, "stream_name"),
        )
        with self._lock:
            if key[0] not in self.domains:
                raise ControlError(f"`domain_name` {key[0]} is not a domain of the account")
        return key

    @staticmethod
    def _delivery_options(item: dict) -> tuple:
        sign = item.get("sign", "valid")
        if sign not in SIGN_MODES:
            raise ControlError("`sign` must be one of {}".format(", ".join(SIGN_MODES)))
        return sign, control_count(item, "deliveries", 1)

    def send_moderation(self, body: Any) -> dict:
        """A moderation (317) callback for a stream: {domain_name, app_name?, stream_name, suggestion?,
        label?, sub_label?, sign?, deliveries?}; or {callbacks: [such, ...]}, all queued at once (a raid)."""
        item = control_object(body, "moderation")
        if set(item) == {"callbacks"}:
            if not isinstance(item["callbacks"], list):
                raise ControlError("`callbacks` must be a list of moderation callbacks")
            items = [control_object(one, "moderation") for one in item["callbacks"]]
            return {"deliveries": [n for one in items for n in self.send_moderation(one)["deliveries"]]}
        unknown = set(item) - {"domain_name", "app_name", "stream_name", "suggestion", "label", "sub_label"}
        unknown -= {"sign", "deliveries"}
        if unknown:
            raise ControlError("unknown moderation field(s): {}".format(", ".join(sorted(unknown))))
        key = self._callback_key(item)
        sign, deliveries = self._delivery_options(item)
        with self._lock:
            target = self.callback_target(key, MODERATION_EVENT)
        body = self.callbacks.moderation_body(key, item)
        return {"deliveries": self.callbacks.send(body, sign, deliveries, target)}

    def moderate(self, body: Any) -> dict:
        """Image moderation judges a snapshot of a pushing stream {domain_name, app_name? ("live"),
        stream_name, suggestion? ("Block"), label? ("Porn"), sub_label?}. As on Tencent, a callback (317)
        follows only where the rules say: a snapshot template with moderation (PornFlag 1) bound to the
        stream before its push started, and a callback template with a moderation URL (or no callback
        rule and a configured --callback-url). Answers {delivered, reason, deliveries}."""
        item = control_object(body, "moderation")
        unknown = set(item) - {"domain_name", "app_name", "stream_name", "suggestion", "label", "sub_label"}
        if unknown:
            raise ControlError("unknown moderation field(s): {}".format(", ".join(sorted(unknown))))
        key = self._callback_key(item)
        with self._lock:
            record = self.streams.get(key)
            pushing = record is not None and record.push is not None and self._effective_state(key) == "active"
            covered, why = self.moderation_rule(key, record.push.start if pushing else None)
            target = self.callback_target(key, MODERATION_EVENT)
        if not covered:
            return {"delivered": False, "reason": why, "deliveries": []}
        body = self.callbacks.moderation_body(key, item)
        numbers = self.callbacks.send(body, target=target)
        if not numbers:
            return {"delivered": False, "reason": "no moderation callback URL for the stream", "deliveries": []}
        return {"delivered": True, "reason": f"snapshot template {why} moderates the stream", "deliveries": numbers}

    def push_attempt(self, body: Any) -> dict:
        """An encoder tries to push {domain_name, app_name?, stream_name, sign?, deliveries?}: a forbidden
        stream refuses it (an interrupt, code 305); any other starts pushing (a push callback)."""
        item = control_object(body, "push attempt")
        key = self._callback_key(item)
        sign, deliveries = self._delivery_options(item)
        with self._lock:
            forbidden = self._effective_state(key) == "forbid"
            if not forbidden:
                self._set_state(key, "active")
            target = self.callback_target(key, 0)
        if forbidden:
            self.callbacks.push_refused(key, sign, deliveries, target)
        return {"refused": forbidden}

    def send_callback(self, body: Any) -> dict:
        """Any callback body as it is: {body: {...}, sign?, deliveries?} (t and sign are added)."""
        item = control_object(body, "send")
        payload = control_object(item.get("body"), "body")
        sign, deliveries = self._delivery_options(item)
        return {"deliveries": self.callbacks.send(payload, sign, deliveries)}

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The control routes of the callbacks (/_emulator/callbacks*) and the hook that turns a push
starting or ending into a push (1) or interrupt (0) callback; a part of EmulatorCore.
"""

from typing import Any

from .callbacks import SIGN_MODES
from .common import DEFAULT_APP, ControlError
from .params import control_count, control_object, control_str
from .state import EmulatorState


class CallbackRoutes(EmulatorState):
    """POST callbacks/moderation, callbacks/push_attempt and callbacks/send; the push hook."""

    def _push_event(self, key: tuple, stop_reason=None) -> None:
        if stop_reason is None:
            self.callbacks.push_started(key)
        else:
            self.callbacks.push_ended(key, stop_reason)

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
        label?, sub_label?, sign?, deliveries?}."""
        item = control_object(body, "moderation")
        unknown = set(item) - {"domain_name", "app_name", "stream_name", "suggestion", "label", "sub_label"}
        unknown -= {"sign", "deliveries"}
        if unknown:
            raise ControlError("unknown moderation field(s): {}".format(", ".join(sorted(unknown))))
        key = self._callback_key(item)
        sign, deliveries = self._delivery_options(item)
        return {"deliveries": self.callbacks.send(self.callbacks.moderation_body(key, item), sign, deliveries)}

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
        if forbidden:
            self.callbacks.push_refused(key, sign, deliveries)
        return {"refused": forbidden}

    def send_callback(self, body: Any) -> dict:
        """Any callback body as it is: {body: {...}, sign?, deliveries?} (t and sign are added)."""
        item = control_object(body, "send")
        payload = control_object(item.get("body"), "body")
        sign, deliveries = self._delivery_options(item)
        return {"deliveries": self.callbacks.send(payload, sign, deliveries)}

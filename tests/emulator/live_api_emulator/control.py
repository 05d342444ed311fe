# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The control interface, /_emulator/* on the API's port (JSON, no auth): the route table and every
route's handler. Tests call the handlers directly too, as methods of ``emulator.core``.
"""

import copy
import dataclasses
import json
from typing import Any, Optional

from .common import DEFAULT_APP, DEFAULT_FORBID_SECONDS, STREAM_STATES, ControlError, format_utc, parse_utc
from .credentials import parse_credential, parse_cvm_role, parse_role
from .faults import parse_fault
from .params import control_list, control_moment, control_number, control_object, control_str, query_value
from .quotas import ALL_QUOTAS, window_max
from .settings import validate_settings
from .state import EmulatorState
from .streams import PushRecord, StreamRecord, generate_pushes


class ControlRoutes(EmulatorState):
    """The /_emulator/* routes; a part of EmulatorCore (reset() is EmulatorCore's)."""

    def handle_control(self, method: str, route: str, query: dict, body: bytes) -> tuple:
        routes = {
            ("GET", "health"): lambda q, b: {"ok": True},
            ("POST", "reset"): self._control_reset,
            ("GET", "credentials"): lambda q, b: self.list_credentials(),
            ("POST", "credentials"): lambda q, b: self.add_credentials(b),
            ("DELETE", "credentials"): lambda q, b: self.remove_credential(query_value(q, "secret_id")),
            ("GET", "domains"): lambda q, b: self.list_domains(),
            ("POST", "domains"): lambda q, b: self.add_domains(b),
            ("DELETE", "domains"): lambda q, b: self.remove_domain(query_value(q, "domain_name")),
            ("GET", "streams"): lambda q, b: self.list_streams(q),
            ("POST", "streams"): lambda q, b: self.seed_streams(b),
            ("DELETE", "streams"): lambda q, b: self.clear_streams(),
            ("GET", "faults"): lambda q, b: self.list_faults(),
            ("POST", "faults"): lambda q, b: self.add_faults(b),
            ("DELETE", "faults"): lambda q, b: self.clear_faults(),
            ("GET", "settings"): lambda q, b: self.get_settings(),
            ("POST", "settings"): lambda q, b: self.update_settings(b),
            ("GET", "calls"): lambda q, b: self.list_calls(query_value(q, "action")),
            ("DELETE", "calls"): lambda q, b: self.clear_calls(),
            ("GET", "roles"): lambda q, b: self.list_roles(),
            ("POST", "roles"): lambda q, b: self.add_roles(b),
            ("DELETE", "roles"): lambda q, b: self.remove_role(query_value(q, "role_arn")),
            ("GET", "cvm_role"): lambda q, b: self.list_roles(),
            ("POST", "cvm_role"): lambda q, b: self.bind_cvm_role(b),
            ("DELETE", "cvm_role"): lambda q, b: self.unbind_cvm_role(),
            ("GET", "published"): lambda q, b: self.list_published(q),
            ("POST", "published"): lambda q, b: self.add_published(b),
            ("DELETE", "published"): lambda q, b: self.clear_published(),
            ("GET", "callbacks"): lambda q, b: self.callbacks.describe(),
            ("POST", "callbacks"): lambda q, b: self.callbacks.update(b),
            ("DELETE", "callbacks"): lambda q, b: self.callbacks.forget(),
            ("POST", "callbacks/moderation"): lambda q, b: self.send_moderation(b),
            ("POST", "callbacks/push_attempt"): lambda q, b: self.push_attempt(b),
            ("POST", "callbacks/send"): lambda q, b: self.send_callback(b),
            ("GET", "config"): lambda q, b: self.describe_config(),
            ("POST", "moderation"): lambda q, b: self.moderate(b),
        }
        handler = routes.get((method, route))
        if handler is None:
            known = any(key[1] == route for key in routes)
            return (
                (405, {"error": f"method {method} not allowed on /_emulator/{route}"})
                if known
                else (404, {"error": f"no control endpoint /_emulator/{route}"})
            )
        try:
            return 200, handler(query, self._control_body(method, body))
        except ControlError as error:
            return error.status, {"error": error.message}

    @staticmethod
    def _control_body(method: str, body: bytes) -> dict:
        if method != "POST" or not body.strip():
            return {}
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ControlError("the body must be JSON") from None
        return control_object(data, "control body")

    def _control_reset(self, query: dict, body: dict) -> dict:
        del query, body
        self.reset()
        return {"ok": True}

    def list_credentials(self) -> dict:
        with self._lock:
            items = [
                {
                    "secret_id": c.secret_id,
                    "account": c.account,
                    "temporary": c.token is not None,
                    "expires_at": c.expires_at,
                }
                for c in self.credentials.values()
            ]
        return {"credentials": items}

    def add_credentials(self, body: dict) -> dict:
        items = control_list(body, "credentials") if "credentials" in body else [body]
        parsed = [parse_credential(item) for item in items]
        with self._lock:
            for credential in parsed:
                self.credentials[credential.secret_id] = credential
        return {"secret_ids": [c.secret_id for c in parsed]}

    def remove_credential(self, secret_id: Optional[str]) -> dict:
        if not secret_id:
            raise ControlError("give ?secret_id=")
        with self._lock:
            removed = self.credentials.pop(secret_id, None) is not None
        if not removed:
            raise ControlError("no credential with that secret_id", status=404)
        return {"removed": secret_id}

    def list_roles(self) -> dict:
        with self._lock:
            return {
                "roles": [dataclasses.asdict(role) for role in self.roles.values()],
                "cvm_role": dataclasses.asdict(self.cvm_role) if self.cvm_role is not None else None,
                "issued": [dict(item) for item in self.issued],
            }

    def add_roles(self, body: dict) -> dict:
        items = control_list(body, "roles") if "roles" in body else [body]
        parsed = [parse_role(item) for item in items]
        with self._lock:
            for role in parsed:
                self.roles[role.role_arn] = role
        return {"role_arns": [role.role_arn for role in parsed]}

    def remove_role(self, role_arn: Optional[str]) -> dict:
        if not role_arn:
            raise ControlError("give ?role_arn=")
        with self._lock:
            if self.roles.pop(role_arn, None) is None:
                raise ControlError("no such role", status=404)
        return {"removed": role_arn}

    def bind_cvm_role(self, body: Any) -> dict:
        role = parse_cvm_role(body)
        with self._lock:
            self.cvm_role = role
        return {"cvm_role": dataclasses.asdict(role)}

    def unbind_cvm_role(self) -> dict:
        with self._lock:
            self.cvm_role = None
        return {"cvm_role": None}

    def list_domains(self) -> dict:
        with self._lock:
            return {"domains": sorted(self.domains)}

    def add_domains(self, body: dict) -> dict:
        domains = control_list(body, "domains")
        if not all(isinstance(d, str) and d for d in domains):
            raise ControlError("`domains` must be non-empty strings")
        with self._lock:
            self.domains.update(d.lower() for d in domains)
            return {"domains": sorted(self.domains)}

    def remove_domain(self, domain: Optional[str]) -> dict:
        if not domain:
            raise ControlError("give ?domain_name=")
        with self._lock:
            if domain.lower() not in self.domains:
                raise ControlError("no such domain", status=404)
            self.domains.discard(domain.lower())
            return {"domains": sorted(self.domains)}

    def _parse_seed(self, item: Any) -> tuple:
        item = control_object(item, "stream")
        unknown = set(item) - {
            "domain_name",
            "app_name",
            "stream_name",
            "state",
            "resume_time",
            "reason",
            "reconnect_after",
        }
        if unknown:
            raise ControlError("unknown stream field(s): {}".format(", ".join(sorted(unknown))))
        key = (
            control_str(item, "domain_name").lower(),
            control_str(item, "app_name", DEFAULT_APP),
            control_str(item, "stream_name"),
        )
        state = control_str(item, "state", "active")
        if state not in STREAM_STATES:
            raise ControlError("`state` must be one of {}".format(", ".join(STREAM_STATES)))
        record = StreamRecord(state=state)
        if state == "forbid":
            record.resume_at = self._seed_resume_at(item.get("resume_time"))
            record.reason = item.get("reason") if isinstance(item.get("reason"), str) else None
        record.reconnect_after = control_number(item, "reconnect_after", allow_none=True)
        if state == "inactive" and record.reconnect_after is not None:
            record.reconnect_at = self.clock() + record.reconnect_after  # an encoder already trying to reconnect
        return key, record

    def _seed_resume_at(self, value: Any) -> float:
        if value is None:
            return self.clock() + DEFAULT_FORBID_SECONDS
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        moment = parse_utc(value)
        if moment is None:
            raise ControlError("`resume_time` must be unix seconds or YYYY-MM-DDTHH:MM:SSZ")
        return moment

    def seed_streams(self, body: dict) -> dict:
        seeds = [self._parse_seed(item) for item in control_list(body, "streams")]
        with self._lock:
            for key, record in seeds:
                self.domains.add(key[0])
                self._store(key, record)
        return {"seeded": len(seeds)}

    def list_streams(self, query: dict) -> dict:
        domain = query_value(query, "domain_name")
        wanted = (domain.lower() if domain else None, query_value(query, "app_name"), query_value(query, "stream_name"))
        state_filter = query_value(query, "state")
        with self._lock:
            rows = [self._stream_row(key) for key in sorted(self.streams) if self._key_matches(key, wanted)]
        return {"streams": [row for row in rows if state_filter is None or row["state"] == state_filter]}

    def _stream_row(self, key: tuple) -> dict:
        """A stream as DescribeLiveStreamState sees it (a forbid of its name elsewhere included)."""
        forbid = self._forbid_record(key)
        return {
            "domain_name": key[0],
            "app_name": key[1],
            "stream_name": key[2],
            "state": self._effective_state(key),
            "resume_time": format_utc(forbid.resume_at)
            if forbid is not None and forbid.resume_at is not None
            else None,
            "reason": forbid.reason if forbid is not None else None,
        }

    def clear_streams(self) -> dict:
        with self._lock:
            self.streams = {}
            self.by_name = {}
        return {"ok": True}

    def list_published(self, query: dict) -> dict:
        """The push history (ended pushes, as DescribeLiveStreamPublishedList lists them) and how many pushes are open."""
        name = query_value(query, "stream_name")
        with self._lock:
            for record in self.streams.values():
                self._current_state(record)
            self._sort_published()
            ended = [
                push.describe()
                for push in self.published
                if push.end is not None and (name is None or push.name == name)
            ]
            open_pushes = sum(1 for push in self.published if push.end is None)
        return {"total": len(ended), "open": open_pushes, "records": ended}

    def add_published(self, body: dict) -> dict:
        unknown = set(body) - {"records", "generate"}
        if unknown or not body:
            raise ControlError("give `records` (a list) and/or `generate` (an object)")
        pushes = [self._parse_push(item) for item in control_list(body, "records")] if "records" in body else []
        if "generate" in body:
            pushes.extend(generate_pushes(control_object(body["generate"], "generate")))
        with self._lock:
            self.published.extend(pushes)
            self.published_sorted = False
            total = sum(1 for push in self.published if push.end is not None)
        return {"added": len(pushes), "total": total}

    @staticmethod
    def _parse_push(item: Any) -> PushRecord:
        item = control_object(item, "record")
        fields = {"domain_name", "app_name", "stream_name", "start", "end", "stop_reason", "client_ip", "resolution"}
        unknown = set(item) - fields
        if unknown:
            raise ControlError("unknown record field(s): {}".format(", ".join(sorted(unknown))))
        key = (
            control_str(item, "domain_name").lower(),
            control_str(item, "app_name", DEFAULT_APP),
            control_str(item, "stream_name"),
        )
        start, end = control_moment(item, "start"), control_moment(item, "end")
        if end < start:
            raise ControlError("`end` must not be before `start`")
        extras = {name: control_str(item, name) for name in ("stop_reason", "client_ip", "resolution") if name in item}
        return PushRecord(key, start, end, **extras)

    def clear_published(self) -> dict:
        with self._lock:
            self.published = []
            self.published_sorted = True
            for record in self.streams.values():
                record.push = None
        return {"ok": True}

    def list_faults(self) -> dict:
        with self._lock:
            return {"faults": [fault.describe() for fault in self.faults]}

    def add_faults(self, body: dict) -> dict:
        faults = [parse_fault(item) for item in control_list(body, "faults")]
        with self._lock:
            self.faults.extend(faults)
            return {"faults": [fault.describe() for fault in self.faults]}

    def clear_faults(self) -> dict:
        with self._lock:
            self.faults = []
        return {"ok": True}

    def get_settings(self) -> dict:
        with self._lock:
            settings = copy.deepcopy(self.settings)
            settings["quota_limits"] = {action: self._quota_limit(action) for action in ALL_QUOTAS}
        return settings

    def update_settings(self, body: Any) -> dict:
        clean = validate_settings(body)
        with self._lock:
            self.settings.update(clean)
            self.buckets = {}
        return self.get_settings()

    def list_calls(self, action: Optional[str]) -> dict:
        with self._lock:
            calls = [dict(call) for call in self.calls if action is None or call["action"] == action]
        counts: dict = {}
        admitted: dict = {}
        for call in calls:
            counts[call["action"]] = counts.get(call["action"], 0) + 1
            if call["admitted"]:
                admitted.setdefault(call["action"], []).append(call["ts"])
        maxima = {name: window_max(stamps) for name, stamps in admitted.items()}
        return {"calls": calls, "counts": counts, "window_max": maxima}

    def clear_calls(self) -> dict:
        with self._lock:
            self.calls = []
        return {"ok": True}

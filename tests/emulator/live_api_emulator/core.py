# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""EmulatorCore: the emulator without HTTP. One API call goes through authentication (the TC3
signature, timestamp, SecretId, token), the action and version check, the account's quota and the
injected faults, then runs; every call is logged. The Live actions, the temporary credentials and
the control routes are the parts it inherits (streams.py, credentials.py, control.py).
"""

import copy
import hmac
import json
import threading
import uuid
from typing import Any, Callable, Optional

from .callback_routes import CallbackRoutes
from .callbacks import CallbackSender
from .common import (
    ACTION_PARAMS,
    DEFAULT_DOMAIN,
    DEFAULT_SECRET_ID,
    DEFAULT_SECRET_KEY,
    MAX_SKEW_SECONDS,
    SERVICE,
    SERVICE_APIS,
    STS_ACTION_PARAMS,
    STS_SERVICE,
    ApiError,
    ApiRequest,
    ControlError,
    Outcome,
    envelope_error,
    envelope_ok,
    utc_date,
)
from .config_surface import CONFIG_ACTION_PARAMS, SECRET_PARAMS
from .control import ControlRoutes
from .credentials import Credential, TemporaryCredentials
from .faults import Fault, fault_outcome, lost_answer_outcome
from .live_config import LiveConfigActions
from .params import decode_params, peek_params, reject_unknown_params
from .quotas import LEAKY_BURST_SHARE, SlidingWindow, TokenBucket
from .settings import DEFAULT_SETTINGS
from .signature import Authorization, invalid_authorization, parse_authorization, verify_signature
from .streams import StreamActions

CONFIG_KEYS = ("credentials", "domains", "streams", "settings", "roles", "cvm_role", "callbacks")


def check_config_shape(config: Any) -> None:
    """The start-up state (--config or LiveEmulator(config)): an object of CONFIG_KEYS."""
    if not isinstance(config, dict):
        raise ControlError("the config must be a JSON object")
    unknown = set(config) - set(CONFIG_KEYS)
    if unknown:
        raise ControlError("unknown config key(s): {}".format(", ".join(sorted(unknown))))


class EmulatorCore(ControlRoutes, CallbackRoutes, LiveConfigActions, StreamActions, TemporaryCredentials):
    """All state and behaviour, independent of HTTP plumbing. One lock guards the state."""

    def __init__(
        self, config: Optional[dict] = None, clock: Optional[Callable[[], float]] = None, call_log: Optional[str] = None
    ):
        super().__init__(clock)
        self._log_lock = threading.Lock()
        self._call_log_path = call_log
        self._call_log = open(call_log, "a", encoding="utf-8") if call_log else None  # pylint: disable=consider-using-with
        self._startup = copy.deepcopy(config or {})
        check_config_shape(self._startup)
        self.callbacks = CallbackSender(self.clock)
        self.callbacks.set_startup(self._startup.get("callbacks"))
        self.reset()

    def reset(self) -> None:
        """Back to the start-up config: defaults plus the config given at construction."""
        self.callbacks.reset()
        with self._lock:
            self.credentials = {DEFAULT_SECRET_ID: Credential(DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY)}
            self.domains = {DEFAULT_DOMAIN}
            self.streams = {}
            self.by_name = {}
            self.published = []
            self.published_sorted = True
            self.settings = copy.deepcopy(DEFAULT_SETTINGS)
            self.faults = []
            self.calls = []
            self.buckets = {}
            self.roles = {}
            self.cvm_role = None
            self.issued = []
            self._reset_config()
        config = self._startup
        if "credentials" in config:
            self.add_credentials({"credentials": config["credentials"]})
        if "domains" in config:
            self.add_domains({"domains": config["domains"]})
        if "streams" in config:
            self.seed_streams({"streams": config["streams"]})
        if "settings" in config:
            self.update_settings(config["settings"])
        if "roles" in config:
            self.add_roles({"roles": config["roles"]})
        if "cvm_role" in config:
            self.bind_cvm_role(config["cvm_role"])

    def close(self) -> None:
        self.callbacks.stop()
        with self._log_lock:
            if self._call_log is not None:
                self._call_log.close()
                self._call_log = None

    def handle_api(self, request: ApiRequest) -> Outcome:
        request_id = str(uuid.uuid4())
        call = self._new_call(request, request_id)
        stall = 0.0
        try:
            action = self._admit(request, call)
            fault = self._pick_fault(action, call["stream_name"])
            if fault is not None:
                call["fault"] = fault.kind
                if fault.kind == "stall" or (fault.kind == "lost_answer" and fault.via == "stall"):
                    stall = fault.seconds
            outcome = self._run(action, fault, request, call)
        except ApiError as error:
            call["code"] = error.code
            outcome = envelope_error(error, request_id)
        self._record_call(call)
        outcome.delay = stall + self.settings.get("latency_ms", 0) / 1000.0
        return outcome

    def _run(self, action: str, fault: Optional[Fault], request: ApiRequest, call: dict) -> Outcome:
        """Carries out an admitted call, as the fault picked for it (if any) says."""
        if fault is None or fault.kind == "stall":
            return envelope_ok(self._execute(action, request.body), call["request_id"])
        if fault.kind == "drip":
            outcome = envelope_ok(self._execute(action, request.body), call["request_id"])
            outcome.drip, outcome.call = fault.seconds, call
            return outcome
        if fault.kind == "preempt":
            self._preempt(fault.state, request.body)
            return envelope_ok(self._execute(action, request.body), call["request_id"])
        if fault.kind == "lost_answer":
            try:
                self._execute(action, request.body)
            except ApiError as error:
                call["code"] = error.code
            call["executed"] = True
            return lost_answer_outcome(fault, call)
        return fault_outcome(fault, call)

    def _new_call(self, request: ApiRequest, request_id: str) -> dict:
        params = peek_params(request.body)
        now = self.clock()
        return {
            "ts": now,
            "arrived": request.arrived if request.arrived is not None else now,
            "action": request.headers.get("x-tc-action"),
            "secret_id": None,
            "account": None,
            "domain_name": params.get("DomainName") if isinstance(params.get("DomainName"), str) else None,
            "app_name": params.get("AppName") if isinstance(params.get("AppName"), str) else None,
            "stream_name": params.get("StreamName") if isinstance(params.get("StreamName"), str) else None,
            "code": None,
            "fault": None,
            "throttled": False,
            "admitted": False,
            "language": request.headers.get("x-tc-language"),
            "request_client": request.headers.get("x-tc-requestclient"),
            "request_id": request_id,
            "params": {name: "(hidden)" if name in SECRET_PARAMS else value for name, value in params.items()} or None,
        }

    def _admit(self, request: ApiRequest, call: dict) -> str:
        """Method, signature, action, version and quota; returns the action."""
        if request.method != "POST":
            raise ApiError("UnsupportedOperation", "The emulator accepts only POST / with a JSON body.")
        credential, service = self._authenticate(request)
        call["secret_id"], call["account"] = credential.secret_id, credential.account
        action = self._check_action(request.headers, service)
        try:
            self._take_quota(credential.account, action, call)
        except ApiError:
            call["throttled"] = True
            raise
        call["admitted"] = True
        return action

    def _authenticate(self, request: ApiRequest) -> tuple:
        """Returns (credential, service of the credential scope)."""
        auth = parse_authorization(request.headers.get("authorization"))
        timestamp = self._check_timestamp(request.headers.get("x-tc-timestamp"), auth)
        credential = self._lookup_credential(auth.secret_id)
        self._check_token(credential, request.headers.get("x-tc-token"))
        verify_signature(request, auth, timestamp, credential.secret_key)
        return credential, auth.service

    def _check_timestamp(self, value: Optional[str], auth: Authorization) -> str:
        if not value:
            raise ApiError("MissingParameter", "The request is missing the X-TC-Timestamp header.")
        if not value.strip().isdigit():
            raise ApiError("InvalidParameter", "X-TC-Timestamp must be unix seconds.")
        timestamp = int(value)
        now = self.clock()
        if abs(now - timestamp) > MAX_SKEW_SECONDS:
            raise ApiError(
                "AuthFailure.SignatureExpire",
                f"Signature expired: X-TC-Timestamp {timestamp} is outside +/-{MAX_SKEW_SECONDS} s "
                f"of server time {int(now)}.",
            )
        if auth.service not in SERVICE_APIS:
            raise invalid_authorization(
                f"the credential scope service must be `{SERVICE}` (or `{STS_SERVICE}` for STS)"
            )
        if auth.date != utc_date(timestamp):
            raise ApiError(
                "AuthFailure.SignatureFailure",
                f"The credential date {auth.date} is not the UTC date of X-TC-Timestamp ({utc_date(timestamp)}).",
            )
        return value

    def _lookup_credential(self, secret_id: str) -> Credential:
        with self._lock:
            credential = self.credentials.get(secret_id)
        if credential is None:
            raise ApiError(
                "AuthFailure.SecretIdNotFound",
                "The SecretId is not found, please ensure that your SecretId is correct.",
            )
        return credential

    def _check_token(self, credential: Credential, token: Optional[str]) -> None:
        token = token.strip() if token else ""
        if credential.token is None:
            if token:
                raise ApiError("AuthFailure.TokenFailure", "A token was sent for a permanent credential.")
            return
        if not hmac.compare_digest(token.encode("utf-8"), credential.token.encode("utf-8")):
            raise ApiError("AuthFailure.TokenFailure", "The token is missing or invalid.")
        if credential.expires_at is not None and self.clock() >= credential.expires_at:
            raise ApiError("AuthFailure.TokenFailure", "The token has expired.")

    @staticmethod
    def _check_action(headers: dict, service: str = SERVICE) -> str:
        expected_version, actions = SERVICE_APIS[service]
        action = headers.get("x-tc-action")
        if not action:
            raise ApiError("MissingParameter", "The request is missing the X-TC-Action header.")
        version = headers.get("x-tc-version")
        if not version:
            raise ApiError("MissingParameter", "The request is missing the X-TC-Version header.")
        if version != expected_version:
            raise ApiError("NoSuchVersion", f"The API version `{version}` does not exist; use {expected_version}.")
        if action not in actions:
            raise ApiError("InvalidAction", f"The action `{action}` is not supported by this emulator.")
        return action

    def _take_quota(self, account: str, action: str, call: dict) -> None:
        """One call of ``action`` against the account's quota (every SecretId of an account shares it).
        The call's ``ts`` becomes the moment of this check, so that window_max over the log sees
        exactly the times the quota saw."""
        with self._lock:
            now = call["ts"] = self.clock()
            if not self.settings["quotas"]:
                return
            limit = self._quota_limit(action)
            window = self.buckets.get((account, action))
            if window is None:
                kind = self.settings["quota_window"]
                if kind == "sliding":
                    window = SlidingWindow(limit)
                else:
                    window = TokenBucket(limit, now, LEAKY_BURST_SHARE if kind == "leaky" else 1.0)
                self.buckets[(account, action)] = window
            allowed = window.take(now)
        if not allowed:
            raise ApiError(
                "RequestLimitExceeded",
                f"Your request frequency of {action} has exceeded the limit of {limit} per second.",
            )

    def _pick_fault(self, action: str, stream_name: Optional[str]) -> Optional[Fault]:
        with self._lock:
            for fault in self.faults:
                if fault.matches(action, stream_name) and fault.fires():
                    if fault.exhausted:
                        self.faults.remove(fault)
                    return fault
        return None

    def _execute(self, action: str, body: bytes) -> dict:
        params = decode_params(body)
        reject_unknown_params(params, ACTION_PARAMS.get(action) or STS_ACTION_PARAMS.get(action, ()))
        if action in CONFIG_ACTION_PARAMS:
            return self.run_config_action(action, params)
        handlers = {
            "DescribeLiveStreamState": self.describe_stream_state,
            "ResumeLiveStream": self.resume_stream,
            "ForbidLiveStream": self.forbid_stream,
            "DropLiveStream": self.drop_stream,
            "DescribeLiveStreamOnlineList": self.describe_online_list,
            "DescribeLiveStreamPublishedList": self.describe_published_list,
            "AssumeRole": self.assume_role,
        }
        return handlers[action](params)

    def _record_call(self, call: dict) -> None:
        with self._lock:
            self.calls.append(call)
        with self._log_lock:
            if self._call_log is not None:
                self._call_log.write(json.dumps(call, ensure_ascii=False) + "\n")
                self._call_log.flush()

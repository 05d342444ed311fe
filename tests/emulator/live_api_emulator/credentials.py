# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials: the permanent ones (POST /_emulator/credentials) and the temporary ones the same
port issues, through STS AssumeRole and the CVM instance metadata service.
"""

import dataclasses
import secrets
from typing import Any, Optional

from .common import (
    DEFAULT_ACCOUNT,
    DEFAULT_CVM_ROLE_SECONDS,
    METADATA_ROLE_PATH,
    ROLE_NAME_PATTERN,
    ROLE_SESSION_NAME_PATTERN,
    STS_DEFAULT_DURATION,
    STS_MAX_DURATION,
    STS_MIN_DURATION,
    ApiError,
    ControlError,
    iso_utc,
    json_bytes,
)
from .params import control_number, control_object, control_str, required_str
from .state import EmulatorState


@dataclasses.dataclass
class Credential:
    """A SecretId with its key, and for a temporary one its token and expiry; ``account`` shares quotas."""

    secret_id: str
    secret_key: str
    token: Optional[str] = None
    expires_at: Optional[float] = None
    account: str = DEFAULT_ACCOUNT


@dataclasses.dataclass
class RoleRecord:
    """A CAM role that AssumeRole may assume; lifetime (seconds) overrides DurationSeconds for tests."""

    role_arn: str
    lifetime: Optional[float] = None


@dataclasses.dataclass
class CvmRoleRecord:
    """The CAM role bound to this (emulated) CVM instance."""

    role_name: str
    duration: float = DEFAULT_CVM_ROLE_SECONDS


def parse_credential(item: Any) -> Credential:
    item = control_object(item, "credential")
    unknown = set(item) - {"secret_id", "secret_key", "token", "expires_at", "account"}
    if unknown:
        raise ControlError("unknown credential field(s): {}".format(", ".join(sorted(unknown))))
    token = item.get("token")
    if token is not None and (not isinstance(token, str) or not token):
        raise ControlError("`token` must be a non-empty string when given")
    expires_at = control_number(item, "expires_at", allow_none=True)
    account = control_str(item, "account", DEFAULT_ACCOUNT)
    return Credential(control_str(item, "secret_id"), control_str(item, "secret_key"), token, expires_at, account)


def parse_role(item: Any) -> RoleRecord:
    item = control_object(item, "role")
    unknown = set(item) - {"role_arn", "lifetime"}
    if unknown:
        raise ControlError("unknown role field(s): {}".format(", ".join(sorted(unknown))))
    lifetime = control_number(item, "lifetime", allow_none=True)
    if lifetime is not None and lifetime <= 0:
        raise ControlError("`lifetime` must be a number of seconds greater than 0")
    return RoleRecord(control_str(item, "role_arn"), lifetime)


def parse_cvm_role(item: Any) -> CvmRoleRecord:
    item = control_object(item, "cvm_role")
    unknown = set(item) - {"role_name", "duration"}
    if unknown:
        raise ControlError("unknown cvm_role field(s): {}".format(", ".join(sorted(unknown))))
    name = control_str(item, "role_name")
    if not ROLE_NAME_PATTERN.fullmatch(name):
        raise ControlError("`role_name` must be 1 to 128 letters, digits or +=,.@_-")
    duration = control_number(item, "duration", DEFAULT_CVM_ROLE_SECONDS)
    if duration <= 0:
        raise ControlError("`duration` must be a number of seconds greater than 0")
    return CvmRoleRecord(name, duration)


class TemporaryCredentials(EmulatorState):
    """STS AssumeRole and the CVM metadata service; a part of EmulatorCore."""

    def _issue(self, kind: str, role: str, lifetime: float) -> Credential:
        """A new temporary credential, registered so that calls signed with it are accepted until it expires."""
        credential = Credential(
            "AKID" + secrets.token_hex(16).upper(),
            secrets.token_urlsafe(30),
            secrets.token_urlsafe(48),
            self.clock() + lifetime,
        )
        with self._lock:
            self.credentials[credential.secret_id] = credential
            self.issued.append(
                {"kind": kind, "role": role, "secret_id": credential.secret_id, "expires_at": credential.expires_at}
            )
        return credential

    def assume_role(self, params: dict) -> dict:
        role_arn = required_str(params, "RoleArn")
        session_name = required_str(params, "RoleSessionName")
        if not ROLE_SESSION_NAME_PATTERN.fullmatch(session_name):
            raise ApiError(
                "InvalidParameter.ParamError", "RoleSessionName must be 2 to 128 letters, digits or +=,.@_-."
            )
        duration = params.get("DurationSeconds", STS_DEFAULT_DURATION)
        if isinstance(duration, bool) or not isinstance(duration, int):
            raise ApiError("InvalidParameter.ParamError", "DurationSeconds must be an integer.")
        if duration > STS_MAX_DURATION:
            raise ApiError(
                "InvalidParameter.OverTimeError",
                f"DurationSeconds {duration} is over the maximum of {STS_MAX_DURATION}.",
            )
        if duration < STS_MIN_DURATION:
            raise ApiError(
                "InvalidParameter.ParamError",
                f"DurationSeconds {duration} is under the minimum of {STS_MIN_DURATION}.",
            )
        with self._lock:
            role = self.roles.get(role_arn)
        if role is None:
            raise ApiError("ResourceNotFound.RoleNotFound", f"The role `{role_arn}` does not exist.")
        credential = self._issue("sts", role_arn, role.lifetime if role.lifetime is not None else duration)
        return {
            "Credentials": {
                "Token": credential.token,
                "TmpSecretId": credential.secret_id,
                "TmpSecretKey": credential.secret_key,
            },
            "ExpiredTime": int(credential.expires_at),
            "Expiration": iso_utc(credential.expires_at),
        }

    def handle_metadata(self, method: str, path: str) -> tuple:
        """(status, body bytes, content type) of one request to the instance metadata service."""
        if method != "GET":
            return 405, b"Method Not Allowed", "text/plain"
        with self._lock:
            bound = self.cvm_role
        if path in (METADATA_ROLE_PATH, METADATA_ROLE_PATH.rstrip("/")):
            if bound is None:
                return 404, b"Not Found", "text/plain"
            return 200, bound.role_name.encode("utf-8"), "text/plain"
        if path.startswith(METADATA_ROLE_PATH):
            name = path[len(METADATA_ROLE_PATH) :].rstrip("/")
            if bound is None or name != bound.role_name:
                return 404, b"Not Found", "text/plain"
            credential = self._issue("cvm_role", bound.role_name, bound.duration)
            return (
                200,
                json_bytes(
                    {
                        "TmpSecretId": credential.secret_id,
                        "TmpSecretKey": credential.secret_key,
                        "Token": credential.token,
                        "ExpiredTime": int(credential.expires_at),
                        "Expiration": iso_utc(credential.expires_at),
                        "Code": "Success",
                    }
                ),
                "application/json",
            )
        return 404, b"Not Found", "text/plain"

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Injected faults: what a fault may say (POST /_emulator/faults), when it fires, and what the
client sees when it does (Tencent error envelopes, proxy pages, closed or lost answers).
"""

import dataclasses
import random
from typing import Any, Optional

from .common import ALL_ACTIONS, STREAM_STATES, WRITE_ACTIONS, ApiError, ControlError, Outcome
from .params import control_number, control_object, control_str

FAULT_KINDS = (
    "throttle",
    "internal_error",
    "http_500",
    "http_502",
    "http_429",
    "close",
    "stall",
    "error",
    "lost_answer",
    "preempt",
    "drip",
)
FAULT_FIELDS = ("action", "kind", "count", "rate", "seconds", "seed", "stream_name", "code", "message", "via", "state")
LOST_ANSWER_VIAS = ("close", "stall", "http_502", "garbage")
HTTP_FAULT_STATUS = {"http_500": 500, "http_502": 502, "http_429": 429}
HTTP_FAULT_REASON = {500: "Internal Server Error", 502: "Bad Gateway", 429: "Too Many Requests"}


@dataclasses.dataclass
class Fault:  # pylint: disable=too-many-instance-attributes
    action: str
    kind: str
    count: Optional[int]
    rate: Optional[float]
    seconds: float
    rng: random.Random
    stream_name: Optional[str] = None
    code: Optional[str] = None
    message: Optional[str] = None
    via: Optional[str] = None
    state: Optional[str] = None

    def matches(self, action: str, stream_name: Optional[str]) -> bool:
        if self.stream_name is not None and self.stream_name != stream_name:
            return False
        return self.action in ("*", action) or (self.action == "writes" and action in WRITE_ACTIONS)

    def fires(self) -> bool:
        if self.count is not None:
            if self.count <= 0:
                return False
            self.count -= 1
            return True
        return self.rng.random() < self.rate

    @property
    def exhausted(self) -> bool:
        return self.count is not None and self.count <= 0

    def describe(self) -> dict:
        described = {
            "action": self.action,
            "kind": self.kind,
            "count": self.count,
            "rate": self.rate,
            "seconds": self.seconds,
        }
        for name in ("stream_name", "code", "message", "via", "state"):
            if getattr(self, name) is not None:
                described[name] = getattr(self, name)
        return described


def parse_fault(item: Any) -> Fault:
    item = control_object(item, "fault")
    unknown = set(item) - set(FAULT_FIELDS)
    if unknown:
        raise ControlError(
            "unknown fault field(s): {} (known: {})".format(", ".join(sorted(unknown)), ", ".join(FAULT_FIELDS))
        )
    action = control_str(item, "action")
    if action not in ("*", "writes") and action not in ALL_ACTIONS:
        raise ControlError(
            "fault action must be '*', 'writes' (every action that changes something) or one of {}".format(
                ", ".join(sorted(ALL_ACTIONS))
            )
        )
    kind = control_str(item, "kind")
    if kind not in FAULT_KINDS:
        raise ControlError("fault kind must be one of {}".format(", ".join(FAULT_KINDS)))
    count, rate = fault_trigger(item)
    seconds = float(control_number(item, "seconds", 5.0))
    seed = item.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ControlError("`seed` must be an integer")
    fault = Fault(action, kind, count, rate, seconds, random.Random(seed))
    if "stream_name" in item:
        fault.stream_name = control_str(item, "stream_name")
    fault_kind_fields(fault, item)
    return fault


def fault_kind_fields(fault: Fault, item: dict) -> None:
    """The fields only some kinds take: code/message (error), via (lost_answer), state (preempt)."""
    allowed = {"error": {"code", "message"}, "lost_answer": {"via"}, "preempt": {"state"}}.get(fault.kind, set())
    misplaced = (set(item) - allowed) & {"code", "message", "via", "state"}
    if misplaced:
        raise ControlError(
            "fault kind `{}` takes no {}".format(fault.kind, ", ".join(f"`{name}`" for name in sorted(misplaced)))
        )
    if fault.kind == "error":
        if "code" not in item:
            raise ControlError(
                'a fault of kind `error` needs `code`, the Tencent error code to answer (e.g. "FailedOperation")'
            )
        fault.code = control_str(item, "code")
        if "message" in item:
            fault.message = control_str(item, "message")
    elif fault.kind == "lost_answer":
        fault.via = control_str(item, "via", "close")
        if fault.via not in LOST_ANSWER_VIAS:
            raise ControlError("`via` must be one of {}".format(", ".join(LOST_ANSWER_VIAS)))
    elif fault.kind == "preempt":
        if "state" not in item:
            raise ControlError("a fault of kind `preempt` needs `state`, one of {}".format(", ".join(STREAM_STATES)))
        fault.state = control_str(item, "state")
        if fault.state not in STREAM_STATES:
            raise ControlError("`state` must be one of {}".format(", ".join(STREAM_STATES)))


def fault_trigger(item: dict) -> tuple:
    if "count" in item and "rate" in item:
        raise ControlError("give either `count` or `rate`, not both")
    if "rate" in item:
        rate = item["rate"]
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0.0 <= rate <= 1.0:
            raise ControlError("`rate` must be a number from 0.0 to 1.0")
        return None, float(rate)
    count = item.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ControlError("`count` must be a positive integer")
    return count, None


def proxy_error(status: int) -> Outcome:
    reason = HTTP_FAULT_REASON.get(status, "Error")
    body = (
        f"<html><head><title>{status} {reason}</title></head><body><h1>{status} {reason}</h1></body></html>\n".encode(
            "ascii"
        )
    )
    headers = (("Retry-After", "1"),) if status == 429 else ()
    return Outcome(status=status, body=body, content_type="text/html", headers=headers)


def lost_answer_outcome(fault: Fault, call: dict) -> Outcome:
    """The call was carried out; its answer never reaches the client."""
    if fault.via in ("close", "stall"):
        return Outcome(close=True)
    if fault.via == "http_502":
        return proxy_error(502)
    # a gateway cut the answer short: HTTP 200, JSON content type, not JSON
    truncated = ('{"Response": {"RequestId": "' + call["request_id"] + '", "Stream').encode("ascii")
    return Outcome(body=truncated)


def fault_outcome(fault: Fault, call: dict) -> Outcome:
    """What a fault that does not carry the call out answers: an error envelope, a proxy page or a closed connection."""
    if fault.kind == "throttle":
        raise ApiError("RequestLimitExceeded", "Your request frequency has exceeded the limit (injected fault).")
    if fault.kind == "internal_error":
        raise ApiError("InternalError", "An internal error has occurred (injected fault).")
    if fault.kind == "error":
        raise ApiError(fault.code, fault.message or f"The request failed (injected fault {fault.code}).")
    call["code"] = fault.kind
    if fault.kind == "close":
        return Outcome(close=True)
    return proxy_error(HTTP_FAULT_STATUS[fault.kind])

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callbacks as Tencent Live sends them (event notifications of a callback template): signed JSON
POSTs to one URL -- push (event_type 1) and interrupt (0) when a stream's push starts or ends,
moderation (317) and any other body on demand -- re-sent on a compressed schedule while the
receiver does not answer 200. tests/emulator/README.md, "Callbacks", documents it.

CallbackSender owns the configuration (URL, key, schedule), the bodies, the delivery thread and
the delivery log. The key is never shown: not in GET /_emulator/callbacks, not in the log.
"""

import hashlib
import heapq
import json
import random
import ssl
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Callable, Optional

from .common import ControlError
from .params import control_count, control_number, control_object, control_str

# errcode of an interrupt callback by why the push ended. Tencent's interruption table: 1 the
# encoder stopped, 10 "the proxy layer received an interruption command" (a DropLiveStream); which
# code a forbid's cut carries is not documented: forbid_errcode chooses (10 by default).
STOP_ERRCODES = {"dropped": 10, "replaced": 1}
ERRMSGS = {
    0: "ok",
    1: "The push client actively stopped the push.",
    10: "The proxy layer received an interruption command.",
    18: "Internal error in the LVB system.",
    305: "The pushed stream name is in forbidden status.",
}
# a forbidden stream's encoder that tries again is refused with 305 ("the stream name is forbidden",
# a sub-code of errcode 18 in Tencent's table); where a callback carries it is not documented:
# "errcode" sends errcode 305, "sub_errcode" sends errcode 18 with sub_errcode 305.
FORBIDDEN_STYLES = ("errcode", "sub_errcode")
SIGN_MODES = ("valid", "bad", "expired", "unsigned")
DEFAULT_CALLBACKS = {
    "url": None,
    "key": None,
    "retries": 12,  # Tencent re-sends push, interrupt and moderation callbacks up to 12 times ...
    "retry_interval": 1.0,  # ... one minute apart; compressed here
    "ttl": 600,  # t = sending time + 10 minutes, Tencent's default
    "timeout": 5.0,
    "ca_file": None,
    "appid": 1250000000,
    "forbid_errcode": 10,
    "forbidden_style": "errcode",
    "senders": 1,  # deliveries under way at once: Tencent's many servers send a raid's callbacks side by side
}
MAX_SENDERS = 500


def sign_body(body: dict, key: Optional[str], now: float, ttl: float, mode: str) -> dict:
    """A copy of body with ``t`` and ``sign`` as the mode says (valid, bad, expired, unsigned)."""
    signed = dict(body)
    if mode == "unsigned":
        return signed
    t = int(now - 60) if mode == "expired" else int(now + ttl)
    secret = (key or "") + ("-wrong" if mode == "bad" else "")
    signed["t"] = t
    signed["sign"] = hashlib.md5(f"{secret}{t}".encode()).hexdigest()
    return signed


def check_callback_config(update: Any) -> dict:
    update = control_object(update, "callbacks object")
    unknown = set(update) - set(DEFAULT_CALLBACKS)
    if unknown:
        raise ControlError("unknown callbacks setting(s): {}".format(", ".join(sorted(unknown))))
    clean = {}
    for name, value in update.items():
        if value is None and name in ("url", "key", "ca_file"):
            clean[name] = None
        elif name in ("url", "key", "ca_file"):
            clean[name] = control_str(update, name)
        elif name in ("retries", "forbid_errcode", "appid"):
            clean[name] = control_count(update, name) if name != "retries" else int(control_number(update, name))
        elif name == "senders":
            clean[name] = control_count(update, name)
            if not 1 <= clean[name] <= MAX_SENDERS:
                raise ControlError(f"`senders` must be from 1 to {MAX_SENDERS}")
        elif name == "forbidden_style":
            if value not in FORBIDDEN_STYLES:
                raise ControlError("`forbidden_style` must be one of {}".format(", ".join(FORBIDDEN_STYLES)))
            clean[name] = value
        else:
            clean[name] = control_number(update, name)
    if clean.get("url") and not clean["url"].startswith(("http://", "https://")):
        raise ControlError("`url` must start with http:// or https://")
    return clean


class Delivery:
    """One callback to deliver, re-sent while unanswered; ``tries`` are its attempts so far. ``target``
    is (url, key) of the callback template whose rule covers the stream, or None: the configured url and key."""

    def __init__(self, number: int, body: dict, sign: str, target: Optional[tuple] = None):
        self.number = number
        self.body = body
        self.sign = sign
        self.target = target
        self.tries = 0

    def url_and_key(self, config: dict) -> tuple:
        return self.target if self.target is not None else (config["url"], config["key"])


class CallbackSender:
    """Sends the callbacks in a background thread; the delivery log says what each attempt got."""

    def __init__(self, clock: Callable[[], float]):
        self.clock = clock
        self._lock = threading.Condition()
        self._startup: dict = {}
        self.config = dict(DEFAULT_CALLBACKS)
        self._queue: list = []  # heap of (due monotonic time, number, Delivery)
        self._log: list = []
        self._numbers = 0
        self._sending = 0
        self._sequences: dict = {}  # stream key -> sequence of its push in progress
        self._threads: list = []
        self._stopped = False

    # ------------------------------------------------------------------ configuration and log

    def set_startup(self, config: Optional[dict]) -> None:
        self._startup = check_callback_config(config or {})

    def reset(self) -> None:
        with self._lock:
            self.config = dict(DEFAULT_CALLBACKS, **self._startup)
            self._queue, self._log, self._sequences, self._numbers = [], [], {}, 0

    def update(self, body: Any) -> dict:
        clean = check_callback_config(body)
        with self._lock:
            self.config.update(clean)
        return self.describe()

    def describe(self) -> dict:
        with self._lock:
            shown = {k: v for k, v in self.config.items() if k != "key"}
            shown["key_set"] = bool(self.config["key"])
            return {
                "config": shown,
                "deliveries": [dict(item) for item in self._log],
                "pending": len(self._queue) + self._sending,
            }

    def wait_idle(self, timeout: float = 30.0) -> list:
        """In-process callers (tests): blocks until nothing is left to send; returns the delivery log."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._queue or self._sending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"callbacks still pending after {timeout} s")
                self._lock.wait(min(remaining, 0.05))
            return [dict(item) for item in self._log]

    def forget(self) -> dict:
        with self._lock:
            self._queue, self._log = [], []
        return {"ok": True}

    # ------------------------------------------------------------------ what is sent

    def _common(self, key: tuple) -> dict:
        return {"appid": self.config["appid"], "app": key[0], "appname": key[1]}

    def push_started(self, key: tuple, target: Optional[tuple] = None) -> None:
        """A push of ``key`` (domain, app, name) started: event_type 1 (to ``target``, see Delivery)."""
        sequence = str(random.randrange(10**18, 10**19))
        self._sequences[key] = (sequence, self.clock())
        self.send(dict(self._push_body(key, 1, sequence), errcode=0, errmsg=ERRMSGS[0]), target=target)

    def push_ended(self, key: tuple, stop_reason: str, target: Optional[tuple] = None) -> None:
        """The push of ``key`` ended (a drop, a forbid, a reseed): event_type 0 with the errcode of the cause."""
        sequence, started = self._sequences.pop(key, (str(random.randrange(10**18, 10**19)), self.clock()))
        code = self.config["forbid_errcode"] if stop_reason == "forbidden" else STOP_ERRCODES.get(stop_reason, 1)
        body = self._push_body(key, 0, sequence)
        body.update(errcode=code, errmsg=ERRMSGS.get(code, "Unknown reason."))
        body["push_duration"] = str(int((self.clock() - started) * 1000))
        self.send(body, target=target)

    def push_refused(
        self, key: tuple, sign: str = "valid", deliveries: int = 1, target: Optional[tuple] = None
    ) -> None:
        """The encoder of a forbidden stream tried to push and was refused: an interrupt, code 305."""
        body = self._push_body(key, 0, str(random.randrange(10**18, 10**19)))
        if self.config["forbidden_style"] == "errcode":
            body.update(errcode=305, errmsg=ERRMSGS[305])
        else:
            body.update(errcode=18, sub_errcode=305, errmsg=ERRMSGS[18])
        body["push_duration"] = "0"
        self.send(body, sign, deliveries, target)

    def _push_body(self, key: tuple, event_type: int, sequence: str) -> dict:
        body = self._common(key)
        body.update(
            channel_id=key[2],
            stream_id=key[2],
            event_time=int(self.clock()),
            event_type=event_type,
            sequence=sequence,
            node="203.0.113.1",
            user_ip="203.0.113.10",
            stream_param="",
            set_id=2,
            width=1920,
            height=1080,
        )
        return body

    def moderation_body(self, key: tuple, item: dict) -> dict:
        """An image moderation result (317), shaped like the docs' example (its ``socre`` spelling too)."""
        suggestion = control_str(item, "suggestion", "Block")
        label = control_str(item, "label", "Porn")
        sub_label = item.get("sub_label", f"{label}High" if suggestion != "Pass" else "")
        hit = {"HitFlag": 1, "Scene": label, "Suggestion": suggestion, "Label": label, "SubLabel": sub_label}
        body = self._common(key)
        body.update(
            ocrMsg="",
            type=[1],
            socre=[99],
            level=0,
            screenshotTime=int(self.clock()) - 2,
            sendTime=int(self.clock()),
            img=f"http://example.invalid/snapshots/{key[2]}.jpg",
            suggestion=suggestion,
            label=label,
            subLabel=sub_label,
            labelResults=[dict(hit, Score=99, Details=[])],
            objectResults=[],
            ocrResults=[],
            streamId=key[2],
            channelId=key[2],
            stream_param="",
            event_type=317,
        )
        return body

    # ------------------------------------------------------------------ delivery

    def send(self, body: dict, sign: str = "valid", deliveries: int = 1, target: Optional[tuple] = None) -> list:
        """Queues ``deliveries`` separate deliveries of body (more than one: Tencent re-sending after
        our answer was lost) to ``target`` (see Delivery); nothing when there is no URL. Returns their numbers."""
        if sign not in SIGN_MODES:
            raise ControlError("`sign` must be one of {}".format(", ".join(SIGN_MODES)))
        numbers: list = []
        with self._lock:
            if not (target[0] if target is not None else self.config["url"]):
                return numbers
            for index in range(deliveries):
                self._numbers += 1
                numbers.append(self._numbers)
                due = time.monotonic() + index * self.config["retry_interval"]
                delivery = Delivery(self._numbers, body, sign, target)
                heapq.heappush(self._queue, (due, self._numbers, delivery))
            self._start()
            self._lock.notify_all()
        return numbers

    def _start(self) -> None:
        """As many delivery threads as `senders` says (called with the lock held)."""
        self._threads = [thread for thread in self._threads if thread.is_alive()]
        if self._threads and self._stopped:
            return
        self._stopped = False
        for _number in range(int(self.config["senders"]) - len(self._threads)):
            thread = threading.Thread(target=self._run, name="live-emulator-callbacks", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._lock.notify_all()
            threads, self._threads = self._threads, []
        for thread in threads:
            thread.join(10)

    def _run(self) -> None:
        me = threading.current_thread()
        while True:
            with self._lock:
                while not self._stopped and (not self._queue or self._queue[0][0] > time.monotonic()):
                    if len(self._threads) > int(self.config["senders"]) and me in self._threads:
                        self._threads.remove(me)  # fewer senders now (an update or a reset): this one ends
                        return
                    self._lock.wait(self._queue[0][0] - time.monotonic() if self._queue else None)
                if self._stopped:
                    return
                delivery = heapq.heappop(self._queue)[2]
                config = dict(self.config)
                self._sending += 1
            status = self._attempt(delivery, config)
            with self._lock:
                self._sending -= 1
                delivery.tries += 1
                self._log.append(
                    {
                        "delivery": delivery.number,
                        "try": delivery.tries,
                        "event_type": delivery.body.get("event_type"),
                        "stream_name": delivery.body.get("stream_id") or delivery.body.get("streamId"),
                        "sign": delivery.sign,
                        "url": delivery.url_and_key(config)[0],
                        "status": status,
                        "at": self.clock(),
                    }
                )
                if status != 200 and delivery.tries <= config["retries"] and delivery.url_and_key(config)[0]:
                    due = time.monotonic() + config["retry_interval"]
                    heapq.heappush(self._queue, (due, delivery.number, delivery))

    def _attempt(self, delivery: Delivery, config: dict) -> Any:
        """One POST; the HTTP status, or the kind of network error."""
        url, key = delivery.url_and_key(config)
        body = sign_body(delivery.body, key, self.clock(), config["ttl"], delivery.sign)
        request = urllib.request.Request(
            url,
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json", "User-Agent": "live-emulator-callback"},
            method="POST",
        )
        context = ssl.create_default_context(cafile=config["ca_file"]) if config["ca_file"] else None
        try:
            with urllib.request.urlopen(request, timeout=config["timeout"], context=context) as answer:
                answer.read()
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code
        except urllib.error.URLError as error:  # the connection failed: say why (refused, timed out, TLS ...)
            return type(error.reason).__name__ if isinstance(error.reason, BaseException) else "URLError"
        except (OSError, ValueError) as error:
            return type(error).__name__

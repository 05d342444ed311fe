# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tencent.cloud.live_callback: Tencent Cloud Live (CSS) callbacks as Event-Driven Ansible events.

An ansible-rulebook event source. It listens for the callbacks of a Live callback template (push,
interrupt, recording, snapshot, moderation, push error), answers them as Tencent expects, and puts
each genuine callback on the queue once, normalised to the names the tencent.cloud modules take.

The arguments are documented once, in live_callback.yaml next to this file (ansible-doc, Galaxy and the
docs site's page of the source read it; a test checks it against ARGUMENTS below); the events and the
answers in the collection's event-driven guide (docs/docsite/rst/event_driven.rst).

ansible-rulebook loads this file on its own (runpy), so it imports nothing from the collection.
"""

import asyncio
import collections
import hashlib
import hmac
import json
import logging
import math
import os
import ssl
import time

from aiohttp import web

PLUGIN = "tencent.cloud.live_callback"
KEY_ENV = "TENCENTCLOUD_LIVE_CALLBACK_KEY"
# event_type number -> event name (Tencent's "Callback Notifications" pages); any other number: "other"
EVENT_NAMES = {1: "push", 0: "interrupt", 100: "record", 200: "snapshot", 317: "moderation", 321: "push_error"}
ALL_EVENTS = ("push", "interrupt", "record", "snapshot", "moderation", "push_error", "other")
# Tencent's interruption table lists "the pushed stream name is forbidden" as code 305 (a sub-code of
# errcode 18); which field of a callback carries it is not documented, so both spellings count.
STREAM_FORBIDDEN_CODE = 305
# the re-delivery memory holds at most this many callbacks; under a flood the oldest are forgotten first
DEDUP_CAPACITY = 100_000
OK_ANSWER = {"code": 0}

# name: (kind, default). Kinds are checked by _check(); secrets are never echoed in an error.
ARGUMENTS = {
    "host": ("text", "0.0.0.0"),
    "port": ("port", 5000),
    "callback_key": ("secret", None),
    "allow_unsigned": ("bool", False),
    "event_types": ("event_types", "all"),
    "dedup_window": ("seconds", 900),
    "max_body_bytes": ("positive_int", 1048576),
    "request_timeout": ("seconds", 10),
    "certfile": ("text", None),
    "keyfile": ("text", None),
    "password": ("secret", None),
}
# what ansible-rulebook itself adds to a source's arguments
RULEBOOK_ARGUMENTS = ("eda_feedback_queue",)

logger = logging.getLogger(PLUGIN)


class ArgumentError(ValueError):
    """A bad argument; the message names it and says how to fix it."""

    def __init__(self, name, problem):
        super().__init__(f"{PLUGIN}: argument `{name}` {problem}")


class Settings:
    """The checked arguments. repr() never shows the callback key or the TLS password."""

    def __init__(self, values):
        self.__dict__.update(values)

    def __repr__(self):
        shown = {k: ("<hidden>" if ARGUMENTS[k][0] == "secret" and v else v) for k, v in self.__dict__.items()}
        return f"Settings({shown})"


def _integer(name, value, low, high, what):
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ArgumentError(name, f"must be {what}, got {value!r}")
    return value


def _check(name, kind, value):
    if kind in ("text", "secret"):
        if not isinstance(value, str) or not value.strip():
            shown = "a value of another type" if kind == "secret" else repr(value)
            raise ArgumentError(name, f"must be a non-empty string, got {shown}")
        return value if kind == "secret" else value.strip()
    if kind == "bool":
        words = {"true": True, "yes": True, "false": False, "no": False}
        if isinstance(value, str) and value.strip().lower() in words:
            return words[value.strip().lower()]
        if not isinstance(value, bool):
            raise ArgumentError(name, f"must be true or false, got {value!r}")
        return value
    if kind == "port":
        return _integer(name, value, 1, 65535, "a TCP port number (1-65535)")
    if kind == "positive_int":
        return _integer(name, value, 1, 2**31, "a positive number of bytes")
    if kind == "seconds":
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                pass
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
            raise ArgumentError(name, f"must be a positive number of seconds, got {value!r}")
        return value
    # event_types
    if value == "all":
        return frozenset(ALL_EVENTS)
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
        raise ArgumentError(name, f"must be `all` or a list of event names ({', '.join(ALL_EVENTS)}), got {value!r}")
    unknown = sorted({n.strip() for n in names} - set(ALL_EVENTS))
    if unknown:
        raise ArgumentError(name, f"has unknown event name(s) {', '.join(unknown)}: use {', '.join(ALL_EVENTS)}")
    return frozenset(n.strip() for n in names)


def parse_arguments(args, environ):
    """The source's arguments, checked; raises ArgumentError naming the first bad one."""
    unknown = sorted(set(args) - set(ARGUMENTS) - set(RULEBOOK_ARGUMENTS))
    if unknown:
        raise ArgumentError(unknown[0], f"is not an argument of this source; known: {', '.join(ARGUMENTS)}")
    values = {}
    for name, (kind, default) in ARGUMENTS.items():
        value = args.get(name)
        if name == "callback_key" and value in (None, ""):
            value = environ.get(KEY_ENV) or None  # an empty variable counts as unset
        if value is None:
            value = default
        values[name] = None if value is None else _check(name, kind, value)
    if values["callback_key"] is None and not values["allow_unsigned"]:
        raise ArgumentError(
            "callback_key",
            f"is required: give the callback key of the Live callback template (CallbackKey), or set {KEY_ENV}; "
            "only a test set-up may accept unsigned callbacks with `allow_unsigned: true`",
        )
    for name in ("keyfile", "password"):
        if values[name] is not None and values["certfile"] is None:
            raise ArgumentError(name, "needs `certfile` (the server certificate) to serve HTTPS")
    return Settings(values)


def tls_context(settings):
    """The HTTPS context for certfile/keyfile/password, or None for plain HTTP."""
    if settings.certfile is None:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(settings.certfile, settings.keyfile, settings.password)
    except (OSError, ssl.SSLError) as error:
        reason = getattr(error, "strerror", None) or getattr(error, "reason", None) or type(error).__name__
        raise ArgumentError(
            "certfile", f"(with `keyfile` and `password`) could not be loaded: {reason}; check the files and password"
        ) from None
    return context


def signature_problem(body, key, now):
    """Why a callback is not genuine (sign == md5(key + t), t not past), or None. Never shows the sign."""
    t, sign = body.get("t"), body.get("sign")
    if isinstance(t, bool) or not isinstance(t, (int, str)) or not str(t).strip().isdigit():
        return "no valid `t` (the expiry time)"
    if not isinstance(sign, str) or not sign:
        return "no `sign`"
    expected = hashlib.md5((key + str(t).strip()).encode("utf-8")).hexdigest()
    if not hmac.compare_digest(expected.encode("ascii"), sign.strip().lower().encode("utf-8", "replace")):
        return "the sign does not match the callback key"
    if int(str(t).strip()) < now:
        return "it has expired (`t` is in the past)"
    return None


class RecentCallbacks:
    """Fingerprints of the callbacks seen in the last ``window`` seconds, at most ``capacity`` of them."""

    def __init__(self, window, capacity=DEDUP_CAPACITY):
        self.window = window
        self.capacity = capacity
        self.expiry = collections.OrderedDict()  # fingerprint -> when it is forgotten (insertion order = time order)
        self.evicted = 0  # forgotten early because the memory was full

    def seen_before(self, body, now):
        """True for a re-delivery (the same body apart from sign and t); otherwise remembers this one."""
        while self.expiry and next(iter(self.expiry.values())) <= now:
            self.expiry.popitem(last=False)
        same = {k: v for k, v in body.items() if k not in ("sign", "t")}
        fingerprint = hashlib.sha256(json.dumps(same, sort_keys=True, separators=(",", ":")).encode()).digest()
        if fingerprint in self.expiry:
            return True
        self.expiry[fingerprint] = now + self.window
        if len(self.expiry) > self.capacity:
            self.expiry.popitem(last=False)
            self.evicted += 1
            if self.evicted == 1 or self.evicted % 10000 == 0:
                logger.warning(
                    "%s: more than %d callbacks within dedup_window: forgot %d before their window ended "
                    "(a re-delivery of those would be emitted again)",
                    PLUGIN,
                    self.capacity,
                    self.evicted,
                )
        return False


def _first(body, *names):
    for name in names:
        value = body.get(name)
        if value is not None and value != "":
            return value
    return None


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _text(value):
    return None if value is None else str(value)


def normalise(body):
    """The ``tencent_live`` part of an event: the names the modules take, whatever each callback calls them."""
    code = _number(body.get("event_type"))
    info = {
        "event": EVENT_NAMES.get(code, "other"),
        "event_type": code,
        "domain_name": _text(_first(body, "app", "domain", "domain_name")),
        "app_name": _text(_first(body, "appname", "path", "app_name")),
        "stream_name": _text(_first(body, "stream_id", "streamId", "stream_name", "channel_id", "channelId")),
        "appid": _first(body, "appid"),
    }
    event = info["event"]
    if event in ("push", "interrupt"):
        info.update(
            sequence=_text(_first(body, "sequence")),
            errcode=_number(body.get("errcode")),
            errmsg=_text(body.get("errmsg")),
            event_time=_number(body.get("event_time")),
        )
    if event == "interrupt":
        sub = _number(body.get("sub_errcode"))
        info["sub_errcode"] = sub
        info["push_duration_ms"] = _number(body.get("push_duration"))
        info["stream_forbidden"] = info["errcode"] == STREAM_FORBIDDEN_CODE or (
            info["errcode"] == 18 and sub == STREAM_FORBIDDEN_CODE
        )
    elif event == "moderation":
        info.update(
            suggestion=_text(body.get("suggestion")),
            label=_text(body.get("label")),
            sub_label=_text(body.get("subLabel")),
            img=_text(body.get("img")),
            screenshot_time=_number(body.get("screenshotTime")),
        )
    elif event == "push_error":
        abnormal = body.get("abnormal_event") if isinstance(body.get("abnormal_event"), dict) else {}
        info.update(
            sequence=_text(_first(body, "sequence")),
            abnormal_type=_number(abnormal.get("type")),
            abnormal_description=_text(_first(abnormal, "type_desc_en", "type_desc_cn")),
        )
    elif event == "record":
        info.update(video_url=_text(body.get("video_url")), file_id=_text(body.get("file_id")))
    elif event == "snapshot":
        info.update(pic_full_url=_text(body.get("pic_full_url")))
    return info


class CallbackReceiver:
    """The HTTP side: one route for every path, answers as Tencent expects, events onto the queue."""

    def __init__(self, queue, settings, clock=time.time):
        self.queue = queue
        self.settings = settings
        self.clock = clock
        self.recent = RecentCallbacks(settings.dedup_window)

    def app(self):
        application = web.Application(client_max_size=self.settings.max_body_bytes)
        application.router.add_route("*", "/{endpoint:.*}", self.handle)
        return application

    @staticmethod
    def _answer(status, message=None, **headers):
        body = OK_ANSWER if message is None else {"code": status, "message": message}
        return web.json_response(body, status=status, headers=headers or None)

    def _refuse(self, request, status, why):
        logger.warning("%s: refused a callback from %s (%d): %s", PLUGIN, request.remote, status, why)
        return self._answer(status, why)

    async def handle(self, request):
        if request.method != "POST":
            return self._answer(405, "only POST is accepted", Allow="POST")
        limit = self.settings.max_body_bytes
        if request.content_length is not None and request.content_length > limit:
            return self._refuse(request, 413, f"the body is larger than {limit} bytes")
        try:
            raw = await asyncio.wait_for(request.read(), self.settings.request_timeout)
        except web.HTTPRequestEntityTooLarge:
            return self._refuse(request, 413, f"the body is larger than {limit} bytes")
        except asyncio.TimeoutError:
            answer = self._refuse(request, 408, f"the body did not arrive within {self.settings.request_timeout} s")
            answer.force_close()  # the rest of a half-sent body must not be read as the next request
            return answer
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return self._refuse(request, 400, "the body is not a JSON object")
        if not self.settings.allow_unsigned:
            problem = signature_problem(body, self.settings.callback_key, self.clock())
            if problem:
                return self._refuse(request, 401, f"not a genuine Tencent callback: {problem}")
        info = normalise(body)
        if self.recent.seen_before(body, self.clock()):
            logger.info(
                "%s: re-delivery of a %s callback for %s answered, not emitted", PLUGIN, info["event"], _who(info)
            )
            return self._answer(200)
        if info["event"] not in self.settings.event_types:
            logger.debug("%s: %s callback not in event_types, not emitted", PLUGIN, info["event"])
            return self._answer(200)
        payload = {k: v for k, v in body.items() if k != "sign"}
        await self.queue.put({"tencent_live": info, "payload": payload, "meta": {"endpoint": request.path}})
        logger.info("%s: %s callback for %s emitted", PLUGIN, info["event"], _who(info))
        return self._answer(200)


def _who(info):
    return "/".join(str(info[k] or "?") for k in ("domain_name", "app_name", "stream_name"))


async def main(queue, args):
    """ansible-rulebook's entry point: serve until cancelled."""
    settings = parse_arguments(args, os.environ)
    context = tls_context(settings)
    if settings.allow_unsigned:
        logger.warning("%s: allow_unsigned is set: ANY request is accepted as a callback (tests only)", PLUGIN)
    # keepalive_timeout also bounds a request whose headers never finish; lingering_time bounds the wait
    # for the rest of a body that was refused
    timeout = settings.request_timeout
    runner = web.AppRunner(
        CallbackReceiver(queue, settings).app(),
        access_log=None,
        keepalive_timeout=timeout,
        lingering_time=min(timeout, 1.0),
    )
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port, ssl_context=context)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise ArgumentError(
            "port",
            f"{settings.port}: cannot listen on {settings.host}:{settings.port} ({error.strerror or error}); "
            "another process may be using it: stop it or choose another `port`",
        ) from None
    scheme = "https" if context else "http"
    logger.info("%s: listening on %s://%s:%d", PLUGIN, scheme, settings.host, settings.port)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tencent.cloud.live_callback: Tencent Cloud Live (CSS) callbacks as Event-Driven Ansible events.

An ansible-rulebook event source. It listens for the callbacks of a Live callback template (push,
interrupt, recording, snapshot, moderation, push error), answers them as Tencent expects, and puts
each genuine callback on the queue once, normalised to the names the tencent.cloud modules take.

The arguments are documented once, in live_callback.yaml next to this file (Galaxy and the docs site's
page of the source read it; a test checks it against ARGUMENTS of ../_live_callback/arguments.py); the events and the
answers in the collection's event-driven guide (docs/docsite/rst/event_driven.rst).

ansible-rulebook loads this file on its own (runpy), so it imports nothing from the collection; what a
callback body means is in ../_live_callback/body.py, what its arguments may be in
../_live_callback/arguments.py, both loaded by their paths.
"""

import asyncio
import importlib.util
import ipaddress
import json
import logging
import os
import time

from aiohttp import web


def _load_part(name):
    """A private part of this source, by its path (ansible-rulebook runs this file on its own, runpy). The parts
    are outside event_source/, where Galaxy would take every Python file for an event source of its own."""
    plugins = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(plugins, "_live_callback", f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"tencent_cloud_live_callback_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_body = _load_part("body")
_gate = _load_part("gate")
_arguments = _load_part("arguments")
_batch = _load_part("batch")
PLUGIN = _body.PLUGIN
EVENT_NAMES, ALL_EVENTS, DEDUP_CAPACITY = _body.EVENT_NAMES, _body.ALL_EVENTS, _body.DEDUP_CAPACITY
RecentCallbacks, normalise, signature_problem = _body.RecentCallbacks, _body.normalise, _body.signature_problem
OK_ANSWER = {"code": 0}
KEY_ENV, ARGUMENTS, RULEBOOK_ARGUMENTS = _arguments.KEY_ENV, _arguments.ARGUMENTS, _arguments.RULEBOOK_ARGUMENTS
ArgumentError, Settings, tls_context = _arguments.ArgumentError, _arguments.Settings, _arguments.tls_context

logger = logging.getLogger(PLUGIN)


def parse_arguments(args, environ):
    """The source's arguments, checked (_live_callback/arguments.py); raises ArgumentError naming the first bad one."""
    settings = _arguments.parse_arguments(args, environ, ALL_EVENTS)
    if settings.batch_match is not None and settings.batch_window >= settings.queue_timeout:
        raise ArgumentError(
            "batch_window",
            f"({settings.batch_window} s) must be shorter than queue_timeout ({settings.queue_timeout} s): a batched "
            "callback waits for the rule engine at most queue_timeout, its window included",
        )
    return settings


class CallbackReceiver:
    """The HTTP side: one route for every path, answers as Tencent expects, events onto the queue.

    At most ``max_pending`` requests, with ``max_pending_bytes`` of bodies, are handled at once; each one is answered
    within ``queue_timeout`` of its arrival once its body is read. A callback is answered 200 only once the queue has
    the event carrying it: its own, or its batch's when ``batch_match`` selects it (_live_callback/batch.py)."""

    def __init__(self, queue, settings, clock=time.time):
        self.queue = queue
        self.settings = settings
        self.clock = clock
        self.recent = RecentCallbacks(settings.dedup_window)
        self.pending = _batch.Budget(settings.max_pending, settings.max_pending_bytes)
        self.in_flight = _batch.InFlight()  # the first deliveries being handled (_live_callback/batch.py)
        self.batcher = _batch.Batcher(queue, settings, logger, PLUGIN)

    def app(self):
        application = web.Application(client_max_size=self.settings.max_body_bytes)
        application.router.add_route("*", "/{endpoint:.*}", self.handle)
        return application

    @staticmethod
    def _answer(status, message=None, **headers):
        body = OK_ANSWER if message is None else {"code": status, "message": message}
        return web.json_response(body, status=status, headers=headers or None)

    def _refuse(self, request, status, why, close=False, body=None):
        """The refusal, logged (with the names a body gives, escaped); close: the connection ends after it (a body
        left unread must not be read as the next request)."""
        names = f" for {_body.names_shown(body)}" if isinstance(body, dict) else ""
        logger.warning("%s: refused a callback%s from %s (%d): %s", PLUGIN, names, request.remote, status, why)
        answer = self._answer(status, why)
        if close:
            answer.force_close()
        return answer

    async def handle(self, request):
        # a sender outside allowed_networks never gets here: the gate closed its connection unread (_live_callback/gate.py)
        if request.method != "POST":
            return self._answer(405, "only POST is accepted", Allow="POST")
        # what may wait for the engine is counted in callbacks and in bytes (its body as the sender announces it)
        announced = request.content_length
        size = self.settings.max_body_bytes if announced is None else min(announced, self.settings.max_body_bytes)
        refusal = self.pending.refusal(size)
        if refusal:
            return self._refuse(request, 503, f"{refusal}; re-send later", close=True)  # the body is not read
        self.pending.take(size)
        try:
            return await self._receive(request, asyncio.get_running_loop().time() + self.settings.queue_timeout)
        finally:
            self.pending.give_back(size)

    async def _read(self, request):
        """(body, None) or (None, the refusal)."""
        limit = self.settings.max_body_bytes
        if request.headers.get("Content-Encoding", "identity").strip().lower() not in ("", "identity"):
            # Tencent sends plain JSON; a compressed body is never inflated here (a small one can inflate to gigabytes)
            why = "the body is compressed (Content-Encoding): callbacks come uncompressed"
            return None, self._refuse(request, 415, why, close=True)  # the body is not read
        if request.content_length is not None and request.content_length > limit:
            return None, self._refuse(request, 413, f"the body is larger than {limit} bytes")
        try:
            raw = await asyncio.wait_for(_read_at_most(request, limit), self.settings.request_timeout)
        except web.HTTPRequestEntityTooLarge:
            return None, self._refuse(request, 413, f"the body is larger than {limit} bytes")
        except asyncio.TimeoutError:
            why = f"the body did not arrive within {self.settings.request_timeout} s"
            return None, self._refuse(request, 408, why, close=True)  # the rest of a half-sent body stays unread
        try:
            body = json.loads(raw, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            body = None
        if not isinstance(body, dict):
            return None, self._refuse(request, 400, "the body is not a JSON object")
        if _body.too_deep(body):
            return None, self._refuse(request, 400, f"the body nests deeper than {_body.MAX_DEPTH} levels")
        return body, None

    async def _receive(self, request, deadline):
        body, refusal = await self._read(request)
        if refusal is not None:
            return refusal
        if not self.settings.allow_unsigned:
            problem = signature_problem(body, self.settings.callback_key, self.clock())
            if problem:
                return self._refuse(request, 401, f"not a genuine Tencent callback: {problem}", body=body)
        # what the engine or a playbook's extra vars cannot take is refused here, never answered 200 and lost later
        problem = _body.carry_problem(body) or _body.carry_problem(request.path)
        if problem:
            return self._refuse(request, 400, f"a callback that cannot be carried to the rules: {problem}", body=body)
        problem = _body.names(body)[3]
        if problem:
            return self._refuse(request, 400, f"a callback that cannot be acted on safely: {problem}", body=body)
        info = normalise(body)
        fingerprint = self.recent.fingerprint(body)
        first = self.in_flight.first(fingerprint)  # a first delivery still in flight, whatever dedup_window says
        if first is not None or self.recent.seen_before(body, self.clock(), fingerprint):
            logger.info("%s: re-delivery of a %s callback for %s", PLUGIN, info["event"], _who(info))
            if first is None or await _outcome(first, deadline):
                return self._answer(200)
            return self._refuse(request, 503, "the first delivery of this callback was not taken; re-send later")
        if info["event"] not in self.settings.event_types:
            logger.debug("%s: %s callback not in event_types, not emitted", PLUGIN, info["event"])
            return self._answer(200)
        if _batch.matches(self.settings.batch_match, info):
            handing = self.batcher.add(info, request.path, deadline)  # the body is not kept while it waits
        else:
            payload = {k: v for k, v in body.items() if k != "sign"}
            event = {"tencent_live": info, "tencent_live_b64": _body.inert(info), "payload": payload}
            event["meta"] = {"endpoint": request.path}
            handing = self._put(event, deadline)
        del body
        if not await self._hand_on(fingerprint, handing):
            return self._refuse(
                request,
                503,
                f"the rule engine did not take the callback within queue_timeout ({self.settings.queue_timeout} s); "
                "it is not remembered, a re-delivery will be accepted",
            )
        logger.info("%s: %s callback for %s emitted", PLUGIN, info["event"], _who(info))
        return self._answer(200)

    async def _put(self, event, deadline):
        """True once the queue has the event; False when deadline came first."""
        try:
            await asyncio.wait_for(self.queue.put(event), max(0.0, deadline - asyncio.get_running_loop().time()))
        except asyncio.TimeoutError:
            return False
        return True

    async def _hand_on(self, fingerprint, handing):
        """Awaits handing (True: the queue took the callback) with the callback in flight; one given up (False, or its
        request cancelled) is forgotten, so that Tencent's re-delivery is accepted and not taken for a duplicate."""
        future, taken = self.in_flight.start(fingerprint), False
        try:
            taken = await handing
        finally:
            self.in_flight.end(fingerprint, future, taken)
            if taken:
                self.recent.seen_before(None, self.clock(), fingerprint)  # remembered again if its window has passed
            else:
                self.recent.forget(fingerprint)
        return taken


async def _read_at_most(request, limit):
    """The body, read here rather than by request.read(), which keeps a copy on the request while it waits."""
    raw = bytearray()
    async for chunk in request.content.iter_any():
        raw += chunk
        if len(raw) > limit:
            raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(raw))
    return raw


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: Python reads them, the rule engine does not


async def _outcome(future, deadline):
    """True when the first delivery of a callback was taken by the queue before ``deadline``."""
    try:
        return await asyncio.wait_for(asyncio.shield(future), max(0.0, deadline - asyncio.get_running_loop().time()))
    except asyncio.TimeoutError:
        return False


def _who(info):
    return "/".join(str(info[k] or "?") for k in ("domain_name", "app_name", "stream_name"))


def _loopback(host):
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def main(queue, args):
    """ansible-rulebook's entry point: serve until cancelled."""
    settings = parse_arguments(args, os.environ)
    context = tls_context(settings)
    if settings.allow_unsigned:
        logger.warning("%s: allow_unsigned is set: ANY request is accepted as a callback (tests only)", PLUGIN)
    for warning in _arguments.start_warnings(settings, args):
        logger.warning("%s: %s", PLUGIN, warning)
    if context is None and not _loopback(settings.host):
        logger.warning(
            "%s: serving plain HTTP on %s: whoever sees one callback on its way (a proxy log, a plain-HTTP hop) "
            "can re-use its sign with ANY body for 10 minutes. Serve HTTPS (`certfile`), or listen on 127.0.0.1 "
            "behind a TLS proxy, and limit the senders with `allowed_networks` (the shipped rulebooks' variables "
            "live_callback_certfile, live_callback_host, live_callback_allowed_networks)",
            PLUGIN,
            settings.host,
        )
    # keepalive_timeout also bounds a request whose headers never finish; lingering_time bounds the wait
    # for the rest of a body that was refused
    timeout = settings.request_timeout
    receiver = CallbackReceiver(queue, settings)
    runner = web.AppRunner(
        receiver.app(),
        access_log=None,
        keepalive_timeout=timeout,
        lingering_time=min(timeout, 1.0),
        auto_decompress=False,  # a compressed body is refused (415), never inflated, not even its first bytes
    )
    await runner.setup()
    # every connection passes the gate first: allowed_networks, max_connections, the TLS handshake's bound
    gate = _gate.Gate(settings, context, logger, PLUGIN)
    site = _gate.GatedSite(runner, settings.host, settings.port, gate)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise ArgumentError(
            "port",
            f"{settings.port}: cannot listen on {settings.host}:{settings.port} ({error.strerror or error}); "
            "another process may be using it: stop it or choose another port "
            "(the variable `live_callback_port` of the shipped rulebooks sets `port`)",
        ) from None
    scheme = "https" if context else "http"
    logger.info("%s: listening on %s://%s:%d", PLUGIN, scheme, settings.host, settings.port)
    try:
        await asyncio.Event().wait()
    finally:
        gate.close()
        receiver.batcher.close()
        await runner.cleanup()

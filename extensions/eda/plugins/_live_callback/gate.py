# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connections of the live_callback source, before any request: who may connect, how many at once, and
how long a TLS handshake may take.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice. Loaded by its path
(live_callback.py's _load_part): it imports nothing from the collection.

Whoever reaches the port can spend the receiver's resources before a request is ever read, and the
receiver runs inside ansible-rulebook, whose file descriptors and event loop it shares:

- a connection from outside ``allowed_networks`` is closed as it is accepted, before one byte is read or
  written: over HTTPS, before the TLS handshake, so such senders cannot make the receiver do the
  certificate's private-key work (the costly part of a handshake) at all;
- at most ``max_connections`` connections are open at once (in their TLS handshake, in a request, or idle
  between requests); one more is closed as it is accepted, so a flood cannot use up the file descriptors;
- a TLS handshake must be done within ``request_timeout`` (asyncio's own bound is 60 s); aiohttp bounds the
  rest (``keepalive_timeout``: idle or half-sent headers; the receiver: the body).

Refusals are logged at most once a minute per reason, with how many there were, so a flood cannot fill
the log either.
"""

import asyncio
import ipaddress
import time

from aiohttp import web

LOG_EVERY = 60.0  # seconds between log lines of one reason of refusal


def sender_allowed(networks, host):
    """True when the address host is in one of networks (None: every sender is)."""
    if networks is None:
        return True
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False
    address = getattr(address, "ipv4_mapped", None) or address
    return any(address in network for network in networks)


class Gate:
    """Admits or closes each accepted connection, and makes the admitted ones TLS when there is a context."""

    def __init__(self, settings, context, logger, plugin, clock=time.monotonic):
        self.settings = settings
        self.context = context
        self.logger = logger
        self.plugin = plugin
        self.clock = clock
        self.transports = set()  # the raw transports of the admitted connections still open
        self.refused = {}  # reason -> (refusals not yet logged, when the last line was logged)
        self.handshakes = set()  # the TLS handshakes under way (tasks)

    def refusal(self, host):
        """Why a connection from host is not admitted now, or None."""
        if not sender_allowed(self.settings.allowed_networks, host):
            return "the sender's address is not in allowed_networks"
        self.transports = {transport for transport in self.transports if not transport.is_closing()}
        if len(self.transports) >= self.settings.max_connections:
            return f"{len(self.transports)} connections are open (max_connections)"
        return None

    def note_refusal(self, host, reason):
        count, logged = self.refused.get(reason, (0, None))
        count += 1
        now = self.clock()
        if logged is None or now - logged >= LOG_EVERY:
            self.logger.warning(
                "%s: closed %d connection(s) unread as they came, the latest from %s: %s",
                self.plugin,
                count,
                host,
                reason,
            )
            count, logged = 0, now
        self.refused[reason] = (count, logged)

    def protocol(self, factory):
        """The protocol of one accepted connection; factory makes aiohttp's for the admitted ones."""
        return _Admission(self, factory)

    async def secure(self, transport, factory):
        """The TLS handshake within request_timeout, then the connection is aiohttp's; closed if it fails."""
        handler = factory()
        try:
            secured = await asyncio.get_running_loop().start_tls(
                transport,
                handler,
                self.context,
                server_side=True,
                ssl_handshake_timeout=self.settings.request_timeout,
            )
        except Exception:  # pylint: disable=broad-except  # whatever ends a handshake early, the connection goes
            transport.abort()
            return
        handler.connection_made(secured)

    def close(self):
        """At shutdown: the handshakes under way end, their connections are closed."""
        for task in list(self.handshakes):
            task.cancel()
        for transport in self.transports:
            transport.abort()
        self.transports.clear()


class _Admission(asyncio.Protocol):
    """An accepted connection until it is admitted (handed to aiohttp) or closed."""

    def __init__(self, gate, factory):
        self.gate = gate
        self.factory = factory

    def connection_made(self, transport):
        peer = transport.get_extra_info("peername")
        host = peer[0] if peer else None
        reason = self.gate.refusal(host)
        if reason is not None:
            transport.abort()
            self.gate.note_refusal(host, reason)
            return
        self.gate.transports.add(transport)
        if self.gate.context is None:
            handler = self.factory()
            transport.set_protocol(handler)
            handler.connection_made(transport)
        else:
            task = asyncio.ensure_future(self.gate.secure(transport, self.factory))
            self.gate.handshakes.add(task)
            task.add_done_callback(self.gate.handshakes.discard)

    def connection_lost(self, exc):
        """Only for a connection closed before anything took it over."""


class GatedSite(web.BaseSite):
    """An aiohttp site whose every accepted connection goes through the gate first."""

    def __init__(self, runner, host, port, gate):
        super().__init__(runner)
        self._host, self._port, self._gate = host, port, gate

    @property
    def name(self):
        scheme = "https" if self._gate.context is not None else "http"
        return f"{scheme}://{self._host}:{self._port}"

    async def start(self):
        await super().start()
        factory = self._runner.server
        self._server = await asyncio.get_running_loop().create_server(
            lambda: self._gate.protocol(factory), self._host, self._port, reuse_address=True, backlog=128
        )

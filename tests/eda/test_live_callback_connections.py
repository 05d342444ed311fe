# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Before any request (main() on a real port, over HTTP and HTTPS): a sender outside allowed_networks is
closed unread, over HTTPS before the TLS handshake; no more than max_connections are open at once; a TLS
handshake that does not finish is cut at request_timeout; refusals are logged at most once a minute."""

import asyncio
import logging

import aiohttp
from conftest import KEY, load_body, running, signed, tls_arguments, until_closed

GET = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
CLIENT_HELLO_START = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"  # a TLS record header and the first bytes
LONG = 30  # request_timeout where a test must tell a refusal from a timeout


async def raw_connection(port):
    """A TCP connection that sends nothing of its own: (reader, writer)."""
    return await asyncio.open_connection("127.0.0.1", port)


async def answer_to_get(served, port):
    """The status line the source sends to a GET on a new connection, or b"" if the connection is closed
    unanswered (over HTTPS a refused connection fails its handshake)."""
    try:
        reader, writer = await served.connect(port)
    except OSError:
        return b"", None
    writer.write(GET)
    await writer.drain()
    try:
        line = await asyncio.wait_for(reader.readline(), 10)
    except OSError:
        line = b""
    return line, (reader, writer)


async def post_callback(served, port):
    body = signed(load_body("push.json"), now=2_000_000_000)
    async with aiohttp.ClientSession() as session, session.post(served.url(port), json=body, ssl=served.ssl) as answer:
        return answer.status


async def test_a_connection_that_sends_nothing_is_closed_within_request_timeout(source, served):
    """Over HTTPS this is a TLS handshake that never starts: asyncio alone would hold it 60 s."""
    async with running(source, callback_key=KEY, request_timeout=0.5, **served.arguments) as (queue, port):
        reader, writer = await raw_connection(port)
        received, seconds = await until_closed(reader, 20)
        writer.close()
    assert received == b"" and seconds < 0.5 + 5
    assert queue.empty()


async def test_a_tls_handshake_that_stops_half_way_is_cut_at_request_timeout(source, certificate):
    async with running(source, callback_key=KEY, request_timeout=0.5, **tls_arguments(certificate)) as (queue, port):
        reader, writer = await raw_connection(port)
        writer.write(CLIENT_HELLO_START)
        await writer.drain()
        received, seconds = await until_closed(reader, 20)
        writer.close()
    assert received == b"" and seconds < 0.5 + 5
    assert queue.empty()


async def test_a_sender_outside_allowed_networks_is_closed_unread_and_logged_once(source, served, caplog):
    caplog.set_level(logging.WARNING)
    arguments = dict(served.arguments, callback_key=KEY, request_timeout=LONG, allowed_networks=["203.0.113.0/24"])
    async with running(source, **arguments) as (queue, port):
        for _attempt in range(20):
            reader, writer = await raw_connection(port)
            # nothing sent: the source closes it at once, not at request_timeout; over HTTPS no handshake byte comes
            received, seconds = await until_closed(reader, 10)
            writer.close()
            assert received == b"" and seconds < 5
        assert (await answer_to_get(served, port))[0] == b""
    assert queue.empty()
    lines = [record.getMessage() for record in caplog.records if "allowed_networks" in record.getMessage()]
    assert len(lines) == 1 and "127.0.0.1" in lines[0], lines


async def test_a_sender_inside_allowed_networks_is_served(source, served):
    arguments = dict(served.arguments, callback_key=KEY, allowed_networks="203.0.113.0/24, 127.0.0.1")
    async with running(source, **arguments) as (queue, port):
        assert await post_callback(served, port) == 200
    assert (await queue.get())["tencent_live"]["event"] == "push"


async def test_beyond_max_connections_a_new_connection_is_closed_at_once(source, served):
    arguments = dict(served.arguments, callback_key=KEY, request_timeout=LONG, max_connections=3)
    held = []
    async with running(source, **arguments) as (queue, port):
        # three keep-alive connections, each answered (405 to a GET) and kept open; a probe connection that
        # running() made may still count for a moment, so each is tried until the source takes it
        while len(held) < 3:
            line, connection = await answer_to_get(served, port)
            if line.startswith(b"HTTP/1.1 405"):
                held.append(connection)
            else:
                await asyncio.sleep(0.1)
        assert (await answer_to_get(served, port))[0] == b""  # the fourth: closed unanswered
        held.pop()[1].close()  # one goes: the next is served again
        statuses = []

        async def served_again():
            statuses.append(await post_callback(served, port))
            return statuses[-1] == 200

        await wait_until_true(served_again, "a callback to be served after a connection closed")
    for _reader, writer in held:
        writer.close()
    assert (await queue.get())["tencent_live"]["event"] == "push"


async def wait_until_true(attempt, what, timeout=10.0):
    """Retries attempt() (a coroutine giving True when done; a refused connection counts as not yet)."""
    done = [False]

    async def one():
        try:
            done[0] = await attempt()
        except (aiohttp.ClientError, OSError):
            done[0] = False

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not done[0]:
        assert loop.time() < deadline, f"timed out after {timeout} s waiting for {what}"
        await one()
        if not done[0]:
            await asyncio.sleep(0.1)


def test_refusals_are_logged_at_most_once_a_minute_with_their_count(source, caplog):
    caplog.set_level(logging.WARNING)
    now = [1000.0]
    settings = source["parse_arguments"]({"callback_key": KEY}, {})
    gate = source["_gate"].Gate(
        settings, None, logging.getLogger("gate-test"), "tencent.cloud.live_callback", lambda: now[0]
    )
    for second in range(130):
        now[0] = 1000.0 + second
        gate.note_refusal("198.51.100.7", "the sender's address is not in allowed_networks")
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 3, lines  # at 0 s, 60 s and 120 s
    assert "closed 1 connection(s)" in lines[0] and "closed 60 connection(s)" in lines[1], lines

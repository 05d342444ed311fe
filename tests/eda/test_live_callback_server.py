# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live_callback source as ansible-rulebook runs it (main() on a real port): start-up errors
(no key, a port in use), slow or half-sent requests cut off over HTTP and HTTPS, HTTPS itself."""

import asyncio
import gzip
import json
import socket
import ssl

import aiohttp
import pytest
from conftest import KEY, free_port, load_body, running, signed, tls_arguments, until_closed

TIMEOUT = 0.5  # request_timeout of these tests; the bounds asserted below are far more generous


async def test_without_a_key_main_stops_before_listening(source, monkeypatch):
    monkeypatch.delenv("TENCENTCLOUD_LIVE_CALLBACK_KEY", raising=False)
    port = free_port()
    with pytest.raises(source["ArgumentError"], match="`callback_key` is required"):
        await source["main"](asyncio.Queue(), {"host": "127.0.0.1", "port": port})
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


async def test_a_port_in_use_is_a_clear_start_up_error(source):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(source["ArgumentError"]) as caught:
            await source["main"](asyncio.Queue(), {"host": "127.0.0.1", "port": port, "callback_key": KEY})
    message = str(caught.value)
    assert f"argument `port` {port}: cannot listen on 127.0.0.1:{port}" in message
    assert "choose another port" in message and "`live_callback_port`" in message and KEY not in message


async def test_the_key_may_come_from_the_environment(source, monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_LIVE_CALLBACK_KEY", KEY)
    async with running(source) as (queue, port), aiohttp.ClientSession() as session:
        body = signed(load_body("push.json"), now=2_000_000_000)
        async with session.post(f"http://127.0.0.1:{port}/", json=body) as answer:
            assert answer.status == 200
        assert (await queue.get())["tencent_live"]["event"] == "push"


async def read_until_closed(reader, limit):
    """Everything the server sends until it closes the connection (at most ``limit`` seconds)."""
    return (await until_closed(reader, limit))[0]


async def test_half_sent_headers_are_cut_off(source, served):
    async with running(source, callback_key=KEY, request_timeout=TIMEOUT, **served.arguments) as (queue, port):
        reader, writer = await served.connect(port)
        writer.write(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n")
        await writer.drain()
        assert await read_until_closed(reader, 30) == b""  # closed without an answer, long before 30 s
        writer.close()
        assert queue.empty()


async def test_a_half_sent_body_gets_408_and_the_connection_closes(source, served):
    async with running(source, callback_key=KEY, request_timeout=TIMEOUT, **served.arguments) as (queue, port):
        reader, writer = await served.connect(port)
        writer.write(b'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 500\r\n\r\n{"event_type": 1')
        await writer.drain()
        answer = await read_until_closed(reader, 30)
        writer.close()
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert queue.empty()


async def test_a_request_sent_byte_by_byte_cannot_hold_the_connection(source, served):
    async with running(source, callback_key=KEY, request_timeout=TIMEOUT, **served.arguments) as (queue, port):
        reader, writer = await served.connect(port)
        body = json.dumps(signed(load_body("push.json"), now=2_000_000_000)).encode()
        request = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        closed = False
        start = asyncio.get_running_loop().time()
        for byte in request:  # one byte every 0.2 s: the whole request would take minutes
            try:
                writer.write(bytes([byte]))
                await writer.drain()
            except OSError:  # ConnectionError, or over TLS an ssl.SSLError
                closed = True
                break
            if reader.at_eof() or asyncio.get_running_loop().time() - start > 30:
                break
            await asyncio.sleep(0.2)
        answer = await read_until_closed(reader, 30)
        writer.close()
        assert closed or reader.at_eof()
        assert asyncio.get_running_loop().time() - start < 30
        assert answer == b"" or answer.startswith(b"HTTP/1.1 408 ")
        assert queue.empty()


async def test_https_with_certfile_keyfile_and_password(source, certificate):
    async with running(source, callback_key=KEY, **tls_arguments(certificate)) as (queue, port):
        context = ssl.create_default_context(cafile=str(certificate / "cert.pem"))
        async with aiohttp.ClientSession() as session:
            body = signed(load_body("moderation.json"), now=2_000_000_000)
            async with session.post(f"https://127.0.0.1:{port}/", json=body, ssl=context) as answer:
                assert answer.status == 200 and await answer.json() == {"code": 0}
            with pytest.raises(aiohttp.ClientError):  # plain HTTP is not served
                async with session.post(f"http://127.0.0.1:{port}/", json=body) as answer:
                    await answer.read()
        assert (await queue.get())["tencent_live"]["suggestion"] == "Block"


async def test_a_wrong_tls_password_is_a_clear_start_up_error(source, certificate):
    args = {"callback_key": KEY, "port": free_port(), "certfile": str(certificate / "cert.pem")}
    args.update(keyfile=str(certificate / "key.pem"), password="not-the-Password")
    with pytest.raises(source["ArgumentError"]) as caught:
        await source["main"](asyncio.Queue(), args)
    assert "argument `certfile`" in str(caught.value) and "not-the-Password" not in str(caught.value)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", " GZIP "])
async def test_a_compressed_body_is_refused_with_415_and_never_inflated(source, served, encoding):
    """1 MiB of gzip can inflate to a gigabyte: whatever the encoding, the source answers 415 and inflates nothing (with
    aiohttp's own inflating on, br would be answered 400 by its parser, which tries to inflate it)."""
    bomb = gzip.compress(b" " * (64 * 1024 * 1024))  # 64 MiB of spaces in about 64 KiB
    async with (
        running(source, callback_key=KEY, **served.arguments) as (queue, port),
        aiohttp.ClientSession(auto_decompress=False) as session,
    ):
        headers = {"Content-Encoding": encoding, "Content-Type": "application/json"}
        async with session.post(served.url(port), data=bomb, headers=headers, ssl=served.ssl) as answer:
            assert answer.status == 415 and "Content-Encoding" in (await answer.json())["message"]
        body = json.dumps(signed(load_body("push.json"), now=2_000_000_000))
        headers = {"Content-Encoding": "identity", "Content-Type": "application/json"}
        async with session.post(served.url(port), data=body, headers=headers, ssl=served.ssl) as answer:
            assert answer.status == 200
    assert (await queue.get())["tencent_live"]["event"] == "push" and queue.empty()

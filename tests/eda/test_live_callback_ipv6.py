# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""allowed_networks with IPv6 senders: the gate's decision for IPv6, IPv4-mapped and IPv4 addresses against IPv4
and IPv6 lists, and a real connection from ::1 to the source listening on ::1.

Seeded fault for every test here (issue #33): a gate that lets every IPv6 sender through allowed_networks --
``if ":" in host: return True`` at the top of sender_allowed(), or ``if address.version == 6: return True`` after
the IPv4-mapped address is unwrapped. Before these tests it passed the whole suite; each test below fails with it,
because each also asserts that an IPv6 sender outside the list is refused."""

import asyncio

import aiohttp
import pytest
from conftest import KEY, load_body, running, signed, until_closed


def allowed(source, networks, host):
    """The gate's decision for a connection from host, with allowed_networks as a rulebook gives it."""
    settings = source["parse_arguments"]({"callback_key": KEY, "allowed_networks": networks}, {})
    return source["_gate"].sender_allowed(settings.allowed_networks, host)


@pytest.mark.parametrize(
    "networks, host",
    [
        (["127.0.0.1"], "::1"),
        (["203.0.113.0/24"], "2001:db8::1"),
        (["0.0.0.0/0"], "2001:db8::1"),  # every IPv4 address is not every address
        (["2001:db8:1::/48"], "2001:db8::1"),
        (["2001:db8::/32"], "::1"),
        ("203.0.113.0/24, 2001:db8::/32", "fe80::1"),
    ],
)
def test_an_ipv6_sender_outside_the_list_is_refused(source, networks, host):
    assert allowed(source, networks, host) is False


@pytest.mark.parametrize("host", ["::1", "2001:db8::1", "2001:db8:ffff::7", "2001:db8::"])
def test_an_ipv6_network_admits_its_senders_and_only_them(source, host):
    networks = ["2001:db8::/32", "::1"]
    assert allowed(source, networks, host) is True
    assert allowed(source, networks, host.replace("2001:db8", "2001:db9").replace("::1", "::2")) is False


def test_an_ipv4_mapped_sender_is_checked_against_the_ipv4_list(source):
    """A dual-stack listener sees an IPv4 sender as ::ffff:a.b.c.d: it is that IPv4 address, nothing more."""
    networks = ["203.0.113.0/24"]
    assert allowed(source, networks, "::ffff:203.0.113.5") is True
    assert allowed(source, networks, "::ffff:198.51.100.7") is False
    assert allowed(source, networks, "2001:db8::cb00:7105") is False  # the same last 32 bits, not mapped


def test_the_gate_refuses_an_ipv6_sender_before_anything_else(source):
    settings = source["parse_arguments"]({"callback_key": KEY, "allowed_networks": "10.0.0.0/8"}, {})
    gate = source["_gate"].Gate(settings, None, None, "tencent.cloud.live_callback")
    assert gate.refusal("2001:db8::1") == "the sender's address is not in allowed_networks"
    assert gate.refusal("::ffff:10.1.2.3") is None


async def post_from_ipv6_loopback(port):
    body = signed(load_body("push.json"), now=2_000_000_000)
    async with aiohttp.ClientSession() as session, session.post(f"http://[::1]:{port}/", json=body) as answer:
        return answer.status


async def test_a_connection_from_ipv6_loopback_is_closed_unless_its_network_is_listed(source):
    ipv4_and_another_ipv6 = ["127.0.0.1", "2001:db8::/32"]
    async with running(source, host="::1", callback_key=KEY, allowed_networks=ipv4_and_another_ipv6) as (queue, port):
        reader, writer = await asyncio.open_connection("::1", port)
        received, seconds = await until_closed(reader, 10)  # closed as accepted, not at request_timeout
        writer.close()
        assert received == b"" and seconds < 5
    assert queue.empty()
    async with running(source, host="::1", callback_key=KEY, allowed_networks=["::1/128"]) as (queue, port):
        assert await post_from_ipv6_loopback(port) == 200
        assert (await queue.get())["tencent_live"]["event"] == "push"

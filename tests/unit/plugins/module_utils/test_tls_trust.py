# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A CA bundle is loaded once per process and shared by every new HTTPS connection (_tls_trust.py),
without widening trust: another CA's server, a wrong host name and a bundle that cannot be loaded all
fail as they do without sharing. Against small local TLS servers (wire.py)."""

import ssl
import subprocess

import pytest
import requests
import trustme

from ansible_collections.tencent.cloud.plugins.module_utils import _tls_trust
from ansible_collections.tencent.cloud.plugins.module_utils._http import Exchange, bounded_session
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound
from ansible_collections.tencent.cloud.tests.unit.plugins.module_utils.wire import Server, Tls, prompt

CONNECTIONS = 8


@pytest.fixture
def loads(monkeypatch):
    """A fresh cache, and the CA files loaded into any TLS context from now on (a list of paths)."""
    monkeypatch.setattr(_tls_trust, "_contexts", {})
    seen = []
    original = ssl.SSLContext.load_verify_locations

    def counting(context, cafile=None, capath=None, cadata=None):
        seen.append(cafile or capath or "cadata")
        return original(context, cafile, capath, cadata)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counting)
    return seen


def tls_in(directory):
    directory.mkdir()
    return Tls(directory)


@pytest.fixture
def tls(tmp_path):
    return tls_in(tmp_path / "one")


def post_on_new_connection(url, verify):
    """One POST on a session of its own (so on a new connection), in an exchange like the client's."""
    with bounded_session() as session, Exchange(TaskBound(), 10.0):
        return session.post(url, data=b"{}", timeout=(10, 10), verify=verify)


def test_a_ca_bundle_is_loaded_once_for_many_new_connections(tls, loads):
    server = Server(prompt, tls.server_context())
    try:
        answers = [post_on_new_connection(server.url, tls.ca_path) for _number in range(CONNECTIONS)]
    finally:
        server.close()
    assert [answer.status_code for answer in answers] == [200] * CONNECTIONS
    assert server.accepted == CONNECTIONS  # every one a new connection, with its own handshake
    assert loads == [tls.ca_path]


def test_each_bundle_has_its_own_context_and_trusts_only_its_own_ca(tmp_path, loads):
    one, other = tls_in(tmp_path / "one"), tls_in(tmp_path / "other")
    server_one, server_other = Server(prompt, one.server_context()), Server(prompt, other.server_context())
    try:
        assert post_on_new_connection(server_one.url, one.ca_path).status_code == 200
        assert post_on_new_connection(server_other.url, other.ca_path).status_code == 200
        # the context of one's CA, already shared, does not trust the other CA's server, nor the reverse
        with pytest.raises(requests.exceptions.SSLError):
            post_on_new_connection(server_other.url, one.ca_path)
        with pytest.raises(requests.exceptions.SSLError):
            post_on_new_connection(server_one.url, other.ca_path)
    finally:
        server_one.close()
        server_other.close()
    assert sorted(loads) == sorted([one.ca_path, other.ca_path])


def test_the_host_name_is_still_checked(tmp_path, loads):
    """A certificate of the trusted CA, for another name than the one connected to, is refused."""
    authority = trustme.CA()
    ca_path, cert_path = str(tmp_path / "ca.pem"), str(tmp_path / "server.pem")
    authority.cert_pem.write_to_path(ca_path)
    authority.issue_cert("live.example.com").private_key_and_cert_chain_pem.write_to_path(cert_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path)
    server = Server(prompt, context)
    try:
        with pytest.raises(requests.exceptions.SSLError) as caught:
            post_on_new_connection(server.url, ca_path)
    finally:
        server.close()
    assert "127.0.0.1" in str(caught.value)
    assert loads == [ca_path]  # it was the shared context that refused


@pytest.mark.parametrize("content", [None, b"not a certificate\n"], ids=["missing", "not-pem"])
def test_a_bundle_that_cannot_be_loaded_fails_the_connection_and_is_not_cached(tls, tmp_path, loads, content):
    path = str(tmp_path / "bundle.pem")
    if content is not None:
        with open(path, "wb") as handle:
            handle.write(content)
    server = Server(prompt, tls.server_context())
    try:
        with pytest.raises((requests.exceptions.SSLError, OSError)):
            post_on_new_connection(server.url, path)
    finally:
        server.close()
    assert _tls_trust._contexts == {}  # pylint: disable=protected-access


def test_a_ca_directory_is_shared_too(tls, tmp_path, loads):
    """ca_path may name a directory of hashed certificates (c_rehash): one context for it as well."""
    directory = tmp_path / "certs"
    directory.mkdir()
    with open(tls.ca_path, "rb") as handle:
        pem = handle.read()
    subject_hash = _subject_hash(tls.ca_path)
    (directory / f"{subject_hash}.0").write_bytes(pem)
    server = Server(prompt, tls.server_context())
    try:
        answers = [post_on_new_connection(server.url, str(directory)) for _number in range(3)]
    finally:
        server.close()
    assert [answer.status_code for answer in answers] == [200] * 3
    assert loads == [str(directory)]


def _subject_hash(ca_path):
    """OpenSSL's subject hash of the certificate, the name a CA directory files it under."""
    completed = subprocess.run(
        ["openssl", "x509", "-noout", "-subject_hash", "-in", ca_path], capture_output=True, check=True
    )
    return completed.stdout.decode().strip()


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_without_verification_nothing_is_loaded_or_shared(tls, loads):
    server = Server(prompt, tls.server_context())
    try:
        answer = post_on_new_connection(server.url, False)
    finally:
        server.close()
    assert answer.status_code == 200
    assert loads == [] and _tls_trust._contexts == {}  # pylint: disable=protected-access


def test_outside_the_collections_sessions_urllib3_is_left_alone(tls, loads):
    """Only the collection's own pools share: a plain requests session still loads the bundle per connection."""
    server = Server(prompt, tls.server_context())
    try:
        for _round in range(2):
            with requests.Session() as session:
                assert session.post(server.url, data=b"{}", timeout=10, verify=tls.ca_path).status_code == 200
    finally:
        server.close()
    assert loads == [tls.ca_path, tls.ca_path]

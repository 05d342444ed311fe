# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""One verifying TLS context per trust anchor, loaded once per process and shared by every connection.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

Given a CA bundle (ca_path, REQUESTS_CA_BUNDLE), requests hands urllib3 its path, and urllib3 builds a
new TLS context for every new connection and loads the bundle into it: about 25 ms of CPU for a bundle
of the size of certifi's or a system store, spent again for each of the dozens of connections a batch
opens at once (with the interpreter lock held), so a batch over HTTPS spent about a tenth of its time
loading the same certificates. Requests 2.32 and later share one context for ``verify: true``, never
for a path, and earlier releases for neither.

Here a new connection that would have built such a context (certificates required, no client
certificate, no pinned fingerprint or host name, no TLS version bounds) is given the context of its
trust anchor instead: built and loaded on first use, then shared. Trust is unchanged: the context
holds exactly the certificates urllib3 would have loaded, and host names are checked as before. A
connection through an HTTPS proxy keeps urllib3's own path (the proxy's certificate is checked against
the same bundle, through the connection's settings). An anchor that cannot be loaded is not cached:
urllib3 then fails the connection with its usual error.
"""

import ssl
import threading

try:
    from urllib3.util.ssl_ import create_urllib3_context, resolve_cert_reqs

    HAS_URLLIB3 = True
except ImportError:  # _client.HAS_REQUESTS: the module fails with missing_required_lib first
    HAS_URLLIB3 = False

# what urllib3 would set up a connection's own context with, besides the trust anchor
_OWN_SETTINGS = (
    "ca_cert_data",
    "cert_file",
    "key_file",
    "assert_hostname",
    "assert_fingerprint",
    "ssl_version",
    "ssl_minimum_version",
    "ssl_maximum_version",
)
_lock = threading.Lock()
_contexts = {}


def shared_context(ca_certs=None, ca_cert_dir=None):
    """The verifying context of this CA file or directory (neither: the system's defaults), or None if
    it cannot be loaded."""
    key = (ca_certs, ca_cert_dir)
    with _lock:  # one load per anchor, however many connections open at once
        context = _contexts.get(key)
        if context is None:
            try:
                context = create_urllib3_context(cert_reqs=ssl.CERT_REQUIRED)
                if ca_certs or ca_cert_dir:
                    context.load_verify_locations(cafile=ca_certs, capath=ca_cert_dir)
                else:
                    context.load_default_certs()
            except (OSError, ValueError):  # ssl.SSLError is an OSError
                return None
            _contexts[key] = context
        return context


def _would_build_its_own(conn):
    """True when urllib3 would build this connection a context of its own: certificates required, and
    nothing that context would be set up with but the trust anchor."""
    if getattr(conn, "ssl_context", None) is not None:
        return False
    if resolve_cert_reqs(getattr(conn, "cert_reqs", None)) != ssl.CERT_REQUIRED:
        return False
    if getattr(conn, "assert_hostname", None) is False or any(getattr(conn, name, None) for name in _OWN_SETTINGS):
        return False
    proxy = getattr(conn, "proxy", None)
    return getattr(proxy, "scheme", None) != "https"  # an HTTPS proxy's own TLS is checked against ca_certs


def share_trust(conn):
    """Before a new urllib3 HTTPS connection connects: give it the shared context of its trust anchor."""
    if not HAS_URLLIB3 or not _would_build_its_own(conn):
        return
    context = shared_context(getattr(conn, "ca_certs", None), getattr(conn, "ca_cert_dir", None))
    if context is not None:
        conn.ssl_context = context
        conn.ca_certs = conn.ca_cert_dir = None  # loaded in the context: not again per connection

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the HTTP library's failures are, told without a secret: header values that cannot be sent,
whether a failed request may have reached the server, and the reason of a failure with every secret
of the call (secret key, session token, a proxy's user name and password) taken out.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

requests, urllib3 and http.client quote what they could not handle: a header value (a token with a
trailing newline), a proxy URL with its password. Their texts reach a message only through reason()
and redact().
"""

import re

from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentTransportError

# What http.client cannot send in a header value: control characters and anything outside Latin-1.
# The Authorization header carries secret_id and X-TC-Token the session token, both user input.
_BAD_HEADER_CHARACTER = re.compile("[\\x00-\\x1f\\x7f]|[^\\x00-\\xff]")
REDACTED = "********"
# Shorter secrets are redacted only where they stand alone, so that a one-letter proxy user name
# does not cut every word that holds its letter.
_SHORT = 4


def header_error(action):
    return TencentTransportError(
        "a request header could not be sent: a credential (secret_id or session_token) holds a line break, another control character "
        "or a character outside Latin-1; check them (and TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_TOKEN) for pasted white space",
        action=action,
        retryable=False,
        maybe_carried_out=False,
    )


def check_header_values(headers, action=None):
    """Raise a value-free, non-retryable TencentTransportError when a header value cannot be sent as is.

    requests and http.client reject such values with messages that quote them (a token with a
    trailing newline would be printed in clear text); this check runs first and never quotes.
    """
    for value in headers.values():
        if isinstance(value, str) and (_BAD_HEADER_CHARACTER.search(value) or value != value.strip()):
            raise header_error(action)


def never_connected(exc):
    """True when a requests ConnectionError certainly came before the request was sent.

    With urllib3's retries off, a failure to connect (refused, DNS, unreachable, connect
    timeout) arrives wrapped in MaxRetryError whose reason is a NewConnectionError or a
    ConnectTimeoutError; a reset or a closed connection after sending arrives as a
    ProtocolError. Anything we cannot place counts as possibly sent.
    """
    inner = exc.args[0] if exc.args else None
    reason_found = getattr(inner, "reason", None)
    try:
        from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
    except ImportError:  # pragma: no cover - urllib3 comes with requests
        return False
    return isinstance(reason_found, (NewConnectionError, ConnectTimeoutError))


def reason(exc, secrets=()):
    """The innermost, most specific reason of a requests exception, on one line, without any of secrets."""
    found = exc
    while getattr(found, "args", None) and isinstance(found.args[0], Exception):
        found = found.args[0]
    inner = getattr(found, "reason", None)
    if isinstance(inner, Exception):
        found = inner
    return redact(" ".join(str(found).split()), secrets) or type(found).__name__


def redact(text, secrets):
    """text with each of secrets (longest first) replaced by REDACTED."""
    for secret in sorted({secret for secret in secrets if secret}, key=len, reverse=True):
        if len(secret) >= _SHORT:
            text = text.replace(secret, REDACTED)
        else:
            text = re.sub(f"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])", REDACTED, text)
    return text


# what http.client says when a proxy answers a CONNECT with other than 200
_TUNNEL_REFUSED = re.compile(r"Tunnel connection failed: ([1-5]\d\d)\b([^'\")]*)")


def connection_error(exc, url, proxy, text, action):
    """The error of a requests ConnectionError: exc; text, its reason without secrets; proxy, the label of the proxy
    (host:port and its variable) when the proxy failed the call (a ProxyError), else None.

    A CONNECT the proxy answered with other than 200 sent nothing beyond the proxy; refused with a 4xx (407: it
    wants other credentials; 403: its policy), it will be refused again: final. Anything else is a connection
    failure."""
    where = f"{url} through the proxy {proxy}" if proxy else url
    refused = _TUNNEL_REFUSED.search(text) if proxy else None
    if refused is not None and refused.group(1).startswith("4"):
        status = f"{refused.group(1)}{refused.group(2).rstrip()}"
        fix = (
            "check the user name and password in that variable (reserved characters percent-encoded, # as %23)"
            if refused.group(1) == "407"
            else "its policy refuses the tunnel: ask its administrators, or bypass it for this host with NO_PROXY"
        )
        return TencentTransportError(
            f"could not reach {where}: the proxy answered {status} to the tunnel; {fix}",
            action=action,
            retryable=False,
            maybe_carried_out=False,
        )
    sent = refused is None and not never_connected(exc)
    return TencentTransportError(f"could not reach {where} ({text})", action=action, maybe_carried_out=sent)

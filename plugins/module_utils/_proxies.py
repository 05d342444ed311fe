# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Proxies from the environment (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and their lower-case forms,
NO_PROXY): which one a URL goes through, the check of its URL before any call, and the forms of its
user name and password, which _http_errors keeps out of every message.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

requests and urllib3 quote a proxy URL in some of their errors ("Failed to parse: http://user:
password@host:port"); a password with a raw ``#`` even splits it mid-password. So a proxy URL that
cannot be parsed is a configuration error named by its variable, before any call and never quoted,
and every text that comes from those libraries is redacted before it reaches a message.
"""

import importlib.util
import os
from urllib.parse import unquote, urlsplit

try:
    from requests.utils import get_environ_proxies, select_proxy
except ImportError:  # _client.HAS_REQUESTS: the module fails with missing_required_lib first
    get_environ_proxies = select_proxy = None

PROXY_SCHEMES = ("http", "https", "socks4", "socks4a", "socks5", "socks5h")


def proxy_for(url, proxies=None):
    """(proxy URL, the environment variable it came from) that requests uses for url, or (None, None)."""
    if get_environ_proxies is None:
        return None, None
    proxies = get_environ_proxies(url) if proxies is None else proxies
    proxy = select_proxy(url, proxies)
    if not proxy:
        return None, None
    return proxy, _variable_of(proxy, urlsplit(url).scheme)


def _variable_of(proxy, scheme):
    """The name of the environment variable holding proxy (for a URL of scheme), as urllib reads them."""
    names = [
        name for name in os.environ if name.lower() in (scheme + "_proxy", "all_proxy") and os.environ[name] == proxy
    ]
    names.sort(key=lambda name: (not name.lower().startswith(scheme), name != name.lower()))
    return names[0] if names else f"{scheme.upper()}_PROXY"


def proxy_problem(url, option="endpoint"):
    """Why the proxy from the environment that url would go through cannot be used, or None. Never quotes it."""
    proxy, variable = proxy_for(url)
    if proxy is None:
        return None
    what = _url_problem(proxy)
    if what is None:
        return None
    return (
        f"the proxy URL in {variable} (used for {option} {url}) is not valid: {what}. Write it as "
        "http://[user:password@]host:port, with the reserved characters of the user name and password "
        "percent-encoded (# as %23, @ as %40, : as %3A, / as %2F); its value is not shown, as it may hold a password"
    )


def _url_problem(proxy):
    text = proxy.strip()
    if "://" not in text:
        return "it has no scheme (http:// or https://)"
    if any(char.isspace() or char in "#?" for char in text):
        return "it holds white space, a # or a ?, which would cut it short"
    try:
        parts = urlsplit(text)
        port = parts.port  # ValueError when it is not a number from 0 to 65535
    except ValueError:
        port = 0
    if port == 0:
        return "its port is not a number from 1 to 65535, or it cannot be read as a URL"
    if parts.scheme.lower() not in PROXY_SCHEMES:
        return f"its scheme is not one of {', '.join(PROXY_SCHEMES)}"
    if not parts.hostname:
        return "it has no host"
    if parts.scheme.lower().startswith("socks") and importlib.util.find_spec("socks") is None:
        return "a SOCKS proxy needs the Python library PySocks (requests[socks]) on the managed node"
    return None


def proxy_label(url, proxies):
    """host:port of the proxy url goes through and its variable, without its credentials, or None."""
    proxy, variable = proxy_for(url, proxies)
    if proxy is None:
        return None
    try:
        parts = urlsplit(proxy)
        where = f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname
    except ValueError:
        where = None
    return f"{where or 'the proxy'} (from {variable})"


def proxy_secrets(proxies):
    """Every form of the user names and passwords in the proxy URLs (for _http_errors.redact)."""
    secrets = set()
    for proxy in (proxies or {}).values():
        rest = str(proxy).split("://", 1)[-1]
        if "@" not in rest:
            continue
        userinfo = rest.rsplit("@", 1)[0]
        user, _colon, password = userinfo.partition(":")
        secrets.update((userinfo, user, password))
        secrets.update(unquote(value) for value in (userinfo, user, password))
    secrets.discard("")
    return secrets

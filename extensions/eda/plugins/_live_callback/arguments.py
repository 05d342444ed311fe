# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The arguments of the live_callback source: what each may be, their defaults, and the TLS context they give.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice. Loaded by its path
(live_callback.py's _load_part): it imports nothing from the collection. The arguments are documented once, in
event_source/live_callback.yaml (a test checks it against ARGUMENTS).
"""

import ipaddress
import math
import ssl

PLUGIN = "tencent.cloud.live_callback"

KEY_ENV = "TENCENTCLOUD_LIVE_CALLBACK_KEY"

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
    "max_pending": ("count", 1000),
    "max_pending_bytes": ("positive_int", 67108864),
    "max_connections": ("count", 256),
    "queue_timeout": ("seconds", 10),
    "batch_match": ("match", None),
    "batch_window": ("seconds", 1),
    "batch_max": ("count", 1000),
    "allowed_networks": ("networks", None),
    "certfile": ("text", None),
    "keyfile": ("text", None),
    "password": ("secret", None),
}
# what ansible-rulebook itself adds to a source's arguments
RULEBOOK_ARGUMENTS = ("eda_feedback_queue",)


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
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ArgumentError(name, f"must be {what}, got {value!r}")
    return value


def _check(name, kind, value, all_events):
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
    if kind == "count":
        return _integer(name, value, 1, 100_000, "a whole number from 1 to 100000")
    if kind == "networks":
        return _networks(name, value)
    if kind == "match":
        return _match(name, value)
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
        return frozenset(all_events)
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
        raise ArgumentError(name, f"must be `all` or a list of event names ({', '.join(all_events)}), got {value!r}")
    unknown = sorted({n.strip() for n in names} - set(all_events))
    if unknown:
        raise ArgumentError(name, f"has unknown event name(s) {', '.join(unknown)}: use {', '.join(all_events)}")
    return frozenset(n.strip() for n in names)


def _networks(name, value):
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) and i.strip() for i in items):
        raise ArgumentError(name, f"must be a list of networks such as 203.0.113.0/24 or 10.0.0.5, got {value!r}")
    networks = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            raise ArgumentError(name, f"has {item.strip()!r}, which is not a network such as 203.0.113.0/24") from None
    return tuple(networks)


def _match(name, value):
    """batch_match: tencent_live keys, each with the one text value a batched callback has."""
    if not isinstance(value, dict) or not value:
        raise ArgumentError(
            name, f"must be a mapping of tencent_live keys to values, such as {{event: moderation}}, got {value!r}"
        )
    for key, wanted in value.items():
        if not isinstance(key, str) or not key.strip() or not isinstance(wanted, str) or not wanted.strip():
            raise ArgumentError(name, f"must map each tencent_live key to one text value, got {key!r}: {wanted!r}")
        if key.strip() in ("size", "callbacks"):
            raise ArgumentError(name, f"cannot match {key!r}: a batch event has that key for itself")
    return {key.strip(): wanted.strip() for key, wanted in value.items()}


def parse_arguments(args, environ, all_events):
    """The source's arguments, checked; raises ArgumentError naming the first bad one. all_events: the event
    names event_types may list."""
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
        values[name] = None if value is None else _check(name, kind, value, all_events)
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

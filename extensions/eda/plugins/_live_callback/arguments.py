# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The arguments of the live_callback source: what each may be, their defaults, and the TLS context they give.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice. Loaded by its path
(live_callback.py's _load_part): it imports nothing from the collection. The arguments are documented once, in
event_source/live_callback.yaml (a test checks it against ARGUMENTS).
"""

import ipaddress
import math
import os
import ssl
import stat

PLUGIN = "tencent.cloud.live_callback"

KEY_ENV = "TENCENTCLOUD_LIVE_CALLBACK_KEY"
# the password of the TLS key when the argument `password` is not given: ansible-rulebook logs a source's
# arguments at -vv, so the shipped rulebooks never pass it as one
PASSWORD_ENV = "TENCENTCLOUD_LIVE_CALLBACK_TLS_PASSWORD"
# a shorter callback key gets a warning: one observed t/sign pair lets anyone try keys offline (MD5 is fast), and
# Tencent allows 32 letters and digits
SHORT_KEY = 16

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


_FROM_ENVIRONMENT = {"callback_key": KEY_ENV, "password": PASSWORD_ENV}


def _not_given(value):
    """An argument that is null, "" or [] is not given: what a rulebook's `{{ variable | default('') }}` renders."""
    return value is None or (isinstance(value, (str, list)) and len(value) == 0)


def parse_arguments(args, environ, all_events):
    """The source's arguments, checked; raises ArgumentError naming the first bad one. all_events: the event
    names event_types may list."""
    unknown = sorted(set(args) - set(ARGUMENTS) - set(RULEBOOK_ARGUMENTS))
    if unknown:
        raise ArgumentError(unknown[0], f"is not an argument of this source; known: {', '.join(ARGUMENTS)}")
    values = {}
    for name, (kind, default) in ARGUMENTS.items():
        value = args.get(name)
        value = None if _not_given(value) else value
        if value is None and name in _FROM_ENVIRONMENT:
            value = environ.get(_FROM_ENVIRONMENT[name]) or None  # an empty variable counts as unset
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
        if not _not_given(args.get(name)) and values["certfile"] is None:
            raise ArgumentError(name, "needs `certfile` (the server certificate) to serve HTTPS")
    if values["certfile"] is None:
        values["password"] = None  # from the environment, for a certificate that is not used
    return Settings(values)


def start_warnings(settings, args):
    """What the source warns about when it starts (never showing a secret): a short callback key, a TLS key that
    group or others may read, a password given as an argument."""
    warnings = []
    key = settings.callback_key
    if key is not None and len(key) < SHORT_KEY:
        warnings.append(
            f"the callback key has {len(key)} characters: whoever sees one callback (its t and sign) can find a key "
            f"this short by trying keys offline, then sign any body. Use {SHORT_KEY} to 32 letters and digits (Tencent "
            "allows 32), in the callback template and here"
        )
    tls_key = settings.keyfile or settings.certfile
    if tls_key is not None:
        try:
            mode = os.stat(tls_key).st_mode
        except OSError:
            mode = 0  # tls_context says why it cannot be read
        if mode & (stat.S_IRGRP | stat.S_IROTH):
            warnings.append(
                f"the TLS private key {tls_key} may be read by {'others' if mode & stat.S_IROTH else 'its group'} "
                f"(mode {stat.S_IMODE(mode):04o}): let only the user that runs ansible-rulebook read it (chmod 600)"
            )
    if not _not_given(args.get("password")):
        warnings.append(
            f"the TLS key's password is given as the argument `password`, which ansible-rulebook logs with the source's "
            f"arguments at -vv: set it in the environment variable {PASSWORD_ENV} instead"
        )
    return warnings


def tls_context(settings):
    """The HTTPS context for certfile/keyfile/password, or None for plain HTTP."""
    if settings.certfile is None:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        # never None: OpenSSL would then ask for the password on the terminal, and wait
        context.load_cert_chain(settings.certfile, settings.keyfile, settings.password or (lambda: ""))
    except (OSError, ssl.SSLError) as error:
        reason = getattr(error, "strerror", None) or getattr(error, "reason", None) or type(error).__name__
        raise ArgumentError(
            "certfile",
            f"(with `keyfile` and the key's password) could not be loaded: {reason}; check the files and the password "
            f"({PASSWORD_ENV}, or the argument `password`)",
        ) from None
    return context

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a domain, app or stream name may be: one rule for the modules and the event source.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

The modules check the names they are given with it (_streams.name_problem); the event source
tencent.cloud.live_callback refuses a callback whose names break it, so that every name it hands on is one the
modules take exactly as it came. ansible-rulebook runs the source as a file on its own, so the source loads
this file by its path: it imports nothing but the standard library.
"""

import re

# Longest names accepted. Tencent documents which characters a stream or app name may use (letters,
# digits and symbols) but no maximum length; these are far above any real name and stop runaway
# input (a 100,000-character name) before it reaches the API. A domain name is at most 253
# characters in DNS.
MAX_NAME_LENGTH = {"domain_name": 253, "app_name": 1024, "stream_name": 1024}

# Characters that str.isprintable() accepts but that show as nothing: Unicode's Default_Ignorable_Code_Point
# (DerivedCoreProperties.txt; the ranges that isprintable() already refuses are listed too, so that the table
# is the property as published) and the Braille blank, which looks like a space.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def invisible(char):
    """True for a character that a person cannot see or that moves the text around: control, format, separator
    (other than the space), surrogate, private-use, unassigned and default-ignorable characters."""
    return not char.isprintable() or _INVISIBLE.match(char) is not None


def all_visible(text):
    """True when no character of text is invisible()."""
    return text.isprintable() and _INVISIBLE.search(text) is None


def escape(text):
    """text with every invisible() character written as an escape (\\n, \\x1b, \\u200b, \\U000e0100), so that it can
    be printed or logged without moving a terminal's cursor, forging a line or hiding a character."""
    if all_visible(text):
        return text
    return "".join(_escaped(char) if invisible(char) else char for char in text)


def _escaped(char):
    code = ord(char)
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def name_fault(kind, value):
    """What is wrong with the text ``value`` as a name of ``kind`` (domain_name, app_name or stream_name), as a
    phrase that follows the option's name; None when it is a name the modules take as it is."""
    if value.strip() == "":
        return "must not be empty"
    limit = MAX_NAME_LENGTH.get(kind, MAX_NAME_LENGTH["stream_name"])
    if len(value) > limit:
        return f"is {len(value)} characters long: a {kind.replace('_', ' ')} has at most {limit}"
    if not all_visible(value):
        # line breaks, tabs, other control characters, Unicode spaces, invisible format characters (U+200B)
        return "contains a control or invisible character (such as a line break or tab)"
    if value != value.strip():
        return "has leading or trailing white space"
    if kind == "domain_name" and ("/" in value or ":" in value or " " in value):
        return "must be a bare push domain such as 5000.livepush.myqcloud.com, not a URL"
    return None


def type_word(value):
    """How a value that is not a string is named in a message."""
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, int):
        return f"the number {int(value)}"
    if isinstance(value, float):
        return f"the number {value!r}"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


def name_problem(option, value):
    """A problem with a domain, app or stream name given to a module option, or None.

    The modules take names as raw values, so that YAML's surprises are caught here instead of
    turning into other streams: unquoted 0123 reads as the number 83, yes as True, 1e3 as 1000.0.
    """
    if value is not None and not isinstance(value, str):
        return (
            f"{option} is {type_word(value)}, not a string: quote it (YAML reads unquoted 0123 as the number 83 and yes "
            "as true); for names from a variable holding numbers, convert them with | string or | map('string')"
        )
    kind = option.split("[", 1)[0].replace("stream_names", "stream_name")
    fault = name_fault(kind, value if value is not None else "")
    if fault is None:
        return None
    if fault.startswith("must not be empty"):
        return f"{option} {fault}"
    if fault.startswith("is "):  # too long: a piece of the value, not all of it
        return f"{option} {fault}, check the value ({value[:40]!r}...)"
    if fault.startswith("must be"):
        return f"{option} {value!r} {fault}"
    return f"{option} {value!r} {fault}: remove it"

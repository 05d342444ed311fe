# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one rule for a name (_names.py), shared by the modules and the event source: a name is taken exactly as it
is or refused -- nothing a playbook's trim would change, nothing invisible -- and text escaped for a log shows
every character that is not plainly visible."""

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils._names import (
    all_visible,
    escape,
    name_fault,
    name_problem,
)

# What Jinja's trim (str.strip) would remove or a person could not see: each one must be refused.
NOT_ITSELF = [
    "victim\u00a0",  # no-break space
    " victim2 ",
    "victim\u3000",  # ideographic space
    "\u2003victim",  # em space
    "victim\u200b",  # zero-width space (format)
    "vic\u200dtim",  # zero-width joiner
    "victim\ufeff",  # byte order mark
    "\u202evictim",  # right-to-left override
    "victim\u3164",  # Hangul filler: printable for Python, shows as nothing
    "victim\ufe0f",  # variation selector
    "victim\u2800",  # Braille blank
    "victim\U000e0041",  # tag character
    "victim\n",
    "vic\ttim",
    "victim\x1b[2J",
    "victim\x85",
    "victim\u2028",
    "victim\ud800",  # lone surrogate
    "victim\ue000",  # private use
]


@pytest.mark.parametrize("name", NOT_ITSELF, ids=[escape(n) for n in NOT_ITSELF])
def test_a_name_that_is_not_exactly_itself_is_refused(name):
    """Seeded fault: a rule that checks only str.isprintable() lets U+3164, U+FE0F, U+2800 through; one that
    checks only the ends after strip() lets U+200B through."""
    assert name_fault("stream_name", name) is not None
    assert name_problem("stream_name", name) is not None
    assert not all_visible(name) or name != name.strip()


@pytest.mark.parametrize("name", ["victim", "a b", "2024_05_01", "ストリーム", "流-1", "x" * 1024, "é", "{{"])
def test_visible_names_with_inner_spaces_and_any_script_are_taken(name):
    assert name_fault("stream_name", name) is None and name_problem("stream_name", name) is None


@pytest.mark.parametrize(
    "kind, value, fault",
    [
        ("stream_name", "", "must not be empty"),
        ("stream_name", "\u00a0", "must not be empty"),
        ("stream_name", "a\u00a0", "contains a control or invisible character"),
        ("app_name", " ", "must not be empty"),
        ("stream_name", "x" * 1025, "is 1025 characters long: a stream name has at most 1024"),
        ("domain_name", "d" * 254, "is 254 characters long: a domain name has at most 253"),
        ("domain_name", "rtmp://d.example.com", "must be a bare push domain"),
        ("domain_name", "d.example.com/live", "must be a bare push domain"),
    ],
)
def test_each_fault_is_named(kind, value, fault):
    assert name_fault(kind, value).startswith(fault)


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("stream_name", 83, "stream_name is the number 83, not a string: quote it (YAML reads unquoted 0123 as"),
        ("stream_names[2]", None, "stream_names[2] must not be empty"),
        (
            "stream_name",
            "s\n",
            "stream_name 's\\n' contains a control or invisible character (such as a line break or tab): remove it",
        ),
        ("stream_name", "s ", "stream_name 's ' has leading or trailing white space: remove it"),
        (
            "domain_name",
            "a:1",
            "domain_name 'a:1' must be a bare push domain such as 5000.livepush.myqcloud.com, not a URL",
        ),
    ],
)
def test_the_modules_messages_name_the_option_and_the_fix(option, value, message):
    assert name_problem(option, value).startswith(message)


@pytest.mark.parametrize(
    "text, shown",
    [
        ("Porn", "Porn"),
        ("\x1b[31mRED\r\nFAKE\x07", "\\x1b[31mRED\\r\\nFAKE\\x07"),
        ("a\u200bb\u202e", "a\\u200bb\\u202e"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("中文 label", "中文 label"),
        ("lone\ud800", "lone\\ud800"),
    ],
)
def test_escape_writes_every_invisible_character_as_an_escape(text, shown):
    """Seeded fault: an escape that handles only ASCII control characters prints U+202E (which turns the rest of a
    terminal line around) and CR as they are."""
    assert escape(text) == shown
    assert all_visible(escape(text))

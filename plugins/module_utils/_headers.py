# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What may be sent in an HTTP header, checked before requests sees it.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

requests and http.client reject a header value with a control character or a character outside
Latin-1 with a message that quotes the value; the Authorization header carries secret_id and
X-TC-Token the session token, both user input. These checks run first and never quote a value.
"""

import re

from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentTransportError

# What http.client cannot send in a header value: control characters and anything outside Latin-1.
_BAD_HEADER_CHARACTER = re.compile("[\\x00-\\x1f\\x7f]|[^\\x00-\\xff]")


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

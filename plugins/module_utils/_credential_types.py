# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What credentials are, whichever source gave them: Credentials, CredentialError, RenewalFailed, and
the check of a secret's value. Imported by the settings, the credential sources and the clients alike (no cycle).

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.
"""

from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentError


class Credentials:
    """A SecretId, SecretKey and optional session token. repr() never shows the secrets.

    expires_at (unix seconds) is set for temporary credentials that came with an expiry;
    source says where the credentials came from (for messages; never a secret); label is the
    short form modules return as credential_source (options, environment, profile NAME, ...).
    """

    def __init__(self, secret_id, secret_key, token=None, expires_at=None, source=None, label=None):
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.token = token or None
        self.expires_at = expires_at
        self.source = source
        self.label = label
        # Set by the resolver: things the user should know (an asked-for source that lost on precedence).
        self.warnings = []

    def current(self):
        """The credentials to sign the next request with (providers may refresh here)."""
        return self

    def __repr__(self):
        token = "<hidden>" if self.token else None
        return f"Credentials(secret_id={self.secret_id!r}, secret_key=<hidden>, token={token}, source={self.source!r})"

    __str__ = __repr__


class CredentialError(TencentError):
    """No usable credentials: nothing found, half a pair, an unreadable file, an unusable role.

    The message names the source (option, variable or file) and the fix, never a secret.
    """

    kind = "credentials"

    def __init__(self, message, path=None):
        super().__init__(message)
        self.path = path

    @property
    def fatal(self):
        return True

    def __str__(self):
        return self.message


class RenewalFailed(TencentError):
    """Temporary credentials expired and renewing them failed: the renewal's own error (the STS code and
    RequestId, or what the metadata service answered), fatal for the batch -- every stream would get it."""

    def __init__(self, error, source):
        super().__init__(error.message, action=error.action)
        self.error = error
        self.source = source
        self.kind = error.kind
        self.attempts = error.attempts

    @property
    def fatal(self):
        return True

    def __str__(self):
        return f"The temporary credentials of {self.source} expired and renewing them failed: {self.error}"

    def failure(self):
        return dict(self.error.failure(), renewal=True)


def secret_value_problem(name, value, where):
    """Why a SecretId, SecretKey or token cannot be used as is, or None. Never quotes the value.

    name: what it is (option or field name); where: where it came from, for the message. White
    space at the ends is what a YAML block scalar, an echo'd vault string or a pasted environment
    value adds; control characters and characters outside Latin-1 cannot be sent in an HTTP header.
    """
    if not isinstance(value, str) or value == "":
        return None
    if value != value.strip():
        return (
            f"{name}{where} has white space (a space, tab or line break) at its start or end: remove it (a YAML block scalar or an "
            "echo'd ansible-vault string adds a trailing newline; use a quoted string or the | trim filter)"
        )
    if any(not char.isprintable() for char in value):
        return f"{name}{where} contains a control or other non-printable character: give the value exactly as Tencent Cloud issued it"
    if any(ord(char) > 0xFF for char in value):
        return (
            f"{name}{where} contains a character outside Latin-1, which cannot be sent in an HTTP header: Tencent Cloud credentials are "
            "ASCII, so check for a pasted typographic quote or dash"
        )
    return None

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""How fetched, expiring credentials are held: RefreshingCredentials, which fetches them again when
they near expiry, and the reading of a fetch's answer (TmpSecretId, TmpSecretKey, Token, the expiry)
into Credentials. Where they are fetched from (the CVM metadata service, STS AssumeRole) is
_temporary_credentials.py.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

Thread-safe: one fetch however many workers sign at that moment. Every secret fetched goes to
on_secret (modules mask it in any output); no secret is ever part of a message, repr() or str().
"""

import datetime
import threading
import time

from ansible_collections.tencent.cloud.plugins.module_utils._credential_types import (
    CredentialError,
    Credentials,
    RenewalFailed,
    secret_value_problem,
)
from ansible_collections.tencent.cloud.plugins.module_utils._errors import DeadlineExceeded, TencentError

# Temporary credentials are renewed this long before they expire (at most half their lifetime):
# Tencent allows 5 minutes of clock skew, and a request signed now may be retried later.
REFRESH_MARGIN = 300.0
# After a failed renewal, still-valid credentials are used and renewal is tried again this much later.
REFRESH_RETRY_SECONDS = 10.0


class RefreshingCredentials:
    """Temporary credentials that ``fetch()`` obtains, fetched again when they near expiry.

    current() is what a client calls before signing each request. It is thread-safe: when many
    workers find the credentials due at once, one fetches and the others wait for its result.
    If a renewal fails while the old credentials are still valid, they are used on, and the
    renewal is tried again a little later. Once they have expired, the last renewal's failure is
    final: every later caller gets it (RenewalFailed) without another fetch, so a batch stops at
    the first stream that meets it instead of renewing once per stream.
    """

    def __init__(self, fetch, source, clock=time.time, margin=REFRESH_MARGIN, label=None):
        self._fetch = fetch
        self.source = source
        self._label = label
        self._clock = clock
        self._margin = margin
        self._lock = threading.Lock()
        # (credentials, fetched at, retry renewal not before): replaced as a whole, read without the lock.
        self._state = (None, None, 0.0)
        # The error of the last renewal, while it has not succeeded since.
        self._renewal_error = None
        self.fetches = 0
        self.warnings = []

    def _due(self, state, now):
        creds, fetched_at, retry_at = state
        if creds is None:
            return True
        if creds.expires_at is None:
            return False
        margin = min(self._margin, max(creds.expires_at - fetched_at, 0.0) / 2.0)
        return now >= creds.expires_at - margin and now >= retry_at

    def current(self):
        state = self._state
        if not self._due(state, self._clock()):
            return state[0]
        with self._lock:
            state = self._state
            now = self._clock()
            if not self._due(state, now):
                return state[0]
            old = state[0]
            if self._renewal_error is not None and old is not None and now >= old.expires_at:
                raise self.renewal_failure()
            try:
                fresh = self._fetch()
            except DeadlineExceeded:
                raise  # not a failure of the renewal: the task ran out of time first
            except TencentError as error:
                if old is None:
                    raise
                self._renewal_error = error
                if now < old.expires_at:
                    self._state = (old, state[1], now + REFRESH_RETRY_SECONDS)
                    return old
                raise self.renewal_failure() from None
            self._state = (fresh, now, 0.0)
            self._renewal_error = None
            self.fetches += 1
            return fresh

    def renewal_failure(self):
        """A RenewalFailed for the last failed renewal (a new one for each caller), or None."""
        error = self._renewal_error
        return None if error is None else RenewalFailed(error, self.source)

    @property
    def label(self):
        """credential_source: the fetched credentials' (which know, for example, the CVM role auto found), else the given one."""
        fetched = self._state[0]
        return getattr(fetched, "label", None) or self._label

    def __repr__(self):
        return f"RefreshingCredentials(source={self.source!r}, fetches={self.fetches})"

    __str__ = __repr__


def _expiry(data, fallback):
    """Unix expiry from ExpiredTime (seconds), else Expiration (ISO 8601 UTC), else fallback."""
    expired_time = data.get("ExpiredTime")
    if isinstance(expired_time, (int, float)) and not isinstance(expired_time, bool) and expired_time > 0:
        return float(expired_time)
    expiration = data.get("Expiration")
    if isinstance(expiration, str):
        try:
            moment = datetime.datetime.strptime(expiration.strip(), "%Y-%m-%dT%H:%M:%SZ")
            return moment.replace(tzinfo=datetime.timezone.utc).timestamp()
        except ValueError:
            pass
    return fallback


def temporary_credentials(data, where, source, on_secret, fallback_expiry, label=None):
    """Credentials from an answer holding TmpSecretId, TmpSecretKey, Token (and an expiry)."""
    values = [data.get(name) for name in ("TmpSecretId", "TmpSecretKey", "Token")]
    if not all(isinstance(value, str) and value for value in values):
        missing = [
            name
            for name, value in zip(("TmpSecretId", "TmpSecretKey", "Token"), values)
            if not (isinstance(value, str) and value)
        ]
        raise CredentialError(f"{where} answered without {', '.join(missing)}: is it really a Tencent Cloud service?")
    for secret in values[1:]:
        on_secret(secret)
    for name, value in zip(("TmpSecretId", "TmpSecretKey", "Token"), values):
        problem = secret_value_problem(name, value, f" from {where}")
        if problem:
            raise CredentialError(problem)
    return Credentials(
        values[0], values[1], values[2], expires_at=_expiry(data, fallback_expiry), source=source, label=label
    )

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where fetched, expiring credentials come from: the CAM role of a CVM instance (from the metadata
service) and STS AssumeRole on top of the credentials found, each held in RefreshingCredentials
(_refreshing_credentials.py), which fetches them again when they near expiry. The credential chain
(_credentials.py) decides when these are used.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

Every secret fetched goes to on_secret (modules mask it in any output); no secret is ever part of
a message, repr() or str().
"""

import json
import time
from urllib.parse import quote

try:
    import requests
except ImportError:
    # _client.HAS_REQUESTS: the module fails with missing_required_lib before anything is fetched.
    pass

from ansible_collections.tencent.cloud.plugins.module_utils._client import StsClient, _reason
from ansible_collections.tencent.cloud.plugins.module_utils._credential_types import CredentialError
from ansible_collections.tencent.cloud.plugins.module_utils._errors import (
    DeadlineExceeded,
    TaskStopped,
    TencentApiError,
    TencentTransportError,
    hint_for,
)
from ansible_collections.tencent.cloud.plugins.module_utils._http import STOPPED, Exchange, bounded_session, cut_error
from ansible_collections.tencent.cloud.plugins.module_utils._refreshing_credentials import (
    RefreshingCredentials,
    temporary_credentials,
)
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.tencent.cloud.plugins.module_utils._settings import (
    CVM_ROLE_AUTO,
    MAX_ROLE_DURATION,
    MIN_ROLE_DURATION,
)
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound

METADATA_ROLE_PATH = "/latest/meta-data/cam/security-credentials/"
# The metadata service is local to the instance: a few quick retries, not the full API budget.
MAX_METADATA_RETRIES = 2


class AssumeRoleError(TencentApiError):
    """STS refused AssumeRole: Tencent's code, message and RequestId, with a role-specific hint."""

    def __init__(self, error, role_arn, source):
        super().__init__(error.code, error.message, error.request_id, action="AssumeRole")
        self.attempts = error.attempts
        self.role_arn = role_arn
        self.source = source

    @property
    def hint(self):
        code = self.code
        if code in ("ResourceNotFound.RoleNotFound", "InvalidParameter.RoleNotExist", "InternalError.IllegalRole"):
            return f"The role {self.role_arn} does not exist or cannot be assumed: check role_arn (qcs::cam::uin/<account uin>:roleName/<role name>)."
        if code in ("InvalidParameter.OverTimeError", "InvalidParameter.ParamError"):
            return (
                f"Check role_duration ({MIN_ROLE_DURATION} to {MAX_ROLE_DURATION} seconds, and at most the role's maximum session "
                "duration) and role_session_name."
            )
        if code in ("UnauthorizedOperation", "AuthFailure.UnauthorizedOperation"):
            return (
                f"The credentials from {self.source} may not assume {self.role_arn}: the role's trust policy must allow them, and their CAM policy "
                "must allow sts:AssumeRole."
            )
        base = hint_for(code, "AssumeRole")
        if code.startswith("AuthFailure"):
            return f"{base} These are the credentials from {self.source}, used to call AssumeRole."
        return base

    @property
    def fatal(self):
        # Every call of the task signs with the role's credentials: all would fail alike.
        return True

    def __str__(self):
        text = f"Assuming the role {self.role_arn} with the credentials from {self.source} failed: {self.code}: {self.message} (RequestId: {self.request_id})"
        if self.attempts > 1:
            text += f" after {self.attempts} attempts"
        return text + (". " + self.hint if self.hint else "")


class MetadataService:
    """GETs from the CVM instance metadata service (never through a proxy: it is local to the instance)."""

    def __init__(
        self,
        base_url,
        timeout=10.0,
        verify=True,
        retries=MAX_METADATA_RETRIES,
        session=None,
        sleep=time.sleep,
        bound=None,
    ):
        # base_url: as ConnectionSettings parsed metadata_url (scheme, host and port, checked there).
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.verify = verify
        self.retry_policy = RetryPolicy(retries=min(retries, MAX_METADATA_RETRIES))
        # the task's bound: no GET and no retry after its deadline or stop; each GET within timeout in wall time
        self.bound = bound or TaskBound(sleep=None if sleep is time.sleep else sleep)
        self.session = session or bounded_session()

    def url(self, path):
        return self.base_url + path

    def get(self, path):
        """(status, text) of GET path; raises CredentialError when the service cannot be reached."""
        url = self.url(path)
        attempt = 0
        while True:
            self.bound.check("metadata")
            exchange = Exchange(self.bound, self.timeout)
            try:
                with exchange:
                    answer = self.session.get(
                        url, timeout=(self.timeout, self.timeout), verify=self.verify, allow_redirects=False
                    )
            except Exception as exc:  # pylint: disable=broad-except
                if exchange.cut is None and not isinstance(exc, requests.exceptions.RequestException):
                    raise
                # a certificate that does not verify will not verify on the next try either: final, like the API's
                error = TencentTransportError(_reason(exc), retryable=not isinstance(exc, requests.exceptions.SSLError))
            else:
                error = None
            if exchange.cut == STOPPED:
                raise cut_error(exchange, "metadata", url)
            if exchange.cut is not None:
                error = cut_error(exchange, "metadata", url)
            elif error is None and answer.status_code < 500:
                return answer.status_code, answer.content.decode("utf-8", "replace")
            elif error is None:
                error = TencentTransportError(f"HTTP {answer.status_code}", status=answer.status_code)
            if self.retry_policy.should_retry(error, "metadata", attempt):
                try:  # not tried again after the task's deadline or stop
                    self.bound.sleep(self.retry_policy.delay(attempt), "metadata")
                    attempt += 1
                    continue
                except (DeadlineExceeded, TaskStopped):
                    pass
            fix = (
                "give the CA bundle that verifies its certificate in ca_path"
                if not error.retryable
                else "cvm_role works only on a Tencent Cloud CVM instance; elsewhere use another credential source, or point "
                "metadata_url at the service"
            )
            tries = f"{attempt + 1} attempt{'s' if attempt else ''}"
            raise CredentialError(
                f"could not get the CVM role credentials from the metadata service at {url} ({error.message}, {tries}): {fix}"
            )

    def bound_role(self):
        """The name of the CAM role bound to the instance, or None."""
        status, text = self.get(METADATA_ROLE_PATH)
        name = text.strip().splitlines()[0].strip() if status == 200 and text.strip() else None
        return name


class CvmRoleFetcher:
    """Fetches the instance role's temporary credentials from the metadata service."""

    def __init__(self, metadata, role_name, on_secret, clock=time.time):
        self.metadata = metadata
        self.role_name = role_name
        self._on_secret = on_secret
        self._clock = clock

    def role(self):
        if self.role_name != CVM_ROLE_AUTO:
            return self.role_name
        name = self.metadata.bound_role()
        if not name:
            raise CredentialError(
                f"cvm_role is {CVM_ROLE_AUTO} but no CAM role is bound to this CVM instance "
                f"({self.metadata.url(METADATA_ROLE_PATH)} answered no role name): bind a role "
                "to the instance, or use another credential source"
            )
        return name

    def __call__(self):
        role = self.role()
        path = METADATA_ROLE_PATH + quote(role, safe="")
        status, text = self.metadata.get(path)
        if status == 404:
            bound = self.metadata.bound_role()
            fix = (
                f"the role bound to it is {bound!r}: set cvm_role to it (or to {CVM_ROLE_AUTO})"
                if bound
                else "no role is bound to it: bind one to the instance, or use another credential source"
            )
            raise CredentialError(
                f"the CVM instance has no CAM role {role!r} (the metadata service answered 404 for {self.metadata.url(path)}); {fix}"
            )
        if status != 200:
            raise CredentialError(
                f"the metadata service answered HTTP {status} for {self.metadata.url(path)}: check cvm_role and metadata_url"
            )
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            data = None
        if not isinstance(data, dict):
            raise CredentialError(
                f"the metadata service answered {self.metadata.url(path)} with something that is not a JSON object: check metadata_url"
            )
        if data.get("Code") not in (None, "Success"):
            raise CredentialError(
                f"the metadata service refused the credentials of the CVM role {role!r} (Code {data.get('Code')})"
            )
        source = f"the CVM role {role} (metadata service {self.metadata.base_url})"
        return temporary_credentials(
            data,
            f"the metadata service ({self.metadata.url(path)})",
            source,
            self._on_secret,
            self._clock() + 300,
            label=f"CVM role {role}",
        )


class AssumeRoleFetcher:
    """Calls STS AssumeRole, signed with the source credentials, for the role's temporary credentials."""

    def __init__(self, sts, role_arn, session_name, duration, source, on_secret, clock=time.time, label=None):
        self.sts = sts
        self.role_arn = role_arn
        self.session_name = session_name
        self.duration = duration
        self.source = source
        self.label = label
        self._on_secret = on_secret
        self._clock = clock

    def __call__(self):
        try:
            answer = self.sts.assume_role(self.role_arn, self.session_name, self.duration)
        except TencentApiError as error:
            # The STS error's own code, message and RequestId are carried over; its traceback adds nothing.
            raise AssumeRoleError(error, self.role_arn, self.source) from None
        data = answer.data
        creds = data.get("Credentials")
        if not isinstance(creds, dict):
            raise CredentialError(f"STS ({self.sts.url}) answered AssumeRole without Credentials: check sts_endpoint")
        merged = dict(creds, ExpiredTime=data.get("ExpiredTime"), Expiration=data.get("Expiration"))
        source = f"the role {self.role_arn} (assumed with the credentials from {self.source})"
        return temporary_credentials(
            merged, f"STS ({self.sts.url})", source, self._on_secret, self._clock() + self.duration, label=self.label
        )


def cvm_role_credentials(settings, on_secret, clock=time.time, bound=None):
    """The CVM instance's CAM role (settings.cvm_role), fetched from the metadata service and kept fresh."""
    metadata = MetadataService(
        settings.metadata[0], timeout=settings.timeout, verify=settings.verify, retries=settings.retries, bound=bound
    )
    return RefreshingCredentials(
        CvmRoleFetcher(metadata, settings.cvm_role, on_secret, clock=clock),
        f"the CVM role {settings.cvm_role} (metadata service {metadata.base_url})",
        clock=clock,
        label=f"CVM role {settings.cvm_role}",
    )


def assumed_role_credentials(
    credentials, role_arn, session_name, settings, on_secret, clock=time.time, session=None, bound=None
):
    """The role role_arn, assumed with STS AssumeRole signed by credentials, and kept fresh."""
    sts = StsClient.for_settings(
        credentials, settings, settings.sts, pool_size=1, session=session, clock=clock, bound=bound
    )
    label = f"assumed role {role_arn} (with the credentials from {credentials.label})"
    fetch = AssumeRoleFetcher(
        sts, role_arn, session_name, settings.role_duration, credentials.source, on_secret, clock=clock, label=label
    )
    return RefreshingCredentials(
        fetch,
        f"the role {role_arn} (assumed with the credentials from {credentials.source})",
        clock=clock,
        label=label,
    )

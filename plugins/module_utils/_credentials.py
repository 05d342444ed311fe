# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where a task's Tencent Cloud credentials come from: the credential chain.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

Sources, highest precedence first; the first one that gives a SecretId/SecretKey pair wins:

1. the module options secret_id / secret_key / session_token, each falling back to its own
   environment variable (TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, TENCENTCLOUD_TOKEN or
   TENCENTCLOUD_SECURITY_TOKEN) -- an option overrides its variable, as Ansible's fallbacks do;
2. tccli's profile file ``<shared_credentials_dir>/<profile>.credential`` (JSON);
3. the SDK's INI file ``~/.tencentcloud/credentials``, then ``/etc/tencentcloud/credentials``
   (section ``[default]``);
4. the CAM role of the CVM instance, from the metadata service -- only when asked for (cvm_role).

Then, when a role is named (role_arn, or the role-arn of the profile file that gave the
credentials), STS AssumeRole on top: the task signs with the role's temporary credentials.

Rules the user can rely on:

- Empty values count as unset (AWX injects optional fields as empty strings).
- A source counts only when it gives both SecretId and SecretKey. A source that gives half
  (an id without a key, a token without a pair, a file with secretId but no secretKey) is an
  error naming what is missing, never a silent fall-through: the next source could belong to
  another account.
- A source the user asked for by name (profile, shared_credentials_dir, cvm_role) that cannot
  be used is an error; the default profile and the SDK files are simply skipped when absent.
- Temporary credentials from the CVM role or from AssumeRole are fetched once and fetched again
  when they near expiry (thread-safe: one fetch however many workers sign at that moment).
- No secret (SecretKey, token) is ever part of a message, repr() or str().
"""

import configparser
import datetime
import json
import os
import re
import stat
import threading
import time

try:
    import requests

    HAS_REQUESTS = True
except ImportError:
    HAS_REQUESTS = False

from urllib.parse import quote

from ansible_collections.tencent.cloud.plugins.module_utils._client import (
    DEFAULT_STS_ENDPOINT,
    Credentials,
    StsClient,
    _reason,
    parse_endpoint,
)
from ansible_collections.tencent.cloud.plugins.module_utils._errors import (
    TencentApiError,
    TencentError,
    TencentTransportError,
    hint_for,
)
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy

DEFAULT_PROFILE = "default"
DEFAULT_SHARED_CREDENTIALS_DIR = "~/.tccli"
SDK_CREDENTIAL_FILES = ("~/.tencentcloud/credentials", "/etc/tencentcloud/credentials")
DEFAULT_METADATA_URL = "http://metadata.tencentyun.com"
METADATA_ROLE_PATH = "/latest/meta-data/cam/security-credentials/"
CVM_ROLE_AUTO = "auto"
DEFAULT_ROLE_SESSION_NAME = "ansible-tencent-cloud"
DEFAULT_ROLE_DURATION = 7200
MIN_ROLE_DURATION = 900
MAX_ROLE_DURATION = 43200
# Temporary credentials are renewed this long before they expire (at most half their lifetime):
# Tencent allows 5 minutes of clock skew, and a request signed now may be retried later.
REFRESH_MARGIN = 300.0
# After a failed renewal, still-valid credentials are used and renewal is tried again this much later.
REFRESH_RETRY_SECONDS = 10.0
# The metadata service is local to the instance: a few quick retries, not the full API budget.
MAX_METADATA_RETRIES = 2

ENV_SECRET_ID = ("TENCENTCLOUD_SECRET_ID",)
ENV_SECRET_KEY = ("TENCENTCLOUD_SECRET_KEY",)
ENV_TOKEN = ("TENCENTCLOUD_TOKEN", "TENCENTCLOUD_SECURITY_TOKEN")
ENV_PROFILE = ("TENCENTCLOUD_PROFILE", "TCCLI_PROFILE")
ENV_SHARED_CREDENTIALS_DIR = ("TENCENTCLOUD_SHARED_CREDENTIALS_DIR",)
ENV_CVM_ROLE = ("TENCENTCLOUD_CAM_ROLE_NAME",)
ENV_ROLE_ARN = ("TENCENTCLOUD_ROLE_ARN", "TENCENTCLOUD_ASSUME_ROLE_ARN")
ENV_ROLE_SESSION_NAME = ("TENCENTCLOUD_ROLE_SESSION_NAME", "TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME")
ENV_ROLE_DURATION = ("TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION",)
ENV_STS_ENDPOINT = ("TENCENTCLOUD_STS_ENDPOINT",)
ENV_METADATA_URL = ("TENCENTCLOUD_METADATA_URL",)

PROFILE_PATTERN = re.compile(r"[A-Za-z0-9_.@+=,-]+")
CAM_NAME_PATTERN = re.compile(r"[A-Za-z0-9_+=,.@-]{1,128}")
ROLE_SESSION_NAME_PATTERN = re.compile(r"[A-Za-z0-9_+=,.@-]{2,128}")
ROLE_ARN_PATTERN = re.compile(r"qcs::cam::uin/[0-9]+:role(?:Name)?/\S+")
# A credentials file is a few hundred bytes; anything this large is not one (and is not read).
MAX_CREDENTIAL_FILE_BYTES = 64 * 1024


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
                "Check role_duration (%d to %d seconds, and at most the role's maximum session duration) and role_session_name."
                % (MIN_ROLE_DURATION, MAX_ROLE_DURATION)
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
            text += " after %d attempts" % self.attempts
        return text + (". " + self.hint if self.hint else "")


# --------------------------------------------------------------------------- settings


def _blank(value):
    return value is None or (isinstance(value, str) and value.strip() == "")


def setting(params, environ, option, env_names):
    """(value, origin) of one setting: the option, else the first non-empty variable, else (None, None).

    origin is the variable's name when the value is the variable's (a module's params already hold
    the fallback value), else ``option <name>``.
    """
    value = params.get(option)
    from_env = next(((name, environ[name]) for name in env_names if not _blank(environ.get(name))), (None, None))
    if _blank(value):
        return (from_env[1], from_env[0]) if from_env[0] else (None, None)
    if from_env[0] and value == from_env[1]:
        return value, from_env[0]
    return value, f"option {option}"


class ChainSettings:
    """Every input of the credential chain, from a module's params and the environment."""

    def __init__(self, params, environ=None, sdk_files=None):
        environ = os.environ if environ is None else environ
        self.secret_id, self.secret_id_origin = setting(params, environ, "secret_id", ENV_SECRET_ID)
        self.secret_key, self.secret_key_origin = setting(params, environ, "secret_key", ENV_SECRET_KEY)
        self.token, self.token_origin = setting(params, environ, "session_token", ENV_TOKEN)
        self.profile, self.profile_origin = setting(params, environ, "profile", ENV_PROFILE)
        shared_dir, self.shared_dir_origin = setting(
            params, environ, "shared_credentials_dir", ENV_SHARED_CREDENTIALS_DIR
        )
        self.shared_dir = os.path.expanduser(shared_dir or DEFAULT_SHARED_CREDENTIALS_DIR)
        self.cvm_role, self.cvm_role_origin = setting(params, environ, "cvm_role", ENV_CVM_ROLE)
        self.role_arn, self.role_arn_origin = setting(params, environ, "role_arn", ENV_ROLE_ARN)
        self.role_session_name = setting(params, environ, "role_session_name", ENV_ROLE_SESSION_NAME)[0]
        duration = setting(params, environ, "role_duration", ENV_ROLE_DURATION)[0]
        try:
            self.role_duration = int(duration) if duration is not None else DEFAULT_ROLE_DURATION
        except (TypeError, ValueError):
            self.role_duration = duration
        self.sts_endpoint = setting(params, environ, "sts_endpoint", ENV_STS_ENDPOINT)[0] or DEFAULT_STS_ENDPOINT
        self.metadata_url = setting(params, environ, "metadata_url", ENV_METADATA_URL)[0] or DEFAULT_METADATA_URL
        self.sdk_files = [
            os.path.expanduser(path) for path in (SDK_CREDENTIAL_FILES if sdk_files is None else sdk_files)
        ]
        self.timeout = params.get("timeout") or 10.0
        retries = params.get("retries")
        self.retries = 5 if retries is None else retries
        validate_certs = params.get("validate_certs")
        self.verify = (params.get("ca_path") or True) if validate_certs is not False else False
        self.region = params.get("region") or None
        # Things the user should know about the files read (for example: readable by others).
        self.warnings = []

    @property
    def profile_name(self):
        return self.profile or DEFAULT_PROFILE

    @property
    def profile_path(self):
        return os.path.join(self.shared_dir, self.profile_name + ".credential")

    @property
    def profile_asked(self):
        """The user named the profile or the directory: a missing file is then an error, not a skip."""
        return bool(self.profile_origin or self.shared_dir_origin)

    def explicit_label(self):
        """credential_source of source 1: options, environment, or options and environment."""
        origins = [origin for origin in (self.secret_id_origin, self.secret_key_origin, self.token_origin) if origin]
        kinds = {"options" if origin.startswith("option ") else "environment" for origin in origins}
        return " and ".join(kind for kind in ("options", "environment") if kind in kinds)

    def explicit_origin(self):
        origins = {origin for origin in (self.secret_id_origin, self.secret_key_origin, self.token_origin) if origin}
        from_options = any(origin.startswith("option ") for origin in origins)
        from_env = any(not origin.startswith("option ") for origin in origins)
        if from_options and from_env:
            return "the options and the environment ({})".format(
                ", ".join(sorted(o for o in origins if not o.startswith("option ")))
            )
        if from_env:
            return "the environment ({})".format(", ".join(sorted(origins)))
        return "the options"


def _origin_text(origin):
    return f" (from {origin})" if origin else ""


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


def explicit_secret_problems(settings):
    """secret_id, secret_key and session_token (options or environment) that cannot be used as is."""
    problems = []
    for option, value, origin in (
        ("secret_id", settings.secret_id, settings.secret_id_origin),
        ("secret_key", settings.secret_key, settings.secret_key_origin),
        ("session_token", settings.token, settings.token_origin),
    ):
        where = f" (from {origin})" if origin and not origin.startswith("option ") else ""
        problem = secret_value_problem(option, value, where)
        if problem:
            problems.append(problem)
    return problems


def explicit_credential_problems(settings):
    """Half a pair given by the options or the environment, or an unusable value: what is wrong, and the fix."""
    problems = explicit_secret_problems(settings)
    if settings.secret_id and not settings.secret_key:
        problems.append(
            f"secret_key is not set: give secret_key or set TENCENTCLOUD_SECRET_KEY (secret_id is set{_origin_text(settings.secret_id_origin)}, so no other "
            "credential source is used)"
        )
    elif settings.secret_key and not settings.secret_id:
        problems.append(
            f"secret_id is not set: give secret_id or set TENCENTCLOUD_SECRET_ID (secret_key is set{_origin_text(settings.secret_key_origin)}, so no other "
            "credential source is used)"
        )
    elif settings.token and not settings.secret_id:
        problems.append(
            f"session_token is set{_origin_text(settings.token_origin)} but secret_id and secret_key are not: give them (or set TENCENTCLOUD_SECRET_ID and "
            "TENCENTCLOUD_SECRET_KEY) with the token, or unset the token to use another credential source"
        )
    return problems


def setting_problems(settings):
    """Local checks of the credential-chain options, each naming the option and the fix."""
    problems = []
    if settings.profile is not None and not PROFILE_PATTERN.fullmatch(settings.profile):
        problems.append(
            f"profile {settings.profile!r} is not a tccli profile name: use a name such as default or prod (letters, digits and _.@+=,-; "
            "no path)"
        )
    if settings.cvm_role is not None and not CAM_NAME_PATTERN.fullmatch(settings.cvm_role):
        problems.append(
            f"cvm_role {settings.cvm_role!r} is not a CAM role name: give the name of the role bound to the CVM instance (1 to 128 letters, "
            f"digits and +=,.@_-), or {CVM_ROLE_AUTO} to use whichever role is bound"
        )
    if settings.role_arn is not None and not ROLE_ARN_PATTERN.fullmatch(settings.role_arn):
        problems.append(
            f"role_arn {settings.role_arn!r} is not a CAM role ARN: use qcs::cam::uin/<account uin>:roleName/<role name>"
        )
    if settings.role_session_name is not None and not ROLE_SESSION_NAME_PATTERN.fullmatch(settings.role_session_name):
        problems.append(
            f"role_session_name {settings.role_session_name!r} must be 2 to 128 letters, digits and +=,.@_-"
        )
    duration = settings.role_duration
    if (
        isinstance(duration, bool)
        or not isinstance(duration, int)
        or not MIN_ROLE_DURATION <= duration <= MAX_ROLE_DURATION
    ):
        problems.append(
            "role_duration must be a number of seconds between %d and %d, got %r"
            % (MIN_ROLE_DURATION, MAX_ROLE_DURATION, duration)
        )
    # metadata_url may be plain http:// anywhere: Tencent serves the CVM metadata service only over plain
    # HTTP (http://metadata.tencentyun.com), reachable only from inside the instance's network.
    for option, value, example, scheme in (
        ("sts_endpoint", settings.sts_endpoint, "sts.tencentcloudapi.com", "https"),
        ("metadata_url", settings.metadata_url, "metadata.tencentyun.com", "http"),
    ):
        try:
            parse_endpoint(
                value,
                option=option,
                example=example,
                default_scheme=scheme,
                path_reason="give only the scheme, host and port",
                plain_http_anywhere=option == "metadata_url",
            )
        except ValueError as exc:
            problems.append(str(exc))
    return problems


# --------------------------------------------------------------------------- refreshing credentials


class RefreshingCredentials:
    """Temporary credentials that ``fetch()`` obtains, fetched again when they near expiry.

    current() is what a client calls before signing each request. It is thread-safe: when many
    workers find the credentials due at once, one fetches and the others wait for its result.
    If a renewal fails while the old credentials are still valid, they are used on, and the
    renewal is tried again a little later.
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
            try:
                fresh = self._fetch()
            except TencentError:
                old = state[0]
                if old is not None and old.expires_at is not None and now < old.expires_at:
                    self._state = (old, state[1], now + REFRESH_RETRY_SECONDS)
                    return old
                raise
            self._state = (fresh, now, 0.0)
            self.fetches += 1
            return fresh

    @property
    def label(self):
        """credential_source: the fetched credentials' (which know, for example, the CVM role auto found), else the given one."""
        fetched = self._state[0]
        return getattr(fetched, "label", None) or self._label

    def __repr__(self):
        return "RefreshingCredentials(source=%r, fetches=%d)" % (self.source, self.fetches)

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


def _temporary(data, where, source, on_secret, fallback_expiry, label=None):
    """Credentials from an answer holding TmpSecretId, TmpSecretKey, Token (and an expiry)."""
    values = [data.get(name) for name in ("TmpSecretId", "TmpSecretKey", "Token")]
    if not all(isinstance(value, str) and value for value in values):
        missing = [
            name
            for name, value in zip(("TmpSecretId", "TmpSecretKey", "Token"), values)
            if not (isinstance(value, str) and value)
        ]
        raise CredentialError(
            "{} answered without {}: is it really a Tencent Cloud service?".format(where, ", ".join(missing))
        )
    for secret in values[1:]:
        on_secret(secret)
    for name, value in zip(("TmpSecretId", "TmpSecretKey", "Token"), values):
        problem = secret_value_problem(name, value, f" from {where}")
        if problem:
            raise CredentialError(problem)
    return Credentials(
        values[0], values[1], values[2], expires_at=_expiry(data, fallback_expiry), source=source, label=label
    )


class MetadataService:
    """GETs from the CVM instance metadata service (never through a proxy: it is local to the instance)."""

    def __init__(
        self, base_url, timeout=10.0, verify=True, retries=MAX_METADATA_RETRIES, session=None, sleep=time.sleep
    ):
        self.base_url = parse_endpoint(
            base_url,
            option="metadata_url",
            example="metadata.tencentyun.com",
            default_scheme="http",
            path_reason="give only the scheme, host and port",
            plain_http_anywhere=True,
        )[0].rstrip("/")
        self.timeout = timeout
        self.verify = verify
        self.retry_policy = RetryPolicy(retries=min(retries, MAX_METADATA_RETRIES))
        self._sleep = sleep
        if session is None:
            session = requests.Session()
            session.trust_env = False
        self.session = session

    def url(self, path):
        return self.base_url + path

    def get(self, path):
        """(status, text) of GET path; raises CredentialError when the service cannot be reached."""
        url = self.url(path)
        attempt = 0
        while True:
            try:
                answer = self.session.get(
                    url, timeout=(self.timeout, self.timeout), verify=self.verify, allow_redirects=False
                )
                if answer.status_code < 500:
                    return answer.status_code, answer.content.decode("utf-8", "replace")
                error = TencentTransportError("HTTP %d" % answer.status_code, status=answer.status_code)
            except requests.exceptions.RequestException as exc:
                error = TencentTransportError(_reason(exc))
            if not self.retry_policy.should_retry(error, "metadata", attempt):
                raise CredentialError(
                    "could not get the CVM role credentials from the metadata service at %s (%s, %d attempts): cvm_role works only on a "
                    "Tencent Cloud CVM instance; elsewhere use another credential source, or point metadata_url at the service"
                    % (url, error.message, attempt + 1)
                )
            self._sleep(self.retry_policy.delay(attempt))
            attempt += 1

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
                "the metadata service answered HTTP %d for %s: check cvm_role and metadata_url"
                % (status, self.metadata.url(path))
            )
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise CredentialError(
                f"the metadata service answered {self.metadata.url(path)} with something that is not a JSON object: check metadata_url"
            )
        if data.get("Code") not in (None, "Success"):
            raise CredentialError(
                "the metadata service refused the credentials of the CVM role {!r} (Code {})".format(
                    role, data.get("Code")
                )
            )
        source = f"the CVM role {role} (metadata service {self.metadata.base_url})"
        return _temporary(
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
            raise AssumeRoleError(error, self.role_arn, self.source)
        data = answer.data
        creds = data.get("Credentials")
        if not isinstance(creds, dict):
            raise CredentialError(f"STS ({self.sts.url}) answered AssumeRole without Credentials: check sts_endpoint")
        merged = dict(creds, ExpiredTime=data.get("ExpiredTime"), Expiration=data.get("Expiration"))
        source = f"the role {self.role_arn} (assumed with the credentials from {self.source})"
        return _temporary(
            merged, f"STS ({self.sts.url})", source, self._on_secret, self._clock() + self.duration, label=self.label
        )


# --------------------------------------------------------------------------- the sources


class Found:
    """What one source gave: credentials, and the role it names (profile files may name one)."""

    def __init__(self, credentials, role_arn=None, role_session_name=None):
        self.credentials = credentials
        self.role_arn = role_arn
        self.role_session_name = role_session_name


def from_explicit(settings, tried, on_secret):
    """Source 1: the options, each falling back to its environment variable."""
    problems = explicit_credential_problems(settings)
    if problems:
        raise CredentialError("; ".join(problems))
    if not settings.secret_id:
        tried.append("the options secret_id/secret_key (not set)")
        tried.append("the environment TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY (not set)")
        return None
    on_secret(settings.secret_key)
    if settings.token:
        on_secret(settings.token)
    return Found(
        Credentials(
            settings.secret_id,
            settings.secret_key,
            settings.token,
            source=settings.explicit_origin(),
            label=settings.explicit_label(),
        )
    )


def _file_kind(mode):
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _read_text(path, what, warnings=None):
    """The text of a credentials file: a regular file of at most MAX_CREDENTIAL_FILE_BYTES, UTF-8.

    Opened without blocking (a FIFO named like the file must not hang the task) and checked on the
    open descriptor. A file readable by group or others gets a warning, as ssh gives for keys.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise CredentialError(
            f"cannot read the {what} {path} ({exc.strerror or type(exc).__name__}): fix its permissions or remove it",
            path=path,
        )
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        raise CredentialError(
            f"the {what} {path} is {_file_kind(info.st_mode)}, not a regular file: replace it with a file (or remove it)",
            path=path,
        )
    with os.fdopen(descriptor, "rb") as handle:
        if info.st_size > MAX_CREDENTIAL_FILE_BYTES:
            raise CredentialError(
                "the %s %s is %d bytes, larger than any credentials file (at most %d): check the path"
                % (what, path, info.st_size, MAX_CREDENTIAL_FILE_BYTES),
                path=path,
            )
        try:
            data = handle.read(MAX_CREDENTIAL_FILE_BYTES + 1)
        except OSError as exc:
            raise CredentialError(
                f"cannot read the {what} {path} ({exc.strerror or type(exc).__name__}): fix its permissions or remove it",
                path=path,
            )
    if len(data) > MAX_CREDENTIAL_FILE_BYTES:
        raise CredentialError(
            "the %s %s is larger than any credentials file (at most %d bytes): check the path"
            % (what, path, MAX_CREDENTIAL_FILE_BYTES),
            path=path,
        )
    if warnings is not None and os.name == "posix" and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        warnings.append(
            f"The {what} {path} is accessible by group or others (mode {stat.S_IMODE(info.st_mode):04o}): it holds a secret key, so make it private with "
            f"chmod 600 {path}."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CredentialError(
            f"the {what} {path} is not UTF-8 text: rewrite it (for example with tccli configure)", path=path
        )


def _pair(values, names, path, what, fix):
    """(id, key) from a file's fields; both empty gives (None, None); half a pair is an error."""
    for name, value in zip(names, values):
        if value is not None and not isinstance(value, str):
            raise CredentialError(f"{name} in the {what} {path} must be a string: {fix}", path=path)
    present = [not _blank(value) for value in values]
    if all(present):
        return values[0], values[1]
    if any(present):
        missing = names[present.index(False)]
        raise CredentialError(f"the {what} {path} has {names[present.index(True)]} but no {missing}: {fix}", path=path)
    return None, None


def _optional_str(data, name, path, what):
    value = data.get(name)
    if _blank(value):
        return None
    if not isinstance(value, str):
        raise CredentialError(f"{name} in the {what} {path} must be a string", path=path)
    return value


def from_tccli_profile(settings, tried, on_secret):
    """Source 2: tccli's <shared_credentials_dir>/<profile>.credential (JSON)."""
    path = settings.profile_path
    what = "tccli profile file"
    label = f"the tccli profile {settings.profile_name} ({path})"
    if not os.path.exists(path):
        if settings.profile_asked:
            asked = settings.profile_origin or settings.shared_dir_origin
            raise CredentialError(
                f"the tccli profile {settings.profile_name!r} was asked for ({asked}) but {path} does not exist: "
                f"run tccli configure --profile {settings.profile_name}, "
                "or fix profile / shared_credentials_dir",
                path=path,
            )
        tried.append(f"{label} (no such file)")
        return None
    text = _read_text(path, what, settings.warnings)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CredentialError(
            "the {} {} is not valid JSON ({} at line {}): fix it or run tccli configure".format(
                what, path, getattr(exc, "msg", "syntax error"), getattr(exc, "lineno", "?")
            ),
            path=path,
        )
    except RecursionError:
        raise CredentialError(
            f"the {what} {path} is not a tccli profile (its JSON is nested too deeply): fix it or run tccli configure",
            path=path,
        )
    if not isinstance(data, dict):
        raise CredentialError(f"the {what} {path} must hold a JSON object with secretId and secretKey", path=path)
    secret_id, secret_key = _pair(
        [data.get("secretId"), data.get("secretKey")],
        ["secretId", "secretKey"],
        path,
        what,
        "add it (tccli configure) or remove the file",
    )
    if secret_id is None:
        if settings.profile_asked:
            raise CredentialError(
                f"the {what} {path} has no secretId and secretKey: run tccli configure --profile {settings.profile_name}",
                path=path,
            )
        tried.append(f"{label} (no secretId/secretKey in it)")
        return None
    token = _optional_str(data, "token", path, what)
    on_secret(secret_key)
    if token:
        on_secret(token)
    _check_file_secrets((("secretId", secret_id), ("secretKey", secret_key), ("token", token)), what, path)
    return Found(
        Credentials(secret_id, secret_key, token, source=label, label=f"profile {settings.profile_name}"),
        role_arn=_optional_str(data, "role-arn", path, what),
        role_session_name=_optional_str(data, "role-session-name", path, what),
    )


def _check_file_secrets(fields, what, path):
    for name, value in fields:
        problem = secret_value_problem(name, value, f" in the {what} {path}")
        if problem:
            raise CredentialError(problem, path=path)


def _ini_line(exc):
    line = getattr(exc, "lineno", None)
    if line is None and getattr(exc, "errors", None):
        line = exc.errors[0][0]
    return f" at line {line}" if line is not None else ""


def from_sdk_files(settings, tried, on_secret):
    """Source 3: the SDK's INI files, section [default]; the first that holds a pair wins."""
    what = "SDK credentials file"
    for path in settings.sdk_files:
        label = f"the {what} {path}"
        if not os.path.exists(path):
            tried.append(f"{label} (no such file)")
            continue
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(_read_text(path, what, settings.warnings), source=path)
        except configparser.Error as exc:
            # The parser's own message quotes the offending line, which may hold a secret.
            raise CredentialError(
                f"the {what} {path} is not a valid INI file ({type(exc).__name__}{_ini_line(exc)}): fix it; it needs a [default] section with secret_id and "
                "secret_key",
                path=path,
            )
        if not parser.has_section("default"):
            tried.append(f"{label} (no [default] section)")
            continue
        section = parser["default"]
        secret_id, secret_key = _pair(
            [section.get("secret_id"), section.get("secret_key")],
            ["secret_id", "secret_key"],
            path,
            what,
            "add it to the [default] section or remove the file",
        )
        if secret_id is None:
            tried.append(f"{label} (no secret_id/secret_key in [default])")
            continue
        secret_id, secret_key = secret_id.strip(), secret_key.strip()
        token = (section.get("token") or "").strip() or None
        on_secret(secret_key)
        if token:
            on_secret(token)
        _check_file_secrets((("secret_id", secret_id), ("secret_key", secret_key), ("token", token)), what, path)
        return Found(
            Credentials(secret_id, secret_key, token, source=label, label=f"file {path}"),
            role_arn=(section.get("role_arn") or "").strip() or None,
            role_session_name=(section.get("role_session_name") or "").strip() or None,
        )
    return None


def from_cvm_role(settings, tried, on_secret, clock):
    """Source 4: the CVM instance's CAM role, when asked for."""
    if not settings.cvm_role:
        tried.append("the CVM role (not requested: set cvm_role or TENCENTCLOUD_CAM_ROLE_NAME on a CVM instance)")
        return None
    metadata = MetadataService(
        settings.metadata_url, timeout=settings.timeout, verify=settings.verify, retries=settings.retries
    )
    fetch = CvmRoleFetcher(metadata, settings.cvm_role, on_secret, clock=clock)
    return Found(
        RefreshingCredentials(
            fetch,
            f"the CVM role {settings.cvm_role} (metadata service {metadata.base_url})",
            clock=clock,
            label=f"CVM role {settings.cvm_role}",
        )
    )


SOURCES = (from_explicit, from_tccli_profile, from_sdk_files)


def _shadow_warnings(settings, found):
    """Sources the user named that lost on precedence: worth a warning, since they are silently unused."""
    warnings = []
    source = found.credentials.source
    if settings.profile_asked and not source.startswith("the tccli profile"):
        warnings.append(
            f"The tccli profile {settings.profile_name} ({settings.profile_origin or settings.shared_dir_origin}) "
            f"is not used: the credentials from {source} take precedence."
        )
    if settings.cvm_role and not source.startswith("the CVM role"):
        warnings.append(
            f"cvm_role {settings.cvm_role} ({settings.cvm_role_origin}) is not used: the credentials from {source} take precedence."
        )
    return warnings


def _nothing_found(tried):
    return CredentialError(
        "No Tencent Cloud credentials found; tried, in order: {}. Give secret_id and secret_key (or set TENCENTCLOUD_SECRET_ID and "
        "TENCENTCLOUD_SECRET_KEY), write a profile with tccli configure, or set cvm_role on a CVM instance with a CAM role.".format(
            "; ".join(tried)
        )
    )


def resolve_credentials(params, environ=None, sdk_files=None, on_secret=None, clock=time.time, sts_session=None):
    """Walk the credential chain once; returns credentials with secret_id, secret_key, token and current().

    params: a module's params (the shared connection options); environ: the environment
    (default os.environ); sdk_files: the SDK's INI files to try (default the SDK's two);
    on_secret(value): called with every secret found or fetched (modules add them to no_log).
    Temporary credentials (CVM role, AssumeRole) are fetched here, so that an unusable role
    fails the task before any API call. Raises CredentialError or a TencentError.
    """
    on_secret = on_secret or (lambda value: None)
    settings = params if isinstance(params, ChainSettings) else ChainSettings(params, environ, sdk_files)
    problems = setting_problems(settings)
    if problems:
        raise CredentialError("; ".join(problems))
    tried = []
    found = None
    for source in SOURCES:
        found = source(settings, tried, on_secret)
        if found is not None:
            break
    if found is None:
        found = from_cvm_role(settings, tried, on_secret, clock)
    if found is None:
        raise _nothing_found(tried)
    credentials = found.credentials
    role_arn = settings.role_arn or found.role_arn
    if role_arn:
        if not ROLE_ARN_PATTERN.fullmatch(role_arn):
            raise CredentialError(
                f"the role-arn {role_arn!r} in {credentials.source} is not a CAM role ARN: use qcs::cam::uin/<account uin>:roleName/<role name>"
            )
        session_name = settings.role_session_name or found.role_session_name or DEFAULT_ROLE_SESSION_NAME
        sts = StsClient(
            credentials,
            endpoint=settings.sts_endpoint,
            timeout=settings.timeout,
            retry_policy=RetryPolicy(retries=settings.retries),
            validate_certs=settings.verify is not False,
            ca_path=settings.verify if isinstance(settings.verify, str) else None,
            region=settings.region,
            pool_size=1,
            session=sts_session,
            clock=clock,
        )
        label = f"assumed role {role_arn} (with the credentials from {credentials.label})"
        fetch = AssumeRoleFetcher(
            sts, role_arn, session_name, settings.role_duration, credentials.source, on_secret, clock=clock, label=label
        )
        credentials = RefreshingCredentials(
            fetch,
            f"the role {role_arn} (assumed with the credentials from {credentials.source})",
            clock=clock,
            label=label,
        )
    credentials.current()
    credentials.warnings = settings.warnings + _shadow_warnings(settings, found)
    return credentials

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
  (an id without a key, a token without a pair in the options or the environment, a file with
  secretId but no secretKey) is an error naming what is missing, never a silent fall-through:
  the next source could belong to another account. A file with a token and neither of the pair
  holds no credentials: it is skipped, like a file without any.
- A source the user asked for by name (profile, shared_credentials_dir, cvm_role) that cannot
  be used is an error; the default profile and the SDK files are simply skipped when absent.
- Temporary credentials from the CVM role or from AssumeRole are fetched once and fetched again
  when they near expiry (thread-safe: one fetch however many workers sign at that moment).
- No secret (SecretKey, token) is ever part of a message, repr() or str().

The settings come from _settings.ConnectionSettings (read and checked once per task); the fetched,
expiring credentials (CVM role, AssumeRole) from _temporary_credentials.py, kept fresh by _refreshing_credentials.py.
"""

import configparser
import json
import os
import stat
import time

from ansible_collections.tencent.cloud.plugins.module_utils._credential_types import (
    CredentialError,
    Credentials,
    secret_value_problem,
)
from ansible_collections.tencent.cloud.plugins.module_utils._settings import (
    DEFAULT_ROLE_SESSION_NAME,
    ENV,
    ROLE_ARN_PATTERN,
    ConnectionSettings,
    is_blank,
)
from ansible_collections.tencent.cloud.plugins.module_utils._temporary_credentials import (
    assumed_role_credentials,
    cvm_role_credentials,
)

# The SDK's INI files, in the order tried (tests point the second one elsewhere).
SDK_CREDENTIAL_FILES = ("~/.tencentcloud/credentials", "/etc/tencentcloud/credentials")
# A credentials file is a few hundred bytes; anything this large is not one (and is not read).
MAX_CREDENTIAL_FILE_BYTES = 64 * 1024


class Found:
    """What one source gave: credentials, and the role it names (profile files may name one)."""

    def __init__(self, credentials, role_arn=None, role_session_name=None):
        self.credentials = credentials
        self.role_arn = role_arn
        self.role_session_name = role_session_name


def from_explicit(settings, tried, on_secret):
    """Source 1: the options, each falling back to its environment variable."""
    if settings.explicit_problems:
        raise CredentialError("; ".join(settings.explicit_problems))
    if not settings.secret_id:
        tried.append("the options secret_id/secret_key (not set)")
        tried.append(f"the environment {ENV['secret_id'][0]}/{ENV['secret_key'][0]} (not set)")
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
        ) from exc
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
                f"the {what} {path} is {info.st_size} bytes, larger than any credentials file (at most {MAX_CREDENTIAL_FILE_BYTES}): "
                "check the path",
                path=path,
            )
        try:
            data = handle.read(MAX_CREDENTIAL_FILE_BYTES + 1)
        except OSError as exc:
            raise CredentialError(
                f"cannot read the {what} {path} ({exc.strerror or type(exc).__name__}): fix its permissions or remove it",
                path=path,
            ) from exc
    if len(data) > MAX_CREDENTIAL_FILE_BYTES:
        raise CredentialError(
            f"the {what} {path} is larger than any credentials file (at most {MAX_CREDENTIAL_FILE_BYTES} bytes): check the path",
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
        # The decoder's message quotes the bytes around the fault, which may be part of a secret.
        raise CredentialError(
            f"the {what} {path} is not UTF-8 text: rewrite it (for example with tccli configure)", path=path
        ) from None


def _pair(values, names, path, what, fix):
    """(id, key) from a file's fields; both empty gives (None, None); half a pair is an error."""
    for name, value in zip(names, values):
        if value is not None and not isinstance(value, str):
            raise CredentialError(f"{name} in the {what} {path} must be a string: {fix}", path=path)
    present = [not is_blank(value) for value in values]
    if all(present):
        return values[0], values[1]
    if any(present):
        missing = names[present.index(False)]
        raise CredentialError(f"the {what} {path} has {names[present.index(True)]} but no {missing}: {fix}", path=path)
    return None, None


def _optional_str(data, name, path, what):
    value = data.get(name)
    if is_blank(value):
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
        # Only the parser's reason and line are shown: its full text (and the document it holds) may quote a secret.
        raise CredentialError(
            f"the {what} {path} is not valid JSON ({getattr(exc, 'msg', 'syntax error')} at line {getattr(exc, 'lineno', '?')}): "
            "fix it or run tccli configure",
            path=path,
        ) from None
    except RecursionError:
        raise CredentialError(
            f"the {what} {path} is not a tccli profile (its JSON is nested too deeply): fix it or run tccli configure",
            path=path,
        ) from None
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
    paths = settings.sdk_files
    if paths is None:
        paths = [os.path.expanduser(path) for path in SDK_CREDENTIAL_FILES]
    for path in paths:
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
            ) from None
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


def from_cvm_role(settings, tried, on_secret, clock, bound=None):
    """Source 4: the CVM instance's CAM role, when asked for."""
    if not settings.cvm_role:
        tried.append(f"the CVM role (not requested: set cvm_role or {ENV['cvm_role'][0]} on a CVM instance)")
        return None
    return Found(cvm_role_credentials(settings, on_secret, clock=clock, bound=bound))


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
    id_variable, key_variable = ENV["secret_id"][0], ENV["secret_key"][0]
    return CredentialError(
        f"No Tencent Cloud credentials found; tried, in order: {'; '.join(tried)}. Give secret_id and secret_key (or set {id_variable} and "
        f"{key_variable}), write a profile with tccli configure, or set cvm_role on a CVM instance with a CAM role."
    )


def resolve_credentials(
    params, environ=None, sdk_files=None, on_secret=None, clock=time.time, sts_session=None, bound=None
):
    """Walk the credential chain once; returns credentials with secret_id, secret_key, token and current().

    params: the task's ConnectionSettings, or a module's params (the shared connection options) to
    read them from, with environ (default os.environ) and sdk_files (the SDK's INI files to try;
    default the SDK's two); on_secret(value): called with every secret found or fetched (modules add
    them to no_log). Temporary credentials (CVM role, AssumeRole) are fetched here, so that an
    unusable role fails the task before any API call. Raises CredentialError or a TencentError.
    bound: the task's TaskBound, which the fetches of temporary credentials (STS, metadata) consult.
    """
    on_secret = on_secret or (lambda value: None)
    settings = params if isinstance(params, ConnectionSettings) else ConnectionSettings(params, environ, sdk_files)
    if settings.option_problems:
        raise CredentialError("; ".join(settings.option_problems))
    tried = []
    found = None
    for source in SOURCES:
        found = source(settings, tried, on_secret)
        if found is not None:
            break
    if found is None:
        found = from_cvm_role(settings, tried, on_secret, clock, bound)
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
        credentials = assumed_role_credentials(
            credentials, role_arn, session_name, settings, on_secret, clock=clock, session=sts_session, bound=bound
        )
    credentials.current()
    credentials.warnings = settings.warnings + _shadow_warnings(settings, found)
    return credentials

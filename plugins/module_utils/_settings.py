# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A task's connection settings, read once: the connection options' environment variables and
defaults (the one place of both), endpoint parsing, and ConnectionSettings -- every connection
option from a module's params and the environment, parsed and checked once, then handed to the
credential chain and the clients.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.
"""

import ipaddress
import os
import re
from urllib.parse import urlsplit

from ansible_collections.tencent.cloud.plugins.module_utils._credential_types import secret_value_problem

# The environment variables of each option, first found first: the modules' fallbacks (_args.py)
# and the credential chain both read these. An empty value counts as unset.
ENV = {
    "secret_id": ("TENCENTCLOUD_SECRET_ID",),
    "secret_key": ("TENCENTCLOUD_SECRET_KEY",),
    "session_token": ("TENCENTCLOUD_TOKEN", "TENCENTCLOUD_SECURITY_TOKEN"),
    "region": ("TENCENTCLOUD_REGION",),
    "endpoint": ("TENCENTCLOUD_LIVE_ENDPOINT",),
    "profile": ("TENCENTCLOUD_PROFILE", "TCCLI_PROFILE"),
    "shared_credentials_dir": ("TENCENTCLOUD_SHARED_CREDENTIALS_DIR",),
    "cvm_role": ("TENCENTCLOUD_CAM_ROLE_NAME",),
    "role_arn": ("TENCENTCLOUD_ROLE_ARN", "TENCENTCLOUD_ASSUME_ROLE_ARN"),
    "role_session_name": ("TENCENTCLOUD_ROLE_SESSION_NAME", "TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME"),
    "role_duration": ("TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION",),
    "sts_endpoint": ("TENCENTCLOUD_STS_ENDPOINT",),
    "metadata_url": ("TENCENTCLOUD_METADATA_URL",),
    "ca_path": ("TENCENTCLOUD_CA_PATH",),
}

# Ambient CA bundles requests would honour through trust_env, which our sessions switch off: used when neither
# ca_path nor TENCENTCLOUD_CA_PATH is set.
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")

# Defaults: the argument spec (_args.py) and the clients take them from here; the doc fragment
# repeats them for the user, and ansible-test validate-modules checks the two agree.
DEFAULT_ENDPOINT = "https://live.tencentcloudapi.com"
DEFAULT_STS_ENDPOINT = "https://sts.tencentcloudapi.com"
DEFAULT_METADATA_URL = "http://metadata.tencentyun.com"
# X-TC-Language: Tencent's messages in English unless the user asks for zh-CN.
LANGUAGES = ("en-US", "zh-CN")
DEFAULT_LANGUAGE = "en-US"
DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 5
DEFAULT_PROFILE = "default"
DEFAULT_SHARED_CREDENTIALS_DIR = "~/.tccli"
CVM_ROLE_AUTO = "auto"
DEFAULT_ROLE_SESSION_NAME = "ansible-tencent-cloud"
DEFAULT_ROLE_DURATION = 7200
MIN_ROLE_DURATION = 900
MAX_ROLE_DURATION = 43200

PROFILE_PATTERN = re.compile(r"[A-Za-z0-9_.@+=,-]+")
CAM_NAME_PATTERN = re.compile(r"[A-Za-z0-9_+=,.@-]{1,128}")
ROLE_SESSION_NAME_PATTERN = re.compile(r"[A-Za-z0-9_+=,.@-]{2,128}")
ROLE_ARN_PATTERN = re.compile(r"qcs::cam::uin/[0-9]+:role(?:Name)?/\S+")


def is_loopback_host(host):
    """True for localhost and the loopback addresses (127.0.0.0/8, ::1): this machine only."""
    host = (host or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_endpoint(
    value,
    option="endpoint",
    example="live.tencentcloudapi.com",
    default_scheme="https",
    path_reason="the API is always POST / on the host",
    plain_http_anywhere=False,
):
    """Turn a host or URL into (base URL, Host header). Raises ValueError naming ``option`` and the fix.

    Plain http:// is accepted only for a loopback host (a local emulator), unless plain_http_anywhere
    (the CVM metadata service, which Tencent serves over plain HTTP inside its network): anywhere else
    the session token, the signed (replayable) requests and STS-issued secrets would travel in clear text.
    """
    text = (value or "").strip()
    if not text:
        raise ValueError(
            f"{option} is empty: give a host such as {example} or a URL such as {default_scheme}://{example}"
        )
    if "://" not in text:
        text = default_scheme + "://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        # exc says what is wrong with the URL, which is the user's own option value: no secret.
        raise ValueError(f"{option} {value!r} is not a valid host or URL ({exc})") from exc
    if parts.scheme not in ("http", "https"):
        raise ValueError(
            f"{option} {value!r} uses the scheme {parts.scheme!r}: only http:// and https:// are supported"
        )
    host = parts.hostname
    if not host or any(ch.isspace() for ch in parts.netloc) or parts.username or parts.password:
        raise ValueError(
            f"{option} {value!r} has no valid host name: use a host such as {example} or a URL such as http://127.0.0.1:8080"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"{option} {value!r} must not have a path or query: {path_reason}")
    if parts.scheme == "http" and not plain_http_anywhere and not is_loopback_host(host):
        raise ValueError(
            f"{option} {value!r} uses plain http:// to a host that is not this machine: credentials and signed requests would travel in "
            f"clear text; use https://{parts.netloc} (and give ca_path for a private CA). Plain http:// is accepted only for a local "
            "emulator on 127.0.0.1, ::1 or localhost"
        )
    netloc = parts.netloc.lower()
    if port is not None and (parts.scheme, port) in (("https", 443), ("http", 80)):
        netloc = netloc.rsplit(":", 1)[0]
    return f"{parts.scheme}://{netloc}/", netloc


def is_blank(value):
    return value is None or (isinstance(value, str) and value.strip() == "")


def tls_verify(validate_certs, ca_path, environ):
    """requests' verify for every call of a task: False without checks, else ca_path (the option or
    TENCENTCLOUD_CA_PATH), else the bundle of REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE in environ, else True."""
    if not validate_certs:
        return False
    ambient = next((environ[name] for name in CA_BUNDLE_VARIABLES if not is_blank(environ.get(name))), None)
    return ca_path or ambient or True


def setting(params, environ, option, env_names=None):
    """(value, origin) of one setting: the option, else the first non-empty variable, else (None, None).

    origin is the variable's name when the value is the variable's (a module's params already hold
    the fallback value), else ``option <name>``. env_names default to the option's ENV entry.
    """
    value = params.get(option)
    env_names = ENV.get(option, ()) if env_names is None else env_names
    from_env = next(((name, environ[name]) for name in env_names if not is_blank(environ.get(name))), (None, None))
    if is_blank(value):
        return (from_env[1], from_env[0]) if from_env[0] else (None, None)
    if from_env[0] and value == from_env[1]:
        return value, from_env[0]
    return value, f"option {option}"


def _origin_text(origin):
    return f" (from {origin})" if origin else ""


def _parsed(value, option, example, scheme, problems):
    """parse_endpoint for sts_endpoint and metadata_url: the (url, host) pair, or None and a problem."""
    try:
        return parse_endpoint(
            value,
            option=option,
            example=example,
            default_scheme=scheme,
            path_reason="give only the scheme, host and port",
            plain_http_anywhere=option == "metadata_url",
        )
    except ValueError as exc:
        problems.append(str(exc))
        return None


class ConnectionSettings:
    """Every connection option of one task, from a module's params and the environment, read once.

    Built once per task (TencentModule.check_connection) and passed to the credential chain and the
    clients. Problems found while reading are kept, in the order they are reported: explicit_problems
    (half a pair, an unusable secret value), option_problems (the credential chain's options) and
    endpoint_problems; _args.connection_problems adds the checks of the remaining options.
    sdk_files: the SDK's INI files to try (None: the chain's default files).
    """

    def __init__(self, params, environ=None, sdk_files=None):
        environ = os.environ if environ is None else environ
        self.secret_id, self.secret_id_origin = setting(params, environ, "secret_id")
        self.secret_key, self.secret_key_origin = setting(params, environ, "secret_key")
        self.token, self.token_origin = setting(params, environ, "session_token")
        self.profile, self.profile_origin = setting(params, environ, "profile")
        shared_dir, self.shared_dir_origin = setting(params, environ, "shared_credentials_dir")
        self.shared_dir = os.path.expanduser(shared_dir or DEFAULT_SHARED_CREDENTIALS_DIR)
        self.cvm_role, self.cvm_role_origin = setting(params, environ, "cvm_role")
        self.role_arn, self.role_arn_origin = setting(params, environ, "role_arn")
        self.role_session_name = setting(params, environ, "role_session_name")[0]
        duration = setting(params, environ, "role_duration")[0]
        try:
            self.role_duration = int(duration) if duration is not None else DEFAULT_ROLE_DURATION
        except (TypeError, ValueError):
            self.role_duration = duration
        self.sts_endpoint = setting(params, environ, "sts_endpoint")[0] or DEFAULT_STS_ENDPOINT
        self.metadata_url = setting(params, environ, "metadata_url")[0] or DEFAULT_METADATA_URL
        self.sdk_files = None if sdk_files is None else [os.path.expanduser(path) for path in sdk_files]
        self.endpoint = setting(params, environ, "endpoint")[0]
        self.region = setting(params, environ, "region")[0] or None
        self.language = params.get("language") or DEFAULT_LANGUAGE
        timeout = params.get("timeout")
        self.timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        retries = params.get("retries")
        self.retries = DEFAULT_RETRIES if retries is None else retries
        self.validate_certs = params.get("validate_certs") is not False
        self.ca_path, self.ca_path_origin = setting(params, environ, "ca_path")
        # requests' verify for the credential chain's own calls (the metadata service), as for the Live API and STS
        self.verify = tls_verify(self.validate_certs, self.ca_path, environ)
        self.task_timeout = params.get("task_timeout")
        self.max_transport_failures = params.get("max_transport_failures")
        self.rate_limits = params.get("rate_limits")
        # Things the user should know about the files read (for example: readable by others).
        self.warnings = []
        self.explicit_problems = self._explicit_problems()
        self.option_problems = []
        self._check_chain_options(self.option_problems)
        self.sts = _parsed(self.sts_endpoint, "sts_endpoint", "sts.tencentcloudapi.com", "https", self.option_problems)
        self.metadata = _parsed(
            self.metadata_url, "metadata_url", "metadata.tencentyun.com", "http", self.option_problems
        )
        self.endpoint_problems = []
        try:
            # self.api: the (base URL, Host header) pair of the Live API endpoint.
            self.api = parse_endpoint(self.endpoint)
        except ValueError as exc:
            self.api = None
            self.endpoint_problems.append(str(exc))

    def __repr__(self):
        # Holds secret_key and the token: never shown, like Credentials.
        return f"ConnectionSettings(secret_id={self.secret_id!r}, endpoint={self.endpoint!r}, profile={self.profile!r})"

    __str__ = __repr__

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

    def _explicit_origins(self):
        return {origin for origin in (self.secret_id_origin, self.secret_key_origin, self.token_origin) if origin}

    def explicit_label(self):
        """credential_source of source 1: options, environment, or options and environment."""
        kinds = {"options" if origin.startswith("option ") else "environment" for origin in self._explicit_origins()}
        return " and ".join(kind for kind in ("options", "environment") if kind in kinds)

    def explicit_origin(self):
        origins = self._explicit_origins()
        variables = sorted(origin for origin in origins if not origin.startswith("option "))
        if variables and len(variables) < len(origins):
            return f"the options and the environment ({', '.join(variables)})"
        if variables:
            return f"the environment ({', '.join(variables)})"
        return "the options"

    def _explicit_problems(self):
        """Half a pair given by the options or the environment, or an unusable value: what is wrong, and the fix."""
        problems = []
        for option, value, origin in (
            ("secret_id", self.secret_id, self.secret_id_origin),
            ("secret_key", self.secret_key, self.secret_key_origin),
            ("session_token", self.token, self.token_origin),
        ):
            where = f" (from {origin})" if origin and not origin.startswith("option ") else ""
            problem = secret_value_problem(option, value, where)
            if problem:
                problems.append(problem)
        id_variable, key_variable = ENV["secret_id"][0], ENV["secret_key"][0]
        if self.secret_id and not self.secret_key:
            problems.append(
                f"secret_key is not set: give secret_key or set {key_variable} (secret_id is set{_origin_text(self.secret_id_origin)}, so no other "
                "credential source is used)"
            )
        elif self.secret_key and not self.secret_id:
            problems.append(
                f"secret_id is not set: give secret_id or set {id_variable} (secret_key is set{_origin_text(self.secret_key_origin)}, so no other "
                "credential source is used)"
            )
        elif self.token and not self.secret_id:
            problems.append(
                f"session_token is set{_origin_text(self.token_origin)} but secret_id and secret_key are not: give them (or set {id_variable} and "
                f"{key_variable}) with the token, or unset the token to use another credential source"
            )
        return problems

    def _check_chain_options(self, problems):
        """Local checks of the credential chain's options, each naming the option and the fix."""
        if self.profile is not None and not PROFILE_PATTERN.fullmatch(self.profile):
            problems.append(
                f"profile {self.profile!r} is not a tccli profile name: use a name such as default or prod (letters, digits and _.@+=,-; "
                "no path)"
            )
        if self.cvm_role is not None and not CAM_NAME_PATTERN.fullmatch(self.cvm_role):
            problems.append(
                f"cvm_role {self.cvm_role!r} is not a CAM role name: give the name of the role bound to the CVM instance (1 to 128 letters, "
                f"digits and +=,.@_-), or {CVM_ROLE_AUTO} to use whichever role is bound"
            )
        if self.role_arn is not None and not ROLE_ARN_PATTERN.fullmatch(self.role_arn):
            problems.append(
                f"role_arn {self.role_arn!r} is not a CAM role ARN: use qcs::cam::uin/<account uin>:roleName/<role name>"
            )
        if self.role_session_name is not None and not ROLE_SESSION_NAME_PATTERN.fullmatch(self.role_session_name):
            problems.append(
                f"role_session_name {self.role_session_name!r} must be 2 to 128 letters, digits and +=,.@_-"
            )
        duration = self.role_duration
        is_int = isinstance(duration, int) and not isinstance(duration, bool)
        if not is_int or not MIN_ROLE_DURATION <= duration <= MAX_ROLE_DURATION:
            problems.append(
                f"role_duration must be a number of seconds between {MIN_ROLE_DURATION} and {MAX_ROLE_DURATION}, got {duration!r}"
            )
        # sts_endpoint and metadata_url are checked as they are parsed (see _parsed); metadata_url may be
        # plain http:// anywhere: Tencent serves the CVM metadata service only over plain HTTP
        # (http://metadata.tencentyun.com), reachable only from inside the instance's network.

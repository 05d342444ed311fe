# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The connection options every tencent.cloud module shares, and their validation.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.
Documented once, in the doc fragment tencent.cloud.tencent.
"""

import math
import os

from ansible.module_utils.basic import AnsibleFallbackNotFound

from ansible_collections.tencent.cloud.plugins.module_utils._proxies import proxy_problem
from ansible_collections.tencent.cloud.plugins.module_utils._quotas import DEFAULT_QUOTAS
from ansible_collections.tencent.cloud.plugins.module_utils._settings import (
    DEFAULT_ENDPOINT,
    DEFAULT_LANGUAGE,
    DEFAULT_METADATA_URL,
    DEFAULT_RETRIES,
    DEFAULT_ROLE_DURATION,
    DEFAULT_STS_ENDPOINT,
    DEFAULT_TIMEOUT,
    ENV,
    LANGUAGES,
    ConnectionSettings,
)

MAX_RETRIES = 50
# Seconds per HTTP request: anything longer is a hung endpoint, not a slow one.
MAX_TIMEOUT = 600
# Requests per second per action: far above any Tencent quota, so only typos and .inf are stopped.
MAX_RATE_LIMIT = 100000
# Streams of a batch worked on at once (modules' concurrency option).
MAX_CONCURRENCY = 256
# task_timeout: the whole task's run time, in seconds (default one hour, at most a day).
DEFAULT_TASK_TIMEOUT = 3600
MAX_TASK_TIMEOUT = 86400
# concurrency (of the batch modules): the upper bound of streams in flight; the working figure follows
# the measured latency (see _batch.InflightGate). Also the size of the HTTP connection pool.
DEFAULT_CONCURRENCY = 200
# max_transport_failures: streams in a row failing without an answer that stop a batch.
DEFAULT_MAX_TRANSPORT_FAILURES = 10


def env_fallback_nonempty(*names):
    """Like Ansible's env_fallback, but an empty value counts as unset.

    AWX injects optional credential fields as empty strings; those must not shadow the next
    source (or turn into an empty secret).
    """
    for name in names:
        value = os.environ.get(name)
        if value is not None and value.strip() != "":
            return value
    raise AnsibleFallbackNotFound


def _from_env(option):
    """The fallback of an option: its environment variables (_settings.ENV), empty values unset."""
    return (env_fallback_nonempty, list(ENV[option]))


def connection_argument_spec():
    return dict(
        secret_id=dict(type="str", no_log=False, fallback=_from_env("secret_id")),
        secret_key=dict(type="str", no_log=True, fallback=_from_env("secret_key")),
        session_token=dict(
            type="str", no_log=True, aliases=["token", "security_token"], fallback=_from_env("session_token")
        ),
        region=dict(type="str", fallback=_from_env("region")),
        endpoint=dict(type="str", default=DEFAULT_ENDPOINT, fallback=_from_env("endpoint")),
        timeout=dict(type="float", default=DEFAULT_TIMEOUT),
        retries=dict(type="int", default=DEFAULT_RETRIES),
        task_timeout=dict(type="float", default=DEFAULT_TASK_TIMEOUT),
        max_transport_failures=dict(type="int", default=DEFAULT_MAX_TRANSPORT_FAILURES),
        language=dict(type="str", default=DEFAULT_LANGUAGE, choices=list(LANGUAGES)),
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path", fallback=_from_env("ca_path")),
        rate_limits=dict(type="dict"),
        # The credential chain (plugins/module_utils/_credentials.py): where credentials come from
        # when secret_id/secret_key are not given, and the role assumed on top.
        profile=dict(type="str", fallback=_from_env("profile")),
        shared_credentials_dir=dict(type="path", fallback=_from_env("shared_credentials_dir")),
        cvm_role=dict(type="str", fallback=_from_env("cvm_role")),
        role_arn=dict(type="str", no_log=False, fallback=_from_env("role_arn")),
        role_session_name=dict(type="str", no_log=False, fallback=_from_env("role_session_name")),
        role_duration=dict(type="int", default=DEFAULT_ROLE_DURATION, fallback=_from_env("role_duration")),
        sts_endpoint=dict(type="str", default=DEFAULT_STS_ENDPOINT, fallback=_from_env("sts_endpoint")),
        metadata_url=dict(type="str", default=DEFAULT_METADATA_URL, fallback=_from_env("metadata_url")),
    )


def with_connection_spec(module_spec):
    """The module's own argument spec plus the shared connection options."""
    spec = connection_argument_spec()
    spec.update(module_spec)
    return spec


def connection_problems(params):
    """Every problem with the connection options, each naming the option and the fix.

    params: the task's ConnectionSettings, or a module's params to read them from. Credentials
    are not required here: when secret_id/secret_key are not set, the credential chain looks
    further (profile files, the CVM role). Half a pair is a problem, though.
    """
    settings = params if isinstance(params, ConnectionSettings) else ConnectionSettings(params)
    problems = settings.explicit_problems + settings.option_problems + settings.endpoint_problems
    timeout = settings.timeout
    if not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
        problems.append(f"timeout must be a number of seconds greater than 0 and at most {MAX_TIMEOUT}, got {timeout}")
    problems.extend(ca_path_problems(settings.ca_path, settings.ca_path_origin))
    retries = settings.retries
    if not 0 <= retries <= MAX_RETRIES:
        problems.append(f"retries must be between 0 and {MAX_RETRIES}, got {retries}")
    task_timeout = settings.task_timeout
    if task_timeout is not None and not 0 < task_timeout <= MAX_TASK_TIMEOUT:
        problems.append(
            f"task_timeout must be a number of seconds greater than 0 and at most {MAX_TASK_TIMEOUT} (a day), got {task_timeout}"
        )
    max_failures = settings.max_transport_failures
    if max_failures is not None and max_failures < 0:
        problems.append(f"max_transport_failures must be 0 (never stop) or more, got {max_failures}")
    problems.extend(rate_limit_problems(settings.rate_limits))
    # A proxy URL the calls would go through that cannot be parsed (STS's: when a role is assumed).
    endpoints = [("endpoint", settings.api), ("sts_endpoint", settings.sts if settings.role_arn else None)]
    proxy_problems = [proxy_problem(parsed[0], option) for option, parsed in endpoints if parsed]
    problems.extend(dict.fromkeys(problem for problem in proxy_problems if problem))
    return problems


def ca_path_problems(ca_path, origin=None):
    """ca_path must name a readable file (or a directory of hashed certificates, as requests allows); origin: the
    variable it came from (TENCENTCLOUD_CA_PATH), if it did."""
    if ca_path is None:
        return []
    named = f"ca_path {ca_path}" + (f" (from {origin})" if origin and not origin.startswith("option ") else "")
    if not os.path.exists(ca_path):
        return [f"{named} does not exist: give the path of a PEM CA bundle"]
    if not os.path.isfile(ca_path) and not os.path.isdir(ca_path):
        return [f"{named} is not a file: give the path of a PEM CA bundle"]
    if not os.access(ca_path, os.R_OK):
        return [f"{named} is not readable by the user running the module: fix its permissions"]
    return []


def concurrency_problem(concurrency):
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        return f"concurrency must be between 1 and {MAX_CONCURRENCY}, got {int(concurrency)}"
    return None


def rate_limit_problems(rate_limits):
    problems = []
    for action, value in (rate_limits or {}).items():
        if action not in DEFAULT_QUOTAS:
            problems.append(
                f"rate_limits has an unknown action {action!r}: use one of {', '.join(sorted(DEFAULT_QUOTAS))}"
            )
            continue
        try:
            number = 0 if isinstance(value, bool) else float(value)
        except (TypeError, ValueError):
            number = 0
        if not (math.isfinite(number) and 0 < number <= MAX_RATE_LIMIT):
            problems.append(
                f"rate_limits.{action} must be a number of requests per second greater than 0 and at most {MAX_RATE_LIMIT}, got {value!r}"
            )
    return problems


def parsed_rate_limits(rate_limits):
    return {action: float(value) for action, value in (rate_limits or {}).items()}

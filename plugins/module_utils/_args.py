# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The connection options every tencent.cloud module shares, and their validation.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.
Documented once, in the doc fragment tencent.cloud.tencent.
"""

import math
import os

from ansible.module_utils.basic import AnsibleFallbackNotFound

from ansible_collections.tencent.cloud.plugins.module_utils._client import (
    DEFAULT_ENDPOINT,
    DEFAULT_LANGUAGE,
    DEFAULT_STS_ENDPOINT,
    LANGUAGES,
    parse_endpoint,
)
from ansible_collections.tencent.cloud.plugins.module_utils._credentials import (
    DEFAULT_METADATA_URL,
    DEFAULT_ROLE_DURATION,
    ENV_CVM_ROLE,
    ENV_METADATA_URL,
    ENV_PROFILE,
    ENV_ROLE_ARN,
    ENV_ROLE_DURATION,
    ENV_ROLE_SESSION_NAME,
    ENV_SHARED_CREDENTIALS_DIR,
    ENV_STS_ENDPOINT,
    ChainSettings,
    explicit_credential_problems,
    setting_problems,
)
from ansible_collections.tencent.cloud.plugins.module_utils._quotas import DEFAULT_QUOTAS

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


def connection_argument_spec():
    return dict(
        secret_id=dict(type="str", no_log=False, fallback=(env_fallback_nonempty, ["TENCENTCLOUD_SECRET_ID"])),
        secret_key=dict(type="str", no_log=True, fallback=(env_fallback_nonempty, ["TENCENTCLOUD_SECRET_KEY"])),
        session_token=dict(
            type="str",
            no_log=True,
            aliases=["token", "security_token"],
            fallback=(env_fallback_nonempty, ["TENCENTCLOUD_TOKEN", "TENCENTCLOUD_SECURITY_TOKEN"]),
        ),
        region=dict(type="str", fallback=(env_fallback_nonempty, ["TENCENTCLOUD_REGION"])),
        endpoint=dict(
            type="str", default=DEFAULT_ENDPOINT, fallback=(env_fallback_nonempty, ["TENCENTCLOUD_LIVE_ENDPOINT"])
        ),
        timeout=dict(type="float", default=10.0),
        retries=dict(type="int", default=5),
        task_timeout=dict(type="float", default=DEFAULT_TASK_TIMEOUT),
        max_transport_failures=dict(type="int", default=DEFAULT_MAX_TRANSPORT_FAILURES),
        language=dict(type="str", default=DEFAULT_LANGUAGE, choices=list(LANGUAGES)),
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path"),
        rate_limits=dict(type="dict"),
        # The credential chain (plugins/module_utils/_credentials.py): where credentials come from
        # when secret_id/secret_key are not given, and the role assumed on top.
        profile=dict(type="str", fallback=(env_fallback_nonempty, list(ENV_PROFILE))),
        shared_credentials_dir=dict(type="path", fallback=(env_fallback_nonempty, list(ENV_SHARED_CREDENTIALS_DIR))),
        cvm_role=dict(type="str", fallback=(env_fallback_nonempty, list(ENV_CVM_ROLE))),
        role_arn=dict(type="str", no_log=False, fallback=(env_fallback_nonempty, list(ENV_ROLE_ARN))),
        role_session_name=dict(type="str", no_log=False, fallback=(env_fallback_nonempty, list(ENV_ROLE_SESSION_NAME))),
        role_duration=dict(
            type="int", default=DEFAULT_ROLE_DURATION, fallback=(env_fallback_nonempty, list(ENV_ROLE_DURATION))
        ),
        sts_endpoint=dict(
            type="str", default=DEFAULT_STS_ENDPOINT, fallback=(env_fallback_nonempty, list(ENV_STS_ENDPOINT))
        ),
        metadata_url=dict(
            type="str", default=DEFAULT_METADATA_URL, fallback=(env_fallback_nonempty, list(ENV_METADATA_URL))
        ),
    )


def with_connection_spec(module_spec):
    """The module's own argument spec plus the shared connection options."""
    spec = connection_argument_spec()
    spec.update(module_spec)
    return spec


def connection_problems(params):
    """Every problem with the connection options, each naming the option and the fix.

    Credentials are not required here: when secret_id/secret_key are not set, the credential
    chain looks further (profile files, the CVM role). Half a pair is a problem, though.
    """
    settings = ChainSettings(params)
    problems = explicit_credential_problems(settings) + setting_problems(settings)
    try:
        parse_endpoint(params.get("endpoint"))
    except ValueError as exc:
        problems.append(str(exc))
    timeout = params.get("timeout")
    if timeout is not None and not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
        problems.append(
            "timeout must be a number of seconds greater than 0 and at most %d, got %s" % (MAX_TIMEOUT, timeout)
        )
    problems.extend(ca_path_problems(params.get("ca_path")))
    retries = params.get("retries")
    if retries is not None and not 0 <= retries <= MAX_RETRIES:
        problems.append("retries must be between 0 and %d, got %s" % (MAX_RETRIES, retries))
    task_timeout = params.get("task_timeout")
    if task_timeout is not None and not 0 < task_timeout <= MAX_TASK_TIMEOUT:
        problems.append(
            "task_timeout must be a number of seconds greater than 0 and at most %d (a day), got %s"
            % (MAX_TASK_TIMEOUT, task_timeout)
        )
    max_failures = params.get("max_transport_failures")
    if max_failures is not None and max_failures < 0:
        problems.append(f"max_transport_failures must be 0 (never stop) or more, got {max_failures}")
    problems.extend(rate_limit_problems(params.get("rate_limits")))
    return problems


def ca_path_problems(ca_path):
    """ca_path must name a readable file (or a directory of hashed certificates, as requests allows)."""
    if ca_path is None:
        return []
    if not os.path.exists(ca_path):
        return [f"ca_path {ca_path} does not exist: give the path of a PEM CA bundle"]
    if not os.path.isfile(ca_path) and not os.path.isdir(ca_path):
        return [f"ca_path {ca_path} is not a file: give the path of a PEM CA bundle"]
    if not os.access(ca_path, os.R_OK):
        return [f"ca_path {ca_path} is not readable by the user running the module: fix its permissions"]
    return []


def concurrency_problem(concurrency):
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        return "concurrency must be between 1 and %d, got %d" % (MAX_CONCURRENCY, concurrency)
    return None


def rate_limit_problems(rate_limits):
    problems = []
    for action, value in (rate_limits or {}).items():
        if action not in DEFAULT_QUOTAS:
            problems.append(
                "rate_limits has an unknown action {!r}: use one of {}".format(
                    action, ", ".join(sorted(DEFAULT_QUOTAS))
                )
            )
            continue
        try:
            number = 0 if isinstance(value, bool) else float(value)
        except (TypeError, ValueError):
            number = 0
        if not (math.isfinite(number) and 0 < number <= MAX_RATE_LIMIT):
            problems.append(
                "rate_limits.%s must be a number of requests per second greater than 0 and at most %d, got %r"
                % (action, MAX_RATE_LIMIT, value)
            )
    return problems


def parsed_rate_limits(rate_limits):
    return {action: float(value) for action, value in (rate_limits or {}).items()}

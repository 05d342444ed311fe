# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every tencent.cloud module does the same way: check the connection options, find the
credentials (once per task), build the client, bound the task (task_timeout, its stop) and turn
errors into a failed task.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.
"""

import threading

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.tencent.cloud.plugins.module_utils._args import connection_problems, parsed_rate_limits
from ansible_collections.tencent.cloud.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    LiveClient,
)
from ansible_collections.tencent.cloud.plugins.module_utils._credentials import CredentialError, resolve_credentials
from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentError
from ansible_collections.tencent.cloud.plugins.module_utils._process_watch import process_age
from ansible_collections.tencent.cloud.plugins.module_utils._ratelimit import RateLimits
from ansible_collections.tencent.cloud.plugins.module_utils._settings import ConnectionSettings
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound

try:  # ansible-core 2.22+ masks secrets on the controller from what a module registers (no_log_values is not read)
    from ansible.module_utils.secrets import register_secret
except ImportError:  # before 2.22, exit_json and fail_json mask no_log_values themselves
    register_secret = None


class TencentModule:
    """Wraps an AnsibleModule whose spec includes the shared connection options."""

    def __init__(self, module, pool_size=10):
        self.module = module
        # The task's one bound: task_timeout counts from the start of the module's process (its unpacking and
        # imports included), and the task stops on its own signals or when Ansible gives it up
        # (_process_watch.py). Everything consults it.
        self.bound = TaskBound.after(module.params.get("task_timeout"), elapsed=process_age())
        # The ProcessWatch of the task, while the module runs (StreamBatchModule.main).
        self.watch = None
        self._pool_size = pool_size
        self._client = None
        self._credentials = None
        # The connection options, read and checked once (check_connection).
        self._settings = None
        # Batches build the client from worker threads: build it (and resolve credentials) once.
        self._lock = threading.RLock()

    def fail_on_problems(self, problems, credential_problems=()):
        """Fail the task, before any API call, when the input has problems (all listed at once). When some are
        about the credentials (half a pair, an unusable secret, the credential chain's options), the result has
        a ``failure`` of kind credentials naming them, as for credentials that could not be found."""
        if problems:
            msg = "Invalid options: " + "; ".join(problems)
            if credential_problems:
                failure = CredentialError("; ".join(credential_problems)).failure()
                self.module.fail_json(msg=msg, failure=failure)
            self.module.fail_json(msg=msg)

    def check_connection(self):
        """Read and check the connection options once, then resolve the credentials; fail the task on a problem."""
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        settings = self.settings
        self.fail_on_problems(connection_problems(settings), settings.explicit_problems + settings.option_problems)
        if not self.settings.validate_certs:
            self.module.warn(
                "validate_certs is false: the TLS certificates of the endpoint, of STS (sts_endpoint, when a role is "
                "assumed) and of the CVM metadata service (metadata_url, when it is https://) are not verified."
            )
        # Resolved now, in the main thread: a missing, half or unusable credential source fails the
        # task before any stream is worked on.
        return self.credentials

    def _hide(self, secret):
        """Secrets found in files or fetched (CVM role, STS) are masked in any output, like no_log options."""
        if secret:
            self.module.no_log_values.add(secret)
            if register_secret is not None:
                register_secret(secret)

    @property
    def settings(self):
        """The task's ConnectionSettings, from the module's params and the environment, read once."""
        if self._settings is None:
            with self._lock:
                if self._settings is None:
                    self._settings = ConnectionSettings(self.module.params)
        return self._settings

    @property
    def credentials(self):
        """The task's credentials, from the credential chain, resolved once."""
        if self._credentials is None:
            with self._lock:
                if self._credentials is None:
                    self._credentials = self._resolve_credentials()
        return self._credentials

    def _resolve_credentials(self):
        try:
            credentials = resolve_credentials(self.settings, on_secret=self._hide, bound=self.bound)
        except TencentError as error:  # a CredentialError too: failure.kind is credentials
            self.fail_error(error)
        else:
            for warning in credentials.warnings:
                self.module.warn(warning)
            return credentials

    @property
    def client(self):
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._new_client()
        return self._client

    def _new_client(self):
        settings = self.settings
        return LiveClient.for_settings(
            self.credentials,
            settings,
            # parsed once; when check_connection was skipped, the client parses (and rejects) the endpoint itself
            settings.api or settings.endpoint,
            language=settings.language,
            rate_limits=RateLimits(parsed_rate_limits(settings.rate_limits)),
            pool_size=self._pool_size,
            bound=self.bound,
        )

    @property
    def credential_source(self):
        """Where the task's credentials came from (options, environment, profile NAME, ...), once resolved; never a secret."""
        if self._credentials is None:
            return None
        return getattr(self._credentials, "label", None) or "unknown"

    def _with_source(self, result):
        if self.credential_source is not None:
            result.setdefault("credential_source", self.credential_source)
        return result

    def _finishing(self):
        """The module writes its result now: the process watch no longer ends the process in its stead."""
        if self.watch is not None:
            self.watch.finishing.acquire()

    def exit_json(self, **result):
        """End the task; the result says which credential source was used."""
        self._finishing()
        self.module.exit_json(**self._with_source(result))

    def fail_json(self, msg, **result):
        """Fail the task; the result says which credential source was used, when one was found, and the
        message starts with the stop when the task was stopped (a signal)."""
        if self.bound.stopped:
            msg = f"The task was stopped ({self.bound.stop_reason}): {msg}"
        self._finishing()
        self.module.fail_json(msg=msg, **self._with_source(result))

    def fail_error(self, error, msg=None, **result):
        """Fail the task with a TencentError: message, code, RequestId and hint, never a traceback."""
        self.fail_json(msg or str(error), failure=error.failure(), **result)

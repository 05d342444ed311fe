# -*- coding: utf-8 -*-
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every tencent.cloud module does the same way: check the connection options, build
the client, and turn errors into a failed task.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.tencent.cloud.plugins.module_utils._args import connection_problems, parsed_rate_limits
from ansible_collections.tencent.cloud.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    Credentials,
    LiveClient,
)
from ansible_collections.tencent.cloud.plugins.module_utils._ratelimit import RateLimits
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy


class TencentModule:
    """Wraps an AnsibleModule whose spec includes the shared connection options."""

    def __init__(self, module, pool_size=10):
        self.module = module
        self._pool_size = pool_size
        self._client = None

    def fail_on_problems(self, problems):
        """Fail the task, before any API call, when the input has problems (all listed at once)."""
        if problems:
            self.module.fail_json(msg="Invalid options: " + "; ".join(problems))

    def check_connection(self):
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self.fail_on_problems(connection_problems(self.module.params))
        if not self.module.params["validate_certs"]:
            self.module.warn("validate_certs is false: the endpoint's TLS certificate is not verified.")

    @property
    def client(self):
        if self._client is None:
            params = self.module.params
            self._client = LiveClient(
                Credentials(params["secret_id"], params["secret_key"], params.get("session_token")),
                endpoint=params["endpoint"],
                timeout=params["timeout"],
                retry_policy=RetryPolicy(retries=params["retries"]),
                validate_certs=params["validate_certs"],
                ca_path=params.get("ca_path"),
                region=params.get("region"),
                rate_limits=RateLimits(parsed_rate_limits(params.get("rate_limits"))),
                pool_size=self._pool_size,
            )
        return self._client

    def fail_error(self, error, msg=None, **result):
        """Fail the task with a TencentError: message, code, RequestId and hint, never a traceback."""
        self.module.fail_json(msg=msg or str(error), failure=error.failure(), **result)

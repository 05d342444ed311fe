# -*- coding: utf-8 -*-
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The connection options shared by every tencent.cloud module.
    DOCUMENTATION = r"""
options:
  secret_id:
    description:
      - The SecretId of a Tencent Cloud API key (CAM), usually starting with C(AKID).
      - If not set, the environment variable E(TENCENTCLOUD_SECRET_ID) is used (an empty value counts as unset).
    type: str
  secret_key:
    description:
      - The SecretKey belonging to O(secret_id). Never printed, logged or returned.
      - If not set, the environment variable E(TENCENTCLOUD_SECRET_KEY) is used (an empty value counts as unset).
    type: str
  session_token:
    description:
      - The token of temporary credentials (STS or CVM role); sent as C(X-TC-Token). Never printed, logged or returned.
      - If not set, E(TENCENTCLOUD_TOKEN) or else E(TENCENTCLOUD_SECURITY_TOKEN) is used (empty values count as unset).
    type: str
    aliases: [token, security_token]
  region:
    description:
      - A Tencent Cloud region such as C(ap-guangzhou), sent as C(X-TC-Region).
      - The Live stream calls do not need one, so nothing is sent unless this is set.
      - If not set, the environment variable E(TENCENTCLOUD_REGION) is used.
    type: str
  endpoint:
    description:
      - The Live API endpoint, as a host name or an C(http://) or C(https://) URL without a path.
      - Use C(live.intl.tencentcloudapi.com) for the international site, or C(http://127.0.0.1:PORT) for a local emulator.
      - If not set, the environment variable E(TENCENTCLOUD_LIVE_ENDPOINT) is used, else the default.
      - The signature's service name is C(live) whatever the host is.
    type: str
    default: https://live.tencentcloudapi.com
  timeout:
    description:
      - Seconds to wait for the connection and for the answer of each HTTP request.
      - A stalled endpoint holds a task for at most about O(timeout) x (O(retries) + 1) plus the backoff.
    type: float
    default: 10
  retries:
    description:
      - How many times one API call is retried after throttling (C(RequestLimitExceeded)), a transport fault
        (refused, reset, timed out, HTTP 429 or 5xx) or, for reads only, C(InternalError).
      - Waits between attempts grow exponentially with jitter, capped at 5 seconds. V(0) disables retries.
    type: int
    default: 5
  validate_certs:
    description:
      - Whether to verify the endpoint's TLS certificate. Set V(false) only for test endpoints.
      - The proxy environment variables E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) are honoured.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM CA bundle used to verify the endpoint's certificate instead of the system store.
    type: path
  rate_limits:
    description:
      - Requests per second allowed per API action, for accounts whose quotas differ from Tencent's defaults.
      - Keys are action names, for example C(ResumeLiveStream); values are numbers greater than 0.
      - Defaults are the documented quotas, C(DescribeLiveStreamState=300), C(ResumeLiveStream=100),
        C(ForbidLiveStream=200), C(DropLiveStream=100), C(DescribeLiveStreamOnlineList=80).
    type: dict
notes:
  - All tencent.cloud modules are in the action group C(tencent.cloud.all), so the connection options can be
    set once with C(module_defaults) and C(group/tencent.cloud.all).
  - The calls are signed with TC3-HMAC-SHA256; the signature date is always the UTC date.
requirements:
  - requests
"""

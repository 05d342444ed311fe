#!/usr/bin/env python
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One signed Live API call with the collection's own client, as another tool would make it (a test helper: the
modules never make two templates of one name, and the tests need some to prove the modules refuse to guess).

Usage: live_api_call.py ENDPOINT SECRET_ID SECRET_KEY ACTION PARAMS_JSON [CA_PATH]; prints the answer's data as JSON.
"""

import json
import os
import sys


def collections_root():
    for entry in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep):
        if os.path.isdir(os.path.join(entry, "ansible_collections", "tencent", "cloud")):
            return entry
    here = os.path.abspath(__file__)
    marker = os.sep + "ansible_collections" + os.sep
    return here[: here.index(marker)] if marker in here else None


sys.path.insert(0, collections_root())

from ansible_collections.tencent.cloud.plugins.module_utils._client import LiveClient  # noqa: E402
from ansible_collections.tencent.cloud.plugins.module_utils._credential_types import Credentials  # noqa: E402

endpoint, secret_id, secret_key, action, params = sys.argv[1:6]
ca_path = sys.argv[6] if len(sys.argv) > 6 and sys.argv[6] else None
client = LiveClient(Credentials(secret_id, secret_key), endpoint=endpoint, ca_path=ca_path)
print(json.dumps(client.call(action, json.loads(params)).data))

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection version has one source in the code (_version.py), and it is galaxy.yml's."""

import os
import re

import yaml

from ansible_collections.tencent.cloud.plugins.module_utils._client import REQUEST_CLIENT
from ansible_collections.tencent.cloud.plugins.module_utils._version import COLLECTION_VERSION


def galaxy_version():
    here = os.path.dirname(os.path.abspath(__file__))
    root = here[: here.rindex(os.sep + "tests" + os.sep)]
    with open(os.path.join(root, "galaxy.yml"), encoding="utf-8") as handle:
        return str(yaml.safe_load(handle)["version"])


def test_the_code_version_is_galaxy_yml_version():
    assert galaxy_version() == COLLECTION_VERSION


def test_the_request_client_header_carries_the_version():
    assert f"tencent.cloud-{COLLECTION_VERSION}" == REQUEST_CLIENT
    # The official SDKs' character set for X-TC-RequestClient.
    assert re.fullmatch(r"[0-9a-zA-Z\-_ ,;.]+", REQUEST_CLIENT)

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Property test: our signer agrees with Tencent's official one (a test-only dependency)."""

import hashlib
import json

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils import _signer as signer

hypothesis = pytest.importorskip("hypothesis")
official = pytest.importorskip("tencentcloud.common.sign")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

KEY_TEXT = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=48)
SERVICE = st.sampled_from(["live", "cvm", "sts", "cam", "vod"])
TIMESTAMPS = st.integers(min_value=0, max_value=4102444800)
BODIES = st.dictionaries(
    st.text(min_size=1, max_size=12), st.one_of(st.text(), st.integers(), st.booleans()), max_size=6
)


@settings(max_examples=300, deadline=None)
@given(
    secret_key=KEY_TEXT,
    service=SERVICE,
    timestamp=TIMESTAMPS,
    body=BODIES,
    ensure_ascii=st.booleans(),
    host=st.sampled_from(["live.tencentcloudapi.com", "127.0.0.1:8080", "live.intl.tencentcloudapi.com"]),
)
def test_signature_agrees_with_official_signer(secret_key, service, timestamp, body, ensure_ascii, host):
    payload = json.dumps(body, ensure_ascii=ensure_ascii).encode("utf-8")
    headers = {"Content-Type": "application/json", "Host": host, "X-TC-Action": "ResumeLiveStream"}
    canonical = signer.canonical_request(headers, ("content-type", "host"), payload)
    date = signer.utc_date(timestamp)
    # What the official SDK hashes and signs, built the way its client builds it.
    official_canonical = f"POST\n/\n\ncontent-type:application/json\nhost:{host.lower()}\n\ncontent-type;host\n{hashlib.sha256(payload).hexdigest()}"
    assert canonical == official_canonical
    to_sign = signer.string_to_sign(timestamp, service, canonical)
    expected = official.Sign.sign_tc3(secret_key, date, service, to_sign)
    assert signer.signature(secret_key, timestamp, service, to_sign) == expected

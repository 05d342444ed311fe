# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


import os
import subprocess
import sys

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils import _signer as signer

# Tencent's published vectors (see the API reference): DescribeInstances on CVM.
BODY = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
TIMESTAMP = 1551113065
HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "Host": "cvm.tencentcloudapi.com",
    "X-TC-Action": "DescribeInstances",
}
VECTORS = [
    pytest.param(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******",
        "Gu5t9xGARNpq86cd98joQYCN3*******",
        ("content-type", "host"),
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031",
        "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c",
        id="A",
    ),
    pytest.param(
        "AKID" + "*" * 32,
        "*" * 32,
        ("content-type", "host", "x-tc-action"),
        "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84",
        "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f",
        id="B",
    ),
    pytest.param(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        ("content-type", "host"),
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031",
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
        id="C",
    ),
]


def test_body_hash_matches_published_value():
    assert signer.sha256_hex(BODY) == "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"


@pytest.mark.parametrize("secret_id, secret_key, signed, canonical_hash, expected_signature", VECTORS)
def test_published_vectors(secret_id, secret_key, signed, canonical_hash, expected_signature):
    canonical = signer.canonical_request(HEADERS, signed, BODY)
    assert signer.sha256_hex(canonical) == canonical_hash
    to_sign = signer.string_to_sign(TIMESTAMP, "cvm", canonical)
    assert to_sign == "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n" + canonical_hash
    assert signer.signature(secret_key, TIMESTAMP, "cvm", to_sign) == expected_signature
    header = signer.authorization(secret_id, secret_key, TIMESTAMP, "cvm", HEADERS, signed, BODY)
    assert header == "TC3-HMAC-SHA256 Credential={}/2019-02-25/cvm/tc3_request, SignedHeaders={}, Signature={}".format(
        secret_id, ";".join(signed), expected_signature
    )


def test_vector_b_canonical_request_text_and_derived_keys():
    canonical = signer.canonical_request(HEADERS, ("content-type", "host", "x-tc-action"), BODY)
    assert canonical == (
        "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n"
        "x-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n"
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    )
    import hashlib
    import hmac

    k_date = hmac.new(("TC3" + "*" * 32).encode(), b"2019-02-25", hashlib.sha256).digest()
    assert k_date.hex() == "da98fb70dcf6b112dc21038d1eeeb3a95c74b4dcb12c1131f864f6066bd02be0"
    k_service = hmac.new(k_date, b"cvm", hashlib.sha256).digest()
    assert k_service.hex() == "8d70cbefb03939f929db64d32dc2ba89b1095620119fe3e050e2b18c5bd2752f"
    assert (
        signer.signing_key("*" * 32, "2019-02-25", "cvm").hex()
        == "b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af"
    )


def test_signed_headers_for_sends_optional_headers_only_when_given():
    plain = signer.signed_headers_for(
        "AKIDx", "key", "live.tencentcloudapi.com", "ResumeLiveStream", "2018-08-01", b"{}", TIMESTAMP
    )
    assert "X-TC-Token" not in plain and "X-TC-Region" not in plain
    # The official SDK's choice: content-type and host.
    assert "SignedHeaders=content-type;host," in plain["Authorization"]
    full = signer.signed_headers_for(
        "AKIDx",
        "key",
        "live.tencentcloudapi.com",
        "ResumeLiveStream",
        "2018-08-01",
        b"{}",
        TIMESTAMP,
        token="tok",
        region="ap-guangzhou",
        request_client="tencent.cloud/0.1.0",
    )
    assert full["X-TC-Token"] == "tok" and full["X-TC-Region"] == "ap-guangzhou"
    assert full["X-TC-Timestamp"] == "1551113065"
    # Headers outside SignedHeaders do not change the signature.
    assert full["Authorization"] == plain["Authorization"]


def test_more_signed_headers_can_be_asked_for():
    headers = signer.signed_headers_for(
        "AKIDx",
        "key",
        "h",
        "ResumeLiveStream",
        "2018-08-01",
        b"{}",
        TIMESTAMP,
        signed_headers=("content-type", "host", "x-tc-action"),
    )
    assert "SignedHeaders=content-type;host;x-tc-action," in headers["Authorization"]


def test_signature_changes_with_the_body():
    one = signer.signed_headers_for("AKIDx", "key", "h", "A", "v", b'{"a":1}', TIMESTAMP)["Authorization"]
    two = signer.signed_headers_for("AKIDx", "key", "h", "A", "v", b'{"a":2}', TIMESTAMP)["Authorization"]
    assert one != two


@pytest.mark.parametrize(
    "timestamp, date",
    [
        (1700006400 - 1, "2023-11-14"),  # 23:59:59 UTC
        (1700006400, "2023-11-15"),  # 00:00:00 UTC
        (1699977600 + 60, "2023-11-14"),  # 00:01 on the 15th in Asia/Shanghai is still the 14th in UTC
    ],
)
def test_utc_date(timestamp, date):
    assert signer.utc_date(timestamp) == date


def test_date_is_utc_under_shanghai_time_zone_just_after_local_midnight():
    # 1699977600 + 300 is 2023-11-15 00:05 in Asia/Shanghai = 2023-11-14 16:05 UTC: the scope date must be the 14th.
    code = (
        f"import sys, time; sys.path.insert(0, {_collections_root()!r}); time.tzset(); "
        "from ansible_collections.tencent.cloud.plugins.module_utils import _signer as s; "
        "ts = 1699977600 + 300; "
        "print(time.strftime('%Y-%m-%d %H:%M', time.localtime(ts)), s.utc_date(ts))"
    )
    env = dict(os.environ, TZ="Asia/Shanghai")
    out = subprocess.check_output([sys.executable, "-c", code], env=env).decode().split()
    assert out[0] == "2023-11-15" and out[1].startswith("00:")  # local date has already turned
    assert out[2] == "2023-11-14"  # the signature date has not


def _collections_root():
    here = os.path.abspath(signer.__file__)
    return here[: here.index(os.sep + "ansible_collections" + os.sep)]

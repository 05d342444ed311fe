# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""tencent_live_stream_info with a fake client (no HTTP): the online list's paging."""

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils import _base
from ansible_collections.tencent.cloud.plugins.module_utils._client import ApiResponse
from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentApiError
from ansible_collections.tencent.cloud.plugins.modules import tencent_live_stream_info

CONNECTION = {"secret_id": "AKIDtest", "secret_key": "s3cr3t", "endpoint": "http://127.0.0.1:9"}


class IntlAccount:
    """An online list that, like an international account's, refuses more than max_size per page."""

    host = "live.tencentcloudapi.com"

    def __init__(self, names, max_size=100):
        self.names = names
        self.max_size = max_size
        self.pages = []

    def call(self, action, params):
        assert action == "DescribeLiveStreamOnlineList"
        size, number = params["PageSize"], params["PageNum"]
        self.pages.append((size, number))
        if size > self.max_size:
            raise TencentApiError("InvalidParameterValue", "PageSize out of range", f"rid-bad-{size}", action=action)
        rows = self.names[(number - 1) * size : number * size]
        total_pages = -(-len(self.names) // size)
        return ApiResponse(
            {
                "TotalNum": len(self.names),
                "TotalPage": total_pages,
                "PageNum": number,
                "PageSize": size,
                "OnlineInfo": [{"StreamName": n, "AppName": "live", "DomainName": "d"} for n in rows],
            },
            f"rid-{number}",
        )


@pytest.fixture
def run(monkeypatch, run_module):
    def run_with(client, **args):
        monkeypatch.setattr(_base.TencentModule, "client", property(lambda self: client))
        return run_module(tencent_live_stream_info.main, dict(CONNECTION, **args))

    return run_with


def test_a_refused_page_size_above_100_lists_again_with_100_and_warns(run):
    names = [f"s{n:03d}" for n in range(250)]
    client = IntlAccount(names)
    result = run(client)
    assert [entry["stream_name"] for entry in result["online_streams"]] == names
    assert client.pages == [(300000, 1), (100, 1), (100, 2), (100, 3)]
    warnings = str(result["warnings"])  # ansible-core 2.19+ returns structured warnings
    assert "listing again with 100 per page" in warnings and "rid-bad-300000" in warnings


def test_a_page_size_of_100_that_is_refused_fails_with_the_code(run):
    client = IntlAccount(["a"], max_size=50)
    result = run(client, page_size=100)
    assert result["failed"] is True and "InvalidParameterValue" in result["msg"] and client.pages == [(100, 1)]

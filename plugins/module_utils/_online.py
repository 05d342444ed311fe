# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The streams pushing now (DescribeLiveStreamOnlineList), every page, for tencent_live_stream_info.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

International accounts may list at most 100 streams per page, even on the China host: when Tencent
refuses a larger page with an InvalidParameter* code, the list is fetched again from the first page
with 100 per page, and the task warns.
"""

from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentApiError
from ansible_collections.tencent.cloud.plugins.module_utils._streams import given_name_problems, page_size_problems

ACTION = "DescribeLiveStreamOnlineList"
MAX_PAGE_SIZE_CHINA = 300000
MAX_PAGE_SIZE_INTL = 100
MIN_PAGE_SIZE = 10
# option -> the API's filter parameter
FILTERS = (("domain_name", "DomainName"), ("app_name", "AppName"))


def page_size_unused(page_size):
    """page_size with stream names: a problem."""
    if page_size is None:
        return []
    return [
        "page_size is only used to list online streams or the push history: remove it, "
        "or remove stream_name/stream_names"
    ]


def option_problems(params):
    """The problems of the online list's options: the optional filters, page_size; wait_for has nothing to wait for."""
    problems = given_name_problems(params, [option for option, _api in FILTERS])
    scope = "(100 on the international site)"
    problems += page_size_problems(params["page_size"], MIN_PAGE_SIZE, MAX_PAGE_SIZE_CHINA, scope)
    if params["wait_for"] is not None:
        problems.append("wait_for needs the streams to wait for: give stream_name, stream_names or pushed_since")
    return problems


class OnlineList:
    """Fetches every page of the online list; what was fetched stays readable when a page fails."""

    def __init__(self, client, params, warn):
        self.client = client
        self.query = {api: params[option] for option, api in FILTERS if params[option] is not None}
        self.page_size = params["page_size"] or self.default_page_size()
        self.warn = warn
        self.streams, self.request_ids, self.page, self.total = [], [], 1, 0

    def default_page_size(self):
        return MAX_PAGE_SIZE_INTL if "intl" in self.client.host else MAX_PAGE_SIZE_CHINA

    def fetch(self):
        """Fetch every page; raises the TencentError of a page that failed (self.page is its number)."""
        while True:
            try:
                answer = self.client.call(ACTION, dict(self.query, PageSize=self.page_size, PageNum=self.page))
            except TencentApiError as error:
                if not (self.page_size > MAX_PAGE_SIZE_INTL and error.code.startswith("InvalidParameter")):
                    raise
                # An international account: at most 100 a page, whatever the host. Start again.
                self.warn(
                    f"Tencent refused {self.page_size} streams per page ({error.code}, RequestId {error.request_id}): "
                    f"listing again with {MAX_PAGE_SIZE_INTL} per page, as international accounts require; "
                    f"set page_size: {MAX_PAGE_SIZE_INTL} to skip this."
                )
                self.page_size, self.streams, self.page = MAX_PAGE_SIZE_INTL, [], 1
                self.request_ids.append(error.request_id)
                continue
            self.request_ids.append(answer.request_id)
            data = answer.data
            self.total = data.get("TotalNum", 0)
            self.streams.extend(online_entry(info) for info in data.get("OnlineInfo") or [])
            if self.page >= (data.get("TotalPage") or 0) or not data.get("OnlineInfo"):
                return
            self.page += 1

    def result(self):
        """The task's result keys for the list fetched."""
        return {
            "online_streams": self.streams,
            "total": self.total,
            "pages": len(self.request_ids),
            "request_ids": self.request_ids,
        }


def online_entry(info):
    return {
        "domain_name": info.get("DomainName"),
        "app_name": info.get("AppName"),
        "stream_name": info.get("StreamName"),
        "publish_times": [item.get("PublishTime") for item in info.get("PublishTimeList") or []],
        "push_to_delay": info.get("PushToDelay"),
    }

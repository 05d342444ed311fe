#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: tencent_live_stream_info
short_description: Read Tencent Cloud Live (CSS) stream states and the streams pushing now
version_added: 0.1.0
description:
  - With O(stream_name) or O(stream_names), reads each stream's push state (C(active), C(inactive) or C(forbid))
    with C(DescribeLiveStreamState), concurrently and paced at Tencent's quota.
  - With neither, lists the streams pushing now with C(DescribeLiveStreamOnlineList), optionally filtered by
    O(domain_name) and O(app_name), fetching every page.
  - Never changes anything.
author:
  - tencent.cloud contributors (@tencent-cloud-ansible)
options:
  domain_name:
    description:
      - The push domain. Required with O(stream_name) or O(stream_names); a filter for the online list.
    type: str
  app_name:
    description:
      - The push path (AppName). With stream names it defaults to V(live); for the online list it is a filter,
        and all paths are listed when it is not set. A string, as for O(stream_name).
    type: raw
  stream_name:
    description:
      - One stream whose state to read. Mutually exclusive with O(stream_names).
      - A string of at most 1024 characters without control characters. Quote names that YAML would read as something
        else; C(0123) unquoted is the number 83 and C(yes) is a boolean. A value that is not a string is an error.
    type: raw
  stream_names:
    description:
      - Several streams whose states to read. Each name may appear only once, and each must be a string (see O(stream_name)).
    type: list
    elements: raw
  page_size:
    description:
      - Streams per page of the online list. Every page is fetched whatever the size.
      - If not set, the largest size the site allows is used, 300000 on the China site and 100 on the
        international site (an endpoint whose host contains C(intl)).
      - International accounts may only list 100 per page even on the China host. When Tencent refuses a page size
        above 100 with an C(InvalidParameter*) code, the list is fetched again from the first page with 100 per page
        and the task warns.
    type: int
  concurrency:
    description:
      - How many stream states are read at once (1 to 256). Rate limits still apply (see O(rate_limits)).
    type: int
    default: 32
extends_documentation_fragment:
  - tencent.cloud.tencent
attributes:
  check_mode:
    description: Runs normally in check mode; it only reads.
    support: full
  diff_mode:
    description: Nothing changes, so there is nothing to show.
    support: none
"""

EXAMPLES = r"""
- name: Is stream1 forbidden?
  tencent.cloud.tencent_live_stream_info:
    domain_name: 5000.livepush.myqcloud.com
    stream_name: stream1
  register: info

- name: Say so
  ansible.builtin.debug:
    msg: "stream1 is {{ info.streams[0].state }}"

- name: Read the states of an incident list
  tencent.cloud.tencent_live_stream_info:
    domain_name: 5000.livepush.myqcloud.com
    stream_names: "{{ incident_streams }}"
  register: states

- name: List the forbidden ones
  ansible.builtin.debug:
    msg: "{{ states.streams | selectattr('state', 'equalto', 'forbid') | map(attribute='stream_name') | list }}"

- name: What is live on this domain right now?
  tencent.cloud.tencent_live_stream_info:
    domain_name: 5000.livepush.myqcloud.com
  register: online

- name: Count them
  ansible.builtin.debug:
    msg: "{{ online.online_streams | length }} streams are pushing"
"""

RETURN = r"""
streams:
  description: The state of each stream named, in input order.
  returned: when O(stream_name) or O(stream_names) is given
  type: list
  elements: dict
  contains:
    domain_name:
      description: The push domain.
      type: str
      sample: 5000.livepush.myqcloud.com
    app_name:
      description: The push path.
      type: str
      sample: live
    stream_name:
      description: The stream name.
      type: str
      sample: stream1
    state:
      description: C(active) (pushing), C(inactive) (not pushing) or C(forbid) (forbidden); null when the read failed.
      type: str
      sample: forbid
    failed:
      description: Whether reading this stream failed.
      type: bool
      sample: false
    request_ids:
      description: The RequestId of the read, by action.
      type: dict
      sample: {"DescribeLiveStreamState": "6b7bb5e4-7f0d-4b1e-9d7c-21d1c1a0c5a1"}
    error:
      description: Why the read failed (code, message, request_id, hint).
      type: dict
      returned: when the read failed
      sample: {"kind": "api", "action": "DescribeLiveStreamState", "code": "InternalError", "message": "internal error",
               "request_id": "6b7bb5e4-7f0d-4b1e-9d7c-21d1c1a0c5a1", "hint": "", "attempts": 6}
counts:
  description: How many stream states were read, by state, and how many reads failed.
  returned: when O(stream_name) or O(stream_names) is given
  type: dict
  sample: {"total": 3, "active": 1, "inactive": 1, "forbid": 1, "failed": 0}
online_streams:
  description: The streams pushing now, sorted as Tencent returns them.
  returned: when neither O(stream_name) nor O(stream_names) is given
  type: list
  elements: dict
  contains:
    domain_name:
      description: The push domain.
      type: str
      sample: 5000.livepush.myqcloud.com
    app_name:
      description: The push path.
      type: str
      sample: live
    stream_name:
      description: The stream name.
      type: str
      sample: stream1
    publish_times:
      description: When the stream's current pushes started (UTC).
      type: list
      elements: str
      sample: ["2026-11-25T10:00:00Z"]
    push_to_delay:
      description: Tencent's PushToDelay value for the stream.
      type: int
      sample: 0
total:
  description: How many streams are pushing now, as Tencent counts them (TotalNum).
  returned: when neither O(stream_name) nor O(stream_names) is given
  type: int
  sample: 1
pages:
  description: How many pages of the online list were fetched.
  returned: when neither O(stream_name) nor O(stream_names) is given
  type: int
  sample: 1
request_ids:
  description: The RequestId of each page of the online list.
  returned: when neither O(stream_name) nor O(stream_names) is given
  type: list
  elements: str
  sample: ["6b7bb5e4-7f0d-4b1e-9d7c-21d1c1a0c5a1"]
credential_source:
  description:
    - Where the task's credentials came from, never a secret, as for M(tencent.cloud.tencent_live_stream); one of
      V(options), V(environment), V(profile NAME), V(file PATH), V(CVM role NAME) or V(assumed role ARN) with the source in parentheses.
  returned: when credentials were found, also when the task failed after that
  type: str
  sample: profile default
failure:
  description:
    - Why the task failed (kind, action, code, message, request_id, hint, attempts), as for
      M(tencent.cloud.tencent_live_stream). C(kind) is C(api), C(transport), C(credentials), C(skipped) or C(internal).
  returned: failure
  type: dict
  sample: {"kind": "api", "action": "DescribeLiveStreamOnlineList", "code": "AuthFailure.SignatureFailure",
           "message": "The provided credentials could not be validated.", "request_id": "6b7bb5e4-7f0d-4b1e-9d7c-21d1c1a0c5a1",
           "hint": "The signature did not match: check secret_key (or TENCENTCLOUD_SECRET_KEY) belongs to this secret_id.",
           "attempts": 1}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tencent.cloud.plugins.module_utils._args import concurrency_problem, with_connection_spec
from ansible_collections.tencent.cloud.plugins.module_utils._base import TencentModule
from ansible_collections.tencent.cloud.plugins.module_utils._batch import run_in_order
from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentApiError, TencentError
from ansible_collections.tencent.cloud.plugins.module_utils._results import (
    first_error,
    not_started_result,
    pop_messages,
    record_failure,
    record_unexpected,
    shorten,
)
from ansible_collections.tencent.cloud.plugins.module_utils._streams import (
    STREAM_STATES,
    StreamKey,
    name_problem,
    stream_names_problems,
)

MAX_PAGE_SIZE_CHINA = 300000
MAX_PAGE_SIZE_INTL = 100
MIN_PAGE_SIZE = 10


class LiveStreamInfoModule(TencentModule):

    def __init__(self, module):
        super(LiveStreamInfoModule, self).__init__(module, pool_size=module.params["concurrency"])

    @property
    def by_name(self):
        return self.module.params["stream_name"] is not None or self.module.params["stream_names"] is not None

    def validate(self):
        params = self.module.params
        problems = []
        if self.by_name:
            problems.extend(filter(None, [name_problem("domain_name", params["domain_name"]),
                                          name_problem("app_name", params["app_name"] or "live")]))
            if params["stream_names"] is not None:
                problems.extend(stream_names_problems(params["stream_names"]))
            else:
                problems.extend(filter(None, [name_problem("stream_name", params["stream_name"])]))
            if params["page_size"] is not None:
                problems.append("page_size is only used to list online streams: remove it, or remove stream_name/stream_names")
        else:
            for option in ("domain_name", "app_name"):
                if params[option] is not None:
                    problems.extend(filter(None, [name_problem(option, params[option])]))
            page_size = params["page_size"]
            if page_size is not None and not MIN_PAGE_SIZE <= page_size <= MAX_PAGE_SIZE_CHINA:
                problems.append("page_size must be between %d and %d (100 on the international site), got %d" % (
                    MIN_PAGE_SIZE, MAX_PAGE_SIZE_CHINA, page_size))
        problems.extend(filter(None, [concurrency_problem(params["concurrency"])]))
        self.fail_on_problems(problems)
        self.check_connection()

    def run(self):
        self.validate()
        if self.by_name:
            self.read_states()
        else:
            self.list_online()

    # Stream states -------------------------------------------------------------------------
    def read_state(self, key, stop):
        result = dict(key.as_dict(), state=None, failed=False, request_ids={})
        try:
            answer = self.client.call("DescribeLiveStreamState", key.api_params())
            result["request_ids"]["DescribeLiveStreamState"] = answer.request_id
            result["state"] = answer.data.get("StreamState")
        except TencentError as error:
            record_failure(result, key, error, stop)
        except Exception as error:  # pylint: disable=broad-except
            # A bug must not cost the other streams their results.
            record_unexpected(result, key, error)
        return result

    @staticmethod
    def not_started(key, reason):
        return not_started_result(key, reason, state=None)

    def read_states(self):
        params = self.module.params
        names = params["stream_names"] if params["stream_names"] is not None else [params["stream_name"]]
        keys = [StreamKey(params["domain_name"], params["app_name"] or "live", name) for name in names]
        results = run_in_order(keys, self.read_state, self.not_started, params["concurrency"])
        messages = pop_messages(results)
        tally = dict((state, sum(1 for r in results if r["state"] == state)) for state in STREAM_STATES)
        tally.update(total=len(results), failed=sum(1 for r in results if r["failed"]))
        output = dict(changed=False, streams=results, counts=tally)
        if messages:
            self.fail_json("Could not read %d of %d stream states: %s" % (tally["failed"], tally["total"], shorten(messages)),
                           failure=first_error(results), **output)
        self.exit_json(**output)

    # Online list ---------------------------------------------------------------------------
    def default_page_size(self):
        return MAX_PAGE_SIZE_INTL if "intl" in self.client.host else MAX_PAGE_SIZE_CHINA

    def list_online(self):
        params = self.module.params
        query = dict((api, params[option]) for option, api in (("domain_name", "DomainName"), ("app_name", "AppName"))
                     if params[option] is not None)
        page_size = params["page_size"] or self.default_page_size()
        streams, request_ids, page, total = [], [], 1, 0
        try:
            while True:
                try:
                    answer = self.client.call("DescribeLiveStreamOnlineList", dict(query, PageSize=page_size, PageNum=page))
                except TencentApiError as error:
                    if not (page_size > MAX_PAGE_SIZE_INTL and error.code.startswith("InvalidParameter")):
                        raise
                    # An international account: at most 100 a page, whatever the host. Start again.
                    self.module.warn("Tencent refused %d streams per page (%s, RequestId %s): listing again with %d per page, "
                                     "as international accounts require; set page_size: %d to skip this."
                                     % (page_size, error.code, error.request_id, MAX_PAGE_SIZE_INTL, MAX_PAGE_SIZE_INTL))
                    page_size, streams, page = MAX_PAGE_SIZE_INTL, [], 1
                    request_ids.append(error.request_id)
                    continue
                request_ids.append(answer.request_id)
                data = answer.data
                total = data.get("TotalNum", 0)
                streams.extend(online_entry(info) for info in data.get("OnlineInfo") or [])
                if page >= (data.get("TotalPage") or 0) or not data.get("OnlineInfo"):
                    break
                page += 1
        except TencentError as error:
            self.fail_error(error, msg="Listing online streams failed on page %d: %s" % (page, error),
                            changed=False, online_streams=streams, request_ids=request_ids)
        self.exit_json(changed=False, online_streams=streams, total=total, pages=len(request_ids), request_ids=request_ids)


def online_entry(info):
    return {
        "domain_name": info.get("DomainName"),
        "app_name": info.get("AppName"),
        "stream_name": info.get("StreamName"),
        "publish_times": [item.get("PublishTime") for item in info.get("PublishTimeList") or []],
        "push_to_delay": info.get("PushToDelay"),
    }


def main():
    module = AnsibleModule(
        argument_spec=with_connection_spec(dict(
            domain_name=dict(type="str"),
            # raw, not str: Ansible would turn an unquoted YAML 0123 into the stream "83"; name_problem rejects non-strings.
            app_name=dict(type="raw"),
            stream_name=dict(type="raw"),
            stream_names=dict(type="list", elements="raw"),
            page_size=dict(type="int"),
            concurrency=dict(type="int", default=32),
        )),
        mutually_exclusive=[("stream_name", "stream_names")],
        required_by={"stream_name": "domain_name", "stream_names": "domain_name"},
        supports_check_mode=True,
    )
    LiveStreamInfoModule(module).run()


if __name__ == "__main__":
    main()

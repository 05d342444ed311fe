#!/usr/bin/python
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
---
module: tencent_live_stream_info
short_description: Read Tencent Cloud Live (CSS) stream states, find the streams that pushed, wait for pushes
version_added: 0.1.0
description:
  - With O(stream_name) or O(stream_names), reads each stream's push state (C(active), C(inactive) or C(forbid))
    with C(DescribeLiveStreamState), concurrently and paced at Tencent's quota.
  - With O(pushed_since), finds every stream of O(domain_name) (optionally of one O(app_name)) that pushed within
    the window from O(pushed_since) to O(pushed_until) in Tencent's push history (C(DescribeLiveStreamPublishedList)),
    and reads each one's state. Tencent has no API that lists forbidden streams any more (C(DescribeLiveForbidStreamList)
    was removed on 2025-11-28), so this is how to find them, see the examples.
  - With none of these, lists the streams pushing now with C(DescribeLiveStreamOnlineList), optionally filtered by
    O(domain_name) and O(app_name), fetching every page.
  - With O(wait_for), polls the named or found streams until every one is in that state, for example V(active) to know
    that encoders are pushing again after a resume.
  - Never changes anything.
author:
  - tencent.cloud contributors (@tencent-cloud-ansible)
options:
  domain_name:
    description:
      - The push domain. Required with O(stream_name), O(stream_names) or O(pushed_since); a filter for the online list.
    type: str
  app_name:
    description:
      - The push path (AppName). With stream names it defaults to V(live); for the online list and the push history
        (O(pushed_since)) it is a filter, and all paths are searched when it is not set. A string, as for O(stream_name).
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
  pushed_since:
    description:
      - Find the streams that pushed since this time, instead of naming them. Requires O(domain_name); O(app_name) limits
        the search to one push path (all paths when not set). Mutually exclusive with O(stream_name) and O(stream_names).
      - A duration before now, a whole number followed by V(d) (days), V(h) (hours), V(m) (minutes) or V(s)
        (seconds), such as V(7d), V(36h) or V(90m); or an ISO 8601 time in UTC, C(YYYY-MM-DDThh:mm:ssZ) (see EXAMPLES).
      - "Tencent keeps the push history for about two months: the window may start at most 60 days ago (V(60d)).
        A window longer than 30 days (the most one query may span) is read in slices, and a slice holding Tencent's
        maximum of 10,000 records per query is halved and read again, so no stream is left out. A window that
        Tencent cannot answer (older than 60 days, ending in the future, or ending before it starts) fails before
        any API call."
      - "The history lists every push that overlaps the window. If more than 10,000 pushes of the domain (or of
        O(app_name)) overlap one single minute, no slice can hold them and the task fails saying so, rather than
        return an incomplete list; give O(app_name) to search one push path at a time."
      - A stream that pushed several times is returned once.
    type: str
  pushed_until:
    description:
      - The end of the window of O(pushed_since), in the same forms (a duration before now, or an ISO 8601 UTC time); now if not set.
    type: str
  page_size:
    description:
      - Entries per page of the online list or, with O(pushed_since), of the push history. Every page is fetched
        whatever the size.
      - For the online list, if not set, the largest size the site allows is used, 300000 on the China site and 100 on the
        international site (an endpoint whose host contains C(intl)).
      - For the online list, international accounts may only list 100 per page even on the China host. When Tencent
        refuses a page size above 100 with an C(InvalidParameter*) code, the list is fetched again from the first page
        with 100 per page and the task warns.
      - For the push history, between 10 and 100; if not set, 100.
    type: int
  wait_for:
    description:
      - Wait until every stream named, or found with O(pushed_since), is in this state, reading the states again every
        O(wait_interval) seconds. V(active) means the encoder is pushing again.
      - A stream counts as there once a read shows it in that state; later polls read only the others.
      - When O(wait_timeout) runs out first, the task fails naming the streams that did not get there, and still returns
        every stream's last state in RV(streams) and the details in RV(wait).
      - Waiting only reads, so it also waits in check mode.
      - Not with the online list (give O(stream_name), O(stream_names) or O(pushed_since)).
    type: str
    choices: [active, inactive, forbid]
  wait_timeout:
    description:
      - How many seconds O(wait_for) waits at most, 0 to 86400 (V(0) reads once); an earlier O(task_timeout) ends it.
    type: int
    default: 300
  wait_interval:
    description:
      - Seconds between two polls of O(wait_for), 1 to 86400. The reads of each poll are paced at C(DescribeLiveStreamState)'s
        quota like any other read.
    type: int
    default: 5
extends_documentation_fragment:
  - tencent.cloud.tencent
  - tencent.cloud.batch
attributes:
  check_mode:
    description: Runs normally in check mode, O(wait_for) included; it only reads.
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
    msg: "forbidden: {{ states.streams | selectattr('state', 'equalto', 'forbid') | map(attribute='stream_name') | join(', ') or 'none' }}"

- name: Find every stream that pushed in the last 7 days, with its state now
  tencent.cloud.tencent_live_stream_info:
    domain_name: 5000.livepush.myqcloud.com
    app_name: live
    pushed_since: 7d
  register: pushed

- name: Which of them are forbidden?
  ansible.builtin.debug:
    msg: >-
      {{ pushed.counts.forbid }} of {{ pushed.counts.total }} are forbidden:
      {{ pushed.streams | selectattr('state', 'equalto', 'forbid') | map(attribute='stream_name') | join(', ') }}

- name: Streams that pushed during an incident yesterday, an exact window in UTC
  tencent.cloud.tencent_live_stream_info:
    domain_name: 5000.livepush.myqcloud.com
    pushed_since: "{{ yesterday }}T08:00:00Z"
    pushed_until: "{{ yesterday }}T20:00:00Z"
  vars:
    yesterday: "{{ '%Y-%m-%d' | strftime(second=now().timestamp() | int - 86400, utc=true) }}"
  register: during_incident

- name: After resuming them, wait up to 10 minutes until their encoders push again
  tencent.cloud.tencent_live_stream_info:
    domain_name: 5000.livepush.myqcloud.com
    stream_names: "{{ incident_streams }}"
    wait_for: active
    wait_timeout: 600
    wait_interval: 10
  register: back
  ignore_errors: true

- name: Say which are back on air and which are not
  ansible.builtin.debug:
    msg:
      - "back on air: {{ back.wait.reached | join(', ') }}"
      - "not pushing: {{ back.wait.not_reached | join(', ') }}"

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
  description:
    - The state of each stream named, in input order.
    - With O(pushed_since), each stream that pushed within the window, once, sorted by app name and stream name.
    - With O(wait_for), each stream's last state read.
  returned: when O(stream_name), O(stream_names) or O(pushed_since) is given
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
    pushes:
      description: How many pushes of the stream the history lists within the window.
      type: int
      returned: with O(pushed_since)
      sample: 3
    last_push_start:
      description: When the stream's latest push within the window started (UTC), as the history says.
      type: str
      returned: with O(pushed_since)
      sample: "2026-11-29T18:00:00Z"
    last_push_end:
      description: When that push ended (UTC), as the history says.
      type: str
      returned: with O(pushed_since)
      sample: "2026-11-29T19:30:00Z"
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
  returned: when O(stream_name), O(stream_names) or O(pushed_since) is given
  type: dict
  sample: {"total": 3, "active": 1, "inactive": 1, "forbid": 1, "failed": 0}
window:
  description:
    - The window searched with O(pushed_since) and how it was read. C(since) and C(until) are UTC; C(slices) is how
      many time slices were read in full, C(splits) how many slices held 10,000 records or more and were halved,
      C(queries) how many history pages were fetched, C(records) how many distinct pushes were listed.
  returned: with O(pushed_since)
  type: dict
  sample: {"since": "2026-11-23T18:00:00Z", "until": "2026-11-30T18:00:00Z", "slices": 1, "splits": 0, "queries": 2,
           "records": 180}
wait:
  description:
    - How O(wait_for) went. C(state), C(timeout) and C(interval) as given; C(polls) how many times states were read;
      C(elapsed) seconds waited; C(timed_out) whether time ran out; C(task_timeout) whether it was O(task_timeout),
      which came before O(wait_timeout), that ended the wait; C(reached) the streams seen in the state and
      C(not_reached) the others (stream names, in the order of RV(streams)).
  returned: with O(wait_for)
  type: dict
  sample: {"state": "active", "timeout": 300, "interval": 5, "polls": 4, "elapsed": 15.1, "timed_out": true,
           "task_timeout": false, "reached": ["stream1", "stream3"], "not_reached": ["stream2"]}
online_streams:
  description: The streams pushing now, sorted as Tencent returns them.
  returned: when none of O(stream_name), O(stream_names) and O(pushed_since) is given
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
  returned: when none of O(stream_name), O(stream_names) and O(pushed_since) is given
  type: int
  sample: 1
pages:
  description: How many pages of the online list were fetched.
  returned: when none of O(stream_name), O(stream_names) and O(pushed_since) is given
  type: int
  sample: 1
request_ids:
  description: The RequestId of each page of the online list or, with O(pushed_since), of the push history.
  returned: when O(stream_name) and O(stream_names) are not given
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
      M(tencent.cloud.tencent_live_stream). C(kind) is C(api), C(transport), C(credentials), C(skipped), C(internal),
      C(deadline) (O(task_timeout)) or C(stopped) when a page of the online list or the history could not be fetched.
  returned: when an API call failed, or the credentials could not be found or used
  type: dict
  sample: {"kind": "api", "action": "DescribeLiveStreamOnlineList", "code": "AuthFailure.SignatureFailure",
           "message": "The provided credentials could not be validated.", "request_id": "6b7bb5e4-7f0d-4b1e-9d7c-21d1c1a0c5a1",
           "hint": "The signature did not match: check secret_key (or TENCENTCLOUD_SECRET_KEY) belongs to this secret_id.",
           "attempts": 1}
"""

from ansible_collections.tencent.cloud.plugins.module_utils import _history, _online, _waiting
from ansible_collections.tencent.cloud.plugins.module_utils._errors import TencentError
from ansible_collections.tencent.cloud.plugins.module_utils._stream_batch import StreamBatchModule, stream_batch_spec
from ansible_collections.tencent.cloud.plugins.module_utils._streams import STREAM_STATES


class LiveStreamInfoModule(StreamBatchModule):
    RESULT_FIELDS = {"state": None}  # noqa: RUF012 (read only)

    def run(self):
        params = self.module.params
        app_name = "live" if params["app_name"] is None else params["app_name"]
        by_name, window = params["stream_name"] is not None or params["stream_names"] is not None, None
        if by_name:
            problems = self.name_problems(app_name) + _online.page_size_unused(params["page_size"])
        elif params["pushed_since"] is not None:
            window, problems = _history.plan_search(params, _history.utcnow())
        else:
            problems = _online.option_problems(params)
        problems += self.concurrency_problems()
        self.validate(problems + _waiting.option_problems(params["wait_timeout"], params["wait_interval"]))
        for warning in window.warnings if window is not None else ():
            self.module.warn(warning)
        if by_name:
            self.report_states(self.stream_keys(app_name))
        elif window is not None:
            self.discover(window)
        else:
            self.list_online()

    def discover(self, window):
        params = self.module.params
        history = _history.PushedStreams(
            self.client.call, params["domain_name"], params["app_name"], params["page_size"] or _history.MAX_PAGE_SIZE
        )
        try:
            found = history.collect(window)
        except _history.HistoryError as error:
            self.fail_json(str(error), changed=False, **history.result(window))
        except TencentError as error:
            msg = f"Reading the push history failed: {error}"
            self.fail_error(error, msg=msg, changed=False, **history.result(window))
        self.report_states(*history.keys_and_fields(found), **history.result(window))

    def list_online(self):
        online = _online.OnlineList(self.client, self.module.params, self.module.warn)
        try:
            online.fetch()
        except TencentError as error:
            msg = f"Listing online streams failed on page {online.page}: {error}"
            self.fail_error(
                error, msg=msg, changed=False, online_streams=online.streams, request_ids=online.request_ids
            )
        self.exit_json(changed=False, **online.result())


def main():
    LiveStreamInfoModule.main(
        stream_batch_spec(
            False,
            None,
            pushed_since=dict(type="str"),
            pushed_until=dict(type="str"),
            page_size=dict(type="int"),
            wait_for=dict(type="str", choices=list(STREAM_STATES)),
            wait_timeout=dict(type="int", default=300),
            wait_interval=dict(type="int", default=5),
        ),
        mutually_exclusive=[("stream_name", "stream_names", "pushed_since")],
        required_by=dict(
            stream_name="domain_name",
            stream_names="domain_name",
            pushed_since="domain_name",
            pushed_until="pushed_since",
        ),
    )


if __name__ == "__main__":
    main()

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
      - Find the streams that pushed since this time, instead of naming them. Requires O(domain_name); O(app_name)
        limits the search to one push path (all paths when not set). Mutually exclusive with O(stream_name) and
        O(stream_names).
      - A duration before now, a whole number followed by V(d) (days), V(h) (hours), V(m) (minutes) or V(s)
        (seconds), such as V(7d), V(36h) or V(90m); or an ISO 8601 time in UTC such as V(2026-11-23T08:00:00Z).
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
      - The end of the window of O(pushed_since), in the same forms (a duration before now, or an ISO 8601 UTC time).
      - If not set, now.
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
      - How many seconds O(wait_for) waits at most. V(0) reads once.
    type: int
    default: 300
  wait_interval:
    description:
      - Seconds between two polls of O(wait_for). At least 1. The reads of each poll are paced at
        C(DescribeLiveStreamState)'s quota like any other read.
    type: int
    default: 5
  concurrency:
    description:
      - The most stream states read at once (an upper bound, 1 to 256). How many are really in flight follows the measured
        latency (rate x latency, plus headroom, at least 32), so the reads keep to the rate limits (see O(rate_limits))
        from a nearby endpoint to one 500 ms away.
      - Each stream in flight holds a thread and a pooled HTTP connection (a socket); lower this to bound memory and
        sockets, for example on a small AWX node.
    type: int
    default: 200
extends_documentation_fragment:
  - tencent.cloud.tencent
attributes:
  check_mode:
    description: Runs normally in check mode, O(wait_for) included; it only reads.
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

- name: Streams that pushed during an incident, an exact window in UTC
  tencent.cloud.tencent_live_stream_info:
    domain_name: 5000.livepush.myqcloud.com
    pushed_since: "2026-11-23T08:00:00Z"
    pushed_until: "2026-11-23T20:00:00Z"
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
      C(elapsed) seconds waited; C(timed_out) whether time ran out; C(reached) the streams seen in the state and
      C(not_reached) the others (stream names, in the order of RV(streams)).
  returned: with O(wait_for)
  type: dict
  sample: {"state": "active", "timeout": 300, "interval": 5, "polls": 4, "elapsed": 15.1, "timed_out": true,
           "reached": ["stream1", "stream3"], "not_reached": ["stream2"]}
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
      M(tencent.cloud.tencent_live_stream). C(kind) is C(api), C(transport), C(credentials), C(skipped), C(internal), or
      C(deadline) when O(task_timeout) ran out before the next page of the online list could be fetched.
  returned: when an API call failed
  type: dict
  sample: {"kind": "api", "action": "DescribeLiveStreamOnlineList", "code": "AuthFailure.SignatureFailure",
           "message": "The provided credentials could not be validated.", "request_id": "6b7bb5e4-7f0d-4b1e-9d7c-21d1c1a0c5a1",
           "hint": "The signature did not match: check secret_key (or TENCENTCLOUD_SECRET_KEY) belongs to this secret_id.",
           "attempts": 1}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tencent.cloud.plugins.module_utils import _history
from ansible_collections.tencent.cloud.plugins.module_utils._args import (
    DEFAULT_CONCURRENCY,
    concurrency_problem,
    with_connection_spec,
)
from ansible_collections.tencent.cloud.plugins.module_utils._base import TencentModule
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
from ansible_collections.tencent.cloud.plugins.module_utils._waiting import wait_for_state

MAX_PAGE_SIZE_CHINA = 300000
MAX_PAGE_SIZE_INTL = 100
MIN_PAGE_SIZE = 10
# History pages fetched at once; the client paces them at DescribeLiveStreamPublishedList's quota.
HISTORY_WORKERS = 4
HISTORY_FIELDS = ("pushes", "last_push_start", "last_push_end")


class LiveStreamInfoModule(TencentModule):
    def __init__(self, module):
        super().__init__(module, pool_size=module.params["concurrency"])
        self.window = None

    @property
    def by_name(self):
        return self.module.params["stream_name"] is not None or self.module.params["stream_names"] is not None

    @property
    def discovering(self):
        return self.module.params["pushed_since"] is not None

    def validate(self):
        params = self.module.params
        problems = []
        if self.by_name:
            problems.extend(
                filter(
                    None,
                    [
                        name_problem("domain_name", params["domain_name"]),
                        name_problem("app_name", "live" if params["app_name"] is None else params["app_name"]),
                    ],
                )
            )
            if params["stream_names"] is not None:
                problems.extend(stream_names_problems(params["stream_names"]))
            else:
                problems.extend(filter(None, [name_problem("stream_name", params["stream_name"])]))
            if params["page_size"] is not None:
                problems.append(
                    "page_size is only used to list online streams or the push history: remove it, "
                    "or remove stream_name/stream_names"
                )
        elif self.discovering:
            problems.extend(filter(None, [name_problem("domain_name", params["domain_name"])]))
            if params["app_name"] is not None:
                problems.extend(filter(None, [name_problem("app_name", params["app_name"])]))
            page_size = params["page_size"]
            if page_size is not None and not _history.MIN_PAGE_SIZE <= page_size <= _history.MAX_PAGE_SIZE:
                problems.append(
                    "page_size must be between %d and %d for the push history (pushed_since), got %d"
                    % (_history.MIN_PAGE_SIZE, _history.MAX_PAGE_SIZE, page_size)
                )
            self.window, window_problems = _history.plan_window(
                params["pushed_since"], params["pushed_until"], _history.utcnow()
            )
            problems.extend(window_problems)
        else:
            for option in ("domain_name", "app_name"):
                if params[option] is not None:
                    problems.extend(filter(None, [name_problem(option, params[option])]))
            page_size = params["page_size"]
            if page_size is not None and not MIN_PAGE_SIZE <= page_size <= MAX_PAGE_SIZE_CHINA:
                problems.append(
                    "page_size must be between %d and %d (100 on the international site), got %d"
                    % (MIN_PAGE_SIZE, MAX_PAGE_SIZE_CHINA, page_size)
                )
            if params["wait_for"] is not None:
                problems.append(
                    "wait_for needs the streams to wait for: give stream_name, stream_names or pushed_since"
                )
        problems.extend(filter(None, [concurrency_problem(params["concurrency"])]))
        if params["wait_timeout"] < 0:
            problems.append("wait_timeout must be 0 or more seconds, got %d" % params["wait_timeout"])
        if params["wait_interval"] < 1:
            problems.append("wait_interval must be at least 1 second, got %d" % params["wait_interval"])
        self.fail_on_problems(problems)
        self.check_connection()
        for warning in self.window.warnings if self.window else ():
            self.module.warn(warning)

    def run(self):
        self.validate()
        if self.by_name:
            self.read_states()
        elif self.discovering:
            self.discover()
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

    def read_round(self, keys):
        return self.run_batch(keys, self.read_state, self.not_started, self.module.params["concurrency"])

    def read_states(self):
        params = self.module.params
        names = params["stream_names"] if params["stream_names"] is not None else [params["stream_name"]]
        keys = [
            StreamKey(params["domain_name"], "live" if params["app_name"] is None else params["app_name"], name)
            for name in names
        ]
        self.report(keys)

    def report(self, keys, extra=None, **output):
        """Read the keys' states (and wait, with wait_for); exit or fail with streams and counts.

        extra: per-key fields added to each stream's result (the push history's), in key order.
        """
        params = self.module.params
        pairs = list(zip(keys, self.read_round(keys)))
        outcome = None
        if params["wait_for"] is not None:
            outcome = wait_for_state(
                pairs, self.read_round, params["wait_for"], params["wait_timeout"], params["wait_interval"]
            )
            output["wait"] = outcome.summary(keys)
        results = [result for _key, result in pairs]
        for result, fields in zip(results, extra or ()):
            result.update(fields)
        messages = pop_messages(results)
        tally = {state: sum(1 for r in results if r["state"] == state) for state in STREAM_STATES}
        tally.update(total=len(results), failed=sum(1 for r in results if r["failed"]))
        output.update(changed=False, streams=results, counts=tally)
        if messages:
            self.fail_json(
                "Could not read %d of %d stream states: %s" % (tally["failed"], tally["total"], shorten(messages)),
                failure=first_error(results),
                **output,
            )
        if outcome is not None and output["wait"]["timed_out"]:
            late = [result for key, result in pairs if key not in outcome.reached_at]
            self.fail_json(
                "Waited %d s for %d stream(s) to be %s; %d did not get there: %s"
                % (
                    params["wait_timeout"],
                    len(keys),
                    params["wait_for"],
                    len(late),
                    shorten(["{} ({})".format(result["stream_name"], result["state"]) for result in late]),
                ),
                **output,
            )
        self.exit_json(**output)

    # Push history --------------------------------------------------------------------------
    def discover(self):
        params = self.module.params
        history = _history.PushedStreams(
            self.client.call,
            params["domain_name"],
            app_name=params["app_name"],
            page_size=params["page_size"] or _history.MAX_PAGE_SIZE,
            workers=HISTORY_WORKERS,
        )
        try:
            found = history.collect(self.window)
        except _history.HistoryError as error:
            self.fail_json(
                str(error), changed=False, window=history.summary(self.window), request_ids=history.request_ids
            )
        except TencentError as error:
            self.fail_error(
                error,
                msg=f"Reading the push history failed: {error}",
                changed=False,
                window=history.summary(self.window),
                request_ids=history.request_ids,
            )
        keys = [StreamKey(stream["domain_name"], stream["app_name"], stream["stream_name"]) for stream in found]
        extra = [{field: stream[field] for field in HISTORY_FIELDS} for stream in found]
        self.report(keys, extra, window=history.summary(self.window), request_ids=history.request_ids)

    # Online list ---------------------------------------------------------------------------
    def default_page_size(self):
        return MAX_PAGE_SIZE_INTL if "intl" in self.client.host else MAX_PAGE_SIZE_CHINA

    def list_online(self):
        params = self.module.params
        query = {
            api: params[option]
            for option, api in (("domain_name", "DomainName"), ("app_name", "AppName"))
            if params[option] is not None
        }
        page_size = params["page_size"] or self.default_page_size()
        streams, request_ids, page, total = [], [], 1, 0
        try:
            while True:
                try:
                    answer = self.client.call(
                        "DescribeLiveStreamOnlineList", dict(query, PageSize=page_size, PageNum=page)
                    )
                except TencentApiError as error:
                    if not (page_size > MAX_PAGE_SIZE_INTL and error.code.startswith("InvalidParameter")):
                        raise
                    # An international account: at most 100 a page, whatever the host. Start again.
                    self.module.warn(
                        "Tencent refused %d streams per page (%s, RequestId %s): listing again with %d per page, "
                        "as international accounts require; set page_size: %d to skip this."
                        % (page_size, error.code, error.request_id, MAX_PAGE_SIZE_INTL, MAX_PAGE_SIZE_INTL)
                    )
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
            self.fail_error(
                error,
                msg="Listing online streams failed on page %d: %s" % (page, error),
                changed=False,
                online_streams=streams,
                request_ids=request_ids,
            )
        self.exit_json(
            changed=False, online_streams=streams, total=total, pages=len(request_ids), request_ids=request_ids
        )


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
        argument_spec=with_connection_spec(
            dict(
                domain_name=dict(type="str"),
                # raw, not str: Ansible would turn an unquoted YAML 0123 into the stream "83"; name_problem rejects non-strings.
                app_name=dict(type="raw"),
                stream_name=dict(type="raw"),
                stream_names=dict(type="list", elements="raw"),
                pushed_since=dict(type="str"),
                pushed_until=dict(type="str"),
                page_size=dict(type="int"),
                concurrency=dict(type="int", default=DEFAULT_CONCURRENCY),
                wait_for=dict(type="str", choices=list(STREAM_STATES)),
                wait_timeout=dict(type="int", default=300),
                wait_interval=dict(type="int", default=5),
            )
        ),
        mutually_exclusive=[("stream_name", "stream_names", "pushed_since")],
        required_by={
            "stream_name": "domain_name",
            "stream_names": "domain_name",
            "pushed_since": "domain_name",
            "pushed_until": "pushed_since",
        },
        supports_check_mode=True,
    )
    LiveStreamInfoModule(module).run()


if __name__ == "__main__":
    main()

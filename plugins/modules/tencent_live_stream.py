#!/usr/bin/python
# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
---
module: tencent_live_stream
short_description: Resume, forbid or drop Tencent Cloud Live (CSS) stream pushes
version_added: 0.1.0
description:
  - Brings one Tencent Cloud Live stream, or a batch of them, to a desired push state.
  - Reads each stream's state with C(DescribeLiveStreamState) first and calls C(ResumeLiveStream) or
    C(ForbidLiveStream) only when the stream is not already in the desired state, so the task reports C(changed)
    only when something really changed. C(DropLiveStream) is always sent outside check mode (the state read may
    lag behind; see O(state)), and C(changed) is true only when the read said C(active).
  - A batch (O(stream_names)) runs concurrently, paced by client-side rate limits at Tencent's per-action
    quotas, and reports every stream in input order.
  - "Forbid scope: by default Tencent matches a forbid by the stream B(name) alone. Forbidding C(stream1) on one domain
    and app forbids every stream named C(stream1) on every domain and app of the account, and resuming C(stream1) on
    any domain and app lifts that ban everywhere. A stream on another domain reads C(forbid) while a forbid of its name
    is in effect."
author:
  - tencent.cloud contributors (@tencent-cloud-ansible)
options:
  domain_name:
    description:
      - The push domain of the streams, for example C(5000.livepush.myqcloud.com).
    type: str
    required: true
  app_name:
    description:
      - The push path (AppName) of the streams, as in the push URL. A string of at most 1024 characters.
    type: raw
    default: live
  stream_name:
    description:
      - The name of one stream, a string of at most 1024 characters without control characters.
      - Quote names that YAML would read as something else; C(0123) unquoted is the number 83 and C(yes) is a boolean.
        A value that is not a string is an error, never converted.
      - Exactly one of O(stream_name) and O(stream_names) is required.
    type: raw
  stream_names:
    description:
      - The names of several streams, handled as one batch. Each name may appear only once.
      - Each must be a string, as for O(stream_name); numbers from a variable can be converted with C(map('string')).
      - Exactly one of O(stream_name) and O(stream_names) is required.
    type: list
    elements: raw
  state:
    description:
      - V(resumed) lets a forbidden stream push again (C(ResumeLiveStream) only when the stream is C(forbid)).
      - V(forbidden) forbids pushing (C(ForbidLiveStream) only when the stream is not already C(forbid)).
      - V(dropped) cuts an active push (C(DropLiveStream)); the encoder may push again. Tencent warns that the state
        read may lag behind, and dropping an inactive stream succeeds, so outside check mode C(DropLiveStream) is
        always sent; the task reports C(changed) only when the read said C(active). A drop that Tencent answers with
        an error saying the stream is not pushing (such as C(ResourceNotFound.StreamNotAlive)) finds the stream where it
        should be, so the stream succeeds, not C(changed), with that answer in RV(stream.recovered_errors).
      - A write whose answer was lost, or that failed although the stream may already be in the desired state, is
        settled by reading the stream's state again, never by sending it again blindly (see RV(stream.confirmed_by_read)).
    type: str
    choices: [resumed, forbidden, dropped]
    default: resumed
  resume_time:
    description:
      - With O(state=forbidden) only, when the ban ends, as an ISO 8601 UTC time, C(YYYY-MM-DDThh:mm:ssZ) (an example
        below computes one from now).
      - Must be in the future and at most 90 days ahead. If not set, Tencent lifts the ban after 7 days.
      - A stream that is already forbidden is left as it is, whatever its current resume time (the API does not
        report it).
    type: str
  reason:
    description:
      - With O(state=forbidden) only, why the stream is forbidden (at most 2048 bytes in UTF-8).
      - Tencent asks that a reason always be given; if not set, V(Forbidden by Ansible (tencent.cloud.tencent_live_stream)) is sent.
    type: str
  reasons:
    description:
      - With O(state=forbidden) only, a reason of its own for some of the streams, by stream name (each at most 2048
        bytes in UTF-8); the other streams get O(reason). One task then forbids streams that need different reasons.
    type: dict
  only_pushing:
    description:
      - With O(state=forbidden) only, forbid only the streams that the one read before acting shows pushing now
        (C(active)). A stream read C(inactive) is left as it is and reported unchanged, its state C(inactive), since
        a stream that is off air has nothing to stop. The rulebooks of this collection act on a moderation C(Block) so.
    type: bool
    default: false
extends_documentation_fragment:
  - tencent.cloud.tencent
  - tencent.cloud.batch
"""

EXAMPLES = r"""
- name: Let stream1 push again
  tencent.cloud.tencent_live_stream:
    domain_name: 5000.livepush.myqcloud.com
    stream_name: stream1
    state: resumed

- name: Forbid a stream for 30 days, saying why
  tencent.cloud.tencent_live_stream:
    domain_name: 5000.livepush.myqcloud.com
    app_name: live
    stream_name: stream1
    state: forbidden
    resume_time: "{{ '%Y-%m-%dT%H:%M:%SZ' | strftime(second=now().timestamp() | int + 30 * 86400, utc=true) }}"
    reason: Copyright complaint 4711

- name: Cut the current push of a stream
  tencent.cloud.tencent_live_stream:
    domain_name: 5000.livepush.myqcloud.com
    stream_name: stream1
    state: dropped

- name: Resume every stream of an incident list at once, credentials set once for the play
  module_defaults:
    group/tencent.cloud.all:
      secret_id: "{{ tencent_secret_id }}"
      secret_key: "{{ tencent_secret_key }}"
  block:
    - name: Resume the streams
      tencent.cloud.tencent_live_stream:
        domain_name: 5000.livepush.myqcloud.com
        stream_names: "{{ incident_streams }}"
        state: resumed
      register: resumed

    - name: Show how many were resumed
      ansible.builtin.debug:
        msg: "{{ resumed.counts.changed }} of {{ resumed.counts.total }} streams resumed"

- name: Use the international site with credentials from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY
  tencent.cloud.tencent_live_stream:
    endpoint: live.intl.tencentcloudapi.com
    domain_name: push.example.com
    stream_name: stream1
"""

RETURN = r"""
stream:
  description: The stream, when O(stream_name) was given.
  returned: when O(stream_name) is given
  type: dict
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
    previous_state:
      description: The state read before acting, C(active), C(inactive) or C(forbid); null when the read failed.
      type: str
      sample: forbid
    state:
      description:
        - The state after the task (in check mode, the state it would have); a resumed stream reads
          C(inactive) until its encoder pushes again.
        - Null when a write was sent and its outcome is unknown (see RV(failure.kind)).
      type: str
      sample: inactive
    changed:
      description:
        - Whether the stream was brought from another state to the desired one (in check mode, would be). With
          O(state=dropped) the drop is sent even to a stream read C(inactive), and this is true only when the read said
          C(active) and Tencent did not answer that the stream was not pushing. True for a write of unknown outcome.
      type: bool
      sample: true
    failed:
      description: Whether this stream failed.
      type: bool
      sample: false
    request_ids:
      description: The RequestId of each API call made for this stream, by action.
      type: dict
      sample: {"DescribeLiveStreamState": "6b7bb5e4-7f0d-4b1e-9d7c-21d1c1a0c5a1", "ResumeLiveStream": "0e4c3fd6-61b4-4ad3-a3c5-3c8ee1b4b0f0"}
    confirmed_by_read:
      description:
        - True when the write got no valid answer, or an error, and a read afterwards found the stream in the desired
          state, so the write counts as done.
      type: bool
      returned: when a write of this stream met a fault or an error
      sample: true
    recovered_errors:
      description:
        - The faults and errors a write of this stream met on its way, each as in RV(failure), plus C(read_state) and
          C(read_request_id), what the read that followed found (none follows an answer that the stream is not pushing).
      type: list
      elements: dict
      returned: when a write of this stream met a fault or an error
      sample: [{"kind": "transport", "action": "ResumeLiveStream", "message": "no answer within timeout=10.0s", "attempts": 1,
                "status": null, "read_state": "inactive", "read_request_id": "93d0c1a4-5d1b-4b6e-8f57-6f3cf1d0a9e2"}]
    error:
      description: Why this stream failed (see RV(failure) for the fields).
      type: dict
      returned: when this stream failed
      sample: {"kind": "api", "action": "ResumeLiveStream", "code": "InternalError", "message": "internal error",
               "request_id": "0e4c3fd6-61b4-4ad3-a3c5-3c8ee1b4b0f0", "hint": "", "attempts": 1}
streams:
  description: Every stream of O(stream_names), in input order, each with the keys of RV(stream).
  returned: when O(stream_names) is given
  type: list
  elements: dict
  sample:
    - {"domain_name": "5000.livepush.myqcloud.com", "app_name": "live", "stream_name": "a", "previous_state": "forbid",
       "state": "inactive", "changed": true, "failed": false,
       "request_ids": {"DescribeLiveStreamState": "6b7bb5e4-7f0d-4b1e-9d7c-21d1c1a0c5a1", "ResumeLiveStream": "0e4c3fd6-61b4-4ad3-a3c5-3c8ee1b4b0f0"}}
    - {"domain_name": "5000.livepush.myqcloud.com", "app_name": "live", "stream_name": "b", "previous_state": "active",
       "state": "active", "changed": false, "failed": false,
       "request_ids": {"DescribeLiveStreamState": "93d0c1a4-5d1b-4b6e-8f57-6f3cf1d0a9e2"}}
counts:
  description:
    - How many streams of the batch there were, changed, were already right, failed, were not attempted (C(skipped)),
      and were written with an unknown outcome (C(unknown)).
  returned: when O(stream_names) is given
  type: dict
  sample: {"total": 2, "changed": 1, "ok": 1, "failed": 0, "skipped": 0, "unknown": 0}
credential_source:
  description:
    - Where the task's credentials came from, never a secret. V(options), V(environment) or V(options and environment)
      (secret_id, secret_key and session_token), V(profile NAME) (a tccli profile), V(file PATH) (an SDK credentials
      file), V(CVM role NAME), or V(assumed role ARN) followed by the source of the credentials that assumed it, in parentheses.
  returned: when credentials were found, also when the task failed after that
  type: str
  sample: environment
failure:
  description: Why the task failed.
  returned: when a stream failed or the credentials could not be found or used (invalid options and a missing
    C(requests) library fail with C(msg) alone, before any call)
  type: dict
  contains:
    kind:
      description:
        - C(api) for a Tencent error answer, C(transport) when no valid answer came, C(credentials) when the
          credentials could not be found, read or renewed, or the options that give them are wrong (such as half a
          pair, found before any call) (a failed renewal of temporary credentials keeps the kind of its
          own error, and the failure has C(renewal=true)), C(skipped) for a stream of a batch that was not attempted
          (after an error every stream would get, when O(task_timeout) was reached or the task was stopped, or after
          O(max_transport_failures) streams in a row got no answer; a re-run does them),
          C(internal) for an unexpected error in the collection (a bug; the other streams keep their results).
        - "C(outcome_unknown) for a write that was sent and whose outcome is unknown (its answer was lost and no read
          could settle it, or the task was stopped while it was on the wire; see
          R(Stopping a job,ansible_collections.tencent.cloud.docsite.failure_behaviour.stopping)): RV(stream.state)
          is null, RV(stream.changed) true, C(cause) the write's own error. A re-run reads the stream first."
      type: str
      sample: api
    action:
      description: The API action that failed.
      type: str
      sample: ResumeLiveStream
    code:
      description: Tencent's error code.
      type: str
      returned: when kind is api
      sample: AuthFailure.SignatureFailure
    message:
      description: Tencent's error message, or what went wrong on the way.
      type: str
      sample: The provided credentials could not be validated.
    request_id:
      description: Tencent's RequestId of the failed call; quote it to Tencent support.
      type: str
      returned: when kind is api
      sample: 6b7bb5e4-7f0d-4b1e-9d7c-21d1c1a0c5a1
    hint:
      description: What to do next.
      type: str
      returned: when kind is api
      sample: "The signature did not match: check secret_key (or TENCENTCLOUD_SECRET_KEY) belongs to this secret_id."
    attempts:
      description: How many times the call was tried.
      type: int
      sample: 1
    read_state:
      description: When a failed write was followed by a read, the state that read found (not the desired one).
      type: str
      returned: when a failed write was settled by a read
      sample: forbid
    read_request_id:
      description: The RequestId of that read.
      type: str
      returned: when a failed write was settled by a read
      sample: 93d0c1a4-5d1b-4b6e-8f57-6f3cf1d0a9e2
    cause:
      description: The write's own failure (the fields above).
      type: dict
      returned: when kind is C(outcome_unknown)
      sample: {"kind": "transport", "action": "DropLiveStream", "message": "no complete answer", "attempts": 1}
"""

import datetime
import functools

from ansible_collections.tencent.cloud.plugins.module_utils._stream_batch import (
    StreamBatchModule,
    stream_batch_spec,
    write_counts,
    write_failure_message,
)
from ansible_collections.tencent.cloud.plugins.module_utils._streams import STATE_RULES, forbid_problems
from ansible_collections.tencent.cloud.plugins.module_utils._writes import settle_write


class LiveStreamModule(StreamBatchModule):
    """Read each stream, decide, and act unless in check mode; report per stream and in total."""

    RESULT_FIELDS = {"previous_state": None, "state": None, "changed": False}  # noqa: RUF012 (read only)

    def __init__(self, module):
        super().__init__(module)
        self.rule = STATE_RULES[module.params["state"]]
        self.action_params, self.reasons = {}, {}

    def run(self):
        params = self.module.params
        problems, self.action_params, self.reasons = forbid_problems(
            params, datetime.datetime.now(datetime.timezone.utc)
        )
        self.validate(self.name_problems(params["app_name"]) + self.concurrency_problems() + problems)
        self.finish(self.run_batch(self.stream_keys(params["app_name"])))

    def work_on(self, key, result):
        """Read one stream, decide, and act unless in check mode."""
        current = result["previous_state"] = self.read_state(key, result)
        left = self.module.params["only_pushing"] and current != "active"  # off air: nothing to stop
        changed = self.rule.changes(current) and not left
        if self.rule.sends(current) and not left and not self.module.check_mode:
            params = dict(key.api_params(), **self.action_params)
            if key.stream_name in self.reasons:
                params["Reason"] = self.reasons[key.stream_name]
            rule = self.rule
            written = settle_write(self.client, rule.action, params, key, rule.is_desired, **rule.settle_options)
            if written.request_id:
                result["request_ids"][rule.action] = written.request_id
            if written.recovered:
                result["confirmed_by_read"] = written.confirmed_by_read
                result["recovered_errors"] = written.recovered
            # Tencent said there was nothing to do (a drop of a stream whose push had already ended)
            changed = changed and not written.nothing_to_do
        result["state"] = current if left else self.rule.resulting_state(current)
        result["changed"] = changed

    def diff(self, results):
        changing = [r for r in results if r["changed"]]
        if self.module.params["stream_name"] is not None:
            only = results[0]
            return {"before": {"state": only["previous_state"]}, "after": {"state": only["state"]}}
        return {
            "before": {"streams": {r["stream_name"]: r["previous_state"] for r in changing}},
            "after": {"streams": {r["stream_name"]: r["state"] for r in changing}},
        }

    def finish(self, results):
        output = {"changed": any(r["changed"] for r in results)}
        if self.module._diff:
            output["diff"] = self.diff(results)
        if self.module.params["stream_name"] is not None:
            output["stream"] = results[0]
            self.fail_on_failed_streams(results, lambda shown: shown, **output)
        else:
            output["streams"] = results
            output["counts"] = write_counts(results)
            self.fail_on_failed_streams(results, functools.partial(write_failure_message, output["counts"]), **output)
        self.exit_json(**output)


def main():
    LiveStreamModule.main(
        stream_batch_spec(
            True,
            "live",
            state=dict(type="str", default="resumed", choices=["resumed", "forbidden", "dropped"]),
            resume_time=dict(type="str"),
            reason=dict(type="str"),
            reasons=dict(type="dict"),
            only_pushing=dict(type="bool", default=False),
        ),
        mutually_exclusive=[("stream_name", "stream_names")],
        required_one_of=[("stream_name", "stream_names")],
    )


if __name__ == "__main__":
    main()

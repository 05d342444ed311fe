# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A batch of streams: what tencent_live_stream and tencent_live_stream_info do alike for each stream.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

StreamBatchModule is the base of both modules. It owns the argument spec of the stream names, the
checks of the names (domain_name, app_name, stream_name or stream_names) and of concurrency, the
StreamKeys, the read of a stream's state (DescribeLiveStreamState, its RequestId kept), the batch
run (_batch.run_in_order with the task's limits: in-flight gate, max_transport_failures, and the
task's bound -- its deadline and its stop, watched by _process_watch.py for the whole run), each
stream's result when it fails, is not attempted, is not started or was written with an unknown
outcome, and the end of the task when streams failed (their messages summed up in msg, the first
error as failure; the counts of a batch of writes); for a module that only reads, also the report
of the states read (report_states: waiting with wait_for, counts by state). A module subclass gives what its results hold (RESULT_FIELDS) and its decision
for one stream (work_on; by default the read).
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tencent.cloud.plugins.module_utils import _waiting
from ansible_collections.tencent.cloud.plugins.module_utils._args import (
    DEFAULT_CONCURRENCY,
    concurrency_problem,
    with_connection_spec,
)
from ansible_collections.tencent.cloud.plugins.module_utils._base import TencentModule
from ansible_collections.tencent.cloud.plugins.module_utils._batch import InflightGate, StopSignal, run_in_order
from ansible_collections.tencent.cloud.plugins.module_utils._errors import (
    DeadlineExceeded,
    OutcomeUnknown,
    TaskStopped,
    TencentError,
)
from ansible_collections.tencent.cloud.plugins.module_utils._process_watch import ProcessWatch
from ansible_collections.tencent.cloud.plugins.module_utils._streams import (
    StreamKey,
    count_states,
    name_problem,
    stream_names_problems,
)
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import DEADLINE_REASON

READ_ACTION = "DescribeLiveStreamState"
MAX_MESSAGES_SHOWN = 10


def stream_batch_spec(domain_name_required, app_name_default, **options):
    """A module's argument spec: the connection options, the stream names, concurrency and the module's ``options``."""
    return with_connection_spec(
        dict(
            domain_name=dict(type="str", required=domain_name_required),
            # raw, not str: Ansible would turn an unquoted YAML 0123 into the stream "83"; name_problem rejects non-strings.
            app_name=dict(type="raw", default=app_name_default),
            stream_name=dict(type="raw"),
            stream_names=dict(type="list", elements="raw"),
            concurrency=dict(type="int", default=DEFAULT_CONCURRENCY),
            **options,
        )
    )


class StreamBatchModule(TencentModule):
    """Works on each stream of a batch through work_on(key, result), concurrently, results in input order."""

    # What a stream's result holds besides its key, ``failed`` and ``request_ids``, before anything is read.
    RESULT_FIELDS = {}  # noqa: RUF012 (read only)

    def __init__(self, module):
        super().__init__(module, pool_size=module.params["concurrency"])

    @classmethod
    def main(cls, argument_spec, **kwargs):
        """Run the module: AnsibleModule (check mode supported) with argument_spec and kwargs, then run(),
        watched for its own signals and for Ansible giving the task up (_process_watch.py)."""
        module = cls(AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, **kwargs))
        with ProcessWatch(module.bound) as module.watch:
            module.run()

    def run(self):
        raise NotImplementedError

    # Input ---------------------------------------------------------------------------------
    def name_problems(self, app_name):
        """The problems of domain_name, app_name (``app_name``: the option with its default) and the stream names."""
        params = self.module.params
        problems = [
            problem
            for problem in (name_problem("domain_name", params["domain_name"]), name_problem("app_name", app_name))
            if problem
        ]
        if params["stream_names"] is not None:
            problems.extend(stream_names_problems(params["stream_names"]))
        else:
            problems.extend(filter(None, [name_problem("stream_name", params["stream_name"])]))
        return problems

    def concurrency_problems(self):
        return list(filter(None, [concurrency_problem(self.module.params["concurrency"])]))

    def validate(self, problems):
        """Fail the task on the problems found (all at once), before any API call; then check the connection."""
        self.fail_on_problems(problems)
        self.check_connection()

    def stream_keys(self, app_name):
        """The StreamKeys of stream_name or stream_names, in input order, on domain_name and ``app_name``."""
        params = self.module.params
        names = params["stream_names"] if params["stream_names"] is not None else [params["stream_name"]]
        return [StreamKey(params["domain_name"], app_name, name) for name in names]

    # One stream ----------------------------------------------------------------------------
    def read_state(self, key, result):
        """Read one stream's StreamState; its RequestId goes into the result's request_ids."""
        answer = self.client.call(READ_ACTION, key.api_params())
        result["request_ids"][READ_ACTION] = answer.request_id
        return answer.data.get("StreamState")

    def work_on(self, key, result):
        """The module's decision for one stream: fill in ``result``; a TencentError fails the stream.

        By default: read the stream's state (for modules that only read).
        """
        result["state"] = self.read_state(key, result)

    def work(self, key, stop):
        """One stream's result. An error fails this stream only (and stops the batch when every stream would get it)."""
        result = dict(key.as_dict(), **self.RESULT_FIELDS, failed=False, request_ids={})
        try:
            self.work_on(key, result)
        except TencentError as error:
            keep_state_read(result)
            record_failure(result, key, error, stop)
        except Exception as error:  # pylint: disable=broad-except
            # A bug must not cost the other streams their results.
            keep_state_read(result)
            record_unexpected(result, key, error)
        return result

    def not_started(self, key, reason):
        return not_started_result(key, reason, **self.RESULT_FIELDS)

    # The batch -----------------------------------------------------------------------------
    def run_batch(self, keys):
        """work() for each key with the task's limits: in flight as the measured rates and latencies need, at most
        ``concurrency``; stopped by max_transport_failures streams in a row without an answer. Results in key order."""
        params = self.module.params
        rate_limits = getattr(self.client, "rate_limits", None)
        gate = InflightGate(
            params["concurrency"],
            target=rate_limits.in_flight_target if rate_limits is not None else None,
            bound=self.bound,
        )
        stop = StopSignal(params.get("max_transport_failures") or 0, bound=self.bound)
        try:
            return run_in_order(
                keys,
                self.work,
                self.not_started,
                params["concurrency"],
                gate=gate,
                stop=stop,
                transport_failure=transport_failure,
            )
        finally:
            gate.close()

    def report_states(self, keys, extra=(), **output):
        """For a module that only reads (RESULT_FIELDS: state): read the keys' states (and wait, with its wait_for,
        wait_timeout and wait_interval options); exit or fail with streams and counts by state.

        extra: per-key fields added to each stream's result (the push history's), in key order.
        """
        params = self.module.params
        pairs, wait = list(zip(keys, self.run_batch(keys))), None
        if params["wait_for"] is not None:
            wait = _waiting.wait_for_state(
                pairs,
                self.run_batch,
                params["wait_for"],
                params["wait_timeout"],
                params["wait_interval"],
                bound=self.bound,
            )
            output["wait"] = wait.summary(keys)
        results = [result for _key, result in pairs]
        for result, fields in zip(results, extra):
            result.update(fields)
        output.update(changed=False, streams=results, counts=count_states(results))
        counts = output["counts"]
        self.fail_on_failed_streams(
            results,
            lambda shown: f"Could not read {counts['failed']} of {counts['total']} stream states: {shown}",
            **output,
        )
        if wait is not None and wait.stopped is not None:
            self.fail_json(f"waiting for {len(keys)} stream(s) to be {params['wait_for']} was cut short", **output)
        if wait is not None and output["wait"]["timed_out"]:
            late = [
                f"{result['stream_name']} ({result['state']})" for key, result in pairs if key not in wait.reached_at
            ]
            self.fail_json(
                f"Waited {wait.limit_text()} for {len(keys)} stream(s) to be {params['wait_for']}; "
                f"{len(late)} did not get there: {shorten(late)}",
                **output,
            )
        self.exit_json(**output)

    def fail_on_failed_streams(self, results, summary, **output):
        """Fail the task when a stream failed: msg is summary(the streams' messages, the first ten), the first error is
        the failure. Each stream's message leaves its result either way (it belongs in the task's msg only)."""
        messages = pop_messages(results)
        if messages:
            self.fail_json(summary(shorten(messages)), failure=first_error(results), **output)


def keep_state_read(result):
    """A stream that failed after its state was read is left in that state (previous_state), where results say one."""
    if "previous_state" in result:
        result["state"] = result["previous_state"]


# A stream's result -------------------------------------------------------------------------
def record_failure(result, key, error, stop):
    """Mark a stream's result failed by a TencentError; stop the batch if every stream would fail alike.

    The task's deadline or stop (DeadlineExceeded, TaskStopped: a call that could not be sent, or a read
    cut on the wire) stops the batch, and the stream is reported as not attempted, like the streams not
    started: a re-run does it. A write sent whose outcome is unknown (OutcomeUnknown) is reported as such:
    changed (a write was sent), its state unknown.
    """
    if isinstance(error, (DeadlineExceeded, TaskStopped)):
        stop.stop(over_reason(error))
        return not_attempted(result, key, stop.reason)
    if isinstance(error, OutcomeUnknown):
        result.update(state=None, failed=True, error=error.failure(), msg=f"{key.stream_name}: {error}")
        if "changed" in result:
            result["changed"] = True
        return result
    result.update(failed=True, error=error.failure(), msg=f"{key.stream_name}: {error}")
    if error.fatal:
        code = error.failure().get("code") or error.message
        stop.stop(f"{key.stream_name} failed with an error that every stream would get ({code})")
    return result


def record_unexpected(result, key, exc):
    """Mark a stream's result failed by an exception the collection does not expect (a bug).

    Only the exception's type is shown: its text could quote anything, a header value included.
    The other streams of the batch keep their results.
    """
    message = (
        f"unexpected {type(exc).__name__} while working on this stream: a bug in tencent.cloud, please report it; "
        "the other streams are not affected"
    )
    result.update(
        failed=True,
        error={"kind": "internal", "action": None, "message": message, "attempts": 0},
        msg=f"{key.stream_name}: {message}",
    )
    return result


def over_reason(error):
    """Why the streams not done were not attempted: the task's deadline or stop (DeadlineExceeded, TaskStopped)."""
    action = error.action or "the next call"
    if isinstance(error, TaskStopped):
        where = f"while {action} was on the wire" if error.maybe_sent else f"before {action} could be sent"
        return f"the task was stopped ({error.reason}) {where}"
    return f"{DEADLINE_REASON} before {action} could be sent"


def transport_failure(result):
    """The failure message of a stream that failed for want of a valid answer from the endpoint, else None."""
    error = result.get("error") if result.get("failed") else None
    if error and error.get("kind") == "transport":
        return error.get("message")
    return None


def not_attempted(result, key, reason):
    """Mark a result as not attempted (counted as skipped), keeping what it holds (for example the state read)."""
    result.update(
        failed=True,
        error={"kind": "skipped", "action": None, "message": "not attempted: " + reason, "attempts": 0},
        msg=f"{key.stream_name}: not attempted: {reason}",
    )
    return result


def not_started_result(key, reason, **fields):
    """The result of a stream the batch did not start (an earlier configuration error, the deadline, a dead endpoint)."""
    result = not_attempted(dict(key.as_dict(), request_ids={}), key, reason)
    result.update(fields)
    return result


# The task's result -------------------------------------------------------------------------
def write_counts(results):
    """The counts of a batch of writes: each stream is changed, ok, failed, skipped or unknown (outcome)."""
    total = len(results)
    kinds = [r["error"]["kind"] for r in results if r["failed"]]
    skipped, unknown = kinds.count("skipped"), kinds.count("outcome_unknown")
    failed = len(kinds) - skipped - unknown
    changed = sum(1 for r in results if r["changed"] and not r["failed"])
    return {
        "total": total,
        "changed": changed,
        "ok": total - changed - failed - skipped - unknown,
        "failed": failed,
        "skipped": skipped,
        "unknown": unknown,
    }


def write_failure_message(tally, shown):
    """The message of a batch of writes that did not all reach the desired state."""
    unknown = f", {tally['unknown']} sent with an unknown outcome" if tally["unknown"] else ""
    return (
        f"{tally['failed'] + tally['skipped'] + tally['unknown']} of {tally['total']} streams did not reach the desired "
        f"state ({tally['failed']} failed, {tally['skipped']} not attempted{unknown}); {tally['changed'] + tally['ok']} "
        f"succeeded ({tally['changed']} changed, {tally['ok']} already right) and a re-run will only touch the rest. "
        f"Failures: {shown}"
    )


def pop_messages(results):
    """Remove the per-stream failure texts from results (they belong in the task's msg only)."""
    return [result.pop("msg") for result in results if "msg" in result]


def shorten(messages):
    shown = "; ".join(messages[:MAX_MESSAGES_SHOWN])
    more = len(messages) - MAX_MESSAGES_SHOWN
    if more > 0:
        shown += f"; and {more} more (see the per-stream results)"
    return shown


def first_error(results):
    return next(result["error"] for result in results if result["failed"])

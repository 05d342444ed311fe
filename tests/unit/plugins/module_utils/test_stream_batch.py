# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The base of both modules (_stream_batch.StreamBatchModule) with a fake AnsibleModule and client."""

import threading
import time

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils import _stream_batch
from ansible_collections.tencent.cloud.plugins.module_utils._client import ApiResponse
from ansible_collections.tencent.cloud.plugins.module_utils._errors import (
    DeadlineExceeded,
    TencentApiError,
    TencentTransportError,
)
from ansible_collections.tencent.cloud.plugins.module_utils._streams import StreamKey

DOMAIN = "5000.livepush.myqcloud.com"


class Ended(Exception):
    """The fake module's exit_json/fail_json: the task ended with this result."""

    def __init__(self, result):
        super().__init__(result)
        self.result = result


class FakeModule:
    check_mode = False
    _diff = False

    def __init__(self, **params):
        self.params = dict(
            domain_name=DOMAIN,
            app_name="live",
            stream_name=None,
            stream_names=None,
            concurrency=8,
            max_transport_failures=10,
            task_timeout=None,
        )
        self.params.update(params)
        self.warnings = []

    def warn(self, warning):
        self.warnings.append(warning)

    def fail_json(self, **result):
        raise Ended(dict(result, failed=True))

    def exit_json(self, **result):
        raise Ended(result)


class FakeClient:
    """Answers DescribeLiveStreamState from states; errors[name] is raised instead, after delays[name] seconds."""

    def __init__(self, states, errors=None, delays=None):
        self.states = states
        self.errors = errors or {}
        self.delays = delays or {}
        self.read = []
        self._lock = threading.Lock()

    def call(self, action, params):
        name = params["StreamName"]
        time.sleep(self.delays.get(name, 0))
        with self._lock:
            self.read.append(name)
        if name in self.errors:
            raise self.errors[name]
        return ApiResponse({"StreamState": self.states[name]}, f"rid-{name}")


class Reader(_stream_batch.StreamBatchModule):
    RESULT_FIELDS = {"state": None}  # noqa: RUF012 (read only)


class Decider(_stream_batch.StreamBatchModule):
    """A module that reads, then fails on a planted exception for some streams."""

    RESULT_FIELDS = {"previous_state": None, "state": None, "changed": False}  # noqa: RUF012 (read only)
    bug_in = ()

    def work_on(self, key, result):
        result["previous_state"] = self.read_state(key, result)
        if key.stream_name in self.bug_in:
            raise KeyError("X-TC-Token: do-not-show")
        result["state"], result["changed"] = "forbid", True


def batch(cls, client, **params):
    instance = cls(FakeModule(**params))
    instance._client = client  # the client property returns it
    return instance


def keys(*names):
    return [StreamKey(DOMAIN, "live", name) for name in names]


def test_results_are_in_input_order_with_their_state_and_request_id():
    names = [f"s{n}" for n in range(12)]
    # earlier streams answer later: they finish out of order
    client = FakeClient(dict.fromkeys(names, "active"), delays={name: 0.003 * (12 - n) for n, name in enumerate(names)})
    results = batch(Reader, client).run_batch(keys(*names))
    assert [result["stream_name"] for result in results] == names
    assert results[0] == {
        "domain_name": DOMAIN,
        "app_name": "live",
        "stream_name": "s0",
        "state": "active",
        "failed": False,
        "request_ids": {"DescribeLiveStreamState": "rid-s0"},
    }
    assert client.read != names  # they really were read concurrently


def test_an_unexpected_exception_fails_only_its_stream_and_shows_only_its_type():
    client = FakeClient({"a": "active", "b": "inactive", "c": "active"})
    module = batch(Decider, client)
    module.bug_in = ("b",)
    results = module.run_batch(keys("a", "b", "c"))
    assert [result["failed"] for result in results] == [False, True, False]
    failed = results[1]
    assert failed["error"]["kind"] == "internal" and "unexpected KeyError" in failed["msg"]
    assert "do-not-show" not in str(failed)
    # a failed stream is left in the state read before the failure
    assert failed["previous_state"] == failed["state"] == "inactive" and failed["changed"] is False
    assert results[0]["state"] == results[2]["state"] == "forbid"


def test_an_error_every_stream_would_get_stops_the_batch_and_the_rest_are_not_started():
    names = [f"s{n}" for n in range(6)]
    denied = TencentApiError("AuthFailure.SignatureFailure", "bad signature", "rid-x", action="DescribeLiveStreamState")
    client = FakeClient(dict.fromkeys(names, "active"), errors={"s2": denied})
    results = batch(Reader, client, concurrency=1).run_batch(keys(*names))
    assert client.read == ["s0", "s1", "s2"]
    assert [result["failed"] for result in results[:2]] == [False, False]
    assert results[2]["error"]["code"] == "AuthFailure.SignatureFailure"
    for result in results[3:]:
        assert result["error"]["kind"] == "skipped" and result["state"] is None and result["request_ids"] == {}
        assert result["msg"] == (
            f"{result['stream_name']}: not attempted: s2 failed with an error that every stream would get "
            "(AuthFailure.SignatureFailure)"
        )


def test_the_deadline_marks_the_stream_not_attempted_and_stops_the_batch():
    late = DeadlineExceeded("no time left", action="DescribeLiveStreamState")
    client = FakeClient({"a": "active", "b": "active", "c": "active"}, errors={"b": late})
    results = batch(Reader, client, concurrency=1).run_batch(keys("a", "b", "c"))
    reason = "the task's deadline (task_timeout) was reached before DescribeLiveStreamState could be sent"
    assert results[0]["failed"] is False
    assert [result["error"]["message"] for result in results[1:]] == ["not attempted: " + reason] * 2
    assert client.read == ["a", "b"]


def test_max_transport_failures_in_a_row_stop_the_batch():
    names = [f"s{n}" for n in range(6)]
    down = TencentTransportError("connection refused", action="DescribeLiveStreamState")
    client = FakeClient(dict.fromkeys(names, "active"), errors=dict.fromkeys(names, down))
    results = batch(Reader, client, concurrency=1, max_transport_failures=2).run_batch(keys(*names))
    assert client.read == ["s0", "s1"]
    assert [result["error"]["kind"] for result in results] == ["transport"] * 2 + ["skipped"] * 4
    assert "max_transport_failures=2" in results[-1]["msg"]


def test_failed_streams_fail_the_task_with_a_summary_of_the_first_ten_and_the_first_error():
    names = [f"s{n:02d}" for n in range(13)]
    broken = TencentApiError("InternalError", "oops", "rid-e", action="DescribeLiveStreamState")
    client = FakeClient(dict.fromkeys(names, "active"), errors=dict.fromkeys(names[1:], broken))
    module = batch(Reader, client)
    results = module.run_batch(keys(*names))
    with pytest.raises(Ended) as ended:
        module.fail_on_failed_streams(results, lambda shown: "Summary: " + shown, streams=results)
    result = ended.value.result
    assert result["failed"] is True and result["failure"]["code"] == "InternalError"
    assert result["msg"].startswith("Summary: s01: DescribeLiveStreamState failed: InternalError: oops")
    assert result["msg"].endswith("; and 2 more (see the per-stream results)")
    assert result["msg"].count("InternalError: oops") == 10
    assert not any("msg" in stream for stream in result["streams"])


def test_no_failed_stream_leaves_the_task_running():
    client = FakeClient({"a": "active"})
    module = batch(Reader, client)
    results = module.run_batch(keys("a"))
    assert module.fail_on_failed_streams(results, lambda shown: shown) is None


def test_name_problems_and_keys():
    module = batch(Reader, FakeClient({}), stream_names=["a", 7, "a"], app_name="")
    assert module.name_problems("") == [
        "app_name must not be empty",
        "stream_names[1] is the number 7, not a string: quote it (YAML reads unquoted 0123 as the number 83 and yes "
        "as true); for names from a variable holding numbers, convert them with | string or | map('string')",
    ]
    module = batch(Reader, FakeClient({}), stream_name="one")
    assert [str(key) for key in module.stream_keys("app")] == [f"{DOMAIN}/app/one"]
    assert batch(Reader, FakeClient({}), concurrency=0).concurrency_problems() == [
        "concurrency must be between 1 and 256, got 0"
    ]

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The credential chain end to end: modules run in-process against the emulator with
credentials from a tccli profile, the SDK's INI file, the environment, the CVM role (metadata
service) and STS AssumeRole, renewal of short-lived credentials during a batch, and a playbook
without any credential option."""

import functools
import json
import os
import threading
import time

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils import _credentials as chain
from ansible_collections.tencent.cloud.plugins.modules import tencent_live_stream, tencent_live_stream_info

DOMAIN = "5000.livepush.myqcloud.com"
ROLE_ARN = "qcs::cam::uin/100000000001:roleName/live-operator"


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty HOME and the SDK's /etc file moved into the sandbox (tests/unit/conftest.py clears the variables)."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("HOME", str(path))
    monkeypatch.setattr(
        chain, "SDK_CREDENTIAL_FILES", ("~/.tencentcloud/credentials", str(tmp_path / "etc" / "credentials"))
    )
    return path


@pytest.fixture(autouse=True)
def no_warnings_left_behind():
    """In-process runs collect module warnings in a global: leave none for the next test's result."""
    yield
    from ansible.module_utils.common import warnings as module_warnings

    for name in ("_global_warnings", "_global_deprecations"):
        collected = getattr(module_warnings, name, None)
        if collected is not None:
            collected.clear()


@pytest.fixture
def api(live_api_fresh):
    return live_api_fresh


def credential(api, name, token=None, expires_at=None):
    """Register a credential with the emulator; returns (secret_id, secret_key)."""
    secret_id, secret_key = "AKID{}{}".format(name.upper(), "0" * (32 - len(name))), f"key-of-{name}-must-not-show"
    api.core.add_credentials(
        dict(
            {"secret_id": secret_id, "secret_key": secret_key},
            **({"token": token, "expires_at": expires_at} if token else {}),
        )
    )
    return secret_id, secret_key


def seed(api, states):
    api.core.seed_streams(
        {"streams": [{"domain_name": DOMAIN, "stream_name": name, "state": state} for name, state in states.items()]}
    )


def calls(api, action=None):
    return api.core.list_calls(action)["calls"]


def issued(api, kind):
    return [item for item in api.core.list_roles()["issued"] if item["kind"] == kind]


def resume(run_module, api, **args):
    """Run tencent_live_stream (stream s1 unless stream_names is given); options set to None are left out."""
    merged = dict(dict(endpoint=api.url, domain_name=DOMAIN, stream_name="s1"), **args)
    return run_module(tencent_live_stream.main, {key: value for key, value in merged.items() if value is not None})


def warnings_of(result):
    """The warning texts of a result (plain strings, or ansible-core 2.19+ warning summaries)."""
    return json.dumps(result.get("warnings", []))


def signers(api, action="DescribeLiveStreamState"):
    return {call["secret_id"] for call in calls(api, action)}


# --------------------------------------------------------------------------- each source, end to end


def test_tccli_profile_file(home, api, run_module):
    secret_id, secret_key = credential(api, "tccli")
    (home / ".tccli").mkdir()
    (home / ".tccli" / "default.credential").write_text(json.dumps({"secretId": secret_id, "secretKey": secret_key}))
    seed(api, {"s1": "forbid"})
    result = resume(run_module, api)
    assert result["changed"] is True and result["stream"]["previous_state"] == "forbid", result
    assert signers(api) == {secret_id} and signers(api, "ResumeLiveStream") == {secret_id}
    assert secret_key not in json.dumps(result)


def test_secrets_from_files_are_masked_like_no_log_options(home, api, run_module):
    """A secret found in a file is masked wherever it appears in the result -- here, planted as a stream name."""
    secret_id, secret_key = credential(api, "masked")
    (home / ".tccli").mkdir()
    (home / ".tccli" / "default.credential").write_text(json.dumps({"secretId": secret_id, "secretKey": secret_key}))
    result = resume(run_module, api, stream_name=secret_key)
    assert result.get("failed") is not True, result
    assert secret_key not in json.dumps(result) and result["stream"]["stream_name"] != secret_key


def test_named_tccli_profile_in_a_shared_credentials_dir(home, api, run_module, tmp_path):
    secret_id, secret_key = credential(api, "prod")
    folder = tmp_path / "team-credentials"
    folder.mkdir()
    (folder / "prod.credential").write_text(json.dumps({"secretId": secret_id, "secretKey": secret_key}))
    result = resume(run_module, api, profile="prod", shared_credentials_dir=str(folder))
    assert result.get("failed") is not True, result
    assert signers(api) == {secret_id}


def test_sdk_ini_file(home, api, run_module):
    secret_id, secret_key = credential(api, "sdk")
    (home / ".tencentcloud").mkdir()
    (home / ".tencentcloud" / "credentials").write_text(
        f"[default]\nsecret_id = {secret_id}\nsecret_key = {secret_key}\n"
    )
    result = run_module(
        tencent_live_stream_info.main, dict(endpoint=api.url, domain_name=DOMAIN, stream_names=["a", "b"])
    )
    assert result.get("failed") is not True and result["counts"]["total"] == 2, result
    assert signers(api) == {secret_id}


def test_environment(home, api, run_module, monkeypatch):
    secret_id, secret_key = credential(api, "env", token="env-token-must-not-show", expires_at=time.time() + 3600)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", secret_id)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", secret_key)
    monkeypatch.setenv("TENCENTCLOUD_SECURITY_TOKEN", "env-token-must-not-show")
    monkeypatch.setenv("TENCENTCLOUD_LIVE_ENDPOINT", api.url)
    result = run_module(tencent_live_stream.main, dict(domain_name=DOMAIN, stream_name="s1"))
    assert result.get("failed") is not True, result
    assert signers(api) == {secret_id}


def test_cvm_role_resolved_once_per_task(home, api, run_module):
    api.core.bind_cvm_role({"role_name": "live-operator", "duration": 3600})
    seed(api, {f"s{n}": "forbid" for n in range(10)})
    result = resume(
        run_module,
        api,
        stream_name=None,
        stream_names=[f"s{n}" for n in range(10)],
        cvm_role="live-operator",
        metadata_url=api.url,
    )
    assert result["counts"]["changed"] == 10, result
    fetched = issued(api, "cvm_role")
    assert len(fetched) == 1 and signers(api) == signers(api, "ResumeLiveStream") == {fetched[0]["secret_id"]}


def test_assume_role_on_top_of_environment_credentials(home, api, run_module, monkeypatch):
    secret_id, secret_key = credential(api, "base")
    api.core.add_roles({"role_arn": ROLE_ARN})
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", secret_id)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", secret_key)
    monkeypatch.setenv("TENCENTCLOUD_ASSUME_ROLE_ARN", ROLE_ARN)
    seed(api, {f"s{n}": "active" for n in range(8)})
    result = resume(
        run_module,
        api,
        stream_name=None,
        stream_names=[f"s{n}" for n in range(8)],
        state="forbidden",
        sts_endpoint=api.url,
        role_session_name="awx-job-42",
    )
    assert result["counts"]["changed"] == 8, result
    assumed = calls(api, "AssumeRole")
    assert len(assumed) == 1 and assumed[0]["secret_id"] == secret_id
    assert assumed[0]["params"] == {"RoleArn": ROLE_ARN, "RoleSessionName": "awx-job-42", "DurationSeconds": 7200}
    role_id = issued(api, "sts")[0]["secret_id"]
    assert signers(api) == signers(api, "ForbidLiveStream") == {role_id}


def test_assume_role_named_in_the_tccli_profile(home, api, run_module):
    secret_id, secret_key = credential(api, "base")
    api.core.add_roles({"role_arn": ROLE_ARN})
    (home / ".tccli").mkdir()
    (home / ".tccli" / "default.credential").write_text(
        json.dumps({"secretId": secret_id, "secretKey": secret_key, "role-arn": ROLE_ARN})
    )
    result = resume(run_module, api, sts_endpoint=api.url)
    assert result.get("failed") is not True, result
    assert signers(api) == {issued(api, "sts")[0]["secret_id"]}


# --------------------------------------------------------------------------- renewal during a long batch


def short_lived_batch(api, how, names, lifetime, concurrency, reads_per_second):
    """Seed names forbidden; the module's arguments for a batch of them with credentials of ``lifetime`` seconds
    from the CVM role "short" or from assuming ROLE_ARN (how), paced at reads_per_second."""
    seed(api, dict.fromkeys(names, "forbid"))
    args = dict(
        stream_name=None,
        stream_names=names,
        concurrency=concurrency,
        rate_limits={"DescribeLiveStreamState": reads_per_second},
    )
    if how == "cvm_role":
        api.core.bind_cvm_role({"role_name": "short", "duration": lifetime})
        return dict(args, cvm_role="short", metadata_url=api.url)
    api.core.add_roles({"role_arn": ROLE_ARN, "lifetime": lifetime})
    return dict(args, secret_id=_default_id(), secret_key=_default_key(), role_arn=ROLE_ARN, sts_endpoint=api.url)


@pytest.mark.parametrize("how", ["cvm_role", "assume_role"])
def test_short_lived_credentials_are_renewed_during_a_batch(home, api, run_module, how):
    """The emulator issues 4-second credentials, renewed after 2; a batch paced at 5 reads a second runs for 3 seconds
    or more (a loaded machine only makes it longer). A call signed just before the renewal reaches the emulator
    2 seconds before the old credentials expire, however slow the machine."""
    names = [f"r{n:02d}" for n in range(20)]
    args = short_lived_batch(api, how, names, lifetime=4, concurrency=8, reads_per_second=5)
    result = resume(run_module, api, **args)
    assert result["counts"]["changed"] == len(names) and not result.get("failed"), result
    kind = "cvm_role" if how == "cvm_role" else "sts"
    fetched = issued(api, kind)
    assert len(fetched) >= 2
    used = signers(api) | signers(api, "ResumeLiveStream")
    assert len(used) >= 2 and used <= {item["secret_id"] for item in fetched}
    assert not [call for call in calls(api) if call["code"]]


@pytest.mark.parametrize("how", ["cvm_role", "assume_role"])
def test_a_renewal_that_fails_stops_the_batch_with_its_own_error_tried_once(home, api, run_module, how):
    """issue 22: the role goes away after the first credentials were issued (2-second ones; a batch paced at 4
    reads a second runs for 8 s or more). The batch stops with the renewal's own error -- STS's code and
    RequestId, or the metadata service's answer -- not AuthFailure.TokenFailure; the renewal is tried once
    while the old credentials are still valid, not once per stream; the rest are reported as not attempted."""
    names = [f"x{n:02d}" for n in range(32)]
    args = short_lived_batch(api, how, names, lifetime=2, concurrency=4, reads_per_second=4)
    take_away = api.core.unbind_cvm_role if how == "cvm_role" else functools.partial(api.core.remove_role, ROLE_ARN)
    done = threading.Event()

    def after_the_first_issue():
        while not done.is_set() and not api.core.list_roles()["issued"]:
            time.sleep(0.01)
        take_away()

    watcher = threading.Thread(target=after_the_first_issue, daemon=True)
    watcher.start()
    try:
        result = resume(run_module, api, **args)
    finally:
        done.set()
        watcher.join(10)
    # (the role is taken away as soon as the watcher sees the first issue; on a loaded machine a renewal may come first)
    assert result["failed"] is True and len(api.core.list_roles()["issued"]) >= 1
    failure, counts = result["failure"], result["counts"]
    assert failure["renewal"] is True and "renewing them failed" in result["msg"]
    assert "TokenFailure" not in json.dumps(result)
    # the streams under way when it came fail with it (at most concurrency), the rest are not started
    assert 1 <= counts["failed"] <= 4 and counts["skipped"] >= 1
    assert counts["changed"] + counts["failed"] + counts["skipped"] == len(names)
    failed = [s for s in result["streams"] if s["failed"] and s["error"]["kind"] != "skipped"]
    assert all(s["error"]["renewal"] is True for s in failed)
    if how == "assume_role":
        assert (failure["code"], failure["action"]) == ("ResourceNotFound.RoleNotFound", "AssumeRole")
        assert failure["request_id"] and failure["request_id"] in result["msg"]
        refused = [call for call in calls(api, "AssumeRole") if call["code"]]
        assert len(refused) == 1  # once, however many streams were left
    else:
        assert failure["kind"] == "credentials" and "no CAM role 'short'" in failure["message"]
    # calls signed just before the old credentials expired may reach the emulator just after: at most those in flight
    late = [call["code"] for call in calls(api) if call["code"] and call["action"] != "AssumeRole"]
    assert set(late) <= {"AuthFailure.TokenFailure"} and len(late) <= 4


def _default_id():
    import live_api_emulator as live_emulator  # loaded by tests/conftest.py

    return live_emulator.DEFAULT_SECRET_ID


def _default_key():
    import live_api_emulator as live_emulator

    return live_emulator.DEFAULT_SECRET_KEY


# --------------------------------------------------------------------------- failures


def test_expired_token_is_token_failure_with_a_hint(home, api, run_module):
    secret_id, secret_key = credential(api, "expired", token="expired-token-must-not-show", expires_at=time.time() - 60)
    (home / ".tccli").mkdir()
    (home / ".tccli" / "default.credential").write_text(
        json.dumps({"secretId": secret_id, "secretKey": secret_key, "token": "expired-token-must-not-show"})
    )
    result = resume(run_module, api)
    assert result["failed"] is True
    failure = result["failure"]
    assert failure["code"] == "AuthFailure.TokenFailure" and failure["request_id"]
    assert (
        "expired" in failure["hint"]
        and "AuthFailure.TokenFailure" in result["msg"]
        and failure["hint"] in result["msg"]
    )
    assert "expired-token-must-not-show" not in json.dumps(result) and secret_key not in json.dumps(result)


def test_no_credentials_anywhere(home, api, run_module):
    result = resume(run_module, api)
    assert result["failed"] is True and calls(api) == []
    message = result["msg"]
    assert message.startswith("No Tencent Cloud credentials found; tried, in order: the options")
    assert os.path.join(str(home), ".tccli", "default.credential") in message
    assert (
        os.path.join(str(home), ".tencentcloud", "credentials") in message and "the CVM role (not requested" in message
    )
    # RETURN: failure.kind is credentials when the credentials could not be found (a rescue tests it)
    assert result["failure"]["kind"] == "credentials" and result["failure"]["message"] == message


@pytest.mark.parametrize("module", [tencent_live_stream_info, tencent_live_stream])
def test_half_a_pair_is_a_credentials_failure(home, api, run_module, monkeypatch, module):
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDonlyid")
    args = {"domain_name": DOMAIN, "stream_name": "s1", "endpoint": api.url}
    result = run_module(module.main, args)
    assert result["failed"] is True and calls(api) == []
    assert result["failure"]["kind"] == "credentials" and "TENCENTCLOUD_SECRET_KEY" in result["failure"]["message"]


def test_malformed_profile_names_the_file(home, api, run_module):
    (home / ".tccli").mkdir()
    (home / ".tccli" / "default.credential").write_text('{"secretId": "AKIDx", "secretKey": "key-in-broken-file"')
    result = resume(run_module, api)
    assert result["failed"] is True and calls(api) == []
    assert "the tccli profile file %s is not valid JSON" % (home / ".tccli" / "default.credential") in result["msg"]
    assert "key-in-broken-file" not in result["msg"] and "key-in-broken-file" not in json.dumps(result)
    assert result["failure"]["kind"] == "credentials"


def test_half_a_pair_fails_before_any_call(home, api, run_module, monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDonlyid")
    result = resume(run_module, api)
    assert result["failed"] is True and calls(api) == []
    assert "secret_key is not set: give secret_key or set TENCENTCLOUD_SECRET_KEY" in result["msg"]


def test_unknown_role_fails_before_any_live_call(home, api, run_module):
    result = resume(
        run_module, api, secret_id=_default_id(), secret_key=_default_key(), role_arn=ROLE_ARN, sts_endpoint=api.url
    )
    assert result["failed"] is True
    assert (
        result["failure"]["code"] == "ResourceNotFound.RoleNotFound" and "check role_arn" in result["failure"]["hint"]
    )
    assert [call["action"] for call in calls(api)] == ["AssumeRole"]


def test_cvm_role_not_bound_fails_with_the_bound_role(home, api, run_module):
    api.core.bind_cvm_role({"role_name": "real-role"})
    result = resume(run_module, api, cvm_role="other-role", metadata_url=api.url)
    assert result["failed"] is True and calls(api) == []
    assert "no CAM role 'other-role'" in result["msg"] and "'real-role'" in result["msg"]


def test_a_named_profile_that_loses_is_a_warning(home, api, run_module, monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", _default_id())
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", _default_key())
    result = resume(run_module, api, profile="prod")
    assert result.get("failed") is not True, result
    assert "The tccli profile prod (option profile) is not used: the credentials from the environment" in warnings_of(
        result
    )


# --------------------------------------------------------------------------- a playbook without credential options

PLAYBOOK = """
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Resume a stream with credentials from wherever the chain finds them
      tencent.cloud.tencent_live_stream:
        domain_name: {domain}
        stream_name: "{{{{ stream }}}}"
      register: resumed

    - name: Read it back
      tencent.cloud.tencent_live_stream_info:
        domain_name: {domain}
        stream_name: "{{{{ stream }}}}"
      register: read

    - name: Verify
      ansible.builtin.assert:
        that:
          - resumed is changed
          - read.streams[0].state == 'inactive'
""".format(**dict(domain=DOMAIN))


def run_no_options_playbook(ansible_playbook, tmp_path, api, stream, home, extra_env):
    playbook = tmp_path / "no-credential-options.yml"
    playbook.write_text(PLAYBOOK)
    env = dict(HOME=str(home), TENCENTCLOUD_LIVE_ENDPOINT=api.url)
    env.update(extra_env)
    return ansible_playbook(playbook, tmp_path, extra_vars=[f"stream={stream}"], env=env)


@pytest.mark.parametrize("source", ["tccli", "sdk", "environment"])
def test_playbook_without_credential_options(ansible_playbook, tmp_path, api, source):
    home = tmp_path / (f"home-{source}")
    home.mkdir()
    secret_id, secret_key = credential(api, "play" + source)
    extra_env = {}
    if source == "tccli":
        (home / ".tccli").mkdir()
        (home / ".tccli" / "default.credential").write_text(
            json.dumps({"secretId": secret_id, "secretKey": secret_key})
        )
    elif source == "sdk":
        (home / ".tencentcloud").mkdir()
        (home / ".tencentcloud" / "credentials").write_text(
            f"[default]\nsecret_id = {secret_id}\nsecret_key = {secret_key}\n"
        )
    else:
        extra_env = {"TENCENTCLOUD_SECRET_ID": secret_id, "TENCENTCLOUD_SECRET_KEY": secret_key}
    stream = "play-" + source
    seed(api, {stream: "forbid"})
    completed = run_no_options_playbook(ansible_playbook, tmp_path, api, stream, home, extra_env)
    out = completed.stdout.decode("utf-8", "replace")
    assert completed.returncode == 0 and "failed=0" in out, out[-4000:]
    assert signers(api) == signers(api, "ResumeLiveStream") == {secret_id}
    assert secret_key not in out


# --------------------------------------------------------------------------- the emulator's STS and metadata service


def sdk_sts_client(api, secret_id, secret_key):
    """The official SDK's generic client, pointed at the emulator's STS (an independent signer)."""
    from tencentcloud.common.common_client import CommonClient
    from tencentcloud.common.credential import Credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile

    http_profile = HttpProfile(protocol="http", endpoint=api.url.split("://", 1)[1])
    return CommonClient(
        "sts",
        "2018-08-13",
        Credential(secret_id, secret_key),
        "ap-guangzhou",
        profile=ClientProfile(httpProfile=http_profile),
    )


def test_official_sdk_assumes_a_role_at_the_emulator(api):
    api.core.add_roles({"role_arn": ROLE_ARN})
    answer = sdk_sts_client(api, _default_id(), _default_key()).call_json(
        "AssumeRole", {"RoleArn": ROLE_ARN, "RoleSessionName": "sdk-session", "DurationSeconds": 1800}
    )["Response"]
    creds = answer["Credentials"]
    assert creds["TmpSecretId"] == issued(api, "sts")[0]["secret_id"] and creds["TmpSecretKey"] and creds["Token"]
    assert (
        abs(answer["ExpiredTime"] - (time.time() + 1800)) < 5
        and answer["Expiration"].endswith("Z")
        and answer["RequestId"]
    )


@pytest.mark.parametrize(
    "params, code",
    [
        ({"RoleArn": "qcs::cam::uin/1:roleName/unknown", "RoleSessionName": "s1"}, "ResourceNotFound.RoleNotFound"),
        ({"RoleArn": ROLE_ARN, "RoleSessionName": "s1", "DurationSeconds": 43201}, "InvalidParameter.OverTimeError"),
        ({"RoleArn": ROLE_ARN, "RoleSessionName": "s1", "DurationSeconds": 899}, "InvalidParameter.ParamError"),
        ({"RoleArn": ROLE_ARN, "RoleSessionName": "s1", "DurationSeconds": "7200"}, "InvalidParameter.ParamError"),
        ({"RoleArn": ROLE_ARN, "RoleSessionName": "x"}, "InvalidParameter.ParamError"),
        ({"RoleArn": ROLE_ARN}, "MissingParameter"),
        ({"RoleArn": ROLE_ARN, "RoleSessionName": "s1", "Bogus": 1}, "UnknownParameter"),
    ],
)
def test_emulator_sts_checks_assume_role(api, params, code):
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

    api.core.add_roles({"role_arn": ROLE_ARN})
    with pytest.raises(TencentCloudSDKException) as caught:
        sdk_sts_client(api, _default_id(), _default_key()).call_json("AssumeRole", params)
    assert caught.value.code == code and issued(api, "sts") == []


def test_emulator_sts_is_verified_like_any_call(api):
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

    api.core.add_roles({"role_arn": ROLE_ARN})
    with pytest.raises(TencentCloudSDKException) as caught:
        sdk_sts_client(api, _default_id(), "wrong-key").call_json(
            "AssumeRole", {"RoleArn": ROLE_ARN, "RoleSessionName": "s1"}
        )
    assert caught.value.code == "AuthFailure.SignatureFailure"
    with pytest.raises(TencentCloudSDKException) as caught:
        sdk_sts_client(api, _default_id(), _default_key()).call_json("DescribeLiveStreamState", {})
    assert caught.value.code == "InvalidAction"


def test_emulator_metadata_service(api):
    import requests

    base = api.url + "/latest/meta-data/cam/security-credentials/"
    assert requests.get(base, timeout=5).status_code == 404
    assert api.core.handle_control("POST", "cvm_role", {}, b'{"role_name": "bad name"}')[0] == 400
    assert api.core.handle_control("POST", "cvm_role", {}, b'{"role_name": "r", "duration": 0}')[0] == 400
    assert api.core.handle_control("POST", "cvm_role", {}, b'{"role_name": "r", "duration": 60}')[0] == 200
    assert requests.get(base, timeout=5).text == "r"
    assert requests.get(base + "other", timeout=5).status_code == 404
    answer = requests.get(base + "r", timeout=5).json()
    assert answer["Code"] == "Success" and answer["TmpSecretId"] == issued(api, "cvm_role")[0]["secret_id"]
    assert abs(answer["ExpiredTime"] - (time.time() + 60)) < 5 and answer["Token"] and answer["TmpSecretKey"]
    assert requests.post(base + "r", timeout=5).status_code == 405
    listed = api.core.handle_control("GET", "roles", {}, b"")[1]
    assert listed["cvm_role"] == {"role_name": "r", "duration": 60} and answer["TmpSecretKey"] not in json.dumps(listed)
    assert api.core.handle_control("DELETE", "cvm_role", {}, b"")[1] == {"cvm_role": None}
    assert requests.get(base + "r", timeout=5).status_code == 404


def test_emulator_issued_credentials_expire(api):
    import requests
    from tencentcloud.common.credential import Credential
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

    api.core.bind_cvm_role({"role_name": "r", "duration": 1})
    api.core.add_roles({"role_arn": ROLE_ARN})
    answer = requests.get(api.url + "/latest/meta-data/cam/security-credentials/r", timeout=5).json()
    client = sdk_sts_client(api, answer["TmpSecretId"], answer["TmpSecretKey"])
    client.credential = Credential(answer["TmpSecretId"], answer["TmpSecretKey"], answer["Token"])
    time.sleep(1.1)
    with pytest.raises(TencentCloudSDKException) as caught:
        client.call_json("AssumeRole", {"RoleArn": ROLE_ARN, "RoleSessionName": "s1"})
    assert caught.value.code == "AuthFailure.TokenFailure"

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The credential chain (_credentials.py): each source alone, precedence between every pair,
half pairs, files that cannot be used, the CVM role and AssumeRole against the emulator, and
the thread-safe refresh of temporary credentials."""

import itertools
import json
import os
import socket
import threading
import time

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils import _credentials as chain
from ansible_collections.tencent.cloud.plugins.module_utils._args import connection_problems
from ansible_collections.tencent.cloud.plugins.module_utils._client import LiveClient
from ansible_collections.tencent.cloud.plugins.module_utils._credential_types import (
    CredentialError,
    Credentials,
    RenewalFailed,
)
from ansible_collections.tencent.cloud.plugins.module_utils._credentials import resolve_credentials
from ansible_collections.tencent.cloud.plugins.module_utils._errors import (
    DeadlineExceeded,
    TaskStopped,
    TencentApiError,
)
from ansible_collections.tencent.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.tencent.cloud.plugins.module_utils._settings import ConnectionSettings
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound
from ansible_collections.tencent.cloud.plugins.module_utils._temporary_credentials import (
    AssumeRoleError,
    MetadataService,
    RefreshingCredentials,
)

EMULATOR_ID = "AKIDEMULATOR00000000000000000000000"
EMULATOR_KEY = "emulator-secret-key-0000000000000000"
ROLE_ARN = "qcs::cam::uin/100000000001:roleName/live-operator"


class Sandbox:
    """A temporary HOME, a stand-in for /etc/tencentcloud, and a clean credential environment."""

    def __init__(self, tmp_path, monkeypatch):
        self.monkeypatch = monkeypatch
        self.home = tmp_path / "home"
        self.etc = tmp_path / "etc" / "tencentcloud"
        self.home.mkdir()
        monkeypatch.setenv("HOME", str(self.home))
        self.sdk_files = [str(self.home / ".tencentcloud" / "credentials"), str(self.etc / "credentials")]

    def env(self, **values):
        for name, value in values.items():
            self.monkeypatch.setenv(name, value)

    def tccli(self, profile="default", directory=None, text=None, **fields):
        folder = directory or (self.home / ".tccli")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (f"{profile}.credential")
        path.write_text(text if text is not None else json.dumps(fields))
        path.chmod(0o600)  # private, as a credentials file should be (else a warning)
        return str(path)

    def sdk(self, text, where="home"):
        path = self.home / ".tencentcloud" / "credentials" if where == "home" else self.etc / "credentials"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(0o600)
        return str(path)

    def resolve(self, **params):
        return resolve_credentials(dict(params), sdk_files=self.sdk_files)


@pytest.fixture
def box(tmp_path, monkeypatch):
    return Sandbox(tmp_path, monkeypatch)


def ini(secret_id=None, secret_key=None, section="default", **extra):
    lines = [f"[{section}]"]
    for name, value in dict(extra, secret_id=secret_id, secret_key=secret_key).items():
        if value is not None:
            lines.append(f"{name} = {value}")
    return "\n".join(lines) + "\n"


def issued(api, kind=None):
    return [item for item in api.core.list_roles()["issued"] if kind is None or item["kind"] == kind]


# --------------------------------------------------------------------------- each source alone


def test_options_alone(box):
    creds = box.resolve(secret_id="AKIDopt", secret_key="key-opt", session_token="tok-opt")
    assert (creds.secret_id, creds.secret_key, creds.token) == ("AKIDopt", "key-opt", "tok-opt")
    assert creds.current() is creds and creds.source == "the options" and creds.warnings == []


def test_environment_alone(box):
    box.env(TENCENTCLOUD_SECRET_ID="AKIDenv", TENCENTCLOUD_SECRET_KEY="key-env", TENCENTCLOUD_SECURITY_TOKEN="tok-env")
    creds = box.resolve()
    assert (creds.secret_id, creds.secret_key, creds.token) == ("AKIDenv", "key-env", "tok-env")
    assert "TENCENTCLOUD_SECRET_ID" in creds.source and "environment" in creds.source


def test_token_variables_in_order(box):
    box.env(
        TENCENTCLOUD_SECRET_ID="AKIDenv",
        TENCENTCLOUD_SECRET_KEY="key-env",
        TENCENTCLOUD_TOKEN="tccli-token",
        TENCENTCLOUD_SECURITY_TOKEN="terraform-token",
    )
    assert box.resolve().token == "tccli-token"


def test_tccli_default_profile_alone(box):
    path = box.tccli(secretId="AKIDtccli", secretKey="key-tccli", token="tok-tccli")
    creds = box.resolve()
    assert (creds.secret_id, creds.secret_key, creds.token) == ("AKIDtccli", "key-tccli", "tok-tccli")
    assert path in creds.source and "tccli profile default" in creds.source


@pytest.mark.parametrize("how", ["option", "TENCENTCLOUD_PROFILE", "TCCLI_PROFILE"])
def test_tccli_named_profile(box, how):
    box.tccli(secretId="AKIDdefault", secretKey="key-default")
    box.tccli("prod", secretId="AKIDprod", secretKey="key-prod")
    params = {}
    if how == "option":
        params["profile"] = "prod"
    else:
        box.env(**{how: "prod"})
    assert box.resolve(**params).secret_id == "AKIDprod"


def test_tencentcloud_profile_wins_over_tccli_profile_variable(box):
    box.tccli("a", secretId="AKIDa", secretKey="key-a")
    box.tccli("b", secretId="AKIDb", secretKey="key-b")
    box.env(TENCENTCLOUD_PROFILE="a", TCCLI_PROFILE="b")
    assert box.resolve().secret_id == "AKIDa"
    assert box.resolve(profile="b").secret_id == "AKIDb"


@pytest.mark.parametrize("how", ["option", "variable"])
def test_shared_credentials_dir(box, tmp_path, how):
    folder = tmp_path / "elsewhere"
    box.tccli(directory=folder, secretId="AKIDdir", secretKey="key-dir")
    if how == "option":
        creds = box.resolve(shared_credentials_dir=str(folder))
    else:
        box.env(TENCENTCLOUD_SHARED_CREDENTIALS_DIR=str(folder))
        creds = box.resolve()
    assert creds.secret_id == "AKIDdir" and str(folder) in creds.source


def test_sdk_file_in_home_alone(box):
    path = box.sdk(ini("AKIDsdk", "key-sdk"))
    creds = box.resolve()
    assert (creds.secret_id, creds.secret_key, creds.token) == ("AKIDsdk", "key-sdk", None)
    assert path in creds.source and "SDK credentials file" in creds.source


def test_sdk_file_in_etc_alone(box):
    path = box.sdk(ini("AKIDetc", "key-etc"), where="etc")
    creds = box.resolve()
    assert creds.secret_id == "AKIDetc" and path in creds.source


def test_sdk_file_in_home_wins_over_etc_and_etc_is_used_when_home_has_no_default_section(box):
    box.sdk(ini("AKIDetc", "key-etc"), where="etc")
    box.sdk(ini("AKIDhome", "key-home"))
    assert box.resolve().secret_id == "AKIDhome"
    box.sdk(ini("AKIDother", "key-other", section="other"))
    assert box.resolve().secret_id == "AKIDetc"


def test_sdk_file_token_and_values_trimmed(box):
    box.sdk("[default]\nsecret_id =   AKIDsp  \nsecret_key= key-sp\ntoken = tok-sp\n")
    creds = box.resolve()
    assert (creds.secret_id, creds.secret_key, creds.token) == ("AKIDsp", "key-sp", "tok-sp")


def test_a_file_with_a_token_alone_is_skipped_and_the_chain_goes_on(box):
    """credentials.rst: a file whose only credential is a token holds no pair: skipped, the next source is used."""
    box.tccli(token="tok-alone")
    box.sdk(ini("AKIDsdk", "key-sdk"))
    creds = box.resolve()
    assert (creds.secret_id, creds.token) == ("AKIDsdk", None) and "SDK credentials file" in creds.source


@pytest.mark.parametrize("role", ["live-operator", "auto"])
def test_cvm_role_alone(box, live_api_fresh, role):
    live_api_fresh.core.bind_cvm_role({"role_name": "live-operator", "duration": 3600})
    creds = box.resolve(cvm_role=role, metadata_url=live_api_fresh.url)
    current = creds.current()
    fetched = issued(live_api_fresh, "cvm_role")
    assert [item["secret_id"] for item in fetched] == [current.secret_id]
    assert current.token and current.secret_key and abs(current.expires_at - (time.time() + 3600)) < 5
    assert "CVM role" in creds.source and live_api_fresh.url in creds.source
    assert creds.current() is current and len(issued(live_api_fresh)) == 1


def test_cvm_role_from_variable(box, live_api_fresh):
    live_api_fresh.core.bind_cvm_role({"role_name": "r1"})
    box.env(TENCENTCLOUD_CAM_ROLE_NAME="r1", TENCENTCLOUD_METADATA_URL=live_api_fresh.url)
    assert box.resolve().current().secret_id == issued(live_api_fresh)[0]["secret_id"]


# --------------------------------------------------------------------------- precedence between every pair

ORDER = ("options", "environment", "tccli", "sdk", "cvm")


def provide(box, api, source):
    """Make one source give credentials whose SecretId names it; returns the params it needs."""
    if source == "options":
        return {"secret_id": "AKIDoptions", "secret_key": "key-options"}
    if source == "environment":
        box.env(TENCENTCLOUD_SECRET_ID="AKIDenvironment", TENCENTCLOUD_SECRET_KEY="key-environment")
    elif source == "tccli":
        box.tccli(secretId="AKIDtccli", secretKey="key-tccli")
    elif source == "sdk":
        box.sdk(ini("AKIDsdk", "key-sdk"))
    elif source == "cvm":
        api.core.bind_cvm_role({"role_name": "instance-role"})
        return {"cvm_role": "instance-role", "metadata_url": api.url}
    return {}


@pytest.mark.parametrize("higher, lower", list(itertools.combinations(ORDER, 2)))
def test_precedence(box, live_api_fresh, higher, lower):
    params = dict(provide(box, live_api_fresh, lower), **provide(box, live_api_fresh, higher))
    creds = box.resolve(**params)
    assert creds.current().secret_id == "AKID" + higher
    # A lower source is not even read: the metadata service is never asked.
    assert issued(live_api_fresh) == []
    if lower == "cvm":
        assert creds.warnings == [
            f"cvm_role instance-role (option cvm_role) is not used: the credentials from {creds.source} take precedence."
        ]


def test_option_and_its_variable_make_a_pair_and_an_option_overrides_its_variable(box):
    box.env(TENCENTCLOUD_SECRET_ID="AKIDenvironment", TENCENTCLOUD_SECRET_KEY="key-environment")
    creds = box.resolve(secret_key="key-options")
    assert (creds.secret_id, creds.secret_key) == ("AKIDenvironment", "key-options")
    assert creds.source == "the options and the environment (TENCENTCLOUD_SECRET_ID)"


def test_empty_values_count_as_unset(box):
    box.env(TENCENTCLOUD_SECRET_ID="", TENCENTCLOUD_SECRET_KEY="  ", TENCENTCLOUD_TOKEN="", TENCENTCLOUD_PROFILE="")
    box.tccli(secretId="AKIDtccli", secretKey="key-tccli")
    creds = box.resolve(secret_id="", session_token="")
    assert creds.secret_id == "AKIDtccli" and creds.token is None


def test_named_profile_that_loses_is_reported(box):
    box.env(
        TENCENTCLOUD_SECRET_ID="AKIDenvironment", TENCENTCLOUD_SECRET_KEY="key-environment", TENCENTCLOUD_PROFILE="prod"
    )
    creds = box.resolve()
    assert creds.secret_id == "AKIDenvironment"
    assert creds.warnings == [
        f"The tccli profile prod (TENCENTCLOUD_PROFILE) is not used: the credentials from {creds.source} take precedence."
    ]


# --------------------------------------------------------------------------- nothing found, half pairs, bad files


def test_nothing_found_lists_every_source_tried(box):
    with pytest.raises(CredentialError) as caught:
        box.resolve()
    message = str(caught.value)
    assert message.startswith("No Tencent Cloud credentials found; tried, in order: ")
    positions = [
        message.index(part)
        for part in (
            "the options secret_id/secret_key (not set)",
            "the environment TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY (not set)",
            "the tccli profile default ({}) (no such file)".format(
                os.path.join(str(box.home), ".tccli", "default.credential")
            ),
            f"the SDK credentials file {box.sdk_files[0]} (no such file)",
            f"the SDK credentials file {box.sdk_files[1]} (no such file)",
            "the CVM role (not requested",
        )
    ]
    assert positions == sorted(positions)
    assert "tccli configure" in message and "cvm_role" in message


def test_nothing_found_says_why_existing_files_gave_nothing(box):
    box.tccli(secretId="", secretKey="")
    box.sdk(ini(section="other", secret_id="x", secret_key="y"))
    box.sdk("[default]\nregion = ap-guangzhou\n", where="etc")
    with pytest.raises(CredentialError) as caught:
        box.resolve()
    message = str(caught.value)
    assert "(no secretId/secretKey in it)" in message and "(no [default] section)" in message
    assert "(no secret_id/secret_key in [default])" in message


NEED_KEY = "secret_key is not set: give secret_key or set TENCENTCLOUD_SECRET_KEY (secret_id is set (from "
NEED_ID = "secret_id is not set: give secret_id or set TENCENTCLOUD_SECRET_ID (secret_key is set (from "


@pytest.mark.parametrize(
    "params, env, expected",
    [
        ({"secret_id": "AKIDx"}, {}, NEED_KEY + "option secret_id)"),
        ({}, {"TENCENTCLOUD_SECRET_ID": "AKIDx"}, NEED_KEY + "TENCENTCLOUD_SECRET_ID)"),
        ({"secret_key": "k"}, {}, NEED_ID + "option secret_key)"),
        ({}, {"TENCENTCLOUD_SECRET_KEY": "k"}, NEED_ID + "TENCENTCLOUD_SECRET_KEY)"),
        (
            {"session_token": "t"},
            {},
            "session_token is set (from option session_token) but secret_id and secret_key are not",
        ),
        (
            {},
            {"TENCENTCLOUD_SECURITY_TOKEN": "t"},
            "session_token is set (from TENCENTCLOUD_SECURITY_TOKEN) but secret_id and secret_key are not",
        ),
    ],
)
def test_half_a_pair_is_an_error_not_a_fall_through(box, params, env, expected):
    box.tccli(secretId="AKIDtccli", secretKey="key-tccli")
    box.env(**env)
    with pytest.raises(CredentialError) as caught:
        box.resolve(**params)
    assert expected in str(caught.value) and "AKIDtccli" not in str(caught.value)
    # The module checks the same before any API call, listed with the other option problems.
    assert expected in "; ".join(connection_problems(dict(params, endpoint="https://live.tencentcloudapi.com")))


@pytest.mark.parametrize(
    "fields, missing",
    [
        ({"secretId": "AKIDhalf"}, "has secretId but no secretKey"),
        ({"secretKey": "key-half", "secretId": ""}, "has secretKey but no secretId"),
    ],
)
def test_half_a_pair_in_the_tccli_file_names_the_file(box, fields, missing):
    path = box.tccli(**fields)
    box.sdk(ini("AKIDsdk", "key-sdk"))
    with pytest.raises(CredentialError) as caught:
        box.resolve()
    assert f"the tccli profile file {path} {missing}" in str(caught.value) and caught.value.path == path
    assert "key-half" not in str(caught.value)


def test_half_a_pair_in_the_sdk_file_names_the_file(box):
    path = box.sdk(ini(secret_id=None, secret_key="key-half"))
    box.sdk(ini("AKIDetc", "key-etc"), where="etc")
    with pytest.raises(CredentialError) as caught:
        box.resolve()
    assert f"the SDK credentials file {path} has secret_key but no secret_id" in str(caught.value)
    assert "key-half" not in str(caught.value)


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"secretId": "AKIDx", "secretKey": "key-in-broken-file",', "is not valid JSON"),
        ("[1, 2]", "must hold a JSON object"),
        ('{"secretId": 12, "secretKey": "key-in-broken-file"}', "secretId in the tccli profile file"),
        ('{"secretId": "AKIDx", "secretKey": "key-in-broken-file", "token": ["t"]}', "token in the tccli profile file"),
    ],
)
def test_malformed_tccli_file_names_the_file(box, text, expected):
    path = box.tccli(text=text)
    with pytest.raises(CredentialError) as caught:
        box.resolve()
    message = str(caught.value)
    assert expected in message and path in message and "key-in-broken-file" not in message


def test_unreadable_tccli_file_names_the_file(box):
    path = os.path.join(str(box.home), ".tccli", "default.credential")
    os.makedirs(path)  # a directory where the file should be: cannot be read, even by root
    with pytest.raises(CredentialError) as caught:
        box.resolve()
    assert f"the tccli profile file {path} is a directory, not a regular file" in str(caught.value)


def test_unreadable_sdk_file_names_the_file(box):
    path = box.sdk(ini("AKIDx", "k"))
    os.remove(path)
    os.makedirs(path)  # a directory where the file should be: cannot be read, even by root (CI runs as root)
    with pytest.raises(CredentialError) as caught:
        box.resolve()
    assert f"the SDK credentials file {path} is a directory, not a regular file" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "secret_id = AKIDx\nsecret_key = key-in-broken-file\n",
        "[default]\nsecret_key key-in-broken-file\n",
        "[default]\nsecret_id = a\nsecret_id = key-in-broken-file\n",
    ],
)
def test_malformed_sdk_file_names_the_file_and_hides_the_line(box, text):
    path = box.sdk(text)
    with pytest.raises(CredentialError) as caught:
        box.resolve()
    message = str(caught.value)
    assert f"the SDK credentials file {path} is not a valid INI file" in message and "at line" in message
    assert "key-in-broken-file" not in message


def test_named_profile_must_exist(box):
    box.sdk(ini("AKIDsdk", "key-sdk"))
    with pytest.raises(CredentialError) as caught:
        box.resolve(profile="prod")
    message = str(caught.value)
    assert "the tccli profile 'prod' was asked for (option profile)" in message
    assert (
        os.path.join(str(box.home), ".tccli", "prod.credential") in message
        and "tccli configure --profile prod" in message
    )


def test_named_profile_without_keys_is_an_error(box):
    path = box.tccli("prod", region="ap-guangzhou")
    with pytest.raises(CredentialError) as caught:
        box.resolve(profile="prod")
    assert f"the tccli profile file {path} has no secretId and secretKey" in str(caught.value)


def test_shared_credentials_dir_that_has_no_profile_is_an_error(box, tmp_path):
    box.env(TENCENTCLOUD_SHARED_CREDENTIALS_DIR=str(tmp_path / "empty"))
    with pytest.raises(CredentialError) as caught:
        box.resolve()
    assert "(TENCENTCLOUD_SHARED_CREDENTIALS_DIR)" in str(caught.value)


@pytest.mark.parametrize("how", ["option", "variable"])
def test_shared_credentials_dir_asks_for_the_default_profile(box, tmp_path, how):
    """credentials.rst and the option's documentation: setting shared_credentials_dir asks for a profile, so the
    default profile's file must be there and hold the pair -- a missing file or one without keys (a token alone) is an
    error, not skipped as the default profile of ~/.tccli is -- even with an SDK file that would give credentials."""
    box.sdk(ini("AKIDsdk", "key-sdk"))
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    params = {}
    if how == "option":
        params["shared_credentials_dir"] = str(folder)
    else:
        box.env(TENCENTCLOUD_SHARED_CREDENTIALS_DIR=str(folder))
    with pytest.raises(CredentialError) as missing:
        box.resolve(**params)
    assert "the tccli profile 'default' was asked for" in str(missing.value)
    path = box.tccli(directory=folder, token="tok-alone")
    with pytest.raises(CredentialError) as keyless:
        box.resolve(**params)
    assert f"the tccli profile file {path} has no secretId and secretKey" in str(keyless.value)
    # the same default profile in ~/.tccli, nothing asked for: skipped, the SDK file is used
    box.monkeypatch.delenv("TENCENTCLOUD_SHARED_CREDENTIALS_DIR", raising=False)
    box.tccli(token="tok-alone")
    assert box.resolve().secret_id == "AKIDsdk"


def test_assume_role_named_by_the_sdk_file_with_its_session_name(box, live_api_fresh):
    """role_session_name's documentation: the SDK credentials file's role_session_name is read, as the tccli
    profile's role-session-name is, for the role_arn of the same file."""
    live_api_fresh.core.add_roles({"role_arn": ROLE_ARN})
    box.sdk(ini(EMULATOR_ID, EMULATOR_KEY, role_arn=ROLE_ARN, role_session_name="from-sdk-file"))
    creds = box.resolve(sts_endpoint=live_api_fresh.url)
    assert creds.current().secret_id == issued(live_api_fresh, "sts")[0]["secret_id"]
    assert live_api_fresh.core.list_calls("AssumeRole")["calls"][0]["params"]["RoleSessionName"] == "from-sdk-file"


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"profile": "../etc/passwd"}, "profile '../etc/passwd' is not a tccli profile name"),
        ({"cvm_role": "bad role"}, "cvm_role 'bad role' is not a CAM role name"),
        (
            {"role_arn": "arn:aws:iam::1:role/x"},
            "role_arn 'arn:aws:iam::1:role/x' is not a CAM role ARN: use qcs::cam::uin/",
        ),
        ({"role_session_name": "x"}, "role_session_name 'x' must be 2 to 128"),
        ({"role_duration": 60}, "role_duration must be a number of seconds between 900 and 43200, got 60"),
        ({"role_duration": 43201}, "role_duration must be a number of seconds between 900 and 43200, got 43201"),
        ({"sts_endpoint": "ftp://sts.example"}, "sts_endpoint 'ftp://sts.example' uses the scheme 'ftp'"),
        (
            {"sts_endpoint": "https://sts.tencentcloudapi.com/v1"},
            "sts_endpoint 'https://sts.tencentcloudapi.com/v1' must not have a path",
        ),
        ({"metadata_url": "http://"}, "metadata_url 'http://' has no valid host name"),
    ],
)
def test_option_problems_name_the_option(box, params, expected):
    problems = connection_problems(
        dict(params, secret_id="AKIDx", secret_key="k", endpoint="https://live.tencentcloudapi.com")
    )
    assert any(expected in problem for problem in problems), problems
    with pytest.raises(CredentialError) as caught:
        box.resolve(secret_id="AKIDx", secret_key="k", **params)
    assert expected in str(caught.value)


def test_role_duration_from_the_terraform_variable(box):
    box.env(TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION="abc")
    with pytest.raises(CredentialError) as caught:
        box.resolve(secret_id="AKIDx", secret_key="k")
    assert "role_duration must be a number of seconds between 900 and 43200, got 'abc'" in str(caught.value)


# --------------------------------------------------------------------------- the CVM role: failures


def free_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_cvm_role_that_is_not_bound_names_the_bound_one(box, live_api_fresh):
    live_api_fresh.core.bind_cvm_role({"role_name": "the-real-role"})
    with pytest.raises(CredentialError) as caught:
        box.resolve(cvm_role="wrong-role", metadata_url=live_api_fresh.url)
    message = str(caught.value)
    assert (
        "the CVM instance has no CAM role 'wrong-role'" in message
        and "the role bound to it is 'the-real-role'" in message
    )


def test_cvm_role_auto_without_a_bound_role(box, live_api_fresh):
    with pytest.raises(CredentialError) as caught:
        box.resolve(cvm_role="auto", metadata_url=live_api_fresh.url)
    assert "no CAM role is bound to this CVM instance" in str(caught.value)


def test_cvm_role_off_cvm_says_so(box):
    url = free_url()
    with pytest.raises(CredentialError) as caught:
        box.resolve(cvm_role="r", metadata_url=url, retries=0, timeout=2)
    message = str(caught.value)
    assert (
        f"could not get the CVM role credentials from the metadata service at {url}/latest/meta-data/cam/security-credentials/r"
        in message
    )
    assert "cvm_role works only on a Tencent Cloud CVM instance" in message


# --------------------------------------------------------------------------- AssumeRole on top


def test_assume_role_on_top_of_options(box, live_api_fresh):
    live_api_fresh.core.add_roles({"role_arn": ROLE_ARN})
    creds = box.resolve(
        secret_id=EMULATOR_ID,
        secret_key=EMULATOR_KEY,
        role_arn=ROLE_ARN,
        role_duration=3600,
        sts_endpoint=live_api_fresh.url,
    )
    current = creds.current()
    sts = issued(live_api_fresh, "sts")
    assert [item["secret_id"] for item in sts] == [current.secret_id] and current.token
    assert abs(current.expires_at - (time.time() + 3600)) < 5
    assert creds.source == f"the role {ROLE_ARN} (assumed with the credentials from the options)"
    call = live_api_fresh.core.list_calls("AssumeRole")["calls"][0]
    assert call["secret_id"] == EMULATOR_ID and call["code"] is None
    assert call["params"] == {"RoleArn": ROLE_ARN, "RoleSessionName": "ansible-tencent-cloud", "DurationSeconds": 3600}


@pytest.mark.parametrize(
    "variables, session_name",
    [
        ({"TENCENTCLOUD_ROLE_ARN": ROLE_ARN, "TENCENTCLOUD_ROLE_SESSION_NAME": "tccli-session"}, "tccli-session"),
        (
            {
                "TENCENTCLOUD_ASSUME_ROLE_ARN": ROLE_ARN,
                "TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME": "tf-session",
                "TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION": "1800",
            },
            "tf-session",
        ),
        (
            {"TENCENTCLOUD_ROLE_ARN": ROLE_ARN, "TENCENTCLOUD_ASSUME_ROLE_ARN": "qcs::cam::uin/1:roleName/other"},
            "ansible-tencent-cloud",
        ),
    ],
)
def test_assume_role_from_the_environment(box, live_api_fresh, variables, session_name):
    live_api_fresh.core.add_roles({"role_arn": ROLE_ARN})
    box.env(
        TENCENTCLOUD_SECRET_ID=EMULATOR_ID,
        TENCENTCLOUD_SECRET_KEY=EMULATOR_KEY,
        TENCENTCLOUD_STS_ENDPOINT=live_api_fresh.url,
        **variables,
    )
    box.resolve().current()
    params = live_api_fresh.core.list_calls("AssumeRole")["calls"][0]["params"]
    assert params["RoleArn"] == ROLE_ARN and params["RoleSessionName"] == session_name
    assert params["DurationSeconds"] == int(variables.get("TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION", 7200))


def test_assume_role_named_by_the_tccli_profile(box, live_api_fresh):
    live_api_fresh.core.add_roles({"role_arn": ROLE_ARN})
    box.tccli(
        secretId=EMULATOR_ID, secretKey=EMULATOR_KEY, **{"role-arn": ROLE_ARN, "role-session-name": "from-profile"}
    )
    creds = box.resolve(sts_endpoint=live_api_fresh.url)
    assert creds.current().secret_id == issued(live_api_fresh, "sts")[0]["secret_id"]
    assert "assumed with the credentials from the tccli profile default" in creds.source
    assert live_api_fresh.core.list_calls("AssumeRole")["calls"][0]["params"]["RoleSessionName"] == "from-profile"


def test_assume_role_on_top_of_the_cvm_role(box, live_api_fresh):
    live_api_fresh.core.bind_cvm_role({"role_name": "instance-role"})
    live_api_fresh.core.add_roles({"role_arn": ROLE_ARN})
    creds = box.resolve(
        cvm_role="instance-role", metadata_url=live_api_fresh.url, role_arn=ROLE_ARN, sts_endpoint=live_api_fresh.url
    )
    assert creds.current().secret_id == issued(live_api_fresh, "sts")[0]["secret_id"]
    assert (
        live_api_fresh.core.list_calls("AssumeRole")["calls"][0]["secret_id"]
        == issued(live_api_fresh, "cvm_role")[0]["secret_id"]
    )


def test_assume_role_of_an_unknown_role(box, live_api_fresh):
    with pytest.raises(AssumeRoleError) as caught:
        box.resolve(secret_id=EMULATOR_ID, secret_key=EMULATOR_KEY, role_arn=ROLE_ARN, sts_endpoint=live_api_fresh.url)
    error = caught.value
    assert error.code == "ResourceNotFound.RoleNotFound" and error.request_id and error.fatal
    assert "check role_arn" in error.hint and ROLE_ARN in str(error) and "the options" in str(error)
    assert error.failure()["code"] == "ResourceNotFound.RoleNotFound" and EMULATOR_KEY not in str(error.failure())


def test_assume_role_with_unknown_source_credentials(box, live_api_fresh):
    live_api_fresh.core.add_roles({"role_arn": ROLE_ARN})
    with pytest.raises(AssumeRoleError) as caught:
        box.resolve(secret_id="AKIDunknown", secret_key="k", role_arn=ROLE_ARN, sts_endpoint=live_api_fresh.url)
    assert caught.value.code == "AuthFailure.SecretIdNotFound"
    assert "These are the credentials from the options, used to call AssumeRole." in caught.value.hint


# --------------------------------------------------------------------------- refreshing credentials


class Clock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


def fetcher(clock, lifetime, log=None, fail=None):
    counter = itertools.count(1)

    def fetch():
        number = next(counter)
        if fail is not None and fail(number):
            raise CredentialError(f"fetch {number} failed")
        if log is not None:
            log.append(number)
        return Credentials(f"AKIDtmp{number}", f"key-{number}", f"tok-{number}", expires_at=clock() + lifetime)

    return fetch


def test_refresh_only_near_expiry():
    clock = Clock()
    creds = RefreshingCredentials(fetcher(clock, 3600), "test", clock=clock)
    assert creds.current().secret_id == "AKIDtmp1"
    clock.now += 3600 - 301
    assert creds.current().secret_id == "AKIDtmp1"
    clock.now += 2  # within 5 minutes of expiry
    assert creds.current().secret_id == "AKIDtmp2" and creds.fetches == 2


def test_short_lived_credentials_are_renewed_at_half_their_lifetime():
    clock = Clock()
    creds = RefreshingCredentials(fetcher(clock, 10), "test", clock=clock)
    assert creds.current().secret_id == "AKIDtmp1"
    clock.now += 4.9
    assert creds.current().secret_id == "AKIDtmp1"
    clock.now += 0.2
    assert creds.current().secret_id == "AKIDtmp2"


def test_failed_renewal_keeps_valid_credentials_and_retries_later():
    clock = Clock()
    creds = RefreshingCredentials(fetcher(clock, 3600, fail=lambda n: n == 2), "test", clock=clock)
    creds.current()
    clock.now += 3500
    assert creds.current().secret_id == "AKIDtmp1"  # renewal 2 failed; still valid for 100 s
    clock.now += 5
    assert creds.current().secret_id == "AKIDtmp1"  # not retried yet
    clock.now += 6
    assert creds.current().secret_id == "AKIDtmp3"


def test_failed_renewal_of_expired_credentials_raises():
    clock = Clock()
    creds = RefreshingCredentials(fetcher(clock, 3600, fail=lambda n: n > 1), "test", clock=clock)
    creds.current()
    clock.now += 3600
    with pytest.raises(RenewalFailed) as caught:
        creds.current()
    assert caught.value.fatal and "fetch 2 failed" in str(caught.value) and "renewing them failed" in str(caught.value)


def sts_refusal(number):
    return AssumeRoleError(
        TencentApiError("InternalError.GetRoleError", "no role for you", f"rid-sts-{number}", action="AssumeRole"),
        ROLE_ARN,
        "the options",
    )


def counting_fetcher(clock, lifetime, fetched, fail_from):
    """Credentials number 1, 2, ... each valid ``lifetime`` seconds; fetch ``fail_from`` and later are refused by STS."""

    def fetch():
        fetched.append(clock())
        number = len(fetched)
        if number >= fail_from:
            raise sts_refusal(number)
        return Credentials(f"AKIDtmp{number}", f"key-{number}", f"tok-{number}", expires_at=clock() + lifetime)

    return fetch


def test_a_renewal_failing_past_expiry_is_tried_once_and_every_caller_gets_its_own_error():
    """issue 22: not once per stream, and the STS code with its RequestId, not AuthFailure.TokenFailure."""
    clock, fetched = Clock(), []
    creds = RefreshingCredentials(counting_fetcher(clock, 600, fetched, 2), "the role R", clock=clock)
    creds.current()
    clock.now += 601  # expired, and no renewal was tried before (no call was made in between)
    errors = []
    for _stream in range(50):
        with pytest.raises(RenewalFailed) as caught:
            creds.current()
        errors.append(caught.value)
    assert len(fetched) == 2  # the first fetch and one renewal, for 50 callers
    assert len({id(error) for error in errors}) == 50  # one object each: threads set attempts on their own
    failure = errors[0].failure()
    assert (failure["code"], failure["request_id"], failure["action"]) == (
        "InternalError.GetRoleError",
        "rid-sts-2",
        "AssumeRole",
    )
    assert failure["renewal"] is True and ROLE_ARN in failure["hint"] + str(errors[0])
    assert (
        "the role R" in str(errors[0])
        and "InternalError.GetRoleError" in str(errors[0])
        and "rid-sts-2" in str(errors[0])
    )


def test_renewal_is_retried_while_the_credentials_are_valid_and_final_once_they_expire():
    clock, fetched = Clock(), []
    creds = RefreshingCredentials(counting_fetcher(clock, 600, fetched, 2), "the role R", clock=clock)
    creds.current()
    clock.now += 450  # due (300 s before expiry): the renewal fails, the old ones are used on
    assert creds.current().secret_id == "AKIDtmp1" and len(fetched) == 2
    while clock.now < 1000 + 599:
        clock.now += 1
        assert creds.current().secret_id == "AKIDtmp1"
    tries_while_valid = len(fetched) - 1
    assert 10 <= tries_while_valid <= 16  # one every REFRESH_RETRY_SECONDS for the last 150 s, not one per call
    clock.now += 2
    for _stream in range(20):
        with pytest.raises(RenewalFailed):
            creds.current()
    assert len(fetched) == tries_while_valid + 1


def test_a_renewal_that_succeeds_again_clears_the_failure():
    clock, fetched = Clock(), []
    outcomes = iter([True, False, True])

    def fetch():
        fetched.append(clock())
        if not next(outcomes):
            raise sts_refusal(len(fetched))
        return Credentials(f"AKIDtmp{len(fetched)}", "k", "t", expires_at=clock() + 600)

    creds = RefreshingCredentials(fetch, "R", clock=clock)
    creds.current()
    clock.now += 450
    assert creds.current().secret_id == "AKIDtmp1" and creds.renewal_failure() is not None
    clock.now += 11
    assert creds.current().secret_id == "AKIDtmp3" and creds.renewal_failure() is None


def test_the_task_deadline_during_a_renewal_is_not_a_failed_renewal():
    clock = Clock()
    calls = []

    def fetch():
        calls.append(1)
        if len(calls) == 2:
            raise DeadlineExceeded("no time left", action="AssumeRole")
        return Credentials("AKIDtmp", "k", "t", expires_at=clock() + 600)

    creds = RefreshingCredentials(fetch, "R", clock=clock)
    creds.current()
    clock.now += 601
    with pytest.raises(DeadlineExceeded):
        creds.current()
    assert creds.renewal_failure() is None


class TokenFailureSession:
    """Answers every call AuthFailure.TokenFailure, as Tencent does for a token that expired on the way."""

    def __init__(self):
        self.sent = []

    def post(self, url, data=None, headers=None, **kwargs):
        self.sent.append(headers)
        body = {
            "Response": {"Error": {"Code": "AuthFailure.TokenFailure", "Message": "expired"}, "RequestId": "rid-tf"}
        }
        return type("Answer", (), {"status_code": 200, "content": json.dumps(body).encode()})()


def test_a_token_refused_after_a_failed_renewal_reports_the_renewal():
    clock, fetched = Clock(), []
    creds = RefreshingCredentials(counting_fetcher(clock, 600, fetched, 2), "the role R", clock=clock)
    creds.current()
    clock.now += 590  # the renewal fails; the old token is still valid for 10 s on this clock, not on Tencent's
    session = TokenFailureSession()
    client = LiveClient(creds, endpoint="http://127.0.0.1:9", session=session, clock=clock, retry_policy=RetryPolicy(0))
    with pytest.raises(RenewalFailed) as caught:
        client.call("DescribeLiveStreamState", {})
    assert caught.value.failure()["code"] == "InternalError.GetRoleError" and len(session.sent) == 1
    assert "AuthFailure.TokenFailure" not in str(caught.value)
    # without a failed renewal, Tencent's own refusal is what the user sees
    plain = LiveClient(Credentials("AKIDx", "k", "t"), endpoint="http://127.0.0.1:9", session=TokenFailureSession())
    with pytest.raises(TencentApiError) as refused:
        plain.call("DescribeLiveStreamState", {})
    assert refused.value.code == "AuthFailure.TokenFailure"


def test_one_fetch_for_many_threads():
    clock = Clock()
    log = []
    inner = fetcher(clock, 3600, log=log)

    def slow_fetch():
        time.sleep(0.05)
        return inner()

    creds = RefreshingCredentials(slow_fetch, "test", clock=clock)
    start = threading.Barrier(32)
    seen = []

    def worker():
        start.wait()
        seen.append(creds.current().secret_id)

    threads = [threading.Thread(target=worker) for dummy in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert log == [1] and set(seen) == {"AKIDtmp1"}


# --------------------------------------------------------------------------- secrets


def test_secrets_never_in_repr_or_str(box, live_api_fresh):
    creds = box.resolve(secret_id="AKIDopt", secret_key="key-must-not-show", session_token="token-must-not-show")
    for text in (repr(creds), str(creds)):
        assert "key-must-not-show" not in text and "token-must-not-show" not in text and "AKIDopt" in text
    live_api_fresh.core.bind_cvm_role({"role_name": "r"})
    refreshing = box.resolve(cvm_role="r", metadata_url=live_api_fresh.url)
    current = refreshing.current()
    for text in (repr(refreshing), str(refreshing), repr(current)):
        assert current.secret_key not in text and current.token not in text


def test_every_secret_is_reported_for_masking(box, live_api_fresh):
    live_api_fresh.core.bind_cvm_role({"role_name": "r"})
    live_api_fresh.core.add_roles({"role_arn": ROLE_ARN})
    box.tccli(secretId="AKIDtccli", secretKey="key-tccli", token="tok-tccli")
    secrets = []
    resolve_credentials({}, sdk_files=box.sdk_files, on_secret=secrets.append)
    assert secrets == ["key-tccli", "tok-tccli"]
    secrets[:] = []
    os.remove(os.path.join(str(box.home), ".tccli", "default.credential"))
    creds = resolve_credentials(
        {"cvm_role": "r", "metadata_url": live_api_fresh.url, "role_arn": ROLE_ARN, "sts_endpoint": live_api_fresh.url},
        sdk_files=[],
        on_secret=secrets.append,
        environ={},
    )
    current = creds.current()
    assert current.secret_key in secrets and current.token in secrets and len(secrets) == 4


def test_settings_read_from_a_given_environment(box):
    settings = ConnectionSettings(
        {}, environ={"TENCENTCLOUD_PROFILE": "p", "TENCENTCLOUD_CAM_ROLE_NAME": "r"}, sdk_files=[]
    )
    assert (settings.profile, settings.profile_origin, settings.cvm_role) == ("p", "TENCENTCLOUD_PROFILE", "r")
    assert settings.profile_path == os.path.join(str(box.home), ".tccli", "p.credential")


# --------------------------------------------------------------------------- hostile and careless input (issue 14)


@pytest.mark.parametrize(
    "option, value",
    [
        ("secret_id", "AKIDx\n"),
        ("secret_key", " key-x"),
        ("session_token", "tok-x\r"),
        ("session_token", "tok\x00x"),
        ("session_token", "tok-\u2603-x"),
        ("secret_key", "key\u0085x"),
    ],
)
def test_unusable_secret_is_named_never_shown(box, option, value):
    params = dict(
        secret_id="AKIDx", secret_key="key-x", session_token="tok-x", endpoint="https://live.tencentcloudapi.com"
    )
    params[option] = value
    problems = connection_problems(params)
    assert len(problems) == 1 and problems[0].startswith(option), problems
    core = value.strip().replace("\x00", "").replace("\u0085", "")
    for form in (value, core, repr(value), json.dumps(value)):
        assert form not in problems[0]
    with pytest.raises(CredentialError):
        box.resolve(**params)


def test_unusable_secret_from_the_environment_names_the_variable(box):
    box.env(TENCENTCLOUD_SECRET_ID="AKIDenv", TENCENTCLOUD_SECRET_KEY="key-env", TENCENTCLOUD_TOKEN="tok-env\n")
    with pytest.raises(CredentialError) as caught:
        box.resolve()
    assert "session_token (from TENCENTCLOUD_TOKEN) has white space" in str(caught.value) and "tok-env" not in str(
        caught.value
    )


def test_unusable_secret_in_a_profile_file_names_file_and_field(box):
    path = box.tccli(secretId="AKIDtccli", secretKey="key-tccli\n")
    with pytest.raises(CredentialError) as caught:
        box.resolve()
    assert f"secretKey in the tccli profile file {path} has white space" in str(
        caught.value
    ) and "key-tccli" not in str(caught.value)


def test_fifo_named_like_a_profile_file_fails_without_hanging(box):
    folder = box.home / ".tccli"
    folder.mkdir()
    path = str(folder / "default.credential")
    os.mkfifo(path)
    outcome = []

    def resolve():
        try:
            box.resolve()
        except CredentialError as error:
            outcome.append(str(error))

    worker = threading.Thread(target=resolve, daemon=True)
    worker.start()
    worker.join(5)
    hung = worker.is_alive()
    if hung:  # release the old code's blocking open() so the thread ends
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
    assert not hung, "reading a FIFO named like the credentials file hung"
    assert outcome and f"the tccli profile file {path} is a FIFO, not a regular file" in outcome[0]


def test_deeply_nested_profile_file_is_a_clear_error(box):
    path = box.tccli(text="[" * 20000 + "]" * 20000)
    with pytest.raises(CredentialError) as caught:
        box.resolve()
    assert path in str(caught.value) and "nested too deeply" in str(caught.value)


def test_oversized_credentials_file_is_not_read(box):
    path = box.sdk(ini("AKIDbig", "key-big") + "# " + "x" * (chain.MAX_CREDENTIAL_FILE_BYTES + 10) + "\n")
    with pytest.raises(CredentialError) as caught:
        box.resolve()
    assert f"the SDK credentials file {path} is" in str(caught.value) and "larger than any credentials file" in str(
        caught.value
    )


@pytest.mark.parametrize("kind", ["tccli", "sdk"])
def test_credentials_file_readable_by_others_warns_naming_it(box, kind):
    path = box.tccli(secretId="AKIDt", secretKey="key-t") if kind == "tccli" else box.sdk(ini("AKIDs", "key-s"))
    assert box.resolve().warnings == []
    os.chmod(path, 0o644)
    warnings = box.resolve().warnings
    assert len(warnings) == 1 and path in warnings[0] and "mode 0644" in warnings[0] and "chmod 600" in warnings[0]


def test_credential_source_labels_name_the_source_never_a_secret(box, live_api_fresh):
    assert box.resolve(secret_id="AKIDo", secret_key="key-o").label == "options"
    box.env(TENCENTCLOUD_SECRET_ID="AKIDe", TENCENTCLOUD_SECRET_KEY="key-e")
    assert box.resolve().label == "environment"
    assert box.resolve(secret_key="key-o").label == "options and environment"
    box.monkeypatch.delenv("TENCENTCLOUD_SECRET_ID")
    box.monkeypatch.delenv("TENCENTCLOUD_SECRET_KEY")
    box.tccli(profile="prod", secretId=EMULATOR_ID, secretKey=EMULATOR_KEY)
    assert box.resolve(profile="prod").label == "profile prod"
    path = box.sdk(ini("AKIDs", "key-s"))
    assert box.resolve().label == f"file {path}"
    live_api_fresh.core.bind_cvm_role({"role_name": "r1"})
    os.remove(path)
    assert box.resolve(cvm_role="auto", metadata_url=live_api_fresh.url).label == "CVM role r1"
    live_api_fresh.core.add_roles({"role_arn": ROLE_ARN})
    assumed = box.resolve(profile="prod", role_arn=ROLE_ARN, sts_endpoint=live_api_fresh.url)
    assert assumed.label == f"assumed role {ROLE_ARN} (with the credentials from profile prod)"


@pytest.mark.parametrize(
    "option, url, fine",
    [
        ("sts_endpoint", "http://sts.example.com", False),
        ("sts_endpoint", "http://10.0.0.5:8080", False),
        ("sts_endpoint", "http://127.0.0.2:8080", True),
        ("sts_endpoint", "http://[::1]:8080", True),
        ("sts_endpoint", "http://localhost:8080", True),
        ("metadata_url", "http://metadata.tencentyun.com", True),
        ("metadata_url", "http://169.254.0.23", True),
    ],
)
def test_plain_http_only_to_this_machine_except_the_metadata_service(option, url, fine):
    problems = connection_problems({option: url, "endpoint": "https://live.tencentcloudapi.com"})
    if fine:
        assert problems == []
    else:
        assert (
            len(problems) == 1
            and "plain http:// to a host that is not this machine" in problems[0]
            and "use https://" in problems[0]
        )


@pytest.mark.parametrize(
    "code, words",
    [
        ("ResourceNotFound.RoleNotFound", [ROLE_ARN, "check role_arn"]),
        ("InvalidParameter.RoleNotExist", [ROLE_ARN, "does not exist"]),
        ("InvalidParameter.OverTimeError", ["role_duration (900 to 43200 seconds", "role_session_name"]),
        ("UnauthorizedOperation", ["the profile p may not assume " + ROLE_ARN, "trust policy", "sts:AssumeRole"]),
        (
            "AuthFailure.SignatureFailure",
            ["secret_key", "These are the credentials from the profile p, used to call AssumeRole."],
        ),
        ("RequestLimitExceeded", ["task_timeout"]),
    ],
)
def test_assume_role_hints_name_the_role_and_the_source(code, words):
    error = AssumeRoleError(TencentApiError(code, "refused", "rid-9"), ROLE_ARN, "the profile p")
    for word in words:
        assert word in error.hint
    assert error.fatal and error.action == "AssumeRole"
    assert str(error) == (
        f"Assuming the role {ROLE_ARN} with the credentials from the profile p failed: {code}: refused (RequestId: rid-9). {error.hint}"
    )


# --------------------------------------------------------------------------- the task's bound


def test_the_metadata_service_is_not_asked_again_after_the_tasks_deadline(monkeypatch):
    """Connection refused, retried with backoff (at least 0.02 s) -- but no retry starts after task_timeout."""
    clock = [0.0]
    bound = TaskBound(
        deadline=0.01, clock=lambda: clock[0], sleep=lambda seconds: clock.__setitem__(0, clock[0] + seconds)
    )
    service = MetadataService(free_url(), timeout=2, retries=2, bound=bound)
    with pytest.raises(CredentialError) as caught:
        service.get("/latest/meta-data/cam/security-credentials/")
    assert "1 attempt)" in str(caught.value)


def test_the_metadata_service_is_not_asked_once_the_task_is_stopped():
    bound = TaskBound()
    bound.stop("SIGTERM received")
    service = MetadataService(free_url(), bound=bound)
    with pytest.raises(TaskStopped):
        service.get("/latest/meta-data/cam/security-credentials/")


def test_sts_and_the_metadata_service_get_the_tasks_bound(box, live_api_fresh):
    live_api_fresh.core.add_roles({"roles": [{"role_arn": ROLE_ARN}]})
    live_api_fresh.core.bind_cvm_role({"role_name": "instance-role"})
    bound = TaskBound()
    settings = ConnectionSettings(
        {
            "cvm_role": "instance-role",
            "metadata_url": live_api_fresh.url,
            "role_arn": ROLE_ARN,
            "sts_endpoint": live_api_fresh.url,
        },
        environ={},
        sdk_files=[],
    )
    creds = resolve_credentials(settings, bound=bound)
    assert creds._fetch.sts.bound is bound  # pylint: disable=protected-access
    bound.stop("SIGINT received")
    with pytest.raises(TaskStopped):
        creds._fetch.sts.call("AssumeRole", {})  # pylint: disable=protected-access

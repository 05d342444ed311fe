# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The connection options: their environment variables and defaults come from _settings.py, the
one place the credential chain reads too, and the doc fragment documents the same ones."""

import os
import re

import pytest

from ansible_collections.tencent.cloud.plugins.doc_fragments.tencent import ModuleDocFragment
from ansible_collections.tencent.cloud.plugins.module_utils import _settings
from ansible_collections.tencent.cloud.plugins.module_utils._args import connection_argument_spec, connection_problems
from ansible_collections.tencent.cloud.plugins.module_utils._settings import ENV, ConnectionSettings


def test_every_option_with_variables_falls_back_to_exactly_those():
    spec = connection_argument_spec()
    with_fallback = {name for name, option in spec.items() if "fallback" in option}
    assert with_fallback == set(ENV)
    for name, variables in ENV.items():
        assert spec[name]["fallback"][1] == list(variables), name


def test_the_doc_fragment_names_every_variable():
    documented = set(re.findall(r"E\((TENCENTCLOUD_[A-Z_]+|TCCLI_[A-Z_]+)\)", ModuleDocFragment.DOCUMENTATION))
    assert documented == {variable for variables in ENV.values() for variable in variables}


def test_the_spec_defaults_are_the_settings_defaults():
    spec = connection_argument_spec()
    assert spec["endpoint"]["default"] == _settings.DEFAULT_ENDPOINT
    assert spec["sts_endpoint"]["default"] == _settings.DEFAULT_STS_ENDPOINT
    assert spec["metadata_url"]["default"] == _settings.DEFAULT_METADATA_URL
    assert spec["timeout"]["default"] == _settings.DEFAULT_TIMEOUT
    assert spec["retries"]["default"] == _settings.DEFAULT_RETRIES
    assert spec["role_duration"]["default"] == _settings.DEFAULT_ROLE_DURATION
    assert spec["language"]["default"] == _settings.DEFAULT_LANGUAGE
    assert spec["language"]["choices"] == list(_settings.LANGUAGES)


def test_settings_read_the_variables_of_the_one_table(monkeypatch):
    environ = {variables[-1]: f"value-of-{name}" for name, variables in ENV.items()}
    settings = ConnectionSettings({}, environ=environ)
    assert (settings.profile, settings.profile_origin) == ("value-of-profile", "TCCLI_PROFILE")
    assert (settings.token, settings.token_origin) == ("value-of-session_token", "TENCENTCLOUD_SECURITY_TOKEN")
    assert settings.region == "value-of-region" and settings.endpoint == "value-of-endpoint"
    assert settings.secret_id_origin == "TENCENTCLOUD_SECRET_ID"


def test_settings_defaults_without_params():
    settings = ConnectionSettings({}, environ={})
    assert settings.timeout == _settings.DEFAULT_TIMEOUT and settings.retries == _settings.DEFAULT_RETRIES
    assert settings.sts == ("https://sts.tencentcloudapi.com/", "sts.tencentcloudapi.com")
    assert settings.metadata == ("http://metadata.tencentyun.com/", "metadata.tencentyun.com")
    assert settings.validate_certs and settings.verify is True and settings.language == "en-US"
    assert settings.shared_dir == os.path.expanduser("~/.tccli") and settings.sdk_files is None


def test_settings_are_parsed_once_and_the_problems_kept_in_order():
    settings = ConnectionSettings(
        {"endpoint": "ftp://x", "profile": "../p", "secret_id": "AKIDx", "sts_endpoint": "https://sts/x"}, environ={}
    )
    problems = connection_problems(settings)
    assert [problem.split(" ")[0] for problem in problems] == ["secret_key", "profile", "sts_endpoint", "endpoint"]
    assert settings.api is None and settings.sts is None
    assert connection_problems(settings) == problems


def test_a_good_endpoint_is_parsed_for_the_client():
    settings = ConnectionSettings({"endpoint": "http://127.0.0.1:8080", "validate_certs": False}, environ={})
    assert settings.api == ("http://127.0.0.1:8080/", "127.0.0.1:8080") and not settings.endpoint_problems
    assert settings.verify is False


def test_settings_never_show_a_secret():
    settings = ConnectionSettings(
        {"secret_id": "AKIDvisible", "secret_key": "key-hidden", "session_token": "tok-hidden"}, environ={}
    )
    for text in (repr(settings), str(settings), f"{settings}"):
        assert "AKIDvisible" in text and "key-hidden" not in text and "tok-hidden" not in text


@pytest.mark.parametrize(
    "params, environ, verify",
    [
        ({}, {}, True),
        ({}, {"REQUESTS_CA_BUNDLE": "/requests.pem", "CURL_CA_BUNDLE": "/curl.pem"}, "/requests.pem"),
        ({}, {"REQUESTS_CA_BUNDLE": " ", "CURL_CA_BUNDLE": "/curl.pem"}, "/curl.pem"),
        ({}, {"TENCENTCLOUD_CA_PATH": "/tc.pem", "REQUESTS_CA_BUNDLE": "/requests.pem"}, "/tc.pem"),
        ({"ca_path": "/option.pem"}, {"TENCENTCLOUD_CA_PATH": "/tc.pem"}, "/option.pem"),
        ({"ca_path": "/option.pem", "validate_certs": False}, {"REQUESTS_CA_BUNDLE": "/requests.pem"}, False),
    ],
)
def test_the_credential_chains_own_calls_trust_what_the_api_calls_trust(params, environ, verify):
    """The metadata service's verify follows ca_path, TENCENTCLOUD_CA_PATH, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE in turn."""
    assert ConnectionSettings(params, environ=environ).verify == verify

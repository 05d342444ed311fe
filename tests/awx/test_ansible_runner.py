# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The AWX path, end to end, against the Live API emulator.

An AWX job is ansible-runner working on a private data directory: the credential's injectors
become env/envvars, the survey answers env/extravars, the project is checked out under
project/. These tests build that directory the same way -- env/envvars is rendered from the
injectors of awx/credential_type.yml -- and run playbooks/resume_streams.yml with
ansible_runner.run(), using the collection as built and installed from this tree.

Run by `make awx-test` (from the staged copy); needs ansible-runner and ansible-builder.
"""

import json
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request

import ansible_runner
import jinja2
import jinja2.sandbox
import pytest
import yaml

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.dirname(sys.executable)

DOMAIN = "5000.livepush.myqcloud.com"
JOB_PLAYBOOK = "playbooks/resume_streams.yml"
WRITE_ACTIONS = {"ResumeLiveStream", "ForbidLiveStream", "DropLiveStream"}
# what a survey "textarea" answer looks like: CR LF from a browser, a comma, a blank line, a repeat
TEXTAREA_STREAMS = "awx-a\r\nawx-b, awx-c\r\n\r\nawx-d\r\nawx-a\r\n"
JOB_TIMEOUT = 300

# ansible-runner starts ansible-playbook through pexpect (forkpty) while the in-process
# emulator's threads are idle; the child execs at once, so the fork warning does not apply.
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded, use of forkpty:DeprecationWarning")

ROLE_ONLY_PLAYBOOK = """\
- name: The role on its own, with whatever extra vars the test gives
  hosts: localhost
  gather_facts: false
  roles:
    - role: tencent.cloud.live_stream_resume
"""


def load_yaml(*parts):
    with open(os.path.join(COLLECTION_ROOT, *parts), encoding="utf-8") as f:
        return yaml.safe_load(f)


def galaxy_version():
    return load_yaml("galaxy.yml")["version"]


def venv_tool(name):
    return os.path.join(VENV_BIN, name)


def run_tool(args, **kwargs):
    """Run a command line tool; fail the test with its output when it fails."""
    result = subprocess.run(
        args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=JOB_TIMEOUT, check=False, **kwargs
    )
    assert result.returncode == 0, f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout[-4000:]}"
    return result.stdout


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def collection_tarball(tmp_path_factory):
    """This tree built into a collection tarball, as a user or an EE build gets it."""
    dist = tmp_path_factory.mktemp("dist")
    run_tool(
        [venv_tool("ansible-galaxy"), "collection", "build", "--force", "--output-path", str(dist)], cwd=COLLECTION_ROOT
    )
    tarball = dist / (f"tencent-cloud-{galaxy_version()}.tar.gz")
    assert tarball.is_file(), f"ansible-galaxy did not build {tarball}"
    return tarball


@pytest.fixture(scope="session")
def collections_path(tmp_path_factory, collection_tarball):
    """The tarball installed into an empty collections directory (what the EE image holds)."""
    path = tmp_path_factory.mktemp("collections")
    run_tool(
        [
            venv_tool("ansible-galaxy"),
            "collection",
            "install",
            "--offline",
            "--force",
            "-p",
            str(path),
            str(collection_tarball),
        ],
        env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(path)),
    )
    return path


@pytest.fixture
def live_api(live_api_fresh):
    """The Live API emulator of tests/conftest.py, in its start-up state."""
    return live_api_fresh


def temporary_credential(api):
    """A temporary (STS-like) credential the emulator api knows: secret id, key and token."""
    value = {
        "secret_id": "AKIDAWX" + secrets.token_hex(14).upper(),
        "secret_key": "awx-secret-key-" + secrets.token_hex(16),
        "token": "awx-session-token-" + secrets.token_hex(24),
        "expires_at": time.time() + 3600,
    }
    api.core.add_credentials(value)
    return value


@pytest.fixture
def credential(live_api):
    return temporary_credential(live_api)


@pytest.fixture
def clean_environment(monkeypatch):
    """Credentials must come from env/envvars only, never from the environment pytest runs in."""
    for name in list(os.environ):
        if name.startswith("TENCENTCLOUD_") or name.startswith("ANSIBLE_"):
            monkeypatch.delenv(name)


class Job:
    """An AWX-style private data directory and the ansible-runner runs made on it."""

    def __init__(self, root, collections_path, credential, endpoint, ca_bundle=None):
        self.root = root
        self.credential = credential
        # what the execution environment provides: this collection and the venv's ansible
        self.ee_environment = {
            "ANSIBLE_COLLECTIONS_PATH": str(collections_path),
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
            "PATH": VENV_BIN + os.pathsep + os.environ.get("PATH", ""),
        }
        (root / "env").mkdir(parents=True)
        (root / "inventory").mkdir()
        # the project: the repository's job-template playbooks (configure_awx.yml points each template at one)
        shutil.copytree(os.path.join(COLLECTION_ROOT, "playbooks"), str(root / "project" / "playbooks"))
        (root / "project" / "role_only.yml").write_text(ROLE_ONLY_PLAYBOOK)
        (root / "inventory" / "hosts").write_text(
            f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n"
        )
        inputs = {
            "secret_id": credential["secret_id"],
            "secret_key": credential["secret_key"],
            "session_token": credential["token"],
            "endpoint": endpoint,
        }
        if ca_bundle is not None:
            inputs["ca_bundle"] = ca_bundle
        (root / "credential-files").mkdir()
        self.envvars = awx_injected_env(inputs, files_dir=str(root / "credential-files"))
        (root / "env" / "envvars").write_text(json.dumps(self.envvars, indent=2))

    def add_credential(self, type_file, inputs):
        """A second credential on the job template: its type's injectors join env/envvars."""
        self.envvars.update(awx_injected_env(inputs, type_file))
        (self.root / "env" / "envvars").write_text(json.dumps(self.envvars, indent=2))

    def run(self, extravars, ident, playbook=JOB_PLAYBOOK, cmdline=None, verbosity=None):
        (self.root / "env" / "extravars").write_text(yaml.safe_dump(extravars))
        kwargs = dict(
            private_data_dir=str(self.root),
            playbook=playbook,
            ident=ident,
            envvars=self.ee_environment,
            suppress_env_files=True,
            quiet=True,
            timeout=JOB_TIMEOUT,
        )
        if cmdline:
            kwargs["cmdline"] = cmdline
        if verbosity:
            kwargs["verbosity"] = verbosity
        runner = ansible_runner.run(**kwargs)
        runner.output = runner.stdout.read()
        runner.event_list = list(runner.events)
        return runner

    def artifact_files(self, ident):
        base = self.root / "artifacts" / ident
        return sorted(p for p in base.rglob("*") if p.is_file())


def awx_injected_env(inputs, type_file="credential_type.yml", files_dir=None):
    """What AWX puts in env/envvars for a credential: the env injectors of its type (awx/credential_type.yml
    unless another is named) rendered with the credential's inputs (a field left empty renders as ""). Its file
    injectors (template.<name>) are written to files_dir (a temporary directory if not given), each file's path
    given to the env injectors as tower.filename.<name>, as AWX does."""
    credential_type = load_yaml("awx", type_file)
    fields = [field["id"] for field in credential_type["inputs"]["fields"]]
    namespace = {name: inputs.get(name, "") for name in fields}
    environment = jinja2.sandbox.ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)
    files = {}
    for key, template in credential_type["injectors"].get("file", {}).items():
        name = key.split(".", 1)[1]
        files[name] = os.path.join(files_dir or tempfile.mkdtemp(prefix="awx-credential-"), name)
        with open(files[name], "w", encoding="utf-8") as handle:
            handle.write(environment.from_string(template).render(namespace))
    namespace["tower"] = {"filename": files}
    return {
        name: environment.from_string(template).render(namespace)
        for name, template in credential_type["injectors"]["env"].items()
    }


@pytest.fixture
def job(tmp_path, collections_path, credential, live_api, clean_environment):
    return Job(tmp_path / "private_data_dir", collections_path, credential, live_api.url)


# --------------------------------------------------------------------------- helpers


def seed(live_api, **states):
    live_api.core.seed_streams(
        {"streams": [dict(domain_name=DOMAIN, stream_name=name, state=state) for name, state in states.items()]}
    )


def stream_states(live_api):
    return {row["stream_name"]: row["state"] for row in live_api.core.list_streams({})["streams"]}


def calls(live_api):
    return live_api.core.list_calls(None)["calls"]


def describe(runner):
    return f"status {runner.status}, rc {runner.rc}; stdout (end):\n{runner.output[-4000:]}"


def task_result(runner, task_name, event="runner_on_ok"):
    for item in runner.event_list:
        data = item.get("event_data", {})
        if item.get("event") == event and data.get("task") == task_name:
            return data["res"]
    raise AssertionError(f"no {event} event for task {task_name!r}; {describe(runner)}")


def failure_messages(runner):
    return [
        item["event_data"]["res"].get("msg", "")
        for item in runner.event_list
        if item.get("event") == "runner_on_failed"
    ]


def assert_no_secret_leaked(job, runner, ident):
    """Neither the SecretKey nor the token in the job events, the stdout or the artifacts.

    One exception, outside our control: ansible-runner records the environment it started
    ansible-playbook with in artifacts/<ident>/command (mode 0600). That is its copy of
    env/envvars -- the input AWX wrote -- not output of the job; AWX keeps it on the
    execution node only and masks secret-looking variables in the job_env it shows.
    """
    hidden = [job.credential["secret_key"], job.credential["token"]]
    events_text = json.dumps(runner.event_list)
    for secret in hidden:
        assert secret not in events_text, f"a secret appears in the job events of {ident}"
        assert secret not in runner.output, f"a secret appears in the stdout of {ident}"
    checked = 0
    for path in job.artifact_files(ident):
        if path.name == "command" and path.parent.name == ident:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, "ansible-runner's command record is readable by others"
            record = json.loads(path.read_text())
            holders = sorted(
                name for name, value in record.pop("env").items() if any(secret in value for secret in hidden)
            )
            assert holders == ["TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_TOKEN"], holders
            assert not any(secret in json.dumps(record) for secret in hidden), "a secret appears in the command line"
            continue
        content = path.read_bytes().decode("utf-8", "replace")
        for secret in hidden:
            assert secret not in content, f"a secret appears in the artifact {path.relative_to(job.root)}"
        checked += 1
    assert checked >= 3, f"expected stdout, rc, status and job events among the artifacts of {ident}"


# --------------------------------------------------------------------------- the job template, as AWX runs it


def test_job_template_resumes_streams_then_check_job_writes_nothing(job, live_api):
    seed(
        live_api, **{"awx-a": "forbid", "awx-b": "forbid", "awx-c": "forbid", "awx-d": "active", "bystander": "forbid"}
    )

    runner = job.run({"domain_name": DOMAIN, "stream_names": TEXTAREA_STREAMS}, ident="run")

    assert runner.status == "successful" and runner.rc == 0, describe(runner)
    states = stream_states(live_api)
    assert states == {
        "awx-a": "inactive",
        "awx-b": "inactive",
        "awx-c": "inactive",
        "awx-d": "active",
        "bystander": "forbid",
    }
    resumed = sorted(c["stream_name"] for c in calls(live_api) if c["action"] == "ResumeLiveStream")
    assert resumed == ["awx-a", "awx-b", "awx-c"]
    # signed with the temporary credential from env/envvars, token and all (the emulator checks it)
    assert {c["secret_id"] for c in calls(live_api)} == {job.credential["secret_id"]}
    assert all(c["code"] is None for c in calls(live_api)), calls(live_api)
    result = task_result(runner, "Resume the streams that are forbidden")
    assert result["changed"] is True
    assert result["counts"] == {"total": 4, "changed": 3, "ok": 1, "failed": 0, "skipped": 0, "unknown": 0}
    summary = task_result(runner, "Summarise")["msg"]
    assert summary[1] == "resumed: 3 (awx-a, awx-b, awx-c)", summary
    assert "resumed: 3 (awx-a, awx-b, awx-c)" in runner.output
    assert runner.stats["failures"] == {} and runner.stats["changed"] == {"localhost": 1}
    assert_no_secret_leaked(job, runner, "run")

    # The same job template launched with job type "Check" (AWX adds --check), at the highest
    # verbosity AWX offers. One stream was forbidden again meanwhile.
    seed(live_api, **{"awx-b": "forbid"})
    calls_before = len(calls(live_api))

    check = job.run(
        {"domain_name": DOMAIN, "stream_names": TEXTAREA_STREAMS}, ident="check", cmdline="--check", verbosity=4
    )

    assert check.status == "successful" and check.rc == 0, describe(check)
    new_calls = calls(live_api)[calls_before:]
    assert new_calls, "the check job made no API call at all"
    assert not [c["action"] for c in new_calls if c["action"] in WRITE_ACTIONS], new_calls
    assert {c["action"] for c in new_calls} == {"DescribeLiveStreamState"}
    assert stream_states(live_api)["awx-b"] == "forbid"
    result = task_result(check, "Resume the streams that are forbidden")
    assert result["changed"] is True and result["counts"]["changed"] == 1
    summary = task_result(check, "Summarise")["msg"]
    assert summary[0].endswith("(check mode: nothing was changed)") and summary[1] == "would resume: 1 (awx-b)", summary
    assert_no_secret_leaked(job, check, "check")


def test_job_template_takes_a_list_and_is_idempotent(job, live_api):
    seed(live_api, **{"list-a": "forbid", "list-b": "inactive"})

    first = job.run({"domain_name": DOMAIN, "stream_names": ["list-a", "list-b"], "app_name": "live"}, ident="first")
    second = job.run({"domain_name": DOMAIN, "stream_names": ["list-a", "list-b"]}, ident="second")

    assert first.status == "successful", describe(first)
    assert second.status == "successful", describe(second)
    assert first.stats["changed"] == {"localhost": 1}
    assert second.stats["changed"] == {}, f"the second run changed something: {describe(second)}"
    assert stream_states(live_api) == {"list-a": "inactive", "list-b": "inactive"}
    assert [c["stream_name"] for c in calls(live_api) if c["action"] == "ResumeLiveStream"] == ["list-a"]


def seed_published(live_api, records):
    """Push history for DescribeLiveStreamPublishedList, through the control interface."""
    request = urllib.request.Request(
        live_api.url.rstrip("/") + "/_emulator/published",
        method="POST",
        data=json.dumps({"records": records}).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200


def test_job_template_resumes_every_forbidden_stream_pushed_within_a_window(job, live_api):
    seed(live_api, **{"win-a": "forbid", "win-b": "inactive", "win-c": "forbid", "win-old": "forbid"})
    now = int(time.time())
    seed_published(
        live_api,
        [
            {
                "domain_name": DOMAIN,
                "app_name": "live",
                "stream_name": name,
                "start": now - hours * 3600,
                "end": now - hours * 3600 + 600,
            }
            for name, hours in (("win-a", 30), ("win-b", 20), ("win-c", 2), ("win-old", 24 * 9))
        ],
    )
    # what AWX sends for this survey: the unanswered textarea as an empty string, the choice as text
    answers = {
        "domain_name": DOMAIN,
        "stream_names": "",
        "forbidden_pushed_within": "7d",
        "app_name": "live",
        "wait_for_push": "no",
        "wait_timeout": 300,
    }

    check = job.run(answers, ident="window-check", cmdline="--check")

    assert check.status == "successful", describe(check)
    assert not [c for c in calls(live_api) if c["action"] in WRITE_ACTIONS]
    summary = task_result(check, "Summarise")["msg"]
    assert summary[1] == "would resume: 2 (win-a, win-c)", summary
    assert summary[0].startswith(DOMAIN + "/live: 3 streams pushed within 7d (") and summary[0].endswith(
        "2 forbidden (check mode: nothing was changed)"
    ), summary

    runner = job.run(answers, ident="window-run")

    assert runner.status == "successful", describe(runner)
    assert sorted(c["stream_name"] for c in calls(live_api) if c["action"] in WRITE_ACTIONS) == ["win-a", "win-c"]
    assert stream_states(live_api) == {
        "win-a": "inactive",
        "win-b": "inactive",
        "win-c": "inactive",
        "win-old": "forbid",
    }
    summary = task_result(runner, "Summarise")["msg"]
    assert summary[1] == "resumed: 2 (win-a, win-c)"
    # the survey's question, not the role's internal variable
    assert summary[4] == "not waited for pushes (wait_for_push is false)", summary


@pytest.mark.parametrize(
    "extravars, message",
    [
        ({"stream_names": "a"}, "This playbook needs the extra vars domain_name"),
        ({"domain_name": DOMAIN}, "This playbook needs the extra vars domain_name"),
        ({"domain_name": DOMAIN, "stream_names": " ,\n, "}, "stream_names is empty"),
        ({"domain_name": DOMAIN, "stream_names": {"a": 1}}, "This playbook needs the extra vars domain_name"),
        ({"domain_name": DOMAIN, "stream_names": "", "forbidden_pushed_within": " "}, "stream_names is empty"),
        (
            {"domain_name": DOMAIN, "stream_names": "a", "forbidden_pushed_within": "7d"},
            "Give either stream_names or forbidden_pushed_within, not both",
        ),
    ],
)
def test_job_template_rejects_missing_extra_vars(job, live_api, extravars, message):
    runner = job.run(extravars, ident="bad-input")

    assert runner.status == "failed", describe(runner)
    assert any(message in text for text in failure_messages(runner)), failure_messages(runner)
    assert calls(live_api) == [], "an API call was made despite bad input"


# --------------------------------------------------------------------------- the role's argument spec


@pytest.mark.parametrize(
    "extravars, expected",
    [
        (
            {"live_stream_resume_streams": ["a"]},
            r"Validation of arguments failed:.*missing required arguments: live_stream_resume_domain_name",
        ),
        (
            {"live_stream_resume_domain_name": DOMAIN},
            r"^live_stream_resume_streams is empty; name at least one stream to resume, or set live_stream_resume_forbidden_pushed_within",
        ),
        (
            {"live_stream_resume_domain_name": DOMAIN, "live_stream_resume_streams": {"a": 1}},
            r"Validation of arguments failed:.*'live_stream_resume_streams' is of type .*list",
        ),
        (
            {
                "live_stream_resume_domain_name": DOMAIN,
                "live_stream_resume_streams": ["a"],
                "live_stream_resume_verify": "maybe",
            },
            r"Validation of arguments failed:.*'live_stream_resume_verify' is of type .*bool",
        ),
        (
            {"live_stream_resume_domain_name": DOMAIN, "live_stream_resume_streams": []},
            r"^live_stream_resume_streams is empty; name at least one stream to resume, or set",
        ),
        (
            {
                "live_stream_resume_domain_name": DOMAIN,
                "live_stream_resume_streams": ["a"],
                "live_stream_resume_forbidden_pushed_within": "7d",
            },
            r"^Give either live_stream_resume_streams or live_stream_resume_forbidden_pushed_within, not both\.$",
        ),
        (
            {
                "live_stream_resume_domain_name": DOMAIN,
                "live_stream_resume_forbidden_pushed_within": "7d",
                "live_stream_resume_wait": "maybe",
            },
            r"Validation of arguments failed:.*'live_stream_resume_wait' is of type .*bool",
        ),
        (
            {"live_stream_resume_domain_name": DOMAIN, "live_stream_resume_forbidden_pushed_within": "70d"},
            r"pushed_since '70d' .* is more than 60 days ago",
        ),
    ],
    ids=[
        "no-domain",
        "no-streams",
        "streams-not-a-list",
        "verify-not-a-bool",
        "empty-streams",
        "streams-and-window",
        "wait-not-a-bool",
        "window-too-old",
    ],
)
def test_role_argument_spec_rejects_bad_input(job, live_api, extravars, expected):
    runner = job.run(extravars, ident="role-bad-input", playbook="role_only.yml")

    assert runner.status == "failed", describe(runner)
    messages = failure_messages(runner)
    assert len(messages) == 1 and re.search(expected, messages[0], re.DOTALL), messages
    assert calls(live_api) == [], "an API call was made despite bad input"


# --------------------------------------------------------------------------- the collection playbook by FQCN


def test_playbook_runs_by_fqcn_from_the_installed_collection(
    tmp_path, collections_path, credential, live_api, clean_environment
):
    seed(live_api, **{"fqcn-a": "forbid"})
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=str(collections_path),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        TENCENTCLOUD_SECRET_ID=credential["secret_id"],
        TENCENTCLOUD_SECRET_KEY=credential["secret_key"],
        TENCENTCLOUD_TOKEN=credential["token"],
        TENCENTCLOUD_LIVE_ENDPOINT=live_api.url,
    )

    output = run_tool(
        [
            venv_tool("ansible-playbook"),
            "tencent.cloud.resume_streams",
            "-e",
            f"domain_name={DOMAIN}",
            "-e",
            "stream_names=fqcn-a,fqcn-b",
        ],
        env=env,
        cwd=str(tmp_path),
    )

    assert "resumed: 1 (fqcn-a)" in output, output
    assert stream_states(live_api)["fqcn-a"] == "inactive"


def test_a_job_over_https_trusts_the_ca_certificates_of_its_credential(
    tmp_path, collections_path, live_api_tls, clean_environment
):
    """Behind a TLS-inspecting proxy the endpoint's certificate comes from a private CA: the credential's "CA
    certificates" field reaches the modules as a file named by TENCENTCLOUD_CA_PATH. Without it, the job fails
    saying where to give the CA, and changes nothing."""
    with open(live_api_tls.ca_path, encoding="ascii") as handle:
        pem = handle.read()
    seed(live_api_tls, **{"tls-a": "forbid"})
    credential = temporary_credential(live_api_tls)
    untrusting = Job(tmp_path / "without", collections_path, credential, live_api_tls.url)
    assert untrusting.envvars["TENCENTCLOUD_CA_PATH"] == ""
    refused = untrusting.run({"domain_name": DOMAIN, "stream_names": "tls-a"}, ident="without")
    assert refused.status == "failed", describe(refused)
    assert any("TLS verification" in text and "ca_path" in text for text in failure_messages(refused)), describe(
        refused
    )
    assert stream_states(live_api_tls) == {"tls-a": "forbid"} and calls(live_api_tls) == []

    trusting = Job(tmp_path / "with", collections_path, credential, live_api_tls.url, ca_bundle=pem)
    with open(trusting.envvars["TENCENTCLOUD_CA_PATH"], encoding="ascii") as handle:
        assert handle.read() == pem
    runner = trusting.run({"domain_name": DOMAIN, "stream_names": "tls-a"}, ident="with")
    assert runner.status == "successful" and runner.rc == 0, describe(runner)
    assert stream_states(live_api_tls) == {"tls-a": "inactive"}
    assert_no_secret_leaked(trusting, runner, "with")


# --------------------------------------------------------------------------- the AWX definitions


def test_credential_type_injects_every_connection_variable():
    credential_type = load_yaml("awx", "credential_type.yml")
    fields = {field["id"]: field for field in credential_type["inputs"]["fields"]}

    assert credential_type["kind"] in ("cloud", "net"), "AWX only accepts custom credential types of kind cloud or net"
    assert set(credential_type["inputs"]["required"]) == {"secret_id", "secret_key"}
    assert [name for name, field in sorted(fields.items()) if field.get("secret")] == ["secret_key", "session_token"]
    assert sorted(credential_type["injectors"]["env"]) == [
        "TENCENTCLOUD_CA_PATH",
        "TENCENTCLOUD_LIVE_ENDPOINT",
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
        "TENCENTCLOUD_TOKEN",
    ]
    # optional fields left empty are injected as empty strings, which the modules treat as unset
    assert awx_injected_env({"secret_id": "AKID1", "secret_key": "key"}) == {
        "TENCENTCLOUD_SECRET_ID": "AKID1",
        "TENCENTCLOUD_SECRET_KEY": "key",
        "TENCENTCLOUD_TOKEN": "",
        "TENCENTCLOUD_LIVE_ENDPOINT": "",
        "TENCENTCLOUD_CA_PATH": "",
    }


def test_execution_environment_definition_builds_a_context_with_the_collection(tmp_path, collection_tarball):
    """ansible-builder accepts awx/execution-environment.yml, the galaxy step of the image build
    installs the collection from the build context, and introspection finds its Python needs."""
    definition = load_yaml("awx", "execution-environment.yml")
    expected_name = f"tencent-cloud-{galaxy_version()}.tar.gz"
    assert definition["additional_build_files"][0]["src"] == expected_name, (
        "awx/execution-environment.yml names another tarball than galaxy.yml's version builds: update it"
    )

    ee_dir = tmp_path / "awx"
    shutil.copytree(os.path.join(COLLECTION_ROOT, "awx"), str(ee_dir))
    shutil.copy(str(collection_tarball), str(ee_dir / expected_name))
    run_tool(
        [
            venv_tool("ansible-builder"),
            "create",
            "--file",
            str(ee_dir / "execution-environment.yml"),
            "--context",
            str(tmp_path / "context"),
            "--output-filename",
            "Containerfile",
        ]
    )

    build = tmp_path / "context" / "_build"
    assert (build / "collections" / expected_name).is_file()
    containerfile = (tmp_path / "context" / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile and "-r requirements.yml" in containerfile
    # the image's galaxy stage runs in /build (the context's _build) exactly like this
    installed = tmp_path / "image-collections"
    run_tool(
        [
            venv_tool("ansible-galaxy"),
            "collection",
            "install",
            "--offline",
            "-r",
            "requirements.yml",
            "--collections-path",
            str(installed),
        ],
        cwd=str(build),
    )
    assert (installed / "ansible_collections" / "tencent" / "cloud" / "MANIFEST.json").is_file()
    introspected = run_tool([venv_tool("ansible-builder"), "introspect", "--sanitize", str(installed)])
    assert re.search(r"^- '?requests\b.*tencent\.cloud", introspected, re.MULTILINE), introspected


# --------------------------------------------------------------------------- configure_awx.yml: every job template the docs describe

CALLBACK_KEY = "AwxCallbackKey" + secrets.token_hex(8)
SETUP_PLAYBOOK = "playbooks/setup_callbacks.yml"
CONFIG_WRITES = {"CreateLiveCallbackTemplate", "ModifyLiveCallbackTemplate", "CreateLiveCallbackRule"}
CONFIG_WRITES |= {"DeleteLiveCallbackRule", "CreateLiveSnapshotTemplate", "CreateLiveSnapshotRule"}


def configure_awx_tasks(module):
    return [task[module] for task in load_yaml("awx", "configure_awx.yml")[0]["tasks"] if module in task]


def job_templates():
    """configure_awx.yml's job templates by name (its play variables filled in)."""
    variables = load_yaml("awx", "configure_awx.yml")[0]["vars"]
    return {
        jinja2.Template(template["name"]).render(variables): template
        for template in configure_awx_tasks("awx.awx.job_template")
    }


def survey_answers(template_name, **answers):
    """env/extravars as AWX writes them for a survey: each question's default unless answered (a text
    question left empty is ""), answers checked against the survey's variables."""
    spec = job_templates()[template_name]["survey_spec"]["spec"]
    variables = {question["variable"]: question.get("default", "") for question in spec}
    unknown = set(answers) - set(variables)
    assert not unknown, f"the survey has no question for {unknown}"
    return dict(variables, **answers)


def test_configure_awx_creates_every_job_template_and_credential_type_the_docs_describe():
    variables = load_yaml("awx", "configure_awx.yml")[0]["vars"]
    templates = job_templates()
    assert set(templates) == {
        "Resume Tencent Cloud Live streams",
        "Forbid Live streams",
        "Set up Tencent Live callbacks",
    }
    for name, template in templates.items():
        with open(os.path.join(COLLECTION_ROOT, template["playbook"]), encoding="utf-8") as handle:
            playbook = handle.read()
        for question in template.get("survey_spec", {}).get("spec", []):
            assert re.search(rf"\b{question['variable']}\b", playbook), (
                f"{name}: {template['playbook']} ignores {question}"
            )
    # the EDA controller rulebook starts the forbid template by the name configure_awx.yml gives it
    with open(os.path.join(COLLECTION_ROOT, "extensions", "eda", "rulebooks", "moderation_forbid_controller.yml")) as f:
        rulebook = f.read()
    assert f"default('{variables['tencent_awx_forbid_template_name']}')" in rulebook
    assert templates["Forbid Live streams"]["ask_variables_on_launch"] is True
    # both credential types, the callback key's injected where the event source and the set-up playbook read it
    loaded = [task["name"] for task in configure_awx_tasks("awx.awx.credential_type")]
    assert loaded == ["{{ tencent_awx_credential_type.name }}", "{{ tencent_awx_callback_key_type.name }}"]
    key_type = load_yaml("awx", "callback_key_credential_type.yml")
    assert key_type["injectors"]["env"] == {"TENCENTCLOUD_LIVE_CALLBACK_KEY": "{{ callback_key }}"}
    assert [field.get("secret") for field in key_type["inputs"]["fields"]] == [True]
    # the source's arguments (where it reads the key) are in its private part _live_callback/arguments.py
    source = os.path.join(COLLECTION_ROOT, "extensions", "eda", "plugins", "_live_callback", "arguments.py")
    with open(source, encoding="utf-8") as handle:
        assert 'KEY_ENV = "TENCENTCLOUD_LIVE_CALLBACK_KEY"' in handle.read()
    setup = templates["Set up Tencent Live callbacks"]
    assert setup["playbook"] == SETUP_PLAYBOOK and "tencent_awx_callback_key_credential_name" in setup["credentials"]


def config_calls(live_api):
    return [c for c in calls(live_api) if c["action"] in CONFIG_WRITES]


def test_setup_job_template_binds_callbacks_is_idempotent_and_check_writes_nothing(job, live_api):
    job.add_credential("callback_key_credential_type.yml", {"callback_key": CALLBACK_KEY})
    answers = survey_answers(
        "Set up Tencent Live callbacks",
        callback_url="https://eda.example.com/live",
        domains=f"{DOMAIN}\r\n{DOMAIN.upper()}/live\r\n",
    )

    runner = job.run(answers, ident="setup", playbook=SETUP_PLAYBOOK)

    assert runner.status == "successful", describe(runner)
    config = live_api.core.describe_config()
    [template] = config["callback_templates"]
    assert template["TemplateName"] == "tencent-cloud-eda" and template["callback_key_set"] is True
    urls = {template[field] for field in ("StreamBeginNotifyUrl", "StreamEndNotifyUrl", "PornCensorshipNotifyUrl")}
    assert urls == {"https://eda.example.com/live"} and template["PushExceptionNotifyUrl"] == urls.pop()
    rules = {(r["DomainName"], r.get("AppName") or "") for r in config["callback_rules"]}
    assert rules == {(DOMAIN, ""), (DOMAIN, "live")}
    assert config["snapshot_templates"] == [] and config["snapshot_rules"] == []  # moderation: "no"
    summary = task_result(runner, "Say what was done")["msg"]
    assert "not switched on here" in summary[2], summary
    written = len(config_calls(live_api))

    again = job.run(answers, ident="setup-again", playbook=SETUP_PLAYBOOK)
    assert again.status == "successful" and again.stats["changed"] == {}, describe(again)
    # a Check job (AWX adds --check, and --diff with "Show changes") for a new URL: the plan, no write
    moved = dict(answers, callback_url="https://eda2.example.com/live")
    check = job.run(moved, ident="setup-check", playbook=SETUP_PLAYBOOK, cmdline="--check --diff", verbosity=4)
    assert check.status == "successful" and check.stats["changed"] == {"localhost": 1}, describe(check)
    assert len(config_calls(live_api)) == written
    assert "eda2.example.com" in check.output
    for ident, run in (("setup", runner), ("setup-again", again), ("setup-check", check)):
        assert CALLBACK_KEY not in run.output and CALLBACK_KEY not in json.dumps(run.event_list), ident
        assert_no_secret_leaked(job, run, ident)


def test_setup_job_template_without_the_callback_key_credential_fails_saying_so(job, live_api):
    answers = survey_answers("Set up Tencent Live callbacks", callback_url="https://e.example/l", domains=DOMAIN)

    runner = job.run(answers, ident="setup-no-key", playbook=SETUP_PLAYBOOK)

    assert runner.status == "failed", describe(runner)
    assert any("TENCENTCLOUD_LIVE_CALLBACK_KEY" in m and "not set" in m for m in failure_messages(runner))
    assert calls(live_api) == []


def test_forbid_job_template_takes_what_the_activation_passes(job, live_api):
    seed(live_api, **{"blocked-1": "active"})
    extravars = {
        "domain_name": DOMAIN,
        "app_name": "live",
        "stream_names": ["blocked-1"],
        "reason": "Tencent moderation: Block Porn PornHigh",
        "resume_after": "2h",
    }

    runner = job.run(extravars, ident="forbid", playbook="playbooks/forbid_streams.yml")

    assert runner.status == "successful", describe(runner)
    assert stream_states(live_api) == {"blocked-1": "forbid"}
    assert [c["stream_name"] for c in calls(live_api) if c["action"] == "ForbidLiveStream"] == ["blocked-1"]

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stand-in for the controller API (AWX, the automation controller) as ansible-rulebook 1.3's run_job_template
calls it, for the EDA tests: it answers what ansible-rulebook asks, runs each launched job's playbook with
ansible-runner as AWX does, and records what each launch carried.

What ansible-rulebook 1.3 calls (ansible_rulebook/job_template_runner.py, shared_job_monitor.py):

- at start, ``GET api/v2/config/`` (it logs the version);
- ``GET api/v2/unified_job_templates/?name=NAME``: the template whose type, name and organization
  (``summary_fields.organization.name``) match, its ``related.launch`` and ``ask_*_on_launch`` flags;
- ``POST`` to the launch URL with the job's parameters (``extra_vars``, ``limit``): answered 201 with the job's
  ``id`` and ``url``;
- ``GET api/v2/jobs/?id__in=1,2&page_size=2`` every EDA_JOB_TEMPLATE_REFRESH_DELAY seconds until each job's
  ``status`` is successful, failed, error or canceled.

Like AWX: a launch's extra_vars are ignored unless the template asks for variables on launch; extra vars given at
launch are written for the job as unsafe (AWX's default, ALLOW_JINJA_IN_EXTRA_VARS "template"); a job of a template
that does not allow simultaneous jobs waits (``pending``) while another job of it runs.
"""

import json
import os
import shutil
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import ansible_runner
import yaml

JOB_TIMEOUT = 600
DONE = ("successful", "failed", "error", "canceled")


class _Unsafe(str):
    """A string AWX writes with the !unsafe tag."""


def _unsafe_representer(dumper, value):
    return dumper.represent_scalar("!unsafe", str(value))


class _AwxDumper(yaml.SafeDumper):
    pass


_AwxDumper.add_representer(_Unsafe, _unsafe_representer)


def unsafe_extravars(extra_vars):
    """The YAML of env/extravars as AWX writes launch-time extra vars: every string tagged !unsafe."""

    def tag(value):
        if isinstance(value, dict):
            return {k: tag(v) for k, v in value.items()}
        if isinstance(value, list):
            return [tag(v) for v in value]
        return _Unsafe(value) if isinstance(value, str) else value

    return yaml.dump(tag(extra_vars), Dumper=_AwxDumper)


class StandInController(ThreadingHTTPServer):
    """The controller API on 127.0.0.1 (a free port); ``.url``, ``.launches`` (what each launch carried) and
    ``.jobs`` (id -> job: status, started, finished, the playbook's stdout)."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(self, templates, project, environment, inventory_python):
        """templates: [{id, name, organization, playbook, ask_variables_on_launch, allow_simultaneous}];
        project: the folder the playbooks are in; environment: the job's environment (the execution environment's
        collections path, the credential's injected variables); inventory_python: localhost's interpreter."""
        super().__init__(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/"
        self.templates = {template["id"]: template for template in templates}
        self.project, self.environment, self.inventory_python = project, environment, inventory_python
        self.lock = threading.Condition()
        self.launches, self.jobs, self.requests = [], {}, []
        self.work = tempfile.mkdtemp(prefix="stand-in-controller-")
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.shutdown()
        self.server_close()
        with self.lock:
            running = [job["thread"] for job in self.jobs.values()]
        for thread in running:
            thread.join(JOB_TIMEOUT)
        shutil.rmtree(self.work, ignore_errors=True)

    # ------------------------------------------------------------------ the API's answers

    def unified_job_templates(self, query):
        name = query.get("name", [None])[0]
        results = [
            {
                "id": t["id"],
                "type": "job_template",
                "name": t["name"],
                "related": {"launch": f"/api/v2/job_templates/{t['id']}/launch/"},
                "summary_fields": {"organization": {"name": t["organization"]}},
                "ask_limit_on_launch": False,
                "ask_labels_on_launch": False,
                "ask_inventory_on_launch": False,
                "ask_variables_on_launch": t["ask_variables_on_launch"],
            }
            for t in self.templates.values()
            if name is None or t["name"] == name
        ]
        return 200, {"count": len(results), "next": None, "previous": None, "results": results}

    def launch(self, template_id, body):
        template = self.templates.get(template_id)
        if template is None:
            return 404, {"detail": "Not found."}
        with self.lock:
            number = len(self.jobs) + 1
            ignored = {} if template["ask_variables_on_launch"] else {"extra_vars": body.get("extra_vars")}
            extra_vars = (body.get("extra_vars") or {}) if template["ask_variables_on_launch"] else {}
            self.launches.append({"template": template["name"], "job": number, "body": body, "at": time.time()})
            job = {"id": number, "template": template_id, "status": "pending", "created": time.time()}
            job.update(started=None, finished=None, stdout="", extra_vars=extra_vars)
            job["thread"] = threading.Thread(target=self._run, args=(job, template), daemon=True)
            self.jobs[number] = job
        job["thread"].start()
        answer = {"id": number, "job": number, "url": f"/api/v2/jobs/{number}/", "status": "pending"}
        return 201, dict(answer, ignored_fields=ignored)

    def job_list(self, query):
        wanted = {int(n) for n in query.get("id__in", [""])[0].split(",") if n}
        with self.lock:
            results = [self._shown(job) for number, job in sorted(self.jobs.items()) if number in wanted]
        return 200, {"count": len(results), "next": None, "previous": None, "results": results}

    def job(self, number):
        with self.lock:
            job = self.jobs.get(number)
            return (200, self._shown(job)) if job else (404, {"detail": "Not found."})

    @staticmethod
    def _shown(job):
        return {
            "id": job["id"],
            "type": "job",
            "url": f"/api/v2/jobs/{job['id']}/",
            "status": job["status"],
            "failed": job["status"] in ("failed", "error"),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(job["created"])),
            "artifacts": {},
        }

    # ------------------------------------------------------------------ the jobs, run as AWX runs them

    def _run(self, job, template):
        with self.lock:
            while not template["allow_simultaneous"] and any(
                other["template"] == job["template"] and other["status"] == "running" for other in self.jobs.values()
            ):
                self.lock.wait(0.2)  # AWX keeps it pending: the template does not allow simultaneous jobs
            job["status"], job["started"] = "running", time.time()
        try:
            status, stdout = self._ansible_runner(job, template)
        except Exception as error:  # pylint: disable=broad-except  # the job errors, as AWX reports it
            status, stdout = "error", repr(error)
        with self.lock:
            job["status"], job["finished"], job["stdout"] = status, time.time(), stdout
            self.lock.notify_all()

    def _ansible_runner(self, job, template):
        private = os.path.join(self.work, f"job-{job['id']}")
        os.makedirs(os.path.join(private, "env"))
        os.makedirs(os.path.join(private, "inventory"))
        shutil.copytree(self.project, os.path.join(private, "project"))
        with open(os.path.join(private, "env", "extravars"), "w", encoding="utf-8") as handle:
            handle.write(unsafe_extravars(job["extra_vars"]))
        with open(os.path.join(private, "inventory", "hosts"), "w", encoding="utf-8") as handle:
            handle.write(f"localhost ansible_connection=local ansible_python_interpreter={self.inventory_python}\n")
        runner = ansible_runner.run(
            private_data_dir=private,
            playbook=template["playbook"],
            ident="job",
            envvars=self.environment,
            suppress_env_files=True,
            quiet=True,
            timeout=JOB_TIMEOUT,
        )
        return runner.status, runner.stdout.read()


class _Handler(BaseHTTPRequestHandler):
    server: StandInController

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        self.server.requests.append(("GET", url.path, self.headers.get("Authorization")))
        parts = [p for p in url.path.split("/") if p]
        if parts == ["api", "v2", "config"]:
            return self._answer(200, {"version": "stand-in", "license_info": {}})
        if parts == ["api", "v2", "unified_job_templates"]:
            return self._answer(*self.server.unified_job_templates(query))
        if parts == ["api", "v2", "jobs"]:
            return self._answer(*self.server.job_list(query))
        if len(parts) == 4 and parts[:3] == ["api", "v2", "jobs"] and parts[3].isdigit():
            return self._answer(*self.server.job(int(parts[3])))
        return self._answer(404, {"detail": "Not found."})

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        self.server.requests.append(("POST", url.path, self.headers.get("Authorization")))
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        parts = [p for p in url.path.split("/") if p]
        if len(parts) == 5 and parts[:3] == ["api", "v2", "job_templates"] and parts[4] == "launch":
            return self._answer(*self.server.launch(int(parts[3]), body))
        return self._answer(404, {"detail": "Not found."})

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet."""

# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Noticing that a task is over for Ansible: the chain of processes, the output pipe, the module's own signals.

Process trees are fake (a dict of Process) where the decision is tested, and real (/proc, a forked
"controller" and "worker") once, end to end; tests/stop/ does it with ansible-playbook itself.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from ansible_collections.tencent.cloud.plugins.module_utils import _process_watch
from ansible_collections.tencent.cloud.plugins.module_utils._process_watch import (
    Process,
    ProcessWatch,
    chain_broken,
    process_age,
    read_process,
    reader_gone,
    task_chain,
)
from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound

PLAYBOOK = ["/venv/bin/python", "/venv/bin/ansible-playbook", "-i", "hosts", "site.yml"]
SHELL = ["/bin/sh", "-c", "/venv/bin/python /tmp/ansible-tmp-1/AnsiballZ_tencent_live_stream.py"]
OUTER_SHELL = ["/bin/sh", "-c", "/bin/sh -c '/venv/bin/python /tmp/ansible-tmp-1/AnsiballZ_tencent_live_stream.py'"]


class Tree:
    """A fake process table: module 500 <- sh 400 <- sh 300 <- worker 200 <- controller 100 <- bash 50."""

    def __init__(self):
        self.table = {
            50: Process(50, 1, "S", 5, ["-bash"]),
            100: Process(100, 50, "S", 10, PLAYBOOK),
            200: Process(200, 100, "S", 20, PLAYBOOK),
            300: Process(300, 200, "S", 30, OUTER_SHELL),
            400: Process(400, 300, "S", 31, SHELL),
        }

    def read(self, pid):
        return self.table.get(pid)

    def set(self, pid, **changes):
        old = self.table[pid]
        fields = dict(pid=old.pid, ppid=old.ppid, state=old.state, start=old.start, argv=old.argv)
        fields.update(changes)
        self.table[pid] = Process(**fields)


def test_the_chain_runs_from_the_module_up_to_the_controller_its_worker_was_forked_from():
    tree = Tree()
    assert [process.pid for process in task_chain(tree.read, 400)] == [400, 300, 200, 100]
    assert chain_broken(task_chain(tree.read, 400), tree.read) is None


def test_no_chain_without_an_ansible_fork_pair():
    """A module run by a test harness or by hand: only its own parent is watched then."""
    tree = Tree()
    tree.set(200, argv=["/venv/bin/python", "-m", "pytest"])
    tree.set(100, argv=["/venv/bin/python", "-m", "pytest", "-x"])
    assert task_chain(tree.read, 400) == []
    # sudo's monitor process has its parent's command line, but it is not Ansible
    sudo = ["sudo", "-H", "-S", "-n", "-u", "root", "/bin/sh", "-c", "python AnsiballZ_x.py"]
    tree.set(300, argv=sudo)
    tree.set(200, argv=sudo)
    assert task_chain(tree.read, 400) == []


@pytest.mark.parametrize(
    "change, pid, why",
    [
        (
            {"ppid": 1},
            200,
            "process 200 (ansible-playbook) lost its parent 100 (ansible-playbook)",
        ),  # AWX cancel: the worker re-parented
        ({"state": "Z"}, 100, "process 100 (ansible-playbook) ended"),  # the controller killed, not reaped yet
        ({"start": 99}, 200, "process 200 (ansible-playbook) ended"),  # the pid taken by another process
        (None, 200, "process 200 (ansible-playbook) ended"),  # the timeout: keyword: the worker exits
        ({"ppid": 1}, 400, "process 400 (sh) lost its parent 300 (sh)"),
    ],
)
def test_the_chain_breaks_when_an_ansible_process_above_the_module_goes(change, pid, why):
    tree = Tree()
    chain = task_chain(tree.read, 400)
    if change is None:
        del tree.table[pid]
    else:
        tree.set(pid, **change)
    assert chain_broken(chain, tree.read) == why


def test_what_started_the_controller_may_go_away():
    """nohup/setsid/& and logout, cron, systemd: the controller is re-parented, the play goes on."""
    tree = Tree()
    chain = task_chain(tree.read, 400)
    del tree.table[50]
    tree.set(100, ppid=1)
    assert chain_broken(chain, tree.read) is None


def test_given_up_falls_back_to_the_modules_own_parent():
    parent = [400]
    watch = ProcessWatch(TaskBound(), read=lambda pid: None, getppid=lambda: parent[0], stdout=-1)
    watch.parent = 400
    assert watch.given_up() is None
    parent[0] = 1
    assert watch.given_up() == "Ansible gave the task up: the module's parent process 400 ended"


def test_a_pipe_without_its_reader_means_nobody_waits_for_the_result(tmp_path):
    read_end, write_end = os.pipe()
    try:
        assert reader_gone(write_end) is False
        os.close(read_end)
        assert reader_gone(write_end) is True
    finally:
        os.close(write_end)
    with open(tmp_path / "out", "w", encoding="utf-8") as regular:
        assert reader_gone(regular.fileno()) is False


def test_a_broken_chain_gives_the_task_up_and_stops_it():
    tree = Tree()
    given_up = []
    bound = TaskBound()
    watch = ProcessWatch(
        bound, interval=0.02, read=tree.read, getppid=lambda: 400, abandoned=given_up.append, stdout=-1
    )
    with watch:
        assert [process.pid for process in watch.chain] == [400, 300, 200, 100]
        tree.set(200, ppid=1)
        deadline = time.monotonic() + 5
        while not given_up and time.monotonic() < deadline:
            time.sleep(0.02)
    assert given_up == [
        "Ansible gave the task up: process 200 (ansible-playbook) lost its parent 100 (ansible-playbook)"
    ]


def test_the_modules_own_signal_stops_the_task_and_the_handlers_are_restored():
    bound = TaskBound()
    before = signal.getsignal(signal.SIGTERM)
    with ProcessWatch(bound, interval=0.05, read=lambda pid: None, getppid=os.getppid, stdout=-1):
        os.kill(os.getpid(), signal.SIGTERM)
        deadline = time.monotonic() + 5
        while not bound.stopped and time.monotonic() < deadline:
            time.sleep(0.02)
    assert bound.stop_reason == "SIGTERM received"
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_signal_ignored_when_the_module_started_stays_ignored():
    """nohup (SIGHUP ignored by whoever started the play): the module leaves it ignored and goes on."""
    bound = TaskBound()
    before = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with ProcessWatch(bound, interval=0.05, read=lambda pid: None, getppid=os.getppid, stdout=-1):
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN  # the others are still handled
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(0.3)  # six looks of the watch
            assert not bound.stopped, bound.stop_reason
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, before)


def test_process_age_is_this_processes_or_nothing_for_an_old_process(tmp_path):
    assert 0.0 <= process_age(most=1e9) < time.time()
    assert process_age(proc=str(tmp_path)) == 0.0
    # a long-lived process (a test runner running modules in-process) does not count as the module's start
    assert process_age(most=-1.0) == 0.0


MODULE = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from ansible_collections.tencent.cloud.plugins.module_utils._process_watch import ProcessWatch
    from ansible_collections.tencent.cloud.plugins.module_utils._task_bound import TaskBound
    with ProcessWatch(TaskBound(), interval=0.05):
        print("watching", flush=True)
        time.sleep(60)
    """
)

CONTROLLER = textwrap.dedent(
    """
    import os, subprocess, sys, time
    # the worker: a fork of the controller (same command line), running the module under /bin/sh -c
    if os.fork() == 0:
        subprocess.run(["/bin/sh", "-c", sys.executable + " " + sys.argv[1] + " > " + sys.argv[2]])
        os._exit(0)
    time.sleep(60)
    """
)


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="the chain is read from /proc (Linux)")
def test_a_real_module_notices_its_controller_killed(tmp_path):
    """controller -> worker (a fork) -> sh -> module; SIGKILL to the controller: the module exits, saying why."""
    root = os.path.dirname(os.path.abspath(_process_watch.__file__))
    for _level in range(5):  # .../ansible_collections/tencent/cloud/plugins/module_utils -> the dir above it
        root = os.path.dirname(root)
    module, output = tmp_path / "module.py", tmp_path / "module.out"
    module.write_text(MODULE.format(root=root))
    controller = tmp_path / "ansible-fake-playbook.py"
    controller.write_text(CONTROLLER)
    process = subprocess.Popen([sys.executable, str(controller), str(module), str(output)], start_new_session=True)  # pylint: disable=consider-using-with
    try:
        deadline = time.monotonic() + 30
        while "watching" not in (output.read_text() if output.exists() else "") and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        killed = time.monotonic()
        process.wait(10)
        while len(output.read_text().splitlines()) < 2 and time.monotonic() - killed < 10:
            time.sleep(0.05)
        noticed = time.monotonic() - killed
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            pass
    lines = output.read_text().splitlines()
    assert lines[0] == "watching" and len(lines) == 2, lines
    result = json.loads(lines[1])
    assert result["failed"] is True and result["msg"].startswith("Ansible gave the task up: process")
    assert noticed < 5  # at most (the watch looks every 0.05 s here)
    deadline = time.monotonic() + 5
    while [pid for pid in os.listdir("/proc") if pid.isdigit() and _runs(pid, str(module))]:
        assert time.monotonic() < deadline, "the module (or its shell) is still running"
        time.sleep(0.05)


def _runs(pid, path):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return path.encode() in handle.read()
    except OSError:
        return False


def test_read_process_reads_this_process():
    me = read_process(os.getpid())
    assert me.pid == os.getpid() and me.ppid == os.getppid() and me.state in "RS" and me.argv
    assert read_process(0) is None
    assert threading.current_thread() is threading.main_thread()

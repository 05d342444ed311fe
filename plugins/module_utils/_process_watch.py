# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Noticing that the task is over for Ansible: the module's own signals, and Ansible giving it up.

PRIVATE to the tencent.cloud collection: not a public API, may change without notice.

How a running module is left behind, as observed with ansible-playbook and ansible-runner on
ansible-core 2.16 and 2.21, connection local, on Linux (the module runs as the controller ->
its worker, a fork of it -> /bin/sh -c -> /bin/sh -c -> python):

- ansible-runner's cancel and job timeout (AWX's cancel button and job timeout) SIGKILL the
  process group of ansible-playbook. On 2.21 each worker starts a session of its own
  (WORKER_SESSION_ISOLATION), so the worker, the shells and the module live on: the worker is
  re-parented to init (or a subreaper) and waits for the module, which gets no signal at all.
  On 2.16 the worker shares the controller's group and everything dies at once.
- The task keyword ``timeout:`` makes the worker fail the task and exit; the shells are
  re-parented and the module gets no signal (2.16 and 2.21).
- SIGINT to ansible-playbook: the controller and the worker exit; the module gets no signal.
- SIGTERM to ansible-playbook: on 2.21 the worker sends SIGTERM to its process group, the
  module's included; on 2.16 the controller exits and the worker is re-parented and lives on.
- An orphaned worker can hang after the module ends: it writes the module's result to the
  dead controller's queue, a pipe it holds both ends of, and blocks once that is full.

So ProcessWatch, a daemon thread started with the module, checks every INTERVAL seconds:

- the chain of processes the module started under, read from /proc once: every ancestor up to the
  worker and the controller it was forked from (the first ancestor whose parent runs the same
  Ansible command line). A process of the chain that has ended (or is a zombie), or that has a
  new parent, means the task was given up. Nothing above the controller counts: a shell, a CI
  job, cron or systemd that started ansible-playbook may go away (nohup, setsid, ``&`` and
  logout) while the play goes on. Where there is no /proc, or no such chain (a module started
  some other way), only the module's own parent is watched (os.getppid());
- the module's stdout: a pipe or socket whose reader is gone (the worker, or sshd on a remote
  host) means nobody waits for the result;
- SIGTERM, SIGINT and SIGHUP to the module itself, caught for the time the module runs -- each
  only if it was not ignored when the module started: a signal ignored then (``nohup``, ``setsid``
  under a service manager, ``trap '' HUP``) was ignored on purpose by whoever started the play, and
  stays ignored (on ansible-core 2.16 to 2.18 the worker shares the controller's process group, so a
  terminal that closes under ``nohup ansible-playbook`` sends its SIGHUP to the module too).

Its own signal stops the task (TaskBound.stop: nothing new starts, exchanges on the wire are
cut), and the module still returns a normal failed result. When the task was given up, nobody
reads a result: the watch stops the task, writes a one-line failure and exits at once, so it
neither starts another call nor keeps an orphaned worker waiting with a large result.
"""

import json
import os
import select
import signal
import stat
import threading

INTERVAL = 0.2
PROC = "/proc"
# the deepest chain looked at (shells, sudo/su for become, the worker, the controller)
MAX_DEPTH = 16
SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP")
# A module's process reaches the module's code within seconds of its start (unpacking, imports); an older
# process was not started for it.
MAX_MODULE_START = 60.0


class Process:
    """What the watch knows of a process: pid, parent, state (R, S, Z, ...), start time and command line."""

    def __init__(self, pid, ppid, state, start, argv):
        self.pid = pid
        self.ppid = ppid
        self.state = state
        self.start = start
        self.argv = argv

    def gone(self):
        return self.state in ("Z", "X", "x")

    def __repr__(self):
        return f"Process({self.pid}, ppid={self.ppid}, {self.state}, {' '.join(self.argv)[:60]!r})"


def read_process(pid, proc=PROC):
    """The Process of pid from /proc, or None when it does not exist (or cannot be read)."""
    try:
        with open(f"{proc}/{pid}/stat", "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
        with open(f"{proc}/{pid}/cmdline", "rb") as handle:
            argv = handle.read().decode("utf-8", "replace").split("\0")
    except OSError:
        return None
    fields = _fields_after_name(text)
    try:
        return Process(pid, int(fields[1]), fields[0], int(fields[19]), [arg for arg in argv if arg])
    except (IndexError, ValueError):
        return None


def _fields_after_name(stat_line):
    """The fields of a /proc/PID/stat line after the command name (field 2, in parentheses, which may hold anything)."""
    after = stat_line.rfind(")") + 2
    return stat_line[after:].split()


def process_age(proc=PROC, most=MAX_MODULE_START):
    """Seconds since this process started (from /proc), or 0.0 where that is not known, or more than ``most``:
    then the process did not start for this module (a test harness, or a runner that keeps its interpreter)."""
    try:
        with open(f"{proc}/self/stat", "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
        with open(f"{proc}/uptime", "rb") as handle:
            uptime = float(handle.read().split()[0])
        start = int(_fields_after_name(text)[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0
    age = uptime - start
    return age if 0.0 <= age <= most else 0.0


def runs_ansible(argv):
    """Whether a command line runs an Ansible program (ansible-playbook, ansible, python -m ansible ...)."""
    return any(os.path.basename(arg).startswith("ansible") for arg in argv[:3])


def task_chain(read, start):
    """The processes from ``start`` (the module's parent) up to Ansible's controller, or [] when not found.

    The controller is the first ancestor whose child in the chain is a fork of it: the same Ansible
    command line (Ansible forks its workers without exec).
    """
    chain = []
    pid = start
    for _depth in range(MAX_DEPTH):
        if pid <= 1:
            return []
        process = read(pid)
        if process is None or process.gone():
            return []
        chain.append(process)
        parent = read(process.ppid) if process.ppid > 1 else None
        if parent is not None and parent.argv == process.argv and runs_ansible(process.argv):
            chain.append(parent)
            return chain
        pid = process.ppid
    return []


def chain_broken(chain, read):
    """Why the chain no longer holds (a process ended, or one below the controller has a new parent), or None."""
    for index, known in enumerate(chain):
        now = read(known.pid)
        if now is None or now.start != known.start or now.gone():
            return f"process {known.pid} ({_name(known)}) ended"
        above = chain[index + 1] if index + 1 < len(chain) else None
        if above is not None and now.ppid != above.pid:
            return f"process {known.pid} ({_name(known)}) lost its parent {above.pid} ({_name(above)})"
    return None


def _name(process):
    if len(process.argv) > 1 and os.path.basename(process.argv[0]).startswith("python"):
        return os.path.basename(process.argv[1])
    return os.path.basename(process.argv[0]) if process.argv else "?"


def reader_gone(fd):
    """True when fd is a pipe or socket whose other end was closed (nobody would read what is written)."""
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return False
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)) or not hasattr(select, "poll"):
        return False
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(events & (select.POLLERR | select.POLLHUP) for _fd, events in poller.poll(0))


class ProcessWatch:
    """Watches, while the module runs (``with ProcessWatch(bound):``), for its own signals and for Ansible giving up.

    abandoned(reason) is called when the task was given up; by default it stops the bound, writes a
    one-line failure to stdout and exits the process (os._exit).
    """

    def __init__(self, bound, interval=INTERVAL, read=read_process, stdout=1, abandoned=None, getppid=os.getppid):
        self.bound = bound
        self.interval = interval
        self._read = read
        self._stdout = stdout
        self._abandoned = abandoned or self._exit_abandoned
        self._getppid = getppid
        self.chain = []
        self.parent = None
        self.reason = None
        self._closing = False
        self._previous = {}
        self._wake_r = self._wake_w = None
        self._thread = None
        self.finishing = threading.Lock()

    def __enter__(self):
        self.parent = self._getppid()
        if os.path.isdir(PROC) or self._read is not read_process:
            self.chain = task_chain(self._read, self.parent)
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        if threading.current_thread() is threading.main_thread():
            for name in SIGNALS:
                number = getattr(signal, name, None)
                if number is not None and signal.getsignal(number) is not signal.SIG_IGN:
                    self._previous[number] = signal.signal(number, self._on_signal)
        self._thread = threading.Thread(target=self._run, name="tencent-cloud-process-watch", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._closing = True
        for number, previous in self._previous.items():
            signal.signal(number, previous)
        self._poke()
        self._thread.join(5)
        os.close(self._wake_r)
        os.close(self._wake_w)

    def _on_signal(self, number, _frame):
        # A signal handler may run between any two bytecodes of the main thread, locks held: it only
        # notes the signal and wakes the watch thread, which stops the task.
        self.reason = f"{signal.Signals(number).name} received"
        self._poke()

    def _poke(self):
        try:
            os.write(self._wake_w, b"x")
        except OSError:
            pass

    def _run(self):
        while not self._closing:
            ready, _w, _x = select.select([self._wake_r], [], [], self.interval)
            if ready:
                os.read(self._wake_r, 512)
                if self.reason is not None:
                    self.bound.stop(self.reason)
                continue
            if self._closing:
                return
            given_up = self.given_up()
            if given_up is not None:
                self._abandoned(given_up)
                return

    def given_up(self):
        """Why Ansible gave the task up, or None."""
        if self.chain:
            broken = chain_broken(self.chain, self._read)
            if broken is not None:
                return f"Ansible gave the task up: {broken}"
        elif self._getppid() != self.parent:
            return f"Ansible gave the task up: the module's parent process {self.parent} ended"
        if reader_gone(self._stdout):
            return "Ansible gave the task up: nobody reads the module's output any more"
        return None

    def _exit_abandoned(self, reason):
        self.bound.stop(reason)
        if not self.finishing.acquire(blocking=False):
            return  # the module is writing its own result
        line = json.dumps({"failed": True, "changed": False, "msg": f"{reason}; nothing more was started"})
        try:
            os.write(self._stdout, (line + "\n").encode("utf-8"))
        except OSError:
            pass
        os._exit(1)

"""Killable, sandboxed query worker processes: a timeout that really holds although pyoxigraph cannot cancel.

A request borrows an idle worker, sends the query and waits at most ``timeout`` seconds; a worker
that overruns is killed (SIGKILL) and replaced, so other requests keep being answered meanwhile.
Workers are forked from the process that holds the store (copy-on-write), so a replacement is
ready in milliseconds and the data is not copied per worker; each confines itself
(sandbox.py: no sockets, capped memory, dies with its parent). Workers start lazily, in the
process that uses them, so a pool created before gunicorn forks is never shared between web
workers.
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from netzwerke_kg.backends import sandbox, worker
from netzwerke_kg.backends.base import AnswerTooLargeError, BackendUnavailableError, QueryTimeoutError
from netzwerke_kg.backends.worker import _HEADER, write_frame

log = logging.getLogger("netzwerke_kg.backends.pool")

#: seconds a fresh worker may take to load the store before it counts as broken
STARTUP_TIMEOUT = 120.0


class WorkerDied(Exception):
    """The worker process exited or sent garbage."""


class StillLoading(Exception):
    """The worker has not finished loading the store yet."""


class QueryMemoryError(BackendUnavailableError):
    """The query needed more memory than a query worker may use (HTTP 503; the worker is replaced)."""


@dataclass(frozen=True)
class Spawn:
    """How to start a worker: fork from ``store`` when it is given, else exec ``argv``."""

    store: object | None = None
    argv: tuple[str, ...] = ()
    memory_mb: int = 0
    network: bool = False
    max_frame: int = 1 << 31


class _Forked:
    """A forked worker: the bits of subprocess.Popen the pool uses."""

    def __init__(self, spawn: Spawn):
        """Fork; the child confines itself and serves on two pipes until the parent closes them.

        Everything the child runs is imported before the fork, so it never needs the import lock
        that another thread of the web worker might have held at that moment.
        """
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        parent = os.getpid()
        gc.freeze()  # the child's collector then leaves the parent's objects (and their pages) alone
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child (measured by the sandbox tests)
            code = 1
            try:
                os.dup2(req_r, 0)
                os.dup2(resp_w, 1)
                os.closerange(3, _max_fd())  # no listening sockets, no other workers' pipes
                ready = sandbox.confine(parent, spawn.memory_mb, network=spawn.network)
                code = worker.serve(spawn.store, os.fdopen(0, "rb"), os.fdopen(1, "wb"), ready)
            except BaseException:  # noqa: BLE001 - a child must never return into the web worker
                pass
            finally:
                os._exit(code)
        os.close(req_r)
        os.close(resp_w)
        self.pid = pid
        self.stdin = os.fdopen(req_w, "wb")
        self.stdout = os.fdopen(resp_r, "rb", buffering=0)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """The exit status (negative signal number) once it has exited, else None."""
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = -1
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill(self) -> None:
        """SIGKILL it."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def wait(self, timeout: float) -> None:
        """Reap it (it was killed, so it exits at once)."""
        deadline = time.monotonic() + timeout
        while self.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)


def _max_fd() -> int:
    """One past the highest file descriptor this process may hold."""
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (OSError, ValueError):
        return 4096


class _Spawner:
    """One long-lived thread per process that forks every worker.

    PR_SET_PDEATHSIG fires when the *thread* that forked a child exits, not only its process: a
    worker forked from a request thread (werkzeug starts one per request, gunicorn replaces its
    threads) would be killed with it. Forking from this thread, which lives as long as the
    process, makes "dies with its parent" mean the process.
    """

    _lock = threading.Lock()
    _instance: "_Spawner | None" = None

    def __init__(self):
        """Start the thread."""
        self.pid = os.getpid()
        self._jobs: list = []
        self._cond = threading.Condition()
        threading.Thread(target=self._run, name="query-worker-spawner", daemon=True).start()

    @classmethod
    def fork(cls, spawn: Spawn) -> "_Forked":
        """A worker forked by this process's spawner thread (started on first use, per process)."""
        with cls._lock:
            if cls._instance is None or cls._instance.pid != os.getpid():
                cls._instance = cls()
            spawner = cls._instance
        done = threading.Event()
        job = {"spawn": spawn, "done": done}
        with spawner._cond:
            spawner._jobs.append(job)
            spawner._cond.notify()
        done.wait()
        if "error" in job:
            raise job["error"]
        return job["proc"]

    def _run(self) -> None:
        """Fork what is asked for, forever."""
        while True:
            with self._cond:
                while not self._jobs:
                    self._cond.wait()
                job = self._jobs.pop(0)
            try:
                job["proc"] = _Forked(job["spawn"])
            except OSError as exc:
                job["error"] = BackendUnavailableError(f"cannot start a query worker: {exc}")
            job["done"].set()


class Worker:
    """One worker process and its pipes."""

    def __init__(self, spawn: Spawn):
        """Start the process; it becomes usable once its ready frame has been read."""
        self.max_frame = spawn.max_frame
        if spawn.store is not None and hasattr(os, "fork"):
            self.proc = _Spawner.fork(spawn)
        else:
            self.proc = subprocess.Popen(
                list(spawn.argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None,
                close_fds=True, bufsize=0,
            )
        self.info: dict | None = None

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> dict:
        """Block until the worker is ready; its ready frame.

        Raises StillLoading (nothing consumed from the pipe, so the worker stays usable) when the
        store is not loaded within ``timeout``.
        """
        if self.info is None:
            ready, _, _ = select.select([self.proc.stdout.fileno()], [], [], timeout)
            if not ready:
                raise StillLoading
            # The ready frame is written in one go: once readable, it arrives promptly.
            frame = self._read(time.monotonic() + STARTUP_TIMEOUT)
            if not frame.get("ok"):
                raise BackendUnavailableError(frame.get("message", "the query worker failed to start"))
            self.info = frame
        return self.info

    def call(self, request: dict, timeout: float) -> dict:
        """Send one request and wait at most ``timeout`` seconds for the answer."""
        try:
            write_frame(self.proc.stdin, request)
        except (BrokenPipeError, OSError) as exc:
            raise WorkerDied(str(exc)) from exc
        return self._read(time.monotonic() + timeout)

    def _read(self, deadline: float) -> dict:
        """Read one frame before ``deadline`` into one preallocated buffer (linear in its size)."""
        fd = self.proc.stdout.fileno()
        head = self._read_exactly(fd, bytearray(_HEADER.size), deadline)
        (size,) = _HEADER.unpack(head)
        if size > self.max_frame:
            raise AnswerTooLargeError(f"the query worker sent {size} bytes, more than the {self.max_frame} "
                                      "this server accepts from it")
        return pickle.loads(self._read_exactly(fd, bytearray(size), deadline))

    def _read_exactly(self, fd: int, buf: bytearray, deadline: float) -> bytearray:
        """Fill ``buf`` from ``fd`` before ``deadline``; TimeoutError or WorkerDied otherwise."""
        view = memoryview(buf)
        got = 0
        while got < len(buf):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                raise TimeoutError
            n = os.readv(fd, [view[got:]])
            if n == 0:
                raise WorkerDied(f"query worker exited with status {self.proc.poll()}")
            got += n
        return buf

    def kill(self) -> None:
        """Stop the process now and reap it."""
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - a SIGKILLed process always exits
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


class WorkerPool:
    """A fixed number of worker processes, each answering one query at a time."""

    def __init__(self, spawn: Spawn, size: int, *, lazy: bool = True):
        """Prepare ``size`` workers; they start on first use (or now, with ``lazy=False``)."""
        self.spawn = spawn
        self.size = max(1, size)
        self._idle: list[Worker] = []
        self._cond = threading.Condition()
        self._closed = False
        self._owner: int | None = None  # the pid whose workers these are
        self.killed = 0  # workers stopped for overrunning, for /health
        atexit.register(self.close)
        if not lazy:
            self.start()

    def start(self) -> None:
        """Start the workers in this process (again, after a fork: the parent's are not ours)."""
        with self._cond:
            if self._owner == os.getpid():
                return
            self._owner = os.getpid()
            self._idle = [Worker(self.spawn) for _ in range(self.size)]

    def call(self, request: dict, timeout: float, ready_timeout: float = STARTUP_TIMEOUT) -> dict:
        """Run ``request`` on an idle worker; the query itself may run ``timeout`` seconds.

        Waiting for a free worker is bounded by ``timeout`` too; waiting for a fresh worker to load
        the store by ``ready_timeout`` (loading is not the query's fault, so it is not charged to it).
        """
        self.start()
        worker = self._acquire(time.monotonic() + timeout, timeout)
        try:
            worker.wait_ready(ready_timeout)
        except StillLoading:
            self._release(worker)
            raise BackendUnavailableError(
                "The query workers are still loading the store; try again in a moment."
            ) from None
        except WorkerDied as exc:
            self._replace(worker)
            raise BackendUnavailableError(f"A query worker failed to start ({exc}); it has been "
                                          "replaced. Try again.") from None
        except BaseException:
            self._replace(worker)
            raise
        try:
            answer = worker.call(request, timeout)
        except TimeoutError:
            log.warning("query overran %.1f s; killing worker pid %s", timeout, worker.proc.pid)
            self._replace(worker)
            self.killed += 1
            raise QueryTimeoutError(
                f"The query was stopped after {timeout:g} s (the time limit of this endpoint). "
                "Narrow it down (more specific patterns, LIMIT) or run it on a downloaded dump."
            ) from None
        except WorkerDied:
            status = worker.proc.poll()
            self._replace(worker)
            raise self._death(status) from None
        except BaseException:
            self._replace(worker)
            raise
        if answer.get("kind") == "memory":
            self._replace(worker)
            raise self._death(None)
        self._release(worker)
        return answer

    def _death(self, status: int | None) -> BackendUnavailableError:
        """The error for a worker that died during a query (most often: out of memory)."""
        if self.spawn.memory_mb and status in (None, -signal.SIGABRT, -signal.SIGSEGV, -signal.SIGKILL, 3, 134):
            return QueryMemoryError(
                f"The query needed more than the {self.spawn.memory_mb} MiB of memory a query may use "
                "here and was stopped. Narrow it down (LIMIT, fewer joins or string operations) or run "
                "it on a downloaded dump.")
        return BackendUnavailableError(f"The query worker died (exit status {status}); it has been "
                                       "restarted. Try again.")

    def ping(self, timeout: float = 5.0) -> dict:
        """The ready frame of an idle worker (quads, graphs, confinement), proving one can answer."""
        return self.call({"op": "ping"}, timeout, ready_timeout=timeout)

    @property
    def busy(self) -> bool:
        """True when every worker is running a query (a ping would have to wait for one)."""
        with self._cond:
            return self._owner == os.getpid() and not self._idle

    def _acquire(self, deadline: float, timeout: float) -> Worker:
        """Borrow an idle worker, waiting until ``deadline``."""
        with self._cond:
            while not self._idle:
                if self._closed:
                    raise BackendUnavailableError("the query workers have been shut down")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise QueryTimeoutError(
                        f"No query worker became free within {timeout:g} s: the endpoint is busy. "
                        "Try again in a moment."
                    )
                self._cond.wait(remaining)
            return self._idle.pop()

    def _release(self, worker: Worker) -> None:
        """Give a worker back."""
        with self._cond:
            if self._closed:
                worker.kill()
                return
            self._idle.append(worker)
            self._cond.notify()

    def _replace(self, worker: Worker) -> None:
        """Kill ``worker`` and put a fresh process in its place."""
        worker.kill()
        with self._cond:
            if self._closed:
                return
            self._idle.append(Worker(self.spawn))
            self._cond.notify()

    def close(self) -> None:
        """Stop every idle worker of this process; busy ones are stopped when they come back."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
            mine = self._owner == os.getpid()
        if mine:
            for w in idle:
                w.kill()


def worker_argv(nq: str | None = None, void: str | None = None, void_graph: str | None = None,
                memory_mb: int = 0, network: bool = False) -> tuple[str, ...]:
    """The command line of one exec'd worker process (where fork is not available)."""
    argv = [sys.executable, "-m", "netzwerke_kg.backends.worker", "--memory-mb", str(memory_mb)]
    if nq:
        argv += ["--nq", nq]
    if void and void_graph:
        argv += ["--void", void, "--void-graph", void_graph]
    if network:
        argv.append("--network")
    return tuple(argv)

"""Killable query worker processes: a timeout that really holds although pyoxigraph cannot cancel.

Each worker (backends/worker.py) loads the store once. A request borrows an idle worker, sends
the query and waits at most ``timeout`` seconds; a worker that overruns is killed (SIGKILL) and
replaced by a fresh one in the background, so other requests keep being answered meanwhile.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import select
import subprocess
import sys
import threading
import time

from netzwerke_kg.backends.base import BackendUnavailableError, QueryTimeoutError
from netzwerke_kg.backends.worker import _HEADER, write_frame

log = logging.getLogger("netzwerke_kg.backends.pool")

#: seconds a fresh worker may take to load the store before it counts as broken
STARTUP_TIMEOUT = 120.0


class WorkerDied(Exception):
    """The worker process exited or sent garbage."""


class StillLoading(Exception):
    """The worker has not finished loading the store yet."""


class Worker:
    """One worker process and its pipes."""

    def __init__(self, argv: list[str]):
        """Start the process; it becomes usable once its ready frame has been read."""
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None, close_fds=True,
        )
        self.info: dict | None = None

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> dict:
        """Block until the worker has loaded the store; its ready frame.

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
        """Read one frame before ``deadline``; TimeoutError when it does not arrive."""
        fd = self.proc.stdout.fileno()
        buf = b""
        need = _HEADER.size
        size = None
        while len(buf) < need:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                raise TimeoutError
            chunk = os.read(fd, max(need - len(buf), 65536) if size is None else need - len(buf))
            if not chunk:
                raise WorkerDied(f"query worker exited with status {self.proc.poll()}")
            buf += chunk
            if size is None and len(buf) >= _HEADER.size:
                (size,) = _HEADER.unpack(buf[: _HEADER.size])
                need = _HEADER.size + size
        return pickle.loads(buf[_HEADER.size: need])

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

    def __init__(self, argv: list[str], size: int):
        """Start ``size`` workers running ``argv`` (they load in parallel, in the background)."""
        self.argv = argv
        self.size = max(1, size)
        self._idle: list[Worker] = []
        self._cond = threading.Condition()
        self._closed = False
        self.killed = 0  # workers stopped for overrunning, for /health
        for _ in range(self.size):
            self._idle.append(Worker(argv))
        atexit.register(self.close)

    def call(self, request: dict, timeout: float, ready_timeout: float = STARTUP_TIMEOUT) -> dict:
        """Run ``request`` on an idle worker; the query itself may run ``timeout`` seconds.

        Waiting for a free worker is bounded by ``timeout`` too; waiting for a fresh worker to load
        the store by ``ready_timeout`` (loading is not the query's fault, so it is not charged to it).
        """
        worker = self._acquire(time.monotonic() + timeout, timeout)
        try:
            worker.wait_ready(ready_timeout)
        except StillLoading:
            self._release(worker)
            raise BackendUnavailableError(
                "The query workers are still loading the store; try again in a moment."
            ) from None
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
        except WorkerDied as exc:
            self._replace(worker)
            raise BackendUnavailableError(f"The query worker died ({exc}); it has been restarted.") from None
        except BaseException:
            self._replace(worker)
            raise
        self._release(worker)
        return answer

    def ping(self, timeout: float = 5.0) -> dict:
        """The ready frame of an idle worker (quads, graphs), proving one can answer."""
        return self.call({"op": "ping"}, timeout, ready_timeout=timeout)

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
        """Kill ``worker`` and put a fresh process in its place (it loads in the background)."""
        worker.kill()
        with self._cond:
            if self._closed:
                return
            self._idle.append(Worker(self.argv))
            self._cond.notify()

    def close(self) -> None:
        """Stop every idle worker; busy ones are stopped when they come back."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for w in idle:
            w.kill()


def worker_argv(nq: str | None = None, void: str | None = None, void_graph: str | None = None) -> list[str]:
    """The command line of one worker process."""
    argv = [sys.executable, "-m", "netzwerke_kg.backends.worker"]
    if nq:
        argv += ["--nq", nq]
    if void and void_graph:
        argv += ["--void", void, "--void-graph", void_graph]
    return argv

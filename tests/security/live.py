"""A live gunicorn server for the security suites, started exactly as ``netzwerke-kg serve`` does.

Unlike tests/test_live_server.py's helper it takes any Settings field, and it gives the tests the
process ids they need (the gunicorn master; its web workers; their query workers).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.ports import free_port


@dataclass
class Live:
    """A running server: its base URL, the master's process and the log file."""

    base: str
    port: int
    proc: subprocess.Popen
    log: Path

    def web_workers(self) -> list[int]:
        """Pids of the gunicorn web workers (children of the master)."""
        return children(self.proc.pid)

    def query_workers(self) -> list[int]:
        """Pids of the query worker processes (children of the web workers)."""
        return [pid for worker in self.web_workers() for pid in children(worker)]


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (from /proc, Linux)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return sorted(p for p in set(found) if alive(p))


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    state = next((line.split()[1] for line in status.splitlines() if line.startswith("State:")), "X")
    return state not in ("Z", "X")


@contextmanager
def serving(root: Path, dist: Path, log: Path, *, workers: int = 1, env: dict | None = None, **settings):
    """``serve()`` under gunicorn on a free loopback port with these Settings fields; yields a Live.
    ``env`` adds environment variables (e.g. PYTHONHASHSEED) to the server's."""
    port = free_port()
    fields = ", ".join(f"{k}={v!r}" for k, v in settings.items())
    code = (
        "import sys; from pathlib import Path; from netzwerke_kg.config import Settings; "
        "from netzwerke_kg.web.server import serve; "
        f"sys.exit(serve(Settings(root=Path({str(root)!r}), dist=Path({str(dist)!r}){', ' + fields if fields else ''}), "
        f"host='127.0.0.1', port={port}, workers={workers}))"
    )
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"serve exited: {log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(base + "/health", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"serve did not come up: {log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield Live(base, port, proc, log)
    finally:
        proc.terminate()  # by PID: gunicorn's master stops its workers, which stop their query workers
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            proc.wait()

"""Start and stop the contenders on loopback: each a process group we own, stopped by its id.

Every server gets the same dump (one build of dist/) and listens on 127.0.0.1. A contender is a
context manager yielding a ``Server`` (its base URL and its SPARQL endpoint URL, if any); leaving
it stops the process group it started (gunicorn's workers and our query workers included).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
#: seconds a server may take to answer its first request
START_TIMEOUT = 180


@dataclass(frozen=True)
class Server:
    """A running contender: where it answers, and the process group that holds it."""

    name: str
    base: str  # http://127.0.0.1:PORT
    sparql: str | None  # its SPARQL endpoint URL, None for the hello app
    pgid: int | None  # process group we started (None for Virtuoso, stopped by its launcher)
    pid: int


class Ports:
    """Hands out loopback ports: from ``BENCH_PORTS`` (e.g. ``5300-5399``) when set, else any free one."""

    def __init__(self, spec: str | None = None):
        """Parse ``spec`` ("LOW-HIGH"); None or empty lets the kernel choose."""
        spec = spec if spec is not None else os.environ.get("BENCH_PORTS", "")
        self._pool: list[int] = []
        if spec:
            low, high = (int(x) for x in spec.split("-"))
            self._pool = list(range(low, high + 1))

    def take(self) -> int:
        """The next port nothing listens on."""
        while self._pool:
            port = self._pool.pop(0)
            if _free(port):
                return port
        if os.environ.get("BENCH_PORTS"):
            raise RuntimeError("no free port left in BENCH_PORTS")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]


def _free(port: int) -> bool:
    """True when nothing is bound to ``port`` on loopback."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = START_TIMEOUT) -> float:
    """Seconds until ``url`` answered with any HTTP status below 500; RuntimeError if the process died."""
    start = time.monotonic()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[:3]} exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return time.monotonic() - start
        except urllib.error.HTTPError as e:
            if e.code < 500:
                return time.monotonic() - start
        except OSError:
            pass
        if time.monotonic() - start > timeout:
            raise RuntimeError(f"{url} did not answer within {timeout} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


@contextmanager
def process(name: str, argv: list[str], probe: str, base: str, sparql: str | None, workdir: Path,
            env: dict | None = None) -> Iterator[Server]:
    """Run ``argv`` in its own process group until the block ends; yield once ``probe`` answers."""
    log = workdir / f"{name}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=workdir,
                                env={**os.environ, **(env or {})}, start_new_session=True)
        try:
            wait_until_up(probe, proc, log)
            yield Server(name, base, sparql, proc.pid, proc.pid)
        finally:
            stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM the process group we started (by its id), SIGKILL it if it lingers."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    try:  # workers that outlived their parent (same group)
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def bench_env(dist: Path) -> dict:
    """Environment for our server and the hello app: this dump, no fair-use budget, quiet logs."""
    return {"NETZWERKE_KG_DIST": str(dist), "NETZWERKE_KG_FAIR_USE_BUDGET": "0"}


def hello(ports: Ports, workdir: Path, dist: Path, workers: int = 2):
    """The bare Flask "hello" under our gunicorn settings (bench/hello.py)."""
    port = ports.take()
    base = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "bench.hello", "--port", str(port), "--workers", str(workers)]
    env = {**bench_env(dist), "PYTHONPATH": str(ROOT)}
    return process("hello", argv, base + "/", base, None, workdir, env)


def ours(ports: Ports, workdir: Path, dist: Path, workers: int = 2, endpoint: str | None = None,
         name: str = "ours"):
    """``netzwerke-kg serve`` on ``dist`` (embedded), or on a remote ``endpoint``."""
    port = ports.take()
    base = f"http://127.0.0.1:{port}"
    argv = [str(BIN / "netzwerke-kg"), "serve", "--root", str(ROOT), "--port", str(port),
            "--workers", str(workers)]
    if endpoint:
        argv += ["--endpoint", endpoint]
    return process(name, argv, base + "/health", base, base + "/sparql", workdir, bench_env(dist))


def oxigraph_store(dist: Path, location: Path) -> float:
    """Bulk-load the dump into an Oxigraph on-disk store at ``location``; seconds it took."""
    start = time.monotonic()
    subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(location), "--file",
                    str(dist / "netzwerke-kg.nq")], check=True, capture_output=True)
    return time.monotonic() - start


@contextmanager
def oxigraph(ports: Ports, workdir: Path, dist: Path) -> Iterator[Server]:
    """Oxigraph's own server (PyPI ``oxigraph``, ``serve-read-only``) on the same dump, union default graph."""
    location = workdir / "oxigraph-store"
    oxigraph_store(dist, location)
    port = ports.take()
    base = f"http://127.0.0.1:{port}"
    # Our endpoint's default graph is the union of the named graphs; ask Oxigraph for the same.
    argv = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(location),
            "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    with process("oxigraph", argv, base + "/query?query=ASK%7B%7D", base, base + "/query", workdir) as s:
        yield s


def rdflib_endpoint(ports: Ports, workdir: Path, dist: Path):
    """rdflib-endpoint's own CLI (uvicorn, one process) on the same N-Quads (union default graph)."""
    port = ports.take()
    base = f"http://127.0.0.1:{port}"
    argv = [str(BIN / "rdflib-endpoint"), "serve", str(dist / "netzwerke-kg.nq"), "--host", "127.0.0.1",
            "--port", str(port)]
    return process("rdflib-endpoint", argv, base + "/?query=ASK%7B%7D", base, base + "/", workdir)


def virtuoso_available() -> bool:
    """True when the Debian Virtuoso binaries are installed."""
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


@contextmanager
def virtuoso(ports: Ports, workdir: Path, dist: Path) -> Iterator[Server]:
    """A private Virtuoso holding the dump, started and loaded as the remote-backend tests do."""
    from tests.support import virtuoso as support

    vdir = Path(tempfile.mkdtemp(prefix="virtuoso-", dir=workdir))
    # The test launcher takes kernel-chosen ports; here they come from BENCH_VIRTUOSO_PORTS
    # ("SQL,HTTP", the order the launcher asks for them, e.g. 11110,18890) or from our allocator,
    # so a manual run stays in its port range.
    spec = os.environ.get("BENCH_VIRTUOSO_PORTS")
    chosen = iter(int(p) for p in spec.split(",")) if spec else None
    original = support.free_port
    support.free_port = (lambda: next(chosen)) if chosen else ports.take
    try:
        with support.running_virtuoso(dist, vdir) as v:
            base = v["url"].rsplit("/", 1)[0]
            yield Server("virtuoso", base, v["url"], None, v["pid"])
    finally:
        support.free_port = original
        shutil.rmtree(vdir, ignore_errors=True)

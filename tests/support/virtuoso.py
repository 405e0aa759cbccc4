"""A private Virtuoso on loopback holding one build of dist/ (../shared/recipes/virtuoso.md).

Used by the ``virtuoso`` fixture of tests/web/conftest.py and by the benchmark (bench/virtuoso.py).
Plain Python, no pytest: failures raise RuntimeError with what Virtuoso said.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from netzwerke_kg.namespaces import graph_iri
from tests.support.ports import free_port

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
START_TIMEOUT = 120  # seconds until the SPARQL endpoint must answer


def _isql(port: int, sql: str) -> str:
    """Run SQL through isql-vt against the private instance; its stdout."""
    try:
        out = subprocess.run(["isql-vt", f"127.0.0.1:{port}", "dba", "dba", f"exec={sql}"],
                             capture_output=True, text=True, timeout=300, check=True)
    except subprocess.CalledProcessError as e:
        raise RuntimeError(f"isql-vt failed ({e.returncode}) on {sql!r}:\n{e.stdout}{e.stderr}") from e
    return out.stdout


def _private_ini(vdir: Path, sql_port: int, http_port: int) -> Path:
    """The packaged virtuoso.ini rewritten for a private, loopback-only instance in ``vdir``."""
    text = VIRTUOSO_INI.read_text()
    text = text.replace("/var/lib/virtuoso-opensource-7/db/", f"{vdir}/db/")
    sections = re.split(r"(?m)^(?=\[)", text)
    out = []
    for section in sections:
        if section.startswith("[Parameters]"):
            section = re.sub(r"(?m)^ServerPort\s*=.*$", f"ServerPort = 127.0.0.1:{sql_port}", section)
            section = re.sub(r"(?m)^DirsAllowed\s*=.*$",
                             f"DirsAllowed = ., /usr/share/virtuoso-opensource-7/vad, {vdir}/import", section)
        elif section.startswith("[HTTPServer]"):
            section = re.sub(r"(?m)^ServerPort\s*=.*$", f"ServerPort = 127.0.0.1:{http_port}", section)
        elif section.startswith("[SPARQL]"):
            # Virtuoso cuts results at ResultSetMaxRows silently; our own cap must be the one that acts.
            section = re.sub(r"(?m)^ResultSetMaxRows\s*=.*$", "ResultSetMaxRows = 1000000", section)
        out.append(section)
    ini = vdir / "virtuoso.ini"
    ini.write_text("".join(out))
    return ini


def _wait_until_up(proc: subprocess.Popen, url: str, vdir: Path) -> None:
    """Return once the SPARQL endpoint answers; RuntimeError if virtuoso-t exits or times out."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited: {(vdir / 'db' / 'virtuoso.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"virtuoso-t did not answer within {START_TIMEOUT} s") from None
            time.sleep(0.2)


def _bulk_load(dist: Path, vdir: Path, sql_port: int, void_graph: str) -> None:
    """Load the build's N-Quads and void.ttl (into ``void_graph``); RuntimeError if a file failed."""
    imp = vdir / "import"
    shutil.copy(dist / "netzwerke-kg.nq", imp / "netzwerke-kg.nq")
    shutil.copy(dist / "void.ttl", imp / "void.ttl")
    # N-Quads carry their own graph names; the graph argument only applies to the Turtle file.
    _isql(sql_port, f"ld_dir('{imp}', 'netzwerke-kg.nq', '{void_graph}'); "
                    f"ld_dir('{imp}', 'void.ttl', '{void_graph}'); rdf_loader_run(); checkpoint;")
    # isql exits 0 even when a file failed to load: check the loader's own bookkeeping.
    bad = _isql(sql_port, "SELECT ll_file, ll_error FROM DB.DBA.load_list "
                          "WHERE ll_state <> 2 OR ll_error IS NOT NULL;")
    if "0 Rows." not in bad:
        raise RuntimeError(f"Virtuoso bulk load failed:\n{bad}")


@contextmanager
def running_virtuoso(dist: Path, workdir: Path) -> Iterator[dict]:
    """Start Virtuoso in ``workdir``, bulk-load ``dist``, yield its facts, stop it by PID.

    Yields ``{"url", "pid", "dir", "graphs", "void_graph"}``: the SPARQL endpoint, the server's PID,
    ``workdir``, the build's named graphs (manifest.json) and the graph holding void.ttl.
    """
    (workdir / "db").mkdir(parents=True)
    (workdir / "import").mkdir()
    sql_port, http_port = free_port(), free_port()
    ini = _private_ini(workdir, sql_port, http_port)
    log = open(workdir / "virtuoso.stdout", "wb")
    proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=workdir / "db",
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        _wait_until_up(proc, url, workdir)
        manifest = json.loads((dist / "manifest.json").read_text())
        void_graph = graph_iri("void", manifest["base_iri"])
        _bulk_load(dist, workdir, sql_port, void_graph)
        yield {"url": url, "pid": proc.pid, "dir": workdir, "graphs": manifest["graphs"],
               "void_graph": void_graph}
    finally:
        proc.terminate()  # by PID, never by name: other runs may have their own instance
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()

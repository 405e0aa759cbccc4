"""A private Virtuoso on loopback for the benchmark (same recipe as tests/web/conftest.py)."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def _port() -> int:
    """A free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_virtuoso(dist: Path, workdir: Path):
    """Start Virtuoso in ``workdir``, bulk-load ``dist``, yield the endpoint URL, stop it by PID."""
    sql, http = _port(), _port()
    (workdir / "db").mkdir(parents=True)
    (workdir / "import").mkdir()
    text = INI.read_text().replace("/var/lib/virtuoso-opensource-7/db/", f"{workdir}/db/")
    out = []
    for section in re.split(r"(?m)^(?=\[)", text):
        if section.startswith("[Parameters]"):
            section = re.sub(r"(?m)^ServerPort\s*=.*$", f"ServerPort = 127.0.0.1:{sql}", section)
            section = re.sub(r"(?m)^DirsAllowed\s*=.*$", f"DirsAllowed = ., {workdir}/import", section)
        elif section.startswith("[HTTPServer]"):
            section = re.sub(r"(?m)^ServerPort\s*=.*$", f"ServerPort = 127.0.0.1:{http}", section)
        elif section.startswith("[SPARQL]"):
            section = re.sub(r"(?m)^ResultSetMaxRows\s*=.*$", "ResultSetMaxRows = 1000000", section)
        out.append(section)
    ini = workdir / "virtuoso.ini"
    ini.write_text("".join(out))
    log = open(workdir / "virtuoso.stdout", "wb")
    proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=workdir / "db",
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http}/sparql"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("virtuoso-t exited")
                time.sleep(0.2)
        manifest = json.loads((dist / "manifest.json").read_text())
        void_graph = f"{manifest['base_iri']}graph/void"
        for name in ("netzwerke-kg.nq", "void.ttl"):
            shutil.copy(dist / name, workdir / "import" / name)
        subprocess.run(["isql-vt", f"127.0.0.1:{sql}", "dba", "dba",
                        f"exec=ld_dir('{workdir}/import', '%', '{void_graph}'); rdf_loader_run(); checkpoint;"],
                       check=True, capture_output=True, timeout=300)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()

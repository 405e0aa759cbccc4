"""Drive one server with wrk (https://github.com/wg/wrk) and read its numbers back as JSON.

Each case becomes a small Lua script: fixed path and headers for a repeated request; for a
distinct case a ``request()`` that writes a per-thread counter into the query text; and a
``done()`` that prints the summary (requests, duration, errors, latency percentiles) as one JSON
line, so nothing depends on wrk's human-readable output.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.cases import Case
from bench.servers import Server

THREADS = 2
CONNECTIONS = 16
#: a request slower than this counts as a timeout error (rdflib-endpoint on a costly query is slow)
TIMEOUT = "10s"
MARK = "BENCH_JSON "

_DONE = r"""
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.mean))
end
"""

_DISTINCT = r"""
local counter = 0
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function request()
  counter = counter + 1
  return wrk.format(nil, prefix .. run .. "-" .. tid .. "-" .. counter .. suffix)
end
"""


@dataclass(frozen=True)
class Request:
    """One concrete request: path (with ``%7Bn%7D`` for the counter), headers, expected status."""

    path: str
    headers: dict
    expect: int
    distinct: bool

    def concrete(self, token: str = "probe") -> str:
        """The path with the counter filled in."""
        return self.path.replace("%7Bn%7D", token)


def build(server: Server, case: Case) -> Request:
    """The request ``case`` makes on ``server`` (its SPARQL endpoint for queries, else a path)."""
    headers = {"Accept": case.accept} if case.accept else {}
    if case.query is not None:
        if server.sparql is None:
            raise ValueError(f"{server.name} has no SPARQL endpoint for {case.key}")
        endpoint = urllib.parse.urlsplit(server.sparql).path or "/"
        path = endpoint + "?query=" + urllib.parse.quote(case.query, safe="")
    else:
        path = case.path
    return Request(path, headers, case.expect, case.distinct)


def lua(request: Request, run_id: str = "0") -> str:
    """The wrk script for ``request``; ``run_id`` keeps distinct texts distinct across runs."""
    lines = ['wrk.method = "GET"', f"wrk.path = {_long(request.path)}"]
    lines += [f"wrk.headers[ {_long(k)} ] = {_long(v)}" for k, v in request.headers.items()]
    if request.distinct:
        prefix, suffix = request.path.split("%7Bn%7D", 1)
        lines += [f"prefix = {_long(prefix)}", f"suffix = {_long(suffix)}", f"run = {_long(run_id)}", _DISTINCT]
    return "\n".join(lines) + _DONE


def _long(text: str) -> str:
    """``text`` as a Lua long string literal (no escapes inside)."""
    level = 1
    while f"]{'=' * level}]" in text:
        level += 1
    eq = "=" * level
    return f"[{eq}[{text}]{eq}]"


def preflight(server: Server, request: Request, timeout: float = 60) -> dict:
    """One request by urllib: status, bytes, result rows (SPARQL JSON), ETag; never raises on HTTP errors."""
    req = urllib.request.Request(server.base + request.concrete(), headers=request.headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, body, headers = r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        status, body, headers = e.code, e.read(), e.headers
    out = {"status": status, "bytes": len(body), "content_type": headers.get("Content-Type", ""),
           "etag": headers.get("ETag")}
    if status >= 400:
        out["error_body"] = body[:300].decode("utf-8", "replace")
    if "sparql-results+json" in out["content_type"] and status == 200:
        out["rows"] = len(json.loads(body)["results"]["bindings"])
    elif out["content_type"].startswith("application/n-triples") and status == 200:
        out["rows"] = sum(1 for line in body.splitlines() if line.strip() and not line.startswith(b"#"))
    return out


def run(server: Server, request: Request, seconds: int, workdir: Path) -> dict:
    """One wrk run of ``seconds``: requests/s, latency p50/p99 (ms) and error counts."""
    script = workdir / "wrk-case.lua"
    script.write_text(lua(request, f"{time.time_ns():x}"))
    argv = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", TIMEOUT,
            "-s", str(script), server.base]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in out.stdout.splitlines() if x.startswith(MARK)), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stdout[-2000:]}{out.stderr[-2000:]}")
    raw = json.loads(line[len(MARK):])
    errors = {k: raw[k] for k in ("connect", "read", "write", "status", "timeout")}
    seconds_run = raw["duration_us"] / 1e6
    # A non-2xx/3xx answer is an error to wrk (its "status" count); a 304 is a success.
    good = raw["requests"] - raw["status"]
    return {
        "rps": good / seconds_run if seconds_run else 0.0,
        "requests": raw["requests"],
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "mean_ms": raw["mean_us"] / 1000,
        "bytes_per_request": raw["bytes"] / raw["requests"] if raw["requests"] else 0,
        "errors": errors,
    }

"""``python -m bench.scale`` (``make bench-scale``): how validate, build, start-up, memory and latency grow.

For each size (10^3 … 10^6 data triples by default) it writes a synthetic project
(bench/synthetic.py), then measures, each in its own process so numbers do not leak:
- ``netzwerke-kg validate`` and ``netzwerke-kg build`` (wall and CPU seconds, peak RSS);
- a raw pyoxigraph bulk load of the built N-Quads into an in-memory store (the floor for start-up);
- ``netzwerke-kg serve`` with 1 and with 4 gunicorn workers: seconds until the first query is
  answered, and the memory of every process of the server (RSS summed, and PSS, which counts a
  page shared by n processes as 1/n to each — the honest total when workers share memory);
- p50/p99 latency of four query shapes and of a resource page, one request at a time, every
  request different (a counter in the query; a different city per page) so no cache answers.
Writes ``bench/results/scale.{json,md}`` and judges the #7 §3 scale targets at the largest size.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path

from bench import servers, synthetic

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
B = "https://w3id.org/netzwerke-kg/"
PREFIXES = "PREFIX org: <http://www.w3.org/ns/org#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" \
           "PREFIX schema: <https://schema.org/>\n"

#: four query shapes; ``{n}`` gets a fresh token per request, ``{city}``/``{network}`` a resource
SHAPES = {
    "lookup": "SELECT ?p ?o WHERE { <{city}> ?p ?o FILTER(?p != <urn:bench:{n}>) }",
    "members": PREFIXES + """SELECT ?member ?label WHERE {
  <{network}> org:hasMember ?member . ?member rdfs:label ?label FILTER(lang(?label) = "en")
  FILTER(?member != <urn:bench:{n}>) } ORDER BY ?label LIMIT 50""",
    "aggregate": PREFIXES + """SELECT ?network (COUNT(?m) AS ?members) WHERE {
  ?m org:organization ?network FILTER(?network != <urn:bench:{n}>) } GROUP BY ?network ORDER BY DESC(?members) LIMIT 20""",
    "two-hop": PREFIXES + """SELECT ?country (COUNT(DISTINCT ?network) AS ?networks) WHERE {
  ?m org:member ?city ; org:organization ?network . ?city schema:containedInPlace ?country
  FILTER(?country != <urn:bench:{n}>) } GROUP BY ?country ORDER BY DESC(?networks) LIMIT 20""",
}


def timed_rusage(argv: list[str], env: dict | None = None) -> dict:
    """Run ``argv`` to completion: wall seconds, CPU seconds and peak RSS from its own rusage (os.wait4)."""
    start = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        return {"wall_s": round(wall, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
                "max_rss_mb": round(usage.ru_maxrss / 1024, 1), "returncode": proc.returncode,
                "stdout": out.read().decode(), "stderr": err.read().decode()[-1500:]}


def count_triples(root: Path) -> int:
    """Triples in the synthetic data/ files."""
    import pyoxigraph as ox

    return sum(sum(1 for _ in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE))
               for f in sorted((root / "data").glob("*.ttl")))


RAW_LOAD = """import sys, time, pyoxigraph as ox
t = time.monotonic(); s = ox.Store(); s.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
print(len(s), time.monotonic() - t)"""


def group_memory(pgid: int) -> dict:
    """RSS and PSS (MiB) summed over every live process in process group ``pgid``, and their count."""
    rss = pss = 0
    count = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            # field 5 (pgrp) after the parenthesised command name, which may contain spaces
            if int(stat.rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            for line in (entry / "smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
            count += 1
        except (OSError, ValueError, IndexError):
            continue  # a process that ended while we looked
    return {"rss_mb": round(rss / 1024, 1), "pss_mb": round(pss / 1024, 1), "processes": count}


def latencies(port: int, paths: list[tuple[str, dict]]) -> dict:
    """p50/p99/max in ms of ``paths`` requested one at a time over one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    samples, statuses = [], set()
    for path, headers in paths:
        t = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        samples.append((time.perf_counter() - t) * 1000)
        statuses.add(response.status)
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.close()
    samples.sort()
    return {"p50_ms": round(statistics.median(samples), 2),
            "p99_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 2),
            "max_ms": round(samples[-1], 2), "n": len(samples), "statuses": sorted(statuses)}


def shape_paths(shape: str, plan: dict, count: int, token: str = "s") -> list[tuple[str, dict]]:
    """``count`` distinct requests of query ``shape``, over cities and networks of the plan."""
    paths = []
    for i in range(count):
        city = f"{B}id/city/synthetic-city-{i % plan['cities'] + 1:06d}"
        network = f"{B}id/network/synthetic-network-{i % plan['networks'] + 1:04d}"
        text = SHAPES[shape].replace("{city}", city).replace("{network}", network).replace("{n}", f"{token}{i}")
        paths.append(("/sparql?query=" + urllib.parse.quote(text, safe=""),
                      {"Accept": "application/sparql-results+json"}))
    return paths


def page_paths(plan: dict, count: int) -> list[tuple[str, dict]]:
    """``count`` resource pages of cities, each URL different (a parameter the page ignores), so
    the response cache never answers: a small graph has fewer cities than samples."""
    return [(f"/page/city/synthetic-city-{i % plan['cities'] + 1:06d}?bench={i}", {"Accept": "text/html"})
            for i in range(count)]


def serve(root: Path, workers: int, ports: servers.Ports, plan: dict, samples: int, measure_latency: bool) -> dict:
    """Start our server on ``root``/dist with ``workers``; start-up, memory, and (optionally) latencies."""
    port = ports.take()
    argv = [str(BIN / "netzwerke-kg"), "serve", "--root", str(root), "--port", str(port), "--workers", str(workers)]
    env = {**os.environ, **servers.bench_env(root / "dist")}
    log = root / f"serve-{workers}.log"
    probe = "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }")
    with open(log, "wb") as out:
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            servers.wait_until_up(f"http://127.0.0.1:{port}{probe}", proc, log, timeout=1800)
            ready = time.monotonic() - start
            # every gunicorn worker loads its own backend: ask until each has answered once
            warm = latencies(port, shape_paths("lookup", plan, 4 * workers, token="warm"))
            result = {"startup_s": round(ready, 2), "warm_statuses": warm["statuses"]}
            if measure_latency:
                result["latency"] = {shape: latencies(port, shape_paths(shape, plan, samples)) for shape in SHAPES}
                result["latency"]["page"] = latencies(port, page_paths(plan, samples))
            result["memory"] = group_memory(proc.pid)
            return result
        finally:
            servers.stop(proc)


def measure(size: int, workdir: Path, ports: servers.Ports, samples: int) -> dict:
    """Every measurement at one size."""
    root = workdir / f"size-{size}"
    generated = synthetic.generate(root, size)
    row: dict = {"size": size, "triples": count_triples(root), "plan": generated["plan"]}
    print(f"[{size:,}] generated {row['triples']:,} triples", flush=True)
    nkg = str(BIN / "netzwerke-kg")
    row["validate"] = timed_rusage([nkg, "validate", "--root", str(root), "--format", "json"])
    report = json.loads(row["validate"].pop("stdout") or "{}")
    row["validate"]["violations"] = report.get("violations")
    row["validate"].pop("stderr")
    print(f"[{size:,}] validate {row['validate']}", flush=True)
    row["build"] = timed_rusage([nkg, "build", "--root", str(root), "--out", str(root / "dist")])
    if row["build"]["returncode"] != 0:
        raise RuntimeError(f"build failed at {size}: {row['build']['stdout']}{row['build']['stderr']}")
    for k in ("stdout", "stderr"):
        row["build"].pop(k)
    print(f"[{size:,}] build {row['build']}", flush=True)
    raw = timed_rusage([sys.executable, "-c", RAW_LOAD, str(root / "dist" / "netzwerke-kg.nq")])
    quads, load_s = raw.pop("stdout").split()
    raw.pop("stderr")
    row["raw_load"] = {**raw, "quads": int(quads), "load_s": round(float(load_s), 3)}
    print(f"[{size:,}] raw pyoxigraph bulk load {row['raw_load']}", flush=True)
    row["serve"] = {}
    for workers in (1, 4):
        row["serve"][str(workers)] = serve(root, workers, ports, generated["plan"], samples, workers == 1)
        print(f"[{size:,}] serve {workers} worker(s) {row['serve'][str(workers)]}", flush=True)
    return row


def judge(rows: list[dict]) -> list[dict]:
    """The #7 §3 scale targets at the largest size measured (and growth against the one before)."""
    if not rows:
        return []
    top = rows[-1]
    out = []

    def add(name, value, op, goal):
        """One target row."""
        ok = None if value is None else (value <= goal if op == "<=" else value >= goal)
        out.append({"target": name, "at": top["size"], "value": None if value is None else round(value, 3),
                    "op": op, "goal": goal, "verdict": "not measured" if ok is None else ("pass" if ok else "miss")})

    s1, s4 = top["serve"]["1"], top["serve"]["4"]
    add("start-up ≤ 1.5× a raw pyoxigraph bulk load (1 worker, start to first answer)",
        s1["startup_s"] / max(top["raw_load"]["wall_s"], 1e-9), "<=", 1.5)
    add("memory with 4 workers ≤ 1.3× memory with 1 (PSS over all processes)",
        s4["memory"]["pss_mb"] / s1["memory"]["pss_mb"], "<=", 1.3)
    add("… the same in summed RSS", s4["memory"]["rss_mb"] / s1["memory"]["rss_mb"], "<=", 1.3)
    add("resource page p99 ≤ 50 ms", s1["latency"]["page"]["p99_ms"], "<=", 50)
    if len(rows) >= 2:
        prev = rows[-2]
        for step in ("validate", "build"):
            for clock in ("cpu_s", "wall_s"):
                per_top = top[step][clock] / top["triples"]
                per_prev = prev[step][clock] / prev["triples"]
                add(f"{step} grows linearly: {clock[:-2]} s/triple at {top['size']:,} ≤ 2× at {prev['size']:,}",
                    per_top / per_prev, "<=", 2.0)
    return out


def markdown(result: dict) -> str:
    """The scale table and the targets."""
    m = result["meta"]
    lines = [f"Scale run {m['started']} on {m['cpus']} CPUs ({m['load']}), commit {m['commit']}; "
             f"{m['samples']} sequential requests per latency figure, each different (no cache hit).", "",
             "| triples | validate s (CPU) | build s (CPU) | raw bulk load s | start-up s 1 / 4 workers "
             "| PSS MiB 1 / 4 | RSS MiB 1 / 4 | "
             + " | ".join(f"{s} p50/p99 ms" for s in [*SHAPES, "page"]) + " |",
             "|" + "---|" * (7 + len(SHAPES) + 1)]
    for r in result["rows"]:
        s1, s4 = r["serve"]["1"], r["serve"]["4"]
        lat = " | ".join(f"{s1['latency'][s]['p50_ms']:.1f} / {s1['latency'][s]['p99_ms']:.1f}"
                         for s in [*SHAPES, "page"])
        lines.append(
            f"| {r['triples']:,} | {r['validate']['wall_s']:.1f} ({r['validate']['cpu_s']:.1f}) "
            f"| {r['build']['wall_s']:.1f} ({r['build']['cpu_s']:.1f}) | {r['raw_load']['wall_s']:.2f} "
            f"| {s1['startup_s']:.1f} / {s4['startup_s']:.1f} | {s1['memory']['pss_mb']:.0f} / {s4['memory']['pss_mb']:.0f} "
            f"| {s1['memory']['rss_mb']:.0f} / {s4['memory']['rss_mb']:.0f} | {lat} |")
    lines += ["", "Validation: " + ", ".join(f"{r['triples']:,} → {r['validate']['violations']} violations"
                                             for r in result["rows"]),
              "", "| target (issue #7 §3, at the largest size) | measured | verdict |", "|---|---|---|"]
    for t in result["targets"]:
        lines.append(f"| {t['target']} (at {t['at']:,}) | {t['value']} | **{t['verdict']}** |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Measure every size, write scale.json and scale.md."""
    p = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10**3, 10**4, 10**5, 10**6])
    p.add_argument("--samples", type=int, default=200, help="requests per latency figure")
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    ports = servers.Ports()
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rows = []
    with tempfile.TemporaryDirectory(prefix="netzwerke-scale-") as tmp:
        for size in args.sizes:
            rows.append(measure(size, Path(tmp), ports, args.samples))
            _write(args.out, started, args.samples, rows)  # keep what we have if a later size dies
    print((args.out / "scale.md").read_text())
    return 0


def _write(out: Path, started: str, samples: int, rows: list[dict]) -> None:
    """Write scale.json and scale.md for the rows so far."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    meta = {"started": started, "cpus": os.cpu_count(), "commit": commit, "samples": samples,
            "load": "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())}
    result = {"meta": meta, "rows": rows, "targets": judge(rows)}
    out.mkdir(parents=True, exist_ok=True)
    (out / "scale.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    (out / "scale.md").write_text(markdown(result))


if __name__ == "__main__":
    sys.exit(main())

"""``python -m bench`` (``make bench``): every contender side by side on loopback, driven by wrk.

Builds the project's dump once, starts every contender on it (bench/servers.py), checks each
request once (status, rows), then runs every case for a few seconds, repeated in rounds so the
machine's noise falls on all contenders alike, and writes ``latest.{json,md,png}`` (bench/report.py).
``--quick`` (or ``BENCH_QUICK=1``) is a smoke run of one short repetition, for the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

from bench import report, servers, wrk
from bench.cases import CASES, CONTENDERS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options; BENCH_QUICK=1 is the same as --quick."""
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK") == "1",
                   help="smoke run: 1 s per case, one repetition, no warm-up")
    p.add_argument("--seconds", type=int, default=None, help="wrk duration per case and repetition (default 4)")
    p.add_argument("--reps", type=int, default=None, help="repetitions per case (default 3)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers of our server and of the hello app")
    p.add_argument("--only", nargs="*", choices=list(CONTENDERS), help="run only these contenders")
    p.add_argument("--out", type=Path, default=RESULTS, help="where latest.{json,md,png} go")
    args = p.parse_args(argv)
    args.seconds = args.seconds or (1 if args.quick else 4)
    args.reps = args.reps or (1 if args.quick else 3)
    return args


def start(name: str, stack: ExitStack, ports: servers.Ports, workdir: Path, dist: Path, workers: int,
          running: dict) -> servers.Server:
    """Start one contender inside ``stack`` (stopped when it unwinds)."""
    if name == "hello":
        return stack.enter_context(servers.hello(ports, workdir, dist, workers))
    if name == "ours":
        return stack.enter_context(servers.ours(ports, workdir, dist, workers))
    if name == "oxigraph":
        return stack.enter_context(servers.oxigraph(ports, workdir, dist))
    if name == "rdflib-endpoint":
        return stack.enter_context(servers.rdflib_endpoint(ports, workdir, dist))
    if name == "virtuoso":
        return stack.enter_context(servers.virtuoso(ports, workdir, dist))
    if name == "ours-remote":
        if "virtuoso" not in running:
            raise RuntimeError("ours-remote needs the virtuoso contender")
        return stack.enter_context(servers.ours(ports, workdir, dist, workers, running["virtuoso"].sparql,
                                                name="ours-remote"))
    raise ValueError(name)


def meta(args, dist: Path) -> dict:
    """What the run was: when, where, how, on which dump."""
    manifest = json.loads((dist / "manifest.json").read_text())
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "unknown"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    quads = manifest.get("quads") or manifest.get("triples") or _count_lines(dist / "netzwerke-kg.nq")
    return {"started": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "cpus": os.cpu_count(),
            "load": f"load average {load}", "commit": commit, "threads": wrk.THREADS,
            "connections": wrk.CONNECTIONS, "seconds": args.seconds, "reps": args.reps,
            "workers": args.workers, "quick": args.quick, "triples": quads,
            "release": manifest.get("release"), "command": "make bench" + (" BENCH_QUICK=1" if args.quick else "")}


def _gunicorn_lines(log: Path) -> list[str]:
    """What gunicorn said about itself when starting the hello app (worker class, workers)."""
    if not log.exists():
        return []
    keep = ("Using worker:", "Booting worker", "Listening at")
    return [line.split("] ", 2)[-1] for line in log.read_text(errors="replace").splitlines()
            if any(k in line for k in keep)][:8]


def _count_lines(path: Path) -> int:
    """Non-empty lines of an N-Quads file (one quad each)."""
    with open(path, "rb") as f:
        return sum(1 for line in f if line.strip())


def main(argv: list[str] | None = None) -> int:
    """Build, start, check, measure, report; exit 0 when every row was measured without errors."""
    from netzwerke_kg.kg.build import build

    args = parse(argv)
    names = args.only or list(CONTENDERS)
    if not servers.virtuoso_available():
        if os.environ.get("CI") == "true":
            raise SystemExit("virtuoso-t / isql-vt missing (install virtuoso-opensource)")
        print("virtuoso-t not installed: skipping virtuoso and ours-remote", file=sys.stderr)
        names = [n for n in names if n not in ("virtuoso", "ours-remote")]
    if "ours-remote" in names and "virtuoso" not in names:
        names.insert(names.index("ours-remote"), "virtuoso")

    with tempfile.TemporaryDirectory(prefix="netzwerke-bench-") as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        dist = workdir / "dist"
        build(ROOT, dist)
        ports = servers.Ports()
        running: dict[str, servers.Server] = {}
        contenders: dict[str, dict] = {}
        for name in names:
            t = time.monotonic()
            running[name] = start(name, stack, ports, workdir, dist, args.workers, running)
            contenders[name] = {"label": CONTENDERS[name][0], "start_s": round(time.monotonic() - t, 2),
                                "url": running[name].sparql or running[name].base}
            print(f"started {name} in {contenders[name]['start_s']} s at {contenders[name]['url']}", flush=True)

        measured: dict[tuple[str, str], dict] = {}
        plan: list[tuple[str, str, wrk.Request]] = []
        for name in names:
            for key in CONTENDERS[name][1]:
                request, check = prepare(running[name], key)
                measured[(name, key)] = {"check": check, "runs": []}
                if check["status"] != request.expect:
                    measured[(name, key)]["error"] = f"expected {request.expect}, got {check['status']}"
                    print(check.get("error_body", ""), file=sys.stderr)
                    print(f"SKIP {name} {key}: {measured[(name, key)]['error']}", file=sys.stderr)
                    continue
                plan.append((name, key, request))
        if not args.quick:
            for name, key, request in plan:  # warm-up: first-use costs (imports, caches) out of the numbers
                wrk.run(running[name], request, 1, workdir)
        for rep in range(args.reps):
            for name, key, request in plan:
                r = wrk.run(running[name], request, args.seconds, workdir)
                measured[(name, key)]["runs"].append(r)
                print(f"[{rep + 1}/{args.reps}] {name:16} {key:16} {r['rps']:9.1f} req/s  "
                      f"p50 {r['p50_ms']:.1f} ms  errors {sum(r['errors'].values())}", flush=True)
        info = meta(args, dist)
        info["gunicorn"] = _gunicorn_lines(workdir / "hello.log")
        result = report.assemble(info, contenders, measured)
    paths = report.write(result, args.out)
    print(paths["md"].read_text())
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    failed = [r for r in result["rows"] if r.get("error") or not r.get("stats")]
    return 1 if failed else 0


def prepare(server: servers.Server, key: str) -> tuple[wrk.Request, dict]:
    """The request of case ``key`` on ``server`` and one checked answer (ETag fetched for a 304 case)."""
    case = CASES[key]
    request = wrk.build(server, case)
    if case.revalidate:
        first = wrk.preflight(server, wrk.Request(request.path, request.headers, 200, False))
        if first.get("etag"):
            request = wrk.Request(request.path, {**request.headers, "If-None-Match": first["etag"]},
                                  request.expect, request.distinct)
    return request, wrk.preflight(server, request)


if __name__ == "__main__":
    sys.exit(main())

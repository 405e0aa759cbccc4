"""``python -m bench.profile PATH [--n 30]``: where one request's time goes, by pyinstrument.

Builds the dump into a temporary directory, creates the app in-process (as each gunicorn worker
does), answers ``PATH`` once to warm up, then ``--n`` times under pyinstrument, and prints the call
tree. Headers with ``-H 'Name: value'`` (e.g. an If-None-Match). The profile is of the web worker;
time spent in query worker processes shows up as waiting on their pipes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    """Profile ``--n`` requests of one path and print pyinstrument's text report."""
    from pyinstrument import Profiler

    from netzwerke_kg.config import Settings
    from netzwerke_kg.kg.build import build
    from netzwerke_kg.web import create_app

    p = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    p.add_argument("path", help="e.g. /page/city/rostock")
    p.add_argument("--n", type=int, default=30)
    p.add_argument("-H", dest="headers", action="append", default=[], help="a request header, 'Name: value'")
    p.add_argument("--etag", action="store_true", help="send the path's own ETag back (a 304 revalidation)")
    args = p.parse_args(argv)
    headers = dict(h.split(":", 1) for h in args.headers)
    headers = {k.strip(): v.strip() for k, v in headers.items()}
    with tempfile.TemporaryDirectory() as tmp:
        dist = Path(tmp) / "dist"
        build(ROOT, dist)
        app = create_app(Settings(root=ROOT, dist=dist, fair_use_budget=0))
        client = app.test_client()
        first = client.get(args.path, headers=headers)
        if args.etag and first.headers.get("ETag"):
            headers["If-None-Match"] = first.headers["ETag"]
        status = client.get(args.path, headers=headers).status_code
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(args.n):
            client.get(args.path, headers=headers)
        profiler.stop()
        print(f"{args.n} × GET {args.path} → {status}")
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        app.extensions["netzwerke_kg.backend"].close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

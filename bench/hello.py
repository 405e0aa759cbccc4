"""The stack's ceiling: a bare Flask "hello" served by our own gunicorn launcher (web/server.py).

``python -m bench.hello --port P --workers N`` runs ``netzwerke_kg.web.server._gunicorn`` with the
app factory swapped for a one-route Flask app, so worker class, threads, timeouts and access log
are whatever our server uses today, and stay the same when someone changes them there.
"""

from __future__ import annotations

import argparse
import sys

from flask import Flask


def hello_app(settings=None, backend=None) -> Flask:
    """A Flask app with one route answering a short text: nothing but the stack's own cost."""
    app = Flask("hello")

    @app.get("/")
    def hello():
        """The smallest possible answer."""
        return "hello\n", 200, {"Content-Type": "text/plain; charset=utf-8"}

    return app


def main(argv: list[str] | None = None) -> int:
    """Parse host, port and workers, then serve ``hello_app`` under our gunicorn settings."""
    parser = argparse.ArgumentParser(prog="python -m bench.hello")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    import netzwerke_kg.web
    from netzwerke_kg.config import Settings
    from netzwerke_kg.web import server

    # The launcher imports create_app from netzwerke_kg.web inside each worker (its load()), so
    # replacing the attribute before it forks swaps in the hello app and keeps everything else.
    netzwerke_kg.web.create_app = hello_app
    return server._gunicorn(Settings.from_env(), args.host, args.port, args.workers)


if __name__ == "__main__":
    sys.exit(main())

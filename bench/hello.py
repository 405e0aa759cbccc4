"""The stack's ceiling: a bare Flask "hello" served by our own gunicorn launcher (web/server.py).

``python -m bench.hello --port P --workers N`` runs ``netzwerke_kg.web.server._gunicorn`` with the
app factory swapped for a one-route Flask app, so worker class, threads, timeouts and access log
are whatever our server uses today, and stay the same when someone changes them there.
"""

from __future__ import annotations

import argparse
import sys

from flask import Flask


class _NoBackend:
    """Stands in for our backend wherever the launcher's hooks reach for one (e.g. after_fork)."""

    def __getattr__(self, name):
        """Every method is a no-op: the hello app has no store."""
        return lambda *args, **kwargs: None


def hello_app(settings=None, backend=None) -> Flask:
    """A Flask app with one route answering a short text: nothing but the stack's own cost."""
    app = Flask("hello")
    # The launcher's gunicorn hooks (post_fork) call into the app's backend; give them a harmless one.
    app.extensions["netzwerke_kg.backend"] = _NoBackend()

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

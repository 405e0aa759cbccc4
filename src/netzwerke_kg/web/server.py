"""``netzwerke-kg serve``: build dist/ when needed, then run the app under gunicorn (or Flask's debug server).

gunicorn is driven through its documented custom-application API
(https://docs.gunicorn.org/en/stable/custom.html, ``gunicorn.app.base.BaseApplication``): the app
is built once in the master (``preload_app``) and forked; each web worker then starts its own query
workers (``post_fork``). Web workers are gevent workers (``GeventWorker`` below): a connection
costs a greenlet, so slow clients cost sockets, not threads. gevent patches the master before the
app is built (GEVENT_PATCH: not os, signal or subprocess), so the query pool's locks, conditions,
events and spawner thread are gevent ones in every worker: waiting for a free query worker or for
an answer yields to other connections (tests/security/test_slow_clients.py,
tests/test_live_server.py).
"""

from __future__ import annotations

import gc
import json
import sys

import gunicorn.workers.ggevent as _ggevent

from netzwerke_kg.config import Settings


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 5000, workers: int = 2,
          dev: bool = False) -> int:
    """Build dist/ if missing or stale, print the URLs, and serve until interrupted; the exit code."""
    from netzwerke_kg.kg.build import BuildRefused, ensure_built
    from netzwerke_kg.kg.sources import SourceError

    if settings.endpoint is None or not (settings.dist_dir / "manifest.json").is_file():
        try:
            built = ensure_built(settings.root, settings.dist_dir, base_iri=_explicit_base(settings))
        except SourceError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except BuildRefused as exc:
            print(exc.report.to_text(), file=sys.stderr)
            print("error: the sources violate the shapes; fix them (see above) and serve again", file=sys.stderr)
            return 1
        if built is not None:
            print(built.summary().splitlines()[0])
    from netzwerke_kg.kg.release import CorruptRelease, pin

    try:
        settings = pin(settings)  # every worker serves this one release, checked once here
    except CorruptRelease as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 4
    base = f"http://{_url_host(host)}:{port}"
    backend = f"remote endpoint {settings.endpoint}" if settings.endpoint else f"embedded store from {settings.dist_dir}"
    print(f"netzwerke-kg serving {backend}")
    for label, path in (("home", "/"), ("SPARQL endpoint", "/sparql"), ("health", "/health")):
        print(f"  {label:16} {base}{path}")
    sys.stdout.flush()
    if dev:
        import logging

        from netzwerke_kg.web import create_app

        logging.basicConfig(level=logging.INFO, format="%(message)s")  # the per-query JSON lines
        create_app(settings).run(host=host, port=port, debug=True, use_reloader=False)
        return 0
    return _gunicorn(settings, host, port, workers)


def _explicit_base(settings: Settings) -> str | None:
    """The base IRI to build with, when it differs from the canonical one."""
    from netzwerke_kg.namespaces import DEFAULT_BASE_IRI

    return settings.base_iri if settings.base_iri != DEFAULT_BASE_IRI else None


def _url_host(host: str) -> str:
    """A host as it appears in a URL (IPv6 in brackets; 0.0.0.0 shown as 127.0.0.1)."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


#: bytes of the request line on top of max_request_bytes: method, path, the other parameters, version
REQUEST_LINE_SLACK = 8192
#: what gevent patches: everything but os and signal, so fork/waitpid stay the kernel's own (the
#: query pool forks and reaps its workers itself; gevent's SIGCHLD reaping made each kill wait 5 s)
GEVENT_PATCH = {"os": False, "signal": False, "subprocess": False}
#: seconds a client has to send a request's headers (and an idle keep-alive connection is kept)
HEADER_SECONDS = 5
#: open connections one gunicorn worker process holds at most (gevent: one greenlet each)
WORKER_CONNECTIONS = 1000


def gunicorn_options(settings: Settings, host: str, port: int, workers: int) -> dict:
    """The gunicorn settings ``serve`` runs with (https://docs.gunicorn.org/en/stable/settings.html)."""
    return {
        "bind": f"{_url_host(host) if ':' in host else host}:{port}",
        "workers": max(1, workers),
        # gevent, not threads: a connection costs a greenlet, not a thread, so slow clients
        # (one header line every few seconds, "slowloris") hold a socket each and cannot take every
        # thread away from normal requests. The query workers (backends/pool.py: threading.Condition,
        # select, subprocess pipes) run unchanged under gevent's monkey-patching, which makes those
        # calls cooperative; tests/security/test_slow_clients.py proves both.
        "worker_class": GeventWorker,
        "worker_connections": WORKER_CONNECTIONS,
        # SPARQL clients send long GETs: accept request lines as long as the published limit
        # (the app itself answers 413 above settings.max_request_bytes, as the service description says).
        "limit_request_line": settings.max_request_bytes + REQUEST_LINE_SLACK,
        # Longer than the query timeout, so our 503 arrives before gunicorn kills a worker.
        "timeout": int(settings.query_timeout) + 30,
        # gunicorn's async workers give a request's headers this long to arrive (base_async runs
        # the parser under gevent.Timeout(keepalive)): a client that has not finished its headers
        # by then is disconnected, so a slow client holds its socket for seconds, not for ever.
        # It is also how long an idle keep-alive connection is kept.
        "keepalive": HEADER_SECONDS,
        # The app (and the release's store) is built once in the master, then forked:
        # every web worker and every query worker shares the store copy-on-write.
        "preload_app": True,
        "post_fork": _post_fork,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        # gunicorn 23+ opens a control socket at one fixed path per user; two servers
        # (or a test run next to `make serve`) would fight over it, and we do not use it.
        "control_socket_disable": True,
    }


def _gunicorn(settings: Settings, host: str, port: int, workers: int) -> int:
    """Run gunicorn with the app factory in-process."""
    from gevent import monkey
    from gunicorn.app.base import BaseApplication

    # Patch before the app is built (preload_app builds it here, in the master): every lock,
    # condition, event and thread the app makes (the query pool and its spawner) is then a gevent
    # one, in every process forked from here. Patched only in the worker, as gunicorn does by
    # default, the pool's spawner would be a real thread signalling gevent events: a hang.
    monkey.patch_all(**GEVENT_PATCH)

    class Application(BaseApplication):
        """gunicorn's custom application: our options, our factory."""

        def load_config(self):
            """Pass bind, workers, worker class and limits to gunicorn."""
            for key, value in gunicorn_options(settings, host, port, workers).items():
                if key in self.cfg.settings:  # older gunicorn has no control socket
                    self.cfg.set(key, value)

        def load(self):
            """The WSGI app, built by the factory once, in the master (preload_app)."""
            import logging

            from netzwerke_kg.web import create_app

            logging.basicConfig(level=logging.INFO, format="%(message)s")
            _APPS.append(create_app(settings))
            # Everything loaded so far moves to the collector's permanent generation, so collections
            # in the forked workers do not touch (and copy) the pages they share with the master.
            gc.freeze()
            return _APPS[-1]

    Application().run()
    return 0


#: the app built in the gunicorn master (one per serve call)
_APPS: list = []


def _post_fork(server, worker) -> None:
    """gunicorn hook, in each new web worker: start its own query workers, forked from it."""
    for app in _APPS:
        app.extensions["netzwerke_kg.backend"].after_fork()


class GeventWorker(_ggevent.GeventWorker):
    """gunicorn's gevent worker with two changes made in the worker process, before it serves."""

    def patch(self):
        """gunicorn's patching, with GEVENT_PATCH (the master is already patched the same way)."""
        from gevent import monkey, socket

        monkey.patch_all(**GEVENT_PATCH)
        self.sockets = [socket.socket(s.FAMILY, socket.SOCK_STREAM, fileno=s.sock.detach())
                        for s in self.sockets]

    def init_process(self):
        """Lift gunicorn's request-line ceiling to our limit and give its own refusals our shape."""
        import gunicorn.http.message
        import gunicorn.util

        # gunicorn clamps limit_request_line to MAX_REQUEST_LINE (8190) unless it is 0 (unbounded);
        # we want a bound, and the published one.
        gunicorn.http.message.MAX_REQUEST_LINE = max(gunicorn.http.message.MAX_REQUEST_LINE,
                                                     self.cfg.limit_request_line)
        # gunicorn answers what it refuses before the app sees it (bad request line, malformed
        # chunk, header limits) with an HTML page without our headers: answer those in the app's
        # JSON error shape, with CSP, CORS and nosniff like every other refusal.
        gunicorn.util.write_error = write_error
        super().init_process()


def write_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's refusal (status, reason, message) as our JSON error body with our headers."""
    from gunicorn.util import write_nonblock

    from netzwerke_kg.web.security import refusal_headers

    body = json.dumps({"error": reason, "status": status_int, "message": mesg}).encode()
    head = [f"HTTP/1.1 {status_int} {reason}", "Connection: close",
            "Content-Type: application/json", f"Content-Length: {len(body)}"]
    head += [f"{name}: {value}" for name, value in refusal_headers().items()]
    write_nonblock(sock, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)

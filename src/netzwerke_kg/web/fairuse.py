"""Fair use of the query engine: every client has a budget of query seconds per window.

As the Wikidata Query Service does (https://www.mediawiki.org/wiki/Wikidata_Query_Service/User_Manual
§"Query limits"): each client may spend ``fair_use_budget`` seconds of query time per
``fair_use_window`` seconds; a client over its budget gets ``429 Too Many Requests`` with
``Retry-After`` (RFC 6585 §4, RFC 9110 §10.2.3) until the budget has refilled. Only untrusted
``/sparql`` queries are charged; pages, downloads and everything else never are, so an expensive
client cannot starve them through this gate.

The budget is a token bucket that refills continuously (``budget / window`` seconds per second,
at most ``budget``) and may go into debt: a query's cost is known only when it ends, so it is
charged then, in full, and a query that overran the balance leaves the client waiting longer.
Queries still running count against the balance while they run, so a burst of parallel queries
cannot all pass the gate on one balance.

Why not a library: ``limits`` (behind Flask-Limiter) counts whole requests or accepts/refuses a
cost *before* the work; a query's seconds are known only afterwards, need a balance that can go
negative, and are not integers. Its fixed window, the one strategy that records any cost, lets a
client spend twice the budget around a window edge. The bucket below is those semantics in a few
lines, with nothing to configure besides the two published settings.

The ledger lives in each gunicorn worker process, next to that process's own query workers: a
client's seconds are counted where its queries run. With W worker processes behind one socket a
client whose requests are spread over all of them can spend up to W budgets; run one process, or
put the limit into the reverse proxy, where that matters (README "Deploying at scale").
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager

from flask import Blueprint, current_app, render_template, request

from netzwerke_kg.config import Settings

bp = Blueprint("fairuse", __name__)

#: clients remembered at once; the least recently seen is forgotten first (bounded memory)
MAX_CLIENTS = 100_000


class OverBudget(Exception):
    """The client has spent its query seconds for now (HTTP 429 with Retry-After)."""

    def __init__(self, retry_after: int, message: str):
        """Remember the seconds to wait and the message for the client."""
        super().__init__(message)
        self.retry_after, self.message = retry_after, message


class Ledger:
    """Query seconds per client as token buckets: refill rate budget/window, capacity budget."""

    def __init__(self, budget: float, window: float, clock=time.monotonic, max_clients: int = MAX_CLIENTS):
        """A ledger granting ``budget`` seconds per ``window`` seconds to every client."""
        self.budget, self.window = float(budget), max(float(window), 1e-9)
        self.rate = self.budget / self.window
        self.clock = clock
        self.max_clients = max_clients
        self._lock = threading.Lock()
        # client -> [balance, time of balance, {token: start of a running query}]
        self._clients: OrderedDict[str, list] = OrderedDict()

    @property
    def enabled(self) -> bool:
        """False when fair use is switched off (budget 0), e.g. for benchmarks."""
        return self.budget > 0

    def _entry(self, client: str, now: float) -> list:
        """The client's bucket, refilled up to ``now`` (created full on first sight)."""
        entry = self._clients.get(client)
        if entry is None:
            entry = self._clients[client] = [self.budget, now, {}]
            while len(self._clients) > self.max_clients:
                self._clients.popitem(last=False)
        else:
            self._clients.move_to_end(client)
            entry[0] = min(self.budget, entry[0] + (now - entry[1]) * self.rate)
            entry[1] = now
        return entry

    def balance(self, client: str) -> float:
        """Seconds the client may still spend now (running queries counted as they run)."""
        with self._lock:
            now = self.clock()
            entry = self._entry(client, now)
            return entry[0] - sum(now - start for start in entry[2].values())

    def start(self, client: str) -> object:
        """Admit a query (a token for ``finish``), or raise OverBudget with the seconds to wait."""
        with self._lock:
            now = self.clock()
            entry = self._entry(client, now)
            available = entry[0] - sum(now - start for start in entry[2].values())
            if available <= 0:
                wait = max(1, math.ceil(-available / self.rate)) if self.rate > 0 else int(self.window)
                raise OverBudget(wait, (
                    f"You have used your fair-use budget of {self.budget:g} s of query time per "
                    f"{self.window:g} s. Try again in {wait} s (see Retry-After), or download a dump "
                    f"and query it locally."))
            token = object()
            entry[2][token] = now
            return token

    def finish(self, client: str, token: object) -> float:
        """Charge a finished query its seconds; the seconds charged."""
        with self._lock:
            now = self.clock()
            entry = self._entry(client, now)
            started = entry[2].pop(token, now)
            spent = max(0.0, now - started)
            entry[0] -= spent
            return spent


def ledger() -> Ledger:
    """The Ledger of the current app (one per app, from its settings)."""
    found = current_app.extensions.get("netzwerke_kg.fairuse")
    if found is None:
        settings: Settings = current_app.config["SETTINGS"]
        found = current_app.extensions["netzwerke_kg.fairuse"] = Ledger(
            settings.fair_use_budget, settings.fair_use_window)
    return found


def client_key() -> str:
    """Who is charged: the client address (a proxy's X-Forwarded-For only when trusted, via ProxyFix);
    IPv6 clients by their /64, the block one host is given (RFC 6177)."""
    addr = request.remote_addr or "unknown"
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return addr
    if ip.version == 6:
        if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is the IPv4 client a.b.c.d
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@contextmanager
def charged():
    """Run the block as one query of the current client: refused when over budget, charged after."""
    book = ledger()
    if not book.enabled:
        yield
        return
    client = client_key()
    token = book.start(client)
    try:
        yield
    finally:
        book.finish(client, token)


@bp.app_errorhandler(OverBudget)
def _over_budget(exc: OverBudget):
    """429 Too Many Requests with Retry-After (RFC 6585 §4), in the one error shape."""
    from netzwerke_kg.web.errors import error_response

    return error_response(429, exc.message, "Too Many Requests",
                          headers={"Retry-After": str(exc.retry_after), "Cache-Control": "no-store"})


@bp.get("/fair-use")
def page():
    """The fair-use page: the budget, the window, and what happens beyond them."""
    settings: Settings = current_app.config["SETTINGS"]
    from flask import Response

    body = render_template("fair_use.html", budget=settings.fair_use_budget, window=settings.fair_use_window,
                           timeout=settings.query_timeout, max_rows=settings.max_rows,
                           max_request_bytes=settings.max_request_bytes)
    response = Response(body, content_type="text/html; charset=utf-8")
    response.vary.add("Accept-Language")
    return response

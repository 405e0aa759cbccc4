"""The SPARQL 1.1 endpoint: /sparql (query operation, service description, editor) and /health.

Implements the query operation of the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/):
§2.1.1 query via GET, §2.1.2 via URL-encoded POST, §2.1.3 via POST directly; §2.1.4 dataset
parameters; §2.1.5 the response formats chosen by HTTP content negotiation; §2.2 update is refused
because the endpoint is read-only. GET without a query answers the SPARQL 1.1 Service Description
(https://www.w3.org/TR/sparql11-service-description/) to machines and the query editor to browsers.
"""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, g, render_template, request, url_for

from netzwerke_kg import formats
from netzwerke_kg.backends import results
from netzwerke_kg.backends.base import BackendError
from netzwerke_kg.backends.limits import inspect_query
from netzwerke_kg.formats import FormatError
from netzwerke_kg.kg import dumps
from netzwerke_kg.namespaces import SD, prefixes
from netzwerke_kg.web import fairuse
from netzwerke_kg.web.errors import RequestError, error_response, status_for
from netzwerke_kg.web.examples import editor_context

bp = Blueprint("sparql", __name__)
log = logging.getLogger("netzwerke_kg.sparql")

#: formats of the service description itself (a graph, so every graph format)
SD_TYPES = formats.media_types("graph")


class ProtocolError(RequestError):
    """A request this endpoint refuses before any engine sees it (status and message)."""


def choose_format(kind: str, params: dict) -> formats.Format:
    """The registry's choice for this request (format=/output=/results=, else Accept; HTML for browsers)."""
    try:
        return formats.choose(kind, params, request.headers.get("Accept"), extra=("page",))
    except FormatError as exc:
        raise ProtocolError(exc.status, exc.message) from None


def _backend():
    """The backend of the current app."""
    return current_app.extensions["netzwerke_kg.backend"]


def _settings():
    """The settings of the current app."""
    return current_app.config["SETTINGS"]


@bp.route("/sparql", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def endpoint():
    """The SPARQL 1.1 Protocol query operation (HEAD is answered like GET, without a body)."""
    started = time.monotonic()
    try:
        return _endpoint()
    except ProtocolError as exc:
        if request.method in ("GET", "HEAD", "POST"):
            _log(None, exc.status, None, started, _backend(), error=exc.message[:200])
        return error_response(exc.status, exc.message, headers=exc.headers)


def _endpoint():
    """Dispatch on method and content type, then answer."""
    if request.method not in ("GET", "HEAD", "POST"):
        raise ProtocolError(405, f"{request.method} is not supported: this endpoint is read-only and "
                                 "answers queries by GET or POST (SPARQL 1.1 Protocol §2.1).",
                            {"Allow": "GET, HEAD, POST, OPTIONS"})
    params = _params()
    queries = params.get("query", [])
    if params.get("update"):
        raise ProtocolError(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    if len(queries) > 1:
        raise ProtocolError(400, f"The request carries {len(queries)} 'query' parameters; send exactly one "
                                 "(SPARQL 1.1 Protocol §2.1).")
    if not queries:
        if request.method == "POST":
            raise ProtocolError(400, "The request carries no query: send it in the 'query' form field or as "
                                     "an application/sparql-query body.")
        return _describe_service(params)
    sparql = queries[0]
    if not sparql.strip():
        raise ProtocolError(400, "The 'query' parameter is empty.")
    return _answer(sparql, params)


def _params() -> dict[str, list[str]]:
    """Protocol parameters from the URL and (for form POSTs) the body; the query body for direct POSTs."""
    settings = _settings()
    if len(request.query_string) > settings.max_request_bytes:
        raise ProtocolError(413, f"The query string is longer than this endpoint accepts "
                                 f"({settings.max_request_bytes} bytes); POST the query instead.")
    params = _parse_qs(request.query_string, "URL")
    if request.method != "POST":
        return params
    mimetype = request.mimetype
    if mimetype == "application/x-www-form-urlencoded":
        # §2.1.2: every parameter may also arrive in the body.
        body = _parse_qs(request.get_data(cache=True), "form body")
        for key, values in body.items():
            params.setdefault(key, []).extend(values)
        return params
    if mimetype == "application/sparql-query":
        # §2.1.3: the body is the query, unencoded; dataset parameters stay in the URL.
        if "query" in params:
            raise ProtocolError(400, "A direct POST carries the query in its body; do not also send a 'query' "
                                     "URL parameter.")
        params["query"] = [_utf8(request.get_data(cache=True), "request body")]
        return params
    if mimetype == "application/sparql-update":
        raise ProtocolError(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    shown = mimetype or "no Content-Type"
    raise ProtocolError(415, f"Unsupported Content-Type ({shown}). POST a query as "
                             "application/x-www-form-urlencoded (query=…) or as application/sparql-query.")


def _utf8(data: bytes, where: str) -> str:
    """Decode UTF-8 strictly; a clear 400 otherwise."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"The {where} is not valid UTF-8 (byte {exc.start}); "
                                 "SPARQL requests must be encoded in UTF-8.") from None


def _parse_qs(raw: bytes, where: str) -> dict[str, list[str]]:
    """Parse application/x-www-form-urlencoded bytes, refusing anything that is not UTF-8."""
    text = _utf8(raw, where)
    try:
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"The {where} holds percent-encoded bytes that are not valid UTF-8; "
                                 "SPARQL requests must be encoded in UTF-8.") from None
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def _answer(sparql: str, params: dict):
    """Negotiate the format, run the query, and send the answer with its limits signalled."""
    info = inspect_query(sparql)
    chosen = choose_format("graph" if info.is_graph else "results", params)
    if chosen.kind == "page":
        return _editor(sparql)
    media = chosen.media_type
    settings = _settings()
    backend = _backend()
    link = url_for("sparql.endpoint", _external=True) + "#max-rows"
    started = time.monotonic()
    try:
        with fairuse.charged():  # untrusted text: charged to the client's budget (429 beyond it)
            result = backend.query(
                sparql, media,
                default_graph_uris=tuple(params.get("default-graph-uri", [])),
                named_graph_uris=tuple(params.get("named-graph-uri", [])),
                link=link,
            )
    except BackendError as exc:
        _log(info.form, status_for(exc), None, started, backend, error=type(exc).__name__)
        raise
    response = Response(result.body, status=200, content_type=results.content_type(media))
    response.headers["Vary"] = "Accept"
    if info.volatile:
        response.headers["Cache-Control"] = "no-store"  # NOW(), RAND() …: a new answer every time
    if result.rows is not None:
        response.headers["X-Result-Rows"] = str(result.rows)
    response.headers["X-Row-Limit"] = str(settings.max_rows)
    if result.truncated:
        # Never silent: a header for every format, plus head.link / <link> / a comment in the body.
        response.headers["X-Result-Truncated"] = f"true; limit={settings.max_rows}"
        response.headers["Link"] = f'<{link}>; rel="describedby"'
    _log(result.form, 200, result.rows, started, backend, truncated=result.truncated)
    return response


def _log(form, status, rows, started, backend, **extra) -> None:
    """One structured JSON log line per query."""
    record = {"event": "sparql-query", "form": form, "status": status, "rows": rows,
              "duration_ms": round((time.monotonic() - started) * 1000, 1), "backend": backend.name}
    record.update(extra)
    g.query_log = record  # kept with a cached answer, so its hits are logged too (web/caching.py)
    log.info(json.dumps(record))


def _editor(query: str | None):
    """The query editor for browsers, ``query`` filled in when given."""
    html = render_template("sparql/editor.html", **editor_context(query, None))
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


def _describe_service(params: dict):
    """GET /sparql without a query: the service description, or the editor for browsers."""
    chosen = choose_format("graph", params)
    if chosen.kind == "page":
        return _editor(None)
    media = chosen.media_type
    body = service_description(url_for("sparql.endpoint", _external=True), media)
    response = Response(body, content_type=results.content_type(media))
    response.headers["Vary"] = "Accept"
    return response


@bp.route("/health")
def health():
    """Liveness and backend health as JSON; 503 when the backend cannot answer."""
    state = _backend().ping()
    body = {"ok": bool(state.get("ok")), **state}
    response = Response(json.dumps(body), status=200 if body["ok"] else 503,
                        content_type="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the service description (SPARQL 1.1 Service Description, §3 the vocabulary) -----------------

#: how many endpoint URLs (hosts the app is reached under) keep a built service description
SD_CACHE_URLS = 8


def service_description(endpoint_url: str, media_type: str) -> bytes:
    """The sd:Service description of this endpoint as ``media_type`` (one of SD_TYPES): the graph is
    built once per app and endpoint URL, each format written once, when first asked for, by the
    one RDF writer (sorted, no blank nodes: every worker writes the same bytes)."""
    cache = current_app.extensions.setdefault("netzwerke_kg.sd", {})
    if endpoint_url not in cache:
        # The URL comes from the request's Host header: a client inventing hosts must not grow the
        # cache without end, so only the most recent few URLs are kept (dicts keep insertion order).
        while len(cache) >= SD_CACHE_URLS:
            del cache[next(iter(cache))]
        cache[endpoint_url] = (list(_build_service_description(endpoint_url)), {})
    triples, bodies = cache[endpoint_url]
    if media_type not in bodies:
        sd_prefixes = {**prefixes(_settings().base_iri), "sd": str(SD), "formats": formats.FORMATS_NS}
        bodies[media_type] = dumps.write(triples, formats.get(media_type).key, prefixes=sd_prefixes)
    return bodies[media_type]


def _graph_sizes() -> tuple[int, dict[str, int]]:
    """Triples in the default graph (the union) and in each named graph, counted by the engine."""
    backend = _backend()
    union = backend.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    named = backend.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return int(union[0]["n"]), {str(row["g"]): int(row["n"]) for row in named}


def _build_service_description(ep: str) -> set:
    """The service description's triples; every node named under the endpoint URL."""
    from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, VOID

    from netzwerke_kg.kg.void import dataset_iri

    settings = _settings()
    g = set()
    add = g.add
    service = URIRef(ep)
    add((service, RDF.type, SD.Service))
    add((service, SD.endpoint, service))
    add((service, SD.supportedLanguage, SD.SPARQL11Query))
    add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.service_allowlist:
        add((service, SD.feature, SD.BasicFederatedQuery))
    add((service, SD.defaultEntailmentRegime, URIRef("http://www.w3.org/ns/entailment/Simple")))
    for fmt in formats.FORMATS:
        if fmt.kind in ("results", "graph", "dataset") and fmt.iri:
            add((service, SD.resultFormat, URIRef(fmt.iri)))
    add((service, DCTERMS.description, Literal(
        "Read-only SPARQL 1.1 query endpoint of netzwerke-kg (Rostock's international city networks). "
        "SPARQL Update is refused (403); SERVICE is refused unless allow-listed; FROM and "
        "default-graph-uri/named-graph-uri accept only the named graphs listed here; nothing is "
        "fetched from the web. Without any of them the default graph is the union of the named "
        "graphs. Relative IRIs in a query resolve against the base IRI given here.", lang="en")))
    limits = [
        ("max-rows", Literal(str(settings.max_rows), datatype=XSD.integer), "row limit",
         "At most this many rows (or triples) per response; a longer result is cut and says so in the "
         "X-Result-Truncated header and in the body (JSON head.link, XML <link>, a comment in Turtle, "
         "N-Triples, TriG and N-Quads; CSV and TSV carry the header only)."),
        ("query-timeout", Literal(str(settings.query_timeout), datatype=XSD.decimal), "query time limit",
         "A query running longer than this many seconds is stopped and answered with 503."),
        ("max-request-bytes", Literal(str(settings.max_request_bytes), datatype=XSD.integer),
         "request size limit",
         "Requests (query string or body) larger than this many bytes are refused with 413."),
        # SPARQL 1.1 Query §4.1.1.1 / RFC 3986 §5.1: the base a query without BASE resolves against
        ("base-iri", URIRef(settings.base_iri), "base IRI",
         "Relative IRIs in a query without a BASE declaration resolve against this IRI."),
        ("fair-use", Literal(str(settings.fair_use_budget), datatype=XSD.decimal), "fair-use budget",
         f"Seconds of query time one client may spend per {settings.fair_use_window:g} s (0: no budget); "
         "beyond it 429 with Retry-After. See /fair-use."),
    ]
    for frag, value, label, comment in limits:
        node = URIRef(f"{ep}#{frag}")
        add((service, RDFS.seeAlso, node))
        add((node, RDFS.label, Literal(label, lang="en")))
        add((node, RDF.value, value))
        add((node, RDFS.comment, Literal(comment, lang="en")))

    void = Graph()
    if (settings.dist_dir / "void.ttl").is_file():
        void.parse(settings.dist_dir / "void.ttl", format="turtle")
    g |= set(void)
    dataset = dataset_iri(settings.base_iri)
    add((service, SD.defaultDataset, dataset))
    add((dataset, RDF.type, SD.Dataset))
    default_graph = URIRef(f"{ep}#default-graph")
    add((dataset, SD.defaultGraph, default_graph))
    add((default_graph, RDF.type, SD.Graph))
    add((default_graph, DCTERMS.description, Literal("The union of all named graphs.", lang="en")))
    total, counts = _graph_sizes()
    add((default_graph, VOID.triples, Literal(total)))
    for number, (iri, count) in enumerate(sorted(counts.items()), start=1):
        named, inner = URIRef(f"{ep}#named-graph-{number}"), URIRef(f"{ep}#graph-{number}")
        add((dataset, SD.namedGraph, named))
        add((named, RDF.type, SD.NamedGraph))
        add((named, SD.name, URIRef(iri)))
        add((named, SD.graph, inner))
        add((inner, RDF.type, SD.Graph))
        add((inner, VOID.triples, Literal(count)))
    return g

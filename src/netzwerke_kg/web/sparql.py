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

from netzwerke_kg.backends import results
from netzwerke_kg.backends.base import BackendError
from netzwerke_kg.backends.limits import inspect_query
from netzwerke_kg.namespaces import SD, prefixes
from netzwerke_kg.web.conneg import (
    FORMAT_ALIASES,
    GRAPH_FORMAT_ALIASES,
    GRAPH_SYNONYMS,
    RESULT_SYNONYMS,
    negotiate,
    resolve_format,
)
from netzwerke_kg.web.errors import error_response, status_for
from netzwerke_kg.web.examples import editor_context

bp = Blueprint("sparql", __name__)
log = logging.getLogger("netzwerke_kg.sparql")

HTML = "text/html"
#: formats of the service description itself
SD_TYPES = ("text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples",
            "application/trig", "application/n-quads")


class ProtocolError(Exception):
    """A request this endpoint refuses before any engine sees it (status and message)."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        """Remember the HTTP status, the message and extra headers."""
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


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
        return error_response(exc.status, exc.message, headers={"Vary": "Accept", **exc.headers})


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


def _requested_format(params: dict, graph: bool) -> str | None:
    """The media type named by ``format=`` / ``output=`` (Fuseki/Virtuoso/SPARQLWrapper style), if any."""
    for name in ("format", "output"):
        for value in params.get(name, []):
            if not value:
                continue
            media = resolve_format(value, graph)
            offered = results.GRAPH_TYPES if graph else results.RESULT_TYPES
            if media in offered:
                return media
            aliases = GRAPH_FORMAT_ALIASES if graph else FORMAT_ALIASES
            names = sorted(k for k, v in aliases.items() if v in offered)
            kind = "graph (CONSTRUCT/DESCRIBE)" if graph else "SELECT/ASK"
            raise ProtocolError(406, f"{name}={value} is not available for {kind} results; "
                                     f"use one of {', '.join(names)} or a media type of {', '.join(offered)}.")
    return None


def _answer(sparql: str, params: dict):
    """Negotiate the format, run the query, and send the answer with its limits signalled."""
    info = inspect_query(sparql)
    graph = info.is_graph
    offered = results.GRAPH_TYPES if graph else results.RESULT_TYPES
    synonyms = GRAPH_SYNONYMS if graph else RESULT_SYNONYMS
    media = _requested_format(params, graph)
    if media is None:
        offers = list(offered) + list(synonyms) + [HTML]
        chosen = negotiate(request.headers.get("Accept"), offers, default=offered[0])
        if chosen is None:
            raise ProtocolError(406, f"None of the media types in the Accept header is available for "
                                     f"{'CONSTRUCT/DESCRIBE' if graph else 'SELECT/ASK'} results. "
                                     f"Available: {', '.join(offered)}.")
        if chosen == HTML:
            return _editor(sparql)
        media = synonyms.get(chosen, chosen)
    settings = _settings()
    backend = _backend()
    link = url_for("sparql.endpoint", _external=True) + "#max-rows"
    started = time.monotonic()
    try:
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
    fmt = (params.get("format") or params.get("output") or [None])[0]
    if fmt:
        media = resolve_format(fmt, graph=True)
        if media not in SD_TYPES:
            raise ProtocolError(406, f"The service description is available as {', '.join(SD_TYPES)}.")
    else:
        offers = [HTML, *SD_TYPES, *[k for k in GRAPH_SYNONYMS if k != "application/json"]]
        chosen = negotiate(request.headers.get("Accept"), offers, default="text/turtle")
        if chosen is None:
            raise ProtocolError(406, f"The service description is available as {', '.join(SD_TYPES)}, "
                                     "the query editor as text/html.")
        if chosen == HTML:
            return _editor(None)
        media = GRAPH_SYNONYMS.get(chosen, chosen)
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

#: W3C unique format IRIs, https://www.w3.org/ns/formats/
FORMATS_NS = "http://www.w3.org/ns/formats/"
SD_FORMATS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/ld+json": "JSON-LD",
    "application/rdf+xml": "RDF_XML",
    "application/trig": "TriG",
    "application/n-quads": "N-Quads",
}


#: how many endpoint URLs (hosts the app is reached under) keep a built service description
SD_CACHE_URLS = 8


def service_description(endpoint_url: str, media_type: str) -> bytes:
    """The sd:Service description of this endpoint as ``media_type`` (one of SD_TYPES): the graph is
    built once per app and endpoint URL, each format serialised once, when first asked for."""
    cache = current_app.extensions.setdefault("netzwerke_kg.sd", {})
    if endpoint_url not in cache:
        # The URL comes from the request's Host header: a client inventing hosts must not grow the
        # cache without end, so only the most recent few URLs are kept (dicts keep insertion order).
        while len(cache) >= SD_CACHE_URLS:
            del cache[next(iter(cache))]
        graph = _build_service_description(endpoint_url)
        cache[endpoint_url] = ([tuple(results.from_rdflib(t) for t in triple) for triple in graph], {})
    triples, bodies = cache[endpoint_url]
    if media_type not in bodies:
        sd_prefixes = {**prefixes(_settings().base_iri), "sd": str(SD), "formats": FORMATS_NS}
        bodies[media_type] = results.write_graph(triples, media_type, prefixes=sd_prefixes)
    return bodies[media_type]


def _build_service_description(ep: str):
    """Build the service description graph."""
    from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, VOID

    from netzwerke_kg.backends.common import void_graph_iri
    from netzwerke_kg.kg.build import read_manifest

    FORMATS = Namespace(FORMATS_NS)
    settings = _settings()
    g = Graph()
    service = URIRef(ep)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.service_allowlist:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    g.add((service, SD.defaultEntailmentRegime, URIRef("http://www.w3.org/ns/entailment/Simple")))
    for name in SD_FORMATS.values():
        g.add((service, SD.resultFormat, FORMATS[name]))
    g.add((service, DCTERMS.description, Literal(
        "Read-only SPARQL 1.1 query endpoint of netzwerke-kg (Rostock's international city networks). "
        "SPARQL Update is refused (403); SERVICE is refused unless allow-listed; FROM and "
        "default-graph-uri/named-graph-uri accept only the named graphs listed here; nothing is "
        "fetched from the web. The default graph is the union of the named graphs.", lang="en")))
    limits = [
        ("max-rows", settings.max_rows, XSD.integer, "row limit",
         "At most this many rows (or triples) per response; a longer result is cut and says so in the "
         "X-Result-Truncated header and in the body (JSON head.link, XML <link>, a comment in Turtle, "
         "N-Triples, TriG and N-Quads; CSV and TSV carry the header only)."),
        ("query-timeout", settings.query_timeout, XSD.decimal, "query time limit",
         "A query running longer than this many seconds is stopped and answered with 503."),
        ("max-request-bytes", settings.max_request_bytes, XSD.integer, "request size limit",
         "Requests (query string or body) larger than this many bytes are refused with 413."),
    ]
    for frag, value, dtype, label, comment in limits:
        node = URIRef(f"{ep}#{frag}")
        g.add((service, RDFS.seeAlso, node))
        g.add((node, RDFS.label, Literal(label, lang="en")))
        g.add((node, RDF.value, Literal(str(value), datatype=dtype)))
        g.add((node, RDFS.comment, Literal(comment, lang="en")))

    dist = settings.dist_dir
    void = Graph()
    if (dist / "void.ttl").is_file():
        void.parse(dist / "void.ttl", format="turtle")
    subsets = set(void.objects(None, VOID.subset))
    top = [d for d in void.subjects(RDF.type, VOID.Dataset) if d not in subsets]
    dataset = sorted(top)[0] if top else BNode()
    g += void
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode()
    g.add((dataset, SD.defaultGraph, default_graph))
    g.add((default_graph, RDF.type, SD.Graph))
    g.add((default_graph, DCTERMS.description, Literal("The union of all named graphs.", lang="en")))
    manifest = read_manifest(dist) or {}
    counts = dict(manifest.get("graphs") or {})
    if manifest.get("triples") is not None:
        g.add((default_graph, VOID.triples, Literal(int(manifest["triples"]))))
    counts.setdefault(void_graph_iri(settings, manifest), len(void))
    for iri, count in sorted(counts.items()):
        named, inner = BNode(), BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(iri)))
        g.add((named, SD.graph, inner))
        g.add((inner, RDF.type, SD.Graph))
        g.add((inner, VOID.triples, Literal(int(count))))
    return g

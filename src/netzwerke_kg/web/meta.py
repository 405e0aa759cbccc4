"""The dataset about itself: VoID/DCAT (/void, /.well-known/void), sitemap, robots.txt, validation.

- VoID (W3C Interest Group Note 2011, https://www.w3.org/TR/void/) §7.2: the description is
  published at ``/.well-known/void`` (RFC 8615 well-known URIs); content-negotiated per the
  Cool URIs note, HTML for browsers.
- Sitemaps protocol 0.9 (https://www.sitemaps.org/protocol.html): ``<urlset>`` of ``<url><loc>``
  with ``<lastmod>`` in W3C Datetime; at most 50,000 URLs per file.
- robots.txt: the Robots Exclusion Protocol (RFC 9309) with the ``Sitemap:`` line of the sitemaps
  protocol.
- The validation report is the SHACL report graph of the release (SHACL §3.6
  https://www.w3.org/TR/shacl/#validation-report), read from dist/validation.ttl.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, current_app, render_template, request
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, VOID
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RoutingException

from netzwerke_kg import formats
from netzwerke_kg.kg.void import SPDX  # the checksum terms the build writes into the VoID
from netzwerke_kg.namespaces import prefixes
from netzwerke_kg.web.dumps import dist_dir, load_manifest, read_cached
from netzwerke_kg.web.i18n import choose_language, html_response
from netzwerke_kg.web.iris import DATA_FORMATS, mapper, site_url, url_for_iri, valid_kind_slug
from netzwerke_kg.web.resources import link_header, serialised

bp = Blueprint("meta", __name__)
#: the sitemaps protocol's limit of URLs in one file
SITEMAP_MAX_URLS = 50_000
#: site pages listed in the sitemap besides the resource pages, when the app has them
SITE_PAGES = ("/", "/ontology", "/downloads", "/void", "/validation", "/sparql")


def _load_graph(name: str) -> Graph:
    """dist/<name> (Turtle) parsed, cached until the file changes; 503 when there is no build."""
    graph = read_cached(dist_dir() / name, _parse_turtle)
    if graph is None:
        abort(503, description=f"No {name} in dist/ yet: run `netzwerke-kg build`.")
    return graph


def _parse_turtle(path: Path) -> Graph:
    """A Turtle file of dist/ as a Graph that shortens IRIs with the project's prefixes."""
    graph = Graph()
    graph.parse(path, format="turtle")
    for prefix, namespace in prefixes(current_app.config["SETTINGS"].base_iri).items():
        # Ours win over rdflib's defaults (rdflib binds geo: to GeoSPARQL, we to WGS84).
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def _choose_format(default: str = "text/turtle") -> str:
    """The media type asked for by ?format= or Accept (the registry's choice); ``default`` without one."""
    params = {"format": request.args.getlist("format")}
    return formats.choose("document", params, request.headers.get("Accept"), default=default,
                          extra=("page",)).media_type


def _rdf_response(graph: Graph, media_type: str) -> Response:
    """``graph`` written as ``media_type`` (a document format) by the one RDF writer."""
    return serialised(graph, formats.get(media_type).extension)


def _alternates(path: str) -> list[dict]:
    """<link rel=alternate> entries for each RDF format of a document."""
    return [{"rel": "alternate", "type": mt, "href": site_url(path, format=ext)}
            for ext, mt in DATA_FORMATS.items()]


def _term(term, graph: Graph) -> dict:
    """A template-ready view of one RDF term: text, link target, language, datatype."""
    if isinstance(term, URIRef):
        try:
            text = graph.namespace_manager.normalizeUri(term)
        except Exception:  # noqa: BLE001 - rdflib raises various errors for IRIs it cannot shorten
            text = str(term)
        if text.startswith("<"):
            text = str(term)
        return {"kind": "iri", "text": text, "href": url_for_iri(str(term)), "iri": str(term)}
    if isinstance(term, Literal):
        return {
            "kind": "literal",
            "text": str(term),
            "lang": term.language,
            "datatype": (graph.namespace_manager.normalizeUri(term.datatype)
                         if term.datatype else None),
        }
    return {"kind": "bnode", "text": f"_:{term}"}


@bp.get("/void")
@bp.get("/.well-known/void")
def void():
    """The VoID + DCAT description of the dataset, content-negotiated."""
    graph = _load_graph("void.ttl")
    chosen = _choose_format()
    links = _alternates("/void")
    if chosen != "text/html":
        response = _rdf_response(graph, chosen)
    else:
        response = html_response(
            render_template("void.html", links=links, manifest=load_manifest() or {},
                            site_url=site_url, **void_page(graph))
        )
    response.headers["Link"] = link_header(links)
    return response


def void_page(graph: Graph) -> dict:
    """The VoID graph arranged for reading: described nodes, then class and property partitions."""
    subjects, classes, properties = [], [], []
    for subject in sorted(set(graph.subjects()), key=_sort_key):
        # VoID §4.5/§4.6: partitions are rows of two tables, not sections of their own.
        void_class = graph.value(subject, VOID["class"])
        void_property = graph.value(subject, VOID.property)
        if void_class is not None:
            classes.append({"term": _term(void_class, graph),
                            "count": graph.value(subject, VOID.entities)})
            continue
        if void_property is not None:
            properties.append({"term": _term(void_property, graph),
                               "count": graph.value(subject, VOID.triples)})
            continue
        if (subject, RDF.type, SPDX.Checksum) in graph:
            continue  # shown as the value of its distribution's spdx:checksum
        rows = []
        for p, o in sorted(graph.predicate_objects(subject),
                           key=lambda po: (_sort_key(po[0]), _sort_key(po[1]))):
            if p in (VOID.classPartition, VOID.propertyPartition):
                continue
            checksum = graph.value(o, SPDX.checksumValue) if p == SPDX.checksum else None
            rows.append((_term(p, graph), _term(checksum if checksum is not None else o, graph)))
        types = {str(t) for t in graph.objects(subject, RDF.type)}
        subjects.append({"term": _term(subject, graph), "rows": rows, "types": types,
                         "anchor": _anchor(subject), "title": _title(graph, subject)})
    # The dataset itself first, then its distributions, then the rest (checksums).
    subjects.sort(key=lambda s: _void_order(s["types"], s["term"]["text"]))
    by_count = lambda row: (-int(row["count"] or 0), row["term"]["text"])  # noqa: E731
    return {"subjects": subjects, "classes": sorted(classes, key=by_count),
            "properties": sorted(properties, key=by_count)}


def _title(graph: Graph, subject) -> str:
    """A short name for a subject: its title or label in the page language, else its IRI's path."""
    language = choose_language()
    names = [o for p in (DCTERMS.title, RDFS.label) for o in graph.objects(subject, p)
             if isinstance(o, Literal)]
    for name in sorted(names, key=lambda n: (n.language != language, n.language or "", str(n))):
        return str(name)
    base = current_app.config["SETTINGS"].base_iri
    text = str(subject)
    return text[len(base):] if text.startswith(base) else text


def _sort_key(term) -> tuple:
    """A stable order for terms: IRIs, then literals, then blank nodes, each by text."""
    rank = 0 if isinstance(term, URIRef) else 1 if isinstance(term, Literal) else 2
    return rank, str(term)


def _anchor(term) -> str:
    """A unique HTML id for a subject: its IRI after the base, other characters as '-'."""
    base = current_app.config["SETTINGS"].base_iri
    text = str(term)
    text = text[len(base):] if text.startswith(base) else text
    return "s-" + "".join(c if c.isalnum() or c in "-_." else "-" for c in text)


def _void_order(types: set[str], text: str) -> tuple:
    """Dataset first, distributions next, then partitions (void:Dataset with a class/property)."""
    if "http://www.w3.org/ns/dcat#Dataset" in types:
        return 0, text
    if "http://www.w3.org/ns/dcat#Distribution" in types:
        return 1, text
    return 2, text


@bp.get("/sitemap.xml")
def sitemap():
    """Every resource page and site page, per the sitemaps protocol 0.9 (an index past 50,000)."""
    manifest = load_manifest() or {}
    lastmod = escape(str(manifest.get("issued") or ""))
    root = request.url_root.rstrip("/")
    paths = [p for p in SITE_PAGES if _is_routed(p)]
    paths += resource_page_paths()
    chunks = [paths[i:i + SITEMAP_MAX_URLS] for i in range(0, len(paths), SITEMAP_MAX_URLS)] or [[]]
    page = request.args.get("page")
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    if page is None and len(chunks) > 1:
        # Sitemaps protocol "Using Sitemap index files": one sitemap per 50,000 URLs.
        lines.append('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
        for number in range(1, len(chunks) + 1):
            loc = escape(f"{root}/sitemap.xml?page={number}")
            lines.append(f"  <sitemap><loc>{loc}</loc><lastmod>{lastmod}</lastmod></sitemap>")
        lines.append("</sitemapindex>")
    else:
        number = 1 if page is None else _page_number(page, len(chunks))
        lines.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
        for path in chunks[number - 1]:
            lastmod_tag = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
            lines.append(f"  <url><loc>{escape(root + path)}</loc>{lastmod_tag}</url>")
        lines.append("</urlset>")
    return Response("\n".join(lines) + "\n", content_type="application/xml; charset=utf-8")


def _page_number(text: str, count: int) -> int:
    """A 1-based sitemap page number from ?page=, or a 404 for anything else."""
    if not text.isdigit() or not 1 <= int(text) <= count:
        abort(404, description=f"There are sitemap pages 1 to {count}.")
    return int(text)


def resource_page_paths() -> list[str]:
    """The /page/{kind}/{slug} path of every instance IRI under {base}id/ in the data graphs."""
    base = current_app.config["SETTINGS"].base_iri
    backend = current_app.extensions["netzwerke_kg.backend"]
    # The VoID graph describes the dataset (id/dataset/…, id/distribution/…): /void shows it.
    rows = backend.select(
        "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base}id/") && ?g != <{base}graph/void>) }} '
        "ORDER BY ?s"
    )
    iris = mapper()
    paths = []
    for row in rows:
        kind_slug = iris.kind_slug(str(row["s"]))
        if kind_slug is None or not valid_kind_slug(*kind_slug):
            continue
        path = iris.doc_path(str(row["s"]))
        if path is not None:
            paths.append(path)
    return paths


def _is_routed(path: str) -> bool:
    """True when the app has a GET route for ``path`` (blueprints arrive one at a time)."""
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except (NotFound, MethodNotAllowed):
        return False
    except RoutingException:  # a redirect (e.g. strict slashes) still means "routed"
        return True
    return True


@bp.get("/robots.txt")
def robots():
    """Allow every crawler everywhere and name the sitemap (RFC 9309; sitemaps.org §robots)."""
    sitemap_url = request.url_root.rstrip("/") + "/sitemap.xml"
    body = f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"
    return Response(body, content_type="text/plain; charset=utf-8")


#: the site icon: four linked dots (a network), drawn as SVG so no binary file is needed
FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<path d="M8 8L24 8L24 24L8 24Z" fill="none" stroke="#1d4e89" stroke-width="2"/>'
    '<circle cx="8" cy="8" r="4" fill="#1d4e89"/><circle cx="24" cy="8" r="4" fill="#1d4e89"/>'
    '<circle cx="24" cy="24" r="4" fill="#1d4e89"/><circle cx="8" cy="24" r="4" fill="#c0392b"/>'
    "</svg>"
)


@bp.get("/favicon.ico")
def favicon():
    """The site icon browsers ask for on every site (SVG; Chromium and Firefox accept it here)."""
    return Response(FAVICON_SVG, content_type="image/svg+xml")


@bp.get("/validation")
def validation():
    """The SHACL validation report of the release: a page, or the report graph by Accept."""
    graph = _load_graph("validation.ttl")
    chosen = _choose_format(default="text/html")
    links = _alternates("/validation")
    if chosen != "text/html":
        response = _rdf_response(graph, chosen)
    else:
        from netzwerke_kg.web.validation_page import page_report  # grouped for people (#12)

        report = page_report(graph)
        response = html_response(
            render_template("validation.html", report=report, links=links,
                            manifest=load_manifest() or {}, site_url=site_url)
        )
    response.headers["Link"] = link_header(links)
    return response


def summarise_report(graph: Graph, language: str = "en") -> dict:
    """Conformance, counts per severity and the results by focus node, from a SHACL report."""
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    conforms = None
    if reports:
        value = graph.value(reports[0], SH.conforms)
        conforms = bool(value.toPython()) if isinstance(value, Literal) else None
    severities: Counter = Counter()
    groups: dict = defaultdict(list)
    for result in graph.subjects(RDF.type, SH.ValidationResult):
        severity = graph.value(result, SH.resultSeverity)
        severity_name = str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"
        severities[severity_name] += 1
        focus = graph.value(result, SH.focusNode)
        entry = {"severity": severity_name}
        for key, predicate in (("path", SH.resultPath), ("value", SH.value),
                               ("shape", SH.sourceShape),
                               ("component", SH.sourceConstraintComponent)):
            obj = graph.value(result, predicate)
            # Anonymous shapes (blank or skolem /.well-known/genid/ IRIs) have no useful name.
            anonymous = isinstance(obj, BNode) or "/.well-known/genid/" in str(obj)
            hidden = obj is None or (anonymous and key == "shape")
            entry[key] = None if hidden else _term(obj, graph)
        # The message in the page language when the shapes give one, else every message.
        all_messages = list(graph.objects(result, SH.resultMessage))
        in_language = [m for m in all_messages if getattr(m, "language", None) == language]
        messages = sorted(str(m) for m in (in_language or all_messages))
        entry["messages"] = messages
        groups[focus].append(entry)
    grouped = []
    for focus in sorted(groups, key=_sort_key):
        results = sorted(groups[focus],
                         key=lambda e: (e["severity"], str(e["path"]), e["messages"]))
        grouped.append({"focus": _term(focus, graph) if focus is not None else None,
                        "results": results})
    return {
        "conforms": conforms,
        "total": sum(severities.values()),
        "violations": severities.get("Violation", 0),
        "warnings": severities.get("Warning", 0),
        "infos": severities.get("Info", 0),
        "groups": grouped,
    }

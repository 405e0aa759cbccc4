"""Linked Data for every IRI: /id/… 303 redirects, /page/… HTML, /data/… RDF, /ontology.

Cool URIs for the Semantic Web (W3C Interest Group Note, https://www.w3.org/TR/cooluris/):
- §4.3 "303 URIs forwarding to different documents": ``/id/{kind}/{slug}`` names the thing and
  answers ``303 See Other`` to ``/page/…`` (HTML) or ``/data/….{ext}`` (RDF), chosen by ``Accept``
  (RFC 9110 §12.5.1) with ``Vary: Accept``.
- §4.1 "hash URIs": ``/ontology#Term`` is described by ``/ontology``, which answers HTML or RDF by
  ``Accept`` (200, ``Vary: Accept``, ``Content-Location`` naming the format-specific document).
Every page and document carries ``Link`` headers (RFC 8288): ``alternate`` per format, ``describedby``
to the VoID, ``license``, ``canonical``; pages repeat them as ``<link>`` elements.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request

from netzwerke_kg import formats
from netzwerke_kg.kg import dumps
from netzwerke_kg.namespaces import prefixes
from netzwerke_kg.queries import Queries
from netzwerke_kg.web import i18n, iris
from netzwerke_kg.web.dumps import LICENSE
from netzwerke_kg.web.iris import DATA_FORMATS

bp = Blueprint("resources", __name__)


bp.after_request(i18n.name_language)


@bp.app_context_processor
def _template_globals() -> dict:
    """Page language, translator, language switch, URL helpers and the RDF formats (extension ->
    media type) for every template."""
    ctx = i18n.context()
    ctx.update(url_for_iri=iris.url_for_iri, page_url=iris.page_url, data_url=iris.data_url,
               data_formats=DATA_FORMATS)
    return ctx


def queries() -> Queries:
    """The Queries object of the current app (one per app)."""
    q = current_app.extensions.get("netzwerke_kg.queries")
    if q is None:
        q = Queries(current_app.extensions["netzwerke_kg.backend"], iris.mapper().base_iri)
        current_app.extensions["netzwerke_kg.queries"] = q
    return q


def choose(params: dict | None, *, page: bool, default: str | None = None) -> formats.Format:
    """The registry's choice of document format (``format=`` in params, else Accept); HTML if ``page``."""
    return formats.choose("document", params, request.headers.get("Accept"), default=default,
                          extra=("page",) if page else ())


def link_set(iri: str, current: str) -> list[dict]:
    """The links every page/document about ``iri`` carries (RFC 8288), as dicts for header and
    template; ``current`` is 'html' or a DATA_FORMATS extension (that one is left out). The
    canonical link names the same content under the base IRI (RFC 6596 §3: a duplicate of this
    representation, so an RDF document's canonical is that RDF document, not the page)."""
    links = []
    if current != "html":
        links.append({"rel": "alternate", "href": iris.absolute(iris.page_url(iri, lang=None)),
                      "type": "text/html"})
    for ext, media_type in DATA_FORMATS.items():
        if ext != current:
            links.append({"rel": "alternate", "href": iris.absolute(iris.data_url(iri, ext)),
                          "type": media_type})
    return links + site_links(iris.canonical_url(iri, None if current == "html" else current))


def site_links(canonical: str) -> list[dict]:
    """The links every page of the site carries: the VoID that describes the data, its licence,
    and the page's ``canonical`` URL under the base IRI."""
    return [{"rel": "describedby", "href": iris.absolute(iris.site_url("/void")), "type": "text/turtle"},
            {"rel": "license", "href": LICENSE["url"]},
            {"rel": "canonical", "href": canonical}]


def link_header(links: list[dict]) -> str:
    """The Link header value for links (RFC 8288 §3)."""
    parts = []
    for link in links:
        part = f'<{link["href"]}>; rel="{link["rel"]}"'
        if link.get("type"):
            part += f'; type="{link["type"]}"'
        parts.append(part)
    return ", ".join(parts)


def page_response(template: str, links: list[dict], **ctx) -> Response:
    """A rendered HTML page that names ``links`` twice: as ``<link>`` elements (the template's
    ``links``) and in the Link header."""
    response = Response(render_template(template, links=links, **ctx))
    response.headers["Link"] = link_header(links)
    return response


def _vary(response: Response, *headers: str) -> Response:
    """Add headers to Vary without dropping what others (caching.py) put there."""
    for header in headers:
        response.vary.add(header)
    return response


def _resource_iri(kind: str, slug: str) -> str:
    """The IRI for /…/{kind}/{slug}; 404 for malformed paths (they can name nothing of ours)."""
    if not iris.valid_kind_slug(kind, slug):
        abort(404)
    return iris.mapper().instance_iri(kind, slug)


@bp.get("/id/<kind>/<path:slug>")
def identify(kind: str, slug: str):
    """303 See Other from the thing to a document about it, by Accept (Cool URIs §4.3)."""
    iri = _resource_iri(kind, slug)
    if not queries().exists(iri):
        abort(404, description=f"No resource has the IRI {iri}.")
    chosen = choose(None, page=True, default="text/html")
    if chosen.kind == "page":
        target = iris.page_url(iri)
    else:
        target = iris.data_url(iri, chosen.extension)
    response = redirect(target, code=303)
    return _vary(response, "Accept")


@bp.get("/data/<kind>/<path:rest>")
def data(kind: str, rest: str):
    """The RDF description of a resource: ``/data/{kind}/{slug}.{ext}`` or ``?format=`` / Accept."""
    slug, dot, ext = rest.rpartition(".")
    if not dot or ext not in DATA_FORMATS:
        slug, ext = rest, None
    fmt = request.args.get("format")
    if fmt is not None:
        ext = choose({"format": [fmt]}, page=False).extension
    negotiated = ext is None
    if ext is None:
        ext = choose(None, page=False, default="text/turtle").extension
    iri = _resource_iri(kind, slug)
    if not queries().exists(iri):
        # a slug may itself end in a format-like extension (id/distribution/netzwerke-kg.ttl)
        whole = iris.mapper().instance_iri(kind, rest)
        if fmt is None and rest != slug and iris.valid_kind_slug(kind, rest) and queries().exists(whole):
            return _rdf_response(queries().describe(whole), whole, "ttl", False)
        abort(404, description=f"No resource has the IRI {iri}.")
    return _rdf_response(queries().describe(iri), iri, ext, negotiated)


def serialised(graph, ext: str) -> Response:
    """``graph`` written in format ``ext`` by the one RDF writer (kg.dumps: sorted, one lexical
    form, the same bytes in every process), as UTF-8 and labelled so (RFC 7303 §3.2 for RDF/XML)."""
    fmt = formats.by_extension(ext, formats.offered("document"))
    pmap = prefixes(current_app.config["SETTINGS"].base_iri)
    try:
        body = dumps.write(graph, fmt.key, prefixes=pmap)
    except dumps.SerialisationError as exc:
        abort(406, description=f"{exc}")
    return Response(body, content_type=fmt.content_type)


def _rdf_response(graph, iri: str, ext: str, negotiated: bool) -> Response:
    """Serialise a graph in format ``ext`` with Link headers (and Vary when negotiated)."""
    response = serialised(graph, ext)
    response.headers["Link"] = link_header(link_set(iri, ext))
    if negotiated:
        response.headers["Content-Location"] = iris.data_url(iri, ext)
        _vary(response, "Accept")
    return response


# --- the other IRIs we publish: named graphs, the shapes, skolem IRIs (Linked Data principle 3) -

def _graph_document(construct: str, subject: str):
    """An RDF document holding what ``construct`` finds; 404 when it finds nothing."""
    graph = current_app.extensions["netzwerke_kg.backend"].construct(construct)
    if not len(graph):
        abort(404, description=f"Nothing is published as {subject}.")
    ext = choose({"format": request.args.getlist("format")}, page=False, default="text/turtle").extension
    response = serialised(graph, ext)
    return _vary(response, "Accept")


@bp.get("/graph/<path:name>")
def named_graph(name: str):
    """A named graph's IRI (``{base}graph/{dir}/{stem}``, SPARQL 1.1 Service Description
    sd:name) dereferences to the graph's triples (Graph Store Protocol §4.1 style, read-only)."""
    if not iris.valid_segments(name):
        abort(404)
    graph = iris.mapper().iri_for_path(f"/graph/{name}")
    return _graph_document(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", graph)


@bp.get("/shapes")
def shapes():
    """``{base}shapes#Shape`` IRIs dereference to the SHACL shapes graph(s) (Cool URIs §4.1)."""
    prefix = iris.mapper().iri_for_path("/graph/shapes/")
    return _graph_document("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
                           f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }}', "/shapes")


@bp.get("/.well-known/genid/<ident>")
def skolem(ident: str):
    """A skolem IRI (RDF 1.1 Concepts §3.5) dereferences to its description."""
    if not ident.isalnum():
        abort(404)
    iri = iris.mapper().iri_for_path(f"/.well-known/genid/{ident}")
    return _graph_document(f"CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> }} "
                           f"WHERE {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?q <{iri}> }} }}", iri)


@bp.get("/page/<kind>/<path:slug>")
def page(kind: str, slug: str):
    """The HTML page about a resource."""
    from netzwerke_kg.web.resource_page import resource_context

    iri = _resource_iri(kind, slug)
    if not queries().exists(iri):
        abort(404, description=f"No resource has the IRI {iri}.")
    ctx = resource_context(queries(), iri, i18n.choose_language())
    response = page_response("resource.html", link_set(iri, "html"), **ctx)
    return _vary(response, "Accept-Language")


@bp.get("/ontology")
@bp.get("/ontology.<ext>")
def ontology(ext: str | None = None):
    """The ontology document: HTML documentation or RDF by Accept / extension (Cool URIs §4.1)."""
    base = iris.mapper().base_iri
    iri = base + "ontology"
    if ext is not None and ext not in DATA_FORMATS:
        abort(404)
    negotiated = False
    fmt = request.args.get("format")
    if ext is None and fmt is not None:
        chosen = choose({"format": [fmt]}, page=True)
        ext = None if chosen.kind == "page" else chosen.extension
    elif ext is None:
        chosen = choose(None, page=True, default="text/html")
        if chosen.kind != "page":
            ext, negotiated = chosen.extension, True
    if ext is not None:
        return _rdf_response(queries().ontology_graph(), iri, ext, negotiated)
    from netzwerke_kg.web.browse import ontology_context

    ctx = ontology_context(queries(), i18n.choose_language())
    response = page_response("ontology.html", link_set(iri, "html"), **ctx)
    return _vary(response, "Accept", "Accept-Language")


def nearest_links(text: str) -> list[dict]:
    """The resources whose labels are most like ``text`` as "Did you mean" links (iri, label, href)."""
    return [{"iri": str(s["iri"]), "label": str(s["label"]), "href": iris.page_url(s["iri"])}
            for s in queries().nearest(text)]


def not_found(iri: str | None = None):
    """The helpful 404 page (the browser face of every 404, see errors.py): what was asked for,
    a search box, the nearest labels."""
    lang = i18n.choose_language()
    for prefix in ("/id/", "/page/", "/data/"):
        if iri is None and request.path.startswith(prefix):
            iri = iris.mapper().iri_for_path("/id/" + request.path[len(prefix):])
    slug = (iri or request.path).rstrip("/").rsplit("/", 1)[-1]
    try:
        suggestions = nearest_links(slug) if slug else []
    except Exception:  # noqa: BLE001 - suggestions are a courtesy; a failing backend must not turn 404 into 500
        current_app.logger.exception("nearest labels failed for %r", slug)
        suggestions = []
    body = render_template("not_found.html", iri=iri, path=request.path, query=slug.replace("-", " "),
                           suggestions=suggestions, lang=lang)
    response = Response(body, status=404, mimetype="text/html")
    return _vary(response, "Accept-Language")




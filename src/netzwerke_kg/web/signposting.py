"""FAIR Signposting: typed links from every page and every dump to citation, metadata, files, licence.

FAIR Signposting Profile (https://signposting.org/FAIR/), Level 1, as HTTP ``Link`` headers
(RFC 8288 §3): a landing page (``/``, ``/downloads``, ``/releases``, ``/void``) names its
persistent identifier (``cite-as``), its metadata (``describedby``: the VoID/DCAT description and
the release's RO-Crate), its files (``item``, with media types), its ``license`` and its ``type``
(schema.org); every dump names the landing page it belongs to (``collection``) and the same
citation, licence and metadata; every other document (resource pages and their RDF, query answers)
names the VoID as ``describedby`` (so link-traversal clients find ``void:sparqlEndpoint``) and
the landing page as ``collection``. The whole set is also published as an RFC 9264 linkset at
``/linkset`` (``application/linkset+json`` or ``application/linkset``), named by ``rel="linkset"``.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from netzwerke_kg.kg.void import LICENCE
from netzwerke_kg.formats import negotiate
from netzwerke_kg.web.iris import absolute, site_url

bp = Blueprint("signposting", __name__)

SCHEMA = "https://schema.org/"
#: the RO-Crate profile the release's crate conforms to (kg.rocrate)
ROCRATE_PROFILE = "https://w3id.org/ro/crate/1.3"
#: endpoints that are landing pages of the dataset
LANDING = {"browse.home", "dumps.downloads", "releases.releases_page", "meta.void",
           "signposting.linkset_document"}
#: endpoints that serve the release's files
DUMPS = {"dumps.download_file", "dumps.jsonld_context"}
LINKSET_TYPES = ("application/linkset+json", "application/linkset")


def register(app: Flask) -> None:
    """Add the Signposting links to every successful GET/HEAD response of ``app``."""
    app.register_blueprint(bp)
    app.after_request(add_links)


def _manifest() -> dict:
    """The served release's manifest ({} without a build)."""
    from netzwerke_kg.web.dumps import load_manifest

    return load_manifest() or {}


def cite_as() -> str:
    """The persistent identifier of the dataset: its landing page under the canonical base IRI."""
    return current_app.config["SETTINGS"].base_iri


def _link(href: str, rel: str, **params) -> dict:
    """One link: target, relation and target attributes."""
    return {"href": href, "rel": rel, **{k: v for k, v in params.items() if v}}


def dataset_links() -> list[dict]:
    """The links of the dataset's landing page (FAIR Signposting Level 1, landing page)."""
    links = [_link(cite_as(), "cite-as"),
             _link(absolute(site_url("/void")), "describedby", type="text/turtle"),
             _link(absolute(site_url("/downloads/ro-crate-metadata.json")), "describedby",
                   type="application/ld+json", profile=ROCRATE_PROFILE),
             _link(str(LICENCE), "license"),
             _link(SCHEMA + "Dataset", "type"), _link(SCHEMA + "AboutPage", "type")]
    for entry in _manifest().get("files", []):
        links.append(_link(absolute(site_url(f"/downloads/{entry['path']}")), "item",
                           type=entry.get("media_type")))
    return links


def dump_links() -> list[dict]:
    """The links of one file of the release (FAIR Signposting Level 1, content resource)."""
    return [_link(absolute(site_url("/downloads")), "collection", type="text/html"),
            _link(cite_as(), "cite-as"),
            _link(absolute(site_url("/void")), "describedby", type="text/turtle"),
            _link(str(LICENCE), "license"),
            _link(SCHEMA + "DataDownload", "type")]


def document_links() -> list[dict]:
    """The links of any other document: its citation, the VoID, the licence, the landing page."""
    links = []
    args = request.view_args or {}
    if request.endpoint in ("resources.page", "resources.data") and "kind" in args:
        from netzwerke_kg.web.iris import mapper

        slug = args.get("slug") or args.get("rest", "").rsplit(".", 1)[0]
        links.append(_link(mapper().instance_iri(args["kind"], slug), "cite-as"))
    links += [_link(absolute(site_url("/void")), "describedby", type="text/turtle"),
              _link(str(LICENCE), "license"),
              _link(SCHEMA + "AboutPage", "type") if (request.mimetype or "") == "text/html" else None,
              _link(absolute(site_url("/")), "collection", type="text/html")]
    return [link for link in links if link]


def links_for_request(response: Response) -> list[dict]:
    """The Signposting links of this request's response, by the kind of thing it is."""
    if request.endpoint in LANDING:
        links = dataset_links()
    elif request.endpoint in DUMPS:
        links = dump_links()
    else:
        links = document_links()
    links.append(_link(absolute(site_url("/linkset")), "linkset", type="application/linkset+json"))
    return links


def header_value(links: list[dict]) -> str:
    """Links as one Link header value (RFC 8288 §3: quoted-string parameters)."""
    parts = []
    for link in links:
        params = "".join(f'; {k}="{v}"' for k, v in link.items() if k not in ("href", "rel"))
        parts.append(f'<{link["href"]}>; rel="{link["rel"]}"{params}')
    return ", ".join(parts)


def add_links(response: Response) -> Response:
    """Append the Signposting links to a successful GET/HEAD response (not to static assets)."""
    if (request.method not in ("GET", "HEAD") or response.status_code not in (200, 206)
            or request.endpoint in (None, "static") or getattr(response, "from_cache", False)):
        return response
    existing = response.headers.get("Link")
    # a view may already name some of these (the home page names the VoID and the licence)
    links = [link for link in links_for_request(response)
             if not existing or f'<{link["href"]}>; rel="{link["rel"]}"' not in existing]
    value = header_value(links)
    response.headers["Link"] = f"{existing}, {value}" if existing else value
    return response


# --- the linkset (RFC 9264) ----------------------------------------------------------------------


def linkset() -> list[dict]:
    """The dataset's links grouped by anchor: the landing page, then each file of the release."""
    landing = absolute(site_url("/"))
    contexts = [(landing, dataset_links())]
    for entry in _manifest().get("files", []):
        contexts.append((absolute(site_url(f"/downloads/{entry['path']}")), dump_links()))
    out = []
    for anchor, links in contexts:
        context: dict = {"anchor": anchor}
        for link in links:
            target = {k: v for k, v in link.items() if k != "rel"}
            context.setdefault(link["rel"], []).append(target)
        out.append(context)
    return out


@bp.get("/linkset")
@bp.get("/.well-known/linkset")
def linkset_document():
    """The linkset (RFC 9264 §4.2 JSON by default, §4.1 native format on request)."""
    chosen = request.args.get("format")
    if chosen is not None:
        chosen = {"json": LINKSET_TYPES[0], "linkset": LINKSET_TYPES[1]}.get(chosen)
        if chosen is None:
            return _bad_format()
    else:
        chosen = negotiate(request.headers.get("Accept"), [*LINKSET_TYPES, "application/json"],
                           default=LINKSET_TYPES[0])
        if chosen is None:
            return Response(f"Offered: {', '.join(LINKSET_TYPES)}.\n", status=406,
                            content_type="text/plain; charset=utf-8")
    sets = linkset()
    if chosen == LINKSET_TYPES[1]:
        lines = []
        for context in sets:
            for rel, targets in context.items():
                if rel == "anchor":
                    continue
                for t in targets:
                    params = "".join(f'; {k}="{v}"' for k, v in t.items() if k != "href")
                    lines.append(f'<{t["href"]}>; rel="{rel}"; anchor="{context["anchor"]}"{params}')
        return Response(",\n".join(lines) + "\n", content_type=LINKSET_TYPES[1])
    response = jsonify({"linkset": sets})
    response.mimetype = "application/linkset+json" if chosen != "application/json" else "application/json"
    return response


def _bad_format() -> Response:
    """400 for an unknown ?format= of the linkset."""
    from netzwerke_kg.web.errors import error_response

    return error_response(400, "Unknown format: use json or linkset.")

"""The one place that turns IRIs into URLs and back (Pubby's dataset-base / web-base split).

The data is published under one configurable base IRI (``https://w3id.org/netzwerke-kg/``); the
server may run anywhere (``http://127.0.0.1:5000/``, or behind a proxy under ``/kg``). Every IRI
under the base is mapped onto this server's host and script root, so a local server is fully
navigable; IRIs outside the base stay as they are (external links). Views and templates never glue
URLs together by hand: they ask this module (the habit of Datasette's ``url_builder.py``).

Cool URIs for the Semantic Web (W3C Interest Group Note, 2008-12-03,
https://www.w3.org/TR/cooluris/): slash IRIs ``/id/{kind}/{slug}`` name things, ``/page/…`` and
``/data/…`` are the HTML and RDF documents about them (section 4.3, 303 URIs forwarding to
different documents); hash IRIs ``/ontology#Term`` are described by the document ``/ontology``
(section 4.1).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import current_app, has_request_context, request

from netzwerke_kg import formats

#: RDF document formats a resource description is offered in: extension -> media type (the registry's)
DATA_FORMATS: dict[str, str] = formats.extensions("document")

#: the languages pages are written in
LANGUAGES = ("en", "de")

#: a kind or slug segment: lower-case ASCII, digits, '-', and '.' (the build names distributions
#: ``id/distribution/netzwerke-kg.ttl``); never '..'
_KIND_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class IriMapper:
    """Maps IRIs under one base IRI to server-local paths and back."""

    def __init__(self, base_iri: str):
        """Remember the base IRI (it must end in ``/`` or ``#`` to be a namespace)."""
        if not base_iri.endswith("/"):
            base_iri += "/"
        self.base_iri = base_iri

    def is_ours(self, iri: str) -> bool:
        """True when ``iri`` lies under the base IRI."""
        return str(iri).startswith(self.base_iri)

    def local_path(self, iri: str) -> str | None:
        """The server-local path of an IRI ('/id/city/rostock', '/ontology#City'); None if foreign."""
        iri = str(iri)
        if not self.is_ours(iri):
            return None
        return "/" + iri[len(self.base_iri):]

    def iri_for_path(self, path: str) -> str:
        """The IRI a server-local path stands for ('/id/city/rostock' -> '{base}id/city/rostock')."""
        return self.base_iri + path.lstrip("/")

    def instance_iri(self, kind: str, slug: str) -> str:
        """The IRI of an instance ``{base}id/{kind}/{slug}``."""
        return f"{self.base_iri}id/{kind}/{slug}"

    def kind_slug(self, iri: str) -> tuple[str, str] | None:
        """``(kind, slug)`` of an instance IRI under ``/id/``, else None (the slug may hold '/')."""
        path = self.local_path(iri)
        if path is None or not path.startswith("/id/") or "#" in path or "?" in path:
            return None
        kind, _, slug = path[len("/id/"):].partition("/")
        if not kind or not slug:
            return None
        return kind, slug

    def ontology_term(self, iri: str) -> str | None:
        """The local name of an ontology term ``{base}ontology#Term``, else None."""
        prefix = self.base_iri + "ontology#"
        iri = str(iri)
        if iri.startswith(prefix) and len(iri) > len(prefix):
            return iri[len(prefix):]
        return None

    def doc_path(self, iri: str, fmt: str | None = None) -> str | None:
        """Path of the HTML page (fmt None) or RDF document (fmt in DATA_FORMATS) about ``iri``."""
        term = self.ontology_term(iri)
        if term is not None or str(iri) == self.base_iri + "ontology":
            if fmt is None:
                return "/ontology" + (f"#{term}" if term else "")
            return f"/ontology.{fmt}"
        ks = self.kind_slug(iri)
        if ks is None:
            return None
        kind, slug = ks
        if fmt is None:
            return f"/page/{kind}/{slug}"
        return f"/data/{kind}/{slug}.{fmt}"


def mapper() -> IriMapper:
    """The IriMapper of the current app (built once from its settings)."""
    cached = current_app.extensions.get("netzwerke_kg.iri_mapper")
    if cached is None:
        cached = IriMapper(current_app.config["SETTINGS"].base_iri)
        current_app.extensions["netzwerke_kg.iri_mapper"] = cached
    return cached


def _script_root() -> str:
    """The sub-path the app is mounted under ('' or '/kg'), from WSGI SCRIPT_NAME."""
    return request.script_root if has_request_context() else ""


def site_url(path: str, **params) -> str:
    """A URL of this site for an app-local path, carrying the script root and query params."""
    url = _script_root() + path
    clean = {k: v for k, v in params.items() if v is not None}
    if clean:
        url += ("&" if "?" in url else "?") + urlencode(clean)
    return url


def _lang_param() -> str | None:
    """The explicitly chosen page language (?lang=, else the cookie), so navigation keeps it."""
    if not has_request_context():
        return None
    lang = request.args.get("lang")
    if lang not in LANGUAGES:
        lang = request.cookies.get("lang")  # the choice i18n.remember_language keeps
    return lang if lang in LANGUAGES else None


def url_for_iri(iri: str) -> str:
    """URL on this server for an IRI under the base (script root kept); a foreign IRI unchanged."""
    path = mapper().local_path(iri)
    if path is None:
        return str(iri)
    return _script_root() + path


def page_url(iri: str, **params) -> str:
    """The HTML page about ``iri`` on this server (skips the 303); foreign IRIs unchanged."""
    path = mapper().doc_path(iri)
    if path is None:
        return url_for_iri(iri)
    fragment = ""
    if "#" in path:
        path, fragment = path.split("#", 1)
        fragment = "#" + fragment
    params.setdefault("lang", _lang_param())
    return site_url(path, **params) + fragment


def data_url(iri: str, fmt: str) -> str | None:
    """The RDF document about ``iri`` in format ``fmt`` (an extension of DATA_FORMATS)."""
    path = mapper().doc_path(iri, fmt)
    return None if path is None else site_url(path)


def css_class(iri) -> str:
    """The class of a link to a network or city page (``network-link``, ``city-link``): stable
    hooks for the stylesheet and the tests; '' for anything else."""
    ks = mapper().kind_slug(str(iri))
    if ks and ks[0] in ("network", "city"):
        return f"{ks[0]}-link"
    return ""


def absolute(url: str) -> str:
    """An absolute URL on this server for a URL from the functions above."""
    if "://" in url:
        return url
    return request.host_url.rstrip("/") + url


def canonical_url(iri: str, fmt: str | None = None) -> str:
    """The canonical public URL of the page (or the ``fmt`` RDF document) about ``iri``: under the
    base IRI, not this host (RFC 6596)."""
    path = mapper().doc_path(iri, fmt)
    return mapper().iri_for_path(path) if path else str(iri)


def iri_for_request_path(path: str) -> str:
    """The IRI a request path of this server stands for (the host and script root mapped away)."""
    return mapper().iri_for_path(path)


def valid_segments(path: str) -> bool:
    """True when every '/'-separated segment of ``path`` looks like ours (as valid_kind_slug)."""
    return ".." not in path and all(_KIND_SLUG.match(p) for p in path.split("/"))


def valid_kind_slug(kind: str, slug: str) -> bool:
    """True when kind and slug look like our IRIs (lower-case ASCII, '-', '/' between parts)."""
    if ".." in slug or not _KIND_SLUG.match(kind) or "." in kind:
        return False
    return all(_KIND_SLUG.match(p) for p in slug.split("/"))

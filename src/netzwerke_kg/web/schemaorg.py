"""schema.org ``Dataset`` JSON-LD for dataset search engines, on the home page and /downloads.

Google Dataset Search and other harvesters read a ``Dataset`` (https://schema.org/Dataset) with
name, description, license, creator, publisher, version, dateModified, temporalCoverage
(ISO 8601 interval), spatialCoverage (a ``Place``), distribution (``DataDownload`` with
encodingFormat and contentUrl) and citation. Templates include ``_partials/dataset_jsonld.html``,
which renders :func:`dataset` with ``|tojson`` (it escapes ``<``, ``>``, ``&``, ``'``).
"""

from __future__ import annotations

import threading

from flask import Flask, current_app

from netzwerke_kg.kg.void import LICENCE, dataset_iri
from netzwerke_kg.web.iris import absolute, site_url

SCHEMA_CONTEXT = "https://schema.org/"
#: the year range the dated statements span, per release (it never changes within one)
_coverage: dict[str, str | None] = {}
_lock = threading.Lock()


def register(app: Flask) -> None:
    """Make ``dataset_jsonld()`` available to every template."""
    app.add_template_global(dataset, "dataset_jsonld")


def temporal_coverage(release: str) -> str | None:
    """The years the dated statements span, as an ISO 8601 interval ("1982/2026"); None if undated."""
    with _lock:
        if release in _coverage:
            return _coverage[release]
    backend = current_app.extensions["netzwerke_kg.backend"]
    rows = backend.select(
        "PREFIX schema: <https://schema.org/> PREFIX dcterms: <http://purl.org/dc/terms/> "
        "SELECT (MIN(?y) AS ?first) (MAX(?y) AS ?last) WHERE { "
        "VALUES ?p { schema:startDate schema:endDate schema:foundingDate dcterms:date } "
        "?s ?p ?d BIND(SUBSTR(STR(?d), 1, 4) AS ?y) FILTER(REGEX(?y, '^[0-9]{4}$')) }")
    first, last = (rows[0].get("first"), rows[0].get("last")) if rows else (None, None)
    value = f"{first}/{last}" if first and last else None
    with _lock:
        _coverage[release] = value
    return value


def dataset() -> dict:
    """The schema.org Dataset of the served release (JSON-LD, compact form)."""
    from netzwerke_kg.web.dumps import citation, load_manifest

    manifest = load_manifest() or {}
    base = current_app.config["SETTINGS"].base_iri
    project = {"@type": "Organization", "name": "The netzwerke-kg project", "url": base}
    files = []
    for entry in manifest.get("files", []):
        files.append({"@type": "DataDownload", "name": entry["path"],
                      "encodingFormat": entry.get("media_type"),
                      "contentUrl": absolute(site_url(f"/downloads/{entry['path']}")),
                      "contentSize": f"{entry.get('bytes')} B", "sha256": entry.get("sha256")})
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "Dataset",
        "@id": str(dataset_iri(base)),
        "name": "Knowledge graph of Rostock's international city networks",
        "alternateName": "Wissensgraph der internationalen Städtenetzwerke Rostocks",
        "description": ("The international city networks of the Hanseatic and University City of Rostock "
                        "as open, sourced RDF: networks, member cities, memberships, conferences and twin "
                        "cities, with the source of every statement and the disagreements between sources."),
        "url": base,
        "identifier": base,
        "license": str(LICENCE),
        "isAccessibleForFree": True,
        "creator": project,
        "publisher": project,
        "version": manifest.get("version"),
        "datePublished": manifest.get("issued"),
        "dateModified": manifest.get("issued"),
        "temporalCoverage": temporal_coverage(str(manifest.get("release"))),
        "spatialCoverage": {"@type": "Place", "name": "Rostock, Germany",
                            "sameAs": "http://www.wikidata.org/entity/Q2861",
                            "geo": {"@type": "GeoCoordinates", "latitude": 54.0887, "longitude": 12.1405}},
        "keywords": ["city networks", "twin cities", "Rostock", "Union of the Baltic Cities", "linked data"],
        "distribution": files,
        "citation": citation(manifest) if manifest else None,
    }

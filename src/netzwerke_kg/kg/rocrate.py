"""The RO-Crate of a release: ``ro-crate-metadata.json`` describing every file it holds.

RO-Crate 1.3 (https://w3id.org/ro/crate/1.3): a JSON-LD document with a flat ``@graph``; the
metadata descriptor (§ "RO-Crate Metadata Descriptor") ``about`` the root data entity ``./``,
which names the release (name, description, datePublished, license, publisher, version) and lists
its files in ``hasPart`` as ``File`` data entities with ``encodingFormat``, ``contentSize`` and
``sha256``. The manifest and SHA256SUMS are not listed: they are written after the crate and
record its checksum themselves.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

#: the RO-Crate version this crate conforms to
PROFILE = "https://w3id.org/ro/crate/1.3"
CONTEXT = "https://w3id.org/ro/crate/1.3/context"
FILE_NAME = "ro-crate-metadata.json"
#: media type of a release file by its suffix (the dumps carry theirs in the manifest)
MEDIA_BY_SUFFIX = {
    "trig": "application/trig", "nq": "application/n-quads", "ttl": "text/turtle",
    "nt": "application/n-triples", "jsonld": "application/ld+json", "rdf": "application/rdf+xml",
    "gz": "application/gzip", "csv": "text/csv", "json": "application/json", "cff": "application/yaml",
}
#: what each kind of release file is, by the end of its name
DESCRIPTIONS = (
    (".gz", "The dump before it, gzip-compressed (RFC 1952)."),
    (".trig", "The dataset as TriG: one named graph per source file."),
    (".nq", "The dataset as N-Quads: one named graph per source file."),
    (".ttl", "RDF in Turtle."),
    (".nt", "The ontology and data merged, as N-Triples."),
    (".jsonld", "JSON-LD."),
    (".rdf", "The ontology and data merged, as RDF/XML."),
    (".csv-metadata.json", "CSV on the Web metadata that turns the CSV table back into RDF."),
    (".csv", "A table of one class of things, one column per property the SHACL shapes allow."),
    ("datapackage.json", "Frictionless Data Package descriptor of the CSV tables."),
)


def media_type(name: str) -> str:
    """The media type of a release file, from its name."""
    if name.endswith(".csv-metadata.json"):
        return "application/csvm+json"  # CSVW metadata (Model for Tabular Data §5, IANA registration)
    return MEDIA_BY_SUFFIX.get(name.rsplit(".", 1)[-1], "application/octet-stream")


def describe(name: str) -> str:
    """A sentence about a release file, from its name."""
    special = {"void.ttl": "VoID and DCAT description of the dataset and its distributions.",
               "validation.ttl": "The SHACL validation report of the sources.",
               "context.jsonld": "The JSON-LD context the JSON-LD dump refers to."}
    if name in special:
        return special[name]
    return next((text for end, text in DESCRIPTIONS if name.endswith(end)), "A file of the release.")


def crate(files: Mapping[str, bytes], *, title: str, description: str, version: str, issued: str,
          release_url: str, licence: str, publisher: str, publisher_name: str,
          sparql: str) -> bytes:
    """The ro-crate-metadata.json bytes for a release holding ``files`` (the crate itself excluded)."""
    parts = []
    entities = []
    for name in sorted(files):
        data = files[name]
        entities.append({"@id": name, "@type": "File", "name": name, "description": describe(name),
                         "encodingFormat": media_type(name),
                         "contentSize": str(len(data)), "sha256": hashlib.sha256(data).hexdigest(),
                         "dateModified": issued})
        parts.append({"@id": name})
    root = {
        "@id": "./",
        "@type": "Dataset",
        "identifier": release_url,
        "url": release_url,
        "name": title,
        "description": description,
        "version": version,
        "datePublished": issued,
        "license": {"@id": licence},
        "publisher": {"@id": publisher},
        "creator": {"@id": publisher},
        "hasPart": sorted(parts, key=lambda p: p["@id"]),
    }
    graph = [
        {"@id": FILE_NAME, "@type": "CreativeWork", "conformsTo": {"@id": PROFILE}, "about": {"@id": "./"}},
        root,
        {"@id": licence, "@type": "CreativeWork", "name": "Creative Commons Attribution 4.0 International",
         "identifier": "CC-BY-4.0",
         "description": "Share and adapt for any purpose, giving appropriate credit."},
        {"@id": publisher, "@type": "Organization", "name": publisher_name, "url": sparql.rsplit("sparql", 1)[0]},
        *entities,
    ]
    return (json.dumps({"@context": CONTEXT, "@graph": graph}, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def release_crate(files: Mapping[str, bytes], *, base: str, version: str, issued: str, title: str,
                  publisher: str) -> bytes:
    """The crate of a build (kg.build.render), with the dataset's title, licence and addresses."""
    from netzwerke_kg.kg.void import LICENCE

    return crate(files, title=title, version=version, issued=issued,
                 description="Rostock's international city networks as RDF: networks, member cities, "
                             "memberships, conferences, sources and the claims they make; dumps in six "
                             "RDF formats, CSV tables with CSVW metadata, VoID/DCAT and the SHACL report.",
                 release_url=f"{base}downloads", licence=str(LICENCE), publisher=publisher,
                 publisher_name="The netzwerke-kg project", sparql=f"{base}sparql")

"""The dataset description (void.ttl): VoID + DCAT + SPDX checksums, computed from the built graph.

VoID: https://www.w3.org/TR/void/ · DCAT 3: https://www.w3.org/TR/vocab-dcat-3/ ·
SPDX checksums: https://spdx.org/rdf/terms/#d4e2180 (spdx:Checksum). Every node is named (no blank
nodes), so the description is as stable as the data.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, VOID, XSD

from netzwerke_kg import formats
from netzwerke_kg.namespaces import SCHEMA, nkg

SPDX = Namespace("http://spdx.org/rdf/terms#")
FORMATS = Namespace(formats.FORMATS_NS)
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
#: dcat:version is DCAT 3; rdflib's DCAT namespace object predates it
DCAT_VERSION = URIRef(f"{DCAT}version")
IANA = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class DumpFile:
    """One written dump, as the description needs it."""

    path: str
    format: str
    media_type: str
    bytes: int
    sha256: str
    triples: int
    compressed: bool = False


def dataset_iri(base: str) -> URIRef:
    """The IRI of the dataset itself."""
    return URIRef(f"{base}id/dataset/netzwerke-kg")


def download_url(base: str, path: str) -> URIRef:
    """Where a dist/ file is published (the web app serves dist/ under /dumps/)."""
    return URIRef(f"{base}dumps/{path}")


def _slug(iri: str, prefixes: Mapping[str, str]) -> str:
    """A readable path segment for a class or property: ``prefix-local`` in lower case, as every
    slug under ``id/`` is (so the partition's IRI dereferences), else a hash."""
    for p, ns in sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        local = iri[len(ns):]
        if p and iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_-]+", local):
            return f"{p}-{local}".lower()
    return _hash_slug(iri)


def _hash_slug(iri: str) -> str:
    """A path segment naming an IRI by its hash."""
    return hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]


def _slugs(iris: Iterable, prefixes: Mapping[str, str]) -> dict:
    """A unique slug per IRI: readable where that is unambiguous (two terms differing only in case
    would share one), a hash otherwise."""
    readable = {i: _slug(str(i), prefixes) for i in iris}
    taken = Counter(readable.values())
    return {i: slug if taken[slug] == 1 else _hash_slug(str(i)) for i, slug in readable.items()}


def describe(*, base: str, triples: Iterable, dumps: list[DumpFile], prefixes: Mapping[str, str],
             version: str, issued: str, publisher: URIRef | None, title: str) -> set:
    """The VoID/DCAT triples describing the merged graph ``triples`` and its ``dumps``."""
    triples = set(triples)
    ds = dataset_iri(base)
    out: set = set()

    def add(s, p, o):
        """Add one triple."""
        out.add((s, p, o))

    add(ds, RDF.type, VOID.Dataset)
    add(ds, RDF.type, DCAT.Dataset)
    add(ds, DCTERMS.title, Literal(title, lang="en"))
    add(ds, DCTERMS.title, Literal("Wissensgraph der internationalen Städtenetzwerke Rostocks", lang="de"))
    add(ds, DCTERMS.description, Literal(
        "The international city networks of the Hanseatic and University City of Rostock: networks, "
        "member cities, memberships, conferences, with the source of every statement and the "
        "disagreements between sources.", lang="en"))
    add(ds, DCTERMS.license, LICENCE)
    add(ds, OWL.versionInfo, Literal(version))
    add(ds, DCAT_VERSION, Literal(version))
    add(ds, DCTERMS.issued, Literal(issued, datatype=XSD.dateTime, normalize=False))
    if publisher is not None:
        add(ds, DCTERMS.publisher, publisher)
    add(ds, VOID.sparqlEndpoint, URIRef(f"{base}sparql"))
    add(ds, VOID.uriSpace, Literal(f"{base}id/"))
    add(ds, VOID.vocabulary, URIRef(f"{base}ontology#"))
    add(ds, DCAT.landingPage, URIRef(base))

    subjects = {s for s, _, _ in triples}
    objects = {o for _, _, o in triples}
    typed = {(s, o) for s, p, o in triples if p == RDF.type}
    classes = Counter(c for _, c in typed)  # entities per class
    properties = Counter(p for _, p, _ in triples)
    add(ds, VOID.triples, Literal(len(triples)))
    add(ds, VOID.entities, Literal(len({s for s in subjects if str(s).startswith(f"{base}id/")})))
    add(ds, VOID.classes, Literal(len(classes)))
    add(ds, VOID.properties, Literal(len(properties)))
    add(ds, VOID.distinctSubjects, Literal(len(subjects)))
    add(ds, VOID.distinctObjects, Literal(len(objects)))

    # VoID §4.5/§4.6: class partitions (entities per class) and property partitions (triples)
    class_slugs, property_slugs = _slugs(classes, prefixes), _slugs(properties, prefixes)
    for c, n in classes.items():
        part = URIRef(f"{ds}/class/{class_slugs[c]}")
        add(ds, VOID.classPartition, part)
        add(part, RDF.type, VOID.Dataset)
        add(part, VOID["class"], c)
        add(part, VOID.entities, Literal(n))
    for p, n in properties.items():
        part = URIRef(f"{ds}/property/{property_slugs[p]}")
        add(ds, VOID.propertyPartition, part)
        add(part, RDF.type, VOID.Dataset)
        add(part, VOID.property, p)
        add(part, VOID.triples, Literal(n))

    # the documents the statements were taken from
    docs = {s for s, c in typed if c in (FOAF.Document, SCHEMA.WebPage)}
    for d in docs:
        add(ds, DCTERMS.source, d)

    # VoID §6.1 example resources: the networks and Rostock, where present
    examples = {s for s, c in typed if c == nkg(base).CityNetwork}
    rostock = URIRef(f"{base}id/city/rostock")
    if rostock in subjects:
        examples.add(rostock)
    for e in examples:
        add(ds, VOID.exampleResource, e)

    for d in dumps:
        # no dots in the slug: a ".ttl" ending would read as a format suffix to the page router
        dist = URIRef(f"{base}id/distribution/{d.path.replace('.', '-')}")
        url = download_url(base, d.path)
        add(ds, DCAT.distribution, dist)
        if not d.compressed:
            add(ds, VOID.dataDump, url)
        add(dist, RDF.type, DCAT.Distribution)
        add(dist, DCTERMS.title, Literal(d.path))
        add(dist, DCAT.downloadURL, url)
        add(dist, DCAT.accessURL, url)
        add(dist, DCAT.mediaType, URIRef(IANA + d.media_type))
        if d.compressed:
            add(dist, DCAT.compressFormat, URIRef(IANA + "application/gzip"))
        add(dist, DCAT.byteSize, Literal(d.bytes, datatype=XSD.nonNegativeInteger))
        add(dist, DCTERMS.license, LICENCE)
        add(dist, DCTERMS.issued, Literal(issued, datatype=XSD.dateTime, normalize=False))
        add(dist, VOID.triples, Literal(d.triples))
        try:
            iri = formats.by_key(d.format).iri  # the W3C format IRI, from the one registry
        except KeyError:
            iri = None
        if iri:
            add(dist, DCTERMS.conformsTo, URIRef(iri))
        checksum = URIRef(f"{dist}/sha256")
        add(dist, SPDX.checksum, checksum)
        add(checksum, RDF.type, SPDX.Checksum)
        add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
        add(checksum, SPDX.checksumValue, Literal(d.sha256, datatype=XSD.hexBinary))
    add(ds, RDFS.label, Literal(title, lang="en"))
    return out


def void_prefixes() -> dict[str, str]:
    """Extra prefixes used by the description."""
    return {"spdx": str(SPDX), "formats": str(FORMATS), "void": str(VOID), "dcat": str(DCAT),
            "dcterms": str(DCTERMS), "foaf": str(FOAF)}

"""The project's namespaces, the canonical base IRI and the prefix map shared by every layer."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, TIME, VOID, XSD

#: The canonical base IRI the Turtle sources in data/ are written against. A build may publish
#: under another base (``netzwerke-kg build --base-iri``); see kg.build.
DEFAULT_BASE_IRI = "https://w3id.org/netzwerke-kg/"

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
WD = Namespace("http://www.wikidata.org/entity/")
CC = Namespace("http://creativecommons.org/ns#")


def nkg(base: str = DEFAULT_BASE_IRI) -> Namespace:
    """The ontology namespace (hash IRIs) under a base IRI."""
    return Namespace(f"{base}ontology#")


def instance_ns(base: str = DEFAULT_BASE_IRI) -> Namespace:
    """The namespace of instance IRIs ``{base}id/``."""
    return Namespace(f"{base}id/")


def graph_iri(name: str, base: str = DEFAULT_BASE_IRI) -> str:
    """The IRI of the named graph that holds one source file (``{base}graph/{name}``)."""
    return f"{base}graph/{name}"


NKG = nkg()
ID = instance_ns()


def prefixes(base: str = DEFAULT_BASE_IRI) -> dict[str, str]:
    """The prefix map used in dumps, the query editor and examples, in a stable order."""
    return {
        "nkg": f"{base}ontology#",
        "id": f"{base}id/",
        "network": f"{base}id/network/",
        "city": f"{base}id/city/",
        "country": f"{base}id/country/",
        "org": str(ORG),
        "schema": str(SCHEMA),
        "time": str(TIME),
        "prov": str(PROV),
        "geo": str(GEO),
        "geosparql": str(GSP),
        "skos": str(SKOS),
        "dcterms": str(DCTERMS),
        "dcat": str(DCAT),
        "void": str(VOID),
        "foaf": str(FOAF),
        "owl": str(OWL),
        "rdf": str(RDF),
        "rdfs": str(RDFS),
        "xsd": str(XSD),
        "sh": str(SH),
        "wd": str(WD),
    }


def prefix_block(base: str = DEFAULT_BASE_IRI) -> str:
    """The prefix map as SPARQL PREFIX declarations, one per line (a query's prologue)."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes(base).items())

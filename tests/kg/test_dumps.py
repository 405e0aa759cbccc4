"""Every file of one build of the project's sources: parses back, matches the sources, checks out.

Uses the session's ``built_dist`` (tests/conftest.py). Compared by meaning, after turning the
build's skolem IRIs (RDF 1.1 Concepts §3.5) back into blank nodes: rdflib.compare.isomorphic, and
pyoxigraph's RDF Dataset Canonicalization (RDFC-1.0), an independent parser and algorithm that also
keeps every literal's lexical form, so a dump that rewrote ``"054"^^xsd:integer`` into anything but
the one form the SPARQL engine also answers (kg.dumps.canonical, here ``"54"``) would fail.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
from collections import Counter
from datetime import datetime

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH, VOID

from tests.conftest import require_tool
from tests.support.skolem import deskolemise
from netzwerke_kg.kg import dumps
from netzwerke_kg.kg.build import DUMPS
from netzwerke_kg.kg.skolem import GENID
from netzwerke_kg.kg.sources import load_sources
from netzwerke_kg.kg.void import SPDX, dataset_iri
from netzwerke_kg.namespaces import DEFAULT_BASE_IRI, SCHEMA

MERGED = [(name, fmt) for name, fmt, _, scope in DUMPS if scope == "merged"]
RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld",
                 "trig": "trig", "nquads": "nquads"}
OX_FORMAT = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
             "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD,
             "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS}


def _ox_unskolem(term):
    """pyoxigraph: a skolem IRI back to a blank node."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(GENID):
        return ox.BlankNode(term.value[len(GENID):])
    return term


def one_form(graph: Graph) -> Graph:
    """``graph`` with every literal in the one form the writer and the engine use (canonical lexical
    forms, language tags in lower case as pyoxigraph keeps them, RDF 1.1 Concepts §3.3)."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.language:
            o = Literal(str(o), lang=o.language.lower())
        elif isinstance(o, Literal) and o.datatype is not None:
            o = Literal(dumps.canonical(str(o), str(o.datatype)), datatype=o.datatype, normalize=False)
        out.add((s, p, o))
    return out


def canonical(quads, one_lexical_form: bool = False) -> ox.Dataset:
    """An RDFC-1.0 canonicalised pyoxigraph Dataset of ``quads`` (skolem IRIs as blank nodes),
    literals put in the writer's one lexical form when ``one_lexical_form``."""
    ds = ox.Dataset()
    for q in quads:
        obj = dumps.ox_term(q.object) if one_lexical_form else q.object
        ds.add(ox.Quad(_ox_unskolem(q.subject), q.predicate, _ox_unskolem(obj), q.graph_name))
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return ds


def source_quads(root, sources, kinds=None, named=True):
    """The source files parsed by pyoxigraph: into their named graphs, or all into the default graph."""
    for f in sources.files:
        if kinds and f.kind not in kinds:
            continue
        full = root / f.path
        graph = ox.NamedNode(str(f.graph_iri())) if named else ox.DefaultGraph()
        for q in ox.parse(path=str(full), format=ox.RdfFormat.TURTLE, base_iri=full.resolve().as_uri()):
            yield ox.Quad(q.subject, q.predicate, q.object, graph)


def dump_text(dist, name: str, fmt: str) -> str:
    """A dump's text; JSON-LD with the published context inlined (tests make no outbound request)."""
    data = (dist / name).read_text(encoding="utf-8")
    if fmt == "jsonld":
        doc = json.loads(data)
        doc["@context"] = json.loads((dist / "context.jsonld").read_text(encoding="utf-8"))["@context"]
        data = json.dumps(doc)
    return data


@pytest.fixture(scope="module")
def sources(built_dist, root):
    """The project's sources, as the build read them."""
    return load_sources(root)


@pytest.fixture(scope="module")
def manifest(built_dist):
    """dist/manifest.json."""
    return json.loads((built_dist / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name,fmt", MERGED)
def test_merged_dump_is_isomorphic_to_ontology_plus_data(built_dist, sources, name, fmt):
    """Turtle, N-Triples, JSON-LD and RDF/XML each hold exactly the ontology + data graph."""
    text = dump_text(built_dist, name, fmt)
    parsed = Graph().parse(data=text, format=RDFLIB_FORMAT[fmt])
    assert isomorphic(deskolemise(parsed), one_form(sources.graph("ontology", "data")))


@pytest.mark.parametrize("name,fmt", MERGED)
def test_merged_dump_keeps_every_lexical_form_rdfc10(built_dist, root, sources, name, fmt):
    """Independently of rdflib: the pyoxigraph-parsed dump equals the sources after RDFC-1.0."""
    text = dump_text(built_dist, name, fmt)
    dumped = canonical(ox.parse(text.encode("utf-8"), format=OX_FORMAT[fmt], base_iri="https://example.org/"))
    expected = canonical(source_quads(root, sources, ("ontology", "data"), named=False), True)
    assert dumped == expected


def test_every_dump_writes_a_literal_in_the_form_the_engine_answers(built_dist, built_store):
    """Hamburg's ``"10.0"^^xsd:decimal``: every dump says what SPARQL answers ("10"), so merging a
    dump with a query answer never holds the value twice (RDF 1.1 Concepts §3.3)."""
    hamburg = ox.NamedNode(f"{DEFAULT_BASE_IRI}id/city/hamburg")
    long_ = ox.NamedNode("http://www.w3.org/2003/01/geo/wgs84_pos#long")
    answered = {q.object for q in built_store.quads_for_pattern(hamburg, long_, None)}
    assert {o.value for o in answered} == {"10"}
    for name, fmt, _, _ in DUMPS:
        text = dump_text(built_dist, name, fmt)
        found = {t.object for t in ox.parse(text.encode(), format=OX_FORMAT[fmt], base_iri="https://example.org/")
                 if t.subject == hamburg and t.predicate == long_}
        assert found == answered, name


@pytest.mark.parametrize("name,fmt", [("netzwerke-kg.trig", "trig"), ("netzwerke-kg.nq", "nquads")])
def test_dataset_dump_has_every_source_file_as_its_named_graph(built_dist, root, sources, name, fmt):
    """TriG and N-Quads: one named graph per source file (ontology and shapes too), same content."""
    quads = list(ox.parse(path=str(built_dist / name), format=OX_FORMAT[fmt]))
    assert not any(isinstance(q.graph_name, ox.DefaultGraph) for q in quads)  # all in named graphs
    names = {q.graph_name.value for q in quads}
    assert names == {str(f.graph_iri()) for f in sources.files if len(sources.dataset.graph(f.graph_iri()))}
    assert canonical(quads) == canonical(source_quads(root, sources), True)
    # rdflib agrees graph by graph; the shapes graph (over a thousand blank nodes) is left to
    # RDFC-1.0 above, because rdflib.compare needs ~10 s for it
    ds = Dataset()
    ds.parse(built_dist / name, format=RDFLIB_FORMAT[fmt])
    for f in sources.files:
        if f.kind != "shapes":
            assert isomorphic(deskolemise(ds.graph(f.graph_iri())),
                              one_form(sources.dataset.graph(f.graph_iri()))), f.name


@pytest.mark.parametrize("name,syntax", [("netzwerke-kg.ttl", "turtle"), ("netzwerke-kg.nt", "ntriples"),
                                         ("netzwerke-kg.rdf", "rdfxml"), ("netzwerke-kg.trig", "trig"),
                                         ("netzwerke-kg.nq", "nquads")])
def test_rapper_parses_the_dump_and_counts_the_same_triples(built_dist, manifest, name, syntax):
    """raptor2 (an independent parser) reads the dump and counts what rdflib and the manifest count."""
    rapper = require_tool("rapper", "the dumps are checked with an independent parser")
    run = subprocess.run([rapper, "-i", syntax, "-c", str(built_dist / name), "https://example.org/"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert "Error" not in run.stderr and "Warning" not in run.stderr, run.stderr
    counted = int(re.search(r"returned (\d+) (triples|statements)", run.stderr).group(1))
    entry = next(f for f in manifest["files"] if f["path"] == name)
    if syntax in ("trig", "nquads"):
        ds = Dataset()
        ds.parse(built_dist / name, format=RDFLIB_FORMAT[syntax])
        rdflib_count = sum(len(g) for g in ds.graphs())
    else:
        rdflib_count = len(Graph().parse(built_dist / name, format=RDFLIB_FORMAT[syntax]))
    assert counted == rdflib_count == entry["triples"]


@pytest.mark.parametrize("name", [name for name, *_ in DUMPS])
def test_gzip_twin_decompresses_to_the_dump_and_carries_no_name_or_time(built_dist, name):
    """``X.gz`` is ``X`` compressed, with mtime 0 and no file name in the header (RFC 1952 §2.3)."""
    packed = (built_dist / f"{name}.gz").read_bytes()
    assert gzip.decompress(packed) == (built_dist / name).read_bytes()
    flags, mtime = packed[3], int.from_bytes(packed[4:8], "little")
    assert flags & 0x08 == 0 and mtime == 0


def sha256(path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sha256sums_lists_every_other_file_with_its_hash_sorted(built_dist):
    """SHA256SUMS is in ``sha256sum`` format, sorted, and matches every file but itself."""
    lines = (built_dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    entries = [line.split("  ", 1) for line in lines]
    names = [n for _, n in entries]
    assert names == sorted(names)
    assert set(names) == {p.name for p in built_dist.iterdir() if p.is_file()} - {"SHA256SUMS"}
    for digest, name in entries:
        assert digest == sha256(built_dist / name), name


def test_manifest_has_the_agreed_keys_and_true_hashes(built_dist, manifest, root):
    """manifest.json: the keys fixed between the parts; sizes and hashes of every file and source."""
    assert set(manifest) == {"name", "version", "base_iri", "issued", "release", "conforms", "violations",
                             "warnings", "triples", "quads", "graphs", "files", "sources"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["issued"])
    for entry in manifest["files"]:
        path = built_dist / entry["path"]
        assert entry["bytes"] == path.stat().st_size and entry["sha256"] == sha256(path)
        if entry["gzip"]:
            gz = built_dist / entry["gzip"]["path"]
            assert entry["gzip"]["bytes"] == gz.stat().st_size and entry["gzip"]["sha256"] == sha256(gz)
    assert {e["path"] for e in manifest["files"]} >= {name for name, *_ in DUMPS}
    for src in manifest["sources"]:
        assert src["sha256"] == sha256(root / src["path"])
    # the release hash covers the checksum list of every file except the manifest itself
    listing = "".join(line + "\n" for line in (built_dist / "SHA256SUMS").read_text().splitlines()
                      if not line.endswith("  manifest.json"))
    assert manifest["release"] == hashlib.sha256(listing.encode()).hexdigest()
    # written with sorted keys and an indent of 2
    assert (built_dist / "manifest.json").read_text() == json.dumps(manifest, indent=2, sort_keys=True,
                                                                     ensure_ascii=False) + "\n"


def test_manifest_counts_are_the_real_counts(built_dist, manifest, sources):
    """triples (merged), quads and per-graph counts equal what the dumps hold."""
    ds = Dataset()
    ds.parse(built_dist / "netzwerke-kg.nq", format="nquads")
    per_graph = {str(g.identifier): len(g) for g in ds.graphs() if len(g)}
    assert manifest["graphs"] == per_graph
    assert manifest["quads"] == sum(per_graph.values())
    assert manifest["triples"] == len(sources.graph("ontology", "data"))
    assert manifest["conforms"] is True and manifest["violations"] == 0


def test_jsonld_names_the_published_context(built_dist, manifest):
    """The JSON-LD dump is compacted against ``{base}context.jsonld``, which dist/ publishes."""
    doc = json.loads((built_dist / "netzwerke-kg.jsonld").read_text(encoding="utf-8"))
    context = json.loads((built_dist / "context.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == f"{manifest['base_iri']}context.jsonld"
    assert context["@context"]["nkg"] == f"{manifest['base_iri']}ontology#"
    # compacted: at least the ontology's own terms are written as compact IRIs
    assert any(str(k).startswith("nkg:") or str(n.get("@id", "")).startswith("nkg:")
               for n in doc["@graph"] for k in n)


def test_validation_report_is_the_shacl_report_the_manifest_counts(built_dist, manifest):
    """validation.ttl is a SHACL validation report whose results match the manifest's counts."""
    report = Graph().parse(built_dist / "validation.ttl", format="turtle")
    (node,) = set(report.subjects(RDF.type, SH.ValidationReport))
    assert report.value(node, SH.conforms).toPython() is manifest["conforms"]
    severities = Counter(report.value(r, SH.resultSeverity) for r in report.objects(node, SH.result))
    assert severities[SH.Violation] == manifest["violations"]
    assert severities[SH.Warning] == manifest["warnings"]


# --- VoID / DCAT ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def void(built_dist):
    """dist/void.ttl parsed."""
    return Graph().parse(built_dist / "void.ttl", format="turtle")


def test_void_counts_equal_the_real_counts(built_dist, void, sources):
    """void:triples, class partitions (entities) and property partitions (triples) are true."""
    merged = sources.graph("ontology", "data")
    ds = dataset_iri(DEFAULT_BASE_IRI)
    assert void.value(ds, VOID.triples).toPython() == len(merged)
    classes = Counter(o for o in set(merged.objects(None, RDF.type)))
    real_classes = {c: len(set(merged.subjects(RDF.type, c))) for c in classes}
    stated = {void.value(part, VOID["class"]): void.value(part, VOID.entities).toPython()
              for part in void.objects(ds, VOID.classPartition)}
    assert stated == real_classes
    real_props = Counter(p for _, p, _ in merged)
    stated_props = {void.value(part, VOID.property): void.value(part, VOID.triples).toPython()
                    for part in void.objects(ds, VOID.propertyPartition)}
    assert stated_props == dict(real_props)
    assert void.value(ds, VOID.classes).toPython() == len(real_classes)
    assert void.value(ds, VOID.properties).toPython() == len(real_props)


def test_void_describes_every_distribution_truly(built_dist, void, manifest):
    """One dcat:Distribution per dump and per .gz, with media type, size, SHA-256 and triples."""
    ds = dataset_iri(DEFAULT_BASE_IRI)
    dists = set(void.objects(ds, DCAT.distribution))
    expected = {e["path"] for e in manifest["files"] if e["gzip"]} | {e["gzip"]["path"] for e in
                                                                      manifest["files"] if e["gzip"]}
    by_title = {str(void.value(d, DCTERMS.title)): d for d in dists}
    assert set(by_title) == expected
    for name, d in by_title.items():
        path = built_dist / name
        assert (d, RDF.type, DCAT.Distribution) in void
        assert void.value(d, DCAT.byteSize).toPython() == path.stat().st_size
        checksum = void.value(d, SPDX.checksum)
        assert void.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(void.value(checksum, SPDX.checksumValue)) == sha256(path)
        entry = next(e for e in manifest["files"] if name in (e["path"], (e["gzip"] or {}).get("path")))
        assert void.value(d, VOID.triples).toPython() == entry["triples"]
        assert str(void.value(d, DCAT.mediaType)).endswith("/" + entry["media_type"])


def test_void_has_licence_endpoint_uri_space_sources_and_version(void, manifest, sources):
    """Licence CC BY 4.0, SPARQL endpoint, URI space, source documents, version and issued."""
    base = manifest["base_iri"]
    ds = dataset_iri(base)
    assert (ds, RDF.type, VOID.Dataset) in void and (ds, RDF.type, DCAT.Dataset) in void
    assert void.value(ds, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert void.value(ds, VOID.sparqlEndpoint) == URIRef(f"{base}sparql")
    assert void.value(ds, VOID.uriSpace) == Literal(f"{base}id/")
    issued = datetime.fromisoformat(manifest["issued"].replace("Z", "+00:00"))
    assert void.value(ds, DCTERMS.issued).toPython() == issued
    assert str(void.value(ds, URIRef(f"{DCAT}version"))) == manifest["version"]
    merged = sources.graph("ontology", "data")
    docs = set(merged.subjects(RDF.type, FOAF.Document)) | set(merged.subjects(RDF.type, SCHEMA.WebPage))
    assert set(void.objects(ds, DCTERMS.source)) == docs
    dumps = {str(u).rsplit("/", 1)[-1] for u in void.objects(ds, VOID.dataDump)}
    assert dumps == {name for name, *_ in DUMPS}
    for example in void.objects(ds, VOID.exampleResource):
        assert (example, None, None) in merged

"""The release's CSV tables round-trip through CSVW, pass Frictionless, and its RO-Crate validates.

The CSVW files are read by the ``csvw`` library (cldf/csvw: it parses the dialect, checks and types
every cell against the column's datatype and expands the URI templates); ``csv2rdf`` below applies
the rules of "Generating RDF from Tabular Data on the Web" (W3C, 2015, §4.6 minimal mode) to what
it read. The expected triples come from the N-Triples dump, never from kg.csvw.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from tests.conftest import require_tool

NKG = "https://w3id.org/netzwerke-kg/ontology#"
#: each table and the class whose instances are its rows (written out, not taken from kg.csvw)
CLASSES = {"networks": NKG + "CityNetwork", "cities": "https://schema.org/City",
           "memberships": "http://www.w3.org/ns/org#Membership",
           "sources": "http://xmlns.com/foaf/0.1/Document", "claims": NKG + "Claim"}


def csv2rdf(metadata: Path) -> Graph:
    """The triples a CSVW processor generates (minimal mode) from one table and its metadata."""
    import csvw
    from csvw import dsv
    from rdflib.namespace import XSD

    table = csvw.Table.from_file(metadata)
    graph = Graph()
    raw_rows = list(dsv.reader(metadata.parent / str(table.url), dicts=True))
    typed_rows = list(table.iterdicts())  # raises on a cell that does not fit its datatype
    assert len(raw_rows) == len(typed_rows)
    for number, (typed, raw) in enumerate(zip(typed_rows, raw_rows), start=1):
        about = URIRef(table.expand(table.tableSchema.aboutUrl, typed, _row=number))
        for col in table.tableSchema.columns:
            if col.suppressOutput or typed.get(col.name) is None:
                continue  # csv2rdf §4.6.8: null cells and suppressed columns give no triple
            prop = URIRef(table.expand(col.propertyUrl, typed, _row=number, _name=col.name))
            if col.valueUrl is not None:
                obj = URIRef(table.expand(col.valueUrl, typed, _row=number, _name=col.name))
            elif col.datatype.base == "string":
                # the language applies to strings only; "und" (the default) means none (§4.6.8.3)
                lang = col.lang if col.lang and col.lang != "und" else None
                obj = Literal(raw[col.name], lang=lang)
            else:
                obj = Literal(raw[col.name], datatype=XSD[col.datatype.base])
            graph.add((about, prop, obj))
    return graph


@pytest.fixture(scope="module")
def dump(built_dist) -> Graph:
    """The merged graph as the N-Triples dump publishes it."""
    return Graph().parse(built_dist / "netzwerke-kg.nt", format="nt")


@pytest.mark.parametrize("table", sorted(CLASSES))
def test_csvw_round_trip_gives_the_same_triples(built_dist, dump, table):
    """Every instance of the class is a row; CSVW turns the table back into exactly its triples."""
    metadata = json.loads((built_dist / f"{table}.csv-metadata.json").read_text())
    properties = {URIRef(c["propertyUrl"]) for c in metadata["tableSchema"]["columns"] if "propertyUrl" in c}
    instances = set(dump.subjects(RDF.type, URIRef(CLASSES[table])))
    assert instances, f"no {table} in the build"
    expected = Graph()
    for s in instances:
        for p, o in dump.predicate_objects(s):
            if p in properties:
                expected.add((s, p, o))
    got = csv2rdf(built_dist / f"{table}.csv-metadata.json")
    assert set(got.subjects()) == instances
    assert isomorphic(got, expected), (set(expected) - set(got), set(got) - set(expected))


def test_tables_have_a_column_per_property_the_shapes_allow(built_dist):
    """The cities table has the columns the city shapes name, the claims table the claim shape's."""
    header = lambda name: (built_dist / f"{name}.csv").read_text().splitlines()[0].split(",")  # noqa: E731
    assert {"id", "rdf_type", "geo_lat", "geo_long", "owl_sameAs", "owl_sameAs_2",
            "schema_containedInPlace", "rdfs_label_de", "rdfs_label_en"} <= set(header("cities"))
    assert {"rdf_subject", "rdf_predicate", "dcterms_date_date", "dcterms_date_gYear",
            "prov_wasDerivedFrom", "nkg_approximate"} <= set(header("claims"))


def test_frictionless_validates_the_data_package(built_dist):
    """`frictionless validate datapackage.json` reports every table valid."""
    exe = Path(sys.executable).with_name("frictionless")
    if not exe.exists():
        exe = Path(require_tool("frictionless", "the data package is checked by Frictionless"))
    run = subprocess.run([str(exe), "validate", "--json", "datapackage.json"], cwd=built_dist,
                         capture_output=True, text=True, timeout=300)
    report = json.loads(run.stdout)
    assert run.returncode == 0 and report["valid"], run.stdout[-2000:]
    assert {t["name"] for t in report["tasks"]} == set(CLASSES)


class _LocalContexts:
    """A requests transport adapter answering for the RO-Crate context from ro-crate-py's copy.

    This machine has no network; the validator resolves the crate's ``@context`` URL over HTTP.
    The document is the real RO-Crate context, as the ``rocrate`` package (ro-crate-py) ships it.
    """

    @staticmethod
    def adapter(documents: dict[str, bytes]):
        """An HTTPAdapter that serves ``documents`` by URL and refuses everything else."""
        import requests
        import urllib3
        from requests.adapters import HTTPAdapter

        class Adapter(HTTPAdapter):
            def send(self, request, **kwargs):
                """The local document for request.url, else a connection error (we are offline)."""
                body = documents.get(request.url)
                if body is None:
                    raise requests.ConnectionError(f"offline: {request.url}")
                raw = urllib3.HTTPResponse(body=io.BytesIO(body), status=200, preload_content=False,
                                           headers={"Content-Type": "application/ld+json"},
                                           request_url=request.url)
                return self.build_response(request, raw)

        return Adapter()


@pytest.mark.slow
def test_ro_crate_passes_roc_validator(built_dist, tmp_path):
    """roc-validator (the RO-Crate validator on PyPI) finds no required issue in the release's crate."""
    import rocrate
    from rocrate_validator import models, services
    from rocrate_validator.utils.http import HttpRequester

    release = (built_dist / "current").resolve()  # kg.release: the files live in releases/<id>/
    crate = json.loads((release / "ro-crate-metadata.json").read_text())
    context = crate["@context"]
    shipped = Path(rocrate.__file__).parent / "data" / "ro-crate.jsonld"
    assert json.loads(shipped.read_text())["@id"] == context, "ro-crate-py ships another context version"
    version = context.split("/crate/")[1].split("/")[0]
    settings = services.ValidationSettings(rocrate_uri=str(release), profile_identifier=f"ro-crate-{version}",
                                           requirement_severity=models.Severity.REQUIRED,
                                           cache_path=str(tmp_path))
    HttpRequester().session.mount("https://", _LocalContexts.adapter({context: shipped.read_bytes()}))
    result = services.validate(settings)
    issues = [f"{i.check.identifier if i.check else '?'}: {i.message}" for i in result.get_issues()]
    assert not result.has_issues(), issues
    # and it describes every file of the release but the two written after it
    described = {e["@id"] for e in crate["@graph"] if e.get("@type") == "File"}
    on_disk = {p.name for p in release.iterdir()} - {"manifest.json", "SHA256SUMS", "ro-crate-metadata.json"}
    assert described == on_disk

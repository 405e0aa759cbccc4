"""kg.sources: one named graph per file, each subject indexed to its file and line, exact syntax errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from netzwerke_kg.kg.sources import Location, SourceError, SourceSyntaxError, discover, load_sources

CITY = "https://w3id.org/netzwerke-kg/id/city/"

CITIES = """@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix city: <https://w3id.org/netzwerke-kg/id/city/> .

# Rostock first
city:rostock a schema:City ;
    rdfs:label "Rostock"@de .

<https://w3id.org/netzwerke-kg/id/city/gdansk> a schema:City ;
    schema:containedInPlace [ rdfs:label "nested, not a subject line"@en ] .
city:turku
    a schema:City .
"""


def project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A project directory with the given files (paths relative to the root)."""
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return tmp_path


def test_subjects_are_indexed_to_file_and_line(tmp_path):
    """Prefixed and full-IRI subjects at column 0 map to the line where they start."""
    root = project(tmp_path, {"data/cities.ttl": CITIES})
    sources = load_sources(root)
    assert sources.locate(CITY + "rostock") == Location(Path("data/cities.ttl"), 6)
    assert sources.locate(URIRef(CITY + "gdansk")) == Location(Path("data/cities.ttl"), 9)
    assert sources.locate(CITY + "turku") == Location(Path("data/cities.ttl"), 11)
    assert sources.locate(CITY + "nowhere") is None


def test_first_definition_wins_across_files(tmp_path):
    """A subject described in two files is located where it is first defined (files sorted by name)."""
    extra = "@prefix city: <https://w3id.org/netzwerke-kg/id/city/> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n\ncity:rostock owl:sameAs <http://www.wikidata.org/entity/Q2706> .\n"
    root = project(tmp_path, {"data/a-links.ttl": extra, "data/cities.ttl": CITIES})
    assert load_sources(root).locate(CITY + "rostock") == Location(Path("data/a-links.ttl"), 4)


def test_one_named_graph_per_file(tmp_path):
    """Every file becomes the graph {base}graph/{dir}/{stem}; graph() merges the chosen kinds."""
    root = project(tmp_path, {"data/cities.ttl": CITIES,
                              "ontology/o.ttl": "<urn:x> <urn:p> <urn:y> .\n"})
    sources = load_sources(root)
    names = {f.name: f.kind for f in sources.files}
    assert names == {"ontology/o": "ontology", "data/cities": "data"}
    graph = sources.dataset.graph(URIRef("https://w3id.org/netzwerke-kg/graph/data/cities"))
    assert len(graph) == 6
    assert len(sources.graph("data")) == 6
    assert len(sources.graph()) == 7


def test_data_paths_replace_data_dir(tmp_path):
    """Explicit data paths (files or directories) replace data/, ontology/ and shapes/ stay."""
    root = project(tmp_path, {"data/cities.ttl": CITIES, "other/x.ttl": "<urn:a> <urn:b> <urn:c> .\n",
                              "shapes/s.ttl": "<urn:s> <urn:p> <urn:o> .\n"})
    found = discover(root, [root / "other"])
    assert [(f.kind, f.name, f.path) for f in found] == [("data", "data/x", Path("other/x.ttl")),
                                                        ("shapes", "shapes/s", Path("shapes/s.ttl"))]


def test_syntax_error_names_file_line_and_column(tmp_path):
    """A missing dot is reported at the line and column where the parser stopped."""
    broken = CITIES.replace('rdfs:label "Rostock"@de .', 'rdfs:label "Rostock"@de')
    root = project(tmp_path, {"data/cities.ttl": broken})
    with pytest.raises(SourceSyntaxError) as caught:
        load_sources(root)
    err = caught.value
    assert err.location.path == Path("data/cities.ttl")
    assert err.location.line == 9 and err.location.column >= 1
    assert str(err).startswith(f"data/cities.ttl:9:{err.location.column}: ")


def test_undefined_prefix_is_a_syntax_error(tmp_path):
    """An undeclared prefix is caught with its position."""
    root = project(tmp_path, {"data/x.ttl": "\n\ncity:rostock a <urn:City> .\n"})
    with pytest.raises(SourceSyntaxError) as caught:
        load_sources(root)
    assert (caught.value.location.line, caught.value.location.column) == (3, 1)


def test_non_utf8_file_names_its_line(tmp_path):
    """A Latin-1 file is refused as not UTF-8, with the line of the first bad byte."""
    latin1 = '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n<urn:x> rdfs:label "Straße"@de .\n'.encode("latin-1")
    root = project(tmp_path, {"data/x.ttl": latin1})
    with pytest.raises(SourceSyntaxError) as caught:
        load_sources(root)
    assert caught.value.location == Location(Path("data/x.ttl"), 3)
    assert "UTF-8" in caught.value.message


def test_missing_data_path_is_a_source_error(tmp_path):
    """A data path that does not exist is unreadable input, not a crash."""
    with pytest.raises(SourceError, match="no such file"):
        load_sources(tmp_path, [tmp_path / "nope.ttl"])

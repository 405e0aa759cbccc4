"""kg.validation and `netzwerke-kg validate`: every shape fires on its fixture, reports name file:line."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH

from netzwerke_kg.cli import main
from netzwerke_kg.kg.sources import SourceSyntaxError
from netzwerke_kg.kg.validation import validate_project
from tests.support.skolem import deskolemise

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
NKGSH = "https://w3id.org/netzwerke-kg/shapes#"

_HEADER = re.compile(r"^# (shape|constraint|severity|focus|path): (\S+)\s*$")


def expectation(fixture: Path) -> dict[str, str]:
    """The expected result a fixture's header comment names, with prefixed names expanded."""
    text = fixture.read_text(encoding="utf-8")
    found = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if m:
            found[m.group(1)] = m.group(2)
    assert {"shape", "constraint", "severity", "focus"} <= found.keys(), f"{fixture.name}: header incomplete"
    namespaces = dict(Graph(bind_namespaces="none").parse(fixture, format="turtle").namespaces())
    namespaces.update({"nkgsh": NKGSH, "sh": str(SH)})

    def expand(name: str) -> str:
        """A prefixed name of the header as a full IRI."""
        prefix, _, local = name.partition(":")
        return str(namespaces[prefix]) + local

    expected = {key: expand(value) for key, value in found.items()}
    expected["focus_token"] = found["focus"]
    expected["severity"] = found["severity"].partition(":")[2]
    return expected


def line_of(fixture: Path, token: str) -> int:
    """The line (1-based) where ``token`` starts a statement in the fixture, found independently."""
    for number, line in enumerate(fixture.read_text(encoding="utf-8").splitlines(), start=1):
        if line.split(" ", 1)[0] == token:
            return number
    raise AssertionError(f"{token} is not a subject in {fixture.name}")


@pytest.mark.parametrize("fixture", INVALID, ids=[f.stem for f in INVALID])
def test_invalid_fixture_triggers_its_shape(fixture):
    """Each fixture makes the named shape fire with the named constraint, severity and file:line."""
    want = expectation(fixture)
    report = validate_project(ROOT, [fixture])
    hits = [r for r in report.results
            if r.shape == want["shape"] and r.constraint == want["constraint"] and r.focus == want["focus"]
            and ("path" not in want or r.path == want["path"])]
    assert hits, f"{fixture.name}: expected {want}, got {[r.as_dict() for r in report.results]}"
    hit = hits[0]
    assert hit.severity == want["severity"]
    assert hit.location is not None
    assert hit.location.path == fixture.relative_to(ROOT)
    assert hit.location.line == line_of(fixture, want["focus_token"])
    assert hit.message("de") and hit.message("en") and hit.message("de") != hit.message("en")
    assert report.conforms == (not any(r.severity == "Violation" for r in report.results))
    if want["severity"] == "Violation":
        assert not report.conforms


def test_every_node_shape_has_a_failing_fixture():
    """Coverage cannot silently drop: each node shape in shapes/ is named by some invalid fixture."""
    shapes = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes.parse(path, format="turtle")
    node_shapes = {str(s) for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    assert len(node_shapes) >= 20
    covered = {expectation(f)["shape"] for f in INVALID}
    assert node_shapes - covered == set()
    assert covered - node_shapes == set(), "a fixture names a shape that does not exist"


def test_valid_fixture_conforms_without_any_result():
    """The complete example of docs/model.md raises no violation, warning or note."""
    report = validate_project(ROOT, [FIXTURES / "valid"])
    assert [r.as_dict() for r in report.results] == []
    assert report.conforms
    assert (None, SH.conforms, None) in report.graph


def test_text_report_groups_by_resource_in_both_languages():
    """The text names the resource's label and IRI, the file and line, the property, message, value."""
    fixture = FIXTURES / "invalid" / "latitude-out-of-range.ttl"
    report = validate_project(ROOT, [fixture])
    line = line_of(fixture, "city:rostock")
    for lang, where, prop in (("en", f"line {line}", "latitude"), ("de", f"Zeile {line}", "geografische Breite")):
        text = report.to_text(lang).splitlines()
        # the fixture: latitude out of range; no Wikidata link, no country (warnings); no GeoNames (note)
        assert text[0] == {"en": "Validation report: 1 violation, 2 warnings, 1 note",
                           "de": "Prüfbericht: 1 Verstoß, 2 Warnungen, 1 Hinweis"}[lang]  # summary first
        head = text.index("“Rostock” <https://w3id.org/netzwerke-kg/id/city/rostock>")
        assert text[head + 1].strip().endswith(f"tests/fixtures/invalid/latitude-out-of-range.ttl, {where}")
        block = text[head + 2:]
        assert any(f"“{prop}” (geo:lat)" in row for row in block)
        assert any(row.strip() == report.violations[0].message(lang) for row in block)
        assert any(row.strip().endswith('"154.0887"^^xsd:decimal') for row in block)


def test_json_report_is_stable_and_complete():
    """to_json parses, has sorted stable keys and the same counts as the report."""
    fixture = FIXTURES / "invalid" / "membership-without-source.ttl"
    report = validate_project(ROOT, [fixture])
    assert validate_project(ROOT, [fixture]).to_json() == report.to_json()  # no run-specific ids
    doc = json.loads(report.to_json())
    assert doc["conforms"] is False
    assert doc["violations"] == len(report.violations) >= 1
    assert set(doc["results"][0]) == {"constraint", "file", "focus", "focus_label", "line", "message", "path",
                                      "path_label", "severity", "shape", "source_shape", "value"}
    assert report.to_json() == json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True)


def test_turtle_report_is_deterministic_and_faithful():
    """Two validations give byte-identical Turtle, isomorphic to pySHACL's report graph, no blank nodes."""
    fixture = FIXTURES / "invalid" / "city-twin-one-way.ttl"
    first, second = validate_project(ROOT, [fixture]), validate_project(ROOT, [fixture])
    assert first.to_turtle() == second.to_turtle()
    parsed = Graph().parse(data=first.to_turtle(), format="turtle")
    assert all(not t.startswith("_:") for triple in parsed for t in (x.n3() for x in triple))
    # the skolemised graph is the report graph with blank nodes renamed: same shape, same size
    assert len(parsed) == len(first.graph)
    assert isomorphic(deskolemise(parsed), first.graph)


# --- the command line -------------------------------------------------------------------------


def make_project(tmp_path: Path, data: dict[str, str | bytes]) -> Path:
    """A project under tmp_path with the real ontology/ and shapes/ and the given data files."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(ROOT / "shapes", root / "shapes")
    (root / "data").mkdir()
    for name, content in data.items():
        target = root / "data" / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


def test_cli_exit_0_when_conforming(tmp_path, capsys):
    """validate exits 0 on conforming data and says so."""
    root = make_project(tmp_path, {"all.ttl": (FIXTURES / "valid" / "complete.ttl").read_text("utf-8")})
    assert main(["validate", "--root", str(root)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Validation report: 0 violations, 0 warnings, 0 notes"


def test_cli_exit_1_on_violations_and_json_parses(tmp_path, capsys):
    """validate exits 1 on violations; --format json is machine-readable and names file and line."""
    fixture = FIXTURES / "invalid" / "membership-without-member.ttl"
    root = make_project(tmp_path, {"memberships.ttl": fixture.read_text("utf-8")})
    assert main(["validate", "--root", str(root), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    hit = next(r for r in doc["results"] if r["path"] == "http://www.w3.org/ns/org#member")
    assert (hit["file"], hit["line"]) == ("data/memberships.ttl", line_of(fixture, "membership:example-rostock"))


def test_cli_warnings_alone_exit_0_unless_strict(tmp_path, capsys):
    """Warnings do not fail validation, except with --strict."""
    fixture = FIXTURES / "invalid" / "city-missing-coordinate.ttl"
    root = make_project(tmp_path, {"cities.ttl": fixture.read_text("utf-8")})
    assert main(["validate", "--root", str(root)]) == 0
    assert main(["validate", "--root", str(root), "--strict"]) == 1


def test_cli_syntax_error_names_file_line_column(tmp_path, capsys):
    """A Turtle typo exits 2 and names the file, line and column."""
    bad = "@prefix schema: <https://schema.org/> .\n\n<https://w3id.org/netzwerke-kg/id/city/x> a schema:City ;\n    schema:name \"X\" \"Y\" .\n"
    root = make_project(tmp_path, {"cities.ttl": bad})
    assert main(["validate", "--root", str(root)]) == 2
    err = capsys.readouterr().err
    m = re.search(r"data/cities\.ttl:(\d+):(\d+): ", err)
    assert m, err
    assert int(m.group(1)) == 4 and int(m.group(2)) > 0


def test_cli_unreadable_file_exits_2(tmp_path, capsys):
    """A file that is not UTF-8 is unreadable input: exit 2 with the file named."""
    root = make_project(tmp_path, {"cities.ttl": b"# Stra\xdfe\n"})
    assert main(["validate", "--root", str(root)]) == 2
    assert "data/cities.ttl:1" in capsys.readouterr().err


def test_syntax_error_is_raised_before_validation(tmp_path):
    """validate_project raises SourceSyntaxError with the location, it does not validate broken input."""
    root = make_project(tmp_path, {"x.ttl": "@prefix ex: <http://example.org/> .\nex:a ex:b .\n"})
    with pytest.raises(SourceSyntaxError) as caught:
        validate_project(root)
    assert caught.value.location.path == Path("data/x.ttl")
    assert caught.value.location.line == 2


def test_real_project_conforms_and_every_result_has_a_line(root):
    """The project's own data has no violation, and every warning points at a file and line."""
    report = validate_project(root)
    assert [r.as_dict() for r in report.violations] == []
    assert [r.focus for r in report.results if r.location is None] == []

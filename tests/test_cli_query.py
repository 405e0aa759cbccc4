"""``netzwerke-kg query`` from the shell: table, csv, json, turtle; errors and exit codes."""

from __future__ import annotations

import csv
import io
import json

from rdflib import Graph

from netzwerke_kg.backends.shell import run_query
from netzwerke_kg.config import Settings

CITIES = """PREFIX schema: <https://schema.org/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?city ?label WHERE { ?city a schema:City ; rdfs:label ?label FILTER(lang(?label) = "en") }
ORDER BY ?label LIMIT 3"""


def _run(built_dist, root, query, fmt):
    """Run and capture stdout; (exit code, text)."""
    out = io.StringIO()
    code = run_query(Settings(root=root, dist=built_dist), query, fmt, out=out)
    return code, out.getvalue()


def test_table_is_aligned(built_dist, root):
    """table: a header, a rule, aligned columns with prefixed IRIs, and a row count."""
    code, text = _run(built_dist, root, CITIES, "table")
    assert code == 0
    lines = text.splitlines()
    assert lines[0].split() == ["city", "label"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[-1] == "(3 rows)"
    column = lines[1].index(" -") + 1  # where the second column starts
    assert all(line[column - 2:column] == "  " and line[column] != " " for line in lines[2:5])
    assert lines[2].startswith("city:")


def test_csv_and_json_agree(built_dist, root):
    """csv and json carry the same rows."""
    _, text_csv = _run(built_dist, root, CITIES, "csv")
    _, text_json = _run(built_dist, root, CITIES, "json")
    rows = list(csv.DictReader(io.StringIO(text_csv)))
    bindings = json.loads(text_json)["results"]["bindings"]
    assert [r["city"] for r in rows] == [b["city"]["value"] for b in bindings]


def test_construct_as_turtle(built_dist, root):
    """A CONSTRUCT prints Turtle (also for --format table)."""
    q = "CONSTRUCT WHERE { <https://w3id.org/netzwerke-kg/id/city/rostock> ?p ?o }"
    for fmt in ("turtle", "table"):
        code, text = _run(built_dist, root, q, fmt)
        assert code == 0
        assert len(Graph().parse(data=text, format="turtle")) > 5


def test_syntax_error_exit_1(built_dist, root, capsys):
    """A bad query: exit 1 and the parser's message on stderr."""
    code, _ = _run(built_dist, root, "SELECT * WHERE { ?s ?p }", "table")
    assert code == 1
    assert "Syntax error" in capsys.readouterr().err


def test_unreachable_endpoint_exit_3(built_dist, root, capsys):
    """An endpoint that is down: exit 3 and a clear message."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = io.StringIO()
    settings = Settings(root=root, dist=built_dist, endpoint=f"http://127.0.0.1:{port}/sparql")
    assert run_query(settings, "ASK {}", "table", out=out) == 3
    assert "cannot be reached" in capsys.readouterr().err


def test_query_from_file(built_dist, root, tmp_path):
    """@FILE reads the query from a file."""
    path = tmp_path / "q.rq"
    path.write_text("ASK { ?s ?p ?o }")
    assert _run(built_dist, root, f"@{path}", "table") == (0, "true\n")


def test_format_names_come_from_the_registry(built_dist, root, capsys):
    """--format takes the registry's names and means what /sparql's format= means: json/xml are
    JSON-LD/RDF-XML for a graph; a results format for a CONSTRUCT is refused with exit 1."""
    from netzwerke_kg import formats
    from netzwerke_kg.cli import build_parser

    choices = next(a.choices for a in build_parser()._subparsers._group_actions[0].choices["query"]._actions
                   if a.dest == "format")
    assert set(choices) == {"table", *(f.key for f in formats.by_kind("results", "graph", "dataset"))}
    q = "CONSTRUCT WHERE { <https://w3id.org/netzwerke-kg/id/city/rostock> ?p ?o }"
    code, text = _run(built_dist, root, q, "json")
    assert code == 0 and len(Graph().parse(data=text, format="json-ld")) > 5
    code, text = _run(built_dist, root, q, "nquads")
    assert code == 0 and text.count(" .\n") > 5
    code, _ = _run(built_dist, root, q, "csv")
    assert code == 1 and "ttl" in capsys.readouterr().err

"""The query lexer and guard (backends/limits.py): what counts as SERVICE, FROM, update or pragma."""

from __future__ import annotations

import pytest

from netzwerke_kg.backends.base import QueryRefusedError
from netzwerke_kg.backends.limits import UpdateRefusedError, check_query, inspect_query

OURS = frozenset({"https://w3id.org/netzwerke-kg/graph/data/places"})


@pytest.mark.parametrize("query, form", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("PREFIX ask: <http://x/> select * { ?s ask:p ?o }", "SELECT"),
    ("# SELECT in a comment\nASK {}", "ASK"),
    ("BASE <http://x/> CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("describe <http://x/a>", "DESCRIBE"),
    ("nonsense", None),
])
def test_form(query, form):
    """The first form keyword outside comments, strings and IRIs."""
    assert inspect_query(query).form == form


def test_service_targets_are_resolved():
    """SERVICE targets as IRIs, prefixed names (through PREFIX), relative IRIs (through BASE), variables."""
    q = """BASE <http://base.example/> PREFIX e: <http://e.example/>
    SELECT * { SERVICE <rel> {} SERVICE SILENT e:sparql {} SERVICE ?ep {} }"""
    assert inspect_query(q).services == ["http://base.example/rel", "http://e.example/sparql", None]


def test_keywords_inside_strings_and_iris_do_not_count():
    """'SERVICE', 'FROM', 'INSERT' in literals, long literals, IRIs and comments are data."""
    q = '''SELECT ?x FROM <https://w3id.org/netzwerke-kg/graph/data/places> WHERE {
      BIND("SERVICE <http://a/>" AS ?x) BIND(\'\'\'INSERT DATA { }
      FROM <http://b/>\'\'\' AS ?y) ?s <http://x/SERVICE> ?o  # DROP ALL
    }'''
    info = inspect_query(q)
    assert info.services == [] and info.update_keyword is None
    assert info.from_graphs == ["https://w3id.org/netzwerke-kg/graph/data/places"]
    check_query(info, graphs=OURS)


def test_from_named_and_foreign_graphs_are_refused():
    """FROM NAMED outside our graphs is refused with the list of graphs."""
    info = inspect_query("SELECT * FROM NAMED <http://127.0.0.1:1/g> { GRAPH ?g { ?s ?p ?o } }")
    assert info.from_named == ["http://127.0.0.1:1/g"]
    with pytest.raises(QueryRefusedError, match="graph/data/places"):
        check_query(info, graphs=OURS)


def test_dataset_parameters_are_checked():
    """default-graph-uri / named-graph-uri are held to the same rule."""
    with pytest.raises(QueryRefusedError, match="named-graph-uri"):
        check_query(inspect_query("ASK {}"), graphs=OURS, named_graph_uris=("http://elsewhere/",))


@pytest.mark.parametrize("update", ["INSERT DATA { <a:b> <a:b> <a:b> }", "delete where { ?s ?p ?o }",
                                    "LOAD <http://x/>", "CLEAR DEFAULT", "WITH <http://g/> DELETE { } WHERE { }",
                                    "SELECT * {} ; DROP ALL"])
def test_updates_are_refused_as_such(update):
    """Update keywords anywhere give UpdateRefusedError (HTTP 403)."""
    with pytest.raises(UpdateRefusedError):
        check_query(inspect_query(update))


def test_allowlisted_service_passes():
    """A SERVICE in the allowlist is let through; others are not."""
    info = inspect_query("SELECT * { SERVICE <http://ok.example/sparql> {} }")
    check_query(info, allowlist=("http://ok.example/sparql",))
    with pytest.raises(QueryRefusedError, match="no outbound requests"):
        check_query(info, allowlist=("http://other.example/sparql",))


@pytest.mark.parametrize("query, expected", [
    ("SELECT * WHERE { ?s rdfs:label ?o }", "rdfs"),
    ("PREFIX rdfs: <x:>\nSELECT * WHERE { ?s rdfs:label ?o }", None),
    ("SELECT * WHERE { ?s <http://a/b:c> 'rdfs:label' } # foo:bar", None),
    ("PREFIX : <x:>\nSELECT * WHERE { ?s :p nkg:Q }", "nkg"),
    ("SELECT * WHERE { ?s :p ?o }", ""),
])
def test_undeclared_prefix(query, expected):
    """Prefixed names in IRIs, strings and comments do not count; the empty prefix does."""
    from netzwerke_kg.backends.limits import undeclared_prefix

    assert undeclared_prefix(query) == expected


def test_deep_nesting_is_refused_before_the_parser_overflows():
    """50,000 nested brackets would overflow the engine's recursive parser: a clear refusal instead."""
    from netzwerke_kg.backends.limits import MAX_NESTING

    deep = "SELECT * { FILTER(" + "(" * 50_000 + "1" + ")" * 50_000 + ") }"
    with pytest.raises(QueryRefusedError, match="levels deep"):
        check_query(inspect_query(deep))
    fine = "SELECT * " + "{" * (MAX_NESTING - 1) + "}" * (MAX_NESTING - 1)
    check_query(inspect_query(fine))


@pytest.mark.parametrize("unit", ["a.", "<a", "?a<", "a-", "1.", '"\\', "'" * 3 + "a'"])
def test_the_lexer_is_linear_on_inputs_that_made_the_old_one_quadratic(unit):
    """Four times the input costs about four times the time (quadratic would be sixteen).

    A growth ratio in one run, best of three each, not an absolute time: the margin (< 8) holds
    on a loaded machine, and the old lexer's 'a.a.a…' failed it by far (20 KB: 4.5 s, 80 KB: 62 s).
    """
    import time

    from netzwerke_kg.backends.base import QuerySyntaxError

    def cost(n: int) -> float:
        """Best of three timings of lexing ``unit * n``."""
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            try:
                inspect_query(unit * n)
            except (QuerySyntaxError, QueryRefusedError):
                pass
            best = min(best, time.perf_counter() - started)
        return best

    assert cost(80_000) / cost(20_000) < 8, unit


@pytest.mark.parametrize("query", [
    'SELECT (bif:file_to_string("/etc/passwd") AS ?x) {}',
    'PREFIX b: <bif:> SELECT (b:file_to_string("/etc/passwd") AS ?x) {}',
    'SELECT (<sql:anything>(1) AS ?x) {}',
    'PREFIX b: <BIF:> SELECT (b:x(1) AS ?x) {}',
])
def test_engine_procedures_are_refused(query):
    """Virtuoso's bif:/sql: procedures reach past the data (files, SQL): refused, however spelt."""
    with pytest.raises(QueryRefusedError, match="engine's own procedure"):
        check_query(inspect_query(query))

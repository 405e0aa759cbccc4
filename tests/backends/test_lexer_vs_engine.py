"""Differential test of the SERVICE check: whatever the lexer lets through, the real engine must not call out.

Hypothesis builds queries from the fragments that tricked lexers before (quotes, long strings,
\\u escapes, comments, IRIs that might be ``<`` operators, glued keywords) around a SERVICE. Each
query the check accepts is then run by pyoxigraph *without* the sandbox, in this process, with
every SERVICE target pointing at a local listener (tests/security/hostile.py): a connection
there is a query the check misread.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netzwerke_kg.backends.base import QueryRefusedError, QuerySyntaxError
from netzwerke_kg.backends.limits import check_query, inspect_query
from tests.security.hostile import Listener


LISTENER = Listener()  # counts connections, answers at once, closes
URL = f"http://127.0.0.1:{LISTENER.port}/x"
FRAGMENTS = [
    "SERVICE", "service", "SeRvIcE", "SILENT", "SERVICE:x", "SERVICESILENT", "SERVICE?e", "SERVICE<" + URL + ">",
    f"<{URL}>", ":x", "?e", "$e", "{ ?s ?p ?o }", "{}", "{", "}", ".", ";", ",", "(", ")", "FILTER(", "BIND(1 AS ?a)",
    "?a<?b", "?a < ?b", ">", "<", "#", "# c", "\n", "\r", " ", '"', "'", "'''", '"""', "\\", "\\u0022", "\\u0027",
    "\\u003E", "\\u0023", "\\U00000022", "<urn:\\u0061#>", "<urn:a#>", "<#>", "<?a)", "x:", "1", "1.", "true",
    "a", "OPTIONAL", "UNION", "GRAPH ?g", "VALUES ?e { <" + URL + "> }", '"a"', "'b'", "@en", "^^", "_:b",
]
PROLOGUE = f"PREFIX : <http://127.0.0.1:{LISTENER.port}/>\nPREFIX x: <http://127.0.0.1:{LISTENER.port}/>\n"


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12))
def test_what_the_check_accepts_never_reaches_a_service(parts):
    """No accepted query makes the unsandboxed engine connect to the listener."""
    query = PROLOGUE + "SELECT * WHERE { VALUES ?e { <" + URL + "> } " + " ".join(parts) + " }"
    try:
        check_query(inspect_query(query))
    except (QueryRefusedError, QuerySyntaxError):
        return
    before = len(LISTENER.connections)
    try:
        list(ox.Store().query(query))
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    assert len(LISTENER.connections) == before, query


@pytest.mark.parametrize("query", [
    f"SELECT * {{ <urn:\\u0061#> ?p ?o . SERVICE <{URL}> {{ }} }}",
    f"SELECT * {{ SERVICESILENT <{URL}> {{ }} }}",
    PROLOGUE + "SELECT * { SERVICE:x { } }",
])
def test_known_misreadings_are_refused(query):
    """The cases that got past the old lexer are refused now."""
    with pytest.raises(QueryRefusedError):
        check_query(inspect_query(query))

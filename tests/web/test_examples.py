"""The query editor's example gallery and context: every example parses, runs and answers something.

The examples run on pyoxigraph over the built dist/ with the default graph as the union of the
named graphs, the way the embedded backend answers them (docs/model.md, "IRIs").
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery

from netzwerke_kg.namespaces import DEFAULT_BASE_IRI, prefixes
from netzwerke_kg.web.examples import (
    EXAMPLES_DIR,
    GRAPH_FORMATS,
    RESULT_FORMATS,
    default_query,
    editor_context,
    load_examples,
    parse_example,
    query_form,
)

EXAMPLES = load_examples()
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)


def test_the_gallery_has_at_least_twelve_examples_of_every_form():
    """≥ 12 examples, including a CONSTRUCT, an ASK and a DESCRIBE."""
    assert len(EXAMPLES) >= 12
    forms = {query_form(e.query) for e in EXAMPLES}
    assert {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"} <= forms


def test_every_example_has_titles_and_descriptions_in_english_and_german():
    """Each header carries title@en, title@de, description@en, description@de, none empty."""
    for example in EXAMPLES:
        for lang in ("en", "de"):
            assert example.title.get(lang), f"{example.id}: no title@{lang}"
            assert example.description.get(lang), f"{example.id}: no description@{lang}"
    ids = [e.id for e in EXAMPLES]
    assert len(set(ids)) == len(ids)
    assert len({e.title["en"] for e in EXAMPLES}) == len(EXAMPLES), "titles repeat"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_example_uses_the_dataset_prefixes(example):
    """A prefix name the dataset also defines is bound to the same namespace IRI."""
    dataset = prefixes()
    for name, iri in _PREFIX_DECL.findall(example.query):
        if name in dataset:
            assert iri == dataset[name], f"{example.id}: PREFIX {name}: differs from the dataset's"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_example_parses_with_a_second_parser(example):
    """rdflib's SPARQL parser accepts every example too (no engine-specific syntax)."""
    prepareQuery(example.query)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_example_answers_on_the_built_data(example, built_store):
    """Every example is meaningful: ≥ 1 row with a bound value, ASK true, or ≥ 1 triple."""
    result = built_store.query(example.query, use_default_graph_as_union=True)
    form = query_form(example.query)
    if form == "ASK":
        assert isinstance(result, ox.QueryBoolean)
        assert bool(result) is True, f"{example.id}: ASK answered false"
    elif form in ("CONSTRUCT", "DESCRIBE"):
        assert isinstance(result, ox.QueryTriples)
        triples = list(result)
        assert len(triples) >= 1, f"{example.id}: no triples"
    else:
        assert isinstance(result, ox.QuerySolutions)
        variables = [v.value for v in result.variables]
        rows = list(result)
        assert rows, f"{example.id}: no rows"
        # Every projected variable is bound somewhere: no column of the example is dead weight.
        for name in variables:
            assert any(row[name] is not None for row in rows), f"{example.id}: ?{name} never bound"


def test_examples_are_rebased_onto_another_base_iri():
    """Published under another base, the examples name that base and not the canonical one."""
    other = "http://127.0.0.1:8080/kg/"
    rebased = load_examples(other)
    assert len(rebased) == len(EXAMPLES)
    for example in rebased:
        assert DEFAULT_BASE_IRI not in example.query
    assert any(other in e.query for e in rebased)


def test_a_misnamed_or_untitled_example_is_refused(tmp_path):
    """Packaging mistakes are caught: names are NN-slug.rq and title@en is required."""
    bad_name = tmp_path / "members.rq"
    bad_name.write_text("# title@en: x\nSELECT * {}\n", encoding="utf-8")
    untitled = tmp_path / "01-untitled.rq"
    untitled.write_text("# title@de: x\nSELECT * {}\n", encoding="utf-8")
    for path in (bad_name, untitled):
        with pytest.raises(ValueError):
            parse_example(path)


def test_the_header_is_not_part_of_the_query():
    """The metadata comments are stripped; the query starts with its first real line."""
    first = parse_example(sorted(EXAMPLES_DIR.glob("*.rq"))[0])
    assert not first.query.lstrip().startswith("# title")


@pytest.mark.parametrize(
    "query, form",
    [
        ("PREFIX a: <http://x/#select>\nASK { ?s ?p 'SELECT' }", "ASK"),
        ("# CONSTRUCT in a comment\nDESCRIBE <http://x/>", "DESCRIBE"),
        ("construct { ?s ?p ?o } where { ?s ?p ?o }", "CONSTRUCT"),
        ("SELECT * {}", "SELECT"),
    ],
)
def test_query_form_ignores_comments_iris_and_strings(query, form):
    """The form is the first keyword outside comments, IRIs and strings."""
    assert query_form(query) == form


# ------------------------------------------------------------------ editor_context and template


class _Collect(HTMLParser):
    """Collects start tags with attributes and the text of <script> elements by id."""

    def __init__(self):
        """Start empty."""
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: dict[str, str] = {}
        self._script_id: str | None = None

    def handle_starttag(self, tag, attrs):
        """Remember the tag; start collecting a script's text."""
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script_id = attributes.get("id") or attributes.get("src", "")
            self.scripts[self._script_id] = ""

    def handle_endtag(self, tag):
        """Stop collecting at </script>."""
        if tag == "script":
            self._script_id = None

    def handle_data(self, data):
        """Append text inside a script."""
        if self._script_id is not None:
            self.scripts[self._script_id] += data

    def find(self, tag, **attrs) -> list[dict]:
        """Attributes of every ``tag`` whose attributes include ``attrs``."""
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def _render(app, query=None, fmt=None, path="/sparql"):
    """Render the editor template for a request to ``path``; returns (html, context)."""
    from flask import render_template

    with app.test_request_context(path):
        context = editor_context(query, fmt)
        return render_template("sparql/editor.html", **context), context


def test_editor_context_defaults(app):
    """No query: every dataset prefix plus a runnable default; formats, endpoint, IRI mapping."""
    with app.test_request_context("/sparql"):
        ctx = editor_context(None, None)
    data = ctx["editor"]
    assert data["query"] == default_query(app.config["SETTINGS"].base_iri)
    for name, iri in prefixes(app.config["SETTINGS"].base_iri).items():
        assert f"PREFIX {name}: <{iri}>" in data["query"]
    prepareQuery(data["query"])
    assert data["query_from_url"] is False
    assert data["format"] == "json"
    assert [f["key"] for f in data["formats"]["results"]] == list(RESULT_FORMATS)
    assert [f["key"] for f in data["formats"]["graph"]] == list(GRAPH_FORMATS)
    assert data["endpoint"] == "/sparql"
    base = app.config["SETTINGS"].base_iri
    assert [base + "id/", "/id/"] in data["iri_mapping"]
    assert [base + "ontology", "/ontology"] in data["iri_mapping"]
    assert len(data["examples"]) == len(EXAMPLES)


def test_the_default_query_answers(built_store):
    """The query the editor opens with lists the networks."""
    rows = list(built_store.query(default_query(), use_default_graph_as_union=True))
    assert len(rows) >= 4


def test_editor_context_keeps_the_query_and_a_valid_format(app):
    """A query from the URL is kept; a format fits, an unknown one falls back to the form's first."""
    with app.test_request_context("/sparql"):
        kept = editor_context("CONSTRUCT WHERE { ?s ?p ?o }", "nq")
        fallback = editor_context("CONSTRUCT WHERE { ?s ?p ?o }", "exe")
    assert kept["editor"]["query"] == "CONSTRUCT WHERE { ?s ?p ?o }"
    assert kept["editor"]["query_from_url"] is True
    assert kept["format"] == "nq"
    assert fallback["format"] == "ttl"


def test_editor_context_under_a_sub_path(app):
    """Mounted under /kg, the endpoint and the IRI mapping carry the script root."""
    with app.test_request_context("/sparql", base_url="http://localhost/kg/"):
        data = editor_context(None, None)["editor"]
    assert data["endpoint"] == "/kg/sparql"
    assert all(url.startswith("/kg/") for _, url in data["iri_mapping"])


def test_editor_page_is_a_working_form_without_javascript(app):
    """The page is a GET form to the endpoint with textarea name=query and a format select."""
    html, ctx = _render(app)
    page = _Collect()
    page.feed(html)
    forms = page.find("form", id="query-form")
    assert forms and forms[0]["method"] == "get" and forms[0]["action"] == "/sparql"
    assert page.find("textarea", name="query", id="query")
    assert page.find("select", name="format")
    offered = {a["value"] for a in page.find("option")}
    assert offered == set(RESULT_FORMATS) | set(GRAPH_FORMATS)
    # Download links for the opening query carry format=.
    downloads = page.find("a", **{"class": "download-link"})
    assert {a["data-format"] for a in downloads} == set(RESULT_FORMATS)
    assert all("format=" in a["href"] for a in downloads)
    # The gallery links open the editor with the example's query.
    gallery = page.find("a", **{"class": "example-link"})
    assert len(gallery) == len(EXAMPLES)


def test_editor_page_has_no_inline_script_or_style(app):
    """CSP script-src/style-src 'self': scripts by src or JSON data, no style attributes, no on*."""
    html, _ = _render(app)
    page = _Collect()
    page.feed(html)
    for tag, attrs in page.tags:
        assert "style" not in attrs, f"<{tag} style=…>"
        assert not any(name.startswith("on") for name in attrs), f"<{tag}> has an event handler"
        if tag == "script":
            assert attrs.get("src") or attrs.get("type") == "application/json"
    assert not page.find("style")


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ?p "</script><script>alert(1)</script>" }',
        "SELECT * { ?s ?p '<!--' } # ]]> & \u2028 '\" </SCRIPT >",
    ],
)
def test_a_query_cannot_break_out_of_the_json_block(app, query):
    """The query travels through tojson: the block ends where it should and round-trips exactly."""
    html, ctx = _render(app, query=query)
    page = _Collect()
    page.feed(html)
    data = json.loads(page.scripts["editor-data"])
    assert data["query"] == query
    assert data == json.loads(json.dumps(ctx["editor"]))
    # No script other than our JSON block and our one script file came out of the page.
    assert set(page.scripts) == {"editor-data", "/static/editor/editor.js"}
    # The textarea shows the query autoescaped.
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1)
    import html as html_module

    assert html_module.unescape(textarea) == query


def test_gallery_titles_follow_the_page_language(app):
    """?lang=de shows the German titles, English otherwise."""
    for lang in ("de", "en"):
        html, _ = _render(app, path=f"/sparql?lang={lang}")
        page = _Collect()
        page.feed(html)
        titles = re.findall(r'class="example-link"[^>]*>([^<]*)</a>', html, re.S)
        import html as html_module

        assert [html_module.unescape(t) for t in titles] == [e.title[lang] for e in EXAMPLES]


# ------------------------------------------------------------------ through the real endpoint


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_example_runs_through_the_endpoint_as_the_editor_sends_it(example, client):
    """The editor's request (form POST, Accept by form) answers every example with content."""
    import rdflib

    form = query_form(example.query)
    tabular = form in ("SELECT", "ASK")
    accept = "application/sparql-results+json" if tabular else "text/turtle"
    response = client.post("/sparql", data={"query": example.query}, headers={"Accept": accept})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == accept
    if form == "ASK":
        assert json.loads(response.data)["boolean"] is True
    elif tabular:
        assert len(json.loads(response.data)["results"]["bindings"]) >= 1
    else:
        graph = rdflib.Graph().parse(data=response.data, format="turtle")
        assert len(graph) >= 1


def test_the_endpoint_serves_the_editor_to_browsers(client):
    """GET /sparql with Accept: text/html renders this template with the editor's data."""
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", headers={"Accept": browser_accept})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = _Collect()
    page.feed(response.get_data(as_text=True))
    data = json.loads(page.scripts["editor-data"])
    assert [e["id"] for e in data["examples"]] == [e.id for e in EXAMPLES]
    assert data["query_from_url"] is False

    # A shared link (?query=…) opens the editor with that query, to be run by the script.
    query = EXAMPLES[0].query
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": browser_accept})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = _Collect()
    page.feed(response.get_data(as_text=True))
    data = json.loads(page.scripts["editor-data"])
    assert data["query"] == query and data["query_from_url"] is True


@pytest.mark.parametrize(
    "key, graph",
    [(k, False) for k in RESULT_FORMATS] + [(k, True) for k in GRAPH_FORMATS],
)
def test_every_download_link_format_is_served(key, graph, client):
    """Each format the editor offers names the endpoint's alias and downloads in that media type."""
    from netzwerke_kg import formats

    label, media_type = (GRAPH_FORMATS if graph else RESULT_FORMATS)[key]
    assert formats.lookup(key, formats.offered("graph" if graph else "results")).media_type == media_type
    example = next(e for e in EXAMPLES if (query_form(e.query) in ("CONSTRUCT", "DESCRIBE")) == graph)
    response = client.get("/sparql", query_string={"query": example.query, "format": key})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == media_type
    assert response.data.strip()


@pytest.mark.virtuoso
@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_example_answers_over_the_remote_backend(example, remote_app, client):
    """The gallery works over a real Virtuoso too, with as many rows/triples as the embedded store."""
    import rdflib

    form = query_form(example.query)
    tabular = form in ("SELECT", "ASK")
    accept = "application/sparql-results+json" if tabular else "text/turtle"
    answers = []
    for each in (remote_app.test_client(), client):
        response = each.post("/sparql", data={"query": example.query}, headers={"Accept": accept})
        assert response.status_code == 200, response.get_data(as_text=True)
        if form == "ASK":
            answers.append(json.loads(response.data)["boolean"])
        elif tabular:
            answers.append(len(json.loads(response.data)["results"]["bindings"]))
        else:
            answers.append(len(rdflib.Graph().parse(data=response.data, format="turtle")))
    remote, embedded = answers
    if form != "DESCRIBE":
        # DESCRIBE's answer is up to the engine (SPARQL 1.1 Query §16.4): only non-empty is asked.
        assert remote == embedded
    assert remote is True or (remote is not False and remote >= 1)


def test_gallery_links_reopen_the_editor_without_javascript(client):
    """Each gallery link is a GET that opens the editor with that example (and keeps ?lang=)."""
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = _Collect()
    page.feed(client.get("/sparql?lang=de", headers={"Accept": browser_accept}).get_data(as_text=True))
    links = page.find("a", **{"class": "example-link"})
    assert len(links) == len(EXAMPLES)
    for link, example in zip(links, EXAMPLES):
        assert parse_qs(urlsplit(link["href"]).query)["lang"] == ["de"]
        response = client.get(link["href"], headers={"Accept": browser_accept})
        assert response.status_code == 200 and response.mimetype == "text/html"
        opened = _Collect()
        opened.feed(response.get_data(as_text=True))
        assert json.loads(opened.scripts["editor-data"])["query"] == example.query

"""The SPARQL query editor in a real browser: headless Debian Chromium driven by Playwright.

The app (embedded backend over the built dist/) is served by werkzeug on a free loopback port in a
background thread (fixtures ``live_url`` and ``chromium`` of tests/browser/conftest.py); the strict CSP of web/security.py is in force, so an inline script or style
would show up as a console error. Screenshots go to test-artefacts/browser/ (gitignored).
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from netzwerke_kg.web.examples import query_form
from tests.browser.conftest import Tab

pytestmark = pytest.mark.browser


@pytest.fixture
def editor_tab(chromium, live_url):
    """One recording tab per test (tests/browser/conftest.py: Tab), screenshots named editor-*."""
    tab = Tab.new(chromium, live_url, prefix="editor")
    yield tab
    tab.close()


def _editor_data(tab) -> dict:
    """The JSON the server handed to the editor script."""
    return json.loads(tab.page.locator("#editor-data").text_content())


def _full_query(page) -> str:
    """The query as it runs: the folded PREFIX lines plus what the editor shows."""
    return page.evaluate("() => window.nkgEditor.fullQuery()")


def _query_param(url: str) -> str | None:
    """The ``query`` parameter of a URL."""
    values = parse_qs(urlsplit(url).query).get("query")
    return values[0] if values else None


def test_editor_highlights_runs_an_example_and_links_to_local_pages(editor_tab, live_url):
    """Open /sparql, load an example, run it, see a table with local IRIs, follow one."""
    tab = editor_tab
    page = tab.page
    response = page.goto(live_url + "/sparql", wait_until="networkidle")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    # The strict policy is in force, so "no console errors" below also means "no CSP violation".
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy

    # Highlighting: the overlay holds token spans and exactly the textarea's text.
    for kind in ("keyword", "pname", "variable"):
        assert page.locator(f"#query-highlight .tok-{kind}").count() > 0, f"no .tok-{kind}"
    # the folded PREFIX lines (with their IRIs) unfold on request and fold again
    page.click("#prefix-toggle")
    assert page.locator("#query-highlight .tok-iri").count() > 0
    page.click("#prefix-toggle")
    assert page.locator("#query-highlight .tok-iri").count() == 0
    text = page.locator("#query").input_value()
    painted = page.locator("#query-highlight").text_content()
    assert painted.rstrip(" ") == text
    # the dataset's PREFIX lines are folded away from the editor surface, but run with the query
    assert "PREFIX nkg:" not in text and "PREFIX nkg:" in _full_query(page)
    tab.shot("opened")

    # The gallery: pick the members of a network; the query lands in the editor.
    data = _editor_data(tab)
    example = next(e for e in data["examples"] if e["id"].startswith("01-"))
    page.click(f'.example-link[data-example="{example["id"]}"]')
    assert _full_query(page) == example["query"]
    assert page.locator("#query-highlight .tok-variable").count() > 0

    page.click("#run-button")
    page.wait_for_selector(".result-table tbody tr")
    rows = page.locator(".result-table tbody tr")
    assert rows.count() >= 1
    local_links = page.locator(".result-table a.term-iri.local")
    assert local_links.count() >= 1
    tab.shot("results")

    # The shareable URL keeps the query (and the format in the fragment).
    assert _query_param(page.url) == example["query"]
    assert "format=" in urlsplit(page.url).fragment
    assert _query_param(page.locator("#share-url").input_value()) == example["query"]

    # Download links: every tabular format, each a GET of this query with format=.
    hrefs = {
        a.get_attribute("data-format"): a.get_attribute("href")
        for a in page.locator(".download-link").all()
    }
    assert set(hrefs) == {"json", "xml", "csv", "tsv"}
    for key, href in hrefs.items():
        parts = parse_qs(urlsplit(href).query)
        assert parts["format"] == [key]
        assert parts["query"] == [example["query"]]
    csv = page.request.get(live_url + hrefs["csv"])
    assert csv.status == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text().strip().splitlines()) == rows.count() + 1  # header + the same rows

    assert tab.errors == []
    assert tab.failed == []

    # Follow a local IRI: /id/… answers 303 to the page (or the page itself).
    href = local_links.first.get_attribute("href")
    assert href.startswith("/id/") or href.startswith("/ontology")
    with page.expect_navigation():
        local_links.first.click()
    landed = urlsplit(page.url).path
    assert landed.startswith(("/page/", "/id/", "/ontology")), landed
    tab.shot("followed")


def test_shareable_url_restores_and_runs_the_query(editor_tab, live_url):
    """Loading a shared URL puts its query in the editor, picks its format and runs it."""
    tab = editor_tab
    page = tab.page
    page.goto(live_url + "/sparql", wait_until="networkidle")
    data = _editor_data(tab)
    construct = next(e for e in data["examples"] if "CONSTRUCT" in e["query"])
    page.click(f'.example-link[data-example="{construct["id"]}"]')
    page.select_option("#format", "jsonld")
    shared = page.locator("#share-url").input_value()
    assert _query_param(shared) == construct["query"]

    # A fresh load (the tab's own URL already equals the shared one: replaceState kept it).
    assert page.url == shared
    page.goto("about:blank")
    page.goto(shared, wait_until="networkidle")
    assert _full_query(page) == construct["query"]
    assert page.locator("#format").input_value() == "jsonld"
    page.wait_for_selector(".graph-result a")
    assert page.locator(".graph-result a.local").count() >= 1
    status = page.locator("#result-status").text_content()
    assert status.split()[1] == "triples" and int(status.split()[0]) >= 1
    # Graph queries are offered in the RDF formats.
    offered = {a.get_attribute("data-format") for a in page.locator(".download-link").all()}
    assert offered == {"ttl", "nt", "jsonld", "rdf", "trig", "nq"}
    tab.shot("shared-construct")
    assert tab.errors == []
    assert tab.failed == []


def test_ctrl_enter_runs_and_errors_are_readable(editor_tab, live_url):
    """Ctrl+Enter runs an ASK; a syntax error shows the server's message, not raw markup."""
    tab = editor_tab
    page = tab.page
    page.goto(live_url + "/sparql", wait_until="networkidle")
    data = _editor_data(tab)
    ask = next(e for e in data["examples"] if query_form(e["query"]) == "ASK")
    page.click(f'.example-link[data-example="{ask["id"]}"]')
    page.locator("#query").press("Control+Enter")
    page.wait_for_selector(".ask-result")
    assert page.locator(".ask-result").text_content() in ("true", "wahr")

    page.fill("#query", "SELECT * WHERE { ?s ?p ")
    page.locator("#query").press("Control+Enter")
    page.wait_for_selector(".query-error")
    message = page.locator(".query-error").text_content()
    assert message.strip()
    assert "<" not in message.split("\n")[0] or "error" in message.lower()
    assert "400" in page.locator("#result-status").text_content()
    # The parser names the position (oxigraph: "at line:column"); the caret is put there.
    caret = page.evaluate("() => document.getElementById('query').selectionStart")
    assert caret == len("SELECT * WHERE { ?s ?p ")
    tab.shot("error")
    # The browser logs the 400 of the fetch as a failed resource; nothing else went wrong.
    assert [status for status, _ in tab.failed] == [400]
    assert not [e for e in tab.errors if "400" not in e]


def test_without_javascript_the_form_still_works(chromium, live_url):
    """No JavaScript: the GET form submits the query and the chosen format to the endpoint."""
    t = Tab.new(chromium, live_url, prefix="editor", java_script_enabled=False)
    try:
        page = t.page
        page.goto(live_url + "/sparql")
        page.fill("#query", "SELECT (1 AS ?one) WHERE {}")
        page.select_option("#format", "csv")
        with page.expect_response(lambda r: "/sparql?" in r.url) as info:
            with page.expect_download() as download:
                page.click("#run-button")
        response = info.value
        assert response.status == 200
        assert response.headers["content-type"].startswith("text/csv")
        path = download.value.path()
        assert Path(path).read_text(encoding="utf-8").split() == ["one", "1"]
    finally:
        t.close()


TOKEN_CASES = [
    ("SELECT ?x", [("keyword", "SELECT"), ("variable", "?x")]),
    ('"a # not a comment"@de', [("string", '"a # not a comment"'), ("langtag", "@de")]),
    ("# <http://x/> ?v\n", [("comment", "# <http://x/> ?v")]),
    ("?s a rdfs:Class", [("variable", "?s"), ("keyword", "a"), ("pname", "rdfs:Class")]),
    ("FILTER(?n < 3)", [("keyword", "FILTER"), ("variable", "?n"), ("number", "3")]),
    ("<http://x/y> 1.5e3 count", [("iri", "<http://x/y>"), ("number", "1.5e3"),
                                  ("builtin", "count")]),
    ("'''long\n'string'''", [("string", "'''long\n'string'''")]),
    ("_:b1 city:rostock.", [("bnode", "_:b1"), ("pname", "city:rostock")]),
]


def test_tokenizer(editor_tab, live_url):
    """The highlighter's tokenizer classifies SPARQL tokens and loses no character."""
    editor_tab.page.goto(live_url + "/sparql")
    for source, expected in TOKEN_CASES:
        tokens = editor_tab.page.evaluate("(s) => window.nkgEditor.tokenize(s)", source)
        assert "".join(tok["text"] for tok in tokens) == source
        significant = [(tok["type"], tok["text"]) for tok in tokens
                       if tok["type"] not in ("space", "punct", "word")]
        assert significant == expected, source


def test_the_editor_speaks_german(editor_tab, live_url):
    """?lang=de: German gallery titles, German status line; the shareable URL keeps lang=de."""
    page = editor_tab.page
    page.goto(live_url + "/sparql?lang=de", wait_until="networkidle")
    assert page.evaluate("() => document.documentElement.lang") == "de"
    data = _editor_data(editor_tab)
    first = data["examples"][0]
    link = page.locator(f'.example-link[data-example="{first["id"]}"]')
    assert link.text_content().strip() == first["title"]["de"]
    link.click()
    page.click("#run-button")
    page.wait_for_selector(".result-table tbody tr")
    assert "Zeilen" in page.locator("#result-status").text_content()
    assert parse_qs(urlsplit(page.url).query)["lang"] == ["de"]
    editor_tab.shot("german")
    assert editor_tab.errors == [] and editor_tab.failed == []

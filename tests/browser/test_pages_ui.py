"""Every page type in real Chromium, in German and English, at 1366 and 390 pixels wide:
no horizontal page scrolling on a phone, zero axe-core violations of any impact, a screenshot of each
(test-artefacts/browser/pages-{lang}-{width}-{type}.png); the language choice survives navigation;
the query editor brings its results into view and focuses them.

axe-core 4.14.1 is vendored in tests/browser/vendor/axe-core (MPL-2.0, from npm) and evaluated in
each page through the DevTools protocol, which the site's CSP does not restrict, so the site itself
never serves it. Page types come from the live sitemap (one resource page per kind) plus the site's
own pages, a search and a 404.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import ARTEFACTS, Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
#: the site's own pages; the 404 is a page type of its own
SITE_PAGES = {"home": "/", "downloads": "/downloads", "validation": "/validation", "void": "/void",
              "ontology": "/ontology", "editor": "/sparql", "search": "/search?q=rostock",
              "not-found": "/page/city/no-such-city"}


def page_types(base: str) -> dict[str, str]:
    """name -> path: the site's pages, the two richest resource pages, one page per resource kind."""
    with urllib.request.urlopen(base + "/sitemap.xml", timeout=30) as response:
        sitemap = response.read().decode("utf-8")
    kinds: dict[str, str] = {}
    for path in re.findall(r"<loc>https?://[^/]+(/page/[^<]*)</loc>", sitemap):
        kinds.setdefault(path.split("/")[2], path)
    pages = dict(SITE_PAGES)
    pages.update({"network-ubc": "/page/network/union-of-the-baltic-cities", "city-rostock": "/page/city/rostock"})
    pages.update({f"kind-{kind}": path for kind, path in sorted(kinds.items())})
    return pages


def _with_lang(path: str, lang: str) -> str:
    """``path`` with ?lang= added."""
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


@pytest.fixture(scope="module", params=["de", "en"])
def walk(request, chromium, live_url):
    """Open every page type at both widths in one language: screenshot, page overflow, axe result."""
    lang = request.param
    axe_source = AXE.read_text(encoding="utf-8")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    pages = page_types(live_url)
    seen = {}
    for width_name, (width, height) in WIDTHS.items():
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="en-GB")
        page = context.new_page()
        for name, path in pages.items():
            response = page.goto(live_url + _with_lang(path, lang), wait_until="load")
            status = response.status if response else None
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
            violations = []
            if width_name == "desktop":  # axe per page type and language; the layout checks per width
                page.evaluate(axe_source)
                result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
                violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
                              for v in result["violations"]]
            shot = ARTEFACTS / f"pages-{lang}-{width}-{name}.png"
            # the whole page, up to 8000 px (the longest pages fold their long sections anyway)
            tall = page.evaluate("() => document.documentElement.scrollHeight")
            page.screenshot(path=str(shot), full_page=True,
                            clip={"x": 0, "y": 0, "width": width, "height": min(tall, 8000)})
            seen[(width_name, name)] = {"status": status, "overflow": overflow, "violations": violations,
                                        "shot": shot, "lang": page.evaluate("() => document.documentElement.lang")}
        context.close()
    return lang, seen


def test_every_page_type_answers_in_its_language(walk):
    """Each page type loads (the 404 page as 404) and says its language in <html lang>."""
    lang, seen = walk
    wrong = {k: (v["status"], v["lang"]) for k, v in seen.items()
             if v["status"] != (404 if k[1] == "not-found" else 200) or v["lang"] != lang}
    assert wrong == {}


def test_no_horizontal_page_scrolling_on_a_phone(walk):
    """At 390 px no page scrolls sideways: wide tables and charts scroll inside themselves."""
    _, seen = walk
    overflowing = {k[1]: v["overflow"] for k, v in seen.items() if k[0] == "phone" and v["overflow"] > 0}
    assert overflowing == {}


def test_axe_finds_no_violation_on_any_page_type(walk):
    """axe-core: zero violations of any impact, every page type (at desktop width; the phone
    layout is checked for overflow), in both languages (the walk runs once per language)."""
    _, seen = walk
    found = {f"{k[0]} {k[1]}": v["violations"] for k, v in seen.items() if v["violations"]}
    assert found == {}


def test_screenshots_of_every_page_type_at_both_widths(walk):
    """A non-empty PNG per page type and width is kept under test-artefacts/browser/."""
    _, seen = walk
    assert len({k[1] for k in seen}) >= len(SITE_PAGES) + 10  # site pages plus resource kinds
    for key, v in seen.items():
        data = v["shot"].read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000, key


def test_language_choice_survives_navigation(chromium, live_url):
    """Switch to German on the home page, then walk through the navigation, a resource page and the
    editor without ?lang: every page stays German although the browser asks for English."""
    tab = Tab.new(chromium, live_url, prefix="pages", viewport={"width": 1366, "height": 900}, locale="en-GB")
    page = tab.page
    try:
        tab.open("/")
        assert page.locator("html").get_attribute("lang") == "en"
        with page.expect_navigation():
            page.locator("nav .lang-switch a[hreflang=de]").click()
        assert page.locator("html").get_attribute("lang") == "de"
        with page.expect_navigation():
            page.locator("main a.network-link:not(svg a)").first.click()
        assert page.locator("html").get_attribute("lang") == "de"
        with page.expect_navigation():
            page.locator("nav .site-nav a[href*='/sparql']").click()
        assert urlsplit(page.url).path == "/sparql"
        assert page.locator("html").get_attribute("lang") == "de"
        assert page.locator("#results-heading").inner_text() == "Ergebnisse"
        # a URL typed without ?lang (the cookie remembers the choice)
        tab.open("/downloads")
        assert page.locator("html").get_attribute("lang") == "de"
        assert page.locator("h1").inner_text() == "Downloads"
        assert page.locator("#license").inner_text() == "Lizenz"
        # and back to English, which is remembered as well
        with page.expect_navigation():
            page.locator("nav .lang-switch a[hreflang=en]").click()
        tab.open("/validation")
        assert page.locator("html").get_attribute("lang") == "en"
        assert tab.problems() == []
    finally:
        tab.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_editor_scrolls_to_and_focuses_its_results(chromium, live_url, width):
    """After a run the results section is in view and has the focus (keyboard and screen readers
    land on the answer); the table sorts by a column; datatypes are hidden until asked for."""
    tab = Tab.new(chromium, live_url, prefix="pages", viewport={"width": width, "height": 844})
    page = tab.page
    try:
        tab.open("/sparql")
        page.locator(".example-link").first.click()
        page.click("#run-button")
        page.wait_for_selector(".result-table tbody tr")
        page.wait_for_function("() => document.activeElement && document.activeElement.id === 'results-section'")
        top = page.evaluate("() => document.getElementById('results-section').getBoundingClientRect().top")
        assert 0 <= top < 844 / 2, top
        # the results use the page's full width, not a side column
        box = page.locator("#results-section").bounding_box()
        assert box["width"] >= min(width - 80, 1100), box
        # datatypes: hidden by default, shown on request
        results = page.locator("#results")
        assert "hide-datatypes" in (results.get_attribute("class") or "")
        page.check("#show-datatypes")
        assert "hide-datatypes" not in (results.get_attribute("class") or "")
        # a column sorts
        first_col = lambda: [c.inner_text() for c in page.locator(".result-table tbody tr td:first-child").all()]  # noqa: E731
        page.locator(".result-table thead th").first.locator("button").click()
        ascending = first_col()
        page.locator(".result-table thead th").first.locator("button").click()
        assert first_col() == list(reversed(ascending)) or len(set(ascending)) < len(ascending)
        tab.shot(f"editor-results-{width}")
        assert tab.problems() == []
    finally:
        tab.close()


def test_editor_marks_the_line_of_a_syntax_error(chromium, live_url):
    """A syntax error marks its line in the editor and the status says where, in German."""
    tab = Tab.new(chromium, live_url, prefix="pages", viewport={"width": 1366, "height": 900})
    page = tab.page
    try:
        tab.open("/sparql?lang=de")
        page.fill("#query", "SELECT ?s WHERE {\n  ?s ?p ?o .\n  ?s ?p\n")
        page.click("#run-button")
        page.wait_for_selector(".query-error")
        assert page.locator(".error-line").count() == 1
        line = int(page.locator(".error-line").get_attribute("data-line"))
        assert line in (3, 4)  # the parser stops where the triple breaks off
        assert "Syntaxfehler in Zeile" in page.locator("#result-status").inner_text()
        assert page.locator(".query-error pre").get_attribute("lang") == "en"
        # the dataset's PREFIX lines stay folded and run with the query; the marked line is counted
        # in what the reader sees, not in the full text the server parsed
        assert "PREFIX" not in page.locator("#query").input_value()
        assert page.evaluate("() => window.nkgEditor.fullQuery()").count("PREFIX") > 10
    finally:
        tab.close()


def test_editor_completes_our_iris_and_prefixes(chromium, live_url):
    """Typing a prefixed name or a label offers our IRIs; after PREFIX the dataset's prefixes."""
    tab = Tab.new(chromium, live_url, prefix="pages", viewport={"width": 1366, "height": 900})
    page = tab.page
    try:
        tab.open("/sparql")
        page.fill("#query", "")
        page.locator("#query").click()
        page.keyboard.type("SELECT * WHERE { city:rost")
        page.wait_for_selector("#completions li")
        assert any(li.inner_text().startswith("city:rostock") for li in page.locator("#completions li").all())
        page.keyboard.press("Tab")
        assert page.locator("#query").input_value().endswith("city:rostock")
        page.keyboard.type(" ?p ?o . }\nPREFIX sche")
        page.wait_for_selector("#completions li")
        assert page.locator("#completions li").first.inner_text().startswith("schema: <https://schema.org/>")
        assert tab.problems() == []
    finally:
        tab.close()


def test_editor_offers_a_chart_and_a_map_when_the_result_has_numbers_and_places(chromium, live_url):
    """A result with numbers gets a chart view, one with coordinates a map view (drawn by us)."""
    tab = Tab.new(chromium, live_url, prefix="pages", viewport={"width": 1366, "height": 900})
    page = tab.page
    try:
        tab.open("/sparql")
        page.fill("#query", "PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>\n"
                            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                            "SELECT ?city ?name ?lat ?long WHERE { ?city geo:lat ?lat ; geo:long ?long ; rdfs:label ?name "
                            "FILTER(lang(?name) = 'en') } ORDER BY ?name LIMIT 10")
        page.click("#run-button")
        page.wait_for_selector(".view-button[data-view=map]")
        page.click(".view-button[data-view=map]")
        page.wait_for_selector(".result-map a circle.marker")
        assert page.locator(".result-map a circle.marker").count() == 10
        page.wait_for_selector(".result-map path.land")  # outlines from the vendored atlas
        tab.shot("editor-map")
        page.fill("#query", "PREFIX nkg: <https://w3id.org/netzwerke-kg/ontology#>\n"
                            "SELECT ?year (COUNT(*) AS ?n) WHERE { ?e ?p ?d FILTER(datatype(?d) = "
                            "<http://www.w3.org/2001/XMLSchema#gYear>) BIND(STR(?d) AS ?year) } GROUP BY ?year ORDER BY ?year")
        page.click("#run-button")
        page.wait_for_selector(".view-button[data-view=chart]")
        page.click(".view-button[data-view=chart]")
        assert page.locator(".result-chart").is_visible()
        assert page.locator(".result-chart circle.dot, .result-chart rect.bar").count() >= 2
        tab.shot("editor-chart")
        assert [p for p in tab.problems()] == []
    finally:
        tab.close()

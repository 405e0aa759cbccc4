"""A walk through the site in headless Chromium: home, a network, a city and back, de/en, the map,
the query editor, the dataset pages — with zero console errors (a CSP violation is one).

Selectors agreed with the page authors: ``#map svg``, ``nav .lang-switch a[hreflang=de]``,
``a.network-link``, ``a.city-link``, ``#incoming``, ``#provenance``, ``#timeline``; the editor's
``.example-link``, ``#run-button`` and ``.result-table``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _map_is_drawn(tab) -> dict:
    """Size and element counts of the first map SVG on the page."""
    svg = tab.page.locator("#map svg").first
    assert svg.count() == 1, f"no #map svg on {tab.page.url}"
    svg.wait_for(state="visible", timeout=5_000)
    box = svg.bounding_box()
    return {
        "width": box["width"] if box else 0,
        "height": box["height"] if box else 0,
        "circles": svg.locator("circle").count(),
        "paths": svg.locator("path").count(),
    }


def _html_link(tab, css: str):
    """The first visible link matching ``css`` outside the map (the map's markers are SVG links)."""
    links = tab.page.locator(f"main {css}:not(svg a)")
    assert links.count() > 0, f"no {css} on {tab.page.url}"
    return links.first


def test_home_page_shows_networks_figures_and_a_drawn_map(tab):
    tab.open("/")
    assert tab.page.locator("html").get_attribute("lang") == "en"
    assert tab.page.locator("h1").count() == 1
    assert _html_link(tab, "a.network-link").is_visible()
    drawn = _map_is_drawn(tab)
    assert drawn["width"] > 100 and drawn["height"] > 50, drawn
    assert drawn["circles"] > 0 and drawn["paths"] > 0, drawn
    tab.shot("home")
    assert tab.problems() == []


def test_follow_a_network_then_a_city_and_back(tab):
    tab.open("/")
    with tab.page.expect_navigation():
        _html_link(tab, "a.network-link").click()
    network_url = tab.page.url
    assert urlsplit(network_url).path.startswith("/page/network/"), network_url
    assert tab.page.locator("h1").inner_text().strip()
    network_map = _map_is_drawn(tab)
    assert network_map["circles"] > 0, network_map
    tab.shot("network")

    # Rostock belongs to every network and has coordinates; otherwise the first member city.
    rostock = tab.page.locator("main a.city-link[href*='/city/rostock']:not(svg a)")
    city = rostock.first if rostock.count() else _html_link(tab, "a.city-link")
    with tab.page.expect_navigation():
        city.click()
    city_url = tab.page.url
    assert urlsplit(city_url).path.startswith("/page/city/"), city_url
    city_map = _map_is_drawn(tab)
    assert city_map["width"] > 0 and city_map["circles"] >= 1, city_map
    # the networks a city belongs to point at it: incoming links with counts
    assert tab.page.locator("#incoming").count() == 1
    tab.shot("city")

    tab.page.go_back(wait_until="networkidle")
    assert tab.page.url == network_url
    tab.page.go_back(wait_until="networkidle")
    assert urlsplit(tab.page.url).path == "/"
    assert tab.problems() == []


def test_resource_pages_show_provenance_and_a_timeline(tab):
    tab.open("/")
    with tab.page.expect_navigation():
        _html_link(tab, "a.network-link").click()
    assert tab.page.locator("#timeline li").count() > 0
    assert tab.page.locator("#provenance").count() == 1
    assert tab.problems() == []


def test_language_switch_keeps_the_page_and_changes_the_text(tab):
    tab.open("/")
    english = tab.page.locator("h1").inner_text()
    with tab.page.expect_navigation():
        tab.page.locator("nav .lang-switch a[hreflang=de]").click()
    assert urlsplit(tab.page.url).path == "/"
    assert tab.page.locator("html").get_attribute("lang") == "de"
    german = tab.page.locator("h1").inner_text()
    assert german != english
    assert "Städtenetzwerke" in german
    tab.shot("home-de")

    # on a resource page too: the switch keeps the page, the navigation speaks the language
    with tab.page.expect_navigation():
        _html_link(tab, "a.network-link").click()
    page_path = urlsplit(tab.page.url).path
    assert tab.page.locator("html").get_attribute("lang") == "de"
    assert tab.page.locator("nav .site-nav").inner_text().split()[0] == "Start"
    with tab.page.expect_navigation():
        tab.page.locator("nav .lang-switch a[hreflang=en]").click()
    assert urlsplit(tab.page.url).path == page_path
    assert tab.page.locator("html").get_attribute("lang") == "en"
    assert tab.page.locator("nav .site-nav").inner_text().split()[0] == "Home"
    assert tab.problems() == []


def test_query_editor_runs_an_example_and_shows_a_table(tab):
    tab.open("/")
    with tab.page.expect_navigation():
        tab.page.locator("nav .site-nav a[href$='/sparql']").click()
    assert urlsplit(tab.page.url).path == "/sparql"
    tab.page.locator(".example-link").first.click()
    assert tab.page.locator("#query").input_value().strip()
    tab.page.locator("#run-button").click()
    tab.page.wait_for_selector(".result-table tbody tr", timeout=20_000)
    assert tab.page.locator(".result-table tbody tr").count() >= 1
    assert tab.page.locator(".result-table thead th").count() >= 1
    tab.shot("editor-results")
    assert tab.problems() == []


@pytest.mark.parametrize("path,heading", [
    ("/downloads", "Downloads"),
    ("/void", "Dataset description"),
    ("/validation", "Validation report"),
    ("/ontology", None),
])
def test_dataset_pages_render_without_errors(tab, path, heading):
    tab.page.set_extra_http_headers({"Accept": "text/html"})
    tab.open(path)
    if heading is not None:
        assert tab.page.locator("h1").first.inner_text().strip() == heading
    else:
        assert tab.page.locator("h1").count() == 1
    tab.shot(path.strip("/").replace("/", "-") or "home")
    assert tab.problems() == []

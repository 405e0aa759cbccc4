"""The pictures and a list in headless Chromium: drawn, accessible, tappable, and agreeing with the
tables beside them and with the lists their links open; screenshots under test-artefacts/browser/
and zero console errors (a CSP violation is one)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PICTURES = {"overlap": "#overlap-matrix", "timeline": "#timeline-all", "map": "#city-map"}


@pytest.fixture
def pictures_tab(chromium, live_url):
    """A browser tab whose screenshots are named ``pictures-*.png``."""
    from tests.browser.conftest import Tab

    tab = Tab.new(chromium, live_url, prefix="pictures", viewport={"width": 1280, "height": 900}, locale="en-GB")
    yield tab
    tab.close()


def _list_count(tab, href: str) -> int:
    """The row count a list page states (its ``[data-count]``), after following ``href``."""
    tab.open(href)
    return int(tab.page.locator(".list-count [data-count]").get_attribute("data-count"))


@pytest.mark.parametrize("name", list(PICTURES))
def test_picture_is_drawn_accessible_and_clean(pictures_tab, name):
    """Each picture draws, has a titled group role (no links inside role=img), names every link."""
    tab = pictures_tab
    tab.open(f"/pictures/{name}")
    svg = tab.page.locator(PICTURES[name])
    box = svg.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100, box
    assert svg.get_attribute("role") == "group" and svg.locator("title").count() >= 1
    assert tab.page.locator("[role=img] a").count() == 0
    links = svg.locator("a")
    assert links.count() > 0
    unnamed = [i for i in range(links.count()) if not (links.nth(i).get_attribute("aria-label") or "").strip()]
    assert unnamed == []
    assert tab.page.locator("main table tbody tr").count() > 0
    tab.shot(name)
    assert tab.problems() == []


def test_overlap_cells_count_what_their_lists_show(pictures_tab):
    """Every matrix cell's number equals the row count of the list it links to, and the table agrees."""
    tab = pictures_tab
    tab.open("/pictures/overlap")
    cells = tab.page.locator("#overlap-matrix a")
    drawn = [(cells.nth(i).get_attribute("href"), int(cells.nth(i).get_attribute("data-count")))
             for i in range(cells.count())]
    table = tab.page.locator("#overlap-table td a")
    tabled = [(table.nth(i).get_attribute("href"), int(table.nth(i).get_attribute("data-count")))
              for i in range(table.count())]
    assert drawn == tabled and len(drawn) >= 4
    for href, count in drawn[:6]:  # the first row and a bit: each navigation costs a page load
        assert _list_count(tab, href) == count, href
    assert tab.problems() == []


def test_map_fits_its_points_with_tappable_markers_and_focus_labels(pictures_tab):
    """Markers lie inside the drawing, their hit areas are at least 24 px, and a focused marker
    shows its name; the table lists exactly the drawn markers."""
    tab = pictures_tab
    tab.open("/pictures/map")
    svg = tab.page.locator("#city-map")
    frame = svg.bounding_box()
    markers = svg.locator("a")
    n = markers.count()
    assert n == tab.page.locator("#map-table tbody tr").count() and n > 0
    names = {markers.nth(i).locator("text").inner_html().strip() for i in range(n)}
    rows = {tab.page.locator("#map-table tbody tr td a").nth(i).inner_text().strip() for i in range(n)}
    assert names == rows
    for i in range(n):
        hit = markers.nth(i).locator("circle.hit").bounding_box()
        assert hit["width"] >= 23.5 and hit["height"] >= 23.5, hit
        cx, cy = hit["x"] + hit["width"] / 2, hit["y"] + hit["height"] / 2
        assert frame["x"] <= cx <= frame["x"] + frame["width"] and frame["y"] <= cy <= frame["y"] + frame["height"]
    label = markers.first.locator("text")
    assert not label.is_visible()
    markers.first.focus()
    assert label.is_visible()
    tab.shot("map-focus")
    assert tab.problems() == []


def test_a_list_filters_and_pages_without_javascript(chromium, live_url):
    """With JavaScript off, a facet link narrows /memberships and the next link pages on."""
    from tests.browser.conftest import Tab

    tab = Tab.new(chromium, live_url, prefix="lists", java_script_enabled=False,
                  viewport={"width": 1280, "height": 900})
    try:
        tab.open("/memberships?size=20")
        total = int(tab.page.locator(".list-count [data-count]").get_attribute("data-count"))
        facet = tab.page.locator('.facet a[data-facet="status"][data-value="former"]')
        expected = int(facet.locator("xpath=..").locator(".count").inner_text())
        with tab.page.expect_navigation():
            facet.click()
        now = int(tab.page.locator(".list-count [data-count]").get_attribute("data-count"))
        assert now == expected and 0 < now < total
        tab.shot("memberships-former")
        tab.open("/memberships?size=20")
        with tab.page.expect_navigation():
            tab.page.locator("a[rel=next]").first.click()
        assert "next=" in tab.page.url and tab.page.locator("table.data-list tbody tr").count() == 20
        assert tab.problems() == []
    finally:
        tab.close()

"""The drawn timeline (web/timeline.chart, _partials/timeline_chart.html): a server-side SVG above the
#timeline list — year axis, one bar per dated membership, point marks per kind, linked, no inline style.

The real build (``client``) gives the pages the issue names (Rostock, the Union of the Baltic Cities);
the SPARQL answer key (``oracle_store``) says what they must show. Evil labels in the chart: test_xss.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from rdflib import Literal, URIRef

from netzwerke_kg.queries import Labeller
from netzwerke_kg.web import i18n, timeline
from tiny_project import BASE, EXTRA, parse_html

SVG = "{http://www.w3.org/2000/svg}"
UBC = "/page/network/union-of-the-baltic-cities"
IAPMC = "/page/network/international-association-of-peace-messenger-cities"
ROSTOCK = "/page/city/rostock"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"


def chart_svg(html: str) -> ET.Element:
    """The timeline's <svg>, parsed as XML on its own (it must be well-formed)."""
    match = re.search(r'<svg class="timeline-chart".*?</svg>', html, re.S)
    assert match, "no timeline chart in the page"
    return ET.fromstring(match.group(0))


def get_chart(client, path: str) -> tuple[ET.Element, str]:
    """GET a page; its timeline SVG and its HTML."""
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    return chart_svg(html), html


def group(svg: ET.Element, css_class: str) -> ET.Element | None:
    """The <g> with class ``css_class``."""
    return next((g for g in svg.iter(f"{SVG}g") if css_class in (g.get("class") or "").split()), None)


def bar_links(svg: ET.Element) -> list[ET.Element]:
    """The <a> of each membership bar."""
    g = group(svg, "memberships")
    return [] if g is None else [a for a in g.iter(f"{SVG}a") if a.find(f"{SVG}rect") is not None]


def dated_memberships(oracle_store, network_path: str) -> dict[str, tuple]:
    """The answer key: {membership page path: (start, end)} of a network's dated memberships."""
    network = BASE + "id/" + network_path.removeprefix("/page/")
    rows = oracle_store.query(f"""
PREFIX org: <{ORG}> PREFIX schema: <{SCHEMA}>
SELECT ?ms ?start ?end WHERE {{
  ?ms a org:Membership ; org:organization <{network}> .
  OPTIONAL {{ ?ms schema:startDate ?start }} OPTIONAL {{ ?ms schema:endDate ?end }}
  FILTER(BOUND(?start) || BOUND(?end))
}}""", use_default_graph_as_union=True)
    out = {}
    for r in rows:
        path = "/page/" + r["ms"].value.removeprefix(BASE + "id/")
        out[path] = (r["start"].value if r["start"] else None, r["end"].value if r["end"] else None)
    return out


def test_ubc_chart_is_accessible_svg_above_the_list(client):
    """A labelled group (its marks are links, so not role=img) with <title>/<desc>, before the list,
    which stays as the text alternative."""
    svg, html = get_chart(client, UBC)
    assert svg.get("role") == "group"
    assert svg.get("aria-labelledby") == "timeline-chart-title"
    assert svg.get("aria-describedby") == "timeline-chart-desc"
    assert svg.find(f"{SVG}title").text == "Timeline"
    assert "memberships" in svg.find(f"{SVG}desc").text
    section = parse_html(html).by_id("timeline")
    # the chart (in its scrolling box) comes before the list (in its fold)
    kids = [n.tag for n in section.children]
    assert kids.index("div") < kids.index("details")
    assert section.find_all("div")[0].find_all("svg") and section.find_all("details")[0].find_all("ol")
    assert len(section.find_all("li")) > 0


def test_one_bar_per_dated_membership(client, oracle_store):
    """UBC: every membership with a start or end date is one bar linking to the membership page."""
    svg, _ = get_chart(client, UBC)
    expected = dated_memberships(oracle_store, UBC)
    assert 0 < len(expected) <= timeline.MAX_BARS
    hrefs = [a.get("href") for a in bar_links(svg)]
    assert sorted(hrefs) == sorted(expected)


def test_open_and_closed_bars(client, oracle_store):
    """A membership without end runs to the axis end with an arrow; one with an end stops before;
    one without a start fades in from the axis start."""
    svg, _ = get_chart(client, UBC)
    expected = dated_memberships(oracle_store, UBC)
    axis = group(svg, "axis").find(f"{SVG}line")
    x0, x1 = float(axis.get("x1")), float(axis.get("x2"))
    for a in bar_links(svg):
        start, end = expected[a.get("href")]
        rect = a.find(f"{SVG}rect")
        classes = rect.get("class").split()
        left, right = float(rect.get("x")), float(rect.get("x")) + float(rect.get("width"))
        arrow = a.find(f"{SVG}polygon")
        if end is None:
            assert "open-end" in classes and arrow is not None
            tip = max(float(p.split(",")[0]) for p in arrow.get("points").split())
            assert tip == pytest.approx(x1)
        else:
            assert "open-end" not in classes and arrow is None and right < x1
        if start is None:
            assert "open-start" in classes and left == pytest.approx(x0)
            assert rect.get("fill") == "url(#timeline-fade-in)"
        else:
            assert left > x0
        tooltip = a.find(f"{SVG}rect/{SVG}title").text
        # dates as the reader writes them (the page is English here: "June 30, 2020")
        assert all(i18n.format_date(str(d), "en") in tooltip for d in (start, end) if d is not None), tooltip


def test_axis_spans_the_data_years(client, oracle_store):
    """Tick years are increasing, evenly spaced, and cover the years of every dated membership."""
    svg, _ = get_chart(client, UBC)
    ticks = [(int(t.text), float(t.get("x"))) for t in svg.iter(f"{SVG}text") if t.get("class") == "tick"]
    years = [y for y, _ in ticks]
    assert years == sorted(years) and len(set(b - a for a, b in zip(years, years[1:]))) == 1
    xs = [x for _, x in ticks]
    assert xs == sorted(xs)
    dates = [d for span in dated_memberships(oracle_store, UBC).values() for d in span if d]
    data_years = [int(str(d)[:4]) for d in dates]
    step = years[1] - years[0]
    assert years[0] <= min(data_years) < years[0] + step
    assert years[-1] <= max(data_years) + 1 < years[-1] + step


def test_marks_for_foundings_and_conferences_link_to_pages(client):
    """UBC: a founding mark and the 2001 General Conference mark, each a link that resolves."""
    svg, _ = get_chart(client, UBC)
    foundings = [a.get("href") for a in group(svg, "lane-founding").iter(f"{SVG}a")]
    events = [a.get("href") for a in group(svg, "lane-event").iter(f"{SVG}a")]
    assert len(foundings) == 1  # the foundingDate and the nkg:Founding event are one founding
    assert "/page/conference/ubc-general-conference-2001" in events
    for href in foundings + events:
        assert client.get(href).status_code in (200, 303), href
    # distinct shapes per kind: a founding is a diamond polygon, an event a square
    assert group(svg, "lane-founding").find(f"{SVG}a/{SVG}polygon").get("class") == "mark mark-diamond"
    assert group(svg, "lane-event").find(f"{SVG}a/{SVG}rect").get("class") == "mark mark-square"
    titles = [t.text for t in group(svg, "lane-event").iter(f"{SVG}title")]
    assert any("October 11, 2001 – October 13, 2001" in t for t in titles)  # an event with its end, as English readers write dates


def test_rostock_city_chart(client, oracle_store):
    """Rostock: its three memberships as bars naming the networks, twinnings and conferences as marks,
    every link in the chart resolving."""
    svg, _ = get_chart(client, ROSTOCK)
    labels = [a for a in group(svg, "memberships").iter(f"{SVG}a") if a.find(f"{SVG}text") is not None]
    assert len(labels) == len(bar_links(svg)) == 3
    assert all(a.get("class") == "network-link" for a in labels)
    twinnings = oracle_store.query(f"""
SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{
  ?t a <https://w3id.org/netzwerke-kg/ontology#Twinning> ; ?p <{BASE}id/city/rostock> ; <{SCHEMA}startDate> ?d
}}""", use_default_graph_as_union=True)
    n = int(next(iter(twinnings))["n"].value)
    assert len(list(group(svg, "lane-twinning").iter(f"{SVG}a"))) == n > 0
    assert len(list(group(svg, "lane-event").iter(f"{SVG}a"))) > 0
    for a in svg.iter(f"{SVG}a"):
        assert a.get("href").startswith("/page/"), a.get("href")
        assert client.get(a.get("href")).status_code in (200, 303), a.get("href")
    legend = [t.text for t in group(svg, "legend").iter(f"{SVG}text")]
    assert legend[:3] == ["Foundings", "Twinnings", "Conferences & events"]


def test_many_memberships_are_capped_with_a_note(tiny_client):
    """A network with more dated memberships than MAX_BARS draws MAX_BARS bars and says how many
    more are in the list; a later joiner is not crowded out by the founding members.

    Over the tiny build (Rostock 1991, Gdańsk 1992, the towns 1993 and one town 2017): the real
    data has no such network since the 1987 Peace Messenger titles became designations (issue 10)."""
    svg, html = get_chart(tiny_client, "/page/network/evil-network")
    expected = EXTRA + 2
    assert expected > timeline.MAX_BARS
    hrefs = [a.get("href") for a in bar_links(svg)]
    assert len(hrefs) == timeline.MAX_BARS
    assert f"/page/membership/evil-town-{EXTRA - 1:02d}" in hrefs
    note = parse_html(html).by_id("timeline").find_all("p", class_="timeline-more")
    assert len(note) == 1
    assert note[0].text().startswith(f"+{expected - timeline.MAX_BARS} more memberships in the list below.")


def test_undated_memberships_are_counted_not_drawn(client, oracle_store):
    """UBC has more memberships than dated ones: the note under the chart says how many are not drawn."""
    _, html = get_chart(client, UBC)
    every = oracle_store.query(f"""
SELECT (COUNT(DISTINCT ?ms) AS ?n) WHERE {{
  ?ms a <{ORG}Membership> ; <{ORG}organization> <{BASE}id/network/union-of-the-baltic-cities>
}}""", use_default_graph_as_union=True)
    undated = int(next(iter(every))["n"].value) - len(dated_memberships(oracle_store, UBC))
    assert undated > 1
    note = parse_html(html).by_id("timeline").find_all("p", class_="timeline-more")
    assert [p.text() for p in note] == [f"{undated} memberships without a date are not drawn (see the table above)."]


@pytest.mark.parametrize("path", [UBC, ROSTOCK, IAPMC + "?lang=de"])
def test_no_inline_style_anywhere(client, path):
    """CSP style-src 'self': no style attribute and no <style> element in the page."""
    doc = parse_html(client.get(path).get_data(as_text=True))
    assert doc.by_id("timeline").find_all("svg")
    for node in doc.iter():
        assert "style" not in node.attrs and node.tag != "style", (node.tag, node.attrs)


def test_german_chart(client):
    """?lang=de: the chart's title, legend and tooltips speak German."""
    svg, _ = get_chart(client, ROSTOCK + "?lang=de")
    assert svg.find(f"{SVG}title").text == "Zeitleiste"
    assert "Städtepartnerschaften" in [t.text for t in group(svg, "legend").iter(f"{SVG}text")]
    assert all("lang=de" in a.get("href") for a in svg.iter(f"{SVG}a"))


# --- the geometry, with its data inline ------------------------------------------------------------

def test_nice_ticks_fit_the_range():
    """Round steps, at most nine ticks, the first at or before the data, the end after the last year."""
    assert timeline.nice_ticks(1957.0, 2021.7) == (1950, 2022, 10)
    assert timeline.nice_ticks(1991.0, 2022.0) == (1990, 2023, 5)
    assert timeline.nice_ticks(2016.0, 2016.0) == (2016, 2017, 1)
    assert timeline.year_value("1991-07-01") == pytest.approx(1991.5, abs=0.01)
    assert timeline.year_value("1991") == 1991


def test_cap_keeps_every_distinct_span(app):
    """80 founding members and one later joiner, cap 10: ten bars, the joiner among them, 71 hidden."""
    network = BASE + "id/network/n"
    rows = []
    for i in range(80):
        rows.append({"e": URIRef(f"{BASE}id/membership/m{i:02d}"), "dp": URIRef(SCHEMA + "startDate"),
                     "date": Literal("1991"), "type": URIRef(ORG + "Membership"),
                     "member": URIRef(f"{BASE}id/city/c{i:02d}"), "organization": URIRef(network)})
    late = URIRef(BASE + "id/membership/late")
    for dp, date in (("startDate", "2017"), ("endDate", "2020-06-30")):
        rows.append({"e": late, "dp": URIRef(SCHEMA + dp), "date": Literal(date),
                     "type": URIRef(ORG + "Membership"), "member": URIRef(BASE + "id/city/late"),
                     "organization": URIRef(network)})
    with app.test_request_context("/page/network/n"):
        c = timeline.chart(rows, network, Labeller({}, "en"), "en", max_bars=10)
    assert len(c["bars"]) == 10 and c["hidden"] == 71
    assert c["bars"][-1]["href"] == "/page/membership/late"
    assert c["bars"][-1]["tooltip"].endswith("2017 – June 30, 2020 (membership)")
    assert (c["first"], c["last"]) == (1990, 2021)
    assert c["more"] == "+71 more memberships in the list below."

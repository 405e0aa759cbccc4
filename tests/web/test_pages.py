"""Resource pages people enjoy: language, properties with labels and tooltips, incoming links with
counts and pages, provenance, disagreements side by side, identities, timeline, home, ontology."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from tiny_project import BASE, EVIL_DE, EVIL_EN, EXTRA, parse_html

PAGE_SIZE = 25  # web.browse.PAGE_SIZE


def page(client, path, **headers):
    """GET a page and parse it."""
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return parse_html(response.get_data(as_text=True))


def row_map(table) -> dict[str, list[str]]:
    """A properties table as {row header text: [value texts]}."""
    out = {}
    for tr in table.find_all("tr"):
        th = tr.find_all("th")
        if th:
            out[th[0].text().strip()] = [li.text().strip() for li in tr.find_all("li")]
    return out


def test_language_from_accept_language_and_switch(tiny_client):
    """Accept-Language picks the language; ?lang= overrides it; the switch keeps the page."""
    r = tiny_client.get("/page/city/gdansk", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert r.headers["Content-Language"] == "de" and "Accept-Language" in r.headers["Vary"]
    de = page(tiny_client, "/page/city/gdansk", **{"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert de.find_all("html")[0].attrs["lang"] == "de"
    assert de.find_all("h1")[0].text() == "Danzig"
    en = page(tiny_client, "/page/city/gdansk?lang=en", **{"Accept-Language": "de"})
    assert en.find_all("html")[0].attrs["lang"] == "en"
    assert en.find_all("h1")[0].text() == "Gdańsk"
    switch = {a.attrs["hreflang"]: a.attrs["href"] for a in en.find_all("a") if "hreflang" in a.attrs
              and a.parent is not None and "lang-switch" in (a.parent.parent.attrs.get("class") or "")}
    # the switch goes through /language (which keeps the choice in a cookie) back to this page
    assert urlsplit(switch["de"]).path == "/language"
    back = parse_qs(urlsplit(switch["de"]).query)
    assert back["lang"] == ["de"] and urlsplit(back["next"][0]).path == "/page/city/gdansk"
    assert parse_qs(urlsplit(back["next"][0]).query) == {"lang": ["de"]}
    # the switch keeps other arguments (here: the page of an incoming group)
    paged = page(tiny_client, "/page/network/evil-network?incoming=x&page=2&lang=en")
    de_link = [a for a in paged.find_all("a", hreflang="de")][0].attrs["href"]
    target = parse_qs(urlsplit(de_link).query)["next"][0]
    assert parse_qs(urlsplit(target).query) == {"incoming": ["x"], "page": ["2"], "lang": ["de"]}
    # links on a page chosen with ?lang= keep the language
    hrefs = [a.attrs["href"] for a in paged.find_all("a", class_="city-link")]
    assert hrefs and all("lang=en" in h for h in hrefs)


def test_properties_have_labels_tooltips_and_typed_literals(tiny_client):
    """Property names come from the ontology (or a known vocabulary) with their definition as
    title; literals show language and datatype; values link to their pages."""
    doc = page(tiny_client, "/page/network/evil-network?lang=de")
    table = doc.by_id("properties")
    rows = row_map(table)
    assert "Gründungsdatum" in rows  # schema:foundingDate, German
    headers = {th.find_all("a")[0].text(): th.find_all("a")[0].attrs.get("title") for th in table.find_all("th")}
    assert headers["Gründungsdatum"] == "Wann die Organisation gegründet wurde."
    founding = [td for tr in table.find_all("tr") for td in tr.find_all("td")
                if tr.find_all("th")[0].text().strip() == "Gründungsdatum"][0]
    # the date as German readers write it; the lexical form and datatype in the tooltip
    shown = founding.find_all("span", class_="lit")[0]
    assert shown.attrs["data-datatype"] == "xsd:date" and "xsd:date" in shown.attrs["title"]
    iso = shown.attrs["title"].split(" ")[0]
    assert len(iso) == 10 and iso[4] == iso[7] == "-"
    assert shown.text() != iso and iso[:4] in shown.text()  # "20. September 1991", not "1991-09-20"
    labels = [td for tr in table.find_all("tr") for td in tr.find_all("td")
              if tr.find_all("th")[0].attrs and tr.find_all("th")[0].text().strip() == "Bezeichnung"][0]
    langs = sorted(s.text() for s in labels.find_all("span", class_="lit-lang"))
    assert langs == ["@de", "@en"]
    location = [a for a in table.find_all("a", class_="city-link")]
    assert [a.attrs["href"] for a in location] == ["/page/city/gdansk?lang=de"]
    # an nkg: property is labelled from the ontology itself
    en = page(tiny_client, "/page/city/rostock?lang=en")
    twin = row_map(en.by_id("properties"))
    assert "twin city" in {k.lower() for k in twin}


def test_incoming_counts_and_pagination(tiny_client):
    """Incoming links are grouped by property with counts; long groups are paginated."""
    doc = page(tiny_client, "/page/network/evil-network?lang=en")
    incoming = doc.by_id("incoming")
    groups = {g.attrs["data-property"]: g for g in incoming.find_all("section", class_="incoming-group")}
    org = groups["http://www.w3.org/ns/org#organization"]
    count = org.find_all("span", class_="count")[0].text()
    assert count == f"({EXTRA + 2})"
    assert len(org.find_all("li")) == PAGE_SIZE
    next_link = org.find_all("a", rel="next")[0].attrs["href"]
    second = page(tiny_client, next_link)
    org2 = [g for g in second.by_id("incoming").find_all("section", class_="incoming-group")
            if g.attrs["data-property"] == "http://www.w3.org/ns/org#organization"][0]
    first_items = {a.attrs["href"] for a in org.find_all("a") if "/page/membership/" in a.attrs["href"]}
    second_items = {a.attrs["href"] for a in org2.find_all("a") if "/page/membership/" in a.attrs["href"]}
    assert len(second_items) == EXTRA + 2 - PAGE_SIZE
    assert not first_items & second_items
    assert org2.find_all("a", rel="prev")
    # members of this network: one row per member, with links to their pages
    members = doc.by_id("members")
    assert len(members.find_all("a", class_="city-link")) == EXTRA + 2
    # networks this city belongs to
    city = page(tiny_client, "/page/city/gdansk?lang=en")
    assert [a.attrs["href"] for a in city.by_id("memberships").find_all("a", class_="network-link")] == \
        ["/page/network/evil-network?lang=en"]


def test_provenance_table(tiny_client):
    """Each fact names its source, with the source's date and address."""
    doc = page(tiny_client, "/page/city/gdansk?lang=en")
    rows = doc.by_id("provenance").find_all("tr")[1:]
    facts = {r.find_all("td")[0].find_all("a")[0].attrs["href"]: r for r in rows}
    ms = facts["/page/membership/evil-gdansk?lang=en"]
    cells = ms.find_all("td")
    assert cells[1].find_all("a")[0].attrs["href"] == "/page/source/evil-source?lang=en"
    assert "https://example.org/source?a=1&b=<2>" in [a.attrs["href"] for a in cells[1].find_all("a")]
    assert cells[2].find_all("time")[0].attrs["datetime"] == "2025-05-01"


def test_disagreement_side_by_side(tiny_client):
    """Disagreeing claims appear in one table with value, source, date and the approximate flag."""
    for path in ("/page/network/evil-network", "/page/disagreement/evil-member-count",
                 "/page/claim/evil-member-count-2024"):
        doc = page(tiny_client, path + "?lang=en")
        table = doc.by_id("disagreements").find_all("table")[0]
        rows = table.find_all("tr")[1:]
        # columns: claim (named by what it states), value, source, date
        values = sorted((r.find_all("td")[1].text().strip(), r.find_all("td")[3].text().strip()) for r in rows)
        assert values == [("30", "2024"), ("≈ 100", "2025")], path
        assert all(r.find_all("td")[2].find_all("a")[0].attrs["href"].startswith("/page/source/evil-source")
                   for r in rows)
    claims = page(tiny_client, "/page/network/evil-network?lang=de").by_id("claims")
    assert claims.find_all("h2")[0].text() == "Behauptungen (2)"
    assert claims.find_all("h3")[0].text() == "Mitgliederzahl im Zeitverlauf"
    # the counts as points on a time axis, in date order, the approximate one marked
    dots = [c for c in claims.find_all("circle") if "dot" in c.attrs.get("class", "")]
    assert [d.find_all("title")[0].text().split(" (")[0] for d in dots] == ["2024: 30", "2025: ≈100"]
    assert "approximate" in dots[1].attrs["class"] and "approximate" not in dots[0].attrs["class"]
    # later is further right, more is higher (smaller y)
    assert float(dots[0].attrs["cx"]) < float(dots[1].attrs["cx"])
    assert float(dots[0].attrs["cy"]) > float(dots[1].attrs["cy"])


def test_identities_jsonld_and_sparql_link(tiny_client):
    """Wikidata/GeoNames as links, schema.org JSON-LD, and a DESCRIBE link to the editor."""
    doc = page(tiny_client, "/page/city/rostock?lang=en")
    identities = [a.attrs["href"] for a in doc.by_id("identities").find_all("a")]
    assert identities == ["http://www.wikidata.org/entity/Q2861", "https://sws.geonames.org/2844588/"]
    data = json.loads([s for s in doc.find_all("script") if s.attrs.get("type") == "application/ld+json"][0].text())
    assert data["@type"] == "City" and data["name"] == EVIL_EN
    assert data["sameAs"] == identities
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": "54.0887", "longitude": "12.1405"}
    link = doc.find_all("a", class_="sparql-link")[0].attrs["href"]
    assert urlsplit(link).path == "/sparql"
    assert parse_qs(urlsplit(link).query)["query"] == [f"DESCRIBE <{BASE}id/city/rostock>"]


def test_timeline(tiny_client):
    """Foundings and memberships in date order, linking to the other side."""
    doc = page(tiny_client, "/page/network/evil-network?lang=en")
    items = doc.by_id("timeline").find_all("li")
    dates = [li.find_all("time")[0].attrs.get("datetime") for li in items]
    assert dates == sorted(dates)
    assert dates[:3] == ["1991", "1991-09-20", "1992-03-01"]
    assert items[0].find_all("a", class_="city-link")[0].attrs["href"] == "/page/city/rostock?lang=en"
    # on the city: the network founded there (schema:foundingLocation) and its membership
    city = page(tiny_client, "/page/city/gdansk?lang=en")
    entries = [(li.find_all("time")[0].attrs["datetime"], li.find_all("a")[0].attrs["href"])
               for li in city.by_id("timeline").find_all("li")]
    assert entries == [("1991-09-20", "/page/network/evil-network?lang=en"),
                       ("1992-03-01", "/page/network/evil-network?lang=en")]


def test_every_kind_has_a_page_with_headings(tiny_client):
    """Pages of every kind render with lang, one h1 naming the thing, and section headings."""
    for path, h1 in [("/page/country/de?lang=de", "Deutschland"), ("/page/role/member?lang=de", "Mitglied"),
                     ("/page/membership/evil-gdansk?lang=en", "Gdańsk – " + EVIL_EN),
                     ("/page/source/evil-source?lang=en", None), ("/page/claim/evil-member-count-2024", None),
                     ("/page/city/rostock?lang=de", EVIL_DE)]:
        doc = page(tiny_client, path)
        assert doc.find_all("html")[0].attrs["lang"] in ("de", "en")
        headings = doc.find_all("h1")
        assert len(headings) == 1
        if h1 is not None:
            assert headings[0].text() == h1, path
        assert doc.find_all("h2")


def test_home_page(tiny_client):
    """Networks with member counts, a map of all cities, dataset figures and entry points."""
    doc = page(tiny_client, "/?lang=en")
    cards = doc.by_id("networks").find_all("div", class_="card")
    assert len(cards) == 1
    assert cards[0].find_all("a", class_="network-link")[0].attrs["href"] == "/page/network/evil-network?lang=en"
    assert cards[0].find_all("strong")[0].text() == f"{EXTRA + 2:,}"  # current members, en grouping
    # the latest stated member count (a claim) with its date, linking to the claim
    stated = cards[0].find_all("p", class_="stated")[0].find_all("a")[0]
    assert stated.attrs["href"] == "/page/claim/evil-member-count-2025?lang=en"
    assert stated.text().endswith("100 (2025)")
    figures = doc.by_id("dataset").find_all("dd")
    assert int(figures[0].text().split()[0].replace(",", "")) > 0 and int(figures[2].text()) == 1
    assert "conforms" in figures[4].text()
    assert len([c for c in doc.by_id("map").find_all("circle") if "marker" in c.attrs.get("class", "")]) == EXTRA + 2
    entry = {urlsplit(a.attrs["href"]).path for a in doc.by_id("explore").find_all("a")}
    assert {"/sparql", "/downloads", "/ontology", "/void"} <= entry


def test_ontology_page(tiny_client):
    """Classes and properties in German and English, alignments, and the SHACL shapes."""
    doc = page(tiny_client, "/ontology?lang=en")
    network = doc.by_id("CityNetwork")
    langs = {dt.text(): dd.text() for dt, dd in zip(network.find_all("dt"), network.find_all("dd"))}
    assert langs["en"].startswith("city network") and langs["de"].startswith("Städtenetzwerk")
    # one city network in the tiny data
    assert network.find_all("dd", class_="usage")[0].text() == "1"
    assert int(doc.by_id("twinCity").find_all("dd", class_="usage")[0].text()) == 2
    aligned = [a.attrs["href"] for a in network.find_all("a")]
    assert "http://www.w3.org/ns/org#Organization" in aligned and "https://schema.org/Organization" in aligned
    shapes = doc.by_id("shapes").find_all("section", class_="shape")
    targets = {s.find_all("h3")[0].text().strip() for s in shapes}
    assert {"membership", "city network"} <= {t.lower() for t in targets}
    membership = [s for s in shapes if s.find_all("h3")[0].text().strip().lower() == "membership"][0]
    required = [tr.find_all("td")[0].text() for tr in membership.find_all("tr", class_="required")]
    assert any("member" in r for r in required)


def test_timeline_merges_same_year_ranges(tiny_client):
    """An edition from 27 to 29 September is one entry with a range; a membership that ends years
    later keeps a separate 'ends' entry."""
    from rdflib import Literal, URIRef

    from netzwerke_kg.queries import Labeller
    from netzwerke_kg.web import timeline

    schema, org = "https://schema.org/", "http://www.w3.org/ns/org#"
    edition, ms = URIRef(BASE + "id/conference/x-2021"), URIRef(BASE + "id/membership/y")
    rows = [
        {"e": edition, "dp": URIRef(schema + "startDate"), "date": Literal("2021-09-27"), "type": URIRef(schema + "Event")},
        {"e": edition, "dp": URIRef(schema + "endDate"), "date": Literal("2021-09-29"), "type": URIRef(schema + "Event")},
        {"e": ms, "dp": URIRef(schema + "startDate"), "date": Literal("1991"), "type": URIRef(org + "Membership")},
        {"e": ms, "dp": URIRef(schema + "endDate"), "date": Literal("1995"), "type": URIRef(org + "Membership")},
    ]
    with tiny_client.application.test_request_context("/page/city/rostock"):
        entries = timeline.entries(rows, BASE + "id/city/rostock", Labeller({}, "en"), "en")
    assert [(e["iso"], e["until"], e["qualifier"]) for e in entries] == [
        ("2021-09-27", "2021-09-29", ""), ("1991", None, ""), ("1995", None, "ends")]


def test_project_pages_over_the_real_build(app):
    """Over the project's own build: four networks with members on the home page; every network
    page has a members table and map; Rostock belongs to all four networks."""
    client = app.test_client()
    home = page(client, "/?lang=en")
    cards = home.by_id("networks").find_all("div", class_="card")
    assert len(cards) == 4
    for card in cards:
        assert int(card.find_all("strong")[0].text()) > 0
        href = card.find_all("a", class_="network-link")[0].attrs["href"]
        network = page(client, href)
        assert network.by_id("members").find_all("a", class_="city-link")
        assert network.by_id("map").find_all("svg")
        assert network.by_id("provenance").find_all("tr")
    rostock = page(client, "/page/city/rostock?lang=en")
    assert len(rostock.by_id("memberships").find_all("a", class_="network-link")) == 4


def test_html_answers_name_their_language_and_rdf_does_not(tiny_client):
    """Every blueprint's HTML names its language (Content-Language, RFC 9110 §8.5); RDF does not."""
    html = {"Accept": "text/html", "Accept-Language": "de"}
    for path in ("/", "/search?q=town", "/page/city/gdansk", "/ontology", "/downloads", "/void"):
        r = tiny_client.get(path, headers=html)
        assert (r.status_code, r.mimetype, r.headers.get("Content-Language")) == (200, "text/html", "de"), path
    r = tiny_client.get("/data/city/gdansk.ttl", headers={"Accept-Language": "de"})
    assert r.status_code == 200 and "Content-Language" not in r.headers

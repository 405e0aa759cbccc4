"""The lists and their twins (issue #11 §1, §5): HTML rows = JSON rows = CSV rows for the same
filters, facets count what the filtered list shows, pagination visits every row once, CSV opens
cleanly in a spreadsheet, counts are honest, and a bad parameter is a 400 naming it."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from netzwerke_kg.web.lists.specs import SPECS

LISTS = list(SPECS)


class _Page(HTMLParser):
    """The row ids, stated count, facet links, rel=next and rel=alternate links of a list page."""

    def __init__(self):
        """Start empty."""
        super().__init__()
        self.ids, self.count, self.next, self.alternates, self.facets = [], None, None, [], []
        self.sections = []

    def handle_starttag(self, tag, attrs):
        """Collect what the tests read."""
        a = dict(attrs)
        if tag == "tr" and "data-id" in a:
            self.ids.append(a["data-id"])
        if "data-count" in a and tag == "strong":
            self.count = int(a["data-count"])
        if tag == "a" and a.get("rel") == "next":
            self.next = a["href"]
        if tag == "a" and a.get("rel") == "alternate":
            self.alternates.append((a.get("type"), a["href"]))
        if tag == "a" and "data-facet" in a:
            self.facets.append((a["data-facet"], a["data-value"], a["href"]))
        if tag == "section" and a.get("class") == "topic":
            self.sections.append([])
        if tag == "a" and "cite" in (a.get("rel") or "").split() and self.sections:
            self.sections[-1].append(a["href"])


def _page(client, url) -> _Page:
    """GET an HTML list page and parse it."""
    r = client.get(url)
    assert r.status_code == 200, (url, r.data[:300])
    assert r.mimetype == "text/html"
    p = _Page()
    p.feed(r.get_data(as_text=True))
    return p


def _local(url: str) -> str:
    """Path and query of an absolute URL (the test client wants local URLs)."""
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def html_ids(client, url) -> list[str]:
    """Row ids of every page of an HTML list, following rel=next."""
    ids = []
    while url:
        p = _page(client, url)
        ids += p.ids
        url = p.next
    return ids


def json_pages(client, url) -> list[dict]:
    """Every page of a JSON list, following next_url."""
    pages = []
    while url:
        r = client.get(url)
        assert r.status_code == 200, (url, r.data[:300])
        pages.append(r.get_json())
        url = _local(pages[-1]["next_url"]) if pages[-1]["next_url"] else None
    return pages


def json_ids(client, name, url) -> list[str]:
    """Row ids of every page of a JSON list."""
    key = SPECS[name].id_key
    return [row[key] for page in json_pages(client, url) for row in page["rows"]]


def csv_rows(client, url, lang="en") -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV list (all rows: CSV is not paged unless asked)."""
    r = client.get(url)
    assert r.status_code == 200, (url, r.data[:300])
    assert r.headers["Content-Type"].startswith("text/csv; charset=utf-8")
    text = r.data.decode("utf-8")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    return table[0], table[1:]


def csv_ids(client, name, url) -> list[str]:
    """Row ids of a CSV list, read from its IRI columns."""
    header, rows = csv_rows(client, url)
    if name == "disagreements":
        claim, source = header.index("Claim (IRI)"), header.index("Source (IRI)")
        return [f"{r[claim]} {r[source]}".strip() for r in rows]
    column = SPECS[name].column(SPECS[name].id_key)
    return [r[header.index(f"{column.header} (IRI)")] for r in rows]


def _selections(client, name) -> list[list[tuple[str, str]]]:
    """Filter sets drawn from the data: none, each facet's commonest value, and two facets at once."""
    facets = client.get(f"/{name}.json?size=1").get_json()["facets"]
    picks = [(param, f["values"][0]["value"]) for param, f in facets.items() if f["values"]]
    out = [[]] + [[p] for p in picks]
    if len(picks) >= 2:
        out.append(picks[:2])
    return out


@pytest.mark.parametrize("name", LISTS)
def test_html_json_and_csv_show_the_same_rows(client, name):
    """For the same filters and sort, the three representations list the same rows in the same order."""
    for selection in _selections(client, name):
        for sort in (SPECS[name].default_sort, "-" + SPECS[name].default_sort):
            query = urlencode(selection + [("sort", sort)])
            html = html_ids(client, f"/{name}?{query}&size=40")
            js = json_ids(client, name, f"/{name}.json?{query}&size=40")
            rows = csv_ids(client, name, f"/{name}.csv?{query}")
            assert html == js == rows, (name, query)
            assert len(set(js)) == len(js)


@pytest.mark.parametrize("name", LISTS)
def test_facets_count_what_the_filtered_list_shows(client, name):
    """Following a facet value's link gives a list of exactly the count the facet stated."""
    first = client.get(f"/{name}.json?size=1").get_json()
    assert first["count"] == len(json_ids(client, name, f"/{name}.json?size=1000"))
    for param, facet in first["facets"].items():
        for value in facet["values"][:4]:
            followed = client.get(_local(value["href"])).get_json()
            assert followed["count"] == value["count"], (param, value)
            assert followed["filters"][param] == [value["value"]]
            # and within the filtered list, the facet shows the value selected with the same count
            again = {v["value"]: v for v in followed["facets"][param]["values"]}
            assert again[value["value"]]["selected"] and again[value["value"]]["count"] == value["count"]


@pytest.mark.parametrize("name,sort", [("cities", "-country"), ("memberships", "start"), ("sources", "-issued"),
                                       ("conferences", "network"), ("networks", "-founded")])
def test_pagination_visits_every_row_once(client, name, sort):
    """Small pages over a sort with ties and missing values: every row once, in the unpaged order."""
    whole = json_ids(client, name, f"/{name}.json?sort={sort}&size=1000")
    paged = json_ids(client, name, f"/{name}.json?sort={sort}&size=3")
    assert paged == whole and len(set(paged)) == len(paged) > 3


def test_next_token_is_opaque_and_stable(client):
    """The same page asked twice hands out the same token; a token from another sort is a 400."""
    a = client.get("/memberships.json?size=5").get_json()
    b = client.get("/memberships.json?size=5").get_json()
    assert a["next"] == b["next"] and a["next"]
    r = client.get(f"/memberships.json?size=5&sort=-member&next={a['next']}")
    assert r.status_code == 400 and r.get_json()["message"].startswith("next:")


def test_csv_opens_cleanly_in_a_spreadsheet(client):
    """UTF-8, one header row, IRI and label in separate columns, German headers, optional BOM."""
    plain = client.get("/cities.csv").data
    assert not plain.startswith(b"\xef\xbb\xbf")
    bom = client.get("/cities.csv?bom=1").data
    assert bom.startswith(b"\xef\xbb\xbf") and bom[3:] == plain
    header, rows = csv_rows(client, "/cities.csv")
    de_header, de_rows = csv_rows(client, "/cities.csv?lang=de")
    assert len(header) == len(de_header) and header != de_header
    assert "Country" in header and "Country (IRI)" in header and "Staat (IRI)" in de_header
    label, iri = header.index("Country"), header.index("Country (IRI)")
    assert all(r[iri].startswith("https://") and r[label] and "://" not in r[label] for r in rows if r[iri])
    assert all(len(r) == len(header) for r in rows)
    # the same rows (sorted by label, so in another order) with German labels somewhere different
    place = header.index("City or region (IRI)")
    english = {r[place]: r for r in rows}
    german = {r[place]: r for r in de_rows}
    assert english.keys() == german.keys()
    assert all(english[k][iri] == german[k][iri] for k in english)
    assert any(english[k][label] != german[k][label] for k in english)
    assert plain.count(b"\r\n") == len(rows) + 1  # RFC 4180 line ends, one header row


@pytest.mark.parametrize("name", LISTS)
def test_every_representation_announces_its_twins(client, name):
    """Link: rel=alternate on every representation, with the same filters; the page links them too."""
    html = client.get(f"/{name}?sort=-{SPECS[name].default_sort}")
    links = html.headers["Link"]
    for ext, media in (("json", "application/json"), ("csv", "text/csv")):
        assert f'/{name}.{ext}?sort=-{SPECS[name].default_sort}>; rel="alternate"; type="{media}"' in links
    p = _Page()
    p.feed(html.get_data(as_text=True))
    assert {t for t, _ in p.alternates} >= {"application/json", "text/csv"}
    js = client.get(f"/{name}.json")
    assert f'/{name}>; rel="alternate"; type="text/html"' in js.headers["Link"]


def test_membership_counts_are_honest(client, oracle_store):
    """Current + former = all memberships, as the status facet says and as SPARQL counts them."""
    page = client.get("/memberships.json?size=1").get_json()
    totals, status = page["totals"], {v["value"]: v["count"] for v in page["facets"]["status"]["values"]}
    assert totals["current"] + totals["former"] == page["count"] == totals["memberships"]
    assert status == {k: totals[k] for k in ("current", "former") if totals[k]}
    prefix = "PREFIX org: <http://www.w3.org/ns/org#> PREFIX schema: <https://schema.org/> " \
             "PREFIX nkg: <https://w3id.org/netzwerke-kg/ontology#> "
    [row] = oracle_store.query(prefix + "SELECT (COUNT(DISTINCT ?ms) AS ?n) (COUNT(DISTINCT ?ended) AS ?e) WHERE { "
                               "?ms org:organization ?net ; org:member ?m . ?net a nkg:CityNetwork . "
                               "OPTIONAL { ?ms schema:endDate ?x BIND(?ms AS ?ended) } }",
                               use_default_graph_as_union=True)
    assert page["count"] == int(row["n"].value) and totals["former"] == int(row["e"].value)


def test_city_counts_say_how_many_have_no_coordinates(client):
    """With and without coordinates add up, and the rows say the same."""
    page = json_pages(client, "/cities.json?size=1000")[0]
    t = page["totals"]
    assert t["with_coordinates"] + t["without_coordinates"] == page["count"] == len(page["rows"])
    assert t["without_coordinates"] == sum(1 for r in page["rows"] if r["lat"] is None)
    networks = client.get("/networks.json").get_json()["rows"]
    for n in networks:
        members = json_pages(client, f"/memberships.json?size=1000&network={n['network']}&status=current")[0]["rows"]
        assert n["members"] == len({m["member"] for m in members}), n["network"]


def test_disagreements_are_grouped_by_topic_with_cite_links(client):
    """One section per topic; every claim with a source URL has a cite link to it."""
    page = json_pages(client, "/disagreements.json?size=1000")[0]
    p = _page(client, "/disagreements?size=1000")
    assert len(p.sections) == page["totals"]["topics"]
    cited = [r["source_url"] for r in page["rows"] if r["source_url"]]
    assert sorted(h for s in p.sections for h in s) == sorted(cited)
    assert all(r["source_date_kind"] in ("issued", "retrieved") for r in page["rows"] if r["source_date"])
    assert {r["topic"] for r in page["rows"]} and all(r["value"] is not None for r in page["rows"])


@pytest.mark.parametrize("url,param", [
    ("/cities?sort=bogus", "sort"), ("/cities.json?size=0", "size"), ("/cities.csv?size=x", "size"),
    ("/cities.json?next=!!", "next"), ("/memberships?since=19x1", "since"), ("/memberships.json?status=maybe", "status"),
    ("/networks?lang=fr", "lang"), ("/cities.csv?bom=2", "bom"), ("/cities?network=%3Cscript%3E", "network"),
    ("/sources?format=xml", "format"),
])
def test_a_bad_parameter_is_a_400_naming_it(client, url, param):
    """Each unusable parameter gets a 400 whose message starts with its name."""
    r = client.get(url)
    assert r.status_code == 400
    assert r.get_json()["message"].startswith(f"{param}:")


def test_a_full_iri_filters_like_its_slug(client):
    """network=<IRI> and network=<slug> select the same rows."""
    rows = client.get("/networks.json").get_json()["rows"]
    iri = rows[0]["network"]
    slug = iri.rsplit("/", 1)[-1]
    a = client.get("/memberships.json?" + urlencode({"network": iri, "size": 1000})).get_json()
    b = client.get("/memberships.json?" + urlencode({"network": slug, "size": 1000})).get_json()
    assert a["rows"] == b["rows"] and a["count"] > 0


def test_json_facet_links_stay_json_and_html_facet_links_stay_html(client):
    """A facet href keeps the representation it was handed out in."""
    js = client.get("/cities.json").get_json()
    href = js["facets"]["country"]["values"][0]["href"]
    assert urlsplit(href).path == "/cities.json"
    p = _page(client, "/cities")
    assert all(urlsplit(h).path == "/cities" for _, _, h in p.facets)
    assert dict(parse_qsl(urlsplit(p.facets[0][2]).query))  # it carries the filter
    assert json.dumps(js)  # the document is plain JSON


@pytest.mark.parametrize("path", ["/networks", "/cities", "/memberships", "/sources", "/disagreements",
                                  "/countries", "/api", "/api/members?network=evil-network&format=html",
                                  "/pictures/overlap", "/pictures/timeline", "/pictures/map"])
@pytest.mark.parametrize("lang", ["en", "de"])
def test_labels_stay_text_on_lists_api_pages_and_pictures(tiny_client, path, lang):
    """Labels holding markup (tests/web/tiny_project.py) create no element and no inline style."""
    from tiny_project import parse_html

    sep = "&" if "?" in path else "?"
    r = tiny_client.get(f"{path}{sep}lang={lang}")
    assert r.status_code == 200, (path, r.data[:300])
    doc = parse_html(r.get_data(as_text=True))
    assert doc.find_all("script") == [] and doc.find_all("img") == [] and doc.find_all("b") == []
    for node in doc.iter():
        assert not any(name.startswith("on") for name in node.attrs), (node.tag, node.attrs)
        assert "style" not in node.attrs and node.tag != "style", (node.tag, node.attrs)


def test_evil_labels_arrive_intact_in_json_and_csv(tiny_client):
    """The JSON twin carries the label as it is; CSV keeps it text (a formula would be defused)."""
    from tiny_project import EVIL_EN

    rows = tiny_client.get("/networks.json?lang=en").get_json()["rows"]
    assert EVIL_EN in [r["network_label"] for r in rows]
    header, table = csv_rows(tiny_client, "/networks.csv?lang=en")
    assert EVIL_EN in [r[header.index("Network")] for r in table]


def test_csv_cells_that_look_like_formulas_are_defused():
    """=, +, @ and a dash before text get an apostrophe; numbers, negative ones too, do not."""
    from netzwerke_kg.web.lists import defuse

    assert [defuse(t) for t in ("=HYPERLINK(1)", "+1+2", "@SUM(A1)", "-x", "-0.59501", "12", "Rostock")] == \
        ["'=HYPERLINK(1)", "'+1+2", "'@SUM(A1)", "'-x", "-0.59501", "12", "Rostock"]


def test_a_list_answers_304_to_its_own_etag(client):
    """The app-wide caching hook gives lists validators: a repeat with If-None-Match is a 304."""
    first = client.get("/cities.json?country=de")
    tag = first.headers["ETag"]
    again = client.get("/cities.json?country=de", headers={"If-None-Match": tag})
    assert again.status_code == 304
    other = client.get("/cities.json?country=pl", headers={"If-None-Match": tag})
    assert other.status_code == 200

"""Stored queries (issue #11 §2): stable JSON and CSV, a page with the SPARQL and an editor link,
parameters validated (a bad one is a 400 naming it) and bound only in the VALUES block; answers
agree with the lists, which compute the same facts another way."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from netzwerke_kg.list_queries import STORED

#: one valid parameter set per stored query (slugs taken from the lists inside the tests)
VALID = {
    "members": {"network": "union-of-the-baltic-cities"},
    "networks-of-city": {"city": "rostock"},
    "cities-in-several-networks": {"min": "2"},
    "foundings-by-year": {},
    "disagreements": {},
    "city-timeline": {"city": "rostock"},
}


def _values_line(sparql: str) -> str:
    """The inline-data line of a stored query's text."""
    [line] = [ln for ln in sparql.splitlines() if ln.strip().startswith("VALUES")]
    return line


class _QueryPage(HTMLParser):
    """The SPARQL <pre>, the editor link and the answer rows of a stored-query page."""

    def __init__(self):
        """Start empty."""
        super().__init__()
        self.in_pre, self.sparql, self.editor, self.rows, self.in_answer = False, "", None, 0, False

    def handle_starttag(self, tag, attrs):
        """Note where we are."""
        a = dict(attrs)
        if tag == "pre" and "sparql" in (a.get("class") or ""):
            self.in_pre = True
        if tag == "a" and a.get("class") == "editor-link":
            self.editor = a["href"]
        if tag == "table" and a.get("id") == "answer":
            self.in_answer = True
        if tag == "tr" and self.in_answer:
            self.rows += 1

    def handle_endtag(self, tag):
        """Leave the <pre> or the table."""
        if tag == "pre":
            self.in_pre = False
        if tag == "table":
            self.in_answer = False

    def handle_data(self, data):
        """Collect the query text."""
        if self.in_pre:
            self.sparql += data


@pytest.mark.parametrize("name", list(STORED))
def test_json_csv_and_page_give_the_same_answer(client, name):
    """count = rows; CSV has the same rows; the page shows the very SPARQL and an editor link to it."""
    query = urlencode(VALID[name])
    js = client.get(f"/api/{name}?{query}").get_json()
    assert js["query"] == name and js["count"] == len(js["rows"]) > 0
    assert all(set(r) == set(js["columns"]) for r in js["rows"])  # every column, null when unbound
    r = client.get(f"/api/{name}?{query}&format=csv")
    assert r.headers["Content-Type"].startswith("text/csv; charset=utf-8")
    table = list(csv.reader(io.StringIO(r.data.decode("utf-8"))))
    assert table[0] == js["columns"] and len(table) - 1 == js["count"]
    assert [row[0] for row in table[1:]] == [str(row[js["columns"][0]]) for row in js["rows"]]
    page = _QueryPage()
    page.feed(client.get(f"/api/{name}?{query}&format=html").get_data(as_text=True))
    assert page.sparql == js["sparql"]
    assert parse_qs(urlsplit(page.editor).query)["query"] == [js["sparql"]]
    assert page.rows - 1 == js["count"]  # minus the header row
    assert 'rel="alternate"' in r.headers["Link"]


def test_the_editor_link_runs_the_same_query(client):
    """The SPARQL a page shows, sent to /sparql, answers the same rows as the API."""
    js = client.get("/api/networks-of-city?city=rostock").get_json()
    r = client.get("/sparql", query_string={"query": js["sparql"]}, headers={"Accept": "application/sparql-results+json"})
    bindings = r.get_json()["results"]["bindings"]
    assert sorted(b["network"]["value"] for b in bindings) == sorted(row["network"] for row in js["rows"])


@pytest.mark.parametrize("name", [n for n in STORED if any(p.kind in ("network", "place") for p in STORED[n].params)])
def test_parameters_change_only_the_values_block(client, name):
    """Two different parameter values give texts that differ only in the VALUES line."""
    kind = next(p for p in STORED[name].params if p.kind in ("network", "place"))
    table = "/networks.json" if kind.kind == "network" else "/cities.json?networks=2"
    key = "network" if kind.kind == "network" else "place"
    rows = client.get(table).get_json()["rows"][:2]
    texts = []
    for row in rows:
        js = client.get(f"/api/{name}", query_string={kind.name: row[key]}).get_json()
        texts.append(js["sparql"])
        assert f"<{row[key]}>" in _values_line(js["sparql"])
    a, b = (t.replace(_values_line(t), "") for t in texts)
    assert a == b and texts[0] != texts[1]


@pytest.mark.parametrize("url,param", [
    ("/api/members", "network"),
    ("/api/members?network=no-such-network", "network"),
    ("/api/members?network=union-of-the-baltic-cities&date=2010-13-01", "date"),
    ("/api/members?network=union-of-the-baltic-cities&date=yesterday", "date"),
    ("/api/members?network=union-of-the-baltic-cities&bogus=1", "bogus"),
    ("/api/members?network=union-of-the-baltic-cities&network=cities-of-memory", "network"),
    ("/api/members?network=https://evil.example/%3E%20%7D%20ASK%20%7B", "network"),
    ("/api/networks-of-city?city=%22%29%20%7D%20%23", "city"),
    ("/api/cities-in-several-networks?min=0", "min"),
    ("/api/cities-in-several-networks?min=2.5", "min"),
    ("/api/city-timeline?city=rostock&lang=fr", "lang"),
    ("/api/foundings-by-year?format=xml", "format"),
])
def test_a_bad_parameter_is_a_400_naming_it(client, url, param):
    """Missing, malformed, unknown, doubled or hostile parameters: 400 whose message starts with the name."""
    r = client.get(url)
    assert r.status_code == 400, r.data[:200]
    assert r.get_json()["message"].startswith(f"{param}:")


def test_unknown_stored_query_is_404(client):
    """A name that is no stored query is not found."""
    assert client.get("/api/drop-everything").status_code == 404


def test_members_today_are_the_current_memberships(client):
    """members without a date = the current members the /memberships list shows."""
    network = client.get("/networks.json").get_json()["rows"][-1]["network"]
    api = client.get("/api/members", query_string={"network": network}).get_json()
    listed = client.get("/memberships.json", query_string={"network": network, "status": "current",
                                                            "size": 1000}).get_json()["rows"]
    assert {r["member"] for r in api["rows"]} == {r["member"] for r in listed}


@pytest.mark.parametrize("when", ["1995", "2010-06", "2014-06-01", "2023"])
def test_members_at_a_date_follow_start_and_end(client, when):
    """members at a date = memberships begun by then (or of unknown start) and not ended before,
    compared at the data's precision; computed here in Python from the /memberships rows."""
    network = "union-of-the-baltic-cities"
    api = client.get("/api/members", query_string={"network": network, "date": when}).get_json()
    rows = client.get("/memberships.json", query_string={"network": network, "size": 1000}).get_json()["rows"]

    def on(r):
        """True when membership row r holds on ``when``."""
        start, end = r["start"], r["end"]
        return (start is None or start <= when[: len(start)]) and (end is None or end >= when[: len(end)])

    assert {r["member"] for r in api["rows"]} == {r["member"] for r in rows if on(r)}


def test_networks_of_a_city_and_cities_in_several_agree_with_the_cities_list(client):
    """The API and /cities count a city's networks the same way."""
    cities = {r["place"]: r for r in client.get("/cities.json?size=1000").get_json()["rows"]}
    several = client.get("/api/cities-in-several-networks?min=2").get_json()["rows"]
    assert {r["city"]: r["networks"] for r in several} == {
        k: v["network_count"] for k, v in cities.items() if v["network_count"] >= 2}
    rostock = next(k for k in cities if k.endswith("/rostock"))
    mine = client.get("/api/networks-of-city", query_string={"city": rostock}).get_json()["rows"]
    assert {r["network"] for r in mine} == set(cities[rostock]["networks"])


def test_stored_disagreements_match_the_list(client):
    """Claims where sources disagree: the same (claim, source) pairs as /disagreements."""
    api = client.get("/api/disagreements").get_json()["rows"]
    listed = client.get("/disagreements.json?size=1000").get_json()["rows"]
    assert {(r["claim"], r["source"]) for r in api} == {(r["claim"], r["source"]) for r in listed}


def test_index_lists_every_stored_query_and_points_to_openapi(client):
    """/api names every stored query and announces the OpenAPI document."""
    r = client.get("/api")
    text = r.get_data(as_text=True)
    assert all(f"/api/{name}" in text for name in STORED)
    assert re.search(r'/openapi\.json>; rel="service-desc"', r.headers["Link"])

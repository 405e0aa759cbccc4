"""Disagreements between sources are first-class: the listing query of docs/model.md returns every
expected disagreement, each claim has a source with a URL and a date, approximate values are marked.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

NKG = "https://w3id.org/netzwerke-kg/ontology#"
ID = "https://w3id.org/netzwerke-kg/id/"

# The listing query of docs/model.md ("Listing disagreements"), with the prologue it needs for
# rdf: and prov: (SPARQL 1.1 Query §4.1.1: prefixes must be declared).
LISTING = """
PREFIX nkg: <https://w3id.org/netzwerke-kg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?disagreement ?about ?claim ?property ?value ?source WHERE {
  ?disagreement a nkg:Disagreement ; nkg:about ?about ; nkg:claim ?claim .
  ?claim rdf:predicate ?property ; rdf:object ?value ; prov:wasDerivedFrom ?source .
}
"""

# disagreement slug -> (what it is about, the claimed property, the values the sources give)
EXPECTED = {
    "ubc-member-count": ("network/union-of-the-baltic-cities", {"memberCount"}, {"32", "100", "60", "69", "66", "74"}),
    "ubc-member-countries": ("network/union-of-the-baltic-cities", {"memberCountry", "memberCountryCount"},
                             {ID + "country/ru", "10", "9", ID + "country/ua"}),
    "ubc-first-president-term": ("position/ubc-president-anders-engstroem", {"startDate", "endDate"},
                                 {"1991", "1999", "2001"}),
    "peace-messenger-designation-date": ("designation/peace-messenger-cities", {"startDate"}, {"1985", "1986", "1987"}),
    "peace-messenger-designating-body": ("designation/peace-messenger-cities", {"designatedBy"},
                                         {ID + "organization/un-general-assembly", ID + "organization/un-secretary-general"}),
    "peace-messenger-designated-city-count": ("designation/peace-messenger-cities", {"designatedCityCount"}, {"62", "68", "74"}),
    "international-year-of-peace-year": ("event/international-year-of-peace", {"startDate"}, {"1985", "1986"}),
    "iapmc-founding-date": ("network/international-association-of-peace-messenger-cities", {"foundingDate"},
                            {"1986", "1988", "1996"}),
    "iapmc-member-count": ("network/international-association-of-peace-messenger-cities", {"memberCount"}, {"112", "113"}),
    "international-crisis-management-conference-2021-attendance": (
        "conference/international-crisis-management-conference-2021",
        {"attendingCityCount", "attendingCountryCount", "announcedCountryCount"}, {"7", "8", "6"}),
    "cities-of-memory-member-count": ("network/cities-of-memory", {"memberCount"}, {"12", "20", "19", "17"}),
    "rostock-turku-twinning-year": ("twinning/rostock-turku", {"startDate"}, {"1959", "1958"}),
}

# claims whose source states the value only approximately ("ca.", "about", "more than", "une vingtaine")
APPROXIMATE = {"ubc-member-count-rostock-page", "ubc-member-count-rostock-en-page-old",
               "ubc-member-count-rostock-en-page", "cities-of-memory-member-count-2019-12",
               "cities-of-memory-member-count-2024"}


def run(store, query: str):
    """Evaluate a query over the union of the named graphs (the endpoint's default graph)."""
    return store.query(query, use_default_graph_as_union=True)


def _local(term) -> str:
    """The local part of an nkg:/schema: property IRI (after # or the last /)."""
    text = str(term)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def listing(built_store):
    """The rows of the docs/model.md listing query, grouped by disagreement slug."""
    rows = defaultdict(list)
    for solution in run(built_store, LISTING):
        slug = solution["disagreement"].value.removeprefix(ID + "disagreement/")
        rows[slug].append({name: solution[name].value for name in
                           ("about", "claim", "property", "value", "source")})
    return rows


def test_listing_returns_every_expected_disagreement(listing):
    """Each expected disagreement is listed, about the right resource."""
    missing = set(EXPECTED) - set(listing)
    assert not missing, f"disagreements not listed: {sorted(missing)}"
    for slug, (about, _, _) in EXPECTED.items():
        assert {row["about"] for row in listing[slug]} == {ID + about}, slug


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_each_disagreement_holds_the_competing_values(listing, slug):
    """The claims of a disagreement state the values the sources give, on the expected property."""
    _, properties, values = EXPECTED[slug]
    rows = listing[slug]
    assert len({row["claim"] for row in rows}) >= 2, f"{slug}: fewer than two claims"
    assert {_local(row["property"]) for row in rows} == properties
    assert {row["value"] for row in rows} == values
    assert len({row["source"] for row in rows}) >= 2, f"{slug}: all claims from one source"


def test_every_claim_source_has_a_url_and_a_date(built_store):
    """Every claim in a disagreement names a source document with a URL and a publication or retrieval
    date, and carries a date wherever its source states one."""
    query = """
    PREFIX nkg: <https://w3id.org/netzwerke-kg/ontology#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX schema: <https://schema.org/>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?claim ?source (SAMPLE(?url) AS ?u) (SAMPLE(?date) AS ?d) (SAMPLE(?when) AS ?w)
           (SAMPLE(?stated) AS ?s) WHERE {
      ?disagreement a nkg:Disagreement ; nkg:claim ?claim .
      ?claim prov:wasDerivedFrom ?source .
      OPTIONAL { ?source schema:url ?url }
      OPTIONAL { { ?source dcterms:issued ?date } UNION { ?source nkg:retrievedOn ?date } }
      OPTIONAL { ?source dcterms:issued|dcterms:date ?stated }
      OPTIONAL { ?claim dcterms:date ?when }
    } GROUP BY ?claim ?source
    """
    rows = list(run(built_store, query))
    assert len(rows) >= 2 * len(EXPECTED)
    for row in rows:
        claim = row["claim"].value
        assert row["u"] is not None and row["u"].value.startswith(("http://", "https://")), claim
        assert row["d"] is not None, f"{claim}: source {row['source'].value} has no date"
        # issue 10: a claim carries the date its source states; from an undated page it has none
        if row["s"] is not None:
            assert row["w"] is not None, f"{claim}: its source states a date, the claim has none"


def test_approximate_values_are_marked(built_store):
    """Exactly the claims stated as "ca./about/more than" carry nkg:approximate true."""
    query = """
    PREFIX nkg: <https://w3id.org/netzwerke-kg/ontology#>
    SELECT ?claim WHERE { ?claim a nkg:Claim ; nkg:approximate true }
    """
    marked = {row["claim"].value.removeprefix(ID + "claim/") for row in run(built_store, query)}
    assert marked == APPROXIMATE


def test_member_counts_are_claims_with_dates(built_store):
    """Member counts are never asserted directly, only as dated claims (counts over time can be listed)."""
    direct = """
    PREFIX nkg: <https://w3id.org/netzwerke-kg/ontology#>
    ASK { ?org nkg:memberCount ?n }
    """
    assert not bool(run(built_store, direct))
    over_time = """
    PREFIX nkg: <https://w3id.org/netzwerke-kg/ontology#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?date ?count WHERE {
      ?c rdf:subject <https://w3id.org/netzwerke-kg/id/network/union-of-the-baltic-cities> ;
         rdf:predicate nkg:memberCount ; rdf:object ?count ; dcterms:date ?date .
    } ORDER BY ?date
    """
    # sorted here: ORDER BY over mixed xsd:gYear / xsd:date values is not defined by SPARQL
    series = sorted((str(r["date"].value), int(r["count"].value)) for r in run(built_store, over_time))
    assert series[0] == ("1991-09-20", 32)
    assert ("2025", 74) in series

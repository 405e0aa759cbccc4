"""Issue 10, sections 2 and 3: each finding of the audit as a query over the built graph.

Every test here failed on the graph before the fix (the old value is named in the docstring).
"""

from __future__ import annotations


import pytest

from tests.kg.test_fact_coverage import PREFIXES

def values(store, query: str, var: str) -> list:
    """One variable of a SELECT, in result order."""
    return [r[var].value if r[var] is not None else None
            for r in store.query(PREFIXES + query, use_default_graph_as_union=True)]


def ask(store, query: str) -> bool:
    """An ASK over the union of the named graphs."""
    return bool(store.query(PREFIXES + query, use_default_graph_as_union=True))


# ---- section 2: the date of a claim is the date its source states --------------------------------

LATEST_COUNTS = """
SELECT ?network ?value ?date WHERE {
  ?network a nkg:CityNetwork .
  ?claim rdf:subject ?network ; rdf:predicate nkg:memberCount ; rdf:object ?value .
  OPTIONAL { ?claim dcterms:date ?date }
} ORDER BY ?network DESC(STR(?date))"""


def latest_member_counts(store) -> dict[str, tuple[int, str | None]]:
    """The newest member count per network: the first row per network, newest date first, undated last."""
    latest: dict[str, tuple[int, str | None]] = {}
    for row in store.query(PREFIXES + LATEST_COUNTS, use_default_graph_as_union=True):
        date = row["date"].value if row["date"] is not None else None
        latest.setdefault(row["network"].value, (int(row["value"].value), date))
    return latest


def test_latest_ubc_member_count_is_the_2025_list(built_store):
    """UBC: the newest count is the 2025 list's 74 (was the undated "ca. 100", dated by our reading)."""
    listed = 74  # the UBC's 2025 member list (the research source ubc_members_2025.csv has 74 rows)
    value, date = latest_member_counts(built_store)["https://w3id.org/netzwerke-kg/id/network/union-of-the-baltic-cities"]
    assert (value, date[:4]) == (listed, "2025")


def test_latest_member_count_of_every_network_is_its_newest_dated_claim(built_store):
    """For each network the latest count is its newest dated claim; undated claims (read from
    undated pages) come first only where no claim is dated."""
    latest = latest_member_counts(built_store)
    assert len(latest) >= 3
    for network, (value, date) in latest.items():
        dates = [d for d in values(built_store, f"""
            SELECT ?d WHERE {{ ?c rdf:subject <{network}> ; rdf:predicate nkg:memberCount ; dcterms:date ?d }}""", "d")]
        if dates:
            assert date is not None, f"{network}: an undated claim sorts before the dated ones"
            assert date == max(dates, key=str), network
        else:
            assert date is None, f"{network}: only undated claims, yet a date"


def test_no_claim_takes_the_reading_day_as_its_date(built_store):
    """No claim is dated by its source's nkg:retrievedOn unless the source itself states that date
    (was: 27 claims dated 2026-11-26, the day the research notes arrived)."""
    assert not ask(built_store, """
    ASK { ?claim a nkg:Claim ; dcterms:date ?d ; prov:wasDerivedFrom ?s . ?s nkg:retrievedOn ?r .
          FILTER(STR(?d) = STR(?r))
          FILTER NOT EXISTS { ?s dcterms:issued|dcterms:date ?stated . FILTER(STR(?stated) = STR(?d)) } }""")


def test_retrieval_is_not_a_date_of_the_source(built_store):
    """nkg:retrievedOn is no longer a sub-property of dcterms:date (reading is not the source's date)."""
    assert not ask(built_store, "ASK { nkg:retrievedOn rdfs:subPropertyOf+ dcterms:date }")


# ---- section 3: mend what is wrong ----------------------------------------------------------------

def test_the_2021_greeting_is_not_called_a_video(built_store):
    """No source says the 2021 greeting was a video (was: "Grußbotschaft (Video)")."""
    assert ask(built_store, "ASK { ?m a schema:Message ; schema:description ?t }")
    assert not ask(built_store, """
    ASK { ?m a schema:Message ; schema:description ?t . FILTER(CONTAINS(LCASE(STR(?t)), "video")) }""")


def test_ubc_founding_prepared_by_kalmar_and_gdansk_rostock_one_of_32(built_store):
    """Who founded the UBC is not answered by Rostock alone (was: schema:organizer city:rostock)."""
    organisers = set(values(built_store, """
        SELECT ?o WHERE { ?f nkg:founded network:union-of-the-baltic-cities ; schema:organizer ?o }""", "o"))
    assert organisers == {"https://w3id.org/netzwerke-kg/id/city/kalmar", "https://w3id.org/netzwerke-kg/id/city/gdansk"}
    founders = set(values(built_store, "SELECT ?f WHERE { network:union-of-the-baltic-cities schema:founder ?f }", "f"))
    assert {"https://w3id.org/netzwerke-kg/id/city/kalmar", "https://w3id.org/netzwerke-kg/id/city/gdansk",
            "https://w3id.org/netzwerke-kg/id/city/rostock"} <= founders
    assert ask(built_store, """
    ASK { ?f nkg:founded network:union-of-the-baltic-cities ; nkg:foundingMemberCount 32 .
          ?m org:member city:rostock ; org:organization network:union-of-the-baltic-cities ;
             org:role/rdfs:label "founding member"@en . }""")


def test_no_membership_begins_before_its_network_was_founded(built_store):
    """The 1987 Peace Messenger titles are UN designations, not IAPMC memberships (was: 59 IAPMC
    memberships from 1987, a year before the IAPMC was founded in 1988)."""
    early = values(built_store, """
    SELECT ?m WHERE { ?m a org:Membership ; org:organization ?n ; schema:startDate ?s .
                      ?n schema:foundingDate ?f .
                      FILTER(xsd:integer(SUBSTR(STR(?s), 1, 4)) < xsd:integer(SUBSTR(STR(?f), 1, 4))) }""", "m")
    assert early == []
    assert ask(built_store, """
    ASK { ?d a nkg:Designation ; nkg:designatedPlace city:kyiv ; nkg:designatedTitle "Peace Messenger City"@en ;
             schema:startDate "1987"^^xsd:gYear ; prov:wasDerivedFrom ?s .
          FILTER NOT EXISTS { ?m org:member city:kyiv ;
                                 org:organization network:international-association-of-peace-messenger-cities } }""")


def test_former_memberships_have_an_end(built_store):
    """A member no longer among the network's org:hasMember has a membership that ended, dated or
    not (was: membership:ubc-stralsund without an end, so it looked current)."""
    open_former = values(built_store, """
    SELECT ?m WHERE { ?n a nkg:CityNetwork . ?m org:organization ?n ; org:member ?x ;
                                           org:role ?role .
                      FILTER(?role IN (<https://w3id.org/netzwerke-kg/id/role/member>,
                                       <https://w3id.org/netzwerke-kg/id/role/founding-member>))
                      FILTER NOT EXISTS { ?n org:hasMember ?x }
                      FILTER NOT EXISTS { ?m schema:endDate ?e }
                      FILTER NOT EXISTS { ?m org:memberDuring/time:hasEnd ?end } }""", "m")
    assert open_former == []
    current = values(built_store, """
    SELECT ?x WHERE { ?m org:organization network:union-of-the-baltic-cities ; org:member ?x .
                      FILTER NOT EXISTS { ?m schema:endDate ?e }
                      FILTER NOT EXISTS { ?m org:memberDuring/time:hasEnd ?end } }""", "x")
    assert "https://w3id.org/netzwerke-kg/id/city/stralsund" not in current
    assert "https://w3id.org/netzwerke-kg/id/city/rostock" in current


def test_largely_destroyed_in_a_world_war_is_queryable(built_store):
    """"Largely destroyed in World War I or II" is a link to the wars, not only words in a description."""
    networks = values(built_store, """
    SELECT DISTINCT ?n WHERE { ?n nkg:membersLargelyDestroyedIn ?war .
                               ?war owl:sameAs ?wd . VALUES ?wd { wd:Q361 wd:Q362 } }""", "n")
    assert networks == ["https://w3id.org/netzwerke-kg/id/network/cities-of-memory"]


def test_every_minted_property_is_aligned_or_says_why(built_store):
    """Each nkg: property has a standard super-property, or a scope note (de and en) saying why not
    with its nearest counterpart, or is deprecated with its replacement (was: nine unaligned)."""
    loose = values(built_store, """
    SELECT ?p WHERE {
      ?p a ?kind . FILTER(?kind IN (owl:ObjectProperty, owl:DatatypeProperty))
      FILTER(STRSTARTS(STR(?p), "https://w3id.org/netzwerke-kg/ontology#"))
      FILTER NOT EXISTS { ?p rdfs:subPropertyOf ?sup . FILTER(!STRSTARTS(STR(?sup), "https://w3id.org/netzwerke-kg/")) }
      FILTER NOT EXISTS { ?p skos:scopeNote ?de , ?en ; rdfs:seeAlso ?near . FILTER(LANG(?de) = "de" && LANG(?en) = "en") }
      FILTER NOT EXISTS { ?p owl:deprecated true ; dcterms:isReplacedBy ?new }
    } ORDER BY ?p""", "p")
    assert loose == []


def test_annual_is_a_schema_org_schedule(built_store):
    """"Annual" is schema:eventSchedule with repeatFrequency P1Y, not the deprecated nkg:frequency."""
    assert ask(built_store, """
    ASK { ?series a schema:EventSeries ; schema:eventSchedule ?s . ?s a schema:Schedule ;
          schema:repeatFrequency "P1Y"^^xsd:duration . }""")
    assert not ask(built_store, "ASK { ?s nkg:frequency ?f }")


# The German names of the time of German rule over places now in Poland, Russia and the Baltic states
# (docs/model.md, "German labels"): alternative labels only, never the label.
HISTORIC_GERMAN = ["Danzig", "Stettin", "Königsberg", "Breslau", "Memel", "Elbing", "Stolp", "Köslin",
                   "Dorpat", "Reval", "Libau", "Mitau", "Pernau", "Rügenwalde", "Zoppot", "Gdingen"]


@pytest.mark.parametrize("name", ["Danzig", "Stettin"])
def test_historic_german_names_are_alternatives(built_store, name):
    """Gdańsk and Szczecin follow one rule: the current name is the German label, the historic German
    name an alternative (was: "Gdańsk"@de but "Stettin"@de)."""
    assert ask(built_store, f'ASK {{ ?c a schema:City ; skos:altLabel "{name}"@de ; rdfs:label ?l . '
                            f'FILTER(LANG(?l) = "de" && STR(?l) != "{name}") }}')


def test_no_historic_german_name_is_a_label(built_store):
    """None of the historic German names is an rdfs:label@de of any place."""
    names = " ".join(f'"{n}"@de' for n in HISTORIC_GERMAN)
    assert not ask(built_store, f"ASK {{ VALUES ?n {{ {names} }} ?c rdfs:label ?n }}")


def test_editorial_notes_are_not_published_comments(built_store):
    """Notes about other datasets' errors and to-dos are skos:editorialNote, not rdfs:comment
    (was: "dr5hn nennt fälschlich Q34093" as a comment on Rostock's page)."""
    assert not ask(built_store, """
    ASK { ?s rdfs:comment ?c .
          FILTER(CONTAINS(?c, "dr5hn") || CONTAINS(?c, "fälschlich") || CONTAINS(?c, "wrongly")
                 || CONTAINS(?c, "prüfen") || CONTAINS(LCASE(?c), "check against")) }""")
    assert ask(built_store, 'ASK { city:rostock skos:editorialNote ?n . FILTER(CONTAINS(?n, "Q34093")) }')

"""Fact coverage: every numbered statement of the seed page (issue 2, section 3) and the enrichment
facts are answerable over the built graph with ASK queries in the standard vocabularies
(W3C ORG, schema.org, PROV-O, OWL-Time, SKOS, Dublin Core, owl:sameAs) – the queries a consumer of
the SPARQL endpoint would write. Each row is one statement; a failing row names the statement.
"""

from __future__ import annotations

import pytest

# SPARQL 1.1 Query (https://www.w3.org/TR/sparql11-query/) prologue shared by every row.
PREFIXES = """
PREFIX nkg: <https://w3id.org/netzwerke-kg/ontology#>
PREFIX network: <https://w3id.org/netzwerke-kg/id/network/>
PREFIX city: <https://w3id.org/netzwerke-kg/id/city/>
PREFIX region: <https://w3id.org/netzwerke-kg/id/region/>
PREFIX country: <https://w3id.org/netzwerke-kg/id/country/>
PREFIX source: <https://w3id.org/netzwerke-kg/id/source/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
PREFIX geosparql: <http://www.opengis.net/ont/geosparql#>
PREFIX wd: <http://www.wikidata.org/entity/>
"""

SEED_URL = ("https://rathaus.rostock.de/de/rathaus/international/internationale_verbindungen/"
            "internationale_netzwerke/279904")

# The 22 members of the crisis-management network in the page's own spelling (statement 2).
CRISIS_MEMBERS_ON_PAGE = ["Wien", "Tallinn", "Tel Aviv-Yafo", "Moskau", "Prag", "Ljubljana", "Zagreb",
                          "Warschau", "Woiwodschaft Masowien", "Nis", "Budapest", "Krakow", "Düsseldorf",
                          "Berlin", "Paris", "Riga", "Vilnius", "Helsinki", "Hamburg", "Bordeaux",
                          "Rostock", "Odessa"]
_names = " ".join(f'"{n}"@de' for n in CRISIS_MEMBERS_ON_PAGE)

# (id, statement, ASK query). Numbered rows are the statements 1–9 of issue 2, section 3.
FACTS = [
    ("1-publisher-and-page", "The page is a German source document with title and URL, published by the "
     "Hanse- und Universitätsstadt Rostock", f"""
     ASK {{
       ?page a foaf:Document ; dcterms:title "Internationale Netzwerke"@de ; dcterms:language "de" ;
             schema:url ?url ; dcterms:publisher ?publisher .
       FILTER(STR(?url) = "{SEED_URL}")
       ?publisher rdfs:label "Hanse- und Universitätsstadt Rostock"@de ;
                  prov:actedOnBehalfOf ?city .
       ?city rdfs:label "Rostock"@de .
     }}"""),
    ("2-crisis-network-has-exactly-22-members", "The crisis-management network has 22 members", """
     ASK {
       { SELECT (COUNT(DISTINCT ?member) AS ?n) WHERE {
           ?network rdfs:label "International City Network for Crisis Management"@en .
           ?m a org:Membership ; org:organization ?network ; org:member ?member .
       } }
       FILTER(?n = 22)
     }"""),
    ("2-crisis-network-members-as-listed", "Each of the 22 names on the page is a member", f"""
     ASK {{
       FILTER NOT EXISTS {{
         VALUES ?name {{ {_names} }}
         FILTER NOT EXISTS {{
           ?network rdfs:label "International City Network for Crisis Management"@en .
           ?m org:organization ?network ; org:member ?member .
           ?member rdfs:label|skos:altLabel ?name .
         }}
       }}
     }}"""),
    ("2-masovia-is-a-region", "Woiwodschaft Masowien is a member and an administrative area, not a city", """
     ASK {
       ?m org:organization network:international-city-network-for-crisis-management ; org:member ?masovia .
       ?masovia a schema:AdministrativeArea ; rdfs:label "Woiwodschaft Masowien"@de , "Masovian Voivodeship"@en ;
                schema:containedInPlace/nkg:isoCode "PL" .
       FILTER NOT EXISTS { ?masovia a schema:City }
     }"""),
    ("3-rostock-since-2016-represented-by-fire-office", "Rostock takes part since 2016, represented by its "
     "Brandschutz- und Rettungsamt", """
     ASK {
       ?m a org:Membership ; org:member city:rostock ;
          org:organization network:international-city-network-for-crisis-management ;
          schema:startDate "2016"^^xsd:gYear ; nkg:representedBy ?office ; prov:wasDerivedFrom ?source .
       ?office rdfs:label "Brandschutz- und Rettungsamt Rostock"@de ; prov:actedOnBehalfOf city:rostock .
       ?p a prov:Association ; nkg:participant city:rostock ; prov:agent ?office ;
          schema:startDate "2016"^^xsd:gYear ; nkg:participatesIn ?series .
       ?series skos:altLabel "Sicherheit in den Städten im 21. Jahrhundert"@de .
     }"""),
    # issue 10: "annual" is schema.org's eventSchedule with an ISO 8601 repeatFrequency (was nkg:frequency)
    ("3-annual-conference-at-changing-places", "The conference is annual and held at changing places", """
     ASK {
       ?series a schema:EventSeries ; skos:altLabel "Sicherheit in den Städten im 21. Jahrhundert"@de ;
               schema:eventSchedule/schema:repeatFrequency "P1Y"^^xsd:duration ; nkg:changingVenue true ;
               schema:organizer network:international-city-network-for-crisis-management .
     }"""),
    ("4-programme-and-focal-topics", "The member cities build the programme; four past focal topics", """
     ASK {
       ?series a schema:EventSeries ; skos:altLabel "Sicherheit in den Städten im 21. Jahrhundert"@de ;
               schema:contributor network:international-city-network-for-crisis-management ;
               nkg:programmeShapedBy network:international-city-network-for-crisis-management .
       FILTER NOT EXISTS {
         VALUES ?topic { "Sicherheit bei Großveranstaltungen"@de "Blackout-Szenario"@de
                         "Warnung der Bevölkerung"@de "Maritime Sicherheit"@de }
         FILTER NOT EXISTS { ?series schema:about ?t . ?t a skos:Concept ; skos:prefLabel ?topic ;
                                                       skos:inScheme ?scheme . }
       }
     }"""),
    ("5-2021-hosted-by-rostock-on-corona", "2021: Rostock hosted the conference on the Corona pandemic", """
     ASK {
       ?edition a schema:Event ; schema:superEvent ?series ; schema:location city:rostock ;
                nkg:host city:rostock ; schema:startDate ?start ; schema:about ?topic ;
                prov:wasDerivedFrom source:rostock-internationale-netzwerke .
       ?series skos:altLabel "Sicherheit in den Städten im 21. Jahrhundert"@de .
       ?topic skos:prefLabel "Der Umgang mit der Corona-Pandemie"@de .
       FILTER(YEAR(?start) = 2021)
     }"""),
    ("5-2021-seven-cities-present", "2021: the page says seven cities were present (a claim)", """
     ASK {
       ?claim a nkg:Claim ; rdf:subject ?edition ; rdf:predicate nkg:attendingCityCount ; rdf:object 7 ;
              prov:wasDerivedFrom source:rostock-internationale-netzwerke .
       ?edition nkg:host city:rostock ; schema:startDate ?start . FILTER(YEAR(?start) = 2021)
     }"""),
    ("5-2021-greeting-message", "2021: a greeting message for members absent because of the pandemic", """
     ASK {
       ?message a schema:Message ; schema:about ?edition ; schema:description ?text ;
                prov:wasDerivedFrom source:rostock-internationale-netzwerke .
       ?edition nkg:host city:rostock ; schema:startDate ?start . FILTER(YEAR(?start) = 2021)
       FILTER(LANG(?text) = "de")
     }"""),
    ("6-ubc-co-founded-by-rostock-1991-in-gdansk", "UBC co-founded by Rostock in 1991 in Gdańsk (Poland)", """
     ASK {
       network:union-of-the-baltic-cities schema:foundingDate ?date ; schema:foundingLocation ?place ;
                                          schema:founder city:rostock ;
                                          rdfs:label "Union der Ostseestädte"@de .
       FILTER(YEAR(?date) = 1991)
       ?place rdfs:label "Gdańsk"@de ; schema:containedInPlace ?country .
       ?country a schema:Country ; rdfs:label "Polen"@de .
       ?m org:member city:rostock ; org:organization network:union-of-the-baltic-cities ;
          org:role/rdfs:label "founding member"@en .
     }"""),
    # issue 10: the page is undated, so the claim's date is unknown (it was dated by the day of reading)
    ("6-ubc-about-100-members-approximate", "The page's \"ca. 100\" member cities, marked approximate", """
     ASK {
       ?claim a nkg:Claim ; rdf:subject network:union-of-the-baltic-cities ; rdf:predicate nkg:memberCount ;
              rdf:object 100 ; nkg:approximate true ;
              prov:wasDerivedFrom source:rostock-internationale-netzwerke .
       FILTER NOT EXISTS { ?claim dcterms:date ?date }
     }"""),
    ("6-ubc-the-pages-ten-countries", "The page's ten member countries incl. Russia", """
     ASK {
       FILTER NOT EXISTS {
         VALUES ?code { "DK" "EE" "FI" "DE" "LV" "LT" "NO" "PL" "RU" "SE" }
         FILTER NOT EXISTS {
           ?country nkg:isoCode ?code .
           { network:union-of-the-baltic-cities nkg:memberCountry ?country }
           UNION
           { ?claim rdf:subject network:union-of-the-baltic-cities ; rdf:predicate nkg:memberCountry ;
                    rdf:object ?country ; prov:wasDerivedFrom source:rostock-internationale-netzwerke . }
         }
       }
     }"""),
    ("7-peace-messenger-62-cities-ga-1985", "The page: the UN General Assembly named 62 cities for the "
     "International Year of Peace 1985", """
     ASK {
       ?designation a schema:Event ; nkg:occasion ?year .
       ?year rdfs:label "International Year of Peace"@en .
       ?c1 rdf:subject ?designation ; rdf:predicate nkg:designatedBy ; rdf:object ?body ;
           prov:wasDerivedFrom source:rostock-internationale-netzwerke .
       ?body rdfs:label "United Nations General Assembly"@en .
       ?c2 rdf:subject ?designation ; rdf:predicate nkg:designatedCityCount ; rdf:object 62 ;
           prov:wasDerivedFrom source:rostock-internationale-netzwerke .
       ?c3 rdf:subject ?designation ; rdf:predicate schema:startDate ; rdf:object "1985"^^xsd:gYear ;
           prov:wasDerivedFrom source:rostock-internationale-netzwerke .
     }"""),
    ("8-cities-of-memory-founded-2016-by-dunkirk", "Städte der Erinnerung founded 2016 by Rostock's twin "
     "city Dunkirk", """
     ASK {
       ?network rdfs:label "Städte der Erinnerung"@de ; schema:foundingDate "2016"^^xsd:gYear ;
                schema:founder ?dunkirk .
       ?dunkirk rdfs:label "Dünkirchen"@de ; nkg:twinCity city:rostock .
     }"""),
    ("8-cities-of-memory-19-members", "19 member cities, destroyed in World War I or II", """
     ASK {
       ?network rdfs:label "Städte der Erinnerung"@de ; dcterms:description ?text .
       FILTER(LANG(?text) = "de" && CONTAINS(?text, "Weltkrieg"))
       ?claim rdf:subject ?network ; rdf:predicate nkg:memberCount ; rdf:object 19 ;
              prov:wasDerivedFrom source:rostock-internationale-netzwerke .
       { SELECT ?network (COUNT(DISTINCT ?member) AS ?n) WHERE {
           ?m a org:Membership ; org:organization ?network ; org:member ?member . } GROUP BY ?network }
       FILTER(?n = 19)
     }"""),
    ("9-rostock-member-of-all-four", "Rostock is a member of all four networks", """
     ASK {
       { SELECT (COUNT(DISTINCT ?network) AS ?n) WHERE {
           ?network a nkg:CityNetwork , org:Organization .
           ?m a org:Membership ; org:member city:rostock ; org:organization ?network ;
              prov:wasDerivedFrom source:rostock-internationale-netzwerke .
       } }
       FILTER(?n = 4)
       FILTER NOT EXISTS { ?other a nkg:CityNetwork .
                           FILTER NOT EXISTS { ?other org:hasMember city:rostock } }
     }"""),
    ("9-dunkirk-twin-city", "Dunkirk is Rostock's twin city (both ways, with a sourced twinning)", """
     ASK {
       city:rostock nkg:twinCity city:dunkirk . city:dunkirk nkg:twinCity city:rostock .
       ?t nkg:partner city:rostock , city:dunkirk ; schema:startDate "1960"^^xsd:gYear ;
          prov:wasDerivedFrom ?source .
     }"""),
    # ---- enrichment from /work/shared/sources --------------------------------------------------------
    ("e-every-place-has-a-country", "Every city and region lies in a country with an ISO 3166-1 code", """
     ASK {
       FILTER NOT EXISTS {
         { ?p a schema:City } UNION { ?p a schema:AdministrativeArea }
         FILTER NOT EXISTS { ?p schema:containedInPlace ?c . ?c a schema:Country ; nkg:isoCode ?code .
                             FILTER(REGEX(?code, "^[A-Z]{2}$")) }
       }
     }"""),
    ("e-rostock-coordinates-and-links", "Rostock: coordinates, WKT point, Wikidata and GeoNames", """
     ASK {
       city:rostock geo:lat ?lat ; geo:long ?lon ; geosparql:hasGeometry ?g ;
                    owl:sameAs wd:Q2861 , <https://sws.geonames.org/2844588/> .
       ?g geosparql:asWKT ?wkt .
       FILTER(?lat = 54.07038 && ?lon = 12.15 && STR(?wkt) = "POINT(12.15 54.07038)")
     }"""),
    ("e-preferred-identifiers", "Preferred IDs: Kraków Q31487 (not Q741667), Prague GeoNames 3067696", """
     ASK {
       city:krakow owl:sameAs wd:Q31487 . city:prague owl:sameAs <https://sws.geonames.org/3067696/> .
       city:gdansk owl:sameAs wd:Q1792 ; skos:altLabel "Danzig"@de .
       FILTER NOT EXISTS { city:krakow owl:sameAs wd:Q741667 }
       FILTER NOT EXISTS { city:rostock owl:sameAs wd:Q34093 }
     }"""),
    ("e-all-csv-places-linked", "All 24 places of cities.csv have a Wikidata link", """
     ASK {
       { SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
           { ?p a schema:City } UNION { ?p a schema:AdministrativeArea }
           ?p owl:sameAs ?wd . FILTER(STRSTARTS(STR(?wd), "http://www.wikidata.org/entity/Q")) } }
       FILTER(?n = 24)
     }"""),
    ("e-ubc-founding", "UBC founded 1991-09-20 in Gdańsk by 32 cities; seat Gdańsk; website", """
     ASK {
       ?f a nkg:Founding ; nkg:founded network:union-of-the-baltic-cities ;
          schema:startDate "1991-09-20"^^xsd:date ; schema:location city:gdansk ;
          nkg:foundingMemberCount 32 ; prov:wasDerivedFrom ?source .
       network:union-of-the-baltic-cities schema:location city:gdansk ; schema:url ?url .
       FILTER(STR(?url) = "https://ubc.net/")
     }"""),
    ("e-ubc-member-list", "74 UBC memberships from the 2025 list; former German members with years", """
     ASK {
       { SELECT (COUNT(?m) AS ?n) WHERE {
           ?m org:organization network:union-of-the-baltic-cities ;
              prov:wasDerivedFrom source:ubc-sustainable-member-cities } }
       FILTER(?n = 74)
       ?luebeck org:member city:luebeck ; org:organization network:union-of-the-baltic-cities ;
                schema:startDate "1991"^^xsd:gYear ; schema:endDate "2014"^^xsd:gYear ;
                org:memberDuring ?i .
       ?i time:hasBeginning/time:inXSDgYear "1991"^^xsd:gYear ; time:hasEnd/time:inXSDgYear "2014"^^xsd:gYear .
     }"""),
    ("e-iapmc", "IAPMC founded 1988 in Verdun; Rostock a member since 2017; website", """
     ASK {
       network:international-association-of-peace-messenger-cities schema:foundingDate "1988"^^xsd:gYear ;
           schema:foundingLocation city:verdun ; schema:url ?url .
       ?m org:member city:rostock ; org:organization network:international-association-of-peace-messenger-cities ;
          schema:startDate "2017"^^xsd:gYear ; prov:wasDerivedFrom source:rostock-council-2017-bv-2879 .
     }"""),
    # issue 10: the UN title is a designation, not an IAPMC membership (the IAPMC dates from 1988)
    ("e-peace-messenger-1987-list", "59 Peace Messenger Cities listed as designated in 1987", """
     ASK {
       { SELECT (COUNT(DISTINCT ?city) AS ?n) WHERE {
           ?d a nkg:Designation ; nkg:designatedTitle "Peace Messenger City"@en ; nkg:designatedPlace ?city ;
              schema:startDate "1987"^^xsd:gYear } }
       FILTER(?n = 59)
       city:kyiv rdfs:label "Kiew"@de ; schema:containedInPlace/nkg:isoCode "UA" .
     }"""),
    ("e-cities-of-memory-meetings", "Cities of Memory colloquia 2016–2025, the 2018 one in Rostock", """
     ASK {
       { SELECT (COUNT(?e) AS ?n) WHERE { ?e schema:superEvent ?series .
           ?series rdfs:label "Cities of Memory colloquium"@en } }
       FILTER(?n >= 6)
       ?e2018 schema:superEvent ?s ; schema:location city:rostock ; schema:startDate "2018-05-30"^^xsd:date .
     }"""),
    ("e-crisis-network-enrichment", "Crisis network website; first conference 2003 Vienna; 2014; 15th in 2021", """
     ASK {
       network:international-city-network-for-crisis-management schema:url ?url .
       FILTER(STR(?url) = "http://www.cmcitynetwork.eu/")
       ?first schema:superEvent ?series ; schema:location city:vienna ; nkg:editionNumber 1 ;
              schema:startDate "2003"^^xsd:gYear .
       ?e2014 schema:superEvent ?series ; schema:startDate "2014-09-28"^^xsd:date .
       ?e2021 schema:superEvent ?series ; nkg:editionNumber 15 ;
              schema:startDate "2021-09-27"^^xsd:date ; schema:endDate "2021-09-29"^^xsd:date .
     }"""),
    ("e-twin-cities", "Rostock's 14 twinnings; Turku 1959 per Rostock", """
     ASK {
       { SELECT (COUNT(DISTINCT ?other) AS ?n) WHERE { city:rostock nkg:twinCity ?other .
                                                        ?other nkg:twinCity city:rostock } }
       FILTER(?n = 14)
       ?t nkg:partner city:rostock , city:turku ; schema:startDate "1959"^^xsd:gYear .
     }"""),
    ("e-provenance-everywhere", "Every membership, founding, designation, edition, participation, twinning "
     "and claim has a source with a URL and a date", """
     ASK {
       FILTER NOT EXISTS {
         { ?x a org:Membership } UNION { ?x a nkg:Founding } UNION { ?x a nkg:Designation }
         UNION { ?x schema:superEvent ?series } UNION { ?x a nkg:Participation }
         UNION { ?x a nkg:Twinning } UNION { ?x a nkg:Claim }
         FILTER NOT EXISTS {
           ?x prov:wasDerivedFrom ?s . ?s schema:url ?url .
           { ?s dcterms:issued ?d } UNION { ?s nkg:retrievedOn ?d }
         }
       }
     }"""),
    ("e-labels-de-en", "Every network, city, region, country, conference and topic is labelled de and en", """
     ASK {
       FILTER NOT EXISTS {
         { ?x a nkg:CityNetwork } UNION { ?x a schema:City } UNION { ?x a schema:AdministrativeArea }
         UNION { ?x a schema:Country } UNION { ?x a schema:Event } UNION { ?x a skos:Concept }
         FILTER (NOT EXISTS { ?x rdfs:label|skos:prefLabel ?de . FILTER(LANG(?de) = "de") }
              || NOT EXISTS { ?x rdfs:label|skos:prefLabel ?en . FILTER(LANG(?en) = "en") })
       }
     }"""),
]


def ask(store, query: str) -> bool:
    """Run an ASK over the union of the named graphs, as the endpoint's default graph is."""
    return bool(store.query(query, use_default_graph_as_union=True))


@pytest.mark.parametrize("fact_id, statement, query", FACTS, ids=[f[0] for f in FACTS])
def test_fact_is_in_the_built_graph(built_store, fact_id, statement, query):
    """Each statement of the seed page (and each enrichment fact) is found by its ASK query."""
    assert ask(built_store, PREFIXES + query), f"{fact_id}: {statement}"


def test_every_numbered_statement_has_a_row():
    """Statements 1–9 of issue 2, section 3 each have at least one row in the table."""
    numbered = {f[0].split("-", 1)[0] for f in FACTS}
    assert {str(n) for n in range(1, 10)} <= numbered


def test_a_false_fact_is_not_found(built_store):
    """The ASK machinery can say no: a fact the page does not state is not in the graph."""
    query = PREFIXES + """
    ASK { ?m org:member city:rostock ; org:organization ?n . ?n rdfs:label "Mayors for Peace"@en }"""
    assert not ask(built_store, query)

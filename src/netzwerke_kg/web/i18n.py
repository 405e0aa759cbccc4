"""Page language (de/en): chosen by ?lang=, else Accept-Language, else English; UI strings."""

from __future__ import annotations

from flask import current_app, has_request_context, request

from netzwerke_kg.web.iris import LANGUAGES, site_url

#: UI strings; keys are English phrases, German given where it differs
_DE = {
    "Home": "Start",
    "Query": "Abfrage",
    "Downloads": "Downloads",
    "Ontology": "Ontologie",
    "Data model": "Datenmodell",
    "Search": "Suche",
    "Language": "Sprache",
    "Types": "Typen",
    "Properties": "Eigenschaften",
    "Property": "Eigenschaft",
    "Value": "Wert",
    "Values": "Werte",
    "Incoming links": "Eingehende Verweise",
    "Provenance": "Herkunft",
    "Source": "Quelle",
    "Sources": "Quellen",
    "Date": "Datum",
    "Fact": "Aussage",
    "Disagreements": "Widersprüche",
    "Claim": "Behauptung",
    "approximate": "ungefähr",
    "External identities": "Externe Identitäten",
    "Map": "Karte",
    "Timeline": "Zeitleiste",
    "Query this in SPARQL": "Dies in SPARQL abfragen",
    "Machine-readable": "Maschinenlesbar",
    "Not found": "Nicht gefunden",
    "Did you mean": "Meinten Sie",
    "Search results": "Suchergebnisse",
    "No matches.": "Keine Treffer.",
    "Networks": "Netzwerke",
    "members": "Mitglieder",
    "Dataset": "Datensatz",
    "triples": "Tripel",
    "resources": "Ressourcen",
    "sources": "Quellen",
    "last build": "letzter Build",
    "conforms to the SHACL shapes": "entspricht den SHACL-Shapes",
    "does not conform to the SHACL shapes": "entspricht nicht den SHACL-Shapes",
    "Cities": "Städte",
    "Classes": "Klassen",
    "What a valid record needs": "Was ein gültiger Datensatz braucht",
    "Alignments": "Anbindungen",
    "previous": "zurück",
    "next": "weiter",
    "page": "Seite",
    "of": "von",
    "License": "Lizenz",
    "Member count over time": "Mitgliederzahl im Zeitverlauf",
    "Location": "Lage",
    "Members": "Mitglieder",
    "All cities": "Alle Städte",
    "Explore": "Erkunden",
    "Query editor": "Abfrage-Editor",
    "SPARQL endpoint": "SPARQL-Endpunkt",
    "value": "Wert",
    "min": "mind.",
    "max": "höchstens",
    "datatype": "Datentyp",
    "class": "Klasse",
    "required": "erforderlich",
    "Shape": "Shape",
    "constraints": "Bedingungen",
    "Path": "Pfad",
    "Description": "Beschreibung",
    "Range": "Wertebereich",
    "Domain": "Definitionsbereich",
    "unknown resource": "unbekannte Ressource",
    "No resource has this IRI.": "Keine Ressource hat diese IRI.",
    "{n} of {total} members have coordinates and are shown.":
        "{n} von {total} Mitgliedern haben Koordinaten und sind eingezeichnet.",
    "Role": "Rolle",
    "in the graph": "im Graphen",
    "Claims": "Behauptungen",
    "used": "verwendet",
    "stated": "laut Quelle",
    "Members of this network": "Mitglieder dieses Netzwerks",
    "Networks this city belongs to": "Netzwerke, denen diese Stadt angehört",
    "Memberships": "Mitgliedschaften",
    "Membership": "Mitgliedschaft",
    "retrieved": "abgerufen",
    # the SPARQL query editor (templates/sparql/editor.html)
    "SPARQL query editor": "SPARQL-Abfrage-Editor",
    "Example queries": "Beispielabfragen",
    "Result format": "Ergebnisformat",
    "Run": "Ausführen",
    "Results": "Ergebnisse",
    "Download the result": "Ergebnis herunterladen",
    "Shareable link": "Link zum Teilen",
    "Tables (SELECT, ASK)": "Tabellen (SELECT, ASK)",
    "Graphs (CONSTRUCT, DESCRIBE)": "Graphen (CONSTRUCT, DESCRIBE)",
    "Ctrl+Enter (⌘+Enter) runs the query.": "Strg+Enter (⌘+Enter) führt die Abfrage aus.",
    "Ask the knowledge graph of Rostock's international city networks in SPARQL 1.1. The "
    "default graph is the union of all named graphs; the endpoint is read-only.":
        "Fragen Sie den Wissensgraphen der internationalen Städtenetzwerke Rostocks in SPARQL "
        "1.1. Der Standardgraph ist die Vereinigung aller benannten Graphen; der Endpunkt ist "
        "nur lesbar.",
    "Prefixes of the dataset": "Präfixe des Datensatzes",
    "Without JavaScript, “Run” downloads the result in the chosen format.":
        "Ohne JavaScript lädt „Ausführen“ das Ergebnis im gewählten Format herunter.",
    # the query editor's script (examples.SCRIPT_STRINGS)
    "Running…": "Läuft…",
    "rows": "Zeilen",
    "row": "Zeile",
    "graph": "Graph",
    "true": "wahr",
    "false": "falsch",
    "The query failed": "Die Abfrage ist fehlgeschlagen",
    "The result was cut at the row limit.": "Das Ergebnis wurde an der Zeilengrenze abgeschnitten.",
    "No results.": "Keine Ergebnisse.",
    "The endpoint could not be reached.": "Der Endpunkt ist nicht erreichbar.",
    "Example loaded:": "Beispiel geladen:",
    # incoming-link headings (resource_page.INCOMING_HEADINGS)
    "Memberships in this organisation": "Mitgliedschaften in dieser Organisation",
    "Memberships of this member": "Mitgliedschaften dieses Mitglieds",
    "Facts taken from this source": "Aussagen aus dieser Quelle",
    "Places within": "Orte darin",
    # the timeline list and chart (timeline.py)
    "founded": "gegründet",
    "ends": "endet",
    "dissolved": "aufgelöst",
    "membership": "Mitgliedschaft",
    "founding": "Gründung",
    "designation": "Ernennung",
    "twinning": "Städtepartnerschaft",
    "participation": "Teilnahme",
    "event": "Veranstaltung",
    "event series": "Veranstaltungsreihe",
    "Foundings": "Gründungen",
    "Designations": "Ernennungen",
    "Twinnings": "Städtepartnerschaften",
    "Conferences & events": "Veranstaltungen",
    "Other dates": "Weitere Daten",
    "ongoing / no end date": "andauernd / ohne Enddatum",
    "start unknown": "Beginn unbekannt",
    "+{n} more memberships in the list below.": "+{n} weitere Mitgliedschaften in der Liste unten.",
    "{n} memberships without a date are not drawn (see the table above).":
        "{n} Mitgliedschaften ohne Datum sind nicht eingezeichnet (siehe Tabelle oben).",
    "One membership without a date is not drawn (see the table above).":
        "Eine Mitgliedschaft ohne Datum ist nicht eingezeichnet (siehe Tabelle oben).",
    "{bars} memberships drawn as bars from {lo} to {hi}; {points} dated events as marks. "
    "The list below gives every entry as text.":
        "{bars} Mitgliedschaften als Balken von {lo} bis {hi}; {points} datierte "
        "Ereignisse als Marken. Die Liste darunter nennt jeden Eintrag als Text.",
}


def choose_language() -> str:
    """The page language: ?lang=de|en wins, then Accept-Language (RFC 9110 §12.5.4), else 'en'."""
    if not has_request_context():
        return "en"
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        return lang
    best = request.accept_languages.best_match(list(LANGUAGES))
    return best or "en"



def name_language(response):
    """An HTML response names the page language (RFC 9110 §8.5 Content-Language); others pass."""
    if response.mimetype == "text/html":
        response.headers["Content-Language"] = choose_language()
    return response


def html_response(page: str):
    """A rendered page as an HTML response that names its language (see name_language)."""
    return name_language(current_app.make_response(page))

def translate(text: str, lang: str | None = None) -> str:
    """A UI string in the page language."""
    lang = lang or choose_language()
    if lang == "de":
        return _DE.get(text, text)
    return text


def switch_url(lang: str) -> str:
    """This page's URL in another language (the de/en switch keeps the page and its arguments)."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = lang
    return site_url(request.path, **args)


def context() -> dict:
    """Template globals: the page language, the translator and the language switch links."""
    lang = choose_language()
    return {
        "lang": lang,
        "_": lambda text: translate(text, lang),
        "lang_switch": [(code, switch_url(code)) for code in LANGUAGES] if has_request_context() else [],
        "site_url": site_url,
    }


_S, _O, _P, _D = "https://schema.org/", "http://www.w3.org/ns/org#", "http://www.w3.org/ns/prov#", "http://purl.org/dc/terms/"
_R, _K, _G, _W = "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/2003/01/geo/wgs84_pos#", "http://www.w3.org/2002/07/owl#"
_T, _F, _X = "http://www.w3.org/2006/time#", "http://xmlns.com/foaf/0.1/", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

#: labels (en, de) and definitions (en, de) of the reused vocabulary terms the ontology does not
#: label itself; used only when the graph has no rdfs:label for the term
VOCAB: dict[str, tuple[str, str, str, str]] = {
    _R + "label": ("label", "Bezeichnung", "A human-readable name.", "Ein lesbarer Name."),
    _R + "comment": ("comment", "Kommentar", "A human-readable description.", "Eine lesbare Beschreibung."),
    _R + "seeAlso": ("see also", "siehe auch", "A resource with more information.", "Eine Ressource mit weiteren Informationen."),
    _X + "type": ("type", "Typ", "The class the resource is an instance of.", "Die Klasse, deren Instanz die Ressource ist."),
    _X + "subject": ("subject", "Subjekt", "The resource the claim is about.", "Die Ressource, über die die Behauptung etwas sagt."),
    _X + "predicate": ("property", "Eigenschaft", "The property the claim states.", "Die Eigenschaft, die die Behauptung nennt."),
    _X + "object": ("value", "Wert", "The value the claim states.", "Der Wert, den die Behauptung nennt."),
    _K + "prefLabel": ("preferred label", "Vorzugsbezeichnung", "The preferred name of a concept.", "Der bevorzugte Name eines Begriffs."),
    _K + "altLabel": ("alternative label", "alternative Bezeichnung", "Another name or spelling.", "Ein anderer Name oder eine andere Schreibweise."),
    _K + "inScheme": ("in scheme", "im Begriffssystem", "The concept scheme the concept belongs to.", "Das Begriffssystem, zu dem der Begriff gehört."),
    _K + "definition": ("definition", "Definition", "What the concept means.", "Was der Begriff bedeutet."),
    _D + "description": ("description", "Beschreibung", "An account of the resource.", "Eine Darstellung der Ressource."),
    _D + "title": ("title", "Titel", "The name given to the resource.", "Der Titel der Ressource."),
    _D + "language": ("language", "Sprache", "The language of the resource.", "Die Sprache der Ressource."),
    _D + "publisher": ("publisher", "Herausgeber", "Who makes the resource available.", "Wer die Ressource veröffentlicht."),
    _D + "issued": ("issued", "veröffentlicht", "Date of formal issuance.", "Datum der Veröffentlichung."),
    _D + "date": ("date", "Datum", "When the claim holds or was made.", "Wann die Behauptung gilt oder gemacht wurde."),
    _D + "license": ("license", "Lizenz", "The legal document giving permission.", "Die Lizenz."),
    _P + "wasDerivedFrom": ("derived from", "abgeleitet aus", "The source document this was taken from.", "Das Quelldokument, aus dem dies stammt."),
    _P + "actedOnBehalfOf": ("acted on behalf of", "handelte im Auftrag von", "The agent this agent acted for.", "Der Akteur, in dessen Auftrag gehandelt wurde."),
    _O + "member": ("member", "Mitglied", "The agent that is a member.", "Der Akteur, der Mitglied ist."),
    _O + "organization": ("organization", "Organisation", "The organization the membership is in.", "Die Organisation der Mitgliedschaft."),
    _O + "role": ("role", "Rolle", "The role of the member.", "Die Rolle des Mitglieds."),
    _O + "memberDuring": ("member during", "Mitglied während", "The time interval of the membership.", "Der Zeitraum der Mitgliedschaft."),
    _O + "hasMembership": ("has membership", "hat Mitgliedschaft", "A membership in this organization.", "Eine Mitgliedschaft in dieser Organisation."),
    _O + "Membership": ("membership", "Mitgliedschaft", "A relation between an agent and an organization.", "Die Beziehung zwischen einem Akteur und einer Organisation."),
    _O + "Organization": ("organization", "Organisation", "", ""),
    _O + "Role": ("role", "Rolle", "", ""),
    _S + "url": ("web address", "Webadresse", "The URL of the item.", "Die URL des Gegenstands."),
    _S + "name": ("name", "Name", "", ""),
    _S + "description": ("description", "Beschreibung", "", ""),
    _S + "foundingDate": ("founding date", "Gründungsdatum", "When the organization was founded.", "Wann die Organisation gegründet wurde."),
    _S + "foundingLocation": ("founding location", "Gründungsort", "Where the organization was founded.", "Wo die Organisation gegründet wurde."),
    _S + "founder": ("founder", "Gründer", "Who founded the organization.", "Wer die Organisation gegründet hat."),
    _S + "location": ("location", "Ort", "Where the thing is or takes place.", "Wo sich etwas befindet oder stattfindet."),
    _S + "containedInPlace": ("contained in", "liegt in", "The place this place lies in.", "Der Ort, in dem dieser Ort liegt."),
    _S + "startDate": ("start date", "Beginn", "When it started.", "Wann es begann."),
    _S + "endDate": ("end date", "Ende", "When it ended.", "Wann es endete."),
    _S + "organizer": ("organizer", "Veranstalter", "Who organizes the event.", "Wer die Veranstaltung ausrichtet."),
    _S + "superEvent": ("part of series", "Teil der Reihe", "The event series this event belongs to.", "Die Reihe, zu der die Veranstaltung gehört."),
    _S + "about": ("about", "handelt von", "The subject matter.", "Der Gegenstand."),
    _S + "attendee": ("attendee", "Teilnehmer", "Who attended.", "Wer teilnahm."),
    _S + "sameAs": ("same as", "dasselbe wie", "", ""),
    _S + "City": ("city", "Stadt", "", ""),
    _S + "Country": ("country", "Staat", "", ""),
    _S + "AdministrativeArea": ("administrative area", "Verwaltungsgebiet", "", ""),
    _S + "Organization": ("organization", "Organisation", "", ""),
    _S + "GovernmentOrganization": ("government organization", "Behörde", "", ""),
    _S + "Event": ("event", "Veranstaltung", "", ""),
    _S + "EventSeries": ("event series", "Veranstaltungsreihe", "", ""),
    _S + "WebPage": ("web page", "Webseite", "", ""),
    _S + "CreativeWork": ("creative work", "Werk", "", ""),
    _S + "Message": ("message", "Botschaft", "", ""),
    _G + "lat": ("latitude", "Breitengrad", "WGS84 latitude in decimal degrees.", "WGS84-Breite in Dezimalgrad."),
    _G + "long": ("longitude", "Längengrad", "WGS84 longitude in decimal degrees.", "WGS84-Länge in Dezimalgrad."),
    "http://www.opengis.net/ont/geosparql#hasGeometry": ("geometry", "Geometrie", "The point geometry (GeoSPARQL).", "Die Punktgeometrie (GeoSPARQL)."),
    "http://www.opengis.net/ont/geosparql#asWKT": ("WKT", "WKT", "The geometry as Well-Known Text.", "Die Geometrie als Well-Known Text."),
    _W + "sameAs": ("same as", "identisch mit", "The same thing in another dataset (Wikidata, GeoNames).", "Dasselbe Ding in einem anderen Datensatz (Wikidata, GeoNames)."),
    _T + "hasBeginning": ("beginning", "Beginn", "", ""),
    _T + "hasEnd": ("end", "Ende", "", ""),
    _T + "inXSDDate": ("date", "Datum", "", ""),
    _T + "inXSDgYear": ("year", "Jahr", "", ""),
    _T + "Interval": ("interval", "Zeitraum", "", ""),
    _T + "Instant": ("instant", "Zeitpunkt", "", ""),
    _F + "Document": ("document", "Dokument", "", ""),
    _P + "Entity": ("entity", "Entität", "", ""),
    _K + "Concept": ("concept", "Begriff", "", ""),
}


def vocab_annotation(iri: str) -> dict | None:
    """An annotations()-style entry for a reused vocabulary term from VOCAB, or None."""
    entry = VOCAB.get(str(iri))
    if entry is None:
        return None
    en, de, comment_en, comment_de = entry
    comments = {k: v for k, v in (("en", comment_en), ("de", comment_de)) if v}
    return {"label": {"en": en, "de": de}, "comment": comments, "parts": []}


# --- lists, stored queries and pictures (web/lists, web/api.py, web/pictures.py; issue #11) ---------
_DE.update({
    "A city's timeline": "Zeitleiste einer Stadt",
    "About": "Betrifft",
    "Answer": "Antwort",
    "Approximate": "Ungefähr",
    "Cite": "Zitieren",
    "Cited by": "Zitiert von",
    "Cities and regions": "Städte und Regionen",
    "Cities and regions that are or were members of at least ``min`` networks, with how many.":
        "Städte und Regionen, die Mitglied in mindestens ``min`` Netzwerken sind oder waren, mit der Anzahl.",
    "Cities in several networks": "Städte in mehreren Netzwerken",
    "Cities in two networks at once": "Städte in zwei Netzwerken zugleich",
    "City or region": "Stadt oder Region",
    "Claims where sources disagree": "Behauptungen, bei denen Quellen widersprechen",
    "Conferences and meetings": "Konferenzen und Treffen",
    "Conferences, general assemblies and colloquia of the networks, with place and date.":
        "Konferenzen, Generalversammlungen und Kolloquien der Netzwerke mit Ort und Datum.",
    "Countries": "Staaten",
    "Country": "Staat",
    "Country outlines: Natural Earth via world-atlas. Point at or tab to a city to see its name.":
        "Ländergrenzen: Natural Earth über world-atlas. Zeigen oder tabben Sie auf eine Stadt, um ihren Namen zu sehen.",
    "Current members": "Aktuelle Mitglieder",
    "Current or former": "Aktuell oder ehemalig",
    "Date of the claim": "Datum der Behauptung",
    "Date of the source": "Datum der Quelle",
    "Dated events of a city: memberships beginning and ending, events it hosted, twinnings.":
        "Datierte Ereignisse einer Stadt: Beginn und Ende von Mitgliedschaften, ausgerichtete Veranstaltungen, Partnerschaften.",
    "Each bar counts the cities that are in exactly the networks marked below it, and in no other.":
        "Jeder Balken zählt die Städte, die genau in den darunter markierten Netzwerken sind und in keinem anderen.",
    "Edition": "Ausgabe",
    "End": "Ende",
    "Event": "Veranstaltung",
    "Every city and region in the graph with its country and the networks it is or was a member of. "
    "Cities without coordinates are listed and counted, but cannot be drawn on a map.":
        "Jede Stadt und Region im Graphen mit ihrem Staat und den Netzwerken, in denen sie Mitglied ist oder war. "
        "Städte ohne Koordinaten werden aufgeführt und gezählt, können aber nicht auf einer Karte erscheinen.",
    "Every city on the map": "Jede Stadt auf der Karte",
    "Every claim of every recorded disagreement: what it is about, the value, the claim's date, the source "
    "and the source's own date.":
        "Jede Behauptung jedes erfassten Widerspruchs: worum es geht, der Wert, das Datum der Behauptung, "
        "die Quelle und das eigene Datum der Quelle.",
    "Every entry of the timeline": "Jeder Eintrag der Zeitleiste",
    "Every membership of a city or region in a network: since when, until when, current or former, and the "
    "sources that say so. A membership is former when it has an end date.":
        "Jede Mitgliedschaft einer Stadt oder Region in einem Netzwerk: seit wann, bis wann, aktuell oder "
        "ehemalig, und die Quellen dafür. Eine Mitgliedschaft ist ehemalig, wenn sie ein Enddatum hat.",
    "Every network a city (or region) is or was a member of, with start and end.":
        "Jedes Netzwerk, in dem eine Stadt (oder Region) Mitglied ist oder war, mit Beginn und Ende.",
    "Exact combinations": "Genaue Kombinationen",
    "Facts on which the sources disagree, grouped by topic: each claim with its value, its source and the "
    "source's own date, so the right one can be cited.":
        "Aussagen, bei denen die Quellen widersprechen, nach Thema gruppiert: jede Behauptung mit ihrem Wert, "
        "ihrer Quelle und deren eigenem Datum, damit die richtige zitiert werden kann.",
    "Filters": "Filter",
    "Former members": "Ehemalige Mitglieder",
    "Founded": "Gegründet",
    "Founding year": "Gründungsjahr",
    "Foundings and joinings by year": "Gründungen und Beitritte nach Jahr",
    "Has coordinates": "Hat Koordinaten",
    "How many cities and regions are (or were) members of two networks at once. The diagonal counts the "
    "members of each network. Every number links to the list it counts.":
        "Wie viele Städte und Regionen zugleich Mitglied zweier Netzwerke sind (oder waren). Die Diagonale "
        "zählt die Mitglieder jedes Netzwerks. Jede Zahl verweist auf die Liste, die sie zählt.",
    "ISO code": "ISO-Code",
    "Issued": "Veröffentlicht",
    "Kind": "Art",
    "Latitude": "Breite",
    "Lists": "Listen",
    "Longitude": "Länge",
    "Map of all cities by network": "Karte aller Städte nach Netzwerk",
    "Member": "Mitglied",
    "Member since": "Mitglied seit",
    "Members (ever)": "Mitglieder (je)",
    "Members of a network at a date": "Mitglieder eines Netzwerks an einem Datum",
    "Members with coordinates": "Mitglieder mit Koordinaten",
    "Named questions with stable URLs: JSON by default, CSV with format=csv. Their description for "
    "machines is the OpenAPI document":
        "Benannte Fragen mit stabilen URLs: JSON als Vorgabe, CSV mit format=csv. Ihre Beschreibung für "
        "Maschinen ist das OpenAPI-Dokument",
    "Network": "Netzwerk",
    "Number of networks": "Anzahl der Netzwerke",
    "One lane per network: foundings and designations as diamonds, conferences as dots, and the members "
    "who joined in each year as bars (each bar links to that list).":
        "Eine Bahn je Netzwerk: Gründungen und Ernennungen als Rauten, Konferenzen als Punkte und die in "
        "jedem Jahr beigetretenen Mitglieder als Balken (jeder Balken verweist auf diese Liste).",
    "One timeline across all networks": "Eine Zeitleiste über alle Netzwerke",
    "Open in the query editor": "Im Abfrage-Editor öffnen",
    "Overlap between the networks": "Überschneidung der Netzwerke",
    "Parameters": "Parameter",
    "Per year: the networks founded, and how many memberships began in each network.":
        "Je Jahr: die gegründeten Netzwerke und wie viele Mitgliedschaften in jedem Netzwerk begannen.",
    "Pictures": "Bilder",
    "Place": "Ort",
    "Publisher": "Herausgeber",
    "Remove all filters": "Alle Filter entfernen",
    "Retrieved": "Abgerufen",
    "Roles": "Rollen",
    "Rows and columns are the networks, numbered as in the table.":
        "Zeilen und Spalten sind die Netzwerke, nummeriert wie in der Tabelle.",
    "Series": "Reihe",
    "Source date is": "Datum der Quelle ist",
    "Start": "Beginn",
    "Stated member count": "Angegebene Mitgliederzahl",
    "Stated on": "Angegeben am",
    "Status": "Status",
    "Stored queries": "Gespeicherte Abfragen",
    "The SPARQL behind it": "Das SPARQL dahinter",
    "The city networks with their members now and before. Members are counted from the memberships in the "
    "graph; the stated count is what the latest source says.":
        "Die Städtenetzwerke mit ihren heutigen und früheren Mitgliedern. Gezählt werden die Mitgliedschaften "
        "im Graphen; die angegebene Zahl nennt die neueste Quelle.",
    "The countries of the cities in the graph, with how many of their cities are members.":
        "Die Staaten der Städte im Graphen und wie viele ihrer Städte Mitglied sind.",
    "The documents every fact is taken from, with their own date, the day they were read, and how many "
    "things in the graph cite them.":
        "Die Dokumente, aus denen jede Aussage stammt, mit ihrem eigenen Datum, dem Tag des Abrufs und wie "
        "viele Dinge im Graphen sie zitieren.",
    "The members of a network on a given day (or today's members without a date): memberships that began "
    "on or before it (or whose start is unknown) and had not ended. A date is compared at the precision the "
    "data has: a membership ending in 2014 still counts on 2014-06-01.":
        "Die Mitglieder eines Netzwerks an einem Tag (ohne Datum: die heutigen): Mitgliedschaften, die an "
        "oder vor ihm begannen (oder deren Beginn unbekannt ist) und nicht geendet hatten. Ein Datum wird in "
        "der Genauigkeit der Daten verglichen: eine 2014 endende Mitgliedschaft zählt am 2014-06-01 noch.",
    "The networks of a city": "Die Netzwerke einer Stadt",
    "The parameters are bound in the VALUES block; the rest of the query never changes.":
        "Die Parameter werden im VALUES-Block gebunden; der Rest der Abfrage ändert sich nie.",
    "This answer as": "Diese Antwort als",
    "This list as": "Diese Liste als",
    "Topic": "Thema",
    "Web address": "Webadresse",
    "Web site": "Website",
    "What": "Was",
    "Wikidata": "Wikidata",
    "YYYY, YYYY-MM or YYYY-MM-DD; without it: current members":
        "JJJJ, JJJJ-MM oder JJJJ-MM-TT; ohne: die aktuellen Mitglieder",
    "Year": "Jahr",
    "Year issued": "Erscheinungsjahr",
    "about": "betrifft",
    "cite": "zitieren",
    "cities and regions have coordinates and are drawn;": "Städte und Regionen haben Koordinaten und sind eingezeichnet;",
    "cities and regions in the graph belong to no network.": "Städte und Regionen im Graphen gehören zu keinem Netzwerk.",
    "city": "Stadt",
    "claims": "Behauptungen",
    "conference": "Konferenz",
    "countries": "Staaten",
    "current": "aktuell",
    "current members": "aktuelle Mitglieder",
    "events": "Veranstaltungen",
    "first page": "erste Seite",
    "former": "ehemalig",
    "former members": "ehemalige Mitglieder",
    "have none": "haben keine",
    "issued": "veröffentlicht",
    "joined": "beigetreten",
    "label language, en or de": "Sprache der Bezeichnungen, en oder de",
    "memberships": "Mitgliedschaften",
    "more": "weitere",
    "networks": "Netzwerke",
    "no": "nein",
    "only disagreements about this resource (slug or IRI)": "nur Widersprüche zu dieser Ressource (Slug oder IRI)",
    "only this network (slug or IRI)": "nur dieses Netzwerk (Slug oder IRI)",
    "other": "andere",
    "places": "Orte",
    "region": "Region",
    "regions": "Regionen",
    "remove this filter": "diesen Filter entfernen",
    "rows match": "Zeilen passen",
    "several networks": "mehrere Netzwerke",
    "the city or region: its slug or IRI": "die Stadt oder Region: ihr Slug oder ihre IRI",
    "the least number of networks (1-10)": "die kleinste Anzahl an Netzwerken (1–10)",
    "the network: its slug or IRI": "das Netzwerk: sein Slug oder seine IRI",
    "this page shows": "diese Seite zeigt",
    "topics": "Themen",
    "undated": "undatiert",
    "with coordinates": "mit Koordinaten",
    "without coordinates": "ohne Koordinaten",
    "yes": "ja",
    "{n} joined": "{n} beigetreten",
    "No network named": "Kein Netzwerk genannt",
    "events have no date and are not drawn; see": "Veranstaltungen haben kein Datum und sind nicht eingezeichnet; siehe",
})

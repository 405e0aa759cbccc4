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

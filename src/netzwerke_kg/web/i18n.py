"""The one translation catalog of the site, the page language and locale formatting.

- **Catalog**: ``_DE`` maps every English UI phrase to its German form. Templates call ``_('…')``,
  Python calls ``translate('…', lang)``; a phrase with placeholders is formatted after translation
  (``_('{n} members', n=3)``). Identical words (Downloads, SHACL) are listed too, so "has German"
  is checkable: a phrase missing here is recorded in ``MISSING`` when a German page asks for it,
  and tests/web/test_i18n.py fails on it.
- **Vocabulary labels** are data: web/labels/vocabulary.ttl (STYLE.md #16), read by
  ``vocab_annotation`` and ``inverse_label``.
- **Language choice** (RFC 9110 §12.5.4 Accept-Language; §8.5 Content-Language): ``?lang=`` wins;
  then the cookie the de/en switch sets (``/language``, browse.py); then Accept-Language; else
  English. Every HTML response names its language; links carry an explicit choice (``local_url``
  in templates, ``iris.page_url``).
- **Dates and numbers** in the reader's locale through Babel (CLDR data): ``20. September 1991``,
  ``5.490``; ISO forms stay in ``datetime`` attributes.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import urlencode
from pathlib import Path

from babel.dates import format_date as _babel_date
from babel.dates import format_skeleton as _babel_skeleton
from babel.numbers import format_decimal as _babel_decimal
from flask import Flask, current_app, has_request_context, request

from netzwerke_kg.web.iris import LANGUAGES, site_url

#: the cookie that remembers an explicit language choice (a year; Lax: sent on top-level links)
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
#: vocabulary labels for reused terms (schema.org, ORG, PROV …): data, not code
LABELS_FILE = Path(__file__).parent / "labels" / "vocabulary.ttl"
UI_NS = "urn:x-netzwerke-kg:ui#"
#: English phrases a German page asked for that the catalog lacks (tests assert it stays empty)
MISSING: set[str] = set()

#: UI strings; keys are English phrases, values their German form (also when both are the same)
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
    "ms": "ms",
    "▸ {n} PREFIX lines (folded)": "▸ {n} PREFIX-Zeilen (eingeklappt)",
    "▾ Fold the PREFIX lines": "▾ PREFIX-Zeilen einklappen",
    "Syntax error in line {line}, column {column}": "Syntaxfehler in Zeile {line}, Spalte {column}",
    "The endpoint's message:": "Meldung des Endpunkts (englisch):",
    "Result table": "Ergebnistabelle",
    "View": "Ansicht",
    "Table": "Tabelle",
    "Chart": "Diagramm",
    "{n} places with coordinates; each point links to its page.":
        "{n} Orte mit Koordinaten; jeder Punkt verweist auf seine Seite.",
    "Show datatypes": "Datentypen zeigen",
    "Suggestions": "Vorschläge",
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
    # --- added for issue #12: every page's phrases, so no German page falls back to English ---
    # frame (base.html)
    "Skip to content": "Zum Inhalt springen",
    "Site": "Website",
    "Data licence": "Lizenz der Daten",
    "Contents": "Inhalt",
    "Pages": "Seiten",
    "page {page} of {pages}": "Seite {page} von {pages}",
    # home
    "The international city networks of Rostock": "Die internationalen Städtenetzwerke der Hansestadt Rostock",
    "A knowledge graph (RDF) of networks, member cities, conferences and their sources – queryable "
    "with SPARQL, downloadable, with provenance for every fact.":
        "Ein Wissensgraph (RDF) über Netzwerke, Mitgliedsstädte, Konferenzen und ihre Quellen – "
        "abfragbar mit SPARQL, herunterladbar, mit Herkunftsangaben zu jeder Aussage.",
    "current members": "aktuelle Mitglieder",
    "current": "aktuell",
    "former": "ehemalig",
    "stated by the network": "laut Netzwerk",
    "data, ontology and shapes, without the dataset description":
        "Daten, Ontologie und Shapes, ohne die Datensatzbeschreibung",
    "why the numbers differ": "warum die Zahlen abweichen",
    "{n} warnings": "{n} Warnungen",
    "{n} of {total} cities have coordinates and are shown.":
        "{n} von {total} Städten haben Koordinaten und sind eingezeichnet.",
    # resource pages
    "Member": "Mitglied",
    "Network": "Netzwerk",
    "Country": "Land",
    "Since": "Seit",
    "Until": "Bis",
    "Status": "Status",
    "This list as CSV": "Diese Liste als CSV",
    "{n} more": "{n} weitere",
    "The timeline as a list ({n} entries)": "Die Zeitleiste als Liste ({n} Einträge)",
    "All claims ({n})": "Alle Behauptungen ({n})",
    "Which source says what ({n} entries)": "Welche Quelle was sagt ({n} Einträge)",
    "no date of its own": "ohne eigenes Datum",
    "read on {date}": "gelesen am {date}",
    "Each point is one source’s count at the date it gives; hollow points are approximate.":
        "Jeder Punkt ist die Zahl einer Quelle zu dem Datum, das sie nennt; hohle Punkte sind ungefähre Angaben.",
    "Not drawn, because they carry no date of their own:":
        "Nicht eingezeichnet, weil ohne eigenes Datum:",
    "{n} members without coordinates are not on the map.":
        "{n} Mitglieder ohne Koordinaten fehlen auf der Karte.",
    "Place": "Ort",
    "This place": "Dieser Ort",
    "Drawn timeline": "Gezeichnete Zeitleiste",
    # downloads
    "Release": "Release",
    "issued": "erstellt",
    "{n} triples": "{n} Tripel",
    "{n} bytes": "{n} Bytes",
    "validation report": "Validierungsbericht",
    "Which file to take": "Welche Datei nehmen?",
    "To look at the data or load it into a spreadsheet-minded tool: Turtle (.ttl) is the most readable.":
        "Zum Ansehen der Daten: Turtle (.ttl) ist am besten lesbar.",
    "To load a triple store: N-Triples (.nt) or, with the named graphs per source file, N-Quads (.nq) "
    "or TriG (.trig).":
        "Zum Laden in einen Triplestore: N-Triples (.nt) oder, mit einem benannten Graphen je "
        "Quelldatei, N-Quads (.nq) oder TriG (.trig).",
    "For web developers: JSON-LD (.jsonld) with its context.":
        "Für die Webentwicklung: JSON-LD (.jsonld) mit seinem Kontext.",
    "For older RDF tools: RDF/XML (.rdf).": "Für ältere RDF-Werkzeuge: RDF/XML (.rdf).",
    "Every dump is also offered gzip-compressed (.gz): smaller, same content.":
        "Jeder Dump liegt auch gzip-komprimiert vor (.gz): kleiner, gleicher Inhalt.",
    "Files": "Dateien",
    "Every file of this release; the dumps are also offered pre-gzipped.":
        "Alle Dateien dieses Releases; die Dumps gibt es auch vorab mit gzip komprimiert.",
    "File": "Datei",
    "Format": "Format",
    "Size": "Größe",
    "Triples": "Tripel",
    "Compressed": "Komprimiert",
    "Checksum": "Prüfsumme",
    "Checksums": "Prüfsummen",
    "manifest": "Manifest",
    "this list as": "diese Liste als",
    "dataset description": "Datensatzbeschreibung",
    "Why the numbers of triples differ": "Warum die Zahl der Tripel abweicht",
    "The Turtle, N-Triples, JSON-LD and RDF/XML dumps hold the data and the ontology merged: {triples} triples.":
        "Die Dumps in Turtle, N-Triples, JSON-LD und RDF/XML enthalten Daten und Ontologie "
        "zusammengeführt: {triples} Tripel.",
    "TriG and N-Quads keep one named graph per source file and also carry the SHACL shapes: {quads} quads.":
        "TriG und N-Quads behalten einen benannten Graphen je Quelldatei und enthalten zusätzlich "
        "die SHACL-Shapes: {quads} Quads.",
    "The SPARQL endpoint also serves the dataset description (VoID, {void} triples), so it counts {total}.":
        "Der SPARQL-Endpunkt liefert außerdem die Datensatzbeschreibung (VoID, {void} Tripel) und "
        "zählt daher {total}.",
    "Licence": "Lizenz",
    "The data is published under": "Die Daten stehen unter der Lizenz",
    "How to cite": "Zitieren",
    "{name}: International city networks of Rostock (knowledge graph). Hanse- und Universitätsstadt "
    "Rostock data via netzwerke-kg. Version {version}, issued {issued}. {url}. Licence {licence}.":
        "{name}: Internationale Städtenetzwerke Rostocks (Wissensgraph). Daten der Hanse- und "
        "Universitätsstadt Rostock über netzwerke-kg. Version {version}, veröffentlicht am {issued}. "
        "{url}. Lizenz {licence}.",
    "Use": "Nutzung",
    "Files are served with ETag, Last-Modified and byte ranges, so interrupted downloads resume "
    "(curl -C - -O …); a client that accepts gzip receives the pre-compressed bytes.":
        "Die Dateien werden mit ETag, Last-Modified und Byte-Bereichen ausgeliefert, abgebrochene "
        "Downloads lassen sich also fortsetzen (curl -C - -O …); wer gzip akzeptiert, erhält die "
        "vorab komprimierten Bytes.",
    # validation
    "Validation report": "Validierungsbericht",
    "The release conforms to the SHACL shapes.": "Das Release entspricht den SHACL-Shapes.",
    "The release does not conform to the SHACL shapes.": "Das Release entspricht nicht den SHACL-Shapes.",
    "Results by severity": "Ergebnisse nach Schweregrad",
    "Violations": "Verstöße",
    "Warnings": "Warnungen",
    "Notes": "Hinweise",
    "Violation": "Verstoß",
    "Warning": "Warnung",
    "Info": "Hinweis",
    "All results": "Alle Ergebnisse",
    "Violations block a release; warnings point at gaps worth filling; notes are suggestions. "
    "Run “netzwerke-kg validate” on your copy to get the same list.":
        "Verstöße verhindern ein Release; Warnungen zeigen Lücken, die sich zu füllen lohnen; "
        "Hinweise sind Vorschläge. „netzwerke-kg validate“ liefert dieselbe Liste für Ihre Kopie.",
    "The report graph": "Der Berichtsgraph",
    "the shapes are described on the ontology page": "die Shapes beschreibt die Ontologie-Seite",
    "Show": "Anzeigen",
    "Results by message": "Ergebnisse nach Meldung",
    "No results: nothing to fix, nothing to note.": "Keine Ergebnisse: nichts zu beheben, nichts anzumerken.",
    # void
    "Dataset description": "Datensatzbeschreibung",
    "This is the VoID and DCAT description of the release": "Dies ist die VoID- und DCAT-Beschreibung des Releases",
    "Machines get it as": "Maschinen erhalten sie als",
    "or by": "oder per",
    "the files themselves are on the downloads page": "die Dateien selbst stehen auf der Download-Seite",
    "Class": "Klasse",
    "Instances": "Instanzen",
}


def _cookie_language() -> str | None:
    """The language remembered in the cookie, if it names one we offer."""
    lang = request.cookies.get(COOKIE)
    return lang if lang in LANGUAGES else None


def explicit_language() -> str | None:
    """The language the reader chose (?lang=, else the cookie), or None when only guessed."""
    if not has_request_context():
        return None
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        return lang
    return _cookie_language()


def choose_language() -> str:
    """The page language: ?lang=, then the cookie, then Accept-Language (RFC 9110 §12.5.4), else 'en'."""
    if not has_request_context():
        return "en"
    chosen = explicit_language()
    if chosen is not None:
        return chosen
    best = request.accept_languages.best_match(list(LANGUAGES))
    return best or "en"


def name_language(response):
    """Name the page language of an HTML response (RFC 9110 §8.5 Content-Language); others pass."""
    if response.mimetype == "text/html":
        response.headers["Content-Language"] = choose_language()
    return response


def remember_language(response):
    """Every response names its language (the cookie is set by the switch, browse.language).

    HTML says the page language; plain-text and JSON error messages are English ('en'); files and
    RDF/query results (multilingual data) are left unnamed. A response whose language came from the
    cookie varies by Cookie (RFC 9110 §12.5.5), so no shared cache hands it to another reader.
    """
    if not has_request_context():
        return response
    mimetype = response.mimetype or ""
    if mimetype == "text/html":
        response.headers["Content-Language"] = choose_language()
        if request.args.get("lang") not in LANGUAGES and _cookie_language() is not None:
            response.vary.add("Cookie")
    elif response.status_code >= 400 and mimetype in ("text/plain", "application/json",
                                                      "application/problem+json"):
        response.headers.setdefault("Content-Language", "en")
    return response


def remember(response, lang: str):
    """Keep ``lang`` in the cookie (a year; Lax; never cached: the answer is the reader's own)."""
    response.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="Lax",
                        secure=request.is_secure, httponly=True)
    response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    """Install the language hook (Content-Language, the cookie) and the locale filters on ``app``."""
    app.after_request(remember_language)
    app.jinja_env.filters["date"] = lambda value: format_date(value, choose_language())
    app.jinja_env.filters["number"] = lambda value: format_number(value, choose_language())
    app.jinja_env.filters["bytes"] = lambda value: format_bytes(value, choose_language())


def html_response(page: str):
    """A rendered page as an HTML response that names its language (see name_language)."""
    return name_language(current_app.make_response(page))


def translate(text: str, lang: str | None = None, **fields) -> str:
    """A UI string in the page language, its ``{placeholders}`` filled from ``fields``."""
    lang = lang or choose_language()
    if lang == "de" and text:
        german = _DE.get(text)
        if german is None:
            MISSING.add(text)
            german = text
        text = german
    return text.format(**fields) if fields else text


def switch_url(lang: str) -> str:
    """The de/en switch: through /language (which keeps the choice in a cookie) back to this page
    in the other language, its arguments kept."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = lang
    page = request.path + "?" + urlencode(args)
    return site_url("/language", lang=lang, next=page)


def context() -> dict:
    """Template globals: the page language, the translator, the switch links and a site_url that
    carries an explicit language choice, so header, footer and page links keep it."""
    lang = choose_language()
    chosen = explicit_language()

    def local_url(path: str, **params) -> str:
        """site_url with the chosen language, unless the caller names one."""
        if chosen is not None:
            params.setdefault("lang", chosen)
        return site_url(path, **params)

    return {
        "lang": lang,
        "chosen_lang": chosen,
        "_": lambda text, **fields: translate(text, lang, **fields),
        "lang_switch": [(code, switch_url(code)) for code in LANGUAGES] if has_request_context() else [],
        "site_url": local_url,
        "local_url": local_url,
    }


# --- dates and numbers (Babel, CLDR) --------------------------------------------------------

_DATE = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def format_date(value, lang: str | None = None) -> str:
    """An xsd:date / gYearMonth / gYear / dateTime as the reader writes it ('20. September 1991',
    'September 20, 1991', 'März 1991'); a value that is no date comes back unchanged."""
    lang = lang or choose_language()
    if value is None:
        return ""
    text = str(value)
    match = _DATE.match(text)
    if match is None:
        return text
    year, month, day = match.groups()
    try:
        if day:
            return _babel_date(_dt.date(int(year), int(month), int(day)), format="long", locale=lang)
        if month:
            return _babel_skeleton("yMMMM", _dt.date(int(year), int(month), 1), locale=lang)
    except ValueError:
        return text
    return year


def format_number(value, lang: str | None = None) -> str:
    """A number with the reader's digit grouping and decimal sign (5,490.5 / 5.490,5)."""
    lang = lang or choose_language()
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (TypeError, ValueError, InvalidOperation):
        return str(value)
    if not number.is_finite():
        return str(value)
    # every digit the data has (48.20002 stays 48,20002): no rounding to Babel's three places
    return _babel_decimal(number, locale=lang, decimal_quantization=False)


def format_bytes(value, lang: str | None = None) -> str:
    """A file size for people: '1.2 MB' / '1,2 MB' (SI units, as file managers show them)."""
    lang = lang or choose_language()
    try:
        size = float(value)
    except (TypeError, ValueError):
        return ""
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            pattern = "#,##0" if unit == "B" else "#,##0.#"
            return f"{_babel_decimal(size, format=pattern, locale=lang)}\u00a0{unit}"
        size /= 1000
    return str(value)


# --- vocabulary labels (web/labels/vocabulary.ttl) --------------------------------------------


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, dict]:
    """``{iri: {"label": {lang: text}, "comment": {…}, "inverse": {…}}}`` from the labels file."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDFS

    graph = Graph()
    graph.parse(LABELS_FILE, format="turtle")
    keys = {RDFS.label: "label", RDFS.comment: "comment", URIRef(UI_NS + "inverseLabel"): "inverse"}
    out: dict[str, dict] = {}
    for s, p, o in graph:
        key = keys.get(p)
        if key is None or not isinstance(o, Literal):
            continue
        entry = out.setdefault(str(s), {"label": {}, "comment": {}, "inverse": {}})
        entry[key][o.language or ""] = str(o)
    return out


def vocab_annotation(iri: str) -> dict | None:
    """An annotations()-style entry for a reused vocabulary term, or None when it has no label."""
    entry = vocabulary().get(str(iri))
    if entry is None or not entry["label"]:
        return None
    return {"label": dict(entry["label"]), "comment": dict(entry["comment"]), "parts": []}


def inverse_label(iri: str, lang: str) -> str | None:
    """The property read from its object's side ('member of' for org:hasMember), or None."""
    entry = vocabulary().get(str(iri))
    if entry is None:
        return None
    return entry["inverse"].get(lang) or entry["inverse"].get("en")


# --- lists, stored queries and pictures (web/lists, web/api.py, web/pictures.py; issue #11) ---------
_DE.update({
    "A city's timeline": "Zeitleiste einer Stadt",
    "About": "Betrifft",
    "Answer": "Antwort",
    "Approximate": "Ungefähr",
    "Cite": "Zitieren",
    "Cite this result": "Dieses Ergebnis zitieren",
    "Changes": "Änderungen",
    "Changed in release {release}": "Geändert in Release {release}",
    "{added} triples added, {removed} removed": "{added} Tripel hinzugefügt, {removed} entfernt",
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

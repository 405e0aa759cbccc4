"""Page language (de/en): chosen by ?lang=, else Accept-Language, else English; UI strings."""

from __future__ import annotations

from flask import has_request_context, request

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

"""One translation catalog (web/i18n.py), and German pages with no English left on them.

- Every phrase the templates and the Python code ask for has German in the catalog (read from the
  templates' syntax trees and the code, not from a list kept by hand).
- Rendering every page type in German asks the catalog for no phrase it lacks (i18n.MISSING).
- The visible text, tooltips and labels of every German page type hold no English words, except
  inside elements that say they are in another language (lang="en", lang="" for untagged data) or
  are names and codes (translate="no", <code>, <pre>).
- The language choice sticks (cookie, links that carry it); every response names its language.
- Dates and numbers come out in the reader's forms (Babel); vocabulary labels are data
  (web/labels/vocabulary.ttl) with German and an inverse reading for every linking property.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from jinja2 import Environment
from jinja2.ext import extract_from_ast

from netzwerke_kg.web import examples, i18n, timeline
from tiny_project import parse_html

WEB = Path(i18n.__file__).parent

#: words that are English and not German (a German page may show them only as data marked so)
ENGLISH = {
    "the", "of", "and", "with", "without", "this", "that", "these", "from", "for", "which", "how",
    "members", "member", "membership", "memberships", "warnings", "warning", "licence", "license",
    "query", "source", "sources", "retrieved", "claims", "claim", "file", "files", "size",
    "results", "result", "search", "previous", "next", "founded", "triples", "issued", "cite",
    "current", "former", "timeline", "country", "role", "since", "until", "property", "properties",
    "value", "values", "date", "incoming", "links", "provenance", "network", "networks", "cities",
    "city", "all", "more", "other", "page", "skip", "content", "show", "hide", "run", "example",
    "examples", "download", "checksum", "compressed", "notes", "violations", "conforms",
    "does", "not", "is", "are", "has", "have", "taken", "within", "read", "on", "about",
    "report", "validation", "description", "dataset", "ontology", "classes", "instances",
}
#: elements whose text is code, names or data by nature
SKIP_TAGS = {"script", "style", "code", "pre", "textarea", "kbd", "samp", "time",
             "title"}  # <title> repeats the h1 (a name, checked there) and the site's name
#: attributes people read as text
TEXT_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "label")
#: English proper names German texts use as they are (the UN title of the 1987 designation)
PROPER_NAMES = ("Peace Messenger Cities", "Peace Messenger City")


def page_types(client) -> list[str]:
    """One path per page type: the site pages, one resource page per kind (from the sitemap),
    a search and a 404."""
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    first: dict[str, str] = {}
    for path in re.findall(r"<loc>https?://[^/]+(/[^<]*)</loc>", sitemap):
        match = re.match(r"/page/([a-z-]+)/", path)
        if match:
            first.setdefault(match.group(1), path)
    site = ["/", "/downloads", "/validation", "/void", "/ontology", "/sparql", "/search?q=rostock",
            "/page/city/no-such-city"]
    # the richest pages by name, so their many sections are all looked at
    rich = ["/page/network/union-of-the-baltic-cities", "/page/city/rostock"]
    return site + rich + sorted(first.values())


def _german(client, path: str):
    """GET a page in German (by ?lang=de) as HTML."""
    sep = "&" if "?" in path else "?"
    return client.get(f"{path}{sep}lang=de", headers={"Accept": "text/html"})


def english_words(doc) -> list[tuple[str, str]]:
    """(word, where) for English words in the text and tooltips of a parsed German page, outside
    elements in another language, names (translate="no") and code."""
    found = []

    def walk(node, skipped: bool) -> None:
        """Visit a node; ``skipped`` when an ancestor is data in another language or code."""
        if isinstance(node, str):  # a text node
            if not skipped:
                found.extend((w, node.strip()[:60]) for w in _words(node))
            return
        tag, attrs = node.tag, node.attrs
        lang = attrs.get("lang")
        here = skipped or tag in SKIP_TAGS or attrs.get("translate") == "no" or (
            lang is not None and tag != "html" and not lang.startswith("de"))
        if not here:
            for name in TEXT_ATTRIBUTES:
                value = attrs.get(name)
                if value and not re.match(r"^[a-z][a-z0-9+.-]*:", value):  # IRIs and URLs are names
                    found.extend((w, f"@{name}={value[:50]}") for w in _words(value))
        for child in node.parts:
            walk(child, here)

    walk(doc, False)
    return found


def _words(text: str) -> list[str]:
    """The English words of a text (lower-cased whole words of the ENGLISH list)."""
    # quotations of a source (»about 60«) and proper names are the source's and the name's words
    text = re.sub(r"»[^«]*«", " ", text)
    for name in PROPER_NAMES:
        text = text.replace(name, " ")
    # prefixed names and web addresses are names ("org:Membership", "https://…/ontology#")
    text = re.sub(r"\b[a-z][\w-]*:[^\s,;)]*", " ", text)
    # hyphenated compounds are one word ("N-Triples", "SHACL-Shapes"): format names, not English
    return [w for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", text) if w.lower() in ENGLISH and not w.isupper()]


# --- the catalog ----------------------------------------------------------------------------


def catalog_phrases() -> dict[str, str]:
    """Every phrase the site asks the catalog for, with where: _()/_t() calls in the templates,
    translate('…') in the Python code, and the phrase tables the code translates entry by entry."""
    found: dict[str, str] = {}
    env = Environment()
    for template in sorted((WEB / "templates").rglob("*.html")):
        for lineno, _, message in extract_from_ast(env.parse(template.read_text(encoding="utf-8")), ("_", "_t")):
            message = message[0] if isinstance(message, tuple) else message
            if isinstance(message, str):
                found.setdefault(message, f"{template.name}:{lineno}")
    for module in sorted(WEB.rglob("*.py")):  # web/ and its packages (lists/)
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            name = getattr(getattr(node, "func", None), "attr", None) or getattr(getattr(node, "func", None), "id", None)
            if isinstance(node, ast.Call) and name == "translate" and node.args:
                if isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    found.setdefault(node.args[0].value, f"{module.name}:{node.lineno}")
    tables = {"examples.SCRIPT_STRINGS": examples.SCRIPT_STRINGS.values(),
              "timeline._CHART_WORDS": timeline._CHART_WORDS.values(),
              "timeline._KIND_WORDS": timeline._KIND_WORDS.values(),
              "timeline._DATE_WORDS": [w for w in timeline._DATE_WORDS.values() if w]}
    for where, phrases in tables.items():
        for phrase in phrases:
            found.setdefault(phrase, where)
    return found


def test_every_phrase_the_site_asks_for_has_german():
    """No key without German: a phrase missing from i18n._DE would show in English on a German page."""
    phrases = catalog_phrases()
    assert len(phrases) > 150  # the extraction found the templates' phrases, not nothing
    missing = {p: where for p, where in phrases.items() if p not in i18n._DE}
    assert missing == {}


def test_placeholders_survive_translation():
    """A German phrase keeps the {placeholders} of its English key (else formatting would fail)."""
    wrong = {en: de for en, de in i18n._DE.items()
             if set(re.findall(r"{(\w+)}", en)) != set(re.findall(r"{(\w+)}", de))}
    assert wrong == {}


def test_translate_formats_and_records_what_it_lacks():
    """translate() fills placeholders after translating; a phrase it lacks is recorded, not hidden."""
    assert i18n.translate("{n} triples", "de", n="5.490") == "5.490 Tripel"
    assert i18n.translate("{n} triples", "en", n="5,490") == "5,490 triples"
    i18n.MISSING.discard("A phrase nobody translated")
    assert i18n.translate("A phrase nobody translated", "de") == "A phrase nobody translated"
    assert "A phrase nobody translated" in i18n.MISSING
    i18n.MISSING.discard("A phrase nobody translated")


def test_german_pages_ask_for_no_phrase_the_catalog_lacks(client):
    """Rendering every page type in German leaves i18n.MISSING empty (runtime keys included)."""
    i18n.MISSING.clear()
    for path in page_types(client):
        assert _german(client, path).status_code in (200, 404), path
    assert i18n.MISSING == set()


def test_no_english_on_german_pages(client):
    """Every page type in German: no English word in text or tooltips outside data marked as such."""
    leftovers = {}
    for path in page_types(client):
        response = _german(client, path)
        doc = parse_html(response.get_data(as_text=True))
        words = english_words(doc)
        if words:
            leftovers[path] = words[:8]
    assert leftovers == {}


def test_the_detector_finds_english(client):
    """The check above can fail: an English phrase on a German page is found, marked data is not."""
    doc = parse_html('<html lang="de"><body><p>Die Mitglieder of the network</p>'
                     '<p lang="en">Union of the Baltic Cities</p><a title="Members of this">x</a>'
                     '<span translate="no">The History of UBC</span></body></html>')
    assert sorted({w for w, _ in english_words(doc)}) == ["Members", "network", "of", "the", "this"]


# --- the language choice --------------------------------------------------------------------


def test_language_choice_sticks_across_pages(app):
    """The de/en switch sets a cookie and returns to the page; the next pages without ?lang are
    German even for an English browser, their links carry lang=de, and they vary by Cookie."""
    client = app.test_client()  # its own cookie jar
    home = parse_html(client.get("/", headers={"Accept": "text/html", "Accept-Language": "en"}).get_data(as_text=True))
    switch = next(a.attrs["href"] for a in home.find_all("a") if a.attrs.get("hreflang") == "de")
    first = client.get(switch, headers={"Accept": "text/html", "Accept-Language": "en"})
    assert first.status_code == 303 and "lang=de" in first.headers.get("Set-Cookie", "")
    assert urlsplit(first.headers["Location"]).path == "/"
    assert first.headers["Cache-Control"] == "no-store"
    for path in ("/sparql", "/downloads", "/page/city/rostock"):
        r = client.get(path, headers={"Accept": "text/html", "Accept-Language": "en"})
        assert r.headers["Content-Language"] == "de", path
        assert "Cookie" in r.headers["Vary"], path
        doc = parse_html(r.get_data(as_text=True))
        assert doc.find_all("html")[0].attrs["lang"] == "de"
        # page links carry the choice; the switch names its own language, downloads (format=) are data
        nav = [a.attrs["href"] for a in doc.find_all("a")
               if urlsplit(a.attrs.get("href", "")).path in ("/sparql", "/downloads")
               and "hreflang" not in a.attrs and "format" not in parse_qs(urlsplit(a.attrs["href"]).query)]
        assert nav and all(parse_qs(urlsplit(h).query).get("lang") == ["de"] for h in nav), path
    # switching back is remembered too
    client.get("/language?lang=en&next=/", headers={"Accept": "text/html"})
    r = client.get("/sparql", headers={"Accept": "text/html", "Accept-Language": "de"})
    assert r.headers["Content-Language"] == "en"


def test_the_switch_returns_only_to_our_own_pages(client):
    """/language redirects to a path of this site only (no open redirect); a bad language is a 400."""
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        r = client.get("/language", query_string={"lang": "de", "next": target})
        assert r.status_code == 303 and urlsplit(r.headers["Location"]).netloc in ("", "localhost"), target
        assert urlsplit(r.headers["Location"]).path == "/", target
    assert client.get("/language?lang=fr&next=/").status_code == 400
    # a plain page never sets a cookie: each URL stays one cacheable answer
    assert "Set-Cookie" not in client.get("/?lang=de", headers={"Accept": "text/html"}).headers


def test_every_page_and_error_names_its_language(client):
    """Content-Language on every HTML page and on plain-text/JSON errors (RFC 9110 §8.5)."""
    for path in page_types(client):
        for lang in ("de", "en"):
            sep = "&" if "?" in path else "?"
            r = client.get(f"{path}{sep}lang={lang}", headers={"Accept": "text/html"})
            assert r.headers.get("Content-Language") == lang, (path, lang)
    bad = client.post("/sparql", data={"query": "SELECT * WHERE { ?s"}, headers={"Accept": "application/sparql-results+json"})
    assert bad.status_code == 400 and bad.headers.get("Content-Language") == "en"


# --- dates, numbers, vocabulary labels ------------------------------------------------------


@pytest.mark.parametrize("value, de, en", [
    ("1991-09-20", "20. September 1991", "September 20, 1991"),
    ("1991-09", "September 1991", "September 1991"),
    ("1991", "1991", "1991"),
    ("not a date", "not a date", "not a date"),
])
def test_dates_in_the_reader_s_form(value, de, en):
    """xsd:date/gYearMonth/gYear as German and English readers write them (Babel, CLDR)."""
    assert i18n.format_date(value, "de") == de
    assert i18n.format_date(value, "en") == en


def test_numbers_and_sizes_in_the_reader_s_form():
    """Digit grouping and decimal sign per language; file sizes in SI units."""
    assert i18n.format_number(5490, "de") == "5.490" and i18n.format_number(5490, "en") == "5,490"
    assert i18n.format_number("48.20002", "de") == "48,20002"
    assert i18n.format_bytes(1516468, "de") == "1,5\u00a0MB" and i18n.format_bytes(1516468, "en") == "1.5\u00a0MB"
    assert i18n.format_bytes(512, "en") == "512\u00a0B"


def test_vocabulary_labels_cover_every_property_in_both_languages(built_store):
    """Every property used in the data has an English and a German name (in the graph or in
    web/labels/vocabulary.ttl), and every property that links to one of our resources has an
    inverse reading in both languages, so incoming links read from the page's side."""
    rows = built_store.query("""
SELECT DISTINCT ?p (SAMPLE(?o) AS ?example) WHERE { GRAPH ?g { ?s ?p ?o }
  FILTER(CONTAINS(STR(?g), "/graph/data/")) } GROUP BY ?p""", use_default_graph_as_union=True)
    labelled = {}
    for r in built_store.query("""
SELECT ?p ?l WHERE { ?p <http://www.w3.org/2000/01/rdf-schema#label> ?l }""", use_default_graph_as_union=True):
        labelled.setdefault(r["p"].value, set()).add(r["l"].language or "")
    vocab = i18n.vocabulary()
    unnamed, no_inverse = [], []
    for r in rows:
        p = r["p"].value
        langs = labelled.get(p, set()) | set(vocab.get(p, {}).get("label", {}))
        if not {"en", "de"} <= langs:
            unnamed.append(p)
        links = r["example"].value.startswith("https://w3id.org/netzwerke-kg/id/")
        if links and not {"en", "de"} <= set(vocab.get(p, {}).get("inverse", {})):
            no_inverse.append(p)
    assert unnamed == []
    assert no_inverse == []


def test_incoming_links_read_from_the_page_s_side(client):
    """On Rostock's page the networks that list it as a member appear as "Mitglied von"."""
    doc = parse_html(_german(client, "/page/city/rostock").get_data(as_text=True))
    groups = {s.attrs["data-property"]: s.find_all("h3")[0].text() for s in doc.find_all("section")
              if "data-property" in s.attrs}
    assert groups["http://www.w3.org/ns/org#hasMember"].startswith("Mitglied von")

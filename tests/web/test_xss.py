"""Labels that try to be markup stay text: autoescape everywhere, JSON-LD that cannot close <script>.

A tiny project (real ontology/ and shapes/, a data file whose labels hold ``<script>``, quotes,
``&`` and ``</script>``) is built with kg.build.build and served by create_app; pages are parsed
as HTML and compared by meaning: which elements exist, what text they hold, what the JSON-LD says.
"""

from __future__ import annotations

import json

import pytest

from tiny_project import EVIL_DE, EVIL_EN, EVIL_TITLE, parse_html

PAGES = ["/", "/page/network/evil-network", "/page/city/rostock", "/page/source/evil-source",
         "/page/disagreement/evil-member-count", "/page/membership/evil-rostock",
         "/page/claim/evil-member-count-2025", "/search?q=evil", "/search?q=%3C%2Fscript%3E",
         "/page/city/no-such-city", "/ontology"]


def _ours(script) -> bool:
    """A script element we wrote: the ld+json block, or an empty element loading /static/js/site.js."""
    if script.attrs.get("type") == "application/ld+json":
        return True
    return script.attrs.get("src") == "/static/js/site.js" and not script.text().strip()


def _scripts(doc):
    """Every <script> element of a parsed page."""
    return doc.find_all("script")


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["en", "de"])
def test_no_injected_elements(tiny_client, path, lang):
    """No label creates an element: the only <script>s are the ld+json data block and our own script
    file (static/js/site.js, empty element, src under /static/), no <img>/<b>."""
    sep = "&" if "?" in path else "?"
    response = tiny_client.get(f"{path}{sep}lang={lang}")
    assert response.status_code in (200, 404)
    doc = parse_html(response.get_data(as_text=True))
    for script in _scripts(doc):
        assert _ours(script), script.attrs
    assert doc.find_all("img") == []
    assert doc.find_all("b") == []
    for node in doc.iter():
        assert not any(name.startswith("on") for name in node.attrs), (node.tag, node.attrs)
        # nothing inline for a strict Content-Security-Policy (style-src 'self') to refuse
        assert "style" not in node.attrs and node.tag != "style", (node.tag, node.attrs)


def test_labels_render_as_text(tiny_client):
    """The evil labels are shown verbatim as text in the heading, in each language."""
    en = parse_html(tiny_client.get("/page/city/rostock?lang=en").get_data(as_text=True))
    de = parse_html(tiny_client.get("/page/city/rostock?lang=de").get_data(as_text=True))
    assert en.find_all("h1")[0].text() == EVIL_EN
    assert de.find_all("h1")[0].text() == EVIL_DE
    assert en.find_all("title")[0].text().startswith(EVIL_EN)


def test_jsonld_parses_back_to_the_original_string(tiny_client):
    """The JSON-LD block parses, names the resource with the exact label, and holds no raw '<'."""
    html = tiny_client.get("/page/network/evil-network?lang=en").get_data(as_text=True)
    doc = parse_html(html)
    blocks = [s for s in _scripts(doc) if s.attrs.get("type") == "application/ld+json"]
    assert len(blocks) == 1
    raw = blocks[0].text()
    # \u003c escaping (what |tojson does) is what keeps "</script>" from closing the element
    assert "<" not in raw and ">" not in raw and "&" not in raw
    data = json.loads(raw)
    assert data["name"] == EVIL_EN
    assert data["description"] == EVIL_EN + " description"
    assert data["@id"] == "https://w3id.org/netzwerke-kg/id/network/evil-network"


def test_source_title_and_url_stay_text(tiny_client):
    """A source title holding a comment and </script>, and a URL with & and <>, stay text/attributes."""
    doc = parse_html(tiny_client.get("/page/source/evil-source").get_data(as_text=True))
    assert doc.find_all("h1")[0].text() == EVIL_TITLE
    page = parse_html(tiny_client.get("/page/network/evil-network").get_data(as_text=True))
    hrefs = [a.attrs.get("href") for a in page.find_all("a")]
    assert "https://example.org/source?a=1&b=<2>" in hrefs


def test_search_box_echo_is_escaped(tiny_client):
    """What a visitor typed comes back as the value of the search field, not as markup."""
    doc = parse_html(tiny_client.get("/search?q=%22%3E%3Cscript%3Ealert(3)%3C/script%3E").get_data(as_text=True))
    field = doc.by_id("q")
    assert field is not None and field.attrs["value"] == '"><script>alert(3)</script>'
    assert all(_ours(s) for s in _scripts(doc))


def test_map_titles_are_text(tiny_client):
    """Map marker tooltips (<title>) carry the label as text, inside a well-formed SVG."""
    import xml.etree.ElementTree as ET

    html = tiny_client.get("/page/city/rostock?lang=en").get_data(as_text=True)
    doc = parse_html(html)
    svg_titles = [t.text() for t in doc.by_id("map").find_all("title")]
    assert EVIL_EN in svg_titles
    start, end = html.index("<svg"), html.index("</svg>") + len("</svg>")
    svg = ET.fromstring(html[start:end])
    ns = "{http://www.w3.org/2000/svg}"
    assert EVIL_EN in [t.text for t in svg.iter(f"{ns}title")]


def test_timeline_chart_labels_are_text(tiny_client):
    """The drawn timeline names Rostock (whose label is evil) in a bar's <title> and label text:
    escaped, so the SVG is well-formed on its own and holds the label verbatim."""
    import re
    import xml.etree.ElementTree as ET

    html = tiny_client.get("/page/network/evil-network?lang=en").get_data(as_text=True)
    match = re.search(r'<svg class="timeline-chart".*?</svg>', html, re.S)
    assert match, "no timeline chart"
    svg = ET.fromstring(match.group(0))
    ns = "{http://www.w3.org/2000/svg}"
    titles = [t.text for t in svg.iter(f"{ns}title")]
    assert EVIL_EN in titles  # the bar label's full text
    assert any(t.startswith(EVIL_EN + ": 1991") for t in titles if t)  # the bar's tooltip
    assert not list(svg.iter(f"{ns}script"))

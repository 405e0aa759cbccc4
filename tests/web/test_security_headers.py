"""Security headers and CORS on every kind of page (web/security.py); pages the CSP lets run."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

EXPECTED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
#: pages of the site that need no data (kept when the app routes them)
SITE_PAGES = ["/", "/ontology", "/sparql", "/downloads", "/void", "/.well-known/void", "/validation",
              "/search?q=rostock", "/sitemap.xml", "/robots.txt", "/favicon.ico", "/static/css/site.css",
              "/page/city/no-such-city", "/no/such/page"]
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _routed(app, path: str) -> bool:
    """True when the app answers ``path`` with a view (not the 404 of an unknown URL)."""
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(urlsplit(path).path, method="GET")
    except Exception:  # noqa: BLE001 - NotFound/MethodNotAllowed/redirects: treat as not routed
        return False
    return True


@pytest.fixture(scope="module")
def urls(app) -> list[str]:
    """Every kind of page: the site pages plus one resource page and one RDF document per kind."""
    client = app.test_client()
    found = [p for p in SITE_PAGES if _routed(app, p) or p == "/no/such/page"]
    sitemap = ET.fromstring(client.get("/sitemap.xml").get_data())
    kinds: dict[str, str] = {}
    for loc in sitemap.iter(f"{SITEMAP_NS}loc"):
        path = urlsplit(loc.text).path
        if path.startswith("/page/"):
            kinds.setdefault(path.split("/")[2], path)
    for path in kinds.values():
        found += [path, path.replace("/page/", "/id/", 1), path.replace("/page/", "/data/", 1) + ".ttl"]
    manifest = json.loads(client.get("/downloads/manifest.json").get_data())
    found.append(f"/downloads/{manifest['files'][0]['path']}")
    return found


def _csp(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as directive -> sources."""
    policy = {}
    for directive in header.split(";"):
        parts = directive.split()
        if parts:
            policy[parts[0]] = parts[1:]
    return policy


def test_every_page_kind_carries_csp_nosniff_referrer_frame_and_cors_headers(client, urls):
    assert len(urls) >= 10
    for url in urls:
        for accept in ("text/html", "*/*"):
            response = client.get(url, headers={"Accept": accept})
            headers = response.headers
            assert _csp(headers["Content-Security-Policy"]) == EXPECTED_CSP, url
            assert headers["X-Content-Type-Options"] == "nosniff", url
            assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url
            assert headers["X-Frame-Options"] == "DENY", url
            assert headers["Access-Control-Allow-Origin"] == "*", url
            assert "Access-Control-Allow-Credentials" not in headers, url
            assert b"Traceback" not in response.get_data(), url


class _Inline(HTMLParser):
    """Everything in a page that a strict CSP would block: inline scripts, styles, handlers."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._script_inline = False

    def handle_starttag(self, tag, attrs):
        """Flag inline scripts/styles and inline event handlers."""
        attrs = dict(attrs)
        if tag == "script":
            # JSON-LD data blocks are not executed, so CSP does not apply to them.
            executable = attrs.get("type") in (None, "", "module", "text/javascript", "application/javascript")
            self._script_inline = executable and not attrs.get("src")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs.items():
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL on <{tag}>")

    def handle_endtag(self, tag):
        """Leave a script."""
        if tag == "script":
            self._script_inline = False

    def handle_data(self, data):
        """Inline script code is a problem."""
        if self._script_inline and data.strip():
            self.problems.append("inline <script>")


def test_html_pages_need_nothing_the_csp_forbids(client, urls):
    problems = {}
    for url in urls:
        response = client.get(url, headers={"Accept": "text/html"})
        if response.mimetype != "text/html":
            continue
        parser = _Inline()
        parser.feed(response.get_data(as_text=True))
        if parser.problems:
            problems[url] = sorted(set(parser.problems))
    assert problems == {}


@pytest.mark.parametrize("path", ["/void", "/downloads", "/sparql"])
def test_cors_preflight_is_answered(client, app, path):
    if not _routed(app, path):
        pytest.skip(f"{path} is not part of the app yet")
    response = client.options(path, headers={
        "Origin": "https://example.org",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, accept",
    })
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    methods = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "HEAD", "POST"} <= methods
    allowed = {h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"accept", "content-type", "if-none-match", "range"} <= allowed
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_a_plain_options_request_is_not_mistaken_for_a_preflight(client):
    response = client.options("/void")
    assert response.status_code == 200
    assert "GET" in response.headers["Allow"]


def test_cross_origin_scripts_can_read_etag_link_and_every_custom_header(client, app, urls):
    candidates = list(urls)
    if _routed(app, "/sparql"):
        candidates.append("/sparql?query=SELECT%20%3Fs%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%201")
    for url in candidates:
        response = client.get(url, headers={"Accept": "*/*", "Origin": "https://example.org"})
        exposed = {h.strip().lower() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
        assert {"etag", "link"} <= exposed
        for name in {k.lower() for k in response.headers.keys()}:
            if name.startswith("x-") and name not in {"x-content-type-options", "x-frame-options"}:
                assert name in exposed, (url, name)

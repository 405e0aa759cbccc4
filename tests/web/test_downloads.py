"""/downloads: the list of files (HTML and JSON) and the files (ETag, 304, Range, gzip)."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import datetime
from html.parser import HTMLParser

import pytest
from werkzeug.http import parse_date


def _issued(manifest) -> datetime:
    """The manifest's build time."""
    return datetime.fromisoformat(manifest["issued"].replace("Z", "+00:00"))


def _files(manifest):
    """(path, entry) of every file the manifest lists."""
    return [(entry["path"], entry) for entry in manifest["files"]]


def _gzipped(manifest):
    """(path, entry) of every file the manifest lists with a pre-gzipped twin (the dumps)."""
    return [(path, entry) for path, entry in _files(manifest) if entry.get("gzip")]


class _Cells(HTMLParser):
    """Collect the text of <code class="sha256"> cells and the hrefs of links."""

    def __init__(self):
        super().__init__()
        self.sha256: list[str] = []
        self.hrefs: list[str] = []
        self._in_sha = False

    def handle_starttag(self, tag, attrs):
        """Note sha256 cells and links."""
        attrs = dict(attrs)
        if tag == "code" and attrs.get("class") == "sha256":
            self._in_sha = True
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])

    def handle_endtag(self, tag):
        """Leave a sha256 cell."""
        if tag == "code":
            self._in_sha = False

    def handle_data(self, data):
        """Keep the text of sha256 cells."""
        if self._in_sha and data.strip():
            self.sha256.append(data.strip())


def test_json_lists_every_dump_with_checksum_size_triples_licence_and_citation(client, manifest):
    response = client.get("/downloads", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    info = response.get_json()
    listed = {f["file"]: f for f in info["files"]}
    assert set(listed) == {path for path, _ in _files(manifest)}
    for path, entry in _files(manifest):
        row = listed[path]
        assert (row["sha256"], row["bytes"], row["triples"], row["media_type"], row["format"]) == (
            entry["sha256"], entry["bytes"], entry["triples"], entry["media_type"], entry["format"])
        assert (row["gzip"] or {}).get("sha256") == (entry.get("gzip") or {}).get("sha256")
        assert row["url"] == f"http://localhost/downloads/{path}"
    assert info["license"]["name"] == "CC BY 4.0"
    assert info["license"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    citation = info["citation"]
    for part in (manifest["name"], "Hanse- und Universitätsstadt Rostock data via netzwerke-kg",
                 manifest["version"], manifest["issued"][:10], manifest["base_iri"] + "downloads"):
        assert part in citation


def test_html_page_shows_every_checksum_and_links_every_file(client, manifest):
    response = client.get("/downloads", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    cells = _Cells()
    cells.feed(response.get_data(as_text=True))
    expected = {e["sha256"] for _, e in _files(manifest)} | {e["gzip"]["sha256"] for _, e in _gzipped(manifest)}
    assert set(cells.sha256) == expected
    for path, _ in _files(manifest):
        assert f"http://localhost/downloads/{path}" in cells.hrefs
    for _, entry in _gzipped(manifest):
        assert f"http://localhost/downloads/{entry['gzip']['path']}" in cells.hrefs
    assert "https://creativecommons.org/licenses/by/4.0/" in cells.hrefs


def test_unknown_format_parameter_is_a_clear_400(client):
    response = client.get("/downloads?format=pdf")
    assert response.status_code == 400
    assert "pdf" in response.get_data(as_text=True)


def test_every_file_is_served_byte_for_byte_with_its_sha256_as_strong_etag(client, manifest, built_dist):
    for path, entry in _files(manifest):
        response = client.get(f"/downloads/{path}", headers={"Accept-Encoding": "identity"})
        assert response.status_code == 200, path
        body = response.get_data()
        assert body == (built_dist / path).read_bytes()
        assert hashlib.sha256(body).hexdigest() == entry["sha256"]
        assert response.headers["Content-Type"].split(";")[0] == entry["media_type"]
        assert "Content-Encoding" not in response.headers
        assert response.get_etag() == (entry["sha256"], False)
        assert parse_date(response.headers["Last-Modified"]) == _issued(manifest)


def test_pre_gzipped_bytes_decompress_to_the_plain_file_and_match_the_manifest(client, manifest, built_dist):
    assert _gzipped(manifest), "the build offers pre-gzipped dumps"
    for path, entry in _gzipped(manifest):
        response = client.get(f"/downloads/{path}", headers={"Accept-Encoding": "gzip, deflate"})
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response.vary
        assert response.headers["Content-Type"].split(";")[0] == entry["media_type"]
        body = response.get_data()
        assert hashlib.sha256(body).hexdigest() == entry["gzip"]["sha256"]
        plain = gzip.decompress(body)
        assert hashlib.sha256(plain).hexdigest() == entry["sha256"]
        assert plain == (built_dist / path).read_bytes()
        assert response.get_etag() == (entry["gzip"]["sha256"], False)


def test_gzip_refused_with_q0_gives_the_plain_bytes(client, manifest):
    path, entry = _gzipped(manifest)[0]
    response = client.get(f"/downloads/{path}", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in response.headers
    assert hashlib.sha256(response.get_data()).hexdigest() == entry["sha256"]


def test_the_gz_file_by_name_is_a_gzip_file_not_an_encoding(client, manifest):
    path, entry = _gzipped(manifest)[0]
    response = client.get(f"/downloads/{entry['gzip']['path']}", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.mimetype == "application/gzip"
    assert "Content-Encoding" not in response.headers
    assert hashlib.sha256(response.get_data()).hexdigest() == entry["gzip"]["sha256"]


def test_side_files_named_in_sha256sums_are_served(client, built_dist):
    sums = dict(reversed(line.split(maxsplit=1)) for line in
                (built_dist / "SHA256SUMS").read_text().splitlines())
    for name in ("void.ttl", "validation.ttl", "manifest.json", "SHA256SUMS"):
        response = client.get(f"/downloads/{name}")
        assert response.status_code == 200, name
        assert response.get_data() == (built_dist / name).read_bytes()
        if name in sums:
            assert hashlib.sha256(response.get_data()).hexdigest() == sums[name]


def test_void_download_urls_under_dumps_resolve(client, manifest):
    path, entry = _files(manifest)[0]
    response = client.get(f"/dumps/{path}", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert hashlib.sha256(response.get_data()).hexdigest() == entry["sha256"]


def test_if_none_match_gives_304_per_variant(client, manifest):
    path, entry = _gzipped(manifest)[0]
    plain = client.get(f"/downloads/{path}", headers={"If-None-Match": f'"{entry["sha256"]}"'})
    assert plain.status_code == 304 and plain.get_data() == b""
    zipped = client.get(f"/downloads/{path}", headers={
        "If-None-Match": f'"{entry["gzip"]["sha256"]}"', "Accept-Encoding": "gzip"})
    assert zipped.status_code == 304
    # The plain tag does not validate the gzip variant (RFC 9110 §8.8.3: one tag per representation).
    crossed = client.get(f"/downloads/{path}", headers={
        "If-None-Match": f'"{entry["sha256"]}"', "Accept-Encoding": "gzip"})
    assert crossed.status_code == 200


def test_if_modified_since_the_build_gives_304(client, manifest):
    path, _ = _files(manifest)[0]
    first = client.get(f"/downloads/{path}")
    last_modified = first.headers["Last-Modified"]
    again = client.get(f"/downloads/{path}", headers={"If-Modified-Since": last_modified})
    assert again.status_code == 304 and again.get_data() == b""


def test_range_gives_206_with_exactly_those_bytes(client, manifest, built_dist):
    path, entry = _files(manifest)[0]
    plain = (built_dist / path).read_bytes()
    response = client.get(f"/downloads/{path}", headers={"Range": "bytes=10-109", "Accept-Encoding": "identity"})
    assert response.status_code == 206
    assert response.get_data() == plain[10:110]
    assert response.headers["Content-Range"] == f"bytes 10-109/{len(plain)}"
    suffix = client.get(f"/downloads/{path}", headers={"Range": "bytes=-20", "Accept-Encoding": "identity"})
    assert suffix.status_code == 206 and suffix.get_data() == plain[-20:]


def test_range_over_the_gzip_variant_slices_the_gz_bytes(client, manifest, built_dist):
    path, entry = _gzipped(manifest)[0]
    zipped = (built_dist / entry["gzip"]["path"]).read_bytes()
    response = client.get(f"/downloads/{path}", headers={"Range": "bytes=0-9", "Accept-Encoding": "gzip"})
    assert response.status_code == 206
    assert response.get_data() == zipped[:10]


def test_range_beyond_the_end_is_416(client, manifest):
    path, entry = _files(manifest)[0]
    response = client.get(f"/downloads/{path}", headers={
        "Range": f"bytes={entry['bytes'] + 100}-", "Accept-Encoding": "identity"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{entry['bytes']}"


@pytest.mark.parametrize("name", [
    "../manifest.json", "..%2Fmanifest.json", "%2Fetc%2Fpasswd", "../../etc/passwd", "..%2F..%2Fpyproject.toml",
    "netzwerke-kg.py", "sub/netzwerke-kg.ttl", "..", ".", "",
])
def test_only_release_files_are_served_no_traversal(client, name):
    # Redirects are followed: werkzeug may first normalise a doubled slash (308).
    response = client.get(f"/downloads/{name}", follow_redirects=True)
    assert response.status_code == 404
    assert b"Traceback" not in response.get_data()


def test_absolute_path_is_404(client):
    # Werkzeug first merges the double slash (308 to /downloads/etc/passwd), which is then unknown.
    response = client.get("/downloads//etc/passwd", follow_redirects=True)
    assert response.status_code == 404
    assert response.request.path == "/downloads/etc/passwd"


def test_head_equals_get_without_body(client, manifest):
    path, _ = _files(manifest)[0]
    for headers in ({"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip"}):
        get = client.get(f"/downloads/{path}", headers=headers)
        head = client.head(f"/downloads/{path}", headers=headers)
        assert head.status_code == get.status_code == 200
        assert head.get_data() == b""
        for name in ("Content-Type", "Content-Length", "ETag", "Last-Modified", "Content-Encoding"):
            assert head.headers.get(name) == get.headers.get(name)


def test_downloads_are_cached_a_day(client, manifest):
    path, _ = _files(manifest)[0]
    response = client.get(f"/downloads/{path}")
    assert response.cache_control.public
    assert response.cache_control.max_age == 86400


def test_jsonld_context_is_served_where_the_dump_points(client, built_dist):
    """The JSON-LD dump's @context IRI ({base}context.jsonld) dereferences to the built context."""

    dump = json.loads((built_dist / "netzwerke-kg.jsonld").read_text(encoding="utf-8"))
    context_ref = dump["@context"]
    assert isinstance(context_ref, str) and context_ref.endswith("/context.jsonld")
    response = client.get("/context.jsonld", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert json.loads(response.data) == json.loads((built_dist / "context.jsonld").read_bytes())


def test_relative_root_still_serves_files(tmp_path, built_dist, monkeypatch):
    """Settings with a relative root/dist resolve them once, so send_file never looks elsewhere."""
    import shutil
    from pathlib import Path

    from netzwerke_kg.config import Settings
    from netzwerke_kg.web import create_app

    shutil.copytree(built_dist, tmp_path / "dist", symlinks=True)
    monkeypatch.chdir(tmp_path)
    app = create_app(Settings(root=Path("."), dist=Path("dist")))
    response = app.test_client().get("/downloads/context.jsonld",
                                     headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.data == (built_dist / "context.jsonld").read_bytes()

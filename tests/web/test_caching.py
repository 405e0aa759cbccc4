"""App-wide HTTP caching (web/caching.py): ETag, 304, Last-Modified, Cache-Control, gzip, Vary, HEAD."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import datetime, timedelta, timezone

import pytest
from flask import Response
from werkzeug.http import http_date, parse_date

from netzwerke_kg.web import create_app

ISSUED = datetime(2025, 6, 1, 12, 0, 0, tzinfo=timezone.utc)
BROWSER = {"Accept": "text/html"}
#: pages of every kind served by this part of the app, with the Accept that selects each variant
PAGES = [
    ("/void", {"Accept": "text/html"}),
    ("/void", {"Accept": "text/turtle"}),
    ("/downloads", {"Accept": "application/json"}),
    ("/downloads", {"Accept": "text/html"}),
    ("/validation", {"Accept": "text/html"}),
    ("/sitemap.xml", {}),
    ("/robots.txt", {}),
]
#: pages of the other parts (home, ontology, a resource page, the editor), when the app has them
OTHER_PAGES = [
    ("/", {"Accept": "text/html", "Accept-Language": "de"}),
    ("/ontology", {"Accept": "text/html"}),
    ("/page/city/rostock", {"Accept": "text/html"}),
    ("/data/city/rostock.ttl", {}),
    ("/sparql", {"Accept": "text/html"}),
    ("/sparql?query=ASK%20%7B%7D", {"Accept": "application/sparql-results+json"}),
]


def _dated_app(app, built_dist, tmp_path, release: str):
    """The app over a copy of dist/ whose manifest says: issued ISSUED, release ``release``."""
    dist = tmp_path / release
    shutil.copytree(built_dist, dist, symlinks=True)
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    manifest["issued"] = ISSUED.strftime("%Y-%m-%dT%H:%M:%SZ")
    manifest["release"] = release
    (dist / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return create_app(app.config["SETTINGS"].with_(dist=dist), backend=app.extensions["netzwerke_kg.backend"], verify=False)


@pytest.fixture(scope="module")
def dated(app, built_dist, tmp_path_factory):
    """A client of the app over a release issued at ISSUED (a date other than the epoch)."""
    return _dated_app(app, built_dist, tmp_path_factory.mktemp("dated"), "a" * 64).test_client()


@pytest.mark.parametrize("path,headers", PAGES)
def test_pages_carry_a_strong_stable_etag_and_last_modified(dated, path, headers):
    first = dated.get(path, headers=headers)
    second = dated.get(path, headers=headers)
    assert first.status_code == 200
    tag, weak = first.get_etag()
    assert tag and not weak
    assert second.get_etag() == (tag, False)
    assert parse_date(first.headers["Last-Modified"]) == ISSUED


def test_each_negotiated_variant_has_its_own_etag(dated):
    tags = {dated.get("/void", headers={"Accept": mt}).get_etag()[0]
            for mt in ("text/html", "text/turtle", "application/n-triples", "application/ld+json")}
    assert len(tags) == 4
    html = dated.get("/downloads", headers={"Accept": "text/html"}).get_etag()
    as_json = dated.get("/downloads", headers={"Accept": "application/json"}).get_etag()
    assert html != as_json


def test_the_query_string_is_part_of_the_tag(dated):
    assert dated.get("/void?format=ttl").get_etag() != dated.get("/void?format=nt").get_etag()


def test_a_new_release_changes_every_tag_even_for_the_same_bytes(app, built_dist, tmp_path):
    one = _dated_app(app, built_dist, tmp_path, "1" * 64).test_client()
    two = _dated_app(app, built_dist, tmp_path, "2" * 64).test_client()
    for path, headers in PAGES:
        a, b = one.get(path, headers=headers), two.get(path, headers=headers)
        if a.get_data() == b.get_data():
            assert a.get_etag() != b.get_etag(), path


@pytest.mark.parametrize("path,headers", PAGES + OTHER_PAGES)
def test_if_none_match_gives_304_without_a_body(dated, path, headers):
    first = dated.get(path, headers=headers)
    if first.status_code == 404 and path in {p for p, _ in OTHER_PAGES}:
        pytest.skip(f"{path} is not part of the app yet")
    tag = first.headers["ETag"]
    again = dated.get(path, headers={**headers, "If-None-Match": tag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == tag
    # RFC 9110 §15.4.5: a 304 repeats the headers a 200 would have carried for caches
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert set(again.vary) == set(first.vary)


def test_if_none_match_uses_the_weak_comparison_and_star(dated):
    tag = dated.get("/void", headers=BROWSER).get_etag()[0]
    assert dated.get("/void", headers={**BROWSER, "If-None-Match": f'W/"{tag}"'}).status_code == 304
    assert dated.get("/void", headers={**BROWSER, "If-None-Match": f'"other", "{tag}"'}).status_code == 304
    assert dated.get("/void", headers={**BROWSER, "If-None-Match": "*"}).status_code == 304
    assert dated.get("/void", headers={**BROWSER, "If-None-Match": '"other"'}).status_code == 200


def test_if_modified_since_compares_with_the_build_time(dated):
    at = http_date(ISSUED)
    before = http_date(ISSUED - timedelta(days=1))
    after = http_date(ISSUED + timedelta(days=1))
    assert dated.get("/void", headers={**BROWSER, "If-Modified-Since": at}).status_code == 304
    assert dated.get("/void", headers={**BROWSER, "If-Modified-Since": after}).status_code == 304
    assert dated.get("/void", headers={**BROWSER, "If-Modified-Since": before}).status_code == 200
    assert dated.get("/void", headers={**BROWSER, "If-Modified-Since": "yesterday"}).status_code == 200


def test_if_none_match_wins_over_if_modified_since(dated):
    # RFC 9110 §13.2.2: with If-None-Match present, If-Modified-Since is not evaluated.
    response = dated.get("/void", headers={**BROWSER, "If-None-Match": '"other"',
                                            "If-Modified-Since": http_date(ISSUED)})
    assert response.status_code == 200


def test_downloads_files_honour_if_modified_since_with_an_older_date(dated, built_dist):
    manifest = json.loads((built_dist / "manifest.json").read_text())
    path = manifest["files"][0]["path"]
    assert dated.get(f"/downloads/{path}", headers={"If-Modified-Since": http_date(ISSUED)}).status_code == 304
    older = http_date(ISSUED - timedelta(days=1))
    assert dated.get(f"/downloads/{path}", headers={"If-Modified-Since": older}).status_code == 200


def test_cache_control_an_hour_for_pages_a_day_for_files_and_static(dated, built_dist):
    page = dated.get("/void", headers=BROWSER)
    assert page.cache_control.public and page.cache_control.max_age == 3600
    manifest = json.loads((built_dist / "manifest.json").read_text())
    dump = dated.get(f"/downloads/{manifest['files'][0]['path']}")
    assert dump.cache_control.public and dump.cache_control.max_age == 86400
    static = dated.get("/static/css/site.css")
    assert static.status_code == 200
    assert static.cache_control.max_age == 86400


def test_large_text_is_gzipped_and_decompresses_to_the_identity_body(dated):
    plain = dated.get("/void", headers={**BROWSER, "Accept-Encoding": "identity"})
    zipped = dated.get("/void", headers={**BROWSER, "Accept-Encoding": "gzip, br"})
    assert len(plain.get_data()) >= 1024
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert int(zipped.headers["Content-Length"]) == len(zipped.get_data()) < len(plain.get_data())
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    # two encodings, two representations, two strong tags (RFC 9110 §8.8.3.3)
    assert zipped.get_etag() != plain.get_etag()
    again = dated.get("/void", headers={**BROWSER, "Accept-Encoding": "gzip",
                                         "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304


def test_static_text_is_gzipped_too(dated):
    plain = dated.get("/static/css/site.css", headers={"Accept-Encoding": "identity"})
    zipped = dated.get("/static/css/site.css", headers={"Accept-Encoding": "gzip"})
    if len(plain.get_data()) < 1024:
        pytest.skip("site.css is below the gzip threshold")
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert zipped.get_etag() != plain.get_etag()
    assert dated.get("/static/css/site.css", headers={
        "Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]}).status_code == 304


def test_small_bodies_and_refused_gzip_stay_plain(dated):
    small = dated.get("/robots.txt", headers={"Accept-Encoding": "gzip"})
    assert len(small.get_data()) < 1024 and "Content-Encoding" not in small.headers
    refused = dated.get("/void", headers={**BROWSER, "Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers


def test_vary_names_accept_language_and_encoding_once_each(dated, built_dist):
    manifest = json.loads((built_dist / "manifest.json").read_text())
    for path, headers in [*PAGES, (f"/downloads/{manifest['files'][0]['path']}", {})]:
        vary = [v.strip() for v in dated.get(path, headers=headers).headers["Vary"].split(",")]
        assert sorted(vary) == ["Accept", "Accept-Encoding", "Accept-Language"], path


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
@pytest.mark.parametrize("path,headers", PAGES + OTHER_PAGES)
def test_head_equals_get_without_body(dated, path, headers, encoding):
    headers = {**headers, "Accept-Encoding": encoding}
    get = dated.get(path, headers=headers)
    if get.status_code == 404 and path in {p for p, _ in OTHER_PAGES}:
        pytest.skip(f"{path} is not part of the app yet")
    head = dated.head(path, headers=headers)
    assert head.status_code == get.status_code == 200
    assert head.get_data() == b""
    for name in ("Content-Type", "Content-Length", "Content-Encoding", "ETag", "Last-Modified",
                 "Cache-Control", "Vary", "Link"):
        assert head.headers.get(name) == get.headers.get(name), name


def test_errors_and_posts_are_never_given_validators(dated):
    missing = dated.get("/downloads/no-such-file.ttl")
    assert missing.status_code == 404
    assert "ETag" not in missing.headers
    assert not missing.cache_control.public
    bad = dated.get("/void?format=pdf")
    assert bad.status_code == 400 and "ETag" not in bad.headers
    post = dated.post("/void")
    assert post.status_code == 405 and "ETag" not in post.headers


def test_sparql_get_answers_are_cacheable_and_errors_are_not(dated):
    if not any(rule.rule == "/sparql" for rule in dated.application.url_map.iter_rules()):
        pytest.skip("the /sparql endpoint is not part of the app yet")
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    accept = {"Accept": "application/sparql-results+json"}
    first = dated.get("/sparql", query_string={"query": query}, headers=accept)
    assert first.status_code == 200
    tag, weak = first.get_etag()
    assert tag and not weak
    again = dated.get("/sparql", query_string={"query": query}, headers={**accept, "If-None-Match": f'"{tag}"'})
    assert again.status_code == 304
    error = dated.get("/sparql", query_string={"query": "SELECT WHERE {"}, headers=accept)
    assert error.status_code == 400
    assert "ETag" not in error.headers


def test_streamed_answers_get_a_release_tag_and_304_but_no_gzip(app, built_dist, tmp_path):
    streaming = _dated_app(app, built_dist, tmp_path, "5" * 64)

    def stream():
        """A streamed text body, as a large query answer would be."""
        return Response((f"line {i}\n" for i in range(1000)), mimetype="text/plain")

    streaming.add_url_rule("/test-stream", "test_stream", stream)
    client = streaming.test_client()
    first = client.get("/test-stream", headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200
    assert "Content-Encoding" not in first.headers
    tag, weak = first.get_etag()
    assert tag and not weak
    assert first.get_data().count(b"\n") == 1000
    again = client.get("/test-stream", headers={"Accept-Encoding": "gzip", "If-None-Match": f'"{tag}"'})
    assert again.status_code == 304 and again.get_data() == b""


def test_language_variants_of_a_page_never_share_a_tag(dated):
    german = dated.get("/", headers={"Accept": "text/html", "Accept-Language": "de"})
    english = dated.get("/", headers={"Accept": "text/html", "Accept-Language": "en"})
    if german.status_code == 404:
        pytest.skip("the home page is not part of the app yet")
    assert german.get_data() != english.get_data()
    assert german.get_etag() != english.get_etag()
    assert "Accept-Language" in german.vary

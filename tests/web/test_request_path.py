"""The request path (web/caching.py, kg/release.py): validators before rendering, the response cache,
one release at a time. Correctness only; speed is measured in bench/."""

from __future__ import annotations

import pytest
from flask import Response

from netzwerke_kg.config import Settings
from netzwerke_kg.kg.build import build
from netzwerke_kg.kg.release import current_dir
from netzwerke_kg.web import create_app
from netzwerke_kg.web.caching import ResponseCache
from tiny_project import build_tiny

PAGE = "/page/city/rostock"


@pytest.fixture
def rebuilt(tmp_path):
    """A tiny project built once; ``relabel()`` changes a label and builds a new release."""
    root, dist = build_tiny(tmp_path / "tiny")

    def relabel(new_label: str) -> None:
        """Append a second English label to every city file and rebuild."""
        for ttl in sorted((root / "data").glob("*.ttl")):
            text = ttl.read_text(encoding="utf-8")
            if "id/city/rostock" in text:
                ttl.write_text(text + f'\n<https://w3id.org/netzwerke-kg/id/city/rostock> '
                                      f'<http://www.w3.org/2004/02/skos/core#altLabel> "{new_label}"@en .\n',
                               encoding="utf-8")
                break
        build(root, dist)

    return root, dist, relabel


def _app(root, dist, **settings):
    """A fresh app (what a restart gives) over ``dist``."""
    app = create_app(Settings(root=root, dist=dist, query_workers=1, **settings))
    app.config["TESTING"] = True
    return app


def test_a_new_release_never_serves_an_old_answer_or_an_old_etag(rebuilt):
    """After a rebuild, a restarted server serves the new release; old tags do not revalidate."""
    root, dist, relabel = rebuilt
    old_app = _app(root, dist)
    try:
        old = old_app.test_client().get(PAGE)
        assert old.status_code == 200
        old_sparql = old_app.test_client().get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                                               headers={"Accept": "text/csv"})
        relabel("Rostock Neuer Name")
        # The running server is pinned to its release: same page, same answer, same download.
        assert old_app.test_client().get(PAGE).data == old.data
        again = old_app.test_client().get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                                          headers={"Accept": "text/csv"})
        assert again.data == old_sparql.data
        nq = old_app.test_client().get("/downloads/netzwerke-kg.nq", headers={"Accept-Encoding": "identity"})
        assert b"Rostock Neuer Name" not in nq.data
    finally:
        old_app.extensions["netzwerke_kg.backend"].close()
    new_app = _app(root, dist)
    try:
        client = new_app.test_client()
        fresh = client.get(PAGE)
        assert b"Rostock Neuer Name" in fresh.data
        assert b'id="changes"' in fresh.data  # "changed in release …" (#13), from the held releases
        assert fresh.headers["ETag"] != old.headers["ETag"]
        revalidated = client.get(PAGE, headers={"If-None-Match": old.headers["ETag"]})
        assert revalidated.status_code == 200 and b"Rostock Neuer Name" in revalidated.data
        count = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                           headers={"Accept": "text/csv"})
        assert count.data != old_sparql.data
    finally:
        new_app.extensions["netzwerke_kg.backend"].close()


VARIANTS = [
    (PAGE, {"Accept-Language": "de"}, {"Accept-Language": "en"}),
    (PAGE + "?lang=de", {}, {}),  # the URL differs from PAGE: compared against PAGE below
    ("/id/city/rostock", {"Accept": "text/turtle"}, {"Accept": "application/n-triples"}),
    ("/data/city/rostock.ttl", {"Accept-Encoding": "gzip"}, {"Accept-Encoding": "identity"}),
    ("/sparql?query=ASK%7B%7D", {"Accept": "application/sparql-results+json"},
     {"Accept": "application/sparql-results+xml"}),
    ("/void", {"Accept": "text/html"}, {"Accept": "text/turtle"}),
]


@pytest.mark.parametrize("path, first, second", VARIANTS)
def test_a_304_is_never_given_for_another_variant(client, path, first, second):
    """A tag obtained for one language, format or encoding does not revalidate another."""
    got = client.get(path, headers=first)
    if got.status_code == 303:
        got = client.get(got.headers["Location"], headers=first)
        path = got.request.path
    assert got.status_code == 200, (path, got.status_code)
    tag = got.headers["ETag"]
    same = client.get(path, headers={**first, "If-None-Match": tag})
    assert same.status_code == 304
    other_path = PAGE if path.endswith("?lang=de") else path
    if other_path == path and first == second:
        pytest.skip("no second variant")  # pragma: no cover - the table always has one
    other = client.get(other_path, headers={**second, "If-None-Match": tag})
    assert other.status_code == 200 and other.headers["ETag"] != tag


def test_cached_and_fresh_answers_are_identical(root, built_dist):
    """A hit of the response cache gives the very bytes and headers a fresh rendering gives."""
    cached = create_app(Settings(root=root, dist=built_dist, query_workers=1))
    fresh = create_app(Settings(root=root, dist=built_dist, query_workers=1, cache_bytes=0))
    try:
        for path in (PAGE, "/void", "/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%203"):
            c = cached.test_client()
            first, hit = c.get(path), c.get(path)
            other = fresh.test_client().get(path)
            assert first.data == hit.data == other.data, path
            for header in ("ETag", "Content-Type", "Cache-Control", "Vary", "Last-Modified"):
                assert hit.headers.get(header) == other.headers.get(header), (path, header)
        assert cached.extensions["netzwerke_kg.cache"].hits >= 3
    finally:
        cached.extensions["netzwerke_kg.backend"].close()
        fresh.extensions["netzwerke_kg.backend"].close()


def test_volatile_queries_are_never_cached(client):
    """NOW(), RAND(), UUID() … give a new answer each time: no-store, no ETag, no cache."""
    q = {"query": "SELECT (STRUUID() AS ?u) {}"}
    a, b = client.get("/sparql", query_string=q), client.get("/sparql", query_string=q)
    assert a.data != b.data
    assert "no-store" in a.headers["Cache-Control"] and "ETag" not in a.headers


def test_the_cache_holds_its_byte_bound_and_evicts_the_least_recently_used():
    """Never more bytes than its bound; the oldest unused entry goes first; oversized never enters."""
    cache = ResponseCache(20_000)
    for i in range(50):
        cache.put(f"k{i}", Response(b"x" * 1_000, headers={"ETag": f'"{i}"'}))
        assert cache.size <= cache.max_bytes
        if i == 10:
            assert cache.get("k0") is not None  # touched: now the most recently used
    assert cache.get("k49") is not None and cache.get("k1") is None
    cache.put("huge", Response(b"y" * 30_000))
    assert cache.get("huge") is None and cache.size <= cache.max_bytes
    assert cache.get("k49").get_data() == b"x" * 1_000


@pytest.mark.virtuoso
def test_pages_over_the_in_process_path_and_the_remote_backend_render_the_same(client, remote_app):
    """The trusted in-process queries and the same queries sent to Virtuoso make the same page."""
    remote = remote_app.test_client()
    for path in (PAGE, "/page/network/union-of-the-baltic-cities", "/"):
        here, there = client.get(path), remote.get(path)
        assert here.status_code == there.status_code == 200
        assert here.data == there.data, path


def test_the_server_pins_the_current_release(rebuilt):
    """create_app resolves dist/current once; its settings name that release's directory."""
    root, dist, relabel = rebuilt
    app = _app(root, dist)
    try:
        pinned = app.config["SETTINGS"].dist_dir
        assert pinned == current_dir(dist)
        relabel("Noch ein Name")
        assert app.config["SETTINGS"].dist_dir == pinned != current_dir(dist)
    finally:
        app.extensions["netzwerke_kg.backend"].close()


def test_serve_refuses_a_damaged_release_naming_the_file(built_dist, root, tmp_path, capsys):
    """A flipped byte in the N-Quads: `serve` exits 4 before starting gunicorn, naming the file."""
    import os
    import shutil

    from netzwerke_kg.web.server import serve

    dist = tmp_path / "dist"
    shutil.copytree(built_dist, dist, symlinks=True)
    nq = current_dir(dist) / "netzwerke-kg.nq"
    data = bytearray(nq.read_bytes())
    data[len(data) // 3] ^= 0x20
    os.chmod(nq, 0o644)
    nq.write_bytes(bytes(data))
    settings = Settings(root=root, dist=dist, endpoint="http://127.0.0.1:9/sparql")  # no rebuild attempt
    assert serve(settings, port=1) == 4
    err = capsys.readouterr().err
    assert "netzwerke-kg.nq" in err and "checksum" in err

"""/releases, "changed in release X" and citable permalinks, over two releases of the fixture project.

Edition 1 and edition 2 (tests/kg/release_fixture.py) are built into one dist/, so the server holds
both and serves edition 2. The permalink tests mint a citation while edition 1 is served, then open
it on the server of edition 2: first while edition 1 is still held, then after it was removed.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from rdflib import Dataset

from netzwerke_kg.config import Settings
from netzwerke_kg.kg.build import build
from netzwerke_kg.web import create_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kg"))
from release_fixture import make_project  # noqa: E402

KEMI = "https://w3id.org/netzwerke-kg/id/city/kemi"
ROSTOCK = "https://w3id.org/netzwerke-kg/id/city/rostock"
MEMBERS = ("PREFIX org: <http://www.w3.org/ns/org#> SELECT ?city WHERE { "
           "<https://w3id.org/netzwerke-kg/id/network/union-of-the-baltic-cities> org:hasMember ?city } ORDER BY ?city")


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory):
    """dist/ holding edition 1 and 2; a client of each edition's server; the two release ids."""
    where = tmp_path_factory.mktemp("two-releases")
    dist = where / "dist"
    apps = []
    for edition in (1, 2):
        root = make_project(where / f"project-{edition}", edition)
        build(root, dist)
        app = create_app(Settings(root=root, dist=dist))
        app.config["TESTING"] = True
        apps.append(app)
    ids = [Path(a.config["SETTINGS"].dist_dir).name for a in apps]
    yield dist, [a.test_client() for a in apps], ids
    for a in apps:
        a.extensions["netzwerke_kg.backend"].close()


def test_releases_lists_both_releases_with_the_diff_to_the_previous(two_releases):
    """Newest first; files with checksums; the newer one's changes in words and counts."""
    dist, (_, client), ids = two_releases
    data = client.get("/releases?format=json").get_json()
    assert [r["release"] for r in data["releases"]] == [ids[1], ids[0]]
    newest, oldest = data["releases"]
    assert newest["served"] and not oldest["served"] and data["served"] == ids[1]
    assert oldest["changes"] is None
    assert newest["changes"]["since"] == ids[0]
    assert (newest["changes"]["added"], newest["changes"]["removed"]) == (12, 7)
    assert "Kemi left the UBC" in newest["changes"]["summary"]
    sums = dict(line.split("  ")[::-1] for line in (dist / "releases" / ids[1] / "SHA256SUMS").read_text().splitlines())
    listed = {f["file"]: f["sha256"] for f in newest["files"]}
    assert listed and all(sums[name] == sha for name, sha in listed.items())
    page = client.get("/releases", headers={"Accept": "text/html"})
    assert page.status_code == 200 and b"Kemi left the UBC" in page.data


def test_release_changes_as_trig_and_errors(two_releases):
    """The change set of a release as TriG; unknown ids and the oldest release are 404 with a reason."""
    _, (_, client), ids = two_releases
    trig = client.get(f"/releases/{ids[1]}/changes?format=trig")
    assert trig.status_code == 200 and trig.mimetype == "application/trig"
    assert len(Dataset().parse(data=trig.get_data(as_text=True), format="trig")) > 19
    assert client.get(f"/releases/{ids[0]}/changes").status_code == 404
    missing = client.get("/releases/0123456789abcdef")
    assert missing.status_code == 404 and ids[0].encode() in missing.data
    assert client.get("/releases/<script>").status_code == 404
    assert client.get(f"/releases/{ids[1]}/changes?format=xml").status_code == 400


def test_changed_in_names_the_release_where_a_resource_changed(two_releases):
    """Kemi changed in edition 2 (membership gone, coordinates added); Rostock did not."""
    from netzwerke_kg.web.releases import changed_in

    _, (_, client), ids = two_releases
    with client.application.test_request_context("/"):
        kemi = changed_in(KEMI)
        assert [(c["release"], c["added"], c["removed"]) for c in kemi] == [(ids[1], 2, 2)]
        assert changed_in(ROSTOCK) == []


def _permalink(response) -> dict:
    """The pinned parameters of a 303 to a permalink."""
    assert response.status_code == 303, response.data
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def test_permalink_reproduces_the_same_bytes_on_the_same_release(two_releases):
    """Minted on edition 2, opened twice: byte-identical bodies whose SHA-256 is the pinned one."""
    _, (_, client), ids = two_releases
    pinned = _permalink(client.get("/cite", query_string={"query": MEMBERS, "format": "csv"}))
    assert pinned["release"] == ids[1] and pinned["format"] == "csv"
    first = client.get("/cite", query_string=pinned)
    second = client.get("/cite", query_string=pinned)
    assert first.status_code == 200 and first.headers["X-Citation-Status"] == "reproduced"
    assert first.data == second.data
    assert hashlib.sha256(first.data).hexdigest() == pinned["sha256"]
    assert KEMI.encode() not in first.data and b"rostock" in first.data
    assert 'rel="cite-as"' in first.headers["Link"]


def test_permalink_of_an_older_release_runs_there_then_reports_the_change(two_releases):
    """Minted on edition 1, opened on edition 2: edition 1's answer while held; once gone, the diff."""
    dist, (old_client, client), ids = two_releases
    pinned = _permalink(old_client.get("/cite", query_string={"query": MEMBERS, "format": "tsv"}))
    assert pinned["release"] == ids[0]
    again = client.get("/cite", query_string=pinned)
    assert again.status_code == 200 and again.headers["X-Release"] == ids[0]
    assert hashlib.sha256(again.data).hexdigest() == pinned["sha256"] and f"<{KEMI}>".encode() in again.data

    shutil.rmtree(dist / "releases" / ids[0])
    changed = client.get("/cite", query_string=pinned, headers={"Accept": "application/json"})
    assert changed.status_code == 200 and changed.headers["X-Citation-Status"] == "release-changed"
    info = changed.get_json()
    assert (info["pinned_release"], info["release"], info["same_answer"]) == (ids[0], ids[1], False)
    assert f"-<{KEMI}>" in info["diff"] and ids[0] in info["message"]
    page = client.get("/cite", query_string=pinned, headers={"Accept": "text/html"})
    assert page.status_code == 200 and b"no longer served" in page.data


def test_cite_refuses_bad_input_with_400(two_releases):
    """No query, a bad release id or hash, an unknown format: 400 with a reason, never a 500."""
    _, (_, client), ids = two_releases
    assert client.get("/cite").status_code == 400
    assert client.get("/cite", query_string={"query": MEMBERS, "format": "nope/x y"}).status_code == 400
    bad = client.get("/cite", query_string={"query": MEMBERS, "release": ids[1], "sha256": "xyz"})
    assert bad.status_code == 400 and b"sha256" in bad.data
    syntax = client.get("/cite", query_string={"query": "SELECT WHERE {"})
    assert syntax.status_code == 400

"""schema.org Dataset on / and /downloads, as extruct (the metadata extractor on PyPI) reads it."""

from __future__ import annotations

import re

import pytest

FIELDS = ("name", "description", "license", "creator", "publisher", "version", "dateModified",
          "temporalCoverage", "spatialCoverage", "distribution", "citation")


@pytest.mark.parametrize("path", ["/", "/downloads"])
def test_extruct_finds_the_dataset_with_every_field(client, manifest, path):
    """One Dataset; every field dataset search engines read; a DataDownload per file of the release."""
    import extruct

    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    data = extruct.extract(response.get_data(as_text=True), base_url="http://localhost" + path,
                           syntaxes=["json-ld"], uniform=True)
    datasets = [d for d in data["json-ld"] if d.get("@type") == "Dataset"]
    assert len(datasets) == 1
    ds = datasets[0]
    assert all(ds.get(f) for f in FIELDS), [f for f in FIELDS if not ds.get(f)]
    assert ds["version"] == manifest["version"] and ds["dateModified"] == manifest["issued"]
    assert ds["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert re.fullmatch(r"\d{4}/\d{4}", ds["temporalCoverage"])
    first, last = map(int, ds["temporalCoverage"].split("/"))
    assert first <= last <= int(manifest["issued"][:4])
    assert ds["spatialCoverage"]["@type"] == "Place" and ds["creator"]["@type"] == "Organization"
    downloads = {d["name"]: d for d in ds["distribution"]}
    assert set(downloads) == {f["path"] for f in manifest["files"]}
    for f in manifest["files"]:
        d = downloads[f["path"]]
        assert d["@type"] == "DataDownload" and d["encodingFormat"] == f["media_type"]
        assert d["contentUrl"].endswith(f"/downloads/{f['path']}")
        assert client.get(d["contentUrl"].replace("http://localhost", "")).status_code == 200
    assert manifest["version"] in ds["citation"]

"""Downloads: the files of the release in dist/, listed (/downloads) and served (/downloads/<file>).

Files are served exactly as the build wrote them, with a strong ETag (the SHA-256 the manifest
records for the bytes sent), Last-Modified (the build's ``issued``), 304 and Range/206 (werkzeug's
``send_file(conditional=True)``; RFC 9110 §13 conditional requests, §14 range requests). A client
that accepts gzip gets the pre-gzipped ``.gz`` bytes as ``Content-Encoding: gzip`` (RFC 9110
§8.4), so nothing is compressed on the request path. Only files the manifest lists are served:
the name is looked up in the manifest, never joined onto a path, which rules out traversal.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, TypeVar

from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_file

from netzwerke_kg import formats
from netzwerke_kg.kg.void import LICENCE
from netzwerke_kg.web.i18n import html_response
from netzwerke_kg.web.iris import absolute, site_url

bp = Blueprint("dumps", __name__)

T = TypeVar("T")

#: the licence of the data (the code is MIT; see README), the one the VoID names
LICENSE = {
    "name": "CC BY 4.0",
    "url": str(LICENCE),
}
#: who publishes the facts the graph is built from
PUBLISHER = "Hanse- und Universitätsstadt Rostock data via netzwerke-kg"
#: seconds downloads may be cached: a release never changes its bytes (RFC 9111 §5.2.2.1)
DOWNLOAD_MAX_AGE = 86400
#: verification files of a release served besides the listed dumps (they describe the dumps)
_EXTRA_FILES = {
    "manifest.json": "application/json",
    "SHA256SUMS": "text/plain; charset=utf-8",
}

#: media types of the release's side files, by suffix
_MEDIA_BY_SUFFIX = {
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "json": "application/json",
}

_cache_lock = threading.Lock()
#: (path, parser) -> (mtime, parsed): each file of dist/ is parsed once per build, not per request
_file_cache: dict[tuple[str, Callable], tuple[float, Any]] = {}


def dist_dir() -> Path:
    """The dist/ directory of the current app."""
    return Path(current_app.config["SETTINGS"].dist_dir)


def read_cached(path: Path, parse: Callable[[Path], T]) -> T | None:
    """``parse(path)``, kept until the file's mtime changes; None when the file is missing."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    key = (str(path), parse)
    with _cache_lock:
        hit = _file_cache.get(key)
        if hit is not None and hit[0] == mtime:
            return hit[1]
    value = parse(path)
    with _cache_lock:
        _file_cache[key] = (mtime, value)
    return value


def _parse_json(path: Path) -> dict:
    """A JSON file parsed."""
    return json.loads(path.read_text(encoding="utf-8"))


def load_manifest(directory: Path | None = None) -> dict | None:
    """dist/manifest.json parsed (cached until the file changes); None when there is no build."""
    return read_cached((directory or dist_dir()) / "manifest.json", _parse_json)


def issued_datetime(manifest: dict | None) -> datetime | None:
    """The build time of the release (manifest ``issued``, ISO 8601) as an aware UTC datetime."""
    if not manifest or not manifest.get("issued"):
        return None
    text = str(manifest["issued"]).replace("Z", "+00:00")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


def _file_table(manifest: dict) -> dict[str, dict]:
    """Every servable file name -> how to serve it (path in dist/, media type, sha256, encoding)."""
    table: dict[str, dict] = {}
    for entry in manifest.get("files", []):
        name = entry["path"]
        gz = entry.get("gzip") or None
        table[name] = {
            "path": name,
            "media_type": entry.get("media_type") or "application/octet-stream",
            "sha256": entry.get("sha256"),
            "gzip": gz,
        }
        if gz:
            # Asked for by name, the .gz file is a gzip file, not an encoding of the dump.
            table[gz["path"]] = {
                "path": gz["path"],
                "media_type": "application/gzip",
                "sha256": gz.get("sha256"),
                "gzip": None,
            }
    for name, media_type in _EXTRA_FILES.items():
        if name not in table:
            table[name] = {"path": name, "media_type": media_type, "sha256": None, "gzip": None}
    # The other files of the release (void.ttl, validation.ttl, context.jsonld) are named, with
    # their checksums, in SHA256SUMS, which the manifest's build wrote beside it.
    for name, sha256 in _checksums().items():
        if name not in table and "/" not in name:
            suffix = name.rsplit(".", 1)[-1]
            media_type = _MEDIA_BY_SUFFIX.get(suffix, "application/octet-stream")
            table[name] = {"path": name, "media_type": media_type, "sha256": sha256, "gzip": None}
    return table


def _checksums() -> dict[str, str]:
    """file name -> sha256, from dist/SHA256SUMS (cached like the manifest); empty without it."""
    return read_cached(dist_dir() / "SHA256SUMS", _parse_checksums) or {}


def _parse_checksums(path: Path) -> dict[str, str]:
    """file name -> sha256 from a ``sha256sum`` listing."""
    sums = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split(maxsplit=1)
        if len(parts) == 2:
            sums[parts[1].lstrip("*")] = parts[0]
    return sums


def describe_downloads(manifest: dict) -> dict:
    """Every file described: format, sizes, triples, checksums, licence, citation (JSON/HTML)."""
    files = []
    for entry in manifest.get("files", []):
        gz = entry.get("gzip") or None
        files.append(
            {
                "file": entry["path"],
                "url": absolute(site_url(f"/downloads/{entry['path']}")),
                "format": entry.get("format"),
                "media_type": entry.get("media_type"),
                "bytes": entry.get("bytes"),
                "triples": entry.get("triples"),
                "sha256": entry.get("sha256"),
                "gzip": None
                if not gz
                else {
                    "file": gz["path"],
                    "url": absolute(site_url(f"/downloads/{gz['path']}")),
                    "bytes": gz.get("bytes"),
                    "sha256": gz.get("sha256"),
                },
            }
        )
    return {
        "name": manifest.get("name"),
        "version": manifest.get("version"),
        "issued": manifest.get("issued"),
        "release": manifest.get("release"),
        "conforms": manifest.get("conforms"),
        "triples": manifest.get("triples"),
        "quads": manifest.get("quads"),
        "license": LICENSE,
        "citation": citation(manifest),
        "checksums": absolute(site_url("/downloads/SHA256SUMS")),
        "manifest": absolute(site_url("/downloads/manifest.json")),
        "files": files,
    }


def citation(manifest: dict) -> str:
    """One citation line: title, publisher, version, issued date, URL."""
    title = manifest.get("name") or "netzwerke-kg"
    issued = str(manifest.get("issued") or "")[:10]
    # The canonical public address (under the base IRI), not whichever host served this page.
    base = manifest.get("base_iri") or current_app.config["SETTINGS"].base_iri
    url = base + "downloads"
    return (
        f"{title}: International city networks of Rostock (knowledge graph). {PUBLISHER}. "
        f"Version {manifest.get('version')}, issued {issued}. {url}. Licence {LICENSE['name']}."
    )


def _manifest_or_503() -> dict:
    """The manifest, or a clear 503 when the server has no build to offer."""
    manifest = load_manifest()
    if manifest is None:
        abort(503, description="No build in dist/ yet: run `netzwerke-kg build`.")
    return manifest


@bp.get("/downloads")
def downloads():
    """The list of files: HTML for browsers, JSON by Accept: application/json or ?format=json."""
    manifest = _manifest_or_503()
    info = describe_downloads(manifest)
    # The registry's choice between the page and its JSON twin (?format=html|json, else Accept).
    chosen = formats.choose(("page", "data"), {"format": request.args.getlist("format")},
                            request.headers.get("Accept"), default="text/html").media_type
    json_url = site_url("/downloads", format="json")
    if chosen == "application/json":
        response = jsonify(info)
    else:
        links = [{"rel": "alternate", "type": "application/json", "href": json_url}]
        response = html_response(
            render_template("downloads.html", info=info, links=links, site_url=site_url)
        )
    response.headers["Link"] = f'<{json_url}>; rel="alternate"; type="application/json"'
    return response


@bp.get("/downloads/<path:name>")
@bp.get("/dumps/<path:name>")
def download_file(name: str):
    """One file of the release as the build wrote it (the .gz bytes when gzip is accepted)."""
    manifest = _manifest_or_503()
    entry = _file_table(manifest).get(name)
    if entry is None:
        abort(404, description=f"{name!r} is not a file of this release; see /downloads.")
    directory = dist_dir()
    served_path = entry["path"]
    etag = entry["sha256"]
    encoding = None
    gz = entry["gzip"]
    # RFC 9110 §12.5.3: gzip is acceptable unless given q=0 (werkzeug also honours "*").
    if gz and request.accept_encodings["gzip"] > 0:
        served_path, etag, encoding = gz["path"], gz.get("sha256"), "gzip"
    file_path = directory / served_path
    if not file_path.is_file():
        abort(404, description=f"{served_path!r} is listed but missing from dist/.")
    response = send_file(
        file_path,
        mimetype=entry["media_type"],
        conditional=True,
        etag=etag if etag else True,
        last_modified=issued_datetime(manifest),
        max_age=DOWNLOAD_MAX_AGE,
        download_name=Path(name).name,  # the name asked for, also when the .gz bytes are sent
    )
    if encoding:
        response.headers["Content-Encoding"] = encoding
    if gz:
        # The representation depends on Accept-Encoding (RFC 9110 §12.5.5).
        response.vary.add("Accept-Encoding")
    response.cache_control.public = True
    response.cache_control.max_age = DOWNLOAD_MAX_AGE
    return response


@bp.get("/context.jsonld")
def jsonld_context():
    """The published JSON-LD @context that the JSON-LD dump names as ``{base}context.jsonld``."""
    return download_file("context.jsonld")

"""Releases a researcher can cite: /releases with diffs, "changed in release X", pinned query permalinks.

- ``/releases`` (HTML, ``?format=json``): every release the server holds (kg.release keeps the
  last few under ``dist/releases/<id>/``), with date, counts, files, checksums and the change set
  to the previous one (kg.diff); ``/releases/<id>/changes`` is that change set as TriG, JSON or text.
- :func:`changed_in` tells a resource page in which releases its triples changed.
- ``/cite``: a permalink that pins a query's text, the release, the result format and the SHA-256 of
  the answer's bytes. Without ``release``/``sha256`` it runs the query on the served release and
  redirects (303) to the permalink. Opening a permalink re-runs the query on the pinned release
  while the server holds it (byte-identical answers, verified against the hash); once that release
  is gone it says so (``X-Citation-Status: release-changed``) and shows the answer on the served
  release beside a line diff from the cited answer, which is kept content-addressed by its hash.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import threading
from collections import OrderedDict
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request

from netzwerke_kg.backends import create_backend
from netzwerke_kg.backends.limits import inspect_query
from netzwerke_kg.kg import diff as kgdiff
from netzwerke_kg.kg import release as kgrelease
from netzwerke_kg.formats import negotiate
from netzwerke_kg.formats import resolve as resolve_format
from netzwerke_kg.web.i18n import html_response
from netzwerke_kg.web.iris import absolute, site_url

bp = Blueprint("releases", __name__)

#: a release id as kg.release names directories (hex), or a manifest hash
_RELEASE_ID = re.compile(r"[0-9a-f]{8,64}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
#: where cited answers are kept, below the dist/ directory (content-addressed by SHA-256)
CITATIONS = "citations"
#: backends of releases other than the served one, kept open (each holds a store and workers)
MAX_OTHER_BACKENDS = 2

_lock = threading.Lock()
#: (old id, new id) -> kg.diff.Diff; releases never change, so a diff is computed once
_diffs: OrderedDict = OrderedDict()
_sides: OrderedDict = OrderedDict()


# --- the releases the server holds ---------------------------------------------------------------


def served_dir() -> Path:
    """The directory of the release this server serves (kg.release.pin)."""
    return Path(current_app.config["SETTINGS"].dist_dir)


def dist_root() -> Path:
    """The dist/ directory holding ``releases/`` (the served directory itself for a flat layout)."""
    served = served_dir()
    return served.parent.parent if served.parent.name == kgrelease.RELEASES else served


def held_releases() -> list[Path]:
    """Every release directory the server holds, newest first (the served one at least)."""
    found = kgrelease.releases(dist_root())
    served = served_dir()
    if served not in found and (served / "manifest.json").is_file():
        found.insert(0, served)
    return [d for d in found if (d / "manifest.json").is_file()]


def release_of(directory: Path) -> str:
    """The identifier of a release: its directory name under releases/, else its manifest hash."""
    directory = Path(directory)
    if directory.parent.name == kgrelease.RELEASES:
        return directory.name
    return str(_manifest(directory).get("release") or directory.name)


def _manifest(directory: Path) -> dict:
    """The manifest of a release directory."""
    from netzwerke_kg.web.dumps import load_manifest

    return load_manifest(Path(directory)) or {}


def find_release(rid: str) -> Path | None:
    """The held release directory with identifier ``rid``, or None."""
    for directory in held_releases():
        if release_of(directory) == rid:
            return directory
    return None


def _side(directory: Path) -> kgdiff.Side:
    """A release read for diffing, kept (a few) in memory."""
    key = str(directory)
    with _lock:
        if key in _sides:
            _sides.move_to_end(key)
            return _sides[key]
    side = kgdiff.read_release(directory)
    with _lock:
        _sides[key] = side
        while len(_sides) > 4:
            _sides.popitem(last=False)
    return side


def change_set(old: Path, new: Path) -> kgdiff.Diff:
    """The change set between two held releases (computed once per pair)."""
    key = (str(old), str(new))
    with _lock:
        if key in _diffs:
            return _diffs[key]
    result = kgdiff.compare(_side(old), _side(new))
    with _lock:
        _diffs[key] = result
        while len(_diffs) > 16:
            _diffs.popitem(last=False)
    return result


def describe_release(directory: Path, previous: Path | None) -> dict:
    """One release for /releases: identity, date, counts, files with checksums, diff to the previous."""
    m = _manifest(directory)
    rid = release_of(directory)
    files = []
    for entry in m.get("files", []):
        files.append({"file": entry["path"], "bytes": entry.get("bytes"), "sha256": entry.get("sha256"),
                      "media_type": entry.get("media_type"), "triples": entry.get("triples")})
        if entry.get("gzip"):
            gz = entry["gzip"]
            files.append({"file": gz["path"], "bytes": gz.get("bytes"), "sha256": gz.get("sha256"),
                          "media_type": "application/gzip", "triples": entry.get("triples")})
    out = {"release": rid, "version": m.get("version"), "issued": m.get("issued"),
           "manifest_release": m.get("release"), "served": directory == served_dir(),
           "triples": m.get("triples"), "quads": m.get("quads"), "graphs": len(m.get("graphs", {})),
           "conforms": m.get("conforms"), "files": files,
           "url": absolute(site_url(f"/releases/{rid}")), "changes": None}
    if previous is not None:
        d = change_set(previous, directory)
        out["changes"] = {"since": release_of(previous), **d.counts(), "summary": kgdiff.summary(d),
                          "trig": absolute(site_url(f"/releases/{rid}/changes", format="trig"))}
    return out


def all_releases() -> list[dict]:
    """Every held release described, newest first, each with its diff to the one before."""
    dirs = held_releases()
    return [describe_release(d, dirs[i + 1] if i + 1 < len(dirs) else None) for i, d in enumerate(dirs)]


@bp.app_template_global("changed_in")
def changed_in(iri: str) -> list[dict]:
    """The held releases in which triples about ``iri`` (as subject or object) were added or removed.

    For resource pages ("changed in release X"): newest first, each
    ``{"release", "version", "issued", "added", "removed", "url"}``; the oldest held release has
    no predecessor to compare with and is never listed.
    """
    dirs = held_releases()
    out = []
    for i, directory in enumerate(dirs[:-1]):
        touched = change_set(dirs[i + 1], directory).touching(iri)
        if touched["added"] or touched["removed"]:
            m = _manifest(directory)
            rid = release_of(directory)
            out.append({"release": rid, "version": m.get("version"), "issued": m.get("issued"),
                        "added": len(touched["added"]), "removed": len(touched["removed"]),
                        "url": site_url(f"/releases/{rid}")})
    return out


def _wants_json() -> bool:
    """True when ?format=json or Accept prefers JSON over HTML; 400/406 for what we cannot give."""
    fmt = request.args.get("format")
    if fmt is not None:
        if fmt not in ("html", "json"):
            abort(400, description=f"Unknown format {fmt!r}: use html or json.")
        return fmt == "json"
    chosen = negotiate(request.headers.get("Accept"), ["text/html", "application/json"], default="text/html")
    if chosen is None:
        abort(406, description="This page is offered as text/html and application/json.")
    return chosen == "application/json"


@bp.get("/releases")
def releases_page():
    """Every release the server holds, with its diff to the previous one (HTML or JSON)."""
    info = {"served": release_of(served_dir()), "releases": all_releases()}
    if _wants_json():
        return jsonify(info)
    links = [{"rel": "alternate", "type": "application/json", "href": site_url("/releases", format="json")}]
    return html_response(render_template("releases.html", info=info, links=links, site_url=site_url))


@bp.get("/releases/<rid>")
def release_page(rid: str):
    """One held release (JSON): what /releases lists for it."""
    directory = _held_or_404(rid)
    dirs = held_releases()
    i = dirs.index(directory)
    return jsonify(describe_release(directory, dirs[i + 1] if i + 1 < len(dirs) else None))


@bp.get("/releases/<rid>/changes")
def release_changes(rid: str):
    """The change set from the previous held release: TriG (default for RDF clients), JSON or text."""
    directory = _held_or_404(rid)
    dirs = held_releases()
    i = dirs.index(directory)
    if i + 1 >= len(dirs):
        abort(404, description=f"Release {rid} is the oldest release this server holds: nothing to compare with.")
    d = change_set(dirs[i + 1], directory)
    offers = {"trig": "application/trig", "json": "application/json", "text": "text/plain"}
    fmt = request.args.get("format")
    if fmt is not None and fmt not in offers:
        abort(400, description=f"Unknown format {fmt!r}: use trig, json or text.")
    media = offers[fmt] if fmt else negotiate(request.headers.get("Accept"), list(offers.values()),
                                               default="application/trig")
    if media is None:
        abort(406, description=f"Offered: {', '.join(offers.values())}.")
    if media == "application/json":
        return jsonify(d.to_json())
    body = d.to_trig() if media == "application/trig" else kgdiff.text_report(d) + "\n"
    return Response(body, content_type=f"{media}; charset=utf-8")


def _held_or_404(rid: str) -> Path:
    """The held release ``rid``; 404 naming the held ones otherwise."""
    directory = find_release(rid) if _RELEASE_ID.fullmatch(rid) else None
    if directory is None:
        held = ", ".join(release_of(d) for d in held_releases())
        abort(404, description=f"This server holds no release {rid!r}; it holds: {held}.")
    return directory


# --- citable, pinned query results ---------------------------------------------------------------

_backends: OrderedDict = OrderedDict()


def backend_for(directory: Path):
    """The backend answering queries on a held release: the app's own for the served one."""
    if directory == served_dir():
        return current_app.extensions["netzwerke_kg.backend"]
    settings = current_app.config["SETTINGS"]
    if settings.endpoint:
        return None  # a remote endpoint holds only the release it was loaded with
    key = str(directory)
    with _lock:
        if key in _backends:
            _backends.move_to_end(key)
            return _backends[key]
    backend = create_backend(settings.with_(dist=directory))
    with _lock:
        _backends[key] = backend
        while len(_backends) > MAX_OTHER_BACKENDS:
            _, old = _backends.popitem(last=False)
            old.close()
    return backend


@bp.app_template_global("cite_url")
def cite_url(query: str, fmt: str = "") -> str:
    """The "cite this result" link for a query (the editor and stored queries): mints on opening."""
    params = {"query": query, **({"format": fmt} if fmt else {})}
    return site_url("/cite") + "?" + urlencode(params)


def permalink(query: str, release: str, fmt: str, sha256: str) -> str:
    """The site-relative permalink of a pinned result."""
    return site_url("/cite") + "?" + urlencode({"query": query, "release": release, "format": fmt,
                                                "sha256": sha256})


def _answer(backend, query: str, media: str) -> bytes:
    """The answer bytes of ``query`` in ``media`` (backend errors reach web/errors.py)."""
    return backend.query(query, media).body


def _keep(sha: str, body: bytes) -> None:
    """Keep a cited answer by its hash, so a later release can show what changed (best effort)."""
    store = dist_root() / CITATIONS
    try:
        store.mkdir(exist_ok=True)
        path = store / sha
        if not path.exists():
            tmp = store / f".{sha}.tmp"
            tmp.write_bytes(body)
            tmp.replace(path)
    except OSError:
        pass  # a read-only dist/: permalinks still work, only the answer diff is unavailable


def _kept(sha: str) -> bytes | None:
    """A kept cited answer, if any."""
    try:
        return (dist_root() / CITATIONS / sha).read_bytes()
    except OSError:
        return None


@bp.get("/cite")
def cite():
    """Mint (303) or open a permalink pinning query, release, format and the answer's SHA-256."""
    query = request.args.get("query", "")
    if not query.strip():
        abort(400, description="Give the query to cite as ?query=… (and optionally &format=json|csv|tsv|xml|ttl|…).")
    info = inspect_query(query)
    fmt = request.args.get("format") or ("ttl" if info.is_graph else "json")
    media = resolve_format(fmt, graph=info.is_graph)
    if media is None:
        abort(400, description=f"Unknown result format {fmt!r}.")
    rid, sha = request.args.get("release"), request.args.get("sha256")
    if rid is None and sha is None:
        body = _answer(backend_for(served_dir()), query, media)
        digest = hashlib.sha256(body).hexdigest()
        _keep(digest, body)
        return redirect(permalink(query, release_of(served_dir()), fmt, digest), code=303)
    if not (rid and _RELEASE_ID.fullmatch(rid) and sha and _SHA256.fullmatch(sha)):
        abort(400, description="A permalink names release=<hex id> and sha256=<64 hex digits>; "
                               "open /cite?query=… without them to mint one.")
    link = absolute(permalink(query, rid, fmt, sha))
    directory = find_release(rid)
    backend = backend_for(directory) if directory is not None else None
    if backend is not None:
        body = _answer(backend, query, media)
        digest = hashlib.sha256(body).hexdigest()
        if digest == sha:
            response = Response(body, content_type=_content_type(media))
            response.headers["X-Citation-Status"] = "reproduced"
            response.headers["X-Result-SHA256"] = digest
            response.headers["X-Release"] = rid
            response.headers["Link"] = f'<{link}>; rel="cite-as"'
            return response
        return _changed("answer-changed", query, rid, fmt, media, sha, body, rid, link)
    # the pinned release is gone: answer on the served release and show what changed
    body = _answer(backend_for(served_dir()), query, media)
    return _changed("release-changed", query, rid, fmt, media, sha, body, release_of(served_dir()), link)


def _content_type(media: str) -> str:
    """The Content-Type of an answer (charset for text formats)."""
    from netzwerke_kg.backends import results

    return results.content_type(media)


def _changed(status: str, query: str, pinned: str, fmt: str, media: str, sha: str, body: bytes,
             now_release: str, link: str):
    """The page (HTML or JSON) saying the cited answer cannot be reproduced, with the answer diff."""
    digest = hashlib.sha256(body).hexdigest()
    before = _kept(sha)
    lines = None
    if before is not None:
        lines = list(difflib.unified_diff(before.decode("utf-8", "replace").splitlines(),
                                          body.decode("utf-8", "replace").splitlines(),
                                          f"release {pinned}", f"release {now_release}", lineterm=""))
    info = {"status": status, "query": query, "format": fmt, "media_type": media,
            "pinned_release": pinned, "pinned_sha256": sha, "release": now_release, "sha256": digest,
            "same_answer": digest == sha, "diff": lines,
            "message": (f"Release {pinned} is no longer served; this server serves release {now_release}."
                        if status == "release-changed" else
                        f"Release {pinned} gave an answer that differs from the cited one."),
            "answer": body.decode("utf-8", "replace"),
            "permalink": absolute(permalink(query, now_release, fmt, digest)), "cited": link}
    # ?format= names the answer's format here, so the page's own format follows Accept alone
    chosen = negotiate(request.headers.get("Accept"), ["text/html", "application/json"], default="text/html")
    if chosen == "application/json":
        response = jsonify(info)
    else:
        response = html_response(render_template("cite.html", info=info, site_url=site_url))
    response.headers["X-Citation-Status"] = status
    response.headers["Link"] = f'<{link}>; rel="cite-as"'
    response.headers["Cache-Control"] = "no-cache"
    return response

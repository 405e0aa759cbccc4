"""HTTP caching for crawlers and browsers: validators, 304, Cache-Control, gzip and Vary, app-wide.

The data is read-only per release, so a GET answered with 200 stays valid until the next build:
- a strong ``ETag`` (RFC 9110 §8.8.3) derived from the release hash (manifest ``release``), the
  request URL (host, script root, path, query) and the negotiated variant (Content-Type,
  Content-Language, Content-Encoding), plus a digest of the body when the body is buffered — so a
  variant a view forgot to name in its headers can never share a tag with another one (strong
  validators must change with every byte, §8.8.1);
- ``Last-Modified`` (§8.8.2) from the manifest's ``issued``;
- ``304 Not Modified`` (§15.4.5) on ``If-None-Match`` (weak comparison, §13.1.2) or, only when
  there is no If-None-Match, ``If-Modified-Since`` (§13.1.3; precedence §13.2.2);
- ``Cache-Control: public, max-age=…`` (RFC 9111 §5.2.2) unless the view set its own;
- gzip of textual bodies ≥ 1 KiB when ``Accept-Encoding`` allows (RFC 9110 §8.4.1.3, §12.5.3);
- ``Vary: Accept, Accept-Language, Accept-Encoding`` merged with what the view set (§12.5.5).
Errors and non-GET requests are never given validators (a 4xx/5xx must not be revalidated as
fresh). HEAD runs the GET view in Flask, so it gets exactly the GET headers, no body (§9.3.2).
"""

from __future__ import annotations

import gzip
import hashlib
from datetime import datetime, timezone

from flask import Flask, Response, request
from werkzeug.http import http_date, parse_date, parse_etags

from netzwerke_kg.web.dumps import DOWNLOAD_MAX_AGE, issued_datetime, load_manifest

#: max-age (seconds) of pages and query answers: an hour, so a new release shows up soon
PAGE_MAX_AGE = 3600
#: max-age of static assets (their URLs change with the code, not the data)
STATIC_MAX_AGE = DOWNLOAD_MAX_AGE
#: bodies below this many bytes are not worth compressing
GZIP_MIN_BYTES = 1024
#: static files larger than this are not compressed on the fly (read into memory)
GZIP_MAX_BYTES = 8 * 1024 * 1024
#: request headers every negotiated representation may depend on
VARY = ("Accept", "Accept-Language", "Accept-Encoding")
#: non-text/* media types that are text and compress well
_TEXTUAL = {
    "application/json",
    "application/javascript",
    "application/xml",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/sparql-query",
    "image/svg+xml",
}


def register(app: Flask) -> None:
    """Install the caching hook on ``app`` (static files are cached a day, see STATIC_MAX_AGE)."""
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = STATIC_MAX_AGE
    app.after_request(apply_caching)


def apply_caching(response: Response) -> Response:
    """Add validators, answer 304, set Cache-Control, gzip and Vary on one response."""
    if request.method not in ("GET", "HEAD"):
        return response
    if "*" not in response.vary:
        for name in VARY:
            response.vary.add(name)
    if response.status_code != 200 or "Content-Range" in response.headers:
        return response
    cache_control = response.headers.get("Cache-Control", "")
    if "no-store" in cache_control or "private" in cache_control:
        return response
    if request.endpoint == "dumps.download_file":
        # The downloads view serves the build's own bytes with their SHA-256 as ETag; it did the
        # conditional and range handling itself (send_file), nothing left to add here.
        return response
    if not cache_control:
        long_lived = request.endpoint == "static"
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_MAX_AGE if long_lived else PAGE_MAX_AGE

    manifest = load_manifest()
    issued = issued_datetime(manifest)
    if issued is not None and "Last-Modified" not in response.headers:
        response.headers["Last-Modified"] = http_date(issued)

    compress = _should_gzip(response)
    body = _buffered_body(response) if compress or response.get_etag()[0] is None else None
    if compress and (body is None or len(body) < GZIP_MIN_BYTES):
        compress = False

    tag, weak = response.get_etag()
    if tag is not None:
        # A view (e.g. send_file for /static) named its own validator; the gzip variant is
        # another representation, so it needs a different strong tag (RFC 9110 §8.8.3.3).
        if compress:
            tag = f"{tag}-gzip"
    else:
        tag = _release_etag(manifest, response, body, "gzip" if compress else "")
        weak = False
    if tag is not None:
        response.set_etag(tag, weak=weak)

    if _not_modified(response):
        # Release what a streamed body holds (a file, a query cursor) before dropping it.
        original = response.response
        if hasattr(original, "close"):
            original.close()
        response.status_code = 304
        response.direct_passthrough = False
        response.set_data(b"")
        return response
    if compress and body is not None:
        response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    return response


def _should_gzip(response: Response) -> bool:
    """True when the client accepts gzip and the response is unencoded text worth compressing."""
    if request.accept_encodings["gzip"] <= 0 or "Content-Encoding" in response.headers:
        return False
    if "no-transform" in response.headers.get("Cache-Control", "") and request.endpoint != "static":
        return False
    mimetype = response.mimetype or ""
    textual = (
        mimetype.startswith("text/")
        or mimetype in _TEXTUAL
        or mimetype.endswith("+json")
        or mimetype.endswith("+xml")
    )
    if not textual:
        return False
    if response.direct_passthrough:
        # A file wrapper (send_file): only read it into memory when its size is known and small.
        length = response.content_length
        return length is not None and GZIP_MIN_BYTES <= length <= GZIP_MAX_BYTES
    return not response.is_streamed


def _buffered_body(response: Response) -> bytes | None:
    """The body bytes when they can be had without consuming a stream; None for streams."""
    if response.direct_passthrough:
        length = response.content_length
        if length is None or length > GZIP_MAX_BYTES:
            return None
        response.direct_passthrough = False
        return response.get_data()
    if response.is_streamed:
        return None
    return response.get_data()


def _release_etag(
    manifest: dict | None, response: Response, body: bytes | None, coding: str
) -> str | None:
    """A strong tag from the release, the request URL, the variant (and the body if buffered)."""
    release = (manifest or {}).get("release")
    if release is None and body is None:
        return None
    digest = hashlib.sha256()
    for part in (
        str(release),
        request.url,
        response.headers.get("Content-Type", ""),
        response.headers.get("Content-Language", ""),
        coding,
    ):
        digest.update(part.encode("utf-8") + b"\0")
    if body is not None:
        digest.update(hashlib.sha256(body).digest())
    return digest.hexdigest()[:40]


def _not_modified(response: Response) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tag, _weak = response.get_etag()
        if tag is None:
            return False
        # §13.1.2: If-None-Match uses the weak comparison; "*" matches any current representation.
        return parse_etags(if_none_match).contains_weak(tag)
    if_modified_since = request.headers.get("If-Modified-Since")
    last_modified = response.headers.get("Last-Modified")
    if if_modified_since is None or last_modified is None:
        return False
    since = parse_date(if_modified_since)  # an invalid date is ignored (§13.1.3)
    modified = parse_date(last_modified)
    if since is None or modified is None:
        return False
    return modified <= since and since <= datetime.now(timezone.utc)

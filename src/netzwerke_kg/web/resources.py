"""Linked Data for every IRI: /id/… 303 redirects, /page/… HTML, /data/… RDF documents."""

from __future__ import annotations

from flask import Blueprint

from netzwerke_kg.web import i18n

bp = Blueprint("resources", __name__)


@bp.app_context_processor
def _template_globals() -> dict:
    """Page language, translator, language switch and URL helpers for every template."""
    from netzwerke_kg.web import iris

    ctx = i18n.context()
    ctx.update(url_for_iri=iris.url_for_iri, page_url=iris.page_url, data_url=iris.data_url)
    return ctx

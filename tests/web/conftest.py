"""The web app over the embedded backend on one build of dist/, shared by every web test."""

from __future__ import annotations

from pathlib import Path

import pytest

from netzwerke_kg.config import Settings
from netzwerke_kg.web import create_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def app(built_dist):
    """create_app over the embedded pyoxigraph backend reading ``built_dist`` (session-scoped)."""
    settings = Settings(root=ROOT, dist=built_dist)
    application = create_app(settings)
    application.config["TESTING"] = True
    yield application
    application.extensions["netzwerke_kg.backend"].close()


@pytest.fixture()
def client(app):
    """A Flask test client of the shared app."""
    return app.test_client()

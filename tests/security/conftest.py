"""Fixtures of the security suites: one live gunicorn server per module that asks for it."""

from __future__ import annotations

import pytest

from tests.security.live import serving


@pytest.fixture(scope="module")
def live(built_dist, root, tmp_path_factory):
    """``serve()`` under gunicorn (one web worker, fair use off) on a free loopback port."""
    log = tmp_path_factory.mktemp("live") / "serve.log"
    with serving(root, built_dist, log, workers=1, fair_use_budget=0.0) as server:
        yield server

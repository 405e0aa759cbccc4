"""Real-browser fixtures: the real app on a loopback port, Debian's Chromium under Playwright.

Recipe: ../shared/recipes/browser-tests.md — Playwright from PyPI drives /usr/bin/chromium through
``executable_path``; no browser is ever downloaded (never ``playwright install``). The app is
create_app over the embedded backend on the session's ``built_dist``, served by werkzeug in a
thread, so the strict CSP and every response hook are exactly what users get.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: where screenshots go (gitignored); CI keeps the folder as an artefact
ARTEFACTS = ROOT / "test-artefacts" / "browser"
#: flags from the recipe: no sandbox as root, and no background calls to outside hosts
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def live_url(built_dist):
    """The base URL of the real app served on 127.0.0.1 at a free port, for the whole session."""
    from werkzeug.serving import make_server

    from netzwerke_kg.config import Settings
    from netzwerke_kg.web import create_app

    app = create_app(Settings(root=ROOT, dist=built_dist))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-app", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    app.extensions["netzwerke_kg.backend"].close()


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium launched headless by Playwright (skips without it, fails under CI=true)."""
    from tests.conftest import require_tool

    executable = require_tool("chromium", "the real-browser tests drive Debian's Chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Tab:
    """A Playwright page plus everything that went wrong in it (console errors, failed loads)."""

    page: object
    base: str
    #: screenshots are named ``{prefix}-{name}.png``
    prefix: str = "site"
    errors: list[str] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)

    @classmethod
    def new(cls, chromium, base: str, prefix: str = "site", **context_options) -> "Tab":
        """A fresh browser context and page on the live app, recording what goes wrong."""
        page = chromium.new_context(**context_options).new_page()
        tab = cls(page=page, base=base, prefix=prefix)
        page.on("console", tab._console)
        page.on("pageerror", lambda exc: tab.errors.append(f"uncaught: {exc}"))
        page.on("response", lambda r: tab.failed.append((r.status, r.url)) if r.status >= 400 else None)
        return tab

    def _console(self, message) -> None:
        """Keep console errors (a CSP violation is one), with where they came from."""
        if message.type == "error":
            url = (message.location or {}).get("url", "")
            self.errors.append(f"console: {message.text} ({url})")

    def open(self, path: str):
        """Load a path of the live app and wait until the network is quiet."""
        response = self.page.goto(self.base + path, wait_until="networkidle")
        assert response is not None and response.status == 200, (path, response and response.status)
        return response

    def shot(self, name: str) -> Path:
        """Save a full-page screenshot under test-artefacts/browser/."""
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTEFACTS / f"{self.prefix}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def problems(self) -> list[str]:
        """Console errors (CSP violations among them), uncaught exceptions and 4xx/5xx loads."""
        return self.errors + [f"{status} {url}" for status, url in self.failed]

    def close(self) -> None:
        """Close the page and its browser context."""
        self.page.context.close()


@pytest.fixture
def tab(chromium, live_url):
    """A fresh browser context and page recording console errors and failed requests."""
    tab = Tab.new(chromium, live_url, viewport={"width": 1280, "height": 900}, locale="en-GB")
    yield tab
    tab.close()

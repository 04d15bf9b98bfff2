"""Build the project's real site once per session, serve it on 127.0.0.1, drive Debian's Chromium."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from serving import QuietHandler

from site_builder.adapters.cli import main

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]




@pytest.fixture(scope="session")
def site_url(tmp_path_factory) -> Iterator[str]:
    """Serve the project's site, built for the address it is served at.

    The site is built with ``--site-url`` set to the local server: canonical and hreflang
    links are absolute, and Material's script fetches a sitemap next to each hreflang URL,
    so a site built for its public address would make the browser reach for that host.
    """
    site_dir = tmp_path_factory.mktemp("site")
    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    assert main(["build", "--config", str(ROOT / "mkdocs.yml"), "--site-dir", str(site_dir),
                 "--site-url", url]) == 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")  # not session: other tests start Playwright's sync API too
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class RequestLog:
    """Every URL a page asked for."""

    def __init__(self) -> None:
        self.urls: list[str] = []


@pytest.fixture
def requests() -> RequestLog:
    return RequestLog()


@pytest.fixture
def open_page(browser, requests):
    """open_page(width, height) -> a fresh page of that size whose requests are logged."""
    contexts = []

    def make(width: int = 1280, height: int = 900, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("request", lambda request: requests.urls.append(request.url))
        return page

    yield make
    for context in contexts:
        context.close()

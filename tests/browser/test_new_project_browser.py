"""In Chromium: a site made by `init` + `build` from code the tool has not seen, and the project's
site: nothing is asked of another host or answered 404, dark mode is one choice for every
language, the section "#" is on screen."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from new_project_code import CODE
from serving import QuietHandler

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = ("index.html", "shapes/index.html", "shapes/circle.html", "notes.html", "translation-status.html")


@pytest.fixture(scope="module")
def new_project_url(tmp_path_factory) -> Iterator[str]:
    """The CODE project after `init` and `build`, served on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("new-project")
    for name, text in CODE.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    for args in (["init", "--source", "code", "--site-name", "Plane Figures", "--languages", "en,ja"],
                 ["build"]):
        subprocess.run([sys.executable, "-m", "site_builder.adapters.cli", *args], cwd=folder,
                       stdin=subprocess.DEVNULL, check=True, capture_output=True, timeout=300)
    handler = functools.partial(QuietHandler, directory=str(folder / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def failed_requests(page) -> list[str]:
    failures: list[str] = []
    page.on("response", lambda response: failures.append(response.url) if response.status >= 400 else None)
    page.on("requestfailed", lambda request: failures.append(request.url))
    return failures


@pytest.mark.parametrize("prefix", ["", "ja/"])
def test_a_new_projects_pages_ask_nothing_of_another_host_and_get_no_404(
        open_page, requests, new_project_url, prefix):
    page = open_page(1280, 900)
    failures = failed_requests(page)
    for name in PAGES:
        page.goto(new_project_url + prefix + name)
        page.wait_for_load_state("networkidle")
    hosts = {urlsplit(url).netloc for url in requests.urls if not url.startswith(("data:", "blob:"))}
    assert hosts == {urlsplit(new_project_url).netloc}
    assert failures == []


def test_nested_pages_of_the_project_site_ask_for_no_sitemap_that_is_not_there(open_page, site_url):
    page = open_page(1280, 900)
    failures = failed_requests(page)
    for path in ("capsule_networks/model.html", "ja/capsule_networks/model.html"):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    assert failures == []
    # The hreflang links the switcher's look-up skipped are back in the head.
    assert page.locator('head link[rel=alternate][hreflang="en"]').count() == 1


def test_dark_mode_chosen_on_the_english_site_holds_on_the_japanese_one(open_page, site_url):
    page = open_page(1280, 900, color_scheme="light")
    page.goto(site_url + "capsule_networks/index.html")
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    page.click("form[data-md-component=palette] label:visible")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    page.goto(site_url + "ja/capsule_networks/model.html")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    page.click("form[data-md-component=palette] label:visible")  # and back, from Japanese
    page.goto(site_url + "index.html")
    assert page.get_attribute("body", "data-md-color-scheme") == "default"


@pytest.mark.parametrize("prefix", ["", "ja/"])
def test_the_section_permalink_is_wholly_on_screen_at_1280_px(open_page, site_url, prefix):
    page = open_page(1280, 900)
    page.goto(site_url + prefix + "capsule_networks/index.html")
    page.hover(".sb-row >> nth=1")
    box = page.locator(".sb-row >> nth=1").locator(".sb-permalink").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1280
    notes = page.locator(".sb-row >> nth=1").locator(".sb-notes").bounding_box()
    code = page.locator(".sb-row >> nth=1").locator(".sb-code").bounding_box()
    assert notes["x"] + notes["width"] <= box["x"] + 1 and box["x"] + box["width"] <= code["x"] + 1

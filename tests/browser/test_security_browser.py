"""Built pages in Chromium: nothing a translation carries runs, and the Content-Security-Policy
lets the theme do everything it does (search, palette toggle, language switcher) with no
violation. Two sites: the corpus of tests/xss_site.py (a payload in every kind of value, both
languages) and the project's own clean site (conftest's ``site_url``).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from serving import QuietHandler
from xss_site import plant_corpus

from site_builder.adapters.cli import main

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Collects CSP violations from the first script the page runs (before any of the theme's).
WATCH_VIOLATIONS = """
window.__sbViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__sbViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline')
                             + ' ' + (event.sample || ''));
});
"""


@pytest.fixture(scope="module")
def planted_site(tmp_path_factory) -> Iterator[tuple[str, list[str], Path]]:
    """The planted corpus, built and served; (base URL, every page's path, the site folder)."""
    root = tmp_path_factory.mktemp("planted-browser")
    config_file, _ = plant_corpus(root / "project")
    site_dir = root / "site"
    assert main(["build", "--config", str(config_file), "--site-dir", str(site_dir)]) == 0
    pages = sorted(path.relative_to(site_dir).as_posix() for path in site_dir.rglob("*.html"))
    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", pages, site_dir
    finally:
        server.shutdown()
        server.server_close()


class Watch:
    """Dialogs, CSP violations and console errors of one browser page."""

    def __init__(self, page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.console: list[str] = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("dialog", self._dialog)
        page.on("console", lambda message: self.console.append(message.text)
                if "Content Security Policy" in message.text else None)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__sbViolations || []") + self.console


def quote_path(path: str) -> str:
    from urllib.parse import quote

    return quote(path)


def test_no_planted_payload_runs_on_any_page_and_no_csp_violation_is_logged(open_page, planted_site):
    base, pages, _ = planted_site
    page = open_page(1280, 900)
    watch = Watch(page)
    found = {}
    for path in pages:
        page.goto(base + quote_path(path))
        page.wait_for_load_state("load")
        page.wait_for_timeout(50)  # let handlers that fire after load (onerror, onfocus) fire
        state = page.evaluate("""() => ({title: document.title, ran: window.sbxRan || 0,
                                          injected: !!document.getElementById('sbx-injected')})""")
        problems = watch.violations()
        if state["title"] == "PWNED" or state["ran"] or state["injected"] or problems:
            found[path] = (state, problems)
        page.evaluate("window.__sbViolations = []")
        watch.console.clear()
    assert watch.dialogs == []
    assert found == {}
    assert len(pages) >= 14


def test_searching_the_planted_japanese_site_shows_results_and_runs_nothing(open_page, planted_site):
    from browser.test_site_browser import search

    base, _, _ = planted_site
    page = open_page(1280, 900)
    watch = Watch(page)
    page.goto(base + "ja/pkg/mod.html")
    links = search(page, "ja", "alert")  # in every planted title, summary and note
    assert links
    results = page.inner_text(".md-search-result")
    assert "<script>" in results or "onerror" in results  # shown as text
    assert page.evaluate("document.querySelectorAll('.md-search-result img, .md-search-result svg "
                         "script, .md-search-result iframe').length") == 0
    assert watch.dialogs == [] and watch.violations() == []


#: Every kind of page of the project's site, in both languages.
PROJECT_PAGES = ["index.html", "capsule_networks/index.html", "capsule_networks/model.html",
            "capsule_networks/readme.html", "translation-status.html", "translation-guide.html",
            "ja/index.html", "ja/capsule_networks/index.html", "ja/capsule_networks/model.html",
            "ja/translation-status.html", "ja/translation-guide.html", "404.html"]


def test_the_clean_project_site_logs_no_csp_violation_on_any_page(open_page, site_url):
    page = open_page(1280, 900)
    watch = Watch(page)
    found = {}
    for path in PROJECT_PAGES:
        response = page.goto(site_url + path)
        assert response is not None and response.ok, path
        page.wait_for_load_state("load")
        page.wait_for_timeout(100)
        if watch.violations():
            found[path] = watch.violations()
        page.evaluate("window.__sbViolations = []")
        watch.console.clear()
    assert found == {} and watch.dialogs == []


def test_search_palette_toggle_and_language_switcher_work_under_the_policy(open_page, site_url):
    from browser.test_site_browser import search

    page = open_page(1280, 900)
    watch = Watch(page)
    page.goto(site_url + "capsule_networks/model.html")
    assert search(page, "en", "squash")
    page.keyboard.press("Escape")
    before = page.get_attribute("body", "data-md-color-scheme")
    page.click("form[data-md-component=palette] label:not([hidden])")
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') !== {before!r}")
    page.hover(".md-select")
    page.click('a.sb-lang-link[hreflang="ja"]')
    page.wait_for_url("**/ja/capsule_networks/model.html*")
    assert search(page, "ja", "カプセル")
    assert watch.violations() == [] and watch.dialogs == []


def test_the_policy_blocks_a_script_that_reached_a_page_another_way(open_page, planted_site):
    base, _, site_dir = planted_site
    built = (site_dir / "pkg" / "mod.html").read_text(encoding="utf-8")
    tampered = built.replace("</article>", "<script>window.sbxRan = 1</script>"
                             '<img src="x" onerror="window.sbxRan = 2"></article>', 1)
    assert tampered != built
    (site_dir / "pkg" / "tampered.html").write_text(tampered, encoding="utf-8")
    page = open_page(1280, 900)
    watch = Watch(page)
    page.goto(base + "pkg/tampered.html")
    page.wait_for_timeout(200)
    assert page.evaluate("window.sbxRan || 0") == 0
    assert any("script-src" in violation for violation in watch.violations())

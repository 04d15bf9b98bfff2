"""The workbench in Chromium: type, see a check fire, accept a suggestion, save, and read the file."""

from __future__ import annotations

import json
import threading

import pytest
from workbench_project import make_project

from site_builder.adapters.workbench.server import WorkbenchServer
from site_builder.catalog.store import catalog_path

pytestmark = pytest.mark.browser


@pytest.fixture
def workbench(tmp_path):
    config = make_project(tmp_path)
    server = WorkbenchServer(config, ("ja",), token="browser-token")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, config
    server.shutdown()
    server.server_close()


def unit_for(page, english_start: str):
    return page.locator("article.wb-unit").filter(has=page.locator(".wb-english", has_text=english_start))


def open_in_english(page, url: str) -> None:
    """Open the editor with its interface in English (it follows the target language, ja, else)."""
    page.goto(url)
    page.locator("article.wb-unit").first.wait_for()
    page.select_option("#wb-ui", "en")


def raw_html(unit):
    """The unit's HTML view (for experts): opened, then its textarea."""
    unit.locator(".wb-raw-toggle").click()
    return unit.locator("textarea")


def test_typing_a_broken_value_shows_the_check_then_an_accepted_suggestion_is_saved(workbench, open_page, requests):
    server, config = workbench
    page = open_page(1280, 900)
    open_in_english(page, f"http://127.0.0.1:{server.port}/?token=browser-token&file=capsnet/__init__")
    unit = unit_for(page, "Create experiment")
    field = raw_html(unit)
    field.click()
    field.type("<p>実験 <span translate=no>_^_3_^_</span></p>")
    unit.locator('.wb-findings li[data-check="placeholders"]').wait_for()
    unit.locator(".wb-accept").first.click()
    page.keyboard.press("Control+Enter")
    page.locator("#wb-message", has_text="Saved").wait_for()
    saved = json.loads(catalog_path(config.translations_dir, "capsnet/__init__", "ja").read_text())
    assert saved["<p>Create experiment </p>\n"] == "<p>実験を作成する</p>\n"
    assert unit.locator(".wb-state").inner_text().lower() == "translated"
    assert all(url.startswith(f"http://127.0.0.1:{server.port}/") for url in requests.urls)


def test_an_error_is_not_saved_and_japanese_ui_and_phone_width_work(workbench, open_page):
    server, config = workbench
    cache = catalog_path(config.translations_dir, "capsnet/__init__", "ja")
    before = cache.read_bytes()
    page = open_page(390, 800)
    open_in_english(page, f"http://127.0.0.1:{server.port}/?token=browser-token&file=capsnet/__init__")
    page.select_option("#wb-ui", "ja")
    unit = unit_for(page, "squash function")
    unit.locator(".wb-english math").wait_for()  # the English as readers see it: MathML
    assert unit.locator(".wb-state").inner_text() == "未翻訳"
    field = raw_html(unit)
    field.fill("<p>関数")
    unit.locator(".wb-chip").first.click()  # inserts placeholder 0 at the cursor
    assert "<span translate=no>_^_0_^_</span>" in field.input_value()
    unit.locator(".wb-save").click()
    page.locator("#wb-message", has_text="保存していません").wait_for()
    assert cache.read_bytes() == before
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_keys_reach_the_next_missing_unit_accept_its_suggestion_and_save(workbench, open_page):
    server, config = workbench
    page = open_page(1280, 900)
    open_in_english(page, f"http://127.0.0.1:{server.port}/?token=browser-token&file=capsnet/__init__")
    page.select_option("#wb-filter", "missing")
    page.locator("article.wb-unit .wb-state", has_text="fuzzy").wait_for(state="detached")
    page.keyboard.press("Alt+n")
    current = page.locator("article.wb-current")
    assert "squash" in current.locator(".wb-english").inner_text()
    page.keyboard.press("Alt+a")
    assert "スカッシュ" in current.locator("[data-editor]").inner_text()
    page.keyboard.press("Control+s")
    page.locator("#wb-message", has_text="Saved").wait_for()
    saved = json.loads(catalog_path(config.translations_dir, "capsnet/__init__", "ja").read_text())
    assert any("スカッシュ" in value for value in saved.values())


def test_a_file_changed_on_disk_is_not_overwritten_and_the_reload_shows_both_texts(workbench, open_page):
    server, config = workbench
    cache = catalog_path(config.translations_dir, "capsnet/__init__", "ja")
    page = open_page(1280, 900)
    open_in_english(page, f"http://127.0.0.1:{server.port}/?token=browser-token&file=capsnet/__init__")
    unit = unit_for(page, "Create experiment")
    raw_html(unit).fill("<p>実験を作る</p>\n")
    entries = json.loads(cache.read_text())
    entries["<p>Create experiment </p>\n"] = "<p>他の人の訳</p>\n"
    cache.write_text(json.dumps(entries, indent=1, sort_keys=True))
    changed = cache.read_bytes()
    unit.locator(".wb-save").click()
    unit.locator(".wb-conflict", has_text="他の人の訳").wait_for()
    assert cache.read_bytes() == changed
    unit.locator(".wb-reload").click()
    unit = unit_for(page, "Create experiment")
    unit.locator(".wb-conflict", has_text="他の人の訳").wait_for()
    assert unit.locator("textarea").input_value() == "<p>実験を作る</p>\n"


def test_unsaved_text_survives_opening_another_file_and_coming_back(workbench, open_page):
    server, _ = workbench
    page = open_page(1280, 900)
    open_in_english(page, f"http://127.0.0.1:{server.port}/?token=browser-token&file=capsnet/__init__")
    raw_html(unit_for(page, "Create experiment")).fill("<p>下書き</p>")
    page.select_option("#wb-file", "capsnet/train")
    unit_for(page, "Training").first.wait_for()
    page.select_option("#wb-file", "capsnet/__init__")
    # "Create experiment" is in both files: wait until train's units are gone before reading it.
    unit_for(page, "Training").first.wait_for(state="detached")
    field = unit_for(page, "Create experiment").locator("textarea")
    field.wait_for()
    assert field.input_value() == "<p>下書き</p>"

"""The workbench's editor of text in Chromium: blocks and tokens, never HTML, and what `check` says of the saves."""

from __future__ import annotations

import json
import threading

import pytest
from corpus_files import write_corpus

from site_builder.adapters.workbench.server import WorkbenchServer
from site_builder.catalog.corpus import load_corpus
from site_builder.catalog.store import catalog_path, save_catalog
from site_builder.config import SiteConfig
from site_builder.model import Severity
from site_builder.translators.checks import check_value

pytestmark = pytest.mark.browser

SOURCE = '''\
    """
    # Attention
    """


    # Output projection
    def project(x):
        return x


    # [$W_o$](https://example.org/weights)
    def weights():
        pass


    # Multiply by $W_o$ and add a *bias* here
    def bias():
        pass
    '''


@pytest.fixture
def bench(tmp_path):
    write_corpus(tmp_path, {"src/attention.py": SOURCE})
    config = SiteConfig(source_dir=tmp_path / "src", translations_dir=tmp_path / "translations", languages=("en", "ja"))
    units = {u.key: u for u in load_corpus(config).files[0].units}
    save_catalog(catalog_path(config.translations_dir, "attention", "ja"), {"Attention": "アテンション"})
    server = WorkbenchServer(config, ("ja",), token="editor-token")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, config, units
    server.shutdown()
    server.server_close()


def saved(config: SiteConfig) -> dict[str, str]:
    return json.loads(catalog_path(config.translations_dir, "attention", "ja").read_text())


def errors(units, key: str, value: str) -> list[str]:
    return [p.message for p in check_value(key, value, originals=units[key].masked.originals)
            if p.severity is Severity.ERROR]


def editor_of(page, key: str):
    css = key.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    unit = page.locator(f'[data-unit-key="{css}"]')
    unit.wait_for()
    return unit, unit.locator("[data-editor]")


def open_bench(open_page, server, query: str = "file=attention"):
    page = open_page(1280, 900)
    page.goto(f"http://127.0.0.1:{server.port}/?token=editor-token&{query}")
    page.locator("article.wb-unit").first.wait_for()
    return page


def test_plain_japanese_typed_over_a_paragraph_is_saved_with_ctrl_enter_and_check_accepts_it(bench, open_page):
    server, config, units = bench
    page = open_bench(open_page, server)
    key = "<p>Output projection </p>\n"
    _, editor = editor_of(page, key)
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.type("出力の射影")
    page.keyboard.press("Control+Enter")
    page.locator("#wb-message", has_text="保存しました").wait_for()  # the UI speaks the target language
    assert saved(config)[key] == "<p>出力の射影</p>\n"
    assert errors(units, key, saved(config)[key]) == []


def test_text_typed_at_the_end_of_a_link_around_a_formula_keeps_both_tokens(bench, open_page):
    server, config, units = bench
    page = open_bench(open_page, server)
    key = next(k for k in units if "example.org" in k)
    unit, editor = editor_of(page, key)
    assert unit.locator(".wb-editor .wb-token").count() == 3  # link open, formula, link close
    unit.locator(".wb-editor .wb-token math").wait_for()  # the formula shows as the reader sees it
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("の重み")
    page.keyboard.press("Control+Enter")
    page.locator("#wb-message", has_text="保存しました").wait_for()
    value = saved(config)[key]
    assert value == ('<p><a href="https://example.org/weights"><span translate=no>_^_0_^_</span></a>'
                     "の重み</p>\n")
    assert errors(units, key, value) == []


def test_japanese_around_a_formula_and_emphasis_and_a_token_moved_by_dragging(bench, open_page):
    server, config, units = bench
    page = open_bench(open_page, server)
    key = next(k for k in units if "bias" in k)
    unit, editor = editor_of(page, key)
    tokens = unit.locator(".wb-editor .wb-token")
    assert tokens.count() == 3  # formula, <em>, </em>
    editor.click()
    page.keyboard.press("Control+Home")
    page.keyboard.insert_text("ここで")
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("を掛けてバイアスを足す")
    # Move the formula after "掛けて" by drag and drop: the token stays whole.
    text_box = unit.locator(".wb-editor .wb-block").first
    tokens.first.drag_to(text_box, target_position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    page.locator("#wb-message", has_text="保存しました").wait_for()
    value = saved(config).get(key, "")
    # Typed: "ここで" + formula + <em></em> + "を掛けて…"; the drag took the formula to the front.
    assert value == "<p><span translate=no>_^_0_^_</span>ここで<em></em>を掛けてバイアスを足す</p>\n"


def test_a_deleted_token_is_listed_as_missing_and_comes_back_with_a_key(bench, open_page):
    server, config, units = bench
    page = open_bench(open_page, server)
    key = next(k for k in units if "example.org" in k)
    unit, editor = editor_of(page, key)
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text("重み")
    unit.locator(".wb-missing").first.wait_for()
    assert unit.locator(".wb-missing").count() == 3
    for _ in range(3):
        page.keyboard.press("Alt+t")
    unit.locator(".wb-missing").first.wait_for(state="detached")
    page.keyboard.press("Control+Enter")
    page.locator("#wb-message", has_text="保存しました").wait_for()
    value = saved(config)[key]
    assert errors(units, key, value) == []
    assert "重み" in value and 'href="https://example.org/weights"' in value


def test_the_token_leaves_the_address_bar_and_a_reload_still_works(bench, open_page):
    server, _, _ = bench
    page = open_bench(open_page, server, "file=attention&show=missing")
    assert "token" not in page.url and "show=missing" in page.url
    assert page.locator("#wb-filter").input_value() == "missing"
    shown = page.locator("article.wb-unit").count()
    page.reload()
    page.locator("article.wb-unit").first.wait_for()
    assert page.locator("article.wb-unit").count() == shown >= 3
    assert set(page.locator(".wb-state").all_inner_texts()) == {"未翻訳"}


def test_the_raw_html_stays_available_for_experts(bench, open_page):
    server, config, _ = bench
    page = open_bench(open_page, server)
    key = "<p>Output projection </p>\n"
    unit, _ = editor_of(page, key)
    unit.locator(".wb-raw-toggle").click()
    field = unit.locator("textarea")
    field.fill("<p>出力<strong>射影</strong></p>\n")
    unit.locator(".wb-save").click()
    page.locator("#wb-message", has_text="保存しました").wait_for()
    assert saved(config)[key] == "<p>出力<strong>射影</strong></p>\n"


def test_a_deep_link_without_the_token_opens_in_a_browser_that_has_opened_the_workbench(bench, open_page):
    server, _, _ = bench
    page = open_bench(open_page, server)
    other = page.context.new_page()  # a link from the status page: no token, no sessionStorage
    other.goto(f"http://127.0.0.1:{server.port}/?file=attention&show=missing")
    other.locator("article.wb-unit").first.wait_for()
    assert set(other.locator(".wb-state").all_inner_texts()) == {"未翻訳"}
    stranger = open_page(1280, 900)  # another browser profile, without the cookie: nothing is shown
    stranger.goto(f"http://127.0.0.1:{server.port}/?file=attention")
    assert stranger.locator("article.wb-unit").count() == 0


def test_hidden_characters_show_as_badges_and_deleting_a_badge_deletes_its_character(bench, open_page):
    server, config, units = bench
    key = "<p>Output projection </p>\n"
    hostile = "<p>出力\u202eの射影\u200b</p>\n"
    save_catalog(catalog_path(config.translations_dir, "attention", "ja"), {"Attention": "アテンション", key: hostile})
    page = open_bench(open_page, server)
    unit, editor = editor_of(page, key)
    badges = unit.locator(".wb-editor .wb-hidden")
    assert badges.count() == 2
    rlo, zwsp = badges.nth(0), badges.nth(1)
    assert rlo.inner_text() == "⟨RLO U+202E⟩" and rlo.get_attribute("data-severity") == "error"
    assert rlo.get_attribute("aria-label") == "RIGHT-TO-LEFT OVERRIDE U+202E"
    assert zwsp.inner_text() == "⟨ZWSP U+200B⟩" and zwsp.get_attribute("data-severity") == "warning"
    # Isolated, and the override is nowhere in the page's text to reorder what follows it.
    assert rlo.evaluate("b => getComputedStyle(b).unicodeBidi") == "isolate"
    assert not editor.evaluate("e => e.textContent.includes('\\u202e')")
    finding = unit.locator('.wb-findings li[data-check="bidi-control"]')
    assert "line 1, column 6" in finding.inner_text() and finding.locator(".wb-hidden").count() == 0
    unit.locator(".wb-raw-toggle").click()  # the HTML view shows them too
    assert unit.locator(".wb-raw-shown .wb-hidden").count() == 2
    editor.click()
    rlo.evaluate("""b => { const r = document.createRange(); r.setStartAfter(b); r.collapse(true);
                           const s = getSelection(); s.removeAllRanges(); s.addRange(r); }""")
    page.keyboard.press("Backspace")
    assert badges.count() == 1
    finding.wait_for(state="detached")  # the check run while typing no longer reports it
    page.keyboard.press("Control+Enter")  # the zero-width space is a warning: saved once overridden
    page.locator("#wb-message", has_text="保存していません").wait_for()
    assert unit.locator('.wb-findings li[data-check="invisible-character"] .wb-hidden').count() == 0
    unit.locator(".wb-override").check()
    editor.focus()
    page.keyboard.press("Control+Enter")
    page.locator("#wb-message", has_text="保存しました").wait_for()
    value = saved(config)[key]
    assert value == "<p>出力の射影\u200b</p>\n"
    problems = check_value(key, value, originals=units[key].masked.originals)
    assert [p.check for p in problems if p.check in ("bidi-control", "control-character")] == []


HIDDEN_SOURCE = '''\
    """
    # Scaling
    """


    # Scale the input\u200b here
    def here(x):
        return x


    # Scale the input by two
    def two(x):
        return 2 * x


    # Scale the input by three
    def three(x):
        return 3 * x
    '''


def test_the_english_a_suggestion_and_pasted_text_show_their_hidden_characters(tmp_path, open_page):
    write_corpus(tmp_path, {"src/scale.py": HIDDEN_SOURCE})
    config = SiteConfig(source_dir=tmp_path / "src", translations_dir=tmp_path / "translations", languages=("en", "ja"))
    units = {u.key: u for u in load_corpus(config).files[0].units}
    two = next(k for k in units if "by two" in k)
    save_catalog(catalog_path(config.translations_dir, "scale", "ja"), {two: "<p>入力を\u202e二倍にする</p>\n"})
    server = WorkbenchServer(config, ("ja",), token="editor-token")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = open_bench(open_page, server, "file=scale")
        here, _ = editor_of(page, next(k for k in units if "here" in k))
        badge = here.locator(".wb-english .wb-hidden")
        assert badge.inner_text() == "⟨ZWSP U+200B⟩" and badge.get_attribute("title") == "ZERO WIDTH SPACE (U+200B)"
        three, editor = editor_of(page, next(k for k in units if "by three" in k))
        three.locator(".wb-suggestion .wb-hidden").wait_for()  # the memory's value, its override a badge
        assert "\u202e" not in three.locator(".wb-suggestions").evaluate("s => s.textContent")
        editor.click()
        editor.evaluate("""e => { const data = new DataTransfer(); data.setData("text/plain", "三倍\\u2067に");
                                  e.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                                              cancelable: true})); }""")
        assert three.locator(".wb-editor .wb-hidden").inner_text() == "⟨RLI U+2067⟩"
        three.locator('.wb-findings li[data-check="bidi-control"]').wait_for()
        assert "三倍\u2067に" in three.locator("textarea").input_value()  # what is saved keeps it, until deleted
        page.keyboard.insert_text("\u202dする")  # typed rather than pasted: a badge all the same
        three.locator(".wb-editor .wb-hidden", has_text="LRO U+202D").wait_for()
        assert not editor.evaluate("e => /[\\u202d\\u2067]/.test(e.textContent)")
        three.locator(".wb-findings li", has_text="U+202D").wait_for()
        assert "三倍\u2067に\u202dする" in three.locator("textarea").input_value()
    finally:
        server.shutdown()
        server.server_close()

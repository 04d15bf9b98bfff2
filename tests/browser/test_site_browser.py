"""The built project site in Chromium: layout, math, language switcher, Japanese search, offline."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from site_builder.fileio import write_atomic

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CAPSULE_PAGE = "capsule_networks/index.html"
JA_WORD = "カプセル"  # a glossary term: every Japanese capsule page uses it

# The first row whose notes and code both have content, with both cells' boxes.
FIRST_FULL_ROW = """() => {
  for (const row of document.querySelectorAll('.sb-row')) {
    const notes = row.querySelector('.sb-notes'), code = row.querySelector('.sb-code');
    if (!notes || !code || !code.textContent.trim() || !notes.innerText.trim()) continue;
    const n = notes.getBoundingClientRect(), c = code.getBoundingClientRect();
    return {notes: [n.left, n.top, n.right, n.bottom], code: [c.left, c.top, c.right, c.bottom]};
  }
  return null;
}"""


# Material's "search.result.initializer" text: shown until the search index is ready. Keys
# typed before then are not searched, so tests wait for it to go.
SEARCH_INITIALIZING = {"en": "Initializing search", "ja": "検索を初期化"}


def search(page, lang: str, query: str) -> list[str]:
    """Type ``query`` into Material's search box and return the result links."""
    page.click("input.md-search__input")  # in the header at desktop widths
    page.wait_for_function(
        "text => !document.querySelector('.md-search-result__meta').textContent.includes(text)",
        arg=SEARCH_INITIALIZING[lang], timeout=15000)
    # Material searches on keyup. Japanese arrives through an input method, whose last key
    # (the one that commits the text) is what fires it; Playwright inserts non-ASCII text
    # without key events, so the text goes in, then a key that does not change it.
    page.fill("input.md-search__input", query)
    page.press("input.md-search__input", "End")
    page.wait_for_selector(".md-search-result__item a", timeout=15000)
    return page.eval_on_selector_all(".md-search-result__item a", "links => links.map(a => a.href)")


def screenshot(page, name: str) -> None:
    """Keep a PNG in screenshots/ (the README shows two of them)."""
    page.wait_for_timeout(400)  # let Material's header finish its title transition after a scroll
    write_atomic(SCREENSHOTS / name, page.screenshot(full_page=False))


@pytest.mark.parametrize("lang, prefix", [("en", ""), ("ja", "ja/")])
def test_notes_sit_left_of_their_code_on_a_desktop(open_page, site_url, lang, prefix):
    page = open_page(1280, 900)
    page.goto(site_url + prefix + CAPSULE_PAGE)
    assert page.get_attribute("html", "lang") == lang
    boxes = page.evaluate(FIRST_FULL_ROW)
    assert boxes is not None
    notes, code = boxes["notes"], boxes["code"]
    assert notes[2] <= code[0]                   # notes end before the code begins
    assert abs(notes[1] - code[1]) < 2           # and start level with it (one grid row)
    width = code[2] - notes[0]
    assert 0.3 < (notes[2] - notes[0]) / width < 0.5  # notes take about 40%
    page.evaluate("window.scrollTo(0, document.querySelectorAll('.sb-row')[1].offsetTop - 60)")
    screenshot(page, f"{lang}-desktop.png")


def test_notes_stack_above_their_code_on_a_phone(open_page, site_url):
    page = open_page(390, 844, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(site_url + "ja/" + CAPSULE_PAGE)
    boxes = page.evaluate(FIRST_FULL_ROW)
    notes, code = boxes["notes"], boxes["code"]
    assert notes[3] <= code[1] + 1               # notes above the code
    assert code[2] - code[0] >= 350              # the code gets the full width
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing widens the page
    page.evaluate("window.scrollTo(0, document.querySelectorAll('.sb-row')[1].offsetTop - 60)")
    screenshot(page, "ja-phone.png")


def test_math_is_drawn_with_a_size(open_page, site_url):
    page = open_page()
    page.goto(site_url + CAPSULE_PAGE)
    sizes = page.evaluate("""() => [...document.querySelectorAll('.sb-notes math')].map(m => {
        const r = m.getBoundingClientRect(); return [r.width, r.height]; })""")
    assert len(sizes) >= 5
    assert all(width > 0 and height > 0 for width, height in sizes)


def test_switcher_lands_on_the_same_page_and_section(open_page, site_url):
    page = open_page()
    page.goto(site_url + CAPSULE_PAGE + "#squash")
    page.hover(".md-select")
    page.click('a.sb-lang-link[hreflang="ja"]')
    page.wait_for_load_state()
    assert page.url == site_url + "ja/" + CAPSULE_PAGE + "#squash"
    assert page.get_attribute("html", "lang") == "ja"
    page.hover(".md-select")
    page.click('a.sb-lang-link[hreflang="en"]')
    page.wait_for_load_state()
    assert page.url == site_url + CAPSULE_PAGE + "#squash"


def test_searching_a_japanese_word_finds_the_japanese_page(open_page, site_url):
    page = open_page()
    page.goto(site_url + "ja/index.html")
    hrefs = search(page, "ja", JA_WORD)
    assert any(href.startswith(site_url + "ja/capsule_networks/") for href in hrefs), hrefs
    assert not [href for href in hrefs if not href.startswith(site_url + "ja/")], hrefs


def test_no_request_leaves_the_machine(open_page, site_url, requests):
    page = open_page()
    for path in ("index.html", CAPSULE_PAGE, "ja/" + CAPSULE_PAGE, "ja/translation-guide.html",
                 "translation-status.html"):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    assert search(page, "en", "squash")
    assert requests.urls
    hosts = {urlsplit(url).hostname for url in requests.urls if not url.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, sorted(set(requests.urls))

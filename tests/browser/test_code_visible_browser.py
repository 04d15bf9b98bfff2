"""Code that is never hidden: every page at 390, 1280 and 1920 px, in every language.

Beside the notes (1280 and wider) the source pages' code lines wrap with a hanging indent,
so no code block there is wider than its box; where a block does scroll (phones), its
scrollbar must be drawn without hovering (Material draws it transparent until then).
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

#: Every block whose text reaches past its visible box, with whether its scrollbar shows.
OVERFLOWING = """() => [...document.querySelectorAll('.md-content pre > code')]
  .filter(code => {
    // The text itself, not the block's padding: Chromium scrolls no padding alone.
    const range = document.createRange();
    range.selectNodeContents(code);
    const box = code.getBoundingClientRect();
    return range.getBoundingClientRect().right > box.left + code.clientLeft + code.clientWidth + 1;
  })
  .map(code => {
    const style = getComputedStyle(code);
    const thumb = (style.scrollbarColor || '').split(/\\s(?![^(]*\\))/)[0] || '';
    return {text: code.textContent.slice(0, 60), source: !!code.closest('.sb-code'),
            bar: code.offsetHeight - code.clientHeight - parseFloat(style.borderBottomWidth || 0),
            thumb: thumb, overflowX: style.overflowX};
  })"""


@pytest.fixture(scope="module")
def browser():
    """Chromium with scrollbars drawn: Playwright's headless default hides every scrollbar."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              ignore_default_args=["--hide-scrollbars"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def pages(site_url) -> list[str]:
    """Every page of every language, from the sitemaps MkDocs writes."""
    found = set()
    for sitemap in ("sitemap.xml", "ja/sitemap.xml"):
        text = urllib.request.urlopen(site_url + sitemap).read().decode()
        found |= {url[len(site_url):] or "index.html" for url in re.findall(r"<loc>([^<]+)</loc>", text)}
    return sorted(found)


def _thumb_visible(thumb: str) -> bool:
    """A scrollbar-color thumb that is not transparent (``auto`` is the platform's: visible)."""
    return thumb in ("", "auto") or not re.search(r"rgba\([^)]*,\s*0\)|#0000\b|transparent", thumb)


@pytest.mark.parametrize("width", [390, 1280, 1920])
def test_no_code_block_hides_content_behind_an_invisible_scrollbar(open_page, site_url, pages, width):
    page = open_page(width=width, height=900)
    problems, scrolling = [], 0
    for path in pages:
        page.goto(site_url + path)
        for block in page.evaluate(OVERFLOWING):
            scrolling += 1
            if width >= 1280 and block["source"]:
                problems.append(f"{path}: a source line is cut at {width} px: {block['text']!r}")
            elif block["bar"] <= 0 or not _thumb_visible(block["thumb"]):
                problems.append(f"{path}: scrolls without a visible scrollbar at {width} px: {block}")
    assert not problems, "\n".join(problems)
    assert width > 390 or scrolling, "no block scrolls on a phone: the test no longer checks the scrollbars"


def test_a_wrapped_line_hangs_below_its_own_indentation(open_page, site_url):
    page = open_page(width=1280, height=900)
    page.goto(site_url + "capsule_networks/index.html")
    wrapped = page.evaluate("""() => [...document.querySelectorAll('.sb-code .sb-l')]
      .filter(line => line.getClientRects().length
                      && line.offsetHeight > 1.5 * parseFloat(getComputedStyle(line).lineHeight))
      .map(line => ({indent: getComputedStyle(line).paddingLeft, first: getComputedStyle(line).textIndent}))""")
    assert wrapped, "no line wraps at 1280 px: the test no longer exercises the wrap"
    for line in wrapped:
        assert float(line["indent"].rstrip("px")) == -float(line["first"].rstrip("px")) > 0

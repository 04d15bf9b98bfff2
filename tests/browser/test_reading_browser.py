"""The tutorial as a reader takes it, in Chromium: home, "next" links, breadcrumbs, language menu."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

ORDER = ["capsule_networks/readme.html", "capsule_networks/index.html", "capsule_networks/model.html",
         "capsule_networks/data.html", "capsule_networks/train.html", "capsule_networks/evaluate.html",
         "capsule_networks/figures.html", "capsule_networks/checkpoint.html"]


@pytest.mark.parametrize("prefix", ["", "ja/"])
def test_home_opens_on_the_introduction_and_next_follows_the_reading_order(open_page, site_url, prefix):
    page = open_page(width=1280, height=900)
    page.goto(site_url + prefix + "index.html")
    first = page.eval_on_selector(".md-content article a[href]", "a => a.href")
    assert first == site_url + prefix + ORDER[0]
    visited = []
    for _ in ORDER:
        page.click("a.md-footer__link--next")
        visited.append(page.url[len(site_url + prefix):])
    assert visited == ORDER
    # After the tutorial: the site's own pages, in a part named in the page's language.
    page.click("a.md-footer__link--next")
    assert page.url.endswith("authors-guide.html")
    part = "このサイトについて" if prefix else "About this site"
    assert part in page.inner_text("nav.md-nav--primary")


def test_the_japanese_navigation_shows_no_english_title(open_page, site_url):
    page = open_page(width=1280, height=900)
    for path in ("ja/capsule_networks/model.html", "ja/architecture.html"):
        page.goto(site_url + path)
        nav = page.inner_text("nav.md-nav--primary")
        assert "How the generator is built" not in nav and "About this site" not in nav, path
        assert "生成器のしくみ" in nav or path.endswith("model.html"), path


def test_breadcrumbs_name_the_folder_by_its_title_and_the_header_agrees_with_the_h1(open_page, site_url):
    page = open_page(width=1280, height=900)
    page.goto(site_url + "ja/capsule_networks/readme.html")
    crumbs = page.inner_text("nav.sb-crumbs")
    assert "capsule_networks" not in crumbs and "カプセルネットワーク" in crumbs
    assert page.inner_text(".md-content h1").strip() == page.title().split(" - ")[0].strip()


def test_the_language_menu_marks_the_current_language_and_japanese_emphasis_is_not_slanted(open_page, site_url):
    page = open_page(width=1280, height=900)
    page.goto(site_url + "ja/capsule_networks/index.html")
    current = page.eval_on_selector('a.sb-lang-link[aria-current="page"]', "a => a.getAttribute('hreflang')")
    assert current == "ja"
    styles = page.evaluate("""() => [...document.querySelectorAll('.sb-notes em')]
        .filter(em => em.closest('[lang]').lang === 'ja')
        .map(em => [getComputedStyle(em).fontStyle, getComputedStyle(em).textEmphasisStyle])""")
    assert styles and all(style == "normal" and emphasis != "none" for style, emphasis in styles)


def test_each_tutorial_page_offers_its_notebook_in_the_pages_language(open_page, site_url):
    page = open_page(width=1280, height=900)
    for path in ORDER[1:]:
        page.goto(site_url + "ja/" + path)
        links = page.eval_on_selector_all('a[href$=".ipynb"]', "links => links.map(a => [a.href, a.textContent])")
        assert links == [[site_url + "ja/" + path.replace(".html", ".ipynb"), "ノートブックで開く"]], path
    notebook = page.request.get(site_url + "ja/capsule_networks/model.ipynb").json()
    markdown = "".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown")
    assert notebook["nbformat"] == 4 and "モデル" in markdown and "$" in markdown

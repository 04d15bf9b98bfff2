"""site/order.py: reading order, the readme as home, the navigation and its source paths."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.config import SiteConfig
from site_builder.model import FrontMatter, Section, SectionKind, SourceFile, SourceKind
from site_builder.site.order import front_matter_order, site_nav
from site_builder.site.pages import breadcrumbs
from site_builder.site.plan import HOME_URI, plan_site

ROOT = Path("/project/src")


def source(file_id: str, order: int | None = None, kind=SourceKind.PYTHON) -> SourceFile:
    suffix = ".md" if kind is SourceKind.MARKDOWN else ".py"
    extra = (("order", str(order)),) if order is not None else ()
    section = Section(kind=SectionKind.COMMENT, notes="Notes", code=(), line=1)
    return SourceFile(id=file_id, path=ROOT / (file_id + suffix), kind=kind,
                      front=FrontMatter(title=file_id, extra=extra), sections=(section,))


def config() -> SiteConfig:
    return SiteConfig(source_dir=ROOT, translations_dir=Path("/project/translations"), languages=("en", "ja"))


def test_front_matter_order_comes_first_then_source_order_with_init_leading_its_folder():
    sources = [source("pkg/zeta"), source("pkg/__init__"), source("pkg/train", order=2),
               source("pkg/readme", order=1, kind=SourceKind.MARKDOWN), source("alpha")]
    plan = plan_site(config(), sources, [])
    assert plan.reading == ("pkg/readme.md", "pkg/train.md", "alpha.md", "pkg/index.md", "pkg/zeta.md")


def test_readme_at_the_source_root_is_the_home_page_not_readme_markdown():
    plan = plan_site(config(), [source("README", kind=SourceKind.MARKDOWN), source("pkg/mod")], [])
    home = next(page for page in plan.pages if page.file_id == "README")
    assert home.src_uri == HOME_URI
    assert plan.reading[0] == HOME_URI
    assert site_nav(plan, folder_titles={}, part_title="About", docs_order={})[0] == HOME_URI


def test_a_hand_written_index_keeps_the_home_and_the_readme_gets_its_own_page():
    plan = plan_site(config(), [source("README", kind=SourceKind.MARKDOWN)], ["index.md"])
    assert next(page for page in plan.pages).src_uri != HOME_URI


def test_nav_puts_the_tutorial_first_and_the_sites_own_pages_in_a_named_part_after_it():
    plan = plan_site(config(), [source("pkg/__init__", order=2), source("pkg/readme", order=1,
                                                                        kind=SourceKind.MARKDOWN)],
                     ["guide.md", "architecture.md", "architecture.ja.md"])
    nav = site_nav(plan, folder_titles={"pkg": "Package"}, part_title="このサイトについて",
                   docs_order={"guide.md": 1.0})
    assert nav == ["index.md", "pkg/readme.md", "pkg/index.md",
                   {"このサイトについて": ["guide.md", "architecture.md", "translation-status.md"]}]


def test_a_page_not_translated_is_named_in_the_language_by_its_titles():
    from site_builder.site.order import front_matter_titles

    plan = plan_site(config(), [source("pkg/__init__")], ["architecture.md", "guide.md", "guide.ja.md"])
    titles = {"architecture.md": front_matter_titles("---\ntitle: Architecture\ntitles: {ja: 設計（英語）}\n---\n"),
              "guide.md": {"ja": "unused: the page has a Japanese variant"}}
    nav = site_nav(plan, folder_titles={}, part_title="このサイトについて", docs_order={}, lang="ja",
                   docs_titles=titles)
    assert nav[-1] == {"このサイトについて": [{"設計（英語）": "architecture.md"}, "guide.md", "translation-status.md"]}


def test_nav_groups_pages_by_top_folder_when_there_are_several():
    plan = plan_site(config(), [source("a/__init__"), source("a/x"), source("b/y"), source("top")], [])
    nav = site_nav(plan, folder_titles={"a": "Alpha"}, part_title="About", docs_order={})
    assert nav[1:4] == ["top.md", {"Alpha": ["a/index.md", "a/x.md"]}, {"b": ["b/y.md"]}]


def test_an_authors_nav_may_name_sources_as_written_and_folders():
    plan = plan_site(config(), [source("README", kind=SourceKind.MARKDOWN), source("pkg/__init__"),
                                source("pkg/mod", order=1), source("pkg/main")], ["guide.md"])
    user = ["README.md", {"Main": "pkg/main.py"}, "pkg/", "guide.md", "https://example.org/"]
    nav = site_nav(plan, folder_titles={"pkg": "The package"}, part_title="About", docs_order={},
                   user_nav=user)
    assert nav == ["index.md", {"Main": "pkg/main.md"},
                   {"The package": ["pkg/mod.md", "pkg/index.md", "pkg/main.md"]},
                   "guide.md", "https://example.org/"]


def test_markdown_order_is_read_even_when_another_front_matter_line_is_not_yaml():
    assert front_matter_order("---\ntitle: A\norder: 3\n---\n# A\n") == 3.0
    assert front_matter_order("---\norder: 2\ndescription: a: b: c\n---\n") == 2.0
    assert front_matter_order("# No front matter\norder: 1\n") is None


def test_breadcrumbs_name_folders_by_their_index_pages_title():
    plan = plan_site(config(), [source("pkg/__init__"), source("pkg/mod")], [])
    page = next(page for page in plan.pages if page.file_id == "pkg/mod")
    assert breadcrumbs(plan, page, "ja", {"pkg": "パッケージ"}) == (
        ("ホーム", "../index.html"), ("パッケージ", "index.html"))


README = """\
    # My package

    Start here, then read [the module](pkg/mod.py).
    """

MOD = '''\
    """
    ---
    title: The module
    ---
    """

    X = 1
    '''


@pytest.mark.slow
def test_a_built_site_opens_on_the_readme_in_each_language_and_nav_takes_source_paths(tmp_path, write_corpus):
    from site_builder.catalog.corpus import load_corpus
    from site_builder.catalog.store import catalog_path, save_catalog

    (tmp_path / "docs").mkdir()
    write_corpus(tmp_path, {"src/README.md": README, "src/pkg/mod.py": MOD, "mkdocs.yml": (
        "site_name: T\nuse_directory_urls: false\ntheme:\n  name: material\n  font: false\n"
        "nav:\n  - README.md\n  - Module: pkg/mod.py\n"
        "plugins:\n  - site_builder:\n      source_dir: src\n      translations_dir: translations\n"
        "      languages: [en, ja]\n")})
    config = SiteConfig(source_dir=tmp_path / "src", translations_dir=tmp_path / "translations", languages=("en", "ja"))
    readme = next(file for file in load_corpus(config).files if file.source.id == "README")
    save_catalog(catalog_path(config.translations_dir, "README", "ja"),
                 {unit.key: unit.key.replace("Start here", "ここから始めます").replace("My package", "私のパッケージ")
                  for unit in readme.units})
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(tmp_path / "mkdocs.yml")],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "not found" not in result.stderr
    english = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    japanese = (tmp_path / "site/ja/index.html").read_text(encoding="utf-8")
    assert "Start here" in english and "ここから始めます" in japanese
    assert not list((tmp_path / "site").rglob("README-markdown.html"))
    assert 'href="pkg/mod.html"' in english and ">Module<" in english.replace("\n", "").replace(" ", "")

"""site.py: the per-language site plan: URLs, switcher targets, hreflang, generated pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.catalog.corpus import Corpus, CorpusFile, FileTranslation
from site_builder.config import SiteConfig
from site_builder.errors import ConfigError
from site_builder.model import (
    Catalog,
    FrontMatter,
    Masked,
    Orphan,
    Section,
    SectionKind,
    SourceFile,
    SourceKind,
    Unit,
    UnitKind,
    UnitResult,
    UnitState,
)
from site_builder.site.pages import (
    breadcrumbs,
    glossary_html,
    home_html,
    notice_html,
    source_url,
    status_html,
)
from site_builder.site.plan import (
    GUIDE_URI,
    HOME_URI,
    STATUS_URI,
    alternates,
    canonical_url,
    docs_variants,
    head_links,
    page_url,
    plan_site,
    relative_url,
    split_language_suffix,
)
from site_builder.site.ui import language_name, ui_text
from site_builder.source.ids import file_anchor
from site_builder.translators.glossary import GlossaryRow

ROOT = Path("/project/src")


def source(file_id: str, title: str = "", summary: str = "", kind=SourceKind.PYTHON) -> SourceFile:
    suffix = ".md" if kind is SourceKind.MARKDOWN else ".py"
    section = Section(kind=SectionKind.COMMENT, notes="Notes", code=(), line=1)
    return SourceFile(id=file_id, path=ROOT / (file_id + suffix), kind=kind,
                      front=FrontMatter(title=title or file_id, summary=summary), sections=(section,))


def config(**overrides) -> SiteConfig:
    values = dict(source_dir=ROOT, translations_dir=Path("/project/translations"),
                  languages=("en", "ja", "zh"), repo_url="https://example.com/r/blob/main/src")
    values.update(overrides)
    return SiteConfig(**values)


SOURCES = [source("capsule_networks/__init__", "Capsule Networks", "Routing by agreement."),
           source("capsule_networks/model", "The model"),
           source("capsule_networks/readme", "Readme", kind=SourceKind.MARKDOWN),
           source("tool", "A tool")]


@pytest.fixture
def plan():
    return plan_site(config(), SOURCES, ["translation-guide.md", "translation-guide.ja.md"],
                     site_url="https://example.org/docs")


@pytest.mark.parametrize("src_uri, directory_urls, url", [
    ("index.md", False, "index.html"),
    ("index.md", True, ""),
    ("a/index.md", False, "a/index.html"),
    ("a/index.md", True, "a/"),
    ("a/README.md", False, "a/index.html"),
    ("a/b.md", False, "a/b.html"),
    ("a/b.md", True, "a/b/"),
])
def test_page_url_follows_mkdocs_rules(src_uri, directory_urls, url):
    assert page_url(src_uri, directory_urls) == url


@pytest.mark.parametrize("target, current, link", [
    ("capsule_networks/index.html", "ja/capsule_networks/index.html", "../../capsule_networks/index.html"),
    ("ja/capsule_networks/model.html", "capsule_networks/model.html", "../ja/capsule_networks/model.html"),
    ("index.html", "index.html", "index.html"),
    ("ja/", "a/b/", "../../ja/"),
    ("", "ja/", "../"),
    ("translation-status.html#file-x", "ja/a/b.html", "../../translation-status.html#file-x"),
])
def test_relative_url_links_between_site_paths(target, current, link):
    assert relative_url(target, current) == link


def test_init_becomes_its_folders_index_and_other_files_keep_their_names(plan):
    uris = {page.file_id: page.src_uri for page in plan.pages}
    assert uris == {"capsule_networks/__init__": "capsule_networks/index.md",
                    "capsule_networks/model": "capsule_networks/model.md",
                    "capsule_networks/readme": "capsule_networks/readme.md",
                    "tool": "tool.md"}
    assert plan.url("capsule_networks/index.md") == "capsule_networks/index.html"
    paths = {page.file_id: page.source_path for page in plan.pages}
    assert paths["capsule_networks/__init__"] == "capsule_networks/__init__.py"
    assert paths["capsule_networks/readme"] == "capsule_networks/readme.md"


def test_sources_that_would_share_a_url_both_get_a_page():
    sources = [source("pkg/__init__"), source("pkg/index", kind=SourceKind.MARKDOWN), source("index")]
    plan = plan_site(config(), sources, [])
    urls = [plan.url(page.src_uri) for page in plan.pages]
    assert len(set(urls)) == 3
    assert plan.url("index.md") not in urls  # the home page keeps the site root
    by_id = {page.file_id: plan.url(page.src_uri) for page in plan.pages}
    assert by_id["pkg/__init__"] == "pkg/index.html"


def test_languages_have_own_names_and_prefixes(plan):
    assert [(lang.code, lang.prefix) for lang in plan.languages] == [("en", ""), ("ja", "ja/"), ("zh", "zh/")]
    assert language_name("ja") == "日本語"
    assert language_name("zh") == "中文"
    assert language_name("en") == "English"
    assert language_name("fr") == "Français"


def test_switcher_points_to_the_same_page_in_every_language(plan):
    links = alternates(plan, "capsule_networks/model.md", "ja")
    assert [(alt.lang.code, alt.href, alt.current) for alt in links] == [
        ("en", "../../capsule_networks/model.html", False),
        ("ja", "model.html", True),
        ("zh", "../../zh/capsule_networks/model.html", False)]
    assert links[0].url == "https://example.org/docs/capsule_networks/model.html"
    assert links[2].url == "https://example.org/docs/zh/capsule_networks/model.html"


def test_a_page_missing_in_a_language_switches_to_that_languages_home():
    plan = plan_site(config(), SOURCES, ["only-japanese.ja.md"])
    links = {alt.lang.code: alt.href for alt in alternates(plan, "only-japanese.md", "ja")}
    assert links == {"en": "../index.html", "ja": "only-japanese.html", "zh": "../zh/index.html"}


def test_hand_written_pages_exist_in_every_language_through_the_english_fallback(plan):
    assert docs_variants(["translation-guide.md", "translation-guide.ja.md", "x.fr.md"], ["en", "ja"]) == {
        "translation-guide.md": frozenset({"en", "ja"}), "x.fr.md": frozenset({"en"})}
    assert split_language_suffix("a/guide.ja.md", ["en", "ja"]) == ("a/guide.md", "ja")
    assert split_language_suffix("a/guide.md", ["en", "ja"]) == ("a/guide.md", None)
    assert plan.has_page(GUIDE_URI, "zh") and plan.has_page(STATUS_URI, "zh")


def test_head_has_canonical_hreflang_per_language_and_x_default(plan):
    head = head_links(plan, "capsule_networks/index.md", "ja")
    assert '<link rel="canonical" href="https://example.org/docs/ja/capsule_networks/index.html">' in head
    for code, prefix in (("en", ""), ("ja", "ja/"), ("zh", "zh/")):
        assert (f'<link rel="alternate" hreflang="{code}" '
                f'href="https://example.org/docs/{prefix}capsule_networks/index.html">') in head
    assert ('<link rel="alternate" hreflang="x-default" '
            'href="https://example.org/docs/capsule_networks/index.html">') in head
    assert canonical_url(plan, HOME_URI, "en") == "https://example.org/docs/index.html"


def test_without_site_url_hreflang_links_are_relative_and_there_is_no_canonical():
    plan = plan_site(config(), SOURCES, [])
    head = head_links(plan, "tool.md", "en")
    assert "canonical" not in head
    assert '<link rel="alternate" hreflang="ja" href="ja/tool.html">' in head


def test_breadcrumbs_link_home_and_folder_index(plan):
    model = next(page for page in plan.pages if page.file_id == "capsule_networks/model")
    assert breadcrumbs(plan, model, "ja") == (("ホーム", "../index.html"), ("capsule_networks", "index.html"))
    index = next(page for page in plan.pages if page.file_id == "capsule_networks/__init__")
    assert breadcrumbs(plan, index, "en") == (("Home", "../index.html"), ("capsule_networks", ""))


def test_view_source_link_is_repo_url_plus_source_path(plan):
    index = next(page for page in plan.pages if page.file_id == "capsule_networks/__init__")
    assert source_url(config(), index) == "https://example.com/r/blob/main/src/capsule_networks/__init__.py"
    assert source_url(config(repo_url=""), index) == ""


def test_notice_links_to_guide_and_to_the_files_row_on_the_status_page(plan):
    notice = notice_html(plan, config(), "ja", here="ja/capsule_networks/model.html",
                         file_id="capsule_networks/model")
    assert notice.startswith("未翻訳のため英語で表示しています。")
    assert 'href="../translation-guide.html"' in notice
    assert f'href="../translation-status.html#{file_anchor("capsule_networks/model")}"' in notice


def test_ui_text_falls_back_to_english_for_unknown_languages():
    assert ui_text("ja")["home"] == "ホーム"
    assert ui_text("zh")["home"] == "首页"
    assert ui_text("si")["home"] == "Home"
    assert set(ui_text("ja")) == set(ui_text("en")) == set(ui_text("zh"))


def unit(file_id: str, kind: UnitKind, key: str, section: int = -1) -> Unit:
    return Unit(file_id=file_id, kind=kind, section=section, block=0, masked=Masked(key))


def corpus_file(src: SourceFile, translated: dict[str, str], missing: int = 0, fuzzy: int = 0,
                orphans: int = 0) -> CorpusFile:
    units = [unit(src.id, UnitKind.TITLE, src.front.title)]
    results = [UnitResult(units[0], UnitState.TRANSLATED, text=translated["title"])
               if "title" in translated else UnitResult(units[0], UnitState.MISSING)]
    for index in range(missing):
        units.append(unit(src.id, UnitKind.NOTES, f"<p>m{index}</p>\n", 0))
        results.append(UnitResult(units[-1], UnitState.MISSING))
    for index in range(fuzzy):
        units.append(unit(src.id, UnitKind.NOTES, f"<p>f{index}</p>\n", 0))
        results.append(UnitResult(units[-1], UnitState.FUZZY, suggestion="x"))
    translation = FileTranslation(lang="ja", catalog=Catalog(Path("x.ja.json"), "ja", {}), suggestions={},
                                  results=tuple(results),
                                  orphans=tuple(Orphan(f"k{i}", "v") for i in range(orphans)))
    return CorpusFile(source=src, units=tuple(units), translations={"ja": translation})


@pytest.fixture
def corpus():
    files = (corpus_file(SOURCES[0], {"title": "カプセルネットワーク"}, missing=2, fuzzy=1, orphans=3),
             corpus_file(SOURCES[1], {}), corpus_file(SOURCES[2], {}), corpus_file(SOURCES[3], {}))
    return Corpus(languages=("ja",), files=files)


def test_home_lists_every_page_with_translated_titles_and_summaries(plan, corpus):
    home = home_html(plan, corpus, "ja", "Site")
    assert '<a href="capsule_networks/index.html">カプセルネットワーク</a>' in home
    assert "Routing by agreement." in home  # summary not translated: English shown
    assert '<a href="capsule_networks/model.html">The model</a>' in home
    assert '<a href="tool.html">A tool</a>' in home
    assert home.index("カプセルネットワーク") < home.index("The model")  # the folder index leads
    assert 'href="translation-status.html"' in home and 'href="translation-guide.html"' in home


def test_status_counts_missing_fuzzy_and_orphaned_units_per_page(plan, corpus):
    status = status_html(plan, corpus, "ja")
    row = status.split(f'id="{file_anchor("capsule_networks/__init__")}"')[1].split("</tr>")[0]
    cells = [cell.split("</td>")[0] for cell in row.split("<td>")[2:]]
    assert cells == ["4", "1", "2", "1", "3", "25%"]  # units, translated, missing, fuzzy, orphaned
    assert 'href="capsule_networks/index.html"' in status


def test_status_links_missing_and_fuzzy_counts_to_a_configured_workbench_without_a_token(plan, corpus):
    status = status_html(plan, corpus, "ja", workbench_url="http://127.0.0.1:8765/")
    row = status.split(f'id="{file_anchor("capsule_networks/__init__")}"')[1].split("</tr>")[0]
    assert ('<a href="http://127.0.0.1:8765/?lang=ja&amp;file=capsule_networks%2F__init__&amp;show=missing"'
            in row)
    assert "show=fuzzy" in row and "token" not in status
    assert "127.0.0.1:8765" not in status_html(plan, corpus, "ja")  # none unless configured


@pytest.mark.parametrize("url", ["https://example.org/", "http://127.0.0.1:8765/?token=x", "http://10.0.0.1:80/"])
def test_a_workbench_url_must_be_local_and_carry_no_token(url):
    with pytest.raises(ConfigError, match="workbench_url"):
        SiteConfig(source_dir=Path("s"), translations_dir=Path("t"), workbench_url=url)


def test_english_status_page_has_a_table_per_target_language(plan, corpus):
    status = status_html(plan, corpus, "en")
    assert '<h2 id="lang-ja">日本語</h2>' in status and 'data-lang="ja"' in status


def test_glossary_table_shows_the_languages_terms():
    rows = [GlossaryRow(en="capsule", use="カプセル", avoid="", note="unit of neurons")]
    table = glossary_html({"ja": rows}, "ja", {"ja": "日本語"})
    assert '<td lang="en">capsule</td>\n<td lang="ja">カプセル</td>' in table
    assert "用語集はまだありません" in glossary_html({}, "ja", {})
    english = glossary_html({"ja": rows}, "en", {"ja": "日本語"})
    assert "<h3>日本語</h3>" in english


def test_a_folder_is_named_by_its_init_title_or_else_by_its_own_name(write_corpus, tmp_path):
    from site_builder.catalog.corpus import load_corpus
    from site_builder.site.pages import folder_title

    root = write_corpus(tmp_path, {"src/titled/__init__.py": '"""\n# Widgets\n\nThe toolkit.\n"""\n',
                         "src/plain/__init__.py": '"""The package."""\n'})
    corpus = load_corpus(SiteConfig(source_dir=root / "src", translations_dir=root / "translations"), [])
    titles = {file.source.id: folder_title(file, "en") for file in corpus.files}
    assert titles == {"titled/__init__": "Widgets", "plain/__init__": None}  # None: the folder's name is shown

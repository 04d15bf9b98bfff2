"""Links in notes to other files land on those files' pages, in every language and URL mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.config import SiteConfig
from site_builder.model import FrontMatter, Section, SectionKind, SourceFile, SourceKind
from site_builder.site.links import rewrite_note_links
from site_builder.site.plan import plan_site

ROOT = Path("/project/code")


def source(file_id: str, kind: SourceKind = SourceKind.PYTHON) -> SourceFile:
    suffix = ".md" if kind is SourceKind.MARKDOWN else ".py"
    section = Section(kind=SectionKind.COMMENT, notes="Notes", code=(), line=1)
    return SourceFile(id=file_id, path=ROOT / (file_id + suffix), kind=kind,
                      front=FrontMatter(title=file_id), sections=(section,))


SOURCES = [source("heap/__init__"), source("heap/helpers"), source("heap/guide/page", SourceKind.MARKDOWN),
           source("tool")]


def plan(directory_urls: bool):
    config = SiteConfig(source_dir=ROOT, translations_dir=Path("/project/translations"), languages=("en", "ja"))
    return plan_site(config, SOURCES, [], use_directory_urls=directory_urls)


def link(plan_, file_id: str, href: str, lang: str = "en") -> str:
    page = next(p for p in plan_.pages if p.file_id == file_id)
    html = rewrite_note_links(f'<p>see <a href="{href}">this</a></p>', plan_, page, lang)
    return html.split('href="')[1].split('"')[0]


@pytest.mark.parametrize("directory_urls, href, expected", [
    (False, "helpers.py", "helpers.html"),
    (False, "helpers.py#push", "helpers.html#push"),
    (False, "guide/page.md", "guide/page.html"),
    (False, "../tool.py", "../tool.html"),
    (False, "__init__.py", "index.html"),
    (True, "helpers.py", "./"),  # its own page
    (True, "helpers.py#push", "./#push"),
    (True, "guide/page.md#x", "../guide/page/#x"),
    (True, "../tool.html", "../../tool/"),  # the tool's own .html links, in directory mode
    (True, "__init__.py", "../"),
    (True, "index.html", "../"),
])
def test_a_link_to_a_source_file_becomes_its_page_url(directory_urls, href, expected):
    assert link(plan(directory_urls), "heap/helpers", href) == expected


@pytest.mark.parametrize("directory_urls, expected", [(False, "helpers.html#push"), (True, "helpers/#push")])
def test_the_same_link_works_from_the_japanese_page(directory_urls, expected):
    assert link(plan(directory_urls), "heap/__init__", "helpers.py#push", lang="ja") == expected


@pytest.mark.parametrize("href", ["https://example.com/a.py", "#section", "mailto:a@b.c", "/abs.py",
                                  "../../outside.py"])
def test_absolute_links_fragments_and_links_outside_the_sources_are_left_alone(href):
    assert link(plan(True), "heap/helpers", href) == href


def test_an_unknown_relative_file_is_left_as_written_when_pages_sit_beside_their_sources():
    assert link(plan(False), "heap/helpers", "data/table.csv") == "data/table.csv"


def test_an_unknown_relative_file_stays_relative_to_the_source_folder_with_directory_urls():
    assert link(plan(True), "heap/helpers", "data/table.csv") == "../data/table.csv"


def test_ampersands_in_a_rewritten_link_stay_escaped():
    assert link(plan(False), "heap/helpers", "helpers.py?a=1&amp;b=2") == "helpers.html?a=1&amp;b=2"

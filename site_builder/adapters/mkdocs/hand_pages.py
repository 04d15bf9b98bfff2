"""Hand-written pages in a language's build: translated HTML made safe, glossary and live examples put in.

Part of the MkDocs adapter, called from the plugin's ``on_page_content`` for a page of the docs
folder. A translated page is a translator's text, cleaned like notes; ``<!-- glossary -->``
becomes the glossary table of the build's language(s); ``<!-- example: PATH -->`` becomes the
file at PATH (relative to the page's file) and its rendered rows; a page with no variant in
this language is shown in English under a notice. Problems are logged as warnings (so
``--strict`` fails on them). It must not touch source pages.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from site_builder.config import SOURCE_LANGUAGE, SiteConfig
from site_builder.errors import SiteBuilderError
from site_builder.model import path_shown_from
from site_builder.render.sanitize import sanitize_page_html
from site_builder.site.examples import EXAMPLE_MARKER, example_html
from site_builder.site.pages import GLOSSARY_MARKER, glossary_html, notice_html
from site_builder.site.plan import SitePlan
from site_builder.site.search import separate_table_cells
from site_builder.source.boundary import inside
from site_builder.source.parse import parse_file
from site_builder.translators.glossary import (
    glossary_path,
    glossary_rows,
    load_glossary,
)

log = get_plugin_logger(__name__)


def hand_page_html(html: str, *, uri: str, page_file: Path, docs_dir: Path, plan: SitePlan, site: SiteConfig,
                   lang: str, shown_in_english: bool, findings_folder: Path) -> str:
    """The body of a hand-written page at ``uri`` in ``lang`` (``html``: what Markdown made)."""
    if lang != SOURCE_LANGUAGE and not shown_in_english:
        # A translated hand-written page is a translator's text: untrusted, cleaned like notes.
        html = sanitize_page_html(html)
    if GLOSSARY_MARKER in html:
        html = html.replace(GLOSSARY_MARKER, glossary_table(plan, site, lang))
    html = separate_table_cells(html)  # the theme's indexer reads this page's text
    if "<!-- example:" in html:
        html = live_examples(html, page_file, lang, findings_folder, folders=(docs_dir, site.source_dir))
    if shown_in_english:
        notice = notice_html(plan, site, lang, text_key="page_fallback", here=plan.site_path(uri, lang))
        html = f'<p class="sb-notice">{notice}</p><div lang="{SOURCE_LANGUAGE}">{html}</div>'
    return html


def glossary_table(plan: SitePlan, site: SiteConfig, lang: str) -> str:
    """The glossary of every target language (English build) or of ``lang`` alone, as a table."""
    codes = site.target_languages if lang == SOURCE_LANGUAGE else (lang,)
    glossaries = {}
    for code in codes:
        try:
            glossary = load_glossary(glossary_path(site.translations_dir, code), code)
        except SiteBuilderError as err:
            log.warning("%s", err)
            continue
        glossaries[code] = glossary_rows(glossary)
    names = {language.code: language.name for language in plan.languages}
    return glossary_html(glossaries, lang, names)


def live_examples(html: str, page_file: Path, lang: str, findings_folder: Path,
                  folders: tuple[Path, ...]) -> str:
    """Each ``<!-- example: PATH -->`` (PATH relative to the page's file) -> the file and its page.

    PATH must really be (symlinks resolved) inside one of ``folders`` (the docs and source
    folders): a page must not publish a file from elsewhere on the machine."""
    counter = iter(range(1, 1000))

    def example(match: re.Match[str]) -> str:
        path = (page_file.parent / match.group("path")).resolve()
        if not any(inside(path, folder) for folder in folders):
            log.warning("%s: the example %s is refused, it leads outside the docs and source folders (to %s); "
                        "copy the file into one of them", path_shown_from(page_file, findings_folder),
                        match.group("path"), path)
            return ""
        try:
            source = parse_file(path, path.parent)
            return example_html(source, path.read_text(encoding="utf-8"), lang, number=next(counter))
        except FileNotFoundError:
            log.warning("%s: the example %s does not exist (its path is relative to the page's file)",
                        path_shown_from(page_file, findings_folder), match.group("path"))
        except SiteBuilderError as err:
            log.warning("%s", err)
        return ""

    return EXAMPLE_MARKER.sub(example, html)

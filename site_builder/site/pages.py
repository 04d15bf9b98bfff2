"""Generated pages stage: SitePlan + Corpus + language -> HTML of the pages no author writes.

Renders the home page listing the tutorials, the translation-status page, the glossary table
of the translation guide (rows from ``translators.glossary``), the notice above notes shown
in English, and puts a source page together: the plan's links and breadcrumbs around
:func:`site_builder.render.page.build_page`. Every text that reaches HTML here, English or
translated, is escaped at the point it becomes HTML. This module must not import MkDocs or
read or write files.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, Sequence
from urllib.parse import quote, urlencode

from site_builder.site.links import rewrite_note_links
from site_builder.site.plan import GUIDE_URI, HOME_URI, STATUS_URI, SitePlan, SourcePage, relative_url
from site_builder.site.ui import ui_text
from site_builder.site.navigation import CodeNavigation
from site_builder.site.notebooks import notebook_uri
from site_builder.config import SOURCE_LANGUAGE, SiteConfig
from site_builder.catalog.corpus import Corpus, CorpusFile, FileStats, language_stats
from site_builder.source.ids import file_anchor
from site_builder.translators.glossary import GlossaryRow
from site_builder.model import Finding, Page, SourceKind, UnitResult, UnitState
from site_builder.render.layout import PageChrome, page_html
from site_builder.render.page import PageSources, build_page, title_and_description
from site_builder.catalog.store import catalog_path
#: Where the guide's Markdown asks for the glossary table.
GLOSSARY_MARKER = "<!-- glossary -->"


def guide_path(plan: SitePlan, lang: str, config: SiteConfig) -> str:
    """Site path (or absolute URL) of the translation guide; '' when the site has none."""
    if re.match(r"^https?://", config.guide_url):
        return config.guide_url
    return plan.site_path(GUIDE_URI, lang) if plan.has_page(GUIDE_URI, lang) else ""


def notice_html(plan: SitePlan, config: SiteConfig, lang: str, *, here: str,
                file_id: str | None = None, text_key: str = "notice") -> str:
    """The notice above notes shown in English, linking to the guide and the status page.

    Args:
        here: site path of the page the notice is on (links are made relative to it).
        file_id: the source shown, so the status link lands on its row.
        text_key: which UI string to say (``notice`` for a block, ``page_fallback`` for a page).
    """
    ui = ui_text(lang)
    links = []
    guide = guide_path(plan, lang, config)
    if guide:
        href = guide if "://" in guide else relative_url(guide, here)
        links.append(f'<a href="{html.escape(href)}">{html.escape(ui["help_translate"])}</a>')
    status = plan.site_path(STATUS_URI, lang) + (f"#{file_anchor(file_id)}" if file_id else "")
    links.append(f'<a href="{html.escape(relative_url(status, here))}">'
                 f'{html.escape(ui["translation_status"])}</a>')
    return f'{html.escape(ui[text_key])} {" · ".join(links)}'


def breadcrumbs(plan: SitePlan, page: SourcePage, lang: str,
                folder_titles: Mapping[str, str] | None = None) -> tuple[tuple[str, str], ...]:
    """(label, relative href) for Home and each folder above the page (linked if it has an index).

    A folder is named by ``folder_titles`` (its index page's title in ``lang``), else its name.
    """
    here = plan.site_path(page.src_uri, lang)
    crumbs = [(ui_text(lang)["home"], relative_url(plan.site_path(HOME_URI, lang), here))]
    indexes = {posixpath.dirname(p.src_uri): p for p in plan.pages
               if posixpath.basename(p.src_uri) == "index.md"}
    parts = posixpath.dirname(page.file_id).split("/") if "/" in page.file_id else []
    for depth in range(len(parts)):
        folder = "/".join(parts[: depth + 1])
        index = indexes.get(folder)
        href = (relative_url(plan.site_path(index.src_uri, lang), here)
                if index is not None and index.src_uri != page.src_uri else "")
        crumbs.append(((folder_titles or {}).get(folder) or parts[depth], href))
    return tuple(crumbs)


def source_url(config: SiteConfig, page: SourcePage) -> str:
    """The "view source" link of a page ('' when no ``repo_url`` is configured)."""
    return f"{config.repo_url}/{quote(page.source_path)}" if config.repo_url else ""


# --- source pages -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """A source page rendered in one language: what the build writes, reports and indexes."""

    body: str
    """The page's HTML body (the theme puts it into its template)."""
    findings: tuple[Finding, ...]
    """Problems the build must report (a value shown in English, math that did not convert)."""
    page: Page
    """The rendered page as a value: its sections' notes feed the search index and the cards."""


def render_source_page(plan: SitePlan, config: SiteConfig, file: CorpusFile, page: SourcePage,
                       lang: str, *, navigation: CodeNavigation | None = None,
                       folder_titles: Mapping[str, str] | None = None) -> RenderedPage:
    """One source page in ``lang``: its HTML body, the findings to report, and the Page itself.

    A language whose cache could not be read (absent from ``file.translations``) shows every
    note in English, marked as such. With ``navigation``, names in the code link to their
    definitions and the page points at its card file. ``folder_titles`` (folder -> its index
    page's title in ``lang``) name the breadcrumbs.
    """
    translation = file.translations.get(lang)
    results = translation.results if translation else tuple(
        UnitResult(unit=unit, state=UnitState.MISSING) for unit in file.units)
    cache = catalog_path(config.translations_dir, page.file_id, lang)
    where = PageSources(source_file=file.source.path.absolute(), catalog_file=cache.absolute(),
                        catalog_lines=translation.catalog.lines if translation else {})
    links = navigation.page_links(page) if navigation is not None else ()
    built = build_page(file.source, results, lang, where=where,
                       image_prefix=_image_prefix(plan, page, lang), code_links=links)
    built = replace(built, sections=tuple(
        replace(section, notes_html=_linked_code(navigation, page,
                                                 rewrite_note_links(section.notes_html, plan, page, lang)))
        for section in built.sections))
    chrome = page_chrome(plan, config, page, lang, folder_titles)
    if navigation is not None and links:
        chrome = replace(chrome, cards_url=navigation.cards_url(page))
    return RenderedPage(body=page_html(built, page.kind, chrome),
                        findings=built.findings + source_findings(file, lang, navigation), page=built)


#: The checks of :func:`source_findings`: about the source, not a translation shown in English.
SOURCE_CHECKS = frozenset({"syntax", "long-line", "names"})


def source_findings(file: CorpusFile, lang: str, navigation: CodeNavigation | None = None
                    ) -> tuple[Finding, ...]:
    """What the build says about the source itself (Python cannot compile it, a line over the
    limit, code navigation left it out): once, with the English page, since every language
    shows the same code."""
    if lang != SOURCE_LANGUAGE:
        return ()
    left_out = navigation.index.findings.get(file.source.id, ()) if navigation is not None else ()
    return (*file.source.findings, *left_out)


def _linked_code(navigation: CodeNavigation | None, page: SourcePage, notes_html: str) -> str:
    return navigation.link_notes_code(page, notes_html) if navigation is not None else notes_html


def page_chrome(plan: SitePlan, config: SiteConfig, page: SourcePage, lang: str,
                folder_titles: Mapping[str, str] | None = None) -> PageChrome:
    """Breadcrumbs, view-source link and fallback notices of a source page, in ``lang``."""
    ui = ui_text(lang)
    here = plan.site_path(page.src_uri, lang)
    return PageChrome(
        breadcrumbs=breadcrumbs(plan, page, lang, folder_titles), source_url=source_url(config, page),
        source_label=ui["view_source"], crumbs_label=ui["breadcrumbs"],
        permalink_label=ui["permalink"],
        notebook_url=(relative_url(plan.language(lang).prefix + notebook_uri(page.src_uri), here)
                      if page.kind is SourceKind.PYTHON else ""),
        notebook_label=ui["open_notebook"],
        notice_html=notice_html(plan, config, lang, here=here, file_id=page.file_id),
        page_notice_html=notice_html(plan, config, lang, here=here, file_id=page.file_id,
                                     text_key="page_fallback"))


def _image_prefix(plan: SitePlan, page: SourcePage, lang: str) -> str:
    """What makes an image URL written relative to the source file work from the page's URL.

    Images beside the sources are copied into every language's site at their source path.
    """
    folder = posixpath.dirname(page.source_path)
    prefix = relative_url(plan.language(lang).prefix + (folder + "/" if folder else ""),
                          plan.site_path(page.src_uri, lang))
    return "" if prefix == "./" else prefix


# --- generated pages ------------------------------------------------------------------------------


def file_titles(file: CorpusFile, lang: str) -> tuple[str, str]:
    """A source's title and summary in ``lang`` (English where not translated)."""
    translation = file.translations.get(lang)
    results = translation.results if translation is not None else ()
    return title_and_description(file.source, results, lang)


def folder_title(index: CorpusFile, lang: str) -> str | None:
    """What a folder is called in ``lang``: the title of its index page (``__init__.py``), or
    None when that page has no title of its own (its file name stands in), so the folder's
    name is shown rather than ``__init__.py``."""
    title = file_titles(index, lang)[0]
    return None if title == index.source.path.name else title


def home_html(plan: SitePlan, corpus: Corpus, lang: str, site_name: str) -> str:
    """The home page: every source page in reading order, grouped by top-level folder, with
    title and summary (the first link is the page a reader should start with)."""
    ui = ui_text(lang)
    here = plan.site_path(HOME_URI, lang)
    by_id = {file.source.id: file for file in corpus.files}
    by_uri = {page.src_uri: page for page in plan.pages if page.file_id in by_id}
    groups: dict[str, list[SourcePage]] = {}
    for uri in plan.reading or sorted(by_uri):
        page = by_uri.get(uri)
        if page is not None and uri != HOME_URI:
            groups.setdefault(page.file_id.split("/")[0] if "/" in page.file_id else "", []).append(page)
    parts = [f"<h1>{html.escape(site_name)}</h1>", f"<p>{html.escape(ui['home_intro'])}</p>"]
    for folder, pages in groups.items():
        index = by_uri.get(f"{folder}/index.md")
        heading = ((folder_title(by_id[index.file_id], lang) if index is not None else None)
                   or folder or ui["other_pages"])
        parts.append(f'<h2 id="{html.escape(file_anchor(folder or "root"))}">{html.escape(heading)}</h2>')
        parts.append('<ol class="sb-home-list">')
        for page in pages:
            title, summary = file_titles(by_id[page.file_id], lang)
            href = relative_url(plan.site_path(page.src_uri, lang), here)
            summary_html = f'<br><span class="sb-summary">{html.escape(summary)}</span>' if summary else ""
            parts.append(f'<li><a href="{html.escape(href)}">{html.escape(title)}</a>{summary_html}</li>')
        parts.append("</ol>")
    parts.append(_home_footer(plan, lang, here, ui))
    return "\n".join(parts)


def _home_footer(plan: SitePlan, lang: str, here: str, ui: Mapping[str, str]) -> str:
    links = []
    if plan.has_page(GUIDE_URI, lang):
        links.append((ui["translation_guide"], plan.site_path(GUIDE_URI, lang)))
    links.append((ui["translation_status"], plan.site_path(STATUS_URI, lang)))
    items = " · ".join(f'<a href="{html.escape(relative_url(path, here))}">{html.escape(label)}</a>'
                       for label, path in links)
    return f'<p class="sb-home-footer">{items}</p>'


def status_html(plan: SitePlan, corpus: Corpus, lang: str, workbench_url: str = "") -> str:
    """Coverage per page: a table per target language (all of them on the English site).

    ``workbench_url`` (a local preview's, from ``SiteConfig.workbench_url``): each file's
    missing and fuzzy counts link to the workbench opened on that file and filter."""
    ui = ui_text(lang)
    here = plan.site_path(STATUS_URI, lang)
    targets = corpus.languages if lang == SOURCE_LANGUAGE else tuple(
        code for code in corpus.languages if code == lang)
    parts = [f"<h1>{html.escape(ui['translation_status'])}</h1>", f"<p>{html.escape(ui['status_intro'])}</p>"]
    if not targets:
        parts.append(f"<p>{html.escape(ui['no_languages'])}</p>")
    for code in targets:
        if lang == SOURCE_LANGUAGE:
            parts.append(f'<h2 id="lang-{code}">{html.escape(plan.language(code).name)}</h2>')
        parts.append(_status_table(plan, corpus, code, lang, here, workbench_url))
    errors = [str(err) for err in corpus.errors
              if lang == SOURCE_LANGUAGE or f".{lang}." in str(err.location.path or "")]
    if errors:
        items = "".join(f"<li><code>{html.escape(text)}</code></li>" for text in errors)
        parts.append(f'<p>{html.escape(ui["cache_errors"])}</p><ul class="sb-errors">{items}</ul>')
    return "\n".join(parts)


def _status_table(plan: SitePlan, corpus: Corpus, code: str, lang: str, here: str,
                  workbench_url: str = "") -> str:
    ui = ui_text(lang)
    stats = language_stats(corpus, code)
    pages = {page.file_id: page for page in plan.pages}
    titles = {file.source.id: file_titles(file, lang)[0] for file in corpus.files}
    columns = ("col_page", "col_units", "col_translated", "col_missing", "col_fuzzy",
               "col_orphaned", "col_coverage")
    head = "".join(f"<th>{html.escape(ui[name])}</th>" for name in columns)
    rows = []
    for file_id, counts in stats.items():
        page = pages.get(file_id)
        label = html.escape(titles.get(file_id, file_id))
        if page is not None:
            href = relative_url(plan.site_path(page.src_uri, code), here)
            label = f'<a href="{html.escape(href)}">{label}</a> <code>{html.escape(page.source_path)}</code>'
        else:
            label = f"<code>{html.escape(file_id)}</code> ({html.escape(ui['no_source'])})"
        rows.append(_status_row(file_anchor(file_id), label, counts,
                                _workbench_links(workbench_url, code, file_id) if workbench_url else None))
    total = sum(stats.values(), FileStats())
    rows.append(_status_row("", f"<strong>{html.escape(ui['total'])}</strong>", total))
    return (f'<table data-sb-table="status" data-lang="{code}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _workbench_links(url: str, code: str, file_id: str) -> dict[int, str]:
    """Column -> the workbench address that opens the file on that filter (no token)."""
    base = url.rstrip("/") + "/"
    return {column: f"{base}?{urlencode({'lang': code, 'file': file_id, 'show': show})}"
            for column, show in ((2, "missing"), (3, "fuzzy"))}


def _status_row(anchor: str, label: str, counts: FileStats, links: Mapping[int, str] | None = None) -> str:
    percent = "–" if counts.percent is None else f"{counts.percent:.0f}%"
    cells = (counts.units, counts.translated, counts.missing, counts.fuzzy, counts.orphaned)
    ident = f' id="{anchor}"' if anchor else ""
    numbers = "".join(
        f'<td><a href="{html.escape((links or {})[column])}" rel="noopener">{value}</a></td>'
        if links and column in links and value else f"<td>{value}</td>"
        for column, value in enumerate(cells, 1))
    return f"<tr{ident}><td>{label}</td>{numbers}<td>{percent}</td></tr>"


def glossary_html(glossaries: Mapping[str, Sequence[GlossaryRow]], lang: str,
                  names: Mapping[str, str]) -> str:
    """The glossary table(s) of the guide: ``lang``'s own, or every language's on the English guide."""
    ui = ui_text(lang)
    codes = sorted(glossaries) if lang == SOURCE_LANGUAGE else [lang]
    head = "".join(f"<th>{html.escape(ui[k])}</th>" for k in
                   ("glossary_term", "glossary_translation", "glossary_avoid", "glossary_note"))
    parts = []
    for code in codes:
        rows = glossaries.get(code)
        if lang == SOURCE_LANGUAGE:
            parts.append(f"<h3>{html.escape(names.get(code, code))}</h3>")
        if not rows:
            parts.append(f"<p>{html.escape(ui['glossary_none'])}</p>")
            continue
        # A line break between cells: invisible in the table, but the search indexer reads
        # text, and without it a row's words run together ("tensorテンソル").
        body = "".join(
            f'<tr><td lang="{SOURCE_LANGUAGE}">{html.escape(row.en)}</td>\n'
            f'<td lang="{html.escape(code)}">{html.escape(row.use)}</td>\n'
            f'<td lang="{html.escape(code)}">{html.escape(row.avoid)}</td>\n'
            f"<td>{html.escape(row.note)}</td></tr>\n" for row in rows)
        parts.append(f'<table data-sb-table="glossary" data-lang="{html.escape(code)}"><thead><tr>{head}</tr>'
                     f"</thead><tbody>{body}</tbody></table>")
    return "\n".join(parts) or f"<p>{html.escape(ui['glossary_none'])}</p>"

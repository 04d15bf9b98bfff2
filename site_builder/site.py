"""Site plan stage: SiteConfig + sources + hand-written pages -> SitePlan, and the generated pages.

The plan says which pages exist at which URL in each language (English at the root, every
other language under ``<code>/``), where the language switcher and ``hreflang`` links of a
page point (always the same page in the other language, or that language's home page if
the page does not exist there), and the canonical URL. It also renders the pages no author
writes: the home page listing the tutorials, the translation-status page, the glossary table
of the translation guide (rows from glossary.py), and the notice above notes shown in English;
and it puts a source page together (site links + :func:`site_builder.page.build_page`). This module must not
import MkDocs, read or write files (except its own UI-string table), or render notes.
"""

from __future__ import annotations

import functools
import html
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence
from urllib.parse import quote

from .config import SOURCE_LANGUAGE, SiteConfig
from .corpus import Corpus, CorpusFile, FileStats, language_stats
from .glossary import GlossaryRow
from .model import Finding, SourceFile, SourceKind, UnitResult, UnitState
from .page import PageChrome, PageSources, build_page, page_html, title_and_description
from .store import catalog_path

#: Generated pages, as MkDocs source URIs (relative to docs_dir).
HOME_URI = "index.md"
STATUS_URI = "translation-status.md"
#: The hand-written translation guide (``docs/translation-guide.md`` and ``.<lang>.md``).
GUIDE_URI = "translation-guide.md"
#: Where the guide's Markdown asks for the glossary table.
GLOSSARY_MARKER = "<!-- glossary -->"

_UI_STRINGS = Path(__file__).with_name("ui_strings.json")


@dataclass(frozen=True, slots=True)
class Language:
    """One language of the site."""

    code: str
    name: str
    """The language's name in its own language (Babel), e.g. ``日本語``."""
    prefix: str
    """URL prefix of its pages: '' for English, ``ja/`` for Japanese."""

    @property
    def hreflang(self) -> str:
        return self.code.replace("_", "-")


@dataclass(frozen=True, slots=True)
class SourcePage:
    """A page made from an annotated source file."""

    file_id: str
    src_uri: str
    """MkDocs source URI of the generated page (``capsule_networks/index.md``)."""
    source_path: str
    """The source file, relative to the source root (``capsule_networks/__init__.py``)."""
    kind: SourceKind


@dataclass(frozen=True, slots=True)
class Alternate:
    """The same page in one language, as the switcher and ``hreflang`` need it."""

    lang: Language
    href: str
    """Relative to the current page, so the site works from any host or folder."""
    url: str
    """Absolute (from ``site_url``); '' when the site has no ``site_url``."""
    current: bool


@dataclass(frozen=True, slots=True)
class SitePlan:
    """Which pages exist at which URLs, in every language."""

    languages: tuple[Language, ...]
    pages: tuple[SourcePage, ...]
    docs: Mapping[str, frozenset[str]]
    """Hand-written page URI (language suffix removed) -> languages with their own version."""
    use_directory_urls: bool = False
    site_url: str = ""
    """The English site's absolute URL, ending in '/', or ''."""

    def language(self, code: str) -> Language:
        return next(lang for lang in self.languages if lang.code == code)

    def url(self, src_uri: str) -> str:
        """URL of a page inside one language's site (``capsule_networks/index.html``)."""
        return page_url(src_uri, self.use_directory_urls)

    def has_page(self, src_uri: str, lang: str) -> bool:
        """Whether ``src_uri`` exists in ``lang`` (hand-written pages fall back to English)."""
        if src_uri in self.docs:
            return bool(self.docs[src_uri] & {lang, SOURCE_LANGUAGE})
        return src_uri in (HOME_URI, STATUS_URI) or any(p.src_uri == src_uri for p in self.pages)

    def site_path(self, src_uri: str, lang: str) -> str:
        """Path of a page from the root of the whole (all-language) site."""
        return self.language(lang).prefix + self.url(src_uri)


def language_name(code: str) -> str:
    """The language's name in its own language, from Babel's locale data (the code if unknown)."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return code
    return (name[:1].upper() + name[1:]) if name else code


def plan_site(config: SiteConfig, sources: Iterable[SourceFile], docs_uris: Iterable[str], *,
              use_directory_urls: bool = False, site_url: str = "") -> SitePlan:
    """Plan the site: a page per source, the hand-written pages, the generated ones.

    ``docs_uris`` are the Markdown pages of the docs folder (``translation-guide.ja.md``...).
    """
    languages = tuple(Language(code, language_name(code), "" if code == SOURCE_LANGUAGE else f"{code}/")
                      for code in config.languages)
    docs = docs_variants(docs_uris, config.languages)
    reserved = {HOME_URI, STATUS_URI, *docs}
    pages = _source_pages(config, sources, reserved, use_directory_urls)
    base = site_url if not site_url or site_url.endswith("/") else site_url + "/"
    return SitePlan(languages=languages, pages=pages, docs=docs,
                    use_directory_urls=use_directory_urls, site_url=base)


def docs_variants(uris: Iterable[str], languages: Sequence[str]) -> dict[str, frozenset[str]]:
    """``guide.ja.md`` and ``guide.md`` -> {``guide.md``: {ja, en}} (a bare name is English)."""
    variants: dict[str, set[str]] = {}
    for uri in uris:
        base, lang = split_language_suffix(uri, languages)
        variants.setdefault(base, set()).add(lang or SOURCE_LANGUAGE)
    return {base: frozenset(langs) for base, langs in sorted(variants.items())}


def split_language_suffix(uri: str, languages: Sequence[str]) -> tuple[str, str | None]:
    """``a/guide.ja.md`` -> (``a/guide.md``, ``ja``); a name without a known language -> (uri, None)."""
    stem, ext = posixpath.splitext(uri)
    head, dot, lang = stem.rpartition(".")
    if dot and lang in languages:
        return head + ext, lang
    return uri, None


def _source_pages(config: SiteConfig, sources: Iterable[SourceFile], reserved: set[str],
                  use_directory_urls: bool) -> tuple[SourcePage, ...]:
    """A page URI per source; ``__init__`` becomes its folder's index and claims it first."""
    ordered = sorted(sources, key=lambda s: (posixpath.basename(s.id) != "__init__", s.id))
    taken = {page_url(uri, use_directory_urls) for uri in reserved}
    pages = []
    for source in ordered:
        folder, name = posixpath.split(source.id)
        uri = posixpath.join(folder, "index.md" if name == "__init__" else f"{name}.md")
        if page_url(uri, use_directory_urls) in taken:
            # Two sources (or a source and a site page) would share a URL: keep both, the
            # later one under a name MkDocs never treats as an index.
            uri = posixpath.join(folder, f"{name}-{source.kind.value}.md")
        taken.add(page_url(uri, use_directory_urls))
        pages.append(SourcePage(file_id=source.id, src_uri=uri, kind=source.kind,
                                source_path=_relative_source_path(source, config.source_dir)))
    return tuple(sorted(pages, key=lambda page: page.file_id))


def _relative_source_path(source: SourceFile, root: Path) -> str:
    try:
        return Path(source.path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        suffix = ".md" if source.kind is SourceKind.MARKDOWN else ".py"
        return source.id + suffix


def page_url(src_uri: str, use_directory_urls: bool) -> str:
    """The URL MkDocs gives a page (``a/index.md`` -> ``a/index.html`` or ``a/``)."""
    folder, filename = posixpath.split(src_uri)
    stem = posixpath.splitext(filename)[0]
    if stem in ("index", "README"):
        if use_directory_urls:
            return f"{folder}/" if folder else ""
        return posixpath.join(folder, "index.html")
    if use_directory_urls:
        return posixpath.join(folder, stem) + "/"
    return posixpath.join(folder, stem + ".html")


def relative_url(target: str, current: str) -> str:
    """A link from the page at ``current`` to ``target`` (both paths from the site root)."""
    path, hash_mark, fragment = target.partition("#")
    base = posixpath.dirname("/" + current)
    rel = posixpath.relpath("/" + path, base)
    if path == "" or path.endswith("/"):
        rel = "./" if rel == "." else rel.rstrip("/") + "/"
    return rel + hash_mark + fragment


# --- languages: switcher, hreflang, canonical ---------------------------------------------------


def alternates(plan: SitePlan, src_uri: str, lang: str) -> tuple[Alternate, ...]:
    """The page in every language, for the switcher and ``hreflang`` (current language included)."""
    here = plan.site_path(src_uri, lang)
    links = []
    for language in plan.languages:
        target = src_uri if plan.has_page(src_uri, language.code) else HOME_URI
        path = plan.site_path(target, language.code)
        links.append(Alternate(lang=language, href=relative_url(path, here),
                               url=plan.site_url + path if plan.site_url else "",
                               current=language.code == lang))
    return tuple(links)


def canonical_url(plan: SitePlan, src_uri: str, lang: str) -> str:
    """The page's absolute URL in its own language ('' without ``site_url``)."""
    return plan.site_url + plan.site_path(src_uri, lang) if plan.site_url else ""


def head_links(plan: SitePlan, src_uri: str, lang: str) -> str:
    """``<link rel=canonical>`` and one ``<link rel=alternate hreflang>`` per language + x-default."""
    links = alternates(plan, src_uri, lang)
    canonical = canonical_url(plan, src_uri, lang)
    parts = [f'<link rel="canonical" href="{html.escape(canonical)}">'] if canonical else []
    for alt in links:
        parts.append(f'<link rel="alternate" hreflang="{alt.lang.hreflang}" '
                     f'href="{html.escape(alt.url or alt.href)}">')
    english = next(alt for alt in links if alt.lang.code == SOURCE_LANGUAGE)
    parts.append(f'<link rel="alternate" hreflang="x-default" href="{html.escape(english.url or english.href)}">')
    return "\n".join(parts)


# --- UI strings and chrome ----------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _ui_table() -> Mapping[str, Mapping[str, str]]:
    return json.loads(_UI_STRINGS.read_text(encoding="utf-8"))


def ui_text(lang: str) -> dict[str, str]:
    """UI strings in ``lang``, English for any string (or language) the table lacks."""
    table = _ui_table()
    base = lang.replace("_", "-").split("-")[0]
    return {**table[SOURCE_LANGUAGE], **table.get(base, {}), **table.get(lang, {})}


def status_anchor(file_id: str) -> str:
    """The id of a file's row on the status page."""
    return "file-" + re.sub(r"[^A-Za-z0-9_-]+", "-", file_id)


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
    status = plan.site_path(STATUS_URI, lang) + (f"#{status_anchor(file_id)}" if file_id else "")
    links.append(f'<a href="{html.escape(relative_url(status, here))}">'
                 f'{html.escape(ui["translation_status"])}</a>')
    return f'{html.escape(ui[text_key])} {" · ".join(links)}'


def breadcrumbs(plan: SitePlan, page: SourcePage, lang: str) -> tuple[tuple[str, str], ...]:
    """(label, relative href) for Home and each folder above the page (linked if it has an index)."""
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
        crumbs.append((parts[depth], href))
    return tuple(crumbs)


def source_url(config: SiteConfig, page: SourcePage) -> str:
    """The "view source" link of a page ('' when no ``repo_url`` is configured)."""
    return f"{config.repo_url}/{quote(page.source_path)}" if config.repo_url else ""


# --- source pages -------------------------------------------------------------------------------


def render_source_page(plan: SitePlan, config: SiteConfig, file: CorpusFile, page: SourcePage,
                       lang: str) -> tuple[str, tuple[Finding, ...]]:
    """One source page in ``lang``: its HTML body and the findings the build must report.

    A language whose cache could not be read (absent from ``file.translations``) shows every
    note in English, marked as such.
    """
    translation = file.translations.get(lang)
    results = translation.results if translation else tuple(
        UnitResult(unit=unit, state=UnitState.MISSING) for unit in file.units)
    cache = catalog_path(config.translations_dir, page.file_id, lang)
    where = PageSources(source_file=page.source_path,
                        catalog_file=_relative_to(cache, config.translations_dir),
                        catalog_lines=translation.catalog.lines if translation else {})
    built = build_page(file.source, results, lang, where=where,
                       image_prefix=_image_prefix(plan, page, lang))
    return page_html(built, page.kind, page_chrome(plan, config, page, lang)), built.findings


def page_chrome(plan: SitePlan, config: SiteConfig, page: SourcePage, lang: str) -> PageChrome:
    """Breadcrumbs, view-source link and fallback notices of a source page, in ``lang``."""
    ui = ui_text(lang)
    here = plan.site_path(page.src_uri, lang)
    return PageChrome(
        breadcrumbs=breadcrumbs(plan, page, lang), source_url=source_url(config, page),
        source_label=ui["view_source"], crumbs_label=ui["breadcrumbs"],
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


def _relative_to(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


# --- generated pages ------------------------------------------------------------------------------


def file_titles(file: CorpusFile, lang: str) -> tuple[str, str]:
    """A source's title and summary in ``lang`` (English where not translated)."""
    translation = file.translations.get(lang)
    results = translation.results if translation is not None else ()
    return title_and_description(file.source, results, lang)


def home_html(plan: SitePlan, corpus: Corpus, lang: str, site_name: str) -> str:
    """The home page: every source page grouped by top-level folder, with title and summary."""
    ui = ui_text(lang)
    here = plan.site_path(HOME_URI, lang)
    by_id = {file.source.id: file for file in corpus.files}
    groups: dict[str, list[SourcePage]] = {}
    for page in plan.pages:
        if page.file_id in by_id:
            groups.setdefault(page.file_id.split("/")[0] if "/" in page.file_id else "", []).append(page)
    parts = [f"<h1>{html.escape(site_name)}</h1>", f"<p>{html.escape(ui['home_intro'])}</p>"]
    for folder, pages in sorted(groups.items(), key=lambda item: (item[0] == "", item[0])):
        pages.sort(key=lambda p: (p.src_uri != f"{folder}/index.md", p.file_id))
        heading = (file_titles(by_id[pages[0].file_id], lang)[0]
                   if pages[0].src_uri == f"{folder}/index.md" else folder or ui["other_pages"])
        parts.append(f'<h2 id="{html.escape(status_anchor(folder or "root"))}">{html.escape(heading)}</h2>')
        parts.append('<ul class="sb-home-list">')
        for page in pages:
            title, summary = file_titles(by_id[page.file_id], lang)
            href = relative_url(plan.site_path(page.src_uri, lang), here)
            summary_html = f'<br><span class="sb-summary">{html.escape(summary)}</span>' if summary else ""
            parts.append(f'<li><a href="{html.escape(href)}">{html.escape(title)}</a>{summary_html}</li>')
        parts.append("</ul>")
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


def status_html(plan: SitePlan, corpus: Corpus, lang: str) -> str:
    """Coverage per page: a table per target language (all of them on the English site)."""
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
        parts.append(_status_table(plan, corpus, code, lang, here))
    errors = [str(err) for err in corpus.errors
              if lang == SOURCE_LANGUAGE or f".{lang}." in str(err.location.path or "")]
    if errors:
        items = "".join(f"<li><code>{html.escape(text)}</code></li>" for text in errors)
        parts.append(f'<p>{html.escape(ui["cache_errors"])}</p><ul class="sb-errors">{items}</ul>')
    return "\n".join(parts)


def _status_table(plan: SitePlan, corpus: Corpus, code: str, lang: str, here: str) -> str:
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
        rows.append(_status_row(status_anchor(file_id), label, counts))
    total = sum(stats.values(), FileStats())
    rows.append(_status_row("", f"<strong>{html.escape(ui['total'])}</strong>", total))
    return (f'<table data-sb-table="status" data-lang="{code}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _status_row(anchor: str, label: str, counts: FileStats) -> str:
    percent = "–" if counts.percent is None else f"{counts.percent:.0f}%"
    cells = (counts.units, counts.translated, counts.missing, counts.fuzzy, counts.orphaned)
    ident = f' id="{anchor}"' if anchor else ""
    numbers = "".join(f"<td>{value}</td>" for value in cells)
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
        body = "".join(
            f'<tr><td lang="{SOURCE_LANGUAGE}">{html.escape(row.en)}</td>'
            f'<td lang="{html.escape(code)}">{html.escape(row.use)}</td>'
            f'<td lang="{html.escape(code)}">{html.escape(row.avoid)}</td>'
            f"<td>{html.escape(row.note)}</td></tr>" for row in rows)
        parts.append(f'<table data-sb-table="glossary" data-lang="{html.escape(code)}"><thead><tr>{head}</tr>'
                     f"</thead><tbody>{body}</tbody></table>")
    return "\n".join(parts) or f"<p>{html.escape(ui['glossary_none'])}</p>"

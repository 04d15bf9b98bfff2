"""Site plan stage: SiteConfig + sources + hand-written pages -> SitePlan (which page is at which URL).

The plan says which pages exist at which URL in each language (English at the root, every
other language under ``<code>/``), where the language switcher and ``hreflang`` links of a
page point (the same page in the other language, or that language's home page when the page
does not exist there), and the canonical URL. Every later stage asks the plan for URLs
instead of building them. This module must not import MkDocs, read or write files, or
render anything.
"""

from __future__ import annotations

import functools
import html
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from site_builder.site.order import reading_order
from site_builder.site.ui import language_name
from site_builder.config import SOURCE_LANGUAGE, SiteConfig
from site_builder.model import SourceFile, SourceKind

#: Generated pages, as MkDocs source URIs (relative to docs_dir).
HOME_URI = "index.md"
STATUS_URI = "translation-status.md"
#: The hand-written translation guide (``docs/translation-guide.md`` and ``.<lang>.md``).
GUIDE_URI = "translation-guide.md"


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
    reading: tuple[str, ...] = ()
    """Source pages' URIs in reading order (front matter ``order``, then source order)."""

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


def plan_site(config: SiteConfig, sources: Iterable[SourceFile], docs_uris: Iterable[str], *,
              use_directory_urls: bool = False, site_url: str = "") -> SitePlan:
    """Plan the site: a page per source, the hand-written pages, the generated ones.

    ``docs_uris`` are the Markdown pages of the docs folder (``translation-guide.ja.md``...).
    """
    languages = tuple(Language(code, language_name(code), "" if code == SOURCE_LANGUAGE else f"{code}/")
                      for code in config.languages)
    docs = docs_variants(docs_uris, config.languages)
    sources = list(sources)
    home = None if HOME_URI in docs else home_source(sources)
    reserved = {STATUS_URI, *docs} | ({HOME_URI} if home is None else set())
    pages = _source_pages(config, sources, reserved, use_directory_urls, home=home)
    base = site_url if not site_url or site_url.endswith("/") else site_url + "/"
    return SitePlan(languages=languages, pages=pages, docs=docs,
                    use_directory_urls=use_directory_urls, site_url=base,
                    reading=reading_order(pages, {source.id: source for source in sources}))


def home_source(sources: Sequence[SourceFile]) -> SourceFile | None:
    """The Markdown ``README.md`` (or ``index.md``) at the source root: the site's home page."""
    candidates = {source.id.lower(): source for source in sources
                  if source.kind is SourceKind.MARKDOWN and "/" not in source.id}
    return candidates.get("readme") or candidates.get("index")


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
                  use_directory_urls: bool, *, home: SourceFile | None = None) -> tuple[SourcePage, ...]:
    """A page URI per source; ``__init__`` becomes its folder's index and claims it first,
    the source root's readme becomes the home page."""
    ordered = sorted(sources, key=lambda s: (s is not home, posixpath.basename(s.id) != "__init__", s.id))
    taken = {page_url(uri, use_directory_urls) for uri in reserved}
    pages = []
    for source in ordered:
        folder, name = posixpath.split(source.id)
        uri = posixpath.join(folder, "index.md" if name == "__init__" else f"{name}.md")
        if source is home:
            uri = HOME_URI
        if page_url(uri, use_directory_urls) in taken:
            # Two sources (or a source and a site page) would share a URL: keep both, the
            # later one under a name MkDocs never treats as an index.
            uri = posixpath.join(folder, f"{name}-{source.kind.value}.md")
        taken.add(page_url(uri, use_directory_urls))
        pages.append(SourcePage(file_id=source.id, src_uri=uri, kind=source.kind,
                                # The file id is the path below the source root, less the suffix.
                                source_path=source.id + Path(source.path).suffix))
    return tuple(sorted(pages, key=lambda page: page.file_id))


# Cached: every page, link and alternate asks for the same few hundred URLs, again per language.
@functools.lru_cache(maxsize=65536)
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

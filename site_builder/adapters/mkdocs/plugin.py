"""The MkDocs adapter: plugin events that convert between MkDocs objects and the core's values.

Registered as the ``site_builder`` entry point of ``mkdocs.plugins``. One MkDocs build per
language: the English build (the one ``mkdocs build`` or ``mkdocs serve`` starts) renders the
site at ``/`` and, when it is done, runs a build per other language into ``<site_dir>/<code>/``
(:meth:`SiteBuilderPlugin.build_language`), each with Material's UI strings and its own search
index in that language. The events only convert: typed options -> one :class:`SiteConfig`
(``on_config``; ``site-builder build`` hands its own over instead, see
:mod:`site_builder.adapters.mkdocs.driver`), the core's site plan -> generated MkDocs files
(``on_files``), the core's page HTML -> page content (``on_page_content``), per-page
language links -> template context (``on_page_context``), source and translation folders ->
watched paths (``on_serve``).
Problems that must not stop a build (a broken cache, a bad translated value, math that does
not convert) are logged as warnings, so ``--strict`` fails on them. Everything else lives in
the core; only this folder (``site_builder/adapters/mkdocs/``) imports MkDocs. This module
does not import the driver: the driver drives MkDocs, MkDocs loads the plugin.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, ClassVar

import jinja2
import jinja2.bccache
import yaml
from mkdocs.commands.build import build
from mkdocs.config import base, load_config
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page as MkDocsPage

from site_builder.adapters.mkdocs.guard import guard_config
from site_builder.config import (
    DEFAULT_GUIDE_URL,
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_MAX_LINE_CHARS,
    DEFAULT_INCLUDE,
    DEFAULT_SOURCE_DIR,
    DEFAULT_TRANSLATIONS_DIR,
    DOCSTRING_STYLES,
    SOURCE_LANGUAGE,
    SiteConfig,
)
from site_builder.cache import CACHE_FOLDER, BuildCache
from site_builder.catalog.corpus import Corpus, CorpusFile, load_corpus
from site_builder.names.index import index_names
from site_builder.names.model import NameIndex
from site_builder.source.boundary import Refused, files_under
from site_builder.source.parse import parse_file
from site_builder.errors import ConfigError, SiteBuilderError
from site_builder.fileio import write_atomic
from site_builder.render.sanitize import sanitize_page_html, text_html
from site_builder.names.links import linked_definitions
from site_builder.site.csp import (
    allow_scripts,
    content_security_policy,
    inline_scripts,
    template_script_hashes,
)
from site_builder.translators.glossary import glossary_path, glossary_rows, load_glossary
from site_builder.model import Finding, path_shown_from
from site_builder.site.pages import (
    GLOSSARY_MARKER,
    SOURCE_CHECKS,
    file_titles,
    glossary_html,
    home_html,
    notice_html,
    render_source_page,
    status_html,
)
from site_builder.site.examples import EXAMPLE_MARKER, example_html
from site_builder.site.plan import (
    HOME_URI,
    STATUS_URI,
    SitePlan,
    SourcePage,
    alternates,
    canonical_url,
    head_links,
    plan_site,
    split_language_suffix,
)
from site_builder.site.ui import language_name, ui_text
from site_builder.site.order import front_matter_order, site_nav
from site_builder.site.audit import site_findings
from site_builder.site.notebooks import has_notebook, notebook_bytes, notebook_uri
from site_builder.site.search import index_json, merged_index, page_entries, segmenter, separate_table_cells
from site_builder.site.navigation import CodeNavigation

log = get_plugin_logger(__name__)

THEME_DIR = Path(__file__).with_name("theme")
#: Engine-neutral assets of the generator (math font and CSS, highlighting CSS).
ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets"
#: Where the renderers' static files (math font, math.css, pygments css) land in the site.
ASSETS_URI = "assets/site_builder"
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif"}
# Languages Material's search (lunr) can tokenise; others get the English pipeline.
_LUNR_LANGUAGES = set("ar da de du el en es fi fr he hi hu hy it ja jp kn ko nl no pt ro ru "
                      "sa sv ta te th tr vi zh".split())


class PluginOptions(base.Config):
    """The plugin's options in ``mkdocs.yml`` (``plugins: - site_builder: {...}``)."""

    # The meaning of each option is documented once, on SiteConfig's field of the same name.
    source_dir = c.Type(str, default=DEFAULT_SOURCE_DIR)
    translations_dir = c.Type(str, default=DEFAULT_TRANSLATIONS_DIR)
    languages = c.ListOfItems(c.Type(str), default=[SOURCE_LANGUAGE])
    repo_url = c.Type(str, default="")
    include = c.ListOfItems(c.Type(str), default=list(DEFAULT_INCLUDE))
    exclude = c.ListOfItems(c.Type(str), default=[])
    guide_url = c.Type(str, default=DEFAULT_GUIDE_URL)
    max_file_bytes = c.Type(int, default=DEFAULT_MAX_FILE_BYTES)
    max_line_chars = c.Type(int, default=DEFAULT_MAX_LINE_CHARS)
    docstring_style = c.Choice(DOCSTRING_STYLES, default="auto")
    # The site's name in other languages ({ja: ...}); MkDocs' site_name is the English one.
    site_names = c.DictOfItems(c.Type(str), default={})

    def site_config(self, base_dir: Path) -> SiteConfig:
        """The options as the core's config, folders relative to ``base_dir`` (mkdocs.yml's)."""
        return SiteConfig(source_dir=base_dir / self.source_dir,
                          translations_dir=base_dir / self.translations_dir,
                          languages=tuple(self.languages), repo_url=self.repo_url,
                          include=tuple(self.include), exclude=tuple(self.exclude),
                          guide_url=self.guide_url, max_file_bytes=self.max_file_bytes,
                          max_line_chars=self.max_line_chars, docstring_style=self.docstring_style)


@dataclass(slots=True)
class SharedBuild:
    """What the English build hands to the other languages' builds: loaded once, read by all."""

    site: SiteConfig
    corpus: Corpus
    root_site_url: str
    findings_folder: Path
    """Warnings name files relative to this folder (see ``SiteBuilderPlugin.findings_folder``)."""
    math_failures: int = 0
    fallbacks: dict[str, int] = field(default_factory=dict)
    names: NameIndex | None = None
    """Where each name in the code is defined: resolved once, by the first build that needs it."""
    live: dict[str, Any] = field(default_factory=dict)
    cache: BuildCache = field(default_factory=lambda: BuildCache(None))
    """Rendered pages and compiled templates kept across builds (see ``core.cache``)."""
    """Language -> the plugin of its last build, whose state ``serve`` renders single pages with."""


class SiteBuilderPlugin(BasePlugin[PluginOptions]):
    """Side-by-side pages for every source, in every configured language."""

    def __init__(self) -> None:
        super().__init__()
        self.language = SOURCE_LANGUAGE
        """The language this build renders; set by the English build for the others."""
        self.shared: SharedBuild | None = None
        """Set by the English build for the others; None in the English build itself."""
        self.site_config: SiteConfig | None = None
        """Set by ``site-builder build/serve`` to the config it made (flags over these options);
        None: made from this plugin's options."""
        self.findings_folder: Path | None = None
        """Where warnings' paths are relative to: set by ``site-builder`` to the working
        folder; None: the config file's folder."""
        self.plan: SitePlan | None = None
        self.generated: dict[str, SourcePage] = {}
        """Generated page URI -> the source page it shows."""
        self.corpus_files: dict[str, CorpusFile] = {}
        self.english_docs: set[str] = set()
        self.navigation: CodeNavigation | None = None
        """This language's code links and rendered pages, for the card files (set in on_files)."""
        self.search_entries: dict[str, list[dict[str, str]]] = {}
        """Page URL -> its search entries, for this language's source pages in render order."""
        self.theme_index: tuple[dict[str, Any], dict[str, list[dict[str, Any]]]] = ({}, {})
        """Material's index of the other pages: its config, and page URL -> its entries."""
        self.live_state: tuple[MkDocsConfig, Files, Any, Any] | None = None
        """(config, files, navigation, template env) of this build, kept for ``serve``."""
        self._nav: Navigation | None = None
        self._digest: str | None = None
        self._index_parts: dict[int, tuple[list[dict[str, Any]], str]] = {}
        self._page_keys: dict[str, tuple[CorpusFile, tuple, str]] = {}
        """File id -> (the file and links its page's cache key was made from, the key)."""
        self.cache_folder: Path | None = None
        """Where the build cache lives: set by ``site-builder``; None: ``.cache/site_builder``
        beside mkdocs.yml."""
        self.language_pool: Any = None
        """Set by ``site-builder build --jobs N`` (the driver's ``LanguagePool``): other processes
        build some of the other languages; None: this build builds them all, one after another."""
        self.release_when_written = False
        """Set by ``site-builder build``: drop each language's pages once they are written
        (``_release_pages``); False keeps them, as ``serve`` and a plain ``mkdocs build`` do."""
        self.page_claims: Any = None
        """Set in a parallel build (the pool's ``PageClaims``): which process renders which page
        of the other languages; None: this process renders every page of its build."""
        self._page_index: dict[str, int] = {}
        """File id -> its page's place in the plan (the same in every process of a build)."""
        self.folder_titles: dict[str, str] = {}
        """Folder -> its index page's title in this language (navigation, breadcrumbs)."""
        self.user_nav: list | None = None
        """The author's ``nav:`` of mkdocs.yml ([] without one), before reading_nav replaces it."""
        self.segment: Callable[[str], str] | None = None
        """Word segmentation of this language's search text (set in on_files; None: none needed)."""

    @property
    def is_primary(self) -> bool:
        return self.language == SOURCE_LANGUAGE

    @event_priority(50)  # before Material's search plugin reads the theme language
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.user_nav = self.user_nav if self.user_nav is not None else (config.nav or [])
        if "navigation.footer" not in config.theme.get("features", []):  # previous/next links
            config.theme["features"] = [*config.theme.get("features", []), "navigation.footer"]
        try:
            mended = guard_config(config)
        except ConfigError as err:
            raise PluginError(str(err)) from None
        if self.shared is None:  # the English build reports for every language's
            for warning in mended:
                log.warning("%s", warning)
            self.shared = self.load_shared(config)
        if not self.is_primary:
            config.site_name = self.config.site_names.get(self.language, config.site_name)
        # Material keeps the reader's choices (dark mode...) per site root: one for all languages.
        config.extra["sb_scope_up"] = "" if self.is_primary else "/.."
        config.theme["language"] = self.language.replace("_", "-")
        self._set_search_language(config)
        _skip_material_indexing_of_excluded_pages(config)
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
        stylesheets = [f"{ASSETS_URI}/{p.relative_to(ASSETS_DIR).as_posix()}"
                       for p in sorted(ASSETS_DIR.rglob("*.css"))] if ASSETS_DIR.is_dir() else []
        config.extra_css[:0] = [*stylesheets, "assets/stylesheets/site_builder.css",
                                "assets/stylesheets/site_builder_names.css"]
        config.extra_javascript.append("assets/javascripts/site_builder.js")
        config.extra_javascript.append("assets/javascripts/site_builder_names.js")
        # Material shows its language selector only when this is set; our partial fills in
        # per-page targets, this site-level list is what static pages (404) fall back to.
        config.extra["alternate"] = [
            {"name": language_name, "link": ("../" if not self.is_primary else "") + prefix, "lang": code}
            for code, language_name, prefix in self._language_homes()]
        return config

    def load_shared(self, config: MkDocsConfig, *, report: bool = True) -> SharedBuild:
        """Sources and translations, loaded once for every language this process builds.

        ``report=False``: the files that could not be read are not logged (a worker process
        of a parallel build: the English build has logged them once).
        """
        config_folder = Path(config.config_file_path or ".").absolute().parent
        try:
            site = self.site_config or self.config.site_config(config_folder)
        except ConfigError as err:
            raise PluginError(str(err.with_path(config.config_file_path or "<config>"))) from err
        cache = BuildCache(self.cache_folder or config_folder / CACHE_FOLDER)
        # The language pool's processes are not started yet: their cores split the sources.
        jobs = self.language_pool.jobs if self.language_pool is not None else 1
        corpus = load_corpus(site, keep_going=True, cache=cache, jobs=jobs)
        for err in corpus.errors if report else ():
            log.warning("%s", err)
        return SharedBuild(site=site, corpus=corpus, root_site_url=config.site_url or "",
                           findings_folder=self.findings_folder or config_folder,
                           cache=cache)

    def _language_homes(self) -> list[tuple[str, str, str]]:
        assert self.shared is not None
        return [(code, language_name(code), "" if code == SOURCE_LANGUAGE else f"{code}/")
                for code in self.shared.site.languages]

    def _set_search_language(self, config: MkDocsConfig) -> None:
        lang = self.language.split("_")[0].split("-")[0]
        _segment_chinese_only_in_chinese(lang)
        for name, plugin in config.plugins.items():
            if name.split("/")[-1] != "search" or not hasattr(plugin.config, "lang"):
                continue
            if self.is_primary and plugin.config.lang:
                continue  # the user's own choice for the English site stands
            plugin.config.lang = [lang if lang in _LUNR_LANGUAGES else "en"]
            if not self.is_primary:
                # A separator in mkdocs.yml is for English; Material fills in the language's
                # own (e.g. splitting on 、 and 。) when it is unset.
                plugin.config.separator = None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.shared is not None
        site, corpus = self.shared.site, self.shared.corpus
        if self.is_primary and self.language_pool is not None:
            # Now: the site folder is cleaned (the workers build into it), the corpus is loaded
            # (they inherit it), and the name index is not made yet: each process makes its own
            # (the same), rather than have the others wait for this one's.
            self.language_pool.start(self.shared, pages=len(corpus.files))
        languages = site.languages
        docs = [f.src_uri for f in files.documentation_pages()]
        self._select_language_docs(files, config, languages)
        self.plan = plan_site(site, [f.source for f in corpus.files], docs,
                              use_directory_urls=config.use_directory_urls,
                              site_url=self.shared.root_site_url)
        self.generated = {}
        self.search_entries = {}
        self._digest = None
        self._page_keys = {}
        self._page_index = {page.file_id: index for index, page in enumerate(self.plan.pages)}
        # Made before any page is indexed: it also quiets jieba, which Material uses too.
        self.segment = segmenter(self.language)
        self.corpus_files = {file.source.id: file for file in corpus.files}
        self.navigation = CodeNavigation.for_corpus(self.plan, corpus, self._names(), self.language)
        self.folder_titles = self._folder_titles()
        for page in self.plan.pages:
            self._add(files, config, page.src_uri, self.source_front_matter(page))
            self.generated[page.src_uri] = page
            if has_notebook(self.corpus_files[page.file_id]):  # site/notebooks.py
                self._add(files, config, notebook_uri(page.src_uri), self.notebook(page))
        ui = ui_text(self.language)
        if files.get_file_from_path(HOME_URI) is None and files.get_file_from_path("README.md") is None:
            self._add(files, config, HOME_URI, _front_matter(config.site_name, "", wide=False))
        self._add(files, config, STATUS_URI, _front_matter(ui["translation_status"], "", wide=False,
                                                           searchable=False))
        self._add_static(files, config, ASSETS_DIR, ASSETS_URI)
        refused = self._add_static(files, config, site.source_dir, "", suffixes=_IMAGE_SUFFIXES)
        for outside in refused if self.is_primary else ():  # said once, not per language
            log.warning("%s: %s; %s", path_shown_from(outside.path, self.shared.findings_folder),
                        outside.reason("source"), outside.hint)
        config.nav = self.reading_nav(config)  # reading order: site/order.py
        if self.is_primary:  # broken links and images, said once for every language
            self._report_broken(config)
        return files

    def _report_broken(self, config: MkDocsConfig) -> None:
        """What readers would meet as a hole (site/audit.py); MkDocs reports links between its pages."""
        assert self.shared is not None and self.plan is not None
        docs_dir = Path(config.docs_dir)
        docs = [(path, path.relative_to(docs_dir).as_posix(), _read_text(path))
                for path in sorted(docs_dir.rglob("*.md"))] if docs_dir.is_dir() else []
        for finding in site_findings(self.plan, self.shared.corpus, docs, exists=Path.exists,
                                     read_text=_read_text, pages_too=False):
            log.warning("%s: %s [%s]", finding.shown_from(self.shared.findings_folder), finding.message, finding.check)

    def _folder_titles(self) -> dict[str, str]:
        """Folder -> its index page's title in this language."""
        assert self.plan is not None
        return {posixpath.dirname(page.src_uri): file_titles(self.corpus_files[page.file_id], self.language)[0]
                for page in self.plan.pages if posixpath.basename(page.src_uri) == "index.md"}

    def reading_nav(self, config: MkDocsConfig) -> list:
        """MkDocs' ``nav`` in reading order, the author's source paths in it mapped to pages."""
        assert self.plan is not None
        docs_order = {uri: front_matter_order(_read_text(Path(config.docs_dir) / uri)) for uri in self.plan.docs}
        return site_nav(self.plan, folder_titles=self.folder_titles, part_title=ui_text(self.language)["site_part"],
                        docs_order=docs_order, user_nav=self.user_nav)

    def notebook(self, page: SourcePage) -> bytes:
        """The page's source as a notebook in this language (kept in the build cache)."""
        assert self.shared is not None and self.plan is not None
        file, url = self.corpus_files[page.file_id], canonical_url(self.plan, page.src_uri, self.language)
        key = self.shared.cache.key("notebook", self.language, file.source, file.translations.get(self.language), url)
        made = self.shared.cache.get(key)
        if made is None:
            made = notebook_bytes(file, self.language, page_url=url)
            self.shared.cache.put(key, made)
        return made

    def source_front_matter(self, page: SourcePage) -> str:
        """The generated Markdown file of a source page: front matter only (on_page_content fills it)."""
        title, description = file_titles(self.corpus_files[page.file_id], self.language)
        return _front_matter(title, description, wide=True)

    def _select_language_docs(self, files: Files, config: MkDocsConfig, languages: tuple[str, ...]) -> None:
        """Keep this language's ``name.<lang>.md`` pages (as ``name.md``) and drop the others'."""
        self.english_docs = set()
        variants: dict[str, set[str]] = {}
        for file in list(files.documentation_pages()):
            base_uri, lang = split_language_suffix(file.src_uri, languages)
            variants.setdefault(base_uri, set()).add(lang or SOURCE_LANGUAGE)
            if lang is None:
                continue
            files.remove(file)
            if lang == self.language and lang != SOURCE_LANGUAGE:
                existing = files.get_file_from_path(base_uri)
                if existing is not None:
                    files.remove(existing)
                files.append(File.generated(config, base_uri, abs_src_path=file.abs_src_path))
        self.english_docs = {uri for uri, langs in variants.items()
                             if self.language not in langs and SOURCE_LANGUAGE in langs
                             and not self.is_primary}

    @staticmethod
    def _add(files: Files, config: MkDocsConfig, uri: str, content: str) -> None:
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, content=content))

    @staticmethod
    def _add_static(files: Files, config: MkDocsConfig, root: Path, prefix: str,
                    suffixes: set[str] | None = None) -> list[Refused]:
        """Copy the files under ``root``; those whose real path leaves it are refused (returned)."""
        if not root.is_dir():
            return []
        paths, refused = files_under(root, enter=lambda relative: not relative.rpartition("/")[2].startswith("."))
        for path in paths:
            relative = path.relative_to(root)
            if (not path.is_file() or any(part.startswith(".") or part == "__pycache__" for part in relative.parts)
                    or (suffixes is not None and path.suffix.lower() not in suffixes)):
                continue
            uri = posixpath.join(prefix, relative.as_posix()) if prefix else relative.as_posix()
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(path)))
        return [r for r in refused if suffixes is None or r.path.suffix.lower() in suffixes]

    def on_page_content(self, html: str, *, page: MkDocsPage, config: MkDocsConfig,
                        files: Files) -> str:
        assert self.shared is not None and self.plan is not None
        uri = page.file.src_uri
        if uri in self.generated:
            # Indexed from the model (on_post_build): Material's indexer must not parse it again.
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
            return self._source_page(self.generated[uri], page.url)
        if uri == STATUS_URI and page.file.generated_by:
            return status_html(self.plan, self.shared.corpus, self.language)
        if uri == HOME_URI and page.file.generated_by:
            return home_html(self.plan, self.shared.corpus, self.language, config.site_name)
        if self.language != SOURCE_LANGUAGE and uri not in self.english_docs:
            # A translated hand-written page is a translator's text: untrusted, cleaned like notes.
            html = sanitize_page_html(html)
        if GLOSSARY_MARKER in html:
            html = html.replace(GLOSSARY_MARKER, self._glossary())
        html = separate_table_cells(html)  # the theme's indexer reads this page's text
        if "<!-- example:" in html:
            html = self._live_examples(html, Path(page.file.abs_src_path or config.docs_dir))
        if uri in self.english_docs:
            notice = notice_html(self.plan, self.shared.site, self.language, text_key="page_fallback",
                                 here=self.plan.site_path(uri, self.language))
            html = (f'<p class="sb-notice">{notice}</p>'
                    f'<div lang="{SOURCE_LANGUAGE}">{html}</div>')
        return html

    def _live_examples(self, html: str, page_file: Path) -> str:
        """Each ``<!-- example: PATH -->`` (PATH relative to the page's file) -> the file and its page."""
        assert self.shared is not None
        counter = iter(range(1, 1000))

        def example(match: re.Match[str]) -> str:
            path = (page_file.parent / match.group("path")).resolve()
            try:
                source = parse_file(path, path.parent)
                return example_html(source, path.read_text(encoding="utf-8"), self.language,
                                    number=next(counter))
            except FileNotFoundError:
                log.warning("%s: the example %s does not exist (its path is relative to the page's file)",
                            path_shown_from(page_file, self.shared.findings_folder), match.group("path"))
            except SiteBuilderError as err:
                log.warning("%s", err)
            return ""

        return EXAMPLE_MARKER.sub(example, html)

    def _source_page(self, planned: SourcePage, url: str) -> str:
        assert self.shared is not None and self.plan is not None
        file = self.corpus_files[planned.file_id]
        cache = self.shared.cache
        if self.page_claims is not None:  # another process may be rendering it (help_build)
            self.page_claims.build(self.language, self._page_index[planned.file_id])
        stored = cache.get(self._page_key(planned))
        if stored is not None:
            body, findings, built = stored
            if self.navigation is not None:
                self.navigation.built[planned.file_id] = built
        else:
            body, findings, built = self._render_page(planned)
            cache.put(self._page_key(planned), (body, findings, built))
        self._report(findings)
        if built is not None:
            self.search_entries[url] = page_entries(built, file.source, url, segment=self.segment)
        return body

    def _render_page(self, planned: SourcePage) -> tuple[str, tuple[Finding, ...], Any]:
        """(body HTML, findings to report, the rendered Page for cards and search) of a source page."""
        assert self.shared is not None and self.plan is not None
        body, findings = render_source_page(self.plan, self.shared.site, self.corpus_files[planned.file_id],
                                            planned, self.language, navigation=self.navigation,
                                            folder_titles=self.folder_titles)
        built = self.navigation.built.get(planned.file_id) if self.navigation is not None else None
        return body, findings, built

    def help_build(self, lang: str, claims: Any) -> None:
        """Render pages of ``lang``, which another process is building, into the build cache.

        From the last page back, every page its builder has not reached (the pool's
        ``PageClaims``), until the builder is done. The builder reads them from the cache and
        reports their findings, as for any cached page; a page that fails here is left to it.
        """
        assert self.shared is not None and self.plan is not None
        if self.shared.cache.folder is None:
            return
        helper = SiteBuilderPlugin()  # this build's pages and corpus, in ``lang``; never run by MkDocs
        helper.language, helper.shared, helper.plan = lang, self.shared, self.plan
        helper.corpus_files, helper._page_index = self.corpus_files, self._page_index
        helper.navigation = CodeNavigation.for_corpus(self.plan, self.shared.corpus, self._names(), lang)
        helper.folder_titles = helper._folder_titles()
        helped = 0
        for index in reversed(range(len(self.plan.pages))):
            if claims.finished(lang):
                break
            if not claims.help(lang, index):
                continue
            planned = self.plan.pages[index]
            try:
                key = helper._page_key(planned)
                if not self.shared.cache.has(key):
                    self.shared.cache.put(key, helper._render_page(planned))
                    helped += 1
            except Exception:  # noqa: BLE001 - the builder renders this page again and reports it
                pass
            finally:
                claims.helped(lang, index)
        log.debug("rendered %d page(s) of %s for the process building it", helped, lang)

    def _page_key(self, planned: SourcePage) -> str:
        """The build cache's key of a source page in this language (made once per build)."""
        assert self.shared is not None
        file = self.corpus_files[planned.file_id]
        links = self.navigation.page_links(planned) if self.navigation is not None else ()
        made = self._page_keys.get(planned.file_id)
        # Made again when serve has reloaded the file or moved its links.
        if made is not None and made[0] is file and made[1] == links:
            return made[2]
        # Everything the page is made from: another build with the same inputs (and the same
        # versions, see core.cache) gets the same page without rendering it. The units are
        # made from the source, and only this language's translation is shown.
        key = self.shared.cache.key("page", self.language, self._site_digest(), file.source,
                                    file.translations.get(self.language), planned, links)
        self._page_keys[planned.file_id] = (file, links, key)
        return key

    def _site_digest(self) -> str:
        """The inputs every page of this build shares (plan, config, URL), as one cache key."""
        assert self.shared is not None
        if self._digest is None:
            self._digest = self.shared.cache.key("site", self.plan, self.shared.site, self.language,
                                                 sorted(self.folder_titles.items()))
        return self._digest

    def _report(self, findings: tuple[Finding, ...]) -> None:
        assert self.shared is not None
        for finding in findings:
            log.warning("%s: %s [%s]", finding.shown_from(self.shared.findings_folder),
                        finding.message, finding.check)
            if finding.check == "math":
                self.shared.math_failures += 1
            elif finding.check != "markup-in-text" and finding.check not in SOURCE_CHECKS:  # not fallbacks
                self.shared.fallbacks[self.language] = self.shared.fallbacks.get(self.language, 0) + 1

    def _glossary(self) -> str:
        assert self.shared is not None and self.plan is not None
        site = self.shared.site
        codes = site.target_languages if self.is_primary else (self.language,)
        glossaries = {}
        for code in codes:
            try:
                glossary = load_glossary(glossary_path(site.translations_dir, code), code)
            except SiteBuilderError as err:
                log.warning("%s", err)
                continue
            glossaries[code] = glossary_rows(glossary)
        names = {language.code: language.name for language in self.plan.languages}
        return glossary_html(glossaries, self.language, names)

    def on_page_context(self, context: dict[str, Any], *, page: MkDocsPage, config: MkDocsConfig,
                        nav: Any) -> dict[str, Any]:
        assert self.plan is not None
        uri = page.file.src_uri
        context["sb_alternates"] = alternates(self.plan, uri, self.language)
        context["sb_head"] = head_links(self.plan, uri, self.language)
        return context

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        # MkDocs names a section after its folder and Material prints the name unescaped;
        # a folder name is text. A folder with an annotated __init__ is named by that page's
        # title, so the navigation speaks the page's language, not the file system's.
        for item in _sections(nav.items):
            title = self._folder_title(item)
            item.title = text_html(title) if title else item.title
        self._nav = nav
        return nav

    def _folder_title(self, section: Section) -> str:
        assert self.shared is not None
        for child in section.children:
            planned = self.generated.get(getattr(getattr(child, "file", None), "src_uri", ""))
            if planned is not None and posixpath.basename(planned.src_uri) == "index.md":
                return file_titles(self.corpus_files[planned.file_id], self.language)[0]
        return section.title

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        # Every page's head carries the policy; the theme's literal inline scripts are
        # allowed by hash (their text is read from the templates this build renders with).
        sources = _template_sources(env, tuple(config.theme.dirs))
        if self.shared is not None and self.shared.cache.folder is not None:
            env.bytecode_cache = _TemplateCache(self.shared.cache)
        env.globals["sb_csp"] = content_security_policy(template_script_hashes(sources),
                                                        site_url=self._published_url(config))
        if self.shared is not None:
            self.live_state = (config, files, self._nav, env)
            self.shared.live[self.language] = self
        return env

    def _published_url(self, config: MkDocsConfig) -> str:
        """The URL the hreflang links are made from (the English build's ``site_url``)."""
        return self.shared.root_site_url if self.shared is not None else (config.site_url or "")

    def _names(self) -> NameIndex:
        assert self.shared is not None
        if self.shared.names is None:
            self.shared.names = index_names(file.source for file in self.shared.corpus.files)
            if self.is_primary:  # a worker of a parallel build makes the same index: said once
                log.info("%s", self.shared.names.stats.summary())
        return self.shared.names

    def write_cards(self, config: MkDocsConfig, showing: set[str] | None = None) -> None:
        """Each source page's card file, now that every page of this language is rendered.

        ``showing``: only the card files of those pages and of pages whose cards show one
        of their definitions (``serve``, after rendering a few pages again); a file that
        already holds its bytes is left alone.
        """
        if self.navigation is None:
            return
        definitions = self.navigation.index.definitions
        for page in self.generated.values():
            links = self.navigation.links.get(page.file_id)
            if showing is not None and page.file_id not in showing and not any(
                    definitions[number].file_id in showing for number in linked_definitions(links or ())):
                continue
            if links:
                path = Path(config.site_dir) / self.navigation.cards_path(page)
                text = self.navigation.cards_json(page)
                if not path.is_file() or path.read_text(encoding="utf-8") != text:
                    write_atomic(path, text, durable=False)  # regenerated by any build, like the pages

    @event_priority(-100)  # after the search plugin has written this language's index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.write_cards(config)
        self._write_search_index(config)
        if self.release_when_written:
            self._release_pages()  # before the next language is built in this process
        if not self.is_primary or self.shared is None:
            return
        if self.language_pool is not None:
            # The pool's processes build some languages; this one takes the rest.
            for result in self.language_pool.finish(lambda lang: self.build_language(config, lang),
                                                    self.help_build):
                self.shared.math_failures += result.math_failures
                for lang, count in result.fallbacks.items():
                    self.shared.fallbacks[lang] = self.shared.fallbacks.get(lang, 0) + count
        else:
            for lang in self.shared.site.target_languages:
                self.build_language(config, lang)
        if self.shared.math_failures:
            log.warning("%d math expression(s) failed to convert (shown as LaTeX)", self.shared.math_failures)
        else:
            log.info("math: every expression converted to MathML")
        for lang, count in sorted(self.shared.fallbacks.items()):
            log.info("%s: %d translated unit(s) could not be used and are shown in English", lang, count)

    def _release_pages(self) -> None:
        """Let go of this language's rendered pages, now that its files are written.

        Only for a one-off build (``release_when_written``): ``serve`` renders single pages
        again from this state. A process builds its languages one after another, the English
        build the others from inside its own ``on_post_build``, so without this each language
        would hold every page of the ones before it. What ``help_build`` needs (the plan, the
        corpus) stays."""
        if self.live_state is not None:
            for file in self.live_state[1].documentation_pages():
                if file.page is not None:
                    file.page.content = None  # written by MkDocs; nothing reads it again
            self.live_state = None
        if self.navigation is not None:
            self.navigation.built.clear()
        self.search_entries, self.theme_index, self._index_parts = {}, ({}, {}), {}

    def _write_search_index(self, config: MkDocsConfig) -> None:
        """Add the source pages' entries to the index Material wrote for the other pages."""
        path = Path(config.site_dir) / "search" / "search_index.json"
        if not path.is_file():
            return  # no search plugin: no index to complete
        # Made safe once, here: serve writes these entries again after each partial rebuild.
        theme_index = json.loads(merged_index(json.loads(path.read_text(encoding="utf-8")), ()))
        by_page: dict[str, list[dict[str, Any]]] = {}
        for doc in theme_index.get("docs", ()):
            by_page.setdefault(str(doc.get("location", "")).split("#")[0], []).append(doc)
        self.theme_index = (theme_index.get("config", {}), by_page)
        self.save_search_index(config)

    def save_search_index(self, config: MkDocsConfig) -> None:
        """Write this language's index: Material's entries, then the source pages' entries."""
        theme_config, by_page = self.theme_index
        pages = [*by_page.values(), *self.search_entries.values()]
        write_atomic(Path(config.site_dir) / "search" / "search_index.json",
                     index_json(theme_config, pages, self._index_parts))

    def build_language(self, parent: MkDocsConfig, lang: str) -> None:
        """Build ``lang`` into ``<site_dir>/<lang>/``: the English build's config file, loaded again.

        The new build's plugin gets this build's shared state, so sources and translations
        are loaded once for all languages.
        """
        assert self.shared is not None
        if not parent.config_file_path:
            raise PluginError("site_builder: the other languages are built from the config file, "
                              "but this build has none")
        overrides: dict[str, object] = {
            "site_dir": str(Path(parent.site_dir) / lang), "docs_dir": parent.docs_dir,
            "use_directory_urls": parent.use_directory_urls, "strict": False,
            "site_name": parent.site_name}  # a name given for this build (--site-name) holds too
        if self.shared.root_site_url:
            overrides["site_url"] = f"{self.shared.root_site_url.rstrip('/')}/{lang}/"
        # strict is off here on purpose: these warnings reach the English build's counter (the
        # same "mkdocs" logger), which aborts once every language has been built and reported.
        config = load_config(config_file=parent.config_file_path, **overrides)
        claims = self.page_claims or (self.language_pool.claims if self.language_pool is not None else None)
        for plugin in config.plugins.values():
            if isinstance(plugin, SiteBuilderPlugin):
                plugin.language, plugin.shared, plugin.page_claims = lang, self.shared, claims
                plugin.release_when_written = self.release_when_written
        try:
            build(config)
        finally:
            if claims is not None:
                claims.finish(lang)  # its helpers stop

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.shared is not None:
            for folder in (self.shared.site.source_dir, self.shared.site.translations_dir):
                if folder.is_dir():
                    server.watch(str(folder))
        _allow_live_reload_script(server)
        return server


def _allow_live_reload_script(server: Any) -> None:
    """Let the pages' policy allow the script MkDocs' live-reload server adds to each page.

    The server writes an inline script (different on every request) into every HTML page it
    serves; the page's Content-Security-Policy would block it and pages would not reload. The
    server's injector (a private method of MkDocs' LiveReloadServer) is wrapped so each page
    also gets the hash of its own script. Without that method, nothing changes.
    """
    inject = getattr(server, "_inject_js_into_html", None)
    if inject is None or getattr(inject, "sb_allows_scripts", False):
        return

    def inject_allowed(content: bytes, epoch: int) -> bytes:
        served = inject(content, epoch)
        try:
            before, after = content.decode("utf-8"), served.decode("utf-8")
        except UnicodeDecodeError:
            return served
        added = [body for body in inline_scripts(after) if body not in inline_scripts(before)]
        return allow_scripts(after, added).encode("utf-8")

    inject_allowed.sb_allows_scripts = True  # type: ignore[attr-defined]
    server._inject_js_into_html = inject_allowed


def _front_matter(title: str, description: str, *, wide: bool, searchable: bool = True) -> str:
    """YAML front matter of a generated page: Material reads title, description, hide and search.

    ``title`` and ``description`` are plain text (often a translator's); MkDocs and Material
    print them unescaped (header, navigation, breadcrumbs, ``<title>``, the search index), so
    they are handed over as HTML that shows the text. main.html decodes the description
    before escaping it for its attribute.
    """
    meta: dict[str, Any] = {"title": text_html(title)}
    if description:
        meta["description"] = text_html(description)
    meta["hide"] = ["navigation", "toc"] if wide else ["toc"]
    if not searchable:
        meta["search"] = {"exclude": True}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _sections(items: list[Any]) -> list[Section]:
    found = []
    for item in items:
        if isinstance(item, Section):
            found += [item, *_sections(item.children)]
    return found


def _skip_material_indexing_of_excluded_pages(config: MkDocsConfig) -> None:
    """Spare Material's search plugin its per-page work on the pages we index ourselves.

    For a page whose meta says ``search: exclude``, Material's ``on_page_context`` indexes
    nothing and then runs a regular expression over the whole page to drop
    ``data-search-*`` attributes; our source pages never hold one, and that scan was a
    measurable share of a large build. The wrapper calls Material as before whenever the
    page is not excluded or holds the text ``data-search-``, so the pages are the same."""
    events = config.plugins.events.get("page_context", [])
    for index, method in enumerate(events):
        owner = getattr(method, "__self__", None)
        if type(owner).__module__ != "material.plugins.search.plugin":
            continue  # another plugin's, or already ours

        def on_page_context(context: Any, *, page: MkDocsPage, material: Any = method, **kwargs: Any) -> Any:
            search = page.meta.get("search") or {}
            if search.get("exclude") and "data-search-" not in (page.content or ""):
                return None  # nothing to index, nothing to remove: Material's result exactly
            return material(context, page=page, **kwargs)

        events[index] = on_page_context
        origins = getattr(config.plugins, "_event_origins", None)
        if isinstance(origins, dict) and method in origins:
            origins[on_page_context] = origins[method]


def _segment_chinese_only_in_chinese(lang: str) -> None:
    """Let Material's indexer segment Han text with jieba in a Chinese build only.

    Material segments every language when jieba is importable: a Japanese page would get
    zero-width spaces that its separator does not split on, and every build would pay for
    loading jieba's dictionary. The flag is the search module's own global, set per build.
    """
    try:
        from material.plugins.search import plugin as material_search
    except ImportError:
        return
    if lang.lower() == "zh":
        try:
            import jieba
        except ImportError:
            jieba = None
        material_search.jieba = jieba
    else:
        material_search.jieba = None


class _TemplateCache(jinja2.BytecodeCache):
    """The theme's compiled templates, kept in the build cache: each language's build (and each
    process) would otherwise compile Material's templates again. Jinja checks each entry
    against its template's source, the cache key carries Jinja's and Python's versions."""

    _memory: ClassVar[dict[str, bytes]] = {}
    """Entries already read in this process (every language reads the same ones)."""

    def __init__(self, cache: BuildCache) -> None:
        self.cache = cache

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        key = self.cache.key("template", bucket.key)
        data = self._memory.get(key)
        if data is None:
            data = self.cache.get(key)
        if data is not None:
            self._memory[key] = data
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        key = self.cache.key("template", bucket.key)
        data = bucket.bytecode_to_string()
        self._memory[key] = data
        self.cache.put(key, data)


_TEMPLATE_SOURCES: dict[tuple[str, ...], tuple[list[str], tuple[tuple[str, float], ...]]] = {}


def _template_sources(env: Any, dirs: tuple[str, ...]) -> list[str]:
    """The text of every HTML template in ``dirs``, read once per process while none changes.

    Listing walks the whole theme (Material ships thousands of icons); every language of a
    build has the same theme folders, so the others reuse the first one's reading unless a
    template's mtime moved (``serve`` while someone edits the theme).
    """
    cached = _TEMPLATE_SOURCES.get(dirs)
    if cached is not None and all(_mtime(path) == stamp for path, stamp in cached[1]):
        return cached[0]
    names = env.list_templates(filter_func=lambda name: name.endswith(".html") and not name.startswith("."))
    sources, stamps = [], []
    for name in names:
        source, filename, _ = env.loader.get_source(env, name)
        sources.append(source)
        if filename:
            stamps.append((filename, _mtime(filename)))
    _TEMPLATE_SOURCES[dirs] = (sources, tuple(stamps))
    return sources


def _mtime(path: str) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return -1.0

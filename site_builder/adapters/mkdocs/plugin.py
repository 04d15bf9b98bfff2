"""The MkDocs adapter's event wiring: each MkDocs event, one step over the typed values below it.

Registered as the ``site_builder`` entry point of ``mkdocs.plugins`` (ProperDocs, the fork of
MkDocs 1.6, loads it the same way). One MkDocs build per language: the English build (the one
``mkdocs build`` or ``mkdocs serve`` starts) renders the site at ``/`` and, when it is done,
builds every other language into ``<site_dir>/<code>/`` (:meth:`SiteBuilderPlugin.build_language`),
each with Material's UI strings and its own search index. In the order MkDocs calls them:

1. ``on_config``: mkdocs.yml made safe (``guard``), the options -> one :class:`SiteConfig`, the
   sources and translations loaded once (:class:`SharedBuild`), the theme told the language.
2. ``on_files``: the site planned, this language's :class:`LanguageBuild` made, and the files
   it adds (generated pages, assets, images: ``site_files``) put in MkDocs' list.
3. ``on_nav``: folder sections named by their index page, as text.
4. ``on_env``: the page policy and the compiled-template cache (``templates``).
5. ``on_page_content``: a source page's body is ``LanguageBuild.page(...)``'s; a hand-written
   page gets the glossary, examples and fallback notice (``hand_pages``). Page HTML is
   post-processed here and nowhere else.
6. ``on_page_context``: the page's language links for the theme.
7. ``on_post_build``: card files and the search index written; then (English build only) the
   other languages built, here or by the language pool's processes (``languages``).
8. ``on_serve``: source and translation folders watched, foreign Host headers refused.

Problems that must not stop a build are logged as warnings, so ``--strict`` fails on them.
Private MkDocs and Material names are reached only through ``internals``. This module does not
import the driver: the driver drives MkDocs, MkDocs loads the plugin.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

import jinja2
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.utils.templates import TemplateContext

from site_builder.adapters.mkdocs import internals
from site_builder.adapters.mkdocs.claims import PageClaims
from site_builder.adapters.mkdocs.guard import guard_config
from site_builder.adapters.mkdocs.hand_pages import hand_page_html
from site_builder.adapters.mkdocs.language_build import LanguageBuild, SharedBuild
from site_builder.adapters.mkdocs.languages import LanguagePool
from site_builder.adapters.mkdocs.options import PluginOptions
from site_builder.adapters.mkdocs.project import Overrides
from site_builder.adapters.mkdocs.reading import reading_nav, report_broken
from site_builder.adapters.mkdocs.search_index import LUNR_LANGUAGES
from site_builder.adapters.mkdocs.serving import refuse_foreign_hosts
from site_builder.adapters.mkdocs.site_files import (
    ASSETS_DIR,
    ASSETS_URI,
    IMAGE_SUFFIXES,
    add_generated,
    add_static,
    asset_stylesheets,
    front_matter,
    refuse_docs_outside,
    sections,
    select_language_docs,
)
from site_builder.adapters.mkdocs.templates import install_policy
from site_builder.cache import CACHE_FOLDER, BuildCache
from site_builder.catalog.corpus import load_corpus
from site_builder.config import SOURCE_LANGUAGE, SiteConfig
from site_builder.errors import ConfigError
from site_builder.model import path_shown_from
from site_builder.render.sanitize import text_html
from site_builder.site.csp import allow_scripts, inline_scripts
from site_builder.site.notebooks import notebook_uri
from site_builder.site.pages import home_html, status_html
from site_builder.site.plan import (
    HOME_URI,
    STATUS_URI,
    alternates,
    head_links,
    plan_site,
)
from site_builder.site.ui import language_name, ui_text

log = get_plugin_logger(__name__)

THEME_DIR = Path(__file__).with_name("theme")


@dataclass(frozen=True, slots=True)
class BuildOrders:
    """What whoever starts a build tells the plugin MkDocs loaded; the defaults are a plain
    ``mkdocs build`` (options from mkdocs.yml, English first, then every other language here)."""

    site: SiteConfig | None = None
    """The config ``site-builder`` made (flags over the options); None: made from the options."""
    findings_folder: Path | None = None
    """Warnings name files relative to this folder; None: the config file's folder."""
    cache_folder: Path | None = None
    """The build cache; None: ``.cache/site_builder`` beside mkdocs.yml."""
    language_pool: LanguagePool | None = None
    """``site-builder build --jobs N``: other processes build some of the other languages."""
    release_when_written: bool = False
    """A one-off build: each language's pages are let go once written (serve keeps them)."""
    claims: PageClaims | None = None
    """A parallel build's page table: which process renders which page of this language."""
    language: str = SOURCE_LANGUAGE
    shared: SharedBuild | None = None
    """The English build's loaded state, handed to the other languages' builds."""


class SiteBuilderPlugin(BasePlugin[PluginOptions]):
    """Side-by-side pages for every source, in every configured language.

    No ``on_startup``: with one, MkDocs would keep this object across config loads, and each
    language's build needs a plugin of its own (``build_language`` loads the config again).
    """

    def __init__(self) -> None:
        super().__init__()
        self.orders = BuildOrders()
        self.shared: SharedBuild | None = None
        """Loaded in on_config (or handed over in the orders)."""
        self.language_build: LanguageBuild | None = None
        """Made in on_files: this language's pages, rendered, kept and indexed."""
        self.english_docs: set[str] = set()
        """Hand-written pages with no variant in this language (shown in English)."""
        self._nav: Navigation | None = None
        self.user_nav: list | None = None
        """The author's ``nav:`` of mkdocs.yml ([] without one), before reading_nav replaces it."""

    def take_orders(self, orders: BuildOrders) -> None:
        """Set how this build runs (before MkDocs runs it); see :class:`BuildOrders`."""
        self.orders = orders
        self.shared = orders.shared

    @property
    def language(self) -> str:
        return self.orders.language

    @property
    def is_primary(self) -> bool:
        return self.language == SOURCE_LANGUAGE

    # --- 1. config ------------------------------------------------------------------------------

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
        shared = self.ensure_shared(config)
        if not self.is_primary:
            config.site_name = self.config.site_names.get(self.language, config.site_name)
        # Material keeps the reader's choices (dark mode...) per site root: one for all languages.
        config.extra["sb_scope_up"] = "" if self.is_primary else "/.."
        config.theme["language"] = self.language.replace("_", "-")
        self._set_search_language(config)
        internals.skip_indexing_of_excluded_pages(config)
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
        config.extra_css[:0] = [*asset_stylesheets(), "assets/stylesheets/site_builder.css",
                                "assets/stylesheets/site_builder_names.css"]
        config.extra_javascript.append("assets/javascripts/site_builder.js")
        config.extra_javascript.append("assets/javascripts/site_builder_names.js")
        # Material shows its language selector only when this is set; our partial fills in
        # per-page targets, this site-level list is what static pages (404) fall back to.
        config.extra["alternate"] = [
            {"name": language_name(code), "link": ("../" if not self.is_primary else "") + prefix, "lang": code}
            for code, prefix in ((code, "" if code == SOURCE_LANGUAGE else f"{code}/")
                                 for code in shared.site.languages)]
        return config

    def ensure_shared(self, config: MkDocsConfig, *, report: bool = True) -> SharedBuild:
        """Sources and translations, loaded once for every language this process builds.

        ``report=False``: the files that could not be read are not logged (a worker process
        of a parallel build: the English build has logged them once).
        """
        if self.shared is not None:
            return self.shared
        orders = self.orders
        config_folder = Path(config.config_file_path or ".").absolute().parent
        try:
            site = orders.site or self.config.site_config(config_folder)
        except ConfigError as err:
            raise PluginError(str(err.with_path(config.config_file_path or "<config>"))) from err
        cache = BuildCache(orders.cache_folder or config_folder / CACHE_FOLDER)
        # The language pool's processes are not started yet: their cores split the sources.
        jobs = orders.language_pool.jobs if orders.language_pool is not None else 1
        corpus = load_corpus(site, keep_going=True, cache=cache, jobs=jobs)
        for problem in corpus.errors if report else ():
            log.warning("%s", problem)
        self.shared = SharedBuild(site=site, corpus=corpus, root_site_url=config.site_url or "",
                                  findings_folder=orders.findings_folder or config_folder, cache=cache)
        return self.shared

    def _set_search_language(self, config: MkDocsConfig) -> None:
        lang = self.language.split("_")[0].split("-")[0]
        internals.segment_chinese_only_in_chinese(lang)
        for name, plugin in config.plugins.items():
            if name.split("/")[-1] != "search" or not hasattr(plugin.config, "lang"):
                continue
            if self.is_primary and plugin.config.lang:
                continue  # the user's own choice for the English site stands
            plugin.config.lang = [lang if lang in LUNR_LANGUAGES else "en"]
            if not self.is_primary:
                # A separator in mkdocs.yml is for English; Material fills in the language's
                # own (e.g. splitting on 、 and 。) when it is unset.
                plugin.config.separator = None

    # --- 2. files -------------------------------------------------------------------------------

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        shared = self.ensure_shared(config)
        site, corpus = shared.site, shared.corpus
        pool = self.orders.language_pool
        if self.is_primary and pool is not None:
            # Now: the site folder is cleaned (the workers build into it), the corpus is loaded
            # (they inherit it), and the name index is not made yet: each process makes its own
            # (the same), rather than have the others wait for this one's.
            pool.start(shared, pages=len(corpus.files))
        for outside in refuse_docs_outside(files, config):
            if self.is_primary:  # said once, not per language
                log.warning("%s: %s; %s", path_shown_from(outside.path, shared.findings_folder),
                            outside.reason("docs"), outside.hint)
        docs = [f.src_uri for f in files.documentation_pages()]
        self.english_docs = select_language_docs(files, config, site.languages, self.language)
        plan = plan_site(site, [f.source for f in corpus.files], docs,
                         use_directory_urls=config.use_directory_urls, site_url=shared.root_site_url)
        build = self.language_build = LanguageBuild(shared, plan, self.language, claims=self.orders.claims)
        # The files this build adds to the docs folder's: source pages, home, status, assets, images.
        for page in plan.pages:
            add_generated(files, config, page.src_uri, build.front_matter(page))
            notebook = build.notebook(page)  # site/notebooks.py: beside its page
            if notebook is not None:
                add_generated(files, config, notebook_uri(page.src_uri), notebook)
        if files.get_file_from_path(HOME_URI) is None and files.get_file_from_path("README.md") is None:
            add_generated(files, config, HOME_URI, front_matter(config.site_name, "", wide=False))
        add_generated(files, config, STATUS_URI, front_matter(ui_text(self.language)["translation_status"], "",
                                                              wide=False, searchable=False))
        add_static(files, config, ASSETS_DIR, ASSETS_URI)
        refused = add_static(files, config, site.source_dir, "", suffixes=IMAGE_SUFFIXES)
        for outside in refused if self.is_primary else ():  # said once, not per language
            log.warning("%s: %s; %s", path_shown_from(outside.path, shared.findings_folder),
                        outside.reason("source"), outside.hint)
        config.nav = reading_nav(config, plan, self.language, build.folder_titles, self.user_nav or [])
        if self.is_primary:  # broken links and images (site/audit.py), said once for every language
            report_broken(config, plan, corpus, shared.findings_folder)
        return files

    # --- 3. navigation, 4. templates --------------------------------------------------------------

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        # MkDocs names a section after its folder and Material prints the name unescaped;
        # a folder name is text. A folder with an annotated __init__ is named by that page's
        # title, so the navigation speaks the page's language, not the file system's.
        for item in sections(nav.items):
            title = self._folder_title(item)
            item.title = text_html(title) if title else item.title
        self._nav = nav
        return nav

    def _folder_title(self, section: Section) -> str:
        assert self.language_build is not None
        for child in section.children:
            file = getattr(child, "file", None)
            planned = self.language_build.pages.get(file.src_uri if file is not None else "")
            if planned is not None and posixpath.basename(planned.src_uri) == "index.md":
                return self.language_build.folder_titles.get(posixpath.dirname(planned.src_uri), "")
        return section.title or ""

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        shared = self.ensure_shared(config)
        install_policy(env, tuple(config.theme.dirs), shared.cache, shared.root_site_url)
        if self.language_build is not None and self._nav is not None:
            self.language_build.keep_for_serve(internals.LiveState(config, files, self._nav, env))
        return env

    # --- 5. page content, 6. page context --------------------------------------------------------

    def on_page_content(self, html: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files) -> str:
        shared, build = self.ensure_shared(config), self.language_build
        assert build is not None
        uri = page.file.src_uri
        planned = build.pages.get(uri)
        if planned is not None:
            # Indexed from the model (on_post_build): Material's indexer must not parse it again.
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
            rendered = build.page(planned, page.url)
            shared.report(rendered.findings, self.language)
            return rendered.body
        if uri == STATUS_URI and page.file.generated_by:
            return status_html(build.plan, shared.corpus, self.language, shared.site.workbench_url)
        if uri == HOME_URI and page.file.generated_by:
            return home_html(build.plan, shared.corpus, self.language, config.site_name)
        return hand_page_html(html, uri=uri, page_file=Path(page.file.abs_src_path or config.docs_dir),
                              docs_dir=Path(config.docs_dir), plan=build.plan, site=shared.site, lang=self.language,
                              shown_in_english=uri in self.english_docs, findings_folder=shared.findings_folder)

    def on_page_context(self, context: TemplateContext, *, page: MkDocsPage, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        assert self.language_build is not None
        plan, uri = self.language_build.plan, page.file.src_uri
        ours = cast("dict[str, object]", context)  # the theme's partials read these two
        ours["sb_alternates"] = alternates(plan, uri, self.language)
        ours["sb_head"] = head_links(plan, uri, self.language)
        return context

    # --- 7. after the build: cards, search index, the other languages ------------------------------

    @event_priority(-100)  # after the search plugin has written this language's index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        build, site_dir = self.language_build, Path(config.site_dir)
        if build is not None:
            build.write_cards(site_dir)
            if build.search.read_theme(site_dir):
                build.search.write(site_dir)
            if self.orders.release_when_written:
                build.release()  # before the next language is built in this process
        if not self.is_primary or self.shared is None:
            return
        shared, pool = self.shared, self.orders.language_pool
        if pool is not None:
            # The pool's processes build some languages; this one takes the rest.
            helper = build.help if build is not None else None
            for result in pool.finish(lambda lang: self.build_language(config, lang), helper):
                shared.add_counts(result.math_failures, result.fallbacks)
        else:
            for lang in shared.site.target_languages:
                self.build_language(config, lang)
        if shared.math_failures:
            log.warning("%d math expression(s) failed to convert (shown as LaTeX)", shared.math_failures)
        else:
            log.info("math: every expression converted to MathML")
        for lang, count in sorted(shared.fallbacks.items()):
            log.info("%s: %d translated unit(s) could not be used and are shown in English", lang, count)

    def build_language(self, parent: MkDocsConfig, lang: str) -> None:
        """Build ``lang`` into ``<site_dir>/<lang>/``: the English build's config file, loaded again.

        The new build's plugin gets this build's shared state, so sources and translations
        are loaded once for all languages.
        """
        assert self.shared is not None
        if not parent.config_file_path:
            raise PluginError("site_builder: the other languages are built from the config file, "
                              "but this build has none")
        overrides: Overrides = {
            "site_dir": str(Path(parent.site_dir) / lang), "docs_dir": parent.docs_dir,
            "use_directory_urls": parent.use_directory_urls, "strict": False,
            "site_name": parent.site_name}  # a name given for this build (--site-name) holds too
        if self.shared.root_site_url:
            overrides["site_url"] = f"{self.shared.root_site_url.rstrip('/')}/{lang}/"
        # strict is off here on purpose: these warnings reach the English build's counter (the
        # same "mkdocs" logger), which aborts once every language has been built and reported.
        config = load_config(config_file=parent.config_file_path, **overrides)
        pool = self.orders.language_pool
        claims = self.orders.claims or (pool.claims if pool is not None else None)
        orders = replace(self.orders, language=lang, shared=self.shared, claims=claims, language_pool=None)
        for plugin in config.plugins.values():
            if isinstance(plugin, SiteBuilderPlugin):
                plugin.take_orders(orders)
        try:
            build(config)
        finally:
            if claims is not None:
                claims.finish(lang)  # its helpers stop

    # --- 8. serve ---------------------------------------------------------------------------------

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig,
                 builder: Callable[..., None]) -> LiveReloadServer:
        if self.shared is not None:
            for folder in (self.shared.site.source_dir, self.shared.site.translations_dir):
                if folder.is_dir():
                    server.watch(str(folder))
        if isinstance(server, LiveReloadServer):
            refuse_foreign_hosts(server)
            internals.allow_live_reload_script(server, _allow_added_scripts)
        return server


def _allow_added_scripts(before: str, after: str) -> str:
    """``after`` (a page with the live-reload script added) with its policy allowing that script."""
    added = [body for body in inline_scripts(after) if body not in inline_scripts(before)]
    return allow_scripts(after, added)

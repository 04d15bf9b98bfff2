"""The MkDocs adapter: plugin events that convert between MkDocs objects and the core's values.

Registered as the ``site_builder`` entry point of ``mkdocs.plugins``. One MkDocs build per
language: the English build (the one ``mkdocs build`` or ``mkdocs serve`` starts) renders the
site at ``/`` and, when it is done, runs a build per other language into ``<site_dir>/<code>/``
(see :mod:`site_builder.adapters.mkdocs.driver`), each with Material's UI strings and its own search
index in that language. The events only convert: options -> :class:`SiteConfig`
(``on_config``), the core's site plan -> generated MkDocs files (``on_files``), the core's page
HTML -> page content (``on_page_content``), per-page language links -> template context
(``on_page_context``), source and translation folders -> watched paths (``on_serve``).
Problems that must not stop a build (a broken cache, a bad translated value, math that does
not convert) are logged as warnings, so ``--strict`` fails on them. Everything else lives in
the core; this and ``mkdocs_build.py`` are the only modules that import MkDocs.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as MkDocsPage

from site_builder.config import SOURCE_LANGUAGE, SiteConfig
from site_builder.core.corpus import Corpus, CorpusFile, load_corpus
from site_builder.errors import SiteBuilderError
from site_builder.translators.glossary import glossary_path, glossary_rows, load_glossary
from site_builder.model import Finding
from site_builder.site.pages import (
    GLOSSARY_MARKER,
    file_titles,
    glossary_html,
    home_html,
    notice_html,
    render_source_page,
    status_html,
)
from site_builder.site.plan import (
    HOME_URI,
    STATUS_URI,
    SitePlan,
    SourcePage,
    alternates,
    head_links,
    plan_site,
    split_language_suffix,
)
from site_builder.site.ui import language_name, ui_text

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

    source_dir = c.Type(str, default="src")
    """Root of the annotated sources, relative to mkdocs.yml."""
    translations_dir = c.Type(str, default="translations")
    """Root of the translation caches, relative to mkdocs.yml."""
    languages = c.ListOfItems(c.Type(str), default=[SOURCE_LANGUAGE])
    """Language codes; English is served at /, every other one under /<code>/."""
    repo_url = c.Type(str, default="")
    """Base URL of the sources for "view source" links (e.g. .../blob/main/src)."""
    include = c.ListOfItems(c.Type(str), default=["**/*.py", "**/*.md"])
    exclude = c.ListOfItems(c.Type(str), default=[])
    guide_url = c.Type(str, default="translation-guide/")


@dataclass(slots=True)
class SharedBuild:
    """What the English build hands to the other languages' builds: loaded once, read by all."""

    site: SiteConfig
    corpus: Corpus
    root_site_url: str
    math_failures: int = 0
    fallbacks: dict[str, int] = field(default_factory=dict)


class SiteBuilderPlugin(BasePlugin[PluginOptions]):
    """Side-by-side pages for every source, in every configured language."""

    def __init__(self) -> None:
        super().__init__()
        self.language = SOURCE_LANGUAGE
        """The language this build renders; set by the English build for the others."""
        self.shared: SharedBuild | None = None
        """Set by the English build for the others; None in the English build itself."""
        self.site_config_override: SiteConfig | None = None
        """Set by ``site-builder build/serve`` when flags override the options."""
        self.plan: SitePlan | None = None
        self.generated: dict[str, SourcePage] = {}
        """Generated page URI -> the source page it shows."""
        self.corpus_files: dict[str, CorpusFile] = {}
        self.english_docs: set[str] = set()

    @property
    def is_primary(self) -> bool:
        return self.language == SOURCE_LANGUAGE

    @event_priority(50)  # before Material's search plugin reads the theme language
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.shared is None:
            self.shared = self._load_shared(config)
        config.theme["language"] = self.language.replace("_", "-")
        self._set_search_language(config)
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
        stylesheets = [f"{ASSETS_URI}/{p.relative_to(ASSETS_DIR).as_posix()}"
                       for p in sorted(ASSETS_DIR.rglob("*.css"))] if ASSETS_DIR.is_dir() else []
        config.extra_css[:0] = [*stylesheets, "assets/stylesheets/site_builder.css"]
        config.extra_javascript.append("assets/javascripts/site_builder.js")
        # Material shows its language selector only when this is set; our partial fills in
        # per-page targets, this site-level list is what static pages (404) fall back to.
        config.extra["alternate"] = [
            {"name": language_name, "link": ("../" if not self.is_primary else "") + prefix, "lang": code}
            for code, language_name, prefix in self._language_homes()]
        return config

    def _load_shared(self, config: MkDocsConfig) -> SharedBuild:
        base_dir = Path(config.config_file_path or ".").resolve().parent
        try:
            site = self.site_config_override or SiteConfig.from_mapping(
                dict(self.config), base_dir=base_dir, origin=config.config_file_path)
        except SiteBuilderError as err:
            raise PluginError(str(err)) from err
        corpus = load_corpus(site, keep_going=True)
        for err in corpus.errors:
            log.warning("%s", err)
        return SharedBuild(site=site, corpus=corpus, root_site_url=config.site_url or "")

    def _language_homes(self) -> list[tuple[str, str, str]]:
        assert self.shared is not None
        return [(code, language_name(code), "" if code == SOURCE_LANGUAGE else f"{code}/")
                for code in self.shared.site.languages]

    def _set_search_language(self, config: MkDocsConfig) -> None:
        lang = self.language.split("_")[0].split("-")[0]
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
        languages = site.languages
        docs = [f.src_uri for f in files.documentation_pages()]
        self._select_language_docs(files, config, languages)
        self.plan = plan_site(site, [f.source for f in corpus.files], docs,
                              use_directory_urls=config.use_directory_urls,
                              site_url=self.shared.root_site_url)
        self.generated = {}
        self.corpus_files = {file.source.id: file for file in corpus.files}
        for page in self.plan.pages:
            title, description = file_titles(self.corpus_files[page.file_id], self.language)
            self._add(files, config, page.src_uri, _front_matter(title, description, wide=True))
            self.generated[page.src_uri] = page
        ui = ui_text(self.language)
        if files.get_file_from_path(HOME_URI) is None and files.get_file_from_path("README.md") is None:
            self._add(files, config, HOME_URI, _front_matter(config.site_name, "", wide=False))
        self._add(files, config, STATUS_URI, _front_matter(ui["translation_status"], "", wide=False,
                                                           searchable=False))
        self._add_static(files, config, ASSETS_DIR, ASSETS_URI)
        self._add_static(files, config, site.source_dir, "", suffixes=_IMAGE_SUFFIXES)
        return files

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
                    suffixes: set[str] | None = None) -> None:
        if not root.is_dir():
            return
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if (not path.is_file() or any(part.startswith(".") or part == "__pycache__" for part in relative.parts)
                    or (suffixes is not None and path.suffix.lower() not in suffixes)):
                continue
            uri = posixpath.join(prefix, relative.as_posix()) if prefix else relative.as_posix()
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(path)))

    def on_page_content(self, html: str, *, page: MkDocsPage, config: MkDocsConfig,
                        files: Files) -> str:
        assert self.shared is not None and self.plan is not None
        uri = page.file.src_uri
        if uri in self.generated:
            return self._source_page(self.generated[uri])
        if uri == STATUS_URI and page.file.generated_by:
            return status_html(self.plan, self.shared.corpus, self.language)
        if uri == HOME_URI and page.file.generated_by:
            return home_html(self.plan, self.shared.corpus, self.language, config.site_name)
        if GLOSSARY_MARKER in html:
            html = html.replace(GLOSSARY_MARKER, self._glossary())
        if uri in self.english_docs:
            notice = notice_html(self.plan, self.shared.site, self.language, text_key="page_fallback",
                                 here=self.plan.site_path(uri, self.language))
            html = (f'<p class="sb-notice">{notice}</p>'
                    f'<div lang="{SOURCE_LANGUAGE}">{html}</div>')
        return html

    def _source_page(self, planned: SourcePage) -> str:
        assert self.shared is not None and self.plan is not None
        body, findings = render_source_page(self.plan, self.shared.site, self.corpus_files[planned.file_id],
                                            planned, self.language)
        self._report(findings, self.shared.site)
        return body

    def _report(self, findings: tuple[Finding, ...], site: SiteConfig) -> None:
        assert self.shared is not None
        for finding in findings:
            root = site.source_dir if finding.check == "math" else site.translations_dir
            where = f"{_display_path(root / finding.file)}:{finding.line}" if finding.line else \
                _display_path(root / finding.file)
            log.warning("%s: %s [%s]", where, finding.message, finding.check)
            if finding.check == "math":
                self.shared.math_failures += 1
            else:
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

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.is_primary or self.shared is None:
            return
        from site_builder.adapters.mkdocs.driver import build_language

        for lang in self.shared.site.target_languages:
            build_language(config, lang, self.shared)
        if self.shared.math_failures:
            log.warning("%d math expression(s) failed to convert (shown as LaTeX)", self.shared.math_failures)
        else:
            log.info("math: every expression converted to MathML")
        for lang, count in sorted(self.shared.fallbacks.items()):
            log.info("%s: %d translated unit(s) could not be used and are shown in English", lang, count)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.shared is not None:
            for folder in (self.shared.site.source_dir, self.shared.site.translations_dir):
                if folder.is_dir():
                    server.watch(str(folder))
        return server


def _front_matter(title: str, description: str, *, wide: bool, searchable: bool = True) -> str:
    """YAML front matter of a generated page: Material reads title, description, hide and search."""
    meta: dict[str, Any] = {"title": title}
    if description:
        meta["description"] = description
    meta["hide"] = ["navigation", "toc"] if wide else ["toc"]
    if not searchable:
        meta["search"] = {"exclude": True}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"


def _display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()

"""One language's build of the source pages: planned page in, :class:`RenderedPage` out.

Part of the MkDocs adapter. :class:`SharedBuild` is what a process loads once for every
language it builds (config, corpus, name index, build cache, the counts reported at the end);
:class:`LanguageBuild` is what one language's build needs to render its source pages (the
plan, its code navigation, page cache keys, the claims of a parallel build) and what it made
(the rendered pages kept for the cards, the search index, MkDocs' state for serve). The same
object renders for the plugin (:meth:`LanguageBuild.page`), for a process helping another
build a language (:meth:`LanguageBuild.help`) and for serve's partial rebuilds (``live.py``);
every result comes back as a return value. It must not call MkDocs' build steps (the plugin
and ``live.py`` do) nor decide which pages a change affects (``site.incremental``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from site_builder.adapters.mkdocs.claims import PageClaims
from site_builder.adapters.mkdocs.internals import LiveState
from site_builder.adapters.mkdocs.search_index import SearchIndexFile
from site_builder.adapters.mkdocs.site_files import front_matter
from site_builder.cache import BuildCache
from site_builder.catalog.corpus import Corpus, CorpusFile
from site_builder.config import SOURCE_LANGUAGE, SiteConfig
from site_builder.fileio import write_atomic
from site_builder.model import Finding
from site_builder.names.index import index_names
from site_builder.names.links import linked_definitions
from site_builder.names.model import NameIndex
from site_builder.render.highlight import CodeLinks
from site_builder.site.navigation import CodeNavigation
from site_builder.site.notebooks import has_notebook, notebook_bytes
from site_builder.site.pages import SOURCE_CHECKS, RenderedPage, file_titles, folder_title, render_source_page
from site_builder.site.plan import SitePlan, SourcePage, canonical_url
from site_builder.site.search import page_entries, segmenter

log = get_plugin_logger(__name__)


@dataclass(slots=True)
class SharedBuild:
    """What a process loads once and every language it builds reads: sources, translations, names."""

    site: SiteConfig
    corpus: Corpus
    root_site_url: str
    """The English build's ``site_url`` (hreflang and canonical links are made from it)."""
    findings_folder: Path
    """Warnings name files relative to this folder (the working folder, or mkdocs.yml's)."""
    cache: BuildCache = field(default_factory=lambda: BuildCache(None))
    """Rendered pages and compiled templates kept across builds (see ``site_builder.cache``)."""
    math_failures: int = 0
    fallbacks: dict[str, int] = field(default_factory=dict)
    """Language -> translated units shown in English, counted for the build's summary."""
    names: NameIndex | None = None
    """Where each name in the code is defined: made once, by the first build that needs it."""
    languages: dict[str, LanguageBuild] = field(default_factory=dict)
    """Language -> its last build in this process (serve renders single pages with it)."""

    def name_index(self, *, announce: bool) -> NameIndex:
        """The name index of the corpus (made on first use; ``announce``: log its summary)."""
        if self.names is None:
            self.names = index_names(file.source for file in self.corpus.files)
            if announce:  # a worker of a parallel build makes the same index: said once
                log.info("%s", self.names.stats.summary())
        return self.names

    def reloaded(self, corpus: Corpus, *, code_changed: bool) -> None:
        """Serve reloaded some files: ``corpus`` from now on (and, if code moved, a new name index)."""
        self.corpus = corpus
        if code_changed:
            self.names = None

    def report(self, findings: tuple[Finding, ...], lang: str) -> None:
        """Log each finding as a warning (so ``--strict`` fails) and count it for the summary."""
        for finding in findings:
            log.warning("%s: %s [%s]", finding.shown_from(self.findings_folder), finding.message, finding.check)
            if finding.check == "math":
                self.math_failures += 1
            elif finding.check != "markup-in-text" and finding.check not in SOURCE_CHECKS:  # not fallbacks
                self.fallbacks[lang] = self.fallbacks.get(lang, 0) + 1

    def add_counts(self, math_failures: int, fallbacks: dict[str, int]) -> None:
        """Add the counts another process reported for the languages it built."""
        self.math_failures += math_failures
        for lang, count in fallbacks.items():
            self.fallbacks[lang] = self.fallbacks.get(lang, 0) + count


class LanguageBuild:
    """The source pages of one language: rendered (or found in the cache), kept, indexed."""

    def __init__(self, shared: SharedBuild, plan: SitePlan, lang: str, *,
                 claims: PageClaims | None = None, indexing: bool = True) -> None:
        """``claims``: the page table of a parallel build (another process may render a page);
        ``indexing=False``: pages are only rendered (a helper), never put in a search index."""
        self.shared, self.plan, self.lang, self.claims = shared, plan, lang, claims
        self.files: dict[str, CorpusFile] = {file.source.id: file for file in shared.corpus.files}
        self.pages: dict[str, SourcePage] = {page.src_uri: page for page in plan.pages}
        """Generated page URI -> the source page it shows."""
        self._order = {page.file_id: index for index, page in enumerate(plan.pages)}
        # Made before any page is indexed: it also quiets jieba, which Material uses too.
        self.segment: Callable[[str], str] | None = segmenter(lang) if indexing else None
        self.navigation = CodeNavigation.for_corpus(plan, shared.corpus,
                                                    shared.name_index(announce=lang == SOURCE_LANGUAGE), lang)
        self.search = SearchIndexFile()
        self.live: LiveState | None = None
        """MkDocs' state of this build, kept for serve (see :meth:`keep_for_serve`)."""
        self._keys: dict[str, tuple[CorpusFile, CodeLinks, str]] = {}
        """File id -> (the file and links its page's cache key was made from, the key)."""
        self._digest: str | None = None
        self.folder_titles: dict[str, str] = {
            posixpath.dirname(page.src_uri): title for page in plan.pages
            if posixpath.basename(page.src_uri) == "index.md"
            and (title := folder_title(self.files[page.file_id], lang) or posixpath.basename(
                posixpath.dirname(page.src_uri)))}
        """Folder -> its index page's title in this language (navigation, breadcrumbs)."""

    def for_language(self, lang: str) -> LanguageBuild:
        """The same plan and corpus in ``lang``, to render pages only (a helper)."""
        return LanguageBuild(self.shared, self.plan, lang, indexing=False)

    # --- a page -------------------------------------------------------------------------------

    def render(self, planned: SourcePage) -> RenderedPage:
        """Render ``planned`` in this language (no cache), and keep its Page for the cards."""
        rendered = render_source_page(self.plan, self.shared.site, self.files[planned.file_id],
                                      planned, self.lang, navigation=self.navigation,
                                      folder_titles=self.folder_titles)
        self.navigation.keep(planned.file_id, rendered.page)
        return rendered

    def page(self, planned: SourcePage, url: str) -> RenderedPage:
        """The page of ``planned`` at ``url``: from the build cache if it is there (a helper or an
        earlier build made it), else rendered and stored; its search entries are kept."""
        if self.claims is not None:  # another process may be rendering it (help)
            self.claims.build(self.lang, self._order[planned.file_id])
        key = self.page_key(planned)
        stored = self.shared.cache.get(key)
        if isinstance(stored, RenderedPage):
            self.navigation.keep(planned.file_id, stored.page)
            rendered = stored
        else:
            rendered = self.render(planned)
            self.shared.cache.put(key, rendered)
        self.search.add_source_page(url, page_entries(rendered.page, self.files[planned.file_id].source,
                                                      url, segment=self.segment))
        return rendered

    def notebook(self, planned: SourcePage) -> bytes | None:
        """The page's source as a notebook in this language (None: a page with no code), cached."""
        file = self.files[planned.file_id]
        if not has_notebook(file):
            return None
        url = canonical_url(self.plan, planned.src_uri, self.lang)
        key = self.shared.cache.key("notebook", self.lang, file.source, file.translations.get(self.lang), url)
        made = self.shared.cache.get(key)
        if not isinstance(made, bytes):
            made = notebook_bytes(file, self.lang, page_url=url)
            self.shared.cache.put(key, made)
        return made

    def titles(self, planned: SourcePage) -> tuple[str, str]:
        """(title, description) of a source page in this language, as plain text."""
        return file_titles(self.files[planned.file_id], self.lang)

    def front_matter(self, planned: SourcePage) -> str:
        """The generated Markdown file of a source page: front matter only (its body is :meth:`page`'s)."""
        title, description = self.titles(planned)
        return front_matter(title, description, wide=True)

    def page_key(self, planned: SourcePage) -> str:
        """The build cache's key of a source page in this language (made once per build)."""
        file = self.files[planned.file_id]
        links = self.navigation.page_links(planned)
        made = self._keys.get(planned.file_id)
        # Made again when serve has reloaded the file or moved its links.
        if made is not None and made[0] is file and made[1] == links:
            return made[2]
        # Everything the page is made from: another build with the same inputs (and the same
        # versions, see site_builder.cache) gets the same page without rendering it. The units
        # are made from the source, and only this language's translation is shown.
        if self._digest is None:
            self._digest = self.shared.cache.key("site", self.plan, self.shared.site, self.lang,
                                                 sorted(self.folder_titles.items()))
        key = self.shared.cache.key("page", self.lang, self._digest, file.source,
                                    file.translations.get(self.lang), planned, links)
        self._keys[planned.file_id] = (file, links, key)
        return key

    def help(self, lang: str, claims: PageClaims) -> None:
        """Render pages of ``lang``, which another process is building, into the build cache.

        From the last page back, every page its builder has not reached (``claims``), until
        the builder is done. The builder reads them from the cache and reports their findings,
        as for any cached page; a page that fails here is left to it.
        """
        if self.shared.cache.folder is None:
            return
        helper = self.for_language(lang)
        helped = 0
        for index in reversed(range(len(self.plan.pages))):
            if claims.finished(lang):
                break
            if not claims.help(lang, index):
                continue
            planned = self.plan.pages[index]
            try:
                key = helper.page_key(planned)
                if not self.shared.cache.has(key):
                    self.shared.cache.put(key, helper.render(planned))
                    helped += 1
            except Exception:
                pass
            finally:
                claims.helped(lang, index)
        log.debug("rendered %d page(s) of %s for the process building it", helped, lang)

    # --- what the build writes once every page is rendered ------------------------------------

    def write_cards(self, site_dir: Path, showing: set[str] | None = None) -> None:
        """Each source page's card file, now that every page of this language is rendered.

        ``showing``: only the card files of those pages and of pages whose cards show one
        of their definitions (``serve``, after rendering a few pages again); a file that
        already holds its bytes is left alone.
        """
        definitions = self.navigation.index.definitions
        for page in self.plan.pages:
            links = self.navigation.links.get(page.file_id)
            if showing is not None and page.file_id not in showing and not any(
                    definitions[number].file_id in showing for number in linked_definitions(links or ())):
                continue
            if links:
                path = site_dir / self.navigation.cards_path(page)
                text = self.navigation.cards_json(page)
                if not path.is_file() or path.read_text(encoding="utf-8") != text:
                    write_atomic(path, text, durable=False)  # regenerated by any build, like the pages

    def keep_for_serve(self, state: LiveState) -> None:
        """Keep MkDocs' state of this build: serve renders single pages again with it."""
        self.live = state
        self.shared.languages[self.lang] = self

    def release(self) -> None:
        """Let go of the rendered pages, now that this language's files are written.

        Only for a one-off build: serve renders single pages again from this state. A process
        builds its languages one after another, the English build the others from inside its
        own ``on_post_build``, so without this each language would hold every page of the ones
        before it. What :meth:`help` needs (the plan, the corpus) stays.
        """
        if self.live is not None:
            for file in self.live.files.documentation_pages():
                if file.page is not None:
                    file.page.content = None  # written by MkDocs; nothing reads it again
            self.live = None
        self.navigation.built.clear()
        self.search.release()

    # --- serve: files reloaded, names indexed again --------------------------------------------

    def reload(self, corpus: Corpus, reloaded: frozenset[str], *, code_changed: frozenset[str]) -> None:
        """See ``corpus`` after a reload of ``reloaded``; card paragraphs of those files forgotten.

        ``code_changed``: files whose code moved, shown without code links until :meth:`relink`.
        """
        self.files = {file.source.id: file for file in corpus.files}
        self.navigation.reload(corpus, reloaded, unlinked=code_changed)

    def relink(self, names: NameIndex) -> set[str]:
        """Code navigation from ``names``; the file ids of the pages whose links moved."""
        fresh = CodeNavigation.for_corpus(self.plan, self.shared.corpus, names, self.lang,
                                          built=self.navigation.built)
        moved = {page.file_id for page in self.plan.pages
                 if fresh.page_links(page) != self.navigation.links.get(page.file_id, ())}
        self.navigation = fresh
        return moved

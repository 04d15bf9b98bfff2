"""Serve's rebuilds: changed files -> only the affected pages rendered again, in every language.

The first build (and any change :mod:`site_builder.site.incremental` calls "full": the config,
a page added or removed, a hand-written page...) is an ordinary build of every language in
this process; each language's :class:`LanguageBuild` keeps MkDocs' config, files, navigation
and template environment of its build (``LanguageBuild.live``). After that, a change to a
source or a translation cache reloads just those files (``catalog.corpus.reload_files``), asks
the site stage which pages of which language it affects, and renders those again through
MkDocs' own page steps (``internals.render_pages_again``: the same events, templates and writes
as the full build), then rewrites the language's card files that changed and its search index.
When the code of a file changed, the name index is made again and every page whose code links
differ is rendered too, so the served tree is what a fresh build writes. On a MkDocs whose page
steps ``internals`` was not written for, every change is a full build. Changes are found by
comparing file stamps (size, mtime) of the watched folders before and after. This module must
not decide what a change affects (site.incremental does) nor render notes itself.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import InclusionLevel

from site_builder.adapters.mkdocs import internals
from site_builder.adapters.mkdocs.language_build import LanguageBuild, SharedBuild
from site_builder.adapters.mkdocs.plugin import SiteBuilderPlugin
from site_builder.catalog.corpus import Corpus, reload_files
from site_builder.config import SOURCE_LANGUAGE
from site_builder.fileio import write_atomic
from site_builder.site.incremental import (
    LanguageWork,
    affected,
    classify_changes,
    code_layout,
)
from site_builder.site.notebooks import notebook_uri
from site_builder.site.plan import HOME_URI, STATUS_URI
from site_builder.source.ids import ids_of

log = logging.getLogger("mkdocs.plugins.site_builder.live")

Stamps = dict[Path, tuple[int, int]]


def stamps(folders: Iterable[Path]) -> Stamps:
    """(size, mtime) of every file under ``folders`` (a file stands for itself)."""
    found: Stamps = {}
    for folder in folders:
        if folder.is_file():
            stat = folder.stat()
            found[folder.absolute()] = (stat.st_size, stat.st_mtime_ns)
            continue
        for root, dirs, names in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
            for name in names:
                path = Path(root, name)
                try:
                    stat = path.stat()
                except OSError:
                    continue  # removed while we looked
                found[path.absolute()] = (stat.st_size, stat.st_mtime_ns)
    return found


def changed_paths(before: Stamps, after: Stamps) -> set[Path]:
    """Files added, removed or changed between two stamps."""
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


class LiveSite:
    """A served site: a full build first, then partial rebuilds as files change."""

    def __init__(self, load: Callable[[], MkDocsConfig], serve_url: str, watched: Callable[[], list[Path]],
                 *, request_rebuild: Callable[[], None] | None = None):
        """``request_rebuild``: asks the server for another rebuild soon. With it, the pages
        a code change affects are served (without code links) as soon as they are rendered,
        and the links are made in that next rebuild; without it, in this one."""
        self._load = load
        self._serve_url = serve_url
        self._watched = watched
        self._request_rebuild = request_rebuild
        self._stamps: Stamps = {}
        self._links_pending = False
        self._names_stale = False
        self._can_render_pages = True
        """Whether MkDocs' page steps may be called one page at a time (see internals)."""
        self.shared: SharedBuild | None = None

    def full_build(self, config: MkDocsConfig | None = None) -> None:
        """Build every language (the English build's plugin builds the others) and keep the state."""
        config = config or self._load()
        config.site_url = self._serve_url  # canonical/hreflang links point at this server
        self._stamps = stamps(self._watched())
        self._links_pending = self._names_stale = False
        build(config, serve_url=self._serve_url)
        self.shared = next((plugin.shared for plugin in config.plugins.values()
                            if isinstance(plugin, SiteBuilderPlugin)), None)
        self._can_render_pages = internals.can_render_pages_again()

    def rebuild(self) -> None:
        """What the served site needs after files changed: nothing, some pages, or everything."""
        after = stamps(self._watched())
        changed = changed_paths(self._stamps, after)
        if not changed:
            if self._links_pending:
                self.relink()
            return
        if self.shared is None or not self._can_render_pages or not self.partial_rebuild(changed):
            self.full_build()
            return
        self._stamps = after

    def partial_rebuild(self, changed: set[Path]) -> bool:
        """Render again what ``changed`` affects; False when only a full build will do."""
        start = time.perf_counter()
        shared = self.shared
        assert shared is not None
        site, old = shared.site, shared.corpus
        changes = classify_changes(changed, site, old)
        if changes.full or set(shared.languages) != set(site.languages):
            return False
        new = reload_files(old, site, changes.file_ids)
        if [f.source.id for f in new.files] != [f.source.id for f in old.files]:
            return False  # a source stopped parsing: its page goes, the navigation changes
        work = {lang: affected(old, new, changes, lang) for lang in site.languages}
        if any(item.every_page for item in work.values()):
            return False
        code_changed, ids_changed = _layout_changes(old, new, changes.sources)
        shared.reloaded(new, code_changed=False)  # the names are made again in relink
        for language in shared.languages.values():
            # Pages whose code moved are shown without code links for the moment the name
            # index takes (relink, below).
            language.reload(new, changes.file_ids, code_changed=changes.sources if code_changed else frozenset())
        for lang in site.languages:
            _render(shared.languages[lang], work[lang], changes.file_ids)
        log.info("rebuilt %s in %.2f s", _summary(work), time.perf_counter() - start)
        if code_changed or ids_changed:
            self._links_pending = True
            self._names_stale = self._names_stale or code_changed
            if self._request_rebuild is not None:
                self._request_rebuild()  # served now; the links follow in the next rebuild
            else:
                self.relink()
        return True

    def relink(self) -> None:
        """Make the name index again if code changed, and render every page whose links moved."""
        start = time.perf_counter()
        shared = self.shared
        assert shared is not None
        shared.reloaded(shared.corpus, code_changed=self._names_stale)
        names = shared.name_index(announce=False)
        linked = {lang: LanguageWork(pages=set(shared.languages[lang].relink(names)))
                  for lang in shared.site.languages}
        for lang in shared.site.languages:
            _render(shared.languages[lang], linked[lang], linked[lang].pages)
        self._links_pending = self._names_stale = False
        log.info("rebuilt %s (code links) in %.2f s", _summary(linked), time.perf_counter() - start)


def _layout_changes(old: Corpus, new: Corpus, sources: frozenset[str]) -> tuple[bool, bool]:
    """(the code of a changed source moved, a section id of one changed)."""
    before = {file.source.id: file.source for file in old.files}
    after = {file.source.id: file.source for file in new.files}
    return (any(code_layout(before[i]) != code_layout(after[i]) for i in sources),
            any(ids_of(before[i].sections) != ids_of(after[i].sections) for i in sources))


def _render(language: LanguageBuild, work: LanguageWork, reloaded: Iterable[str]) -> None:
    """Render ``work``'s pages of one language again and rewrite its search index and the card
    files that show one of ``reloaded`` (or are those pages')."""
    if work.empty or language.live is None:
        return
    state = language.live
    config, files = state.config, state.files
    uris = [page.src_uri for page in language.plan.pages if page.file_id in work.pages]
    uris += [uri for uri, wanted in ((HOME_URI, work.home), (STATUS_URI, work.status)) if wanted]
    entries = internals.material_search_entries(config)
    inclusion = InclusionLevel.is_in_serve if language.lang == SOURCE_LANGUAGE else InclusionLevel.is_included
    again = []
    for uri in uris:
        file = files.get_file_from_path(uri)
        if file is None or file.page is None:
            continue
        planned = language.pages.get(uri)
        if planned is not None:
            file.content_string = language.front_matter(planned)
        again.append(file)
    pages = internals.render_pages_again(state, again, files.documentation_pages(inclusion=inclusion))
    if entries is not None:
        language.search.replace_theme_pages([page.url for page in pages], entries)
    site_dir = Path(config.site_dir)
    for planned in (language.pages.get(uri) for uri in uris):
        notebook = language.notebook(planned) if planned is not None else None
        if planned is not None and notebook is not None:  # its notes or code changed with the page
            write_atomic(site_dir / notebook_uri(planned.src_uri), notebook, durable=False)
    language.write_cards(site_dir, showing=set(reloaded) | work.pages)
    language.search.write(site_dir)


def _summary(work: dict[str, LanguageWork]) -> str:
    parts = []
    for lang, item in work.items():
        extra = [name for name, wanted in (("home", item.home), ("status", item.status)) if wanted]
        parts.append(f"{lang}: {len(item.pages)} page(s)" + (f" + {', '.join(extra)}" if extra else ""))
    return "; ".join(parts)

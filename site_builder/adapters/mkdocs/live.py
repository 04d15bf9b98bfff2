"""Serve's rebuilds: changed files -> only the affected pages rendered again, in every language.

The first build (and any change :mod:`site_builder.site.incremental` calls "full": the config,
a page added or removed, a hand-written page...) is an ordinary build of every language in
this process; each language's plugin keeps its MkDocs config, files, navigation and template
environment (``SiteBuilderPlugin.live_state``). After that, a change to a source or a
translation cache reloads just those files (``core.corpus.reload_files``), asks the site stage
which pages of which language it affects, and renders those again through MkDocs' own page
steps (``_populate_page``, ``_build_page``: the same events, templates and writes as the full
build), then rewrites the language's card files that changed and its search index. When the
code of a file changed, the name index is made again and every page whose code links differ is
rendered too, so the served tree is what a fresh build writes. Changes are found by comparing
file stamps (size, mtime) of the watched folders before and after. This module must not
decide what a change affects (site.incremental does) nor render notes itself.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from mkdocs.commands.build import _build_page, _populate_page, build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import InclusionLevel

from site_builder.adapters.mkdocs.plugin import SiteBuilderPlugin
from site_builder.config import SOURCE_LANGUAGE
from site_builder.catalog.corpus import reload_files
from site_builder.source.ids import ids_of
from site_builder.names.index import index_names
from site_builder.site.incremental import LanguageWork, affected, classify_changes, code_layout
from site_builder.site.plan import HOME_URI, STATUS_URI
from site_builder.site.search import merged_index
from site_builder.site.navigation import CodeNavigation

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
        self.shared: Any = None

    def full_build(self, config: MkDocsConfig | None = None) -> None:
        """Build every language (the English build's plugin builds the others) and keep the state."""
        config = config or self._load()
        config.site_url = self._serve_url  # canonical/hreflang links point at this server
        self._stamps = stamps(self._watched())
        self._links_pending = self._names_stale = False
        build(config, serve_url=self._serve_url)
        self.shared = next((plugin.shared for plugin in config.plugins.values()
                            if isinstance(plugin, SiteBuilderPlugin)), None)

    def rebuild(self) -> None:
        """What the served site needs after files changed: nothing, some pages, or everything."""
        after = stamps(self._watched())
        changed = changed_paths(self._stamps, after)
        if not changed:
            if self._links_pending:
                self.relink()
            return
        if self.shared is None or not self.partial_rebuild(changed):
            self.full_build()
            return
        self._stamps = after

    def partial_rebuild(self, changed: set[Path]) -> bool:
        """Render again what ``changed`` affects; False when only a full build will do."""
        start = time.perf_counter()
        shared = self.shared
        site, old = shared.site, shared.corpus
        changes = classify_changes(changed, site, old)
        if changes.full or set(shared.live) != set(site.languages):
            return False
        new = reload_files(old, site, changes.file_ids)
        if [f.source.id for f in new.files] != [f.source.id for f in old.files]:
            return False  # a source stopped parsing: its page goes, the navigation changes
        work = {lang: affected(old, new, changes, lang) for lang in site.languages}
        if any(item.every_page for item in work.values()):
            return False
        shared.corpus = new
        code_changed, ids_changed = _layout_changes(old, new, changes.sources)
        for plugin in shared.live.values():
            _point_at(plugin, new, changes.file_ids)
            if code_changed and plugin.navigation is not None:
                for file_id in changes.sources:
                    # Shown without code links for the moment the name index takes (below).
                    plugin.navigation.links[file_id] = ()
        for lang in site.languages:
            _render(shared.live[lang], work[lang], changes.file_ids)
        log.info("rebuilt %s in %.2f s", _summary(work), time.perf_counter() - start)
        if code_changed or ids_changed:
            self._links_pending = True
            self._names_stale = self._names_stale or code_changed
            if self._request_rebuild is not None:
                self._request_rebuild()  # served now; the links follow in the next rebuild
            else:
                self.relink()
        return True

    _names_stale = False

    def relink(self) -> None:
        """Make the name index again if code changed, and render every page whose links moved."""
        start = time.perf_counter()
        shared = self.shared
        if self._names_stale:
            shared.names = index_names(file.source for file in shared.corpus.files)
        linked = {lang: self._relink(shared.live[lang], shared.corpus) for lang in shared.site.languages}
        for lang in shared.site.languages:
            _render(shared.live[lang], linked[lang], linked[lang].pages)
        self._links_pending = self._names_stale = False
        log.info("rebuilt %s (code links) in %.2f s", _summary(linked), time.perf_counter() - start)

    def _relink(self, plugin: Any, corpus: Any) -> LanguageWork:
        """Give ``plugin`` navigation from the current name index; the pages whose links moved."""
        work = LanguageWork()
        navigation = plugin.navigation
        if navigation is None:
            return work
        fresh = CodeNavigation.for_corpus(plugin.plan, corpus, self.shared.names, plugin.language)
        fresh.built = navigation.built
        for page in plugin.plan.pages:
            if fresh.page_links(page) != navigation.links.get(page.file_id, ()):
                work.pages.add(page.file_id)
        plugin.navigation = fresh
        return work


def _layout_changes(old: Any, new: Any, sources: frozenset[str]) -> tuple[bool, bool]:
    """(the code of a changed source moved, a section id of one changed)."""
    before = {file.source.id: file.source for file in old.files}
    after = {file.source.id: file.source for file in new.files}
    return (any(code_layout(before[i]) != code_layout(after[i]) for i in sources),
            any(ids_of(before[i].sections) != ids_of(after[i].sections) for i in sources))


def _point_at(plugin: Any, corpus: Any, reloaded: frozenset[str]) -> None:
    """The plugin's view of the corpus after a reload; card paragraphs of reloaded files forgotten."""
    plugin.corpus_files = {file.source.id: file for file in corpus.files}
    navigation = plugin.navigation
    if navigation is not None:
        navigation.section_ids = {**navigation.section_ids,
                                  **{file.source.id: ids_of(file.source.sections)
                                     for file in corpus.files if file.source.id in reloaded}}
        for key in [key for key in navigation.paragraphs if key[0] in reloaded]:
            del navigation.paragraphs[key]


def _render(plugin: Any, work: LanguageWork, reloaded: Iterable[str]) -> None:
    """Render ``work``'s pages of one language again and rewrite its search index and the card
    files that show one of ``reloaded`` (or are those pages')."""
    if work.empty:
        return
    config, files, nav, env = plugin.live_state
    uris = [page.src_uri for page in plugin.plan.pages if page.file_id in work.pages]
    uris += [uri for uri, wanted in ((HOME_URI, work.home), (STATUS_URI, work.status)) if wanted]
    search = _material_search(config)
    if search is not None:
        search.search_index.entries = []
    inclusion = InclusionLevel.is_in_serve if plugin.language == SOURCE_LANGUAGE else InclusionLevel.is_included
    doc_files = files.documentation_pages(inclusion=inclusion)
    pages = []
    for uri in uris:
        file = files.get_file_from_path(uri)
        if file is None or file.page is None:
            continue
        if uri in plugin.generated:
            file.content_string = plugin.source_front_matter(plugin.generated[uri])
        _populate_page(file.page, config, files)
        pages.append(file.page)
    for page in pages:
        _build_page(page, config, doc_files, nav, env)
    if search is not None:
        _replace_theme_entries(plugin, [page.url for page in pages], search.search_index.entries)
    plugin.write_cards(config, showing=set(reloaded) | work.pages)
    plugin.save_search_index(config)


def _replace_theme_entries(plugin: Any, urls: list[str], entries: list[dict[str, Any]]) -> None:
    """Material's new entries for the pages rendered again take the place of their old ones."""
    by_page = plugin.theme_index[1]
    cleaned = json.loads(merged_index({"docs": entries}, ()))["docs"]
    for url in urls:
        docs = [doc for doc in cleaned if str(doc.get("location", "")).split("#")[0] == url]
        if docs:
            by_page[url] = docs
        else:
            by_page.pop(url, None)


def _material_search(config: MkDocsConfig) -> Any:
    for name, plugin in config.plugins.items():
        if name.split("/")[-1] == "search" and hasattr(plugin, "search_index"):
            return plugin
    return None


def _summary(work: dict[str, LanguageWork]) -> str:
    parts = []
    for lang, item in work.items():
        extra = [name for name, wanted in (("home", item.home), ("status", item.status)) if wanted]
        parts.append(f"{lang}: {len(item.pages)} page(s)" + (f" + {', '.join(extra)}" if extra else ""))
    return "; ".join(parts)

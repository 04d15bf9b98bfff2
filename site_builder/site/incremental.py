"""Site stage for rebuilds: changed files -> what must be rendered again, in every language.

Used by ``serve``. A change is classified (:func:`classify_changes`): a source file (``.py``
or ``.md`` the corpus already has) or one of its translation caches or fuzzy sidecars names
the files to reload; anything else that can change the site (a file added or removed, the
config, a hand-written page, an image, a glossary) asks for a full rebuild. After the files
are reloaded, :func:`affected` says per language which source pages to render again and
whether the home page, the status page or every page (whose navigation shows the titles)
must be too: a page's title changed -> every page of that language; its unit counts or
translation counts changed -> the status pages; its title or summary -> the home page.
Pages whose code links into a reloaded file are the caller's to add (the links come from
the name index, see :func:`links_changed`). This module decides only: it must not render,
read or write files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from site_builder.config import SOURCE_LANGUAGE, SiteConfig
from site_builder.catalog.corpus import Corpus, CorpusFile, file_stats
from site_builder.catalog.store import catalog_path, fuzzy_path
from site_builder.model import SourceFile
from site_builder.site.pages import file_titles


@dataclass(frozen=True, slots=True)
class Changes:
    """What a set of changed paths means for the site."""

    full: bool = False
    """Rebuild everything (the config, a page added or removed, a hand-written page...)."""
    sources: frozenset[str] = frozenset()
    """File ids whose source changed (every language's page of it is affected)."""
    caches: frozenset[tuple[str, str]] = frozenset()
    """(file id, language) whose translation cache or sidecar changed."""

    @property
    def file_ids(self) -> frozenset[str]:
        """Every file to reload."""
        return self.sources | {file_id for file_id, _ in self.caches}


@dataclass(slots=True)
class LanguageWork:
    """What to render again in one language."""

    pages: set[str] = field(default_factory=set)
    """File ids of the source pages."""
    every_page: bool = False
    home: bool = False
    status: bool = False

    @property
    def empty(self) -> bool:
        return not (self.pages or self.every_page or self.home or self.status)


def classify_changes(paths: Iterable[Path], site: SiteConfig, corpus: Corpus) -> Changes:
    """The meaning of ``paths`` (changed, added or removed files, absolute)."""
    sources = {file.source.path.absolute(): file.source.id for file in corpus.files}
    caches: dict[Path, tuple[str, str]] = {}
    for file in corpus.files:
        for lang in corpus.languages:
            cache = catalog_path(site.translations_dir, file.source.id, lang).absolute()
            caches[cache] = caches[fuzzy_path(cache).absolute()] = (file.source.id, lang)
    changed_sources, changed_caches = set(), set()
    for path in paths:
        path = path.absolute()
        if path in sources and path.is_file():
            changed_sources.add(sources[path])
        elif path in caches:
            changed_caches.add(caches[path])
        else:
            return Changes(full=True)
    return Changes(sources=frozenset(changed_sources), caches=frozenset(changed_caches))


def affected(old: Corpus, new: Corpus, changes: Changes, lang: str) -> LanguageWork:
    """The pages of ``lang`` that the reloaded files change (code links aside)."""
    work = LanguageWork()
    before = {file.source.id: file for file in old.files}
    after = {file.source.id: file for file in new.files}
    targets = new.languages if lang == SOURCE_LANGUAGE else (lang,)
    for file_id in changes.file_ids:
        old_file, new_file = before.get(file_id), after.get(file_id)
        if old_file is None or new_file is None:
            work.every_page = True
            continue
        shows_here = file_id in changes.sources or (file_id, lang) in changes.caches
        (old_title, old_summary), (new_title, new_summary) = (file_titles(old_file, lang),
                                                              file_titles(new_file, lang))
        if shows_here or (old_title, old_summary) != (new_title, new_summary):
            work.pages.add(file_id)
        if old_title != new_title:
            work.every_page = work.home = True  # the navigation of every page shows it
        elif old_summary != new_summary:
            work.home = True
        if any(_counts(old_file, code) != _counts(new_file, code) for code in targets):
            work.status = True
    if [str(err) for err in old.errors] != [str(err) for err in new.errors]:
        work.status = True
    return work


def _counts(file: CorpusFile, lang: str) -> object:
    translation = file.translations.get(lang)
    return file_stats(translation) if translation is not None else None


def links_changed(old: Mapping[str, object], new: Mapping[str, object]) -> set[str]:
    """File ids whose code links differ between two ``file id -> links`` mappings."""
    return {file_id for file_id in old.keys() | new.keys() if old.get(file_id) != new.get(file_id)}


def code_layout(source: SourceFile) -> tuple:
    """What the name index reads of a file: its code lines, section by section, and the
    names its sections document. Equal layouts index the same names at the same places."""
    return tuple((section.name, tuple((line.number, line.text) for line in section.code))
                 for section in source.sections)

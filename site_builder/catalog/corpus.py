"""Corpus driver: SiteConfig -> Corpus, every source with its units and each language's lookup.

The stages in order, per source file: discover_sources -> parse_file -> split_units, then per
target language load_catalog + load_suggestions -> lookup. Caches whose source is gone are
collected too. The result is a frozen tree that status, check, PO export and the site build
all read, so they agree on what is translated. This module must not render HTML, write
files, or print: it only loads and looks up. An error from a file carries that file's path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from site_builder.cache import BuildCache
from site_builder.catalog.store import (
    catalog_path,
    fuzzy_path,
    list_caches,
    load_catalog,
    load_suggestions,
)
from site_builder.catalog.translate import lookup
from site_builder.catalog.units import split_units
from site_builder.config import DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_LINE_CHARS, SOURCE_LANGUAGE, SiteConfig
from site_builder.errors import Location, SiteBuilderError, SourceError, TranslationFileError, at_file
from site_builder.model import Catalog, Orphan, SourceFile, Suggestion, Unit, UnitResult, UnitState
from site_builder.parallel import can_fork, fork_map
from site_builder.source.boundary import Refused, leads_out, real
from site_builder.source.discover import discover_sources, file_id
from site_builder.source.parse import parse_file


class RefusedFileError(TranslationFileError):
    """A translation file whose real path leaves the translations folder: read as absent."""


@dataclass(frozen=True, slots=True)
class FileTranslation:
    """One source file in one target language."""

    lang: str
    catalog: Catalog
    suggestions: Mapping[str, Suggestion]
    """New key -> suggestion, from the cache's fuzzy sidecar."""
    results: tuple[UnitResult, ...]
    """One per unit of the file, in unit order."""
    orphans: tuple[Orphan, ...]
    """Cache entries no unit of the current source uses."""


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """A source file, its units, and its translation in each language that could be read."""

    source: SourceFile
    units: tuple[Unit, ...]
    translations: Mapping[str, FileTranslation]
    """Language -> translation; a language whose cache is broken is absent (see Corpus.errors)."""


@dataclass(frozen=True, slots=True)
class StaleCache:
    """A cache file whose source no longer exists: every entry in it is orphaned."""

    file_id: str
    catalog: Catalog


@dataclass(frozen=True, slots=True)
class Corpus:
    """Everything known about a project's sources and translations."""

    languages: tuple[str, ...]
    """The target languages loaded (never English, which has no catalog)."""
    files: tuple[CorpusFile, ...]
    """Sources in sorted path order."""
    stale_caches: tuple[StaleCache, ...] = ()
    errors: tuple[SiteBuilderError, ...] = ()
    """Errors skipped over with ``keep_going=True`` (empty otherwise), and always the files
    refused because their real path leaves the source folder (a symlink out of it)."""


@dataclass(frozen=True, slots=True)
class FileStats:
    """Unit counts of one file (or a total) in one language.

    The states are exclusive: ``units == translated + missing + fuzzy``; a fuzzy unit (only a
    suggestion exists) is not also counted as missing.
    """

    units: int = 0
    translated: int = 0
    missing: int = 0
    fuzzy: int = 0
    orphaned: int = 0

    def __add__(self, other: FileStats) -> FileStats:
        return FileStats(self.units + other.units, self.translated + other.translated,
                         self.missing + other.missing, self.fuzzy + other.fuzzy,
                         self.orphaned + other.orphaned)

    @property
    def percent(self) -> float | None:
        """Share of units translated, 0..100; None for a file with no units."""
        return 100.0 * self.translated / self.units if self.units else None


def load_corpus(config: SiteConfig, languages: Iterable[str] | None = None, *,
                keep_going: bool = False, cache: BuildCache | None = None, jobs: int = 1) -> Corpus:
    """Load every source under ``config.source_dir`` and look its units up in each language.

    Args:
        languages: target languages to load (default: the config's); English is skipped.
        keep_going: collect errors in ``Corpus.errors`` and go on with the other files,
            instead of raising the first one (status wants the rest reported).
        jobs: processes to parse and split the files not in ``cache`` (forked; 1: this one).
            The corpus is the same whatever the number.

    Raises:
        SourceError: a source cannot be parsed (path:line:col), unless ``keep_going``.
        TranslationFileError: a cache or sidecar is malformed, unless ``keep_going``.
    """
    langs = _target_languages(config.target_languages if languages is None else languages)
    errors: list[SiteBuilderError] = []
    files: list[CorpusFile] = []
    ids: dict[str, Path] = {}
    found = discover_sources(config.source_dir, config.include, config.exclude)
    errors += [SourceError(refused.reason("source"), location=Location(refused.path), hint=refused.hint)
               for refused in found.refused]
    paths = list(found.paths)
    ready = _load_ahead(paths, config, langs, cache, jobs)
    for path in paths:
        made, translated = ready.get(path, (None, {}))
        try:
            with at_file(path):
                _claim_id(ids, path, config.source_dir)
                source, units = parse_and_split(path, config.source_dir, cache, ready=made,
                                                limits=_limits(config))
        except SiteBuilderError as err:
            _keep_or_raise(err, errors, keep_going)
            continue
        files.append(_translate_file(source, units, config.translations_dir, langs, errors, keep_going,
                                     ready=translated))
    stale = _stale_caches(config.translations_dir, langs, set(ids), errors, keep_going)
    return Corpus(languages=langs, files=tuple(files), stale_caches=stale, errors=tuple(errors))


#: (max_file_bytes, max_line_chars, docstring_style) of a config: how a file is read and split,
#: besides the file itself (and so part of its units' cache key).
Limits = tuple[int, int, str]


def _limits(config: SiteConfig) -> Limits:
    return config.max_file_bytes, config.max_line_chars, config.docstring_style


def parse_and_split(path: Path, root: Path, cache: BuildCache | None = None, *,
                    ready: tuple[SourceFile, tuple[Unit, ...]] | None = None,
                    limits: Limits | None = None) -> tuple[SourceFile, tuple[Unit, ...]]:
    """``parse_file`` then ``split_units``, from ``cache`` when this file's bytes were split before.

    ``ready``: the same, already made (and put in ``cache``) by another process
    (:func:`_load_ahead`).

    Raises:
        SourceError: as :func:`parse_file` (a file that does not parse is never cached).
    """
    if ready is not None:
        return ready
    limits = limits or (DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_LINE_CHARS, "auto")
    key = _units_key(cache, path, root, limits)
    if cache is None or key is None:
        return _split_file((path, root, limits))
    stored: tuple[SourceFile, tuple[Unit, ...]] | None = cache.get(key)
    if stored is None:
        stored = _split_file((path, root, limits))
        cache.put(key, stored)
    return stored


def _units_key(cache: BuildCache | None, path: Path, root: Path, limits: Limits) -> str | None:
    """The cache key of a source's (SourceFile, units): its bytes, where it is and the limits
    it was read under; None without a cache, or for a file over the size limit (never read)."""
    if cache is None or cache.folder is None:
        return None
    try:
        if path.stat().st_size > limits[0]:
            return None
        return cache.key("units", str(path), str(root), limits, path.read_bytes())
    except OSError:
        return None  # parse_file reports it


def _split_file(job: tuple[Path, Path, Limits]) -> tuple[SourceFile, tuple[Unit, ...]]:
    """``parse_file`` then ``split_units``; running out of memory or recursion is a SourceError."""
    path, root, (max_file_bytes, max_line_chars, docstring_style) = job
    source = parse_file(path, root, max_file_bytes=max_file_bytes, max_line_chars=max_line_chars)
    try:
        units = tuple(split_units(source, docstring_style))
    except (RecursionError, MemoryError) as err:
        raise SourceError(f"its notes could not be split into units ({type(err).__name__}): skipped",
                          location=Location(path), hint="split the file, or exclude it") from None
    return source, units


def _split_in_worker(job: tuple[Path, Path, Limits]) -> tuple[SourceFile, tuple[Unit, ...]] | None:
    try:
        return _split_file(job)
    except Exception:  # in a worker: the parent splits it again and reports
        return None


#: What a forked process made of one file: (source, units), and its translations by language.
Loaded = tuple[tuple[SourceFile, tuple[Unit, ...]], dict[str, "FileTranslation"]]


def _load_ahead(paths: Sequence[Path], config: SiteConfig, langs: tuple[str, ...],
                cache: BuildCache | None, jobs: int) -> dict[Path, Loaded]:
    """Split and translate the files ``cache`` lacks, in ``jobs`` forked processes.

    Splitting is most of a fresh build's loading and each file is independent, and so is
    looking its units up in each language's cache. A file or a language that fails is left
    out: the caller does it again, in order, and reports the error as ever.
    """
    root = config.source_dir
    if not can_fork(jobs, len(paths)):
        return {}
    limits = _limits(config)
    keyed = [(path, _units_key(cache, path, root, limits)) for path in paths]
    todo = [(path, key) for path, key in keyed if cache is None or key is None or not cache.has(key)]
    jobs_list = [(path, root, limits, config.translations_dir, langs, cache, key) for path, key in todo]
    results = fork_map(_load_file, jobs_list, jobs) or ()
    return {path: result for (path, _), result in zip(todo, results, strict=False) if result is not None}


def _load_file(job: tuple[Path, Path, Limits, Path, tuple[str, ...], BuildCache | None, str | None]
               ) -> Loaded | None:
    path, root, limits, translations_dir, langs, cache, key = job
    made = _split_in_worker((path, root, limits))
    if made is None:
        return None
    if cache is not None and key is not None:
        # Stored here, on this core, rather than by the parent, which waits for every file.
        cache.put(key, made)
    translated = {}
    for lang in langs:
        try:
            translated[lang] = translate_units(*made, translations_dir, lang)
        except Exception:  # in a worker: the parent reads it again and reports
            continue
    return made, translated


def translate_units(source: SourceFile, units: Sequence[Unit], translations_dir: Path,
                    lang: str) -> FileTranslation:
    """Load one file's cache and sidecar in ``lang`` and look its units up.

    Raises:
        TranslationFileError: the cache or its fuzzy sidecar is malformed (path:line:col).
    """
    path = catalog_path(translations_dir, source.id, lang)
    refused = [outside for outside in (path, fuzzy_path(path)) if leads_out(outside, translations_dir)]
    if refused:
        raise RefusedFileError(f"refused, it leads outside the translations folder {translations_dir} "
                               f"(to {real(refused[0])}); the page shows English",
                               location=Location(refused[0]), hint=Refused.hint)
    with at_file(path):
        catalog = load_catalog(path, lang)
        suggestions = load_suggestions(fuzzy_path(path))
    results, orphans = lookup(units, catalog, suggestions)
    return FileTranslation(lang=lang, catalog=catalog, suggestions=suggestions,
                           results=tuple(results), orphans=tuple(orphans))


def file_stats(translation: FileTranslation) -> FileStats:
    """Counts of one file in one language."""
    states = [result.state for result in translation.results]
    return FileStats(units=len(states), translated=states.count(UnitState.TRANSLATED),
                     missing=states.count(UnitState.MISSING), fuzzy=states.count(UnitState.FUZZY),
                     orphaned=len(translation.orphans))


def language_stats(corpus: Corpus, lang: str) -> dict[str, FileStats]:
    """File id -> counts in ``lang``, sorted by id; a stale cache counts as 0 units, all orphaned.

    Files whose cache in ``lang`` could not be read are left out (they are in ``corpus.errors``).
    """
    stats = {file.source.id: file_stats(file.translations[lang])
             for file in corpus.files if lang in file.translations}
    for stale in corpus.stale_caches:
        if stale.catalog.lang == lang:
            stats[stale.file_id] = FileStats(orphaned=len(stale.catalog.entries))
    return dict(sorted(stats.items()))


def _target_languages(languages: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(lang for lang in languages if lang != SOURCE_LANGUAGE))


def _claim_id(ids: dict[str, Path], path: Path, root: Path) -> None:
    """Record the file id of ``path``; two sources with one id would share one cache."""
    claimed = file_id(path, root)
    if claimed in ids:
        raise SourceError(f"file id {claimed!r} is also the id of {ids[claimed]}",
                          location=Location(path),
                          hint="rename one of the two files or exclude one in the config")
    ids[claimed] = path


def _translate_file(source: SourceFile, units: tuple[Unit, ...], translations_dir: Path,
                    langs: tuple[str, ...], errors: list[SiteBuilderError],
                    keep_going: bool, ready: Mapping[str, FileTranslation] | None = None) -> CorpusFile:
    translations = {}
    for lang in langs:
        if ready and lang in ready:
            translations[lang] = ready[lang]
            continue
        try:
            translations[lang] = translate_units(source, units, translations_dir, lang)
        except RefusedFileError as err:  # a warning whatever keep_going: the language shows English
            errors.append(err)
            empty = Catalog(path=catalog_path(translations_dir, source.id, lang), lang=lang, entries={})
            results, _ = lookup(units, empty, {})
            translations[lang] = FileTranslation(lang=lang, catalog=empty, suggestions={},
                                                 results=tuple(results), orphans=())
        except SiteBuilderError as err:
            _keep_or_raise(err, errors, keep_going)
    return CorpusFile(source=source, units=units, translations=translations)


def _stale_caches(translations_dir: Path, langs: tuple[str, ...], source_ids: set[str],
                  errors: list[SiteBuilderError], keep_going: bool) -> tuple[StaleCache, ...]:
    stale = []
    for lang in langs:
        for cache_id, path in list_caches(translations_dir, lang).items():
            if cache_id in source_ids:
                continue
            if leads_out(path, translations_dir):
                errors.append(RefusedFileError(
                    f"refused, it leads outside the translations folder {translations_dir} (to {real(path)})",
                    location=Location(path), hint=Refused.hint))
                continue
            try:
                stale.append(StaleCache(file_id=cache_id, catalog=load_catalog(path, lang)))
            except SiteBuilderError as err:
                _keep_or_raise(err, errors, keep_going)
    return tuple(stale)


def _keep_or_raise(err: SiteBuilderError, errors: list[SiteBuilderError], keep_going: bool) -> None:
    if not keep_going:
        raise err
    errors.append(err)


def reload_files(corpus: Corpus, config: SiteConfig, file_ids: Iterable[str]) -> Corpus:
    """``corpus`` with the given files parsed and looked up again (sources and caches), others kept.

    The same set of files must still exist (a file added or removed needs :func:`load_corpus`).
    Errors are kept in the order a fresh load reports them: per file, in file order, then
    stale caches; the reloaded files' old errors are replaced by their new ones.
    """
    wanted = set(file_ids)
    files: list[CorpusFile] = []
    errors: list[SiteBuilderError] = []
    owned = {file.source.id: _owned_paths(file.source, config, corpus.languages) for file in corpus.files}
    for file in corpus.files:
        if file.source.id not in wanted:
            files.append(file)
            errors += [err for err in corpus.errors if _error_path(err) in owned[file.source.id]]
            continue
        path = file.source.path
        try:
            with at_file(path):
                source, units = _split_file((path, config.source_dir, _limits(config)))
        except SiteBuilderError as err:
            errors.append(err)  # a source that no longer parses: a fresh load leaves it out too
            continue
        files.append(_translate_file(source, units, config.translations_dir, corpus.languages, errors, True))
    claimed = set().union(*owned.values()) if owned else set()
    errors += [err for err in corpus.errors if _error_path(err) not in claimed]
    return Corpus(languages=corpus.languages, files=tuple(files), stale_caches=corpus.stale_caches,
                  errors=tuple(errors))


def _owned_paths(source: SourceFile, config: SiteConfig, languages: Sequence[str]) -> set[Path]:
    """The files whose errors a fresh load reports with ``source``: itself, its caches and sidecars."""
    paths = {source.path.absolute()}
    for lang in languages:
        cache = catalog_path(config.translations_dir, source.id, lang)
        paths |= {cache.absolute(), fuzzy_path(cache).absolute()}
    return paths


def _error_path(err: SiteBuilderError) -> Path | None:
    path = err.location.path if err.location is not None else None
    return Path(path).absolute() if path else None

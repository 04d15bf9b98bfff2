"""The workbench's view of the corpus: source paths -> files split on demand, counts, memory and search.

A corpus of thousands of files must show its first unit in a few seconds, so nothing is parsed
up front: the file list comes from the folders alone, a file is parsed and split the first
time it is asked for, and a background thread goes through the rest once, filling each file's
counts (missing, fuzzy, translated, with problems), the translation memory and the text that
concordance search reads. Answers about the whole corpus say how far that thread has come
(``indexed`` of ``files``). Input is a :class:`SiteConfig` and a language; output plain values
for :mod:`.session`. This module reads sources and caches and never writes.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.catalog.corpus import (
    CorpusFile,
    FileTranslation,
    RefusedFileError,
    parse_and_split,
    translate_units,
)
from site_builder.catalog.store import catalog_path, list_caches, read_entries
from site_builder.config import SiteConfig
from site_builder.errors import Location, SiteBuilderError, SourceError, at_file
from site_builder.render.htmltree import visible_text
from site_builder.source.boundary import Refused, leads_out, real
from site_builder.source.discover import Discovered, discover_sources
from site_builder.source.discover import file_id as id_of
from site_builder.translators.checks import check_value
from site_builder.translators.workbench.memory import MemoryEntry, TranslationMemory

_SPLITTING = threading.Lock()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


@dataclass(slots=True)
class FileRow:
    """One file's counts in the language, and what search reads of it."""

    units: int = 0
    translated: int = 0
    missing: int = 0
    fuzzy: int = 0
    orphaned: int = 0
    problems: int = 0
    error: str = ""
    source: bool = True
    texts: list[tuple[str, str, str]] = field(default_factory=list)
    """(key, readable English, readable translation) of every unit and orphan."""
    flagged: set[str] = field(default_factory=set)
    """Keys whose value has a finding of ``check``."""
    states: dict[str, str] = field(default_factory=dict)
    """Key -> state (``missing``, ``fuzzy``, ``translated``, ``orphaned``)."""

    def json(self, file_id: str) -> dict[str, object]:
        row: dict[str, object] = {"file": file_id, "units": self.units, "translated": self.translated,
                                  "missing": self.missing, "fuzzy": self.fuzzy, "orphaned": self.orphaned,
                                  "problems": self.problems}
        if not self.source:
            row["source"] = False
        if self.error:
            row["error"] = self.error
        return row


class CorpusIndex:
    """Every file of one language, loaded lazily and indexed in the background."""

    def __init__(self, config: SiteConfig, lang: str,
                 check: Callable[[str, str, tuple], list] | None = None) -> None:
        self.config = config
        self.lang = lang
        root = config.source_dir
        self.errors: list[SiteBuilderError] = []
        self.paths: dict[str, Path] = {}
        found = discover_sources(root, config.include, config.exclude) if root.is_dir() else Discovered(())
        for path in found.paths:
            self.paths.setdefault(id_of(path, root), path)
        self.errors += [SourceError(refused.reason("source"), location=Location(refused.path), hint=Refused.hint)
                        for refused in found.refused]
        caches = list_caches(config.translations_dir, lang) if config.translations_dir.is_dir() else {}
        for cache_id, path in list(caches.items()):  # a cache linked from outside is neither served nor saved
            if leads_out(path, config.translations_dir):
                del caches[cache_id]
                self.errors.append(RefusedFileError(
                    f"refused, it leads outside the translations folder {config.translations_dir} "
                    f"(to {real(path)})", location=Location(path), hint=Refused.hint))
        self.stale: set[str] = {file_id for file_id in caches if file_id not in self.paths}
        """File ids of caches whose source is gone: their entries are edited as orphans."""
        self.ids: list[str] = sorted(set(self.paths) | self.stale)
        self.size = sum(_size(path) for path in caches.values())
        """Bytes of the language's caches: how big the corpus is, known before reading it."""
        self.memory = TranslationMemory(())
        self.memory_lock = threading.Lock()
        self._check = check or (lambda key, value, originals: check_value(key, value, originals=originals))
        self._files: dict[str, CorpusFile | None] = {}
        self._rows: dict[str, FileRow] = {}
        self._lock = threading.Lock()
        self._active = 0
        self.ready = threading.Event()
        """Set once every file is counted (memory and search complete)."""
        self.checked = threading.Event()
        """Set once every value is checked (the "with problems" counts complete)."""
        self._thread = threading.Thread(target=self._index_all, name=f"workbench-index-{lang}", daemon=True)
        self._thread.start()

    @contextlib.contextmanager
    def foreground(self) -> Iterator[None]:
        """A translator's request runs: the background index waits (between two files) until it
        ends, so a first screen or a save never shares the interpreter with it."""
        with self._lock:
            self._active += 1
        try:
            yield
        finally:
            with self._lock:
                self._active -= 1

    def _yield_to_requests(self) -> None:
        deadline = time.monotonic() + 5.0  # a stream of requests must not stop the index for good
        while self._active and time.monotonic() < deadline:
            time.sleep(0.01)

    # --- files ----------------------------------------------------------------------------

    def file(self, file_id: str) -> CorpusFile | None:
        """The source file's units (parsed on first use); None for an unknown or unparsable file."""
        with self._lock:
            if file_id in self._files:
                return self._files[file_id]
        path = self.paths.get(file_id)
        loaded = None
        if path is not None:
            config = self.config
            try:
                # One at a time: the notes renderer is shared and not thread-safe, and the
                # background index splits files while requests ask for others.
                with _SPLITTING, at_file(path):
                    source, units = parse_and_split(path, config.source_dir, None, limits=(
                        config.max_file_bytes, config.max_line_chars, config.docstring_style))
                    loaded = CorpusFile(source=source, units=units, translations={})
            except SiteBuilderError as err:
                with self._lock:
                    self.errors.append(err)
        with self._lock:
            return self._files.setdefault(file_id, loaded)

    def translation(self, corpus_file: CorpusFile) -> FileTranslation:
        """The file's cache read afresh and looked up (raises TranslationFileError)."""
        return translate_units(corpus_file.source, corpus_file.units, self.config.translations_dir, self.lang)

    def cache(self, file_id: str) -> Path:
        return catalog_path(self.config.translations_dir, file_id, self.lang)

    # --- counts ---------------------------------------------------------------------------

    def row(self, file_id: str) -> FileRow | None:
        with self._lock:
            return self._rows.get(file_id)

    def rows(self) -> list[dict[str, object]]:
        """Every file's row (counted ones; files not reached yet have ``"pending": true``)."""
        shown = []
        for file_id in self.ids:
            row = self.row(file_id)
            shown.append(row.json(file_id) if row is not None else {"file": file_id, "pending": True})
        return shown

    def progress(self) -> dict[str, object]:
        """Counts over the corpus, and how many files are counted."""
        total = FileRow()
        counted = 0
        for file_id in self.ids:
            row = self.row(file_id)
            if row is None:
                continue
            counted += 1
            for name in ("units", "translated", "missing", "fuzzy", "orphaned", "problems"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        shown = total.json("")
        del shown["file"]
        return {**shown, "files": len(self.ids), "indexed": counted, "checked": self.checked.is_set()}

    def refresh(self, file_id: str) -> None:
        """Count one file again (after a save)."""
        row = self._count(file_id)
        with self._lock:
            self._rows[file_id] = row

    def saved(self, file_id: str, key: str, value: str, state: str, *, flagged: bool) -> None:
        """One value saved: its file's row changes by that key alone (a recount of a file of
        100,000 keys would cost seconds)."""
        with self._lock:
            row = self._rows.get(file_id)
            if row is None:
                return
            old = row.states.get(key)
            if old in ("translated", "missing", "fuzzy"):
                setattr(row, old, getattr(row, old) - 1)
            if old != "orphaned":
                row.states[key] = state
                if state in ("translated", "missing", "fuzzy"):
                    setattr(row, state, getattr(row, state) + 1)
            (row.flagged.add if flagged else row.flagged.discard)(key)
            row.problems = len(row.flagged)
            row.texts = [(k, english, visible_text(value) if k == key else translated)
                         for k, english, translated in row.texts]

    def _index_all(self) -> None:
        """First counts, memory and search text for every file (cheap), then the checks of every
        value (the costly part) for the "with problems" filter and counts."""
        for file_id in self.ids:
            self._yield_to_requests()
            row = self._count(file_id, remember=True)
            with self._lock:
                self._rows.setdefault(file_id, row)
        self.ready.set()
        for file_id in self.ids:
            self._yield_to_requests()
            flagged = self._flag(file_id)
            with self._lock:
                counted = self._rows.get(file_id)
                if counted is not None and flagged is not None:
                    counted.flagged |= flagged
                    counted.problems = len(counted.flagged)
        self.checked.set()

    def _flag(self, file_id: str) -> set[str] | None:
        """The keys of a file whose value ``check`` finds something in."""
        corpus_file = self.file(file_id) if file_id in self.paths else None
        if corpus_file is None:
            return None
        try:
            translation = self.translation(corpus_file)
        except SiteBuilderError:
            return None
        flagged = set()
        for result in translation.results:
            key = result.matched_key or result.unit.key
            value = translation.catalog.entries.get(key, "") if result.matched_key else ""
            if value and self._has_problem(key, value, result.unit.masked.originals):
                flagged.add(key)
        return flagged

    def _count(self, file_id: str, *, remember: bool = False) -> FileRow:
        """A file's row; ``remember``: also put its values in the memory (the first pass)."""
        if file_id in self.stale:
            return self._count_stale(file_id, remember)
        corpus_file = self.file(file_id)
        if corpus_file is None:
            return FileRow(error="the source cannot be read; see the terminal")
        try:
            translation = self.translation(corpus_file)
        except SiteBuilderError as err:
            return FileRow(units=len(corpus_file.units), error=str(err))
        row = FileRow(units=len(translation.results), orphaned=len(translation.orphans))
        entries = translation.catalog.entries
        memory = []
        for result in translation.results:
            key = result.matched_key or result.unit.key
            value = entries.get(key, "") if result.matched_key else ""
            state = result.state.value
            row.states[key] = state
            if state in ("translated", "missing", "fuzzy"):
                setattr(row, state, getattr(row, state) + 1)
            if value:
                memory.append(MemoryEntry(file_id, key, value, result.unit.masked.originals))
            row.texts.append((key, visible_text(result.unit.key), visible_text(value) if value else ""))
        for number, orphan in enumerate(translation.orphans):
            if number % 1000 == 999:
                self._yield_to_requests()
            row.states[orphan.key] = "orphaned"
            row.texts.append((orphan.key, visible_text(orphan.key), visible_text(orphan.value)))
            if orphan.value:
                memory.append(MemoryEntry(file_id, orphan.key, orphan.value))
        row.problems = len(row.flagged)
        if remember:
            self._remember(memory)
        return row

    def _count_stale(self, file_id: str, remember: bool) -> FileRow:
        try:
            entries = read_entries(self.cache(file_id), self.lang)[1]
        except SiteBuilderError as err:
            return FileRow(source=False, error=str(err))
        translated = sum(1 for value in entries.values() if value.strip())
        row = FileRow(units=len(entries), translated=translated, missing=len(entries) - translated,
                      orphaned=len(entries), source=False)
        for number, (key, value) in enumerate(entries.items()):
            if number % 1000 == 999:
                self._yield_to_requests()  # a cache of 100,000 keys is many seconds of work
            row.states[key] = "orphaned"
            row.texts.append((key, visible_text(key), visible_text(value)))
        if remember:
            self._remember([MemoryEntry(file_id, key, value) for key, value in entries.items()])
        return row

    def _has_problem(self, key: str, value: str, originals: tuple) -> bool:
        try:
            return bool(self._check(key, value, originals))
        except Exception:
            return True

    def _remember(self, entries: list[MemoryEntry]) -> None:
        for start in range(0, len(entries), 500):  # in chunks: a save waiting for the lock waits little
            self._yield_to_requests()
            with self.memory_lock:
                for entry in entries[start:start + 500]:
                    self.memory.add(entry)

    # --- across the corpus ----------------------------------------------------------------

    def matching(self, show: str, file_id: str = "") -> Iterator[tuple[str, str]]:
        """(file id, key) of every indexed unit in state ``show`` (or with problems), in file order."""
        for one in ([file_id] if file_id else self.ids):
            row = self.row(one)
            if row is None:
                continue
            for key, state in row.states.items():
                if show == "all" or state == show or (show == "problems" and key in row.flagged):
                    yield one, key

    def search(self, query: str, where: str = "both", limit: int = 200) -> list[dict[str, str]]:
        """Concordance: units whose readable English or translation contains ``query`` (any case)."""
        needle = query.casefold().strip()
        hits: list[dict[str, str]] = []
        if not needle:
            return hits
        for file_id in self.ids:
            row = self.row(file_id)
            for key, english, translated in (row.texts if row is not None else ()):
                in_source = where in ("both", "source") and needle in english.casefold()
                in_target = where in ("both", "translation") and needle in translated.casefold()
                if in_source or in_target:
                    hits.append({"file": file_id, "key": key, "english": english, "translation": translated,
                                 "state": row.states.get(key, "")})  # type: ignore[union-attr]
                    if len(hits) >= limit:
                        return hits
        return hits


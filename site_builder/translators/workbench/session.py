"""The workbench's state and rules: a project and a language -> the editor's files, units, checks and saves.

The HTTP server (:mod:`.server`) only routes; everything it answers comes from here, as
plain JSON-ready values. A unit is shown with its English as readers see it (the key through
the site's sanitiser, then its own rendered math, code and images), its value, state, the
findings of ``site-builder check`` and its suggestions (the fuzzy carry-over, then the
translation memory). A save is refused (``422``) when the value has an error, or a warning
the translator did not override; refused (``409``) when the cache changed on disk since it
was last served; else the cache is rewritten atomically in its exact byte format, the unit's
fuzzy suggestion leaves the sidecar, and a translation emptied on purpose is kept in the
archive sidecar first, so no value is ever lost. This module writes only through
``core.store``; it must not speak HTTP.
"""

from __future__ import annotations

import hashlib
import html
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from site_builder.config import SiteConfig
from site_builder.catalog.corpus import CorpusFile, FileTranslation, file_stats, load_corpus, translate_units
from site_builder.source.ids import unit_ids
from site_builder.render.placeholders import placeholder
from site_builder.catalog.store import (
    archive_path,
    catalog_path,
    fuzzy_path,
    load_catalog,
    load_suggestions,
    save_catalog,
    save_suggestions,
)
from site_builder.errors import SiteBuilderError
from site_builder.model import Protected, Severity, Unit, UnitKind, UnitResult, UnitState
from site_builder.render.page import Renderers, default_renderers, render_originals, use_translation
from site_builder.render.sanitize import sanitize_html
from site_builder.render.htmltree import visible_text
from site_builder.translators.checks import Problem, check_value
from site_builder.translators.glossary import Glossary, load_glossaries, term_pattern
from site_builder.translators.update import merge_archive
from site_builder.translators.workbench.memory import MemoryEntry, TranslationMemory, memory_of, renumber

_ABSENT = "absent"


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer for the server: HTTP status and a JSON-ready body."""

    status: int
    body: Any


class Workbench:
    """One language of one project, as the editor sees it; safe to use from several threads."""

    def __init__(self, config: SiteConfig, lang: str, *, renderers: Renderers | None = None) -> None:
        self.config = config
        self.lang = lang
        self._lock = threading.RLock()
        corpus = load_corpus(config, [lang], keep_going=True)
        self.errors: tuple[SiteBuilderError, ...] = corpus.errors
        self._files: dict[str, CorpusFile] = {f.source.id: f for f in corpus.files}
        self._stale = {s.file_id for s in corpus.stale_caches}
        """File ids of caches whose source is gone: their entries are edited as orphans."""
        self.glossary: Glossary = load_glossaries(config.translations_dir, [lang])[lang]
        self.memory: TranslationMemory = memory_of(corpus, lang)
        self._renderers = renderers or default_renderers()
        self._rendered: dict[tuple[str, str], tuple[str, ...]] = {}
        self._suggested: dict[tuple[str, str], list[dict[str, Any]]] = {}
        """(file id, key) -> memory suggestions; emptied when a save changes the memory."""
        self._versions: dict[str, str] = {}
        """File id -> digest of the cache bytes the editor was last given."""

    # --- reading --------------------------------------------------------------------------

    def files(self) -> Reply:
        """``GET /api/files``: every source file with its counts in this language."""
        rows = []
        for file_id, corpus_file in sorted(self._files.items()):
            try:
                stats = file_stats(self._translation(corpus_file))
            except SiteBuilderError as err:
                rows.append({"file": file_id, "units": len(corpus_file.units), "translated": 0,
                             "missing": 0, "fuzzy": 0, "orphaned": 0, "error": str(err)})
                continue
            rows.append({"file": file_id, "units": stats.units, "translated": stats.translated,
                         "missing": stats.missing, "fuzzy": stats.fuzzy, "orphaned": stats.orphaned})
        for file_id in sorted(self._stale):  # a cache whose source is gone is still editable
            try:
                entries = self._stale_entries(file_id)
            except SiteBuilderError as err:
                rows.append({"file": file_id, "units": 0, "translated": 0, "missing": 0, "fuzzy": 0,
                             "orphaned": 0, "source": False, "error": str(err)})
                continue
            translated = sum(1 for value in entries.values() if value.strip())
            rows.append({"file": file_id, "units": len(entries), "translated": translated,
                         "missing": len(entries) - translated, "fuzzy": 0, "orphaned": len(entries),
                         "source": False})
        return Reply(200, rows)

    def _stale_entries(self, file_id: str) -> dict[str, str]:
        return dict(load_catalog(self._cache(file_id), self.lang).entries)

    def units(self, file_id: str) -> Reply:
        """``GET /api/units``: every unit of a file (then its orphans), read afresh from disk."""
        corpus_file = self._files.get(file_id)
        if corpus_file is None and file_id in self._stale:
            return self._stale_units(file_id)
        if corpus_file is None:
            return _not_found(file_id)
        with self._lock:
            path = self._cache(file_id)
            for _ in range(3):  # the version must be that of the bytes read, even mid-write elsewhere
                version = _digest(path)
                try:
                    translation = self._translation(corpus_file)
                except SiteBuilderError as err:
                    return _unreadable(err)
                if _digest(path) == version:
                    break
            self._versions[file_id] = version
        ids = unit_ids(file_id, corpus_file.units)
        rows = [self._unit_row(unit_id, result, translation) for unit_id, result in zip(ids, translation.results)]
        rows += [self._orphan_row(file_id, number, orphan.key, orphan.value)
                 for number, orphan in enumerate(translation.orphans, 1)]
        return Reply(200, rows)

    def _stale_units(self, file_id: str) -> Reply:
        with self._lock:
            version = _digest(self._cache(file_id))
            try:
                entries = self._stale_entries(file_id)
            except SiteBuilderError as err:
                return _unreadable(err)
            self._versions[file_id] = version
        return Reply(200, [self._orphan_row(file_id, number, key, value)
                           for number, (key, value) in enumerate(entries.items(), 1)])

    def _translation(self, corpus_file: CorpusFile) -> FileTranslation:
        return translate_units(corpus_file.source, corpus_file.units, self.config.translations_dir, self.lang)

    def _cache(self, file_id: str) -> Path:
        return catalog_path(self.config.translations_dir, file_id, self.lang)

    def _unit_row(self, unit_id: str, result: UnitResult, translation: FileTranslation) -> dict[str, Any]:
        unit = result.unit
        key = result.matched_key or unit.key
        value = translation.catalog.entries.get(key) if result.matched_key else None
        value = value or None
        rendered = self._originals(unit)
        suggestions = []
        carried = translation.suggestions.get(unit.key)
        if carried is not None:
            suggestions.append({"value": renumber(carried.translation, carried.previous, unit.key,
                                                  None, unit.masked.originals),
                                "source": "fuzzy", "file": unit.file_id, "score": carried.score,
                                "english": carried.previous})
        suggestions += self._memory_suggestions(unit.file_id, key, unit.masked.originals)
        return {
            "id": unit_id, "key": key, "kind": unit.kind.value, "english": unit.key,
            "english_html": english_html(unit.key, rendered, unit.kind), "value": value,
            "state": result.state.value, "line": translation.catalog.lines.get(key, 0),
            "source_line": unit.line,
            "findings": _problems(self._check(key, value or "", unit.masked.originals)) if value else [],
            "suggestions": suggestions,
            "placeholders": _placeholder_rows(unit.masked.originals, rendered),
            "glossary": self._terms(unit.key),
        }

    def _orphan_row(self, file_id: str, number: int, key: str, value: str) -> dict[str, Any]:
        return {
            "id": f"{file_id}:orphan-{number}", "key": key, "kind": "orphan", "english": key,
            "english_html": english_html(key, (), UnitKind.NOTES), "value": value or None,
            "state": "orphaned", "line": 0, "source_line": 0,
            "findings": _problems(self._check(key, value, ())) if value else [],
            "suggestions": self._memory_suggestions(file_id, key, ()),
            "placeholders": [], "glossary": self._terms(key),
        }

    def _memory_suggestions(self, file_id: str, key: str,
                            originals: Sequence[Protected]) -> list[dict[str, Any]]:
        cached = self._suggested.get((file_id, key))
        if cached is None:
            cached = [{"value": s.value, "source": s.source, "file": s.file, "score": s.score,
                       "english": s.english}
                      for s in self.memory.suggest(key, file=file_id, originals=originals)]
            self._suggested[(file_id, key)] = cached
        return cached

    def _originals(self, unit: Unit) -> tuple[str, ...]:
        cached = self._rendered.get((unit.file_id, unit.key))
        if cached is None:
            cached = render_originals(unit, self._renderers)
            self._rendered[(unit.file_id, unit.key)] = cached
        return cached

    def _terms(self, key: str) -> list[dict[str, Any]]:
        """The glossary terms the English uses, with their required and wrong renderings."""
        text = visible_text(key)
        return [{"en": term.en, "required": list(term.required), "wrong": list(term.wrong), "note": term.note}
                for term in self.glossary.terms if term_pattern(term).search(text)]

    def _check(self, key: str, value: str, originals: Sequence[Protected]) -> list[Problem]:
        return check_value(key, value, originals=originals, glossary=self.glossary)

    # --- checking and saving ---------------------------------------------------------------

    def check(self, file_id: str, key: str, value: str) -> Reply:
        """``POST /api/check``: the findings of a draft and how it would read on the page."""
        found = self._find_unit(file_id, key)
        if found is None:
            return _unknown_key(file_id, key)
        unit, originals = found
        rendered = self._originals(unit) if unit is not None else ()
        preview, _ = use_translation(value, rendered, sanitize_html) if value.strip() else (None, None)
        return Reply(200, {"findings": _problems(self._check(key, value, originals)), "preview": preview})

    def save(self, file_id: str, key: str, value: str, *, override: bool = False,
             version: str | None = None) -> Reply:
        """``PUT /api/units``: check, then write the value (see the module docstring)."""
        if self._files.get(file_id) is None and file_id not in self._stale:
            return _not_found(file_id)
        found = self._find_unit(file_id, key)
        if found is None:
            return _unknown_key(file_id, key)
        unit, originals = found
        problems = self._check(key, value, originals)
        errors = [p for p in problems if p.severity is Severity.ERROR]
        if errors or (problems and not override):
            return Reply(422, {"findings": _problems(problems), "override": not errors,
                               "error": "not saved: fix the errors" if errors
                               else "not saved: confirm the warnings to save anyway"})
        with self._lock:
            path = self._cache(file_id)
            expected = version or self._versions.get(file_id)
            on_disk = _digest(path)
            if expected is not None and expected != on_disk:
                current = _value_on_disk(path, self.lang, key)
                return Reply(409, {"error": "the file changed on disk since it was loaded; reload to see it",
                                   "disk_value": current})
            try:
                state = self._write(path, unit, key, value)
            except SiteBuilderError as err:  # the cache or a sidecar became unreadable on disk
                return Reply(409, {"error": str(err), "hint": err.hint or "", "disk_value": None})
            self._versions[file_id] = _digest(path)
        self.memory.add(MemoryEntry(file_id, key, value, tuple(originals) or None))
        self._suggested.clear()
        return Reply(200, {"state": state, "findings": _problems(problems), "version": self._versions[file_id]})

    def _write(self, path: Path, unit: Unit | None, key: str, value: str) -> str:
        """Archive a value being emptied, write the cache, then drop the unit's fuzzy suggestion."""
        entries = dict(load_catalog(path, self.lang).entries)
        old = entries.get(key, "")
        if old.strip() and not value.strip():
            archive = archive_path(path)
            save_catalog(archive, merge_archive(load_catalog(archive, self.lang).entries, {key: old}))
        entries[key] = value
        save_catalog(path, entries)
        sidecar = fuzzy_path(path)
        suggestions = dict(load_suggestions(sidecar))
        unit_key = unit.key if unit is not None else key
        if value.strip() and unit_key in suggestions:
            del suggestions[unit_key]
            save_suggestions(sidecar, suggestions)
        if unit is None:
            return "orphaned"
        if value.strip():
            return UnitState.TRANSLATED.value
        return UnitState.FUZZY.value if unit_key in suggestions else UnitState.MISSING.value

    def _find_unit(self, file_id: str, key: str) -> tuple[Unit | None, tuple[Protected, ...]] | None:
        """The unit whose key (or matched cache key) is ``key``; (None, ()) for an orphan."""
        corpus_file = self._files.get(file_id)
        if corpus_file is None:
            stale = file_id in self._stale and key in self._stale_entries(file_id)
            return (None, ()) if stale else None
        for unit in corpus_file.units:
            if unit.key == key:
                return unit, unit.masked.originals
        try:
            translation = self._translation(corpus_file)
        except SiteBuilderError:
            return None
        for result in translation.results:
            if result.matched_key == key:
                return result.unit, result.unit.masked.originals
        if any(orphan.key == key for orphan in translation.orphans):
            return None, ()
        return None


def english_html(key: str, rendered: Sequence[str], kind: UnitKind) -> str:
    """The English as readers see it: sanitised, then the unit's own rendered originals put in."""
    if kind in (UnitKind.TITLE, UnitKind.SUMMARY):
        return html.escape(key)  # plain text on the page
    restored, _ = use_translation(key, rendered, sanitize_html)
    return restored if restored is not None else sanitize_html(key)


def _placeholder_rows(originals: Sequence[Protected], rendered: Sequence[str]) -> list[dict[str, Any]]:
    return [{"number": number, "kind": original.kind.value, "source": original.source,
             "html": rendered[number] if number < len(rendered) else "",
             "insert": placeholder(number)}
            for number, original in enumerate(originals)]


def _problems(problems: Sequence[Problem]) -> list[dict[str, str]]:
    return [{"check": p.check, "severity": p.severity.value, "message": p.message} for p in problems]


def _value_on_disk(path: Path, lang: str, key: str) -> str | None:
    """The key's value in the cache as it is now (None when absent or the file is unreadable)."""
    try:
        return load_catalog(path, lang).entries.get(key)
    except SiteBuilderError:
        return None


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return _ABSENT


def _unreadable(err: SiteBuilderError) -> Reply:
    """A cache or sidecar that does not parse: the translator fixes it on disk, then reloads."""
    return Reply(409, {"error": str(err), "hint": err.hint or ""})


def _not_found(file_id: str) -> Reply:
    return Reply(404, {"error": f"no source file {file_id!r}", "hint": "GET /api/files lists them"})


def _unknown_key(file_id: str, key: str) -> Reply:
    return Reply(404, {"error": f"{file_id} has no unit or cache entry with this key",
                       "hint": "send a key exactly as GET /api/units gives it"})

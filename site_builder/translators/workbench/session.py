"""The workbench's state and rules: a project and a language -> the editor's files, units, checks and saves.

The HTTP server (:mod:`.server`) only routes; everything it answers comes from here, as
plain JSON-ready values. Files are read when asked for (:mod:`.index` counts the rest in the
background), and units are made a page at a time. A unit is shown with its English as readers
see it (the key through the site's sanitiser, then its own rendered math, code and images), its
value, and the same as blocks of text and tokens for the editor (:mod:`.segments`), its state,
the findings of ``site-builder check`` and its suggestions (the fuzzy carry-over with a word
diff of the English, then the translation memory). A value comes as HTML or as blocks. A save
is refused (``422``) when the value has an error, or a warning the translator did not override;
refused (``409``) when the unit's value on disk is no longer the one the editor started from
(or, from a client that does not say, when the file changed since it was served); else, under
the file's lock, the key is merged into the cache as it is on disk now, written atomically in
its exact byte format, the unit's fuzzy suggestion leaves the sidecar, and a translation
emptied on purpose is kept in the archive sidecar first, so no value is ever lost.
Pretranslation writes only fuzzy suggestions, never values. This module writes only through
``catalog.store``; it must not speak HTTP.
"""
from __future__ import annotations

import difflib
import hashlib
import html
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from site_builder.catalog.corpus import FileTranslation
from site_builder.catalog.store import (
    CatalogConflict,
    apply_changes_read,
    archive_path,
    fuzzy_path,
    load_catalog,
    load_suggestions,
    read_entries,
    save_catalog,
    save_suggestions,
)
from site_builder.config import SiteConfig
from site_builder.errors import SiteBuilderError
from site_builder.fileio import locked, read_bytes_or_none
from site_builder.model import Protected, Severity, Suggestion, Unit, UnitKind, UnitResult, UnitState
from site_builder.render.htmltree import visible_text
from site_builder.render.page import Renderers, default_renderers, render_originals, use_translation
from site_builder.render.placeholders import placeholder
from site_builder.render.sanitize import sanitize_html
from site_builder.source.boundary import leads_out
from site_builder.source.ids import unit_ids
from site_builder.translators.checks import Problem, check_value
from site_builder.translators.glossary import Glossary, load_glossaries, term_pattern
from site_builder.translators.update import merge_archive
from site_builder.translators.workbench.index import CorpusIndex
from site_builder.translators.workbench.memory import MemoryEntry, TranslationMemory, renumber
from site_builder.translators.workbench.segments import editor_model, join, value_blocks

_ABSENT = "absent"
_UNSET = object()
#: How long the first rows wait for the memory before they are sent without its suggestions.
_MEMORY_WAIT = 3.0
#: Bytes of caches above which a corpus is big: its first screen does not wait for the memory.
_SMALL = 300_000


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
        self.glossary: Glossary = load_glossaries(config.translations_dir, [lang])[lang]
        self._started = time.monotonic()
        self.index = CorpusIndex(config, lang, check=self._check)
        self._renderers = renderers or default_renderers()
        self._rendered: dict[tuple[str, str], tuple[str, ...]] = {}
        self._suggested: dict[tuple[str, str], list[dict[str, Any]]] = {}
        """(file id, key) -> memory suggestions; emptied when a save changes the memory."""
        self._versions: dict[str, str] = {}
        """File id -> digest of the cache bytes the editor was last given."""
        self._parsed: dict[Path, tuple[bytes | None, dict[str, str]]] = {}
        """The last cache parsed or written: its bytes and entries."""

    def _memory_wait(self) -> float:
        """What is left of the :data:`_MEMORY_WAIT` seconds after start (0 once they have passed);
        0 for a corpus whose caches weigh over :data:`_SMALL` bytes, whose first screen must not wait for its index
        (the page asks again for the suggestions once the index is complete)."""
        if self.index.size > _SMALL:
            return 0.0
        return max(0.0, self._started + _MEMORY_WAIT - time.monotonic())

    @property
    def errors(self) -> tuple[SiteBuilderError, ...]:
        """Sources that could not be read so far (the index goes on without them)."""
        return tuple(self.index.errors)

    @property
    def memory(self) -> TranslationMemory:
        return self.index.memory

    # --- reading --------------------------------------------------------------------------

    def files(self, *, wait: bool = True) -> Reply:
        """``GET /api/files``: every file with its counts; ``wait=False`` answers at once, files
        not counted yet marked ``pending`` (a corpus of thousands is counted in the background)."""
        if wait:
            self.index.ready.wait()
        return Reply(200, self.index.rows())

    def progress(self) -> Reply:
        """``GET /api/progress``: counts over the corpus and how far the index has come."""
        return Reply(200, self.index.progress())

    def units(self, file_id: str, *, show: str = "all", offset: int = 0, limit: int | None = None,
              at: str = "") -> Reply:
        """``GET /api/units``: a file's units (then its orphans), read afresh from disk.

        Without ``limit`` and ``show`` the whole list (the first API); with them a page,
        ``{"units", "total", "offset"}``. ``file="*"``: the units of every file in state
        ``show`` (as far as the index has come), each row naming its file. ``at``: a key; the
        page is then the one holding it.
        """
        paged = limit is not None or show != "all"
        if file_id == "*":
            return self._corpus_units(show, offset, limit if limit is not None else 50)
        if file_id not in self.index.paths and file_id not in self.index.stale:
            return _not_found(file_id)
        loaded = self._read(file_id)
        if isinstance(loaded, Reply):
            return loaded
        rows = self._rows(file_id, loaded, show, offset, limit, at)
        if not paged:
            return Reply(200, rows[0])
        return Reply(200, {"units": rows[0], "total": rows[1], "offset": rows[2], "file": file_id})

    def _read(self, file_id: str) -> FileTranslation | dict[str, str] | Reply:
        """The file's translation (or a stale cache's entries) as on disk now, remembering its version."""
        corpus_file = self.index.file(file_id) if file_id in self.index.paths else None
        if file_id in self.index.paths and corpus_file is None:
            return Reply(409, {"error": f"the source of {file_id} cannot be read", "hint": "see the terminal"})
        path = self.index.cache(file_id)
        if corpus_file is None:  # a stale cache: bytes and entries read once, together
            try:
                data, entries = self._entries(path)
            except SiteBuilderError as err:
                return _unreadable(err)
            self._versions[file_id] = hashlib.sha256(data).hexdigest() if data is not None else _ABSENT
            return entries
        with self._lock:
            for _ in range(3):  # the version must be that of the bytes read, even mid-write elsewhere
                version = _digest(path)
                try:
                    loaded = self.index.translation(corpus_file)
                except SiteBuilderError as err:
                    return _unreadable(err)
                if _digest(path) == version:
                    break
            self._versions[file_id] = version
        return loaded

    def _rows(self, file_id: str, loaded: FileTranslation | dict[str, str], show: str, offset: int,
              limit: int | None, at: str = "", only: set[str] | None = None,
              ) -> tuple[list[dict[str, Any]], int, int]:
        """The rows of one file in state ``show``, from ``offset``; only the page is rendered."""
        makers: list[tuple[str, str, str, tuple[Any, Any]]]
        if isinstance(loaded, dict):  # (kind, state, key, what the row needs): rows made for the page only
            makers = [("orphan", "orphaned", k, (n, v)) for n, (k, v) in enumerate(loaded.items(), 1)]
        else:
            ids = unit_ids(file_id, [r.unit for r in loaded.results])
            makers = [("unit", r.state.value, r.matched_key or r.unit.key, (i, r))
                      for i, r in zip(ids, loaded.results, strict=True)]
            makers += [("orphan", "orphaned", o.key, (n, o.value)) for n, o in enumerate(loaded.orphans, 1)]
        if only is not None:
            makers = [m for m in makers if m[2] in only]
        if show != "all":
            row = self.index.row(file_id)
            flagged = row.flagged if show == "problems" and row is not None else set()
            makers = [m for m in makers if m[1] == show or (show == "problems" and m[2] in flagged)]
        where = next((n for n, m in enumerate(makers) if m[2] == at), None) if at else None
        if where is not None and limit:
            offset = where - where % limit
        chosen = makers[offset:offset + limit if limit is not None else None]
        rows = [self._unit_row(*args, loaded) if kind == "unit"  # type: ignore[arg-type]
                else self._orphan_row(file_id, args[0], key, args[1]) for kind, _, key, args in chosen]
        return rows, len(makers), offset

    def _corpus_units(self, show: str, offset: int, limit: int) -> Reply:
        self.index.ready.wait(self._memory_wait())
        matching = list(self.index.matching(show))
        page = matching[offset:offset + limit]
        rows: list[dict[str, Any]] = []
        by_file: dict[str, set[str]] = {}
        for file_id, key in page:
            by_file.setdefault(file_id, set()).add(key)
        for file_id, keys in by_file.items():
            loaded = self._read(file_id)
            if isinstance(loaded, Reply):
                continue
            rows += [{**row, "file": file_id} for row in self._rows(file_id, loaded, "all", 0, None, only=keys)[0]]
        progress = self.index.progress()
        return Reply(200, {"units": rows, "total": len(matching), "offset": offset, "file": "*",
                           "indexed": progress["indexed"], "files": progress["files"]})

    def search(self, query: str, where: str = "both", limit: int = 200) -> Reply:
        """``GET /api/search``: concordance over the indexed corpus (a small one is waited for)."""
        self.index.ready.wait(self._memory_wait())
        progress = self.index.progress()
        return Reply(200, {"hits": self.index.search(query, where, limit),
                           "indexed": progress["indexed"], "files": progress["files"]})

    def _unit_row(self, unit_id: str, result: UnitResult, translation: FileTranslation) -> dict[str, Any]:
        unit = result.unit
        key = result.matched_key or unit.key
        value = translation.catalog.entries.get(key) if result.matched_key else None
        value = value or None
        plain = unit.kind in (UnitKind.TITLE, UnitKind.SUMMARY)
        rendered = self._originals(unit)
        suggestions = []
        carried = translation.suggestions.get(unit.key)
        if carried is not None:
            suggestions.append({"value": renumber(carried.translation, carried.previous, unit.key,
                                                  None, unit.masked.originals),
                                "source": "fuzzy", "file": unit.file_id, "score": carried.score,
                                "english": carried.previous, "diff": word_diff(carried.previous, unit.key)})
        suggestions += self._memory_suggestions(unit.file_id, key, unit.masked.originals)
        for suggestion in suggestions:
            suggestion["blocks"] = value_blocks(key, str(suggestion["value"]), plain=plain)
        return {
            "id": unit_id, "key": key, "kind": unit.kind.value, "english": unit.key,
            "english_html": english_html(unit.key, rendered, unit.kind), "value": value,
            "state": result.state.value, "line": translation.catalog.lines.get(key, 0),
            "source_line": unit.line,
            "findings": _problems(self._check(key, value or "", unit.masked.originals)) if value else [],
            "suggestions": suggestions,
            "placeholders": _placeholder_rows(unit.masked.originals, rendered),
            "glossary": self._terms(unit.key),
            "plain": plain, "editor": editor_model(key, value, plain=plain),
            "memory_pending": not self.index.ready.is_set(),
        }

    def _orphan_row(self, file_id: str, number: int, key: str, value: str) -> dict[str, Any]:
        return {
            "id": f"{file_id}:orphan-{number}", "key": key, "kind": "orphan", "english": key,
            "english_html": english_html(key, (), UnitKind.NOTES), "value": value or None,
            "state": "orphaned", "line": 0, "source_line": 0,
            "findings": _problems(self._check(key, value, ())) if value else [],
            "suggestions": self._memory_suggestions(file_id, key, ()),
            "placeholders": [], "glossary": self._terms(key),
            "plain": False, "editor": editor_model(key, value or None),
            "memory_pending": not self.index.ready.is_set(),
        }

    def _memory_suggestions(self, file_id: str, key: str,
                            originals: Sequence[Protected]) -> list[dict[str, Any]]:
        cached = self._suggested.get((file_id, key))
        if cached is None:
            self.index.ready.wait(self._memory_wait())  # a small corpus is indexed by then; a big one answers anyway
            with self.index.memory_lock:
                found = self.memory.suggest(key, file=file_id, originals=originals)
            cached = [{"value": s.value, "source": s.source, "file": s.file, "score": s.score,
                       "english": s.english} for s in found]
            if self.index.ready.is_set():
                self._suggested[(file_id, key)] = cached
        return [dict(s) for s in cached]

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

    def value_of(self, file_id: str, key: str, blocks: Any) -> str | Reply:
        """The value the editor's blocks stand for (see :mod:`.segments`), or a 400/404 reply."""
        found = self._find_unit(file_id, key)
        if found is None:
            return _unknown_key(file_id, key)
        unit = found[0]
        plain = unit is not None and unit.kind in (UnitKind.TITLE, UnitKind.SUMMARY)
        if not isinstance(blocks, list) or not all(isinstance(b, list) for b in blocks):
            return Reply(400, {"error": "blocks: a list of lists of text and {\"html\": token} items"})
        try:
            return join(key, blocks, plain=plain)
        except ValueError as err:
            return Reply(400, {"error": str(err), "hint": "send one list per block of GET /api/units' editor"})

    def check(self, file_id: str, key: str, value: str) -> Reply:
        """``POST /api/check``: the findings of a draft and how it would read on the page."""
        found = self._find_unit(file_id, key)
        if found is None:
            return _unknown_key(file_id, key)
        unit, originals = found
        rendered = self._originals(unit) if unit is not None else ()
        preview, _ = use_translation(value, rendered, sanitize_html) if value.strip() else (None, None)
        return Reply(200, {"findings": _problems(self._check(key, value, originals)), "preview": preview,
                           "value": value})

    def save(self, file_id: str, key: str, value: str, *, override: bool = False,
             version: str | None = None, base: str | object | None = _UNSET) -> Reply:
        """``PUT /api/units``: check, then write the value (see the module docstring).

        ``base``: the value the editor started from (None: none). When given, only this key is
        compared: a save racing edits of other keys of the file merges with them.
        """
        if file_id not in self.index.paths and file_id not in self.index.stale:
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
                               else "not saved: confirm the warnings to save anyway", "value": value})
        path = self.index.cache(file_id)
        root = self.config.translations_dir
        outside = [p for p in (path, fuzzy_path(path), archive_path(path)) if leads_out(p, root)]
        if outside:  # a link out of the project: neither read into it nor written through
            return Reply(409, {"error": f"{outside[0]} is refused: it leads outside the translations folder {root}",
                               "hint": "copy the file into the folder instead of linking to it", "disk_value": None})
        try:
            with locked(path):
                data, entries = self._entries(path)  # once: a cache may hold 100,000 keys
                conflict = self._conflict(file_id, data, entries.get(key), key, value, version, base)
                if conflict is not None:
                    return conflict
                state, written = self._write(path, unit, key, value, (data, entries))
                self._versions[file_id] = hashlib.sha256(written).hexdigest() if written is not None else _ABSENT
        except CatalogConflict as err:
            return Reply(409, {"error": str(err), "disk_value": err.disk.get(key), "kept": err.kept.name})
        except SiteBuilderError as err:  # the cache or a sidecar became unreadable on disk, or is busy
            return Reply(409, {"error": str(err), "hint": err.hint or "", "disk_value": None})
        with self.index.memory_lock:
            self.memory.add(MemoryEntry(file_id, key, value, tuple(originals) or None))
        self._suggested.clear()
        self.index.saved(file_id, key, value, state, flagged=bool(problems))
        return Reply(200, {"state": state, "findings": _problems(problems), "version": self._versions[file_id],
                           "value": value})

    def pretranslate(self, file_id: str) -> Reply:
        """``POST /api/pretranslate``: every missing unit of ``file_id`` (``*``: of the corpus, as
        far as indexed) whose English is translated elsewhere gets that translation as its fuzzy
        suggestion, never as its value: the unit turns fuzzy and waits for a translator's review."""
        self.index.ready.wait(self._memory_wait())
        targets: dict[str, list[str]] = {}
        for one, key in self.index.matching("missing", "" if file_id == "*" else file_id):
            targets.setdefault(one, []).append(key)
        done: dict[str, int] = {}
        for one, keys in targets.items():
            corpus_file = self.index.file(one) if one in self.index.paths else None
            if corpus_file is None:
                continue
            units = {unit.key: unit for unit in corpus_file.units}
            offers = {}
            for key in keys:
                unit = units.get(key)
                if unit is None:
                    continue
                with self.index.memory_lock:
                    exact = [s for s in self.memory.suggest(key, file=one, originals=unit.masked.originals)
                             if s.score >= 1.0]
                if exact:
                    offers[unit.key] = Suggestion(previous=exact[0].english, translation=exact[0].value, score=1.0)
            if offers:
                done[one] = self._add_suggestions(self.index.cache(one), offers)
                self.index.refresh(one)
        return Reply(200, {"files": done, "units": sum(done.values())})

    def _add_suggestions(self, path: Path, offers: dict[str, Suggestion]) -> int:
        """Put offers in the fuzzy sidecar under the cache's lock, keeping suggestions already there."""
        with locked(path):
            sidecar = fuzzy_path(path)
            current = dict(load_suggestions(sidecar))
            entries = read_entries(path, self.lang)[1]
            new = {key: offer for key, offer in offers.items() if key not in current and not entries.get(key)}
            if new:
                save_suggestions(sidecar, {**current, **new})
            return len(new)

    def _entries(self, path: Path) -> tuple[bytes | None, dict[str, str]]:
        """The cache's bytes and entries now; not parsed again when the bytes are those last
        parsed or written here (a cache of 100,000 keys takes a third of a second to parse)."""
        data = read_bytes_or_none(path)
        known = self._parsed.get(path)
        if known is not None and known[0] == data:
            return known
        entries = read_entries(path, self.lang)[1] if data is not None else {}
        if data is not None and read_bytes_or_none(path) != data:  # changed while parsed: read again
            return read_entries(path, self.lang)
        self._parsed = {path: (data, entries)}  # only the last file: memory stays bounded
        return data, entries

    def _conflict(self, file_id: str, data: bytes | None, current: str | None, key: str, value: str,
                  version: str | None, base: str | object | None) -> Reply | None:
        """A 409 when the disk moved on from what the editor saw (called under the file's lock,
        with the bytes and the key's value just read)."""
        if base is not _UNSET:
            if (current or "") in ((base or ""), value):
                return None
            return Reply(409, {"error": "this unit was changed on disk since it was loaded; both versions "
                                        "are shown, merge them and save again", "disk_value": current})
        expected = version or self._versions.get(file_id)
        on_disk = hashlib.sha256(data).hexdigest() if data is not None else _ABSENT
        if expected is not None and expected != on_disk:
            return Reply(409, {"error": "the file changed on disk since it was loaded; reload to see it",
                               "disk_value": current})
        return None

    def _write(self, path: Path, unit: Unit | None, key: str, value: str,
               known: tuple[bytes | None, dict[str, str]]) -> tuple[str, bytes | None]:
        """Archive a value being emptied, write the key, then drop the unit's fuzzy suggestion."""
        old = known[1].get(key)
        if old is not None and old.strip() and not value.strip():
            archive = archive_path(path)
            save_catalog(archive, merge_archive(load_catalog(archive, self.lang).entries, {key: old}))
        written = apply_changes_read(path, self.lang, {key: (old, value)}, known)
        self._parsed = {path: written}
        sidecar = fuzzy_path(path)
        suggestions = dict(load_suggestions(sidecar))
        unit_key = unit.key if unit is not None else key
        if value.strip() and unit_key in suggestions:
            del suggestions[unit_key]
            save_suggestions(sidecar, suggestions)
        if unit is None:
            return "orphaned", written[0]
        if value.strip():
            return UnitState.TRANSLATED.value, written[0]
        return (UnitState.FUZZY.value if unit_key in suggestions else UnitState.MISSING.value), written[0]

    def _find_unit(self, file_id: str, key: str) -> tuple[Unit | None, tuple[Protected, ...]] | None:
        """The unit whose key (or matched cache key) is ``key``; (None, ()) for an orphan."""
        if file_id in self.index.stale:
            row = self.index.row(file_id)
            if row is not None and key in row.states:
                return None, ()
            try:
                stale = key in self._entries(self.index.cache(file_id))[1]
            except SiteBuilderError:
                return None
            return (None, ()) if stale else None
        corpus_file = self.index.file(file_id)
        if corpus_file is None:
            return None
        for unit in corpus_file.units:
            if unit.key == key:
                return unit, unit.masked.originals
        try:
            translation = self.index.translation(corpus_file)
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


def word_diff(old: str, new: str) -> list[list[str]]:
    """What changed in the readable English from ``old`` to ``new``, word by word:
    ``[["=", "same words"], ["-", "removed"], ["+", "added"], …]``."""
    before, after = _WORDS.findall(visible_text(old)), _WORDS.findall(visible_text(new))
    diff: list[list[str]] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            diff.append(["=", "".join(before[a1:a2])])
            continue
        if a2 > a1:
            diff.append(["-", "".join(before[a1:a2])])
        if b2 > b1:
            diff.append(["+", "".join(after[b1:b2])])
    return diff


_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def _placeholder_rows(originals: Sequence[Protected], rendered: Sequence[str]) -> list[dict[str, Any]]:
    return [{"number": number, "kind": original.kind.value, "source": original.source,
             "html": rendered[number] if number < len(rendered) else "",
             "insert": placeholder(number)}
            for number, original in enumerate(originals)]


def _problems(problems: Sequence[Problem]) -> list[dict[str, str]]:
    return [{"check": p.check, "severity": p.severity.value, "message": p.message} for p in problems]


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

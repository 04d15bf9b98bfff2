"""PO round trip: a loaded corpus <-> one gettext catalog per source file and language (Babel).

Export writes ``<out>/<file id>.<lang>.po``. Each unit is one entry: ``msgctxt`` its stable
unit id (below), ``msgid`` its key, ``msgstr`` its translation ('' when missing). Extracted
comments (``#.``) give the source location and the English as a reader sees it (tags dropped,
placeholders shown as their LaTeX or code); ``#:`` repeats the location for PO editors. A unit
that has only a carried-over suggestion is ``#, fuzzy`` with the suggestion as ``msgstr`` and
the old English as ``#| msgid``. Orphaned cache entries are obsolete (``#~``) entries.

Unit ids come from :func:`site_builder.source.ids.unit_ids`: ``<file id>:title``,
``<file id>:summary``, ``<file id>#<section id>`` for a section's notes and
``<file id>#<section id>:<block>`` for the blocks of a split section. The section id is the
``id`` of the section on the built page, so a translator can open ``page.html#<section id>``.

Import reads such files back. Every entry that would become a translation is checked first
(:func:`site_builder.translators.checks.check_value`); if any has an error, nothing is written and the
errors are reported at ``file.po:line``. Fuzzy entries never become translations: they update
the suggestion sidecar. An entry whose English changed since export becomes a suggestion for
the current unit. Unchanged entries are not rewritten, so export then import gives
byte-identical caches. This module must not render HTML or change anything but caches and
their fuzzy sidecars, and those only through :func:`site_builder.fileio.write_atomic`.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from babel.core import UnknownLocaleError
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.catalog import Message
from babel.messages.pofile import PoFileError, normalize, read_po, write_po

from site_builder.catalog.corpus import Corpus, CorpusFile, FileTranslation
from site_builder.catalog.store import apply_changes, changes_between, fuzzy_path, save_suggestions
from site_builder.errors import Location, TranslationFileError
from site_builder.fileio import locked, write_atomic
from site_builder.model import (
    Finding,
    Severity,
    Suggestion,
    Unit,
    UnitResult,
    UnitState,
)
from site_builder.render.htmltree import visible_text
from site_builder.render.placeholders import replace_canonical, show_original
from site_builder.source.boundary import files_under
from site_builder.source.ids import unit_ids
from site_builder.translators.checks import check_value
from site_builder.translators.glossary import Glossary

#: Fixed header dates keep exported files byte-stable (the cache, not the PO, is the record).
_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
_PO_WIDTH = 76


def po_path(out_dir: Path, file_id: str, lang: str) -> Path:
    """Where the PO file of source ``file_id`` in ``lang`` goes: ``<out>/<file id>.<lang>.po``."""
    return out_dir / f"{file_id}.{lang}.po"


# --- export ------------------------------------------------------------------------------------


def english_as_read(unit: Unit) -> str:
    """The unit's English as a reader sees it: plain text, placeholders shown as LaTeX or code."""
    marker = "\ue000{}\ue001"
    text = visible_text(replace_canonical(unit.key, marker.format), placeholders="")
    for number, original in enumerate(unit.masked.originals):
        text = text.replace(marker.format(number), show_original(original))
    return "\n".join(" ".join(line.split()) for line in text.strip().splitlines() if line.strip())


def export_file(corpus_file: CorpusFile, translation: FileTranslation, source_root: Path) -> bytes:
    """The PO file of one source file in one language."""
    catalog = _new_catalog(translation.lang, corpus_file.source.id)
    try:
        location = corpus_file.source.path.relative_to(source_root).as_posix()
    except ValueError:
        location = corpus_file.source.path.as_posix()
    ids = unit_ids(corpus_file.source.id, corpus_file.units)
    previous: dict[str, str] = {}
    for unit_id, result in zip(ids, translation.results, strict=True):
        unit = result.unit
        if not unit.key:
            continue
        where = f"{location}:{unit.line}" if unit.line else f"{location} (front matter)"
        comments = [f"Source: {where}", *english_as_read(unit).splitlines()]
        message = Message(unit.key, result.text or "", context=unit_id, auto_comments=comments,
                          locations=[(location, unit.line)] if unit.line else [])
        suggestion = translation.suggestions.get(unit.key)
        if result.state is UnitState.FUZZY and suggestion is not None:
            message.string = suggestion.translation
            message.flags.add("fuzzy")
            previous[unit_id] = suggestion.previous
        catalog[unit.key] = message  # Babel keys it by (msgid, msgctxt)
    for orphan in translation.orphans:
        catalog.obsolete[orphan.key] = Message(orphan.key, orphan.value)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=_PO_WIDTH, sort_output=False)
    return _with_previous_ids(buffer.getvalue().decode("utf-8"), previous).encode("utf-8")


def _with_previous_ids(text: str, previous: Mapping[str, str]) -> str:
    """Add ``#| msgid`` lines before each fuzzy entry's msgctxt.

    Babel 2.18 wraps ``#|`` lines like prose, cutting strings in half (msgfmt rejects the
    result), so they are written here in the multi-line form GNU gettext uses.
    """
    for context, old_id in previous.items():
        anchor = f"msgctxt {normalize(context, width=_PO_WIDTH)}\n"
        lines = normalize(old_id, prefix="#| ", width=_PO_WIDTH + 3)
        text = text.replace(anchor, f"#| msgid {lines}\n{anchor}", 1)
    return text


def _new_catalog(lang: str, file_id: str) -> PoCatalog:
    header = (f"# {file_id}: translations to {lang}.\n"
              "# Exported by site-builder export-po; import with site-builder import-po.\n"
              "# Edit msgstr only. Keep every <span translate=no>_^_N_^_</span> and link.")
    try:
        catalog = PoCatalog(locale=lang, header_comment=header, project=file_id, fuzzy=False,
                            creation_date=_EPOCH, revision_date=_EPOCH)
    except (UnknownLocaleError, ValueError):
        catalog = PoCatalog(locale=None, header_comment=header, project=file_id, fuzzy=False,
                            creation_date=_EPOCH, revision_date=_EPOCH)
    return catalog


def export_corpus(corpus: Corpus, out_dir: Path, source_root: Path) -> list[Path]:
    """Write one PO file per source file and language; return the paths written."""
    written = []
    for corpus_file in corpus.files:
        for lang, translation in corpus_file.translations.items():
            path = po_path(out_dir, corpus_file.source.id, lang)
            write_atomic(path, export_file(corpus_file, translation, source_root))
            written.append(path)
    return written


# --- import ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileImport:
    """What importing one PO file changes (nothing is written until every file is clean)."""

    po: Path
    file_id: str
    lang: str
    translation: FileTranslation
    entries: Mapping[str, str]
    """The cache's new entries (equal to the old ones when nothing changed)."""
    suggestions: Mapping[str, Suggestion]
    translated: int = 0
    """Entries whose translation is new or changed."""
    suggested: int = 0
    """Suggestions created or changed (fuzzy entries, and entries whose English changed)."""
    findings: tuple[Finding, ...] = ()
    """Check results at ``po:line``; errors make the whole import refuse."""


@dataclass
class _Draft:
    """The mutable state of one file's import while its entries are read."""

    entries: dict[str, str]
    suggestions: dict[str, Suggestion]
    translated: int = 0
    suggested: int = 0
    findings: list[Finding] = field(default_factory=list)
    imported: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Cache key -> (msgstr, line) already taken from this PO file (one key, two units)."""


@dataclass(frozen=True, slots=True)
class _Entry:
    """A translated entry of a PO file, narrowed to the singular form our exports write."""

    id: str
    string: str
    context: str | None
    fuzzy: bool
    line: int
    """1-based line of its msgid (0 when unknown)."""


def _entries(po: PoCatalog, path: Path) -> list[_Entry]:
    """The entries to import: the header and untranslated entries left out.

    Raises:
        TranslationFileError: a plural entry (``msgid_plural``), at ``path:line``; no unit
            has plural forms, so Babel's tuple id and list of msgstr could only be misread.
    """
    entries = []
    for message in po:
        if not message.id or not message.string:
            continue  # the header, and entries the translator left empty: nothing to import
        if not isinstance(message.id, str) or not isinstance(message.string, str):
            raise TranslationFileError("invalid PO file: a plural entry (msgid_plural), which no unit has",
                                       location=Location(path, message.lineno or 0),
                                       hint="remove its msgid_plural and msgstr[N] lines, or export again")
        entries.append(_Entry(id=message.id, string=message.string, context=message.context,
                              fuzzy=message.fuzzy, line=message.lineno or 0))
    return entries


def read_po_file(path: Path) -> PoCatalog:
    """Parse a PO file strictly.

    Raises:
        TranslationFileError: unreadable or malformed, at ``path:line``.
    """
    try:
        data = path.read_bytes()
        _check_strings(data.decode("utf-8"), path)
        return read_po(io.BytesIO(data), abort_invalid=True)
    except OSError as err:
        raise TranslationFileError(f"cannot read PO file: {err.strerror}", location=Location(path),
                                   hint="check the path") from None
    except PoFileError as err:  # Babel counts these lines from 0
        raise TranslationFileError(f"invalid PO file: {err}", location=Location(path, err.lineno + 1),
                                   hint="fix the PO syntax there, or export again") from None
    except (UnicodeDecodeError, ValueError) as err:
        raise TranslationFileError(f"invalid PO file: {err}", location=Location(path),
                                   hint="save it as UTF-8, or export again") from None


# A line that holds a PO string: an optional keyword (obsolete or not), then a quoted string.
_STRING_START = r'^(?:#~ ?)?(?:msgctxt|msgid(?:_plural)?|msgstr(?:\[\d+\])?)?[ \t]*"'
_STRING_LINE = re.compile(_STRING_START)
_WHOLE_STRING = re.compile(_STRING_START + r'(?:[^"\\]|\\.)*"[ \t]*$')


def _check_strings(text: str, path: Path) -> None:
    """Refuse a quoted string left open: Babel would read it as empty and lose the text."""
    for number, line in enumerate(text.split("\n"), start=1):  # not splitlines: U+2028 is text here
        line = line.removesuffix("\r")
        if _STRING_LINE.match(line) and not _WHOLE_STRING.match(line):
            raise TranslationFileError("invalid PO file: a string is not closed on its line",
                                       location=Location(path, number, len(line) + 1),
                                       hint='end the line with a closing quote (write \\" for a quote inside)')


def find_po_files(po_dir: Path, languages: Sequence[str]) -> list[tuple[Path, str, str]]:
    """``(path, file id, lang)`` of every ``<file id>.<lang>.po`` under ``po_dir``, sorted.

    Raises:
        TranslationFileError: a PO file (or folder) there is a link whose real path leaves ``po_dir``.
    """
    paths, refused = files_under(po_dir, keep=lambda relative: relative.endswith(".po"))
    for outside in refused:
        raise TranslationFileError(outside.reason("PO"), location=Location(outside.path), hint=outside.hint)
    found = []
    for path in paths:
        relative = path.relative_to(po_dir).as_posix()
        stem, _, lang = relative[: -len(".po")].rpartition(".")
        if stem and (not languages or lang in languages):
            found.append((path, stem, lang))
    return found


def plan_import(corpus: Corpus, po_dir: Path, glossaries: Mapping[str, Glossary]) -> list[FileImport]:
    """Read every PO file under ``po_dir`` for the corpus's languages and work out the changes.

    Raises:
        TranslationFileError: a PO file is malformed, or names a source or language the
            project does not have.
    """
    files = {corpus_file.source.id: corpus_file for corpus_file in corpus.files}
    plans = []
    for path, file_id, lang in find_po_files(po_dir, corpus.languages):
        corpus_file = files.get(file_id)
        if corpus_file is None or lang not in corpus_file.translations:
            raise TranslationFileError(f"no source file {file_id!r} with language {lang!r} in the project",
                                       location=Location(path),
                                       hint="export again, or move the file to <file id>.<lang>.po")
        plans.append(_plan_file(path, corpus_file, corpus_file.translations[lang], glossaries.get(lang)))
    return plans


def _plan_file(path: Path, corpus_file: CorpusFile, translation: FileTranslation,
               glossary: Glossary | None) -> FileImport:
    po = read_po_file(path)
    by_id = dict(zip(unit_ids(corpus_file.source.id, corpus_file.units), translation.results, strict=True))
    by_key: dict[str, UnitResult] = {}
    for unit_result in translation.results:
        by_key.setdefault(unit_result.unit.key, unit_result)
    draft = _Draft(entries=dict(translation.catalog.entries), suggestions=dict(translation.suggestions))
    po_file = path.absolute()  # Findings carry absolute paths; adapters shorten them
    for message in _entries(po, path):
        result = _unit_for(message, by_id, by_key)
        if result is None:
            draft.findings.append(Finding(po_file, message.id, "po-unknown", Severity.WARNING,
                                          "no unit has this id or English text any more; skipped",
                                          message.line))
        elif message.fuzzy or message.id != result.unit.key:
            if _suggestion_passes(draft, result, message, po_file, glossary):
                _import_suggestion(draft, result, message)
        else:
            _import_translation(draft, result, message, po_file, glossary)
    return FileImport(po=path, file_id=corpus_file.source.id, lang=translation.lang,
                      translation=translation, entries=draft.entries, suggestions=draft.suggestions,
                      translated=draft.translated, suggested=draft.suggested,
                      findings=tuple(draft.findings))


def _unit_for(message: _Entry, by_id: Mapping[str, UnitResult],
              by_key: Mapping[str, UnitResult]) -> UnitResult | None:
    """The unit an entry is for: its msgctxt's unit, unless another unit has exactly its English.

    The English wins over the id, so files exported before section ids were stable (whose
    msgctxt may name another unit now) still import their unchanged entries correctly; an
    entry whose English changed is found by its id and becomes a suggestion.
    """
    by_context = by_id.get(message.context or "")
    if by_context is not None and by_context.unit.key == message.id:
        return by_context
    return by_key.get(message.id) or by_context


def _import_translation(draft: _Draft, result: UnitResult, message: _Entry, po_file: Path,
                        glossary: Glossary | None) -> None:
    unit = result.unit
    target = result.matched_key or unit.key
    earlier = draft.imported.setdefault(target, (message.string, message.line))
    if earlier[0] != message.string:
        draft.findings.append(Finding(po_file, unit.key, "po-conflict", Severity.ERROR,
                                      f"the same English text is translated differently at line "
                                      f"{earlier[1]}; give both entries one translation", message.line))
        return
    if draft.entries.get(target) == message.string:
        return
    problems = check_value(unit.key, message.string, originals=unit.masked.originals, glossary=glossary)
    draft.findings += [Finding(po_file, unit.key, p.check, p.severity, p.message, message.line,
                               section=unit.section_id) for p in problems]
    if any(p.severity is Severity.ERROR for p in problems):
        return
    draft.entries[target] = message.string
    draft.translated += 1


def _suggestion_passes(draft: _Draft, result: UnitResult, message: _Entry, po_file: Path,
                       glossary: Glossary | None) -> bool:
    """Check a fuzzy entry like any other (against the English it was made for): a suggestion
    is shown to translators and one click from being a translation. False on an error."""
    unit = result.unit
    originals = unit.masked.originals if message.id == unit.key else ()
    problems = check_value(message.id, message.string, originals=originals, glossary=glossary)
    draft.findings += [Finding(po_file, unit.key, p.check, p.severity, f"(fuzzy entry) {p.message}",
                               message.line, section=unit.section_id) for p in problems]
    return not any(p.severity is Severity.ERROR for p in problems)


def _import_suggestion(draft: _Draft, result: UnitResult, message: _Entry) -> None:
    """A fuzzy entry, or one made for older English: keep it as the unit's suggestion."""
    unit = result.unit
    if result.state is UnitState.TRANSLATED:
        return  # the unit has a real translation; a fuzzy entry must not replace it
    old = draft.suggestions.get(unit.key)
    if old is not None and old.translation == message.string:
        return
    previous = old.previous if old is not None and message.id == unit.key else message.id
    draft.suggestions[unit.key] = Suggestion(previous=previous, translation=message.string,
                                             score=old.score if old is not None else 1.0)
    draft.suggested += 1


def import_errors(plans: Sequence[FileImport]) -> list[Finding]:
    """Every error-severity finding of a planned import (empty means it may be written)."""
    return [f for plan in plans for f in plan.findings if f.severity is Severity.ERROR]


def apply_import(plans: Sequence[FileImport]) -> list[FileImport]:
    """Write the caches and sidecars that changed; return the plans that wrote something.

    Raises:
        TranslationFileError: when any plan has an error (nothing is written then).
    """
    errors = import_errors(plans)
    if errors:
        first = errors[0]
        raise TranslationFileError(f"{len(errors)} entr{'y' if len(errors) == 1 else 'ies'} failed "
                                   f"the checks; nothing was imported (first: {first.message})",
                                   location=Location(first.file, first.line),
                                   hint="fix the msgstr there and import again")
    written = []
    for plan in plans:
        changed = False
        path = plan.translation.catalog.path
        with locked(path):  # the cache and its sidecar, as every writer of them does
            if dict(plan.entries) != dict(plan.translation.catalog.entries):
                # Merged into the file as it is now: an edit made since the import read it is kept,
                # and one that clashes stops the import with both versions on disk.
                apply_changes(path, plan.lang, changes_between(plan.translation.catalog.entries, plan.entries))
                changed = True
            if dict(plan.suggestions) != dict(plan.translation.suggestions):
                save_suggestions(fuzzy_path(path), plan.suggestions)
                changed = True
        if changed:
            written.append(plan)
    return written

"""Glossary: ``translations/glossary.<lang>.json`` -> :class:`Glossary`, and term checks on text.

The file pins how a language renders the project's terms, so every page says カプセル for
"capsule" and no page says 変圧器 (the electrical device) for "transformer"::

    {
     "language": "ja",
     "terms": [
      {"en": "capsule", "required": ["カプセル"], "note": "..."},
      {"en": "transformer", "required": ["トランスフォーマー", "Transformer"],
       "wrong": ["変圧器"], "note": "the model, never the electrical device"},
      {"en": "matrix", "forms": ["matrices"], "required": ["行列"]}
     ]
    }

Fields of a term: ``en`` (the English term, one or more words; required), ``required`` (a
string or a list: a value whose key has the term must contain one of them; the first is the
preferred rendering), ``wrong`` (renderings that must never stand for the term), ``forms``
(extra English forms, e.g. irregular plurals; regular plurals match anyway) and ``note``
(guidance shown on the translation guide). A term needs ``required`` or ``wrong``. English
terms match case-insensitively on word boundaries (``capsule``, ``Capsules``; not
``encapsulate``); renderings match as substrings, case-insensitively. The checks read only
plain text (tags, attributes and placeholders already removed by the caller). This module
must not write files; a malformed glossary is a :class:`TranslationFileError` at
``path:line:col``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from site_builder.catalog.store import load_json_object, scan_json_string
from site_builder.errors import Location, TranslationFileError
from site_builder.model import Severity

_TERM_FIELDS = ("en", "required", "wrong", "forms", "note")
_TOP_FIELDS = ("language", "terms")
_SCHEMA_HINT = ('a glossary is {"terms": [{"en": "capsule", "required": ["カプセル"], '
                '"wrong": [...], "note": "..."}, ...]}; see the translation guide')


@dataclass(frozen=True, slots=True)
class Term:
    """One glossary entry."""

    en: str
    required: tuple[str, ...] = ()
    """Accepted renderings; a value whose key has the term must contain one (first = preferred)."""
    wrong: tuple[str, ...] = ()
    """Renderings that must never stand for the term."""
    forms: tuple[str, ...] = ()
    """Extra English forms beyond the regular plurals."""
    note: str = ""
    line: int = 0
    """1-based line of the entry in the glossary file (0 when not read from a file)."""


@dataclass(frozen=True, slots=True)
class GlossaryRow:
    """One row of the glossary as the translation guide shows it."""

    en: str
    use: str
    avoid: str
    note: str


@dataclass(frozen=True, slots=True)
class Glossary:
    """A language's terms; :meth:`violations` checks one key/value pair of plain text."""

    lang: str
    terms: tuple[Term, ...] = ()
    path: Path | None = None

    def violations(self, key_text: str, value_text: str) -> list[tuple[Severity, str]]:
        """Problems of a translation's plain text against its key's: (severity, message)."""
        found = []
        folded = value_text.casefold()
        folded_key = key_text.casefold()
        for term, needles, pattern in _prepared(self.terms):
            # A word every spelling of the term holds, found first by a plain substring test:
            # most keys hold few of the terms, and the regex is the slow part.
            if not any(needle in folded_key for needle in needles) or not pattern.search(key_text):
                continue
            used = [wrong for wrong in term.wrong if wrong.casefold() in folded]
            if used:
                found.append((Severity.ERROR, _wrong_message(term, used, self._where(term))))
            elif term.required and not any(r.casefold() in folded for r in term.required):
                found.append((Severity.WARNING, f'"{term.en}" should be rendered '
                              f'{" or ".join(term.required)}{self._where(term)}'))
        return found

    def _where(self, term: Term) -> str:
        return f" (glossary.{self.lang}.json:{term.line})" if term.line else ""


def _wrong_message(term: Term, used: list[str], where: str) -> str:
    advice = f"; use {term.required[0]}" if term.required else ""
    note = f" ({term.note})" if term.note else ""
    return f'"{term.en}" is rendered {", ".join(used)}, which the glossary forbids{advice}{note}{where}'


_PREPARED: dict[int, tuple[tuple[Term, ...], list[tuple[Term, tuple[str, ...], re.Pattern[str]]]]] = {}


def _prepared(terms: tuple[Term, ...]) -> list[tuple[Term, tuple[str, ...], re.Pattern[str]]]:
    """(term, needles, pattern) per term, made once per glossary: hashing each Term for the
    caches below, per term and per value, cost more than the search itself."""
    stored = _PREPARED.get(id(terms))
    if stored is None or stored[0] is not terms:
        if len(_PREPARED) > 64:  # a long-running workbench reloads its glossaries
            _PREPARED.clear()
        stored = (terms, [(term, term_needles(term), term_pattern(term)) for term in terms])
        _PREPARED[id(terms)] = stored
    return stored[1]


@functools.cache
def term_needles(term: Term) -> tuple[str, ...]:
    """For each spelling :func:`term_pattern` finds, its first word case-folded (a one-word
    term ending in "y" without it, for its "-ies" plural): text holding none has no match."""
    needles = []
    for spelling in (term.en, *term.forms):
        words = spelling.split()
        first = words[0] if words else spelling
        if spelling is term.en and len(words) == 1 and first.endswith("y"):
            first = first[:-1]
        needles.append(first.casefold())
    return tuple(needles)


@functools.cache
def term_pattern(term: Term) -> re.Pattern[str]:
    """The regex that finds a term in English text: its words, plurals and extra forms."""
    words = term.en.split()
    last = words[-1]
    plurals = [last + "s", last + "es"] + ([last[:-1] + "ies"] if last.endswith("y") else [])
    endings = "|".join(re.escape(form) for form in sorted({last, *plurals}, key=len, reverse=True))
    phrase = r"[\s-]+".join([*map(re.escape, words[:-1]), f"(?:{endings})"])
    alternatives = [phrase, *(r"[\s-]+".join(map(re.escape, form.split())) for form in term.forms)]
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


def glossary_path(translations_dir: Path, lang: str) -> Path:
    """Where a language's glossary lives: ``<translations root>/glossary.<lang>.json``."""
    return translations_dir / f"glossary.{lang}.json"


def glossary_rows(glossary: Glossary) -> list[GlossaryRow]:
    """The terms as rows for display, sorted by English term."""
    return [GlossaryRow(en=term.en, use=" / ".join(term.required), avoid=" / ".join(term.wrong),
                        note=term.note) for term in sorted(glossary.terms, key=lambda t: t.en.casefold())]


def load_glossary(path: Path, lang: str | None = None) -> Glossary:
    """Read and validate a glossary; a missing file is an empty glossary.

    ``lang`` defaults to the ``<lang>`` of ``glossary.<lang>.json``.

    Raises:
        TranslationFileError: malformed JSON, or an entry that does not fit the schema
            (unknown field, wrong type, repeated term), at ``path:line:col``.
    """
    lang = lang or path.name.split(".")[-2]
    if not path.exists():
        return Glossary(lang=lang, path=path)
    values, _ = load_json_object(path)
    positions = _Positions(path)
    _check_fields(values, _TOP_FIELDS, positions.members(0), path, positions, "the glossary")
    if values.get("language", lang) != lang:
        raise _schema_error(f'"language" is {values["language"]!r} but the file is for {lang!r}',
                            path, positions, positions.members(0)["language"][1])
    terms_at = positions.members(0).get("terms")
    if terms_at is None or not isinstance(values["terms"], list):
        raise _schema_error('expected a "terms" list', path, positions, terms_at[1] if terms_at else 0)
    terms = [_term(entry, offset, path, positions)
             for entry, offset in zip(values["terms"], positions.elements(terms_at[1]), strict=True)]
    _refuse_repeats(terms, path)
    return Glossary(lang=lang, terms=tuple(terms), path=path)


def _term(entry: object, offset: int, path: Path, positions: _Positions) -> Term:
    if not isinstance(entry, dict):
        raise _schema_error("a term must be an object", path, positions, offset)
    members = positions.members(offset)
    _check_fields(entry, _TERM_FIELDS, members, path, positions, "a term")

    def strings(name: str) -> tuple[str, ...]:
        raw = entry.get(name, [])
        raw = [raw] if isinstance(raw, str) and name == "required" else raw
        if not isinstance(raw, list) or not all(isinstance(s, str) and s.strip() for s in raw):
            raise _schema_error(f'"{name}" must be a list of non-empty strings', path, positions,
                                members[name][1])
        return tuple(raw)

    en, note = entry.get("en"), entry.get("note", "")
    if not isinstance(en, str) or not en.strip():
        raise _schema_error('"en" must be a non-empty string', path, positions,
                            members["en"][1] if "en" in members else offset)
    if not isinstance(note, str):
        raise _schema_error('"note" must be a string', path, positions, members["note"][1])
    term = Term(en=" ".join(en.split()), required=strings("required"), wrong=strings("wrong"),
                forms=strings("forms"), note=note, line=positions.line(offset))
    if not term.required and not term.wrong:
        raise _schema_error(f'term "{term.en}" needs "required" or "wrong"', path, positions, offset)
    return term


def _check_fields(entry: Mapping[str, object], allowed: tuple[str, ...],
                  members: Mapping[str, tuple[int, int]], path: Path, positions: _Positions,
                  what: str) -> None:
    for name in entry:
        if name not in allowed:
            raise _schema_error(f'unknown field "{name}" in {what}; expected one of '
                                f'{", ".join(allowed)}', path, positions, members[name][0])


def _refuse_repeats(terms: list[Term], path: Path) -> None:
    seen: dict[str, Term] = {}
    for term in terms:
        first = seen.setdefault(term.en.casefold(), term)
        if first is not term:
            raise TranslationFileError(f'term "{term.en}" is listed twice (first at line {first.line})',
                                       location=Location(path, term.line),
                                       hint="merge the two entries into one")


def _schema_error(message: str, path: Path, positions: _Positions, offset: int) -> TranslationFileError:
    line, column = positions.position(offset)
    return TranslationFileError(message, location=Location(path, line, column), hint=_SCHEMA_HINT)


class _Positions:
    """Character offsets of the members and elements of an already-validated JSON text."""

    def __init__(self, path: Path) -> None:
        self.text = path.read_text(encoding="utf-8")
        self._decoder = json.JSONDecoder()

    def position(self, offset: int) -> tuple[int, int]:
        return self.line(offset), offset - self.text.rfind("\n", 0, offset)

    def line(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def _skip(self, offset: int) -> int:
        while offset < len(self.text) and self.text[offset] in " \t\r\n":
            offset += 1
        return offset

    def members(self, offset: int) -> dict[str, tuple[int, int]]:
        """Key -> (offset of the key, offset of the value) of the object starting at ``offset``."""
        found = {}
        pos = self._skip(self._skip(offset) + 1)
        while self.text[pos] == '"':
            key, after = scan_json_string(self.text, pos)
            value_at = self._skip(self._skip(after) + 1)
            found[key] = (pos, value_at)
            _, end = self._decoder.raw_decode(self.text, value_at)
            pos = self._skip(end)
            pos = self._skip(pos + 1) if self.text[pos] == "," else pos
        return found

    def elements(self, offset: int) -> list[int]:
        """Offsets of the elements of the array starting at ``offset``."""
        found = []
        pos = self._skip(offset + 1)
        while self.text[pos] != "]":
            found.append(pos)
            _, end = self._decoder.raw_decode(self.text, pos)
            pos = self._skip(end)
            pos = self._skip(pos + 1) if self.text[pos] == "," else pos
        return found


def load_glossaries(translations_dir: Path, languages: tuple[str, ...] | list[str]) -> dict[str, Glossary]:
    """Each language's glossary (empty when the language has none)."""
    return {lang: load_glossary(glossary_path(translations_dir, lang), lang) for lang in languages}


def find_glossary(cache: Path, lang: str, translations_dir: Path | None = None) -> Glossary:
    """The glossary for a cache file checked alone: under ``translations_dir`` if given, else the
    nearest ``glossary.<lang>.json`` in the cache's folder or one of its parents."""
    if translations_dir is not None:
        return load_glossary(glossary_path(translations_dir, lang), lang)
    for folder in cache.resolve().parents:
        candidate = glossary_path(folder, lang)
        if candidate.exists():
            return load_glossary(candidate, lang)
    return Glossary(lang=lang)

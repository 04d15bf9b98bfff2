"""Translation store: cache JSON files <-> :class:`Catalog` values, byte for byte.

Input is a cache file ``<translations root>/<file id>.<lang>.json`` (or one of its sidecars);
output is a Catalog (key -> value, plus each key's line) or a dict of Suggestions, and the
reverse for writing. Reading is strict: a BOM, invalid UTF-8, a syntax error, a duplicate key,
a non-object top level or a non-string value is a :class:`TranslationFileError` naming
``path:line:column``, never a crash or a silent skip. Writing gives exactly
``json.dumps(d, indent=1, sort_keys=True)`` (no trailing newline), the bytes of the public
corpus, through :func:`write_atomic`. This module must not know what keys mean: no rendering,
no lookup.

Sidecars live beside a cache ``<id>.<lang>.json`` so the cache itself stays pure:
``<id>.<lang>.fuzzy.json`` holds suggestions (new key -> {"previous", "translation", "score"})
and ``<id>.<lang>.archive.json`` holds pruned orphans (key -> value, read and written with
:func:`load_catalog` / :func:`save_catalog`).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from site_builder.errors import Location, TranslationFileError
from site_builder.fileio import FileBusy, locked, read_bytes_or_none, replace_if_unchanged, write_atomic
from site_builder.model import Catalog, Suggestion

_CACHE_SUFFIX = ".json"
_FUZZY_SUFFIX = ".fuzzy.json"
_ARCHIVE_SUFFIX = ".archive.json"
_BOMS = {b"\xef\xbb\xbf": "UTF-8", b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}
# JSON's whitespace is exactly these four characters (RFC 8259, section 2).
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_STRING_DECODER = json.JSONDecoder()  # plain and strict: decodes one key at a time
_JSON_TYPE_NAMES = {dict: "an object", list: "an array", str: "a string", int: "a number",
                    float: "a number", bool: "a boolean", type(None): "null"}
_SAVE_HINT = "save the file as UTF-8 JSON, or restore it from version control"


def catalog_path(translations_dir: Path, file_id: str, lang: str) -> Path:
    """Where the cache of source ``file_id`` (``capsule_networks/__init__``) in ``lang`` lives."""
    return translations_dir / f"{file_id}.{lang}{_CACHE_SUFFIX}"


def fuzzy_path(cache_path: Path) -> Path:
    """The suggestions sidecar of a cache: ``x.ja.json`` -> ``x.ja.fuzzy.json``."""
    return cache_path.with_name(cache_path.name[: -len(_CACHE_SUFFIX)] + _FUZZY_SUFFIX)


def archive_path(cache_path: Path) -> Path:
    """The archive sidecar of a cache (pruned orphans): ``x.ja.json`` -> ``x.ja.archive.json``."""
    return cache_path.with_name(cache_path.name[: -len(_CACHE_SUFFIX)] + _ARCHIVE_SUFFIX)


def dump_catalog(entries: Mapping[str, str]) -> str:
    """The exact text of a cache file: one-space indent, sorted keys, ASCII, no final newline."""
    return json.dumps(dict(entries), indent=1, sort_keys=True)


def save_catalog(path: Path, entries: Mapping[str, str]) -> None:
    """Write a cache (or archive) atomically; a reader sees the old file or the new, never a mix."""
    bad = [key for key, value in entries.items() if not isinstance(key, str) or not isinstance(value, str)]
    if bad:
        raise TypeError(f"cache entries must map str to str; {bad[0]!r} does not")
    write_atomic(path, dump_catalog(entries))


def load_catalog(path: Path, lang: str) -> Catalog:
    """Read a cache file; a missing file is an empty Catalog (nothing translated yet).

    Raises:
        TranslationFileError: the file is not a JSON object of strings (``path:line:col``).
    """
    if not path.exists():
        return Catalog(path=path, lang=lang, entries={}, lines={})
    return _catalog_of_text(_read_text(path), path, lang)


def _catalog_of_text(text: str, path: Path, lang: str) -> Catalog:
    parsed = _parse_object(text, path)
    entries: dict[str, str] = {}
    for key, value in parsed.values.items():
        if not isinstance(value, str):
            line, column = parsed.value_positions[key]
            raise TranslationFileError(
                f"value of key {_show(key)} is {_JSON_TYPE_NAMES.get(type(value), 'not a string')}, "
                "expected a string", location=Location(path, line, column),
                hint="a translation is a JSON string; put the translated HTML in quotes")
        entries[key] = value
    lines = {key: position[0] for key, position in parsed.key_positions.items()}
    return Catalog(path=path, lang=lang, entries=entries, lines=lines)


def load_json_object(path: Path) -> tuple[dict[str, object], dict[str, int]]:
    """Read any strict JSON object file (cache, sidecar, glossary): values, and key -> line.

    Raises:
        TranslationFileError: unreadable, BOM, invalid UTF-8, syntax error, duplicate key or a
            top level that is not an object, at ``path:line:col``.
    """
    parsed = _parse_object(_read_text(path), path)
    return parsed.values, {key: position[0] for key, position in parsed.key_positions.items()}


def load_suggestions(path: Path) -> dict[str, Suggestion]:
    """Read a fuzzy sidecar (``fuzzy_path(cache)``); a missing file means no suggestions.

    Raises:
        TranslationFileError: as :func:`load_json_object`, or an entry that is not
            ``{"previous": str, "translation": str, "score": number}``.
    """
    if not path.exists():
        return {}
    parsed = _parse_object(_read_text(path), path)
    suggestions = {}
    for key, value in parsed.values.items():
        suggestion = _suggestion_of(value)
        if suggestion is None:
            line, column = parsed.value_positions[key]
            raise TranslationFileError(
                f"suggestion for key {_show(key)} is not an object with string \"previous\", "
                "string \"translation\" and numeric \"score\"", location=Location(path, line, column),
                hint="fix the entry or delete the sidecar; it is recreated by site-builder update")
        suggestions[key] = suggestion
    return suggestions


def save_suggestions(path: Path, suggestions: Mapping[str, Suggestion]) -> None:
    """Write a fuzzy sidecar atomically, in the cache's byte format; no suggestions removes it.

    Removing rather than writing ``{}`` keeps translation folders free of empty files.
    """
    if not suggestions:
        path.unlink(missing_ok=True)
        return
    plain = {key: {"previous": s.previous, "translation": s.translation, "score": s.score}
             for key, s in suggestions.items()}
    write_atomic(path, json.dumps(plain, indent=1, sort_keys=True))


def list_caches(translations_dir: Path, lang: str) -> dict[str, Path]:
    """Every cache file for ``lang`` under a translations root, as file id -> path (sorted by id).

    Sidecars (``*.fuzzy.json``, ``*.archive.json``), the root's ``glossary.<lang>.json``, hidden
    folders and files, and atomic-write temporaries are not caches. Status uses this to find
    caches whose source no longer exists.
    """
    suffix = f".{lang}{_CACHE_SUFFIX}"
    glossary = translations_dir / f"glossary{suffix}"
    caches = {}
    for path in sorted(translations_dir.rglob(f"*{suffix}")):
        relative = path.relative_to(translations_dir)
        if any(part.startswith(".") for part in relative.parts) or path == glossary:
            continue
        if not path.is_file() or path.name.endswith((_FUZZY_SUFFIX, _ARCHIVE_SUFFIX)):
            continue
        caches[relative.as_posix()[: -len(suffix)]] = path
    return dict(sorted(caches.items()))


# --- strict reading ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ParsedObject:
    """A top-level object as read; :func:`_parse_member` fills the dicts in file order."""

    values: dict[str, object]
    key_positions: dict[str, tuple[int, int]]
    """Key -> (line, column) of its opening quote."""
    value_positions: dict[str, tuple[int, int]]


class _NestedDuplicate(Exception):
    """A duplicate key inside a nested object (a suggestion); reported at that object."""


def _read_text(path: Path) -> str:
    """The file's text, refusing BOMs and invalid UTF-8 with the byte's line and column."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise TranslationFileError(f"cannot read file: {err.strerror}", location=Location(path),
                                   hint="check the path and its permissions") from None
    return _decode_bytes(data, path)


def _decode_bytes(data: bytes, path: Path) -> str:
    for bom, encoding in _BOMS.items():
        if data.startswith(bom):
            raise TranslationFileError(f"file starts with a {encoding} byte order mark",
                                       location=Location(path, 1, 1),
                                       hint="save the file as UTF-8 without a byte order mark")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line_start = data.rfind(b"\n", 0, err.start) + 1
        line = data.count(b"\n", 0, err.start) + 1
        column = len(data[line_start:err.start].decode("utf-8")) + 1
        raise TranslationFileError(f"invalid UTF-8 (byte 0x{data[err.start]:02x})",
                                   location=Location(path, line, column), hint=_SAVE_HINT) from None


def _parse_object(text: str, path: Path) -> _ParsedObject:
    """Parse a JSON object, keeping where each key and value starts and refusing duplicates."""
    lines = _LineIndex(text)
    decoder = json.JSONDecoder(object_pairs_hook=_refuse_nested_duplicates,
                               parse_constant=_refuse_constant)
    pos = _skip(text, 0)
    if not text.startswith("{", pos):
        _fail_top_level(text, pos, path, lines)
    pos = _skip(text, pos + 1)
    parsed = _ParsedObject(values={}, key_positions={}, value_positions={})
    if text.startswith("}", pos):
        _expect_end(text, pos + 1, path, lines)
        return parsed
    while True:
        pos = _skip(text, _parse_member(text, pos, path, lines, decoder, parsed))
        if text.startswith(",", pos):
            comma, pos = pos, _skip(text, pos + 1)
            if text.startswith("}", pos):
                raise _syntax(path, lines, comma, "trailing comma before }")
        elif text.startswith("}", pos):
            _expect_end(text, pos + 1, path, lines)
            return parsed
        else:
            raise _syntax(path, lines, pos, "expected ',' or '}' after the value")


def _parse_member(text: str, pos: int, path: Path, lines: _LineIndex, decoder: json.JSONDecoder,
                  parsed: _ParsedObject) -> int:
    """Parse one ``"key": value`` starting at ``pos`` into ``parsed``; return where it ends."""
    if not text.startswith('"', pos):
        raise _syntax(path, lines, pos, "expected a key in double quotes")
    key, after_key = _scan_string(text, pos, path, lines)
    if key in parsed.key_positions:
        first_line, first_column = parsed.key_positions[key]
        raise TranslationFileError(
            f"duplicate key {_show(key)} (first at {first_line}:{first_column})",
            location=lines.location(path, pos),
            hint="keep one of the two entries and rerun site-builder check")
    parsed.key_positions[key] = lines.position(pos)
    pos = _skip(text, after_key)
    if not text.startswith(":", pos):
        raise _syntax(path, lines, pos, "expected ':' after the key")
    pos = _skip(text, pos + 1)
    parsed.value_positions[key] = lines.position(pos)
    parsed.values[key], end = _decode_value(decoder, text, pos, path, lines)
    return end


class _LineIndex:
    """Turns a character offset into a 1-based (line, column), columns counted in characters."""

    def __init__(self, text: str) -> None:
        self._newlines = [match.start() for match in re.finditer("\n", text)]

    def position(self, pos: int) -> tuple[int, int]:
        line_index = bisect.bisect_left(self._newlines, pos)
        line_start = self._newlines[line_index - 1] + 1 if line_index else 0
        return line_index + 1, pos - line_start + 1

    def location(self, path: Path, pos: int) -> Location:
        return Location(path, *self.position(pos))


def _skip(text: str, pos: int) -> int:
    match = _WHITESPACE.match(text, pos)
    return match.end() if match else pos  # the pattern matches the empty string: always a match


def _syntax(path: Path, lines: _LineIndex, pos: int, message: str) -> TranslationFileError:
    return TranslationFileError(f"invalid JSON: {message}", location=lines.location(path, pos),
                                hint="fix the JSON syntax there (often a missing comma or quote)")


def scan_json_string(text: str, pos: int) -> tuple[str, int]:
    """Decode the JSON string whose opening quote is at ``pos``; return it and the end offset.

    ``json.decoder.scanstring`` is not part of json's typed API; ``raw_decode`` at a ``"`` runs
    that same scanner (strict: no raw control characters), so values and error offsets are equal.
    Raises :class:`json.JSONDecodeError` for a malformed string, ``ValueError`` if none starts there.
    """
    value, end = _STRING_DECODER.raw_decode(text, pos)
    if not isinstance(value, str):
        raise ValueError(f"no JSON string starts at offset {pos}")
    return value, end


def _scan_string(text: str, pos: int, path: Path, lines: _LineIndex) -> tuple[str, int]:
    """Decode the JSON string whose opening quote is at ``pos``; return it and the end offset."""
    try:
        return scan_json_string(text, pos)
    except json.JSONDecodeError as err:
        raise _syntax(path, lines, err.pos, _decoder_message(err)) from None


def _decode_value(decoder: json.JSONDecoder, text: str, pos: int, path: Path,
                  lines: _LineIndex) -> tuple[object, int]:
    """Decode any JSON value at ``pos`` (nested objects must not repeat keys either)."""
    try:
        return decoder.raw_decode(text, pos)
    except json.JSONDecodeError as err:
        raise _syntax(path, lines, err.pos, _decoder_message(err)) from None
    except _NestedDuplicate as err:
        raise TranslationFileError(f"duplicate key {_show(err.args[0])} inside this value",
                                   location=lines.location(path, pos),
                                   hint="keep one of the two entries") from None
    except _NotJson as err:
        raise _syntax(path, lines, pos, f"{err.args[0]} is not allowed in JSON") from None


def _decoder_message(err: json.JSONDecodeError) -> str:
    """json's message without its dangling 'at' (we give the position ourselves)."""
    if err.msg.startswith("Invalid control character") and err.doc[err.pos:err.pos + 1] in "\r\n":
        return "line break inside a string (close the quote before it, or write \\n)"
    trailing = _trailing_comma(err.doc, err.pos)
    if trailing:
        return trailing
    message = err.msg.lower()
    return message[:-3] if message.endswith(" at") else message


def _trailing_comma(text: str, pos: int) -> str:
    """'trailing comma before }' when ``pos`` is a closing bracket right after a comma, else ''."""
    if text[pos:pos + 1] not in ("}", "]"):
        return ""
    before = text[:pos].rstrip()
    return f"trailing comma before {text[pos]}" if before.endswith(",") else ""


def _expect_end(text: str, pos: int, path: Path, lines: _LineIndex) -> None:
    end = _skip(text, pos)
    if end != len(text):
        raise _syntax(path, lines, end, "extra data after the top-level object")


def _fail_top_level(text: str, pos: int, path: Path, lines: _LineIndex) -> None:
    """Explain why a document that does not start with '{' is not a cache."""
    if pos == len(text):
        raise _syntax(path, lines, pos, "the file is empty; expected an object such as {}")
    try:
        value, _ = json.JSONDecoder().raw_decode(text, pos)
    except json.JSONDecodeError as err:
        raise _syntax(path, lines, err.pos, _decoder_message(err)) from None
    raise TranslationFileError(
        f"the top level is {_JSON_TYPE_NAMES.get(type(value), 'not an object')}, expected an object",
        location=lines.location(path, pos),
        hint='a cache is one JSON object of "English key": "translation" pairs')


class _NotJson(ValueError):
    """NaN or Infinity, which Python's json accepts but JSON does not."""


def _refuse_constant(name: str) -> object:
    raise _NotJson(name)


def _refuse_nested_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _NestedDuplicate(key)
        result[key] = value
    return result


def _suggestion_of(value: object) -> Suggestion | None:
    """The Suggestion a sidecar entry describes, or None when its shape is wrong."""
    if not isinstance(value, dict) or set(value) != {"previous", "translation", "score"}:
        return None
    previous, translation, score = value["previous"], value["translation"], value["score"]
    if not isinstance(previous, str) or not isinstance(translation, str):
        return None
    if isinstance(score, bool) or not isinstance(score, (int, float)):
        return None
    return Suggestion(previous=previous, translation=translation, score=float(score))


def _show(key: str, limit: int = 60) -> str:
    """A key as it is written in the file, shortened for messages."""
    shown = json.dumps(key, ensure_ascii=False)
    return shown if len(shown) <= limit else shown[: limit - 4] + '..."'


# --- writing under the file's lock ---------------------------------------------------------

#: A key's change: (value read before, value wanted); None for "absent".
Change = tuple["str | None", "str | None"]


class CatalogConflict(TranslationFileError):
    """A key was changed on disk by another writer and differently here; nothing was overwritten."""

    def __init__(self, message: str, *, location: Location, hint: str, keys: tuple[str, ...],
                 disk: Mapping[str, str], kept: Path) -> None:
        super().__init__(message, location=location, hint=hint)
        self.keys = keys
        self.disk = dict(disk)
        self.kept = kept


def conflict_path(cache_path: Path) -> Path:
    """Where a rejected version is kept: ``x.ja.json`` -> ``x.ja.json.conflict`` (no cache reads it)."""
    return cache_path.with_name(cache_path.name + ".conflict")


def changes_between(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, Change]:
    """What a writer changed: key -> (before, after), for added, altered and removed keys."""
    return {key: (before.get(key), after.get(key)) for key in set(before) | set(after)
            if before.get(key) != after.get(key)}


def apply_changes(path: Path, lang: str, changes: Mapping[str, Change],
                  known: tuple[bytes | None, dict[str, str]] | None = None) -> dict[str, str]:
    """See :func:`apply_changes_read`; returns only the entries."""
    return apply_changes_read(path, lang, changes, known)[1]


def apply_changes_read(path: Path, lang: str, changes: Mapping[str, Change],
                       known: tuple[bytes | None, dict[str, str]] | None = None,
                       ) -> tuple[bytes | None, dict[str, str]]:
    """Apply ``changes`` to the cache as it is *now*, under its lock; return what it then holds.

    Another writer's changes since ours were read are kept: only the keys we changed are
    written, and only where the file still holds what we read (or already what we want).
    The file is compared again right before the atomic replace; a change landing between
    the read and the replace makes us read and merge again.

    ``known``: the file's bytes and entries as the caller just read them under the lock
    (saves a second parse of a large cache).

    Raises:
        CatalogConflict: a key we changed was changed on disk to something else; our whole
            version is kept in :func:`conflict_path`, the cache is left as it is.
        FileBusy: the lock could not be had, or the file kept changing under us.
    """
    with locked(path):
        for _ in range(20):
            if known is not None:
                (data, current), known = known, None
            else:
                data = read_bytes_or_none(path)
                current = _entries_of(data, path, lang)
            clashes = tuple(sorted(key for key, (old, new) in changes.items()
                                   if current.get(key) not in (old, new)))
            merged = dict(current)
            for key, (_, new) in changes.items():
                if new is None:
                    merged.pop(key, None)
                else:
                    merged[key] = new
            if clashes:
                kept = conflict_path(path)
                save_catalog(kept, merged)
                raise CatalogConflict(
                    f"{len(clashes)} entr{'y was' if len(clashes) == 1 else 'ies were'} changed on disk by "
                    f"another writer meanwhile (first: {_show(clashes[0])}); the file was left as it is and "
                    f"this version was kept in {kept.name}", location=Location(path), keys=clashes,
                    disk={key: current[key] for key in clashes if key in current}, kept=kept,
                    hint=f"compare {kept.name} with the file, merge by hand, delete {kept.name}, run again")
            if data is not None and merged == current:
                return data, merged
            written = dump_catalog(merged).encode("utf-8")
            if replace_if_unchanged(path, written, data):
                return written, merged
    raise FileBusy("the file kept changing while it was being written", path=path)


def read_entries(path: Path, lang: str) -> tuple[bytes | None, dict[str, str]]:
    """A cache's bytes and entries, read once: the fast way for writers and large caches.

    The same rules as :func:`load_catalog` (a file that breaks one raises the same error at
    ``path:line:col``), without the key lines, which cost five times the parse on a cache
    of 100,000 keys.
    """
    data = read_bytes_or_none(path)
    return data, _entries_of(data, path, lang)


def _entries_of(data: bytes | None, path: Path, lang: str) -> dict[str, str]:
    """The entries of cache bytes read once (None: no file, no entries)."""
    if data is None:
        return {}
    try:  # the C parser first; anything it or the checks below dislike is read again strictly
        if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            values = json.loads(data.decode("utf-8"), object_pairs_hook=_unique_pairs)
            if isinstance(values, dict) and all(isinstance(v, str) for v in values.values()):
                return values
    except (ValueError, _NotUnique):
        pass
    return dict(_catalog_of_text(_decode_bytes(data, path), path, lang).entries)


class _NotUnique(Exception):
    """A duplicate key or a nested object: the strict reader says where."""


def _unique_pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _NotUnique()
    return found

"""Translation memory: every cache of one language -> suggestions for a unit's key.

A key often recurs across files ("Create experiment" in dozens), and a changed note is often
close to another one already translated. For a unit this module offers, best first: the
translations of the *same* key in other files (score 1.0; spacing differences a browser does
not show count as the same key), then translations of keys whose readable English is similar
(difflib's ratio on the readable text, tags and placeholders set aside, at least
:data:`SIMILARITY`, as ``update`` compares; over words rather than characters for long notes,
and only for the texts sharing most words with the key, so a lookup in thousands of entries
stays fast), each with the file it comes from and its score. A suggestion's
placeholders are renumbered to fit the unit: by what they stand for (the same LaTeX or code)
when both units are known, else by order of appearance. Input is a loaded :class:`Corpus`;
output :class:`MemorySuggestion` values. This module must not read or write files.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from site_builder.catalog.corpus import Corpus
from site_builder.catalog.translate import normalize_key
from site_builder.model import Protected
from site_builder.render.placeholders import canonical_numbers, placeholder, replace_canonical
from site_builder.translators.update import comparable_text

#: The least similarity (difflib ratio of the readable English, 0..1) a memory match needs.
SIMILARITY = 0.75
#: How many suggestions a unit gets at most.
LIMIT = 5
# The word overlap (Dice, over word sets) below which two texts are not compared, and the most
# texts compared per key: keeps a lookup in a 6,000-entry memory to milliseconds.
_WORD_OVERLAP = 0.5
_COMPARED = 20
_LONG = 200
_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


@dataclass(frozen=True, slots=True)
class MemoryEntry:
    """One translated key of one cache."""

    file: str
    """The file id of the cache (``capsule_networks/__init__``)."""
    key: str
    value: str
    originals: tuple[Protected, ...] | None = None
    """What the key's placeholders stand for, when its unit is known (None for orphans)."""


@dataclass(frozen=True, slots=True)
class MemorySuggestion:
    """A translation offered for a unit; ``value`` already numbered for the unit's key."""

    value: str
    source: str
    """``memory`` (another cache or key) or ``fuzzy`` (carried over by ``update``)."""
    file: str
    score: float
    english: str = ""
    """The English key the translation was made for."""


class TranslationMemory:
    """Every translated key of a language, indexed for exact and similar lookups."""

    def __init__(self, entries: Iterable[MemoryEntry]) -> None:
        self._by_form: dict[str, list[MemoryEntry]] = {}
        self._by_text: dict[str, list[MemoryEntry]] = {}
        self._by_word: dict[str, set[str]] = {}
        """Word -> the texts holding it: only texts sharing words with a key are compared."""
        self._word_count: dict[str, int] = {}
        """Text -> how many distinct words it has."""
        for entry in entries:
            self.add(entry)

    def add(self, entry: MemoryEntry) -> None:
        """Index one entry (a newly saved value joins the memory at once; an empty one leaves it)."""
        keep = [entry] if entry.value.strip() else []
        form = normalize_key(entry.key)
        same = self._by_form.setdefault(form, [])
        same[:] = [e for e in same if (e.file, e.key) != (entry.file, entry.key)] + keep
        text = comparable_text(entry.key)
        if text and (keep or text in self._by_text):
            if text not in self._by_text:
                distinct = set(_words(text))
                self._word_count[text] = len(distinct)
                for word in distinct:
                    self._by_word.setdefault(word, set()).add(text)
            similar = self._by_text.setdefault(text, [])
            similar[:] = [e for e in similar if (e.file, e.key) != (entry.file, entry.key)] + keep

    def suggest(self, key: str, *, file: str, originals: Sequence[Protected] = (),
                limit: int = LIMIT) -> list[MemorySuggestion]:
        """Suggestions for ``key`` of ``file``: the same key elsewhere, then similar English."""
        found: list[MemorySuggestion] = []
        seen: set[str] = set()
        form = normalize_key(key)
        for entry in sorted(self._by_form.get(form, ()), key=lambda e: e.file):
            if entry.file == file and normalize_key(entry.key) == form:
                continue  # the unit's own value is not a suggestion for itself
            self._offer(found, seen, entry, key, originals, 1.0)
        if len(found) >= limit:
            return found[:limit]
        for score, entry in self._similar(key, enough=limit - len(found)):
            if normalize_key(entry.key) != form:
                self._offer(found, seen, entry, key, originals, score)
            if len(found) >= limit:
                break
        return found[:limit]

    def _similar(self, key: str, enough: int) -> list[tuple[float, MemoryEntry]]:
        """Entries with similar English, best first; the comparing stops once ``enough`` texts
        passed, since texts come most-shared-words first and ratio is the costly step."""
        text = comparable_text(key)
        if not text:
            return []
        scored = []
        for candidate in self._candidates(text):
            entries = self._by_text[candidate]
            score = similarity(text, candidate)
            if score >= SIMILARITY:
                scored += [(round(score, 4), entry) for entry in entries]
                enough -= 1
                if enough <= 0:
                    break
        return sorted(scored, key=lambda item: (-item[0], item[1].file, item[1].key))

    def _candidates(self, text: str) -> list[str]:
        """The texts worth a difflib comparison, most shared words first (at most :data:`_COMPARED`).

        difflib's ratio costs the product of the lengths, and a memory holds thousands of texts;
        texts that share under half of their words with the key (Dice coefficient over word
        sets) are never 75% alike in practice, so they are not compared.
        """
        words = set(_words(text))
        shared: dict[str, int] = {}
        for word in words:
            for candidate in self._by_word.get(word, ()):
                shared[candidate] = shared.get(candidate, 0) + 1
        dice = {candidate: 2 * count / (len(words) + self._word_count[candidate])
                for candidate, count in shared.items()}
        likely = [candidate for candidate, score in dice.items() if score >= _WORD_OVERLAP]
        return sorted(likely, key=lambda candidate: -dice[candidate])[:_COMPARED]

    @staticmethod
    def _offer(found: list[MemorySuggestion], seen: set[str], entry: MemoryEntry, key: str,
               originals: Sequence[Protected], score: float) -> None:
        value = renumber(entry.value, entry.key, key, entry.originals, originals)
        if value in seen:
            return
        seen.add(value)
        found.append(MemorySuggestion(value=value, source="memory", file=entry.file,
                                      score=score, english=entry.key))


def similarity(first: str, second: str) -> float:
    """difflib's ratio of two comparable texts: over characters for short texts, over words once
    either is longer than :data:`_LONG` characters (the character ratio costs the product of
    the lengths, a second or more for two long notes). 0.0 when surely below :data:`SIMILARITY`."""
    shortest, total = min(len(first), len(second)), len(first) + len(second)
    if 2 * shortest / total < SIMILARITY:
        return 0.0  # a ratio is at most 2*min/(sum): too different in length
    long = max(len(first), len(second)) > _LONG
    matcher = difflib.SequenceMatcher(None, _words(first) if long else first,
                                      _words(second) if long else second, autojunk=False)
    if matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY:
        return 0.0
    return matcher.ratio()


def renumber(value: str, from_key: str, to_key: str,
             from_originals: Sequence[Protected] | None = None,
             to_originals: Sequence[Protected] | None = None) -> str:
    """``value`` (translating ``from_key``) with its placeholders numbered as in ``to_key``.

    Placeholder N of ``from_key`` becomes the placeholder of ``to_key`` that stands for the
    same thing (same kind and source) when both units' originals are known; the rest are
    paired in order of appearance. A placeholder with no partner keeps its number, so the
    checks point at it.
    """
    mapping = placeholder_mapping(from_key, to_key, from_originals, to_originals)
    if all(old == new for old, new in mapping.items()):
        return value
    return replace_canonical(value, lambda number: placeholder(mapping.get(number, number)))


def placeholder_mapping(from_key: str, to_key: str, from_originals: Sequence[Protected] | None,
                        to_originals: Sequence[Protected] | None) -> dict[int, int]:
    """Old placeholder number -> new one (see :func:`renumber`)."""
    old_numbers = list(dict.fromkeys(canonical_numbers(from_key)))
    new_numbers = list(dict.fromkeys(canonical_numbers(to_key)))
    mapping: dict[int, int] = {}
    if from_originals and to_originals:
        free = list(new_numbers)
        for old in old_numbers:
            if old >= len(from_originals):
                continue
            wanted = _identity(from_originals[old])
            match = next((new for new in free if new < len(to_originals)
                          and _identity(to_originals[new]) == wanted), None)
            if match is not None:
                mapping[old] = match
                free.remove(match)
        new_numbers = free
    rest = [old for old in old_numbers if old not in mapping]
    # Fewer free numbers than old ones (the new key has fewer placeholders) leaves the rest unmapped.
    mapping.update(zip(rest, new_numbers, strict=False))
    return mapping


def _identity(original: Protected) -> tuple[str, str]:
    return original.kind.value, " ".join(original.source.split())


def memory_of(corpus: Corpus, lang: str) -> TranslationMemory:
    """The memory over every cache of ``lang`` in ``corpus`` (stale caches included)."""
    entries = []
    for corpus_file in corpus.files:
        translation = corpus_file.translations.get(lang)
        if translation is None:
            continue
        originals: Mapping[str, tuple[Protected, ...]] = {
            (r.matched_key or r.unit.key): r.unit.masked.originals for r in translation.results}
        entries += [MemoryEntry(corpus_file.source.id, key, value, originals.get(key))
                    for key, value in translation.catalog.entries.items()]
    for stale in corpus.stale_caches:
        if stale.catalog.lang == lang:
            entries += [MemoryEntry(stale.file_id, key, value)
                        for key, value in stale.catalog.entries.items()]
    return TranslationMemory(entries)

"""Carry-over (``site-builder update``): orphaned translations -> fuzzy suggestions and the archive.

When English notes change, the old key stops matching and its translation becomes an orphan.
For each file and language this stage pairs each orphan with the most similar unit that has no
translation (text compared with tags and placeholders set aside; difflib's ratio, cutoff 0.6 as
in Babel's catalog update; one orphan to at most one unit, best pairs first) and keeps the old
translation as a suggestion in the fuzzy sidecar. Suggestions whose unit is now translated or
gone are dropped (the old text is still in the cache or the archive). With ``prune``, orphans
that matched nothing move from the cache to the archive sidecar, merged without overwriting:
an archived key that already holds a different value gets the new one under
``"<key>\\n(archived N)"``. Input is a :class:`FileTranslation`; output an :class:`UpdatePlan`
that :func:`apply_update` writes atomically (archive first, then cache, then sidecar, so a
killed run never loses a value). This module must not change any value or delete any text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from site_builder.catalog.corpus import Corpus, FileTranslation
from site_builder.catalog.store import (
    apply_changes,
    archive_path,
    fuzzy_path,
    load_catalog,
    save_catalog,
    save_suggestions,
)
from site_builder.fileio import locked
from site_builder.model import Orphan, Suggestion, Unit, UnitState
from site_builder.render.htmltree import visible_text

#: The similarity below which an orphan is not offered for a unit (Babel uses the same).
CUTOFF = 0.6


@dataclass(frozen=True, slots=True)
class UpdatePlan:
    """What ``update`` does to one cache: its new sidecar, and what it archives."""

    file_id: str
    lang: str
    cache: Path
    suggestions: Mapping[str, Suggestion]
    """The whole new fuzzy sidecar: kept suggestions plus new ones."""
    made: tuple[str, ...] = ()
    """Unit keys that got a new suggestion in this run."""
    dropped: tuple[str, ...] = ()
    """Keys whose suggestion was dropped (unit translated or gone)."""
    archived: Mapping[str, str] | None = None
    """Orphans moved to the archive (``prune`` only): key -> value."""
    remaining: Mapping[str, str] | None = None
    """The cache's entries after pruning (None when the cache is left untouched)."""

    @property
    def changes_anything(self) -> bool:
        return bool(self.made or self.dropped or self.archived)


def comparable_text(key: str) -> str:
    """A key's words for similarity: tags, entities and placeholders set aside, spacing collapsed."""
    return " ".join(visible_text(key, placeholders=" ").split()).casefold()


def match_orphans(orphans: Sequence[Orphan], units: Sequence[Unit],
                  cutoff: float = CUTOFF) -> list[tuple[Orphan, Unit, float]]:
    """Pair orphans with units, best pairs first, each orphan and each unit used at most once.

    Orphans or units with no words (math-only paragraphs) are never paired: there is nothing
    to carry over, and any two of them would look identical.
    """
    orphan_texts = [(orphan, comparable_text(orphan.key)) for orphan in orphans if orphan.value.strip()]
    orphan_texts = [(orphan, text) for orphan, text in orphan_texts if text]
    scored = []
    matcher = difflib.SequenceMatcher(autojunk=False)
    for unit_index, unit in enumerate(units):
        unit_text = comparable_text(unit.key)
        if not unit_text:
            continue
        matcher.set_seq2(unit_text)  # seq2 is the side difflib caches, so it is the outer loop
        for orphan_index, (orphan, text) in enumerate(orphan_texts):
            matcher.set_seq1(text)
            if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff:
                score = matcher.ratio()
                if score >= cutoff:
                    scored.append((-score, orphan_index, unit_index, orphan, unit))
    return _greedy(sorted(scored, key=lambda item: item[:3]))


def _greedy(scored: Iterable[tuple[float, int, int, Orphan, Unit]]) -> list[tuple[Orphan, Unit, float]]:
    used_orphans: set[str] = set()
    used_units: set[str] = set()
    pairs = []
    for negative_score, _, _, orphan, unit in scored:
        if orphan.key in used_orphans or unit.key in used_units:
            continue
        used_orphans.add(orphan.key)
        used_units.add(unit.key)
        pairs.append((orphan, unit, round(-negative_score, 4)))
    return pairs


def plan_update(file_id: str, translation: FileTranslation, *, prune: bool = False) -> UpdatePlan:
    """Work out the new sidecar (and, with ``prune``, the archive moves) of one cache."""
    kept = {r.unit.key: translation.suggestions[r.unit.key] for r in translation.results
            if r.state is UnitState.FUZZY and r.unit.key in translation.suggestions}
    dropped = tuple(key for key in translation.suggestions if key not in kept)
    carried = {suggestion.previous for suggestion in kept.values()}
    free_orphans = [orphan for orphan in translation.orphans if orphan.key not in carried]
    missing = list({r.unit.key: r.unit for r in translation.results
                    if r.state is UnitState.MISSING and r.unit.key not in kept}.values())
    pairs = match_orphans(free_orphans, missing)
    new = {unit.key: Suggestion(previous=orphan.key, translation=orphan.value, score=score)
           for orphan, unit, score in pairs}
    plan = UpdatePlan(file_id=file_id, lang=translation.lang, cache=translation.catalog.path,
                      suggestions={**kept, **new}, made=tuple(new), dropped=dropped)
    if not prune:
        return plan
    used = carried | {suggestion.previous for suggestion in new.values()}
    archived = {o.key: o.value for o in translation.orphans if o.key not in used}
    if not archived:
        return plan
    remaining = {k: v for k, v in translation.catalog.entries.items() if k not in archived}
    return UpdatePlan(file_id=plan.file_id, lang=plan.lang, cache=plan.cache,
                      suggestions=plan.suggestions, made=plan.made, dropped=plan.dropped,
                      archived=archived, remaining=remaining)


def merge_archive(existing: Mapping[str, str], moved: Mapping[str, str]) -> dict[str, str]:
    """The archive after adding ``moved``: nothing is overwritten, equal values are not repeated."""
    merged = dict(existing)
    for key, value in moved.items():
        slot, number = key, 1
        while slot in merged and merged[slot] != value:
            number += 1
            slot = f"{key}\n(archived {number})"
        merged[slot] = value
    return merged


def apply_update(plan: UpdatePlan) -> None:
    """Write one plan: archive, then cache, then fuzzy sidecar, each atomically.

    That order means a run killed between two writes leaves a pruned value in both the archive
    and the cache, never in neither.
    """
    with locked(plan.cache):  # one lock per cache, its sidecars included (see catalog.store)
        if plan.archived:
            archive = archive_path(plan.cache)
            existing = load_catalog(archive, plan.lang).entries
            save_catalog(archive, merge_archive(existing, plan.archived))
        if plan.remaining is not None:
            # Only the archived keys leave the cache; a value another writer saved meanwhile stays.
            apply_changes(plan.cache, plan.lang, {key: (value, None) for key, value in (plan.archived or {}).items()})
        if plan.made or plan.dropped:
            save_suggestions(fuzzy_path(plan.cache), plan.suggestions)


def update_corpus(corpus: Corpus, *, prune: bool = False) -> list[UpdatePlan]:
    """Plan and apply ``update`` for every file and language of a loaded corpus, in file order.

    Caches whose source is gone are not touched here: with no units there is nothing to carry
    their text to (the CLI reports them).
    """
    plans = []
    for corpus_file in corpus.files:
        for translation in corpus_file.translations.values():
            plan = plan_update(corpus_file.source.id, translation, prune=prune)
            apply_update(plan)
            plans.append(plan)
    return plans


def short_key(key: str, limit: int = 60) -> str:
    """A key shortened to one line for reports."""
    text = re.sub(r"\s+", " ", key).strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."

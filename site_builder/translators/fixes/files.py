"""``check --fix`` on files: cache files (or a loaded corpus) -> :class:`FilePlan` values, written atomically.

Each value of each cache goes through :func:`.fixes.fix_value`; a plan holds the cache's
entries before and after, and the repairs made per key. Keys never change, no entry is added
or dropped, and a plan whose values would read differently (visible text, spacing aside) is
refused outright rather than written. :func:`plan_diff` shows a plan as a unified diff of the
entries, one ``"key": "value"`` line each with the text unescaped so a reviewer can read it
(the file itself keeps its ``\\uXXXX`` escapes). Only :func:`apply_plan` writes.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from site_builder.catalog.corpus import Corpus
from site_builder.catalog.store import apply_changes, changes_between, load_catalog
from site_builder.errors import SiteBuilderError, at_file
from site_builder.model import Protected
from site_builder.translators.checks import expand_cache_paths
from site_builder.translators.fixes.links import LinkTexts, translated_link_texts
from site_builder.translators.fixes.values import fix_value, text_signature


@dataclass(frozen=True, slots=True)
class FilePlan:
    """The repairs of one cache file."""

    path: Path
    before: Mapping[str, str]
    after: Mapping[str, str]
    repairs: Mapping[str, tuple[str, ...]]
    """Key -> names of the repairs made to its value (only keys that changed)."""

    @property
    def changed(self) -> bool:
        return bool(self.repairs)


def plan_catalog(path: Path, entries: Mapping[str, str],
                 originals: Mapping[str, Sequence[Protected]] | None = None,
                 link_texts: LinkTexts | None = None) -> FilePlan:
    """Repair every value of one cache's entries (nothing is written).

    Args:
        link_texts: what links wrap elsewhere in the language (:func:`translated_link_texts`).
    """
    after: dict[str, str] = {}
    repairs: dict[str, tuple[str, ...]] = {}
    for key, value in entries.items():
        fixed = fix_value(key, value, originals=(originals or {}).get(key, ()), link_texts=link_texts)
        after[key] = fixed.value
        if fixed.applied:
            repairs[key] = fixed.applied
    _assert_no_text_lost(path, entries, after)
    return FilePlan(path=path, before=dict(entries), after=after, repairs=repairs)


def _assert_no_text_lost(path: Path, before: Mapping[str, str], after: Mapping[str, str]) -> None:
    """A last guard: the same keys, and each value reads as before."""
    if list(before) != list(after) or any(text_signature(before[k]) != text_signature(after[k]) for k in before):
        raise AssertionError(f"{path}: a repair would change the translators' text; nothing written")


def plan_files(paths: Sequence[Path], *,
               languages: Sequence[str] = ()) -> tuple[list[FilePlan], list[SiteBuilderError]]:
    """Plans for cache files checked alone (folders stand for the caches below them)."""
    errors: list[SiteBuilderError] = []
    loaded: list[tuple[Path, str, Mapping[str, str]]] = []
    for path in expand_cache_paths(paths):
        lang = path.name.split(".")[-2] if path.name.count(".") >= 2 else ""
        if languages and lang not in languages:
            continue
        try:
            with at_file(path):
                loaded.append((path, lang, load_catalog(path, lang).entries))
        except SiteBuilderError as err:
            errors.append(err)
    hints = _link_texts_by_lang((lang, entries) for _, lang, entries in loaded)
    return [plan_catalog(path, entries, link_texts=hints[lang]) for path, lang, entries in loaded], errors


def _link_texts_by_lang(caches: Iterable[tuple[str, Mapping[str, str]]]) -> dict[str, LinkTexts]:
    values: dict[str, list[str]] = {}
    for lang, entries in caches:
        values.setdefault(lang, []).extend(entries.values())
    return {lang: translated_link_texts(found) for lang, found in values.items()}


def plan_corpus(corpus: Corpus) -> list[FilePlan]:
    """Plans for every cache of a loaded corpus, with the units' originals (stale caches too)."""
    hints = _link_texts_by_lang(
        [(t.lang, t.catalog.entries) for f in corpus.files for t in f.translations.values()]
        + [(s.catalog.lang, s.catalog.entries) for s in corpus.stale_caches])
    plans = []
    for corpus_file in corpus.files:
        for translation in corpus_file.translations.values():
            originals = {(r.matched_key or r.unit.key): r.unit.masked.originals for r in translation.results}
            plans.append(plan_catalog(translation.catalog.path, translation.catalog.entries, originals,
                                      hints[translation.lang]))
    plans += [plan_catalog(stale.catalog.path, stale.catalog.entries, link_texts=hints[stale.catalog.lang])
              for stale in corpus.stale_caches]
    return plans


def apply_plan(plan: FilePlan) -> bool:
    """Write a changed plan's cache atomically, in the exact format; True when written."""
    if not plan.changed:
        return False
    # Under the file's lock, onto the file as it is now: a value saved since it was read is kept
    # (or, changed here too, stops with both versions on disk: CatalogConflict).
    apply_changes(plan.path, "", changes_between(plan.before, plan.after))
    return True


def plan_diff(plan: FilePlan) -> str:
    """A unified diff of the values a plan changes (text unescaped; '' when nothing changes)."""
    def lines(entries: Mapping[str, str]) -> list[str]:
        return [f"{json.dumps(key, ensure_ascii=False)}: {json.dumps(entries[key], ensure_ascii=False)}\n"
                for key in sorted(entries)]

    if not plan.changed:
        return ""
    name = plan.path.as_posix()
    return "".join(difflib.unified_diff(lines(plan.before), lines(plan.after),
                                        fromfile=f"{name} (now)", tofile=f"{name} (fixed)", n=0))

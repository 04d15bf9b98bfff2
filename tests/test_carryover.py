"""carryover.py: orphaned translations -> fuzzy suggestions, and pruning to the archive."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.catalog.corpus import file_stats, load_corpus, translate_units
from site_builder.catalog.store import (
    archive_path,
    catalog_path,
    dump_catalog,
    fuzzy_path,
    load_catalog,
    load_suggestions,
    save_catalog,
    save_suggestions,
)
from site_builder.config import SiteConfig
from site_builder.model import (
    FrontMatter,
    Masked,
    Orphan,
    Section,
    SectionKind,
    SourceFile,
    SourceKind,
    Suggestion,
    Unit,
    UnitKind,
    UnitState,
)
from site_builder.translators.update import (
    apply_update,
    comparable_text,
    match_orphans,
    merge_archive,
    plan_update,
    update_corpus,
)


def notes_unit(key: str, section: int = 0) -> Unit:
    return Unit(file_id="m", kind=UnitKind.NOTES, section=section, block=0, masked=Masked(key))


def source() -> SourceFile:
    return SourceFile(id="m", path=Path("m.py"), kind=SourceKind.PYTHON, front=FrontMatter("M"),
                      sections=(Section(SectionKind.COMMENT, "x", (), 1),))


def translation_of(root: Path, keys: list[str], entries: dict[str, str],
                   suggestions: dict[str, Suggestion] | None = None):
    cache = catalog_path(root, "m", "ja")
    save_catalog(cache, entries)
    save_suggestions(fuzzy_path(cache), suggestions or {})
    return translate_units(source(), [notes_unit(key, i) for i, key in enumerate(keys)], root, "ja")


OLD = "<p>Iterate over the input capsules </p>\n"
NEW = "<p>Iterate over all the input capsules </p>\n"


def test_comparable_text_sets_tags_entities_and_placeholders_aside():
    key = '<p>The <a href="x">shape</a> of <span translate=no>_^_0_^_</span> isn&#x27;t  fixed</p>\n'
    assert comparable_text(key) == "the shape of isn't fixed"


def test_an_edited_note_gets_its_old_translation_as_a_suggestion_and_the_cache_stays_untouched(tmp_path):
    translation = translation_of(tmp_path, [NEW], {OLD: "<p>入力カプセルを反復</p>\n"})
    before = translation.catalog.path.read_bytes()
    plan = plan_update("m", translation)
    apply_update(plan)
    assert plan.made == (NEW,)
    suggestion = load_suggestions(fuzzy_path(translation.catalog.path))[NEW]
    assert (suggestion.previous, suggestion.translation) == (OLD, "<p>入力カプセルを反復</p>\n")
    assert 0.6 <= suggestion.score < 1
    assert translation.catalog.path.read_bytes() == before
    again = translate_units(source(), [notes_unit(NEW)], tmp_path, "ja")
    assert again.results[0].state is UnitState.FUZZY and file_stats(again).fuzzy == 1


def test_a_dissimilar_orphan_is_not_offered():
    assert match_orphans([Orphan("<p>Load the MNIST dataset</p>\n", "<p>x</p>\n")],
                         [notes_unit("<p>Iterate over capsules</p>\n")]) == []


def test_each_orphan_and_each_unit_is_used_once_best_pairs_first():
    orphans = [Orphan("<p>Iterate over capsules quickly</p>\n", "<p>a</p>\n"),
               Orphan("<p>Iterate over capsules</p>\n", "<p>b</p>\n")]
    units = [notes_unit("<p>Iterate over the capsules</p>\n"), notes_unit("<p>Iterate over capsules quick</p>\n", 1)]
    pairs = {unit.key: orphan.value for orphan, unit, _ in match_orphans(orphans, units)}
    assert pairs == {"<p>Iterate over the capsules</p>\n": "<p>b</p>\n",
                     "<p>Iterate over capsules quick</p>\n": "<p>a</p>\n"}


def test_math_only_and_empty_translations_are_never_carried_over():
    math = "<p><span translate=no>_^_0_^_</span></p>\n"
    spaced = notes_unit("<p><span translate=no>_^_0_^_</span> </p>\n")
    assert match_orphans([Orphan(math, "<p>x</p>\n")], [spaced]) == []
    assert match_orphans([Orphan(OLD, "")], [notes_unit(NEW)]) == []


def test_suggestions_are_kept_while_useful_and_dropped_once_translated_or_gone(tmp_path):
    suggestions = {NEW: Suggestion(OLD, "<p>古い</p>\n", 0.9),
                   "<p>Gone unit</p>\n": Suggestion("<p>x</p>\n", "<p>y</p>\n", 0.8),
                   "<p>Done</p>\n": Suggestion("<p>Don</p>\n", "<p>z</p>\n", 0.7)}
    translation = translation_of(tmp_path, [NEW, "<p>Done</p>\n"],
                                 {OLD: "<p>古い</p>\n", "<p>Done</p>\n": "<p>済</p>\n"}, suggestions)
    plan = plan_update("m", translation)
    assert set(plan.suggestions) == {NEW} and set(plan.dropped) == {"<p>Gone unit</p>\n", "<p>Done</p>\n"}
    assert plan.made == ()  # the orphan behind the kept suggestion is not offered twice


def test_a_second_update_changes_nothing(tmp_path):
    translation_of(tmp_path, [NEW], {OLD: "<p>訳</p>\n"})
    apply_update(plan_update("m", translate_units(source(), [notes_unit(NEW)], tmp_path, "ja")))
    sidecar = fuzzy_path(catalog_path(tmp_path, "m", "ja"))
    before = sidecar.read_bytes()
    second = plan_update("m", translate_units(source(), [notes_unit(NEW)], tmp_path, "ja"), prune=True)
    assert not second.changes_anything
    apply_update(second)
    assert sidecar.read_bytes() == before


def test_prune_moves_only_unmatched_orphans_to_the_archive(tmp_path):
    entries = {OLD: "<p>訳</p>\n", "<p>Something unrelated entirely</p>\n": "<p>無関係</p>\n",
               "<p>Never done</p>\n": ""}
    translation = translation_of(tmp_path, [NEW], entries)
    plan = plan_update("m", translation, prune=True)
    apply_update(plan)
    cache = translation.catalog.path
    assert cache.read_text(encoding="utf-8") == dump_catalog({OLD: "<p>訳</p>\n"})
    assert load_catalog(archive_path(cache), "ja").entries == {
        "<p>Something unrelated entirely</p>\n": "<p>無関係</p>\n", "<p>Never done</p>\n": ""}


@pytest.mark.parametrize("existing, moved, expected", [
    ({}, {"k": "a"}, {"k": "a"}),
    ({"k": "a"}, {"k": "a"}, {"k": "a"}),
    ({"k": "a"}, {"k": "b"}, {"k": "a", "k\n(archived 2)": "b"}),
    ({"k": "a", "k\n(archived 2)": "b"}, {"k": "c"}, {"k": "a", "k\n(archived 2)": "b", "k\n(archived 3)": "c"}),
    ({"k": "a", "k\n(archived 2)": "b"}, {"k": "b"}, {"k": "a", "k\n(archived 2)": "b"}),
])
def test_the_archive_never_overwrites_a_value(existing, moved, expected):
    assert merge_archive(existing, moved) == expected


# --- through the real pipeline ------------------------------------------------------------------

def test_on_the_seed_an_english_edit_then_update_makes_a_fuzzy_suggestion_that_status_counts(
        tmp_path, seed_path, seed_project):
    config = seed_project(tmp_path)
    before = file_stats(load_corpus(config).files[0].translations["ja"])
    assert (before.translated, before.fuzzy, before.orphaned) == (2, 0, 0)
    seed_project(tmp_path, edited=True)
    [plan] = update_corpus(load_corpus(config))
    seed = json.loads(seed_path.read_text(encoding="utf-8"))
    old_key = next(key for key in seed if key.startswith("<h1>"))
    [new_key] = plan.made
    assert "A capsule network is" in new_key
    suggestion = load_suggestions(fuzzy_path(plan.cache))[new_key]
    assert (suggestion.previous, suggestion.translation) == (old_key, seed[old_key])
    after = file_stats(load_corpus(config).files[0].translations["ja"])
    assert (after.translated, after.fuzzy, after.missing, after.orphaned) == (1, 1, 1, 1)
    assert plan.cache.read_bytes() == seed_path.read_bytes()


def big_project(root: Path, files: int) -> SiteConfig:
    for index in range(files):
        path = root / "src" / f"m{index:03}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"# Step {j} of module {index}, now with more words\nx{j} = {j}\n\n"
                                for j in range(20)), encoding="utf-8")
        save_catalog(catalog_path(root / "translations", f"m{index:03}", "ja"),
                     {f"<p>Step {j} of module {index} </p>\n": f"<p>手順 {j}</p>\n" for j in range(20)}
                     | {f"<p>Unrelated note {j} {index} zzz qqq</p>\n": "<p>x</p>\n" for j in range(20)})
    return SiteConfig(source_dir=root / "src", translations_dir=root / "translations", languages=("en", "ja"))


@pytest.mark.slow
def test_an_update_killed_mid_run_leaves_every_file_old_or_new_and_loses_no_value(tmp_path):
    config = big_project(tmp_path, 120)
    caches = sorted(config.translations_dir.rglob("*.ja.json"))
    before = {path: load_catalog(path, "ja").entries for path in caches}
    command = [sys.executable, "-m", "site_builder.adapters.cli", "update", "--prune", "--lang", "ja",
               "--config", str(tmp_path / "absent.yml"), "--source", str(config.source_dir),
               "--translations", str(config.translations_dir)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not any(config.translations_dir.rglob("*.archive.json")) and process.poll() is None:
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    for cache in caches:
        now = load_catalog(cache, "ja").entries  # strict: a half-written file would raise here
        archive = load_catalog(archive_path(cache), "ja").entries
        load_suggestions(fuzzy_path(cache))
        assert cache.read_text(encoding="utf-8") == dump_catalog(now)
        assert all(now.get(key) == value or archive.get(key) == value
                   for key, value in before[cache].items()), cache

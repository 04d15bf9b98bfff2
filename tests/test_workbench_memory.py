"""Translation memory: the same key in other files first, similar English above the threshold, renumbering."""

from __future__ import annotations

from site_builder.model import Protected, ProtectedKind
from site_builder.translators.workbench.memory import SIMILARITY, MemoryEntry, TranslationMemory, renumber

P = "<span translate=no>_^_{}_^_</span>"


def code(text: str) -> Protected:
    return Protected(ProtectedKind.CODE_SPAN, text)


def test_the_same_key_in_other_files_comes_first_with_score_one():
    memory = TranslationMemory([
        MemoryEntry("b", "<p>Create experiment</p>\n", "<p>実験を作成</p>\n"),
        MemoryEntry("c", "<p>Create experiment </p>\n", "<p>実験を作る</p>\n"),  # spacing only differs
        MemoryEntry("d", "<p>Create experiments</p>\n", "<p>実験群を作成</p>\n"),
    ])
    found = memory.suggest("<p>Create experiment</p>\n", file="a")
    assert [(s.file, s.score) for s in found[:2]] == [("b", 1.0), ("c", 1.0)]
    assert found[2].file == "d" and SIMILARITY <= found[2].score < 1.0
    assert all(s.source == "memory" for s in found)


def test_a_unit_is_not_offered_its_own_value():
    memory = TranslationMemory([MemoryEntry("a", "<p>Run</p>", "<p>実行</p>")])
    assert memory.suggest("<p>Run</p>", file="a") == []


def test_similar_english_below_the_threshold_is_not_offered():
    memory = TranslationMemory([
        MemoryEntry("b", "<p>Squash the capsules along the last axis</p>", "<p>押しつぶす</p>"),
        MemoryEntry("b", "<p>Load the MNIST dataset from disk</p>", "<p>読み込む</p>"),
    ])
    found = memory.suggest("<p>Squash the capsules along the last axes</p>", file="a")
    assert [s.value for s in found] == ["<p>押しつぶす</p>"]
    assert found[0].score >= SIMILARITY


def test_equal_translations_are_offered_once():
    memory = TranslationMemory([MemoryEntry(f, "<p>Run</p>", "<p>実行</p>") for f in "bcd"])
    assert len(memory.suggest("<p>Run</p>", file="a")) == 1


def test_placeholders_are_renumbered_by_what_they_stand_for():
    from_key = f"<p>{P.format(0)} then {P.format(1)} again</p>"
    to_key = f"<p>now {P.format(0)} before {P.format(1)} again</p>"
    value = f"<p>{P.format(0)} の後 {P.format(1)}</p>"
    moved = renumber(value, from_key, to_key, (code("a"), code("b")), (code("b"), code("a")))
    assert moved == f"<p>{P.format(1)} の後 {P.format(0)}</p>"


def test_without_originals_placeholders_pair_in_order_of_appearance():
    from_key = f"<p>{P.format(0)} x {P.format(1)} y {P.format(2)}</p>"
    to_key = f"<p>{P.format(1)} x {P.format(2)} y</p>"  # a split block numbers from where it starts
    value = f"<p>{P.format(2)} {P.format(0)} {P.format(1)}</p>"
    assert renumber(value, from_key, to_key) == f"<p>{P.format(2)} {P.format(1)} {P.format(2)}</p>"


def test_memory_suggestions_come_renumbered_for_the_unit():
    memory = TranslationMemory([MemoryEntry("b", f"<p>Shape {P.format(0)} of {P.format(1)}</p>",
                                            f"<p>{P.format(1)} の形 {P.format(0)}</p>", (code("x"), code("y")))])
    [found] = memory.suggest(f"<p>Shape {P.format(0)} of {P.format(1)}</p>", file="a",
                             originals=(code("y"), code("x")))
    assert found.value == f"<p>{P.format(0)} の形 {P.format(1)}</p>"


def test_a_saved_value_joins_the_memory_and_replaces_the_old_one():
    memory = TranslationMemory([MemoryEntry("b", "<p>Run</p>", "<p>走る</p>")])
    memory.add(MemoryEntry("b", "<p>Run</p>", "<p>実行</p>"))
    assert [s.value for s in memory.suggest("<p>Run</p>", file="a")] == ["<p>実行</p>"]


def test_a_value_emptied_on_purpose_leaves_the_memory():
    memory = TranslationMemory([MemoryEntry("b", "<p>Run</p>", "<p>走る</p>")])
    memory.add(MemoryEntry("b", "<p>Run</p>", ""))
    assert memory.suggest("<p>Run</p>", file="a") == []

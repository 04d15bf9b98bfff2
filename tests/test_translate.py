"""translate.py: lookup (exact, whitespace-normalised, fuzzy, orphans) and placeholder restoring."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.catalog.translate import lookup, normalize_key
from site_builder.model import Catalog, Masked, Orphan, Suggestion, Unit, UnitKind, UnitState


def unit(key: str, section: int = 0) -> Unit:
    return Unit(file_id="pkg/mod", kind=UnitKind.NOTES, section=section, block=0, masked=Masked(key))


def catalog(entries: dict[str, str]) -> Catalog:
    lines = {key: number for number, key in enumerate(entries, start=2)}
    return Catalog(path=Path("tr/pkg/mod.ja.json"), lang="ja", entries=entries, lines=lines)


# --- normalisation -----------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("<p>Iterate </p>\n", "<p>Iterate</p>\n"),                       # comment's trailing space
    ("<p> The shape</p>\n", "<p>The shape</p>\n"),                   # docstring's leading space
    ("<p>a  b\n c</p>", "<p>a b c</p>"),                              # runs of spaces and newlines
    ("<ul><li>first </li>\n<li>last</li></ul>\n", "<ul>\n<li>first</li>\n<li>last</li>\n</ul>"),
    ("<h2>Squash</h2>\n<p>x</p>\n", "<h2>Squash</h2><p>x</p>"),
    ("Capsule Networks", " Capsule  Networks\n"),                    # plain-text title units
    ("<p>a</p>\r\n", "<p>a</p>\n"),
])
def test_keys_differing_only_in_invisible_spacing_share_a_form(a, b):
    assert normalize_key(a) == normalize_key(b)


@pytest.mark.parametrize("a, b", [
    ("<p>a b</p>", "<p>ab</p>"),                                      # word boundary
    ("<p>foo <em>bar</em></p>", "<p>foo<em>bar</em></p>"),           # space before an inline tag
    ("<p><a href=\"x\">a</a> b</p>", "<p><a href=\"x\">a</a>b</p>"),
    ("<p>a\xa0b</p>", "<p>a b</p>"),                                  # NO-BREAK SPACE is visible
    ("<p>Iterate</p>", "<p>iterate</p>"),
    ("<p>a &amp; b</p>", "<p>a & b</p>"),
    ("<p><span translate=no>_^_0_^_</span></p>", "<p><span translate=no>_^_1_^_</span></p>"),
])
def test_keys_differing_in_words_never_share_a_form(a, b):
    assert normalize_key(a) != normalize_key(b)


# --- lookup ------------------------------------------------------------------------------------

def test_exact_key_is_translated():
    results, orphans = lookup([unit("<p>Iterate </p>\n")], catalog({"<p>Iterate </p>\n": "<p>反復</p>\n"}))
    assert results[0].state is UnitState.TRANSLATED
    assert results[0].text == "<p>反復</p>\n" and results[0].matched_key == "<p>Iterate </p>\n"
    assert orphans == []


def test_normalised_match_translates_and_names_the_catalog_key():
    results, orphans = lookup([unit("<p>Iterate</p>\n")], catalog({"<p>Iterate </p>\n": "<p>反復</p>\n"}))
    assert results[0].state is UnitState.TRANSLATED
    assert results[0].matched_key == "<p>Iterate </p>\n"
    assert orphans == []


def test_exact_match_wins_over_a_normalised_one():
    entries = {"<p>Iterate</p>\n": "exact", "<p>Iterate </p>\n": "spaced"}
    results, orphans = lookup([unit("<p>Iterate </p>\n")], catalog(entries))
    assert results[0].text == "spaced"
    assert [orphan.key for orphan in orphans] == ["<p>Iterate</p>\n"]


def test_key_with_different_words_is_missing_not_matched():
    results, orphans = lookup([unit("<p>Iterate twice</p>\n")], catalog({"<p>Iterate</p>\n": "x"}))
    assert results[0].state is UnitState.MISSING and results[0].text is None
    assert orphans == [Orphan(key="<p>Iterate</p>\n", value="x", line=2)]


def test_empty_value_counts_as_missing():
    results, orphans = lookup([unit("<p>a</p>\n")], catalog({"<p>a</p>\n": ""}))
    assert results[0].state is UnitState.MISSING
    assert orphans == []


def test_missing_unit_with_a_suggestion_is_fuzzy():
    suggestion = Suggestion(previous="<p>Old</p>\n", translation="<p>古い</p>\n", score=0.9)
    results, _ = lookup([unit("<p>New</p>\n"), unit("<p>Other</p>\n")], catalog({}),
                        {"<p>New</p>\n": suggestion})
    assert [r.state for r in results] == [UnitState.FUZZY, UnitState.MISSING]
    assert results[0].suggestion == "<p>古い</p>\n" and results[0].text is None


def test_translated_unit_ignores_its_suggestion():
    suggestion = Suggestion(previous="p", translation="old", score=0.5)
    results, _ = lookup([unit("k")], catalog({"k": "new"}), {"k": suggestion})
    assert results[0].state is UnitState.TRANSLATED and results[0].text == "new"


def test_orphans_are_unused_entries_in_file_order_with_lines():
    entries = {"<p>gone</p>\n": "a", "<p>kept</p>\n": "b", "<p>also gone</p>\n": "c"}
    _, orphans = lookup([unit("<p>kept</p>\n")], catalog(entries))
    assert orphans == [Orphan("<p>gone</p>\n", "a", 2), Orphan("<p>also gone</p>\n", "c", 4)]


def test_repeated_unit_text_uses_one_entry_for_both():
    results, orphans = lookup([unit("<p> </p>\n", 0), unit("<p> </p>\n", 3)],
                              catalog({"<p> </p>\n": "<p> </p>\n"}))
    assert [r.state for r in results] == [UnitState.TRANSLATED] * 2 and orphans == []


def test_results_keep_unit_order():
    units = [unit(f"<p>{n}</p>\n", n) for n in range(5)]
    results, _ = lookup(units, catalog({"<p>3</p>\n": "x", "<p>1</p>\n": "y"}))
    assert [r.unit for r in results] == units

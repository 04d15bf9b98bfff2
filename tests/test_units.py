"""Units stage: title, summary and notes units, and the split of long sections into blocks."""

from __future__ import annotations

import json
from pathlib import Path

from corpus_files import write_corpus

from site_builder.catalog.units import SPLIT_LIMIT, split_units
from site_builder.model import UnitKind
from site_builder.source.parse import parse_file

P = "<span translate=no>_^_{}_^_</span>".format
SOURCES = Path(__file__).parent / "data" / "sources"


def units_of(tmp_path: Path, text: str, name: str = "mod.py"):
    write_corpus(tmp_path, {name: text})
    return split_units(parse_file(tmp_path / name, tmp_path))


def test_title_and_summary_come_first_as_plain_text(tmp_path):
    units = units_of(tmp_path, '"""\n---\ntitle: Fish & "chips"\nsummary: Fried <fast>\n---\n"""\n')
    assert [(u.kind, u.key) for u in units[:2]] == [
        (UnitKind.TITLE, 'Fish & "chips"'), (UnitKind.SUMMARY, "Fried <fast>")]
    assert all(u.section == -1 and u.block == 0 for u in units[:2])


def test_no_summary_unit_without_a_summary(tmp_path):
    units = units_of(tmp_path, '"""\n# Only a heading\n"""\n')
    assert [u.kind for u in units] == [UnitKind.TITLE, UnitKind.NOTES]
    assert units[0].key == "Only a heading"


def test_a_module_docstring_of_front_matter_only_has_no_notes_unit(tmp_path):
    units = units_of(tmp_path, '"""\n---\ntitle: Moved\nsummary: See elsewhere.\n---\n"""\n')
    assert [(u.kind, u.key) for u in units] == [(UnitKind.TITLE, "Moved"), (UnitKind.SUMMARY, "See elsewhere.")]


def test_a_page_without_title_or_heading_is_keyed_by_its_file_name(tmp_path):
    units = units_of(tmp_path, "# a note\nx = 1\n", name="tools.py")
    assert [u.key for u in units] == ["tools.py", "<p>a note </p>\n"]


def test_one_notes_unit_per_section_in_order_and_none_for_code_only_sections(tmp_path):
    units = units_of(tmp_path, "import os\n\n# first\nx = 1\n#\ny = 2\n\n# last\nz = 3\n")
    notes = [(u.section, u.block, u.key, u.line) for u in units if u.kind is UnitKind.NOTES]
    assert notes == [(1, 0, "<p>first </p>\n", 3), (2, 0, "<p> </p>\n", 5), (3, 0, "<p>last </p>\n", 8)]


def test_units_with_nothing_to_translate_still_get_keys(tmp_path):
    units = units_of(tmp_path, "# $x$\nx = 1\n#\ny = 2\n")
    assert [u.key for u in units[1:]] == [f"<p>{P(0)} </p>\n", "<p> </p>\n"]


def test_key_is_the_masked_html_with_its_originals(tmp_path):
    (_, unit) = units_of(tmp_path, "# Use `len` on $xs$\nn = len(xs)\n")
    assert unit.key == unit.masked.html == f"<p>Use {P(0)} on {P(1)} </p>\n"
    assert [o.source for o in unit.masked.originals] == ["len", "xs"]


def _paragraphs(sizes: list[int]) -> str:
    # Each paragraph of n letters renders to "<p>" + n letters + "</p>\n": n + 8 characters.
    body = "\n\n".join("word" * (size // 4) + "w" * (size % 4) for size in sizes)
    return f'def f():\n    """\n\n{body}\n\n    """\n'


def test_a_section_of_exactly_the_limit_stays_one_unit(tmp_path):
    sizes = [392] * 9 + [SPLIT_LIMIT - 9 * 400 - 8]
    units = units_of(tmp_path, _paragraphs(sizes))
    notes = [u for u in units if u.kind is UnitKind.NOTES]
    assert len(notes) == 1 and len(notes[0].key) == SPLIT_LIMIT


def test_a_longer_section_is_split_into_top_level_blocks_numbered_from_zero(tmp_path):
    sizes = [392] * 9 + [SPLIT_LIMIT - 9 * 400 - 7]
    units = units_of(tmp_path, _paragraphs(sizes))
    notes = [u for u in units if u.kind is UnitKind.NOTES]
    assert [u.block for u in notes] == list(range(10))
    assert {u.section for u in notes} == {0}
    assert all(u.key.startswith("<p>") and u.key.endswith("</p>\n") for u in notes)


def test_split_blocks_number_their_own_placeholders_from_zero(tmp_path):
    big = " ".join(f"$v_{i}$" for i in range(200))
    text = f'"""\n## Part $a$\n\n{big}\n\n\\begin{{align}}\nb\n\\end{{align}}\n\nEnd `c`\n"""\n'
    units = [u for u in units_of(tmp_path, text) if u.kind is UnitKind.NOTES]
    assert [u.key for u in units if "Part" in u.key or "End" in u.key] == [
        f"<h2>Part {P(0)}</h2>\n", f"<p>End {P(0)}</p>\n"]
    assert P(0) in [u.key for u in units]  # the bare align block, alone in its unit
    assert all(len(u.masked.originals) == u.key.count("_^_") // 2 for u in units)


def test_one_huge_paragraph_is_not_split(tmp_path):
    units = units_of(tmp_path, "# " + "long " * 1000 + "\nx = 1\n")
    assert len([u for u in units if u.kind is UnitKind.NOTES]) == 1


def test_markdown_page_units(tmp_path):
    units = units_of(tmp_path, "# [Guide](index.html)\n\nRead *me*.\n", name="readme.md")
    assert [(u.kind, u.key) for u in units] == [
        (UnitKind.TITLE, "Guide"),
        (UnitKind.NOTES, '<h1><a href="index.html">Guide</a></h1>\n<p>Read <em>me</em>. </p>\n')]
    assert all(u.file_id == "readme" for u in units)


def test_golden_annotated_module():
    """``tests/data/sources/window.py``: every unit, as (kind, section, block, key)."""
    expected = json.loads((SOURCES / "window.units.json").read_text(encoding="utf-8"))
    units = split_units(parse_file(SOURCES / "window.py", SOURCES))
    assert [[u.kind.value, u.section, u.block, u.key] for u in units] == expected

"""po.py: corpus <-> PO files (Babel); stable unit ids; checked, all-or-nothing import."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from site_builder.catalog.corpus import load_corpus
from site_builder.catalog.store import catalog_path, fuzzy_path, load_suggestions, save_catalog
from site_builder.config import SiteConfig
from site_builder.errors import TranslationFileError
from site_builder.model import (
    CodeLine,
    FrontMatter,
    Masked,
    Protected,
    ProtectedKind,
    Section,
    SectionKind,
    SourceFile,
    SourceKind,
    Unit,
    UnitKind,
)
from site_builder.translators.po import (
    apply_import,
    english_as_read,
    export_corpus,
    import_errors,
    plan_import,
    po_path,
    read_po_file,
)

REPO = Path(__file__).parents[1]


def section(kind: SectionKind, notes: str = "n", header: str = "", name: str = "") -> Section:
    code = (CodeLine(1, header),) if header else ()
    return Section(kind=kind, notes=notes, code=code, line=1, name=name)


def layout(*sections: Section) -> SourceFile:
    return SourceFile(id="pkg/m", path=Path("pkg/m.py"), kind=SourceKind.PYTHON,
                      front=FrontMatter("M"), sections=sections)


def test_the_english_comment_shows_what_readers_see_with_latex_and_code_back():
    unit = Unit("m", UnitKind.NOTES, 0, 0, Masked(
        '<p>Scale <span translate=no>_^_0_^_</span> by <a href="x">this</a> &amp; '
        '<span translate=no>_^_1_^_</span></p>\n',
        (Protected(ProtectedKind.INLINE_MATH, r"\lVert s \rVert"), Protected(ProtectedKind.CODE_SPAN, "eps"))))
    assert english_as_read(unit) == r"Scale $\lVert s \rVert$ by this & `eps`"


# --- through the real pipeline ------------------------------------------------------------------


def cache_bytes(root: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(root.rglob("*.json"))}


def export(config: SiteConfig, out: Path) -> list[Path]:
    return export_corpus(load_corpus(config), out, config.source_dir)


def import_(config: SiteConfig, out: Path):
    plans = plan_import(load_corpus(config), out, {})
    return plans, apply_import(plans) if not import_errors(plans) else None


def test_export_writes_contexts_comments_fuzzy_entries_with_previous_ids_and_obsolete_orphans(tmp_path, seed_project):
    config = seed_project(tmp_path)
    seed_project(tmp_path, edited=True)
    from site_builder.translators.update import update_corpus
    update_corpus(load_corpus(config))
    save_catalog(catalog_path(config.translations_dir, "capsule_networks/__init__", "ja"),
                 {**load_corpus(config).files[0].translations["ja"].catalog.entries, "<p>Gone</p>\n": "<p>消</p>\n"})
    [path] = export(config, tmp_path / "po")
    assert path == po_path(tmp_path / "po", "capsule_networks/__init__", "ja")
    text = path.read_text(encoding="utf-8")
    assert 'msgctxt "capsule_networks/__init__:title"\nmsgid "Capsule Networks"\nmsgstr "カプセルネットワーク"' in text
    assert "#. Source: capsule_networks/__init__.py:1\n" in text
    assert "#. Here's a notebook for training a Capsule Network on MNIST dataset.\n" in text
    assert '#, fuzzy\n#| msgid ""\n#| "<h1>' in text and 'msgctxt "capsule_networks/__init__#capsule-networks"' in text
    assert '#~ msgid "<p>Gone</p>\\n"\n#~ msgstr "<p>消</p>\\n"' in text
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True, capture_output=True)


# A backslash-newline in the literal joins the long comment line (kept over 120 characters on purpose).
ODD_SOURCE = '''"""
---
title: Odd "quotes" \\\\ and tabs
---
"""

# He said "hi" to C:\\\\temp\\\\new, `a\\tb` and $\\\\frac{1}{2}$
x = 1

# A very long comment line that goes on and on so that every PO writer has to wrap it \
somewhere in the middle of the words
y = 2

# Unchanged entries must come back byte for byte
z = 3
'''


def odd_project(root: Path) -> SiteConfig:
    (root / "src").mkdir(parents=True)
    (root / "src" / "odd.py").write_text(ODD_SOURCE, encoding="utf-8")
    config = SiteConfig(source_dir=root / "src", translations_dir=root / "translations",
                        languages=("en", "ja"))
    keys = [unit.key for unit in load_corpus(config).files[0].units]
    values = ['引用 "q" \\ タブ\t終わり', "<p>彼は「やあ」\u2028と言った <span translate=no>_^_0_^_</span> "
              "<span translate=no>_^_1_^_</span></p>\n", "<p>とても長い 🙂 " + "あ" * 120 + "</p>\n", ""]
    save_catalog(catalog_path(config.translations_dir, "odd", "ja"), dict(zip(keys, values, strict=True)))
    return config


@pytest.mark.parametrize("project", ["odd", "seed"])
def test_export_then_import_without_edits_gives_byte_identical_caches(tmp_path, project, seed_project):
    config = {"odd": odd_project, "seed": seed_project}[project](tmp_path)
    before = cache_bytes(config.translations_dir)
    export(config, tmp_path / "po")
    plans, written = import_(config, tmp_path / "po")
    assert written == [] and cache_bytes(config.translations_dir) == before
    corpus = load_corpus(config)
    for corpus_file, plan in zip(corpus.files, plans, strict=True):
        assert dict(plan.entries) == dict(corpus_file.translations["ja"].catalog.entries)


def test_round_trip_includes_the_project_translations(tmp_path):
    translations = tmp_path / "translations"
    shutil.copytree(REPO / "translations", translations)
    config = SiteConfig(source_dir=REPO / "src", translations_dir=translations, languages=("en", "ja"))
    before = cache_bytes(translations)
    assert export(config, tmp_path / "po")
    plans, written = import_(config, tmp_path / "po")
    assert written == [] and cache_bytes(translations) == before
    assert any(plan.translation.catalog.entries for plan in plans)


def edit_po(path: Path, msgid_line: str, new_msgstr: str) -> int:
    """Replace the msgstr after the entry whose msgid starts with ``msgid_line``; return its line."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index(msgid_line)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("msgstr"))
    stop = next(i for i in range(end + 1, len(lines)) if not lines[i].startswith('"'))
    lines[end:stop] = [f"msgstr {new_msgstr}"]
    path.write_text("\n".join(lines), encoding="utf-8")
    return start + 1


def test_import_refuses_a_broken_placeholder_with_file_and_line_and_writes_nothing(tmp_path):
    config = odd_project(tmp_path)
    [po] = export(config, tmp_path / "po")
    before = cache_bytes(config.translations_dir)
    line = edit_po(po, 'msgid "<p>Unchanged entries must come back byte for byte </p>\\n"',
                   '"<p>変わらない _^_0_^_</p>\\n"')
    plans = plan_import(load_corpus(config), tmp_path / "po", {})
    errors = import_errors(plans)
    assert {e.check for e in errors} == {"placeholder-mangled", "placeholders"}
    assert all(e.line == line and e.file == po.absolute() for e in errors)
    with pytest.raises(TranslationFileError) as caught:
        apply_import(plans)
    assert f"{po.as_posix()}:{line}:" in str(caught.value)
    assert cache_bytes(config.translations_dir) == before


def test_a_good_edit_is_imported_and_only_that_entry_changes(tmp_path):
    config = odd_project(tmp_path)
    [po] = export(config, tmp_path / "po")
    edit_po(po, 'msgid "<p>Unchanged entries must come back byte for byte </p>\\n"', '"<p>そのまま戻る</p>\\n"')
    _, written = import_(config, tmp_path / "po")
    assert [plan.translated for plan in written] == [1]
    entries = load_corpus(config).files[0].translations["ja"].catalog.entries
    assert entries["<p>Unchanged entries must come back byte for byte </p>\n"] == "<p>そのまま戻る</p>\n"


def test_a_file_exported_with_the_old_msgctxt_scheme_still_imports_by_its_english(tmp_path):
    config = odd_project(tmp_path)
    [po] = export(config, tmp_path / "po")
    text = po.read_text(encoding="utf-8")
    # Before section ids were stable: "odd#title", "odd#module.0", "odd#module+1.0"...
    old = re.sub(r'msgctxt "odd[:#]([^"]*)"', lambda m: f'msgctxt "odd#{m.group(1)}+1.0"', text)
    assert old != text and 'msgctxt "odd:' not in old
    po.write_text(old, encoding="utf-8")
    edit_po(po, 'msgid "<p>Unchanged entries must come back byte for byte </p>\\n"', '"<p>そのまま戻る</p>\\n"')
    plans, written = import_(config, tmp_path / "po")
    assert [plan.translated for plan in written] == [1]
    assert not [f for plan in plans for f in plan.findings]
    entries = load_corpus(config).files[0].translations["ja"].catalog.entries
    assert entries["<p>Unchanged entries must come back byte for byte </p>\n"] == "<p>そのまま戻る</p>\n"


def test_fuzzy_entries_are_checked_like_the_rest_and_a_broken_one_blocks_the_import(tmp_path, seed_project):
    """The seed's carried-over suggestion nests a link in a link: as a translation would be, the
    edited fuzzy entry is refused (it is one click from being a translation), and nothing is written."""
    config = seed_project(tmp_path)
    seed_project(tmp_path, edited=True)
    from site_builder.translators.update import update_corpus
    [plan] = update_corpus(load_corpus(config))
    cache_before = plan.cache.read_bytes()
    suggestions_before = fuzzy_path(plan.cache).read_bytes()
    [po] = export(config, tmp_path / "po")
    assert any(m.fuzzy for m in read_po_file(po))
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('"<p>カプセルネットワークは、', '"<p>カプセルネットワークとは、', 1), encoding="utf-8")
    plans, written = import_(config, tmp_path / "po")
    errors = import_errors(plans)
    assert written is None and errors and all(f.message.startswith("(fuzzy entry)") for f in errors)
    assert {f.check for f in errors} >= {"nested-link"}
    assert plan.cache.read_bytes() == cache_before and fuzzy_path(plan.cache).read_bytes() == suggestions_before


def test_an_entry_whose_english_changed_since_export_becomes_a_suggestion(tmp_path):
    config = odd_project(tmp_path)
    [po] = export(config, tmp_path / "po")
    edit_po(po, 'msgid "<p>Unchanged entries must come back byte for byte </p>\\n"', '"<p>古い英語の訳</p>\\n"')
    source = config.source_dir / "odd.py"
    source.write_text(source.read_text(encoding="utf-8").replace("come back", "return"), encoding="utf-8")
    cache = catalog_path(config.translations_dir, "odd", "ja")
    before = cache.read_bytes()
    import_(config, tmp_path / "po")
    assert cache.read_bytes() == before
    [(key, suggestion)] = load_suggestions(fuzzy_path(cache)).items()
    assert key == "<p>Unchanged entries must return byte for byte </p>\n"
    assert suggestion.translation == "<p>古い英語の訳</p>\n" and "come back" in suggestion.previous


def test_a_malformed_po_file_is_an_error_with_its_line(tmp_path):
    po = tmp_path / "po" / "odd.ja.po"
    po.parent.mkdir()
    po.write_text('msgid "a"\nmsgstr "b"\nmsgid "c"\nmsgstr "d\n', encoding="utf-8")
    with pytest.raises(TranslationFileError) as caught:
        read_po_file(po)
    assert f"{po}:4:" in str(caught.value) and "not closed" in str(caught.value)
    po.write_text('msgid "a"\nmsgstr "b"\ngarbage\n', encoding="utf-8")
    with pytest.raises(TranslationFileError) as caught:
        read_po_file(po)
    assert f"{po}:3" in str(caught.value)


def test_a_plural_entry_is_an_error_at_its_line_and_nothing_is_imported(tmp_path):
    config = odd_project(tmp_path)
    [po] = export(config, tmp_path / "po")
    before = cache_bytes(config.translations_dir)
    text = po.read_text(encoding="utf-8")
    line = text.count("\n") + 2  # after the blank line that separates entries
    po.write_text(text + '\nmsgid "one file"\nmsgid_plural "%d files"\nmsgstr[0] "%d 個"\n', encoding="utf-8")
    with pytest.raises(TranslationFileError) as caught:
        plan_import(load_corpus(config), tmp_path / "po", {})
    assert f"{po}:{line}:" in str(caught.value) and "plural" in str(caught.value)
    assert cache_bytes(config.translations_dir) == before

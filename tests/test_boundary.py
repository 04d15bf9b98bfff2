"""The project's folders as a boundary: files whose real path leaves their folder are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.catalog.corpus import load_corpus
from site_builder.config import SiteConfig
from site_builder.source.boundary import files_under, inside
from site_builder.source.discover import discover_sources, find_sources


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """``src/`` with its own files, a file symlink and a folder symlink leading outside, and
    symlinks that stay inside (to a file, to a folder, and a loop back to the top)."""
    outside = tmp_path / "elsewhere"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.md").write_text("# Secret\n", encoding="utf-8")
    (outside / "folder" / "hidden.py").write_text("X = 1\n", encoding="utf-8")
    (outside / "photo.png").write_bytes(b"\x89PNG")
    src = tmp_path / "src"
    (src / "pkg").mkdir(parents=True)
    (src / "pkg" / "mod.py").write_text("Y = 2\n", encoding="utf-8")
    (src / "pkg" / "leak.md").symlink_to(outside / "secret.md")
    (src / "pkg" / "photo.png").symlink_to(outside / "photo.png")
    (src / "outer").symlink_to(outside / "folder")
    (src / "alias.py").symlink_to(src / "pkg" / "mod.py")
    (src / "same").symlink_to(src / "pkg")
    (src / "pkg" / "loop").symlink_to(src)
    return src


def test_inside_resolves_symlinks_before_comparing(linked):
    assert inside(linked / "pkg" / "mod.py", linked)
    assert inside(linked / "alias.py", linked)
    assert not inside(linked / "pkg" / "leak.md", linked)
    assert not inside(linked / "outer" / "hidden.py", linked)
    assert not inside(linked.parent / "src-other", linked)  # a sibling whose name starts alike


def test_discovery_refuses_file_and_folder_symlinks_leading_out_and_keeps_the_rest(linked):
    found = discover_sources(linked)
    relative = [path.relative_to(linked).as_posix() for path in found.paths]
    assert relative == ["alias.py", "pkg/mod.py"]  # a folder symlink inside is not followed
    assert sorted(r.path.relative_to(linked).as_posix() for r in found.refused) == ["outer", "pkg/leak.md"]
    assert find_sources(linked) == list(found.paths)
    message = next(r for r in found.refused if r.path.name == "leak.md").reason("source")
    assert message.startswith(f"refused, it leads outside the source folder {linked}")
    assert str((linked.parent / "elsewhere" / "secret.md").resolve()) in message


def test_a_symlink_loop_inside_the_folder_ends_and_lists_each_file_once(linked):
    paths, _ = files_under(linked)
    assert [path.relative_to(linked).as_posix() for path in paths] == ["alias.py", "pkg/mod.py"]


def test_files_under_refuses_images_leading_out_for_the_copying_of_static_files(linked):
    paths, refused = files_under(linked, keep=lambda relative: relative.endswith(".png"))
    assert paths == []
    assert [r.path.name for r in refused] == ["outer", "photo.png"]


def test_load_corpus_reports_the_refused_sources_and_goes_on(linked, tmp_path):
    config = SiteConfig(source_dir=linked, translations_dir=tmp_path / "translations")
    corpus = load_corpus(config)  # not keep_going: a refused file is a warning, not a stop
    assert [file.source.id for file in corpus.files] == ["alias", "pkg/mod"]
    assert sorted(str(err.location.path.relative_to(linked)) for err in corpus.errors) == [
        "outer", "pkg/leak.md"]
    leak = next(err for err in corpus.errors if err.location.path.name == "leak.md")
    assert str(leak).startswith(f"{linked}/pkg/leak.md: refused, it leads outside the source folder")
    assert str(leak).endswith("; copy the file into the folder instead of linking to it")


def test_a_translation_file_leading_out_of_the_translations_folder_is_read_as_absent(tmp_path):
    from site_builder.model import UnitState

    src, translations, outside = tmp_path / "src", tmp_path / "translations", tmp_path / "elsewhere"
    for folder in (src, translations / "pkg", outside):
        folder.mkdir(parents=True)
    (src / "mod.py").write_text('"""Module."""\n', encoding="utf-8")
    (outside / "stolen.json").write_text('{"<p>Module. </p>\\n": "<p>Leaked. </p>\\n"}', encoding="utf-8")
    (translations / "mod.ja.json").symlink_to(outside / "stolen.json")
    (translations / "pkg" / "gone.ja.json").symlink_to(outside / "stolen.json")  # a stale cache
    config = SiteConfig(source_dir=src, translations_dir=translations, languages=("en", "ja"))
    corpus = load_corpus(config)  # not keep_going: refused files are warnings, not a stop
    results = corpus.files[0].translations["ja"].results
    assert {result.state for result in results} == {UnitState.MISSING}
    assert corpus.stale_caches == ()
    assert sorted(err.location.path.name for err in corpus.errors) == ["gone.ja.json", "mod.ja.json"]
    assert all("refused, it leads outside the translations folder" in str(err) for err in corpus.errors)


def test_a_po_file_leading_out_of_the_po_folder_is_refused_by_name(tmp_path):
    from site_builder.errors import TranslationFileError
    from site_builder.translators.po import find_po_files

    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "mod.ja.po").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    po_dir = tmp_path / "po"
    po_dir.mkdir()
    (po_dir / "kept.ja.po").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    assert [file_id for _, file_id, _ in find_po_files(po_dir, ["ja"])] == ["kept"]
    (po_dir / "mod.ja.po").symlink_to(tmp_path / "elsewhere" / "mod.ja.po")
    with pytest.raises(TranslationFileError, match=r"mod\.ja\.po.*leads outside the PO folder"):
        find_po_files(po_dir, ["ja"])

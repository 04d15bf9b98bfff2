"""The translators' commands: check, update, export-po, import-po (exit codes, output, files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.adapters.cli import main
from site_builder.catalog.store import archive_path, catalog_path, fuzzy_path, load_catalog


@pytest.fixture(autouse=True)
def _away_from_the_repository(tmp_path_factory, monkeypatch):
    # The commands read ./mkdocs.yml and its glossary by default: run them in an empty folder,
    # never the real project's (outside it the test's own files are shown with absolute paths)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


def project_args(root: Path) -> list[str]:
    return ["--config", str(root / "absent.yml"), "--source", str(root / "src"),
            "--translations", str(root / "translations"), "--lang", "ja"]


def test_check_json_is_one_list_of_findings_with_the_seed_mistakes(capsys, seed_path):
    assert main(["check", "--format", "json", str(seed_path)]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert isinstance(findings, list)
    assert all({"file", "key", "check", "severity", "message", "line"} <= set(f) for f in findings)
    assert {(f["check"], f["line"], f["severity"]) for f in findings} >= {
        ("nested-link", 2, "error"), ("outside-block", 2, "error")}


def test_check_table_groups_findings_under_their_file(capsys, tmp_path, monkeypatch, seed_path):
    monkeypatch.chdir(tmp_path)  # the seed is outside the working folder: shown absolute
    clean = tmp_path / "clean.ja.json"
    clean.write_text('{\n "<p>Iterate </p>\\n": "<p>\\u7e70\\u308a\\u8fd4\\u3057</p>\\n"\n}', encoding="utf-8")
    assert main(["check", str(clean)]) == 0
    assert capsys.readouterr().out.strip() == "no problems found"
    assert main(["check", str(seed_path), str(clean)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == seed_path.resolve().as_posix() and out[1].lstrip().startswith("2: error")
    assert out[-1].startswith("2 error(s)")


def test_check_on_a_broken_cache_names_file_line_and_column(capsys, tmp_path):
    broken = tmp_path / "m.ja.json"
    broken.write_text('{\n "a": "b",\n "c" "d"\n}', encoding="utf-8")
    assert main(["check", str(broken)]) == 1
    assert f"{broken}:3:6" in capsys.readouterr().err


def test_check_names_caches_relative_to_the_working_folder_or_absolute_outside_it(capsys, tmp_path, monkeypatch,
                                                                                   seed_project):
    seed_project(tmp_path / "proj")
    monkeypatch.chdir(tmp_path / "proj")
    assert main(["check", "--format", "json", *project_args(Path("."))]) == 1
    files = {f["file"] for f in json.loads(capsys.readouterr().out)}
    # The source too: it links a page the project lacks and an image on another host.
    assert files == {"translations/capsule_networks/__init__.ja.json", "src/capsule_networks/__init__.py"}
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert main(["check", *project_args(tmp_path / "proj")]) == 1
    shown = [line for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")]
    assert (tmp_path / "proj" / "translations" / "capsule_networks" / "__init__.ja.json").as_posix() in shown


def test_update_reports_suggestions_and_prune_reports_archived_orphans(capsys, tmp_path, seed_path, seed_project):
    config = seed_project(tmp_path)
    seed_project(tmp_path, edited=True)
    cache = catalog_path(config.translations_dir, "capsule_networks/__init__", "ja")
    cache.write_text(cache.read_text(encoding="utf-8")[:-2] + ',\n "<p>Old note</p>\\n": "<p>\\u53e4</p>\\n"\n}',
                     encoding="utf-8")
    assert main(["update", *project_args(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "capsule_networks/__init__ [ja]: 1 suggestion(s) made, 0 dropped, 0 orphan(s) archived" in out
    assert fuzzy_path(cache).exists() and not archive_path(cache).exists()
    assert main(["update", "--prune", *project_args(tmp_path)]) == 0
    assert "1 orphan(s) archived" in capsys.readouterr().out
    assert load_catalog(archive_path(cache), "ja").entries == {"<p>Old note</p>\n": "<p>古</p>\n"}
    assert cache.read_bytes() == seed_path.read_bytes()


def test_export_then_import_through_the_cli_changes_nothing_and_a_broken_edit_is_refused(capsys, tmp_path, seed_path,
                                                                                         seed_project):
    config = seed_project(tmp_path)
    po_dir = tmp_path / "po"
    assert main(["export-po", "--out", str(po_dir), *project_args(tmp_path)]) == 0
    assert main(["import-po", str(po_dir), *project_args(tmp_path)]) == 0
    assert "0 cache(s) changed" in capsys.readouterr().out
    po = po_dir / "capsule_networks" / "__init__.ja.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "カプセルネットワーク"', 'msgstr "カプセル<a href=\\"x\\">ネットワーク"'),
                  encoding="utf-8")
    line = text.split("\n").index('msgid "Capsule Networks"') + 1
    assert main(["import-po", str(po_dir), *project_args(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert f"{line}: error" in captured.out and po.as_posix() in captured.out
    assert "nothing was written" in captured.err
    cache = catalog_path(config.translations_dir, "capsule_networks/__init__", "ja")
    assert cache.read_bytes() == seed_path.read_bytes()


def test_a_malformed_cache_stops_update_before_anything_is_written(capsys, tmp_path, seed_project):
    config = seed_project(tmp_path)
    seed_project(tmp_path, edited=True)
    (config.source_dir / "other.py").write_text("# Other note\nx = 1\n", encoding="utf-8")
    broken = catalog_path(config.translations_dir, "other", "ja")
    broken.write_bytes(b'\xef\xbb\xbf{"<p>Other note </p>\\n": "<p>\\u4ed6</p>\\n"}')
    assert main(["update", *project_args(tmp_path)]) == 1
    assert f"{broken}:1:1: file starts with a UTF-8 byte order mark" in capsys.readouterr().err
    assert list(config.translations_dir.rglob("*.fuzzy.json")) == []


def test_check_of_a_project_reports_a_malformed_cache_and_still_checks_the_others(capsys, tmp_path, seed_project):
    config = seed_project(tmp_path)
    (config.source_dir / "other.py").write_text("# Other note\nx = 1\n", encoding="utf-8")
    broken = catalog_path(config.translations_dir, "other", "ja")
    broken.write_text('{"<p>Other note </p>\\n": 3}', encoding="utf-8")
    assert main(["check", *project_args(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert f"{broken}:1:26: value of key" in captured.err and "nested-link" in captured.out


def test_check_on_a_file_that_does_not_parse_never_says_no_problems_found(capsys, tmp_path):
    broken = tmp_path / "m.ja.json"
    broken.write_text('{\n "a": "b",\n}\n', encoding="utf-8")
    assert main(["check", str(broken)]) == 1
    out, err = capsys.readouterr()
    assert "no problems found" not in out + err
    assert f"{broken}:2:10" in err and "trailing comma before }" in err

"""cli.py: generic behaviour (exit codes, usage errors, path:line in errors) and `status`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from corpus_files import write_corpus

from site_builder.adapters.cli import format_table, main
from site_builder.catalog.store import catalog_path, save_catalog

MODULE = '''"""
---
title: Module {name}
summary: What module {name} does.
---

Intro of {name}.
"""

# Iterate over $x$
for x in range(3):
    print(x)
'''

STATS_KEYS = {"units", "translated", "missing", "orphaned", "fuzzy"}


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project folder with mkdocs.yml (en, ja, zh), two sources and no caches; the cwd."""
    write_corpus(tmp_path, {
        "src/capsule_networks/__init__.py": MODULE.format(name="capsules"),
        "src/readme.py": MODULE.format(name="readme"),
        "mkdocs.yml": "site_name: t\nplugins:\n  - site_builder:\n      source_dir: src\n"
                      "      translations_dir: translations\n      languages: [en, ja, zh]\n",
    })
    monkeypatch.chdir(tmp_path)
    return tmp_path


def status_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["status", "--format", "json", *argv])
    out = capsys.readouterr().out
    return code, json.loads(out)


# --- status ------------------------------------------------------------------------------------

def test_status_json_is_one_object_with_totals_and_files_per_language(project, capsys):
    code, data = status_json(capsys)
    assert code == 0
    assert set(data) == {"languages"} and set(data["languages"]) == {"ja", "zh"}
    for lang in ("ja", "zh"):
        summary = data["languages"][lang]
        assert set(summary) == STATS_KEYS | {"files"}
        assert set(summary["files"]) == {"capsule_networks/__init__", "readme"}
        for counts in summary["files"].values():
            assert set(counts) == STATS_KEYS and all(isinstance(v, int) for v in counts.values())
            assert counts["missing"] == counts["units"] > 0
        for key in STATS_KEYS:
            assert summary[key] == sum(f[key] for f in summary["files"].values())


def test_status_counts_translated_orphaned_and_stale_caches(project, capsys):
    from site_builder.catalog.corpus import load_corpus
    from site_builder.config import SiteConfig

    config = SiteConfig(source_dir=project / "src", translations_dir=project / "translations",
                        languages=("en", "ja"))
    keys = [u.key for f in load_corpus(config).files if f.source.id == "readme" for u in f.units]
    save_catalog(catalog_path(config.translations_dir, "readme", "ja"),
                 {keys[0]: "訳", "<p>old</p>\n": "古"})
    save_catalog(catalog_path(config.translations_dir, "gone", "ja"), {"a": "1", "b": "2"})
    code, data = status_json(capsys, "--lang", "ja")
    ja = data["languages"]["ja"]
    assert code == 0
    assert ja["files"]["readme"] == {"units": len(keys), "translated": 1, "missing": len(keys) - 1,
                                     "orphaned": 1, "fuzzy": 0}
    assert ja["files"]["gone"] == {"units": 0, "translated": 0, "missing": 0, "orphaned": 2, "fuzzy": 0}
    assert ja["orphaned"] == 3 and ja["translated"] == 1


def test_status_lang_limits_languages_and_skips_english(project, capsys):
    assert set(status_json(capsys, "--lang", "zh")[1]["languages"]) == {"zh"}
    assert set(status_json(capsys, "--lang", "en,ja")[1]["languages"]) == {"ja"}
    assert status_json(capsys, "--lang", "en")[1] == {"languages": {}}


def test_status_flags_override_mkdocs_yml(project, capsys, tmp_path_factory):
    other = write_corpus(tmp_path_factory.mktemp("other"), {"only.py": MODULE.format(name="only")})
    _, data = status_json(capsys, "--source", str(other))
    assert set(data["languages"]["ja"]["files"]) == {"only"}


def test_status_works_without_mkdocs_yml_given_both_folders(tmp_path, capsys, monkeypatch):
    write_corpus(tmp_path / "src", {"m.py": MODULE.format(name="m")})
    monkeypatch.chdir(tmp_path)
    code, data = status_json(capsys, "--source", "src", "--translations", "tr", "--lang", "ja")
    assert code == 0 and set(data["languages"]["ja"]["files"]) == {"m"}


def test_status_table_has_a_row_per_file_and_a_total_per_language(project, capsys):
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "[ja]" in out and "[zh]" in out
    header = next(line for line in out.splitlines() if line.startswith("file"))
    assert header.split() == ["file", "units", "translated", "missing", "fuzzy", "orphaned", "%"]
    assert out.count("capsule_networks/__init__ ") == 2 and out.count("total (2 files)") == 2
    assert " 0.0" in out


def test_broken_cache_is_reported_and_other_files_still_counted(project, capsys):
    cache = project / "translations" / "readme.ja.json"
    cache.parent.mkdir()
    cache.write_text('{\n "a": "1",\n "a": "2"\n}')
    code = main(["status", "--format", "json"])
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert code == 1
    assert set(data["languages"]["ja"]["files"]) == {"capsule_networks/__init__"}
    assert set(data["languages"]["zh"]["files"]) == {"capsule_networks/__init__", "readme"}
    assert "translations/readme.ja.json:3:2: duplicate key" in captured.err
    assert data["errors"] == [line[len("error: "):] for line in captured.err.splitlines()]


def test_broken_cache_in_table_mode_exits_1_with_path_line_column(project, capsys):
    cache = project / "translations" / "readme.zh.json"
    cache.parent.mkdir()
    cache.write_bytes(b"\xef\xbb\xbf{}")
    assert main(["status"]) == 1
    captured = capsys.readouterr()
    assert "readme.zh.json:1:1: file starts with a UTF-8 byte order mark" in captured.err
    assert "capsule_networks/__init__" in captured.out


# --- generic behaviour ----------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    [],
    ["no-such-command"],
    ["status", "--format", "xml"],
    ["status", "--no-such-flag"],
])
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_no_config_and_no_folders_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["status"]) == 2
    assert "mkdocs.yml" in capsys.readouterr().err


def test_missing_source_folder_is_a_usage_error(project, capsys):
    assert main(["status", "--source", "nowhere"]) == 2
    assert "nowhere" in capsys.readouterr().err


def test_bad_config_value_names_the_config_file(project, capsys):
    (project / "mkdocs.yml").write_text("plugins:\n  - site_builder:\n      languages: ja\n")
    assert main(["status"]) == 2
    assert "mkdocs.yml: Config value 'languages'" in capsys.readouterr().err


@pytest.mark.parametrize("argv, flag", [(["status", "--lang", "ja,JA"], "--lang"),
                                        (["build", "--languages", "en,ja_"], "--languages")])
def test_a_bad_language_flag_is_a_usage_error_naming_the_flag(project, capsys, argv, flag):
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith(f"error: {flag}: Config value 'languages': expected a list of codes")


def test_flags_replace_single_fields_of_the_project_config(project, capsys, tmp_path_factory):
    other = write_corpus(tmp_path_factory.mktemp("other"), {"m.py": MODULE.format(name="m")})
    code, document = status_json(capsys, "--source", str(other), "--lang", "zh")
    assert code == 0
    assert list(document["languages"]) == ["zh"] and list(document["languages"]["zh"]["files"]) == ["m"]


def test_invalid_yaml_error_gives_path_line_column(project, capsys):
    (project / "mkdocs.yml").write_text("plugins:\n  - site_builder: [\n")
    assert main(["status"]) == 2
    assert capsys.readouterr().err.startswith("error: mkdocs.yml:3:1: invalid YAML")


# What the `site-builder` console script runs (pyproject's [project.scripts]).
ENTRY_POINT = [sys.executable, "-c", "import sys; from site_builder.adapters.cli import main; sys.exit(main())"]


def test_process_exit_codes_match_main(project):
    ok = subprocess.run([*ENTRY_POINT, "status", "--format", "json"], cwd=project,
                        capture_output=True, text=True)
    usage = subprocess.run([*ENTRY_POINT, "status", "--bogus"], cwd=project, capture_output=True, text=True)
    assert ok.returncode == 0 and set(json.loads(ok.stdout)) == {"languages"}
    assert usage.returncode == 2


def test_format_table_aligns_numbers_right_and_names_left():
    table = format_table(("file", "units"), [("a", 5), ("longer", 120)])
    assert table.splitlines() == ["file    units", "a           5", "longer    120"]

"""`site-builder init`: the files a new project needs, written once, never over someone's work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from site_builder.adapters.cli import main
from site_builder.adapters.mkdocs.project import init_config_text, load_project_config
from site_builder.errors import ConfigError
from site_builder.site.scaffold import InitAnswers, checked_answers, source_browse_url
from site_builder.translators.glossary import load_glossary


class _MkDocsLoader(yaml.SafeLoader):
    """Reads the python/object tags MkDocs' own loader understands as plain values."""


_MkDocsLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: suffix)


def mkdocs_yml(folder: Path) -> dict:
    return yaml.load((folder / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_MkDocsLoader)


@pytest.fixture
def code_folder(tmp_path, monkeypatch, write_corpus) -> Path:
    write_corpus(tmp_path, {"code/heap.py": '"""A heap."""\n'})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_writes_an_offline_material_config_the_plugin_reads(code_folder):
    assert main(["init", "--source", "code", "--site-name", "Heap: notes", "--languages", "en,ja"]) == 0
    config = mkdocs_yml(code_folder)
    assert config["site_name"] == "Heap: notes"
    assert config["theme"]["name"] == "material" and config["theme"]["font"] is False
    assert config["use_directory_urls"] is False
    assert "site_builder.render.cjk_breaks" in config["markdown_extensions"]
    toc = next(item["toc"] for item in config["markdown_extensions"] if isinstance(item, dict) and "toc" in item)
    assert "slugify" in toc
    assert "repo_url" not in config  # Material would fetch repository facts from another host
    site = load_project_config(code_folder / "mkdocs.yml")
    assert site.source_dir == code_folder / "code" and site.languages == ("en", "ja")
    assert site.repo_url == ""


def test_init_writes_an_empty_glossary_per_target_language_and_the_translations_folder(code_folder):
    assert main(["init", "--source", "code", "--site-name", "N", "--languages", "en,ja,fr"]) == 0
    for code in ("ja", "fr"):
        glossary = load_glossary(code_folder / "translations" / f"glossary.{code}.json")
        assert glossary.lang == code and glossary.terms == ()
    assert not (code_folder / "translations" / "glossary.en.json").exists()
    assert not (code_folder / "docs").exists()  # hand-written pages are optional


def test_init_refuses_to_replace_a_config_and_names_it(code_folder, capsys):
    (code_folder / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    assert main(["init", "--source", "code", "--site-name", "N"]) == 2
    err = capsys.readouterr().err
    assert "mkdocs.yml" in err and "--force" in err
    assert (code_folder / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: mine\n"


def test_init_force_replaces_the_config_but_never_a_glossary(code_folder):
    glossary = code_folder / "translations" / "glossary.ja.json"
    glossary.parent.mkdir()
    glossary.write_text('{"terms": [{"en": "heap", "required": ["ヒープ"]}]}', encoding="utf-8")
    (code_folder / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    assert main(["init", "--source", "code", "--site-name", "New", "--languages", "en,ja", "--force"]) == 0
    assert mkdocs_yml(code_folder)["site_name"] == "New"
    assert "ヒープ" in glossary.read_text(encoding="utf-8")


def test_init_without_a_terminal_uses_defaults_instead_of_asking(tmp_path, write_corpus):
    write_corpus(tmp_path / "my-lib", {"src/a.py": "x = 1\n"})
    result = subprocess.run([sys.executable, "-m", "site_builder.adapters.cli", "init"],
                            cwd=tmp_path / "my-lib", stdin=subprocess.DEVNULL, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    config = mkdocs_yml(tmp_path / "my-lib")
    assert config["site_name"] == "my lib"
    assert config["plugins"][1]["site_builder"]["source_dir"] == "src"


def test_init_with_a_missing_source_folder_says_which_flag_to_pass(code_folder, capsys):
    assert main(["init", "--source", "nowhere", "--site-name", "N"]) == 2
    err = capsys.readouterr().err
    assert "'nowhere' does not exist" in err and "--source" in err
    assert not (code_folder / "mkdocs.yml").exists()


def test_init_with_a_bad_language_code_names_the_flag(code_folder, capsys):
    assert main(["init", "--source", "code", "--site-name", "N", "--languages", "en,Japanese"]) == 2
    assert "--languages" in capsys.readouterr().err


def test_repo_url_of_a_repository_home_becomes_its_source_folder():
    assert source_browse_url("https://github.com/o/r", "code") == "https://github.com/o/r/blob/main/code"
    assert source_browse_url("https://example.com/browse/src/", "src") == "https://example.com/browse/src"


def test_init_config_with_a_repo_url_gives_view_source_links_and_no_top_level_repo_url(tmp_path):
    answers = checked_answers(tmp_path, InitAnswers(source_dir=".", site_name="N",
                                                    repo_url="https://github.com/o/r"))
    text = init_config_text(site_name=answers.site_name, source_dir=answers.source_dir,
                            languages=answers.languages, translations_dir=answers.translations_dir,
                            repo_url=answers.repo_url)
    config = yaml.load(text, Loader=_MkDocsLoader)
    assert "repo_url" not in config
    assert config["plugins"][1]["site_builder"]["repo_url"] == "https://github.com/o/r/blob/main"


def test_checked_answers_refuse_an_empty_site_name(tmp_path):
    with pytest.raises(ConfigError, match="site name"):
        checked_answers(tmp_path, InitAnswers(source_dir=".", site_name="  "))


def test_version_flag_prints_the_installed_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("site-builder ") and out.split()[1][0].isdigit()


def test_plugin_only_options_do_not_trouble_the_cli_commands(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - site_builder:\n      languages: [en, ja]\n"
        "      site_names: {ja: 名前}\n", encoding="utf-8")
    assert load_project_config(tmp_path / "mkdocs.yml").languages == ("en", "ja")


def test_empty_glossary_is_valid_json_in_the_glossary_format(tmp_path):
    from site_builder.site.scaffold import empty_glossary

    assert json.loads(empty_glossary("ja")) == {"language": "ja", "terms": []}


def test_init_with_the_project_folder_as_source_keeps_docs_and_outputs_out_of_the_sources(
        tmp_path, monkeypatch, write_corpus):
    from site_builder.source.discover import find_sources

    write_corpus(tmp_path, {"mod.py": "x = 1\n", "docs/page.md": "# Page\n", "site/old.md": "# Old\n"})
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--source", ".", "--site-name", "Here"]) == 0
    site = load_project_config(tmp_path / "mkdocs.yml")
    found = find_sources(site.source_dir, site.include, site.exclude)
    assert [path.relative_to(site.source_dir.resolve()).as_posix() for path in map(Path.resolve, found)] == ["mod.py"]

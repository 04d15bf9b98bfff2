"""SiteConfig: made once per adapter, checked when made; from_mapping's MkDocs-style errors;
the MkDocs adapter's reading of mkdocs.yml (project.py) and the plugin's typed options."""

from __future__ import annotations

import dataclasses

import pytest

from site_builder.adapters.mkdocs.project import load_project_config
from site_builder.config import SiteConfig
from site_builder.errors import ConfigError


@pytest.mark.parametrize("values, message", [
    ({"languages": "ja,zh"}, "Config value 'languages': expected a list of codes, got 'ja,zh'"),
    ({"languages": ["en", "JA"]}, "Config value 'languages': expected a list of codes, got ['en', 'JA']"),
    ({"languages": []}, "Config value 'languages': expected a list of codes, got []"),
    ({"source_dir": 3}, "Config value 'source_dir': expected a path, got 3"),
    ({"translations_dir": ""}, "Config value 'translations_dir': expected a path, got ''"),
    ({"include": "**/*.py"}, "Config value 'include': expected a list of strings, got '**/*.py'"),
    ({"exclude": [1]}, "Config value 'exclude': expected a list of strings, got [1]"),
    ({"repo_url": ["x"]}, "Config value 'repo_url': expected a URL, got ['x']"),
    ({"guide_url": 2}, "Config value 'guide_url': expected a site-relative URL, got 2"),
    ({"language": ["ja"]}, "Config value 'language': unknown option"),
    ({"max_file_bytes": "5MB"}, "Config value 'max_file_bytes': expected a positive whole number, got '5MB'"),
    ({"max_line_chars": 0}, "Config value 'max_line_chars': expected a positive whole number, got 0"),
])
def test_from_mapping_names_the_wrong_value_like_mkdocs_and_the_file_it_came_from(values, message):
    with pytest.raises(ConfigError) as caught:
        SiteConfig.from_mapping(values, origin="proj/mkdocs.yml")
    assert str(caught.value).startswith(f"proj/mkdocs.yml: {message}")


def test_from_mapping_resolves_folders_against_the_config_folder_and_keeps_absolute_ones(tmp_path):
    config = SiteConfig.from_mapping({"translations_dir": str(tmp_path / "t")}, base_dir=tmp_path / "proj")
    assert (config.source_dir, config.translations_dir) == (tmp_path / "proj" / "src", tmp_path / "t")


def test_every_way_of_making_a_config_puts_english_first_once_and_drops_repeats(tmp_path):
    made = SiteConfig(source_dir=tmp_path, translations_dir=tmp_path, languages=("ja", "en", "ja", "zh"))
    assert made.languages == ("en", "ja", "zh") and made.target_languages == ("ja", "zh")
    assert SiteConfig.from_mapping({"languages": ["ja"]}).languages == ("en", "ja")
    assert dataclasses.replace(made, languages=("zh",)).languages == ("en", "zh")


def test_replacing_a_field_checks_the_new_value_too(tmp_path):
    config = SiteConfig(source_dir=tmp_path, translations_dir=tmp_path)
    with pytest.raises(ConfigError, match="'languages': expected a list of codes"):
        dataclasses.replace(config, languages=("ja,zh",))


def test_repo_url_loses_its_trailing_slash(tmp_path):
    config = SiteConfig(source_dir=tmp_path, translations_dir=tmp_path, repo_url="https://x/blob/main/src/")
    assert config.repo_url == "https://x/blob/main/src"


def test_the_plugins_typed_options_default_to_the_same_config_as_an_empty_mapping(tmp_path):
    from site_builder.adapters.mkdocs.options import PluginOptions

    options = PluginOptions()
    options.load_dict({})
    errors, warnings = options.validate()
    assert not errors and not warnings
    assert options.site_config(tmp_path) == SiteConfig.from_mapping({}, base_dir=tmp_path)


def test_the_project_config_is_the_plugins_options_relative_to_mkdocs_yml(tmp_path):
    config_file = tmp_path / "proj" / "mkdocs.yml"
    config_file.parent.mkdir()
    config_file.write_text("site_name: x\nmarkdown_extensions:\n  - toc:\n      slugify: !!python/name:x.y\n"
                           "plugins:\n  - search\n  - site_builder:\n      source_dir: code\n"
                           "      languages: [ja]\n", encoding="utf-8")
    config = load_project_config(config_file)
    assert config.source_dir == tmp_path / "proj" / "code"
    assert config.translations_dir == tmp_path / "proj" / "translations"
    assert config.languages == ("en", "ja")


def test_a_project_without_the_plugin_gets_the_defaults(tmp_path):
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text("site_name: x\nplugins:\n  - search\n", encoding="utf-8")
    assert load_project_config(config_file) == SiteConfig.from_mapping({}, base_dir=tmp_path)


@pytest.mark.parametrize("text, where, message", [
    ("plugins:\n  - site_builder:\n      languages: ja,zh\n", ":", "expected a list of codes, got 'ja,zh'"),
    ("plugins:\n  - site_builder: [1]\n", ":", "options must be a mapping"),
    ("site_name: x\nplugins: - search\n", ":2:10:", "invalid YAML"),
])
def test_a_bad_project_config_is_an_error_naming_the_file(tmp_path, text, where, message):
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_project_config(config_file)
    assert str(caught.value).startswith(f"{config_file}{where}") and message in str(caught.value)


def test_the_size_limits_have_defaults_every_real_source_passes_and_can_be_set(tmp_path):
    default = SiteConfig.from_mapping({}, base_dir=tmp_path)
    assert (default.max_file_bytes, default.max_line_chars) == (5_000_000, 20_000)
    chosen = SiteConfig.from_mapping({"max_file_bytes": 1000, "max_line_chars": 80}, base_dir=tmp_path)
    assert (chosen.max_file_bytes, chosen.max_line_chars) == (1000, 80)
    with pytest.raises(ConfigError, match="max_line_chars"):
        SiteConfig(source_dir=tmp_path, translations_dir=tmp_path, max_line_chars=True)

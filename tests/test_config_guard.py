"""A hand-written mkdocs.yml cannot make the site go online or lose its layout without saying so."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config

from site_builder.adapters.mkdocs.guard import guard_config
from site_builder.errors import ConfigError


def loaded(tmp_path: Path, text: str):
    (tmp_path / "docs").mkdir(exist_ok=True)
    path = tmp_path / "mkdocs.yml"
    path.write_text("site_name: t\n" + text, encoding="utf-8")
    return load_config(config_file=str(path))


def test_material_fonts_are_turned_off_with_a_warning_naming_the_setting(tmp_path):
    config = loaded(tmp_path, "theme:\n  name: material\n")
    warnings = guard_config(config)
    assert config.theme["font"] is False
    assert len(warnings) == 1 and "'theme.font'" in warnings[0] and "font: false" in warnings[0]


def test_a_config_with_fonts_off_is_left_as_it_is_and_says_nothing(tmp_path):
    config = loaded(tmp_path, "theme:\n  name: material\n  font: false\n")
    assert guard_config(config) == []


def test_another_theme_stops_the_build_naming_theme_and_the_fix(tmp_path):
    config = loaded(tmp_path, "theme:\n  name: mkdocs\n")
    with pytest.raises(ConfigError) as error:
        guard_config(config)
    assert "'theme'" in str(error.value) and "name: material" in str(error.value)
    assert str(tmp_path / "mkdocs.yml") in str(error.value)


@pytest.mark.parametrize("setting, yaml_text", [
    ("extra_javascript", "extra_javascript:\n  - https://cdn.example.com/x.js\n"),
    ("extra_css", "extra_css:\n  - //cdn.example.com/x.css\n"),
    ("theme.logo", "theme:\n  name: material\n  font: false\n  logo: https://example.com/logo.png\n"),
])
def test_a_script_style_or_image_from_another_host_stops_the_build_naming_the_setting(
        tmp_path, setting, yaml_text):
    if "theme:" not in yaml_text:
        yaml_text += "theme:\n  name: material\n  font: false\n"
    with pytest.raises(ConfigError, match=f"'{setting}'.*another host"):
        guard_config(loaded(tmp_path, yaml_text))


def test_a_local_extra_script_is_accepted(tmp_path):
    config = loaded(tmp_path, "theme:\n  name: material\n  font: false\nextra_javascript:\n  - js/x.js\n")
    assert guard_config(config) == []


def test_top_level_repo_url_is_dropped_with_a_warning_pointing_at_the_plugin_option(tmp_path):
    config = loaded(tmp_path, "repo_url: https://github.com/o/r\ntheme:\n  name: material\n  font: false\n")
    warnings = guard_config(config)
    assert config.repo_url is None and config.edit_uri is None
    assert "'repo_url'" in warnings[0] and "site_builder plugin's repo_url" in warnings[0]


def test_analytics_are_dropped_with_a_warning(tmp_path):
    config = loaded(tmp_path, "theme:\n  name: material\n  font: false\n"
                              "extra:\n  analytics:\n    provider: google\n    property: G-X\n")
    warnings = guard_config(config)
    assert "analytics" not in config.extra and "'extra.analytics'" in warnings[0]

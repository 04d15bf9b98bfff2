"""The project's own site: its config and its tutorial's front matter say what readers should see."""

from __future__ import annotations

from pathlib import Path

from site_builder.adapters.mkdocs.project import load_project_config, plugin_options
from site_builder.catalog.corpus import load_corpus
from site_builder.model import UnitKind, UnitState

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_page_and_the_package_index_have_distinct_titles_and_both_a_summary():
    corpus = load_corpus(load_project_config(ROOT / "mkdocs.yml"))
    files = {file.source.id: file for file in corpus.files}
    readme, index = files["capsule_networks/readme"], files["capsule_networks/__init__"]
    assert readme.source.front.title != index.source.front.title
    assert readme.source.front.summary and index.source.front.summary
    japanese = {result.unit.kind: result for result in readme.translations["ja"].results}
    for kind in (UnitKind.TITLE, UnitKind.SUMMARY):
        assert japanese[kind].state is UnitState.TRANSLATED


def test_the_project_names_its_japanese_site_and_links_to_no_placeholder_repository():
    options = plugin_options(ROOT / "mkdocs.yml")
    assert options["site_names"]["ja"]
    assert "example/" not in str(options.get("repo_url", ""))
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "site_builder.render.cjk_breaks" in text  # Japanese lines join without a space

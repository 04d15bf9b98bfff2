"""A real build of a corpus with a payload in every kind of value, in English and Japanese:
every built page and search index, read with html.parser, holds nothing live, and every page
still shows the planted text (escaped), so dropping a unit would not pass.

The corpus (tests/xss_site.py) plants the forms of tests/data/xss_payloads_plain.txt in
titles, summaries and glossary entries (English titles and summaries too, and a folder and a
file name) and the forms of tests/data/xss_payloads.txt in notes. It is built once per module.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from xss_site import EVERY, PLAIN, page_text, plant_corpus, scan_page, scan_search_index, shown

from site_builder.adapters.cli import main
from site_builder.site.csp import inline_scripts, script_hash

pytestmark = pytest.mark.slow  # one MkDocs build of two languages (about 5 s)


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    root = tmp_path_factory.mktemp("planted")
    config_file, plants = plant_corpus(root / "project")
    site_dir = root / "site"
    assert main(["build", "--config", str(config_file), "--site-dir", str(site_dir)]) == 0
    return site_dir, plants, config_file


def built_pages(site_dir: Path) -> list[Path]:
    return sorted(site_dir.rglob("*.html"))


def test_the_payload_corpus_has_at_least_fifty_forms_for_plain_text_and_a_hundred_in_all():
    assert len(PLAIN) >= 50 and len(set(EVERY)) >= 150


def test_no_built_page_holds_live_script_handlers_dangerous_urls_or_injected_elements(planted):
    site_dir, _, _ = planted
    pages = built_pages(site_dir)
    assert len(pages) >= 14  # both languages: home, status, guide, 404 and the sources
    problems = {str(page.relative_to(site_dir)): scan_page(page.read_text(encoding="utf-8"))
                for page in pages}
    assert {page: found for page, found in problems.items() if found} == {}


@pytest.mark.parametrize("index", ["search/search_index.json", "ja/search/search_index.json"])
def test_search_indexes_hold_no_markup_the_search_ui_would_run(planted, index):
    site_dir, _, _ = planted
    path = site_dir / index
    docs = json.loads(path.read_text(encoding="utf-8"))["docs"]
    assert len(docs) >= 5
    assert scan_search_index(path) == []


def test_the_japanese_search_index_still_has_the_planted_title_as_escaped_text(planted):
    site_dir, plants, _ = planted
    docs = json.loads((site_dir / "ja/search/search_index.json").read_text(encoding="utf-8"))["docs"]
    titles = {shown("".join(page_text(doc["title"]).parts)) for doc in docs}
    assert shown(plants.titles["ja/pkg/mod.html"]) in titles


def test_every_planted_text_is_still_shown_on_its_page_as_typed(planted):
    site_dir, plants, _ = planted
    missing = {}
    for page, texts in plants.shows.items():
        visible = shown(" ".join(page_text((site_dir / page).read_text(encoding="utf-8")).parts))
        lost = [text[:60] for text in texts if shown(text) not in visible]
        if lost:
            missing[page] = lost
    assert missing == {}
    assert len(plants.shows) >= 8
    assert plants.notes["ja/pkg/mod.html"] >= 50  # most planted notes are shown, sanitised


def test_titles_read_as_typed_in_the_title_element(planted):
    site_dir, plants, _ = planted
    assert len(plants.titles) >= 10
    for page, title in plants.titles.items():
        text = page_text((site_dir / page).read_text(encoding="utf-8"))
        assert shown(text.title).startswith(shown(title) + " - "), page


def test_descriptions_read_as_typed_in_the_meta_description(planted):
    site_dir, plants, _ = planted
    assert any("<script>" in text for text in plants.descriptions.values())
    for page, description in plants.descriptions.items():
        text = page_text((site_dir / page).read_text(encoding="utf-8"))
        assert shown(text.description) == shown(description), page


def test_every_inline_script_of_every_page_is_allowed_by_its_content_security_policy(planted):
    site_dir, _, _ = planted
    for page in built_pages(site_dir):
        text = page.read_text(encoding="utf-8")
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', text)
        assert policy, page
        rules = policy.group(1).replace("&#39;", "'")
        assert "object-src 'none'" in rules and "base-uri 'self'" in rules
        assert "style-src 'self';" in rules and "unsafe-inline" not in rules
        scripts = inline_scripts(text)
        assert scripts, page  # Material's palette script at least
        assert all(script_hash(body) in rules for body in scripts), page
        # The policy comes before anything it governs.
        assert text.index("Content-Security-Policy") < text.index("<script")
        assert ' style="' not in text, page


def test_a_strict_build_fails_on_markup_in_a_translated_title_and_passes_without(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no mkdocs.yml here: the flags alone make the config
    root = tmp_path / "project"
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "src" / "pkg" / "m.py").write_text(
        'r"""\n---\ntitle: Evaluating\n---\n\nThe notes.\n"""\nx = 1\n', encoding="utf-8")
    cache = root / "translations" / "pkg" / "m.ja.json"
    cache.parent.mkdir(parents=True)
    common = ["build", "--source", str(root / "src"), "--translations", str(root / "translations"),
              "--languages", "en,ja", "--strict"]

    def build(title: str, name: str) -> int:
        cache.write_text(json.dumps({"Evaluating": title, "<p>The notes.</p>\n": "<p>注釈</p>\n"},
                                    indent=1, sort_keys=True), encoding="utf-8")
        return main([*common, "--site-dir", str(tmp_path / name)])

    assert build("評価", "clean") == 0
    assert build("評価<img src=x onerror=alert(1)>", "planted") != 0


def test_check_reports_markup_in_plain_text_values_as_errors(planted, capsys):
    _, _, config_file = planted
    project = config_file.parent
    code = main(["check", "--config", str(config_file), str(project / "translations" / "pkg")])
    output = capsys.readouterr()
    assert code != 0
    assert "markup-in-text" in output.out + output.err

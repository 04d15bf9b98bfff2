"""A real `mkdocs build` and `site-builder build` of a small project: languages, switcher, search, bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.adapters.cli import main
from site_builder.catalog.corpus import load_corpus
from site_builder.catalog.store import dump_catalog
from site_builder.config import SiteConfig
from site_builder.model import UnitKind
from site_builder.render.placeholders import find_placeholders

pytestmark = pytest.mark.slow

MODULE = r'''"""
---
title: Routing
summary: How capsules route their outputs.
---

# Routing

Routing sends each output where it agrees, Eq. (3): $c_{ij} = \mathrm{softmax}_j(b_{ij})$.
"""

import math


# Iterate `r` times over the coupling $b$
def route(r):
    """Return the number of iterations"""
    return r
'''

PAGE = """---
title: Notes page
---

# Notes page

A page of notes with `code` in it.
"""

MKDOCS_YML = """site_name: Test site
site_url: https://example.org/t/
use_directory_urls: false
theme:
  name: material
  font: false
plugins:
  - search
  - site_builder:
      source_dir: src
      translations_dir: translations
      languages: [en, ja]
      repo_url: https://example.com/repo/blob/main/src
"""

JA_WORD = "ルーティング"


def japanese_catalog(config: SiteConfig, file_id: str) -> dict[str, str]:
    """A complete, valid ja catalog for one file: every key translated, placeholders kept."""
    corpus = load_corpus(config, [])
    [file] = [f for f in corpus.files if f.source.id == file_id]
    entries = {}
    for unit in file.units:
        if unit.kind is UnitKind.NOTES:
            kept = " ".join(f"<span translate=no>_^_{n}_^_</span>" for n in find_placeholders(unit.key))
            entries[unit.key] = f"<p>{JA_WORD}の説明 {kept}</p>\n"
        else:
            entries[unit.key] = f"{JA_WORD}の題"
    return entries


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "__init__.py").write_text(MODULE, encoding="utf-8")
    (tmp_path / "src" / "pkg" / "notes.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    config = SiteConfig(source_dir=tmp_path / "src", translations_dir=tmp_path / "translations",
                        languages=("en", "ja"))
    cache = tmp_path / "translations" / "pkg" / "__init__.ja.json"
    cache.parent.mkdir(parents=True)
    cache.write_text(dump_catalog(japanese_catalog(config, "pkg/__init__")), encoding="utf-8")
    return tmp_path


def mkdocs_build(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), *args],
                          capture_output=True, text=True, cwd=project)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_mkdocs_build_makes_every_page_in_english_and_japanese(project):
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    for page in ("index.html", "pkg/index.html", "pkg/notes.html", "translation-status.html"):
        assert (site / page).is_file()
        assert (site / "ja" / page).is_file()
    assert '<html lang="en"' in read(site / "pkg/index.html")
    japanese = read(site / "ja/pkg/index.html")
    assert '<html lang="ja"' in japanese
    assert f"{JA_WORD}の説明" in japanese
    assert "_^_" not in japanese and "translate=no" not in japanese


def test_switcher_and_hreflang_point_to_the_same_page(project):
    assert mkdocs_build(project).returncode == 0
    english, japanese = read(project / "site/pkg/index.html"), read(project / "site/ja/pkg/index.html")
    assert re.search(r'<a href="\.\./ja/pkg/index\.html" hreflang="ja"[^>]*sb-lang-link', english)
    assert re.search(r'<a href="\.\./\.\./pkg/index\.html" hreflang="en"[^>]*sb-lang-link', japanese)
    assert '<link rel="alternate" hreflang="en" href="https://example.org/t/pkg/index.html">' in japanese
    assert '<link rel="alternate" hreflang="x-default" href="https://example.org/t/pkg/index.html">' in japanese
    assert '<link rel="canonical" href="https://example.org/t/ja/pkg/index.html">' in japanese


def test_each_language_has_its_own_search_index(project):
    assert mkdocs_build(project).returncode == 0
    english = json.loads(read(project / "site/search/search_index.json"))
    japanese = json.loads(read(project / "site/ja/search/search_index.json"))
    assert english["config"]["lang"] == ["en"] and japanese["config"]["lang"] == ["ja"]
    assert JA_WORD in json.dumps(japanese, ensure_ascii=False)
    assert JA_WORD not in json.dumps(english, ensure_ascii=False)
    assert any(doc["location"].startswith("pkg/index.html") for doc in japanese["docs"])


def test_pages_have_side_by_side_rows_and_load_nothing_from_other_hosts(project):
    assert mkdocs_build(project).returncode == 0
    page = read(project / "site/pkg/index.html")
    assert '<section class="sb-row" id="routing">' in page and 'id="section-0"' in page
    assert '<div class="sb-code">' in page and "<math" in page
    assert 'href="https://example.com/repo/blob/main/src/pkg/__init__.py"' in page
    for html_file in (project / "site").rglob("*.html"):
        text = read(html_file)
        resources = re.findall(r'<(?:script|img|iframe|source)\b[^>]*\bsrc="([^"]+)"', text)
        resources += re.findall(r'<link\b(?![^>]*rel="(?:canonical|alternate)")[^>]*\bhref="([^"]+)"', text)
        assert not [url for url in resources if re.match(r"^(https?:)?//", url)], html_file


def test_site_builder_build_without_mkdocs_yml_synthesises_a_config(project, tmp_path, monkeypatch):
    (project / "mkdocs.yml").unlink()
    monkeypatch.chdir(project)
    out = tmp_path / "out"
    code = main(["build", "--source", "src", "--translations", "translations", "--languages", "en,ja",
                 "--site-dir", str(out)])
    assert code == 0
    assert (out / "pkg/index.html").is_file() and (out / "ja/pkg/index.html").is_file()
    assert f"{JA_WORD}の説明" in read(out / "ja/pkg/index.html")


def test_a_cache_that_does_not_parse_is_a_warning_with_file_and_line(project):
    cache = project / "translations/pkg/__init__.ja.json"
    cache.write_text('{\n "a": "b",\n "c" "d"\n}', encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    assert re.search(r"WARNING.*translations/pkg/__init__\.ja\.json:3:\d+", result.stderr)
    japanese = read(project / "site/ja/pkg/index.html")
    assert 'class="sb-fallback" lang="en"' in japanese  # the page is there, in English
    strict = mkdocs_build(project, "--strict")
    assert strict.returncode != 0 and "strict mode" in strict.stdout + strict.stderr


def test_a_value_that_breaks_the_html_falls_back_and_strict_fails(project, monkeypatch):
    cache = project / "translations/pkg/__init__.ja.json"
    entries = json.loads(read(cache))
    key = next(k for k in entries if k.startswith("<h1>"))
    entries[key] = entries[key].replace("<p>", '<p><a href="x"><a href="y">', 1).replace("</p>", "</a></a></p>", 1)
    text = dump_catalog(entries)
    cache.write_text(text, encoding="utf-8")
    line = next(number for number, row in enumerate(text.splitlines(), 1)
                if row.lstrip().startswith(json.dumps(key)))
    monkeypatch.chdir(project)
    assert main(["build"]) == 0
    japanese = read(project / "site/ja/pkg/index.html")
    assert '<a href="x"><a href="y">' not in japanese
    assert main(["build", "--strict"]) == 1
    result = mkdocs_build(project)
    assert f"translations/pkg/__init__.ja.json:{line}: a link inside another link" in result.stderr


def test_math_that_does_not_convert_is_counted_and_strict_fails(project):
    module = project / "src/pkg/__init__.py"
    module.write_text(MODULE + "\n\n# Broken: $\\left( x$\nBROKEN = 1\n", encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode == 0
    warnings = [line for line in result.stderr.splitlines() if "math did not convert" in line]
    assert len(warnings) == 1  # once, although the page is built in two languages
    assert re.search(r"src/pkg/__init__\.py:\d+: math did not convert: .*\\left", warnings[0])
    assert "1 math expression(s) failed to convert" in result.stderr
    assert "math-error" in read(project / "site/ja/pkg/index.html")  # shown as LaTeX, page intact
    assert mkdocs_build(project, "--strict").returncode != 0


def test_a_source_python_cannot_parse_is_a_warning_with_its_line_and_strict_fails(project, monkeypatch, capsys):
    (project / "src/pkg/broken.py").write_text('"""Broken."""\n\nX = 1\nif X\n    Y = 2\n', encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "Python cannot parse" in line]
    assert len(warnings) == 1  # once, though the page is built in two languages
    assert re.search(r"src/pkg/broken\.py:4: Python cannot parse this file: expected ':'", warnings[0])
    assert "if X" in re.sub(r"<[^>]+>", "", read(project / "site/pkg/broken.html"))  # its code is shown
    assert mkdocs_build(project, "--strict").returncode != 0
    monkeypatch.chdir(project)
    main(["check"])
    assert re.search(r"src/pkg/broken\.py.*\n.*4.*Python cannot parse", capsys.readouterr().out)


def test_a_source_leading_out_of_the_source_folder_is_refused_with_a_warning(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere")
    (outside / "secret.md").write_text("# Secret\n\nNot the project's.\n", encoding="utf-8")
    (outside / "folder").mkdir()
    (outside / "folder" / "hidden.py").write_text('"""Also secret."""\n', encoding="utf-8")
    (project / "src/pkg/leak.md").symlink_to(outside / "secret.md")
    (project / "src/pkg/linked").symlink_to(outside / "folder")
    (outside / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (project / "src/pkg/photo.png").symlink_to(outside / "photo.png")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    assert re.search(r"WARNING.*src/pkg/leak\.md: refused, it leads outside the source folder", result.stderr)
    assert re.search(r"WARNING.*src/pkg/linked/?: refused", result.stderr)
    assert len(re.findall(r"WARNING.*src/pkg/photo\.png: refused", result.stderr)) == 1  # once
    site = project / "site"
    assert not (site / "pkg/leak.html").exists() and not (site / "pkg/linked").exists()
    assert not (site / "pkg/photo.png").exists() and not (site / "ja/pkg/photo.png").exists()
    assert not any("Not the project" in path.read_text(encoding="utf-8", errors="replace")
                   for path in site.rglob("*") if path.is_file() and path.suffix in (".html", ".json"))


def test_a_docs_page_or_example_leading_out_of_the_project_is_refused_with_a_warning(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere")
    (outside / "secret.md").write_text("# Secret\n\nNot the project's.\n", encoding="utf-8")
    (outside / "secret.py").write_text('"""Not the project\'s either."""\nX = 1\n', encoding="utf-8")
    (project / "docs/leak.md").symlink_to(outside / "secret.md")
    (project / "docs/guide.md").write_text(f"# Guide\n\n<!-- example: {outside / 'secret.py'} -->\n",
                                           encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    assert re.search(r"WARNING.*docs/leak\.md: refused, it leads outside the docs folder", result.stderr)
    assert re.search(r"WARNING.*docs/guide\.md: the example .*secret\.py is refused", result.stderr)
    site = project / "site"
    assert (site / "guide.html").exists() and not (site / "leak.html").exists()
    assert not any("Not the project" in path.read_text(encoding="utf-8", errors="replace")
                   for path in site.rglob("*") if path.is_file() and path.suffix in (".html", ".json"))
    assert mkdocs_build(project, "--strict").returncode != 0

"""From a folder holding only someone else's annotated code: `site-builder init`, then `build`.

The code is written the ways people write it: Markdown comment blocks, reST-style
docstrings, doctests, dunder names, a link to a sibling module. Both commands run as a new
user runs them, as subprocesses in that folder; the built site is then read as files.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from new_project_code import CODE

pytestmark = pytest.mark.slow



def run(folder: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "site_builder.adapters.cli", *args], cwd=folder,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"site-builder {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The site `init` + `build` make of CODE (the test's own code, no docs folder, no config)."""
    import textwrap

    folder = tmp_path_factory.mktemp("someone-elses-project")
    for name, text in CODE.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    run(folder, "init", "--source", "code", "--site-name", "Plane Figures", "--languages", "en,ja")
    run(folder, "build")
    return folder / "site"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_the_site_is_material_under_the_given_name_in_both_languages(built):
    for prefix in ("", "ja/"):
        for page in ("index.html", "shapes/index.html", "shapes/circle.html", "notes.html"):
            text = read(built / prefix / page)
            assert 'content="mkdocs-' in text and "mkdocs-material" in text
            assert re.search(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js", text)
            assert "Plane Figures" in re.search(r"<title>(.*?)</title>", text, re.S).group(1)
    assert '<html lang="ja"' in read(built / "ja/shapes/circle.html")
    assert re.search(r"<title>\s*Plane Figures\s*</title>", read(built / "index.html"))


def test_without_a_repo_url_no_page_has_a_view_source_link(built):
    assert "sb-source" not in read(built / "shapes/circle.html")


def test_a_folder_in_the_navigation_is_named_by_its_index_page(built):
    page = read(built / "ja/shapes/circle.html")
    labels = [re.sub(r"<[^>]+>|\s+", " ", label).strip()
              for label in re.findall(r'class="md-nav__link[^"]*"[^>]*>(.*?)</(?:a|label|span)', page, re.S)]
    assert "Shapes" in labels and "shapes" not in labels


def test_doctests_are_shown_as_python_code(built):
    package = read(built / "shapes/index.html")
    assert re.search(r'<code class="language-pycon">.*&gt;&gt;&gt; .*Circle', package, re.S)
    assert "<blockquote>" not in package


def test_dunder_names_and_index_arithmetic_stay_literal(built):
    package = read(built / "shapes/index.html")
    notes = package[package.index('class="sb-notes"'):]
    assert "__new__" in notes and "a[2*k+1]" in notes
    assert "<strong>new</strong>" not in notes and "<em>" not in notes.split("</section>")[0]


@pytest.mark.parametrize("prefix", ["", "ja/"])
def test_links_to_sibling_source_files_land_on_their_pages(built, prefix):
    package = read(built / prefix / "shapes/index.html")
    assert 'href="circle.html"' in package and 'href="circle.html#radius"' in package
    assert 'id="radius"' in read(built / prefix / "shapes/circle.html")
    assert 'href="index.html"' in read(built / prefix / "shapes/circle.html")
    notes = read(built / prefix / "notes.html")
    assert 'href="shapes/index.html"' in notes and 'href="shapes/circle.html#radius"' in notes


def test_no_page_loads_anything_from_another_host(built):
    for page in built.rglob("*.html"):
        text = read(page)
        for url in re.findall(r'<(?:script|link|img)\b[^>]*?(?:src|href)="([^"]+)"', text):
            tag_is_hreflang = f'href="{url}"' in text and "hreflang" in text
            assert not re.match(r"^(?:https?:)?//", url) or tag_is_hreflang, (page, url)


def test_a_hand_written_config_with_directory_urls_and_material_fonts_is_mended_and_says_so(tmp_path):
    import textwrap

    for name, text in CODE.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Hand written\ntheme:\n  name: material\nplugins:\n  - search\n"
        "  - site_builder:\n      source_dir: code\n      languages: [en, ja]\n"
        "      site_names: {ja: 手書き}\n", encoding="utf-8")
    (tmp_path / "docs" / "ex").mkdir(parents=True)
    (tmp_path / "docs" / "ex" / "tiny.py").write_text('# Add one.\nx = 1\n', encoding="utf-8")
    (tmp_path / "docs" / "guide.md").write_text(
        "# Guide\n\n<!-- example: ex/tiny.py -->\n\n<!-- example: ex/missing.py -->\n", encoding="utf-8")
    result = run(tmp_path, "build")
    assert "'theme.font'" in result.stderr  # fixed, and said so
    assert "ex/missing.py does not exist" in result.stderr
    site = tmp_path / "site"
    assert "fonts.googleapis.com" not in read(site / "shapes/index.html")
    package = read(site / "shapes/index.html")
    assert 'href="circle/"' in package and 'href="circle/#radius"' in package
    assert 'href="../shapes/circle/#radius"' in read(site / "ja/notes/index.html")
    assert 'href="../"' in read(site / "ja/shapes/circle/index.html")  # back to the package
    assert (site / "shapes/circle/index.html").is_file() and (site / "ja/shapes/circle/index.html").is_file()
    guide = read(site / "guide/index.html")
    assert "sb-example__source" in guide and '<section class="sb-row" id="ex1-' in guide
    assert re.search(r"<p>Add one\.\s*</p>", guide)
    japanese = read(site / "ja/shapes/index.html")
    assert re.search(r"<title>Shapes - 手書き</title>", japanese)
    assert re.search(r"<title>\s*手書き\s*</title>", read(site / "ja/index.html"))


def test_site_name_flag_names_a_one_off_build_in_every_language(built, tmp_path):
    project = built.parent
    run(project, "build", "--site-name", "Figures, once", "--site-dir", str(tmp_path / "once"))
    for prefix in ("", "ja/"):
        assert re.search(r"<title>\s*Figures, once\s*</title>", read(tmp_path / "once" / prefix / "index.html"))
    assert "site_name: \"Plane Figures\"" in read(project / "mkdocs.yml")  # the config is untouched

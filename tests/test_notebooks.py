"""site/notebooks.py: a source page as a Jupyter notebook in the page's language."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

from site_builder.catalog.corpus import load_corpus
from site_builder.catalog.store import catalog_path, save_catalog
from site_builder.config import SiteConfig
from site_builder.model import Protected, ProtectedKind
from site_builder.site.notebooks import notebook_bytes, notebook_uri, to_markdown

MODULE = '''\
    r"""
    ---
    title: Squash
    ---

    # Squash

    It maps the length into $[0, 1)$ with `squash`:

    $$v = \\frac{s}{1 + s}$$
    """

    import math


    # The **pitfall**: divide by $\\lVert s \\rVert$ only after adding `eps`.
    def squash(s, eps=1e-8):
        return s / (1 + s + eps)
    '''


def _project(tmp_path: Path, write_corpus, translate: bool = True) -> SiteConfig:
    write_corpus(tmp_path / "src", {"pkg/squash.py": MODULE})
    config = SiteConfig(source_dir=tmp_path / "src", translations_dir=tmp_path / "t", languages=("en", "ja"))
    if translate:
        units = load_corpus(config).files[0].units
        keys = [unit.key for unit in units]
        japanese = {keys[0]: "スカッシュ"}
        for key in keys[1:]:
            if "pitfall" in key:
                norm, eps = re.findall(r"<span translate=no>_\^_\d+_\^_</span>", key)
                japanese[key] = (key[:key.index("The")] + f"<strong>落とし穴：</strong>割るのは {norm}。"
                                 f"先に {eps} を足します。" + ("</p>\n" if key.endswith("</p>\n") else ""))
            elif "Squash" in key:
                japanese[key] = key.replace("<h1>Squash</h1>", "<h1>スカッシュ</h1>") \
                                   .replace("It maps the length into", "長さを").replace(" with ", " に写します：")
        save_catalog(catalog_path(config.translations_dir, "pkg/squash", "ja"), japanese)
    return config


def _cells(config: SiteConfig, lang: str, **options) -> list[dict]:
    file = load_corpus(config).files[0]
    data = notebook_bytes(file, lang, **options)
    notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
    nbformat.validate(notebook)
    return [{"type": cell.cell_type, "source": cell.source} for cell in notebook.cells]


def test_english_notebook_has_the_notes_as_written_and_the_code_in_order(tmp_path, write_corpus):
    cells = _cells(_project(tmp_path, write_corpus, translate=False), "en")
    assert [cell["type"] for cell in cells] == ["markdown", "code", "markdown", "code"]
    assert cells[0]["source"].startswith("# Squash\n\nIt maps the length into $[0, 1)$ with `squash`:")
    assert "$$v = \\frac{s}{1 + s}$$" in cells[0]["source"]
    assert cells[1]["source"] == "import math"
    assert cells[3]["source"].startswith("def squash(s, eps=1e-8):\n    return")


def test_japanese_notebook_has_translated_notes_with_math_as_tex_and_the_same_code(tmp_path, write_corpus):
    config = _project(tmp_path, write_corpus)
    cells = _cells(config, "ja", page_url="https://example.org/ja/pkg/squash.html")
    english = _cells(config, "en")
    assert [c["source"] for c in cells if c["type"] == "code"] == [c["source"] for c in english if c["type"] == "code"]
    first, pitfall = cells[0]["source"], cells[2]["source"]
    assert first.startswith("# スカッシュ\n\n長さを $[0, 1)$ に写します：`squash`")
    assert "$$\nv = \\frac{s}{1 + s}\n$$" in first
    # CommonMark would not close ** before ゼロ-like text glued to a full-width colon: HTML.
    assert pitfall.startswith("<strong>落とし穴：</strong>割るのは $\\lVert s \\rVert$。先に `eps` を足します。")
    assert "_^_" not in first + pitfall and "SBPLACEHOLDER" not in first + pitfall


def test_an_untranslated_language_falls_back_to_english_notes(tmp_path, write_corpus):
    config = _project(tmp_path, write_corpus, translate=False)
    assert _cells(config, "ja")[0]["source"].startswith("# Squash")


def test_relative_links_and_anchors_point_at_the_site():
    markdown = to_markdown('<p>See <a href="model.html#x">the model</a> and <a href="#squash">squash</a>'
                           ' and <a href="https://a.example/">a</a>.</p>', ())
    from site_builder.site.notebooks import _absolute_links
    assert _absolute_links(markdown, "https://s.example/ja/pkg/squash.html") == (
        "See [the model](https://s.example/ja/pkg/model.html#x) and "
        "[squash](https://s.example/ja/pkg/squash.html#squash) and [a](https://a.example/).")


def test_placeholders_become_the_markdown_the_author_wrote():
    originals = (Protected(ProtectedKind.CODE_SPAN, "a`b"), Protected(ProtectedKind.CODE_BLOCK, "x = 1\n", "python"),
                 Protected(ProtectedKind.IMAGE, "![digits](digits.png)"))
    key = ('<p>Use <span translate=no>_^_0_^_</span>:</p>\n<span translate=no>_^_1_^_</span>\n'
           '<p><span translate=no>_^_2_^_</span></p>')
    assert to_markdown(key, originals) == "Use ``a`b``:\n\n```python\nx = 1\n```\n\n![digits](digits.png)"


def test_a_notebook_sits_beside_its_page():
    assert notebook_uri("pkg/index.md") == "pkg/index.ipynb"
    assert notebook_uri("pkg/model.md") == "pkg/model.ipynb"


def test_notebooks_are_valid_json_with_a_python_kernel(tmp_path, write_corpus):
    file = load_corpus(_project(tmp_path, write_corpus)).files[0]
    data = json.loads(notebook_bytes(file, "ja"))
    assert data["nbformat"] == 4 and data["metadata"]["kernelspec"]["language"] == "python"
    assert data["metadata"]["title"] == "スカッシュ"

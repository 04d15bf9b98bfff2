"""A real build of a small package in each docstring convention: field lists on the page, ids kept.

The page of each module must show the entries as a definition list under a title paragraph, and
the function's section must keep the function's id (a ``Parameters`` heading would have taken
``#parameters``).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from corpus_files import write_corpus

pytestmark = pytest.mark.slow

SOURCES = {
    "pkg/google_style.py": '''"""Google style."""


def fetch(table, keys):
    """Fetch rows, see :func:`fetch`.

    Args:
        table (Table): An open table.
        keys (list[str]): The keys.

    Returns:
        dict: The rows.
    """
    return {}
''',
    "pkg/numpy_style.py": '''"""NumPy style."""


def resample(grid, factor=2):
    """Resample a grid.

    Parameters
    ----------
    grid : Grid
        The grid.
    factor : int, default 2
        How many times finer.
    """
    return grid
''',
    "pkg/sphinx_style.py": '''"""Sphinx style."""


def send(url, timeout=3.0):
    """Send a request.

    :param str url: The URL.
    :param timeout: How long to wait.
    :type timeout: float
    :rtype: str
    :raises ValueError: if the URL is invalid.
    """
    return url
''',
}

MKDOCS_YML = """site_name: Styles
use_directory_urls: false
theme:
  name: material
  font: false
plugins:
  - site_builder:
      source_dir: src
      translations_dir: translations
      docstring_style: {style}
"""


def build(tmp_path: Path, style: str = "auto") -> Path:
    write_corpus(tmp_path / "src", SOURCES)
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML.format(style=style), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(tmp_path / "mkdocs.yml")],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    return tmp_path / "site"


@pytest.mark.parametrize("page, function, names", [
    ("google_style", "fetch", ["table", "Table", "keys", "list[str]"]),
    ("numpy_style", "resample", ["grid", "Grid", "factor", "int", "2"]),
    ("sphinx_style", "send", ["url", "str", "timeout", "float"]),
])
def test_each_convention_builds_to_a_field_list_under_the_definitions_own_id(tmp_path, page, function, names):
    html = (build(tmp_path) / "pkg" / f"{page}.html").read_text(encoding="utf-8")
    section = html[html.index(f'<section class="sb-row" id="{function}"'):]
    section = section[:section.index("</section>")]
    assert '<p class="sb-doc-title">Parameters</p>' in section
    assert 'id="parameters"' not in html and "<h2" not in section
    terms = re.findall(r"<dt>(.*?)</dt>", section)
    texts = [re.sub(r"<[^>]+>", "", term) for term in terms]
    assert "".join(texts).startswith("".join(names[:2]))
    assert all(name in "".join(texts) for name in names)


def test_a_role_naming_a_definition_links_to_it_and_a_type_to_its_class(tmp_path):
    site = build(tmp_path)
    google = (site / "pkg" / "google_style.html").read_text(encoding="utf-8")
    assert '<a class="sb-code-ref" href="#fetch"><code class="sb-hl sb-inline">' in google
    sphinx = (site / "pkg" / "sphinx_style.html").read_text(encoding="utf-8")
    assert "sb-code-ref" not in sphinx  # str, float, ValueError: nothing of the corpus


def test_markdown_style_leaves_the_docstring_as_written(tmp_path):
    html = (build(tmp_path, "markdown") / "pkg" / "google_style.html").read_text(encoding="utf-8")
    assert "sb-doc-fields" not in html and "Args:" in html

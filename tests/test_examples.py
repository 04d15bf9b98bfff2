"""A live example on a hand-written page: the file as written, and the rows the tool makes of it."""

from __future__ import annotations

import re

from site_builder.site.examples import EXAMPLE_MARKER, example_html
from site_builder.source.parse import parse_file

EXAMPLE = '''\
"""
# Counting

Count with $n + 1$; `__init__` stays literal.
"""


# Add one.
def step(n):
    """Next number.

    >>> step(1)
    2
    """
    return n + 1
'''


def rendered(tmp_path, write_corpus, lang="en", number=1) -> str:
    write_corpus(tmp_path, {"ex/count.py": EXAMPLE}, dedent=False)
    path = tmp_path / "ex" / "count.py"
    return example_html(parse_file(path, path.parent), EXAMPLE, lang, number=number)


def test_the_example_shows_the_file_as_written_then_its_rendered_rows(tmp_path, write_corpus):
    html = rendered(tmp_path, write_corpus)
    listing, page = html.split('class="sb-example__page', 1)
    assert "# Add one." in listing and "sb-row" not in listing
    rows = page.split('<section class="sb-row"')[1:]
    assert len(rows) == 2  # the comment above `def` and its docstring are one note
    assert "Add one." in rows[1] and "Next number." in rows[1]
    assert "<math" in page and "<code" in page and "__init__" in page
    assert re.search(r'<code class="language-pycon">&gt;&gt;&gt; ', page.replace('<span class="gp">', ""))


def test_the_examples_headings_sit_below_the_guides_and_its_ids_are_its_own(tmp_path, write_corpus):
    html = rendered(tmp_path, write_corpus, number=2)
    assert "<h1" not in html and "<h4>Counting</h4>" in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert ids and all(value.startswith("ex2") for value in ids)
    assert all(href.startswith("#ex2-") for href in re.findall(r'href="(#[^"]*)"', html))


def test_the_labels_are_in_the_pages_language(tmp_path, write_corpus):
    assert "書いたままのファイル" in rendered(tmp_path, write_corpus, lang="ja")


def test_the_marker_names_a_path_relative_to_the_page():
    match = EXAMPLE_MARKER.search("<p>x</p>\n<!-- example: examples/stack.py -->\n")
    assert match and match.group("path") == "examples/stack.py"

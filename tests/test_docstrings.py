"""Docstring conventions and docstring Markdown: notes -> exact keys, names and types masked.

Each table row is (docstring notes, exact key, the masked originals in order). Google, NumPy and
Sphinx docstrings become titled field lists (``<p class="sb-doc-title">``, never a heading);
names, types and defaults are placeholders, descriptions are the translatable text.
"""

from __future__ import annotations

import difflib

import pytest

from site_builder.config import DOCSTRING_STYLES, SiteConfig
from site_builder.errors import ConfigError
from site_builder.model import ProtectedKind
from site_builder.render.notes import render_notes
from site_builder.render.sanitize import sanitize_html
from site_builder.source.docstrings import STYLE_NAMES, DocstringStyle, detect_style, parse_docstring

P = "<span translate=no>_^_{}_^_</span>".format


def field_list(kind: str, title: str, *entries: str) -> str:
    return (f'<div class="sb-doc sb-doc-{kind}"><p class="sb-doc-title">{title}</p>\n'
            f'<dl class="sb-doc-fields">{"".join(entries)}</dl>\n</div>\n')


def entry(term: str, description: str) -> str:
    return f"<dt>{term}</dt>\n<dd>{description}</dd>\n"


def typed(n: int) -> str:
    return f'<span class="sb-doc-type">{P(n)}</span>'


def assert_key(source: str, expected: str, originals: list[str], style: str | None = "auto") -> None:
    masked = render_notes(source, style)
    if masked.html != expected:
        diff = "\n".join(difflib.ndiff(expected.splitlines(), masked.html.splitlines()))
        pytest.fail(f"key differs for {source!r}:\n{diff}")
    assert [original.source for original in masked.originals] == originals


CONVENTIONS = [
    # Google: Args become Parameters; ``int:`` under Returns is the type
    ("Add two.\n\nArgs:\n    a (int): First.\n    b: Second.\n\nReturns:\n    int: The sum.\n",
     "<p>Add two.</p>\n"
     + field_list("parameters", "Parameters", entry(P(0) + typed(1), "First."), entry(P(2), "Second."))
     + field_list("returns", "Returns", entry(typed(3), "The sum.")),
     ["a", "int", "b", "int"]),
    # Google: a description running over two lines is one description
    ("Run.\n\nArgs:\n    keys (list[str]): A sequence of\n        strings.\n",
     "<p>Run.</p>\n" + field_list("parameters", "Parameters", entry(P(0) + typed(1), "A sequence of strings.")),
     ["keys", "list[str]"]),
    # NumPy: underlined titles, ``name : type``, a default
    ("Add two.\n\nParameters\n----------\na : int\n    First.\nb : float, default 1.0\n    Second.\n\n"
     "Raises\n------\nValueError\n    When negative.\n",
     "<p>Add two.</p>\n"
     + field_list("parameters", "Parameters", entry(P(0) + typed(1), "First."),
                  entry(P(2) + typed(3) + f'<span class="sb-doc-default">{P(4)}</span>', "Second."))
     + field_list("raises", "Raises", entry(P(5), "When negative.")),
     ["a", "int", "b", "float", "1.0", "ValueError"]),
    # Sphinx: a type in the field or in ``:type:``, exceptions by name
    ("Add two.\n\n:param int a: First.\n:param b: Second.\n:type b: float\n:returns: the sum\n:rtype: int\n"
     ":raises ValueError: When negative.\n",
     "<p>Add two.</p>\n"
     + field_list("parameters", "Parameters", entry(P(0) + typed(1), "First."), entry(P(2) + typed(3), "Second."))
     + field_list("returns", "Returns", entry(typed(4), "the sum"))
     + field_list("raises", "Raises", entry(P(5), "When negative.")),
     ["a", "int", "b", "float", "int", "ValueError"]),
    # Google admonitions and examples: a titled block around Markdown and a doctest
    ("Run.\n\nNote:\n    Be *careful*.\n\nExamples:\n    >>> run()\n    1\n",
     '<p>Run.</p>\n<div class="sb-doc sb-doc-admonition sb-doc-note"><p class="sb-doc-title">Note</p>\n'
     "<p>Be <em>careful</em>.</p>\n</div>\n"
     '<div class="sb-doc sb-doc-admonition sb-doc-examples"><p class="sb-doc-title">Examples</p>\n'
     f"{P(0)}</div>\n",
     [">>> run()\n1"]),
    # the labml dialect (``:param name:`` and ``:return:`` only) stays the Markdown list it was
    ("\n:param x: is the input\n:return: the output\n",
     f"<ul><li>{P(0)}  is the input </li>\n<p><em>Returns</em>  the output </p></ul>\n", ["x"]),
    # Markdown with a colon line is not Google
    ("\nShapes: `[batch, n]`.\n", f"<p> Shapes: {P(0)}. </p>\n", ["[batch, n]"]),
]


@pytest.mark.parametrize("source, expected, originals", CONVENTIONS)
def test_docstring_conventions_become_titled_field_lists_with_names_and_types_masked(source, expected, originals):
    assert_key(source, expected, originals)


MARKDOWN = [
    # reST roles are code (the last component after ``~``), ``:math:`` is math
    ("See :func:`add`, :py:meth:`~pkg.Calc.run` and :math:`a+b`.\n",
     f"<p>See {P(0)}, {P(1)} and {P(2)}. </p>\n", ["add", "run", "a+b"]),
    # an indented code block after a blank line is one code block, not a paragraph
    ("Run it:\n\n    x = add(1, 2)\n    print(x)\n\nDone.\n",
     f"<p>Run it:</p>\n{P(0)}<p>Done. </p>\n", ["x = add(1, 2)\nprint(x)"]),
    # ... but an indented paragraph after a list item continues the item, as before
    ("* item\n\n    more of the item\n", "<ul><li>item</li></ul>\n<p>more of the item </p>\n", []),
    # footnotes
    ("Proved[^1].\n\n[^1]: By hand.\n",
     '<p>Proved<sup id="fnref:1"><a href="#fn:1" class="footnote-ref">1</a></sup>.</p>\n'
     '<div class="footnote"><hr/>\n<ol><li id="fn:1">By hand.&#160;<a href="#fnref:1" class="footnote-backref" '
     'title="Jump back to footnote 1 in the text">&#8617;</a></li>\n</ol></div>\n', []),
    # email autolinks: the address as text, a plain mailto: link
    ("Mail Ada Lovelace <ada@example.org>.\n",
     '<p>Mail Ada Lovelace <a href="mailto:ada@example.org">ada@example.org</a>. </p>\n', []),
    ("See <https://example.org/a>.\n", '<p>See <a href="https://example.org/a">https://example.org/a</a>. </p>\n', []),
    # tables and definition lists
    ("| a | b |\n|---|---|\n| `x` | 2 |\n",
     f"<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>{P(0)}</td><td>2</td></tr></tbody></table>\n",
     ["x"]),
    ("Term\n:   Its meaning.\n", "<dl><dt>Term</dt>\n<dd>Its meaning.</dd>\n</dl>\n", []),
]


@pytest.mark.parametrize("source, expected, originals", MARKDOWN)
def test_the_markdown_people_write_in_docstrings(source, expected, originals):
    assert_key(source, expected, originals, style=None)


def test_roles_and_indented_code_become_the_kinds_the_page_renders():
    masked = render_notes("Use :func:`f` and :math:`x^2`:\n\n    f(x)\n", None)
    assert [o.kind for o in masked.originals] == [ProtectedKind.CODE_SPAN, ProtectedKind.INLINE_MATH,
                                                  ProtectedKind.CODE_BLOCK]


def test_an_indented_line_inside_a_fence_stays_in_the_fence():
    masked = render_notes("```python\ndef f():\n\n    return 1\n```\n", None)
    assert [(o.kind, o.source) for o in masked.originals] == [(ProtectedKind.CODE_BLOCK, "def f():\n\n    return 1")]


def test_comments_are_never_read_as_a_convention():
    assert render_notes("Args:\n    x: the input\n", None).html == "<p>Args:  x: the input </p>\n"


@pytest.mark.parametrize("text, style", [
    ("Run.\n\nArgs:\n    x: the x\n", DocstringStyle.GOOGLE),
    ("Run.\n\nReturns\n-------\nint\n    one\n", DocstringStyle.NUMPY),
    ("Run.\n\n:param x: the x\n:rtype: int\n", DocstringStyle.SPHINX),
    ("Run.\n\n:param str x: the x\n", DocstringStyle.SPHINX),
    ("Run.\n\n:param x: the x\n:return: one\n", DocstringStyle.MARKDOWN),
    ("# Title\n\nNote: plain text.\n", DocstringStyle.MARKDOWN),
])
def test_the_style_is_found_per_docstring(text, style):
    assert detect_style(text) is style


def test_a_fixed_style_reads_the_labml_dialect_as_sphinx_and_markdown_reads_nothing():
    text = "\n:param x: is the input\n"
    assert parse_docstring(text, "auto") is None
    assert parse_docstring(text, "sphinx").parts[0].fields[0].name == "x"
    assert parse_docstring("Run.\n\nArgs:\n    x: the x\n", "markdown") is None


def test_titles_are_never_headings_so_they_take_no_id():
    html = render_notes("Run.\n\nParameters\n----------\nx : int\n    The x.\n", "auto").html
    assert "<h" not in html and "id=" not in html


def test_a_translated_field_list_keeps_its_markup_through_the_sanitizer():
    key = render_notes("Run.\n\nArgs:\n    x (int): The x.\n", "auto").html
    assert sanitize_html(key) == key


def test_the_config_accepts_the_styles_and_names_a_wrong_one(tmp_path):
    assert DOCSTRING_STYLES == STYLE_NAMES
    config = SiteConfig.from_mapping({"docstring_style": "numpy"}, base_dir=tmp_path)
    assert config.docstring_style == "numpy"
    with pytest.raises(ConfigError, match=r"docstring_style.*expected one of auto, google"):
        SiteConfig(source_dir=tmp_path, translations_dir=tmp_path, docstring_style="epydoc")


def test_a_numpy_section_title_does_not_take_the_definitions_id(tmp_path):
    from site_builder.source.parse import parse_file

    path = tmp_path / "mod.py"
    path.write_text('def resample(grid):\n    """Resample.\n\n    Parameters\n    ----------\n'
                    '    grid : Grid\n        The grid.\n    """\n', encoding="utf-8")
    assert [section.id for section in parse_file(path, tmp_path).sections] == ["resample"]


def test_footnotes_of_two_sections_on_one_page_get_ids_of_their_own():
    from site_builder.render.page import scoped_footnotes

    key = render_notes("Proved[^1].\n\n[^1]: By hand.\n", None).html
    first, second = scoped_footnotes(key, "add"), scoped_footnotes(key, "Calc.run")
    assert 'id="add-fnref:1"' in first and 'href="#add-fn:1"' in first and 'id="add-fn:1"' in first
    assert 'href="#Calc.run-fnref:1"' in second and "add-" not in second
    assert scoped_footnotes("<p>No notes</p>\n", "add") == "<p>No notes</p>\n"


def test_sphinx_variables_with_a_type_in_the_field_are_kept():
    parsed = parse_docstring("Run.\n\n:ivar int size: The size.\n:cvar count: Count.\n", "auto")
    [attributes] = [part for part in parsed.parts if part.kind == "attributes"]
    assert [(f.name, f.type, f.description) for f in attributes.fields] == [
        ("size", "int", "The size."), ("count", "", "Count.")]

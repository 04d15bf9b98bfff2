"""Notes stage: notes Markdown -> the key HTML of the translation cache, byte for byte.

Each table row is (notes as ``parse`` produces them, exact key). Comment notes end with a
newline; docstring notes whose text starts on the line after the quotes begin with one.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from site_builder.catalog.units import split_units
from site_builder.model import ProtectedKind, UnitResult, UnitState
from site_builder.render.notes import render_blocks, render_notes
from site_builder.render.page import build_page
from site_builder.source.parse import parse_file

P = "<span translate=no>_^_{}_^_</span>".format
DATA = Path(__file__).parent / "data" / "notes"


def assert_key(source: str, expected: str) -> None:
    """Render ``source`` and compare with ``expected``, showing a diff of the two keys."""
    actual = render_notes(source).html
    if actual != expected:
        diff = "\n".join(difflib.ndiff([expected], [actual]))
        pytest.fail(f"key differs for {source!r}:\n{diff}")


ESCAPING = [
    ("It's a \"quoted\" word\n", "<p>It&#x27;s a &quot;quoted&quot; word </p>\n"),
    ("Fish & chips, 3 > 2 < 4\n", "<p>Fish &amp; chips, 3 &gt; 2 &lt; 4 </p>\n"),
    ("Put <a id=\"here\"></a> an anchor\n", '<p>Put <a id="here"></a> an anchor </p>\n'),
]

SPACING = [
    ("First line\nsecond line\n", "<p>First line second line </p>\n"),
    ("\nstarts below\n  the quotes\n\n", "<p> starts below  the quotes</p>\n"),
    ("many    spaces   here\n", "<p>many spaces here </p>\n"),
    ("trailing   \nspaces\n", "<p>trailing spaces </p>\n"),
    ("\n", "<p> </p>\n"),
    ("  \n", "<p> </p>\n"),
    ("\n\n", ""),
    ("\n  \n", ""),
    ("", ""),
    ("Tabs\tinside\tand  two  spaces  \n\tthen an indented line\n",
     "<p>Tabs inside and two spaces  then an indented line </p>\n"),
    (":param\tx: the input\n:return:  the output\n",
     "<ul><li><span translate=no>_^_0_^_</span>  the input </li>\n<p><em>Returns</em>  the output </p></ul>\n"),
    ("a: b and :param inside\n", "<p>a: b and :param inside </p>\n"),
]

EDGES = [
    # comment notes: a space before the last closing tag
    ("Iterate\n", "<p>Iterate </p>\n"),
    # a one-line docstring ends with a newline too
    ("Set the model\n", "<p>Set the model </p>\n"),
    # docstring starting on the next line: a leading space, none at the end
    ("\nThe shape\n\n", "<p> The shape</p>\n"),
    # ... but no leading space when the first block is not a paragraph
    ("\n## Title\n\nBody text\n\n", "<h2>Title</h2>\n<p>Body text</p>\n"),
    ("\n* one\n* two\n\n", "<ul><li>one </li>\n<li>two</li></ul>\n"),
    # a blank line right after the quotes: no leading space either
    ("\n\nAfter a gap\n\n", "<p>After a gap</p>\n"),
    ("one\n\ntwo\n", "<p>one</p>\n<p>two </p>\n"),
    ("* last item of a comment\n", "<ul><li>last item of a comment </li></ul>\n"),
]

BLOCKS = [
    ("# Top\n## Second\n###  Third  \n", "<h1>Top</h1>\n<h2>Second</h2>\n<h3>Third</h3>\n"),
    ("## Heading\nText under it\n", "<h2>Heading</h2>\n<p>Text under it </p>\n"),
    ("* a\n* b\n* c\n\n", "<ul><li>a </li>\n<li>b </li>\n<li>c</li></ul>\n"),
    ("* wraps\nonto two lines\n* next\n\n", "<ul><li>wraps onto two lines </li>\n<li>next</li></ul>\n"),
    ("* parent\n    * child\n* sibling\n\n",
     "<ul><li>parent  </li>\n<li>child </li>\n<li>sibling</li></ul>\n"),
    ("Text\n - dash under text\n\n", "<p>Text  - dash under text</p>\n"),
    ("1. first\n2. second\n\n", "<p>1. first 2. second</p>\n"),
    ("Steps:\n1. mix\n2. bake\n\n", "<p>Steps: 1. mix 2. bake</p>\n"),
    # a bullet written straight under a paragraph line is not a list: the stars pair up
    ("Options:\n* **fast**: quick\n* **slow**: careful\n\n",
     "<p>Options: <em> <strong>fast</strong>: quick </em> <strong>slow</strong>: careful</p>\n"),
    ("a * b * c\n\n", "<p>a * b * c</p>\n"),
]

INLINE = [
    ("*soft* and **bold** and ***both***\n",
     "<p><em>soft</em> and <strong>bold</strong> and <strong><em>both</em></strong> </p>\n"),
    ("snake_case_name stays, _this_ leans\n", "<p>snake_case_name stays, <em>this</em> leans </p>\n"),
    ("See [the guide](guide.html#part)\n", '<p>See <a href="guide.html#part">the guide</a> </p>\n'),
    ('[title](a.html "Hover")\n', '<p><a href="a.html" title="Hover">title</a> </p>\n'),
    ("Escaped \\*star\\* stays\n", "<p>Escaped *star* stays </p>\n"),
]

MASKING = [
    ("Let $x_1$ and `y` be\n", f"<p>Let {P(0)} and {P(1)} be </p>\n"),
    ("Twice $a$ then $a$\n", f"<p>Twice {P(0)} then {P(1)} </p>\n"),
    ("${\\lVert s \\rVert}^2$\n", f"<p>{P(0)} </p>\n"),
    ("Sum is\n$$\\sum_i x_i$$\nso\n", f"<p>Sum is {P(0)} so </p>\n"),
    ("\n$$a +\n b$$\n\n", f"<p> {P(0)}</p>\n"),
    ("Before\n\n\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}\n\nAfter\n\n",
     f"<p>Before</p>\n{P(0)}<p>After</p>\n"),
    ("Calculate\n\n\\begin{align}\nx &= 1\n\\end{align}\n", f"<p>Calculate</p>\n{P(0)}<p> </p>\n"),
    ("\n#### Heading $h$\n\n\\begin{align}\nh\n\\end{align}\n\n", f"<h4>Heading {P(0)}</h4>\n{P(1)}"),
    ("Run it with,\n\n```python\nmodel(x)\n```\n\nthen stop.\n\n",
     f"<p>Run it with,</p>\n{P(0)}<p>then stop.</p>\n"),
    ("[![Badge](badge.svg)](https://example.org/run)\n",
     f'<p><a href="https://example.org/run">{P(0)}</a> </p>\n'),
    ("A picture ![a cat, sitting](cat.png) here\n", f"<p>A picture {P(0)} here </p>\n"),
    # (Markdown does not unescape "\$", so the backslash stays, as in the corpus renderer)
    ("Code `cost $5` is not math, nor is \\$3\n", f"<p>Code {P(0)} is not math, nor is \\$3 </p>\n"),
    ("A `$` sign then $z$\n", f"<p>A {P(0)} sign then {P(1)} </p>\n"),
    ("Math $a_*b_*$ keeps its stars\n", f"<p>Math {P(0)} keeps its stars </p>\n"),
]

FIELDS = [
    ("\n:param size: is the width\n:param depth: is the height\n\n",
     f"<ul><li>{P(0)}  is the width </li>\n<li>{P(1)}  is the height</li></ul>\n"),
    ("\n:param size: is the width,\n    measured in cells\n\n",
     f"<ul><li>{P(0)}  is the width,  measured in cells</li></ul>\n"),
    ("\n### Load it\n\n:return: the loaded thing\n\n",
     "<h3>Load it</h3>\n<ul><p><em>Returns</em>  the loaded thing</p></ul>\n"),
    ("\n:param name: which one\n:return: its value\n\n",
     f"<ul><li>{P(0)}  which one </li>\n<p><em>Returns</em>  its value</p></ul>\n"),
    ("\n:max_size: is not a field we know\n\n", "<p> :max_size: is not a field we know</p>\n"),
]


# Docstrings as people write them outside this corpus: each row changes no corpus key.
DOCSTRING_STYLE = [
    # dunder names and code-like stars stay literal ...
    ("Use __new__ not __init__.\n", "<p>Use __new__ not __init__. </p>\n"),
    ("obj.__class__.__name__ and __init__() and **__init__**\n",
     "<p>obj.__class__.__name__ and __init__() and <strong>__init__</strong> </p>\n"),
    ("heap a[2*k+1] and a[2*k+2], x**2 or 2*n\n", "<p>heap a[2*k+1] and a[2*k+2], x**2 or 2*n </p>\n"),
    ("f(x)*g(x) then *n*th\n", "<p>f(x)*g(x) then <em>n</em>th </p>\n"),
    # ... while emphasis written as emphasis is still emphasis
    ("*soft* **bold** __strong words__ _lean_\n",
     "<p><em>soft</em> <strong>bold</strong> <strong>strong words</strong> <em>lean</em> </p>\n"),
    # <...> that is not HTML is text; HTML stays HTML
    ("Jeffrey Yasskin <jyasskin at gmail.com>\n", "<p>Jeffrey Yasskin &lt;jyasskin at gmail.com&gt; </p>\n"),
    ("File <stdin>, line 1, in <module>; List<int>\n",
     "<p>File &lt;stdin&gt;, line 1, in &lt;module&gt;; List&lt;int&gt; </p>\n"),
    ("<b at example.org> is an address, <b>this</b> is bold\n",
     "<p>&lt;b at example.org&gt; is an address, <b>this</b> is bold </p>\n"),
    ('Kept: <a id="x"></a><sup>2</sup><br><!-- note --><my-widget></my-widget>\n',
     '<p>Kept: <a id="x"></a><sup>2</sup><br><!-- note --><my-widget></my-widget> </p>\n'),
    # doctest blocks: one code placeholder each, from the prompt to the next blank line
    ("\nExample:\n\n>>> f(1)\n2\n\nDone.\n\n", f"<p> Example:</p>\n{P(0)}<p>Done.</p>\n"),
    ("\nFor example:\n    >>> total([1, 2])\n    3\nand so on.\n\n", f"<p> For example:</p>\n{P(0)}"),
    (">>> x = 1\n", f"{P(0)}<p> </p>\n"),
    # not doctests: a prompt inside a line, inside a code span, or in a fence
    ("Type >>> at the prompt, or `>>> 1`\n", f"<p>Type &gt;&gt;&gt; at the prompt, or {P(0)} </p>\n"),
]


@pytest.mark.parametrize("source, expected", DOCSTRING_STYLE)
def test_docstrings_as_people_write_them(source, expected):
    assert_key(source, expected)


def test_a_doctest_block_is_python_console_code_without_its_indentation():
    masked = render_notes("\nExample:\n    >>> for i in range(2):\n    ...     print(i, '$x$')\n    0 $x$\n"
                          "    1 $x$\n\nAfter $y$.\n\n")
    assert masked.html == f"<p> Example:</p>\n{P(0)}<p>After {P(1)}.</p>\n"
    doctest, math = masked.originals
    assert (doctest.kind, doctest.language) == (ProtectedKind.CODE_BLOCK, "pycon")
    assert doctest.source == ">>> for i in range(2):\n...     print(i, '$x$')\n0 $x$\n1 $x$"
    assert (math.kind, math.source) == (ProtectedKind.INLINE_MATH, "y")


def test_a_fence_holding_prompts_stays_one_fenced_block():
    masked = render_notes("```python\n>>> 1 + 1\n2\n```\n")
    assert [(o.language, o.source) for o in masked.originals] == [("python", ">>> 1 + 1\n2")]


def test_a_docstring_doctest_shows_as_highlighted_python_on_the_page(tmp_path):
    (tmp_path / "mod.py").write_text('def f(n):\n    """\n    Twice n, see __init__.\n\n'
                                     '    >>> f(2)\n    4\n    """\n    return 2 * n\n', encoding="utf-8")
    source = parse_file(tmp_path / "mod.py", tmp_path)
    results = [UnitResult(unit, UnitState.MISSING) for unit in split_units(source)]
    notes = "".join(section.notes_html for section in build_page(source, results, "en").sections)
    assert '<pre class="sb-hl"><code class="language-pycon"><span class="gp">&gt;&gt;&gt; </span>' in notes
    assert "<blockquote>" not in notes and "Twice n, see __init__." in notes


@pytest.mark.parametrize("source, expected", ESCAPING + SPACING + EDGES)
def test_text_escaping_spacing_and_edge_spaces(source, expected):
    assert_key(source, expected)


@pytest.mark.parametrize("source, expected", BLOCKS + INLINE)
def test_blocks_and_inline_markup(source, expected):
    assert_key(source, expected)


@pytest.mark.parametrize("source, expected", MASKING)
def test_masked_content_becomes_numbered_placeholders(source, expected):
    assert_key(source, expected)


@pytest.mark.parametrize("source, expected", FIELDS)
def test_docstring_fields_become_list_items(source, expected):
    assert_key(source, expected)


def test_originals_are_kept_in_placeholder_order():
    masked = render_notes("Use `f(x)` on $x^2$:\n\n```python\nprint(1)\n```\n\n"
                          "![plot](plot.png)\n\n$$y$$\n\n\\begin{align}\nz\n\\end{align}\n\n")
    kinds = [(o.kind, o.source) for o in masked.originals]
    assert kinds == [
        (ProtectedKind.CODE_SPAN, "f(x)"),
        (ProtectedKind.INLINE_MATH, "x^2"),
        (ProtectedKind.CODE_BLOCK, "print(1)"),
        (ProtectedKind.IMAGE, "![plot](plot.png)"),
        (ProtectedKind.DISPLAY_MATH, "y"),
        (ProtectedKind.DISPLAY_MATH, "\\begin{align}\nz\n\\end{align}"),
    ]
    assert masked.originals[2].language == "python"
    assert (masked.originals[3].alt, masked.originals[3].url) == ("plot", "plot.png")


def test_code_keeps_its_indentation_and_special_characters_in_the_original():
    masked = render_notes("```\nif a < b:\n    x  =  1\n```\n\nand `a && b`\n")
    assert masked.originals[0].source == "if a < b:\n    x  =  1"
    assert masked.originals[1].source == "a && b"


def test_the_renderer_starts_afresh_for_every_call():
    first = render_notes("$a$ `b`\n")
    render_notes("```\nleft over?\n```\n")
    assert render_notes("$a$ `b`\n") == first
    assert first.html == f"<p>{P(0)} {P(1)} </p>\n"


def test_blocks_number_their_placeholders_from_zero_and_join_into_the_whole_key():
    rendered = render_blocks("\n## Part $p$\n\nText $q$ and `r`\n\n\\begin{align}\ns\n\\end{align}\n\n")
    assert [b.html for b in rendered.blocks] == [
        f"<h2>Part {P(0)}</h2>\n", f"<p>Text {P(0)} and {P(1)}</p>\n", P(0)]
    assert rendered.whole.html == f"<h2>Part {P(0)}</h2>\n<p>Text {P(1)} and {P(2)}</p>\n{P(3)}"
    assert [len(b.originals) for b in rendered.blocks] == [1, 2, 1]


def _golden_cases() -> list[Path]:
    return sorted(DATA.glob("*.md"))


@pytest.mark.parametrize("case", _golden_cases(), ids=lambda p: p.stem)
def test_golden_notes(case):
    """``tests/data/notes/<name>.md`` renders to ``<name>.html`` (files end without newline)."""
    source = case.read_text(encoding="utf-8")
    expected = case.with_suffix(".html").read_text(encoding="utf-8")
    assert_key(source, expected)

r"""mathml.render_math: LaTeX -> MathML that MathML Core (Chromium) draws as LaTeX would."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.render.mathml import render_math

NS = "{http://www.w3.org/1998/Math/MathML}"


def tree(latex: str, *, display: bool = False) -> ET.Element:
    """Render and parse; rendering must succeed and give well-formed XML."""
    result = render_math(latex, display=display)
    assert result.error == "", result.error
    return ET.fromstring(result.html)


def find_all(root: ET.Element, tag: str) -> list[ET.Element]:
    return list(root.iter(NS + tag))


def identifiers(latex: str) -> list[str]:
    return [el.text or "" for el in find_all(tree(latex), "mi")]


# --- letters and fonts ------------------------------------------------------------------------

@pytest.mark.parametrize(("latex", "expected"), [
    (r"\mathbf{s}", "\U0001d42c"),            # MATHEMATICAL BOLD SMALL S
    (r"\mathbf{W}", "\U0001d416"),            # MATHEMATICAL BOLD CAPITAL W
    (r"\boldsymbol{\theta}", "\U0001d73d"),   # MATHEMATICAL BOLD ITALIC SMALL THETA
    (r"\boldsymbol{x}", "\U0001d499"),        # bold italic: \boldsymbol keeps the italic shape
    (r"\pmb{x}", "\U0001d499"),
    (r"\mathcal{L}", "\u2112"),               # SCRIPT CAPITAL L (a Letterlike hole in the block)
    (r"\mathcal{N}", "\U0001d4a9"),           # MATHEMATICAL SCRIPT CAPITAL N
    (r"\mathbb{R}", "\u211d"),
    (r"\mathbb{E}", "\U0001d53c"),
    (r"\mathit{h}", "\u210e"),                # PLANCK CONSTANT stands for italic h
])
def test_font_commands_become_unicode_mathematical_letters(latex, expected):
    assert identifiers(latex) == [expected]
    assert "mathvariant" not in render_math(latex, display=False).html


def test_bold_digit_and_bold_accented_letter():
    root = tree(r"\mathbf{0} + \mathbf{\hat{x}}")
    assert [el.text for el in find_all(root, "mn")] == ["\U0001d7ce"]
    assert "\U0001d431" in identifiers(r"\mathbf{\hat{x}}")


def test_mathrm_letter_stays_upright_through_the_one_variant_core_honours():
    root = tree(r"\mathrm{d}x")
    first = find_all(root, "mi")[0]
    assert (first.text, first.get("mathvariant")) == ("d", "normal")


def test_mathrm_word_is_one_upright_identifier():
    assert identifiers(r"\mathrm{softmax}(x)") == ["softmax", "x"]


def test_text_bold_is_styled_text_not_math_letters():
    mtext = find_all(tree(r"\textbf{if } x"), "mtext")[0]
    assert mtext.text == "if\u00a0"
    assert mtext.get("style") == "font-weight:bold"


def test_text_resolves_escapes_and_drops_size_commands():
    texts = [el.text for el in find_all(tree(r"\text{\small a \& b\_c}"), "mtext")]
    assert texts == ["a\u00a0&\u00a0b_c"]


# --- multi-line environments ----------------------------------------------------------------

def column_aligns(table: ET.Element) -> list[list[str | None]]:
    return [[cell.get("columnalign") for cell in row] for row in table.iter(NS + "mtr")]


def test_align_is_a_table_of_right_left_column_pairs_without_equation_numbers():
    root = tree(r"\begin{align} a &= b \\ c + d &= e & f &= g \end{align}", display=True)
    (table,) = find_all(root, "mtable")
    assert table.get("class") == "align"
    assert table.get("displaystyle") == "true"
    assert column_aligns(table) == [["right", "left"], ["right", "left", "right", "left"]]
    assert not [t for t in find_all(root, "mtext") if (t.text or "").startswith("(")]


@pytest.mark.parametrize("env", ["align*", "aligned", "split"])
def test_align_family_gives_the_same_layout(env):
    (table,) = find_all(tree(rf"\begin{{{env}}} a &= b \\ &= c \end{{{env}}}", display=True), "mtable")
    assert table.get("class") == "align"
    assert column_aligns(table) == [["right", "left"], ["right", "left"]]


def test_bare_line_breaks_become_centred_rows():
    root = tree(r"a = 1 \\ b = \frac{2}{3}", display=True)
    (table,) = find_all(root, "mtable")
    assert table.get("class") == "gather"
    assert len(find_all(table, "mtr")) == 2
    assert not [el for el in root.iter() if el.get("linebreak")]


def test_gather_rows_are_display_style():
    (table,) = find_all(tree(r"\begin{gather} x \\ y \end{gather}", display=True), "mtable")
    assert (table.get("class"), table.get("displaystyle"), len(table)) == ("gather", "true", 2)


def test_cases_cells_are_left_aligned_after_a_brace():
    root = tree(r"f(x) = \begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}")
    (table,) = find_all(root, "mtable")
    assert column_aligns(table) == [["left", "left"], ["left", "left"]]
    assert "{" in [el.text for el in find_all(root, "mo")]


@pytest.mark.parametrize(("env", "left", "right"), [("pmatrix", "(", ")"), ("bmatrix", "[", "]")])
def test_matrices_are_tables_between_their_delimiters(env, left, right):
    root = tree(rf"\begin{{{env}}} a & b \\ c & d \end{{{env}}}")
    (table,) = find_all(root, "mtable")
    assert [len(row) for row in table] == [2, 2]
    operators = [el.text for el in find_all(root, "mo")]
    assert operators[0] == left and operators[-1] == right


# --- layout ---------------------------------------------------------------------------------

def test_fraction_has_numerator_and_denominator():
    (frac,) = find_all(tree(r"\frac{a+b}{c}"), "mfrac")
    assert len(frac) == 2
    assert [el.text for el in frac[1].iter(NS + "mi")] == ["c"]


def test_sum_with_limits_in_display_puts_them_under_and_over():
    (op,) = find_all(tree(r"\sum_{i=1}^{N} x_i", display=True), "munderover")
    assert op[0].text == "\u2211" and op[0].get("movablelimits") == "true"


@pytest.mark.parametrize("latex", [r"\max_{x} f", r"\prod_i p_i", r"\mathop{\mathbb{E}}_{x \sim p} f"])
def test_operator_limits_go_under_with_movablelimits(latex):
    # munder + movablelimits: a limit in display style, a subscript in inline math
    (under,) = find_all(tree(latex, display=True), "munder")
    assert under[0].tag == NS + "mo" and under[0].get("movablelimits") == "true"
    assert len(under[0]) == 0  # an <mo> holds text only


def test_mathop_keeps_its_letter_font():
    (under,) = find_all(tree(r"\mathop{\mathbb{E}}_{x}"), "munder")
    assert under[0].text == "\U0001d53c"


def test_integral_keeps_scripts_beside():
    root = tree(r"\int_0^1 f", display=True)
    assert find_all(root, "msubsup") and not find_all(root, "munderover")


def test_operator_name_gets_a_thin_space_before_an_argument_but_not_before_a_paren():
    spaced = tree(r"\log x")
    assert [el.tag for el in spaced[0]] == [NS + "mi", NS + "mspace", NS + "mi"]
    tight = tree(r"\log(x)")
    assert not find_all(tight, "mspace")


def test_operatorname_is_an_upright_name():
    assert identifiers(r"\operatorname{softmax} z")[0] == "softmax"


@pytest.mark.parametrize(("latex", "accent"), [(r"\hat{x}", "\u02c6"), (r"\tilde{x}", "\u02dc"),
                                                 (r"\bar{x}", "\u00af")])
def test_accents_are_marked_and_not_stretched(latex, accent):
    (over,) = find_all(tree(latex), "mover")
    assert over.get("accent") == "true"
    assert (over[1].text, over[1].get("stretchy")) == (accent, "false")


def test_norm_bars_are_operators_without_operator_spacing():
    root = tree(r"\lVert x \rVert + \Vert y \Vert + \big\Vert z \big\Vert")
    bars = [el for el in find_all(root, "mo") if el.text == "\u2016"]
    assert len(bars) == 6
    assert all(el.get("lspace") == "0" for el in bars)


def test_the_source_is_kept_as_alttext_on_one_line():
    html = render_math("a +\n  b", display=True).html
    assert html.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block" alttext="a + b">')


def test_colour_is_dropped_but_content_kept():
    html = render_math(r"\textcolor{lightgreen}{\epsilon_\theta} + \color{red} y", display=False).html
    html = html[html.index(">"):]  # the MathML, without the source kept in alttext
    assert "mathcolor" not in html and "lightgreen" not in html
    assert "\u03b8" in html and ">y<" in html


@pytest.mark.parametrize("display", [True, False])
def test_display_attribute_follows_the_mode(display):
    assert tree("x", display=display).get("display") == ("block" if display else "inline")


@pytest.mark.parametrize("latex", [
    r"\lVert s \rVert", r"\Vert x \Vert", r"\hat{x}", r"\tilde{y}", r"\bar\alpha",
    r"\underset{x}{\max}", r"\overset{\text{def}}{=}", r"\frac{a}{b}", r"\sqrt{x}", r"\sqrt[3]{x}",
    r"\sum_{i}^{n}", r"\prod_i", r"\log x", r"\max_x", r"\mathop{\mathbb{E}}_x", r"\left( x \right)",
    r"\big( x \big)", r"\Big[ x \Big]", r"\bigg\lfloor x \bigg\rfloor", r"\color{red} x",
    r"\displaystyle \sum", r"\pmb{x}", r"a \cdot b \odot c", r"W^\top", r"a \quad b \; c \! d \, e",
    r"\operatorname{softmax}(x)", r"\arg\max_x", r"\text{a b}", r"\{ 1, 2 \}", r"\langle a, b \rangle",
    r"x \sim \mathcal{N}(0, I)", r"\epsilon \leftarrow \nabla_\theta \mathcal{L}", r"\infty \le \ge \approx",
])
def test_constructs_the_corpus_uses_convert_without_unknown_macros(latex):
    html = render_math(latex, display=False).html
    assert "math-unknown" not in html and "math-error" not in html
    assert "\\" not in "".join(ET.fromstring(html).itertext())


def test_braced_comma_is_ordinary_as_in_tex():
    (comma,) = [el for el in find_all(tree(r"1{,}474"), "mo") if el.text == ","]
    assert (comma.get("lspace"), comma.get("rspace")) == ("0", "0")
    (plain,) = [el for el in find_all(tree(r"1, 474"), "mo") if el.text == ","]
    assert plain.get("rspace") is None


# --- failures ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("latex", "why"), [
    (r"\frac{", "unbalanced braces"),
    (r"a}b", "unbalanced braces"),
    (r"\frac{a}", "denominator"),
    (r"\left( x", "\\left"),
    (r"\begin{align} a &= b", "\\begin{align}"),
    (r"x^1^2", "double superscript"),
])
def test_unconvertible_math_gives_a_marked_box_with_the_reason(latex, why):
    result = render_math(latex, display=False)
    assert why in result.error
    assert result.html.startswith('<code class="math-error"')
    assert "math error: " in result.html


def test_error_box_shows_the_escaped_latex_with_its_delimiters():
    result = render_math(r"\frac{<script>", display=True)
    assert "<script>" not in result.html
    assert "$$\\frac{&lt;script&gt;$$" in result.html
    assert 'class="math-error math-display"' in result.html


def test_unknown_macro_renders_as_marked_text_not_an_error():
    result = render_math(r"\foo + 1", display=False)
    assert result.error == ""
    (unknown,) = find_all(ET.fromstring(result.html), "mtext")
    assert (unknown.text, unknown.get("class")) == ("\\foo", "math-unknown")


def test_text_cannot_inject_markup():
    result = render_math(r"\text{<img src=x onerror=alert(1)>} x", display=False)
    root = ET.fromstring(result.html)  # would fail to parse if markup leaked
    assert not [el for el in root.iter() if "img" in el.tag]
    assert "<img" not in result.html


def test_results_are_cached():
    assert render_math(r"\frac{1}{2}", display=True) is render_math(r"\frac{1}{2}", display=True)


_PIECES = [*"\\{}^_&$%#ab1 ()[]|", r"\frac", r"\left", r"\right", r"\begin{align}", r"\end{align}",
           r"\text{", r"\\", r"\sum", r"\mathbf", r"\hat"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
def test_never_raises_and_always_gives_math_or_an_error_box(latex):
    result = render_math(latex, display=False)
    if result.error:
        assert result.html.startswith('<code class="math-error"')
    else:
        assert ET.fromstring(result.html).tag == NS + "math"


# --- in Chromium --------------------------------------------------------------------------------

ASSETS = Path(__file__).resolve().parent.parent / "site_builder" / "assets"


def test_math_css_loads_the_shipped_woff2_font():
    css = (ASSETS / "math.css").read_text(encoding="utf-8")
    font = ASSETS / "fonts" / "STIXTwoMath-Regular.woff2"
    assert 'url("fonts/STIXTwoMath-Regular.woff2")' in css
    assert font.read_bytes()[:4] == b"wOF2"
    assert "Open Font License" in (ASSETS / "fonts" / "OFL.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def chromium_page(tmp_path_factory):
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = Path("/usr/bin/chromium")
    if not executable.exists():
        pytest.skip("Debian's chromium is not installed")
    folder = tmp_path_factory.mktemp("math")
    shutil.copytree(ASSETS, folder / "assets")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable),
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()

        def show(body: str):
            target = folder / "page.html"
            target.write_text('<!doctype html><meta charset="utf-8"><link rel="stylesheet" '
                              f'href="assets/math.css"><body>{body}</body>', encoding="utf-8")
            page.goto(target.as_uri())
            page.evaluate("document.fonts.ready")
            return page
        yield show
        browser.close()


_EQUALS_LEFT_EDGES = """() => [...document.querySelectorAll('mtd > mo')].filter(e => e.textContent === '=')
    .map(e => Math.round(e.getBoundingClientRect().left))"""
_CELL_CONTENT_RIGHT_EDGES = """() => [...document.querySelectorAll('mtr')].map(r => r.firstElementChild)
    .map(td => Math.round(Math.max(...[...td.children].map(c => c.getBoundingClientRect().right))))"""


@pytest.mark.browser
def test_align_columns_line_up_in_chromium(chromium_page):
    latex = r"\begin{align} a &= \frac{1}{2} \\ b + c + d &= \sum_{i=1}^{N} x_i + y \end{align}"
    page = chromium_page(render_math(latex, display=True).html)
    equals = page.evaluate(_EQUALS_LEFT_EDGES)
    assert len(equals) == 2 and equals[0] == equals[1]  # the left column is flush left
    rights = page.evaluate(_CELL_CONTENT_RIGHT_EDGES)
    assert abs(rights[0] - rights[1]) <= 1  # the right column is flush right
    assert page.evaluate("""() => document.fonts.check('16px "STIX Two Math"')""")

"""highlight: one Pygments pass per file, cut back into sections with real line numbers."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_builder.model import CodeLine, FrontMatter, Section, SectionKind, SourceFile, SourceKind
from site_builder.render.highlight import (
    DARK_SCOPE,
    MIN_CONTRAST,
    contrast_ratio,
    highlight_code,
    highlight_inline,
    highlight_sections,
    pygments_css,
)

ASSETS = Path(__file__).resolve().parent.parent / "site_builder" / "assets"

SOURCE = '''import torch

# Squash
def squash(s):
    """Shrink s."""
    text = """one
# not a comment
two"""
    # Return it
    return s * 2  # inline
'''


def source_file(text: str, spans: list[tuple[int, int]], kind: SourceKind = SourceKind.PYTHON) -> SourceFile:
    """A SourceFile whose sections hold the given inclusive line ranges of ``text``."""
    lines = text.splitlines()
    sections = tuple(
        Section(SectionKind.COMMENT, "", tuple(CodeLine(n, lines[n - 1]) for n in range(a, b + 1)), a)
        if a else Section(SectionKind.DOCSTRING, "doc", (), 1)
        for a, b in spans)
    return SourceFile("mod", Path("mod.py"), kind, FrontMatter("mod"), sections)


class _Text(HTMLParser):
    """Collects what a reader selects and copies: text, without generated line numbers."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.numbers: list[int] = []

    def handle_starttag(self, tag, attrs):
        if dict(attrs).get("class") == "ln":
            self.numbers.append(int(dict(attrs)["data-line"]))

    def handle_data(self, data):
        self.text.append(data)


def copied(fragment: str) -> _Text:
    parser = _Text()
    parser.feed(fragment)
    return parser


def test_each_section_keeps_its_real_line_numbers():
    html = highlight_sections(source_file(SOURCE, [(1, 2), (4, 4), (0, 0), (6, 8), (10, 10)]))
    assert [copied(part).numbers for part in html] == [[1, 2], [4], [], [6, 7, 8], [10]]


def test_section_without_code_gives_empty_html():
    assert highlight_sections(source_file(SOURCE, [(0, 0)]))[0] == ""


def test_copied_text_is_exactly_the_code_without_numbers():
    html = highlight_sections(source_file(SOURCE, [(6, 8), (10, 10)]))
    assert "".join(copied(html[0]).text) == "\n".join(SOURCE.splitlines()[5:8])
    assert "".join(copied(html[1]).text) == "    return s * 2  # inline"


def test_string_spanning_lines_and_sections_lexes_as_one_string():
    # Lexed per section, '# not a comment' would be a comment; lexed with its file it is string.
    html = highlight_sections(source_file(SOURCE, [(6, 6), (7, 8)]))
    assert '<span class="c1"># not a comment' not in html[1]
    assert re.search(r'<span class="s2"># not a comment</span>', html[1])


def test_whole_file_is_lexed_once_so_later_sections_see_earlier_context():
    text = 'x = (1,\n# note\n     2)\n'
    html = highlight_sections(source_file(text, [(1, 1), (3, 3)]))
    assert '<span class="mi">2</span>' in html[1]


def test_line_number_gutter_is_generated_content_that_is_not_selectable():
    css = pygments_css()
    assert re.search(r"span\.ln::before \{ content: attr\(data-line\); \}", css)
    assert "user-select: none" in css


def test_gutter_width_fits_the_largest_line_number_of_the_file():
    text = "\n" * 120 + "x = 1\n"
    (html,) = highlight_sections(source_file(text, [(121, 121)]))
    assert "sb-lnw-3" in html and "style=" not in html  # a class: the CSP allows no inline style


def test_markup_in_code_is_escaped():
    text = 'html = "<script>alert(1)</script>" & x\n'
    (html,) = highlight_sections(source_file(text, [(1, 1)]))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html


def test_markdown_pages_have_no_code():
    page = SourceFile("readme", Path("readme.md"), SourceKind.MARKDOWN, FrontMatter("r"),
                      (Section(SectionKind.MARKDOWN, "# Hi", (), 1),))
    assert highlight_sections(page) == ("",)


def test_fenced_code_is_highlighted_by_its_language():
    html = highlight_code("def f(x):\n    return x\n", "python")
    assert html.startswith('<pre class="sb-hl"><code class="language-python">')
    assert '<span class="k">def</span>' in html
    assert "".join(copied(html).text) == "def f(x):\n    return x"


def test_fenced_code_in_an_unknown_language_is_plain_escaped_text():
    html = highlight_code("a < b", "no-such-language")
    assert "a &lt; b" in html and "<span" not in html


def test_inline_code_is_python_highlighted_without_pre():
    html = highlight_inline("x.view(-1, d_model)")
    assert html.startswith('<code class="sb-hl sb-inline">') and "<pre" not in html
    assert "".join(copied(html).text) == "x.view(-1, d_model)"
    assert '<span class="mi">1</span>' in html


def test_dark_scheme_overrides_every_token_rule_of_the_light_one():
    css = pygments_css()
    light = set(re.findall(r"^\.sb-hl \.(\w+) \{", css, re.M))
    assert light, "the light style defines token rules"
    assert '[data-md-color-scheme="slate"] .sb-hl span {' in css  # resets what dark leaves unset
    assert re.search(r'^\[data-md-color-scheme="slate"\] \.sb-hl \.k \{', css, re.M)


def test_every_code_colour_is_readable_on_its_background_in_both_palettes():
    css = pygments_css()
    backgrounds = dict(re.findall(r"^(.*?\.sb-hl) \{ --sb-hl-bg: (#\w+);", css, re.M))
    assert set(backgrounds) == {".sb-hl", f"{DARK_SCOPE} .sb-hl"}
    checked = 0
    for scope, rule in re.findall(r"^(.*?\.sb-hl) (?:span)?[.\w]* ?\{([^}]*)\}", css, re.M):
        for colour in re.findall(r"(?<![-\w])color: (#[0-9A-Fa-f]+)", rule):
            own = re.search(r"background-color: (#[0-9A-Fa-f]+)", rule)
            background = own.group(1) if own else backgrounds[scope]
            assert contrast_ratio(colour, background) >= MIN_CONTRAST, (scope, rule)
            checked += 1
    assert checked > 60  # token colours of both styles, and the line numbers of each palette


def test_contrast_ratio_follows_wcag():
    assert round(contrast_ratio("#000", "#fff"), 1) == 21.0
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54
    assert contrast_ratio("#abc", "#abc") == 1.0


def test_shipped_stylesheet_is_the_generated_one():
    shipped = (ASSETS / "pygments.css").read_text(encoding="utf-8")
    assert shipped == pygments_css(), "run: python tools/make_pygments_css.py"


@pytest.mark.parametrize("code", ["--data-dir", "-n", "capsnet-train --out runs/capsnet", "site-builder build",
                                  "--dataset mnist --data-dir DIR", "runs/capsnet/checkpoint.pt", "model.py",
                                  "pip install -e .", "$ ls"])
def test_inline_shell_flags_commands_and_paths_are_not_coloured_as_python(code):
    rendered = highlight_inline(code)
    assert "<span" not in rendered
    assert html.unescape(re.sub(r"<[^>]+>", "", rendered)) == code


@pytest.mark.parametrize("code", ["len(x)", "u_hat.shape", "x - y", "[batch, n_out]", "f(x, -1)"])
def test_inline_python_stays_coloured(code):
    assert "<span" in highlight_inline(code) or code == "x - y"

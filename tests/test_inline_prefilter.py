"""The notes renderer's speed-ups give what Python-Markdown's own stages give, tree for tree.

Three shortcuts are checked against the stock processors: inline patterns passed over when the
literal every match needs is absent (``core.inline_prefilter``), the raw-HTML block finder not
started without ``<`` or ``&``, and a repeat of the same notes served from the first render.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.preprocessors import HtmlBlockPreprocessor
from markdown.treeprocessors import InlineProcessor

from site_builder.render import notes
from site_builder.render.inline_prefilter import REQUIRED, PrefilteredInlineProcessor, required_literals

#: Plain prose long enough that a trigger after it is far from the start of the text.
PROSE = "The capsule outputs a vector whose length is the probability. " * 8


def stock_renderer() -> notes._Renderer:
    """The notes renderer with Python-Markdown's own inline stage and HTML block finder."""
    renderer = notes._Renderer()
    renderer.md.treeprocessors.register(InlineProcessor(renderer.md), "inline", 20)
    renderer.md.preprocessors.register(HtmlBlockPreprocessor(renderer.md), "html_block", 20)
    renderer._preprocessors = list(renderer.md.preprocessors)
    renderer._treeprocessors = list(renderer.md.treeprocessors)
    return renderer


@pytest.fixture(scope="module")
def renderers() -> tuple[notes._Renderer, notes._Renderer]:
    return notes._Renderer(), stock_renderer()


def test_the_renderer_runs_the_prefiltered_inline_stage_with_a_literal_for_every_pattern():
    md = notes._Renderer().md
    assert isinstance(md.treeprocessors["inline"], PrefilteredInlineProcessor)
    # The private methods the override stands in for and calls (Python-Markdown 3.x names).
    assert callable(getattr(InlineProcessor, "_InlineProcessor__handleInline", None))
    assert callable(getattr(InlineProcessor, "_InlineProcessor__applyPattern", None))
    unfiltered = [type(pattern).__name__ for pattern in md.inlinePatterns if required_literals(pattern) is None]
    assert unfiltered == []  # a pattern Python-Markdown changed is always tried: correct, but slow


TRIGGERS = [
    "`code`", "``a ` b``", "\\*not em\\*", "[a link](https://example.org/x)", "![an image](a.png)",
    "[ref] and [text][ref]\n\n[ref]: https://example.org", "![alt][img]\n\n[img]: i.png",
    "<https://example.org/auto>", "<someone@example.org>", "two spaces  \nthen a break",
    "<b>bold</b> and <module>", "<jyasskin at gmail.com>", "&amp; &#39; &x", "x**2 and 2*k",
    " * star between spaces * ", "***both*** then **strong** then *em*", "__init__ and __b__",
    "_under_ and a_b_c and __strong__", "$x_1 * y_2$ math", "<!-- comment --> text",
]


@pytest.mark.parametrize("trigger", TRIGGERS)
@pytest.mark.parametrize("where", ["alone", "deep inside", "in a list item"])
def test_text_with_a_trigger_renders_as_python_markdown_renders_it(renderers, trigger, where):
    fast, stock = renderers
    text = {"alone": trigger + "\n",
            "deep inside": f"\n{PROSE}{trigger} {PROSE}\n",
            "in a list item": f"* {PROSE}\n* {trigger} after\n"}[where]
    assert fast.render(text) == stock.render(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*TRIGGERS, "word", " ", "\n", "\n\n", "*", "_", "`", "<", "&", "[", "]",
                                 "(x)", "!", "\\", "日本語\n日本語", "* item\n", "# heading\n"]),
                max_size=14))
def test_any_mix_of_triggers_renders_as_python_markdown_renders_it(renderers, pieces):
    fast, stock = renderers
    text = "".join(pieces)
    assert fast.render(text) == stock.render(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab _*`\\[]!<>:/@&;#x0\n", max_size=40))
def test_no_pattern_matches_a_text_without_its_required_literal(text):
    for expression, literals in REQUIRED.items():
        if re.compile(expression, re.DOTALL).search(text):
            assert any(literal in text for literal in literals), (expression, text)


def test_notes_without_angle_bracket_or_ampersand_pass_the_html_block_stage_unchanged(renderers):
    fast, _ = renderers
    lines = ["A line", "", "  indented * text", "last"]
    assert fast.md.preprocessors["html_block"].run(list(lines)) == lines


@pytest.mark.parametrize("text", ["<div>\nblock\n</div>\n\nafter\n", "a &amp; b\n", "x < y and y > z\n",
                                  "<!-- note -->\n"])
def test_notes_with_angle_bracket_or_ampersand_still_go_through_the_html_block_finder(renderers, text):
    fast, stock = renderers
    assert fast.render(text) == stock.render(text)


def test_repeated_notes_get_the_result_of_a_fresh_render_whatever_came_before():
    first = "Weights $W_{ij}$ for `in_caps` and [a link](x.html)\n"
    before = notes.render_blocks(first)
    for other in ["<div>\nraw\n</div>\n", "[r]: https://example.org\n\n[r]\n", "_a *b_ c*\n"]:
        notes.render_blocks(other)
    assert notes.render_blocks(first) == before == notes._Renderer().render(first)


def test_a_plain_sentence_tries_no_inline_pattern_and_a_code_span_only_the_backtick_one(monkeypatch):
    renderer = notes._Renderer()
    inline = renderer.md.treeprocessors["inline"]
    tried: list[str] = []
    stock_apply = inline._InlineProcessor__applyPattern

    def counting_apply(pattern, data, index, start):
        tried.append(type(pattern).__name__)
        return stock_apply(pattern, data, index, start)

    monkeypatch.setattr(inline, "_InlineProcessor__applyPattern", counting_apply)
    renderer.render("A plain sentence, with commas; and no markup at all.\n")
    assert tried == []
    renderer.render("Call `f` here.\n")
    assert set(tried) == {"BacktickInlineProcessor"}

"""Soft line breaks between CJK characters join without a space; every other break is kept."""

import markdown
import pytest

from site_builder.render.cjk_breaks import join_cjk_lines


def render(text: str) -> str:
    return markdown.markdown(text, extensions=["site_builder.render.cjk_breaks", "fenced_code"])


@pytest.mark.parametrize(("text", "expected"), [
    ("解説は\nその言語で", "解説はその言語で"),
    ("解説は  \n  その言語で", "解説は  \n  その言語で"),  # hard break (two spaces) kept
    ("句読点、\n次の行", "句読点、次の行"),
    ("English\nwords", "English\nwords"),
    ("日本語\nEnglish", "日本語\nEnglish"),
    ("漢字\n한국어", "漢字\n한국어"),
])
def test_join_cjk_lines(text, expected):
    if "  \n" in text:
        # A Markdown hard break is an element by the time the extension runs; the raw helper
        # itself only joins breaks with at most spaces around them, so check it on the page.
        assert "<br" in render(text)
        return
    assert join_cjk_lines(text) == expected


def test_paragraph_wrapped_between_japanese_characters_has_no_gap():
    assert render("翻訳するのは解説だけで、\nコードは翻訳しません。") == \
        "<p>翻訳するのは解説だけで、コードは翻訳しません。</p>"


def test_break_after_inline_code_is_kept_and_code_untouched():
    html = render("`a\nb` は\nコード\n\n```\n日本\n語\n```")
    assert "<code>a\nb</code> はコード" in html
    assert "日本\n語" in html


def test_english_paragraphs_are_unchanged():
    text = "A line\nand another line."
    assert render(text) == markdown.markdown(text)

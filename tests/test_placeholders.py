"""core/placeholders.py: the placeholder grammar, its variants, restoring and showing originals."""

from __future__ import annotations

import pytest

from site_builder.model import Protected, ProtectedKind
from site_builder.render.notes import render_notes
from site_builder.render.placeholders import (
    PLACEHOLDER_TEMPLATE,
    canonical_numbers,
    describe_placeholder,
    find_placeholders,
    placeholder,
    recanonicalise,
    replace_canonical,
    restore_canonical,
    restore_placeholders,
    show_original,
)

RENDERED = ["<math>A</math>", "<code>b</code>"]


@pytest.mark.parametrize("text, expected", [
    ("<p>a <span translate=no>_^_0_^_</span> b <span translate=no>_^_1_^_</span></p>",
     "<p>a <math>A</math> b <code>b</code></p>"),
    ('<p><span translate="no">_^_1_^_</span></p>', "<p><code>b</code></p>"),
    ("<p><SPAN Translate = 'no' > _^_0_^_ </span>。</p>", "<p><math>A</math>。</p>"),
    ("<p>_%5e_0_%5e_ x</p>", "<p><math>A</math> x</p>"),                 # seen in the public zh cache
    ("<p>_%5E_1_%5E_</p>", "<p><code>b</code></p>"),
    ("<p>_^_0_^_ without span</p>", "<p><math>A</math> without span</p>"),
    ("<p>_ ^ _ 1 _ ^ _</p>", "<p><code>b</code></p>"),
    ("<p>＿＾＿１＿＾＿</p>", "<p><code>b</code></p>"),                  # full-width, from MT
    ("<p>&lt;span translate=no&gt;_^_0_^_&lt;/span&gt;</p>", "<p><math>A</math></p>"),
    ("<span translate=no>_^_0_^_</span><span translate=no>_^_0_^_</span>", "<math>A</math><math>A</math>"),
    ("<p>no placeholders</p>", "<p>no placeholders</p>"),
])
def test_restore_replaces_canonical_and_unambiguous_variants(text, expected):
    assert restore_placeholders(text, RENDERED) == expected


@pytest.mark.parametrize("text", [
    "<p><span translate=no>_^_2_^_</span></p>",          # index out of range
    "<p>_^_x_^_</p>",                                     # damaged marker
    "<p>_^_1 0_^_</p>",
    "<p><span translate=no>_^_0_^_</span> and _^__^_</p>",
])
def test_restore_returns_none_rather_than_show_a_raw_placeholder(text):
    assert restore_placeholders(text, RENDERED) is None


def test_restore_does_not_search_rendered_html_for_markers():
    assert restore_placeholders("<span translate=no>_^_0_^_</span>", ["<code>_^_9_^_</code>"]) == \
        "<code>_^_9_^_</code>"


def test_find_placeholders_lists_numbers_in_order_with_repeats():
    text = "<p>_%5e_2_%5e_ <span translate=no>_^_0_^_</span> <span translate=no>_^_2_^_</span></p>"
    assert find_placeholders(text) == [2, 0, 2]


def test_find_placeholders_of_plain_text_is_empty():
    assert find_placeholders("<p>x ^ y _ z</p>") == []


def test_the_key_renderer_writes_the_canonical_form():
    masked = render_notes("Scale $x$ by `eps`")
    assert masked.html == f"<p>Scale {placeholder(0)} by {placeholder(1)}</p>\n"
    assert placeholder(3) == PLACEHOLDER_TEMPLATE.format(3) == "<span translate=no>_^_3_^_</span>"


def test_canonical_numbers_ignore_variants():
    text = f"<p>{placeholder(1)} _%5e_0_%5e_ {placeholder(1)}</p>"
    assert canonical_numbers(text) == [1, 1] and find_placeholders(text) == [1, 0, 1]


def test_restore_canonical_leaves_out_of_range_placeholders_visible_for_the_caller_to_refuse():
    assert restore_canonical(f"<p>{placeholder(0)} {placeholder(5)}</p>", ["<b>A</b>"]) == \
        f"<p><b>A</b> {placeholder(5)}</p>"


def test_replace_canonical_renumbers_with_a_function():
    assert replace_canonical(f"{placeholder(0)}-{placeholder(2)}", lambda n: f"[{n + 1}]") == "[1]-[3]"


def test_a_serialisers_quoted_attribute_gets_the_canonical_spelling_back():
    assert recanonicalise('<p><span translate="no">_^_4_^_</span></p>') == f"<p>{placeholder(4)}</p>"
    assert recanonicalise('<span translate="no">text</span>') == '<span translate="no">text</span>'


@pytest.mark.parametrize("original, shown", [
    (Protected(ProtectedKind.INLINE_MATH, "W_{ij}"), "$W_{ij}$"),
    (Protected(ProtectedKind.DISPLAY_MATH, "a"), "$$a$$"),
    (Protected(ProtectedKind.CODE_SPAN, "b_ij"), "`b_ij`"),
    (Protected(ProtectedKind.IMAGE, "", alt="fig", url="f.png"), "![fig](f.png)"),
    (Protected(ProtectedKind.CODE_BLOCK, "x = 1", language="python"), "```python\nx = 1\n```"),
])
def test_show_original_gives_the_notes_as_written(original, shown):
    assert show_original(original) == shown


def test_describe_placeholder_is_short_and_names_the_original_when_known():
    originals = (Protected(ProtectedKind.INLINE_MATH, "W_{ij}"),
                 Protected(ProtectedKind.CODE_BLOCK, "x = 1\n" * 20),
                 Protected(ProtectedKind.INLINE_MATH, "\\sum_i " * 20),
                 Protected(ProtectedKind.IMAGE, "", alt="", url="f.png"))
    assert describe_placeholder(0, originals) == "_^_0_^_ ($W_{ij}$)"
    assert describe_placeholder(1, originals) == "_^_1_^_ (code block)"
    shortened = describe_placeholder(2, originals)
    assert shortened.endswith("...)") and len(shortened) == len("_^_2_^_ ()") + 40
    assert describe_placeholder(3, originals) == "_^_3_^_ (image f.png)"
    assert describe_placeholder(9, originals) == "_^_9_^_"


# --- the canonical-only fast path answers as the full scan does -----------------------------

FAST_PATH_TEXTS = [
    "<p>a <span translate=no>_^_0_^_</span> b <span translate=no>_^_1_^_</span></p>",
    "<span translate=no>_^_1_^_</span><span translate=no>_^_1_^_</span>", "no placeholders", "",
    "<span translate=no>_^_９_^_</span>", "<span translate=no>_^_7_^_</span>",
    "<span translate=no>_^_0_^_</span> n_iterations", "<span translate=no>_^_0_^_</span> _^_1_^_",
    "<span translate=no>_^_0_^_</span> ＿^＿1＿^＿", '<span translate="no">_^_0_^_</span>',
    "&lt;span translate=no&gt;<span translate=no>_^_0_^_</span>", "<span translate=no>_^_0_^_</span>_",
    "<SPAN translate=no>_^_0_^_</SPAN>", "<span translate=no> _^_0_^_ </span>", "_^_x_^_",
    "<span translate=no>_^_0_^_</span><span translate=no>_^_0_^_",
]


def _full_scan(text, rendered):
    from site_builder.render import placeholders

    found = [placeholders.number(m) for m in placeholders.ANY_FORM.finditer(text)]
    pieces, last = [], 0
    for match in placeholders.ANY_FORM.finditer(text):
        n = placeholders.number(match)
        if n >= len(rendered) or placeholders.REMNANT.search(text[last:match.start()]):
            return found, None
        pieces += (text[last:match.start()], rendered[n])
        last = match.end()
    tail = text[last:]
    return found, None if placeholders.REMNANT.search(tail) else "".join(pieces) + tail


@pytest.mark.parametrize("text", FAST_PATH_TEXTS)
def test_find_and_restore_answer_as_the_full_scan_does(text):
    rendered = ["<math>zero</math>", "<code>one</code>", "_^_2_^_ in code"]
    assert (find_placeholders(text), restore_placeholders(text, rendered)) == _full_scan(text, rendered)

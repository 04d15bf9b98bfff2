"""The editor's model: a key's HTML <-> blocks of text and protected tokens, and back byte for byte."""

from __future__ import annotations

import pytest

from site_builder.model import Severity
from site_builder.translators.checks import check_value
from site_builder.translators.workbench.segments import editor_model, join, skeleton, value_blocks

KEYS = [
    "<p>Iterate </p>\n",
    "<p> The shape of <span translate=no>_^_0_^_</span> is <span translate=no>_^_1_^_</span></p>\n",
    "<p>To calculate</p>\n<span translate=no>_^_0_^_</span><p> </p>\n",
    "<p>To calculate</p>\n<span translate=no>_^_0_^_</span>",
    "<ul><li>first </li>\n<li>last</li></ul>\n",
    '<p><a href="url"><span translate=no>_^_0_^_</span></a></p>\n',
    "<h2>Squash</h2>\n<p>This is <strong>squashing</strong> it doesn&#x27;t &lt; &quot;x&quot;</p>\n",
    "<p> </p>\n",
    '<p><a id="x"></a>Anchor and <em>stress</em><br>line</p>\n',
]


def _errors(key: str, value: str) -> list[str]:
    return [p.check for p in check_value(key, value) if p.severity is Severity.ERROR]


@pytest.mark.parametrize("key", KEYS)
def test_every_key_comes_back_byte_for_byte_from_its_blocks(key: str) -> None:
    blocks = value_blocks(key, key)
    assert blocks is not None
    assert join(key, [block["items"] for block in blocks]) == key


@pytest.mark.parametrize("key", KEYS)
def test_the_starting_structure_holds_every_token_and_no_text(key: str) -> None:
    model = editor_model(key, None)
    for block, source in zip(model["blocks"], model["source"], strict=True):
        assert all(isinstance(item, dict) for item in block["items"]) or block["fixed"]
        assert [i for i in source["items"] if isinstance(i, dict)] == [i for i in block["items"] if isinstance(i, dict)]


def test_plain_text_typed_into_a_paragraph_gives_a_value_check_accepts() -> None:
    key = "<p>Output projection </p>\n"
    value = join(key, [["出力の射影"]])
    assert value == "<p>出力の射影</p>\n"
    assert _errors(key, value) == []


def test_text_around_a_link_and_a_formula_keeps_the_address_and_the_placeholder() -> None:
    key = '<p>See <a href="https://example.org/a?b=1&amp;c=2"><span translate=no>_^_0_^_</span></a> here</p>\n'
    model = editor_model(key, None)
    tokens = model["blocks"][0]["items"]
    assert tokens[0]["href"] == "https://example.org/a?b=1&c=2"
    assert tokens[1]["number"] == 0
    value = join(key, [["ここで", *tokens, "を参照"]])
    assert value == ('<p>ここで<a href="https://example.org/a?b=1&amp;c=2"><span translate=no>_^_0_^_</span>'
                     '</a>を参照</p>\n')
    assert _errors(key, value) == []


def test_a_moved_token_stays_whole() -> None:
    key = "<p>This is <strong>squashing</strong></p>\n"
    value = join(key, [[{"html": "<strong>"}, "潰す", {"html": "</strong>"}, "ことです"]])
    assert value == "<p><strong>潰す</strong>ことです</p>\n"


def test_text_is_escaped_as_the_key_renderer_escapes_it() -> None:
    key = "<p>x</p>\n"
    assert join(key, [["a < b & 'c' \"d\""]]) == "<p>a &lt; b &amp; &#x27;c&#x27; &quot;d&quot;</p>\n"


def test_display_math_between_paragraphs_always_comes_from_the_key() -> None:
    key = "<p>To calculate</p>\n<span translate=no>_^_0_^_</span><p> </p>\n"
    assert [run.fixed for run in skeleton(key).runs] == [False, True, False]
    value = join(key, [["計算するには"], [], [" "]])  # the editor lost the fixed block: the key's is used
    assert value == "<p>計算するには</p>\n<span translate=no>_^_0_^_</span><p> </p>\n"
    assert _errors(key, value) == []


def test_list_items_are_blocks_and_their_frames_are_never_typed() -> None:
    key = "<ul><li>first </li>\n<li>last</li></ul>\n"
    assert join(key, [["最初"], ["最後"]]) == "<ul><li>最初</li>\n<li>最後</li></ul>\n"


def test_title_keys_are_plain_text_and_never_escaped() -> None:
    assert join("A & B", [["A & B の訳"]], plain=True) == "A & B の訳"
    assert editor_model("A & B", "A & B の訳", plain=True)["blocks"][0]["items"] == ["A & B の訳"]


@pytest.mark.parametrize("value", [
    "<p>訳</p>。\n",                    # text after the block: not the key's structure
    "<p>一</p>\n<p>二</p>\n",            # another number of blocks
    "<p>it's</p>\n",                     # would not come back byte for byte (the quote is escaped)
])
def test_a_value_the_blocks_cannot_hold_is_left_to_the_raw_view(value: str) -> None:
    assert value_blocks("<p>x</p>\n", value) is None


@pytest.mark.parametrize("item", [{"html": "<p>"}, {"html": "<a href=x>text"}, {"html": "text"}, 3, None])
def test_a_token_must_be_one_inline_tag_or_placeholder(item: object) -> None:
    with pytest.raises(ValueError):
        join("<p>x</p>\n", [["a", item]])


def test_the_number_of_blocks_must_be_the_keys() -> None:
    with pytest.raises(ValueError, match="1 block"):
        join("<p>x</p>\n", [["a"], ["b"]])

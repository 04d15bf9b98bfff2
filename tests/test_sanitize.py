"""sanitize.sanitize_html: untrusted translated HTML keeps only what notes keys use."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_builder.render.sanitize import ALLOWED_TAGS, sanitize_html

PAYLOADS_FILE = Path(__file__).parent / "data" / "xss_payloads.txt"
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_ESCAPES = {"\\t": "\t", "\\n": "\n", "\\r": "\r", "\\0": "\0"}


def load_payloads() -> list[str]:
    lines = PAYLOADS_FILE.read_text(encoding="utf-8").splitlines()
    payloads = [line for line in lines if line.strip() and not line.startswith("#")]
    return [re.sub(r"\\[tnr0]", lambda m: _ESCAPES[m.group()], p) for p in payloads]


PAYLOADS = load_payloads()
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background",
                  "poster", "lowsrc", "dynsrc", "srcdoc", "content", "codebase", "cite"}
DANGEROUS_TAGS = {"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
                  "meta", "base", "link", "form", "svg", "math", "template", "noscript"}


class _Collector(HTMLParser):
    """Every tag and attribute a browser would see, as html.parser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_comment(self, data):
        self.comments.append(data)


def parse(fragment: str) -> _Collector:
    collector = _Collector()
    collector.feed(fragment)
    collector.close()
    return collector


def url_scheme(value: str) -> str:
    """The scheme a browser would use, parsing as the WHATWG URL standard does.

    Entities are decoded, leading and trailing C0 controls and spaces are ignored, and tabs and
    newlines anywhere are removed; what is left has a scheme only if it starts with letters,
    digits, '+', '-' or '.' up to a ':' (otherwise it is a harmless relative URL).
    """
    decoded = re.sub(r"[\t\n\r]", "", html.unescape(value).strip(_C0_AND_SPACE))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", decoded)
    return match.group(1).lower() if match else ""


def assert_harmless(output: str) -> None:
    parsed = parse(output)
    for tag, attrs in parsed.tags:
        assert tag in ALLOWED_TAGS, f"tag <{tag}> left in {output!r}"
        assert tag not in DANGEROUS_TAGS
        for name, value in attrs:
            assert not name.startswith("on"), f"event attribute {name} left in {output!r}"
            assert name not in ("style", "srcdoc", "formaction"), f"{name} left in {output!r}"
            if name in URL_ATTRIBUTES and value is not None:
                assert url_scheme(value) in ("", "http", "https", "mailto"), f"{name}={value!r}"
    assert not parsed.comments


@pytest.mark.parametrize("unsafe", [
    '<a href="jav&#x09;ascript:alert(1)">x</a>', '<a href=" JAVASCRIPT:x">x</a>', '<img src="data:x">',
    '<p onclick="x">x</p>', '<p style="x">x</p>', '<iframe></iframe>', "<!-- c -->",
])
def test_the_checker_itself_rejects_unsafe_html(unsafe):
    with pytest.raises(AssertionError):
        assert_harmless(unsafe)


def test_corpus_has_at_least_fifty_payloads():
    assert len(PAYLOADS) >= 50


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_leaves_no_script_handler_dangerous_url_style_or_frame(payload):
    output = sanitize_html(payload)
    assert_harmless(output)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitising_twice_changes_nothing_more(payload):
    once = sanitize_html(payload)
    assert sanitize_html(once) == once


def test_script_content_is_dropped_not_shown():
    assert sanitize_html("<p>a<script>alert(1)</script>b</p>") == "<p>ab</p>"


@pytest.mark.parametrize("key", [
    "<p>Iterate </p>\n",
    "<h2>Squash</h2>\n<p>This is <strong>squashing</strong> and <em>this</em> <code>x</code></p>\n",
    "<ul><li>first </li>\n<li>last</li></ul>\n",
    "<p>To calculate</p>\n<span translate=no>_^_0_^_</span><p> </p>\n",
    "<p> The shape of <span translate=no>_^_0_^_</span> is <span translate=no>_^_1_^_</span></p>\n",
])
def test_ordinary_keys_pass_unchanged(key):
    assert sanitize_html(key) == key


def test_placeholders_keep_their_exact_unquoted_form():
    out = sanitize_html('<p>x <span translate="no">_^_12_^_</span> y</p>')
    assert out == "<p>x <span translate=no>_^_12_^_</span> y</p>"


def test_placeholder_loses_anything_added_to_it():
    assert sanitize_html("<span translate=no onclick=alert(1)>_^_0_^_</span>") == \
        "<span translate=no>_^_0_^_</span>"


def test_links_keep_safe_urls_get_rel_and_lose_id_and_name():
    out = sanitize_html('<p><a href="https://arxiv.org/abs/1710.09829" title="paper">paper</a>'
                        '<a href="../mnist.html#train">code</a><a id="x" name="x"></a></p>')
    tags = parse(out).tags
    assert dict(tags[1][1])["href"] == "https://arxiv.org/abs/1710.09829"
    assert dict(tags[2][1])["href"] == "../mnist.html#train"
    assert all(dict(attrs).get("rel") == "noopener noreferrer" for tag, attrs in tags if tag == "a")
    assert not {"id", "name"} & {name for name, _ in tags[3][1]}  # they could collide with the page's


def test_dangerous_link_keeps_its_text_but_loses_its_url():
    out = sanitize_html('<a href="javascript:alert(1)">read more</a>')
    assert "read more" in out and "href" not in out


def test_images_keep_source_and_alt():
    out = sanitize_html('<img src="diagram.png" alt="A diagram" onload="x()">')
    assert dict(parse(out).tags[0][1]) == {"src": "diagram.png", "alt": "A diagram"}


def test_text_is_escaped_not_interpreted():
    out = sanitize_html("<p>1 &lt; 2 &amp;&amp; &lt;script&gt;</p>")
    assert [tag for tag, _ in parse(out).tags] == ["p"]
    assert "&lt;script&gt;" in out


def test_tables_and_small_formatting_survive():
    key = "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>"
    assert sanitize_html(key) == key
    assert sanitize_html("x<sup>2</sup><sub>i</sub><br><hr>") == "x<sup>2</sup><sub>i</sub><br><hr>"


# --- the fast paths give nh3's answer -----------------------------------------------------------

from site_builder.render import sanitize as _sanitize  # noqa: E402  (private names under test)

#: Values as our key renderer and translators write them, and hostile variations of them.
NOTE_VALUES = [
    "<p>[ja] 結合係数 <span translate=no>_^_0_^_</span> は出力について和が 1 です</p>\n",
    "<ul>\n<li>a <em>b</em> <code>c</code></li>\n<li><p>d</p><ul><li>e</li></ul></li>\n</ul>\n",
    "<h2>見出し</h2>\n<p>1 &lt; 2 &amp;&amp; 3 &gt; 2&nbsp;x</p>", "plain text", "", "<br>",
    "<b><i>z</i></b><em><em><em>k</em></em></em>", "<p>\"quoted\" and 'single'</p>",
    "<p>a > b</p>", "<p>a & b</p>", "<p>&quot;x&quot; &#39;y&#39; &AMP; &ampx</p>", "<p>nb\xa0sp</p>",
    "<p>cr\r\nlf</p>", "<p>nul\x00</p>", "<p>ctrl\x01\ufffe</p>",
    "<p><p>nested</p></p>", "<p><ul><li>block in p</li></ul></p>", "<li>bare li</li>", "<ul>text<li>x</li></ul>",
    "<ul><span translate=no>_^_0_^_</span></ul>", "<h1><h2>h</h2></h1>", "<em><p>p in em</p></em>",
    "<p><em>crossed</p></em>", "<p>unclosed", "</p>stray", "<P>caps</P>", "<p >space</p>", "<br/>", "</br>",
    "<span translate=no>_^_１_^_</span>", '<span translate="no">_^_2_^_</span>', "<span translate=no>_^_x_^_</span>",
    "<span translate=no onclick=alert(1)>_^_0_^_</span>", "<span>bare span</span>",
    '<a href="javascript:alert(1)">x</a>', "<a>x</a>", "<script>alert(1)</script>", "<p><!-- c --></p>",
    "<table><td>x</td></table>", "<pre>\ncode</pre>", "<hr>", "<div>d</div>", "<p>x</p><",
    "<p>\ud800</p>",
]


def _nh3_note(value: str) -> str:
    return _sanitize.recanonicalise(_sanitize._clean_note(value))


@pytest.mark.parametrize("value", NOTE_VALUES + PAYLOADS)
def test_a_value_that_skips_cleaning_is_one_nh3_returns_unchanged(value):
    try:
        expected = _nh3_note(value)
    except (UnicodeEncodeError, ValueError):
        expected = None  # nh3 cannot take it: the fast path must not answer either
    if _sanitize._unchanged_by_note_cleaning(value):
        assert expected == value
    if expected is not None:  # controls are removed before cleaning (strip_controls)
        assert sanitize_html(value) == _nh3_note(_sanitize.strip_controls(value))


def test_plain_paragraphs_lists_and_placeholders_skip_cleaning():
    assert _sanitize._unchanged_by_note_cleaning(NOTE_VALUES[0])
    assert _sanitize._unchanged_by_note_cleaning(NOTE_VALUES[1])
    assert not _sanitize._unchanged_by_note_cleaning('<a href="javascript:alert(1)">x</a>')


def test_a_reused_cleaner_cleans_as_nh3_clean_does():
    import nh3

    options = dict(tags={"p", "a"}, attributes={"a": {"href"}}, strip_comments=True,
                   attribute_filter=_sanitize._drop_dangerous_urls)
    clean = _sanitize.cleaner(**options)
    for value in NOTE_VALUES[:-1] + PAYLOADS:
        assert clean(value) == nh3.clean(value, **options)


SEARCH_VALUES = [
    "plain &amp; &lt;escaped&gt; text&nbsp;here", "text <pre><code>x = 1 &lt; 2\ny</code></pre>",
    "<pre><code>only code</code></pre>", "a \u200b分词\u200b b", "<p>tag</p>", "a > b", "a & b",
    "&quot;q&quot;", "&AMP;", "&amp", "nb\xa0sp", "cr\r", "nul\x00",
    "x <pre><code>a</code></pre><pre><code>b</code></pre>",
    "x <pre><code>a</code></pre> tail", "<pre><code>\nlead</code></pre>", "&am<pre><code>p;</code></pre>",
    "<pre><code></code></pre>", "</code></pre>", "<script>alert(1)</script>",
]


@pytest.mark.parametrize("value", SEARCH_VALUES + PAYLOADS)
def test_search_text_that_skips_cleaning_is_one_nh3_returns_unchanged(value):
    if _sanitize._unchanged_by_search_cleaning(value):
        assert _sanitize._clean_search(value) == value
    assert _sanitize.search_safe_html(value) == _sanitize._clean_search(value)


def test_the_search_fast_path_knows_every_character_nh3_rewrites():
    # Every code point (surrogates apart) once between letters: the fast path's character
    # class must hold exactly those nh3 changes.
    for point in (*range(0xD800), *range(0xE000, 0x110000, 97), 0xFEFF, 0xFFFE, 0xFFFF):
        text = f"a{chr(point)}b"
        if _sanitize._unchanged_by_search_cleaning(text):
            assert _sanitize._clean_search(text) == text, hex(point)

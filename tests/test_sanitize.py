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


def test_links_keep_safe_urls_and_get_rel():
    out = sanitize_html('<p><a href="https://arxiv.org/abs/1710.09829" title="paper">paper</a>'
                        '<a href="../mnist.html#train">code</a><a id="x" name="x"></a></p>')
    tags = parse(out).tags
    assert dict(tags[1][1])["href"] == "https://arxiv.org/abs/1710.09829"
    assert dict(tags[2][1])["href"] == "../mnist.html#train"
    assert all(dict(attrs).get("rel") == "noopener noreferrer" for tag, attrs in tags if tag == "a")
    assert ("id", "x") in tags[3][1]


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

"""HTML tokens: a key, value or built page -> its tags and text, in one C-level pass.

The one tokenizer the HTML scanners share (``render.htmltree``'s tree and problem finder, the
search indexer, the sanitizer's fast paths, the fixer's scans): markup in its plainest spelling,
start, end and self-closing tags with quoted or bare attributes and text holding no ``<``, which
is what our renderer writes and almost every translation keeps. Anything else (a comment, a
``<`` in text, a raw-text element) is reported as "not plain", and the caller hands it to the
standard library's parser, which reads the rest of HTML. The placeholder grammar comes from
``render.placeholders``. Pure: strings in, lists out; nothing is decoded or repaired here.
"""

from __future__ import annotations

import functools
import html
import re

from site_builder.render.placeholders import CANONICAL

#: The attributes of a plain start tag: names as HTML allows them, values double-, single- or
#: not quoted, holding no ``<`` or ``>``.
PLAIN_ATTRIBUTES = r"""(?:\s+[a-zA-Z_][-a-zA-Z0-9_:.]*(?:="[^"<>]*"|='[^'<>]*'|=[^\s"'=<>`/]+(?=[\s>]))?)*"""
#: A start, end or self-closing tag in its plainest spelling. Group 1: start tag name, 2: its
#: attributes (:data:`PLAIN_ATTRIBUTES`), 3: "/" of <x/>, 4: end tag name.
PLAIN_TAG = re.compile(
    rf"""<(?:([a-zA-Z][a-zA-Z0-9]*)({PLAIN_ATTRIBUTES})\s*(/?)|/([a-zA-Z][a-zA-Z0-9]*)\s*)>""")
#: As :data:`PLAIN_TAG`, with the space before ``>`` kept (group 3), so that a start tag's exact
#: text can be put back together (a placeholder is only its canonical spelling). Groups: 1 start
#: name, 2 attributes, 3 space, 4 "/", 5 end name.
_TAG_EXACT = re.compile(
    rf"""<(?:([a-zA-Z][a-zA-Z0-9]*)({PLAIN_ATTRIBUTES})(\s*)(/?)|/([a-zA-Z][a-zA-Z0-9]*)\s*)>""")
#: Tokens per tag in a :func:`plain_tokens` list (the tag's groups, then the text after it).
STRIDE = 6
_ATTRIBUTE = re.compile(r"""\s+([a-zA-Z_][-a-zA-Z0-9_:.]*)(?:="([^"<>]*)"|='([^'<>]*)'|=([^\s"'=<>`/]+(?=\s|\Z)))?""")
#: Elements whose content a parser reads as raw text: never plain.
RAW_TEXT_TAGS = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                           "noframes", "noscript", "plaintext"})
PLACEHOLDER = CANONICAL

# --- the placeholder grammar, as token patterns ---------------------------------------------------
#: A canonical placeholder as one token (``render.placeholders.CANONICAL`` without its group).
PLACEHOLDER_TOKEN = CANONICAL.pattern.replace(r"(\d+)", r"\d+")
assert CANONICAL.pattern != PLACEHOLDER_TOKEN, "placeholders.CANONICAL no longer has a (\\d+) group"
#: A bare tag in our renderer's spelling (``<p>``, ``</em>``): group 1 "/" of an end tag, 2 the name.
BARE_TAG = r"<(/?)([a-z][a-z0-9]*)>"
#: A canonical placeholder with ASCII digits (others are rewritten by ``recanonicalise``), or a
#: bare tag; a placeholder has neither group.
BARE_TAG_OR_PLACEHOLDER = re.compile(PLACEHOLDER_TOKEN.replace(r"\d+", "[0-9]+") + "|" + BARE_TAG)

# --- loose tokens: markup a translator (or a machine) damaged ---------------------------------
#: Every piece of a value in order: anything between ``<`` and ``>``, a run of text, a stray ``<``.
LOOSE_TOKEN = re.compile(r"<[^<>]*>|[^<]+|<", re.DOTALL)
#: As :data:`LOOSE_TOKEN`, a whole canonical placeholder being one token.
LOOSE_TOKEN_OR_PLACEHOLDER = re.compile(rf"{PLACEHOLDER_TOKEN}|<[^<>]*>|[^<]+|<", re.DOTALL)
#: A tag with spaces where HTML allows none (``< p>``, ``</ a >``): group 1 "/", 2 name, 3 the
#: rest of the tag, 4 "/" of a self-closing tag.
LOOSE_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)\b([^<>]*?)\s*(/?)\s*>", re.DOTALL)
#: A tag that a space after ``<`` or ``</`` keeps a browser from reading as one.
SPACED_TAG = re.compile(r"<\s+/?\s*[a-zA-Z][a-zA-Z0-9]*\b[^<>]*>|</\s+[a-zA-Z][a-zA-Z0-9]*\s*>")


def plain_tokens(markup: str) -> list[str] | None:
    """``[text, start name, attributes, space, "/", end name, text, ...]``, or None when
    ``markup`` is not plain (a ``<`` in its text: a comment, a declaration, a tag in another
    spelling). Tag groups not in a tag are None; texts are raw (character references kept)."""
    tokens = _TAG_EXACT.split(markup)
    if "<" in "".join(tokens[0::STRIDE]):
        return None
    return tokens


@functools.lru_cache(maxsize=4096)
def attributes(raw: str) -> tuple[tuple[str, str], ...]:
    """(name in lower case, decoded value) of a plain start tag's attribute text, as the
    standard library's parser reads them ('' for an attribute with no value).

    Cached: the same few attribute texts (``translate=no`` of every placeholder, a page's
    links) come back in value after value."""
    return tuple((attr.group(1).lower(), html.unescape(attr.group(2) or attr.group(3) or attr.group(4) or ""))
                 for attr in _ATTRIBUTE.finditer(raw))


# --- reading plain tokens without building a tree --------------------------------------------------

def same_tags(key_tokens: list[str], value_tokens: list[str]) -> bool:
    """Whether two :func:`plain_tokens` lists hold exactly the same tags (names, attribute
    texts, spaces, slashes), in the same order: only their texts may differ."""
    return len(key_tokens) == len(value_tokens) and all(
        key_tokens[offset::STRIDE] == value_tokens[offset::STRIDE] for offset in range(1, STRIDE))


def span_texts(tokens: list[str]) -> list[int]:
    """Indexes of the texts that follow a ``<span ...>`` start tag (where placeholders are)."""
    return [index + STRIDE for index in range(0, len(tokens) - STRIDE, STRIDE)
            if tokens[index + 1] is not None and tokens[index + 1].lower() == "span" and not tokens[index + 4]]


def text_layout(tokens: list[str], blocks: frozenset[str], void: frozenset[str]) -> tuple[list[int], bool]:
    """(indexes of the texts outside every element of ``blocks`` and every ``<a href>``,
    whether the markup is clean: every end tag closes the innermost open element and every
    element is closed), elements opened and closed as ``render.htmltree`` builds its tree."""
    open_tags: list[tuple[str, bool]] = []  # (name, holds text in place: a block or a link)
    anchored = 0
    found = []
    clean = True
    for index in range(0, len(tokens), STRIDE):
        if not anchored:
            found.append(index)
        if index + 1 >= len(tokens):
            break
        name, raw_attrs, _, slash, end = tokens[index + 1:index + STRIDE]
        if name is None:
            tag = end.lower()
            if tag in void or all(open_name != tag for open_name, _ in open_tags):
                clean = False  # ignored by the tree builder: texts around it merge
                continue
            while True:
                open_name, holds = open_tags.pop()
                anchored -= holds
                if open_name == tag:
                    break
                clean = False
            continue
        tag = name.lower()
        if slash or tag in void:
            continue
        holds = tag in blocks or (tag == "a" and any(n == "href" for n, _ in attributes(raw_attrs)))
        open_tags.append((tag, holds))
        anchored += holds
    return found, clean and not open_tags


def placeholder_texts(tokens: list[str]) -> set[int]:
    """Indexes of the texts that, with the span around them, make a canonical placeholder
    (for clean markup, see :func:`text_layout`: the span's one child is that text)."""
    found = set()
    for index in range(STRIDE, len(tokens) - 1, STRIDE):
        start = f"<{tokens[index - 5]}{tokens[index - 4]}{tokens[index - 3]}>"
        if tokens[index - 5] is not None and tokens[index + 1] is None and not tokens[index - 2] \
                and PLACEHOLDER.fullmatch(f"{start}{text_at(tokens, index)}</span>"):
            found.add(index)
    return found


def text_at(tokens: list[str], index: int) -> str:
    """The decoded text at ``index`` of a :func:`plain_tokens` list."""
    text = tokens[index]
    return html.unescape(text) if "&" in text else text

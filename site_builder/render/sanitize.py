"""Leaf renderer: untrusted translated HTML -> HTML holding only what notes keys use.

A translation cache is written by people and tools outside the project, so every translated
value passes through ``sanitize_html`` before it reaches a page. It keeps an explicit allowlist
of the tags and attributes that notes keys contain (paragraphs, headings, lists, links,
emphasis, inline code, the placeholder ``<span translate=no>``, simple tables and images) and
drops everything else: scripts and styles with their content, event-handler attributes, inline
styles, frames and embeds, forms, and any URL whose scheme is not http, https or mailto
(``javascript:``, ``vbscript:`` and ``data:`` in any spelling). The work is done by nh3 (the Rust
Ammonia sanitiser, an HTML5 parser), not by regular expressions; the only shortcut is to
recognise a value nh3 would return exactly as given and return it (``_unchanged_by_note_cleaning``).

Order for page.py: sanitise the translated key HTML first, then restore the placeholders with
the project's own rendered math, code and images (``placeholders.restore_placeholders``). That
trusted HTML uses MathML, classes and styles the allowlist rightly refuses, so it must never
pass through here. Placeholders survive in their exact form: the serialiser would quote the
attribute (``translate="no"``), so their canonical spelling is put back afterwards.

Plain-text units (titles, summaries, names from file names) are text, never HTML:
``text_html`` is what they become wherever they are put into a page or handed to a template
that prints them unescaped, and ``plain_text_markup`` names the markup a translator put in one
(``check`` and the build report it). The search UI renders each result's title and text as
HTML, so every string written to a search index goes through ``search_safe_html`` (this is
the one place that decides what the search UI may render).

This module only transforms strings: no I/O, and it never raises on malformed input.
"""

from __future__ import annotations

import functools
import html
import re
import secrets
from collections.abc import Callable
from typing import Any

import nh3

from site_builder.render.classes import (
    MARKDOWN_CLASS_PREFIXES,
    NOTE_CLASSES,
    PAGE_CLASSES,
    RENDERER_CLASS_PREFIXES,
    allowed_classes,
)
from site_builder.render.controls import strip_controls
from site_builder.render.htmltokens import BARE_TAG_OR_PLACEHOLDER
from site_builder.render.placeholders import recanonicalise

#: Tags that notes keys use; anything else is removed and its text kept.
ALLOWED_TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "strong", "em", "b", "i", "code", "pre",
    "ul", "ol", "li", "br", "span", "sup", "sub", "blockquote", "hr", "img", "del", "kbd", "small",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    # docstring field lists (render/docfields.py), definition lists and footnotes
    "div", "dl", "dt", "dd",
})

#: Attributes allowed per tag ("*" = any allowed tag). ``translate`` is restricted by value below.
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "dir"},
    # No id or name on links: a translated anchor could take an id the page or the theme relies
    # on. Footnotes keep theirs on <sup> and <li> (``fn:N``, ``fnref:N`` only; see the filter).
    "a": {"href", "title", "class"},
    "span": {"class"},
    "div": {"class"}, "p": {"class"}, "dl": {"class"}, "sup": {"id"}, "li": {"id"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}

#: Schemes a link or image may use; relative URLs and #fragments are always allowed.
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})

#: Attributes whose value is a URL a browser may load or follow.
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "background",
                            "poster", "cite", "data", "srcset"})
_DANGEROUS_SCHEME = re.compile(r"^(?:javascript|vbscript|data):", re.IGNORECASE)
# Browsers drop control characters and whitespace inside a URL's scheme ("java\tscript:"),
# and read character references first ("jav&#x09;ascript:"): a check must do the same.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")


def is_dangerous_url(value: str) -> bool:
    """Whether a URL attribute's value would run script or load inline content when followed."""
    return bool(_DANGEROUS_SCHEME.match(_URL_NOISE.sub("", html.unescape(value))))


def _drop_dangerous_urls(tag: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter for notes: a URL the browser would read as script goes, and a
    class keeps only the classes our renderer writes (``render.classes``); the rest stays."""
    if attribute == "class":
        return allowed_classes(value, NOTE_CLASSES, RENDERER_CLASS_PREFIXES)
    if attribute == "id":
        return value if _FOOTNOTE_ID.match(value) else None
    return None if attribute in URL_ATTRIBUTES and is_dangerous_url(value) else value


#: The only ids a note may carry: Python-Markdown's footnote anchors (the page prefixes them
#: with the section's id, so they cannot collide with the page's own).
_FOOTNOTE_ID = re.compile(r"^fn(?:ref)?:[\w.-]+$")

#: ids the theme and our layout own (Material's ``__drawer`` toggles, ``md-*``, ``sb-*``): a
#: hand-written page's heading may not take one.
_RESERVED_ID = re.compile(r"^(?:__|md-|sb-)", re.IGNORECASE)


def _page_attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter for hand-written pages: as for notes, with the classes the
    Markdown extensions write, and no id the theme owns."""
    if attribute == "class":
        return allowed_classes(value, PAGE_CLASSES, RENDERER_CLASS_PREFIXES + MARKDOWN_CLASS_PREFIXES)
    if attribute == "id" and _RESERVED_ID.match(value):
        return None
    return None if attribute in URL_ATTRIBUTES and is_dangerous_url(value) else value




#: Removed together with their content (their text is code, never prose).
DROPPED_WITH_CONTENT = frozenset({"script", "style"})


def cleaner(**options: Any) -> Callable[[str], str]:
    """``nh3.clean`` with ``options`` fixed: ``cleaner(**o)(html) == nh3.clean(html, **o)``.

    The build cleans tens of thousands of short fragments; ``nh3.clean`` converts its option
    sets to an Ammonia builder on every call, which costs more than cleaning a paragraph.
    nh3's ``Cleaner`` (0.3 on) builds it once; older nh3 gets the same result per call.
    """
    if hasattr(nh3, "Cleaner"):
        return nh3.Cleaner(**options).clean
    return functools.partial(nh3.clean, **options)


_clean_note = cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    tag_attribute_values={"span": {"translate": {"no", "yes"}}},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    attribute_filter=_drop_dangerous_urls,
    strip_comments=True,
    link_rel="noopener noreferrer",
)


def sanitize_html(html: str) -> str:
    """Return ``html`` with only allowlisted tags, attributes and URL schemes left.

    Args:
        html: a translated key (or any HTML fragment) from an untrusted cache.

    Returns:
        Safe HTML. Text is kept (escaped as needed); placeholders come out exactly as
        ``<span translate=no>_^_N_^_</span>`` so ``restore_placeholders`` still finds them.
    """
    html = strip_controls(html)
    if _unchanged_by_note_cleaning(html):
        return html
    return recanonicalise(_clean_note(html))


# Most translated values are paragraphs and lists of text, emphasis and placeholders, spelled
# as our key renderer spells them. For those nh3 returns the value as it was given (and the
# placeholders recanonicalise), so cleaning can be skipped: exactly when every tag is one of
# these, bare, nested as the HTML parser builds it without repair (no implied end tags, no
# reopened formatting), and the text has nothing nh3 writes differently. Anything else is
# cleaned; tests/test_sanitize.py compares both on real and hostile values.
_INLINE_TAGS = frozenset({"em", "strong", "b", "i", "code", "sup", "sub", "kbd", "small", "del"})
#: What each element may directly contain here ("" is the value's top level).
_PLAIN_CHILDREN = {
    "": _INLINE_TAGS | {"p", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "br"},
    "p": _INLINE_TAGS | {"br"},
    "ul": frozenset({"li"}),
    "ol": frozenset({"li"}),
    "li": _INLINE_TAGS | {"p", "ul", "ol", "br"},
    **{tag: _INLINE_TAGS | {"br"} for tag in ("h1", "h2", "h3", "h4", "h5", "h6", *_INLINE_TAGS)},
}
#: A canonical placeholder (ASCII digits: recanonicalise would rewrite others), or a bare tag.
_PLAIN_NOTE_TOKEN = BARE_TAG_OR_PLACEHOLDER
#: Text nh3 would not write back as it is (see ``_NOT_AS_SERIALISED``).
_NOT_PLAIN_NOTE_TEXT = re.compile(r"[<>\x00\r\xa0\ud800-\udfff]|&(?!amp;|lt;|gt;|nbsp;)")


def _unchanged_by_note_cleaning(value: str) -> bool:
    """Whether ``recanonicalise(_clean_note(value)) == value``, by the rules above (False: not sure)."""
    if _NOT_PLAIN_NOTE_TEXT.search(_PLAIN_NOTE_TOKEN.sub(" ", value)):
        return False
    open_tags = [""]
    for match in _PLAIN_NOTE_TOKEN.finditer(value):
        tag = match.group(2)
        if tag is None:  # a placeholder: an inline element
            if open_tags[-1] in ("ul", "ol"):
                return False
        elif match.group(1):
            if open_tags[-1] != tag:
                return False
            open_tags.pop()
        elif tag not in _PLAIN_CHILDREN[open_tags[-1]]:
            return False
        elif tag != "br":
            open_tags.append(tag)
    return len(open_tags) == 1


#: What a translated hand-written page (``docs/*.<lang>.md``, rendered by the engine's Markdown)
#: may hold beyond a note: heading ids and their permalinks, admonitions, code classes.
PAGE_TAGS = ALLOWED_TAGS | {"div", "details", "summary", "dl", "dt", "dd", "figure", "figcaption"}
PAGE_ATTRIBUTES = {
    **ALLOWED_ATTRIBUTES,
    "code": {"class"}, "pre": {"class"}, "details": {"class", "open"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}

#: The comments the generator replaces on hand-written pages (see site/pages.py and the plugin).
_GENERATOR_MARKER = re.compile(r"<!--\s*(?:glossary|example:[^<>]*?)\s*-->")
#: Makes a set-aside marker's stand-in text one that no page contains by chance.
_MARKER_NONCE = secrets.token_hex(8)


def sanitize_page_html(html: str) -> str:
    """A translated hand-written page's HTML with only safe markup left.

    Translators write these pages in Markdown, which lets raw HTML through; the page is
    cleaned as notes are, with the few extra tags and attributes that Markdown's own
    extensions write. Comments go (old browsers ran scripts in conditional comments), except
    the generator's own markers (``<!-- glossary -->``, ``<!-- example: PATH -->``), which are
    set aside while the page is cleaned and put back after.
    """
    markers: list[str] = []

    def set_aside(match: re.Match[str]) -> str:
        markers.append(match.group(0))
        return f"sb-marker-{len(markers) - 1}-{_MARKER_NONCE}"

    cleaned = nh3.clean(
        _GENERATOR_MARKER.sub(set_aside, strip_controls(html)),
        tags=set(PAGE_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in PAGE_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        attribute_filter=_page_attribute_filter,
        strip_comments=True,
        link_rel=None,
    )
    for number, marker in enumerate(markers):
        cleaned = cleaned.replace(f"sb-marker-{number}-{_MARKER_NONCE}", marker, 1)
    return cleaned


#: Tags a search result may show (what the search index's text keeps of a page); no attributes.
SEARCH_TAGS = frozenset({"p", "code", "pre", "ul", "ol", "li", "em", "strong", "b", "i", "mark",
                         "br", "sub", "sup", "kbd"})

# What an HTML parser would read as markup rather than text: a tag, end tag, comment,
# doctype or processing instruction ("<" then a letter, "/", "!" or "?"), or a character
# reference ("&lt;", "&#60;", "&#x3c;").
_MARKUP = re.compile(r"<[/!?]?[A-Za-z!?/][^<>]{0,40}>?|&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);?")


def text_html(text: str) -> str:
    """``text`` as HTML that shows exactly ``text``: safe as element content and as a quoted attribute.

    For plain-text units. Templates that print a value unescaped (MkDocs and Material print
    page titles raw) must be handed this, never the text itself.
    """
    return html.escape(strip_controls(text), quote=True)


def plain_text_markup(value: str, key: str = "") -> list[str]:
    """The markup in a plain-text ``value`` that its English ``key`` does not have (shortened).

    A title or summary is shown as text, so ``<b>`` in one would show as the characters
    ``<b>``: a translator who wrote it meant something else (or meant harm).
    """
    allowed = set(_MARKUP.findall(key))
    found = []
    for token in _MARKUP.findall(value):
        if token not in allowed and not (token.startswith("&") and not token.endswith(";")
                                         and not token.startswith("&#")):
            token = " ".join(token.split())
            found.append(token if len(token) <= 30 else token[:29] + "…")
    return found


def search_safe_html(fragment: str) -> str:
    """A search-index ``title`` or ``text`` that is safe to render with ``innerHTML``.

    Keeps the few formatting tags the index uses (``SEARCH_TAGS``, no attributes) and the
    text of every other element; drops scripts and styles with their content, comments,
    every attribute (``"*": ()`` too: without it nh3 keeps ``title`` and ``lang`` on any
    tag). Text that is already escaped stays escaped.
    """
    if _unchanged_by_search_cleaning(fragment):
        return fragment
    return _clean_search(fragment)


# What makes nh3 write text other than as it was given: the characters its parser drops or
# changes (NUL, CR) or its serialiser escapes (& < > U+00A0), and any character reference but
# the four it writes itself. A lone surrogate cannot be handed to nh3 at all. Measured over
# every code point in tests/test_search_index.py.
_NOT_AS_SERIALISED = re.compile(r"[<>\x00\r\xa0\ud800-\udfff]|&(?!amp;|lt;|gt;|nbsp;)")


def _unchanged_by_search_cleaning(fragment: str) -> bool:
    """Whether ``_clean_search`` would return ``fragment`` as it is (then it need not run).

    True for text as nh3 serialises it, optionally followed by one ``<pre><code>`` block of
    such text: what the search index's entries are made of. Both tags are allowed and
    written back as they are; no other markup is accepted here.
    """
    body = fragment
    if body.endswith("</code></pre>"):
        start = body.find("<pre><code>")
        if start != -1:
            body = body[:start] + " " + body[start + len("<pre><code>"):-len("</code></pre>")]
    return _NOT_AS_SERIALISED.search(body) is None


_clean_search = cleaner(tags=set(SEARCH_TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT),
                        attributes={"*": set()}, strip_comments=True, link_rel=None)

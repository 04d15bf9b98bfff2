"""Leaf renderer: untrusted translated HTML -> HTML holding only what notes keys use.

A translation cache is written by people and tools outside the project, so every translated
value passes through ``sanitize_html`` before it reaches a page. It keeps an explicit allowlist
of the tags and attributes that notes keys contain (paragraphs, headings, lists, links,
emphasis, inline code, the placeholder ``<span translate=no>``, simple tables and images) and
drops everything else: scripts and styles with their content, event-handler attributes, inline
styles, frames and embeds, forms, and any URL whose scheme is not http, https or mailto
(``javascript:``, ``vbscript:`` and ``data:`` in any spelling). The work is done by nh3 (the Rust
Ammonia sanitiser, an HTML5 parser), not by regular expressions.

Order for page.py: sanitise the translated key HTML first, then restore the placeholders with
the project's own rendered math, code and images (``translate.restore_placeholders``). That
trusted HTML uses MathML, classes and styles the allowlist rightly refuses, so it must never
pass through here. Placeholders survive in their exact form: the serialiser would quote the
attribute (``translate="no"``), so their canonical spelling is put back afterwards.

This module only transforms strings: no I/O, and it never raises on malformed input.
"""

from __future__ import annotations

import re

import nh3

from site_builder.model import PLACEHOLDER_TEMPLATE

#: Tags that notes keys use; anything else is removed and its text kept.
ALLOWED_TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "strong", "em", "b", "i", "code", "pre",
    "ul", "ol", "li", "br", "span", "sup", "sub", "blockquote", "hr", "img", "del", "kbd", "small",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
})

#: Attributes allowed per tag ("*" = any allowed tag). ``translate`` is restricted by value below.
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "dir"},
    "a": {"href", "title", "id", "name"},
    "span": {"class"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}

#: Schemes a link or image may use; relative URLs and #fragments are always allowed.
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})

#: Removed together with their content (their text is code, never prose).
DROPPED_WITH_CONTENT = frozenset({"script", "style"})

_PLACEHOLDER = re.compile(r'<span translate="no">(_\^_(\d+)_\^_)</span>')


def sanitize_html(html: str) -> str:
    """Return ``html`` with only allowlisted tags, attributes and URL schemes left.

    Args:
        html: a translated key (or any HTML fragment) from an untrusted cache.

    Returns:
        Safe HTML. Text is kept (escaped as needed); placeholders come out exactly as
        ``<span translate=no>_^_N_^_</span>`` so ``restore_placeholders`` still finds them.
    """
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        tag_attribute_values={"span": {"translate": {"no", "yes"}}},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        strip_comments=True,
        link_rel="noopener noreferrer",
    )
    return _PLACEHOLDER.sub(lambda m: PLACEHOLDER_TEMPLATE.format(m.group(2)), cleaned)

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

import html
import re
import secrets

import nh3

from site_builder.core.placeholders import recanonicalise

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
    """nh3's attribute filter: a URL the browser would read as script goes, the rest stays."""
    return None if attribute in URL_ATTRIBUTES and is_dangerous_url(value) else value


#: Removed together with their content (their text is code, never prose).
DROPPED_WITH_CONTENT = frozenset({"script", "style"})


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
        attribute_filter=_drop_dangerous_urls,
        strip_comments=True,
        link_rel="noopener noreferrer",
    )
    return recanonicalise(cleaned)


#: What a translated hand-written page (``docs/*.<lang>.md``, rendered by the engine's Markdown)
#: may hold beyond a note: heading ids and their permalinks, admonitions, code classes.
PAGE_TAGS = ALLOWED_TAGS | {"div", "details", "summary", "dl", "dt", "dd", "figure", "figcaption"}
PAGE_ATTRIBUTES = {
    **ALLOWED_ATTRIBUTES,
    "a": ALLOWED_ATTRIBUTES["a"] | {"class"},
    "code": {"class"}, "pre": {"class"}, "div": {"class"}, "p": {"class"}, "details": {"class", "open"},
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
        _GENERATOR_MARKER.sub(set_aside, html),
        tags=set(PAGE_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in PAGE_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        attribute_filter=_drop_dangerous_urls,
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
    return html.escape(text, quote=True)


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
    return nh3.clean(fragment, tags=set(SEARCH_TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT),
                     attributes={"*": set()}, strip_comments=True, link_rel=None)

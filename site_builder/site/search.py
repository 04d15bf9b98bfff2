"""Site stage for search: rendered Pages -> entries of the search index the theme's UI reads.

Every source page gets one entry for the page (its title and summary) followed by one entry
per section, located at ``<page url>#<section id>`` (``Section.id``, the row's ``id``), titled
by the section's first heading, else by the page title and the def/class the section
documents, else by the page title. The text is the section's notes as plain text (scripts
and the page's chrome such as "View source" or the "#" permalink are not part of a
section's notes HTML; a formula is its TeX source between ``$``) followed by its code as
``<pre><code>``; block boundaries and table cells become spaces, so words of neighbouring cells
never run together. The page entry comes
first because the search UI takes the first entry of a URL as the page the others belong to.
Chinese text is segmented into words with jieba (as Material's own indexer does when jieba is
installed), the words joined by zero-width spaces, which the Chinese search separator splits
on; Japanese is left as it is, the UI segments it itself. Every title and text passes through
``render.sanitize.search_safe_html`` because the UI renders them with ``innerHTML``. The
result is the ``{"config", "docs"}`` document of Material's search plugin, whose ``config``
(language, separator, pipeline) the engine supplies. This module reads the Pages the build
rendered: it must not render notes, parse whole pages or write site files (jieba's word table
is kept in the machine's cache, see ``_load_dictionary``).
"""

from __future__ import annotations

import html
import json
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from site_builder.cache import machine_cache
from site_builder.model import Page, SourceFile
from site_builder.render.htmltokens import PLAIN_ATTRIBUTES, PLAIN_TAG
from site_builder.render.sanitize import cleaner, search_safe_html

#: Elements whose end separates words (a space is put before each of their tags).
_BLOCK_TAG = re.compile(r"<(/?)(p|li|ul|ol|td|th|tr|table|thead|tbody|caption|h[1-6]|br|div|pre|"
                        r"blockquote|dd|dt|figcaption|hr|img)\b", re.IGNORECASE)
_FIRST_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
#: Runs of Han characters (CJK unified ideographs and their extensions and compatibility forms).
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
#: Content dropped with its element: MathML would index as a jumble of single symbols.
_DROPPED = {"math", "script", "style", "svg", "button"}

Segmenter = Callable[[str], str]

_text_only = cleaner(tags=set(), clean_content_tags=_DROPPED, attributes={}, strip_comments=True)


#: A formula as the math renderer writes it, with its source in ``alttext``.
_MATH_WITH_SOURCE = re.compile(r'<math\b[^>]*?\salttext="([^"]*)"[^>]*>.*?</math>(?=([,.;:!?)])?)', re.S)
#: Where one table cell or row ends and the next begins, in a page's HTML.
_CELL_BOUNDARY = re.compile(r"(</t[dh]>|</tr>)(?=(?:</?t(?:head|body|foot)>)*<t[dhr]\b)")


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, escaped for HTML, whitespace collapsed.

    A formula is its TeX source between ``$`` (readable, and what a reader would type);
    MathML without one is dropped: its symbols would index as a jumble of letters.
    """
    if "alttext=" in fragment:
        fragment = _MATH_WITH_SOURCE.sub(_tex_of, fragment)
    text = _plain_markup_text(fragment)
    if text is None:
        text = _text_only(_BLOCK_TAG.sub(r" <\1\2", fragment))
    return _SPACES.sub(" ", text).strip()


# --- plain text without nh3, for the HTML the build writes itself ---------------------------
# The notes HTML of a page is ours: sanitised values, MathML and Pygments spans, well nested,
# no comments or raw-text elements, and mostly MathML by size. For such a fragment the text
# nh3 keeps is simply the text between the tags outside <math>, with its few character
# references decoded and written back as html5ever escapes text. `_plain_markup_text` reads
# only fragments for which that is certain and returns None for anything else, which then
# goes through nh3: tests/test_search_index.py compares both on hostile and real fragments.

#: HTML elements whose text the parser keeps in order when they are well nested (no tables:
#: their text can be moved; no forms, raw-text or foreign elements but whole <math>).
_TEXT_TAGS = frozenset({"p", "a", "em", "strong", "b", "i", "code", "span", "ul", "ol", "li", "h1",
                        "h2", "h3", "h4", "h5", "h6", "pre", "br", "img", "sup", "sub", "blockquote",
                        "hr", "del", "kbd", "small", "div"})
_TEXT_VOID_TAGS = frozenset({"br", "img", "hr"})
#: The names ``_BLOCK_TAG`` puts a space before.
_BLOCK_NAMES = frozenset({"p", "li", "ul", "ol", "td", "th", "tr", "table", "thead", "tbody",
                          "caption", "h1", "h2", "h3", "h4", "h5", "h6", "br", "div", "pre",
                          "blockquote", "dd", "dt", "figcaption", "hr", "img"})
# A <math> element as our math renderer writes it, matched whole: MathML elements only, no
# <math> inside, and the five token elements (the only places HTML could start inside math)
# holding text alone. Whatever its nesting, such content stays inside the <math> until the
# first </math>, and nh3 drops all of it.
_MATH_CONTAINERS = ("mrow|msubsup|msub|msup|mfrac|msqrt|mroot|mstyle|mtable|mtr|mtd|munderover|"
                    "mover|munder|menclose|mpadded|mphantom|semantics|annotation|merror|mfenced|mspace")
_MATH_CONTENT = (rf"(?:[^<]+(?=<)|<(?:{_MATH_CONTAINERS})(?=[\s/>]){PLAIN_ATTRIBUTES}\s*/?>"
                 rf"|</(?:{_MATH_CONTAINERS})\s*>"
                 rf"|<(?P<token>mi|mo|mn|ms|mtext)(?=[\s/>]){PLAIN_ATTRIBUTES}\s*(?:/>|>[^<]*</(?P=token)\s*>))*")
_PLAIN_MATH = re.compile(rf"<math{PLAIN_ATTRIBUTES}\s*>{_MATH_CONTENT}</math>")
#: A plain HTML tag; its three groups (start name, "/" of <x/>, end name) are all it captures.
_PLAIN_TOKEN = PLAIN_TAG  # the one tokenizer's (render.htmltokens)
#: Text the parser would change (NUL, CR), that nh3 could not take (lone surrogates), or a
#: character reference other than the few our renderers write.
_UNPLAIN_TEXT = re.compile(r"[\x00\r\ud800-\udfff]|&(?!amp;|lt;|gt;|quot;|#39;|#x27;|nbsp;)")
_REFERENCES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&#x27;": "'",
               "&nbsp;": "\xa0"}
_REFERENCE = re.compile("|".join(_REFERENCES))
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\xa0": "&nbsp;"})


@lru_cache(maxsize=16384)
def _is_plain_math(element: str) -> bool:
    """Whether ``element`` (``<math ...>`` to its first ``</math>``) is one nh3 drops whole.

    Cached: the same formulas come back in every language's pages (and often within one),
    and MathML is most of the notes' bytes.
    """
    return _PLAIN_MATH.fullmatch(element) is not None and _UNPLAIN_TEXT.search(element) is None


def _outside_math(fragment: str) -> list[str] | None:
    """The fragment's parts between its <math> elements, or None when one is not plain."""
    parts, start = [], 0
    while (math := fragment.find("<math", start)) != -1:
        end = fragment.find("</math>", math) + len("</math>")
        if end < len("</math>") or not _is_plain_math(fragment[math:end]):
            return None
        parts.append(fragment[start:math])
        start = end
    parts.append(fragment[start:])
    return parts


def _plain_markup_text(fragment: str) -> str | None:
    """``_text_only`` of the fragment with a space before each block tag, or None when not sure."""
    parts = _outside_math(fragment)
    if parts is None:
        return None
    pieces: list[str] = []
    open_tags: list[str] = []
    for part in parts:
        if _UNPLAIN_TEXT.search(part):
            return None
        # [text, start name, attributes, "/" or "", end name, text, ...]: one C call, no match objects.
        tokens = _PLAIN_TOKEN.split(part)
        if "<" in "".join(tokens[0::5]):
            return None  # a '<' that starts no plain tag
        for index in range(1, len(tokens), 5):
            pieces.append(tokens[index - 1])
            tag = tokens[index + 3]
            if tag is not None:  # an end tag: must close the innermost open element
                tag = tag.lower()
                if not open_tags or open_tags[-1] != tag:
                    return None
                open_tags.pop()
            else:
                tag = tokens[index].lower()
                void = tag in _TEXT_VOID_TAGS
                if (tag not in _TEXT_TAGS or tokens[index + 2] and not void
                        or tag == "a" and "a" in open_tags):
                    return None
                if tag == "pre" and tokens[index + 4].startswith("\n"):
                    return None  # the parser drops a newline right after <pre>
                if not void:
                    open_tags.append(tag)
            if tag in _BLOCK_NAMES:
                pieces.append(" ")  # what _BLOCK_TAG puts before the tag
        pieces.append(tokens[-1])
    if open_tags:
        return None
    # Each '&' starts one of _REFERENCES within its own text (_UNPLAIN_TEXT saw to that), so
    # decoding the joined text decodes each piece as the parser does.
    text = "".join(pieces)
    if "&" in text:
        text = _REFERENCE.sub(_decoded, text)
    return text.translate(_TEXT_ESCAPES)


def _decoded(reference: re.Match[str]) -> str:
    return _REFERENCES[reference.group(0)]


def _tex_of(formula: re.Match[str]) -> str:
    """`` $source$ ``; no space before the punctuation that follows it."""
    return f" ${formula.group(1)}$" + ("" if formula.group(2) else " ")


def separate_table_cells(page_html: str) -> str:
    """A line break between adjacent table cells and rows: invisible on the page, but the
    theme's indexer reads text, and without it a row's words run together ("英語訳語")."""
    return _CELL_BOUNDARY.sub("\\1\n", page_html)


def section_title(notes_html: str, fallback: str) -> tuple[str, str]:
    """(title, notes without that heading): the notes' first heading, else ``fallback`` (HTML)."""
    match = _FIRST_HEADING.search(notes_html)
    if match is not None:
        heading = plain_text(match.group(2))
        if heading:
            return heading, notes_html[:match.start()] + " " + notes_html[match.end():]
    return fallback, notes_html


def page_entries(page: Page, source: SourceFile, url: str, *,
                 segment: Segmenter | None = None) -> list[dict[str, str]]:
    """The index entries of one rendered source page at ``url`` (relative to the site root).

    A section without a heading of its own is titled by the page title and the definition it
    documents (its qualified name) or, for the comments inside a definition, the one it follows.
    """
    segment = segment or (lambda text: text)
    page_title = html.escape(page.title, quote=False)
    entries = [_entry(url, page_title, html.escape(page.description, quote=False), segment)]
    context = page_title
    for section, rendered in zip(source.sections, page.sections):
        if section.name:
            qualified = rendered.anchor if rendered.anchor.rsplit(".", 1)[-1] == section.name else section.name
            context = f"{page_title} – {html.escape(qualified, quote=False)}"
        title, notes = section_title(rendered.notes_html, context)
        if title != context and not section.name:
            context = title  # a heading names the comment sections that follow it
        text = plain_text(notes)
        code = "\n".join(line.text for line in section.code).strip("\n")
        if code:
            text = f"{text} <pre><code>{html.escape(code, quote=False)}</code></pre>".lstrip()
        entries.append(_entry(f"{url}#{rendered.anchor}", title, text, segment))
    return entries


def _entry(location: str, title: str, text: str, segment: Segmenter) -> dict[str, str]:
    return {"location": location, "title": search_safe_html(segment(title)),
            "text": search_safe_html(segment(text))}


def segmenter(lang: str) -> Segmenter | None:
    """The word segmenter the index of ``lang`` needs (None: the UI's tokeniser is enough)."""
    if lang.split("_")[0].split("-")[0].lower() != "zh":
        return None
    cut = _jieba_cut()
    if cut is None:
        return None

    def segment(text: str) -> str:
        return _HAN.sub(lambda match: "\u200b" + "\u200b".join(cut(match.group(0))) + "\u200b",
                        text).strip("\u200b")

    return segment


@lru_cache(maxsize=1)
def _jieba_cut() -> Callable[[str], Iterable[str]] | None:
    try:
        import jieba
    except ImportError:
        logging.getLogger(__name__).info("jieba is not installed: Chinese search is not segmented "
                                         "into words (pip install jieba)")
        return None
    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not a build problem
    _load_dictionary(jieba)
    return jieba.cut


def _load_dictionary(jieba: Any) -> None:
    """Load jieba's default dictionary from the machine's cache, as jieba would load it.

    jieba keeps its word table (half a million entries) as a ``marshal`` file and reads it
    back in about 1.7 s, every build; the same table pickled loads in about 0.4 s. The
    table is jieba's own, built by jieba the first time, so the words found are the same.
    A dictionary someone chose (``jieba.set_dictionary``, a cache file of their own) is
    left to jieba."""
    tokenizer = jieba.dt
    if tokenizer.initialized or tokenizer.dictionary != jieba.DEFAULT_DICT or tokenizer.cache_file:
        return
    try:
        source = Path(jieba.__file__).with_name("dict.txt").stat()
    except OSError:
        return
    cache = machine_cache()
    key = cache.key("jieba", getattr(jieba, "__version__", ""), source.st_size, source.st_mtime_ns)
    stored = cache.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[0], dict) \
            and isinstance(stored[1], int):
        with tokenizer.lock:
            tokenizer.FREQ, tokenizer.total, tokenizer.initialized = stored[0], stored[1], True
        return
    tokenizer.initialize()
    cache.put(key, (tokenizer.FREQ, tokenizer.total))  # a read-only home: a warning, jieba's own cache serves


def merged_index(theme_index: Mapping[str, Any], entries: Iterable[dict[str, str]], *,
                 clean: bool = True) -> str:
    """The theme's index (its config and the pages it indexed itself, made safe) plus ``entries``.

    Serialised as Material writes it (compact separators), with non-ASCII text kept as is.
    ``clean=False``: the theme's entries were made safe already (by an earlier call).
    """
    docs = []
    for doc in theme_index.get("docs", ()):
        doc = dict(doc)
        for name in ("title", "text"):
            if clean and isinstance(doc.get(name), str):
                doc[name] = search_safe_html(doc[name])
        docs.append(doc)
    docs.extend(entries)
    return json.dumps({"config": theme_index.get("config", {}), "docs": docs},
                      ensure_ascii=False, separators=(",", ":"))


def index_json(config: Mapping[str, Any], pages: Iterable[list[dict[str, Any]]],
               serialised: dict[int, tuple[list[dict[str, Any]], str]]) -> str:
    """The index document from entries made safe already, grouped by page, in order.

    The same bytes as :func:`merged_index` writes; each page's part is serialised once and
    kept in ``serialised`` (keyed by the entry list, which a page rendered again replaces),
    so rewriting the index after one page changed costs little more than joining strings.
    """
    parts = []
    for entries in pages:
        kept = serialised.get(id(entries))
        if kept is None or kept[0] is not entries:
            kept = (entries, ",".join(json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
                                      for entry in entries))
            serialised[id(entries)] = kept
        if kept[1]:
            parts.append(kept[1])
    head = json.dumps(dict(config), ensure_ascii=False, separators=(",", ":"))
    return f'{{"config":{head},"docs":[{",".join(parts)}]}}'

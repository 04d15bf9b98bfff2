"""Site stage for search: rendered Pages -> entries of the search index the theme's UI reads.

Every source page gets one entry for the page (its title and summary) followed by one entry
per section, located at ``<page url>#<section id>`` (``Section.id``, the row's ``id``), titled
by the section's first heading, else by the page title and the def/class the section
documents, else by the page title. The text is the section's notes as plain text (math,
scripts and the page's chrome such as "View source" or the "#" permalink are not part of a
section's notes HTML) followed by its code as ``<pre><code>``; block boundaries and table
cells become spaces, so words of neighbouring cells never run together. The page entry comes
first because the search UI takes the first entry of a URL as the page the others belong to.
Chinese text is segmented into words with jieba (as Material's own indexer does when jieba is
installed), the words joined by zero-width spaces, which the Chinese search separator splits
on; Japanese is left as it is, the UI segments it itself. Every title and text passes through
``render.sanitize.search_safe_html`` because the UI renders them with ``innerHTML``. The
result is the ``{"config", "docs"}`` document of Material's search plugin, whose ``config``
(language, separator, pipeline) the engine supplies. This module reads the Pages the build
rendered: it must not render notes, parse whole pages or write files.
"""

from __future__ import annotations

import html
import json
import logging
import re
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping

import nh3

from site_builder.model import Page, SourceFile
from site_builder.render.sanitize import search_safe_html

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


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, escaped for HTML, whitespace collapsed, math dropped."""
    spaced = _BLOCK_TAG.sub(r" <\1\2", fragment)
    text = nh3.clean(spaced, tags=set(), clean_content_tags=_DROPPED, attributes={}, strip_comments=True)
    return _SPACES.sub(" ", text).strip()


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
    return jieba.cut


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

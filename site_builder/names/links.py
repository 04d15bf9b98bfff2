"""Leaf renderer for code navigation: NameIndex + URLs -> links in the code, and hover-card data.

:func:`code_links` turns one file's resolved names (:mod:`site_builder.names.index`) into the
``(line, column, href, number)`` table that :func:`site_builder.render.highlight.highlight_sections`
wraps in ``<a class="… sb-n" href data-d>``; hrefs come from a function the site layer hands in,
so this module knows no URL scheme. :func:`card_entry` makes one definition's card: its
signature and the first paragraph of its section's notes, in the page's language when that
paragraph is translated and marked ``lang="en"`` when it is the English fallback. The cards of
a page go into one JSON file beside it (:func:`cards_document`), which the page script loads
on first use, so no card is repeated inline at each use of a name. Pure functions: no I/O.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from html.parser import HTMLParser

from site_builder.config import SOURCE_LANGUAGE
from site_builder.names.model import Definition, NameIndex
from site_builder.render.highlight import CodeLinks

#: Version of the cards file's layout, read by site_builder.js.
CARDS_FORMAT = 1
_P_START = re.compile(r"<p[\s>]")
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


def code_links(index: NameIndex, file_id: str, href_of: Callable[[Definition], str | None]) -> CodeLinks:
    """The links of one file's code: every resolved name whose definition has a page.

    ``href_of`` gives a definition's URL relative to this page (``#id`` on the same page), or
    None when the definition is not on any page of this language (then the name stays plain).
    """
    links: list[tuple[int, int, str, int]] = []
    hrefs: dict[int, str | None] = {}
    for (line, column), number in sorted(index.references_in(file_id).items()):
        if number not in hrefs:
            hrefs[number] = href_of(index.definitions[number])
        href = hrefs[number]
        if href:
            links.append((line, column, href, number))
    return tuple(links)


def linked_definitions(links: CodeLinks) -> tuple[int, ...]:
    """Numbers of the definitions a page links to, each once, in number order."""
    return tuple(sorted({number for _, _, _, number in links}))


class _FirstParagraph(HTMLParser):
    """Finds the first ``<p>`` of notes HTML and whether it sits in an English fallback block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[bool] = []
        """One entry per open element: is it (or an ancestor) a fallback block?"""
        self.start: tuple[int, int] | None = None
        self.end: tuple[int, int] | None = None
        self.depth = 0
        self.fallback = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.end is not None or tag in _VOID:
            return
        inherited = bool(self.stack and self.stack[-1])
        classes = (dict(attrs).get("class") or "").split()
        self.stack.append(inherited or "sb-fallback" in classes)
        if tag == "p" and self.start is None:
            self.start, self.depth, self.fallback = self.getpos(), len(self.stack), inherited

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # a void element opens nothing

    def handle_endtag(self, tag: str) -> None:
        if self.end is not None or not self.stack:
            return
        if self.start is not None and tag == "p" and len(self.stack) == self.depth:
            self.end = self.getpos()
        self.stack.pop()


# Cached: the cards of every page that uses a definition ask for the same section's paragraph.
@functools.lru_cache(maxsize=8192)
def first_paragraph(notes_html: str) -> tuple[str, bool]:
    """The first ``<p>…</p>`` of ``notes_html`` ('' if none), and whether it is English fallback.

    Only the text up to that paragraph's end is parsed: a page's first section can hold
    kilobytes of MathML after it, and every card of every page asks.
    """
    opening = _P_START.search(notes_html)
    closing = notes_html.find("</p>", opening.end()) if opening else -1
    if closing < 0:
        return "", False
    prefix = notes_html[:closing + len("</p>")]
    parser = _FirstParagraph()
    parser.feed(prefix)
    parser.close()
    if parser.start is None or parser.end is None:
        return "", False
    offsets = _line_offsets(prefix)
    start = offsets[parser.start[0] - 1] + parser.start[1]
    end = offsets[parser.end[0] - 1] + parser.end[1]
    return prefix[start:end] + "</p>", parser.fallback


#: A paragraph holding one display formula alone (and perhaps its closing punctuation).
_FORMULA_PARAGRAPH = re.compile(r'\s*<p>\s*(<math\b[^>]*\bdisplay="block".*?</math>)\s*([.,;。、．，]?)\s*</p>', re.S)
#: A formula longer than this (MathML characters) would fill the card: the card stops before it.
_SHORT_FORMULA = 2500
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
_INLINE_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")


def _ending_at_a_sentence(paragraph: str, notes_html: str) -> str:
    """A card's paragraph that ends with a colon takes the short formula it introduces, or
    stops at the sentence before, so a card never ends mid-thought (``…as a probability:``)."""
    text_end = re.sub(r"<[^>]+>", "", paragraph[:-len("</p>")]).rstrip()
    if not text_end.endswith((":", "：")):
        return paragraph
    rest = notes_html[notes_html.find(paragraph) + len(paragraph):]
    formula = _FORMULA_PARAGRAPH.match(rest)
    if formula and len(formula.group(1)) <= _SHORT_FORMULA:
        return paragraph[:-len("</p>")] + " " + formula.group(1) + (formula.group(2) or "") + "</p>"
    body = paragraph[:-len("</p>")]
    for end in reversed([m.start() for m in _SENTENCE_END.finditer(body)]):
        if end > body.find(">") and body.rfind("<", 0, end) < body.rfind(">", 0, end) and _balanced(body[:end]):
            return body[:end] + "</p>"
    return paragraph


def _balanced(html_prefix: str) -> bool:
    """Whether every element opened in ``html_prefix`` (past its ``<p>``) is closed in it."""
    depth = 0
    for closing, name, self_closing in _INLINE_TAG.findall(html_prefix):
        depth += -1 if closing else (0 if self_closing or name.lower() in _VOID else 1)
    return depth == 1  # the <p> itself


def _line_offsets(text: str) -> list[int]:
    offsets, total = [], 0
    for line in text.splitlines(keepends=True) or [""]:
        offsets.append(total)
        total += len(line)
    offsets.append(total)
    return offsets


def card_entry(definition: Definition, paragraph: int, *, where: str = "") -> dict[str, object]:
    """One card: ``s`` signature, ``p`` index of its notes paragraph (-1 for none), ``w`` the
    page it is defined on when that is another page."""
    entry: dict[str, object] = {"s": definition.signature, "p": paragraph}
    if where:
        entry["w"] = where
    return entry


def paragraph_entry(notes_html: str, lang: str) -> dict[str, str] | None:
    """The first paragraph of a section's notes as a card shows it: ``h`` its HTML, ``l`` its
    language when it is the English fallback on another language's page; None if it has none."""
    paragraph, fallback = first_paragraph(notes_html)
    if not paragraph:
        return None
    paragraph = _ending_at_a_sentence(paragraph, notes_html)
    entry = {"h": paragraph}
    if fallback and lang != SOURCE_LANGUAGE:
        entry["l"] = SOURCE_LANGUAGE
    return entry


def cards_document(cards: Mapping[int, Mapping[str, object]], paragraphs: Sequence[Mapping[str, str]],
                   lang: str, strings: Mapping[str, str]) -> str:
    """The JSON file of a page's cards: ``{"v", "lang", "ui", "defs": {number: card}, "paras"}``.

    Paragraphs are listed once and referred to by index: several names (a class and the
    attributes it describes) often share one.
    """
    return json.dumps({"v": CARDS_FORMAT, "lang": lang, "ui": dict(strings),
                       "defs": {str(number): dict(card) for number, card in sorted(cards.items())},
                       "paras": [dict(p) for p in paragraphs]},
                      ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def definitions_by_file(index: NameIndex, numbers: Iterable[int]) -> dict[str, list[Definition]]:
    """The definitions ``numbers`` name, grouped by the file that holds them."""
    grouped: dict[str, list[Definition]] = {}
    for number in numbers:
        definition = index.definitions[number]
        grouped.setdefault(definition.file_id, []).append(definition)
    return grouped

"""Notes stage: notes Markdown (``Section.notes``) -> key HTML with placeholders (:class:`Masked`).

The key of a unit is the HTML the corpus generator produced, so this module reproduces its
output byte for byte. Python-Markdown does the parsing (one instance, ``reset()`` per call,
configured with :class:`site_builder.render.masking.MaskingExtension` and without numbered lists);
the key serializer here walks its element tree. What the serializer must reproduce:

* text is escaped with ``html.escape(quote=True)`` (``'`` -> ``&#x27;``, ``"`` -> ``&quot;``);
* a line break inside a block becomes one space, and the indentation of the next line
  (any amount) one more;
* every block ends with ``\\n``, except a bare placeholder (display math environment, code
  block), which stands without ``<p>`` and without a newline;
* lists are ``<ul><li>first </li>\\n<li>last</li></ul>\\n``: each item but the last keeps the
  space its line break became (two when the next item is indented), nested lists are
  flattened into their parent;
* ``<code>``, ``<img>`` and masked math become ``<span translate=no>_^_N_^_</span>``,
  numbered from 0 in document order with one counter;
* raw inline HTML (``<a id="x"></a>``) is kept as written; ``<...>`` that names no HTML
  element (``<module>``, ``<jyasskin at gmail.com>``) is text, escaped like any other;
* a doctest block (``>>>`` lines and their output) is one code placeholder, like a fence.

The edge quirks (the one place they live; ``parse`` only keeps the newlines they come from):
notes that start with a newline (a docstring whose text starts on the next line) put a
space at the start of a first paragraph; notes that end with a newline on a non-blank line
(comments, one-line docstrings) put a space at the end of a last paragraph or list item,
or an empty ``<p> </p>`` after a final bare placeholder; notes that are one line break (a
lone ``#``) give ``<p> </p>``, and blank lines alone give nothing. This module must not read files
or know about sections.
"""

from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import cast

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.footnotes import FN_BACKLINK_TEXT, NBSP_PLACEHOLDER
from markdown.inlinepatterns import (
    HTML_RE,
    DelimiterProcessor,
    DoubleTagInlineProcessor,
    HtmlInlineProcessor,
    SimpleTagInlineProcessor,
    SimpleTextInlineProcessor,
)
from markdown.preprocessors import HtmlBlockPreprocessor, Preprocessor
from markdown.util import AMP_SUBSTITUTE, HTML_PLACEHOLDER_RE

from site_builder.model import Masked, Protected
from site_builder.render.cjk_breaks import CjkBreaksExtension
from site_builder.render.docfields import docstring_elements
from site_builder.render.docmarkdown import DocstringMarkdownExtension
from site_builder.render.inline_prefilter import inline_processor
from site_builder.render.masking import TOKEN, MaskingExtension, Slots, Stashed, number_placeholders
from site_builder.source.docstrings import DocstringStyle, parse_docstring

_SPACES = re.compile(r"[ \t]+")
_PARAM = re.compile(r"^ ?:param[ \t]+(\w+):")
_RETURN = re.compile(r"^ ?:return:")
#: Stands for "Returns" in a ``:return:`` item; the item is written as a paragraph.
_RETURNS = "\x02sbreturns\x03"
_ITEM = re.compile(r"^ ?[*+-] ")
_INDENTED_ITEM = re.compile(r"^ [*+-] ")
#: Marks an item whose next item was indented: the line break before it plus that
#: indentation became two spaces in the corpus renderer.
_GAP = "\x02sbgap\x03"
_RETURNS_HTML = "<em>Returns</em>"
_EMPTY_PARAGRAPH = "<p> </p>\n"
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
#: A dunder name (``__init__``): literal, not ``<strong>init</strong>``.
_DUNDER = r"((?<![\w*])__[A-Za-z0-9]\w*?__(?!\w))"
#: ``*`` or ``**`` between ASCII letters, digits or brackets, a digit or bracket on at least
#: one side (``a[2*k+1]``, ``x**2``, ``f(x)*g``): literal. ``*n*th`` is still emphasis.
_CODE_STAR = (r"((?<=[0-9\])])\*{1,2}(?=[A-Za-z0-9(\[])"
              r"|(?<=[A-Za-z0-9\])])\*{1,2}(?=[0-9(\[]))")
#: An address written the spam-proof way: ``<jyasskin at gmail.com>``.
_AT_ADDRESS = re.compile(r"<[\w.+-]+ at [\w-]+(?:\.[\w-]+)+>")
_TAG_NAME = re.compile(r"</?([A-Za-z][\w-]*)")
#: The element names inline HTML in notes may use; any other ``<word ...>`` is text.
_HTML_ELEMENTS = frozenset("""
    a abbr acronym address area article aside audio b base bdi bdo big blockquote body br button
    canvas caption center cite code col colgroup data datalist dd del details dfn dialog div dl dt
    em embed fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 head header hgroup hr
    html i iframe img input ins kbd label legend li link main map mark menu meta meter nav nobr
    noscript object ol optgroup option output p param picture pre progress q rp rt ruby s samp
    script section select slot small source span strike strong style sub summary sup table tbody
    td template textarea tfoot th thead time title tr track tt u ul var video wbr
    svg g path circle ellipse line polyline polygon rect text tspan defs use symbol marker
    lineargradient radialgradient stop clippath mask pattern image foreignobject
    math mi mn mo ms mtext mrow msub msup msubsup mfrac msqrt mroot mover munder munderover
    mtable mtr mtd mspace mstyle semantics annotation
""".split())


@dataclass(frozen=True, slots=True)
class RenderedNotes:
    """One section's notes as a whole key and as top-level blocks (each numbered from 0)."""

    whole: Masked
    blocks: tuple[Masked, ...]


class _SpacingPreprocessor(Preprocessor):
    """The corpus renderer's spacing, applied to the text that stays text (after masking).

    Each line loses its trailing spaces and every run of spaces (indentation included)
    becomes one; so an indented line continues its paragraph or list item with one space
    more, and nothing is indented enough to be a code block or a nested list. Then the
    docstring fields become list items: ``:param name:`` an item for ``name`` and
    ``:return:`` one that the serializer writes as ``<p><em>Returns</em> …</p>`` inside the
    list (each adds its own space to the one that followed the field).
    """

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        in_list = False
        for line in lines:
            line = line.rstrip()
            # Each substitution only where its pattern can match (a lone space stays itself).
            if "  " in line or "\t" in line:
                line = _SPACES.sub(" ", line)
            if ":param" in line:
                line = _PARAM.sub(r"* `\1` ", line)
            if ":return:" in line:
                line = _RETURN.sub("* " + _RETURNS + " ", line)
            if not out or not out[-1]:
                # Markdown decides from a block's first line whether the block is a list.
                in_list = bool(_ITEM.match(line))
            elif in_list and _INDENTED_ITEM.match(line):
                out[-1] += _GAP
            out.append(line)
        return out


class _DialectExtension(Extension):
    """The corpus renderer's dialect on top of Python-Markdown's defaults.

    | processor                 | where             | priority | why                              |
    |---------------------------|-------------------|----------|----------------------------------|
    | ``corpus_spacing``        | ``preprocessors`` | 24       | after masking (25), before raw   |
    |                           |                   |          | HTML blocks are found (20)       |
    | ``html_block``            | ``preprocessors`` | 20       | stock, not run without ``<``/``&``|
    | ``inline``                | ``treeprocessors``| 20       | stock, patterns prefiltered      |
    | ``html``                  | ``inlinePatterns``| 90       | only known elements are HTML     |
    | ``literal_star``          | ``inlinePatterns``| 75       | ``2*k``, ``x**2`` are text       |
    | ``not_strong``            | ``inlinePatterns``| 70       | a ``*`` between spaces is text   |
    | ``em_strong``/``strong_em``| ``inlinePatterns``| 65/64   | ``***`` runs                     |
    | ``strong``, ``emphasis``  | ``inlinePatterns``| 62, 60   | ``**x**`` first, then ``*x*``    |
    | ``literal_dunder``        | ``inlinePatterns``| 55       | ``__init__`` is text, not bold   |
    | ``em_strong_underscore``  | ``inlinePatterns``| 50       | ``_`` as Python-Markdown does it |

    The asterisk rules are the older Python-Markdown ones the corpus was made with: one pass
    per pattern, and a ``*`` counts as a delimiter unless a space or the start of the text
    is on its left and a space or the end on its right. So the ``*`` bullets of a list
    written straight under a paragraph line (not a list there) pair up into ``<em>``.
    Numbered lists are not recognised at all (the ``olist`` block processor is removed).
    Three rules for docstrings written for plain-text readers change no key the public
    corpus has a translation for: a ``*`` in code-like text (a digit or bracket beside it),
    a dunder name, and ``<...>`` naming no HTML element (``<jyasskin at gmail.com>``,
    ``<module>``) stay literal text.
    """

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_SpacingPreprocessor(md), "corpus_spacing", 24)
        md.preprocessors.register(_TextOnlyHtmlBlocks(md), "html_block", 20)
        md.parser.blockprocessors.deregister("olist")
        md.treeprocessors.deregister("prettify")
        # The same inline stage, faster: patterns are not tried where they cannot match.
        md.treeprocessors.register(inline_processor(md), "inline", 20)
        patterns = md.inlinePatterns
        patterns.deregister("em_strong")
        patterns.register(SimpleTextInlineProcessor(r"((^| )(\*|_)( |$))"), "not_strong", 70)
        patterns.register(DoubleTagInlineProcessor(r"(\*)\1{2}(.+?)\1{2}(.*?)\1", "em,strong"), "strong_em", 64)
        patterns.register(DoubleTagInlineProcessor(r"(\*)\1{2}(.+?)\1(.*?)\1{2}", "strong,em"), "em_strong", 65)
        patterns.register(SimpleTagInlineProcessor(r"(\*{2})(.+?)\1", "strong"), "strong", 62)
        patterns.register(SimpleTagInlineProcessor(r"(\*)([^*]+)\1", "em"), "emphasis", 60)
        patterns.register(DelimiterProcessor("_", "strong,em", md, smart=True), "em_strong_underscore", 50)
        patterns.register(SimpleTextInlineProcessor(_DUNDER), "literal_dunder", 55)
        patterns.register(SimpleTextInlineProcessor(_CODE_STAR), "literal_star", 75)
        patterns.register(_HtmlOrTextProcessor(HTML_RE, md), "html", 90)


class _TextOnlyHtmlBlocks(HtmlBlockPreprocessor):
    """Python-Markdown's raw-HTML block finder, not started on notes without ``<`` or ``&``.

    Exact: its HTML parser looks for nothing else (``[&<]``), so such text goes through it
    as one run of data, unchanged, and nothing is stashed; the parser is the costly part.
    """

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        if "<" not in source and "&" not in source:
            return source.split("\n")
        return super().run(lines)


class _HtmlOrTextProcessor(HtmlInlineProcessor):
    """Raw inline HTML stays HTML; ``<jyasskin at gmail.com>``, ``<module>`` and other
    ``<...>`` text whose name is no HTML element stay text (escaped, never deleted)."""

    def handleMatch(  # type: ignore[override]  # InlineProcessor's (data, start, end) API, not Pattern's
            self, m: re.Match[str], data: str) -> tuple[etree.Element | str | None, int | None, int | None]:
        if _is_html(m.group(1)):
            return super().handleMatch(m, data)
        return m.group(1), m.start(0), m.end(0)


def _is_html(raw: str) -> bool:
    name = _TAG_NAME.match(raw)
    if name is None:
        return True  # a comment, processing instruction or CDATA section
    if _AT_ADDRESS.fullmatch(raw):
        return False
    return name.group(1).lower() in _HTML_ELEMENTS or "-" in name.group(1)  # custom elements


class _Renderer:
    """A Markdown instance and the serializer that reads its tree.

    ``extended``: with Python-Markdown's footnotes, definition lists and tables. Their block
    processors test every block, so notes that cannot use them (no ``|``, ``[^`` or ``:``
    definition line: :func:`_may_extend`) go through an instance without them, the same
    output at about two thirds of the cost.
    """

    def __init__(self, extended: bool = True) -> None:
        self.masking = MaskingExtension()
        # CjkBreaksExtension: notes written in Japanese or Chinese wrap like English ones, and
        # a wrapped line must not become a space between two characters on the page.
        self.md = Markdown(extensions=[self.masking, _DialectExtension(), CjkBreaksExtension(),
                                       DocstringMarkdownExtension(self.masking, extended=extended)],
                           output_format="html")
        # The stages in order, read from their registries once (they are complete once the
        # constructor has run the extensions) instead of sorted and copied on every call.
        self._preprocessors = list(self.md.preprocessors)
        self._treeprocessors = list(self.md.treeprocessors)

    def render(self, markdown: str, style: DocstringStyle | None = None) -> RenderedNotes:
        self.md.reset()
        lead, trail = _edges(markdown)
        if not markdown.strip():
            return _blank(markdown)
        parsed = parse_docstring(markdown, style) if style is not None else None
        if parsed is not None:
            lead = trail = False  # the corpus' edge spaces are for Markdown notes only
        if parsed is None:
            root = self._tree(markdown.strip("\n"))
        else:
            root = etree.Element("div")
            root.extend(docstring_elements(parsed, self._blocks))
            root = self._inline(root)
        # Only md_in_html stashes elements, and the dialect does not load it: every block is text.
        writer = _Writer(self.masking.stash, cast("list[str]", self.md.htmlStash.rawHtmlBlocks))
        blocks = _apply_edges([writer.block(element) for element in root], lead, trail)
        return _finish(blocks)

    def _tree(self, text: str) -> etree.Element:
        # Markdown.convert without its serializer and postprocessors: the same stages in order.
        root = etree.Element("div")
        root.extend(self._blocks(text))
        return self._inline(root)

    def _blocks(self, text: str) -> list[etree.Element]:
        """The block elements of one Markdown text (inline content not parsed yet)."""
        lines = text.strip("\n").split("\n")
        for preprocessor in self._preprocessors:
            lines = preprocessor.run(lines)
        root = self.md.parser.parseDocument(lines).getroot()
        return [] if root is None else list(root)

    def _inline(self, root: etree.Element) -> etree.Element:
        for treeprocessor in self._treeprocessors:
            root = treeprocessor.run(root) or root
        return root


#: Built on first use and reused for every call (a Markdown instance costs about as much
#: as rendering a section); like Python-Markdown itself it is not thread-safe.
_RENDERERS: dict[bool, _Renderer] = {}
#: What the footnotes, definition lists and tables need to find anything: a ``|`` (a table
#: row), ``[^`` (a footnote) or a line starting with ``:`` and a space (a definition).
_EXTENDED_SYNTAX = re.compile(r"\||\[\^|^ {0,3}:[ \t]", re.M)


def _may_extend(markdown: str) -> bool:
    return _EXTENDED_SYNTAX.search(markdown) is not None


def _renderer(extended: bool = True) -> _Renderer:
    if extended not in _RENDERERS:
        _RENDERERS[extended] = _Renderer(extended)
    return _RENDERERS[extended]


def render_notes(markdown: str, docstring: DocstringStyle | str | None = None) -> Masked:
    """The key HTML of one section's notes, placeholders numbered from 0.

    ``docstring``: the notes are a docstring, read in this convention (``auto``: detected);
    None for comments and Markdown pages.
    """
    return _render_once(markdown, None if docstring is None else DocstringStyle(docstring)).whole


def render_blocks(markdown: str, docstring: DocstringStyle | str | None = None) -> RenderedNotes:
    """The whole key and its top-level blocks (for sections too long for one key)."""
    return _render_once(markdown, None if docstring is None else DocstringStyle(docstring))


#: The same notes recur across a corpus (a shared docstring, "Initialize", a class's
#: argument list copied into its subclasses). A render depends on the text alone --
#: ``md.reset()`` empties everything Python-Markdown, the masking stash and the ``_``
#: delimiter keep between calls -- and :class:`RenderedNotes` is immutable, so a repeat
#: shares the first result. Bounded: a few megabytes at most.
@functools.lru_cache(maxsize=8192)
def _render_once(markdown: str, style: DocstringStyle | None) -> RenderedNotes:
    return _renderer(_may_extend(markdown)).render(markdown, style)


# --- edges ------------------------------------------------------------------------------------


def _blank(markdown: str) -> RenderedNotes:
    """Notes with no text: one line break is a paragraph of one space (a lone ``#``); a
    blank line is nothing at all (a docstring that held only front matter)."""
    if not markdown or "\n\n" in _SPACES.sub("", markdown):
        return RenderedNotes(Masked(""), ())
    empty = Masked(_EMPTY_PARAGRAPH)
    return RenderedNotes(empty, (empty,))


def _edges(markdown: str) -> tuple[bool, bool]:
    """(lead, trail): a single newline before the first line / after a non-blank last line."""
    lines = markdown.split("\n")
    lead = len(lines) > 1 and lines[0] == "" and lines[1].strip() != ""
    trail = len(lines) > 1 and lines[-1] == "" and lines[-2].strip() != ""
    return lead, trail


@dataclass(slots=True)
class _Block:
    """A top-level block being written: its HTML in parts, and its originals in order."""

    kind: str
    """``p``, ``heading``, ``list``, ``bare`` or ``other``."""
    parts: list[str]
    originals: list[Protected]


def _apply_edges(blocks: list[_Block], lead: bool, trail: bool) -> list[_Block]:
    if lead and blocks and blocks[0].kind == "p":
        blocks[0].parts.insert(1, " ")
    if trail and blocks:
        last = blocks[-1]
        if last.kind in ("p", "list"):
            last.parts.insert(len(last.parts) - 1, " ")
        elif last.kind == "bare":
            blocks.append(_Block("p", [_EMPTY_PARAGRAPH], []))
    return blocks


def _finish(blocks: Sequence[_Block]) -> RenderedNotes:
    """The whole key (placeholders numbered on across blocks) and each block on its own."""
    originals: list[Protected] = []
    whole: list[str] = []
    alone: list[Masked] = []
    for block in blocks:
        # The gap marker becomes its space only now, after list items were stripped.
        text = "".join(block.parts).replace(_GAP, " ")
        own = number_placeholders(text, 0)
        alone.append(Masked(own, tuple(block.originals)))
        # Numbered from 0 on its own; in the whole key, after the blocks before it (the same
        # text when nothing precedes it).
        whole.append(number_placeholders(text, len(originals)) if originals else own)
        originals.extend(block.originals)
    return RenderedNotes(Masked("".join(whole), tuple(originals)), tuple(alone))


# --- the key serializer -----------------------------------------------------------------------


class _Writer:
    """Serializes top-level elements; each block numbers its placeholders from 0."""

    def __init__(self, stash: Sequence[Stashed], raw_html: Sequence[str]) -> None:
        self.stash = stash
        self.raw_html = raw_html
        self.slots = Slots(stash)

    def block(self, element: etree.Element) -> _Block:
        """Write one top-level element."""
        self.slots = Slots(self.stash)
        kind, parts = self._write(element)
        return _Block(kind, parts, self.slots.originals)

    def _write(self, element: etree.Element) -> tuple[str, list[str]]:
        tag = element.tag
        if tag == "p":
            bare = self.slots.bare_block(element)
            if bare is not None:
                return "bare", [bare]
            if element.get("class"):  # a docstring section's title
                return "other", [f"<p{_attributes(element)}>", self.inline(element), "</p>\n"]
            return "p", ["<p>", self.inline(element), "</p>\n"]
        if tag in _HEADINGS:
            return "heading", [f"<{tag}>", self.inline(element), f"</{tag}>\n"]
        if tag in ("ul", "ol"):
            body, close = self._items(element)
            return "list", [f"<{tag}>", body, f"{close}</{tag}>\n"]
        if tag == "pre":
            return "bare", [self.slots.code_block(element)]
        if tag == "hr":
            return "other", ["<hr/>\n"]
        if tag == "dl":
            return "other", [f"<dl{_attributes(element)}>", *map(self._term, element), "</dl>\n"]
        if tag == "table":
            return "other", ["<table>", *map(self._table_part, element), "</table>\n"]
        if tag == "div" and element.get("class") == "footnote":
            return "other", ['<div class="footnote"><hr/>\n', *self._footnotes(element), "</div>\n"]
        return "other", [f"<{tag}{_attributes(element)}>", self._blocks(element), f"</{tag}>\n"]

    def _blocks(self, element: etree.Element) -> str:
        return "".join("".join(self._write(child)[1]) for child in element)

    # definition lists (docstring fields, ``def_list``), tables and footnotes

    def _term(self, element: etree.Element) -> str:
        """A ``<dt>`` on its line; a ``<dd>`` as one paragraph's text when it is only that."""
        tag = element.tag
        children = list(element)
        if tag == "dd" and len(children) == 1 and children[0].tag == "p" \
                and not children[0].get("class") and self.slots.bare_block(children[0]) is None:
            return f"<dd>{self.inline(children[0]).strip()}</dd>\n"
        if tag == "dd" and any(child.tag in ("p", "ul", "ol", "pre", "div", "dl", "table")
                               for child in children):
            return f"<dd>{self._blocks(element)}</dd>\n"
        return f"<{tag}>{self.inline(element).strip()}</{tag}>\n"

    def _table_part(self, element: etree.Element) -> str:
        if element.tag in ("thead", "tbody", "tr"):
            return f"<{element.tag}>{''.join(map(self._table_part, element))}</{element.tag}>"
        return f"<{element.tag}>{self.inline(element).strip()}</{element.tag}>"

    def _footnotes(self, element: etree.Element) -> Iterator[str]:
        for child in element:
            if child.tag != "ol":
                continue
            yield "<ol>"
            for item in child:
                paragraphs = " ".join(self.inline(p).strip() for p in item if p.tag == "p")
                yield f'<li id="{html.escape(item.get("id", ""))}">{paragraphs}</li>\n'
            yield "</ol>"

    # lists

    def _items(self, element: etree.Element) -> tuple[str, str]:
        """The items joined by newlines, and the closing tag of the last one (kept apart so
        the trailing-space quirk can go in front of it)."""
        pieces = []
        items = list(_flatten(element))
        for index, item in enumerate(items):
            text = self._item(item)
            tag = "p" if text.startswith(_RETURNS_HTML) else "li"
            last = index == len(items) - 1
            pieces.append(f"<{tag}>{text}" + ("" if last else f" </{tag}>\n"))
        return "".join(pieces), f"</{tag}>" if items else ""

    def _item(self, item: etree.Element) -> str:
        # A loose item holds paragraphs; their text runs together like a tight item's.
        paragraphs = [self.inline(child).strip() for child in item if child.tag == "p"]
        return " ".join([self.inline(item).strip(), *paragraphs]).strip()

    # inline content

    def inline(self, element: etree.Element) -> str:
        parts = [self._text(element.text or "")]
        for child in element:
            if child.tag in ("ul", "ol", "p"):
                continue  # nested blocks are flattened or written by their parent
            parts.append(self._element(child))
            parts.append(self._text(child.tail or ""))
        return "".join(parts)

    def _element(self, element: etree.Element) -> str:
        tag = element.tag
        if tag == "code":
            return self.slots.code_span(element)
        if tag == "img":
            return self.slots.image(element)
        if tag == "br":
            return "<br/>"
        return f"<{tag}{_attributes(element)}>{self.inline(element)}</{tag}>"

    def _text(self, text: str) -> str:
        if not text:
            return ""
        if "\x02" not in text:
            # Masking tokens, raw-HTML placeholders, the ``&`` stand-in and the Returns marker
            # all start with STX: plain text is only escaped (what the general path gives it).
            return html.escape(text.replace("\n", " "), quote=True)
        pieces = TOKEN.split(text.replace("\n", " "))
        return "".join(self.slots.token(int(piece)) if index % 2 else self._plain(piece)
                       for index, piece in enumerate(pieces))

    def _plain(self, text: str) -> str:
        pieces = HTML_PLACEHOLDER_RE.split(text)
        return "".join(self.raw_html[int(piece)] if index % 2 else _escape_plain(piece)
                       for index, piece in enumerate(pieces))


def _escape_plain(text: str) -> str:
    text = html.escape(_unescape_amp(text), quote=True).replace(_RETURNS, _RETURNS_HTML)
    if "\x02" in text:  # footnotes' stand-ins, which Python-Markdown's postprocessor would replace
        text = text.replace(FN_BACKLINK_TEXT, "&#8617;").replace(NBSP_PLACEHOLDER, "&#160;")
    return text


def _attributes(element: etree.Element) -> str:
    return "".join(f' {name}="{html.escape(_unescape_amp(value), quote=True)}"'
                   for name, value in element.items() if name != "style")


def _flatten(element: etree.Element) -> Iterator[etree.Element]:
    for item in element:
        if item.tag != "li":
            continue
        yield item
        for child in item:
            if child.tag in ("ul", "ol"):
                yield from _flatten(child)


def _unescape_amp(text: str) -> str:
    return text.replace(AMP_SUBSTITUTE, "&")

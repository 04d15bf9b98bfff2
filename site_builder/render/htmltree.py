"""HTML trees: key or value HTML -> a small tree, its visible text, its structural problems.

One parser and one tag table serve the build (``render.page`` falls back to English when a
value has a structural problem) and the translators' checks (``translators.checks`` compares
a value's tree with its key's), so a value the build refuses is always one ``check``
reports, under the same check id:

=================== ====================================================================
id                  what it means
=================== ====================================================================
nested-link         a link inside another link
block-in-paragraph  a block element (``<ul>``, ``<div>``, ``<h2>``...) inside ``<p>``: a
                    browser ends the paragraph there and the page is rearranged
unbalanced-tags     a tag is not closed, closed twice, or closed out of order
=================== ====================================================================

The parser is the standard library's ``html.parser`` driven by a tree builder that closes
what the HTML leaves open and notes each repair (see ``bench/htmltree.py`` for why not
Beautiful Soup: it repairs the same defects silently, which is what we must report, and
costs more). A canonical placeholder becomes a :class:`Placeholder` leaf. Pure: strings
in, values out; never raises on malformed input.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Iterator, Sequence

from site_builder.core.placeholders import CANONICAL

#: Elements with no content and no end tag.
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                       "param", "source", "track", "wbr"})
#: Tags that make a block: text, links and placeholders must sit inside one of these.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "details", "div", "dl", "dd", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
})
#: The blocks whose start tag makes a browser close an open ``<p>`` (the HTML parsing
#: rules); table parts are not among them, they are misplaced anywhere outside a table.
CLOSES_PARAGRAPH = BLOCK_TAGS - {"tbody", "td", "tfoot", "th", "thead", "tr"}


@dataclass(frozen=True, slots=True)
class Text:
    """Character data, entities already decoded."""

    data: str


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A canonical ``<span translate=no>_^_N_^_</span>``."""

    number: int


@dataclass(frozen=True, slots=True)
class Element:
    """Any other tag with its attributes (values decoded) and children."""

    tag: str
    attrs: tuple[tuple[str, str], ...]
    children: tuple["Node", ...] = ()

    def attr(self, name: str) -> str | None:
        return next((value for key, value in self.attrs if key == name), None)


Node = Text | Placeholder | Element


@dataclass(frozen=True, slots=True)
class ParsedHtml:
    """A value or key parsed: the top-level nodes and what the parser saw go wrong."""

    nodes: tuple[Node, ...]
    nested_links: tuple[str, ...] = ()
    """One description per ``<a>`` opened inside another ``<a>``."""
    blocks_in_paragraph: tuple[str, ...] = ()
    """One description per block element opened inside a ``<p>`` (``<ul> inside <p>``)."""
    tag_problems: tuple[str, ...] = ()
    """Unclosed, stray or out-of-order tags, described."""


class _TreeBuilder(HTMLParser):
    """Builds :class:`ParsedHtml`, closing what HTML leaves open and noting each repair."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, list[tuple[str, str]], list[Node], str]] = [("", [], [], "")]
        self.nested: list[str] = []
        self.in_paragraph: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pairs = [(name, value or "") for name, value in attrs]
        if tag in CLOSES_PARAGRAPH and any(open_tag == "p" for open_tag, *_ in self.stack):
            self.in_paragraph.append(f"<{tag}> inside <p>")
        if tag in VOID_TAGS:
            self.stack[-1][2].append(Element(tag, tuple(pairs)))
            return
        if tag == "a" and any(open_tag == "a" for open_tag, *_ in self.stack):
            outer = next(a for t, a, *_ in reversed(self.stack) if t == "a")
            self.nested.append(f"{show_tag('a', pairs)} inside {show_tag('a', outer)}")
        self.stack.append((tag, pairs, [], self.get_starttag_text() or ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1][2].append(Element(tag, tuple((n, v or "") for n, v in attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        open_tags = [entry[0] for entry in self.stack]
        if tag not in open_tags[1:]:
            self.problems.append(f"</{tag}> closes nothing")
            return
        while self.stack[-1][0] != tag:
            self.problems.append(f"<{self.stack[-1][0]}> is closed by </{tag}>")
            self._pop()
        self._pop()

    def handle_data(self, data: str) -> None:
        siblings = self.stack[-1][2]
        if siblings and isinstance(siblings[-1], Text):
            siblings[-1] = Text(siblings[-1].data + data)
        else:
            siblings.append(Text(data))

    def _pop(self) -> None:
        tag, attrs, children, raw = self.stack.pop()
        self.stack[-1][2].append(_element_or_placeholder(tag, attrs, children, raw))

    def result(self) -> ParsedHtml:
        self.close()
        while len(self.stack) > 1:
            self.problems.append(f"<{self.stack[-1][0]}> is never closed")
            self._pop()
        return ParsedHtml(tuple(self.stack[0][2]), tuple(self.nested), tuple(self.in_paragraph),
                          tuple(self.problems))


def _element_or_placeholder(tag: str, attrs: list[tuple[str, str]], children: list[Node],
                            raw: str) -> Node:
    """A canonical ``<span translate=no>_^_N_^_</span>`` becomes a Placeholder leaf."""
    if tag == "span" and len(children) == 1 and isinstance(children[0], Text):
        match = CANONICAL.fullmatch(f"{raw}{children[0].data}</span>")
        if match:
            return Placeholder(int(match.group(1)))
    return Element(tag, tuple(attrs), tuple(children))


def parse_html(html: str) -> ParsedHtml:
    """Parse key or value HTML into a tree, never raising: repairs are listed instead."""
    builder = _TreeBuilder()
    builder.feed(html)
    return builder.result()


def show_tag(tag: str, attrs: Sequence[tuple[str, str]]) -> str:
    """A start tag for a message, with only the attributes that identify it (href, id)."""
    shown = "".join(f' {name}="{value}"' for name, value in attrs if name in ("href", "id"))
    return f"<{tag}{shown}>"


def iter_elements(nodes: Sequence[Node]) -> Iterator[Element]:
    """Every element under ``nodes``, depth first, in document order."""
    for node in nodes:
        if isinstance(node, Element):
            yield node
            yield from iter_elements(node.children)


def visible_text(html: str, *, placeholders: str = " ") -> str:
    """The text a reader sees (tags dropped, entities decoded); placeholders become ``placeholders``."""
    return text_of(parse_html(html).nodes, placeholders)


def text_of(nodes: Sequence[Node], placeholder_text: str = " ") -> str:
    """The visible text of parsed nodes (script and style content left out)."""
    parts = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(node.data)
        elif isinstance(node, Placeholder):
            parts.append(placeholder_text)
        elif node.tag not in ("script", "style"):
            parts.append(text_of(node.children, placeholder_text))
    return "".join(parts)


def structural_problems(parsed: ParsedHtml) -> list[tuple[str, str]]:
    """(check id, description) of each structural problem, by check id in the table's order."""
    return ([("nested-link", f"a link inside another link: {text}") for text in parsed.nested_links]
            + [("block-in-paragraph", text) for text in parsed.blocks_in_paragraph]
            + [("unbalanced-tags", text) for text in parsed.tag_problems])


def html_problem(value: str) -> tuple[str, str] | None:
    """(check id, description) of the first structural problem of ``value``; None when it has none.

    The build asks this of every translated value, so plain markup (quoted attributes, no
    comments, no raw-text elements) is checked by :func:`_simple_problems` without building
    a tree; anything else goes through the full parser. Both give the same answer.
    """
    problems = _simple_problems(value)
    if problems is None:
        problems = structural_problems(parse_html(value))
    return problems[0] if problems else None


# A start tag, an end tag or a self-closing tag in its plainest spelling; text holds no '<'.
_SIMPLE_TOKEN = re.compile(
    r"""([^<]*)(?:<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z_][-a-zA-Z0-9_:.]*(?:="[^"<>]*"|='[^'<>]*'|=[^\s"'=<>`/]+(?=[\s>]))?)*)\s*(/?)>"""
    r"""|</([a-zA-Z][a-zA-Z0-9]*)\s*>|\Z)""")
_SIMPLE_ATTR = re.compile(r"""\s+([a-zA-Z_][-a-zA-Z0-9_:.]*)(?:="([^"<>]*)"|='([^'<>]*)'|=([^\s"'=<>`/]+(?=\s|\Z)))?""")
#: Elements whose content the parser reads as raw text: left to the full parser.
_RAW_TEXT_TAGS = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                            "noframes", "noscript", "plaintext"})


def _simple_problems(value: str) -> list[tuple[str, str]] | None:
    """The structural problems of ``value`` as :class:`_TreeBuilder` finds them, or None when
    ``value`` is not plain enough to tokenise with one regular expression."""
    stack: list[tuple[str, list[tuple[str, str]]]] = []
    nested, in_paragraph, problems = [], [], []
    position, end = 0, len(value)
    while True:
        match = _SIMPLE_TOKEN.match(value, position)
        if match is None:
            return None
        if match.end() == end and match.group(2) is None and match.group(5) is None:
            break  # the trailing text
        position = match.end()
        if match.group(5) is not None:
            tag = match.group(5).lower()
            if tag in _RAW_TEXT_TAGS:
                return None
            if tag in VOID_TAGS:
                continue
            if all(open_tag != tag for open_tag, _ in stack):
                problems.append(f"</{tag}> closes nothing")
                continue
            while stack[-1][0] != tag:
                problems.append(f"<{stack.pop()[0]}> is closed by </{tag}>")
            stack.pop()
            continue
        tag = match.group(2).lower()
        if tag in _RAW_TEXT_TAGS:
            return None
        if match.group(4):
            continue  # <x/>: the parser reports it apart and it opens nothing
        pairs = [(attr.group(1).lower(), html.unescape(attr.group(2) or attr.group(3) or attr.group(4) or ""))
                 for attr in _SIMPLE_ATTR.finditer(match.group(3))] if match.group(3) else []
        if tag in CLOSES_PARAGRAPH and any(open_tag == "p" for open_tag, _ in stack):
            in_paragraph.append(f"<{tag}> inside <p>")
        if tag in VOID_TAGS:
            continue
        if tag == "a" and any(open_tag == "a" for open_tag, _ in stack):
            outer = next(attrs for open_tag, attrs in reversed(stack) if open_tag == "a")
            nested.append(f"{show_tag('a', pairs)} inside {show_tag('a', outer)}")
        stack.append((tag, pairs))
    problems.extend(f"<{tag}> is never closed" for tag, _ in reversed(stack))
    return ([("nested-link", f"a link inside another link: {text}") for text in nested]
            + [("block-in-paragraph", text) for text in in_paragraph]
            + [("unbalanced-tags", text) for text in problems])

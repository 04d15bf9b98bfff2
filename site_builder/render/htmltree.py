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
placeholder-in-     a placeholder (or a piece of one) inside an attribute value: placeholders
attribute           are restored in text only, so the attribute would show the marker
=================== ====================================================================

The parser is the standard library's ``html.parser`` driven by a tree builder that closes
what the HTML leaves open and notes each repair (see ``bench/htmltree.py`` for why not
Beautiful Soup: it repairs the same defects silently, which is what we must report, and
costs more). A canonical placeholder becomes a :class:`Placeholder` leaf. Pure: strings
in, values out; never raises on malformed input.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from site_builder.render.htmltokens import (  # noqa: F401 - PLAIN_* are read from here too
    PLAIN_ATTRIBUTES,
    PLAIN_TAG,
    RAW_TEXT_TAGS,
    STRIDE,
    attributes,
    plain_tokens,
)
from site_builder.render.placeholders import CANONICAL, REMNANT

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
    children: tuple[Node, ...] = ()

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
    attribute_placeholders: tuple[str, ...] = ()
    """One description per attribute whose value holds a placeholder or a piece of one."""


def placeholders_in_attributes(tag: str, attrs: Sequence[tuple[str, str]]) -> list[str]:
    """Describe each attribute of ``<tag>`` whose (decoded) value holds a placeholder marker."""
    return [f"a placeholder in the {name} attribute of <{tag}>" for name, value in attrs
            if "_" in value or "\uff3f" in value if REMNANT.search(value)]


class _TreeBuilder(HTMLParser):
    """Builds :class:`ParsedHtml`, closing what HTML leaves open and noting each repair."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, list[tuple[str, str]], list[Node], str]] = [("", [], [], "")]
        self.nested: list[str] = []
        self.in_paragraph: list[str] = []
        self.problems: list[str] = []
        self.in_attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pairs = [(name, value or "") for name, value in attrs]
        self.in_attributes += placeholders_in_attributes(tag, pairs)
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
        pairs = tuple((n, v or "") for n, v in attrs)
        self.in_attributes += placeholders_in_attributes(tag, pairs)
        self.stack[-1][2].append(Element(tag, pairs))

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
                          tuple(self.problems), tuple(self.in_attributes))


def _element_or_placeholder(tag: str, attrs: Sequence[tuple[str, str]], children: list[Node],
                            raw: str) -> Node:
    """A canonical ``<span translate=no>_^_N_^_</span>`` becomes a Placeholder leaf."""
    if tag == "span" and len(children) == 1 and isinstance(children[0], Text):
        match = CANONICAL.fullmatch(f"{raw}{children[0].data}</span>")
        if match:
            return Placeholder(int(match.group(1)))
    return Element(tag, tuple(attrs), tuple(children))


def parse_html(html: str) -> ParsedHtml:
    """Parse key or value HTML into a tree, never raising: repairs are listed instead.

    Plain markup (``render.htmltokens``: what the renderer writes and nearly every translation
    keeps) is built from its tokens in one pass; anything else goes through the standard
    library's parser. Both give the same tree (tests/test_htmltree.py holds them to it)."""
    parsed = _parse_plain(html)
    if parsed is not None:
        return parsed
    builder = _TreeBuilder()
    builder.feed(html)
    return builder.result()


def _parse_plain(markup: str) -> ParsedHtml | None:
    """:class:`_TreeBuilder`'s result for plain markup, from :func:`plain_tokens`; None otherwise."""
    tokens = plain_tokens(markup)
    if tokens is None:
        return None
    # Each open element: (tag, attrs, children, exact start tag); the root is ("", ...).
    stack: list[tuple[str, Sequence[tuple[str, str]], list[Node], str]] = [("", (), [], "")]
    names: list[str] = []  # the open elements' tags, in step with stack[1:]
    nested: list[str] = []
    in_paragraph: list[str] = []
    problems: list[str] = []
    in_attributes: list[str] = []

    def pop() -> None:
        tag, attrs, children, raw = stack.pop()
        names.pop()
        stack[-1][2].append(_element_or_placeholder(tag, attrs, children, raw))

    for index in range(0, len(tokens), STRIDE):
        text = tokens[index]
        if text:
            siblings = stack[-1][2]
            data = html.unescape(text) if "&" in text else text
            if siblings and type(siblings[-1]) is Text:
                siblings[-1] = Text(siblings[-1].data + data)
            else:
                siblings.append(Text(data))
        if index + 1 >= len(tokens):
            break
        name, raw_attrs, space, slash, end = tokens[index + 1:index + STRIDE]
        if name is None:
            tag = end.lower()
            if tag in RAW_TEXT_TAGS:
                return None
            if tag in VOID_TAGS:
                continue
            if tag not in names:
                problems.append(f"</{tag}> closes nothing")
                continue
            while names[-1] != tag:
                problems.append(f"<{names[-1]}> is closed by </{tag}>")
                pop()
            pop()
            continue
        tag = name.lower()
        if tag in RAW_TEXT_TAGS:
            return None
        pairs = attributes(raw_attrs) if raw_attrs else ()
        if pairs and ("_" in raw_attrs or "\uff3f" in raw_attrs or "&" in raw_attrs):
            in_attributes += placeholders_in_attributes(tag, pairs)
        if slash:
            stack[-1][2].append(Element(tag, pairs))
            continue
        if tag in CLOSES_PARAGRAPH and "p" in names:
            in_paragraph.append(f"<{tag}> inside <p>")
        if tag in VOID_TAGS:
            stack[-1][2].append(Element(tag, pairs))
            continue
        if tag == "a" and "a" in names:
            outer = next(a for t, a, *_ in reversed(stack) if t == "a")
            nested.append(f"{show_tag('a', pairs)} inside {show_tag('a', outer)}")
        stack.append((tag, pairs, [], f"<{name}{raw_attrs}{space}>"))
        names.append(tag)
    while len(stack) > 1:
        problems.append(f"<{stack[-1][0]}> is never closed")
        pop()
    return ParsedHtml(tuple(stack[0][2]), tuple(nested), tuple(in_paragraph), tuple(problems),
                      tuple(in_attributes))


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
            + [("unbalanced-tags", text) for text in parsed.tag_problems]
            + [("placeholder-in-attribute", f"{text}; placeholders belong in the text, never in an "
                "attribute") for text in parsed.attribute_placeholders])


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


def _simple_problems(value: str) -> list[tuple[str, str]] | None:
    """The structural problems of ``value`` as :class:`_TreeBuilder` finds them, or None when
    ``value`` is not plain enough to tokenise with one regular expression.

    Every translated value of every page comes through here, so the loop does the least it
    can: it visits tags only (the text between them is checked once for a stray ``<``), and
    attributes are decoded only for the ``<a>`` tags a nested-link message names.
    """
    if "<" not in value:
        return []
    # [text, start name, attributes, "/" or "", end name, text, ...]: one C call, no match objects.
    tokens = PLAIN_TAG.split(value)
    if "<" in "".join(tokens[0::5]):
        return None  # a '<' that starts no plain tag: the full parser decides what it is
    attribute_text = "".join(raw for raw in tokens[2::5] if raw)
    if REMNANT.search(html.unescape(attribute_text) if "&" in attribute_text else attribute_text):
        return None  # a placeholder in an attribute: the tree names the tag and the attribute
    tags: list[str] = []        # the open elements' names, outermost first
    attrs: list[str] = []       # their raw attribute text, in step with ``tags``
    nested, in_paragraph, problems = [], [], []
    for index in range(1, len(tokens), 5):
        tag = tokens[index]
        if tag is None:
            tag = tokens[index + 3].lower()
            if tag in RAW_TEXT_TAGS:
                return None
            if tag in VOID_TAGS:
                continue
            if tag not in tags:
                problems.append(f"</{tag}> closes nothing")
                continue
            while tags[-1] != tag:
                problems.append(f"<{tags.pop()}> is closed by </{tag}>")
                attrs.pop()
            tags.pop()
            attrs.pop()
            continue
        tag = tag.lower()
        if tag in RAW_TEXT_TAGS:
            return None
        if tokens[index + 2]:
            continue  # <x/>: the parser reports it apart and it opens nothing
        if tag in CLOSES_PARAGRAPH and "p" in tags:
            in_paragraph.append(f"<{tag}> inside <p>")
        if tag in VOID_TAGS:
            continue
        if tag == "a" and "a" in tags:
            outer = attrs[len(tags) - 1 - tags[::-1].index("a")]
            nested.append(f"{show_tag('a', attributes(tokens[index + 1]))} inside "
                          f"{show_tag('a', attributes(outer))}")
        tags.append(tag)
        attrs.append(tokens[index + 1])
    problems.extend(f"<{tag}> is never closed" for tag in reversed(tags))
    return ([("nested-link", f"a link inside another link: {text}") for text in nested]
            + [("block-in-paragraph", text) for text in in_paragraph]
            + [("unbalanced-tags", text) for text in problems])

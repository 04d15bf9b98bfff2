"""The skeleton of a key or value: its blocks and where each link and placeholder sits in them.

Part of the translators' checks: ``checks`` compares a value's skeleton with its key's to say
that a placeholder left its paragraph or a link moved out of a list item; ``describe_block``
names a block path the way a message shows it ("list item 2"). Input: a parsed HTML value
(``render.htmltree``); output: plain frozen values. It must not judge anything itself.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from site_builder.render.htmltree import BLOCK_TAGS, Element, Node, ParsedHtml, Placeholder, Text


@dataclass(frozen=True, slots=True)
class Spot:
    """Where a link or placeholder sits: its block path ('' = outside any block) and link."""

    block: str
    """E.g. ``p#2`` or ``ul#1/li#3``: tag and 1-based index among its block siblings."""
    link: str | None = None
    """The href of the link it is inside (placeholders only)."""


@dataclass(frozen=True, slots=True)
class Skeleton:
    blocks: tuple[str, ...]
    """Signature of each top-level block, e.g. ``h2``, ``p``, ``ul(li,li)``."""
    placeholders: tuple[tuple[int, Spot], ...]
    links: tuple[tuple[str, Spot], ...]
    stray_text: tuple[str, ...]
    """Non-blank text found outside any block, in order."""


@dataclass
class _SkeletonWalk:
    placeholders: list[tuple[int, Spot]] = field(default_factory=list)
    links: list[tuple[str, Spot]] = field(default_factory=list)
    stray: list[str] = field(default_factory=list)


def skeleton(parsed: ParsedHtml) -> Skeleton:
    """Reduce a parsed key or value to its blocks and the spots of its links and placeholders."""
    walk = _SkeletonWalk()
    _walk(parsed.nodes, "", None, walk)
    blocks = tuple(_signature(node) for node in parsed.nodes
                   if isinstance(node, Element) and node.tag in BLOCK_TAGS)
    return Skeleton(blocks, tuple(walk.placeholders), tuple(walk.links), tuple(walk.stray))


def _walk(nodes: Sequence[Node], block: str, link: str | None, walk: _SkeletonWalk) -> None:
    counts: Counter[str] = Counter()
    for node in nodes:
        if isinstance(node, Placeholder):
            walk.placeholders.append((node.number, Spot(block, link)))
        elif isinstance(node, Text):
            # Text of a link outside any block is reported with the link, not twice.
            if not block and link is None and node.data.strip():
                walk.stray.append(node.data.strip())
        elif node.tag in BLOCK_TAGS:
            counts[node.tag] += 1
            path = f"{block}/{node.tag}#{counts[node.tag]}" if block else f"{node.tag}#{counts[node.tag]}"
            _walk(node.children, path, link, walk)
        elif node.tag == "a" and node.attr("href") is not None:
            walk.links.append((node.attr("href") or "", Spot(block, link)))
            _walk(node.children, block, node.attr("href"), walk)
        else:
            _walk(node.children, block, link, walk)


def _signature(element: Element) -> str:
    inner = [_signature(child) for child in element.children
             if isinstance(child, Element) and child.tag in BLOCK_TAGS]
    return f"{element.tag}({','.join(inner)})" if inner else element.tag


def describe_block(block: str) -> str:
    names = {"p": "paragraph", "li": "list item", "ul": "list", "ol": "list", "pre": "code block"}
    last = block.rsplit("/", 1)[-1]
    tag, _, index = last.partition("#")
    name = f"heading {tag}" if re.fullmatch(r"h[1-6]", tag) else names.get(tag, f"<{tag}>")
    return f"{name} {index}" if block else "outside any block"

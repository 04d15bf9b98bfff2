"""Inline stage speed-up: Python-Markdown's inline patterns, tried only where they can match.

Python-Markdown's ``InlineProcessor`` runs every inline pattern (about twenty) over every
text of the tree, one regular-expression scan and a few Python calls each; a plain sentence
pays for all of them and matches none. Most patterns cannot match without a literal that
every match contains (a backtick, ``[``, ``<``, ``*``...). :class:`PrefilteredInlineProcessor`
is the same processor with one test in front: a pattern whose required literal is absent
from the text is passed over exactly as if its scan had found nothing (Python-Markdown then
moves to the next pattern and scans it from the start, which is what happens here). The
text tested is the current one, placeholders of earlier matches included, so the skip is
exact at every step. A pattern is only prefiltered when its regular expression is the one
listed in :data:`REQUIRED` (and compiled without ``IGNORECASE``); any other, or a changed
one in a later Python-Markdown, is always tried. The override is a fork of a private method:
:data:`FAST` is true only when Python-Markdown's ``__handleInline`` and ``__applyPattern`` are
the code it was checked against (:mod:`site_builder.render.upstream`), and
:func:`inline_processor` gives the stock processor otherwise. Input: a parsed tree; output: the
tree Python-Markdown's own inline stage gives, node for node. It knows no key format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.inlinepatterns import (
    AUTOLINK_RE,
    AUTOMAIL_RE,
    BACKTICK_RE,
    ENTITY_RE,
    ESCAPE_RE,
    HTML_RE,
    IMAGE_LINK_RE,
    IMAGE_REFERENCE_RE,
    LINE_BREAK_RE,
    LINK_RE,
    REFERENCE_RE,
    Pattern,
)
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString

from site_builder.render.upstream import upstream_matches

#: What the override mirrors (``__handleInline``) and calls (``__applyPattern``: its arguments
#: and its ``(data, matched, start)`` result), by name.
#: Private (name-mangled) and left out of the stubs; if one were gone, no fingerprint matches.
UPSTREAM: dict[str, Callable[..., Any] | None] = {
    "InlineProcessor.__handleInline": getattr(InlineProcessor, "_InlineProcessor__handleInline", None),
    "InlineProcessor.__applyPattern": getattr(InlineProcessor, "_InlineProcessor__applyPattern", None),
}
#: Their fingerprints in the releases the override was read against (Python-Markdown 3.11.x).
CHECKED = {
    "InlineProcessor.__handleInline": frozenset({"fe27babc114aed0a"}),
    "InlineProcessor.__applyPattern": frozenset({"8862b35197c0e614"}),
}
#: Whether the prefiltered processor is used (tests set it false to run the stock one).
FAST = upstream_matches("inline prefilter", "markdown", ((3, 5), (4,)), UPSTREAM, CHECKED)

#: Regular expression -> the literals of which every match contains at least one. Each entry
#: is read off its expression: the literal is outside any optional part, alternation or
#: lookaround, or (``not_strong``) each alternative holds one of the listed literals.
REQUIRED: dict[str, tuple[str, ...]] = {
    BACKTICK_RE: ("`",),              # both alternatives end at a backtick (one in a lookahead)
    ESCAPE_RE: ("\\",),
    LINK_RE: ("[",),                  # also REFERENCE_RE (the same expression)
    REFERENCE_RE: ("[",),
    IMAGE_LINK_RE: ("![",),           # also IMAGE_REFERENCE_RE
    IMAGE_REFERENCE_RE: ("![",),
    AUTOLINK_RE: ("://",),
    AUTOMAIL_RE: ("@",),
    LINE_BREAK_RE: ("  \n",),
    HTML_RE: ("<",),                  # every alternative opens with "<"
    ENTITY_RE: ("&",),
    r"\[\^([^\]]*)\]": ("[^",),      # the footnotes extension's reference (a local there)
    # The notes dialect (site_builder.render.notes).
    r"((?<=[0-9\])])\*{1,2}(?=[A-Za-z0-9(\[])|(?<=[A-Za-z0-9\])])\*{1,2}(?=[0-9(\[]))": ("*",),
    r"((^| )(\*|_)( |$))": ("*", "_"),
    r"(\*)\1{2}(.+?)\1(.*?)\1{2}": ("***",),
    r"(\*)\1{2}(.+?)\1{2}(.*?)\1": ("***",),
    r"(\*{2})(.+?)\1": ("**",),
    r"(\*)([^*]+)\1": ("*",),
    r"((?<![\w*])__[A-Za-z0-9]\w*?__(?!\w))": ("__",),
    "_": ("_",),                      # DelimiterProcessor("_"): its expression is the token
}


def required_literals(pattern: Pattern) -> tuple[str, ...] | None:
    """What a text must contain for ``pattern`` to match in it; None: no test, always try it."""
    compiled = getattr(pattern, "compiled_re", None)
    if not isinstance(compiled, re.Pattern) or compiled.flags & re.IGNORECASE:
        return None
    return REQUIRED.get(compiled.pattern)


def inline_processor(md: Markdown) -> InlineProcessor:
    """The inline stage to register: prefiltered when :data:`FAST`, else Python-Markdown's own."""
    return PrefilteredInlineProcessor(md) if FAST else InlineProcessor(md)


class PrefilteredInlineProcessor(InlineProcessor):
    """Python-Markdown's inline stage with :func:`required_literals` tested before each pattern."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self._table: list[tuple[Pattern, tuple[str, ...] | None]] = []

    def run(self, tree: Element, ancestors: list[str] | None = None) -> Element:
        if not self._table:
            # The registry in order, read once: Markdown(extensions=...) registers every
            # pattern before the first document is converted, and none is added later.
            # It holds inline patterns (its stub names the tree processor's class by mistake).
            patterns = cast("Iterable[Pattern]", self.inlinePatterns)
            self._table = [(pattern, required_literals(pattern)) for pattern in patterns]
        return super().run(tree, ancestors)

    # InlineProcessor calls its private __handleInline for every text and nested text; this
    # name is what that private name becomes, so the override is used at every call site.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        """``InlineProcessor.__handleInline`` with absent literals skipped (same result)."""
        if isinstance(data, AtomicString):
            return data
        table: Sequence[tuple[Pattern, tuple[str, ...] | None]] = self._table
        # InlineProcessor's private __applyPattern under its mangled name (not in the stubs).
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        start = 0
        while patternIndex < len(table):
            pattern, literals = table[patternIndex]
            if literals is not None:
                for literal in literals:
                    if literal in data:
                        break
                else:
                    # What __applyPattern returns when its scan finds nothing: (data, False, 0).
                    patternIndex, start = patternIndex + 1, 0
                    continue
            data, matched, start = apply(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data

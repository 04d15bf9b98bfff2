"""Masking: what in notes is never translated, and the numbered placeholders that stand for it.

Two halves. Before parsing, :class:`MaskingExtension` (a Python-Markdown extension) replaces
each math expression, fenced code block and doctest block (a ``>>>`` line and the non-blank
lines after it: prompts, ``...`` continuations, output) with a token Markdown leaves alone
and keeps the :class:`Protected` value behind it; math has to go this early, or ``_`` and
``*`` in LaTeX would turn into emphasis, and doctests, or ``>>>`` would nest blockquotes.
One left-to-right scan finds every kind at once, so whichever starts first wins: a ``$``
inside a code span stays text, a backtick inside math stays math. Code spans and images are
left to Markdown, which parses them well (``<code>``, ``<img>``). While the key is written,
:class:`Slots` turns tokens, ``<code>`` and ``<img>`` into placeholders
``<span translate=no>_^_N_^_</span>``: N counts from 0 in document order, one counter for
every kind, a new number for each occurrence.

Input: the preprocessors' lines, then elements of the parsed tree. Output: tokens, then
placeholder slots and the originals in order. This module writes no other HTML.
"""

from __future__ import annotations

import re
import textwrap
import xml.etree.ElementTree as etree
from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from site_builder.model import Protected, ProtectedKind
from site_builder.render.placeholders import placeholder

#: Token text: STX/ETX keep it clear of Markdown syntax and of Python-Markdown's own
#: placeholders (``klzzwxh``, ``wzxhzdk`` and bare ``STX digits ETX`` for escapes).
TOKEN_TEMPLATE = "\x02sbmask:{}\x03"
TOKEN = re.compile("\x02sbmask:([0-9]+)\x03")

#: The info string a doctest block gets: Pygments' Python console lexer (prompts and output).
DOCTEST_LANGUAGE = "pycon"

_SCAN = re.compile(
    # Every match starts at a line start or at a backslash, backtick or dollar sign: testing
    # that first lets the scan pass other characters at one check instead of seven (the
    # alternatives are still tried in the same order where it holds: the same matches).
    r"(?:(?=[\\$`])|^)(?:"
    r"(?P<fence>^[ \t]*(?P<marks>`{3,}|~{3,})[ \t]*(?P<lang>[^\n`]*)\n(?P<code>.*?)\n?[ \t]*(?P=marks)[ \t]*$)"
    r"|(?P<doctest>^[ \t]*>>>(?:[ \t][^\n]*)?$(?:\n[ \t]*\S[^\n]*)*)"
    r"|(?P<escaped>\\[\\$`])"
    r"|(?P<span>(?P<ticks>`+)(?:(?!\n[ \t]*\n).)+?(?<!`)(?P=ticks)(?!`))"
    r"|(?P<display>\$\$(?P<display_tex>(?:(?!\n[ \t]*\n)[^$]|\$(?!\$))+?)\$\$)"
    r"|(?P<align>^[ \t]*(?P<align_tex>\\begin\{(?P<env>align\*?)\}.*?\\end\{(?P=env)\}))"
    r"|(?P<inline>\$(?P<inline_tex>(?:\\.|(?!\n[ \t]*\n)[^$\\])+?)\$)"
    r")",
    re.DOTALL | re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class Stashed:
    """What a token stands for, and whether it is a block of its own (no ``<p>`` around it)."""

    protected: Protected
    block: bool


class MaskPreprocessor(Preprocessor):
    """Replaces math and fenced code with tokens; block kinds get blank lines around them."""

    def __init__(self, md: Markdown, stash: list[Stashed]) -> None:
        super().__init__(md)
        self.stash = stash

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if not any(mark in text for mark in ("$", "`", "~~~", "\\begin", ">>>")):
            return lines
        return _SCAN.sub(self._replace, text).split("\n")

    def _replace(self, match: re.Match[str]) -> str:
        kind = match.lastgroup
        if kind in ("escaped", "span"):
            return match.group(0)
        if kind == "fence":
            protected = Protected(ProtectedKind.CODE_BLOCK, match.group("code"),
                                  language=match.group("lang").strip())
        elif kind == "doctest":
            protected = Protected(ProtectedKind.CODE_BLOCK, textwrap.dedent(match.group("doctest")),
                                  language=DOCTEST_LANGUAGE)
        elif kind == "align":
            protected = Protected(ProtectedKind.DISPLAY_MATH, match.group("align_tex"))
        elif kind == "display":
            protected = Protected(ProtectedKind.DISPLAY_MATH, match.group("display_tex"))
        else:
            protected = Protected(ProtectedKind.INLINE_MATH, match.group("inline_tex"))
        block = kind in ("fence", "doctest", "align")
        self.stash.append(Stashed(protected, block))
        token = TOKEN_TEMPLATE.format(len(self.stash) - 1)
        return f"\n\n{token}\n\n" if block else token


class MaskingExtension(Extension):
    """Registers :class:`MaskPreprocessor`; ``md.reset()`` empties the stash.

    | processor           | where              | priority | why                                  |
    |---------------------|--------------------|----------|--------------------------------------|
    | ``mask``            | ``preprocessors``  | 25       | after whitespace is normalised (30), |
    |                     |                    |          | before raw HTML blocks are found (20)|
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.stash: list[Stashed] = []

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        md.preprocessors.register(MaskPreprocessor(md, self.stash), "mask", 25)

    def reset(self) -> None:
        self.stash.clear()


# --- placeholders -----------------------------------------------------------------------------

#: A placeholder while a key is being written: numbered within its block, renumbered when
#: blocks are joined into one key (see :func:`number_placeholders`).
_SLOT_TEMPLATE = "\x02sbslot:{}\x03"
_SLOT = re.compile("\x02sbslot:([0-9]+)\x03")


@dataclass(slots=True)
class Slots:
    """The placeholders of one block, in document order, with what each stands for."""

    stash: Sequence[Stashed]
    originals: list[Protected] = field(default_factory=list)

    def add(self, protected: Protected) -> str:
        self.originals.append(protected)
        return _SLOT_TEMPLATE.format(len(self.originals) - 1)

    def token(self, number: int) -> str:
        """The slot for stashed token ``number`` (math or a code block)."""
        return self.add(self.stash[number].protected)

    def code_span(self, element: etree.Element) -> str:
        return self.add(Protected(ProtectedKind.CODE_SPAN, unescape_code(element.text or "")))

    def code_block(self, element: etree.Element) -> str:
        """An indented code block Markdown found itself (the corpus has none; kept whole)."""
        return self.add(Protected(ProtectedKind.CODE_BLOCK, unescape_code("".join(element.itertext()))))

    def image(self, element: etree.Element) -> str:
        alt, url = element.get("alt", ""), element.get("src", "")
        return self.add(Protected(ProtectedKind.IMAGE, f"![{alt}]({url})", alt=alt, url=url))

    def bare_block(self, element: etree.Element) -> str | None:
        """The slot if ``element`` is a paragraph holding only a block token, else None."""
        match = TOKEN.fullmatch((element.text or "").strip())
        if match and len(element) == 0 and self.stash[int(match.group(1))].block:
            return self.token(int(match.group(1)))
        return None


def number_placeholders(text: str, offset: int = 0) -> str:
    """Replace the slots in ``text`` with placeholders numbered from ``offset``."""
    if "\x02sbslot:" not in text:
        return text  # no slot (the pattern's literal start is absent)
    return _SLOT.sub(lambda m: placeholder(int(m.group(1)) + offset), text)


def unescape_code(text: str) -> str:
    """Python-Markdown escapes ``&``, ``<`` and ``>`` in code; the original is what was written."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

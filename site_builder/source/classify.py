"""Pass 1 of sectioning: a decoded Python text -> what each of its lines is.

One walk over the token stream (:mod:`site_builder.source.tokens`) marks full-line comments,
docstrings with the def/class header they document, every definition that opens a section
of its own (a class, function or method at the top level or directly in a class, docstring
or not, from its first decorator), and the percent-format cell markers (``# %%`` as Jupytext,
VS Code, Spyder and PyCharm write them; ``# In[3]:`` as nbconvert does) with a Jupytext
metadata header above them. Tokens are looked at one at a time with at most one of lookahead,
so memory stays bounded whatever the file's size. This module classifies lines: it must not
cut sections or read notes.
"""

from __future__ import annotations

import re
import tokenize
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from site_builder.source import tokens as token_streams
from site_builder.source.decode import CODING
from site_builder.source.tokens import NAME_TYPES, Token

#: A percent-format cell marker: ``# %%``, then optionally a title, a cell type in brackets
#: and ``key=value`` metadata.
_CELL = re.compile(r"^#[ \t]*%%+(?P<rest>(?:[ \t\[].*)?)$")
#: The code-cell marker ``jupyter nbconvert --to script`` writes: ``# In[3]:``.
_IN_CELL = re.compile(r"^#[ \t]*In\[[ \t\d]*\]:[ \t]*$")
_CELL_TYPE = re.compile(r"\[(?P<type>[\w-]+)\]")
_CELL_METADATA = re.compile(r"(?:^|[ \t])[\w.-]+=\S.*$")
_LINE_START = frozenset({tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT})
#: ``from __future__ import ...``: like a shebang, a line that opens a file without being its code.
FUTURE = re.compile(r"^from[ \t]+__future__[ \t]+import\b")


@dataclass(slots=True)
class Docstring:
    """A docstring found by the tokenizer, with the header lines it documents."""

    start: int
    end: int
    text: str
    indent: str
    """What stands before the opening quotes on their line (spaces, tabs)."""
    header: int = 0
    """First line of the def/class header (its first decorator); 0 for the module docstring."""
    name: str = ""


@dataclass(frozen=True, slots=True)
class Cell:
    """A ``# %%`` marker: the title written after it, and whether its cell is Markdown."""

    title: str
    markdown: bool


@dataclass(slots=True)
class Lines:
    """Pass 1's result: what each line is."""

    comments: dict[int, str] = field(default_factory=dict)
    """Line -> comment text without the leading whitespace (full-line comments only)."""
    docstrings: list[Docstring] = field(default_factory=list)
    definitions: dict[int, str] = field(default_factory=dict)
    """First line (first decorator) -> name, of each class, function or method at the top
    level or directly in a class: each opens a section, with a docstring or without."""
    cells: dict[int, Cell] = field(default_factory=dict)
    """Line -> the percent-format cell marker on it (a boundary, shown nowhere)."""
    hidden: set[int] = field(default_factory=set)
    """Lines shown nowhere: a Jupytext metadata header above the cells."""
    special: tuple[int, ...] = ()
    """Lines that open the file without being its code: a shebang, an encoding declaration."""


def classify(text: str) -> Lines:
    """Find comments, docstrings, definitions and cells with Python's tokenizer.

    Raises:
        SourceError: Python cannot tokenize the text (with line and column).
    """
    source_lines = text.split("\n")
    found = None
    if token_streams.fast_path_fits(source_lines):
        stream = token_streams.CTokens(text, source_lines)
        try:
            found = _Classifier(source_lines, byte_columns=True).run(stream)
        except token_streams.NotExact:
            found = None
        else:
            found.comments = stream.comments
    if found is None:
        reference = token_streams.PythonTokens(text)
        found = _Classifier(source_lines, byte_columns=False).run(reference)
        found.comments = reference.comments
    found.special = tuple(_special_first_lines(source_lines))
    for special in found.special:
        found.comments.pop(special, None)
    _take_cells(found)
    return found


class _Header:
    """Follows a def/class header up to the ':' that ends it (outside any brackets)."""

    __slots__ = ("depth", "keyword", "name", "sectioned", "start")

    def __init__(self, start: int, sectioned: bool) -> None:
        self.start, self.name, self.depth, self.keyword = start, "", 0, ""
        self.sectioned = sectioned

    def feed(self, kind: int, string: str) -> bool:
        """True once the token that ends the header has been seen."""
        # Brackets and ':' are checked by their text: no other token is spelled that way.
        if kind in NAME_TYPES and not self.name:
            if string in ("def", "class"):
                self.keyword = self.keyword or string
            elif string != "async":
                self.name = string
        elif string in ("(", "[", "{"):
            self.depth += 1
        elif string in (")", "]", "}"):
            self.depth -= 1
        elif string == ":" and self.depth == 0:
            return True
        return False


class _Classifier:
    """The walk over the tokens: a small state machine, one token of lookahead at most."""

    def __init__(self, source_lines: Sequence[str], *, byte_columns: bool) -> None:
        self.lines = source_lines
        self.byte_columns = byte_columns
        self.found = Lines()
        self.header: _Header | None = None
        self.decorator = 0
        self.async_start = 0
        self.previous = tokenize.NEWLINE
        self.module_start = True
        # A string that is a docstring if the next token ends its statement: (token, header, name).
        self.candidate: tuple[Token, int, str] | None = None
        # After a header's ':': "colon" (a NEWLINE must follow), then "body" (skipping NEWLINE
        # and INDENT up to the body's first token); with the header's first line and name.
        self.body: tuple[str, int, str] | None = None
        # The blocks open around the current line: "class", "def", or "block" (if, for...).
        self.blocks: list[str] = []
        self.opening = ""  # what the next INDENT opens

    def run(self, stream: Iterable[Token]) -> Lines:
        feed = self.feed
        for token in stream:
            feed(token)
        if self.candidate is not None:  # the C stream ends with its added ENDMARKER; safe anyway
            self._docstring(*self.candidate)
        return self.found

    def feed(self, token: Token) -> None:
        string, kind, row = token[0], token[1], token[2]
        if self.candidate is not None:
            candidate, self.candidate = self.candidate, None
            if kind in (tokenize.NEWLINE, tokenize.ENDMARKER):
                self._docstring(*candidate)
        if self.body is not None:
            self._follow_body(token)
        if kind == tokenize.INDENT:
            self.blocks.append(self.opening or "block")
            self.opening = ""
        elif kind == tokenize.DEDENT and self.blocks:
            self.blocks.pop()
        at_line_start = self.previous in _LINE_START
        if self.async_start:
            if string == "def":
                self._open_header(self.async_start)
            self.async_start = 0
        # Only an operator is spelled "@" (a comment is no token here, a string has quotes).
        if at_line_start and string == "@" and not self.decorator:
            self.decorator = row
        elif at_line_start and kind in NAME_TYPES and string in ("def", "class"):
            self._open_header(self.decorator or row)
        elif at_line_start and kind in NAME_TYPES and string == "async":
            self.async_start = self.decorator or row
        elif self.module_start and kind == tokenize.STRING:
            self.candidate = (token, 0, "")
        header = self.header
        if header is not None and header.feed(kind, string):
            if header.sectioned and header.name:
                self.found.definitions.setdefault(header.start, header.name)
            self.body = ("colon", header.start, header.name)
            self.opening = header.keyword
            self.header, self.decorator = None, 0
        if kind != tokenize.NEWLINE:
            self.module_start = False
        self.previous = kind

    def _open_header(self, start: int) -> None:
        if self.header is None:
            self.header = _Header(start, sectioned=all(block == "class" for block in self.blocks))

    def _follow_body(self, token: Token) -> None:
        """Find the first token of a header's body: the docstring, if it is a string."""
        assert self.body is not None
        state, start, name = self.body
        kind = token[1]
        if state == "colon":
            if kind == tokenize.NEWLINE:
                self.body = ("body", start, name)
            else:
                self.body, self.opening = None, ""  # a one-line body: no docstring, no block
        elif kind not in (tokenize.NEWLINE, tokenize.INDENT):
            self.body = None
            if kind == tokenize.STRING:
                self.candidate = (token, start, name)

    def _docstring(self, token: Token, header: int, name: str) -> None:
        """Record ``token`` as a docstring if it is a plain string forming a whole statement."""
        string, _, start, end, column = token[:5]
        prefix = string[: len(string) - len(string.lstrip("rRuUbBfF"))]
        if set(prefix.lower()) & set("bf"):
            return
        # What stands before the quotes on their line.
        line = self.lines[start - 1]
        before = line.encode()[:column].decode() if self.byte_columns else line[:column]
        self.found.docstrings.append(Docstring(start=start, end=end, text=string, header=header, name=name,
                                               indent=before if not before.strip() else " " * len(before)))


def _special_first_lines(source_lines: Sequence[str]) -> Iterator[int]:
    """A shebang and an encoding declaration are code, although they look like comments."""
    for number, line in enumerate(source_lines[:2], start=1):
        if (number == 1 and line.startswith("#!")) or CODING.match(line):
            yield number


def _cell(comment: str) -> Cell | None:
    """The marker a comment is (``# %% Training loop``, ``# %% [markdown]``), else None."""
    match = _CELL.match(comment)
    if match is None:
        return Cell("", markdown=False) if _IN_CELL.match(comment) else None
    rest = match.group("rest").strip()
    cell_type = _CELL_TYPE.search(rest)
    title = rest[: cell_type.start()] if cell_type else _CELL_METADATA.sub("", rest)
    markdown = cell_type is not None and cell_type.group("type").lower() in ("markdown", "md")
    return Cell(title.strip(), markdown)


def _take_cells(lines: Lines) -> None:
    """Move cell markers (and a Jupytext header above the first) out of the comments."""
    for number, comment in list(lines.comments.items()):
        cell = _cell(comment)
        if cell is not None:
            lines.cells[number] = cell
            del lines.comments[number]
    if not lines.cells:
        return
    # Jupytext writes the notebook's metadata as a "# ---" ... "# ---" block on top.
    first = min(lines.comments, default=0)
    if not first or first > 3 or lines.comments[first] != "# ---" or first > min(lines.cells):
        return
    last = first + 1
    while last in lines.comments and lines.comments[last] != "# ---":
        last += 1
    block = range(first, last + 1)
    if last in lines.comments and any(lines.comments[n] == "# jupyter:" for n in block):
        lines.hidden.update(block)
        for number in block:
            del lines.comments[number]

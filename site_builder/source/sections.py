"""Pass 2 of sectioning: the lines of a Python file and what each is -> its sections, in order.

A comment run, a docstring, or a definition (a class, function or method at the top level or
directly in a class, from its first decorator) starts a section, and the code lines that follow
belong to it until the next one starts. The comment run right above a definition (no blank
line between) is that definition's notes, and a docstring's notes follow it. Blank lines
belong to the section above them (they follow its notes as code), so a blank line between two
comments separates two sections, and every line of the file is in exactly one section's code
or notes, in order, with its own number -- except the percent-format cell markers and a
Jupytext metadata header (with the blank lines under it), which are shown nowhere. A marker
ends the section before it; a title after it (``# %% Training loop``) opens the next one with
the notes ``## Training loop``; a ``# %% [markdown]`` cell's comments are one section's notes,
the blank lines between them paragraph breaks. Lines that only open the file (a shebang, an
encoding declaration, ``from __future__`` imports) go with the first section that has notes
rather than making a row of their own.

Section notes are kept as the corpus generator saw them (one of the "renderer quirks" the
translation-format spec lists lives here, the rest in :mod:`site_builder.render.notes`):

* a comment run gives its lines without the ``#`` and one space, each ending in a newline;
* a docstring gives the text after its opening quotes (stripped) and a newline, the inner
  lines without the docstring's indentation, and the text before its closing quotes
  (stripped) and a newline. So a docstring whose text starts on the line after the quotes
  begins with a newline, and one closed on its own line ends with a blank line.

:func:`site_builder.render.notes.render_notes` turns those edge newlines into the edge spaces
the keys have. This module cuts sections: it must not tokenize, render or read files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import overload

from site_builder.model import CodeLine, Section, SectionKind
from site_builder.source.classify import FUTURE, Docstring, Lines


@dataclass(slots=True)
class _Open:
    """The section being built."""

    kind: SectionKind
    line: int
    notes: list[str] = field(default_factory=list)
    code: list[CodeLine] = field(default_factory=list)
    name: str = ""

    def close(self) -> Section:
        return Section(kind=self.kind, notes="".join(self.notes), code=tuple(self.code),
                       line=self.line, name=self.name)


def group(source_lines: Sequence[str], found: Lines) -> list[Section]:
    """Cut the lines into sections (see the module docstring for the rules)."""
    starts = {doc.header or doc.start: doc for doc in found.docstrings}
    sections: list[Section] = []
    current: _Open | None = None
    # In a "# %% [markdown]" cell, its comments and the blank lines between them are one note.
    markdown = False
    number = 1
    while number <= len(source_lines):
        doc = starts.get(number)
        if number in found.cells:
            cell = found.cells[number]
            heading = [f"## {cell.title}\n"] if cell.title else []
            opened = _Open(SectionKind.COMMENT, number, heading) if heading else None
            current, markdown = _flush(current, sections, opened), cell.markdown
            number += 1
        elif number in found.hidden:
            number += 1
            while current is None and number <= len(source_lines) and not source_lines[number - 1].strip():
                number += 1  # the blank lines under a hidden header would be a row of nothing
        elif doc is not None:
            current = _start_docstring(current, sections, doc, source_lines)
            number, markdown = doc.end + 1, False
        elif number in found.comments:
            if current is None or current.kind is not SectionKind.COMMENT or current.code:
                current = _flush(current, sections, _Open(SectionKind.COMMENT, number))
            current.notes.append(_comment_text(found.comments[number]))
            number += 1
        elif (markdown and current is not None and not current.code
              and _notes_follow(source_lines, number, found)):
            current.notes.append("\n")  # a blank line inside a Markdown cell: a paragraph break
            number += 1
        else:
            if number in found.definitions:
                current = _start_definition(current, sections, number, found.definitions[number])
            markdown = markdown and not source_lines[number - 1].strip()
            if current is None:
                current = _Open(SectionKind.CODE, number)
            current.code.append(CodeLine(number, _shown(source_lines[number - 1])))
            number += 1
    _flush(current, sections, None)
    return _opening_lines_joined(sections, found)


def _start_definition(current: _Open | None, sections: list[Section], number: int, name: str) -> _Open:
    """A class or def without a docstring opens its section (its comment above, if any, is its notes)."""
    if current is not None and current.kind is SectionKind.COMMENT and not current.code and not current.name:
        current.name = name
        return current
    return _flush(current, sections, _Open(SectionKind.CODE, number, name=name))


def _opening_lines_joined(sections: list[Section], found: Lines) -> list[Section]:
    """A first section of nothing but a shebang, an encoding declaration, ``from __future__``
    imports and blank lines makes no row of its own: its lines go to the section after it."""
    if len(sections) < 2 or sections[0].kind is not SectionKind.CODE or sections[0].name:
        return sections
    first = sections[0]
    if not all(not line.text.strip() or line.number in found.special or FUTURE.match(line.text)
               for line in first.code):
        return sections
    second = sections[1]
    joined = Section(kind=second.kind, notes=second.notes, code=first.code + second.code,
                     line=second.line, name=second.name)
    return [joined, *sections[2:]]


def _notes_follow(source_lines: Sequence[str], number: int, found: Lines) -> bool:
    """Line ``number`` is blank and the next non-blank line is a comment."""
    while number <= len(source_lines) and not source_lines[number - 1].strip():
        number += 1
    return number in found.comments


def _shown(line: str) -> str:
    """A code line as the code column shows it: form feeds (page breaks) in its indentation go."""
    indentation = len(line) - len(line.lstrip(" \t\f"))
    return line[:indentation].replace("\f", "") + line[indentation:] if "\f" in line else line


def _start_docstring(current: _Open | None, sections: list[Section], doc: Docstring,
                     source_lines: Sequence[str]) -> _Open:
    notes = docstring_notes(doc.text, doc.indent)
    if doc.header == 0:
        opened = _flush(current, sections, _Open(SectionKind.MODULE_DOCSTRING, doc.start))
    elif current is not None and current.kind is SectionKind.COMMENT and not current.code:
        # A comment right above a decorated or plain def/class belongs to its docstring.
        opened = current
        opened.kind = SectionKind.DOCSTRING
    else:
        opened = _flush(current, sections, _Open(SectionKind.DOCSTRING, doc.header))
    opened.notes.append(notes)
    opened.name = doc.name
    for number in range(doc.header or doc.start, doc.start):
        opened.code.append(CodeLine(number, source_lines[number - 1]))
    return opened


@overload
def _flush(current: _Open | None, sections: list[Section], following: _Open) -> _Open: ...
@overload
def _flush(current: _Open | None, sections: list[Section], following: None) -> None: ...
@overload
def _flush(current: _Open | None, sections: list[Section], following: _Open | None) -> _Open | None: ...
def _flush(current: _Open | None, sections: list[Section], following: _Open | None) -> _Open | None:
    """Close ``current`` (if any) into ``sections``; ``following`` is the section now open."""
    if current is not None:
        sections.append(current.close())
    return following


def _comment_text(comment: str) -> str:
    """``# text`` -> ``text\\n``: the marker and one space go, the line ending stays."""
    body = comment[1:]
    return (body[1:] if body[:1] in (" ", "\t") else body) + "\n"


def docstring_notes(token: str, indent: int | str) -> str:
    """The notes of a docstring token, as described in the module docstring.

    ``indent`` is what stands before the opening quotes (or its width in spaces): inner
    lines that start with it lose it, so a tab-indented docstring reads as a space-indented one.
    """
    body = token.lstrip("rRuU")
    quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    parts = body[len(quote): len(body) - len(quote)].split("\n")
    if len(parts) == 1:
        return parts[0].strip() + "\n"
    indent = " " * indent if isinstance(indent, int) else indent
    middle = "".join(part.removeprefix(indent) + "\n" for part in parts[1:-1])
    return parts[0].strip() + "\n" + middle + parts[-1].strip() + "\n"

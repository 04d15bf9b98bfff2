"""Parse stage: an annotated source file (``Path``) -> :class:`SourceFile` of sections.

A ``.py`` file is read in two short passes. ``_classify`` runs Python's own tokenizer and
marks each line: full-line comment, docstring, def/class header, or code. ``_group`` then
walks the lines once and cuts sections: a comment run or a docstring starts one, and the
code lines that follow belong to it until the next one starts. A ``.md`` file is one
notes-only section. This stage neither renders Markdown nor looks at translations.

Section notes are kept as the corpus generator saw them (one of the "renderer quirks" the
translation-format spec lists lives here, the rest in :mod:`site_builder.core.notes`):

* a comment run gives its lines without the ``#`` and one space, each ending in a newline;
* a docstring gives the text after its opening quotes (stripped) and a newline, the inner
  lines without the docstring's indentation, and the text before its closing quotes
  (stripped) and a newline. So a docstring whose text starts on the line after the quotes
  begins with a newline, and one closed on its own line ends with a blank line.

:func:`site_builder.core.notes.render_notes` turns those edge newlines into the edge spaces the
keys have. Blank lines belong to the section above them (they follow its notes as code),
so a blank line between two comments separates two sections, and every line of the file
is in exactly one section's code or notes, in order, with its own number.
"""

from __future__ import annotations

import fnmatch
import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from site_builder.errors import Location, SourceError, at_file
from site_builder.model import CodeLine, FrontMatter, Section, SectionKind, SourceFile, SourceKind

#: An encoding declaration (PEP 263); like a shebang it is code, not a note.
_CODING = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")
_HEADING_1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


# --- files ------------------------------------------------------------------------------------


def find_sources(root: Path, include: Sequence[str] = ("**/*.py", "**/*.md"),
                 exclude: Sequence[str] = ()) -> list[Path]:
    """The annotated files under ``root``, sorted by their path relative to ``root``.

    Skips ``__pycache__`` and hidden folders or files (a name starting with ``.``);
    ``exclude`` patterns use the same glob syntax as ``include`` (``**`` spans folders).
    """
    found: dict[str, Path] = {}
    for pattern in include:
        for path in root.glob(pattern):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and not _skipped(relative, exclude):
                found[relative] = path
    return [found[key] for key in sorted(found)]


def _skipped(relative: str, exclude: Sequence[str]) -> bool:
    parts = relative.split("/")
    if any(part.startswith(".") or part == "__pycache__" for part in parts):
        return True
    return any(_glob_match(relative, pattern) for pattern in exclude)


def _glob_match(relative: str, pattern: str) -> bool:
    # fnmatch's '*' crosses '/', so '**/' (any folders, or none) is tried both ways.
    candidates = {pattern, pattern.replace("**/", ""), pattern.replace("/**", "")}
    return any(fnmatch.fnmatchcase(relative, candidate) for candidate in candidates)


def file_id(path: Path, root: Path) -> str:
    """``capsule_networks/__init__`` for ``<root>/capsule_networks/__init__.py``."""
    return path.relative_to(root).with_suffix("").as_posix()


def parse_file(path: Path, root: Path) -> SourceFile:
    """Read one annotated ``.py`` or ``.md`` file and split it into sections.

    Raises:
        SourceError: the file is not UTF-8, or Python cannot tokenize it (with line and
            column), or its front matter is not YAML.
    """
    with at_file(path):
        text = _read_text(path)
        if path.suffix == ".md":
            sections = [Section(kind=SectionKind.MARKDOWN, notes=text, code=(), line=1)]
        else:
            lines = text.removesuffix("\n").split("\n") if text else []
            sections = _group(lines, _classify(text))
        sections, front = _take_front_matter(sections, path)
    kind = SourceKind.MARKDOWN if path.suffix == ".md" else SourceKind.PYTHON
    return SourceFile(id=file_id(path, root), path=path, kind=kind, front=front,
                      sections=tuple(sections))


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise SourceError(f"not UTF-8: byte 0x{data[err.start]:02x} cannot be decoded",
                          location=Location(path, line, column),
                          hint="save the file as UTF-8") from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


# --- pass 1: classify -------------------------------------------------------------------------


@dataclass(slots=True)
class _Docstring:
    """A docstring found by the tokenizer, with the header lines it documents."""

    start: int
    end: int
    text: str
    column: int
    header: int = 0
    """First line of the def/class header (its first decorator); 0 for the module docstring."""
    name: str = ""


@dataclass(slots=True)
class _Lines:
    """Pass 1's result: what each line is."""

    comments: dict[int, str] = field(default_factory=dict)
    """Line -> comment text without the leading whitespace (full-line comments only)."""
    docstrings: list[_Docstring] = field(default_factory=list)


def _classify(text: str) -> _Lines:
    """Find full-line comments and docstrings (with their headers) with ``tokenize``."""
    lines = _Lines()
    tokens = _tokens(text)
    header: _Header | None = None
    decorator = 0
    previous = tokenize.NEWLINE
    module_start = True
    for index, token in enumerate(tokens):
        kind, string, (row, column) = token.type, token.string, token.start
        if kind == tokenize.COMMENT and token.line[:column].strip() == "":
            lines.comments[row] = token.line.strip()
        at_line_start = previous in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
        if at_line_start and kind == tokenize.OP and string == "@" and not decorator:
            decorator = row
        elif at_line_start and kind == tokenize.NAME and _opens_header(tokens, index):
            header = header or _Header(decorator or row)
        elif module_start and kind == tokenize.STRING:
            _add_docstring(lines, tokens, index, 0, "")
        if header is not None and header.feed(token):
            _add_docstring(lines, tokens, header.body_start(tokens, index), header.start, header.name)
            header, decorator = None, 0
        if kind not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENCODING):
            module_start = False
        if kind not in (tokenize.COMMENT, tokenize.NL):
            previous = kind
    for special in _special_first_lines(text):
        lines.comments.pop(special, None)
    return lines


def _opens_header(tokens: Sequence[tokenize.TokenInfo], index: int) -> bool:
    """``def``/``class`` (or ``async def``) at the start of a statement."""
    string = tokens[index].string
    return string in ("def", "class") or (string == "async" and tokens[index + 1].string == "def")


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except tokenize.TokenError as err:
        message, (line, column) = err.args
        raise SourceError(f"Python cannot tokenize this file: {message}",
                          location=Location(None, line, column + 1 if column else 0),
                          hint="fix the syntax (an unclosed string or bracket?)") from None
    except SyntaxError as err:  # IndentationError and friends
        raise SourceError(f"Python cannot tokenize this file: {err.msg}",
                          location=Location(None, err.lineno or 0, err.offset or 0),
                          hint="fix the indentation or syntax") from None
    for token in tokens:
        if token.type == tokenize.ERRORTOKEN and not _tolerated(token.string):
            raise SourceError(f"Python cannot tokenize this file: unexpected {token.string!r}",
                              location=Location(None, token.start[0], token.start[1] + 1),
                              hint="fix the syntax (an unclosed quote?)")
    return tokens


def _tolerated(text: str) -> bool:
    # The pure-Python tokenizer flags some identifier characters CPython accepts (combining
    # marks, variation selectors); anything else it flags (a stray quote, $, ?, €) is an error.
    return not text.strip() or (not text.isascii() and ("a" + text).isidentifier())


class _Header:
    """Follows a def/class header up to the ':' that ends it (outside any brackets)."""

    __slots__ = ("start", "name", "depth")

    def __init__(self, start: int) -> None:
        self.start, self.name, self.depth = start, "", 0

    def feed(self, token: tokenize.TokenInfo) -> bool:
        """True once the token that ends the header has been seen."""
        if token.type == tokenize.NAME and not self.name and token.string not in ("def", "class", "async"):
            self.name = token.string
        elif token.type == tokenize.OP:
            if token.string in "([{":
                self.depth += 1
            elif token.string in ")]}":
                self.depth -= 1
            elif token.string == ":" and self.depth == 0:
                return True
        return False

    @staticmethod
    def body_start(tokens: Sequence[tokenize.TokenInfo], colon: int) -> int:
        """Index of the first token of the body's first statement (-1 for a one-line body)."""
        index = colon + 1
        while tokens[index].type == tokenize.COMMENT:
            index += 1
        if tokens[index].type != tokenize.NEWLINE:
            return -1
        while tokens[index].type in (tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT, tokenize.INDENT):
            index += 1
        return index


def _add_docstring(lines: _Lines, tokens: Sequence[tokenize.TokenInfo], index: int,
                   header: int, name: str) -> None:
    """Record ``tokens[index]`` as a docstring if it is a plain string forming a whole statement."""
    if index < 0 or tokens[index].type != tokenize.STRING:
        return
    token = tokens[index]
    prefix = token.string[: len(token.string) - len(token.string.lstrip("rRuUbBfF"))]
    after = index + 1
    while tokens[after].type == tokenize.COMMENT:
        after += 1
    if set(prefix.lower()) & set("bf") or tokens[after].type not in (tokenize.NEWLINE, tokenize.ENDMARKER):
        return
    lines.docstrings.append(_Docstring(start=token.start[0], end=token.end[0], text=token.string,
                                       column=token.start[1], header=header, name=name))


def _special_first_lines(text: str) -> Iterator[int]:
    """A shebang and an encoding declaration are code, although they look like comments."""
    for number, line in enumerate(text.split("\n", 2)[:2], start=1):
        if (number == 1 and line.startswith("#!")) or _CODING.match(line):
            yield number


# --- pass 2: group ----------------------------------------------------------------------------


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


def _group(source_lines: Sequence[str], found: _Lines) -> list[Section]:
    """Cut the lines into sections (see the module docstring for the rules)."""
    starts = {doc.header or doc.start: doc for doc in found.docstrings}
    sections: list[Section] = []
    current: _Open | None = None
    number = 1
    while number <= len(source_lines):
        doc = starts.get(number)
        if doc is not None:
            current = _start_docstring(current, sections, doc, source_lines)
            number = doc.end + 1
        elif number in found.comments:
            if current is None or current.kind is not SectionKind.COMMENT or current.code:
                current = _flush(current, sections, _Open(SectionKind.COMMENT, number))
            current.notes.append(_comment_text(found.comments[number]))
            number += 1
        else:
            if current is None:
                current = _Open(SectionKind.CODE, number)
            current.code.append(CodeLine(number, source_lines[number - 1]))
            number += 1
    _flush(current, sections, None)
    return sections


def _start_docstring(current: _Open | None, sections: list[Section], doc: _Docstring,
                     source_lines: Sequence[str]) -> _Open:
    notes = docstring_notes(doc.text, doc.column)
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


def _flush(current: _Open | None, sections: list[Section], following: _Open | None) -> _Open | None:
    if current is not None:
        sections.append(current.close())
    return following


def _comment_text(comment: str) -> str:
    """``# text`` -> ``text\\n``: the marker and one space go, the line ending stays."""
    body = comment[1:]
    return (body[1:] if body[:1] in (" ", "\t") else body) + "\n"


def docstring_notes(token: str, column: int) -> str:
    """The notes of a docstring token, as described in the module docstring."""
    body = token.lstrip("rRuU")
    quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    parts = body[len(quote): len(body) - len(quote)].split("\n")
    if len(parts) == 1:
        return parts[0].strip() + "\n"
    indent = " " * column
    middle = "".join((part[column:] if part.startswith(indent) else part) + "\n" for part in parts[1:-1])
    return parts[0].strip() + "\n" + middle + parts[-1].strip() + "\n"


# --- front matter and Markdown pages ----------------------------------------------------------


def _take_front_matter(sections: list[Section], path: Path) -> tuple[list[Section], FrontMatter]:
    """Remove the YAML front matter from the first notes and build :class:`FrontMatter`."""
    index = next((i for i, s in enumerate(sections)
                  if s.kind in (SectionKind.MODULE_DOCSTRING, SectionKind.MARKDOWN)), None)
    values: dict[str, object] = {}
    if index is not None:
        notes, values = _split_front_matter(sections[index].notes, sections[index].line)
        old = sections[index]
        sections[index] = Section(kind=old.kind, notes=notes, code=old.code, line=old.line, name=old.name)
        body = notes
    else:
        body = ""
    title = _scalar(values.get("title")) or _first_heading(body) or _fallback_title(path)
    extra = tuple((str(k), _scalar(v)) for k, v in values.items()
                  if k not in ("title", "summary") and _scalar(v))
    return sections, FrontMatter(title=title, summary=_scalar(values.get("summary")), extra=extra)


def _split_front_matter(notes: str, first_line: int) -> tuple[str, dict[str, object]]:
    """Cut a ``---`` ... ``---`` block that opens the notes; return the rest and its values.

    Only the block's own lines go: the newline before it stays, so notes that continue
    after a blank line still start with a blank line (and so no edge space).
    """
    lines = notes.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or lines[first].strip() != "---":
        return notes, {}
    close = next((i for i in range(first + 1, len(lines)) if lines[i].strip() == "---"), None)
    if close is None:
        return notes, {}
    values = _load_yaml("\n".join(lines[first + 1: close]), first_line + first + 1)
    return "\n".join(lines[:first] + lines[close + 1:]), values


def _load_yaml(text: str, line: int) -> dict[str, object]:
    import yaml

    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise SourceError(f"front matter is not valid YAML: {getattr(err, 'problem', err)}",
                          location=Location(None, line + (mark.line if mark else 0),
                                            mark.column + 1 if mark else 0),
                          hint="fix the block between the --- lines") from None
    return loaded if isinstance(loaded, dict) else {}


def _scalar(value: object) -> str:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    return ""


def _first_heading(notes: str) -> str:
    match = _HEADING_1.search(notes)
    return _LINK.sub(r"\1", match.group(1)).strip() if match else ""


def _fallback_title(path: Path) -> str:
    # The corpus keys such pages by the bare file name, extension included ("tokenizer.py").
    return path.name


def iter_code_lines(sections: Iterable[Section]) -> Iterator[CodeLine]:
    """Every code line of ``sections``, in order (a helper for tests and the highlighter)."""
    for section in sections:
        yield from section.code

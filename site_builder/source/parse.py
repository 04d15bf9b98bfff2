"""Parse stage: an annotated source file (``Path``) -> :class:`SourceFile` of sections.

A file is decoded as Python decodes it (a BOM, else a PEP 263 declaration on line 1 or 2,
else UTF-8) and its CRLF and CR line endings become ``\n``, so the same notes give the same
keys whatever the file's bytes. A ``.py`` file is then read in two short passes.
``_classify`` runs Python's own tokenizer and marks each line: full-line comment,
docstring, def/class header, cell marker, or code. ``_group`` then walks the lines once
and cuts sections: a comment run or a docstring starts one, and the code lines that follow
belong to it until the next one starts. A ``.md`` file is one notes-only section. This stage neither renders Markdown nor looks at translations.

Section notes are kept as the corpus generator saw them (one of the "renderer quirks" the
translation-format spec lists lives here, the rest in :mod:`site_builder.render.notes`):

* a comment run gives its lines without the ``#`` and one space, each ending in a newline;
* a docstring gives the text after its opening quotes (stripped) and a newline, the inner
  lines without the docstring's indentation, and the text before its closing quotes
  (stripped) and a newline. So a docstring whose text starts on the line after the quotes
  begins with a newline, and one closed on its own line ends with a blank line.

:func:`site_builder.render.notes.render_notes` turns those edge newlines into the edge spaces the
keys have. Blank lines belong to the section above them (they follow its notes as code),
so a blank line between two comments separates two sections, and every line of the file
is in exactly one section's code or notes, in order, with its own number -- except the
percent-format cell markers (``# %%``, as Jupytext, VS Code, Spyder and PyCharm write them;
``# In[3]:`` as nbconvert does) and a Jupytext metadata header (with the blank lines under
it), which are shown nowhere. A marker ends the section before it; a title after it
(``# %% Training loop``) opens the next one with the notes ``## Training loop``; a
``# %% [markdown]`` cell's comments are one section's notes, the blank lines between them
paragraph breaks.
"""

from __future__ import annotations

import fnmatch
import io
import re
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

from site_builder.errors import Location, SourceError, at_file
from site_builder.source.ids import with_section_ids
from site_builder.model import CodeLine, FrontMatter, Section, SectionKind, SourceFile, SourceKind

#: An encoding declaration (PEP 263); like a shebang it is code, not a note.
_CODING = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*(?P<name>[-\w.]+)")
#: A percent-format cell marker, as Jupytext, VS Code, Spyder and PyCharm write them:
#: ``# %%``, then optionally a title, a cell type in brackets and ``key=value`` metadata.
_CELL = re.compile(r"^#[ \t]*%%+(?P<rest>(?:[ \t\[].*)?)$")
#: The code-cell marker ``jupyter nbconvert --to script`` writes: ``# In[3]:``.
_IN_CELL = re.compile(r"^#[ \t]*In\[[ \t\d]*\]:[ \t]*$")
_CELL_TYPE = re.compile(r"\[(?P<type>[\w-]+)\]")
_CELL_METADATA = re.compile(r"(?:^|[ \t])[\w.-]+=\S.*$")
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
        SourceError: the file is not valid in the encoding Python would read it with (its
            BOM or PEP 263 declaration, else UTF-8), declares an encoding Python does not
            know, or Python cannot tokenize it (with line and column), or its front matter
            is not YAML.
    """
    with at_file(path):
        text = _read_text(path)
        notebook = False
        if path.suffix == ".md":
            sections = [Section(kind=SectionKind.MARKDOWN, notes=text, code=(), line=1)]
        else:
            lines = text.removesuffix("\n").split("\n") if text else []
            found = _classify(text)
            sections, notebook = _group(lines, found), bool(found.cells)
        sections, front = _take_front_matter(sections, path, notebook=notebook)
    kind = SourceKind.MARKDOWN if path.suffix == ".md" else SourceKind.PYTHON
    return SourceFile(id=file_id(path, root), path=path, kind=kind, front=front,
                      sections=with_section_ids(sections))


def _read_text(path: Path) -> str:
    """The file's text as Python reads it: decoded, with every line ending made ``\\n``."""
    data = path.read_bytes()
    # PEP 263 is Python's: a Markdown page is UTF-8, whatever its first lines say.
    encoding = _source_encoding(data) if path.suffix != ".md" else "utf-8"
    try:
        text = data.decode(encoding)
    except LookupError:  # a codec that is not a text encoding ("# coding: rot13")
        line, column, name = _declaration(data)
        raise _unknown_encoding(name, line, column) from None
    except UnicodeDecodeError as err:
        line, column = _position(data[: err.start].decode(encoding, errors="replace"))
        declared = "UTF-8" if encoding in ("utf-8", "utf-8-sig") else f"valid {encoding}"
        hint = ("save the file as UTF-8" if declared == "UTF-8" else
                f"save the file as {encoding}, or correct its coding declaration")
        raise SourceError(f"not {declared}: byte 0x{data[err.start]:02x} cannot be decoded",
                          location=Location(path, line, column), hint=hint) from None
    # Python's own reader makes CRLF and a lone CR one "\n" each, in strings too.
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _source_encoding(data: bytes) -> str:
    """The codec Python would use: a BOM, a PEP 263 declaration on line 1 or 2, else UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as err:
        message = str(err)
        if message.startswith("invalid or missing encoding declaration"):
            return "utf-8"  # undecodable bytes in lines 1-2: reported with their position
        line, column, name = _declaration(data)
        if message.startswith("unknown encoding"):
            raise _unknown_encoding(name, line, column) from None
        raise SourceError(f"the file starts with a UTF-8 byte order mark but declares {name!r}",
                          location=Location(None, line, column),
                          hint="remove the byte order mark or declare utf-8") from None
    return encoding


def _unknown_encoding(name: str, line: int, column: int) -> SourceError:
    return SourceError(f"unknown encoding {name!r} in the coding declaration",
                       location=Location(None, line, column),
                       hint="declare an encoding Python knows (utf-8, latin-1, cp1252, ...) "
                            "or remove the declaration")


def _declaration(data: bytes) -> tuple[int, int, str]:
    """(line, column, name) of the coding declaration in the first two lines ((1, 0, '') if none)."""
    head = data.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    for number, line in enumerate(re.split(r"\r\n|\r|\n", head, maxsplit=2)[:2], start=1):
        match = _CODING.match(line)
        if match:
            return number, match.start("name") + 1, match.group("name")
    return 1, 0, ""


def _position(prefix: str) -> tuple[int, int]:
    """1-based (line, column) just after ``prefix``, counting lines as Python does."""
    lines = re.split(r"\r\n|\r|\n", prefix)
    return len(lines), len(lines[-1]) + 1


# --- pass 1: classify -------------------------------------------------------------------------


@dataclass(slots=True)
class _Docstring:
    """A docstring found by the tokenizer, with the header lines it documents."""

    start: int
    end: int
    text: str
    indent: str
    """What stands before the opening quotes on their line (spaces, tabs)."""
    header: int = 0
    """First line of the def/class header (its first decorator); 0 for the module docstring."""
    name: str = ""


@dataclass(slots=True)
class _Lines:
    """Pass 1's result: what each line is."""

    comments: dict[int, str] = field(default_factory=dict)
    """Line -> comment text without the leading whitespace (full-line comments only)."""
    docstrings: list[_Docstring] = field(default_factory=list)
    cells: dict[int, _Cell] = field(default_factory=dict)
    """Line -> the percent-format cell marker on it (a boundary, shown nowhere)."""
    hidden: set[int] = field(default_factory=set)
    """Lines shown nowhere: a Jupytext metadata header above the cells."""


@dataclass(frozen=True, slots=True)
class _Cell:
    """A ``# %%`` marker: the title written after it, and whether its cell is Markdown."""

    title: str
    markdown: bool


def _cell(comment: str) -> _Cell | None:
    """The marker a comment is (``# %% Training loop``, ``# %% [markdown]``), else None."""
    match = _CELL.match(comment)
    if match is None:
        return _Cell("", markdown=False) if _IN_CELL.match(comment) else None
    rest = match.group("rest").strip()
    cell_type = _CELL_TYPE.search(rest)
    title = rest[: cell_type.start()] if cell_type else _CELL_METADATA.sub("", rest)
    markdown = cell_type is not None and cell_type.group("type").lower() in ("markdown", "md")
    return _Cell(title.strip(), markdown)


def _take_cells(lines: _Lines) -> None:
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


#: A token as :func:`_classify` reads it, in the order Python 3.11's C tokenizer yields it:
#: (string, type, start row, end row, start column, end column, physical line(s)).
_Token = tuple[str, int, int, int, int, int, str]
#: Token types that are names: the C tokenizer gives ``async``/``await`` types of their own.
_NAME_TYPES = frozenset({tokenize.NAME, tokenize.ASYNC, tokenize.AWAIT})
_LINE_START = frozenset({tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT})


def _classify(text: str) -> _Lines:
    """Find full-line comments and docstrings (with their headers) with Python's tokenizer."""
    source_lines = text.split("\n")
    stream = _c_tokens(text, source_lines) or _python_tokens(text)
    tokens = stream.tokens
    lines = _Lines(comments=stream.comments)
    header: _Header | None = None
    decorator = 0
    previous = tokenize.NEWLINE
    module_start = True
    for index, token in enumerate(tokens):
        string, kind = token[0], token[1]
        at_line_start = previous in _LINE_START
        # Only an operator is spelled "@" (a comment is no token here, a string has quotes).
        if at_line_start and string == "@" and not decorator:
            decorator = token[2]
        elif at_line_start and kind in _NAME_TYPES and _opens_header(tokens, index):
            header = header or _Header(decorator or token[2])
        elif module_start and kind == tokenize.STRING:
            _add_docstring(lines, stream, index, 0, "", source_lines)
        if header is not None and header.feed(kind, string):
            _add_docstring(lines, stream, header.body_start(tokens, index), header.start, header.name,
                           source_lines)
            header, decorator = None, 0
        if kind != tokenize.NEWLINE:
            module_start = False
        previous = kind
    for special in _special_first_lines(text):
        lines.comments.pop(special, None)
    _take_cells(lines)
    return lines


def _opens_header(tokens: Sequence[_Token], index: int) -> bool:
    """``def``/``class`` (or ``async def``) at the start of a statement."""
    string = tokens[index][0]
    return string in ("def", "class") or (string == "async" and tokens[index + 1][0] == "def")


# --- pass 1's tokens: Python's reference tokenizer, or its C tokenizer when that is exact ---------


@dataclass(frozen=True, slots=True)
class _Stream:
    """Pass 1's tokens without comments and NL, and the full-line comments by line."""

    tokens: list[_Token]
    comments: dict[int, str]
    byte_columns: bool
    """Columns count UTF-8 bytes (the C tokenizer), not characters."""


def _python_tokens(text: str) -> _Stream:
    """The reference tokenizer's stream (and its errors, as :class:`SourceError`)."""
    tokens: list[_Token] = []
    comments: dict[int, str] = {}
    for token in _tokens(text):
        kind = token.type
        if kind == tokenize.COMMENT:
            if token.line[: token.start[1]].strip() == "":
                comments[token.start[0]] = token.line.strip()
        elif kind != tokenize.NL:
            tokens.append((token.string, kind, token.start[0], token.end[0], token.start[1],
                           token.end[1], token.line))
    return _Stream(tokens, comments, byte_columns=False)


try:  # Python 3.11's tokenizer in C (what ``tokenize`` itself uses from 3.12 on)
    import _tokenize as _c_tokenizer  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover (another Python)
    _c_tokenizer = None

#: Types the C tokenizer gives the tokens ``tokenize`` would give for a file it accepts.
_C_TYPES = frozenset({tokenize.NAME, tokenize.NUMBER, tokenize.STRING, tokenize.NEWLINE,
                      tokenize.INDENT, tokenize.DEDENT, tokenize.ASYNC, tokenize.AWAIT,
                      *tokenize.EXACT_TOKEN_TYPES.values()})
#: What the reference tokenizer reads as one name (a non-ASCII name it splits is tested).
_PYTHON_NAME = re.compile(r"\w+")


def _c_tokens(text: str, source_lines: Sequence[str]) -> _Stream | None:
    """The stream ``_python_tokens`` gives, from the C tokenizer (about 8x faster); None
    whenever they might differ, and the caller then runs the reference tokenizer itself.

    Exact because each way the C tokenizer of Python 3.11 differs is tested: it drops comments
    and NL tokens (the comments are found from the lines, outside multi-line strings), ends
    without ENDMARKER (one is added), and on bad input either raises, or stops early without a
    word (its last NEWLINE, before the closing DEDENTs, is then above the last line of code), or
    gives a stray character (``$``, ``?``) the generic OP type; and it reads the indentation of
    a line that starts with a backslash continuation its own way (such files are left to the
    reference). Its columns count UTF-8 bytes.
    """
    if _c_tokenizer is None or sys.version_info[:2] != (3, 11):
        return None
    try:
        tokens: list[_Token] = list(_c_tokenizer.TokenizerIter(text))
    except Exception:  # noqa: BLE001 - SyntaxError, ValueError (a NUL byte): the reference reports it
        return None
    if not {token[1] for token in tokens} <= _C_TYPES:
        return None
    if not text.isascii() and any(token[1] == tokenize.NAME and not _PYTHON_NAME.fullmatch(token[0])
                                  for token in tokens):
        return None  # a name the reference tokenizer splits (a combining accent in it)
    interior: set[int] = set()
    for token in tokens:
        if token[1] == tokenize.STRING and token[3] > token[2]:
            interior.update(range(token[2] + 1, token[3] + 1))
    comments: dict[int, str] = {}
    last_code = 0
    for number, line in enumerate(source_lines, start=1):
        content = line.lstrip(" \t\f")
        if content.startswith("#") and number not in interior:
            comments[number] = line.strip()
        elif content:
            if content.startswith("\\") and number not in interior:
                return None  # a line opening with a continuation: the two indent it differently
            last_code = number
    last = len(tokens) - 1
    while last >= 0 and tokens[last][1] == tokenize.DEDENT:
        last -= 1
    if last_code and not (last >= 0 and tokens[last][1] == tokenize.NEWLINE and tokens[last][2] >= last_code):
        return None  # stopped early: an error the reference tokenizer reports
    end = len(source_lines) + 1
    tokens.append(("", tokenize.ENDMARKER, end, end, 0, 0, ""))
    return _Stream(tokens, comments, byte_columns=True)


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

    def feed(self, kind: int, string: str) -> bool:
        """True once the token that ends the header has been seen."""
        # Brackets and ':' are checked by their text: no other token is spelled that way.
        if kind in _NAME_TYPES and not self.name and string not in ("def", "class", "async"):
            self.name = string
        elif string in ("(", "[", "{"):
            self.depth += 1
        elif string in (")", "]", "}"):
            self.depth -= 1
        elif string == ":" and self.depth == 0:
            return True
        return False

    @staticmethod
    def body_start(tokens: Sequence[_Token], colon: int) -> int:
        """Index of the first token of the body's first statement (-1 for a one-line body)."""
        index = colon + 1
        if tokens[index][1] != tokenize.NEWLINE:
            return -1
        while tokens[index][1] in (tokenize.NEWLINE, tokenize.INDENT):
            index += 1
        return index


def _add_docstring(lines: _Lines, stream: _Stream, index: int, header: int, name: str,
                   source_lines: Sequence[str]) -> None:
    """Record token ``index`` as a docstring if it is a plain string forming a whole statement."""
    tokens = stream.tokens
    if index < 0 or tokens[index][1] != tokenize.STRING:
        return
    string, _, start, end, column = tokens[index][:5]
    prefix = string[: len(string) - len(string.lstrip("rRuUbBfF"))]
    if set(prefix.lower()) & set("bf") or tokens[index + 1][1] not in (tokenize.NEWLINE, tokenize.ENDMARKER):
        return
    # What stands before the quotes on their line (the token's own "line" may start earlier,
    # at a backslash-continued line, in the C tokenizer).
    line = source_lines[start - 1]
    before = line.encode()[:column].decode() if stream.byte_columns else line[:column]
    lines.docstrings.append(_Docstring(start=start, end=end, text=string, header=header, name=name,
                                       indent=before if not before.strip() else " " * len(before)))


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
            markdown = markdown and not source_lines[number - 1].strip()
            if current is None:
                current = _Open(SectionKind.CODE, number)
            current.code.append(CodeLine(number, _shown(source_lines[number - 1])))
            number += 1
    _flush(current, sections, None)
    return sections


def _notes_follow(source_lines: Sequence[str], number: int, found: _Lines) -> bool:
    """Line ``number`` is blank and the next non-blank line is a comment."""
    while number <= len(source_lines) and not source_lines[number - 1].strip():
        number += 1
    return number in found.comments


def _shown(line: str) -> str:
    """A code line as the code column shows it: form feeds (page breaks) in its indentation go."""
    indentation = len(line) - len(line.lstrip(" \t\f"))
    return line[:indentation].replace("\f", "") + line[indentation:] if "\f" in line else line


def _start_docstring(current: _Open | None, sections: list[Section], doc: _Docstring,
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


def _flush(current: _Open | None, sections: list[Section], following: _Open | None) -> _Open | None:
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


# --- front matter and Markdown pages ----------------------------------------------------------


def _take_front_matter(sections: list[Section], path: Path, *,
                       notebook: bool = False) -> tuple[list[Section], FrontMatter]:
    """Remove the YAML front matter from the first notes and build :class:`FrontMatter`.

    A percent-format file (``notebook``) without a module docstring takes its title from
    the first level-1 heading of its notes, as a notebook's first Markdown cell gives it.
    """
    index = next((i for i, s in enumerate(sections)
                  if s.kind in (SectionKind.MODULE_DOCSTRING, SectionKind.MARKDOWN)), None)
    values: dict[str, object] = {}
    if index is not None:
        notes, values = _split_front_matter(sections[index].notes, sections[index].line)
        old = sections[index]
        sections[index] = Section(kind=old.kind, notes=notes, code=old.code, line=old.line, name=old.name)
        body = notes
    else:
        body = next((s.notes for s in sections if _HEADING_1.search(s.notes)), "") if notebook else ""
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

"""Parse stage: an annotated source file (``Path``) -> :class:`SourceFile` of sections.

The driver of the source floor, one file at a time: its bytes are decoded as Python decodes
them (:mod:`~site_builder.source.decode`), a ``.py`` file is classified line by line from its
token stream (:mod:`~site_builder.source.classify` over :mod:`~site_builder.source.tokens`)
and cut into sections (:mod:`~site_builder.source.sections`), a ``.md`` file is one notes-only
section, and the YAML front matter is taken out (:mod:`~site_builder.source.frontmatter`);
section ids come last (:mod:`~site_builder.source.ids`). A file over the size limit, or one
that cannot be decoded, is a :class:`SourceError` (the caller skips it); a file Python cannot
tokenize or compile, or with a line over the length limit, keeps its page and carries a
warning :class:`Finding` (code navigation leaves it out; one that cannot be tokenized is shown
as code alone). This stage neither renders Markdown
nor looks at translations.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from site_builder.config import DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_LINE_CHARS
from site_builder.errors import Location, SourceError, at_file
from site_builder.model import CodeLine, Finding, Section, SectionKind, Severity, SourceFile, SourceKind
from site_builder.source.classify import classify
from site_builder.source.decode import python_lines, read_source_text
from site_builder.source.discover import file_id, find_sources
from site_builder.source.frontmatter import take_front_matter
from site_builder.source.ids import with_section_ids
from site_builder.source.sections import docstring_notes, group

# Re-exported: the callers of parse_file name and list files, and the page's notes are made
# as docstring_notes makes them; their homes are discover and sections.
__all__ = ["docstring_notes", "file_id", "find_sources", "parse_file"]

#: Where the limits are set, for the messages that name them.
_SETTING = "in the site_builder plugin's options in mkdocs.yml"


def parse_file(path: Path, root: Path, *, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
               max_line_chars: int = DEFAULT_MAX_LINE_CHARS) -> SourceFile:
    """Read one annotated ``.py`` or ``.md`` file and split it into sections.

    Raises:
        SourceError: the file is larger than ``max_file_bytes``; or it is not valid in the
            encoding Python would read it with (its BOM or PEP 263 declaration, else UTF-8),
            declares an encoding Python does not know; or its front matter is not YAML; or
            reading it ran out of memory or recursion.
    """
    with at_file(path):
        size = path.stat().st_size
        if size > max_file_bytes:
            raise SourceError(f"the file is {size:,} bytes, over max_file_bytes ({max_file_bytes:,}): skipped",
                              location=Location(path),
                              hint=f"raise max_file_bytes {_SETTING}, or exclude the file")
        try:
            return _parse(path, root, max_line_chars)
        except (RecursionError, MemoryError) as err:
            raise SourceError(f"the file could not be read ({type(err).__name__}): skipped",
                              location=Location(path),
                              hint="split the file, or exclude it") from None


def _parse(path: Path, root: Path, max_line_chars: int) -> SourceFile:
    text = read_source_text(path)
    notebook = False
    findings: tuple[Finding, ...] = ()
    if path.suffix == ".md":
        sections = [Section(kind=SectionKind.MARKDOWN, notes=text, code=(), line=1)]
    else:
        lines = python_lines(text)
        try:
            found = classify(text)
        except SourceError as err:
            # Python cannot tokenize it (an unclosed bracket or string): the page still shows
            # the code, as one section without notes, and the warning gives Python's message.
            sections = [Section(kind=SectionKind.CODE, notes="", line=1,
                                code=tuple(CodeLine(number, line) for number, line in enumerate(lines, start=1)))]
            findings = _syntax(path, text) or (_finding(path, err),)
        else:
            sections, notebook = group(lines, found), bool(found.cells)
            findings = _long_line(path, lines, max_line_chars) or _syntax(path, text)
    sections, front = take_front_matter(sections, path, notebook=notebook)
    kind = SourceKind.MARKDOWN if path.suffix == ".md" else SourceKind.PYTHON
    return SourceFile(id=file_id(path, root), path=path, kind=kind, front=front,
                      sections=with_section_ids(sections), text=text, findings=findings)


def _finding(path: Path, err: SourceError) -> Finding:
    """The warning for a file Python cannot tokenize though it compiles it (rare: a tokenizer quirk)."""
    return Finding(file=path.absolute(), key="", check="syntax", severity=Severity.WARNING,
                   line=err.location.line or 0,
                   message=f"Python cannot tokenize this file ({err.message}); the page shows its code "
                           "without notes or code navigation")


def _long_line(path: Path, lines: list[str], limit: int) -> tuple[Finding, ...]:
    """A warning for the first line longer than ``limit`` characters (none: ())."""
    for number, line in enumerate(lines, start=1):
        if len(line) > limit:
            return (Finding(file=path.absolute(), key="", check="long-line", severity=Severity.WARNING,
                            line=number,
                            message=f"line {number} is {len(line):,} characters, over max_line_chars "
                                    f"({limit:,}): the page is shown without code navigation; "
                                    f"raise max_line_chars {_SETTING} to have it"),)
    return ()


def _syntax(path: Path, text: str) -> tuple[Finding, ...]:
    """A warning when Python cannot compile the file (its message, line and column)."""
    try:
        with warnings.catch_warnings():  # "invalid escape sequence" and friends are not ours
            warnings.simplefilter("ignore")
            compile(text, str(path), "exec", dont_inherit=True)
    except SyntaxError as err:
        where = f"line {err.lineno}, column {err.offset}" if err.offset else f"line {err.lineno}"
        return (Finding(file=path.absolute(), key="", check="syntax", severity=Severity.WARNING,
                        line=err.lineno or 0,
                        message=f"Python cannot parse this file: {err.msg} ({where}); the page "
                                "shows its code without code navigation"),)
    except (RecursionError, MemoryError, ValueError) as err:
        reason = "it is nested too deeply" if isinstance(err, RecursionError) else str(err) or type(err).__name__
        return (Finding(file=path.absolute(), key="", check="syntax", severity=Severity.WARNING,
                        message=f"Python cannot compile this file ({reason}); the page shows its code "
                                "without code navigation"),)
    return ()

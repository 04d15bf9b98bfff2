"""The data model every stage passes to the next.

Stages never fill in each other's fields: each returns a new frozen value, so a value
made for one build can be cached and reused by the next (``serve`` rebuilds) safely.
This module holds dataclasses and enums only: no I/O and no third-party imports.

The flow, with the function that makes each value::

    Path --parse_file--> SourceFile --split_units--> Unit (with Masked)
    Path --load_catalog--> Catalog
    Unit + Catalog --lookup--> UnitResult, Orphan
    SourceFile + UnitResult --build_page--> Page
    Catalog + Unit --run_checks--> Finding
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class SourceKind(enum.Enum):
    """What kind of file a page comes from."""

    PYTHON = "python"
    MARKDOWN = "markdown"


class SectionKind(enum.Enum):
    """Where a section's notes come from in the source."""

    MODULE_DOCSTRING = "module-docstring"
    """The module's docstring (front matter already removed)."""
    DOCSTRING = "docstring"
    """A class or function docstring; the section's code is the header it documents."""
    COMMENT = "comment"
    """A run of full-line ``#`` comments."""
    CODE = "code"
    """Code with no notes above it (for example the imports before the first comment)."""
    MARKDOWN = "markdown"
    """A Markdown page: notes only, no code."""


@dataclass(frozen=True, slots=True)
class CodeLine:
    """One line of source code, as it is in the file."""

    number: int
    """1-based line number in the source file."""
    text: str
    """The line without its line ending."""


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The YAML block at the top of a module docstring or Markdown page."""

    title: str
    """The page title: front matter ``title``, else the first level-1 heading, else the file name."""
    summary: str = ""
    """One-sentence description; empty when the source has none."""
    extra: tuple[tuple[str, str], ...] = ()
    """Any other scalar keys of the front matter, in source order."""

    @property
    def order(self) -> float | None:
        """Front matter ``order``: the page's place in the reading order (None: not given).

        Pages with an order come first, lowest first; the others follow in source order.
        """
        value = dict(self.extra).get("order", "")
        try:
            return float(value)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class Section:
    """Notes and the code they explain: one row of a side-by-side page."""

    kind: SectionKind
    notes: str
    """The notes as Markdown, comment markers and docstring quotes removed ('' for code only)."""
    code: tuple[CodeLine, ...]
    """The code lines of this section with their real line numbers (may be empty)."""
    line: int
    """1-based source line where the section starts (its notes, else its first code line)."""
    name: str = ""
    """The def/class name a docstring section documents ('' otherwise)."""
    id: str = ""
    """The section's stable id, unique in its file (``squash``, ``Squash.forward``, ``squash+1``):
    the page's ``id`` attribute, the section part of PO msgctxt, the section a Finding names.
    Set by ``parse_file`` through :func:`site_builder.source.ids.with_section_ids`; '' only on
    sections made by hand, for which :func:`site_builder.source.ids.ids_of` computes it."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """An annotated source file split into sections."""

    id: str
    """Path relative to the source root, POSIX separators, without extension: ``capsule_networks/__init__``."""
    path: Path
    """Where the file was read from."""
    kind: SourceKind
    front: FrontMatter
    sections: tuple[Section, ...]
    text: str = ""
    """The whole file as parsing decoded it, every line ending made ``\n``: its lines are
    ``text.split("\n")``, Python's lines (never ``str.splitlines()``, which breaks at more)."""
    findings: tuple[Finding, ...] = ()
    """Problems that keep the page but leave code navigation out: Python cannot compile the
    file, or a line is longer than the configured limit."""


class ProtectedKind(enum.Enum):
    """Content that is never translated and is masked by a placeholder in keys."""

    INLINE_MATH = "inline-math"
    DISPLAY_MATH = "display-math"
    CODE_SPAN = "code-span"
    CODE_BLOCK = "code-block"
    IMAGE = "image"


@dataclass(frozen=True, slots=True)
class Protected:
    """One masked piece of notes: what placeholder N stands for."""

    kind: ProtectedKind
    source: str
    """The LaTeX (without delimiters), code, or image Markdown, as written in the notes."""
    language: str = ""
    """Fenced code's info string (e.g. ``python``); '' for other kinds."""
    alt: str = ""
    """Image alt text ('' for other kinds)."""
    url: str = ""
    """Image URL ('' for other kinds)."""


@dataclass(frozen=True, slots=True)
class Masked:
    """Notes rendered to the key HTML, with ``originals[N]`` behind placeholder N."""

    html: str
    originals: tuple[Protected, ...] = ()


class UnitKind(enum.Enum):
    """What a translation unit holds."""

    TITLE = "title"
    SUMMARY = "summary"
    NOTES = "notes"
    """A section's notes, or one top-level block of a long section."""


@dataclass(frozen=True, slots=True)
class Unit:
    """One translatable piece of a page; its ``key`` is the cache's JSON key."""

    file_id: str
    kind: UnitKind
    section: int
    """Index of the section in ``SourceFile.sections`` (-1 for title and summary)."""
    block: int
    """Index of the block inside a split section; 0 for an unsplit section, title, summary."""
    masked: Masked
    line: int = 0
    """1-based source line where the unit's text starts (0 when unknown)."""
    section_id: str = ""
    """``Section.id`` of ``section`` ('' for title and summary)."""

    @property
    def key(self) -> str:
        return self.masked.html


@dataclass(frozen=True, slots=True)
class Catalog:
    """One translation cache file: English key -> translation, as stored."""

    path: Path
    lang: str
    entries: Mapping[str, str]
    """Key -> value, in file order."""
    lines: Mapping[str, int] = field(default_factory=dict)
    """Key -> 1-based line of the key in the file (empty for catalogs not read from disk)."""


class UnitState(enum.Enum):
    """How a unit fares in one language."""

    TRANSLATED = "translated"
    MISSING = "missing"
    FUZZY = "fuzzy"
    """Only a suggestion carried over from an older English text exists; shown as missing."""


@dataclass(frozen=True, slots=True)
class UnitResult:
    """A unit looked up in a catalog."""

    unit: Unit
    state: UnitState
    text: str | None = None
    """The translated key HTML, placeholders still in it (None unless translated)."""
    matched_key: str | None = None
    """The catalog key that matched (differs from ``unit.key`` after a whitespace-normalised match)."""
    suggestion: str | None = None
    """For fuzzy units, the carried-over translation."""


@dataclass(frozen=True, slots=True)
class Orphan:
    """A catalog entry whose key matches no unit of the current source."""

    key: str
    value: str
    line: int = 0


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem that must not stop a build: a check result, a math failure, a bad value."""

    file: Path
    """Absolute path of the file concerned (a source, a cache, a PO file). Adapters show it
    relative to where their user stands: :meth:`shown_from`."""
    key: str
    """The unit key concerned ('' when the finding is about the whole file)."""
    check: str
    """Short stable id, e.g. ``placeholders``, ``nested-link``, ``math``."""
    severity: Severity
    message: str
    line: int = 0
    """1-based line in ``file`` (0 when unknown)."""
    section: str = ""
    """Id of the page section concerned (``Section.id``; '' when unknown or page-wide)."""

    def shown_from(self, folder: Path) -> str:
        """``file[:line]`` as someone in ``folder`` reads it: see :func:`path_shown_from`."""
        shown = path_shown_from(self.file, folder)
        return f"{shown}:{self.line}" if self.line else shown


def path_shown_from(path: Path, folder: Path) -> str:
    """``path`` relative to ``folder`` when it is inside it, else as it is (absolute)."""
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True, slots=True)
class PageSection:
    """One row of a rendered page."""

    anchor: str
    """The section's id (``Section.id``): the row's ``id`` attribute."""
    number: int
    """Position of the section, for the ``#section-N`` alias that keeps old links working."""
    notes_html: str
    code_html: str
    fallback: bool = False
    """True when some notes are shown in English because the translation is missing."""


@dataclass(frozen=True, slots=True)
class Page:
    """A page ready for a theme: HTML fragments per section in one language."""

    file_id: str
    lang: str
    title: str
    description: str
    sections: tuple[PageSection, ...]
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A translation carried over from an older English text: shown to translators, not to readers."""

    previous: str
    """The old English key the translation was made for."""
    translation: str
    """The old translation (key HTML, placeholders numbered as in ``previous``)."""
    score: float
    """Similarity of the old and new English text, 0..1."""


@dataclass(frozen=True, slots=True)
class RenderedMath:
    """LaTeX converted to MathML, or a visible fallback box when it could not be."""

    html: str
    error: str = ""
    """Why conversion failed ('' on success); the build counts and logs these."""

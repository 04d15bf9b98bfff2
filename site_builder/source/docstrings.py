"""Docstring conventions: a docstring's text -> its style and a typed model of its sections.

Stage between parsing and rendering: ``Section.notes`` of a docstring section in, a
:class:`ParsedDocstring` (text parts, field lists, admonitions, in source order) out, or None
when the docstring is plain Markdown. Parsing is griffe's (the parser mkdocstrings uses), for
Google, NumPy and Sphinx/reST alike; only the choice of style is ours, with three small
patterns, because griffe's own heuristics look at the stripped docstring (a field on the last
line is never seen) and would take the labml dialect (``:param name:`` and ``:return:`` lines
in Markdown, which the notes renderer already turns into a list, and whose keys translations
exist for) for Sphinx. Descriptions stay Markdown text for the renderer; names, types and
defaults are kept apart so that they never become translatable text. This module must not
render HTML or read files.
"""

from __future__ import annotations

import enum
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from griffe import DocstringSection

logger = logging.getLogger(__name__)


class DocstringStyle(enum.Enum):
    """How docstrings are read: found per docstring (``auto``) or fixed for a whole site."""

    AUTO = "auto"
    GOOGLE = "google"
    NUMPY = "numpy"
    SPHINX = "sphinx"
    MARKDOWN = "markdown"


#: The values ``docstring_style`` accepts in a config.
STYLE_NAMES = tuple(style.value for style in DocstringStyle)


@dataclass(frozen=True, slots=True)
class DocField:
    """One documented parameter, return value, exception or attribute."""

    name: str
    """The parameter's or attribute's name ('' for a return value or an exception)."""
    type: str
    """The type as written ('' when none is given); for an exception, the exception."""
    description: str
    """Markdown (translatable)."""
    default: str = ""
    """The default value as written (NumPy ``default 3``, Google ``(int, default 3)``)."""


@dataclass(frozen=True, slots=True)
class DocPart:
    """One part of a docstring, in source order."""

    kind: str
    """``text``, ``admonition`` or a field list: ``parameters``, ``returns``, ``raises``, ..."""
    title: str = ""
    """The section title shown above it ('' for text)."""
    text: str = ""
    """Markdown of a text or admonition part."""
    fields: tuple[DocField, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedDocstring:
    style: DocstringStyle
    parts: tuple[DocPart, ...]


_SECTION_WORDS = ("args|arguments|parameters|params|keyword args|keyword arguments|other args|"
                  "other arguments|other parameters|returns|yields|receives|raises|exceptions|warns|"
                  "attributes|examples?|notes?|warnings?|see also|todo|references|methods|"
                  "functions|classes|modules")
_TITLE = re.compile(rf"(?:{_SECTION_WORDS})", re.I)
#: NumPy: a known title underlined with dashes.
_NUMPY = re.compile(rf"^[ \t]*(?:{_SECTION_WORDS})[ \t]*\n[ \t]*-{{3,}}[ \t]*$", re.I | re.M)
#: Google: a known title and colon alone on its line, an indented line under it.
_GOOGLE = re.compile(rf"^[ \t]*(?:{_SECTION_WORDS}):[ \t]*\n(?:[ \t]*\n)?[ \t]+\S", re.I | re.M)
#: Sphinx: an info field (``:param int x:``, ``:rtype:``, ``:raises ValueError:``).
_SPHINX = re.compile(r"^[ \t]*:(param|parameter|arg|argument|key|keyword|type|returns?|rtype|"
                     r"raises?|except|exception|ivar|cvar|var|vartype|yields?|ytype)\b([^:\n]*):",
                     re.M)


def is_section_title(text: str) -> bool:
    """Whether ``text`` (a line above a ``---`` rule) is a NumPy section title, not a heading."""
    return _TITLE.fullmatch(text.strip()) is not None


def detect_style(text: str) -> DocstringStyle:
    """The convention ``text`` is written in: GOOGLE, NUMPY, SPHINX or MARKDOWN."""
    if ":" not in text and "---" not in text:
        return DocstringStyle.MARKDOWN  # every convention needs one or the other
    if "---" in text and _NUMPY.search(text):
        return DocstringStyle.NUMPY
    fields = _SPHINX.findall(text)
    # ``:param name:`` and ``:return:`` alone are the Markdown dialect (labml's); a type, an
    # ``:rtype:``, a ``:raises:`` or any other field says Sphinx.
    if any(not ((kind == "param" and len(rest.split()) == 1) or (kind == "return" and not rest.strip()))
           for kind, rest in fields):
        return DocstringStyle.SPHINX
    if _GOOGLE.search(text):
        return DocstringStyle.GOOGLE
    return DocstringStyle.MARKDOWN


def parse_docstring(text: str, style: DocstringStyle | str = DocstringStyle.AUTO) -> ParsedDocstring | None:
    """The parts of a docstring in ``style`` (AUTO: detected); None for Markdown.

    A docstring griffe cannot read in that style is Markdown too (logged at debug).
    """
    style = DocstringStyle(style)
    if style is DocstringStyle.AUTO:
        style = detect_style(text)
    if style is DocstringStyle.MARKDOWN or not text.strip():
        return None
    tail = ""
    if style is DocstringStyle.SPHINX:
        text, tail = _split_fields(text)
        # ``:ivar int size:``: griffe reads a type only from ``:vartype:`` (and drops the field).
        text = _TYPED_VAR.sub(r"\1:\2 \4:\5\n\1:vartype \4: \3", text)
        if _RTYPE.search(text) and not _RETURNS.search(text):
            # griffe keeps an ``:rtype:`` only beside a ``:returns:``; the type alone is worth showing.
            text = _RTYPE.sub(lambda m: f"{m.group(1)}:returns:\n{m.group(0)}", text, count=1)
    try:
        sections = _griffe_sections(text, style)
    except Exception as err:
        logger.debug("docstring read as Markdown, griffe failed on it (%s): %.60r", err, text)
        return None
    parts = tuple(part for part in map(_part, sections) if part is not None)
    if tail.strip():
        parts += (DocPart("text", text=tail),)
    if all(part.kind == "text" for part in parts):
        return None  # nothing the convention adds: the Markdown renderer shows it as written
    lost = _words(text + tail) - _words(" ".join(_texts(parts))) - _FIELD_WORDS
    if lost:
        # griffe skips what it cannot read (an entry without a colon, say): better the whole
        # docstring as written than a page that silently drops the author's words.
        logger.debug("docstring read as Markdown, %s style would drop %s: %.60r",
                     style.value, sorted(lost)[:5], text)
        return None
    return ParsedDocstring(style, parts)


_WORD = re.compile(r"\w+")
#: Words of the convention's own syntax, which the model holds as structure, not text.
_FIELD_WORDS = frozenset(("param parameter arg argument key keyword type returns return rtype raises raise "
                          "except exception ivar cvar var vartype yield yields ytype optional default "
                          "args arguments parameters params kwargs other examples example notes note "
                          "warnings warning warns see also todo attributes methods functions classes "
                          "modules references receives deprecated").split())


def _words(text: str) -> set[str]:
    return {word.lower() for word in _WORD.findall(text)}


def _texts(parts: tuple[DocPart, ...]) -> list[str]:
    texts = []
    for part in parts:
        texts += [part.title, part.text]
        texts += [piece for field in part.fields for piece in (field.name, field.type, field.default,
                                                               field.description)]
    return texts


_TYPED_VAR = re.compile(r"^([ \t]*):(ivar|cvar|var)[ \t]+(\S.*?)[ \t]+(\w+):(.*)$", re.M)
_RTYPE = re.compile(r"^([ \t]*):rtype:", re.M)
_RETURNS = re.compile(r"^[ \t]*:returns?:", re.M)
_FIELD_START = re.compile(r"^[ \t]*:\w[^:\n]*:")


def _split_fields(text: str) -> tuple[str, str]:
    """(the docstring up to the end of its Sphinx fields, the text after them).

    griffe's Sphinx parser gives every line up to the next field to the field before it, so
    a paragraph or an example after the last field (``Usage::`` in requests) would become
    part of the ``:rtype:``; it is a paragraph of its own, after the fields.
    """
    lines = text.split("\n")
    in_fields = False
    for index, line in enumerate(lines):
        if _FIELD_START.match(line):
            in_fields = True
        elif in_fields and line.strip() and not line[:1].isspace() and index and not lines[index - 1].strip():
            return "\n".join(lines[:index]), "\n".join(lines[index:])
    return text, ""


def _griffe_sections(text: str, style: DocstringStyle) -> list[DocstringSection]:
    from griffe import Docstring  # imported when a docstring needs it (griffe costs ~0.1 s)

    docstring = Docstring(text, lineno=1)
    if style is DocstringStyle.GOOGLE:
        # ``str: the result`` under Returns is a type, not a name, unless the author names it.
        return docstring.parse("google", returns_named_value=False, warnings=False)
    return docstring.parse(style.value, warnings=False)


_TITLES = {
    "parameters": "Parameters", "other parameters": "Other Parameters",
    "type parameters": "Type Parameters", "raises": "Raises", "warns": "Warns",
    "returns": "Returns", "yields": "Yields", "receives": "Receives", "attributes": "Attributes",
    "functions": "Functions", "classes": "Classes", "type aliases": "Type Aliases",
    "modules": "Modules", "deprecated": "Deprecated", "examples": "Examples",
}


def _part(section: DocstringSection) -> DocPart | None:
    kind: str = section.kind.value
    value = section.value  # its shape depends on the kind: text, admonition, a list of entries
    title = section.title or _TITLES.get(kind, kind.title())
    if kind == "text":
        return DocPart("text", text=value) if value.strip() else None
    if kind == "admonition" and value.annotation == "see-also":
        return DocPart("see-also", title=title, fields=tuple(_see_also(value.description)))
    if kind == "admonition":
        return DocPart("admonition", title=title, text=value.description)
    if kind == "deprecated":
        return DocPart("admonition", title=title, text=f"{value.version}: {value.description}".strip(": "))
    if kind == "examples":
        # Prose stays prose; the ``>>>`` runs become doctest blocks when the notes are rendered.
        text = "\n\n".join(part for _, part in value)
        return DocPart("admonition", title=title, text=text)
    fields = tuple(_field(kind, element) for element in value)
    return DocPart(kind.replace(" ", "-"), title=title, fields=fields)


_SEE_ALSO_ENTRY = re.compile(r"^(?P<names>[\w.,~`: ]+?)(?:\s+:\s+(?P<text>.*))?$")


def _see_also(text: str) -> list[DocField]:
    """NumPy's See Also: ``name : description`` (or a name, the description indented under it)."""
    fields: list[DocField] = []
    for line in text.split("\n"):
        entry = _SEE_ALSO_ENTRY.match(line)
        if line[:1].isspace() and fields:
            last = fields[-1]
            fields[-1] = DocField(last.name, "", f"{last.description} {line.strip()}".strip())
        elif entry and line.strip():
            fields.append(DocField(entry.group("names").strip(), "", (entry.group("text") or "").strip()))
        elif line.strip():
            return [DocField("", "", text)]  # not the entry format: the text as written
    return fields


def _field(kind: str, element: object) -> DocField:
    name = getattr(element, "name", "") or ""
    annotation = getattr(element, "annotation", None)
    type_ = "" if annotation is None else str(annotation)
    description = getattr(element, "description", "") or ""
    default = getattr(element, "value", None) if kind in ("parameters", "other parameters") else None
    if kind in ("raises", "warns"):
        name, type_ = type_, ""  # the exception is the entry's name
    return DocField(name=name, type=type_, description=description.strip(),
                    default="" if default is None else str(default))

"""Section ids: sections of a :class:`SourceFile` -> one stable id each, and the unit ids built on them.

A section's id is the only name a section has: the page's ``id`` attribute, the section part
of a PO ``msgctxt``, the section a :class:`Finding` names, and the fragment code links and
the translators' editor use. It is derived, in this order, from

1. the first Markdown heading of the notes (in a docstring, not a NumPy section title such as
   ``Parameters`` over dashes: it is no heading on the page), slugged as Python-Markdown's ``toc`` does for
   Unicode (``slugify_unicode``): "Where `b_ij` is updated" -> ``where-b_ij-is-updated``,
   "カプセル" -> ``カプセル``; code spans keep their text, math and markup are dropped;
2. else the qualified def/class name a docstring documents: ``Squash.forward``;
3. else the position after the nearest section that has a name: ``squash+1``, ``squash+2``
   (``section-N`` before any named section).

A repeated id gets ``-2``, ``-3``... in page order, and no id is ever ``section-N`` of another
section, so the ``#section-N`` alias the page keeps for every section stays unambiguous. So an
edit elsewhere in the file changes no id, except for sections counted (``+n``) after the same
named section or a repeated heading's suffix. Ids are computed once, when a file is parsed
(:func:`with_section_ids`), and carried on ``Section.id`` and ``Unit.section_id``. This module
computes names only: it must not read files or render HTML.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace

from markdown.extensions.toc import slugify_unicode

from site_builder.model import Section, SectionKind, Unit, UnitKind
from site_builder.source.docstrings import is_section_title

#: Separates a section's id from the unit's block number in a split section: ``squash:2``.
BLOCK_SEPARATOR = ":"

_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_RULE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
_MARKUP = (
    (re.compile(r"\$\$.+?\$\$|\$[^$]+\$"), " "),                # math: LaTeX makes no readable slug
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), " "),                 # images
    (re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\[[^\]]*\]"), r"\1\2"),  # links: their text
    (re.compile(r"<[^>]+>"), " "),                              # inline HTML tags
    (re.compile(r"[*]+|(?<!\w)_+|_+(?!\w)"), ""),                # emphasis markers
)
_DEF_HEADER = re.compile(r"^([ \t]*)(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)")


def positional_id(index: int) -> str:
    """The alias every section has on its page, whatever its id: ``section-<index>``."""
    return f"section-{index}"


def heading_slug(text: str) -> str:
    """The slug of a heading's Markdown text ('' when nothing readable is left)."""
    pieces: list[str] = []
    last = 0
    for match in _CODE_SPAN.finditer(text):
        pieces += (_strip_markup(text[last:match.start()]), match.group(2).strip())
        last = match.end()
    pieces.append(_strip_markup(text[last:]))
    slug = slugify_unicode(unicodedata.normalize("NFC", " ".join(pieces)), "-")
    return slug.strip("-_")


def _strip_markup(text: str) -> str:
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text


def first_heading(notes: str, docstring: bool = False) -> str:
    """The text of the first ATX or setext heading of ``notes`` outside fenced code ('' if none).

    ``docstring``: NumPy section titles (``Parameters`` over ``---``) are not headings."""
    fence = ""  # the marks of the fenced code block we are in ('' outside)
    previous = ""
    for line in notes.split("\n"):
        marks = _FENCE.match(line)
        if fence or marks:
            fence = _fence_after(fence, marks.group(1) if marks else "")
            previous = ""
            continue
        atx = _ATX_HEADING.match(line)
        if atx:
            return atx.group(1).strip()
        if (previous.strip() and _SETEXT_RULE.match(line)
                and not (docstring and "-" in line and is_section_title(previous))):
            return previous.strip()
        previous = line
    return ""


def _fence_after(fence: str, marks: str) -> str:
    """The open fence after a line with ``marks`` (a fence closes on as many of the same marks)."""
    if not fence:
        return marks
    return "" if marks and marks[0] == fence[0] and len(marks) >= len(fence) else fence


def qualified_names(sections: Sequence[Section]) -> tuple[str, ...]:
    """``Class.method`` for each docstring section, '' for others.

    The enclosing defs and classes are followed through every section's code lines by
    indentation, so an undocumented class still qualifies the methods documented inside it.
    """
    scopes: list[tuple[int, str]] = []  # (indent, name) of the defs and classes still open
    names = []
    for section in sections:
        qualified = ""
        for line in section.code:
            header = _DEF_HEADER.match(line.text)
            if header is not None:
                scopes = _enter(scopes, _indent(header.group(1)), header.group(2))
                if section.name and not qualified and header.group(2) == section.name:
                    qualified = ".".join(name for _, name in scopes)
        if section.name and not qualified:
            # The header line is not among the code (a hand-made section): its first line
            # (a decorator, say) is as deep as the def.
            first = section.code[0].text if section.code else ""
            scopes = _enter(scopes, _indent(first[: len(first) - len(first.lstrip())]), section.name)
            qualified = ".".join(name for _, name in scopes)
        names.append(qualified)
    return tuple(names)


def _indent(whitespace: str) -> int:
    return len(whitespace.expandtabs())


def _enter(scopes: list[tuple[int, str]], indent: int, name: str) -> list[tuple[int, str]]:
    """The open scopes once a def/class ``name`` starts at ``indent``."""
    return [(i, open_name) for i, open_name in scopes if i < indent] + [(indent, name)]


def section_ids(sections: Sequence[Section]) -> tuple[str, ...]:
    """The id of each section (see the module docstring), unique among them."""
    # Every section's alias is taken from the start, so no heading can claim another's.
    taken = {positional_id(index) for index in range(len(sections))}
    ids = []
    last_named, since = "", 0
    for index, (section, name) in enumerate(zip(sections, qualified_names(sections), strict=True)):
        docstring = section.kind in (SectionKind.DOCSTRING, SectionKind.MODULE_DOCSTRING)
        base = heading_slug(first_heading(section.notes, docstring)) or name
        if base:
            section_id = _unused(base, taken)
            last_named, since = section_id, 0
        elif last_named:
            since += 1
            section_id = f"{last_named}+{since}"
        else:
            section_id = positional_id(index)
        taken.add(section_id)
        ids.append(section_id)
    return tuple(ids)


def _unused(base: str, taken: set[str]) -> str:
    candidate, suffix = base, 2
    while candidate in taken:
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    return candidate


def with_section_ids(sections: Iterable[Section]) -> tuple[Section, ...]:
    """``sections`` with ``Section.id`` filled in (the parse stage's last step)."""
    sections = tuple(sections)
    return tuple(replace(section, id=section_id)
                 for section, section_id in zip(sections, section_ids(sections), strict=True))


def ids_of(sections: Sequence[Section]) -> tuple[str, ...]:
    """The ids carried on ``sections``; computed here only for hand-made sections that lack them."""
    if all(section.id for section in sections):
        return tuple(section.id for section in sections)
    return section_ids(sections)


# --- unit ids (PO msgctxt) --------------------------------------------------------------------


def unit_ids(file_id: str, units: Sequence[Unit]) -> list[str]:
    """The stable id of each unit, in unit order; used as the PO ``msgctxt``.

    ``<file id>:title`` and ``<file id>:summary`` for the page's title and summary (they
    belong to no section); ``<file id>#<section id>`` for a section's notes, and
    ``<file id>#<section id>:<block>`` for each block of a section long enough to be split.
    The part after ``#`` (up to ``:``) is always an ``id`` on the built page.
    """
    blocks_per_section: dict[int, int] = {}
    for unit in units:
        if unit.kind is UnitKind.NOTES:
            blocks_per_section[unit.section] = blocks_per_section.get(unit.section, 0) + 1
    ids = []
    for unit in units:
        if unit.kind is not UnitKind.NOTES:
            ids.append(f"{file_id}:{unit.kind.value}")
            continue
        section = unit.section_id or positional_id(unit.section)
        split = blocks_per_section[unit.section] > 1
        ids.append(f"{file_id}#{section}{BLOCK_SEPARATOR}{unit.block}" if split else f"{file_id}#{section}")
    return ids


def section_of_unit_id(unit_id: str) -> str:
    """The section id named by a unit id ('' for title and summary ids)."""
    _, hash_mark, rest = unit_id.rpartition("#")  # section ids never hold '#'; file ids might
    return rest.partition(BLOCK_SEPARATOR)[0] if hash_mark else ""


def file_anchor(file_id: str) -> str:
    """The id of a source file's row on the status page: ``file-capsule_networks-__init__``."""
    return "file-" + re.sub(r"[^\w-]+", "-", file_id)

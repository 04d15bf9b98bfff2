"""Front matter: a file's sections -> the same sections without the YAML block, and FrontMatter.

The ``---`` ... ``---`` block that opens a module docstring or a Markdown page gives the page's
title, summary and other scalar keys; without one, the title is the first level-1 heading of
the notes (of the first notes with one, in a percent-format notebook), else the file name.
This module reads notes already cut: it must not tokenize or render anything.
"""

from __future__ import annotations

import re
from pathlib import Path

from site_builder.errors import Location, SourceError
from site_builder.model import FrontMatter, Section, SectionKind

_HEADING_1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def take_front_matter(sections: list[Section], path: Path, *,
                      notebook: bool = False) -> tuple[list[Section], FrontMatter]:
    """Remove the YAML front matter from the first notes and build :class:`FrontMatter`.

    A percent-format file (``notebook``) without a module docstring takes its title from
    the first level-1 heading of its notes, as a notebook's first Markdown cell gives it.

    Raises:
        SourceError: the block is not valid YAML (line and column in the file).
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

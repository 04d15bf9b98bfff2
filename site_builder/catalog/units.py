"""Units stage: :class:`SourceFile` -> the translation units of a page, each with its key.

A page has a title unit, a summary unit when the front matter has one, then one notes unit
per section with notes, in section order. Title and summary keys are plain text. A section
whose key would be longer than :data:`SPLIT_LIMIT` characters is cut into its top-level
blocks (headings, paragraphs, lists, bare placeholders), one unit each, every block
numbering its placeholders from 0; a page shows the block translations one after another.
Code-only sections have no unit; notes with nothing translatable still have one (a lone
``#`` gives ``<p> </p>``). Each notes unit carries its section's id (``Unit.section_id``).
Docstring sections are read in the site's docstring convention (Google, NumPy, Sphinx or
Markdown; ``auto`` finds it per docstring); comments are Markdown.
This stage must not read translations or files.
"""

from __future__ import annotations

from site_builder.model import Masked, SectionKind, SourceFile, Unit, UnitKind
from site_builder.render.notes import render_blocks
from site_builder.source.docstrings import DocstringStyle
from site_builder.source.ids import ids_of

#: A section key longer than this many characters is split into one unit per top-level block.
SPLIT_LIMIT = 4000


_DOCSTRINGS = (SectionKind.DOCSTRING, SectionKind.MODULE_DOCSTRING)


def split_units(source: SourceFile, docstring_style: DocstringStyle | str = DocstringStyle.AUTO) -> list[Unit]:
    """The units of ``source``: title, summary (if any), then notes in section order."""
    style = DocstringStyle(docstring_style)
    units = [Unit(source.id, UnitKind.TITLE, -1, 0, Masked(source.front.title))]
    if source.front.summary:
        units.append(Unit(source.id, UnitKind.SUMMARY, -1, 0, Masked(source.front.summary)))
    section_ids = ids_of(source.sections)
    for index, section in enumerate(source.sections):
        if not section.notes:
            continue
        rendered = render_blocks(section.notes, style if section.kind in _DOCSTRINGS else None)
        if not rendered.whole.html:
            continue  # notes that render to nothing (a lone link definition) have no text
        if len(rendered.whole.html) > SPLIT_LIMIT and len(rendered.blocks) > 1:
            units.extend(Unit(source.id, UnitKind.NOTES, index, number, block, line=section.line,
                              section_id=section_ids[index])
                         for number, block in enumerate(rendered.blocks))
        else:
            units.append(Unit(source.id, UnitKind.NOTES, index, 0, rendered.whole, line=section.line,
                              section_id=section_ids[index]))
    return units

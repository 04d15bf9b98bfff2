"""Live examples on hand-written pages: ``<!-- example: examples/stack.py -->`` -> that file, twice.

A guide to writing notes is best read beside what the tool makes of them. A hand-written page
names an annotated file with the marker (path relative to the docs folder); the page then
shows the file as written (highlighted) and the rows of the page the tool builds from it,
rendered by the same stages as every source page, so the example can never drift from the
tool. Input: the marker's :class:`SourceFile` and its text; output: HTML. The example's
headings are lowered below the guide's and its ids prefixed, so it adds nothing to the
guide's outline and no id collides. This module must not read files (the adapter parses the
file named) nor know the engine.
"""

from __future__ import annotations

import html
import re

from site_builder.config import SOURCE_LANGUAGE
from site_builder.catalog.units import split_units
from site_builder.model import SourceFile, UnitResult, UnitState
from site_builder.render.layout import PageChrome, rows_html
from site_builder.render.page import build_page, default_renderers
from site_builder.site.ui import ui_text

#: Where a hand-written page asks for a live example (Markdown keeps HTML comments as they are).
EXAMPLE_MARKER = re.compile(r"<!--\s*example:\s*(?P<path>[^\s<>]+?)\s*-->")
_HEADING = re.compile(r"<(/?)h([1-6])\b")
_ID = re.compile(r'(?<=\s)(id|href)="(#?)([^"]*)"')


def example_html(source: SourceFile, text: str, lang: str, *, number: int) -> str:
    """The file ``text`` (of ``source``) as written, then the rows the tool renders from it.

    ``number`` makes the example's ids unique on its page (``ex1-...``). The notes are shown as
    written, whatever language the page is in: an example is one author's file.
    """
    ui = ui_text(lang)
    results = [UnitResult(unit=unit, state=UnitState.MISSING) for unit in split_units(source)]
    page = build_page(source, results, SOURCE_LANGUAGE)
    rows = _nested(rows_html(page, source.kind, PageChrome(permalink_label=ui["permalink"])), f"ex{number}-")
    listing = default_renderers().code(text, "python" if source.path.suffix == ".py" else "markdown")
    name = html.escape(source.path.name)
    return (f'<div class="sb-example" id="ex{number}">'
            f'<p class="sb-example__label">{html.escape(ui["example_source"])}: <code>{name}</code></p>'
            f'<div class="sb-example__source">{listing}</div>'
            f'<p class="sb-example__label">{html.escape(ui["example_page"])}</p>'
            f'<div class="sb-example__page sb-page">{rows}</div></div>')


def _nested(rows: str, prefix: str) -> str:
    """Headings three levels down (an example's title is not the guide's) and ids prefixed."""
    rows = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 3, 6)}", rows)

    def prefixed(match: re.Match[str]) -> str:
        attribute, hash_mark, value = match.groups()
        if attribute == "href" and not hash_mark:
            return match.group(0)  # a link out of the example stays as written
        return f'{attribute}="{hash_mark}{prefix}{value}"'

    return _ID.sub(prefixed, rows)

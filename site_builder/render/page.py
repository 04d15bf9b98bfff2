"""Page stage: SourceFile + UnitResults + language -> Page (HTML fragments per section).

:func:`build_page` renders each section's notes (translated where a usable translation
exists, else the English original marked ``lang="en"``) and its highlighted code, with the
section's stable id (``Section.id``, see ``core.ids``). A translation is used only when its
placeholders are exactly 0..N-1, its HTML is well formed (``render.htmltree``), and every
placeholder restores; otherwise the English notes are shown and a :class:`Finding` says
which cache file, line and section to fix, so a reader never sees a raw placeholder or a
page broken by one value. Translated HTML goes through ``sanitize_html`` *before* our own
rendered math and code are put back, so the sanitizer never sees (or mangles) MathML and
Pygments markup; ``render.layout`` then lays the sections out. This module must not read or
write files, import MkDocs, or know URLs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.config import SOURCE_LANGUAGE
from site_builder.model import (
    Finding,
    Page,
    PageSection,
    Protected,
    ProtectedKind,
    RenderedMath,
    Severity,
    SourceFile,
    SourceKind,
    Unit,
    UnitKind,
    UnitResult,
    UnitState,
)
from site_builder.render.controls import strip_controls
from site_builder.render.htmltree import html_problem
from site_builder.render.placeholders import (
    CANONICAL,
    find_placeholders,
    restore_canonical,
    restore_placeholders,
)
from site_builder.source.ids import ids_of

if TYPE_CHECKING:  # highlight (Pygments) is loaded only by default_renderers, so tests run without it
    from site_builder.render.highlight import CodeLinks


@dataclass(frozen=True, slots=True)
class Renderers:
    """The leaf renderers a page needs; tests may pass their own, the build uses :func:`default_renderers`."""

    math: Callable[..., RenderedMath]
    """``render_math(latex, *, display) -> RenderedMath``."""
    sections: Callable[..., tuple[str, ...]]
    """``highlight_sections(source[, links])``: code HTML per section, real line numbers."""
    code: Callable[[str, str], str]
    """``highlight_code(code, language)`` for fenced code in notes."""
    inline: Callable[[str], str]
    """``highlight_inline(code)`` for code spans in notes."""
    sanitize: Callable[[str], str]
    """``sanitize_html(html)``: allowlist cleaning of translated HTML."""


def default_renderers() -> Renderers:
    """The project's renderers (imported here so this module loads without them for tests)."""
    from site_builder.render.highlight import highlight_code, highlight_inline, highlight_sections
    from site_builder.render.mathml import render_math
    from site_builder.render.sanitize import sanitize_html

    return Renderers(math=render_math, sections=highlight_sections, code=highlight_code,
                     inline=highlight_inline, sanitize=sanitize_html)


@dataclass(frozen=True, slots=True)
class PageSources:
    """Where a page's inputs came from, for Findings (absolute paths)."""

    source_file: Path = Path()
    """The source file."""
    catalog_file: Path = Path()
    """The cache the page's translations came from (unset for English)."""
    catalog_lines: Mapping[str, int] = field(default_factory=dict)
    """Cache key -> line, to point Findings at the value to fix."""


def build_page(source: SourceFile, results: Sequence[UnitResult], lang: str, *,
               renderers: Renderers | None = None, where: PageSources = PageSources(),
               image_prefix: str = "", code_links: CodeLinks = ()) -> Page:
    """Render ``source`` in ``lang``: translated notes where usable, English (marked) elsewhere.

    Args:
        results: one per unit of the file (title, summary, notes), as ``lookup`` returns them;
            for English any states will do, the originals are shown.
        where: file names for Findings.
        image_prefix: prepended to relative image URLs so they resolve from the page's URL.
        code_links: names in the code to link to their definitions, ``(line, column, href,
            number)`` as :func:`site_builder.names.links.code_links` makes them.

    Returns:
        The Page; its findings list math that failed to convert (English only, since every
        language renders the same originals) and translations that could not be used.
    """
    renderers = renderers or default_renderers()
    findings: list[Finding] = []
    notes: dict[int, list[tuple[str, bool]]] = {}
    for result in results:
        unit = result.unit
        if unit.kind is not UnitKind.NOTES:
            continue
        rendered = _render_originals(unit, renderers, image_prefix, lang, where, findings)
        notes.setdefault(unit.section, []).append(
            _unit_html(result, rendered, lang, renderers, where, findings))
    code = _code_cells(source, renderers, code_links)
    anchors = ids_of(source.sections)
    sections = tuple(
        PageSection(anchor=anchors[index], number=index,
                    notes_html=scoped_footnotes("".join(text for text, _ in notes.get(index, ())),
                                                anchors[index]),
                    code_html=code[index],
                    fallback=any(fell for _, fell in notes.get(index, ())))
        for index in range(len(source.sections)))
    title, description = title_and_description(source, results, lang)
    if lang != SOURCE_LANGUAGE:
        findings += plain_text_findings(results, where)
    return Page(file_id=source.id, lang=lang, title=title, description=description,
                sections=sections, findings=tuple(findings))


#: A footnote's id or a link to one, as Python-Markdown's footnotes write them (``fn:1``, ``fnref:1``).
_FOOTNOTE_ID = re.compile(r'(\s(?:id|href)=")(#?)(fn(?:ref)?:)')


def scoped_footnotes(notes_html: str, anchor: str) -> str:
    """``notes_html`` with its footnote ids and links prefixed by the section's id.

    Every docstring numbers its footnotes from 1, and a page shows many docstrings: without
    the prefix the second ``fn:1`` on a page would be unreachable. The key keeps ``fn:1``
    (translations do not depend on the section's id).
    """
    if "fnref:" not in notes_html:
        return notes_html
    prefix = html.escape(anchor, quote=True)
    return _FOOTNOTE_ID.sub(lambda m: f"{m.group(1)}{m.group(2)}{prefix}-{m.group(3)}", notes_html)


def _code_cells(source: SourceFile, renderers: Renderers, code_links: CodeLinks = ()) -> tuple[str, ...]:
    # Markdown pages have no code column: skip the highlighter rather than ask it for nothing.
    if source.kind is SourceKind.MARKDOWN or not any(s.code for s in source.sections):
        return tuple("" for _ in source.sections)
    # Only pass links when there are some, so a one-argument highlighter (tests) still works.
    return tuple(renderers.sections(source, code_links) if code_links else renderers.sections(source))


def title_and_description(source: SourceFile, results: Sequence[UnitResult],
                           lang: str) -> tuple[str, str]:
    """Front-matter title and summary, translated when the language has them."""
    title, summary = source.front.title, source.front.summary
    if lang == SOURCE_LANGUAGE:
        return title, summary
    for result in results:
        if result.state is UnitState.TRANSLATED and result.text and result.text.strip():
            if result.unit.kind is UnitKind.TITLE:
                title = strip_controls(result.text).strip()
            elif result.unit.kind is UnitKind.SUMMARY:
                summary = strip_controls(result.text).strip()
    return title, summary


def plain_text_findings(results: Sequence[UnitResult], where: PageSources) -> list[Finding]:
    """A warning per translated title or summary holding markup (it is shown as text, escaped)."""
    from site_builder.render.sanitize import plain_text_markup

    findings = []
    for result in results:
        if (result.unit.kind in (UnitKind.TITLE, UnitKind.SUMMARY)
                and result.state is UnitState.TRANSLATED and result.text):
            markup = plain_text_markup(result.text, result.unit.key)
            if markup:
                key = result.matched_key or result.unit.key
                findings.append(Finding(
                    file=where.catalog_file, key=key, check="markup-in-text",
                    severity=Severity.WARNING, line=where.catalog_lines.get(key, 0),
                    message=f"the {result.unit.kind.value} is plain text but holds markup "
                            f"({', '.join(markup[:3])}); it is shown as the characters typed"))
    return findings


# --- notes ------------------------------------------------------------------------------------


def _render_originals(unit: Unit, renderers: Renderers, image_prefix: str, lang: str,
                      where: PageSources, findings: list[Finding]) -> tuple[str, ...]:
    """HTML for each masked original of ``unit``: MathML, highlighted code, <img>."""
    rendered = []
    for original in unit.masked.originals:
        text, error = _render_original(original, renderers, image_prefix)
        if error and lang == SOURCE_LANGUAGE:
            findings.append(Finding(file=where.source_file, key=unit.key, check="math",
                                    severity=Severity.WARNING, line=unit.line, section=unit.section_id,
                                    message=f"math did not convert: {error}: "
                                            f"${_shorten(original.source)}$"))
        rendered.append(text)
    return tuple(rendered)


def render_originals(unit: Unit, renderers: Renderers | None = None,
                     image_prefix: str = "") -> tuple[str, ...]:
    """What each placeholder of ``unit`` stands for, rendered as readers see it (the editor uses it)."""
    renderers = renderers or default_renderers()
    return tuple(_render_original(original, renderers, image_prefix)[0]
                 for original in unit.masked.originals)


def _render_original(original: Protected, renderers: Renderers, image_prefix: str) -> tuple[str, str]:
    kind = original.kind
    if kind in (ProtectedKind.INLINE_MATH, ProtectedKind.DISPLAY_MATH):
        math = renderers.math(original.source, display=kind is ProtectedKind.DISPLAY_MATH)
        return math.html, math.error
    if kind is ProtectedKind.CODE_SPAN:
        return renderers.inline(original.source), ""
    if kind is ProtectedKind.CODE_BLOCK:
        return renderers.code(original.source, original.language), ""
    return _image_html(original, image_prefix), ""


def _image_html(original: Protected, image_prefix: str) -> str:
    url = original.url
    if url and not re.match(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|#)", url):
        url = image_prefix + url  # relative to the source file's folder, not the page URL
    return (f'<img src="{html.escape(url, quote=True)}" alt="{html.escape(original.alt, quote=True)}"'
            f' loading="lazy">')


def _unit_html(result: UnitResult, rendered: Sequence[str], lang: str, renderers: Renderers,
               where: PageSources, findings: list[Finding]) -> tuple[str, bool]:
    """The notes HTML of one unit and whether it fell back to English."""
    unit = result.unit
    if lang == SOURCE_LANGUAGE:
        return restore_canonical(unit.key, rendered), False
    if result.state is UnitState.TRANSLATED and result.text is not None:
        translated, problem = use_translation(result.text, rendered, renderers.sanitize)
        if translated is not None:
            return translated, False
        findings.append(Finding(file=where.catalog_file, key=unit.key, check=problem[0],
                                severity=Severity.WARNING, message=problem[1], section=unit.section_id,
                                line=where.catalog_lines.get(result.matched_key or unit.key, 0)))
    english = restore_canonical(unit.key, rendered)  # only now: most units are translated
    return f'<div class="sb-fallback" lang="{SOURCE_LANGUAGE}">{english}</div>', True


def use_translation(value: str, rendered: Sequence[str],
                    sanitize: Callable[[str], str]) -> tuple[str | None, tuple[str, str]]:
    """Check, sanitise and restore one translated value.

    Returns ``(html, ("", ""))`` when usable, else ``(None, (check id, message))``. The
    order matters: the raw value is checked (sanitising would silently repair broken
    nesting and hide the defect), then sanitised, then our own rendered originals go in.
    """
    found = find_placeholders(value)
    if sorted(found) != list(range(len(rendered))):
        return None, ("placeholders", f"placeholders {found} do not match the English "
                      f"(expected each of 0..{len(rendered) - 1} once); shown in English")
    problem = html_problem(value)
    if problem is not None:
        return None, (problem[0], f"{problem[1]}; shown in English")
    restored = restore_placeholders(sanitize(value), rendered)
    if restored is None or CANONICAL.search(restored):
        return None, ("placeholders", "a placeholder could not be restored; shown in English")
    return restored, ("", "")


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

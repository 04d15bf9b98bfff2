"""Page stage: SourceFile + UnitResults + language -> Page (HTML fragments per section) -> page HTML.

:func:`build_page` renders each section's notes (translated where a usable translation
exists, else the English original marked ``lang="en"``) and its highlighted code, with an
anchor per section that survives edits. A translation is used only when its placeholders
are exactly 0..N-1, its HTML is well formed, and every placeholder restores; otherwise the
English notes are shown and a :class:`Finding` says which cache file and line to fix, so a
reader never sees a raw placeholder or a page broken by one value. Translated HTML goes
through ``sanitize_html`` *before* our own rendered math and code are put back, so the
sanitizer never sees (or mangles) MathML and Pygments markup. :func:`page_html` lays the
sections out as rows of a grid (notes left, code right). This module must not read or
write files, import MkDocs, or know URLs beyond the links handed to it in :class:`PageChrome`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from site_builder.model import (
    Page,
    PageSection,
    SourceKind,
)


# --- layout -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageChrome:
    """What the layout shows around the sections, already translated and with relative links."""

    breadcrumbs: tuple[tuple[str, str], ...] = ()
    """(label, href) from the home page down to the page's folder; href '' for no link."""
    source_url: str = ""
    """"View source" link ('' for none)."""
    source_label: str = "View source"
    notice_html: str = ""
    """Shown above notes that fell back to English (already in the page's language)."""
    page_notice_html: str = ""
    """Shown once at the top instead, when every section with notes fell back."""
    crumbs_label: str = "Breadcrumbs"


def page_html(page: Page, kind: SourceKind, chrome: PageChrome = PageChrome()) -> str:
    """The page body: a header (breadcrumbs, view source, title) and one grid row per section."""
    parts = [f'<div class="sb-page sb-page--{kind.value}" data-sb-file="{html.escape(page.file_id)}">',
             _header_html(page, chrome)]
    if not any("<h1" in section.notes_html for section in page.sections):
        parts.append(f"<h1>{html.escape(page.title)}</h1>")
    with_notes = [section for section in page.sections if section.notes_html]
    if with_notes and all(section.fallback for section in with_notes) and chrome.page_notice_html:
        # A wholly untranslated page says so once, not on every row.
        parts.append(f'<p class="sb-notice sb-notice--page">{chrome.page_notice_html}</p>')
        chrome = replace(chrome, notice_html="")
    parts.extend(_row_html(section, kind, chrome) for section in page.sections)
    parts.append("</div>")
    return "\n".join(parts)


def _header_html(page: Page, chrome: PageChrome) -> str:
    crumbs = "".join(
        f'<li><a href="{html.escape(href)}">{html.escape(label)}</a></li>' if href
        else f"<li>{html.escape(label)}</li>" for label, href in chrome.breadcrumbs)
    nav = (f'<nav class="sb-crumbs" aria-label="{html.escape(chrome.crumbs_label)}"><ol>{crumbs}</ol></nav>'
           if crumbs else "")
    source = (f'<a class="sb-source" href="{html.escape(chrome.source_url)}">'
              f"{html.escape(chrome.source_label)}</a>" if chrome.source_url else "")
    return f'<div class="sb-header">{nav}{source}</div>' if nav or source else ""


def _row_html(section: PageSection, kind: SourceKind, chrome: PageChrome) -> str:
    positional = f"section-{section.number}"
    alias = f'<a class="sb-alias" id="{positional}"></a>' if section.anchor != positional else ""
    notice = (f'<p class="sb-notice">{chrome.notice_html}</p>'
              if section.fallback and chrome.notice_html else "")
    link = f'<a class="sb-permalink" href="#{section.anchor}" aria-hidden="true">#</a>'
    notes = f'<div class="sb-notes">{link}{notice}{section.notes_html}</div>'
    wide = kind is SourceKind.MARKDOWN and not section.code_html
    classes = "sb-row sb-row--wide" if wide else "sb-row"
    code = "" if wide else f'<div class="sb-code">{section.code_html}</div>'
    return f'<section class="{classes}" id="{section.anchor}">{alias}{notes}{code}</section>'

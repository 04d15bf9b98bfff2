"""Layout stage: Page + PageChrome -> the page body's HTML (one grid row per section).

Each row holds the section's notes (left) and its code (right), in that order in the document
so that reading order is notes then code; the row's ``id`` is the section's stable id, with a
``section-N`` alias so old links land. The chrome around the rows (breadcrumbs, "View source",
notices) arrives already translated, escaped where it is text, and with relative links. This
module must not read or write files, import MkDocs, or know URLs beyond :class:`PageChrome`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from site_builder.model import (
    Page,
    PageSection,
    SourceKind,
)
from site_builder.source.ids import positional_id

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
    permalink_label: str = "Link to this section"
    """Accessible name of each section's "#" link (what a screen reader says for it)."""
    cards_url: str = ""
    """The page's hover-card file (relative URL, '' for none): the page script loads it on first use."""
    notebook_url: str = ""
    """The page's source as a Jupyter notebook in the page's language (relative URL, '' for none)."""
    notebook_label: str = "Open as notebook"


def page_html(page: Page, kind: SourceKind, chrome: PageChrome = PageChrome()) -> str:
    """The page body: a header (breadcrumbs, view source, title) and one grid row per section."""
    cards = f' data-sb-cards="{html.escape(chrome.cards_url)}"' if chrome.cards_url else ""
    parts = [f'<div class="sb-page sb-page--{kind.value}" data-sb-file="{html.escape(page.file_id)}"{cards}>',
             _header_html(page, chrome)]
    if not any("<h1" in section.notes_html for section in page.sections):
        parts.append(f"<h1>{html.escape(page.title)}</h1>")
    with_notes = [section for section in page.sections if section.notes_html]
    first_notes_are_target = True  # the skip link lands on the first notes, or on the page notice
    if with_notes and all(section.fallback for section in with_notes) and chrome.page_notice_html:
        # A wholly untranslated page says so once, not on every row.
        parts.append(_notice(chrome.page_notice_html, page.lang, "sb-notice sb-notice--page",
                             target=True))
        chrome = replace(chrome, notice_html="")
        first_notes_are_target = False
    parts.extend(_row_html(section, kind, chrome, page.lang, target=first_notes_are_target and number == 0)
                 for number, section in enumerate(page.sections))
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
    if chrome.notebook_url:  # a download: a browser shows a notebook's JSON, Jupyter opens it
        source = (f'<span class="sb-header__links"><a class="sb-notebook" href="{html.escape(chrome.notebook_url)}" '
                  f'download type="application/x-ipynb+json">{html.escape(chrome.notebook_label)}</a>'
                  f"{source}</span>")
    return f'<div class="sb-header">{nav}{source}</div>' if nav or source else ""


#: Where the theme's skip link lands: the first notes, or the page-wide notice above them.
#: Leading underscores: no section id (a heading slug or a qualified name) starts so.
SKIP_TARGET_ID = "__sb-notes"
_SKIP_TARGET = f' id="{SKIP_TARGET_ID}" tabindex="-1"'


def _notice(notice_html: str, lang: str, classes: str, *, target: bool = False) -> str:
    """A fallback notice: a note (announced as such) in the page's language, whose lang it
    states because the notes it sits beside are marked lang="en"."""
    where = _SKIP_TARGET if target else ""
    return f'<p class="{classes}" role="note" lang="{html.escape(lang)}"{where}>{notice_html}</p>'


def _row_html(section: PageSection, kind: SourceKind, chrome: PageChrome, lang: str,
              *, target: bool = False) -> str:
    # Every row keeps its positional id as an alias, so links made before ids were stable land.
    positional = positional_id(section.number)
    anchor = html.escape(section.anchor)
    alias = f'<a class="sb-alias" id="{positional}"></a>' if section.anchor != positional else ""
    notice = (_notice(chrome.notice_html, lang, "sb-notice")
              if section.fallback and chrome.notice_html else "")
    label = html.escape(chrome.permalink_label)
    link = f'<a class="sb-permalink" href="#{anchor}" aria-label="{label}" title="{label}">#</a>'
    notes = f'<div class="sb-notes"{_SKIP_TARGET if target else ""}>{link}{notice}{section.notes_html}</div>'
    wide = kind is SourceKind.MARKDOWN and not section.code_html
    classes = "sb-row sb-row--wide" if wide else "sb-row"
    code = "" if wide else f'<div class="sb-code">{section.code_html}</div>'
    return f'<section class="{classes}" id="{anchor}">{alias}{notes}{code}</section>'


def rows_html(page: Page, kind: SourceKind, chrome: PageChrome = PageChrome()) -> str:
    """The page's rows alone (no header, title or skip-link target): a page shown inside another."""
    return "\n".join(_row_html(section, kind, chrome, page.lang) for section in page.sections)

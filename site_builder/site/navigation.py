"""Site stage for code navigation: NameIndex + SitePlan -> each page's code links and card file.

A name in the code links to ``<page of the definition>#<section id>`` in the same language
(``#id`` alone on its own page); hrefs are relative, so every language's page has the same
links and the highlighted code is made once per build (see ``highlight_sections``). The
cards of a page (signature and first paragraph of notes of each definition it links to, in
the page's language) are one JSON file beside the page, ``<page>.names.json``, written once
every page of the language is rendered, because a card shows the notes of other pages. This
module decides paths and URLs and gathers the notes; it must not import MkDocs, write files
or render notes itself (it reads the Pages the build already rendered).
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field
from typing import Callable, Mapping

from site_builder.catalog.corpus import Corpus
from site_builder.source.ids import ids_of
from site_builder.names.model import Definition, NameIndex, module_name
from site_builder.model import Page
from site_builder.render.highlight import CodeLinks
from site_builder.names.links import (
    card_entry,
    cards_document,
    code_links,
    linked_definitions,
    paragraph_entry,
)
from site_builder.site.plan import SitePlan, SourcePage, relative_url
from site_builder.site.ui import ui_text

#: UI strings the page script shows in cards (keys of ui_strings.json).
CARD_STRINGS = ("go_to_definition", "names_hint")


@dataclass(slots=True)
class CodeNavigation:
    """One language's code navigation during a build: what links where, and the rendered notes."""

    plan: SitePlan
    index: NameIndex
    lang: str
    section_ids: Mapping[str, tuple[str, ...]]
    """File id -> the id of each of its sections."""
    built: dict[str, Page] = field(default_factory=dict)
    """File id -> the page rendered for it in this build (handed in by :meth:`keep`)."""
    links: dict[str, CodeLinks] = field(default_factory=dict)
    paragraphs: dict[tuple[str, int], dict[str, str] | None] = field(default_factory=dict)
    """(file id, section) -> its card paragraph: many pages show the same few definitions."""
    _names: dict[tuple[str, str], int] | None = None

    @classmethod
    def for_corpus(cls, plan: SitePlan, corpus: Corpus, index: NameIndex, lang: str, *,
                   built: dict[str, Page] | None = None) -> "CodeNavigation":
        """``built``: the pages already rendered (serve, making the links again after an edit)."""
        return cls(plan=plan, index=index, lang=lang, built={} if built is None else built,
                   section_ids={file.source.id: ids_of(file.source.sections) for file in corpus.files})

    def reload(self, corpus: Corpus, reloaded: frozenset[str], *, unlinked: frozenset[str] = frozenset()) -> None:
        """See the files ``reloaded`` from ``corpus`` (serve): their section ids taken again,
        their card paragraphs forgotten; ``unlinked`` pages shown without code links until the
        name index is made again."""
        self.section_ids = {**self.section_ids, **{file.source.id: ids_of(file.source.sections)
                                                   for file in corpus.files if file.source.id in reloaded}}
        for key in [key for key in self.paragraphs if key[0] in reloaded]:
            del self.paragraphs[key]
        for file_id in unlinked:
            self.links[file_id] = ()

    def keep(self, file_id: str, page: Page) -> None:
        """Remember the page rendered for ``file_id``: the cards of other pages show its notes."""
        self.built[file_id] = page

    def page_links(self, page: SourcePage) -> CodeLinks:
        """The links of ``page``'s code (remembered: the card file lists their definitions)."""
        if page.file_id not in self.links:
            self.links[page.file_id] = code_links(self.index, page.file_id, self._href_from(page))
        return self.links[page.file_id]

    def _href_from(self, page: SourcePage) -> Callable[[Definition], str | None]:
        pages = {planned.file_id: planned for planned in self.plan.pages}
        here = self.plan.site_path(page.src_uri, self.lang)

        def href(definition: Definition) -> str | None:
            target = pages.get(definition.file_id)
            ids = self.section_ids.get(definition.file_id, ())
            if target is None or not self.plan.has_page(target.src_uri, self.lang) \
                    or definition.section >= len(ids):
                return None
            fragment = "#" + ids[definition.section]
            if target.file_id == page.file_id:
                return fragment
            return relative_url(self.plan.site_path(target.src_uri, self.lang), here) + fragment
        return href

    def link_notes_code(self, page: SourcePage, notes_html: str) -> str:
        """``notes_html`` with each inline code that names a class, function or module of the
        corpus (``Grid``, ``Grid.resample``, ``pkg.grids.Grid``, ``resample()``; from a reST
        role too) wrapped in a link to its definition, as names in the code are. Code already
        inside a link stays as it is."""
        if _INLINE_CODE_START not in notes_html:
            return notes_html
        href = self._href_from(page)
        names = self._note_names()

        def link(match: re.Match[str]) -> str:
            code = match.group(0)
            text = html.unescape(_TAGS.sub("", match.group("body"))).strip()
            if text.endswith("()"):
                text = text[:-2]
            number = names.get((page.file_id, text), names.get(("", text)))
            target = href(self.index.definitions[number]) if number is not None else None
            inside_link = notes_html.rfind("<a ", 0, match.start()) > notes_html.rfind("</a>", 0, match.start())
            if target is None or inside_link:
                return code
            return f'<a class="sb-code-ref" href="{html.escape(target, quote=True)}">{code}</a>'
        return _INLINE_CODE.sub(link, notes_html)

    def _note_names(self) -> dict[tuple[str, str], int]:
        """(file id, qualified name) and ('', dotted or corpus-unique name) -> definition number."""
        if self._names is None:
            names: dict[tuple[str, str], int] = {}
            counts: dict[str, int] = {}
            for definition in self.index.definitions:
                if definition.kind not in _LINKED_KINDS:
                    continue
                module = module_name(definition.file_id)
                dotted = f"{module}.{definition.qualname}" if definition.qualname else module
                names.setdefault(("", dotted), definition.number)
                if definition.qualname:
                    names.setdefault((definition.file_id, definition.qualname), definition.number)
                    counts[definition.qualname] = counts.get(definition.qualname, 0) + 1
            for definition in self.index.definitions:
                if definition.kind in _LINKED_KINDS and counts.get(definition.qualname) == 1:
                    names.setdefault(("", definition.qualname), definition.number)
            self._names = names
        return self._names

    def cards_path(self, page: SourcePage) -> str:
        """Where ``page``'s card file goes, relative to this language's site root."""
        return cards_path(self.plan.url(page.src_uri))

    def cards_url(self, page: SourcePage) -> str:
        """The card file's URL relative to the page itself."""
        return posixpath.basename(self.cards_path(page))

    def cards_json(self, page: SourcePage) -> str:
        """The card file of ``page``: one card per definition its code links to."""
        cards: dict[int, dict[str, object]] = {}
        paragraphs: list[dict[str, str]] = []
        numbered: dict[tuple[str, int], int] = {}
        for number in linked_definitions(self.links.get(page.file_id, ())):
            definition = self.index.definitions[number]
            if definition.notes not in numbered:
                if definition.notes not in self.paragraphs:
                    self.paragraphs[definition.notes] = paragraph_entry(self._notes(*definition.notes), self.lang)
                entry = self.paragraphs[definition.notes]
                numbered[definition.notes] = len(paragraphs) if entry else -1
                if entry:
                    paragraphs.append(entry)
            other = self.built.get(definition.file_id)
            where = "" if definition.file_id == page.file_id else (
                other.title if other is not None else definition.file_id)
            cards[number] = card_entry(definition, numbered[definition.notes], where=where)
        ui = ui_text(self.lang)
        return cards_document(cards, paragraphs, self.lang,
                              {key: ui[key] for key in CARD_STRINGS if key in ui})

    def _notes(self, file_id: str, section: int) -> str:
        built = self.built.get(file_id)
        notes = built.sections[section].notes_html if built is not None and section < len(built.sections) else ""
        # A card is shown on other pages: links made relative to the definition's page would
        # point elsewhere there, and the code reads as well without them.
        return _CODE_REF.sub(r"\1", notes) if _CODE_REF_START in notes else notes


#: Inline code in notes as ``highlight_inline`` writes it; its text is the name looked up.
_INLINE_CODE_START = '<code class="sb-hl sb-inline">'
_INLINE_CODE = re.compile(r'<code class="sb-hl sb-inline">(?P<body>(?:(?!</code>).)*)</code>', re.S)
_TAGS = re.compile(r"<[^>]*>")
_CODE_REF_START = '<a class="sb-code-ref"'
_CODE_REF = re.compile(r'<a class="sb-code-ref" href="[^"]*">(<code class="sb-hl sb-inline">(?:(?!</code>).)*</code>)</a>',
                       re.S)
#: Kinds an inline code may name: a word that is also a constant or an attribute is often
#: only a word (``x``, ``size``), a class, function or module name rarely.
_LINKED_KINDS = frozenset({"class", "function", "module"})


def cards_path(page_url: str) -> str:
    """``a/model.html`` -> ``a/model.names.json``; ``a/model/`` -> ``a/model/index.names.json``."""
    if page_url.endswith("/") or not page_url:
        return page_url + "index.names.json"
    stem, _ = posixpath.splitext(page_url)
    return stem + ".names.json"

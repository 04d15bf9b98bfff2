"""One language's search index file: Material's entries for the hand-written pages, then ours.

Part of the MkDocs adapter. Material's search plugin writes ``search/search_index.json`` for
the pages it indexed (hand-written pages, home, status); source pages are indexed from the
model instead (``site.search.page_entries``, one entry per section) and excluded from
Material's indexer. After Material has written its file, :meth:`SearchIndexFile.read_theme`
reads it back once (made safe once, here) and :meth:`SearchIndexFile.write` writes the whole
index: the theme's pages, then the source pages in render order. Serve writes it again after a
partial rebuild, with the pages rendered again replacing their old entries. This module
writes one file; it must not render pages or decide what is indexed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from site_builder.fileio import write_atomic
from site_builder.site.search import index_json, merged_index

Entry = dict[str, object]
#: Languages Material's search (lunr) can tokenise; others get the English pipeline.
LUNR_LANGUAGES = frozenset([
    "ar", "da", "de", "du", "el", "en", "es", "fi", "fr", "he", "hi", "hu", "hy", "it", "ja", "jp",
    "kn", "ko", "nl", "no", "pt", "ro", "ru", "sa", "sv", "ta", "te", "th", "tr", "vi", "zh",
])


def index_path(site_dir: Path) -> Path:
    """Where Material writes (and we complete) a language's index, under its site folder."""
    return site_dir / "search" / "search_index.json"


@dataclass(slots=True)
class SearchIndexFile:
    """The entries of one language's index, by page, as they will be written."""

    theme_config: dict[str, object] = field(default_factory=dict)
    theme_pages: dict[str, list[Entry]] = field(default_factory=dict)
    """Page URL -> Material's entries for it (made safe)."""
    source_pages: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    """Page URL -> the entries of a source page, in render order."""
    found: bool = False
    """Whether a theme index was there to complete (no search plugin: no index is written)."""
    _serialised: dict[int, tuple[list[Entry], str]] = field(default_factory=dict)
    """Each page's entries as JSON text, kept so rewriting after one page changed is cheap."""

    def add_source_page(self, url: str, entries: list[dict[str, str]]) -> None:
        self.source_pages[url] = entries

    def read_theme(self, site_dir: Path) -> bool:
        """Take Material's entries from the index it wrote; False when there is none (no search plugin)."""
        path = index_path(site_dir)
        if not path.is_file():
            return False
        # Made safe once, here: serve writes these entries again after each partial rebuild.
        theme = json.loads(merged_index(json.loads(path.read_text(encoding="utf-8")), ()))
        by_page: dict[str, list[Entry]] = {}
        for doc in theme.get("docs", ()):
            by_page.setdefault(str(doc.get("location", "")).split("#")[0], []).append(doc)
        self.theme_config, self.theme_pages, self.found = theme.get("config", {}), by_page, True
        return True

    def replace_theme_pages(self, urls: list[str], entries: list[Entry]) -> None:
        """Material's new entries for the pages rendered again take the place of their old ones."""
        cleaned = json.loads(merged_index({"docs": entries}, ()))["docs"]
        for url in urls:
            docs = [doc for doc in cleaned if str(doc.get("location", "")).split("#")[0] == url]
            if docs:
                self.theme_pages[url] = docs
            else:
                self.theme_pages.pop(url, None)

    def write(self, site_dir: Path) -> None:
        """Write the index: Material's entries, then the source pages' entries."""
        if not self.found:
            return
        pages = [*self.theme_pages.values(), *cast("list[list[Entry]]", list(self.source_pages.values()))]
        write_atomic(index_path(site_dir), index_json(self.theme_config, pages, self._serialised))

    def release(self) -> None:
        """Forget every entry (the index is written and nothing will write it again)."""
        self.theme_config, self.theme_pages, self.source_pages, self._serialised = {}, {}, {}, {}

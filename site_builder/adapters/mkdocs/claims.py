"""The page table of a parallel build: which process renders each source page of each language.

Part of the MkDocs adapter's parallel build (:mod:`.languages`). One table in shared memory
for all processes of a build; the builder of a language and the processes helping it claim
pages from it, so each page is rendered once. This module must not render pages.
"""

from __future__ import annotations

import time
from multiprocessing.context import BaseContext
from typing import Any


class PageClaims:
    """Which process renders each source page of each language; one table for all processes.

    A process with no language left to take helps a language another process is building:
    it renders that language's pages from the last one back into the build cache, while the
    builder goes through them in order and finds those pages made (the cache is where the
    page goes either way, so the bytes are the same whoever rendered it). The table makes
    each page rendered once: a page is FREE, taken by its language's BUILDER, or by a HELPER
    until it is HELPED (in the cache). The builder waits for a page a helper is rendering.
    """

    FREE, BUILDER, HELPER, HELPED = 0, 1, 2, 3
    #: Seconds a builder waits for a helper's page before rendering it itself (a helper that
    #: died); far above the time one page takes.
    PATIENCE = 30.0

    def __init__(self, context: BaseContext, languages: tuple[str, ...], pages: int) -> None:
        self.languages = languages
        self.pages = pages
        self._row = {lang: index * pages for index, lang in enumerate(languages)}
        self._states: Any = context.Array("b", max(1, len(languages) * pages))
        self._finished: Any = context.Array("b", max(1, len(languages)))

    def build(self, lang: str, page: int) -> None:
        """The builder of ``lang`` is at ``page``: claim it, or wait until its helper is done."""
        if lang not in self._row:
            return
        cell = self._row[lang] + page
        with self._states.get_lock():
            state = self._states[cell]
            if state == self.FREE:
                self._states[cell] = self.BUILDER
                return
        deadline = time.monotonic() + self.PATIENCE
        while self._states[cell] == self.HELPER and time.monotonic() < deadline:
            time.sleep(0.002)

    def help(self, lang: str, page: int) -> bool:
        """Claim ``page`` of ``lang`` for a helper; False when its builder has it already."""
        cell = self._row[lang] + page
        with self._states.get_lock():
            if self._states[cell] != self.FREE:
                return False
            self._states[cell] = self.HELPER
            return True

    def helped(self, lang: str, page: int) -> None:
        """The helper's page is in the cache."""
        self._states[self._row[lang] + page] = self.HELPED

    def finish(self, lang: str) -> None:
        """The builder of ``lang`` is done: nobody helps it any more."""
        if lang in self._row:
            self._finished[self.languages.index(lang)] = 1

    def finished(self, lang: str) -> bool:
        return bool(self._finished[self.languages.index(lang)])

"""Languages built in parallel: the English build's other languages, shared out to worker processes.

``site-builder build --jobs N`` starts N-1 worker processes once the English build has loaded
the sources and translations (its ``on_files``; each process then makes the name index, the
same in all, rather than have the others wait for one); they and the English build's own
process then take the other languages one at a time, each building a whole language exactly
as the serial build does (:meth:`SiteBuilderPlugin.build_language`), so the output is the same
bytes whoever builds a language. A forked worker inherits what was loaded (a spawned one, where
fork is not available, loads it again; nothing is sent over a pipe), and keeps what it logs: the English
process logs it again, language by language, once every language is built, so warnings count
for ``--strict`` and the build's summary counts every language's fallbacks. A process with no
language left to take helps one still being built, page by page (:class:`PageClaims`), so
the last language to finish is not built by one core while the other waits. Workers are
forked where the platform allows it (the imports are already done), else spawned. This
module must not render pages: it only decides which process builds (or helps with) what.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from site_builder.adapters.mkdocs.claims import PageClaims
from site_builder.adapters.mkdocs.language_build import SharedBuild
from site_builder.adapters.mkdocs.project import Overrides
from site_builder.config import SiteConfig

#: What a worker process runs (``worker.work``, handed in by the driver: this module must not
#: import the plugin, which imports it).
Work = Callable[[str, SiteConfig, Overrides, tuple[Path, Path], tuple[str, ...],
                 "Synchronized[int]", "Queue[LanguageResult]", PageClaims], None]


@dataclass(slots=True)
class LanguageResult:
    """What one process reports about the languages it built."""

    languages: list[str] = field(default_factory=list)
    records: list[tuple[str, int, str]] = field(default_factory=list)
    """(logger name, level, message) of everything it logged at INFO or above, in order."""
    math_failures: int = 0
    fallbacks: dict[str, int] = field(default_factory=dict)
    error: str = ""
    """A traceback when the worker failed ('' when it did not)."""


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class LanguagePool:
    """Worker processes that build some of ``languages`` while this process builds English."""

    def __init__(self, config_file: Path, site: SiteConfig, overrides: Overrides,
                 languages: tuple[str, ...], jobs: int, findings_folder: Path, cache_folder: Path,
                 work: Work) -> None:
        methods = multiprocessing.get_all_start_methods()
        self._context = (multiprocessing.get_context("fork") if "fork" in methods
                         else multiprocessing.get_context("spawn"))
        # The next language to take, shared: whoever is free takes it (a lock, not a queue, so
        # "nothing left" is never a feeder thread that has not flushed yet).
        self._next: Any = self._context.Value("i", 0)
        self._results: Any = self._context.Queue()
        self._languages = languages
        self._count = max(0, min(jobs - 1, len(languages)))
        self._args = (str(config_file), site, overrides, (findings_folder, cache_folder),
                      _longest_first(languages), self._next, self._results)
        self._work = work
        self._workers: list[BaseProcess] = []
        self.claims: PageClaims | None = None
        """The page table of this build (made in :meth:`start`, once the pages are known)."""

    @property
    def jobs(self) -> int:
        """Processes building languages, this one included (also used to load the corpus)."""
        return self._count + 1

    def start(self, shared: SharedBuild, pages: int = 0) -> None:
        """Start the workers, once the English build has loaded ``shared`` (its SharedBuild).

        Forked workers inherit it (sources, translations) instead of loading it again;
        spawned ones load their own. ``pages``: at least the number of source pages (the
        table of :class:`PageClaims` has a row of that many per language).
        """
        global _INHERITED
        if self._workers:
            return
        self.claims = PageClaims(self._context, self._languages, pages)
        _INHERITED = shared if self._context.get_start_method() == "fork" else None
        try:
            self._workers = [self._context.Process(target=self._work, args=(*self._args, self.claims), daemon=True)
                             for _ in range(self._count)]
            for worker in self._workers:
                worker.start()
        finally:
            _INHERITED = None

    def finish(self, build_here: Callable[[str], None],
               help_here: Callable[[str, PageClaims], None] | None = None) -> list[LanguageResult]:
        """Build what the workers have not taken with ``build_here``, then ``help_here`` the
        languages still being built (see :class:`PageClaims`), wait, relog their output.

        Raises:
            PluginError: a worker failed (its traceback is in the message).
        """
        order = _longest_first(self._languages)
        for lang in take_languages(order, self._next):
            build_here(lang)
        if help_here is not None and self.claims is not None:
            help_languages(order, self.claims, help_here)
        results = [self._results.get() for _ in self._workers]
        for worker in self._workers:
            worker.join()
        rank = {lang: index for index, lang in enumerate(self._languages)}
        results.sort(key=lambda result: min((rank[lang] for lang in result.languages), default=0))
        for result in results:
            for name, level, message in result.records:
                logging.getLogger(name).log(level, "%s", message)
        failed = [result.error for result in results if result.error]
        if failed:
            raise PluginError("site_builder: a language build failed in a worker process:\n" + failed[0])
        return results

    def close(self) -> None:
        """Stop workers still running (the English build failed before it waited for them)."""
        for worker in self._workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()


def _longest_first(languages: tuple[str, ...]) -> tuple[str, ...]:
    """The order languages are taken in: Chinese first, its build also loads jieba's dictionary
    (about a second), so the last language to finish is not the slowest (longest job first)."""
    return tuple(sorted(languages, key=lambda lang: lang.replace("_", "-").split("-")[0] != "zh"))


def help_languages(order: tuple[str, ...], claims: PageClaims, help_here: Callable[[str, PageClaims], None]) -> None:
    # The languages taken last have the most left to build.
    for lang in reversed(order):
        if not claims.finished(lang):
            help_here(lang, claims)


def take_languages(languages: tuple[str, ...], next_index: Synchronized[int]) -> Iterator[str]:
    while True:
        with next_index.get_lock():
            index = next_index.value
            next_index.value = index + 1
        if index >= len(languages):
            return
        yield languages[index]


#: The English build's SharedBuild while workers are forked (None otherwise).
_INHERITED: SharedBuild | None = None


def inherited() -> SharedBuild | None:
    """In a forked worker: its copy of the English build's loaded state (None when spawned)."""
    return _INHERITED



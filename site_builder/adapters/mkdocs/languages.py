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

import dataclasses
import logging
import multiprocessing
import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from site_builder.config import SiteConfig


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

    def __init__(self, context: Any, languages: tuple[str, ...], pages: int) -> None:
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


class LanguagePool:
    """Worker processes that build some of ``languages`` while this process builds English."""

    def __init__(self, config_file: Path, site: SiteConfig, overrides: dict[str, object],
                 languages: tuple[str, ...], jobs: int, findings_folder: Path, cache_folder: Path) -> None:
        methods = multiprocessing.get_all_start_methods()
        self._context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        # The next language to take, shared: whoever is free takes it (a lock, not a queue, so
        # "nothing left" is never a feeder thread that has not flushed yet).
        self._next: Any = self._context.Value("i", 0)
        self._results: Any = self._context.Queue()
        self._languages = languages
        self._count = max(0, min(jobs - 1, len(languages)))
        self._args = (str(config_file), site, overrides, (findings_folder, cache_folder),
                      _longest_first(languages), self._next, self._results)
        self._workers: list[Any] = []
        self.claims: PageClaims | None = None
        """The page table of this build (made in :meth:`start`, once the pages are known)."""

    @property
    def jobs(self) -> int:
        """Processes building languages, this one included (also used to load the corpus)."""
        return self._count + 1

    def start(self, shared: Any, pages: int = 0) -> None:
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
            self._workers = [self._context.Process(target=_work, args=(*self._args, self.claims), daemon=True)
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
        for lang in _take(order, self._next):
            build_here(lang)
        if help_here is not None and self.claims is not None:
            _help(order, self.claims, help_here)
        results = [self._results.get() for _ in self._workers]
        for worker in self._workers:
            worker.join()
        order = {lang: index for index, lang in enumerate(self._languages)}
        results.sort(key=lambda result: min((order[lang] for lang in result.languages), default=0))
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


def _help(order: tuple[str, ...], claims: PageClaims, help_here: Callable[[str, PageClaims], None]) -> None:
    # The languages taken last have the most left to build.
    for lang in reversed(order):
        if not claims.finished(lang):
            help_here(lang, claims)


def _take(languages: tuple[str, ...], next_index: Any) -> Iterator[str]:
    while True:
        with next_index.get_lock():
            index = next_index.value
            next_index.value = index + 1
        if index >= len(languages):
            return
        yield languages[index]


#: The English build's SharedBuild while workers are forked (None otherwise): read by _work.
_INHERITED: Any = None


class _Keep(logging.Handler):
    def __init__(self, records: list[tuple[str, int, str]]) -> None:
        super().__init__(logging.INFO)
        self.kept = records

    def emit(self, record: logging.LogRecord) -> None:
        self.kept.append((record.name, record.levelno, record.getMessage()))


def _work(config_file: str, site: SiteConfig, overrides: dict[str, object], folders: tuple[Path, Path],
          languages: tuple[str, ...], next_index: Any, results: Any, claims: PageClaims) -> None:
    """A worker: take languages until none is left, build each, help the others, report once."""
    from site_builder.adapters.mkdocs.plugin import SiteBuilderPlugin

    result = LanguageResult()
    logger = logging.getLogger("mkdocs")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)  # the English process prints it, in language order
    logger.addHandler(_Keep(result.records))
    try:
        config = load_config(config_file=config_file, **overrides)
        plugin = next(p for p in config.plugins.values() if isinstance(p, SiteBuilderPlugin))
        plugin.site_config = site
        plugin.findings_folder, plugin.cache_folder = folders
        plugin.page_claims = claims
        plugin.release_when_written = True  # a worker serves nothing: it builds and exits
        plugin.shared = None
        if _INHERITED is not None:
            # This process's copy of the English build's state; the counts start from nothing.
            plugin.shared = dataclasses.replace(_INHERITED, math_failures=0, fallbacks={}, live={})
        for lang in _take(languages, next_index):
            if plugin.shared is None:
                plugin.shared = plugin.load_shared(config, report=False)
            result.languages.append(lang)
            plugin.build_language(config, lang)
        built = next(iter(plugin.shared.live.values()), None) if plugin.shared is not None else None
        if built is not None:  # a built language's plugin knows the pages and renders them
            _help(languages, claims, built.help_build)
        if plugin.shared is not None:
            result.math_failures, result.fallbacks = plugin.shared.math_failures, dict(plugin.shared.fallbacks)
    except BaseException:  # noqa: BLE001 - reported to the English process, which raises
        result.error = traceback.format_exc()
    results.put(result)

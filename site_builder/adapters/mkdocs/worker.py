"""A worker process of a parallel build: take languages until none is left, build each, help, report.

Part of the MkDocs adapter's parallel build. The driver hands :func:`work` to the
:class:`~site_builder.adapters.mkdocs.languages.LanguagePool`, which runs it in each worker
process; it loads the English build's config file, gives the plugin its orders, builds every
language it takes exactly as the English process would (``SiteBuilderPlugin.build_language``),
then helps the languages still being built, and sends one :class:`LanguageResult` back (what
it logged, its counts, or its traceback). It must not decide which process builds what.
"""

from __future__ import annotations

import dataclasses
import logging
import traceback
from multiprocessing.queues import Queue
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

from mkdocs.config import load_config

from site_builder.adapters.mkdocs.claims import PageClaims
from site_builder.adapters.mkdocs.languages import (
    LanguageResult,
    help_languages,
    inherited,
    take_languages,
)
from site_builder.adapters.mkdocs.plugin import BuildOrders, SiteBuilderPlugin
from site_builder.adapters.mkdocs.project import Overrides
from site_builder.config import SiteConfig


class _Keep(logging.Handler):
    def __init__(self, records: list[tuple[str, int, str]]) -> None:
        super().__init__(logging.INFO)
        self.kept = records

    def emit(self, record: logging.LogRecord) -> None:
        self.kept.append((record.name, record.levelno, record.getMessage()))


def work(config_file: str, site: SiteConfig, overrides: Overrides, folders: tuple[Path, Path],
         languages: tuple[str, ...], next_index: Synchronized[int], results: Queue[LanguageResult],
         claims: PageClaims) -> None:
    """A worker: take languages until none is left, build each, help the others, report once."""
    result = LanguageResult()
    logger = logging.getLogger("mkdocs")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)  # the English process prints it, in language order
    logger.addHandler(_Keep(result.records))
    try:
        config = load_config(config_file=config_file, **overrides)
        plugin = next(p for p in config.plugins.values() if isinstance(p, SiteBuilderPlugin))
        parent = inherited()
        # This process's copy of the English build's state; the counts start from nothing.
        shared = dataclasses.replace(parent, math_failures=0, fallbacks={}, languages={}) if parent else None
        # A worker serves nothing: it builds and exits, letting go of each language's pages.
        plugin.take_orders(BuildOrders(site=site, findings_folder=folders[0], cache_folder=folders[1],
                                       claims=claims, release_when_written=True, shared=shared))
        for lang in take_languages(languages, next_index):
            shared = plugin.ensure_shared(config, report=False)
            result.languages.append(lang)
            plugin.build_language(config, lang)
        built = next(iter(shared.languages.values()), None) if shared is not None else None
        if built is not None:  # a built language knows the pages and renders them
            help_languages(languages, claims, built.help)
        if shared is not None:
            result.math_failures, result.fallbacks = shared.math_failures, dict(shared.fallbacks)
    except BaseException:
        result.error = traceback.format_exc()
    results.put(result)

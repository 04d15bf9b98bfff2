"""Base: one function over many items in forked processes, the results in order.

A build's per-file work (splitting sources, highlighting code) is independent file by file
and pure Python, so only processes use more than one core. The processes are *forked*: they
inherit the function and the items as they are in memory, so only each item's index goes to
a worker and only its result comes back (a source file's parsed sections are never pickled
to be sent). Where fork is not available, or the work is too small to pay for starting
processes, :func:`fork_map` says so and the caller does the work itself; the results are
the same either way. This module knows nothing of what the items are.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Below this many items, starting processes costs more than it saves.
MIN_ITEMS_TO_FORK = 8

#: The job the forked workers run: set just before the pool starts, so they inherit it.
_JOB: tuple[Callable[[Any], object], Sequence[Any]] | None = None


def can_fork(jobs: int, items: int) -> bool:
    """Whether ``items`` items are worth sharing among ``jobs`` forked processes here."""
    return jobs > 1 and items >= MIN_ITEMS_TO_FORK and "fork" in multiprocessing.get_all_start_methods()


def fork_map(function: Callable[[Item], Result], items: Sequence[Item], jobs: int) -> list[Result] | None:
    """``[function(item) for item in items]``, made by up to ``jobs`` forked processes.

    Returns None (nothing done) when :func:`can_fork` says no. ``function`` should catch
    what it expects to fail and return a marker: an exception in a worker is raised here.
    """
    global _JOB
    if not can_fork(jobs, len(items)):
        return None
    workers = min(jobs, len(items))
    # Small chunks keep the workers busy to the end when items differ in size.
    chunksize = max(1, len(items) // (workers * 8))
    _JOB = (function, items)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            # Each result is function(item): _run_one reads them through the untyped global.
            return cast("list[Result]", pool.map(_run_one, range(len(items)), chunksize=chunksize))
    finally:
        _JOB = None


def _run_one(index: int) -> object:
    assert _JOB is not None, "fork_map's job is set before its workers are forked"
    function, items = _JOB
    return function(items[index])

"""Guards for the speed forks: is the library code a fork mirrors the code it was checked against?

:mod:`site_builder.render.inline_prefilter` replaces a private method of Python-Markdown's inline
stage and :mod:`site_builder.render.lexing` mirrors Pygments' ``RegexLexer`` loop; both are exact
only while the upstream functions are the ones they were written from. Each fork lists those
functions with a fingerprint (the first 16 hex digits of the SHA-256 of ``inspect.getsource``)
and the release range it was checked on; :func:`upstream_matches` says whether the installed
library still has them, and logs at debug why not, so the fork falls back to the stock path (the
same output, slower) instead of being silently wrong. Refreshing a fork for a new release: read
the new upstream code against the fork, then add the new fingerprints (``fingerprint(f)`` of
each function in the fork's ``UPSTREAM``) to its ``CHECKED``. Pure: reads source code through ``inspect`` only.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
from collections.abc import Callable, Mapping
from importlib import metadata
from typing import Any

logger = logging.getLogger(__name__)


def fingerprint(function: Callable[..., Any] | None) -> str | None:
    """A short hash of ``function``'s source; None when its source cannot be read (or it is gone)."""
    if function is None:
        return None
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return None
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def _release(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit()) or "0"
        parts.append(int(digits))
        if not piece.isdigit():
            break  # "0rc1": the pre-release is below the release, so the range check stays safe
    return tuple(parts)


def upstream_matches(fork: str, distribution: str, versions: tuple[tuple[int, ...], tuple[int, ...]],
                     functions: Mapping[str, Callable[..., Any] | None], checked: Mapping[str, frozenset[str]]) -> bool:
    """Whether ``distribution``'s release is in ``[low, high)`` and each function's fingerprint
    is one that ``fork`` was checked against (``checked[name]``). Logs at debug why not."""
    try:
        version = metadata.version(distribution)
    except metadata.PackageNotFoundError:
        version = "0"
    low, high = versions
    if not low <= _release(version) < high:
        logger.debug("%s: stock path, %s %s is outside the checked range %s..%s", fork,
                     distribution, version, ".".join(map(str, low)), ".".join(map(str, high)))
        return False
    for name, function in functions.items():
        found = fingerprint(function)
        if found not in checked.get(name, frozenset()):
            logger.debug("%s: stock path, %s %s's %s is not the code the fork was checked against "
                         "(fingerprint %s)", fork, distribution, version, name, found)
            return False
    return True


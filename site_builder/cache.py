"""Build cache: (kind, inputs) -> a stored value, in a folder that is safe to delete.

Work whose result depends only on its inputs (a rendered page, compiled templates) is stored
under a key made from those inputs *and* from the versions of the tool and of every library
that shapes the result (``site_builder``, latex2mathml, Pygments, Python-Markdown, nh3, Jinja,
MkDocs, Material, Python itself): a new version of any of them is a different key, so a stale
value is never read, only left behind. Values are pickled, written atomically, and read back
only from this folder; an unreadable entry counts as absent. The default folder is
``.cache/site_builder`` beside the project's ``mkdocs.yml`` (the working folder without one).
This module stores bytes: it must not render anything or know what a page is.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from site_builder.fileio import write_atomic

#: Libraries whose version is part of every key (their output is part of what is cached).
DEPENDENCIES = ("site-builder", "latex2mathml", "pygments", "markdown", "nh3", "jinja2", "mkdocs",
                "mkdocs-material", "pymdown-extensions")
#: Bump when the layout of what is stored changes.
FORMAT = 1
CACHE_FOLDER = Path(".cache") / "site_builder"


@lru_cache(maxsize=1)
def versions() -> tuple[tuple[str, str], ...]:
    """(distribution, version) of the tool, its rendering dependencies, and Python."""
    found = []
    for name in DEPENDENCIES:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, ""))
    return (("python", sys.version), ("format", str(FORMAT)), ("tool", _tool_files()), *found)


def _tool_files() -> str:
    """A digest of the package's own files (size, mtime): a tool edited in place, without a
    new version number (a checkout being worked on), still makes new keys."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            stat = path.stat()
            digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class BuildCache:
    """A folder of cached values; ``folder=None`` is a cache that stores nothing."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.hits = self.misses = 0

    def key(self, kind: str, *inputs: Any) -> str:
        """A key for ``inputs`` (picklable values) under ``kind``, versions included.

        Each input is pickled on its own: pickle writes a value seen before in the same call
        as a reference to it, so one pickle of all the inputs would depend on which of them
        happen to be the same object (a language code held by two of them), and two processes
        with equal inputs could make different keys."""
        digest = hashlib.sha256(pickle.dumps((kind, versions()), protocol=5))
        for value in inputs:
            digest.update(pickle.dumps(value, protocol=5))
        return f"{kind}/{digest.hexdigest()}"

    def get(self, key: str) -> Any:
        """The value stored under ``key``, or None."""
        if self.folder is None:
            return None
        path = self.folder / f"{key}.pickle"
        try:
            value = pickle.loads(path.read_bytes())
        except FileNotFoundError:
            self.misses += 1
            return None
        except Exception:  # noqa: BLE001 - a damaged entry is a miss, the build rewrites it
            self.misses += 1
            return None
        self.hits += 1
        return value

    def has(self, key: str) -> bool:
        """Whether an entry is stored under ``key`` (not read: it may still turn out unreadable)."""
        return self.folder is not None and (self.folder / f"{key}.pickle").is_file()

    def put(self, key: str, value: Any) -> None:
        if self.folder is not None:
            # Not flushed to disk: an entry lost to a crash is only a miss (and a torn one
            # does not unpickle, so it is a miss too).
            write_atomic(self.folder / f"{key}.pickle", pickle.dumps(value, protocol=5), durable=False)


def machine_cache_folder() -> Path:
    """The user's cache folder for this tool (``$XDG_CACHE_HOME/site_builder``, else
    ``~/.cache/site_builder``): for what belongs to the machine, not to one project."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "site_builder"


def machine_cache() -> BuildCache:
    """A :class:`BuildCache` in :func:`machine_cache_folder` (one that stores nothing when
    there is no home folder to put it in)."""
    try:
        return BuildCache(machine_cache_folder())
    except RuntimeError:  # Path.home() with no home
        return BuildCache(None)

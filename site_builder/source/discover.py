"""Discovery: a source folder and the config's glob patterns -> the annotated files, in order.

Files are listed by their path relative to the folder, sorted; hidden files and folders (a
name starting with ``.``) and ``__pycache__`` are skipped, and so is anything whose real path
(symlinks resolved) leaves the folder: those are returned as refused, for the caller to warn
about (:mod:`site_builder.source.boundary`). File ids are the relative paths without their
extension. This module lists paths: it must not read or parse the files.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from site_builder.source.boundary import Refused, files_under


@dataclass(frozen=True, slots=True)
class Discovered:
    """The files of a source folder, and those refused because they lead outside it."""

    paths: tuple[Path, ...]
    refused: tuple[Refused, ...] = ()


def discover_sources(root: Path, include: Sequence[str] = ("**/*.py", "**/*.md"),
                     exclude: Sequence[str] = ()) -> Discovered:
    """The annotated files under ``root`` (see the module docstring) and the refused ones.

    ``include`` patterns are globs relative to ``root`` (``**`` spans any number of folders,
    none included; ``*`` stays within one name); ``exclude`` uses the same syntax.
    """
    keep = partial(_wanted, include=tuple(include), exclude=tuple(exclude))
    paths, refused = files_under(root, keep=keep, enter=_entered)
    return Discovered(paths=tuple(paths), refused=tuple(r for r in refused if not _hidden(
        r.path.relative_to(root).as_posix())))


def find_sources(root: Path, include: Sequence[str] = ("**/*.py", "**/*.md"),
                 exclude: Sequence[str] = ()) -> list[Path]:
    """The paths :func:`discover_sources` keeps, sorted by their path relative to ``root``."""
    return list(discover_sources(root, include, exclude).paths)


def file_id(path: Path, root: Path) -> str:
    """``capsule_networks/__init__`` for ``<root>/capsule_networks/__init__.py``."""
    return path.relative_to(root).with_suffix("").as_posix()


def glob_match(relative: str, pattern: str) -> bool:
    """Whether POSIX path ``relative`` matches glob ``pattern`` as ``Path.glob`` would list it."""
    return _match(relative.split("/"), pattern.strip("/").split("/"))


def _match(parts: Sequence[str], pattern: Sequence[str]) -> bool:
    if not pattern:
        return not parts
    if pattern[0] == "**":
        return any(_match(parts[start:], pattern[1:]) for start in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], pattern[0]) and _match(parts[1:], pattern[1:])


def _wanted(relative: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    if _hidden(relative) or not any(glob_match(relative, pattern) for pattern in include):
        return False
    return not any(_excluded(relative, pattern) for pattern in exclude)


def _entered(relative: str) -> bool:
    return not _hidden(relative)


def _hidden(relative: str) -> bool:
    return any(part.startswith(".") or part == "__pycache__" for part in relative.rstrip("/").split("/"))


def _excluded(relative: str, pattern: str) -> bool:
    # As before: fnmatch's '*' crosses '/', and '**/' (any folders, or none) is tried both ways.
    candidates = {pattern, pattern.replace("**/", ""), pattern.replace("/**", "")}
    return any(fnmatch.fnmatchcase(relative, candidate) for candidate in candidates)

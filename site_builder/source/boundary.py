"""The project's folders as a boundary: a path -> whether its real location is inside a folder.

Sources, Markdown pages, images and translation files are read from the folders the config
names. A symlink in one of them may point anywhere (``code/leak.md -> /elsewhere/secret.md``);
what such a link leads to is not part of the project, and publishing or serving it would
leak it. Every place that lists files of a configured folder asks :func:`inside` (or lists
them with :func:`files_under`) and refuses, with a warning naming the link and its target,
what resolves outside. This module only resolves paths: it must not read files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Refused:
    """A file under a configured folder whose real path is outside it."""

    path: Path
    """The path as found in the folder (a symlink, or under a symlinked folder)."""
    target: Path
    """Where it really is."""
    root: Path

    def reason(self, setting: str = "") -> str:
        """Why it is refused, naming where it leads (the caller names the file)."""
        folder = f"the {setting} folder" if setting else "its folder"
        return f"refused, it leads outside {folder} {self.root} (to {self.target})"

    #: What to do about it.
    hint = "copy the file into the folder instead of linking to it"


def real(path: Path) -> Path:
    """``path`` with every symlink resolved (a path that does not exist resolves as far as it can)."""
    return Path(os.path.realpath(path))


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``'s real location (symlinks resolved) is ``root``'s real location or under it."""
    return real(path).is_relative_to(real(root))


def leads_out(path: Path, root: Path) -> bool:
    """Whether ``path`` exists (or is a symlink, even a broken one) and its real path leaves
    ``root``: what a reader of one named file (a translation cache, a sidecar) must refuse."""
    return (path.is_symlink() or path.exists()) and not inside(path, root)


def _always(relative: str) -> bool:
    return True


def files_under(root: Path, keep: Callable[[str], bool] = _always,
                enter: Callable[[str], bool] = _always) -> tuple[list[Path], list[Refused]]:
    """The files under ``root`` whose POSIX path relative to it passes ``keep``, sorted by it,
    and those whose real path leaves ``root`` (refused, not in the first list).

    Folders whose relative path fails ``enter`` are not looked into (hidden ones, say).
    Symlinked folders are not followed (as ``Path.glob``'s ``**``): one leading inside is
    listed where it really is; one leading outside is refused once, as a whole.
    """
    top = real(root)
    kept: list[tuple[str, Path]] = []
    refused: list[Refused] = []
    for relative, path in _walk(root, enter):
        if not (keep(relative) or relative.endswith("/")):
            continue
        if not path.is_symlink():  # a real file in a real subfolder (symlinked ones are not walked)
            kept.append((relative, path))
            continue
        target = real(path)
        if not target.is_relative_to(top):
            refused.append(Refused(path=path, target=target, root=root))
        elif target.is_file():
            kept.append((relative, path))
    kept.sort()
    return [path for _, path in kept], refused


def _walk(root: Path, enter: Callable[[str], bool]) -> Iterator[tuple[str, Path]]:
    """(relative POSIX path, path) of every file under ``root``, and of each symlinked folder
    leading outside (its path ending in ``/``)."""
    top = real(root)
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            relative = f"{prefix}{entry.name}"
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=True):
                if not enter(relative):
                    continue
                if not entry.is_symlink():
                    stack.append((path, relative + "/"))
                elif not real(path).is_relative_to(top):
                    yield relative + "/", path  # refused whole: nothing under it is the project's
                # A symlinked folder inside is not followed (as Path.glob's "**"): its files
                # are listed where they really are, once.
            else:
                yield relative, path

"""Errors that stop a command, each naming the file, line and what to do.

Problems that should not stop a build (a missing translation, math that will not
convert, a check result) are :class:`site_builder.model.Finding` values instead.

Hierarchy::

    SiteBuilderError          path:line:col: message; hint
     ├── SourceError          an annotated source is not UTF-8 or does not tokenize
     ├── TranslationFileError a cache, glossary or PO file is malformed
     └── ConfigError          a configuration value or command-line option is wrong

Inner code raises with the line it knows; the caller adds the file with
``with at_file(path):`` as the error passes up.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Location:
    """Where in which file a problem is; any part may be unknown."""

    path: Path | str | None = None
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        parts = [str(self.path) if self.path is not None else "<input>"]
        if self.line:
            parts.append(str(self.line))
            if self.column:
                parts.append(str(self.column))
        return ":".join(parts)


class SiteBuilderError(Exception):
    """Base of every error the tool reports; ``str()`` is the compiler-style message."""

    #: Process exit code the CLI uses for this error.
    exit_code = 1

    def __init__(self, message: str, *, location: Location | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location or Location()
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        return f"{text}; {self.hint}" if self.hint else text

    def with_path(self, path: Path | str) -> SiteBuilderError:
        """Return the same error with the file filled in (if it was not known yet)."""
        if self.location.path is None:
            self.location = replace(self.location, path=path)
        return self


class SourceError(SiteBuilderError):
    """An annotated source file cannot be read: not UTF-8, or Python cannot tokenize it."""


class TranslationFileError(SiteBuilderError):
    """A translation cache (or glossary, or PO file) is malformed: JSON, duplicates, BOM, types."""


class ConfigError(SiteBuilderError):
    """A configuration value or option is wrong."""

    exit_code = 2


@contextlib.contextmanager
def at_file(path: Path | str) -> Iterator[None]:
    """Add ``path`` to any :class:`SiteBuilderError` raised inside the block."""
    try:
        yield
    except SiteBuilderError as err:
        # with_path fills in the file on the same error object; a bare raise keeps its traceback.
        err.with_path(path)
        raise

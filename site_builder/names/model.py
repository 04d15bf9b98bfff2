"""The name stage's values: Definition, NameStats and NameIndex, and module naming rules.

What code navigation hands to the site floor: every definition of the corpus, numbered, and
every identifier of the code that resolved to one, by file and (line, character column), with
counts of what was and was not linked and the findings of files left out. Plain frozen values:
this module must not read trees or files.
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from site_builder.model import Finding

#: Longest signature kept for a card; longer ones end in an ellipsis.
SIGNATURE_LIMIT = 160
BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__"}
# Top-level modules that are never part of an annotated corpus: an absolute import of them is
# never retried without its first component (see Resolver.find_module).
NEVER_CORPUS = frozenset(sys.stdlib_module_names) | {"torch", "numpy", "labml", "labml_helpers",
                                                      "scipy", "matplotlib", "einops", "triton"}


@dataclass(frozen=True, slots=True)
class Definition:
    """Something a name can be linked to: a module, class, function, constant or attribute."""

    number: int
    """Index in :attr:`NameIndex.definitions`; short and stable within one build (``data-d``)."""
    file_id: str
    section: int
    """Index of the section of ``file_id`` whose code holds the definition."""
    qualname: str
    """``Squash``, ``Squash.forward``, ``Router.squash``; '' for a module."""
    kind: str
    """``module``, ``class``, ``function``, ``constant`` or ``attribute``."""
    signature: str
    """The definition's first line as written, e.g. ``def forward(self, s: torch.Tensor)``."""
    notes: tuple[str, int] = ("", 0)
    """(file id, section index) of the notes its card shows: its own section's; for a constant
    or attribute in a section a class or def opened, none (``("", 0)``), except an attribute
    whose class is known, which that class describes (``self.squash = Squash()`` -> the notes
    of ``Squash``)."""


@dataclass(frozen=True, slots=True)
class NameStats:
    """How the identifiers of the code were classified (each occurrence counted once, in
    exactly one of the four counts)."""

    linked: int = 0
    """Resolved to a definition in the corpus: these become links."""
    local: int = 0
    """Parameters and local variables: not linked by design."""
    external: int = 0
    """Builtins and names from outside the corpus (torch, numpy...)."""
    unresolved: int = 0
    """Could point anywhere (attributes of values of unknown type)."""
    files_skipped: tuple[str, ...] = ()
    """Sources left out of code navigation (Python cannot compile them, a line too long...)."""

    @property
    def candidates(self) -> int:
        """Names that could refer into the corpus: linked + unresolved (bench/names.py's share)."""
        return self.linked + self.unresolved

    @property
    def total(self) -> int:
        """Every identifier occurrence counted: linked + local + external + unresolved."""
        return self.linked + self.local + self.external + self.unresolved

    def summary(self) -> str:
        """One line in plain words whose numbers add up to the total."""
        text = (f"code navigation: {self.linked:,} of the {self.total:,} names in the code link to "
                f"their definitions; not linked: {self.local:,} parameters and local variables (by "
                f"design), {self.external:,} builtins and names from outside the project, "
                f"{self.unresolved:,} whose definition cannot be known without running the code "
                f"(attributes of values of unknown type)")
        if self.files_skipped:
            count = len(self.files_skipped)
            text += f"; {count} file{'s' if count != 1 else ''} left out (see the warnings)"
        return text


@dataclass(frozen=True, slots=True)
class NameIndex:
    """Every resolved identifier of the corpus, by file and position."""

    definitions: tuple[Definition, ...] = ()
    references: Mapping[str, Mapping[tuple[int, int], int]] = field(default_factory=dict)
    """File id -> (1-based line, 0-based character column) -> definition number."""
    stats: NameStats = NameStats()
    findings: Mapping[str, tuple[Finding, ...]] = field(default_factory=dict)
    """File id -> why that file was left out while indexing (a RecursionError...); the
    parse stage's own findings stay on the SourceFile."""

    def references_in(self, file_id: str) -> Mapping[tuple[int, int], int]:
        return self.references.get(file_id, {})


def module_name(file_id: str) -> str:
    """``pkg/sub/__init__`` -> ``pkg.sub``; ``pkg/mha`` -> ``pkg.mha``."""
    parts = file_id.split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def absolute_module(current: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name a (possibly relative) ``from`` import refers to."""
    if not level:
        return name or ""
    package = current if is_package else current.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    return ".".join(part for part in (package, name) if part)

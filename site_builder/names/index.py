"""Name stage: the corpus's Python sources -> NameIndex (where each name in the code is defined).

Resolution runs once per build over every source together, with Python's own ``ast`` and a
small resolver of our own rather than jedi, because jedi is far too slow for a build: measured
with ``bench/names.py`` on this machine, jedi 0.20 (``goto`` on every reference) took 2.6 s per
module on labml-nn 0.5.1 (25 modules sampled; about 10 minutes for its 225) and 5.9 s per module
here, since it infers into torch, while this resolver does all 225 modules in 3-5 s. On five of
its transformer and capsule modules the two never disagreed where both resolved a name into
the corpus (46 names), jedi found 4 we missed (module names in ``from .mha import``, since
added) and we found 158 it missed (mostly ``self.x.method`` through attribute types).
It knows modules (``import a.b as c``, relative and absolute ``from`` imports, package
``__init__`` re-exports followed to the real definition), classes with their bases, functions,
methods, module constants, and instance attributes assigned in methods (``self.x = Cls(...)``,
or a parameter annotated ``Cls``), so ``self.x.method`` and ``self.x(...)`` resolve; parameters
and local variables shadow outer names and are never linked.

The package, in the order it runs: :mod:`~site_builder.names.bindings` (a module's definitions,
from the text the parse stage decoded: the file is not read again), :mod:`~site_builder.names.resolver`
(lookups), :mod:`~site_builder.names.walker` (every identifier), with the values of
:mod:`~site_builder.names.model` and the scope rules of :mod:`~site_builder.names.scopes`.
Input: :class:`SourceFile` values; output: a :class:`NameIndex` mapping ``(file id, line,
column)`` of an identifier to a :class:`Definition`. A file the parse stage found problems in
(Python cannot compile it, a line too long) is left out, and so is one whose tree is too deep
or too large for this interpreter, with a finding: never the build. This stage must not render
HTML or know URLs, and never imports or runs the code it reads.
"""

from __future__ import annotations

from collections.abc import Iterable

from site_builder.model import Finding, Severity, SourceFile, SourceKind
from site_builder.names.bindings import Module, collect, read_module
from site_builder.names.model import Definition, NameIndex, NameStats, absolute_module, module_name

# Re-exported: the values the index is made of live in names.model.
__all__ = ["Definition", "NameIndex", "NameStats", "absolute_module", "index_names", "module_name"]
from site_builder.names.resolver import Resolver
from site_builder.names.walker import Walker


def index_names(sources: Iterable[SourceFile]) -> NameIndex:
    """Resolve the identifiers of every Python source in ``sources`` (others are ignored)."""
    modules: dict[str, Module] = {}
    skipped: list[str] = []
    findings: dict[str, tuple[Finding, ...]] = {}
    for source in sources:
        if source.kind is not SourceKind.PYTHON:
            continue
        if source.findings:  # the parse stage has said why (syntax, a line too long)
            skipped.append(source.id)
            continue
        try:
            module = read_module(source)
        except (SyntaxError, ValueError):
            skipped.append(source.id)  # compiled, yet no tree: reported by the parse stage's check
            continue
        except (RecursionError, MemoryError) as err:
            skipped.append(source.id)
            findings[source.id] = (_left_out(source, err),)
            continue
        modules[module.name] = module
    resolver = Resolver(modules)
    for module in modules.values():
        collect(module, resolver)
    for module in modules.values():
        try:
            Walker(module, resolver).visit(module.tree)
        except (RecursionError, MemoryError) as err:
            resolver.references.pop(module.source.id, None)
            skipped.append(module.source.id)
            findings[module.source.id] = (_left_out(module.source, err),)
    return resolver.index(tuple(skipped), findings)


def _left_out(source: SourceFile, err: BaseException) -> Finding:
    reason = "its code is nested too deeply" if isinstance(err, RecursionError) else "it is too large"
    return Finding(file=source.path.absolute(), key="", check="names", severity=Severity.WARNING,
                   message=f"code navigation leaves this file out: {reason} ({type(err).__name__}); "
                           "its page is shown without links in its code")

"""Bindings: one parsed module -> its module-level names, classes, members and instance attributes.

The first of the name stage's two walks: every module's top-level statements (with those
under ``if`` and ``try``), each class's body, and the ``self.x = ...`` assignments of its
methods are read before any reference is resolved, so a name used above its definition, or
in another module, is known. Each definition is registered with the resolver (its
``define``), which numbers it and finds its section. Input: a :class:`Module` made from the
text parsing already decoded; output: the module's ``bindings`` and the registered classes.
It must not resolve references or read files.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from site_builder.model import SourceFile
from site_builder.names.model import SIGNATURE_LIMIT, absolute_module, module_name
from site_builder.names.scopes import all_args, parameter_names, self_parameter, target_names, walk_statements

#: What a module-level name is bound to: ("def", definition key), ("module", dotted name),
#: or ("from", module, name) for a ``from`` import followed later, when every module is known.
Binding = tuple[str, ...]


class Definer(Protocol):
    """What collecting needs of the resolver: registering definitions and classes."""

    classes: dict[str, ClassInfo]

    def define(self, module: Module, qualname: str, kind: str, line: int, signature: str) -> str: ...

    def locals_of(self, function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> frozenset[str]: ...


@dataclass(slots=True)
class ClassInfo:
    key: str
    module: Module
    node: ast.ClassDef
    members: dict[str, str] = field(default_factory=dict)
    """Methods, class attributes and nested classes: name -> definition key."""
    attributes: dict[str, str] = field(default_factory=dict)
    """Instance attributes assigned through ``self.``: name -> definition key."""
    attribute_types: dict[str, tuple[ast.expr, frozenset[str]]] = field(default_factory=dict)
    """Instance attribute -> the expression giving its class, and the locals it must not use."""


@dataclass(slots=True)
class Module:
    """One source as the name stage sees it: its tree, its lines, its module-level bindings."""

    name: str
    source: SourceFile
    tree: ast.Module
    lines: list[str]
    """Python's lines of the decoded text (``text.split("\\n")``): what ast's line numbers count."""
    is_package: bool
    bindings: dict[str, Binding] = field(default_factory=dict)
    """Module-level name -> ('def', key) | ('module', name) | ('from', module, name)."""
    section_of_line: dict[int, int] = field(default_factory=dict)

    def column(self, line: int, byte_offset: int) -> int:
        """The character column on the line as the code column shows it: ast columns count
        UTF-8 bytes of Python's line, and the page drops form feeds from a line's indentation."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        column = byte_offset if text.isascii() else len(text.encode("utf-8")[:byte_offset].decode("utf-8", "ignore"))
        if "\f" in text:
            indentation = len(text) - len(text.lstrip(" \t\f"))
            column -= text[: min(column, indentation)].count("\f")
        return column

    def section(self, line: int) -> int:
        while line > 0 and line not in self.section_of_line:
            line -= 1
        return self.section_of_line.get(line, 0)



def read_module(source: SourceFile) -> Module:
    """A :class:`Module` of ``source`` from the text parsing decoded (the file is not read again).

    Raises:
        SyntaxError, ValueError: Python cannot parse the text.
        RecursionError, MemoryError: the tree is too deep or too large for this interpreter.
    """
    with warnings.catch_warnings():  # "invalid escape sequence" is the parse stage's to report
        warnings.simplefilter("ignore")
        tree = ast.parse(source.text, filename=str(source.path))
    module = Module(name=module_name(source.id), source=source, tree=tree,
                    lines=source.text.split("\n"), is_package=source.id.endswith("__init__"))
    for index, section in enumerate(source.sections):
        for line in section.code:
            module.section_of_line[line.number] = index
        module.section_of_line.setdefault(section.line, index)
    return module


def signature(node: ast.AST) -> str:
    """A definition's header without its body: ``def forward(self, x) -> Tensor``, ``X = 1``."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        keyword = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
        returns = f" -> {ast.unparse(node.returns)}" if node.returns is not None else ""
        text = f"{keyword} {node.name}({ast.unparse(node.args)}){returns}"
    elif isinstance(node, ast.ClassDef):
        bases = ", ".join(ast.unparse(base) for base in [*node.bases, *node.keywords])
        text = f"class {node.name}({bases})" if bases else f"class {node.name}"
    else:
        text = " ".join(ast.unparse(node).split())
    return text if len(text) <= SIGNATURE_LIMIT else text[:SIGNATURE_LIMIT - 1] + "…"


def collect(module: Module, resolver: Definer) -> None:
    """Module-level bindings, classes with their members, instance attributes."""
    resolver.define(module, "", "module", 0, f"module {module.name}")
    for node in module.tree.body:
        for name, binding in statement_bindings(module, node, resolver):
            module.bindings.setdefault(name, binding)


def statement_bindings(module: Module, node: ast.stmt, resolver: Definer) -> Iterator[tuple[str, Binding]]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        yield node.name, ("def", resolver.define(module, node.name, "function", node.lineno,
                                                  signature(node)))
    elif isinstance(node, ast.ClassDef):
        yield node.name, ("def", collect_class(module, node, node.name, resolver))
    elif isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            for name in target_names(target):
                yield name, ("def", resolver.define(module, name, "constant", node.lineno,
                                                    signature(node)))
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        yield from import_bindings(module, node)
    elif isinstance(node, (ast.If, ast.Try)):
        # Definitions under `if TYPE_CHECKING:` or `try: import x` are module level too.
        for child in [*node.body, *getattr(node, "orelse", ()), *getattr(node, "finalbody", ()),
                      *(h for handler in getattr(node, "handlers", ()) for h in handler.body)]:
            yield from statement_bindings(module, child, resolver)




def import_bindings(module: Module, node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, Binding]]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                yield alias.asname, ("module", alias.name)
            else:
                yield alias.name.split(".")[0], ("module", alias.name.split(".")[0])
        return
    base = absolute_module(module.name, module.is_package, node.level, node.module)
    for alias in node.names:
        if alias.name != "*":
            yield alias.asname or alias.name, ("from", base, alias.name)


def collect_class(module: Module, node: ast.ClassDef, qualname: str, resolver: Definer) -> str:
    key = resolver.define(module, qualname, "class", node.lineno, signature(node))
    info = resolver.classes[key] = ClassInfo(key=key, module=module, node=node)
    for child in node.body:
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            info.members.setdefault(child.name, resolver.define(
                module, f"{qualname}.{child.name}", "function", child.lineno, signature(child)))
        elif isinstance(child, ast.ClassDef):
            info.members.setdefault(child.name, collect_class(module, child, f"{qualname}.{child.name}", resolver))
        elif isinstance(child, (ast.Assign, ast.AnnAssign)):
            for target in (child.targets if isinstance(child, ast.Assign) else [child.target]):
                for name in target_names(target):
                    info.members.setdefault(name, resolver.define(
                        module, f"{qualname}.{name}", "constant", child.lineno, signature(child)))
    for method in sorted((c for c in node.body if isinstance(c, (ast.FunctionDef, ast.AsyncFunctionDef))),
                         key=lambda m: m.name != "__init__"):  # __init__ first: its line is the definition
        collect_attributes(module, info, method, qualname, resolver)
    return key


def collect_attributes(module: Module, info: ClassInfo, method: ast.FunctionDef | ast.AsyncFunctionDef,
                        qualname: str, resolver: Definer) -> None:
    """``self.x = ...`` in a method: an instance attribute, typed when the value shows its class."""
    self_name = self_parameter(method)
    if self_name is None:
        return
    parameters = parameter_names(method.args)
    annotations = {a.arg: a.annotation for a in all_args(method.args) if a.annotation is not None}
    local = resolver.locals_of(method)
    for statement in walk_statements(method):
        if not isinstance(statement, (ast.Assign, ast.AnnAssign)) or statement.value is None:
            continue
        for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target]):
            if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                    and target.value.id == self_name) or target.attr in info.attributes:
                continue
            info.attributes[target.attr] = resolver.define(
                module, f"{qualname}.{target.attr}", "attribute", statement.lineno,
                signature(statement))
            value = statement.value
            if isinstance(value, ast.Call):
                info.attribute_types[target.attr] = (value.func, local)
            elif isinstance(value, ast.Name) and value.id in annotations and value.id in parameters:
                info.attribute_types[target.attr] = (annotations[value.id], frozenset())



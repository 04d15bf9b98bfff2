"""The walk: one parsed module -> every identifier in it recorded as linked, local, external or unknown.

The second of the name stage's two walks, after every module's bindings are collected: an
``ast.NodeVisitor`` that keeps the scopes around each node (module, class body, function,
lambda, comprehension, as Python scopes them), resolves each ``Name`` and ``Attribute`` (a
chain like ``self.a.b.c`` once, memoised), and records it with the resolver at its line and
byte column; ``def``/``class`` names link to their own section, and each part of an import's
dotted path to its module. It must not read files or render anything.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from site_builder.names.bindings import Module
from site_builder.names.model import BUILTINS, absolute_module
from site_builder.names.resolver import EXTERNAL, LOCAL, Resolver, Value
from site_builder.names.scopes import all_args, parameter_names, self_parameter, target_names_deep


@dataclass(slots=True)
class Scope:
    kind: str
    """``module``, ``class`` or ``function``."""
    locals: frozenset[str] = frozenset()
    definitions: Mapping[str, str] = field(default_factory=dict)
    """A class body's members (name -> definition key): seen from the body itself only, as in Python."""
    self_name: str | None = None
    class_key: str | None = None


class Walker(ast.NodeVisitor):
    """Visits one module, resolving every identifier with the scopes around it."""

    def __init__(self, module: Module, resolver: Resolver) -> None:
        self.module, self.resolver = module, resolver
        self.scopes: list[Scope] = [Scope("module")]
        self.qualname: list[str] = []
        self.values: dict[int, Value | None] = {}
        self.types: dict[int, Value] = {}
        """Attribute node -> ("instance", class key), for attributes whose class is known."""

    def visit(self, node: ast.AST) -> None:
        # ast.NodeVisitor.visit, with the method looked up once per node type, not per node.
        method = self._methods.get(type(node))
        if method is None:
            method = self._methods[type(node)] = getattr(type(self), "visit_" + type(node).__name__,
                                                         type(self).generic_visit)
        method(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        # The children in ast.NodeVisitor's order (field by field, list items in order).
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    _methods: ClassVar[dict[type, Callable[[Walker, Any], None]]] = {}

    # -- scopes --

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for child in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(child)
        qualname = ".".join([*self.qualname, node.name])
        key = f"{self.module.source.id}:{qualname}"
        self._record_definition(node, node.name, key)
        members = self.resolver.classes[key].members if key in self.resolver.classes else {}
        self._enter(Scope("class", frozenset(), members, class_key=key), node.name, node.body)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for child in [*node.decorator_list, *node.args.defaults, *(d for d in node.args.kw_defaults if d)]:
            self.visit(child)
        for argument in all_args(node.args):
            if argument.annotation is not None:
                self.visit(argument.annotation)
        if node.returns is not None:
            self.visit(node.returns)
        qualname = ".".join([*self.qualname, node.name])
        self._record_definition(node, node.name, f"{self.module.source.id}:{qualname}")
        enclosing = self.scopes[-1]
        self_name = self_parameter(node) if enclosing.kind == "class" else None
        self._enter(Scope("function", self.resolver.locals_of(node), {},
                           self_name=self_name, class_key=enclosing.class_key if self_name else None),
                    node.name, node.body)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for child in [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]:
            self.visit(child)
        self.scopes.append(Scope("function", frozenset(parameter_names(node.args))))
        self.visit(node.body)
        self.scopes.pop()

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp) -> None:
        generators = node.generators
        self.visit(generators[0].iter)
        names = frozenset(n for g in generators for n in target_names_deep(g.target))
        self.scopes.append(Scope("function", names))
        for index, generator in enumerate(generators):
            self.visit(generator.target)
            if index:
                self.visit(generator.iter)
            for condition in generator.ifs:
                self.visit(condition)
        for part in ("elt", "key", "value"):
            if hasattr(node, part):
                self.visit(getattr(node, part))
        self.scopes.pop()

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def _enter(self, scope: Scope, name: str, body: Sequence[ast.stmt]) -> None:
        self.scopes.append(scope)
        self.qualname.append(name)
        for statement in body:
            self.visit(statement)
        self.qualname.pop()
        self.scopes.pop()

    def _record_definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, name: str,
                           key: str) -> None:
        """The name in ``def name``/``class name`` links to its own section (so marking finds it)."""
        if key not in self.resolver.definitions:
            return
        line = node.lineno
        text = self.module.lines[line - 1] if line <= len(self.module.lines) else ""
        encoded = text.encode("utf-8")
        start = encoded.find(name.encode("utf-8"), encoded.find(b"def " if not isinstance(node, ast.ClassDef)
                                                               else b"class "))
        if start >= 0:
            self.resolver.record(self.module, line, start, ("def", key))

    # -- names --

    def visit_Name(self, node: ast.Name) -> None:
        value = self.value(node)
        # `self` is a parameter: never linked, though it types the attributes after it.
        self.resolver.record(self.module, node.lineno, node.col_offset,
                             LOCAL if value and value[0] == "instance" else value)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.visit(node.value)
        value = self.value(node)
        start = _end(node.end_col_offset) - len(node.attr.encode("utf-8"))
        self.resolver.record(self.module, _end(node.end_lineno), start, value)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._record_module_path(alias.lineno, alias.col_offset, alias.name)
        if len(self.scopes) > 1:
            return  # an import inside a function binds a local
        for alias in node.names:
            if alias.asname:
                value = self.resolver.module_value(alias.name)
                self.resolver.record(self.module, _end(alias.end_lineno),
                                     _end(alias.end_col_offset) - len(alias.asname.encode()), value)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = absolute_module(self.module.name, self.module.is_package, node.level, node.module)
        if node.module:
            text = self.module.lines[node.lineno - 1].encode("utf-8")
            found = re.compile(rb"from\s*\.*\s*").match(text, node.col_offset)
            if found:
                prefix = absolute_module(self.module.name, self.module.is_package, node.level, None)
                self._record_module_path(node.lineno, found.end(), node.module, prefix)
        for alias in node.names:
            if alias.name == "*":
                continue
            value = self.resolver.export(base, alias.name)
            self.resolver.record(self.module, alias.lineno, alias.col_offset, value)
            if alias.asname:
                self.resolver.record(self.module, _end(alias.end_lineno),
                                     _end(alias.end_col_offset) - len(alias.asname.encode()), value)

    def _record_module_path(self, line: int, byte_col: int, dotted: str, prefix: str = "") -> None:
        """Each part of ``a.b.c`` in an import links to that module (or package) of the corpus."""
        parts = dotted.split(".")
        for count, part in enumerate(parts, start=1):
            path = ".".join(p for p in (prefix, *parts[:count]) if p)
            self.resolver.record(self.module, line, byte_col, self.resolver.module_value(path))
            byte_col += len(part.encode("utf-8")) + 1

    def value(self, node: ast.expr) -> Value | None:
        """What ``node`` is, memoised: chains like ``self.a.b.c`` are resolved once."""
        if id(node) in self.values:
            return self.values[id(node)]
        if isinstance(node, ast.Name):
            result = self._name_value(node.id)
        elif isinstance(node, ast.Attribute):
            result = self._attribute_value(node)
        elif isinstance(node, ast.Call):
            callee = self.value(node.func)
            result = (("instance", callee[1]) if callee and callee[0] == "def"
                      and callee[1] in self.resolver.classes else None)
        else:
            result = None
        self.values[id(node)] = result
        return result

    def _attribute_value(self, node: ast.Attribute) -> Value | None:
        owner = self.value(node.value)
        owner = self.types.get(id(node.value), owner)  # self.x typed by __init__: look up in its class
        result = self.resolver.attribute(owner, node.attr)
        if owner and owner[0] == "instance" and result and result[0] == "def":
            typed = self.resolver.attribute_type(owner[1], node.attr)
            if typed is not None:
                self.types[id(node)] = typed
        return result

    def _name_value(self, name: str) -> Value | None:
        innermost = True
        for scope in reversed(self.scopes):
            if scope.kind == "function":
                if name == scope.self_name and scope.class_key:
                    return ("instance", scope.class_key)
                if name in scope.locals:
                    return LOCAL
            elif scope.kind == "class":
                if innermost and name in scope.definitions:
                    return ("def", scope.definitions[name])
            else:
                binding = self.module.bindings.get(name)
                if binding is not None:
                    return self.resolver.binding_value(binding)
            innermost = False
        return EXTERNAL if name in BUILTINS else None


def _end(position: int | None) -> int:
    # ast gives every node it parsed an end position; None only on hand-made nodes.
    return position if position is not None else 0

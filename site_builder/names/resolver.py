"""Resolution: names and attributes, with only what collecting found -> the definition they are.

The name stage's lookups, shared by every module's walk: a module-level name through its
imports (``from`` imports followed through package re-exports to the real definition), a
member of a class and its bases, the class of an instance attribute, a corpus module by its
dotted name (a corpus rooted inside its package is found by its tail). The resolver also
numbers the definitions and keeps the references and counts the walk records. Values are
small tuples (:data:`Value`). It must not walk trees itself or read files.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import replace

from site_builder.model import Finding, SectionKind
from site_builder.names.bindings import Binding, ClassInfo, Module
from site_builder.names.model import BUILTINS, NEVER_CORPUS, Definition, NameIndex, NameStats
from site_builder.names.scopes import function_locals

#: A resolved value: what an expression is known to be.
#:   ("def", key)          the class/function/constant/attribute with that definition key
#:   ("module", name)      a corpus module
#:   ("namespace", name)   a package path that is no corpus module (outside, or a slice of one)
#:   ("instance", key)     an instance of the class with that key
#:   ("local",) / ("external",) / None (unknown)
Value = tuple[str, ...]
LOCAL: Value = ("local",)
EXTERNAL: Value = ("external",)


class Resolver:
    """The corpus's definitions, and lookups of names in modules and classes."""

    def __init__(self, modules: Mapping[str, Module]) -> None:
        self.modules = modules
        self.tops = {name.split(".")[0] for name in modules}
        self.definitions: dict[str, Definition] = {}
        self.classes: dict[str, ClassInfo] = {}
        self.references: dict[str, dict[tuple[int, int], int]] = {}
        self.counts = {"linked": 0, "local": 0, "external": 0, "unresolved": 0}
        self._locals: dict[int, frozenset[str]] = {}
        self._by_file = {module.source.id: module for module in modules.values()}

    def locals_of(self, function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> frozenset[str]:
        """:func:`function_locals`, once per function (collecting and walking both ask)."""
        found = self._locals.get(id(function))
        if found is None:
            found = self._locals[id(function)] = frozenset(function_locals(function))
        return found

    def define(self, module: Module, qualname: str, kind: str, line: int, signature: str) -> str:
        key = f"{module.source.id}:{qualname}"
        if key not in self.definitions:
            self.definitions[key] = Definition(number=len(self.definitions), file_id=module.source.id,
                                               section=module.section(line) if line else 0,
                                               qualname=qualname, kind=kind, signature=signature)
        return key

    def record(self, module: Module, line: int, byte_col: int, value: Value | None) -> None:
        """Count one identifier occurrence; link it when it resolved to a definition."""
        if value is not None and value[0] == "def":
            self.counts["linked"] += 1
            position = (line, module.column(line, byte_col))
            self.references.setdefault(module.source.id, {})[position] = self.definitions[value[1]].number
        elif value is not None and value[0] == "module":
            self.counts["linked"] += 1
            position = (line, module.column(line, byte_col))
            definition = self.definitions[f"{self.modules[value[1]].source.id}:"]
            self.references.setdefault(module.source.id, {})[position] = definition.number
        elif value == LOCAL:
            self.counts["local"] += 1
        elif value == EXTERNAL or (value is not None and value[0] == "namespace"):
            self.counts["external"] += 1
        else:
            self.counts["unresolved"] += 1

    def find_module(self, name: str) -> str | None:
        """The corpus module an absolute import names; a corpus rooted inside its package
        (``transformers/mha.py`` imported as ``labml_nn.transformers.mha``) is found too."""
        parts = name.split(".")
        if name in self.modules:
            return name
        if parts[0] in self.tops or parts[0] in NEVER_CORPUS:
            return None
        for start in range(1, len(parts)):
            candidate = ".".join(parts[start:])
            if candidate in self.modules:
                return candidate
        return None

    def module_value(self, name: str) -> Value:
        """``import a.b``: a corpus module, else a package path that may lead to one (a corpus
        slice without ``a/__init__.py``), else a module from outside the corpus."""
        found = self.find_module(name)
        if found:
            return ("module", found)
        if name.split(".")[0] in NEVER_CORPUS:
            return EXTERNAL
        return ("namespace", name)

    def export(self, module_name: str, name: str, seen: frozenset[tuple[str, str]] = frozenset()) -> Value | None:
        """What ``from module import name`` gives: followed through re-exports to the definition."""
        found = self.find_module(module_name)
        if found is None:
            return EXTERNAL
        if (found, name) in seen:
            return None
        module = self.modules[found]
        binding = module.bindings.get(name)
        if binding is None:
            submodule = self.find_module(f"{found}.{name}")
            return ("module", submodule) if submodule else None
        return self.binding_value(binding, seen | {(found, name)})

    def binding_value(self, binding: Binding, seen: frozenset[tuple[str, str]] = frozenset()) -> Value | None:
        if binding[0] == "def":
            return binding
        if binding[0] == "module":
            return self.module_value(binding[1])
        return self.export(binding[1], binding[2], seen)

    def member(self, class_key: str, name: str, *, instance: bool, seen: frozenset[str] = frozenset()) -> Value | None:
        """``name`` looked up on a class (or on its instances), bases included."""
        info = self.classes.get(class_key)
        if info is None or class_key in seen:
            return None
        if name in info.members:
            return ("def", info.members[name])
        if instance and name in info.attributes:
            return ("def", info.attributes[name])
        external_base = False
        for base in info.node.bases:
            value = self.module_level(info.module, base)
            if value is not None and value[0] == "def" and value[1] in self.classes:
                found = self.member(value[1], name, instance=instance, seen=seen | {class_key})
                if found is not None:
                    return found
            elif value == EXTERNAL:
                external_base = True
        # A name from a base outside the corpus (nn.Module.forward...) is not ours.
        return EXTERNAL if external_base else None

    def attribute_type(self, class_key: str, name: str, seen: frozenset[str] = frozenset()) -> Value | None:
        """The class of instance attribute ``name`` as an ("instance", key) value, when known."""
        info = self.classes.get(class_key)
        if info is None or class_key in seen:
            return None
        if name in info.attribute_types:
            expression, local = info.attribute_types[name]
            root = expression
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in local:
                return None
            value = self.module_level(info.module, expression)
            return ("instance", value[1]) if value and value[0] == "def" and value[1] in self.classes else None
        for base in info.node.bases:
            value = self.module_level(info.module, base)
            if value and value[0] == "def":
                found = self.attribute_type(value[1], name, seen | {class_key})
                if found:
                    return found
        return None

    def _described(self, definition: Definition) -> Definition:
        """``definition`` with the notes its card shows: its own section's, or nothing.

        A constant or attribute in a section that a class or def opened (below its code, or
        set in a method) has no notes of its own there: an attribute whose class is known
        shows that class's notes, anything else none. One under a comment of its own shows it.
        """
        module = self._by_file.get(definition.file_id)
        sections = module.source.sections if module is not None else ()
        section = sections[definition.section] if definition.section < len(sections) else None
        commented = section is not None and section.kind is SectionKind.COMMENT and not section.name
        if definition.kind == "attribute" and not commented:
            class_key, _, name = f"{definition.file_id}:{definition.qualname}".rpartition(".")
            typed = self.attribute_type(class_key, name)
            if typed is not None:
                described = self.definitions[typed[1]]
                return replace(definition, notes=(described.file_id, described.section))
        borrowed = definition.kind in ("constant", "attribute") and section is not None and bool(section.name)
        return replace(definition, notes=("", 0) if borrowed else (definition.file_id, definition.section))

    def module_level(self, module: Module, expression: ast.expr) -> Value | None:
        """An expression evaluated with only module-level names in scope."""
        if isinstance(expression, ast.Name):
            binding = module.bindings.get(expression.id)
            if binding is not None:
                return self.binding_value(binding)
            return EXTERNAL if expression.id in BUILTINS else None
        if isinstance(expression, ast.Attribute):
            return self.attribute(self.module_level(module, expression.value), expression.attr)
        if isinstance(expression, ast.Subscript):  # Optional[Cls], list[Cls]: not the class itself
            return None
        return None

    def attribute(self, owner: Value | None, name: str) -> Value | None:
        if owner is None or owner == LOCAL:
            return None
        if owner == EXTERNAL:
            return EXTERNAL
        if owner[0] == "module":
            return self.export(owner[1], name)
        if owner[0] == "namespace":
            return self.module_value(f"{owner[1]}.{name}")
        if owner[0] == "def" and owner[1] in self.classes:
            return self.member(owner[1], name, instance=False)
        if owner[0] == "instance":
            return self.member(owner[1], name, instance=True)
        return None

    def index(self, skipped: tuple[str, ...],
              findings: Mapping[str, tuple[Finding, ...]] | None = None) -> NameIndex:
        return NameIndex(definitions=tuple(self._described(d) for d in self.definitions.values()),
                         references={k: dict(v) for k, v in self.references.items()},
                         stats=NameStats(**self.counts, files_skipped=skipped), findings=dict(findings or {}))


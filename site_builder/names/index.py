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
and local variables shadow outer names and are never linked. Input: :class:`SourceFile` values
(their files are read again for the full text); output: a :class:`NameIndex` mapping ``(file
id, line, column)`` of an identifier to a :class:`Definition` (file, section index, qualified
name, signature). This stage must not render HTML or know URLs, and never imports or runs the
code it reads.
"""

from __future__ import annotations

import ast
import builtins
import collections
import io
import re
import sys
import tokenize
import warnings
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from site_builder.model import SectionKind, SourceFile, SourceKind

#: Longest signature kept for a card; longer ones end in an ellipsis.
SIGNATURE_LIMIT = 160
_BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__"}
# Top-level modules that are never part of an annotated corpus: an absolute import of them is
# never retried without its first component (see _Resolver.find_module).
_NEVER_CORPUS = frozenset(sys.stdlib_module_names) | {"torch", "numpy", "labml", "labml_helpers",
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
    """(file id, section index) of the notes that describe it: its own section, except for an
    attribute set in ``__init__`` with no comment of its own, which its class describes
    (``self.squash = Squash()`` -> the notes of ``Squash``)."""


@dataclass(frozen=True, slots=True)
class NameStats:
    """How the identifiers of the code were classified (each occurrence counted once)."""

    linked: int = 0
    """Resolved to a definition in the corpus."""
    local: int = 0
    """Parameters and local variables: not linked by design."""
    external: int = 0
    """Builtins and names from outside the corpus (torch, numpy...)."""
    unresolved: int = 0
    """Could point anywhere (attributes of values of unknown type)."""
    files_skipped: tuple[str, ...] = ()
    """Sources that are not valid Python for this interpreter."""

    @property
    def candidates(self) -> int:
        """Names that could refer into the corpus: linked + unresolved."""
        return self.linked + self.unresolved

    def summary(self) -> str:
        share = 100.0 * self.linked / self.candidates if self.candidates else 100.0
        return (f"names: {self.linked} of {self.candidates} resolved ({share:.1f}%); "
                f"{self.local} local and {self.external} outside the corpus not linked")


@dataclass(frozen=True, slots=True)
class NameIndex:
    """Every resolved identifier of the corpus, by file and position."""

    definitions: tuple[Definition, ...] = ()
    references: Mapping[str, Mapping[tuple[int, int], int]] = field(default_factory=dict)
    """File id -> (1-based line, 0-based character column) -> definition number."""
    stats: NameStats = NameStats()

    def references_in(self, file_id: str) -> Mapping[tuple[int, int], int]:
        return self.references.get(file_id, {})


def index_names(sources: Iterable[SourceFile]) -> NameIndex:
    """Resolve the identifiers of every Python source in ``sources`` (others are ignored)."""
    modules, skipped = {}, []
    for source in sources:
        if source.kind is not SourceKind.PYTHON:
            continue
        module = _read_module(source)
        if module is None:
            skipped.append(source.id)
        else:
            modules[module.name] = module
    resolver = _Resolver(modules)
    for module in modules.values():
        _collect(module, resolver)
    for module in modules.values():
        _Walker(module, resolver).visit(module.tree)
    return resolver.index(tuple(skipped))


def module_name(file_id: str) -> str:
    """``pkg/sub/__init__`` -> ``pkg.sub``; ``pkg/mha`` -> ``pkg.mha``."""
    parts = file_id.split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


# --- modules and their definitions ------------------------------------------------------------


@dataclass(slots=True)
class _Class:
    key: str
    module: "_Module"
    node: ast.ClassDef
    members: dict[str, str] = field(default_factory=dict)
    """Methods, class attributes and nested classes: name -> definition key."""
    attributes: dict[str, str] = field(default_factory=dict)
    """Instance attributes assigned through ``self.``: name -> definition key."""
    attribute_types: dict[str, tuple[ast.expr, frozenset[str]]] = field(default_factory=dict)
    """Instance attribute -> the expression giving its class, and the locals it must not use."""


@dataclass(slots=True)
class _Module:
    name: str
    source: SourceFile
    tree: ast.Module
    lines: list[str]
    is_package: bool
    bindings: dict[str, tuple] = field(default_factory=dict)
    """Module-level name -> ('def', key) | ('module', name) | ('from', module, name)."""
    section_of_line: dict[int, int] = field(default_factory=dict)

    def column(self, line: int, byte_offset: int) -> int:
        """ast columns count UTF-8 bytes; Pygments counts characters."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return byte_offset if text.isascii() else len(text.encode("utf-8")[:byte_offset].decode("utf-8", "ignore"))

    def section(self, line: int) -> int:
        while line > 0 and line not in self.section_of_line:
            line -= 1
        return self.section_of_line.get(line, 0)


def _read_module(source: SourceFile) -> _Module | None:
    try:
        data = source.path.read_bytes()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding).lstrip("\ufeff")
        with warnings.catch_warnings():  # "invalid escape sequence" is the parse stage's to report
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=str(source.path))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None
    module = _Module(name=module_name(source.id), source=source, tree=tree,
                     lines=text.splitlines(), is_package=source.id.endswith("__init__"))
    for index, section in enumerate(source.sections):
        for line in section.code:
            module.section_of_line[line.number] = index
        module.section_of_line.setdefault(section.line, index)
    return module


def _signature(node: ast.AST) -> str:
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


def _collect(module: _Module, resolver: "_Resolver") -> None:
    """Module-level bindings, classes with their members, instance attributes."""
    resolver.define(module, "", "module", 0, f"module {module.name}")
    for node in module.tree.body:
        for name, binding in _statement_bindings(module, node, resolver):
            module.bindings.setdefault(name, binding)


def _statement_bindings(module: _Module, node: ast.stmt, resolver: "_Resolver") -> Iterator[tuple[str, tuple]]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        yield node.name, ("def", resolver.define(module, node.name, "function", node.lineno,
                                                  _signature(node)))
    elif isinstance(node, ast.ClassDef):
        yield node.name, ("def", _collect_class(module, node, node.name, resolver))
    elif isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            for name in _target_names(target):
                yield name, ("def", resolver.define(module, name, "constant", node.lineno,
                                                    _signature(node)))
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        yield from _import_bindings(module, node)
    elif isinstance(node, (ast.If, ast.Try)):
        # Definitions under `if TYPE_CHECKING:` or `try: import x` are module level too.
        for child in [*node.body, *getattr(node, "orelse", ()), *getattr(node, "finalbody", ()),
                      *(h for handler in getattr(node, "handlers", ()) for h in handler.body)]:
            yield from _statement_bindings(module, child, resolver)


def _target_names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)


def _import_bindings(module: _Module, node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, tuple]]:
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


def absolute_module(current: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name a (possibly relative) ``from`` import refers to."""
    if not level:
        return name or ""
    package = current if is_package else current.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    return ".".join(part for part in (package, name) if part)


def _collect_class(module: _Module, node: ast.ClassDef, qualname: str, resolver: "_Resolver") -> str:
    key = resolver.define(module, qualname, "class", node.lineno, _signature(node))
    info = resolver.classes[key] = _Class(key=key, module=module, node=node)
    for child in node.body:
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            info.members.setdefault(child.name, resolver.define(
                module, f"{qualname}.{child.name}", "function", child.lineno, _signature(child)))
        elif isinstance(child, ast.ClassDef):
            info.members.setdefault(child.name, _collect_class(module, child, f"{qualname}.{child.name}", resolver))
        elif isinstance(child, (ast.Assign, ast.AnnAssign)):
            for target in (child.targets if isinstance(child, ast.Assign) else [child.target]):
                for name in _target_names(target):
                    info.members.setdefault(name, resolver.define(
                        module, f"{qualname}.{name}", "constant", child.lineno, _signature(child)))
    for method in sorted((c for c in node.body if isinstance(c, (ast.FunctionDef, ast.AsyncFunctionDef))),
                         key=lambda m: m.name != "__init__"):  # __init__ first: its line is the definition
        _collect_attributes(module, info, method, qualname, resolver)
    return key


def _collect_attributes(module: _Module, info: _Class, method: ast.FunctionDef | ast.AsyncFunctionDef,
                        qualname: str, resolver: "_Resolver") -> None:
    """``self.x = ...`` in a method: an instance attribute, typed when the value shows its class."""
    self_name = _self_parameter(method)
    if self_name is None:
        return
    parameters = _parameters(method.args)
    annotations = {a.arg: a.annotation for a in _all_args(method.args) if a.annotation is not None}
    local = resolver.locals_of(method)
    for statement in _walk_statements(method):
        if not isinstance(statement, (ast.Assign, ast.AnnAssign)) or statement.value is None:
            continue
        for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target]):
            if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                    and target.value.id == self_name) or target.attr in info.attributes:
                continue
            info.attributes[target.attr] = resolver.define(
                module, f"{qualname}.{target.attr}", "attribute", statement.lineno,
                _signature(statement))
            value = statement.value
            if isinstance(value, ast.Call):
                info.attribute_types[target.attr] = (value.func, local)
            elif isinstance(value, ast.Name) and value.id in annotations and value.id in parameters:
                info.attribute_types[target.attr] = (annotations[value.id], frozenset())


def _all_args(args: ast.arguments) -> list[ast.arg]:
    return [*args.posonlyargs, *args.args, *args.kwonlyargs,
            *(a for a in (args.vararg, args.kwarg) if a is not None)]


def _parameters(args: ast.arguments) -> set[str]:
    return {a.arg for a in _all_args(args)}


def _self_parameter(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    decorators = {d.id for d in function.decorator_list if isinstance(d, ast.Name)}
    positional = [*function.args.posonlyargs, *function.args.args]
    if "staticmethod" in decorators or "classmethod" in decorators or not positional:
        return None
    return positional[0].arg


def _function_locals(function: ast.AST) -> set[str]:
    """Names a function (or lambda) binds itself: Python's rule, nested scopes left out."""
    names = _parameters(function.args)
    declared: set[str] = set()
    body = function.body if isinstance(function.body, list) else [function.body]
    for node in _own_scope_nodes(body):
        kind = type(node)
        if kind is ast.Name:
            if type(node.ctx) is not ast.Load:  # Store or Del
                names.add(node.id)
        elif kind in _DEFINITIONS:
            names.add(node.name)
        elif kind is ast.Import or kind is ast.ImportFrom:
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif kind is ast.ExceptHandler:
            if node.name:
                names.add(node.name)
        elif kind is ast.Global or kind is ast.Nonlocal:
            declared.update(node.names)
        elif kind is ast.MatchAs and node.name:
            names.add(node.name)
    return names - declared


def _own_scope_nodes(body: Sequence[ast.AST]) -> Iterator[ast.AST]:
    """Every node of ``body`` that belongs to its scope (not inside nested defs, lambdas, comprehensions)."""
    stack = list(body)
    while stack:
        node = stack.pop()
        yield node
        kind = type(node)
        if kind in _DEFINITIONS:
            stack.extend(node.decorator_list)  # decorators and defaults run in this scope
            if kind is not ast.ClassDef:
                stack.extend([*node.args.defaults, *(d for d in node.args.kw_defaults if d)])
            else:
                stack.extend(node.bases)
            continue
        if kind is ast.Lambda:
            continue
        if kind in _COMPREHENSIONS:
            stack.append(node.generators[0].iter)  # the first iterable is evaluated outside
            continue
        _push_children(stack, node)


def _walk_statements(node: ast.AST) -> Iterator[ast.AST]:
    """The statements under ``node`` (nested functions' and classes' included), in the order
    ``ast.walk`` gives them. Only statements can hold statements (through an ``except``
    clause or a ``case`` at most), so leaving the expressions out changes no statement's
    depth or its place among the others; it spares looking at most of the tree."""
    todo = collections.deque([node])
    while todo:
        node = todo.popleft()
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                todo.extend(item for item in value if isinstance(item, _HOLDS_STATEMENTS))
            elif isinstance(value, _HOLDS_STATEMENTS):
                todo.append(value)
        yield node


#: Nodes a statement can sit under: statements, ``except`` clauses and ``case`` blocks.
_HOLDS_STATEMENTS = (ast.stmt, ast.excepthandler, ast.match_case)


def _push_children(stack: list[ast.AST] | collections.deque, node: ast.AST) -> None:
    """``stack.extend(ast.iter_child_nodes(node))``, without a generator per node (the name
    index walks every function's body this way, and ``ast.iter_child_nodes`` was most of it)."""
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, list):
            stack.extend(item for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            stack.append(value)


_DEFINITIONS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
_COMPREHENSIONS = frozenset({ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp})


# --- resolution -------------------------------------------------------------------------------

# A resolved value: what an expression is known to be.
#   ("def", key)       the class/function/constant/attribute with that definition key
#   ("module", name)   a corpus module
#   ("instance", key)  an instance of the class with that key
#   ("local",) / ("external",) / None (unknown)
_LOCAL, _EXTERNAL = ("local",), ("external",)


class _Resolver:
    """The corpus's definitions, and lookups of names in modules and classes."""

    def __init__(self, modules: Mapping[str, _Module]) -> None:
        self.modules = modules
        self.tops = {name.split(".")[0] for name in modules}
        self.definitions: dict[str, Definition] = {}
        self.classes: dict[str, _Class] = {}
        self.references: dict[str, dict[tuple[int, int], int]] = {}
        self.counts = {"linked": 0, "local": 0, "external": 0, "unresolved": 0}
        self._locals: dict[int, frozenset[str]] = {}

    def locals_of(self, function: ast.AST) -> frozenset[str]:
        """:func:`_function_locals`, once per function (collecting and walking both ask)."""
        found = self._locals.get(id(function))
        if found is None:
            found = self._locals[id(function)] = frozenset(_function_locals(function))
        return found

    def define(self, module: _Module, qualname: str, kind: str, line: int, signature: str) -> str:
        key = f"{module.source.id}:{qualname}"
        if key not in self.definitions:
            self.definitions[key] = Definition(number=len(self.definitions), file_id=module.source.id,
                                               section=module.section(line) if line else 0,
                                               qualname=qualname, kind=kind, signature=signature)
        return key

    def record(self, module: _Module, line: int, byte_col: int, value: tuple | None) -> None:
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
        elif value == _LOCAL:
            self.counts["local"] += 1
        elif value == _EXTERNAL or (value is not None and value[0] == "namespace"):
            self.counts["external"] += 1
        else:
            self.counts["unresolved"] += 1

    def find_module(self, name: str) -> str | None:
        """The corpus module an absolute import names; a corpus rooted inside its package
        (``transformers/mha.py`` imported as ``labml_nn.transformers.mha``) is found too."""
        parts = name.split(".")
        if name in self.modules:
            return name
        if parts[0] in self.tops or parts[0] in _NEVER_CORPUS:
            return None
        for start in range(1, len(parts)):
            candidate = ".".join(parts[start:])
            if candidate in self.modules:
                return candidate
        return None

    def module_value(self, name: str) -> tuple:
        """``import a.b``: a corpus module, else a package path that may lead to one (a corpus
        slice without ``a/__init__.py``), else a module from outside the corpus."""
        found = self.find_module(name)
        if found:
            return ("module", found)
        if name.split(".")[0] in _NEVER_CORPUS:
            return _EXTERNAL
        return ("namespace", name)

    def export(self, module_name: str, name: str, seen: frozenset = frozenset()) -> tuple | None:
        """What ``from module import name`` gives: followed through re-exports to the definition."""
        found = self.find_module(module_name)
        if found is None:
            return _EXTERNAL
        if (found, name) in seen:
            return None
        module = self.modules[found]
        binding = module.bindings.get(name)
        if binding is None:
            submodule = self.find_module(f"{found}.{name}")
            return ("module", submodule) if submodule else None
        return self.binding_value(binding, seen | {(found, name)})

    def binding_value(self, binding: tuple, seen: frozenset = frozenset()) -> tuple | None:
        if binding[0] == "def":
            return binding
        if binding[0] == "module":
            return self.module_value(binding[1])
        return self.export(binding[1], binding[2], seen)

    def member(self, class_key: str, name: str, *, instance: bool, seen: frozenset = frozenset()) -> tuple | None:
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
            elif value == _EXTERNAL:
                external_base = True
        # A name from a base outside the corpus (nn.Module.forward...) is not ours.
        return _EXTERNAL if external_base else None

    def attribute_type(self, class_key: str, name: str, seen: frozenset = frozenset()) -> tuple | None:
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
        own = (definition.file_id, definition.section)
        if definition.kind == "attribute":
            class_key, _, name = f"{definition.file_id}:{definition.qualname}".rpartition(".")
            sections = self.classes[class_key].module.source.sections if class_key in self.classes else ()
            commented = (definition.section < len(sections)
                         and sections[definition.section].kind is SectionKind.COMMENT)
            typed = None if commented else self.attribute_type(class_key, name)
            if typed is not None:
                described = self.definitions[typed[1]]
                return replace(definition, notes=(described.file_id, described.section))
        return replace(definition, notes=own)

    def module_level(self, module: _Module, expression: ast.expr) -> tuple | None:
        """An expression evaluated with only module-level names in scope."""
        if isinstance(expression, ast.Name):
            binding = module.bindings.get(expression.id)
            if binding is not None:
                return self.binding_value(binding)
            return _EXTERNAL if expression.id in _BUILTINS else None
        if isinstance(expression, ast.Attribute):
            return self.attribute(self.module_level(module, expression.value), expression.attr)
        if isinstance(expression, ast.Subscript):  # Optional[Cls], list[Cls]: not the class itself
            return None
        return None

    def attribute(self, owner: tuple | None, name: str) -> tuple | None:
        if owner is None or owner == _LOCAL:
            return None
        if owner == _EXTERNAL:
            return _EXTERNAL
        if owner[0] == "module":
            return self.export(owner[1], name)
        if owner[0] == "namespace":
            return self.module_value(f"{owner[1]}.{name}")
        if owner[0] == "def" and owner[1] in self.classes:
            return self.member(owner[1], name, instance=False)
        if owner[0] == "instance":
            return self.member(owner[1], name, instance=True)
        return None

    def index(self, skipped: tuple[str, ...]) -> NameIndex:
        return NameIndex(definitions=tuple(self._described(d) for d in self.definitions.values()),
                         references={k: dict(v) for k, v in self.references.items()},
                         stats=NameStats(**self.counts, files_skipped=skipped))


@dataclass(slots=True)
class _Scope:
    kind: str
    """``module``, ``class`` or ``function``."""
    locals: frozenset[str] = frozenset()
    definitions: Mapping[str, str] = field(default_factory=dict)
    """A class body's members (name -> definition key): seen from the body itself only, as in Python."""
    self_name: str | None = None
    class_key: str | None = None


class _Walker(ast.NodeVisitor):
    """Visits one module, resolving every identifier with the scopes around it."""

    def __init__(self, module: _Module, resolver: _Resolver) -> None:
        self.module, self.resolver = module, resolver
        self.scopes: list[_Scope] = [_Scope("module")]
        self.qualname: list[str] = []
        self.values: dict[int, tuple | None] = {}
        self.types: dict[int, tuple] = {}
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

    _methods: dict[type, Callable] = {}

    # -- scopes --

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for child in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(child)
        qualname = ".".join([*self.qualname, node.name])
        key = f"{self.module.source.id}:{qualname}"
        self._record_definition(node, node.name, key)
        members = self.resolver.classes[key].members if key in self.resolver.classes else {}
        self._enter(_Scope("class", frozenset(), members, class_key=key), node.name, node.body)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for child in [*node.decorator_list, *node.args.defaults, *(d for d in node.args.kw_defaults if d)]:
            self.visit(child)
        for argument in _all_args(node.args):
            if argument.annotation is not None:
                self.visit(argument.annotation)
        if node.returns is not None:
            self.visit(node.returns)
        qualname = ".".join([*self.qualname, node.name])
        self._record_definition(node, node.name, f"{self.module.source.id}:{qualname}")
        enclosing = self.scopes[-1]
        self_name = _self_parameter(node) if enclosing.kind == "class" else None
        self._enter(_Scope("function", self.resolver.locals_of(node), {},
                           self_name=self_name, class_key=enclosing.class_key if self_name else None),
                    node.name, node.body)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for child in [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]:
            self.visit(child)
        self.scopes.append(_Scope("function", frozenset(_parameters(node.args))))
        self.visit(node.body)
        self.scopes.pop()

    def _comprehension(self, node: ast.AST) -> None:
        generators = node.generators
        self.visit(generators[0].iter)
        names = frozenset(n for g in generators for n in _target_names_deep(g.target))
        self.scopes.append(_Scope("function", names))
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

    def _enter(self, scope: _Scope, name: str, body: Sequence[ast.stmt]) -> None:
        self.scopes.append(scope)
        self.qualname.append(name)
        for statement in body:
            self.visit(statement)
        self.qualname.pop()
        self.scopes.pop()

    def _record_definition(self, node: ast.AST, name: str, key: str) -> None:
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
                             _LOCAL if value and value[0] == "instance" else value)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.visit(node.value)
        value = self.value(node)
        start = node.end_col_offset - len(node.attr.encode("utf-8"))
        self.resolver.record(self.module, node.end_lineno, start, value)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._record_module_path(alias.lineno, alias.col_offset, alias.name)
        if len(self.scopes) > 1:
            return  # an import inside a function binds a local
        for alias in node.names:
            if alias.asname:
                value = self.resolver.module_value(alias.name)
                self.resolver.record(self.module, alias.end_lineno,
                                     alias.end_col_offset - len(alias.asname.encode()), value)

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
                self.resolver.record(self.module, alias.end_lineno,
                                     alias.end_col_offset - len(alias.asname.encode()), value)

    def _record_module_path(self, line: int, byte_col: int, dotted: str, prefix: str = "") -> None:
        """Each part of ``a.b.c`` in an import links to that module (or package) of the corpus."""
        parts = dotted.split(".")
        for count, part in enumerate(parts, start=1):
            path = ".".join(p for p in (prefix, *parts[:count]) if p)
            self.resolver.record(self.module, line, byte_col, self.resolver.module_value(path))
            byte_col += len(part.encode("utf-8")) + 1

    def value(self, node: ast.expr) -> tuple | None:
        """What ``node`` is, memoised: chains like ``self.a.b.c`` are resolved once."""
        known = self.values.get(id(node), False)
        if known is not False:
            return known
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

    def _attribute_value(self, node: ast.Attribute) -> tuple | None:
        owner = self.value(node.value)
        owner = self.types.get(id(node.value), owner)  # self.x typed by __init__: look up in its class
        result = self.resolver.attribute(owner, node.attr)
        if owner and owner[0] == "instance" and result and result[0] == "def":
            typed = self.resolver.attribute_type(owner[1], node.attr)
            if typed is not None:
                self.types[id(node)] = typed
        return result

    def _name_value(self, name: str) -> tuple | None:
        innermost = True
        for scope in reversed(self.scopes):
            if scope.kind == "function":
                if name == scope.self_name and scope.class_key:
                    return ("instance", scope.class_key)
                if name in scope.locals:
                    return _LOCAL
            elif scope.kind == "class":
                if innermost and name in scope.definitions:
                    return ("def", scope.definitions[name])
            else:
                binding = self.module.bindings.get(name)
                if binding is not None:
                    return self.resolver.binding_value(binding)
            innermost = False
        return _EXTERNAL if name in _BUILTINS else None


def _target_names_deep(target: ast.expr) -> Iterator[str]:
    for node in ast.walk(target):
        if isinstance(node, ast.Name):
            yield node.id

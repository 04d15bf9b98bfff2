"""Scopes in Python's ``ast``: which names a function binds, which nodes are its own, its statements.

Helpers of the name stage shared by collecting definitions and walking references: Python's
own scoping rules (parameters, assignments, imports, ``global``/``nonlocal``; nested defs,
lambdas and comprehensions are scopes of their own) read from a tree. They only read trees:
they must not resolve names or know the corpus.
"""

from __future__ import annotations

import ast
import collections
from collections.abc import Iterator, Sequence
from typing import Any


def target_names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from target_names(element)



def all_args(args: ast.arguments) -> list[ast.arg]:
    return [*args.posonlyargs, *args.args, *args.kwonlyargs,
            *(a for a in (args.vararg, args.kwarg) if a is not None)]


def parameter_names(args: ast.arguments) -> set[str]:
    return {a.arg for a in all_args(args)}


def self_parameter(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    decorators = {d.id for d in function.decorator_list if isinstance(d, ast.Name)}
    positional = [*function.args.posonlyargs, *function.args.args]
    if "staticmethod" in decorators or "classmethod" in decorators or not positional:
        return None
    return positional[0].arg


def function_locals(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> set[str]:
    """Names a function (or lambda) binds itself: Python's rule, nested scopes left out."""
    names = parameter_names(function.args)
    declared: set[str] = set()
    body: list[ast.AST] = list(function.body) if isinstance(function.body, list) else [function.body]
    # Dispatched on type(node), faster here than isinstance; the checker cannot narrow that.
    node: Any
    for node in own_scope_nodes(body):
        kind = type(node)
        if kind is ast.Name:
            if type(node.ctx) is not ast.Load:  # Store or Del
                names.add(node.id)
        elif kind in DEFINITIONS:
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


def own_scope_nodes(body: Sequence[ast.AST]) -> Iterator[ast.AST]:
    """Every node of ``body`` that belongs to its scope (not inside nested defs, lambdas, comprehensions)."""
    stack: list[Any] = list(body)  # dispatched on type(node), as in function_locals
    while stack:
        node = stack.pop()
        yield node
        kind = type(node)
        if kind in DEFINITIONS:
            stack.extend(node.decorator_list)  # decorators and defaults run in this scope
            if kind is not ast.ClassDef:
                stack.extend([*node.args.defaults, *(d for d in node.args.kw_defaults if d)])
            else:
                stack.extend(node.bases)
            continue
        if kind is ast.Lambda:
            continue
        if kind in COMPREHENSIONS:
            stack.append(node.generators[0].iter)  # the first iterable is evaluated outside
            continue
        push_children(stack, node)


def walk_statements(node: ast.AST) -> Iterator[ast.AST]:
    """The statements under ``node`` (nested functions' and classes' included), in the order
    ``ast.walk`` gives them. Only statements can hold statements (through an ``except``
    clause or a ``case`` at most), so leaving the expressions out changes no statement's
    depth or its place among the others; it spares looking at most of the tree."""
    todo: collections.deque[ast.AST] = collections.deque([node])
    while todo:
        node = todo.popleft()
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                todo.extend(item for item in value if isinstance(item, HOLDS_STATEMENTS))
            elif isinstance(value, HOLDS_STATEMENTS):
                todo.append(value)
        yield node


#: Nodes a statement can sit under: statements, ``except`` clauses and ``case`` blocks.
HOLDS_STATEMENTS = (ast.stmt, ast.excepthandler, ast.match_case)


def push_children(stack: list[Any] | collections.deque[ast.AST], node: ast.AST) -> None:
    """``stack.extend(ast.iter_child_nodes(node))``, without a generator per node (the name
    index walks every function's body this way, and ``ast.iter_child_nodes`` was most of it)."""
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, list):
            stack.extend(item for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            stack.append(value)


DEFINITIONS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
COMPREHENSIONS = frozenset({ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp})


def target_names_deep(target: ast.expr) -> Iterator[str]:
    for node in ast.walk(target):
        if isinstance(node, ast.Name):
            yield node.id

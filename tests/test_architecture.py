"""The core imports neither MkDocs nor click: only the adapters may (checked on the source with ast)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import site_builder

PACKAGE = Path(site_builder.__file__).parent
MODULES = sorted(PACKAGE.glob("*.py"))
MKDOCS_ADAPTERS = {"mkdocs_plugin.py", "mkdocs_build.py"}
CLICK_ADAPTERS = {"cli.py"}


def imported_names(tree: ast.AST, *, top_level_only: bool = False) -> set[str]:
    """Absolute module names imported (``from .x import`` counts as ``site_builder.x``)."""
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                names.add(f"site_builder.{module}" if module else "site_builder")
                names.update(f"site_builder.{alias.name}" for alias in node.names if not module)
            else:
                names.add(module)
    return names


def imports_of(path: Path, **kwargs) -> set[str]:
    return imported_names(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), **kwargs)


def top(name: str) -> str:
    return name.split(".")[0]


def test_the_package_has_the_adapters_and_core_modules():
    names = {path.name for path in MODULES}
    assert MKDOCS_ADAPTERS | CLICK_ADAPTERS | {"page.py", "site.py", "model.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_only_the_mkdocs_adapters_import_mkdocs(path):
    if path.name in MKDOCS_ADAPTERS:
        return
    assert not {name for name in imports_of(path) if top(name) in ("mkdocs", "material")}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_only_the_cli_imports_click(path):
    if path.name in CLICK_ADAPTERS:
        return
    assert not {name for name in imports_of(path) if top(name) == "click"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_the_core_does_not_reach_mkdocs_through_the_adapters(path):
    if path.name in MKDOCS_ADAPTERS | CLICK_ADAPTERS:
        return
    adapters = {f"site_builder.{name[:-3]}" for name in MKDOCS_ADAPTERS}
    assert not imports_of(path) & adapters


def test_cli_imports_the_mkdocs_driver_only_inside_its_runners():
    cli = PACKAGE / "cli.py"
    assert not {name for name in imports_of(cli, top_level_only=True)
                if top(name) == "mkdocs" or name.startswith("site_builder.mkdocs")}


def test_importing_the_cli_does_not_load_mkdocs():
    code = "import sys, site_builder.cli; print(sorted(m for m in sys.modules if m.split('.')[0] == 'mkdocs'))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "[]"

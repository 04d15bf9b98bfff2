"""The layer map, checked on the source with ast: imports point down, never round, MkDocs in one folder.

Every module of ``site_builder`` and ``capsule_networks`` is parsed (imports inside functions
count as much as module-level ones), so a lazy import cannot hide a cycle or an upward arrow.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {"site_builder": ROOT / "site_builder", "capsule_networks": ROOT / "src" / "capsule_networks"}

#: site_builder's layers, lowest first. A module may import its own layer or any lower one.
LAYERS = (
    ("site_builder.model", "site_builder.errors", "site_builder.config", "site_builder.fileio",
     "site_builder.parallel", "site_builder.cache"),
    ("site_builder.source",),
    ("site_builder.render",),
    ("site_builder.catalog",),
    ("site_builder.names",),
    ("site_builder.translators",),
    ("site_builder.site",),
    ("site_builder.adapters",),
)
#: The public API re-exports the layers below the adapters; nothing inside imports it.
PUBLIC_API = "site_builder"
MKDOCS_FOLDER = "site_builder.adapters.mkdocs"


def module_name(path: Path, package: str) -> str:
    parts = path.relative_to(PACKAGES[package]).with_suffix("").parts
    parts = parts[:-1] if parts[-1] == "__init__" else parts
    return ".".join((package, *parts))


def all_modules() -> dict[str, Path]:
    return {module_name(path, package): path
            for package, folder in PACKAGES.items() for path in sorted(folder.rglob("*.py"))}


MODULES = all_modules()


def imports_of(name: str, *, top_level_only: bool = False) -> set[str]:
    """Absolute module names imported by ``name``; ``from x import y`` also yields ``x.y``."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in (tree.body if top_level_only else ast.walk(tree)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            module = (f"{base}.{node.module}" if node.module else base) if node.level else node.module
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def internal_imports(name: str) -> set[str]:
    """The project's own modules that ``name`` imports (names that are not modules dropped)."""
    return {imported for imported in imports_of(name) if imported in MODULES and imported != name}


def layer_of(name: str) -> int:
    for index, prefixes in enumerate(LAYERS):
        if any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes):
            return index
    raise AssertionError(f"{name} is in no layer of the map: add it to LAYERS")


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph as a path that starts and ends at the same module, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_find_cycle_finds_a_cycle_and_accepts_a_dag():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle_anywhere_function_level_imports_included():
    graph = {name: internal_imports(name) for name in MODULES}
    # A package's __init__ importing its own submodules is how Python loads it, not a cycle of design.
    graph = {name: {dep for dep in deps if not name.startswith(dep + ".")} for name, deps in graph.items()}
    assert find_cycle(graph) is None


@pytest.mark.parametrize("name", [n for n in MODULES if n.startswith("site_builder.") and
                                  not n.endswith("__init__")] + ["site_builder.source"])
def test_imports_point_down_the_layer_map(name):
    mine = layer_of(name)
    upward = sorted(dep for dep in internal_imports(name)
                    if dep != PUBLIC_API and dep.startswith("site_builder") and layer_of(dep) > mine)
    assert not upward, f"{name} (layer {mine}) imports upward: {upward}"


def test_the_public_api_reexports_only_the_floors_below_the_adapters():
    exported = {dep for dep in internal_imports(PUBLIC_API) if dep.startswith("site_builder.")}
    assert exported and all(layer_of(dep) < layer_of("site_builder.adapters") for dep in exported), exported


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n != PUBLIC_API))
def test_nothing_inside_imports_the_public_api(name):
    assert PUBLIC_API not in internal_imports(name) | {i for i in imports_of(name) if i == PUBLIC_API}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_only_the_mkdocs_adapter_folder_imports_mkdocs_or_material(name):
    if name == MKDOCS_FOLDER or name.startswith(MKDOCS_FOLDER + "."):
        return
    third_party = {imported.split(".")[0] for imported in imports_of(name)}
    assert not third_party & {"mkdocs", "material"}, name


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("site_builder")))
def test_the_generator_never_imports_torch_or_the_tutorial(name):
    third_party = {imported.split(".")[0] for imported in imports_of(name)}
    assert not third_party & {"torch", "numpy", "capsule_networks", "mlxtend", "PIL"}, name


def test_every_stage_has_its_folder():
    folders = {path.parent.name for path in MODULES.values() if path.parent != PACKAGES["site_builder"]}
    assert {"source", "render", "catalog", "names", "site", "translators", "fixes", "workbench", "adapters",
            "mkdocs"} <= folders


def test_importing_the_cli_does_not_load_mkdocs():
    code = ("import sys, site_builder.adapters.cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material')))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "[]"


def test_importing_the_generator_does_not_load_torch():
    code = "import sys, site_builder, site_builder.adapters.cli; print('torch' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "False"


def test_every_module_is_small_and_the_plugin_is_thin_wiring():
    sizes = {path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
             for path in sorted((ROOT / "site_builder").rglob("*.py"))}
    assert {name: size for name, size in sizes.items() if size > 600} == {}
    assert sizes["site_builder/adapters/mkdocs/plugin.py"] <= 400

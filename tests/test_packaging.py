"""What the package declares (pyproject.toml) and what ./dev prints: the generator installs without
PyTorch, the capsule network comes as the `capsnet` extra, and ./dev explains itself."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CAPSNET_DISTRIBUTIONS = {"torch", "numpy", "mlxtend", "pillow", "tqdm"}


@pytest.fixture(scope="module")
def project() -> dict:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def names(requirements: list[str]) -> set[str]:
    """Distribution names of requirement strings, lower-cased: "torch>=2.1" -> "torch"."""
    return {re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower() for requirement in requirements}


def test_the_generator_depends_on_nothing_the_capsule_network_needs(project):
    assert not names(project["dependencies"]) & CAPSNET_DISTRIBUTIONS
    assert {"mkdocs", "mkdocs-material"} <= names(project["dependencies"])


def test_the_capsnet_extra_holds_the_capsule_networks_dependencies(project):
    assert names(project["optional-dependencies"]["capsnet"]) == CAPSNET_DISTRIBUTIONS


def test_the_capsnet_commands_start_from_the_launcher_that_checks_the_extra(project):
    scripts = project["scripts"]
    assert scripts["capsnet-train"] == "capsnet_launch:train"
    assert scripts["capsnet-eval"] == "capsnet_launch:evaluate"
    launcher = (ROOT / "launch" / "capsnet_launch.py").read_text(encoding="utf-8")
    assert not re.search(r"(?m)^\s*(import|from)\s+(torch|numpy|capsule_networks)\b", launcher)


@pytest.mark.parametrize("args, code", [([], 2), (["nonsense"], 2), (["--help"], 0)])
def test_dev_prints_its_usage_without_its_own_source(args, code):
    result = subprocess.run(["bash", str(ROOT / "dev"), *args], capture_output=True, text=True,
                            timeout=30, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == code
    text = result.stdout + result.stderr
    assert text.splitlines()[0 if not args or code == 0 else 1] == "usage: ./dev COMMAND [ARGS...]"
    assert {"serve", "build", "test", "train"} <= set(re.findall(r"(?m)^  (\w+) ", text))
    assert "set -e" not in text
    if args == ["nonsense"]:
        assert text.startswith("./dev: unknown command 'nonsense'")


@pytest.mark.parametrize("module", sorted((ROOT / "src" / "capsule_networks").glob("*.py")),
                         ids=lambda path: path.stem)
def test_the_tutorial_never_imports_the_generator(module):
    # The capsule network is content: it must run where only the capsnet extra is installed
    tree = ast.parse(module.read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] == "site_builder"}

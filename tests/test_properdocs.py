"""ProperDocs, the maintained fork of MkDocs 1.6, runs the plugin: `properdocs build` of this
project's site writes the same files as `mkdocs build`, apart from the generator tag."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("properdocs")
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def _project(target: Path) -> Path:
    """A copy of this project's site inputs (each build gets its own, and its own build cache)."""
    for folder in ("src", "translations", "docs"):
        shutil.copytree(ROOT / folder, target / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pt"))
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    return target


def _build(engine: str, project: Path) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", engine, "build", "-f", "mkdocs.yml", "-d", "out"],
                            cwd=project, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    site = project / "out"
    tree = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":  # the gzip header carries a time, the content is what matters
            data = gzip.decompress(data)
        tree[path.relative_to(site).as_posix()] = GENERATOR.sub(b"<meta generator>", data)
    return tree


def test_properdocs_builds_the_same_site_as_mkdocs(tmp_path):
    mkdocs = _build("mkdocs", _project(tmp_path / "mkdocs"))
    properdocs = _build("properdocs", _project(tmp_path / "properdocs"))
    assert "capsule_networks/model.html" in mkdocs and "ja/capsule_networks/model.html" in mkdocs
    assert sorted(properdocs) == sorted(mkdocs)
    assert [name for name in mkdocs if properdocs[name] != mkdocs[name]] == []

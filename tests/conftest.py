"""Fixtures shared by every test module.

* ``write_corpus(tmp_path, {"pkg/mod.py": "..."})`` writes small source trees (the idea of
  MkDocs' ``@tempdir(files=...)``): it returns the root, so a test reads as its input.
* ``seed_path``: the seed translation cache the project started from.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable, Mapping

import pytest

_SEED_NAME = "capsule_networks.__init__.ja.json"
#: Where the shared seed cache lives: ``shared/`` beside the repository (CI lays a copy of
#: it beside its clone too), else the folder the project was started in.
SEED_CANDIDATES = (
    Path(__file__).resolve().parents[2] / "shared" / "seed" / _SEED_NAME,
    Path("/work/shared/seed") / _SEED_NAME,
)
#: A copy kept with the tests, for machines where neither is there.
SEED_COPY = Path(__file__).parent / "data" / "seed_capsule_networks.__init__.ja.json"


def write_corpus(root: Path, files: Mapping[str, str | bytes], *, dedent: bool = True) -> Path:
    """Write ``files`` (relative path -> text or bytes) under ``root`` and return ``root``.

    Text is dedented (so tests can indent it with the code around it) and written as
    UTF-8 with ``\\n`` line endings; bytes are written as they are.
    """
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            text = textwrap.dedent(content) if dedent else content
            path.write_bytes(text.encode("utf-8"))
    return root


@pytest.fixture(name="write_corpus")
def write_corpus_fixture() -> Callable[..., Path]:
    """The :func:`write_corpus` helper, as a fixture."""
    return write_corpus


@pytest.fixture
def seed_path() -> Path:
    """Path of the seed cache (``capsule_networks/__init__`` in Japanese)."""
    return next((path for path in SEED_CANDIDATES if path.exists()), SEED_COPY)

"""Write small source trees for a test (the idea of MkDocs' ``@tempdir(files=...)``)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path


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

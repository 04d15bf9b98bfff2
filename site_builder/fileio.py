"""Writing files so that a reader never sees half of one.

Every file the tools write goes through :func:`write_atomic`: the bytes go to a temporary
file in the same folder, are flushed to disk, and the temporary file is renamed over the
target. A run killed at any moment leaves either the old file or the new one, never a mix.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes | str, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically (str is written as UTF-8), creating folders.

    ``durable=False`` skips the flush to disk (still atomic: readers see the old file or the
    new one), for files that are only ever regenerated, like build cache entries and
    generated site files, where a flush per file would dominate a large build."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(payload)
            tmp.flush()
            if durable:
                os.fsync(tmp.fileno())
        if path.exists():
            os.chmod(tmp_name, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise

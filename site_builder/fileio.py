"""Writing files so that a reader never sees half of one.

Every file the tools write goes through :func:`write_atomic`: the bytes go to a temporary
file in the same folder, are flushed to disk, and the temporary file is renamed over the
target. A run killed at any moment leaves either the old file or the new one, never a mix.
Writers of files that people also edit (translation caches) take :func:`locked`, one lock per
file shared by every process, and replace with :func:`replace_if_unchanged`, which compares the
file again right before the rename, so no writer overwrites a change it has not seen.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import filelock

from site_builder.errors import Location, SiteBuilderError


def write_atomic(path: Path, data: bytes | str, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically (str is written as UTF-8), creating folders.

    ``durable=False`` skips the flush to disk (still atomic: readers see the old file or the
    new one), for files that are only ever regenerated, like build cache entries and
    generated site files, where a flush per file would dominate a large build."""
    tmp_name = _staged(path, data, durable=durable)
    try:
        os.chmod(tmp_name, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _staged(path: Path, data: bytes | str, *, durable: bool) -> str:
    """``data`` written to a new temporary file beside ``path`` (flushed to disk if ``durable``),
    ready to be renamed over it; its name. Nothing is left behind if writing fails."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(payload)
            tmp.flush()
            if durable:
                os.fsync(tmp.fileno())
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return tmp_name


#: How long a writer waits for another writer of the same file before giving up.
LOCK_TIMEOUT = 20.0


_held = threading.local()


class FileBusy(SiteBuilderError):
    """Another writer held a file's lock for longer than :data:`LOCK_TIMEOUT` (or kept changing it)."""

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message, location=Location(path) if path is not None else None,
                         hint="wait for the other writer (another site-builder command or the workbench) "
                              "to finish, then run again")


def lock_path(path: Path) -> Path:
    """The lock file of ``path``: in a per-user folder of the temporary directory, never in the
    project, so no stray file appears beside the translations (status, git and the site never
    see one). Keyed by the file's real path, so every writer of one file on this machine,
    whatever its working directory or spelling of the path, takes the same lock."""
    folder = Path(tempfile.gettempdir()) / f"site-builder-locks-{os.getuid() if hasattr(os, 'getuid') else 0}"
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.lstat()
    if not os.path.isdir(folder) or folder.is_symlink() or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
        raise FileBusy(f"{folder} is not a folder of this user's; remove it so writers can lock files")
    real = os.path.realpath(path)
    return folder / (hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:40] + ".lock")


@contextlib.contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the one lock of ``path`` (a :mod:`filelock` lock, also across processes) inside the block.

    Raises:
        FileBusy: another writer kept it for ``timeout`` seconds.
    """
    where = lock_path(path)
    held = _held.__dict__.setdefault("paths", set())
    if where in held:  # this thread holds it already (a writer calling a writer)
        yield
        return
    lock = filelock.FileLock(str(where), timeout=timeout, thread_local=False)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise FileBusy(f"another writer has held this file for {timeout:.0f} s", path=path) from None
    held.add(where)
    try:
        yield
    finally:
        held.discard(where)
        lock.release()


def read_bytes_or_none(path: Path) -> bytes | None:
    """The file's bytes; None when it does not exist."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def replace_if_unchanged(path: Path, data: bytes | str, expected: bytes | None) -> bool:
    """Like :func:`write_atomic`, but only while ``path`` still holds ``expected`` (None: absent).

    The bytes are written and flushed first; the file is compared again right before the
    rename, so a writer that does not take :func:`locked` (an editor, a script) has the
    shortest window; its change is never overwritten knowingly. False when it changed.
    """
    tmp_name = _staged(path, data, durable=True)
    try:
        if read_bytes_or_none(path) != expected:
            Path(tmp_name).unlink(missing_ok=True)
            return False
        os.chmod(tmp_name, path.stat().st_mode & 0o777 if expected is not None and path.exists() else 0o644)
        os.replace(tmp_name, path)
        return True
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise

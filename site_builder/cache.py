"""Build cache: (kind, inputs) -> a stored value, in a folder that is safe to delete and unsafe to trust.

Work whose result depends only on its inputs (a rendered page, compiled templates, split units,
jieba's word table) is stored under a key made from those inputs *and* from the versions of the
tool and of every library that shapes the result: a new version of any of them is a different
key, so a stale value is never read, only left behind. Keys are a digest of a canonical, typed
encoding of the inputs (:func:`canonical`: sets and mappings sorted, every value tagged with its
type), so they are the same in every process whatever ``PYTHONHASHSEED`` is.

The folder is not trusted: a shared CI cache or another user may have written it. Each entry is
``MAGIC + HMAC-SHA256(key name + payload) + payload`` under a per-user secret kept outside every
cache folder (:func:`secret_path`, mode 0600). The tag is checked before a byte of the payload is
decoded, so a rewritten, truncated, swapped or foreign entry is a miss (rebuilt, with a warning),
and the payload is then unpickled by an unpickler that can only make plain containers and this
package's dataclasses and enums. A cache that cannot be written (read-only, full disk) is one
warning and the build goes on without it. The folder is kept under a size bound by evicting the
least recently used entries. This module stores bytes: it must not render anything or know what a
page is.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import hmac
import io
import logging
import os
import pickle
import re
import secrets
import sys
from collections.abc import Iterator
from functools import lru_cache
from importlib import metadata
from pathlib import Path, PurePath
from typing import Any

from site_builder.fileio import write_atomic

#: Libraries whose version is part of every key (their output is part of what is cached).
DEPENDENCIES = ("annotated-site-builder", "latex2mathml", "pygments", "markdown", "nh3", "jinja2", "mkdocs",
                "mkdocs-material", "pymdown-extensions", "griffe", "jieba")
#: Bump when the layout of what is stored changes.
FORMAT = 2
CACHE_FOLDER = Path(".cache") / "site_builder"
#: First bytes of every entry: the format, so an entry of another layout is a miss, not a puzzle.
MAGIC = b"SBC2"
SUFFIX = ".entry"
_TAG = 32  # bytes of an HMAC-SHA256
#: The names of entries (and of the temporary files ``write_atomic`` leaves if interrupted).
_ENTRY_NAME = re.compile(r"^(?:[0-9a-f]{64}\.(?:entry|pickle)|\.[0-9a-f]{64}\.(?:entry|pickle)\.[^/]*\.tmp)$")
#: The size bound when neither the caller nor ``SITE_BUILDER_CACHE_MAX_MB`` says otherwise.
DEFAULT_MAX_MB = 500

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def versions() -> tuple[tuple[str, str], ...]:
    """(distribution, version) of the tool, its rendering dependencies, and Python."""
    found = []
    for name in DEPENDENCIES:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, ""))
    return (("python", sys.version), ("format", str(FORMAT)), ("tool", _tool_files()), *found)


def _tool_files() -> str:
    """A digest of the package's own files (size, mtime): a tool edited in place, without a
    new version number (a checkout being worked on), still makes new keys."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            stat = path.stat()
            digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


# --- keys --------------------------------------------------------------------------------------

def canonical(value: Any) -> bytes:
    """A byte encoding of ``value`` that equal values share in every process.

    Each value is tagged with its type and length-prefixed (``1`` and ``"1"`` and ``True`` differ,
    and no two sequences run together); sets and mappings are sorted by their encoded members,
    so neither hash randomisation nor insertion order reaches a key. Dataclasses are encoded
    field by field under their qualified name, enums by name. Anything else falls back to its
    pickle, which is stable for the plain values it would be (and fails loudly for the rest)."""
    out = io.BytesIO()
    _encode(value, out.write)
    return out.getvalue()


def _frame(tag: bytes, body: bytes, write: Any) -> None:
    write(tag + len(body).to_bytes(8, "little") + body)


def _encode(value: Any, write: Any) -> None:
    kind = type(value)
    if kind is str:
        _frame(b"s", value.encode("utf-8", "surrogatepass"), write)
    elif value is None or kind is bool:
        write(b"N" if value is None else (b"T" if value else b"F"))
    elif kind is int:
        _frame(b"i", str(value).encode(), write)
    elif kind is float:
        _frame(b"f", value.hex().encode(), write)
    elif kind is bytes:
        _frame(b"b", value, write)
    elif kind is tuple or kind is list:
        write((b"t" if kind is tuple else b"l") + len(value).to_bytes(8, "little"))
        for item in value:
            _encode(item, write)
    elif isinstance(value, (set, frozenset)):
        _sorted(b"S", (canonical(item) for item in value), write)
    elif isinstance(value, dict) or _is_mapping(value):
        _sorted(b"d", (canonical(k) + canonical(v) for k, v in value.items()), write)
    elif isinstance(value, enum.Enum):
        _frame(b"e", f"{kind.__module__}.{kind.__qualname__}.{value.name}".encode(), write)
    elif isinstance(value, PurePath):
        _frame(b"p", f"{kind.__name__}:{value}".encode("utf-8", "surrogateescape"), write)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _frame(b"D", f"{kind.__module__}.{kind.__qualname__}".encode(), write)
        for item in dataclasses.fields(value):
            _frame(b"n", item.name.encode(), write)
            _encode(getattr(value, item.name), write)
        write(b".")
    else:
        _frame(b"P", pickle.dumps(value, protocol=5), write)


def _is_mapping(value: Any) -> bool:
    return callable(getattr(value, "items", None)) and callable(getattr(value, "keys", None)) \
        and hasattr(value, "__getitem__")


def _sorted(tag: bytes, members: Iterator[bytes], write: Any) -> None:
    encoded = sorted(members)
    write(tag + len(encoded).to_bytes(8, "little"))
    for member in encoded:
        write(member)


# --- the per-user secret -----------------------------------------------------------------------

def secret_path() -> Path:
    """Where the key that signs cache entries lives: ``$SITE_BUILDER_CACHE_KEY``, else
    ``$XDG_CONFIG_HOME/site_builder/cache.key``, else ``~/.config/site_builder/cache.key``.
    Outside every cache folder, so whoever can write a cache cannot sign for it."""
    if os.environ.get("SITE_BUILDER_CACHE_KEY"):
        return Path(os.environ["SITE_BUILDER_CACHE_KEY"])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "site_builder" / "cache.key"


_secrets: dict[Path, bytes] = {}


def load_secret(path: Path | None = None) -> bytes:
    """The signing key at ``path`` (default :func:`secret_path`), made on first use.

    Made atomically: 32 random bytes are written to a private temporary file (0600) that is
    then hard-linked to its name, which fails if another process got there first; both then
    read the one that won. Raises OSError when it cannot be made or read, and PermissionError
    when it is not the user's own or others may read it (then it is no secret)."""
    path = path or secret_path()
    if path in _secrets:
        return _secrets[path]
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(32))
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    stat = path.stat()
    if (hasattr(os, "getuid") and stat.st_uid != os.getuid()) or stat.st_mode & 0o077:
        raise PermissionError(f"{path}: the cache key must belong to you with mode 0600 "
                              f"(run `chmod 600 {path}`, or delete it to make a new one)")
    key = path.read_bytes()
    if len(key) < 16:
        raise PermissionError(f"{path}: the cache key is too short; delete it to make a new one")
    _secrets[path] = key
    return key


# --- reading a signed entry --------------------------------------------------------------------

#: What an authenticated payload may still build: plain containers, paths, and the package's
#: own dataclasses and enums (a second wall, should the key ever leak).
_SAFE_GLOBALS = {("builtins", name) for name in
                 ("set", "frozenset", "dict", "list", "tuple", "str", "bytes", "bytearray", "int",
                  "float", "complex", "bool")} | \
                {("pathlib", name) for name in ("Path", "PosixPath", "WindowsPath", "PurePath",
                                                "PurePosixPath", "PureWindowsPath")}


class _DataUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        if module == "site_builder" or module.startswith("site_builder."):
            found = super().find_class(module, name)
            if isinstance(found, type) and (dataclasses.is_dataclass(found) or issubclass(found, enum.Enum)):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} may not be read from a cache")


def _decode(payload: bytes) -> Any:
    return _DataUnpickler(io.BytesIO(payload)).load()


class BuildCache:
    """A folder of cached values; ``folder=None`` is a cache that stores nothing.

    ``max_bytes``: the size the folder is kept under (default ``$SITE_BUILDER_CACHE_MAX_MB``
    MB, else :data:`DEFAULT_MAX_MB`); ``secret``: where the signing key lives (tests)."""

    def __init__(self, folder: Path | None, *, max_bytes: int | None = None,
                 secret: Path | None = None) -> None:
        self.folder = folder
        self.hits = self.misses = self.rejected = 0
        self.max_bytes = max_bytes if max_bytes is not None else max_size_from_environment()
        self._secret_path = secret
        self._key: bytes | None = None
        self._disabled = False
        self._size: int | None = None  # bytes in the folder, counted at the first write

    def key(self, kind: str, *inputs: Any) -> str:
        """A key for ``inputs`` under ``kind``, versions included: the same in every process."""
        digest = hashlib.sha256(canonical((kind, versions())))
        for value in inputs:
            digest.update(canonical(value))
        return f"{kind}/{digest.hexdigest()}"

    def path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{key}{SUFFIX}"

    def get(self, key: str) -> Any:
        """The value stored under ``key``, or None (absent, unauthentic, or unreadable)."""
        secret = self._secret()
        if secret is None:
            return None
        path = self.path(key)
        try:
            data = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        if not self._authentic(secret, key, data):
            self.misses += 1
            self.rejected += 1
            log.warning("%s: a build cache entry that this user did not write (altered, truncated "
                        "or foreign) was ignored and is rebuilt; `site-builder cache clear` empties "
                        "the cache", path)
            return None
        try:
            value = _decode(data[len(MAGIC) + _TAG:])
        except Exception:
            self.misses += 1
            return None
        self.hits += 1
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: the last to be evicted
        return value

    def has(self, key: str) -> bool:
        """Whether an entry is stored under ``key`` (not read: it may still turn out unreadable)."""
        if self.folder is None or self._disabled:
            return False
        try:
            return self.path(key).is_file()
        except OSError:  # a folder this user may not read: as good as absent
            return False

    def put(self, key: str, value: Any) -> None:
        secret = self._secret()
        if secret is None:
            return
        payload = pickle.dumps(value, protocol=5)
        data = MAGIC + _sign(secret, key, payload) + payload
        path = self.path(key)
        if self.folder.is_symlink() or path.parent.is_symlink():  # type: ignore[union-attr]
            self._give_up(f"{path.parent}: a symbolic link in the build cache; the build goes on "
                          "without the cache (remove the link to use it again)")
            return
        try:
            # Not flushed to disk: an entry lost to a crash is only a miss (and a torn one
            # fails its tag, so it is a miss too).
            write_atomic(path, data, durable=False)
        except OSError as err:
            self._give_up(f"{self.folder}: the build cache cannot be written ({err.strerror or err}); "
                          "the build goes on without it")
            return
        self._grew(len(data))

    def _authentic(self, secret: bytes, key: str, data: bytes) -> bool:
        if len(data) < len(MAGIC) + _TAG or not data.startswith(MAGIC):
            return False
        tag = data[len(MAGIC):len(MAGIC) + _TAG]
        return hmac.compare_digest(tag, _sign(secret, key, data[len(MAGIC) + _TAG:]))

    def _secret(self) -> bytes | None:
        """The signing key, or None when this cache stores nothing (no folder, or disabled)."""
        if self.folder is None or self._disabled:
            return None
        if self._key is None:
            try:
                self._key = load_secret(self._secret_path)
            except (OSError, RuntimeError) as err:  # RuntimeError: no home folder
                self._give_up(f"the build cache is off: its signing key cannot be used ({err})")
                return None
        return self._key

    def _give_up(self, message: str) -> None:
        self._disabled = True
        log.warning("%s", message)

    def _grew(self, added: int) -> None:
        """Count what was written, and evict the least recently used entries past the bound."""
        if self._size is None:
            self._size = sum(size for _, size, _ in self.entries())
        else:
            self._size += added
        if self._size > self.max_bytes:
            self._size = self.evict(int(self.max_bytes * 0.9))

    def entries(self) -> list[tuple[Path, int, int]]:
        """(path, size, last use in ns) of every entry in the folder, oldest first.

        Only files named as this module names them (``<kind>/<sha256>.entry``, older
        ``.pickle`` entries, and temporary files of an interrupted write), never through a
        symbolic link: eviction and ``cache clear`` delete these, and nothing else."""
        found: list[tuple[Path, int, int]] = []
        try:
            if self.folder is None or self.folder.is_symlink() or not self.folder.is_dir():
                return found
            kinds = [kind for kind in self.folder.iterdir() if not kind.is_symlink() and kind.is_dir()]
        except OSError:
            return found
        for kind in kinds:
            try:
                paths = list(kind.iterdir())
            except OSError:
                continue  # unreadable: left alone
            for path in paths:
                if not _ENTRY_NAME.match(path.name):
                    continue
                try:
                    stat = path.lstat()
                except OSError:
                    continue
                if not path.is_symlink():
                    found.append((path, stat.st_size, stat.st_mtime_ns))
        found.sort(key=lambda item: (item[2], str(item[0])))
        return found

    def evict(self, target: int) -> int:
        """Delete the least recently used entries until the folder holds at most ``target``
        bytes; returns what it then holds."""
        found = self.entries()
        total = sum(size for _, size, _ in found)
        for path, size, _ in found:
            if total <= target:
                break
            try:
                path.unlink()
            except FileNotFoundError:
                pass  # another process evicted it
            except OSError:
                continue
            total -= size
        return total

    def clear(self) -> int:
        """Delete every entry; returns how many."""
        found = self.entries()
        for path, _, _ in found:
            path.unlink(missing_ok=True)
        return len(found)


def _sign(secret: bytes, key: str, payload: bytes) -> bytes:
    # The key name is signed with the payload: an entry moved under another key (another
    # page's) does not verify either.
    return hmac.new(secret, MAGIC + key.encode("utf-8") + b"\0" + payload, hashlib.sha256).digest()


def max_size_from_environment() -> int:
    """The size bound in bytes: ``$SITE_BUILDER_CACHE_MAX_MB`` MB, else :data:`DEFAULT_MAX_MB`."""
    raw = os.environ.get("SITE_BUILDER_CACHE_MAX_MB", "")
    try:
        megabytes = float(raw) if raw.strip() else DEFAULT_MAX_MB
    except ValueError:
        log.warning("SITE_BUILDER_CACHE_MAX_MB=%r is not a number of megabytes; using %d", raw, DEFAULT_MAX_MB)
        megabytes = DEFAULT_MAX_MB
    return max(0, int(megabytes * 1024 * 1024))


def machine_cache_folder() -> Path:
    """The user's cache folder for this tool (``$XDG_CACHE_HOME/site_builder``, else
    ``~/.cache/site_builder``): for what belongs to the machine, not to one project."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "site_builder"


def machine_cache() -> BuildCache:
    """A :class:`BuildCache` in :func:`machine_cache_folder` (one that stores nothing when
    there is no home folder to put it in)."""
    try:
        return BuildCache(machine_cache_folder())
    except RuntimeError:  # Path.home() with no home
        return BuildCache(None)

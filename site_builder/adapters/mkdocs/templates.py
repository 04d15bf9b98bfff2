"""The theme's templates in a build: the page policy (CSP) global and compiled templates kept in the build cache.

Part of the MkDocs adapter, called from the plugin's ``on_env``. Every page's head carries a
Content-Security-Policy; the theme's literal inline scripts are allowed by hash, read from the
templates this build renders with (:func:`template_sources`, read once per process while no
template changes). Compiled templates are kept in the build cache (:class:`TemplateCache`):
each language's build, and each process, would otherwise compile Material's templates again.
This module must not render pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import jinja2
import jinja2.bccache

from site_builder.cache import BuildCache
from site_builder.site.csp import content_security_policy, template_script_hashes


def install_policy(env: jinja2.Environment, dirs: tuple[str, ...], cache: BuildCache, site_url: str) -> None:
    """Give ``env`` the ``sb_csp`` global the theme's head prints, and the cache's compiled templates."""
    sources = template_sources(env, dirs)
    if cache.folder is not None:
        env.bytecode_cache = TemplateCache(cache)
    env.globals["sb_csp"] = content_security_policy(template_script_hashes(sources), site_url=site_url)


class TemplateCache(jinja2.BytecodeCache):
    """The theme's compiled templates, kept in the build cache. Jinja checks each entry against
    its template's source; the cache key carries Jinja's and Python's versions."""

    _memory: ClassVar[dict[str, bytes]] = {}
    """Entries already read in this process (every language reads the same ones)."""

    def __init__(self, cache: BuildCache) -> None:
        self.cache = cache

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        key = self.cache.key("template", bucket.key)
        data = self._memory.get(key)
        if data is None:
            data = self.cache.get(key)
        if data is not None:
            self._memory[key] = data
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        key = self.cache.key("template", bucket.key)
        data = bucket.bytecode_to_string()
        self._memory[key] = data
        self.cache.put(key, data)


_TEMPLATE_SOURCES: dict[tuple[str, ...], tuple[list[str], tuple[tuple[str, float], ...]]] = {}


def template_sources(env: jinja2.Environment, dirs: tuple[str, ...]) -> list[str]:
    """The text of every HTML template in ``dirs``, read once per process while none changes.

    Listing walks the whole theme (Material ships thousands of icons); every language of a
    build has the same theme folders, so the others reuse the first one's reading unless a
    template's mtime moved (``serve`` while someone edits the theme).
    """
    cached = _TEMPLATE_SOURCES.get(dirs)
    if cached is not None and all(_mtime(path) == stamp for path, stamp in cached[1]):
        return cached[0]
    names = env.list_templates(filter_func=lambda name: name.endswith(".html") and not name.startswith("."))
    loader = env.loader
    assert loader is not None  # MkDocs' theme environment always has one
    sources, stamps = [], []
    for name in names:
        source, filename, _ = loader.get_source(env, name)
        sources.append(source)
        if filename:
            stamps.append((filename, _mtime(filename)))
    _TEMPLATE_SOURCES[dirs] = (sources, tuple(stamps))
    return sources


def _mtime(path: str) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return -1.0

"""The one door to MkDocs' and Material's private internals, each behind a check of the versions it was written for.

Part of the MkDocs adapter. Every use of a name MkDocs or Material does not publish (a
leading underscore, a module global, an attribute of a plugin's helper object) lives here and
nowhere else: MkDocs' page steps (``_populate_page``, ``_build_page``) for serve's partial
rebuilds, the live-reload server's script injector and rebuild flag, the plugin collection's
event lists and ``_event_origins``, Material's search index entries and its ``jieba`` global.
Each is used only when the installed engine (MkDocs or its fork ProperDocs) and Material are
the versions it was written against (:data:`WRITTEN_FOR`, read with ``importlib.metadata``);
otherwise the caller gets a working fallback (a full build instead of a partial one, Material's
own slower path, live reload without the script allowed) and one log line naming the version
found and what to pin. This module must not render pages or decide what a build contains.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from typing import Protocol

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkDocsPage

log = logging.getLogger("mkdocs.plugins.site_builder.internals")

#: Distribution -> the version prefix (major[.minor]) whose internals this module reaches.
#: ProperDocs is the maintained fork of MkDocs 1.6, with the same internals.
WRITTEN_FOR: Mapping[str, str] = {"mkdocs": "1.6", "properdocs": "1.6", "mkdocs-material": "9"}
#: What to install when a check fails, per distribution.
PINS: Mapping[str, str] = {"mkdocs": "mkdocs>=1.6,<1.7", "properdocs": "properdocs>=1.6,<1.7",
                           "mkdocs-material": "mkdocs-material>=9.5,<10"}

SearchEntry = dict[str, object]
# The live-reload server's private attributes this module reaches (MkDocs 1.6's LiveReloadServer).
_INJECTOR, _REBUILD_CONDITION, _WANT_REBUILD = "_inject_js_into_html", "_rebuild_cond", "_want_rebuild"
_OBSERVER = "observer"


def installed_version(distribution: str) -> str:
    """The installed version of ``distribution`` ('' when it is not installed)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


def engine() -> str:
    """The distribution whose code ``import mkdocs`` loaded: ``mkdocs``, or ``properdocs``
    (which aliases the ``mkdocs`` modules to its own when it runs)."""
    import mkdocs

    return "properdocs" if mkdocs.__name__ == "properdocs" else "mkdocs"


@cache
def _unsupported(distribution: str) -> str:
    """'' when ``distribution`` is a version this module was written for, else why not."""
    found = installed_version(distribution)
    wanted = WRITTEN_FOR[distribution]
    if found and (found == wanted or found.startswith(wanted + ".")):
        return ""
    return (f"{distribution} {found or '(not installed)'} is installed; site_builder was written "
            f"against {distribution} {wanted}.x")


def _allowed(distribution: str, feature: str, fallback: str) -> bool:
    """Whether ``feature`` may reach into ``distribution``; if not, say so once, with the pin."""
    reason = _unsupported(distribution)
    if not reason:
        return True
    _say_once(f"site_builder: {reason}, so {feature} {fallback}. Install {PINS[distribution]!r} "
              f"to have it back.")
    return False


@cache
def _say_once(message: str) -> None:
    log.info("%s", message)


def _material_search_module() -> object | None:
    try:
        return importlib.import_module("material.plugins.search.plugin")
    except ImportError:
        return None


# --- MkDocs: the page steps of a build, for serve's partial rebuilds ----------------------------


@dataclass(frozen=True, slots=True)
class LiveState:
    """What MkDocs made for one language's build that rendering single pages again needs."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: jinja2.Environment


def can_render_pages_again() -> bool:
    """Whether MkDocs' page steps can be called one page at a time (else: rebuild everything)."""
    for distribution in (engine(), "mkdocs-material"):
        if not _allowed(distribution, "a change", "builds the whole site again instead of only the pages it affects"):
            return False
    build = importlib.import_module("mkdocs.commands.build")
    return hasattr(build, "_populate_page") and hasattr(build, "_build_page")


def render_pages_again(state: LiveState, files: Iterable[File], documentation: Sequence[File]) -> list[MkDocsPage]:
    """Run MkDocs' own page steps (read, Markdown, the page events, template, write) on ``files``.

    The same calls a full build makes for each page, so the page written is the one a full
    build writes. ``documentation``: the pages MkDocs' build would list (for the templates).
    Call only when :func:`can_render_pages_again` said yes.
    """
    from mkdocs.commands.build import _build_page, _populate_page

    pages = []
    for file in files:
        assert file.page is not None
        _populate_page(file.page, state.config, state.files)
        pages.append(file.page)
    for page in pages:
        _build_page(page, state.config, documentation, state.nav, state.env)
    return pages


# --- Material's search plugin -------------------------------------------------------------------


class _SearchIndex(Protocol):
    entries: list[SearchEntry]


def material_search_entries(config: MkDocsConfig) -> list[SearchEntry] | None:
    """Material's list of search entries of this build, emptied, so that pages rendered again
    add theirs to it; None when it cannot be reached (then a change rebuilds everything)."""
    for name, plugin in config.plugins.items():
        index: _SearchIndex | None = getattr(plugin, "search_index", None)
        if name.split("/")[-1] == "search" and index is not None and isinstance(getattr(index, "entries", None), list):
            index.entries = []
            return index.entries
    return None


def skip_indexing_of_excluded_pages(config: MkDocsConfig) -> None:
    """Spare Material's search plugin its per-page work on the pages we index ourselves.

    For a page whose meta says ``search: exclude``, Material's ``on_page_context`` indexes
    nothing and then runs a regular expression over the whole page to drop ``data-search-*``
    attributes; our source pages never hold one, and that scan was a measurable share of a
    large build. The wrapper calls Material as before whenever the page is not excluded or
    holds the text ``data-search-``, so the pages are the same. Fallback: Material's own path.
    """
    if not _allowed(engine(), "Material's search", "scans every source page (slower, same output)") or \
            not _allowed("mkdocs-material", "Material's search", "scans every source page (slower, same output)"):
        return
    events = config.plugins.events.get("page_context", [])
    for index, method in enumerate(events):
        owner = getattr(method, "__self__", None)
        if type(owner).__module__ != "material.plugins.search.plugin":
            continue  # another plugin's, or already ours
        wrapped = _excluded_pages_skipped(method)
        events[index] = wrapped
        origins = getattr(config.plugins, "_event_origins", None)
        if isinstance(origins, dict) and method in origins:
            origins[wrapped] = origins[method]  # MkDocs names the plugin in its errors


def _excluded_pages_skipped(material: Callable[..., object]) -> Callable[..., object]:
    def on_page_context(context: object, *, page: MkDocsPage, **kwargs: object) -> object:
        search = page.meta.get("search") or {}
        if search.get("exclude") and "data-search-" not in (page.content or ""):
            return None  # nothing to index, nothing to remove: Material's result exactly
        return material(context, page=page, **kwargs)
    return on_page_context


def segment_chinese_only_in_chinese(lang: str) -> None:
    """Let Material's indexer segment Han text with jieba in a Chinese build only.

    Material segments every language when jieba is importable: a Japanese page would get
    zero-width spaces that its separator does not split on, and every build would pay for
    loading jieba's dictionary. The flag is the search module's own global, set per build.
    Fallback: Material's choice (jieba wherever it is installed).
    """
    module = _material_search_module()
    if module is None or not hasattr(module, "jieba"):
        return
    if not _allowed("mkdocs-material", "Material's search", "segments Han text with jieba in every language"):
        return
    if lang.lower() == "zh":
        try:
            jieba = importlib.import_module("jieba")
        except ImportError:
            jieba = None
        module.jieba = jieba
    else:
        module.jieba = None


# --- MkDocs' live-reload server -------------------------------------------------------------------


class _AllowingInjector:
    """MkDocs' script injector, then ``allow`` over the page it made."""

    def __init__(self, inject: Callable[[bytes, int], bytes], allow: Callable[[str, str], str]) -> None:
        self.inject, self.allow = inject, allow

    def __call__(self, content: bytes, epoch: int) -> bytes:
        served = self.inject(content, epoch)
        try:
            return self.allow(content.decode("utf-8"), served.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            return served


def allow_live_reload_script(server: LiveReloadServer, allow: Callable[[str, str], str]) -> None:
    """Have ``allow(before, after)`` adjust each page the server serves after it adds its script.

    The server writes an inline script (different on every request) into every HTML page it
    serves; the page's Content-Security-Policy would block it. Its injector (a private method
    of MkDocs' LiveReloadServer) is wrapped so ``allow`` can add the script's hash. Fallback:
    pages are served as they are (they do not reload by themselves; reload by hand).
    """
    inject = getattr(server, _INJECTOR, None)
    if inject is None or isinstance(inject, _AllowingInjector):
        return
    if not _allowed(engine(), "the live-reload script", "is blocked by the pages' policy (reload by hand)"):
        return
    setattr(server, _INJECTOR, _AllowingInjector(inject, allow))


def rebuild_requester(server: LiveReloadServer) -> Callable[[], None] | None:
    """A call that asks the server for another rebuild soon, as its file watcher does; None
    when the server's private flag is not there (then code links are made in the same rebuild)."""
    if not _allowed(engine(), "code links after an edit", "are made before the edited page is served"):
        return None
    condition = getattr(server, _REBUILD_CONDITION, None)
    if condition is None or not hasattr(server, _WANT_REBUILD):
        return None

    def request() -> None:
        with condition:
            setattr(server, _WANT_REBUILD, True)
            condition.notify_all()
    return request


def notice_changes_at_once(server: LiveReloadServer) -> None:
    """Have the server hear of a saved file from the OS (inotify...) instead of polling every 0.5 s.

    MkDocs polls, which is half a second of latency per edit; watchdog's native observer is
    used where the platform has one. Watches are not yet scheduled at this point, so nothing
    is lost in the swap. Fallback: MkDocs' polling.
    """
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    observer = getattr(server, _OBSERVER, None)
    if observer is None or not _allowed(engine(), "the file watcher", "polls every 0.5 s"):
        return
    if Observer is not PollingObserver and not observer.is_alive():
        setattr(server, _OBSERVER, Observer())

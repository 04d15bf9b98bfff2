"""The MkDocs build driver: SiteConfig (+ the project's mkdocs.yml, if any) -> built site folder.

``site-builder build`` and ``serve`` come here with the :class:`SiteConfig` the CLI made.
The project's ``mkdocs.yml`` is used when it exists; otherwise a MkDocs config (theme and
plugins only) is synthesised in a temporary folder, so any corpus builds without one. Either
way the SiteConfig itself is handed to the loaded plugin object, never written out, and
the plugin is told to name files in warnings relative to the working folder. Languages: the
English build renders ``/`` and its plugin then builds the others
(:meth:`SiteBuilderPlugin.build_language`).
Serving builds every language into one temporary folder and serves it with MkDocs'
livereload server; a change renders again only the pages it affects (:mod:`.live`).
``--jobs N`` builds the other languages in worker processes (:mod:`.languages`). MkDocs errors
become :class:`SiteBuilderError`; this module must not render pages.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from site_builder.adapters.mkdocs import internals
from site_builder.adapters.mkdocs.languages import LanguagePool
from site_builder.adapters.mkdocs.live import LiveSite
from site_builder.adapters.mkdocs.plugin import BuildOrders, SiteBuilderPlugin
from site_builder.adapters.mkdocs.project import PLUGIN_NAME, Overrides, docs_dir_of
from site_builder.adapters.mkdocs.serving import (
    check_address_free,
    refuse_foreign_hosts,
)
from site_builder.adapters.mkdocs.worker import work
from site_builder.cache import CACHE_FOLDER
from site_builder.config import SiteConfig
from site_builder.errors import ConfigError, Location, SiteBuilderError
from site_builder.fileio import write_atomic

if TYPE_CHECKING:
    from typing_extensions import Unpack


def find_plugin(config: MkDocsConfig) -> SiteBuilderPlugin:
    """The site_builder plugin instance of a loaded config (ConfigError if it is not enabled)."""
    for plugin in config.plugins.values():
        if isinstance(plugin, SiteBuilderPlugin):
            return plugin
    raise ConfigError(f"the config does not enable the {PLUGIN_NAME} plugin",
                      location=Location(config.config_file_path),
                      hint=f"add '- {PLUGIN_NAME}' under plugins:")


def synthesised_config(*, site_name: str, docs_dir: Path, site_dir: Path) -> str:
    """A complete mkdocs.yml for a corpus that has none: Material, offline, our plugin.

    The plugin is listed without options: its SiteConfig is handed to it once loaded.
    """
    config = {
        "site_name": site_name,
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "use_directory_urls": False,
        "theme": {
            "name": "material",
            "font": False,
            # prune: each page carries only the navigation it shows, not the whole tree
            # (on a 260-page corpus the full tree is most of every page's HTML).
            "features": ["search.highlight", "navigation.prune"],
            "palette": [
                {"media": "(prefers-color-scheme: light)", "scheme": "default",
                 "toggle": {"icon": "material/weather-night", "name": "Dark mode"}},
                {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
                 "toggle": {"icon": "material/weather-sunny", "name": "Light mode"}},
            ],
        },
        # As init writes them (adapters/mkdocs/project.py), less the Unicode slugify tag.
        "markdown_extensions": ["tables", "attr_list", "md_in_html", "admonition",
                                {"toc": {"permalink": True}}, "site_builder.render.cjk_breaks"],
        "plugins": ["search", PLUGIN_NAME],
    }
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


@contextlib.contextmanager
def _config_file(site: SiteConfig, config_file: Path | None, site_dir: Path,
                 overrides: Overrides | None = None) -> Iterator[Path]:
    """The project's config file, or a synthesised one that lives as long as the block.

    A project without its docs folder (hand-written pages are optional) gets an empty one
    for the block's duration, through ``overrides["docs_dir"]``.
    """
    if config_file is not None:
        if overrides is not None and not docs_dir_of(config_file).is_dir():
            with tempfile.TemporaryDirectory(prefix="site-builder-docs-") as docs:
                overrides["docs_dir"] = docs
                yield config_file
            return
        yield config_file
        return
    with tempfile.TemporaryDirectory(prefix="site-builder-") as tmp:
        docs_dir = Path(tmp) / "docs"
        docs_dir.mkdir()
        path = Path(tmp) / "mkdocs.yml"
        name = site.source_dir.resolve().name or "Annotated code"
        write_atomic(path, synthesised_config(site_name=name, docs_dir=docs_dir,
                                              site_dir=site_dir.resolve()))
        yield path


def _load(path: Path, site: SiteConfig, **overrides: Unpack[Overrides]) -> MkDocsConfig:
    """Let MkDocs load ``path``, then give our plugin the CLI's SiteConfig in place of its options."""
    config = load_config(config_file=str(path), **overrides)
    # The CLI's user stands in the working folder: warnings name files from there.
    find_plugin(config).take_orders(BuildOrders(site=site, findings_folder=Path.cwd(),
                                                cache_folder=cache_folder(path)))
    return config


def cache_folder(config_file: Path) -> Path:
    """``.cache/site_builder`` beside the project's mkdocs.yml; in the working folder when the
    config was synthesised (it lives in a temporary folder)."""
    synthesised = config_file.resolve().parent.name.startswith("site-builder-") and \
        config_file.resolve().parent.parent == Path(tempfile.gettempdir()).resolve()
    return (Path.cwd() if synthesised else config_file.parent) / CACHE_FOLDER


def build_site(site: SiteConfig, config_file: Path | None = None, *, site_dir: Path | None = None,
               strict: bool = False, site_url: str | None = None, site_name: str | None = None,
               jobs: int = 1) -> Path:
    """Build every language of the site; return the site folder.

    ``jobs`` > 1 builds the other languages in up to that many processes, English's included
    (:class:`LanguagePool`); the files written are the same as with one.

    ``site_url`` and ``site_name`` override the config's (canonical and hreflang URLs are
    made from the URL).

    Raises:
        SiteBuilderError: MkDocs refused the config, a plugin failed, or ``strict`` and
            some warning was logged (a bad translation file, say).
    """
    configure_logging()
    target = site_dir or (config_file.parent / "site" if config_file else Path.cwd() / "site")
    overrides: Overrides = {"strict": strict}
    if site_dir is not None or config_file is None:
        overrides["site_dir"] = str(target.resolve())
    if site_url is not None:
        overrides["site_url"] = site_url
    if site_name:
        overrides["site_name"] = site_name
    try:
        with _config_file(site, config_file, target, overrides) as path:
            config = _load(path, site, **overrides)
            plugin = find_plugin(config)
            pool = None
            if jobs > 1 and site.target_languages:
                pool = LanguagePool(path, site, overrides, site.target_languages, jobs, Path.cwd(),
                                    cache_folder(path), work)
            # A one-off build: no page is rendered again, each language's are let go once written.
            plugin.take_orders(replace(plugin.orders, release_when_written=True, language_pool=pool))
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                if pool is not None:
                    pool.close()
                config.plugins.on_shutdown()
            return Path(config.site_dir)
    except MkDocsException as err:
        raise SiteBuilderError(err.format_message(),
                               location=Location(config_file or site.source_dir)) from None


def serve_site(site: SiteConfig, config_file: Path | None = None, *, dev_addr: str | None = None,
               livereload: bool = True, site_name: str | None = None) -> None:
    """Build every language into a temporary folder and serve it, rebuilding on changes.

    The first build builds all languages (the English build's ``on_post_build`` builds the
    others) and keeps their state; a change to a source or a translation then renders only
    the pages it affects, in every language, and a change to the config, a doc, or the set of
    files builds everything again (:class:`LiveSite`).
    """
    configure_logging()
    site_dir = Path(tempfile.mkdtemp(prefix="site-builder-serve-"))
    extra: Overrides = {"site_dir": str(site_dir)}
    if dev_addr:
        extra["dev_addr"] = dev_addr
    if site_name:
        extra["site_name"] = site_name
    try:
        with _config_file(site, config_file, site_dir, extra) as path:
            _serve(path, site, extra, site_dir, livereload)
    except MkDocsException as err:
        raise SiteBuilderError(err.format_message(),
                               location=Location(config_file or site.source_dir)) from None
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)


def _serve(path: Path, site: SiteConfig, extra: Overrides, site_dir: Path,
           livereload: bool) -> None:
    from mkdocs.livereload import LiveReloadServer

    config = _load(path, site, **extra)
    host, port = config.dev_addr
    check_address_free(host, port)  # before a whole site is built for nothing
    mount_path = urlsplit(config.site_url or "/").path
    serve_url = f"http://{host}:{port}{mount_path}"

    def watched() -> list[Path]:
        folders = [Path(config.docs_dir), path, site.source_dir, site.translations_dir]
        return [folder for folder in folders if folder.exists()]

    def builder(config: MkDocsConfig | None = None) -> None:
        if config is not None:
            live.full_build(config)
        else:
            live.rebuild()

    server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site_dir),
                              mount_path=mount_path)
    refuse_foreign_hosts(server)
    internals.notice_changes_at_once(server)
    # A change renders again only the pages it affects, in every language (see live.py). A
    # second, queued rebuild lets the pages a code change affects be seen before the code
    # links are made again (LiveReloadServer serves no file while a build runs).
    live = LiveSite(lambda: _load(path, site, **extra), serve_url, watched,
                    request_rebuild=internals.rebuild_requester(server))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        builder(config)
        if livereload:
            server.watch(config.docs_dir)
            server.watch(str(path))
            # The plugin watches the source and translation folders.
            server = config.plugins.on_serve(server, config=config, builder=builder)
        server.serve()
    except KeyboardInterrupt:
        logging.getLogger("mkdocs").info("Shutting down...")
    finally:
        server.shutdown()
        config.plugins.on_shutdown()


class _Handler(logging.StreamHandler):
    """MkDocs-style log lines (``WARNING -  message``) for builds started by site-builder."""


def configure_logging(level: int = logging.INFO) -> None:
    """Show MkDocs' log (and so our warnings) when MkDocs' own CLI did not set it up."""
    # Material prints a banner about MkDocs' future on every run; in our output it would read
    # like a problem with the user's site.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logger = logging.getLogger("mkdocs")
    if not any(isinstance(handler, _Handler) for handler in logger.handlers):
        handler = _Handler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)

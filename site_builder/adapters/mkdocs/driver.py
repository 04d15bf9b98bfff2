"""The MkDocs build driver: SiteConfig (+ the project's mkdocs.yml, if any) -> built site folder.

``site-builder build`` and ``serve`` come here; so does the English build's ``on_post_build``
to build each other language. The project's ``mkdocs.yml`` is used when it exists (flags
override the plugin's options); otherwise a config is synthesised in a temporary folder,
so any corpus builds without one. Languages: the English build renders ``/`` and then
loads the same config file once per other language, pointed at ``<site_dir>/<code>/`` and
``<site_url><code>/``, with the English build's already-loaded sources and translations.
Serving builds every language into one temporary folder and serves it with MkDocs'
livereload server, rebuilding all languages when a source, translation, doc or the config
changes. MkDocs errors become :class:`SiteBuilderError`; this module must not render pages.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Iterator
from urllib.parse import urlsplit

import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException, PluginError

from site_builder.config import PLUGIN_NAME, SiteConfig
from site_builder.errors import ConfigError, Location, SiteBuilderError
from site_builder.fileio import write_atomic

if TYPE_CHECKING:
    from site_builder.adapters.mkdocs.plugin import SharedBuild, SiteBuilderPlugin


def build_language(parent: MkDocsConfig, lang: str, shared: "SharedBuild") -> None:
    """Build ``lang`` into ``<site_dir>/<lang>/`` from the English build's config file."""
    if not parent.config_file_path:
        raise PluginError("site_builder: the other languages are built from the config file, "
                          "but this build has none")
    overrides = {"site_dir": os.path.join(parent.site_dir, lang), "docs_dir": parent.docs_dir,
                 "use_directory_urls": parent.use_directory_urls, "strict": False}
    if shared.root_site_url:
        root = shared.root_site_url if shared.root_site_url.endswith("/") else shared.root_site_url + "/"
        overrides["site_url"] = f"{root}{lang}/"
    # strict is off here on purpose: these warnings reach the English build's counter (the
    # same "mkdocs" logger), which aborts once every language has been built and reported.
    config = load_config(config_file=parent.config_file_path, **overrides)
    plugin = find_plugin(config)
    plugin.language = lang
    plugin.shared = shared
    build(config)


def find_plugin(config: MkDocsConfig) -> "SiteBuilderPlugin":
    """The site_builder plugin instance of a loaded config (ConfigError if it is not enabled)."""
    from site_builder.adapters.mkdocs.plugin import SiteBuilderPlugin

    for plugin in config.plugins.values():
        if isinstance(plugin, SiteBuilderPlugin):
            return plugin
    raise ConfigError(f"the config does not enable the {PLUGIN_NAME} plugin",
                      location=Location(config.config_file_path),
                      hint=f"add '- {PLUGIN_NAME}' under plugins:")


def synthesised_config(site: SiteConfig, *, site_name: str, docs_dir: Path, site_dir: Path) -> str:
    """A complete mkdocs.yml for a corpus that has none: Material, offline, our plugin."""
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
        "markdown_extensions": ["tables", "attr_list", "md_in_html", "toc"],
        "plugins": ["search", {PLUGIN_NAME: {
            "source_dir": str(site.source_dir), "translations_dir": str(site.translations_dir),
            "languages": list(site.languages), "repo_url": site.repo_url,
            "include": list(site.include), "exclude": list(site.exclude),
            "guide_url": site.guide_url}}],
    }
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


@contextlib.contextmanager
def _config_file(site: SiteConfig, config_file: Path | None, site_dir: Path) -> Iterator[Path]:
    """The project's config file, or a synthesised one that lives as long as the block."""
    if config_file is not None:
        yield config_file
        return
    with tempfile.TemporaryDirectory(prefix="site-builder-") as tmp:
        docs_dir = Path(tmp) / "docs"
        docs_dir.mkdir()
        path = Path(tmp) / "mkdocs.yml"
        name = site.source_dir.resolve().name or "Annotated code"
        write_atomic(path, synthesised_config(site, site_name=name, docs_dir=docs_dir,
                                              site_dir=site_dir.resolve()))
        yield path


def _load(path: Path, site: SiteConfig, **overrides: object) -> MkDocsConfig:
    config = load_config(config_file=str(path), **overrides)
    find_plugin(config).site_config_override = site
    return config


def build_site(site: SiteConfig, config_file: Path | None = None, *, site_dir: Path | None = None,
               strict: bool = False, site_url: str | None = None) -> Path:
    """Build every language of the site; return the site folder.

    ``site_url`` overrides the config's (canonical and hreflang URLs are made from it).

    Raises:
        SiteBuilderError: MkDocs refused the config, a plugin failed, or ``strict`` and
            some warning was logged (a bad translation file, say).
    """
    configure_logging()
    target = site_dir or (config_file.parent / "site" if config_file else Path.cwd() / "site")
    overrides: dict[str, object] = {"strict": strict}
    if site_dir is not None or config_file is None:
        overrides["site_dir"] = str(target.resolve())
    if site_url is not None:
        overrides["site_url"] = site_url
    try:
        with _config_file(site, config_file, target) as path:
            config = _load(path, site, **overrides)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
            return Path(config.site_dir)
    except MkDocsException as err:
        raise SiteBuilderError(err.format_message(),
                               location=Location(config_file or site.source_dir)) from None


def serve_site(site: SiteConfig, config_file: Path | None = None, *, dev_addr: str | None = None,
               livereload: bool = True) -> None:
    """Build every language into a temporary folder and serve it, rebuilding on changes.

    Each rebuild loads the config afresh and builds all languages (the English build's
    ``on_post_build`` builds the others), so a change to a source, a translation, a doc or
    the config shows in every language after one reload.
    """
    configure_logging()
    site_dir = Path(tempfile.mkdtemp(prefix="site-builder-serve-"))
    extra: dict[str, object] = {"site_dir": str(site_dir)}
    if dev_addr:
        extra["dev_addr"] = dev_addr
    try:
        with _config_file(site, config_file, site_dir) as path:
            _serve(path, site, extra, site_dir, livereload)
    except MkDocsException as err:
        raise SiteBuilderError(err.format_message(),
                               location=Location(config_file or site.source_dir)) from None
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)


def _serve(path: Path, site: SiteConfig, extra: dict[str, object], site_dir: Path,
           livereload: bool) -> None:
    from mkdocs.livereload import LiveReloadServer

    config = _load(path, site, **extra)
    host, port = config.dev_addr
    mount_path = urlsplit(config.site_url or "/").path
    serve_url = f"http://{host}:{port}{mount_path}"

    def builder(config: MkDocsConfig | None = None) -> None:
        config = config or _load(path, site, **extra)
        config.site_url = serve_url  # canonical/hreflang links point at this server
        build(config, serve_url=serve_url)

    server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site_dir),
                              mount_path=mount_path)
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

"""A project's ``mkdocs.yml`` as the CLI sees it: the plugin's options -> one :class:`SiteConfig`.

Part of the MkDocs adapter, for the commands that do not build (``status``, ``check``, ``update``,
the PO commands): they take their defaults from the same file as the site build, so they look
at the same sources and translations. It reads the file as plain YAML and must not import
MkDocs (a quick ``status`` should not load MkDocs, its theme and plugins); the build itself
lets MkDocs load the file (:mod:`site_builder.adapters.mkdocs.driver`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TypedDict

from site_builder.config import SiteConfig
from site_builder.errors import ConfigError, Location

#: The file MkDocs (and so ``site-builder``) reads in the project folder.
CONFIG_FILE = Path("mkdocs.yml")
#: The plugin's name under ``plugins:`` (its ``mkdocs.plugins`` entry point).
PLUGIN_NAME = "site_builder"
#: Plugin options about the built site only (the plugin reads them; the core needs none).
SITE_OPTIONS = ("site_names",)



class Overrides(TypedDict, total=False):
    """Settings of ``mkdocs.yml`` replaced for one build (keyword arguments of MkDocs' ``load_config``)."""

    site_dir: str
    docs_dir: str
    site_url: str
    site_name: str
    dev_addr: str
    strict: bool
    use_directory_urls: bool


def load_project_config(config_file: Path) -> SiteConfig:
    """The plugin's options in ``config_file``, checked, paths relative to the file's folder.

    Raises:
        ConfigError: the file is missing, is not YAML, or an option is wrong (file:line:col).
    """
    options = {name: value for name, value in plugin_options(config_file).items()
               if name not in SITE_OPTIONS}
    return SiteConfig.from_mapping(options, base_dir=config_file.absolute().parent, origin=config_file)


def plugin_options(config_file: Path) -> Mapping[str, object]:
    """The mapping under ``- site_builder:`` in ``config_file`` ({} when it has no options)."""
    import yaml  # only the commands that read mkdocs.yml pay for it

    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_yaml_loader()) or {}
    except FileNotFoundError:
        raise ConfigError("config file not found", location=Location(config_file),
                          hint="run in the project folder or pass --source and --translations") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ConfigError(f"invalid YAML: {getattr(err, 'problem', err)}",
                          location=Location(config_file, mark.line + 1 if mark else 0,
                                            mark.column + 1 if mark else 0)) from None
    plugins = data.get("plugins", []) if isinstance(data, Mapping) else []
    if isinstance(plugins, Mapping):  # MkDocs also accepts plugins as a mapping
        plugins = [{name: options} for name, options in plugins.items()]
    for entry in plugins or []:
        if isinstance(entry, Mapping) and PLUGIN_NAME in entry:
            options = entry[PLUGIN_NAME] or {}
            if not isinstance(options, Mapping):
                raise ConfigError(f"Config value 'plugins': the {PLUGIN_NAME} options must be a "
                                  f"mapping, got {options!r}", location=Location(config_file))
            return options
    return {}


def _yaml_loader() -> type:
    """A safe YAML loader that reads MkDocs' ``!!python/name`` and ``!ENV`` tags as null."""
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return _Loader


def docs_dir_of(config_file: Path) -> Path:
    """The hand-written pages' folder ``config_file`` names (MkDocs' default ``docs``), absolute."""
    import yaml

    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_yaml_loader()) or {}
    except (OSError, yaml.YAMLError):
        data = {}  # MkDocs itself reports a broken file, with its position
    raw = data.get("docs_dir") if isinstance(data, Mapping) else None
    return config_file.absolute().parent / (raw if isinstance(raw, str) and raw else "docs")


def _yaml_scalar(value: str) -> str:
    # JSON's double-quoted string is YAML's too; any site name (colons, quotes, 日本語) survives.
    import json

    return json.dumps(value, ensure_ascii=False)


def init_config_text(*, site_name: str, source_dir: str, languages: tuple[str, ...],
                     translations_dir: str, repo_url: str = "") -> str:
    """The ``mkdocs.yml`` that ``site-builder init`` writes: all a side-by-side site needs.

    Every line is there for a reason given beside it; what MkDocs' defaults already get right
    is left out. ``docs_dir`` is left at MkDocs' ``docs``: ``site-builder build`` works without
    that folder, and hand-written pages go there when the project wants some.
    """
    repo = f"\n      repo_url: {_yaml_scalar(repo_url)}   # \"View source\" links: this + the file's path" \
        if repo_url else ""
    if source_dir in ("", "."):  # the project folder itself: its pages and outputs are not sources
        folders = ["docs", "site", translations_dir, "venv"]
        repo += "\n      exclude: [" + ", ".join(_yaml_scalar(f"{name}/**") for name in folders) + "]"
    return f"""\
# Written by `site-builder init`; `site-builder build` renders every language (English at /,
# each other language under /<code>/), `site-builder serve` previews it.
site_name: {_yaml_scalar(site_name)}
# Pages are name.html, as the links the notes and site_builder write; with `true`, MkDocs'
# default, site_builder still rewrites its links, but `.html` links written by hand break.
use_directory_urls: false

theme:
  name: material           # the side-by-side layout and the language switcher need Material
  font: false              # no Google Fonts: the site loads nothing from any other host
  features:
    - search.highlight
    - navigation.top
    - navigation.prune     # each page carries only the navigation it shows
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle:
        icon: material/weather-night
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle:
        icon: material/weather-sunny
        name: Switch to light mode

markdown_extensions:
  - toc:
      permalink: true
      # Unicode-aware anchors, so headings in any script get readable ids instead of _1, _2...
      slugify: !!python/object/apply:pymdownx.slugs.slugify
        kwds:
          case: lower
  - tables
  - attr_list
  - md_in_html
  - admonition
  # Japanese and Chinese lines wrapped in the source join without a space on the page.
  - site_builder.render.cjk_breaks

plugins:
  - search
  - {PLUGIN_NAME}:
      source_dir: {_yaml_scalar(source_dir)}
      translations_dir: {_yaml_scalar(translations_dir)}
      languages: [{", ".join(languages)}]{repo}
"""

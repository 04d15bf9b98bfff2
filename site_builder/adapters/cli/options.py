"""The options the ``site-builder`` commands share, and the one SiteConfig they make.

Part of the CLI adapter. Flags over the project's ``mkdocs.yml`` (read by the MkDocs adapter's
``project`` module, without loading MkDocs) become one :class:`SiteConfig`; ``--jobs`` and the
site options of ``build`` and ``serve`` are declared here once. It must not run a command.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from site_builder.adapters.mkdocs.project import CONFIG_FILE, load_project_config
from site_builder.config import SiteConfig
from site_builder.errors import ConfigError, SiteBuilderError

Runner = Callable[[argparse.Namespace], int]
"""A command: its parsed arguments -> the process's exit code."""


def add_project_options(parser: argparse.ArgumentParser, *, lang: bool = True) -> None:
    """Options every corpus command shares; defaults come from the project's mkdocs.yml."""
    parser.add_argument("--config", "-f", type=Path, default=CONFIG_FILE,
                        help=f"project config to take defaults from (default: {CONFIG_FILE})")
    parser.add_argument("--source", type=Path, help="root of the annotated sources")
    parser.add_argument("--translations", type=Path, help="root of the translation caches")
    if lang:
        parser.add_argument("--lang", action="append", metavar="L",
                            help="language code (repeatable; default: every configured language)")


def project_config(args: argparse.Namespace) -> SiteConfig:
    """The command's one SiteConfig: the project's mkdocs.yml, with flags taking precedence."""
    if args.config.exists():
        config = load_project_config(args.config)
    elif args.source is None or args.translations is None:
        raise ConfigError(f"no {args.config} here and no --source/--translations given",
                          hint="run in the project folder, or pass --source DIR --translations DIR")
    else:
        config = SiteConfig(source_dir=args.source.absolute(), translations_dir=args.translations.absolute())
    flags: dict[str, Any] = {}  # SiteConfig's field -> the flag's value
    if args.source is not None:
        flags["source_dir"] = args.source.absolute()
    if args.translations is not None:
        flags["translations_dir"] = args.translations.absolute()
    flag = "--lang" if getattr(args, "lang", None) else "--languages"
    langs = getattr(args, "lang", None) or getattr(args, "languages", None)
    if langs:
        flags["languages"] = tuple(code.strip() for item in langs for code in item.split(",") if code.strip())
    try:
        return dataclasses.replace(config, **flags) if flags else config
    except ConfigError as err:  # a flag's value is wrong: name the flag, not a file
        raise err.with_path(flag) from None


def add_site_options(parser: argparse.ArgumentParser) -> None:
    add_project_options(parser, lang=False)
    parser.add_argument("--languages", action="append", metavar="L[,L...]",
                        help="language codes, comma-separated (default: mkdocs.yml's, else en)")
    parser.add_argument("--site-name", metavar="NAME",
                        help="the site's title for this build (default: mkdocs.yml's site_name, "
                             "else the source folder's name)")


def add_jobs_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", "-j", type=int, metavar="N",
                        help="build the languages in up to N processes (default: the cores this "
                             "process may use); the site is the same with any N")


def jobs(args: argparse.Namespace) -> int:
    """--jobs, else the cores available (affinity mask: a container's limit, not the host's)."""
    if args.jobs is not None:
        if args.jobs < 1:
            raise SiteBuilderError(f"--jobs must be 1 or more, not {args.jobs}",
                                   hint="--jobs 1 builds one language after another")
        return args.jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def site_source(args: argparse.Namespace) -> tuple[SiteConfig, Path | None]:
    """The config (mkdocs.yml's options, overridden by flags) and the mkdocs.yml to use (None: none)."""
    return project_config(args), (args.config if args.config.exists() else None)


def translations_root(args: argparse.Namespace) -> Path | None:
    """The translations root for files checked alone: --translations, else mkdocs.yml's, else none."""
    if args.translations is not None:
        return args.translations
    return load_project_config(args.config).translations_dir if args.config.exists() else None

"""``site-builder``: the command-line adapter.

Flags become a :class:`SiteConfig`, one core call does the work, and the result is printed
as a table or as ``--format json``. Exit codes: 0 success, 1 a :class:`SiteBuilderError` or
findings of severity error, 2 a usage error. Each command is a pair of functions:
``_add_<name>(subparsers)`` declares its flags and ``_run_<name>(args)`` runs it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Sequence

from .config import SiteConfig, load_project_config
from .errors import ConfigError, SiteBuilderError

Runner = Callable[[argparse.Namespace], int]


def _add_project_options(parser: argparse.ArgumentParser, *, lang: bool = True) -> None:
    """Options every corpus command shares; defaults come from the project's mkdocs.yml."""
    parser.add_argument("--config", "-f", type=Path, default=Path("mkdocs.yml"),
                        help="project config to take defaults from (default: mkdocs.yml)")
    parser.add_argument("--source", type=Path, help="root of the annotated sources")
    parser.add_argument("--translations", type=Path, help="root of the translation caches")
    if lang:
        parser.add_argument("--lang", action="append", metavar="L",
                            help="language code (repeatable; default: every configured language)")


def project_config(args: argparse.Namespace) -> SiteConfig:
    """The project's config, with flags taking precedence over mkdocs.yml."""
    if args.config.exists():
        config = load_project_config(args.config)
    elif args.source is None or args.translations is None:
        raise ConfigError(f"no {args.config} here and no --source/--translations given",
                          hint="run in the project folder, or pass --source DIR --translations DIR")
    else:
        config = SiteConfig(source_dir=args.source, translations_dir=args.translations)
    values = {
        "source_dir": str(args.source or config.source_dir),
        "translations_dir": str(args.translations or config.translations_dir),
        "languages": list(config.languages),
        "repo_url": config.repo_url,
        "include": list(config.include),
        "exclude": list(config.exclude),
        "guide_url": config.guide_url,
    }
    langs = getattr(args, "lang", None) or getattr(args, "languages", None)
    if langs:
        codes = [code.strip() for item in langs for code in item.split(",") if code.strip()]
        values["languages"] = codes
    return SiteConfig.from_mapping(values, base_dir=Path.cwd())


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Runner]]:
    parser = argparse.ArgumentParser(
        prog="site-builder",
        description="Side-by-side, multilingual documentation sites for annotated Python.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    runners: dict[str, Runner] = {}
    for add in _COMMANDS:
        name, runner = add(subparsers)
        runners[name] = runner
    return parser, runners


def main(argv: Sequence[str] | None = None) -> int:
    parser, runners = build_parser()
    args = parser.parse_args(argv)
    try:
        return runners[args.command](args)
    except SiteBuilderError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130


# --- commands -------------------------------------------------------------------------------
# Each _add_<name> returns (name, runner). Keep the runners short: one core call, then output.

_COMMANDS: list[Callable[[argparse._SubParsersAction], tuple[str, Runner]]] = []


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""``site-builder translate``: the translators' workbench served on 127.0.0.1.

Part of the CLI adapter: flags -> SiteConfig -> the workbench server (``adapters.workbench``),
also for a folder of caches without their sources. It must not edit caches itself.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from site_builder.adapters.cli.options import (
    Runner,
    add_project_options,
    project_config,
)
from site_builder.errors import ConfigError
from site_builder.translators.checks import expand_cache_paths


def add_translate(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "translate", help="edit translations in a local web editor with the English beside them",
        description="Serve the translators' workbench on 127.0.0.1: every unit with its English as "
                    "readers see it, checks as you type, suggestions from the translation memory "
                    "and earlier translations, saves in the exact cache format. Prints the address "
                    "(with its session token) and opens it in the browser.")
    add_project_options(parser)
    parser.add_argument("--port", type=int, default=0, metavar="P",
                        help="port on 127.0.0.1 (default: any free port)")
    parser.add_argument("--no-browser", action="store_true", help="print the address only")
    return "translate", _run_translate


def _run_translate(args: argparse.Namespace) -> int:
    import tempfile

    from site_builder.adapters.workbench.server import serve

    if args.translations is not None and args.source is None and not args.config.exists():
        # Caches on their own (a copy of someone's translations): an empty source folder makes
        # every entry an orphan, still shown, checked against its key and editable.
        with tempfile.TemporaryDirectory(prefix="site-builder-no-sources-") as empty:
            args.source = Path(empty)
            print(f"note: no --source and no {args.config}; editing the caches on their own",
                  file=sys.stderr)
            return _serve_workbench(args, serve, sources_expected=False)
    return _serve_workbench(args, serve, sources_expected=True)


def _serve_workbench(args: argparse.Namespace, serve: Callable[..., None], *,
                     sources_expected: bool) -> int:
    config = project_config(args)
    if not config.translations_dir.is_dir():
        raise ConfigError(f"translations folder {config.translations_dir} does not exist",
                          hint="pass --translations DIR or set translations_dir in mkdocs.yml")
    if not config.source_dir.is_dir():  # caches alone can still be edited, each entry an orphan
        print(f"note: no source folder {config.source_dir}; editing the caches on their own",
              file=sys.stderr)
    elif sources_expected and not any(config.source_dir.iterdir()):
        print(f"note: {config.source_dir} is empty; every cache entry is shown as orphaned",
              file=sys.stderr)
    languages = config.target_languages or _cache_languages(config.translations_dir)
    serve(config, languages, port=args.port, open_browser=not args.no_browser,
          announce=lambda line: print(line, flush=True))
    return 0


def _cache_languages(translations_dir: Path) -> tuple[str, ...]:
    """The languages of the caches found (``x.ja.json`` -> ja), when none are configured."""
    found = sorted({path.name.split(".")[-2] for path in expand_cache_paths([translations_dir])})
    return tuple(code for code in found if code != "en")

"""``site-builder``: the command-line adapter, one module per command.

Flags (over the project's ``mkdocs.yml``, read by the MkDocs adapter) become one
:class:`SiteConfig` (``options``), one call below does the work, and the result is printed as
a table or as ``--format json`` (``output``, shared by every command); files in findings are
shown relative to the working folder. Exit codes: 0 success, 1 a :class:`SiteBuilderError` or
findings of severity error, 2 a usage error. Each command module declares its flags with
``add_<name>(subparsers)``, which returns the command's name and the function that runs it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from site_builder.adapters.cli.build import add_build
from site_builder.adapters.cli.cache import add_cache
from site_builder.adapters.cli.check import add_check
from site_builder.adapters.cli.init import add_init
from site_builder.adapters.cli.options import Runner, project_config
from site_builder.adapters.cli.output import format_table, print_errors, print_json
from site_builder.adapters.cli.po import add_export_po, add_import_po
from site_builder.adapters.cli.serve import add_serve
from site_builder.adapters.cli.status import add_status
from site_builder.adapters.cli.translate import add_translate
from site_builder.adapters.cli.update import add_update
from site_builder.errors import SiteBuilderError

__all__ = ["build_parser", "format_table", "main", "print_errors", "print_json", "project_config"]

#: The commands, in the order ``site-builder --help`` lists them.
COMMANDS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], tuple[str, Runner]], ...] = (
    add_status, add_check, add_translate, add_update, add_export_po, add_import_po, add_build, add_serve, add_init,
    add_cache)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Runner]]:
    parser = argparse.ArgumentParser(
        prog="site-builder",
        description="Side-by-side, multilingual documentation sites for annotated Python.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    runners: dict[str, Runner] = {}
    for add in COMMANDS:
        name, runner = add(subparsers)
        runners[name] = runner
    return parser, runners


def _version() -> str:
    """The installed distribution's version (the package's own when run from a checkout)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("annotated-site-builder")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "(not installed)"


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

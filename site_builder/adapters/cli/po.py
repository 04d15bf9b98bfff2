"""``site-builder export-po`` and ``import-po``: the caches as PO files for translation tools, and back.

Part of the CLI adapter: flags -> SiteConfig -> ``translators.po``. An import with any error
writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from site_builder.adapters.cli.options import (
    Runner,
    add_project_options,
    project_config,
)
from site_builder.adapters.cli.output import findings_table, print_errors
from site_builder.catalog.corpus import load_corpus
from site_builder.errors import ConfigError
from site_builder.translators.glossary import load_glossaries
from site_builder.translators.po import (
    apply_import,
    export_corpus,
    import_errors,
    plan_import,
)


def add_export_po(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "export-po", help="write one PO file per source file for translation tools",
        description="Write <out>/<file id>.<lang>.po for every source file: msgctxt is a stable "
                    "unit id, msgid the English key, msgstr the translation; suggestions are "
                    "fuzzy and orphans obsolete entries.")
    add_project_options(parser)
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write to")
    return "export-po", _run_export_po


def _run_export_po(args: argparse.Namespace) -> int:
    config = project_config(args)
    corpus = load_corpus(config)
    print_errors(corpus.errors)  # files refused (links leading out): the rest is exported
    written = export_corpus(corpus, args.out, config.source_dir)
    print(f"wrote {len(written)} PO file(s) under {args.out}")
    return 0


def add_import_po(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "import-po", help="read translated PO files back into the caches",
        description="Read <dir>/<file id>.<lang>.po files. Every new translation is checked; if "
                    "any has an error nothing is written. Fuzzy entries update suggestions only.")
    add_project_options(parser)
    parser.add_argument("po_dir", type=Path, metavar="DIR", help="folder written by export-po")
    return "import-po", _run_import_po


def _run_import_po(args: argparse.Namespace) -> int:
    if not args.po_dir.is_dir():
        raise ConfigError(f"{args.po_dir} is not a folder", hint="pass the folder export-po wrote")
    config = project_config(args)
    corpus = load_corpus(config)
    print_errors(corpus.errors)  # files refused (links leading out) are not written to
    plans = plan_import(corpus, args.po_dir, load_glossaries(config.translations_dir, corpus.languages))
    findings = [finding for plan in plans for finding in plan.findings]
    if findings:
        print(findings_table(findings))
    if import_errors(plans):
        print("import refused: nothing was written", file=sys.stderr)
        return 1
    written = apply_import(plans)
    print(f"imported {sum(p.translated for p in plans)} translation(s) and "
          f"{sum(p.suggested for p in plans)} suggestion(s) from {len(plans)} PO file(s); "
          f"{len(written)} cache(s) changed")
    return 0

"""``site-builder status``: how much of each file is translated, per language, as tables or JSON.

Part of the CLI adapter: flags -> SiteConfig -> the corpus's counts -> output. It must not
write any file.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from site_builder.adapters.cli.options import (
    Runner,
    add_project_options,
    project_config,
)
from site_builder.adapters.cli.output import format_table, print_errors, print_json
from site_builder.catalog.corpus import FileStats, language_stats, load_corpus
from site_builder.errors import ConfigError, SiteBuilderError

_STATS_FIELDS = ("units", "translated", "missing", "orphaned", "fuzzy")


def add_status(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "status", help="how much of each file is translated, per language",
        description="Count translated, missing, fuzzy and orphaned units per file and language. "
                    "Exit 1 if a source or cache could not be read (the others are still counted).")
    add_project_options(parser)
    parser.add_argument("--format", choices=("table", "json"), default="table",
                        help="output format (default: table)")
    return "status", _run_status


def _run_status(args: argparse.Namespace) -> int:
    config = project_config(args)
    if not config.source_dir.is_dir():
        raise ConfigError(f"source folder {config.source_dir} does not exist",
                          hint="pass --source DIR or set source_dir in mkdocs.yml")
    corpus = load_corpus(config, keep_going=True)
    stats = {lang: language_stats(corpus, lang) for lang in corpus.languages}
    if args.format == "json":
        print_json(_status_document(stats, corpus.errors))
    else:
        print(_status_tables(stats, {stale.file_id for stale in corpus.stale_caches}))
    print_errors(corpus.errors)
    return 1 if corpus.errors else 0


def _status_document(stats: dict[str, dict[str, FileStats]],
                     errors: Sequence[SiteBuilderError]) -> dict[str, object]:
    """The --format json object: totals and per-file counts per language (+ errors, if any)."""
    def counts(file_stats: FileStats) -> dict[str, int]:
        return {name: getattr(file_stats, name) for name in _STATS_FIELDS}

    languages = {}
    for lang, per_file in stats.items():
        total = sum(per_file.values(), FileStats())
        languages[lang] = {**counts(total), "files": {fid: counts(s) for fid, s in per_file.items()}}
    document: dict[str, object] = {"languages": languages}
    if errors:
        document["errors"] = [str(err) for err in errors]
    return document


def _status_tables(stats: dict[str, dict[str, FileStats]], stale_ids: set[str]) -> str:
    """One table per language, a row per file and a total row; missing excludes fuzzy."""
    headers = ("file", "units", "translated", "missing", "fuzzy", "orphaned", "%")

    def row(name: str, s: FileStats) -> tuple[object, ...]:
        percent = "-" if s.percent is None else f"{s.percent:.1f}"
        return (name, s.units, s.translated, s.missing, s.fuzzy, s.orphaned, percent)

    blocks = []
    for lang, per_file in stats.items():
        total = sum(per_file.values(), FileStats())
        rows = [row(f"{fid} (no source)" if fid in stale_ids else fid, s) for fid, s in per_file.items()]
        rows.append(row(f"total ({len(per_file)} file{'' if len(per_file) == 1 else 's'})", total))
        blocks.append(f"[{lang}]\n{format_table(headers, rows)}")
    return "\n\n".join(blocks) if blocks else "no target languages (English has no translations)"

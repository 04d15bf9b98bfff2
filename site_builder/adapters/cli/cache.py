"""``site-builder cache info|clear``: the build caches, shown and emptied.

Two caches: the project's (``.cache/site_builder`` beside ``mkdocs.yml``: rendered pages,
split units, compiled templates) and the machine's (``~/.cache/site_builder``: jieba's word
table). ``info`` prints, for each, its folder, entries, size and size bound, plus where the key
that signs their entries lives; ``clear`` deletes the entries (never the key, never anything
outside the cache folders). Part of the CLI adapter: ``add_cache(subparsers)`` declares it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from site_builder.adapters.cli.options import Runner
from site_builder.adapters.mkdocs.project import CONFIG_FILE
from site_builder.cache import CACHE_FOLDER, BuildCache, machine_cache_folder, secret_path


def add_cache(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "cache", help="show or empty the build caches",
        description="Show (info) or empty (clear) the project's build cache (beside mkdocs.yml) "
                    "and the machine's (~/.cache/site_builder). Entries are signed with a key "
                    "kept outside them; an entry that fails its signature is rebuilt. The size "
                    "bound is $SITE_BUILDER_CACHE_MAX_MB (default 500).")
    parser.add_argument("action", choices=("info", "clear"))
    parser.add_argument("--config", "-f", type=Path, default=CONFIG_FILE,
                        help=f"the project whose cache is meant (default: {CONFIG_FILE}; without "
                             "one, the working folder's)")
    parser.add_argument("--machine", action="store_true",
                        help="only the machine's cache (default: both)")
    parser.add_argument("--project", action="store_true",
                        help="only the project's cache (default: both)")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    return "cache", run_cache


def _caches(args: argparse.Namespace) -> list[tuple[str, BuildCache]]:
    project_folder = (args.config.parent if args.config.exists() else Path.cwd()) / CACHE_FOLDER
    both = not (args.machine or args.project)
    chosen = []
    if both or args.project:
        chosen.append(("project", BuildCache(project_folder)))
    if both or args.machine:
        chosen.append(("machine", BuildCache(machine_cache_folder())))
    return chosen


def run_cache(args: argparse.Namespace) -> int:
    caches = _caches(args)
    if args.action == "clear":
        for name, cache in caches:
            removed = cache.clear()
            print(f"{name}: removed {removed} entr{'y' if removed == 1 else 'ies'} from {cache.folder}")
        return 0
    rows: list[dict[str, str | int]] = []
    for name, cache in caches:
        entries = cache.entries()
        rows.append({"cache": name, "folder": str(cache.folder), "entries": len(entries),
                     "bytes": sum(size for _, size, _ in entries), "max_bytes": cache.max_bytes})
    if args.format == "json":
        print(json.dumps({"caches": rows, "key": str(secret_path())}, indent=2))
        return 0
    for row in rows:
        size, bound = int(row["bytes"]), int(row["max_bytes"])
        print(f"{row['cache']:8} {row['entries']:7} entries {size / 1e6:9.1f} MB "
              f"(bound {bound / 1e6:.0f} MB)  {row['folder']}")
    print(f"signing key: {secret_path()}")
    return 0

"""``site-builder update``: outdated translations carried over as fuzzy suggestions.

Part of the CLI adapter: flags -> SiteConfig -> ``translators.update`` -> a report. A broken
cache stops the run before anything is written; no translation is ever deleted.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from site_builder.adapters.cli.options import (
    Runner,
    add_project_options,
    project_config,
)
from site_builder.adapters.cli.output import print_errors
from site_builder.catalog.corpus import load_corpus
from site_builder.translators.update import UpdatePlan, short_key, update_corpus


def add_update(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "update", help="carry outdated translations over as fuzzy suggestions",
        description="Match each orphaned translation (its English changed) to the most similar "
                    "untranslated unit and keep it as a fuzzy suggestion beside the cache. The "
                    "cache itself is left as it is. With --prune, orphans that matched nothing "
                    "move to the archive sidecar; no text is ever deleted.")
    add_project_options(parser)
    parser.add_argument("--prune", action="store_true",
                        help="move orphans that matched no unit to <file>.<lang>.archive.json")
    return "update", _run_update


def _run_update(args: argparse.Namespace) -> int:
    config = project_config(args)
    corpus = load_corpus(config)  # strict: a broken cache stops the run before anything is written
    print_errors(corpus.errors)  # files refused (links leading out) are left alone
    plans = update_corpus(corpus, prune=args.prune)
    print(_update_report(plans))
    for stale in corpus.stale_caches:
        print(f"{stale.file_id} [{stale.catalog.lang}]: no source any more; "
              f"{len(stale.catalog.entries)} entries left as they are")
    return 0


def _update_report(plans: Sequence[UpdatePlan]) -> str:
    lines = []
    for plan in plans:
        if not plan.changes_anything:
            continue
        lines.append(f"{plan.file_id} [{plan.lang}]: {len(plan.made)} suggestion(s) made, "
                     f"{len(plan.dropped)} dropped, {len(plan.archived or {})} orphan(s) archived")
        for key in plan.made:
            suggestion = plan.suggestions[key]
            # Show where the English changed: similar keys often share a long beginning.
            start = max(0, _shared_start(key, suggestion.previous) - 20)
            lines.append(f"  fuzzy {short_key(key[start:])!r} <- {short_key(suggestion.previous[start:])!r} "
                         f"(similarity {int(suggestion.score * 100)}%)")
        lines += [f"  archived {short_key(key)!r}" for key in plan.archived or {}]
    made = sum(len(p.made) for p in plans)
    archived = sum(len(p.archived or {}) for p in plans)
    dropped = sum(len(p.dropped) for p in plans)
    lines.append(f"{made} suggestion(s) made, {dropped} dropped, {archived} orphan(s) archived "
                 f"in {sum(p.changes_anything for p in plans)} of {len(plans)} cache(s)")
    return "\n".join(lines)


def _shared_start(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` have in common at their start."""
    return next((index for index, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))

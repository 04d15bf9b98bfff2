"""``site-builder check``: translations checked against their English keys; ``--fix`` mends the mechanical first.

Part of the CLI adapter: flags -> SiteConfig (or cache files alone) -> findings -> a table or
JSON; exit 1 on any error. The mending itself lives in ``translators.fixes``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from site_builder.adapters.cli.options import (
    Runner,
    add_project_options,
    jobs,
    project_config,
    translations_root,
)
from site_builder.adapters.cli.output import (
    finding_document,
    findings_table,
    print_errors,
    print_json,
)
from site_builder.adapters.mkdocs.project import docs_dir_of
from site_builder.cache import CACHE_FOLDER, BuildCache
from site_builder.catalog.corpus import Corpus, load_corpus
from site_builder.config import SiteConfig
from site_builder.errors import SiteBuilderError
from site_builder.model import Finding
from site_builder.site.audit import site_findings
from site_builder.site.plan import plan_site
from site_builder.translators.checks import check_cache_files, check_corpus, has_errors
from site_builder.translators.glossary import load_glossaries


def add_check(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "check", help="find mistakes in translations (placeholders, links, tags, glossary)",
        description="Check every translation against its English key: placeholders, links, "
                    "tag structure, unsafe HTML and the glossary. With FILE arguments, check those "
                    "cache files alone (no sources needed). Exit 1 if any error is found.")
    add_project_options(parser)
    parser.add_argument("--format", choices=("table", "json"), default="table",
                        help="output format (default: table)")
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE",
                        help="cache files to check on their own (default: the whole project)")
    parser.add_argument("--fix", action="store_true",
                        help="first mend what is mechanical (punctuation after a block, a link in a "
                             "link, damaged placeholders, spaces in tags), then report the rest")
    parser.add_argument("--dry-run", action="store_true",
                        help="with --fix: print the changes as diffs and write nothing")
    parser.add_argument("--jobs", "-j", type=int, metavar="N",
                        help="check large caches in up to N processes (default: the cores this "
                             "process may use); the findings are the same with any N")
    return "check", _run_check


def _run_check(args: argparse.Namespace) -> int:
    errors: Sequence[SiteBuilderError] = ()
    if args.fix or args.dry_run:
        _run_fixes(args)
    if args.files:
        wanted = sorted({code for item in args.lang or () for code in item.split(",") if code})
        findings, errors = check_cache_files(args.files, translations_root(args), languages=wanted,
                                             jobs=jobs(args))
    else:
        config = project_config(args)
        # The build's cache of split units: a check after a build (or a check) splits nothing again.
        cache = BuildCache((args.config.parent if args.config.exists() else Path.cwd()) / CACHE_FOLDER)
        corpus = load_corpus(config, keep_going=True, cache=cache, jobs=jobs(args))
        glossaries = load_glossaries(config.translations_dir, corpus.languages)
        findings, errors = check_corpus(corpus, glossaries, jobs=jobs(args)), corpus.errors
        findings = [*findings, *_site_findings(args, config, corpus)]
    if args.format == "json":
        print_json([finding_document(finding) for finding in findings])
    elif findings or not errors:  # "no problems found" would be false beside an unreadable file
        print(findings_table(findings))
    print_errors(errors)
    return 1 if errors or has_errors(findings) else 0


def _site_findings(args: argparse.Namespace, config: SiteConfig, corpus: Corpus) -> list[Finding]:
    """Broken links, missing images, resources the pages' policy blocks (site/audit.py)."""
    docs_dir = docs_dir_of(args.config) if args.config.exists() else Path("docs").absolute()
    paths = sorted(docs_dir.rglob("*.md")) if docs_dir.is_dir() else []
    docs = [(path, path.relative_to(docs_dir).as_posix(), path.read_text(encoding="utf-8", errors="replace"))
            for path in paths]
    plan = plan_site(config, [file.source for file in corpus.files], [uri for _, uri, _ in docs])
    return site_findings(plan, corpus, docs, exists=Path.exists,
                         read_text=lambda path: path.read_text(encoding="utf-8", errors="replace"))


def _run_fixes(args: argparse.Namespace) -> None:
    """``check --fix``: repair the caches (or print the diffs with --dry-run) before checking."""
    from site_builder.translators.fixes.files import (
        apply_plan,
        plan_corpus,
        plan_diff,
        plan_files,
    )

    if args.files:
        wanted = sorted({code for item in args.lang or () for code in item.split(",") if code})
        plans, _ = plan_files(args.files, languages=wanted)  # unreadable files are reported by the check
    else:
        plans = plan_corpus(load_corpus(project_config(args), keep_going=True))
    changed = [plan for plan in plans if plan.changed]
    for plan in changed:
        if args.dry_run:
            print(plan_diff(plan), end="")
        else:
            apply_plan(plan)
    values = sum(len(plan.repairs) for plan in changed)
    verb = "would mend" if args.dry_run else "mended"
    sys.stdout.flush()
    print(f"{verb} {values} value(s) in {len(changed)} of {len(plans)} cache(s)", file=sys.stderr, flush=True)

"""``site-builder``: the command-line adapter.

Flags (over the project's ``mkdocs.yml``, read by the MkDocs adapter) become one
:class:`SiteConfig`, one core call does the work, and the result is printed as a table or as
``--format json``; files in findings are shown relative to the working folder. Exit codes:
0 success, 1 a :class:`SiteBuilderError` or findings of severity error, 2 a usage error. Each command is a pair of functions:
``_add_<name>(subparsers)`` declares its flags and ``_run_<name>(args)`` runs it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

from site_builder.adapters.mkdocs.project import CONFIG_FILE, load_project_config
from site_builder.config import SiteConfig
from site_builder.catalog.corpus import FileStats, language_stats, load_corpus
from site_builder.errors import ConfigError, Location, SiteBuilderError
from site_builder.translators.update import UpdatePlan, short_key, update_corpus
from site_builder.translators.checks import check_cache_files, check_corpus, expand_cache_paths, has_errors
from site_builder.translators.glossary import load_glossaries
from site_builder.model import Finding, path_shown_from
from site_builder.translators.po import apply_import, export_corpus, import_errors, plan_import

Runner = Callable[[argparse.Namespace], int]


def _add_project_options(parser: argparse.ArgumentParser, *, lang: bool = True) -> None:
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
    flags: dict[str, object] = {}
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


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Runner]]:
    parser = argparse.ArgumentParser(
        prog="site-builder",
        description="Side-by-side, multilingual documentation sites for annotated Python.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    runners: dict[str, Runner] = {}
    for add in _COMMANDS:
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


# --- commands -------------------------------------------------------------------------------
# Each _add_<name> returns (name, runner). Keep the runners short: one core call, then output.

_COMMANDS: list[Callable[[argparse._SubParsersAction], tuple[str, Runner]]] = []


# --- output helpers shared by commands --------------------------------------------------------


def print_json(value: object) -> None:
    """Print one JSON document (ASCII-only, so any terminal or pipe encoding can carry it)."""
    print(json.dumps(value, indent=2))


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table: first column left-aligned, the others (numbers) right-aligned."""
    cells = [[str(cell) for cell in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                       for i, cell in enumerate(row)).rstrip() for row in cells]
    return "\n".join(lines)


def print_errors(errors: Sequence[SiteBuilderError]) -> None:
    """Report errors a command went past, one compiler-style line each, on stderr."""
    for err in errors:
        print(f"error: {err}", file=sys.stderr)


# --- status -----------------------------------------------------------------------------------

_STATS_FIELDS = ("units", "translated", "missing", "orphaned", "fuzzy")


def _add_status(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "status", help="how much of each file is translated, per language",
        description="Count translated, missing, fuzzy and orphaned units per file and language. "
                    "Exit 1 if a source or cache could not be read (the others are still counted).")
    _add_project_options(parser)
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


_COMMANDS.append(_add_status)


# --- translators' workflow: check, update, export-po, import-po --------------------------------


def _add_check(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "check", help="find mistakes in translations (placeholders, links, tags, glossary)",
        description="Check every translation against its English key: placeholders, links, "
                    "tag structure, unsafe HTML and the glossary. With FILE arguments, check those "
                    "cache files alone (no sources needed). Exit 1 if any error is found.")
    _add_project_options(parser)
    parser.add_argument("--format", choices=("table", "json"), default="table",
                        help="output format (default: table)")
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE",
                        help="cache files to check on their own (default: the whole project)")
    parser.add_argument("--fix", action="store_true",
                        help="first mend what is mechanical (punctuation after a block, a link in a "
                             "link, damaged placeholders, spaces in tags), then report the rest")
    parser.add_argument("--dry-run", action="store_true",
                        help="with --fix: print the changes as diffs and write nothing")
    return "check", _run_check


def _run_check(args: argparse.Namespace) -> int:
    errors: Sequence[SiteBuilderError] = ()
    if args.fix or args.dry_run:
        _run_fixes(args)
    if args.files:
        wanted = sorted({code for item in args.lang or () for code in item.split(",") if code})
        findings, errors = check_cache_files(args.files, _translations_root(args), languages=wanted)
    else:
        config = project_config(args)
        corpus = load_corpus(config, keep_going=True)
        glossaries = load_glossaries(config.translations_dir, corpus.languages)
        findings, errors = check_corpus(corpus, glossaries), corpus.errors
        findings = [*findings, *_site_findings(args, config, corpus)]
    if args.format == "json":
        print_json([_finding_document(finding) for finding in findings])
    elif findings or not errors:  # "no problems found" would be false beside an unreadable file
        print(_findings_table(findings))
    print_errors(errors)
    return 1 if errors or has_errors(findings) else 0


def _site_findings(args: argparse.Namespace, config: SiteConfig, corpus) -> list[Finding]:
    """Broken links, missing images, resources the pages' policy blocks (site/audit.py)."""
    from site_builder.adapters.mkdocs.project import docs_dir_of
    from site_builder.site.audit import site_findings
    from site_builder.site.plan import plan_site

    docs_dir = docs_dir_of(args.config) if args.config.exists() else Path("docs").absolute()
    paths = sorted(docs_dir.rglob("*.md")) if docs_dir.is_dir() else []
    docs = [(path, path.relative_to(docs_dir).as_posix(), path.read_text(encoding="utf-8", errors="replace"))
            for path in paths]
    plan = plan_site(config, [file.source for file in corpus.files], [uri for _, uri, _ in docs])
    return site_findings(plan, corpus, docs, exists=Path.exists,
                         read_text=lambda path: path.read_text(encoding="utf-8", errors="replace"))


def _run_fixes(args: argparse.Namespace) -> None:
    """``check --fix``: repair the caches (or print the diffs with --dry-run) before checking."""
    from site_builder.translators.fixes.files import apply_plan, plan_corpus, plan_diff, plan_files

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


def _translations_root(args: argparse.Namespace) -> Path | None:
    """The translations root for files checked alone: --translations, else mkdocs.yml's, else none."""
    if args.translations is not None:
        return args.translations
    return load_project_config(args.config).translations_dir if args.config.exists() else None


def _finding_document(finding: Finding) -> dict[str, object]:
    return {"file": path_shown_from(finding.file, Path.cwd()), "line": finding.line,
            "key": finding.key, "check": finding.check,
            "severity": finding.severity.value, "message": finding.message, "section": finding.section}


def _findings_table(findings: Sequence[Finding]) -> str:
    """Findings grouped by file, one line each (``line: severity check message``), then totals.

    Files are shown relative to the working folder (absolute when outside it).
    """
    if not findings:
        return "no problems found"
    lines: list[str] = []
    here = Path.cwd()
    for file in sorted({finding.file for finding in findings}):
        lines.append(path_shown_from(file, here))
        for f in sorted((f for f in findings if f.file == file), key=lambda f: f.line):
            lines.append(f"  {f.line:>5}: {f.severity.value:<7} {f.check:<19} {f.message}")
    errors = sum(f.severity.value == "error" for f in findings)
    lines.append(f"{errors} error(s), {len(findings) - errors} warning(s) "
                 f"in {len({f.file for f in findings})} file(s)")
    return "\n".join(lines)


_COMMANDS.append(_add_check)


def _add_translate(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "translate", help="edit translations in a local web editor with the English beside them",
        description="Serve the translators' workbench on 127.0.0.1: every unit with its English as "
                    "readers see it, checks as you type, suggestions from the translation memory "
                    "and earlier translations, saves in the exact cache format. Prints the address "
                    "(with its session token) and opens it in the browser.")
    _add_project_options(parser)
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


_COMMANDS.append(_add_translate)


def _add_update(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "update", help="carry outdated translations over as fuzzy suggestions",
        description="Match each orphaned translation (its English changed) to the most similar "
                    "untranslated unit and keep it as a fuzzy suggestion beside the cache. The "
                    "cache itself is left as it is. With --prune, orphans that matched nothing "
                    "move to the archive sidecar; no text is ever deleted.")
    _add_project_options(parser)
    parser.add_argument("--prune", action="store_true",
                        help="move orphans that matched no unit to <file>.<lang>.archive.json")
    return "update", _run_update


def _run_update(args: argparse.Namespace) -> int:
    config = project_config(args)
    corpus = load_corpus(config)  # strict: a broken cache stops the run before anything is written
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
            start = max(0, len(os.path.commonprefix([key, suggestion.previous])) - 20)
            lines.append(f"  fuzzy {short_key(key[start:])!r} <- {short_key(suggestion.previous[start:])!r} "
                         f"(similarity {int(suggestion.score * 100)}%)")
        lines += [f"  archived {short_key(key)!r}" for key in plan.archived or {}]
    made = sum(len(p.made) for p in plans)
    archived = sum(len(p.archived or {}) for p in plans)
    dropped = sum(len(p.dropped) for p in plans)
    lines.append(f"{made} suggestion(s) made, {dropped} dropped, {archived} orphan(s) archived "
                 f"in {sum(p.changes_anything for p in plans)} of {len(plans)} cache(s)")
    return "\n".join(lines)


def _add_export_po(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "export-po", help="write one PO file per source file for translation tools",
        description="Write <out>/<file id>.<lang>.po for every source file: msgctxt is a stable "
                    "unit id, msgid the English key, msgstr the translation; suggestions are "
                    "fuzzy and orphans obsolete entries.")
    _add_project_options(parser)
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write to")
    return "export-po", _run_export_po


def _run_export_po(args: argparse.Namespace) -> int:
    config = project_config(args)
    written = export_corpus(load_corpus(config), args.out, config.source_dir)
    print(f"wrote {len(written)} PO file(s) under {args.out}")
    return 0


def _add_import_po(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "import-po", help="read translated PO files back into the caches",
        description="Read <dir>/<file id>.<lang>.po files. Every new translation is checked; if "
                    "any has an error nothing is written. Fuzzy entries update suggestions only.")
    _add_project_options(parser)
    parser.add_argument("po_dir", type=Path, metavar="DIR", help="folder written by export-po")
    return "import-po", _run_import_po


def _run_import_po(args: argparse.Namespace) -> int:
    if not args.po_dir.is_dir():
        raise ConfigError(f"{args.po_dir} is not a folder", hint="pass the folder export-po wrote")
    config = project_config(args)
    corpus = load_corpus(config)
    plans = plan_import(corpus, args.po_dir, load_glossaries(config.translations_dir, corpus.languages))
    findings = [finding for plan in plans for finding in plan.findings]
    if findings:
        print(_findings_table(findings))
    if import_errors(plans):
        print("import refused: nothing was written", file=sys.stderr)
        return 1
    written = apply_import(plans)
    print(f"imported {sum(p.translated for p in plans)} translation(s) and "
          f"{sum(p.suggested for p in plans)} suggestion(s) from {len(plans)} PO file(s); "
          f"{len(written)} cache(s) changed")
    return 0


_COMMANDS.append(_add_update)
_COMMANDS.append(_add_export_po)
_COMMANDS.append(_add_import_po)


# --- build, serve ------------------------------------------------------------------------------
# The MkDocs work lives in adapters/mkdocs/driver.py, imported by these runners only: the other
# commands must not pay for loading MkDocs (adapters/mkdocs/project.py reads mkdocs.yml without it).


def _add_site_options(parser: argparse.ArgumentParser) -> None:
    _add_project_options(parser, lang=False)
    parser.add_argument("--languages", action="append", metavar="L[,L...]",
                        help="language codes, comma-separated (default: mkdocs.yml's, else en)")
    parser.add_argument("--site-name", metavar="NAME",
                        help="the site's title for this build (default: mkdocs.yml's site_name, "
                             "else the source folder's name)")


def _add_jobs_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", "-j", type=int, metavar="N",
                        help="build the languages in up to N processes (default: the cores this "
                             "process may use); the site is the same with any N")


def _jobs(args: argparse.Namespace) -> int:
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


def _site_source(args: argparse.Namespace) -> tuple[SiteConfig, Path | None]:
    """The config (mkdocs.yml's options, overridden by flags) and the mkdocs.yml to use (None: none)."""
    return project_config(args), (args.config if args.config.exists() else None)


def _add_build(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "build", help="build the site in every language",
        description="Build the side-by-side site with MkDocs and Material: English at /, every "
                    "other language under /<code>/. Uses mkdocs.yml when it exists, else a default "
                    "config (then pass --source and --translations).")
    _add_site_options(parser)
    parser.add_argument("--site-dir", type=Path,
                        help="output folder (default: mkdocs.yml's site_dir, else ./site)")
    parser.add_argument("--site-url", metavar="URL",
                        help="where the site will be served (default: mkdocs.yml's site_url); "
                             "canonical and hreflang links are made from it")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 on any warning: an unreadable translation file, a translated "
                             "value shown in English, math that did not convert")
    _add_jobs_option(parser)
    return "build", _run_build


def _run_build(args: argparse.Namespace) -> int:
    from site_builder.adapters.mkdocs.driver import build_site

    config, config_file = _site_source(args)
    site_dir = build_site(config, config_file, site_dir=args.site_dir, strict=args.strict,
                          site_url=args.site_url, site_name=args.site_name, jobs=_jobs(args))
    print(f"built {', '.join(config.languages)} into {site_dir}")
    return 0


def _add_serve(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "serve", help="serve the site locally, rebuilding on changes",
        description="Build every language into a temporary folder and serve it. Saving a "
                    "source (.py, .md) or a translation file renders again only the pages it "
                    "affects, in every language; a change to docs/, mkdocs.yml or the set of files "
                    "rebuilds everything. The browser reloads either way.")
    _add_site_options(parser)
    parser.add_argument("--dev-addr", "-a", metavar="IP:PORT",
                        help="address to serve on (default: mkdocs.yml's dev_addr, else 127.0.0.1:8000)")
    parser.add_argument("--no-livereload", action="store_true", help="do not watch files or reload")
    return "serve", _run_serve


def _run_serve(args: argparse.Namespace) -> int:
    from site_builder.adapters.mkdocs.driver import serve_site

    config, config_file = _site_source(args)
    serve_site(config, config_file, dev_addr=args.dev_addr, livereload=not args.no_livereload,
               site_name=args.site_name)
    return 0


_COMMANDS.append(_add_build)
_COMMANDS.append(_add_serve)


# --- init ----------------------------------------------------------------------------------------


def _add_init(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "init", help="set up a project folder: mkdocs.yml, translations folder, glossary",
        description="Write what `site-builder build` and `serve` need in the current folder: a "
                    "mkdocs.yml (Material, offline, this plugin), the translations folder and an "
                    "empty glossary per target language. Asks for what is not given when run in "
                    "a terminal without flags; otherwise uses the flags and the defaults.")
    parser.add_argument("--source", metavar="DIR", help="folder of the annotated code (default: src)")
    parser.add_argument("--site-name", metavar="NAME", help="the site's title (default: the folder's name)")
    parser.add_argument("--languages", metavar="L[,L...]",
                        help="language codes, comma-separated, English first (default: en)")
    parser.add_argument("--repo-url", metavar="URL",
                        help="where the code is browsed (a GitHub/GitLab repository or the source "
                             "folder's address), for \"View source\" links (default: none)")
    parser.add_argument("--config", "-f", type=Path, default=CONFIG_FILE,
                        help=f"config file to write (default: {CONFIG_FILE})")
    parser.add_argument("--force", action="store_true", help="replace files that already exist")
    return "init", _run_init


def _run_init(args: argparse.Namespace) -> int:
    from site_builder.adapters.mkdocs.project import init_config_text
    from site_builder.fileio import write_atomic
    from site_builder.site.scaffold import InitAnswers, checked_answers, parse_languages, plan_scaffold

    project = Path.cwd()
    given = [args.source, args.site_name, args.languages, args.repo_url]
    ask = _prompter() if not any(value is not None for value in given) else None
    source = args.source or _ask(ask, "Folder of the annotated code", _guess_source(project))
    site_name = args.site_name or _ask(ask, "Site name", project.name.replace("-", " ").replace("_", " "))
    languages = parse_languages(args.languages or _ask(ask, "Languages (comma-separated)", "en"))
    answers = checked_answers(project, InitAnswers(source_dir=source, site_name=site_name,
                                                   languages=languages, repo_url=args.repo_url or ""))
    text = init_config_text(site_name=answers.site_name, source_dir=answers.source_dir,
                            languages=answers.languages, translations_dir=answers.translations_dir,
                            repo_url=answers.repo_url)
    scaffold = plan_scaffold(project, answers, args.config, text)
    existing = scaffold.existing()
    if existing and not args.force:
        raise ConfigError("already exists; nothing was written", location=Location(existing[0]),
                          hint="pass --force to replace it (translations and glossaries are never replaced)")
    for folder in scaffold.folders:
        folder.mkdir(parents=True, exist_ok=True)
    for path, content in [*scaffold.files, *scaffold.new_seeds()]:
        write_atomic(path, content)
        print(f"wrote {path_shown_from(path, project)}")
    print("next: site-builder build   (or site-builder serve to preview)")
    return 0


def _prompter() -> Callable[[str], str] | None:
    """``input`` when a person is at the terminal, else None (then defaults are used)."""
    return input if sys.stdin.isatty() and sys.stdout.isatty() else None


def _ask(ask: Callable[[str], str] | None, question: str, default: str) -> str:
    if ask is None:
        return default
    answer = ask(f"{question} [{default}]: ").strip()
    return answer or default


def _guess_source(project: Path) -> str:
    """``src`` when it exists, else the only folder holding Python files, else ``src``."""
    if (project / "src").is_dir():
        return "src"
    folders = [p.name for p in sorted(project.iterdir()) if p.is_dir() and not p.name.startswith(".")
               and any(p.rglob("*.py"))]
    return folders[0] if len(folders) == 1 else "src"


_COMMANDS.append(_add_init)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

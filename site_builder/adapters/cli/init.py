"""``site-builder init``: a project folder set up (mkdocs.yml, translations folder, glossaries).

Part of the CLI adapter: answers (flags, or questions at a terminal) -> ``site.scaffold``'s
plan -> files written atomically; existing files are kept unless ``--force``, translations
and glossaries always.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from site_builder.adapters.cli.options import Runner
from site_builder.adapters.mkdocs.project import CONFIG_FILE
from site_builder.errors import ConfigError, Location
from site_builder.model import path_shown_from


def add_init(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
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
    from site_builder.site.scaffold import (
        InitAnswers,
        checked_answers,
        parse_languages,
        plan_scaffold,
    )

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

"""Project set-up stage (``site-builder init``): the answers about a project -> the files it needs.

Input: what ``init`` was told or asked (source folder, site name, languages, an optional
repository URL) and the engine's config text, made by the adapter that knows the engine
(``site_builder.adapters.mkdocs.project.init_config_text``). Output: a :class:`Scaffold`, the
folders and files (path -> text) that make a project buildable, and nothing more: the config,
the translations folder, and an empty glossary per target language (the format of
``site_builder.translators.glossary``). This module checks the answers and says what
already exists; it must not write files (the CLI writes them atomically) nor know MkDocs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from site_builder.config import DEFAULT_TRANSLATIONS_DIR, SOURCE_LANGUAGE, SiteConfig
from site_builder.errors import ConfigError
from site_builder.translators.glossary import glossary_path


@dataclass(frozen=True, slots=True)
class InitAnswers:
    """What ``init`` needs to know; paths relative to the project folder."""

    source_dir: str
    site_name: str
    languages: tuple[str, ...] = (SOURCE_LANGUAGE,)
    repo_url: str = ""
    """Where the source folder can be browsed (``.../blob/main/src``); '' for no "View source"."""
    translations_dir: str = DEFAULT_TRANSLATIONS_DIR


@dataclass(frozen=True, slots=True)
class Scaffold:
    """The folders to create and the files to write, in that order."""

    folders: tuple[Path, ...]
    files: tuple[tuple[Path, str], ...]
    """Files ``init`` owns: an existing one is replaced only when forced."""
    seeds: tuple[tuple[Path, str], ...] = ()
    """Files that become the translators' (the glossaries): written when absent, never replaced."""

    def existing(self) -> list[Path]:
        """The files that are already there (``init`` refuses to replace them without --force)."""
        return [path for path, _ in self.files if path.exists()]

    def new_seeds(self) -> list[tuple[Path, str]]:
        return [(path, text) for path, text in self.seeds if not path.exists()]


def parse_languages(text: str) -> tuple[str, ...]:
    """``"en, ja"`` -> ``("en", "ja")``, checked and English first (ConfigError naming --languages)."""
    codes = tuple(code.strip() for code in text.split(",") if code.strip())
    try:
        return SiteConfig(source_dir=Path("."), translations_dir=Path("."), languages=codes).languages
    except ConfigError as err:
        raise err.with_path("--languages") from None


def checked_answers(project: Path, answers: InitAnswers) -> InitAnswers:
    """The answers, or a ConfigError naming the flag that is wrong and what to pass instead."""
    source = project / answers.source_dir
    if not source.is_dir():
        raise ConfigError(f"source folder {answers.source_dir!r} does not exist in {project}",
                          hint="pass --source DIR, the folder holding the annotated code")
    if not answers.site_name.strip():
        raise ConfigError("the site name is empty", hint='pass --site-name "My project"')
    if answers.repo_url and not re.match(r"^https?://[^/\s]+", answers.repo_url):
        raise ConfigError(f"--repo-url {answers.repo_url!r} is not an http(s) URL",
                          hint="pass the address where the source folder can be browsed")
    return InitAnswers(source_dir=answers.source_dir.strip("/") or ".", site_name=answers.site_name.strip(),
                       languages=parse_languages(",".join(answers.languages)),
                       repo_url=source_browse_url(answers.repo_url, answers.source_dir),
                       translations_dir=answers.translations_dir)


def source_browse_url(repo_url: str, source_dir: str) -> str:
    """A repository's home (``https://github.com/o/r``) -> where its source folder is browsed.

    GitHub, GitLab and Codeberg show a file at ``<repo>/blob|src/<branch>/<path>``; ``main`` is
    assumed. Any other URL is taken to be the source folder's address already.
    """
    url = repo_url.rstrip("/")
    parts = urlsplit(url)
    folder = source_dir.strip("/")
    if parts.netloc in ("github.com", "gitlab.com") and parts.path.count("/") == 2:
        return f"{url}/blob/main/{folder}" if folder not in ("", ".") else f"{url}/blob/main"
    if parts.netloc == "codeberg.org" and parts.path.count("/") == 2:
        return f"{url}/src/branch/main/{folder}" if folder not in ("", ".") else f"{url}/src/branch/main"
    return url


def empty_glossary(lang: str) -> str:
    """A glossary with no terms yet, in the file format translators extend."""
    return json.dumps({"language": lang, "terms": []}, indent=1, ensure_ascii=False) + "\n"


def plan_scaffold(project: Path, answers: InitAnswers, config_file: Path, config_text: str) -> Scaffold:
    """The folders and files of a new project (``config_file`` relative to ``project``)."""
    translations = project / answers.translations_dir
    target = [code for code in answers.languages if code != SOURCE_LANGUAGE]
    glossaries = tuple((glossary_path(translations, code), empty_glossary(code)) for code in target)
    return Scaffold(folders=(translations,), files=((project / config_file, config_text),),
                    seeds=glossaries)

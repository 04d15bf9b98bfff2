"""Configuration, built once at the edges (MkDocs plugin options or CLI flags) and only read by the core.

``SiteConfig.from_mapping`` checks every value and reports like MkDocs does:
"Config value 'languages': expected a list of codes, got 'ja,zh'".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from site_builder.errors import ConfigError, Location

_LANG_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")

#: The language notes are written in; it is served at the site root.
SOURCE_LANGUAGE = "en"
#: Files that become pages unless the config says otherwise.
DEFAULT_INCLUDE = ("**/*.py", "**/*.md")
#: Where fallback notices send readers who want to help translate.
DEFAULT_GUIDE_URL = "translation-guide/"


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Everything the core needs to know about a project."""

    source_dir: Path
    """Root of the annotated sources (``.py`` and ``.md``); file ids are relative to it."""
    translations_dir: Path
    """Root of the translation caches: ``<root>/<file id>.<lang>.json``."""
    languages: tuple[str, ...] = (SOURCE_LANGUAGE,)
    """Language codes, English first; every other code gets a build under ``/<code>/``."""
    repo_url: str = ""
    """Base URL for "view source" links (e.g. ``https://github.com/o/r/blob/main/src``); '' for none."""
    include: tuple[str, ...] = DEFAULT_INCLUDE
    """Glob patterns (relative to ``source_dir``) of the files that become pages."""
    exclude: tuple[str, ...] = ()
    """Glob patterns of files to leave out."""
    guide_url: str = DEFAULT_GUIDE_URL
    """Site-relative URL of the translation guide that fallback notices link to."""

    @property
    def target_languages(self) -> tuple[str, ...]:
        """The languages translations are for (every configured one but English)."""
        return tuple(lang for lang in self.languages if lang != SOURCE_LANGUAGE)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, base_dir: Path | None = None,
                     origin: str | Path | None = None) -> "SiteConfig":
        """Build a config from plain values (YAML, plugin options, flags), checking each.

        Relative paths are resolved against ``base_dir`` (the config file's folder).
        Raises ConfigError naming the value that is wrong.
        """
        base = base_dir or Path.cwd()
        where = Location(origin) if origin is not None else None

        def fail(name: str, expected: str, got: Any) -> ConfigError:
            return ConfigError(f"Config value '{name}': expected {expected}, got {got!r}", location=where)

        def path_of(name: str, default: str) -> Path:
            raw = values.get(name, default)
            if not isinstance(raw, (str, Path)) or not str(raw):
                raise fail(name, "a path", raw)
            path = Path(raw)
            return path if path.is_absolute() else (base / path)

        def strings_of(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
            raw = values.get(name, default)
            if isinstance(raw, str) or not all(isinstance(item, str) for item in raw):
                raise fail(name, "a list of strings", raw)
            return tuple(raw)

        languages = strings_of("languages", (SOURCE_LANGUAGE,))
        bad = [code for code in languages if not _LANG_CODE.match(code)]
        if bad or not languages:
            raise fail("languages", "a list of codes", values.get("languages"))
        if SOURCE_LANGUAGE not in languages:
            languages = (SOURCE_LANGUAGE, *languages)
        languages = (SOURCE_LANGUAGE, *dict.fromkeys(c for c in languages if c != SOURCE_LANGUAGE))
        repo_url = values.get("repo_url", "") or ""
        if not isinstance(repo_url, str):
            raise fail("repo_url", "a URL", repo_url)
        return cls(
            source_dir=path_of("source_dir", "src"),
            translations_dir=path_of("translations_dir", "translations"),
            languages=languages,
            repo_url=repo_url.rstrip("/"),
            include=strings_of("include", DEFAULT_INCLUDE),
            exclude=strings_of("exclude", ()),
            guide_url=str(values.get("guide_url", DEFAULT_GUIDE_URL)),
        )


#: The plugin's name in ``mkdocs.yml`` (its ``mkdocs.plugins`` entry point).
PLUGIN_NAME = "site_builder"


def load_project_config(config_file: Path) -> SiteConfig:
    """Read the plugin's options from a project's ``mkdocs.yml`` without importing MkDocs.

    The CLI uses this for its defaults, so ``site-builder status`` in a project folder
    looks at the same sources and translations as the site build.
    """
    import yaml

    class _Loader(yaml.SafeLoader):
        """Safe loader that tolerates MkDocs' ``!!python/name`` and ``!ENV`` tags."""

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Loader) or {}
    except FileNotFoundError:
        raise ConfigError("config file not found", location=Location(config_file),
                          hint="run in the project folder or pass --source and --translations") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ConfigError(f"invalid YAML: {getattr(err, 'problem', err)}",
                          location=Location(config_file, mark.line + 1 if mark else 0,
                                            mark.column + 1 if mark else 0)) from None
    options: Mapping[str, Any] = {}
    for entry in data.get("plugins", []) or []:
        if isinstance(entry, Mapping) and PLUGIN_NAME in entry:
            options = entry[PLUGIN_NAME] or {}
        elif entry == PLUGIN_NAME:
            options = {}
    return SiteConfig.from_mapping(options, base_dir=config_file.parent, origin=config_file)

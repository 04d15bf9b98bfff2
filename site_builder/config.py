"""Configuration: the one :class:`SiteConfig` an adapter builds and the core only reads.

Base layer: plain values in (typed options of the MkDocs plugin, CLI flags, or a mapping read
from a file) -> one checked, frozen SiteConfig out. Constructing a SiteConfig checks and
normalises it (English first, codes well formed); :meth:`SiteConfig.from_mapping` also checks
the types of untyped values and reports like MkDocs does ("Config value 'languages': expected
a list of codes, got 'ja,zh'"). It must not know where the values came from: MkDocs' file and
the plugin's name belong to the MkDocs adapter (``site_builder.adapters.mkdocs.project``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from site_builder.errors import ConfigError

_LANG_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")

#: The language notes are written in; it is served at the site root.
SOURCE_LANGUAGE = "en"
#: Where the annotated sources and the translation caches are, relative to the config file.
DEFAULT_SOURCE_DIR = "src"
DEFAULT_TRANSLATIONS_DIR = "translations"
#: Files that become pages unless the config says otherwise.
DEFAULT_INCLUDE = ("**/*.py", "**/*.md")
#: Sources larger than this are skipped, with a warning naming the setting (``max_file_bytes``).
DEFAULT_MAX_FILE_BYTES = 5_000_000
#: A source with a longer line is shown without code navigation (``max_line_chars``).
DEFAULT_MAX_LINE_CHARS = 20_000
#: Where fallback notices send readers who want to help translate.
DEFAULT_GUIDE_URL = "translation-guide/"
_LOCAL_URL = re.compile(r"^http://(127\.0\.0\.1|localhost):\d{1,5}/?$")
#: The docstring conventions a site may fix (``source.docstrings.DocstringStyle``'s values).
DOCSTRING_STYLES = ("auto", "google", "numpy", "sphinx", "markdown")
DEFAULT_DOCSTRING_STYLE = "auto"


def _config_error(name: str, expected: str, got: Any) -> ConfigError:
    return ConfigError(f"Config value '{name}': expected {expected}, got {got!r}")


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Everything the core needs to know about a project (checked when it is made)."""

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
    workbench_url: str = ""
    """Address of the translators' workbench (``site-builder translate --port P``), e.g.
    ``http://127.0.0.1:8765/``: the status page of a local preview links each file's missing and
    fuzzy units to it. Only a local address; never a token (the workbench's cookie opens it)."""
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    """A source larger than this is skipped with a warning (memory and time stay bounded)."""
    max_line_chars: int = DEFAULT_MAX_LINE_CHARS
    """A source with a longer line is shown without code navigation, with a warning."""
    docstring_style: str = DEFAULT_DOCSTRING_STYLE
    """How docstrings are read: ``auto`` (found per docstring), ``google``, ``numpy``, ``sphinx``
    or ``markdown`` (as written; the ``:param name:`` dialect still becomes a list)."""

    def __post_init__(self) -> None:
        # Normalised here, not by each adapter, so every way of making a config agrees.
        languages = tuple(self.languages)
        if not languages or not all(isinstance(c, str) and _LANG_CODE.match(c) for c in languages):
            error = _config_error("languages", "a list of codes", list(languages))
            error.hint = "codes are lower-case with an optional region, e.g. [en, ja, pt-BR]"
            raise error
        others = dict.fromkeys(code for code in languages if code != SOURCE_LANGUAGE)
        object.__setattr__(self, "languages", (SOURCE_LANGUAGE, *others))
        object.__setattr__(self, "repo_url", self.repo_url.rstrip("/"))
        object.__setattr__(self, "include", tuple(self.include))
        object.__setattr__(self, "exclude", tuple(self.exclude))
        if self.workbench_url and not _LOCAL_URL.match(self.workbench_url):
            error = _config_error("workbench_url", "http://127.0.0.1:PORT/ or http://localhost:PORT/",
                                  self.workbench_url)
            error.hint = "the workbench listens on this machine only; put no token in the address"
            raise error
        for name in ("max_file_bytes", "max_line_chars"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise _config_error(name, "a positive whole number", value)
        if self.docstring_style not in DOCSTRING_STYLES:
            raise ConfigError(f"Config value 'docstring_style': expected one of "
                              f"{', '.join(DOCSTRING_STYLES)}, got {self.docstring_style!r}")

    @property
    def target_languages(self) -> tuple[str, ...]:
        """The languages translations are for (every configured one but English)."""
        return tuple(lang for lang in self.languages if lang != SOURCE_LANGUAGE)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, base_dir: Path | None = None,
                     origin: str | Path | None = None) -> SiteConfig:
        """Build a config from untyped values (a YAML mapping), checking each one's type.

        Relative paths are resolved against ``base_dir`` (the config file's folder; default
        the working folder). Raises ConfigError naming the value that is wrong and, when
        given, the ``origin`` file.
        """
        try:
            return cls(**_checked_values(values, base_dir or Path.cwd()))
        except ConfigError as err:
            raise err.with_path(origin) if origin is not None else err from None


def _checked_values(values: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """The constructor's keyword arguments from a mapping; ConfigError on a wrong type or name."""
    known = [field.name for field in fields(SiteConfig)]
    unknown = sorted(str(name) for name in values if name not in known)
    if unknown:
        raise ConfigError(f"Config value '{unknown[0]}': unknown option",
                          hint=f"the options are {', '.join(known)}")

    def path_of(name: str, default: str) -> Path:
        raw = values.get(name, default)
        if not isinstance(raw, (str, Path)) or not str(raw):
            raise _config_error(name, "a path", raw)
        return base / raw  # an absolute raw path stays as it is

    def strings_of(name: str, default: tuple[str, ...],
                   expected: str = "a list of strings") -> tuple[str, ...]:
        raw = values.get(name, default)
        if isinstance(raw, str) or not isinstance(raw, (list, tuple)) or \
                not all(isinstance(item, str) for item in raw):
            raise _config_error(name, expected, raw)
        return tuple(raw)

    def string_of(name: str, default: str, expected: str) -> str:
        raw = values.get(name, default)
        if raw is None:
            return default
        if not isinstance(raw, str):
            raise _config_error(name, expected, raw)
        return raw

    def limit_of(name: str, default: int) -> int:
        raw = values.get(name, default)
        if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
            raise _config_error(name, "a positive whole number", raw)
        return raw

    return {
        "max_file_bytes": limit_of("max_file_bytes", DEFAULT_MAX_FILE_BYTES),
        "max_line_chars": limit_of("max_line_chars", DEFAULT_MAX_LINE_CHARS),
        "source_dir": path_of("source_dir", DEFAULT_SOURCE_DIR),
        "translations_dir": path_of("translations_dir", DEFAULT_TRANSLATIONS_DIR),
        "languages": strings_of("languages", (SOURCE_LANGUAGE,), "a list of codes"),
        "repo_url": string_of("repo_url", "", "a URL"),
        "include": strings_of("include", DEFAULT_INCLUDE),
        "exclude": strings_of("exclude", ()),
        "guide_url": string_of("guide_url", DEFAULT_GUIDE_URL, "a site-relative URL"),
        "workbench_url": string_of("workbench_url", "", "a local URL"),
        "docstring_style": string_of("docstring_style", DEFAULT_DOCSTRING_STYLE,
                                     f"one of {', '.join(DOCSTRING_STYLES)}"),
    }

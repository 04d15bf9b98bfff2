"""The config guard: a loaded MkDocs config -> the same config made safe, and what was changed.

Part of the MkDocs adapter, run first by the plugin's ``on_config``. A hand-written
``mkdocs.yml`` can build a site that looks fine here and is wrong for readers: another theme
(no side-by-side layout, no language switcher), Material's Google Fonts or a repository
widget that calls the host's API (the site no longer works offline), scripts or styles from
a CDN. Each case is either mended in place and reported as a warning naming the setting and
how to make the fix permanent, or, when mending would change what the author asked for,
stopped with a :class:`ConfigError` naming the setting and the fix. It must not render pages.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig

from site_builder.errors import ConfigError, Location

# An address on another host: a scheme with a host, or protocol-relative.
_REMOTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//")


def guard_config(config: MkDocsConfig) -> list[str]:
    """Mend what can be mended in ``config`` (in place); return one warning per change.

    Raises:
        ConfigError: a setting that cannot be mended without changing the site the author
            asked for (a theme other than Material, a remote script, style or image).
    """
    where = Location(config.config_file_path) if config.config_file_path else Location()
    _require_material(config, where)
    _refuse_remote_assets(config, where)
    warnings = []
    if config.theme.get("font") is not False:
        # Material's default (and any named font) is fetched from fonts.googleapis.com.
        config.theme["font"] = False
        warnings.append("Config value 'theme.font': Material would load fonts from Google Fonts, "
                        "another host; turned off for this build (the site uses the reader's "
                        "system fonts). Add 'font: false' under theme: to say so yourself.")
    if config.repo_url:
        warnings.append(f"Config value 'repo_url': with it Material's header fetches the repository's "
                        f"stars and forks from the host's API on every page, a request to another "
                        f"host; ignored for this build. For \"View source\" links set the "
                        f"site_builder plugin's repo_url option to the source folder's address "
                        f"(e.g. {config.repo_url.rstrip('/')}/blob/main/src) and remove the top-level one.")
        config.repo_url = None
        config.repo_name = None
        config.edit_uri = None
    extra = config.extra
    if hasattr(extra, "get") and extra.get("analytics"):
        del extra["analytics"]
        warnings.append("Config value 'extra.analytics': the analytics script loads from another "
                        "host; dropped for this build. Remove extra.analytics from mkdocs.yml.")
    return warnings


def _require_material(config: MkDocsConfig, where: Location) -> None:
    name = config.theme.name
    if name != "material":
        raise ConfigError(f"Config value 'theme': site_builder needs the Material theme, got {name!r} "
                          f"(its pages have no room for notes beside code and no language switcher)",
                          location=where,
                          hint="set 'theme: {name: material, font: false}' in mkdocs.yml "
                               "(site-builder init writes a complete config)")


def _refuse_remote_assets(config: MkDocsConfig, where: Location) -> None:
    settings: list[tuple[str, object]] = [
        *(("extra_css", item) for item in config.extra_css),
        *(("extra_javascript", getattr(item, "path", item)) for item in config.extra_javascript),
        ("theme.logo", config.theme.get("logo")), ("theme.favicon", config.theme.get("favicon")),
    ]
    for setting, value in settings:
        if isinstance(value, str) and _REMOTE.match(value):
            raise ConfigError(f"Config value '{setting}': {value!r} loads from another host, so the "
                              f"site would not work offline", location=where,
                              hint="download the file into the docs folder and list its path "
                                   "relative to it instead")

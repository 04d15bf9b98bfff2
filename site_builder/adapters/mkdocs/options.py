"""The plugin's options in ``mkdocs.yml`` (``plugins: - site_builder: {...}``), checked by MkDocs.

Part of the MkDocs adapter. MkDocs validates them with these typed config options when it
loads ``mkdocs.yml``; :meth:`PluginOptions.site_config` turns them into the one
:class:`SiteConfig` the rest of the build reads. The meaning of each option is documented
once, on SiteConfig's field of the same name. (``project.py`` reads the same options without
loading MkDocs, for the commands that do not build.) This module must not load anything.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c

from site_builder.config import (
    DEFAULT_GUIDE_URL,
    DEFAULT_INCLUDE,
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_MAX_LINE_CHARS,
    DEFAULT_SOURCE_DIR,
    DEFAULT_TRANSLATIONS_DIR,
    DOCSTRING_STYLES,
    SOURCE_LANGUAGE,
    SiteConfig,
)


class PluginOptions(base.Config):
    """The plugin's options in ``mkdocs.yml`` (``plugins: - site_builder: {...}``)."""

    # The meaning of each option is documented once, on SiteConfig's field of the same name.
    source_dir = c.Type(str, default=DEFAULT_SOURCE_DIR)
    translations_dir = c.Type(str, default=DEFAULT_TRANSLATIONS_DIR)
    languages = c.ListOfItems(c.Type(str), default=[SOURCE_LANGUAGE])
    repo_url = c.Type(str, default="")
    include = c.ListOfItems(c.Type(str), default=list(DEFAULT_INCLUDE))
    exclude = c.ListOfItems(c.Type(str), default=[])
    guide_url = c.Type(str, default=DEFAULT_GUIDE_URL)
    max_file_bytes = c.Type(int, default=DEFAULT_MAX_FILE_BYTES)
    max_line_chars = c.Type(int, default=DEFAULT_MAX_LINE_CHARS)
    docstring_style = c.Choice(DOCSTRING_STYLES, default="auto")
    workbench_url = c.Type(str, default="")
    # The site's name in other languages ({ja: ...}); MkDocs' site_name is the English one.
    site_names = c.DictOfItems(c.Type(str), default={})

    def site_config(self, base_dir: Path) -> SiteConfig:
        """The options as the core's config, folders relative to ``base_dir`` (mkdocs.yml's)."""
        return SiteConfig(source_dir=base_dir / self.source_dir,
                          translations_dir=base_dir / self.translations_dir,
                          languages=tuple(self.languages), repo_url=self.repo_url,
                          include=tuple(self.include), exclude=tuple(self.exclude),
                          guide_url=self.guide_url, max_file_bytes=self.max_file_bytes,
                          max_line_chars=self.max_line_chars, docstring_style=self.docstring_style,
                          workbench_url=self.workbench_url)

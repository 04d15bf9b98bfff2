"""The site's own words: UI strings per language (``ui_strings.json``) and language names.

Generated pages, notices and the layout's chrome take their labels from :func:`ui_text`,
which falls back to English for a language the table lacks, so adding a language never
breaks a build. Language names come from Babel's locale data, in the language itself
(``日本語``). This module reads only its own table and renders nothing.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Mapping

from site_builder.config import SOURCE_LANGUAGE

_UI_STRINGS = Path(__file__).with_name("ui_strings.json")


def language_name(code: str) -> str:
    """The language's name in its own language, from Babel's locale data (the code if unknown)."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return code
    return (name[:1].upper() + name[1:]) if name else code


# --- UI strings and chrome ----------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _ui_table() -> Mapping[str, Mapping[str, str]]:
    return json.loads(_UI_STRINGS.read_text(encoding="utf-8"))


def ui_text(lang: str) -> dict[str, str]:
    """UI strings in ``lang``, English for any string (or language) the table lacks."""
    table = _ui_table()
    base = lang.replace("_", "-").split("-")[0]
    return {**table[SOURCE_LANGUAGE], **table.get(base, {}), **table.get(lang, {})}

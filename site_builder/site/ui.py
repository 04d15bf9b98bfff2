"""Site plan stage: SiteConfig + sources + hand-written pages -> SitePlan, and the generated pages.

The plan says which pages exist at which URL in each language (English at the root, every
other language under ``<code>/``), where the language switcher and ``hreflang`` links of a
page point (always the same page in the other language, or that language's home page if
the page does not exist there), and the canonical URL. It also renders the pages no author
writes: the home page listing the tutorials, the translation-status page, the glossary table
of the translation guide (rows from glossary.py), and the notice above notes shown in English;
and it puts a source page together (site links + :func:`site_builder.render.page.build_page`). This module must not
import MkDocs, read or write files (except its own UI-string table), or render notes.
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

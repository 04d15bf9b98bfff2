"""Invisible characters: translated text -> the same text without those that deceive a reader.

Bidi controls (embeddings, overrides, isolates) are invisible and reorder the text shown
("Trojan Source"); control characters have no place in prose. Both are reported by ``check``
(``translators.checks``) and removed wherever translated text reaches a page (notes by
``render.sanitize``, titles and summaries by ``render.page`` and ``text_html``). Other
invisible characters (:data:`INVISIBLE`) are legitimate in some scripts: ``check`` only warns
(:func:`hidden_characters` words what it reports). Pure: strings in, strings out.
"""

from __future__ import annotations

import re

#: Unicode's explicit bidirectional formatting characters (embeddings, overrides, isolates):
#: invisible, they reorder the text shown ("Trojan Source"), so translated text never keeps them.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: Control characters no text needs (C0 but tab, newline and carriage return; DEL; C1).
CONTROL_CHARACTERS = "".join(chr(c) for c in (*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20),
                                               *range(0x7f, 0xa0)))
_NEUTRALISED = re.compile(f"[{BIDI_CONTROLS}{CONTROL_CHARACTERS}]")


def strip_controls(text: str) -> str:
    """``text`` without bidi controls and control characters (``check`` reports them first).

    Zero-width joiner and non-joiner (U+200D, U+200C) stay: Persian, the Indic scripts and
    emoji sequences need them to shape their letters, and they reorder nothing."""
    return _NEUTRALISED.sub("", text) if _NEUTRALISED.search(text) else text


#: Invisible but at times legitimate: zero-width space (Thai, Khmer and Burmese word breaks),
#: LRM/RLM/ALM (Arabic and Hebrew beside Latin), word joiner, invisible math operators, a BOM
#: inside text, the Mongolian vowel separator. ZWJ and ZWNJ (U+200D, U+200C) are not listed:
#: Persian, the Indic scripts and emoji sequences need them to shape their letters.
INVISIBLE = "\u200b\u200e\u200f\u061c\u2060\u2061\u2062\u2063\u2064\ufeff\u180e"
#: Characters a reader cannot see: bidi controls, control characters, and the invisible ones.
HIDDEN = re.compile(f"[{BIDI_CONTROLS}{CONTROL_CHARACTERS}{INVISIBLE}]")


def hidden_characters(key: str, value: str) -> list[tuple[str, bool, str]]:
    """(check id, is an error, message) for the hidden characters of a translation ``value``:
    bidi controls and control characters always, invisible ones when ``key`` has none of them."""
    def named(chars: list[str]) -> str:
        return ", ".join(f"U+{ord(c):04X}" for c in sorted(set(chars)))

    found = []
    bidi = [c for c in value if c in BIDI_CONTROLS]
    if bidi:
        found.append(("bidi-control", True, f"bidi control character(s) {named(bidi)}: invisible, they "
                      "reorder the text shown; delete them (the build removes them)"))
    controls = [c for c in value if c in CONTROL_CHARACTERS]
    if controls:
        found.append(("control-character", True, f"control character(s) {named(controls)}; delete "
                      "them (the build removes them)"))
    invisible = [c for c in value if c in INVISIBLE and c not in key]
    if invisible:
        found.append(("invisible-character", False, f"invisible character(s) {named(invisible)} "
                      "not in the English; keep them only if the script needs them"))
    return found

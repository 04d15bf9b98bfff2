"""Invisible characters: translated text -> the same text without those that deceive a reader.

Bidi controls (embeddings, overrides, isolates) are invisible and reorder the text shown
("Trojan Source"); control characters have no place in prose. Both are reported by ``check``
(``translators.checks``) and removed wherever translated text reaches a page (notes by
``render.sanitize``, titles and summaries by ``render.page`` and ``text_html``). Other
invisible characters (:data:`INVISIBLE`) are legitimate in some scripts: ``check`` only warns
(:func:`hidden_characters` words what it reports, naming each character and where it is;
:func:`hidden_table` describes them all for the workbench, which shows each as a badge).
Pure: strings in, strings out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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


#: Short names of the hidden characters, as the workbench's badges show them.
_C0 = ("NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM "
       "SUB ESC FS GS RS US").split()
_C1 = ("PAD HOP BPH NBH IND NEL SSA ESA HTS HTJ VTS PLD PLU RI SS2 SS3 DCS PU1 PU2 STS CCH MW SPA EPA "
       "SOS SGCI SCI CSI ST OSC PM APC").split()
_SHORT = {"\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO",
          "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI", "\u200b": "ZWSP",
          "\u200e": "LRM", "\u200f": "RLM", "\u061c": "ALM", "\u2060": "WJ", "\u2061": "FA",
          "\u2062": "IT", "\u2063": "IS", "\u2064": "IP", "\ufeff": "BOM", "\u180e": "MVS",
          "\x7f": "DEL", **{chr(c): n for c, n in enumerate(_C0)},
          **{chr(0x80 + c): n for c, n in enumerate(_C1)}}
#: How many occurrences a finding lists before it only counts the rest.
_LISTED = 5


@dataclass(frozen=True)
class Hidden:
    """One hidden character as a translator is told of it: ``U+202E``, ``RLO``, its Unicode name,
    the check that reports it and whether that check is an error."""

    char: str
    code: str
    short: str
    name: str
    check: str
    error: bool


def describe(char: str) -> Hidden:
    """What ``char`` (one of :data:`HIDDEN`'s characters) is called and how ``check`` rates it."""
    code = f"U+{ord(char):04X}"
    short = _SHORT.get(char, code)
    # Control characters have no Unicode name, only the abbreviations above.
    name = unicodedata.name(char, "CONTROL CHARACTER")
    if char in BIDI_CONTROLS:
        return Hidden(char, code, short, name, "bidi-control", True)
    if char in CONTROL_CHARACTERS:
        return Hidden(char, code, short, name, "control-character", True)
    return Hidden(char, code, short, name, "invisible-character", False)


def hidden_table() -> list[dict[str, object]]:
    """Every hidden character described, for the workbench's page to draw its badges from."""
    chars = BIDI_CONTROLS + CONTROL_CHARACTERS + INVISIBLE
    return [{"char": h.char, "code": h.code, "short": h.short, "name": h.name,
             "severity": "error" if h.error else "warning"} for h in map(describe, chars)]


def hidden_positions(value: str) -> list[tuple[int, int, Hidden]]:
    """(line, column, character) of every hidden character of ``value``, both 1-based."""
    found = []
    for match in HIDDEN.finditer(value):
        start = match.start()
        line = value.count("\n", 0, start) + 1
        column = start - (value.rfind("\n", 0, start) + 1) + 1
        found.append((line, column, describe(match.group())))
    return found


def _listed(found: list[tuple[int, int, Hidden]]) -> str:
    words = [f"{h.code} {h.name} ({h.short}) at line {line}, column {column}"
             for line, column, h in found[:_LISTED]]
    if len(found) > _LISTED:
        words.append(f"and {len(found) - _LISTED} more")
    return "; ".join(words)


def hidden_characters(key: str, value: str) -> list[tuple[str, bool, str]]:
    """(check id, is an error, message) for the hidden characters of a translation ``value``:
    bidi controls and control characters always, invisible ones when ``key`` has none of them.
    Each message names the characters and where they are, since nothing shows them."""
    positions = hidden_positions(value)
    found = []
    bidi = [p for p in positions if p[2].check == "bidi-control"]
    if bidi:
        found.append(("bidi-control", True, f"bidi control character(s) {_listed(bidi)}: invisible, "
                      "they reorder the text shown; delete them (the build removes them)"))
    controls = [p for p in positions if p[2].check == "control-character"]
    if controls:
        found.append(("control-character", True, f"control character(s) {_listed(controls)}; delete "
                      "them (the build removes them)"))
    invisible = [p for p in positions if p[2].check == "invisible-character" and p[2].char not in key]
    if invisible:
        found.append(("invisible-character", False, f"invisible character(s) {_listed(invisible)} "
                      "not in the English; keep them only if the script needs them"))
    return found

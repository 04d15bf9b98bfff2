"""Lookup stage: units + a language's Catalog -> UnitResults and Orphans; placeholder restoring.

Each unit's key is looked up exactly, then by its whitespace-normalised form (see
:func:`normalize_key`), so a small renderer difference in spacing never loses a translation.
A unit with neither is fuzzy when the fuzzy sidecar holds a suggestion for it, else missing.
Catalog entries no unit used are orphans (placeholders and restoring them are in
``core.placeholders``). This module must not read files or render anything: its inputs are
already-loaded values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from site_builder.model import Catalog, Orphan, Suggestion, Unit, UnitResult, UnitState

# HTML's whitespace characters (not Python's \s, which also matches NO-BREAK SPACE and other
# characters a browser shows).
_HTML_SPACE = "[ \t\n\f\r]"
_SPACE_RUN = re.compile(f"{_HTML_SPACE}+")
# Tags at whose edges a browser drops whitespace: block boundaries, line breaks and rules.
_BLOCK_TAG_EDGE = re.compile(
    f"{_HTML_SPACE}*(</?(?:p|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|div|table|thead|tbody|tfoot|tr"
    f"|td|th|hr|br|pre|figure|figcaption|details|summary)(?:{_HTML_SPACE}[^<>]*)?/?>){_HTML_SPACE}*",
    re.IGNORECASE)


def normalize_key(key: str) -> str:
    """The form of a key that ignores spacing a browser does not show.

    Exactly two changes are made:

    1. every run of HTML whitespace (space, tab, newline, form feed, carriage return) becomes
       one space;
    2. whitespace at the start and end of the key, and next to block-level tags (``<p>``,
       ``</p>``, ``<li>``, ``<h2>``, ``<br>``...), is removed.

    So ``<p> Iterate </p>\\n`` and ``<p>Iterate</p>`` have the same form. Whitespace between
    two words, or between a word and an inline tag (``a <em>b</em>``), is kept as one space,
    so keys whose visible words differ ("a b" / "ab") never share a form; neither do keys that
    differ in case, punctuation, NO-BREAK SPACE, entities or placeholders.
    """
    collapsed = _SPACE_RUN.sub(" ", key)
    return _BLOCK_TAG_EDGE.sub(r"\1", collapsed).strip(" ")


def lookup(units: Sequence[Unit], catalog: Catalog,
           suggestions: Mapping[str, Suggestion] | None = None) -> tuple[list[UnitResult], list[Orphan]]:
    """Look each unit up in ``catalog``; return a result per unit (in order) and the orphans.

    A key is translated when its value is a non-empty string; an empty value counts as missing
    (it stands for "not translated yet"). When two catalog keys share a normalised form and
    neither is exact, the first in file order wins. Orphans are the catalog entries that no
    unit used, in file order.
    """
    entries = catalog.entries
    by_form: dict[str, str] | None = None  # built only if some key misses exactly
    used: set[str] = set()
    results = []
    for unit in units:
        matched = unit.key if unit.key in entries else None
        if matched is None:
            by_form = _index_by_form(entries) if by_form is None else by_form
            matched = by_form.get(normalize_key(unit.key))
        if matched is not None:
            used.add(matched)
        results.append(_result(unit, matched, entries, suggestions or {}))
    orphans = [Orphan(key=key, value=value, line=catalog.lines.get(key, 0))
               for key, value in entries.items() if key not in used]
    return results, orphans


def _index_by_form(entries: Mapping[str, str]) -> dict[str, str]:
    by_form: dict[str, str] = {}
    for key in entries:
        by_form.setdefault(normalize_key(key), key)
    return by_form


def _result(unit: Unit, matched: str | None, entries: Mapping[str, str],
            suggestions: Mapping[str, Suggestion]) -> UnitResult:
    value = entries[matched] if matched is not None else ""
    if value:
        return UnitResult(unit=unit, state=UnitState.TRANSLATED, text=value, matched_key=matched)
    suggestion = suggestions.get(unit.key)
    if suggestion is not None:
        return UnitResult(unit=unit, state=UnitState.FUZZY, matched_key=matched,
                          suggestion=suggestion.translation)
    return UnitResult(unit=unit, state=UnitState.MISSING, matched_key=matched)

"""Placeholders: the grammar of ``<span translate=no>_^_N_^_</span>`` in keys and translations.

A key stands for each masked original (math, code, image) by placeholder N, N counting from 0
in document order (:data:`PLACEHOLDER_TEMPLATE`, written by ``core.masking``). Translators
and machine translation alter the form in a few known ways; each variant still says
unmistakably "placeholder N" and is read as N: attribute quoted or spaced, tag names in
capitals, the span dropped, the span HTML-escaped, spaces inside the marker, ``^``
percent-encoded (``%5e``) or written as a character reference or full-width, full-width
underscores or digits. What is left of a marker nobody can read (``_^_x_^_``) is a
*remnant*: a page must never show one. This module holds the patterns and the string
functions on them (find, restore, renumber, show an original to a translator); it is pure:
no I/O, no HTML parsing, no rendering.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from site_builder.model import Protected, ProtectedKind

#: The exact text that stands for masked content number N inside a key.
PLACEHOLDER_TEMPLATE = "<span translate=no>_^_{}_^_</span>"

#: The canonical form only, as our own key renderer writes it; group 1 is N.
CANONICAL = re.compile(r"<span translate=no>_\^_(\d+)_\^_</span>")
#: The canonical form after an HTML serialiser quoted the attribute (nh3, html5ever).
SERIALISED = re.compile(r'<span translate="no">_\^_(\d+)_\^_</span>')

_UNDERSCORE = "[_\uff3f]"
_CARET = r"(?:\^|%5e|&#94;|&#x5e;|&Hat;|\uff3e)"
# \d is Unicode-aware, so full-width digits are read too (int() accepts them).
_MARKER = (f"{_UNDERSCORE}\\s*{_CARET}\\s*{_UNDERSCORE}\\s*(\\d+)\\s*"
           f"{_UNDERSCORE}\\s*{_CARET}\\s*{_UNDERSCORE}")
_QUOTE = "(?:\"|'|&quot;|&#x27;|&#39;)?"
_OPEN = f"(?:<|&lt;)span\\s+translate\\s*=\\s*{_QUOTE}no{_QUOTE}\\s*(?:>|&gt;)"
_CLOSE = "(?:<|&lt;)/span\\s*(?:>|&gt;)"

#: A bare marker in any spelling (``_%5e_0_%5e_``, ``_^_ 0 _^_``); group 1 is N.
MARKER = re.compile(_MARKER, re.IGNORECASE)
#: A placeholder in any spelling, the span optional; N is ``number(match)``.
ANY_FORM = re.compile(f"{_OPEN}\\s*{_MARKER}\\s*(?:{_CLOSE})?|{_MARKER}", re.IGNORECASE)
#: Half a marker (``_^_``): what remains of one that could not be read.
REMNANT = re.compile(f"{_UNDERSCORE}\\s*{_CARET}\\s*{_UNDERSCORE}", re.IGNORECASE)


def placeholder(number: int) -> str:
    """The canonical placeholder for masked original ``number``."""
    return PLACEHOLDER_TEMPLATE.format(number)


def number(match: re.Match[str]) -> int:
    """N of a match of :data:`ANY_FORM`."""
    return int(match.group(1) or match.group(2))


def find_placeholders(text: str) -> list[int]:
    """The placeholder numbers in ``text``, in order of appearance (repeats included).

    Recognises the canonical form and every variant described in the module docstring.
    """
    if _only_canonical(text):
        return canonical_numbers(text)
    return [number(match) for match in ANY_FORM.finditer(text)]


#: The one character every variant, marker and remnant holds (see ``_UNDERSCORE``).
_ANY_UNDERSCORE = re.compile(_UNDERSCORE)


def _only_canonical(text: str) -> bool:
    """Whether the canonical placeholders are all that ``ANY_FORM`` and ``REMNANT`` can find.

    Every variant, bare marker and remnant contains an underscore (ASCII or full-width); when
    none is left once the canonical placeholders are taken out, each match of ``ANY_FORM`` is
    exactly one canonical placeholder (scanning from the left it meets the ``<span`` first)
    and there is no remnant, so the cheap canonical pattern gives the same answer.
    """
    return _ANY_UNDERSCORE.search(CANONICAL.sub("", text)) is None


def canonical_numbers(text: str) -> list[int]:
    """The numbers of the canonical placeholders only, in order (repeats included)."""
    return [int(n) for n in CANONICAL.findall(text)]


#: A tag as the sanitiser writes it (``<`` and ``>`` in attribute values escaped).
_TAG = re.compile(r"<[^<>]*>")


def restore_placeholders(text: str, rendered: Sequence[str]) -> str | None:
    """Replace each placeholder N in ``text`` (any form) by ``rendered[N]``; None when not safe.

    Placeholders are restored in text content only: ``text`` is sanitised HTML, and one
    inside a tag (an attribute's value) makes the result None, as do a placeholder's number
    out of range for ``rendered`` and a remnant of a damaged marker: the caller then shows the
    English notes instead, so a reader never sees a raw placeholder. Placeholders that are
    missing or repeated are not refused here: the page still reads correctly, and
    ``site-builder check`` reports them to the translator.
    """
    if _only_canonical(text):
        numbers = canonical_numbers(text)
        if any(found >= len(rendered) for found in numbers):
            return None
        return CANONICAL.sub(lambda m: rendered[int(m.group(1))], text)
    pieces: list[str] = []
    last = 0
    inside_tags = [(tag.start(), tag.end()) for tag in _TAG.finditer(text)]
    for match in ANY_FORM.finditer(text):
        between = text[last:match.start()]
        found = number(match)
        if found >= len(rendered) or REMNANT.search(between):
            return None
        if any(start < match.start() < end for start, end in inside_tags):
            return None  # in an attribute (escaped by the sanitiser): restored in text only
        # Only the translation's own text is searched for remnants, never rendered HTML,
        # which may legitimately contain "_^_" (in code, say).
        pieces += (between, rendered[found])
        last = match.end()
    tail = text[last:]
    if REMNANT.search(tail):
        return None
    return "".join(pieces) + tail


def restore_canonical(key: str, rendered: Sequence[str]) -> str:
    """Replace the canonical placeholders of an English key; out-of-range ones stay as they are.

    Keys come from our own renderer, so only the canonical form needs reading.
    """
    return CANONICAL.sub(
        lambda m: rendered[int(m.group(1))] if int(m.group(1)) < len(rendered) else m.group(0), key)


def replace_canonical(text: str, replacement: Callable[[int], str]) -> str:
    """``text`` with each canonical placeholder N replaced by ``replacement(N)``."""
    return CANONICAL.sub(lambda m: replacement(int(m.group(1))), text)


def recanonicalise(html: str) -> str:
    """Give placeholders an HTML serialiser quoted (``translate="no"``) their canonical spelling."""
    return SERIALISED.sub(lambda m: placeholder(int(m.group(1))), html)


# --- showing originals to translators ---------------------------------------------------------


def show_original(original: Protected) -> str:
    """An original as it was written in the notes: ``$x$``, ``$$x$$``, ```` `x` ````, ``![a](u)``, a fence."""
    if original.kind is ProtectedKind.INLINE_MATH:
        return f"${original.source}$"
    if original.kind is ProtectedKind.DISPLAY_MATH:
        return f"$${original.source}$$"
    if original.kind is ProtectedKind.CODE_SPAN:
        return f"`{original.source}`"
    if original.kind is ProtectedKind.IMAGE:
        return f"![{original.alt}]({original.url})"
    return f"```{original.language}\n{original.source}\n```"


def describe_placeholder(found: int, originals: Sequence[Protected], limit: int = 40) -> str:
    """``_^_3_^_ ($W_{ij}$)``: the number, and in brief what it stands for when the unit is known."""
    if found >= len(originals):
        return f"_^_{found}_^_"
    original = originals[found]
    if original.kind is ProtectedKind.IMAGE:
        shown = f"image {original.alt or original.url}"
    elif original.kind is ProtectedKind.CODE_BLOCK:
        shown = "code block"
    else:
        shown = show_original(original)
    shown = " ".join(shown.split())
    return f"_^_{found}_^_ ({shown if len(shown) <= limit else shown[:limit - 3] + '...'})"

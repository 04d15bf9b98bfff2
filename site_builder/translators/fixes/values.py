"""Mechanical repairs (``site-builder check --fix``): a (key, value) pair -> a mended value, or the same.

Four defects have an answer the key shows, so they are mended rather than only reported:
damaged placeholders (``_%5e_0_%5e_``, ``&lt;span translate=no&gt;``...) are written
canonically; stray spaces inside tags (``</ p>``, ``< p>``) are removed; text and inline
content left outside any block (the ``。`` after ``</p>``, a link after its paragraph) move into
the block before it (or after it, at the start), while a placeholder the key also has between
blocks (a display formula) stays put; a link nested in another link is unnested,
each link wrapping the text the key (or another translation of the same address) shows it wraps
when that text is in the value, else the text a browser would give it, else the two halves of
the inner text either side of a joining particle (``による``, ``、``); an outer link wrapping no
words of its own moves onto the words the key shows it wraps when they stand unlinked earlier
in its block. Every repair only moves or
rewrites tags: the translator's visible text is compared before and after (whitespace aside)
and a repair that would change it is not made; nor is one that does not remove an error
``check`` reports or adds another. Input is strings, output strings and a list of what was
done; this module must not read or write files (see :mod:`.fixfiles`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from site_builder.model import Protected, Severity
from site_builder.render.htmltokens import LOOSE_TAG, LOOSE_TOKEN_OR_PLACEHOLDER, SPACED_TAG
from site_builder.render.htmltree import BLOCK_TAGS, parse_html, visible_text
from site_builder.render.placeholders import (
    CANONICAL,
    find_placeholders,
    placeholder,
    restore_placeholders,
)
from site_builder.translators.checks import check_value
from site_builder.translators.fixes.links import LinkTexts, fix_nested_links, tag_of

# Token grammars are the one tokenizer's (render.htmltokens): its loose ones, for damaged markup;
# LOOSE_TOKEN_OR_PLACEHOLDER finds what stands between blocks (a placeholder is one text token).
# Blocks that hold text directly: moved content goes inside the last of these.
_TEXT_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th",
                          "figcaption", "summary", "blockquote"})


@dataclass(frozen=True, slots=True)
class Fixed:
    """A value after repair and the names of the repairs made (empty: unchanged)."""

    value: str
    applied: tuple[str, ...] = ()


def fix_value(key: str, value: str, *, originals: Sequence[Protected] = (),
              link_texts: LinkTexts | None = None) -> Fixed:
    """Mend what is mechanical in ``value`` (a translation of ``key``); never change its text.

    Args:
        link_texts: see :func:`translated_link_texts`; lets a nested link be unnested around
            the words other translations already link to the same address.
    """
    if not value.strip() or not key.strip():
        return Fixed(value)
    applied = []
    for name, repair in _REPAIRS:
        candidate = repair(key, value, link_texts or {})
        if candidate is None or candidate == value:
            continue
        if text_signature(candidate) != text_signature(value):
            continue  # a repair may move tags, never the translator's words
        if _improves(key, value, candidate, originals):
            value = candidate
            applied.append(name)
    return Fixed(value, tuple(applied))


def text_signature(value: str) -> str:
    """What a reader reads in ``value``, placeholders as one mark each and spacing ignored."""
    canonical = _canonical_placeholders(value) or value
    canonical = _tidy_tags(canonical, None)  # "< /p>" is a damaged tag, not the translator's words
    return re.sub(r"\s+", "", visible_text(canonical, placeholders="\x00"))


def _error_checks(key: str, value: str, originals: Sequence[Protected]) -> Counter[str]:
    return Counter(p.check for p in check_value(key, value, originals=originals)
                   if p.severity is Severity.ERROR)


def _improves(key: str, before: str, after: str, originals: Sequence[Protected]) -> bool:
    """True when ``after`` has fewer errors than ``before`` and no kind of error it did not have.

    One finding reports every nested link of a value, so unnesting some of them (and leaving
    the rest for a person) counts as fewer errors too.
    """
    old, new = _error_checks(key, before, originals), _error_checks(key, after, originals)
    if set(new) - set(old):
        return False
    if sum(new.values()) != sum(old.values()):
        return sum(new.values()) < sum(old.values())
    return len(parse_html(after).nested_links) < len(parse_html(before).nested_links)


# --- damaged placeholders ---------------------------------------------------------------------


def _canonical_placeholders(value: str) -> str | None:
    """``value`` with every readable placeholder in canonical form (None: a marker is unreadable)."""
    numbers = find_placeholders(value)
    if not numbers:
        return value
    canonical = [placeholder(n) for n in range(max(numbers) + 1)]
    return restore_placeholders(value, canonical)


def _fix_placeholders(key: str, value: str, link_texts: LinkTexts) -> str | None:
    return _canonical_placeholders(value)


# --- spaces inside tags -------------------------------------------------------------------------


def _fix_tag_spacing(key: str, value: str, link_texts: LinkTexts) -> str | None:
    """``</ p>``, ``< p >`` -> ``</p>``, ``<p>``: a parser reads the spaced forms as text."""
    if not SPACED_TAG.search(value):
        return None
    return _tidy_tags(value, {match.group(2).lower() for match in LOOSE_TAG.finditer(key)})


def _tidy_tags(value: str, names: set[str] | None) -> str:
    """Spaced tags written tightly; only tags named in ``names`` (None: any tag)."""
    def tidy(match: re.Match[str]) -> str:
        tag = LOOSE_TAG.fullmatch(match.group(0))
        if tag is None or (names is not None and tag.group(2).lower() not in names):
            return match.group(0)
        closing, name, attributes, self_closing = tag.groups()
        return f"<{closing}{name.lower()}{attributes}{self_closing}>"

    return SPACED_TAG.sub(tidy, value)


# --- content outside any block ------------------------------------------------------------------


def _fix_outside_blocks(key: str, value: str, link_texts: LinkTexts) -> str | None:
    """Move each run of text or inline tags standing between top-level blocks into a block.

    A placeholder the key itself has between blocks (a display formula) stays where it is and
    ends a run, so ``</p>。<span translate=no>_^_3_^_</span><p>`` moves only the ``。``.
    """
    anchored = _top_level_placeholders(key)
    tokens = LOOSE_TOKEN_OR_PLACEHOLDER.findall(value)
    depth = 0
    run: list[int] = []
    runs: list[list[int]] = []  # the token indices of each run at depth 0
    for index, token in enumerate(tokens):
        tag = tag_of(token)
        is_block = tag is not None and tag[1] in BLOCK_TAGS
        if depth == 0 and _placeholder_number(token) in anchored:
            if run:
                runs.append(run)
            run = []
            continue
        if depth == 0 and not is_block:
            run.append(index)
        elif run:
            runs.append(run)
            run = []
        if tag is not None and is_block:
            if tag[0] == "open":
                depth += 1
            elif tag[0] == "close":
                depth = max(0, depth - 1)
    if run:
        runs.append(run)
    moved = False
    for run in reversed(runs):  # from the end, so earlier indices stay valid
        if _has_content(tokens, run) and _move_run(tokens, run):
            moved = True
    return "".join(tokens) if moved else None


def _top_level_placeholders(text: str) -> set[int]:
    """Numbers of the placeholders ``text`` has outside any block."""
    depth = 0
    found: set[int] = set()
    for token in LOOSE_TOKEN_OR_PLACEHOLDER.findall(text):
        tag = tag_of(token)
        if tag is not None and tag[1] in BLOCK_TAGS:
            depth = depth + 1 if tag[0] == "open" else max(0, depth - 1) if tag[0] == "close" else depth
        elif depth == 0 and (number := _placeholder_number(token)) is not None:
            found.add(number)
    return found


def _placeholder_number(token: str) -> int | None:
    match = CANONICAL.fullmatch(token)
    return int(match.group(1)) if match else None


def _has_content(tokens: list[str], run: list[int]) -> bool:
    """True when a run shows something: text, or a link or placeholder (not a stray end tag)."""
    for index in run:
        tag = tag_of(tokens[index])
        if (tag is None and tokens[index].strip()) or (tag is not None and tag[0] == "open"):
            return True
    return False


def _move_run(tokens: list[str], run: list[int]) -> bool:
    """Move the run's content (its edges' whitespace stays) into the block before, else after."""
    text = "".join(tokens[i] for i in run)
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    content = text.strip()
    start, end = run[0], run[-1]
    target = _last_text_block_close(tokens, start)
    if target is not None:
        for i in run:
            tokens[i] = ""
        tokens[start] = lead + trail
        tokens[target] = content + tokens[target]
        return True
    target = _first_text_block_open(tokens, end + 1)
    if target is None:
        return False
    for i in run:
        tokens[i] = ""
    tokens[end] = lead + trail
    tokens[target] = tokens[target] + content
    return True


def _last_text_block_close(tokens: list[str], before: int) -> int | None:
    """Index of the closing tag of the last text-holding block ending before ``before``."""
    for index in range(before - 1, -1, -1):
        tag = tag_of(tokens[index])
        if tag is None:
            if tokens[index].strip():
                return None
            continue
        if tag[0] == "close" and tag[1] in _TEXT_BLOCKS:
            return index
        if tag[1] not in BLOCK_TAGS:
            return None
    return None


def _first_text_block_open(tokens: list[str], after: int) -> int | None:
    for index in range(after, len(tokens)):
        tag = tag_of(tokens[index])
        if tag is None:
            if tokens[index].strip():
                return None
            continue
        if tag[0] == "open" and tag[1] in _TEXT_BLOCKS:
            return index
        if tag[1] not in BLOCK_TAGS:
            return None
    return None


_REPAIRS: tuple[tuple[str, Callable[[str, str, LinkTexts], str | None]], ...] = (
    ("placeholders", _fix_placeholders),
    ("tag-spacing", _fix_tag_spacing),
    ("outside-block", _fix_outside_blocks),
    ("nested-link", fix_nested_links),
)

"""``check --fix``'s hardest repair: a link nested in another link, unnested around the right words.

Part of ``translators.fixes``: called by ``values.fix_value`` as its ``nested-link`` repair
(a key, a value and the texts other translations link to the same addresses -> the value with
its links side by side, or None). Each link wraps the text the key (or another translation of
the same address) shows it wrapping when that text is in the value, else the text a browser
would give it, else the two halves of the inner text either side of a joining particle
(``による``, ``、``); an outer link wrapping no words of its own moves onto the words the key
shows it wraps when they stand unlinked earlier in its block. Like every repair it only moves
tags; ``values`` checks that the translator's text is unchanged. No file I/O here.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from site_builder.render.htmltokens import LOOSE_TAG, LOOSE_TOKEN
from site_builder.render.htmltree import BLOCK_TAGS, VOID_TAGS, parse_html, visible_text
from site_builder.render.placeholders import canonical_numbers, replace_canonical

# Token grammars are the one tokenizer's (render.htmltokens); an atom is a placeholder, a tag, an
# entity or one character.
_ATOM = re.compile(r"(?P<placeholder><span translate=no>_\^_\d+_\^_</span>)|<[^<>]*>"
                   r"|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);|.", re.DOTALL)
# How a placeholder counts when looking for a link's words: as one word of its own.
_PLACEHOLDER_MARK = "\ufffc"
_LINK_IN_KEY = re.compile(r"<a\b[^>]*\bhref=\"([^\"]*)\"[^>]*>(.*?)</a>", re.DOTALL)
_PUNCTUATION_EDGE = " \t\n、。，．,.;:；：！？!?"

LinkTexts = Mapping[str, Sequence[str]]
"""href -> texts that link already wraps in other translations of the same language."""


def tag_of(token: str) -> tuple[str, str] | None:
    """('open'|'close'|'void', name) of a tag token; None for text."""
    match = LOOSE_TAG.fullmatch(token)
    if match is None:
        return None
    name = match.group(2).lower()
    if match.group(1):
        return "close", name
    return ("void" if name in VOID_TAGS or match.group(4) else "open"), name


def fix_nested_links(key: str, value: str, link_texts: LinkTexts) -> str | None:
    """Unnest links one pair at a time; each step must leave one nested link fewer."""
    key_texts = {href: [text, *link_texts.get(href, ())] for href, text in _link_texts(key).items()}
    key_order = list(_link_texts(key))
    current, skipped = value, 0
    for _ in range(20):  # each step removes one nesting; a value holds few links
        nested = len(parse_html(current).nested_links)
        if nested <= skipped:
            break
        step = _unnest_first(current, key_texts, key_order, skip=skipped)
        if step is None or len(parse_html(step).nested_links) >= nested:
            skipped += 1  # this one is left for a person; the next may still be mended
            continue
        current = step
    return current if current != value else None


def translated_link_texts(values: Iterable[str]) -> dict[str, list[str]]:
    """href -> the texts links with that href wrap in ``values`` (values with a nested link skipped).

    A translator renders a page's link to "Proximal Policy Optimization" the same way in most
    files, so these texts show where a link belongs when a nested one must be unnested.
    """
    found: dict[str, Counter[str]] = {}
    for value in values:
        if "<a" not in value or parse_html(value).nested_links:
            continue
        for href, text in _link_texts(value).items():
            if text:
                found.setdefault(href, Counter())[text] += 1
    return {href: [text for text, _ in counts.most_common()] for href, counts in found.items()}


def _link_texts(key: str) -> dict[str, str]:
    """href -> the visible text the key's link wraps (the first link with that href)."""
    texts: dict[str, str] = {}
    for href, inner in _LINK_IN_KEY.findall(key):
        marked = replace_canonical(inner, _placeholder_shown)  # a link may wrap just a formula
        texts.setdefault(html.unescape(href), " ".join(visible_text(marked, placeholders="").split()))
    return texts


def _placeholder_shown(number: int) -> str:
    """How placeholder N is shown when matching link texts: a word no prose contains."""
    return f"{_PLACEHOLDER_MARK}{number}{_PLACEHOLDER_MARK}"


@dataclass(frozen=True, slots=True)
class _Atom:
    raw: str
    """The value's own characters (one character, one entity, or one whole tag)."""
    shown: str
    """What a reader sees of it ('' for tags)."""


def _unnest_first(value: str, key_texts: Mapping[str, Sequence[str]], key_order: Sequence[str],
                  skip: int = 0) -> str | None:
    """The value with its first link-in-a-link (after ``skip`` others) unnested; None when no
    placement checks out."""
    tokens = LOOSE_TOKEN.findall(value)
    found = _first_nesting(tokens)
    for _ in range(skip):
        found = found and _first_nesting(tokens, start=found[3] + 1)
    if found is None:
        return None
    outer_open, inner_open, inner_close, outer_close = found
    # An outer link never closed ends where its block does: that block tag is kept.
    tail_start = outer_close + 1 if tag_of(tokens[outer_close]) == ("close", "a") else outer_close
    outer_href = _href(tokens[outer_open])
    inner_href = _href(tokens[inner_open])
    before = _atoms(tokens[outer_open + 1:inner_open])
    inside = _atoms(tokens[inner_open + 1:inner_close])
    after = _atoms(tokens[inner_close + 1:outer_close])
    atoms = before + inside + after
    inner_span = (len(before), len(before) + len(inside))
    outer_first = (outer_href in key_order and inner_href in key_order
                   and key_order.index(outer_href) < key_order.index(inner_href))
    for outer_range, inner_range in _placements(atoms, inner_span, key_texts.get(outer_href, ()),
                                                key_texts.get(inner_href, ()), outer_first):
        middle = _wrap(atoms, [(outer_range, tokens[outer_open]), (inner_range, tokens[inner_open])])
        if middle is None:
            continue
        candidate = "".join(tokens[:outer_open]) + middle + "".join(tokens[tail_start:])
        if len(parse_html(candidate).nested_links) < len(parse_html(value).nested_links):
            return candidate
    if not (_has_words(before, (0, len(before))) or _has_words(after, (0, len(after)))):
        return _relocate_outer(tokens, found, tail_start, key_texts.get(outer_href, ()))
    return None


def _relocate_outer(tokens: list[str], found: tuple[int, int, int, int], tail_start: int,
                    outer_texts: Sequence[str]) -> str | None:
    """An outer link wrapping nothing but the inner one moves onto its own words earlier in
    the block (``PyTorchの論文…<a outer><a inner>…</a>`` -> ``<a outer>PyTorch</a>の論文…``),
    when the words the key shows it wraps stand there outside any link."""
    outer_open, _, _, outer_close = found
    start = outer_open
    while start > 0 and (tag_of(tokens[start - 1]) or ("", ""))[1] not in BLOCK_TAGS:
        start -= 1
    prefix = _atoms(tokens[start:outer_open])
    depth, linked = 0, []
    for atom in prefix:
        tag = tag_of(atom.raw) if atom.raw.startswith("<") else None
        if tag is not None and tag[1] == "a":
            depth += 1 if tag[0] == "open" else -1 if tag[0] == "close" else 0
        linked.append(depth > 0 or tag is not None)
    spot = _find_any(prefix, [text for text in outer_texts if len(text.strip()) > 1], prefer=None)
    if spot is None or any(linked[spot[0]:spot[1]]):
        return None
    moved = ([atom.raw for atom in prefix[:spot[0]]] + [tokens[outer_open]]
             + [atom.raw for atom in prefix[spot[0]:spot[1]]] + ["</a>"]
             + [atom.raw for atom in prefix[spot[1]:]])
    inner_part = tokens[outer_open + 1:outer_close]
    return "".join(tokens[:start] + moved + inner_part + tokens[tail_start:])


def _first_nesting(tokens: list[str], start: int = 0) -> tuple[int, int, int, int] | None:
    """Token indices of <a outer>, <a inner>, the inner's </a> and the outer's </a>, for the
    first nesting from ``start`` on.

    When the outer link is never closed, the last index is its block's end tag instead.
    """
    opened: list[int] = []
    # Set together: outer and inner when a link opens inside another, inner_close at inner's </a>
    outer: int | None = None
    inner: int | None = None
    inner_close: int | None = None
    for index in range(start, len(tokens)):
        token = tokens[index]
        tag = tag_of(token)
        if tag is None:
            continue
        if tag[1] != "a":
            if tag[0] == "close" and tag[1] in BLOCK_TAGS and opened:
                if outer is not None and inner is not None and inner_close is not None and opened == [outer]:
                    return outer, inner, inner_close, index  # the outer link's </a> is missing
                if inner is not None:
                    return None  # a nesting across blocks: not one a repair can read
                opened.clear()  # links do not cross blocks; an unclosed one ends here
            continue
        if tag[0] == "open":
            if opened and inner is None:
                outer, inner = opened[-1], index
            opened.append(index)
        elif tag[0] == "close" and opened:
            closed = opened.pop()
            if closed == inner:
                inner_close = index
            elif closed == outer and inner is not None and inner_close is not None:
                return outer, inner, inner_close, index
            elif closed == outer:
                return None  # the inner link outlives the outer: not a simple nesting
    return None


def _href(tag: str) -> str:
    match = re.search(r"\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", tag)
    return html.unescape(next(g for g in match.groups() if g is not None)) if match else ""


def _atoms(tokens: Sequence[str]) -> list[_Atom]:
    """Characters, tags and whole placeholders (a link may wrap a placeholder, never cut one)."""
    atoms = []
    for match in _ATOM.finditer("".join(tokens)):
        piece = match.group(0)
        if match.group("placeholder"):
            atoms.append(_Atom(piece, _placeholder_shown(canonical_numbers(piece)[0])))
        elif piece.startswith("<") and tag_of(piece) is not None:
            atoms.append(_Atom(piece, ""))
        else:
            atoms.append(_Atom(piece, html.unescape(piece)))
    return atoms


Range = tuple[int, int]


def _placements(atoms: list[_Atom], inner_span: Range, outer_texts: Sequence[str],
                inner_texts: Sequence[str], outer_first: bool) -> list[tuple[Range, Range]]:
    """Where the two links could go, best first.

    First the texts the key (or other translations) show each link wraps; then a browser's
    reading (the outer link keeps the text before the inner one, or after it); last, when
    the outer link has no text of its own, the inner text split at a separator (``、``, a
    particle, "and"), the parts given in the key's order.
    """
    found_inner = _find_any(atoms, inner_texts, prefer=inner_span)
    found_outer = _find_any(atoms, outer_texts, prefer=None)
    options: list[tuple[Range, Range]] = []
    if found_inner is not None:
        if found_outer is not None and not _overlap(found_outer, found_inner):
            options.append((found_outer, found_inner))
        options += [(side, found_inner) for side in _sides(atoms, found_inner)]
    if found_outer is not None:
        if not _overlap(found_outer, inner_span):
            options.append((found_outer, inner_span))
        options += [(found_outer, side) for side in _sides(atoms, found_outer, within=inner_span)]
    options += [(side, inner_span) for side in _sides(atoms, inner_span)]
    split = _split(atoms, inner_span)
    if split is not None:
        first, second, swapped = split
        options.append((first, second) if outer_first != swapped else (second, first))
    return [(_trim(atoms, o), _trim(atoms, i)) for o, i in options]


def _find_any(atoms: list[_Atom], texts: Sequence[str], prefer: Range | None) -> Range | None:
    for text in texts:
        found = _find_text(atoms, text, prefer)
        if found is not None:
            return found
    return None


# Where a translated phrase joins two linked names, and whether the names come in the
# English order around it: "A and B" is "AとB", but "A with B" is "BによるA" and "A instead
# of B" is "Bの代わりにA" (the modifier first), so around these the parts are swapped.
_SEPARATORS = {"を備えた": True, "を用いた": True, "による": True, "のための": True, "の代わりに": True,
               "および": False,
               "及び": False, "、": False, "，": False, "；": False, "と": False, "和": False,
               " with ": False, " and ": False, ", ": False}
# Particles left at a link's edge when it was cut at a separator: outside the link.
_EDGE_PARTICLES = tuple(separator for separator in _SEPARATORS if len(separator.strip()) > 1)


def _split(atoms: list[_Atom], span: Range) -> tuple[Range, Range, bool] | None:
    """Two ranges of ``span`` either side of the separator nearest its middle (both with words),
    and whether the separator puts the names in the reverse of the English order."""
    shown, starts = "", []
    for index in range(span[0], span[1]):
        starts += [index] * len(atoms[index].shown)
        shown += atoms[index].shown
    middle = len(shown) / 2
    best = None
    for separator in _SEPARATORS:
        for match in re.finditer(re.escape(separator), shown):
            if match.start() == 0 or match.end() >= len(shown):
                continue
            first = (span[0], starts[match.start()])
            second = (starts[match.end() - 1] + 1, span[1])
            if not (_has_words(atoms, first) and _has_words(atoms, second)):
                continue
            distance = abs((match.start() + match.end()) / 2 - middle)
            if best is None or distance < best[0]:
                best = (distance, first, second, _SEPARATORS[separator])
    return None if best is None else best[1:]


def _find_text(atoms: list[_Atom], text: str, prefer: Range | None) -> Range | None:
    """The atom range showing ``text`` (case-insensitive), inside ``prefer`` when possible."""
    if not text.strip():
        return None
    shown, starts = "", []
    for index, atom in enumerate(atoms):
        starts += [index] * len(atom.shown)
        shown += atom.shown
    folded, needle = shown.casefold(), text.casefold()
    if len(folded) != len(shown):
        return None
    hits = [m.start() for m in re.finditer(re.escape(needle), folded)]
    if not hits:
        return None
    if prefer is not None:
        inside = [h for h in hits if prefer[0] <= starts[h] < prefer[1]]
        hits = inside or hits
    first = hits[0]
    return starts[first], starts[first + len(needle) - 1] + 1


def _sides(atoms: list[_Atom], taken: Range, within: Range | None = None) -> list[Range]:
    """The text before ``taken`` and the text after it (inside ``within``), those that have words."""
    start, end = within or (0, len(atoms))
    sides = ((start, taken[0]), (taken[1], end))
    return [side for side in sides if side[0] < side[1] and _has_words(atoms, side)]


def _has_words(atoms: list[_Atom], span: Range) -> bool:
    return any(char.isalnum() for atom in atoms[span[0]:span[1]] for char in atom.shown)


def _overlap(first: Range, second: Range) -> bool:
    return first[0] < second[1] and second[0] < first[1]


def _trim(atoms: list[_Atom], span: Range) -> Range:
    """Leave spaces, sentence punctuation and a joining particle at a link's edges outside it."""
    start, end = span
    while start < end and atoms[start].shown and atoms[start].shown in _PUNCTUATION_EDGE:
        start += 1
    while end > start and atoms[end - 1].shown and atoms[end - 1].shown in _PUNCTUATION_EDGE:
        end -= 1
    shown = "".join(atom.shown for atom in atoms[start:end])
    for particle in _EDGE_PARTICLES:
        if shown.endswith(particle) and len(shown) > len(particle) and end - start > len(particle):
            tail = "".join(atom.shown for atom in atoms[end - len(particle):end])
            if tail == particle:
                return start, end - len(particle)
    return start, end


def _wrap(atoms: list[_Atom], links: list[tuple[Range, str]]) -> str | None:
    """The atoms with each (range, opening tag) wrapped in a link; None if ranges are unusable."""
    spans = sorted(links)
    if any(start >= end for (start, end), _ in spans) or _overlap(spans[0][0], spans[1][0]):
        return None
    pieces, position = [], 0
    for (start, end), opening in spans:
        pieces += [atom.raw for atom in atoms[position:start]]
        pieces += [opening, *(atom.raw for atom in atoms[start:end]), "</a>"]
        position = end
    pieces += [atom.raw for atom in atoms[position:]]
    return "".join(pieces)

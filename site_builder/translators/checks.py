"""Translator checks: a catalog's (key, translation) pairs -> :class:`Finding` values.

Each value is compared with its own key, so checks need no sources: both are parsed into a
small tree (``render.htmltree``, the parser the build uses too), and the tree is reduced to a
skeleton (the block elements, and where each link and placeholder sits). The check ids are stable;
scripts and CI may rely on them:

=================== ======== ==========================================================
id                  severity what it means
=================== ======== ==========================================================
empty               warning  the value is empty: the page shows the English notes
untranslated        warning  the value equals the key although the key has words
placeholders        error    the set or count of placeholders differs from the key's
placeholder-mangled error    a placeholder is damaged (``_%5e_0_%5e_``, ``_^_ 0 _^_``,
                             a quoted or changed ``<span translate=no>``...)
nested-link         error    a link inside another link
block-in-paragraph  error    a block element (``<ul>``, ``<div>``...) inside ``<p>``: a browser
                             ends the paragraph there (the build shows the English)
unbalanced-tags     error    a tag is not closed, closed twice, or closed out of order
outside-block       error    a link or placeholder left its paragraph, heading or list
                             item and now stands outside any block
text-after-block    error    text (often ``。``) outside any block, e.g. after ``</p>``
structure           error    the blocks differ from the key's (count, kind, nesting), or
                             a link or placeholder moved to another block (the page still
                             shows the translation; only ``check`` reports this)
placeholder-link    error    a placeholder moved into or out of a link
hrefs               error    the link targets (``href``) or anchors (``id``) differ
unsafe-html         error    script, style, iframe, object, embed..., an ``on*`` event
                             attribute, a javascript:/vbscript:/data: URL, a ``name``,
                             or a ``class`` our renderer does not write (``render.classes``;
                             the build removes both)
placeholder-in-     error    a placeholder (or a piece of one) inside an attribute value:
attribute                    placeholders are restored in text only (the build shows English)
bidi-control        error    a Unicode bidi control (U+202A-U+202E, U+2066-U+2069): invisible,
                             it reorders the text shown; the build removes it
control-character   error    a control character (C0 but tab and newlines, DEL, C1); the
                             build removes it
invisible-character warning  a zero-width space, LRM/RLM/ALM, word joiner, invisible operator
                             or BOM the key does not have: legitimate in some scripts, so
                             kept, but shown to the translator (ZWJ and ZWNJ are not
                             reported: Persian, the Indic scripts and emoji need them)
markup-in-text      error    a plain-text value (a title or summary, whose key has no
                             HTML) holds a tag, comment or character reference: pages
                             show it as the characters typed, never as HTML
glossary            both     a term's required rendering is missing (warning) or a
                             forbidden rendering is used (error); see glossary.py
=================== ======== ==========================================================

A key is plain text when it does not start with a tag (every notes key starts with a block
or a placeholder); its value gets only the markup-in-text and glossary checks.

Input is a :class:`Catalog` (plus, optionally, the units' masked originals, to show
placeholders as their LaTeX or code, and a glossary); output is a list of findings, one per
entry and check id. This module must not write files nor change any value; only
:func:`check_cache_files` reads (the caches and glossaries it is given).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.catalog.store import load_catalog
from site_builder.catalog.translate import normalize_key
from site_builder.errors import Location, SiteBuilderError, TranslationFileError, at_file
from site_builder.model import Catalog, Finding, Protected, Severity
from site_builder.parallel import fork_map
from site_builder.render.classes import NOTE_CLASSES, RENDERER_CLASS_PREFIXES
from site_builder.render.controls import HIDDEN, hidden_characters
from site_builder.render.htmltokens import (
    STRIDE,
    placeholder_texts,
    plain_tokens,
    same_tags,
    span_texts,
    text_at,
    text_layout,
)
from site_builder.render.htmltree import (
    BLOCK_TAGS,
    VOID_TAGS,
    ParsedHtml,
    iter_elements,
    parse_html,
    text_of,
    visible_text,
)
from site_builder.render.placeholders import (
    CANONICAL,
    MARKER,
    REMNANT,
    canonical_numbers,
    describe_placeholder,
    find_placeholders,
)
from site_builder.render.sanitize import URL_ATTRIBUTES, is_dangerous_url, plain_text_markup
from site_builder.translators.glossary import Glossary, find_glossary
from site_builder.translators.skeleton import Skeleton, Spot, describe_block, skeleton

if TYPE_CHECKING:  # corpus imports the whole pipeline; checks only needs its type
    from site_builder.catalog.corpus import Corpus

_UNSAFE_TAGS = frozenset({"script", "style", "iframe", "frame", "frameset", "object", "embed",
                          "applet", "base", "form", "meta", "link"})


# --- the checks -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One check's verdict on one value (a Finding without file and line)."""

    check: str
    severity: Severity
    message: str


def _error(check: str, message: str) -> Problem:
    return Problem(check, Severity.ERROR, message)


def _warning(check: str, message: str) -> Problem:
    return Problem(check, Severity.WARNING, message)


def check_value(key: str, value: str, *, originals: Sequence[Protected] = (),
                glossary: Glossary | None = None) -> list[Problem]:
    """Every problem of one translation ``value`` of ``key``, in the order of the table above."""
    hidden = _hidden_character_problems(key, value) if HIDDEN.search(value) else []
    return _content_problems(key, value, originals, glossary) + hidden


def _hidden_character_problems(key: str, value: str) -> list[Problem]:
    return [Problem(check, Severity.ERROR if error else Severity.WARNING, message)
            for check, error, message in hidden_characters(key, value)]


def _content_problems(key: str, value: str, originals: Sequence[Protected],
                      glossary: Glossary | None) -> list[Problem]:
    if not value.strip():
        return [_warning("empty", "the translation is empty; the page shows the English notes")] \
            if key.strip() else []
    if value == key or ("".join(value.split()) == "".join(key.split())
                        and normalize_key(value) == normalize_key(key)):
        return [_warning("untranslated", "the translation is the English text")] \
            if has_words(key) else []
    if is_plain_text_key(key):
        problems = _markup_problems(key, value)
        if glossary is not None:
            problems += [Problem("glossary", severity, message)
                         for severity, message in glossary.violations(key, value)]
        return problems
    same = _same_markup_problems(key, value, originals, glossary)
    if same is not None:
        return same
    key_html, value_html = parse_html(key), parse_html(value)
    key_facts, value_facts = _element_facts(key_html), _element_facts(value_html)
    problems = _placeholder_problems(key, value, originals)
    problems += _tag_problems(key_html, value_html)
    problems += _layout_problems(skeleton(key_html), skeleton(value_html), originals)
    problems += _href_problems(key_facts[0], value_facts[0])
    problems += _unsafe_problems(key_facts[1], value_facts[1])
    if glossary is not None:
        key_text = text_of(key_html.nodes, " ")
        value_text = text_of(value_html.nodes, " ")
        problems += [Problem("glossary", severity, message)
                     for severity, message in glossary.violations(key_text, value_text)]
    return problems


def _same_markup_problems(key: str, value: str, originals: Sequence[Protected],
                          glossary: Glossary | None) -> list[Problem] | None:
    """The problems of a value whose tags are exactly its key's (most are), found without
    trees; None for any other value, or when a problem needs the trees to be described.

    Same tags, same attributes, same texts after each ``<span>`` (so the same placeholders in
    the same places): every tree check but the stray-text one compares equal parts, and
    that one only needs the texts outside blocks and links."""
    key_tokens, value_tokens = plain_tokens(key), plain_tokens(value)
    if key_tokens is None or value_tokens is None or not same_tags(key_tokens, value_tokens):
        return None
    if any(key_tokens[i] != value_tokens[i] for i in span_texts(key_tokens)):
        return None
    loose, clean = text_layout(key_tokens, BLOCK_TAGS, VOID_TAGS)
    if not clean:
        return None  # repaired markup: the tree describes it
    placeholders = placeholder_texts(key_tokens)  # not text: a placeholder is never stray
    loose = [i for i in loose if i not in placeholders]
    if any(text_at(value_tokens, i).strip() for i in loose) and \
            not any(text_at(key_tokens, i).strip() for i in loose):
        return None  # text-after-block: the tree names it
    problems = _placeholder_problems(key, value, originals)
    if glossary is not None:  # the texts as text_of reads them: a placeholder is a space
        def text(tokens: list[str]) -> str:
            return "".join(" " if i in placeholders else text_at(tokens, i) for i in range(0, len(tokens), STRIDE))

        problems += [Problem("glossary", severity, message)
                     for severity, message in glossary.violations(text(key_tokens), text(value_tokens))]
    return problems


def is_plain_text_key(key: str) -> bool:
    """True for a title or summary key: text, not HTML (notes keys start with a tag)."""
    return not key.lstrip().startswith("<")


def _markup_problems(key: str, value: str) -> list[Problem]:
    markup = plain_text_markup(value, key)
    if not markup:
        return []
    shown = ", ".join(dict.fromkeys(markup[:5]))
    return [_error("markup-in-text", f"markup in a plain-text value: {shown}; titles and summaries "
                   "are shown as typed, so write the text only (no tags or &-references)")]


def has_words(key: str) -> bool:
    """True when the key has letters outside tags and placeholders (something to translate)."""
    return any(char.isalpha() for char in visible_text(key))


def _placeholder_problems(key: str, value: str, originals: Sequence[Protected]) -> list[Problem]:
    rest = CANONICAL.sub(" ", value)
    # every variant, marker and remnant holds an underscore (ASCII or fullwidth)
    if ("_" not in rest and "\uff3f" not in rest
            and sorted(canonical_numbers(key)) == sorted(canonical_numbers(value))):
        return []
    expected = Counter(canonical_numbers(key))
    canonical = Counter(canonical_numbers(value))
    variants = Counter(find_placeholders(rest))
    damaged = [rest[max(0, m.start() - 22):m.end() + 7].strip() for m in MARKER.finditer(rest)]
    damaged += _remnants(MARKER.sub(" ", rest))
    problems = []
    if variants or damaged:
        shown = "; ".join(repr(text) if not text.startswith("unreadable") else text for text in damaged[:3])
        problems.append(_error("placeholder-mangled",
                               f"damaged placeholder: {shown}; write each as "
                               "<span translate=no>_^_N_^_</span> exactly as in the key"))
    found = canonical + variants
    if found != expected:
        problems.append(_error("placeholders", _placeholder_difference(expected, found, originals)))
    return problems


def _remnants(text: str) -> list[str]:
    """Describe pieces of markers nobody can read (``_^_x_^_``), one per damaged marker."""
    found, last_end = [], -100
    for match in REMNANT.finditer(text):
        if match.start() > last_end + 12:  # the two halves of one marker are reported once
            near = text[max(0, match.start() - 15):match.end() + 15].strip()
            found.append(f"unreadable marker near {near!r}")
        last_end = match.end()
    return found


def _placeholder_difference(expected: Counter[int], found: Counter[int],
                            originals: Sequence[Protected]) -> str:
    parts = []
    for label, numbers in (("missing", expected - found), ("not in the key", found - expected)):
        if numbers:
            listed = ", ".join(describe_placeholder(n, originals) for n in sorted(numbers.elements()))
            parts.append(f"{label}: {listed}")
    return "placeholders differ from the key's; " + "; ".join(parts)


def _tag_problems(key_html: ParsedHtml, value_html: ParsedHtml) -> list[Problem]:
    problems: list[Problem] = []
    if not (value_html.nested_links or value_html.blocks_in_paragraph or value_html.tag_problems
            or value_html.attribute_placeholders):
        return problems  # nothing the key could excuse (most values)
    nested = Counter(value_html.nested_links) - Counter(key_html.nested_links)
    if nested:
        problems.append(_error("nested-link", "a link inside another link: "
                               + "; ".join(sorted(nested.elements()))
                               + "; close the first link before the next one starts"))
    in_paragraph = Counter(value_html.blocks_in_paragraph) - Counter(key_html.blocks_in_paragraph)
    if in_paragraph:
        problems.append(_error("block-in-paragraph", "; ".join(sorted(in_paragraph.elements()))
                               + "; close the paragraph (</p>) before the block starts"))
    unbalanced = Counter(value_html.tag_problems) - Counter(key_html.tag_problems)
    if unbalanced:
        problems.append(_error("unbalanced-tags", "tags do not match: "
                               + "; ".join(sorted(unbalanced.elements()))))
    in_attributes = Counter(value_html.attribute_placeholders) - Counter(key_html.attribute_placeholders)
    if in_attributes:
        problems.append(_error("placeholder-in-attribute", "; ".join(sorted(in_attributes.elements()))
                               + "; placeholders belong in the text: move it out of the attribute"))
    return problems


def _layout_problems(key: Skeleton, value: Skeleton, originals: Sequence[Protected]) -> list[Problem]:
    problems = []
    if value.stray_text and not key.stray_text:
        shown = ", ".join(repr(text if len(text) <= 20 else text[:20] + "...")
                          for text in value.stray_text[:3])
        problems.append(_error("text-after-block", f"text outside any block: {shown}; "
                               "move it inside the paragraph (before </p>)"))
    same_blocks = key.blocks == value.blocks
    if not same_blocks:
        problems.append(_error("structure", f"blocks differ: the key has {_list_blocks(key.blocks)}, "
                               f"the translation {_list_blocks(value.blocks)}"))
    outside, moved, link_moves = _compare_spots(key, value, same_blocks, originals)
    if outside:
        problems.append(_error("outside-block", "; ".join(outside)
                               + "; keep it inside its block as in the key"))
    if moved:
        problems.append(_error("structure", "; ".join(moved)))
    if link_moves:
        problems.append(_error("placeholder-link", "; ".join(link_moves)))
    return problems


def _list_blocks(blocks: Sequence[str]) -> str:
    return ", ".join(blocks) if blocks else "no block"


def _compare_spots(key: Skeleton, value: Skeleton, same_blocks: bool,
                   originals: Sequence[Protected]) -> tuple[list[str], list[str], list[str]]:
    """Describe links and placeholders that left their block or link (outside, moved, link)."""
    outside: list[str] = []
    moved: list[str] = []
    link_moves: list[str] = []
    key_spots = dict(reversed(key.placeholders))  # first occurrence wins
    for number, spot in dict(reversed(value.placeholders)).items():
        was = key_spots.get(number)
        if was is None:
            continue
        name = f"placeholder {describe_placeholder(number, originals)}"
        _place(name, was, spot, same_blocks, outside, moved)
        if was.link != spot.link:
            link_moves.append(f"{name} moved {'out of' if was.link else 'into'} the link "
                              f"{was.link or spot.link}")
    key_links: dict[str, set[str]] = {}
    for href, spot in key.links:
        key_links.setdefault(href, set()).add(spot.block)
    for href, spot in value.links:
        blocks = key_links.get(href)
        if blocks is not None and spot.block not in blocks:
            _place(f"link {href}", Spot(sorted(blocks)[0]), spot, same_blocks, outside, moved)
    return outside, moved, link_moves


def _place(name: str, was: Spot, spot: Spot, same_blocks: bool, outside: list[str],
           moved: list[str]) -> None:
    if was.block and not spot.block:
        outside.append(f"{name} is outside any block (in the key it is in {describe_block(was.block)})")
    elif same_blocks and was.block != spot.block:
        moved.append(f"{name} moved from {describe_block(was.block)} to {describe_block(spot.block)}")


def _element_facts(parsed: ParsedHtml) -> tuple[set[str], list[str]]:
    """(link targets and anchors, unsafe parts) of a parsed key or value, in one walk."""
    targets: set[str] = set()
    unsafe: list[str] = []
    for element in iter_elements(parsed.nodes):
        if element.tag in _UNSAFE_TAGS:
            unsafe.append(f"<{element.tag}>")
        for name, value in element.attrs:
            if name == "href" and element.tag == "a":
                targets.add(f'href="{element.attr("href")}"')
            elif name == "id":
                targets.add(f'id="{element.attr("id")}"')
            if name.startswith("on"):
                unsafe.append(f"{name}= on <{element.tag}>")
            elif name == "name":
                unsafe.append(f"name= on <{element.tag}>")
            elif name == "class":
                unsafe += [f'class "{token}" on <{element.tag}>' for token in value.split()
                           if token not in NOTE_CLASSES and not token.startswith(RENDERER_CLASS_PREFIXES)]
            elif name in URL_ATTRIBUTES and is_dangerous_url(value):
                unsafe.append(f'{name}="{value[:30]}" on <{element.tag}>')
            elif name == "style" and re.search(r"expression\s*\(|javascript:", value, re.I):
                unsafe.append(f"style with script on <{element.tag}>")
    return targets, unsafe


def _href_problems(expected: set[str], found: set[str]) -> list[Problem]:
    if expected == found:
        return []
    parts = [f"{label}: {', '.join(sorted(items))}" for label, items
             in (("missing", expected - found), ("not in the key", found - expected)) if items]
    return [_error("hrefs", "link targets differ from the key's; " + "; ".join(parts))]


def _unsafe_problems(key_parts: list[str], value_parts: list[str]) -> list[Problem]:
    if not value_parts:
        return []
    unsafe = Counter(value_parts) - Counter(key_parts)
    if not unsafe:
        return []
    return [_error("unsafe-html", "unsafe HTML: " + "; ".join(sorted(unsafe))
                   + "; remove it (pages never run scripts from translations)")]


# --- catalogs and corpora ---------------------------------------------------------------------


def run_checks(catalog: Catalog, *, glossary: Glossary | None = None,
               originals: Mapping[str, Sequence[Protected]] | None = None,
               sections: Mapping[str, str] | None = None, jobs: int = 1) -> list[Finding]:
    """Check every entry of ``catalog``; findings name its file by absolute path.

    Args:
        originals: key -> the unit's masked originals, so messages show placeholders as
            their LaTeX or code (keys without units, e.g. orphans, show only numbers).
        sections: key -> the id of the page section the unit is in (``Finding.section``).
        jobs: processes to share a large catalog among (forked; the findings are the same).
    """
    items = list(catalog.entries.items())
    originals = originals or {}

    def check_slice(bounds: tuple[int, int]) -> list[tuple[int, list[Problem]]]:
        found = []
        for index in range(*bounds):
            key, value = items[index]
            problems = check_value(key, value, originals=originals.get(key, ()), glossary=glossary)
            if problems:
                found.append((index, problems))
        return found

    slices = _slices(len(items), jobs)
    shared = fork_map(check_slice, slices, jobs) if len(slices) > 1 else None
    results = shared if shared is not None else [check_slice(bounds) for bounds in slices]
    findings = []
    file = catalog.path.absolute()
    for index, problems in (pair for part in results for pair in part):
        key = items[index][0]
        section = (sections or {}).get(key, "")
        findings += [Finding(file=file, key=key, check=p.check, severity=p.severity,
                             message=p.message, line=catalog.lines.get(key, 0), section=section)
                     for p in problems]
    return findings


#: Entries below which a catalog is checked in one process (forking costs more than it saves).
_ENTRIES_TO_FORK = 4000


def _slices(count: int, jobs: int) -> list[tuple[int, int]]:
    """[start, stop) ranges covering ``count`` entries: one, or a few per process for large ones."""
    if jobs <= 1 or count < _ENTRIES_TO_FORK:
        return [(0, count)]
    size = -(-count // (jobs * 4))
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def check_corpus(corpus: Corpus, glossaries: Mapping[str, Glossary], *, jobs: int = 1) -> list[Finding]:
    """Check every cache of a loaded corpus (stale caches too), file by file in sorted order;
    a source's own findings (Python cannot compile it, a line over the limit) come first."""
    findings: list[Finding] = []
    for corpus_file in corpus.files:
        findings += corpus_file.source.findings
        for lang, translation in corpus_file.translations.items():
            originals = {unit.key: unit.masked.originals for unit in corpus_file.units}
            originals.update({r.matched_key: r.unit.masked.originals
                              for r in translation.results if r.matched_key})
            sections = {unit.key: unit.section_id for unit in reversed(corpus_file.units)}
            sections.update({r.matched_key: r.unit.section_id
                             for r in reversed(translation.results) if r.matched_key})
            findings += run_checks(translation.catalog, glossary=glossaries.get(lang),
                                   originals=originals, sections=sections, jobs=jobs)
    for stale in corpus.stale_caches:
        findings += run_checks(stale.catalog, glossary=glossaries.get(stale.catalog.lang), jobs=jobs)
    return findings


def has_errors(findings: Sequence[Finding]) -> bool:
    return any(finding.severity is Severity.ERROR for finding in findings)


def check_cache_files(paths: Sequence[Path], translations_dir: Path | None = None, *, languages: Sequence[str] = (),
                      jobs: int = 1) -> tuple[list[Finding], list[SiteBuilderError]]:
    """Check cache files on their own (no sources): each value against its own key.

    A folder stands for every cache below it (sidecars and glossaries left out). The language
    comes from the name (``x.ja.json``; only ``languages`` are checked when given); the glossary
    from ``translations_dir`` or the nearest ``glossary.<lang>.json`` above the file. A
    malformed file (or one that is not a cache) is returned as an error with ``path:line:col``
    and the other files are still checked, so one bad file never hides the findings of the
    rest. Reads files, never writes.
    """
    findings: list[Finding] = []
    errors: list[SiteBuilderError] = []
    for path in expand_cache_paths(paths):
        if languages and path.name.split(".")[-2:-1] not in [[lang] for lang in languages]:
            continue
        try:
            findings += _check_cache_file(path, translations_dir, jobs)
        except SiteBuilderError as err:
            errors.append(err)
    return findings, errors


def expand_cache_paths(paths: Sequence[Path]) -> list[Path]:
    """The cache files ``paths`` name: a file as given, a folder as every cache below it, sorted
    (fuzzy/archive sidecars and glossaries left out)."""
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir():
            expanded += sorted(p for p in path.rglob("*.json") if _is_cache_name(p.name))
        else:
            expanded.append(path)
    return expanded


def _is_cache_name(name: str) -> bool:
    parts = name.split(".")
    return (len(parts) >= 3 and parts[-1] == "json" and parts[-2] not in ("fuzzy", "archive")
            and not (len(parts) == 3 and parts[0] == "glossary"))


def _check_cache_file(path: Path, translations_dir: Path | None, jobs: int = 1) -> list[Finding]:
    if not _is_cache_name(path.name):
        raise TranslationFileError("not a translation cache (expected <file id>.<lang>.json)",
                                   location=Location(path),
                                   hint="pass cache files such as translations/x/__init__.ja.json")
    lang = path.name.split(".")[-2]
    with at_file(path):
        catalog = load_catalog(path, lang)
        glossary = find_glossary(path, lang, translations_dir)
    return run_checks(catalog, glossary=glossary, jobs=jobs)

"""Translator checks: a catalog's (key, translation) pairs -> :class:`Finding` values.

Each value is compared with its own key, so checks need no sources: both are parsed with the
standard library's ``html.parser`` into a small tree, and the tree is reduced to a skeleton
(the block elements, and where each link and placeholder sits). The check ids are stable;
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
unbalanced-tags     error    a tag is not closed, closed twice, or closed out of order
outside-block       error    a link or placeholder left its paragraph, heading or list
                             item and now stands outside any block
text-after-block    error    text (often ``。``) outside any block, e.g. after ``</p>``
structure           error    the blocks differ from the key's (count, kind, nesting), or
                             a link or placeholder moved to another block
placeholder-link    error    a placeholder moved into or out of a link
hrefs               error    the link targets (``href``) or anchors (``id``) differ
unsafe-html         error    script, style, iframe, object, embed..., an ``on*`` event
                             attribute, or a javascript:/vbscript:/data: URL
glossary            both     a term's required rendering is missing (warning) or a
                             forbidden rendering is used (error); see glossary.py
=================== ======== ==========================================================

Input is a :class:`Catalog` (plus, optionally, the units' masked originals, to show
placeholders as their LaTeX or code, and a glossary); output is a list of findings, one per
entry and check id. This module must not write files nor change any value; only
:func:`check_cache_files` reads (the caches and glossaries it is given).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from site_builder.errors import Location, SiteBuilderError, TranslationFileError, at_file
from site_builder.translators.glossary import Glossary, find_glossary
from site_builder.model import Catalog, Finding, Protected, ProtectedKind, Severity
from site_builder.core.store import load_catalog
from site_builder.core.translate import find_placeholders, normalize_key

if TYPE_CHECKING:  # corpus imports the whole pipeline; checks only needs its type
    from site_builder.core.corpus import Corpus

#: Tags that make a block: text and links must sit inside one of these.
BLOCK_TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "pre",
    "blockquote", "div", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "hr",
    "figure", "figcaption", "details", "summary", "section", "article", "aside",
})
_VOID_TAGS = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area",
                        "base", "embed", "source", "track", "param"})
_UNSAFE_TAGS = frozenset({"script", "style", "iframe", "frame", "frameset", "object", "embed",
                          "applet", "base", "form", "meta", "link"})
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "background",
                             "poster", "cite", "data", "srcset"})
_UNSAFE_SCHEME = re.compile(r"^(?:javascript|vbscript|data):", re.IGNORECASE)
# Browsers ignore control characters and whitespace inside a URL scheme ("java\tscript:").
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_CANONICAL = re.compile(r"<span translate=no>_\^_(\d+)_\^_</span>")
_UNDERSCORE = "[_\uff3f]"
_CARET = r"(?:\^|%5e|&#94;|&#x5e;|&Hat;|\uff3e)"
# A marker in any spelling translate.find_placeholders still reads ("_%5e_0_%5e_", "_^_ 0 _^_").
_VARIANT_MARKER = re.compile(rf"{_UNDERSCORE}\s*{_CARET}\s*{_UNDERSCORE}\s*[0-9\uff10-\uff19]+\s*"
                             rf"{_UNDERSCORE}\s*{_CARET}\s*{_UNDERSCORE}", re.IGNORECASE)
# Half a marker left after the readable ones are removed ("_^_x_^_"): nobody can restore it.
_MARKER_REMNANT = re.compile(rf"{_UNDERSCORE}\s*{_CARET}\s*{_UNDERSCORE}", re.IGNORECASE)


# --- a small HTML tree ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """Character data, entities already decoded."""

    data: str


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A canonical ``<span translate=no>_^_N_^_</span>``."""

    number: int


@dataclass(frozen=True, slots=True)
class Element:
    """Any other tag with its attributes (values decoded) and children."""

    tag: str
    attrs: tuple[tuple[str, str], ...]
    children: tuple["Node", ...] = ()

    def attr(self, name: str) -> str | None:
        return next((value for key, value in self.attrs if key == name), None)


Node = Text | Placeholder | Element


@dataclass(frozen=True, slots=True)
class ParsedHtml:
    """A value or key parsed: the top-level nodes and what the parser saw go wrong."""

    nodes: tuple[Node, ...]
    nested_links: tuple[str, ...] = ()
    """One description per ``<a>`` opened inside another ``<a>``."""
    tag_problems: tuple[str, ...] = ()
    """Unclosed, stray or out-of-order tags, described."""


class _TreeBuilder(HTMLParser):
    """Builds :class:`ParsedHtml`, closing what HTML leaves open and noting each repair."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, list[tuple[str, str]], list[Node], str]] = [("", [], [], "")]
        self.nested: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pairs = [(name, value or "") for name, value in attrs]
        if tag in _VOID_TAGS:
            self.stack[-1][2].append(Element(tag, tuple(pairs)))
            return
        if tag == "a" and any(open_tag == "a" for open_tag, *_ in self.stack):
            outer = next(a for t, a, *_ in reversed(self.stack) if t == "a")
            self.nested.append(f"{_show_tag('a', pairs)} inside {_show_tag('a', outer)}")
        self.stack.append((tag, pairs, [], self.get_starttag_text() or ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1][2].append(Element(tag, tuple((n, v or "") for n, v in attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS:
            return
        open_tags = [entry[0] for entry in self.stack]
        if tag not in open_tags[1:]:
            self.problems.append(f"</{tag}> closes nothing")
            return
        while self.stack[-1][0] != tag:
            self.problems.append(f"<{self.stack[-1][0]}> is closed by </{tag}>")
            self._pop()
        self._pop()

    def handle_data(self, data: str) -> None:
        siblings = self.stack[-1][2]
        if siblings and isinstance(siblings[-1], Text):
            siblings[-1] = Text(siblings[-1].data + data)
        else:
            siblings.append(Text(data))

    def _pop(self) -> None:
        tag, attrs, children, raw = self.stack.pop()
        self.stack[-1][2].append(_element_or_placeholder(tag, attrs, children, raw))

    def result(self) -> ParsedHtml:
        self.close()
        while len(self.stack) > 1:
            self.problems.append(f"<{self.stack[-1][0]}> is never closed")
            self._pop()
        return ParsedHtml(tuple(self.stack[0][2]), tuple(self.nested), tuple(self.problems))


def _element_or_placeholder(tag: str, attrs: list[tuple[str, str]], children: list[Node],
                            raw: str) -> Node:
    """A canonical ``<span translate=no>_^_N_^_</span>`` becomes a Placeholder leaf."""
    if tag == "span" and raw == "<span translate=no>" and len(children) == 1:
        child = children[0]
        match = re.fullmatch(r"_\^_(\d+)_\^_", child.data) if isinstance(child, Text) else None
        if match:
            return Placeholder(int(match.group(1)))
    return Element(tag, tuple(attrs), tuple(children))


def parse_html(html: str) -> ParsedHtml:
    """Parse key or value HTML into a tree, never raising: repairs are listed instead."""
    builder = _TreeBuilder()
    builder.feed(html)
    return builder.result()


def _show_tag(tag: str, attrs: Sequence[tuple[str, str]]) -> str:
    shown = "".join(f' {name}="{value}"' for name, value in attrs if name in ("href", "id"))
    return f"<{tag}{shown}>"


def iter_elements(nodes: Sequence[Node]):
    """Every element under ``nodes``, depth first, in document order."""
    for node in nodes:
        if isinstance(node, Element):
            yield node
            yield from iter_elements(node.children)


def visible_text(html: str, *, placeholders: str = " ") -> str:
    """The text a reader sees (tags dropped, entities decoded); placeholders become ``placeholders``."""
    return _text_of(parse_html(html).nodes, placeholders)


def _text_of(nodes: Sequence[Node], placeholder_text: str) -> str:
    parts = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(node.data)
        elif isinstance(node, Placeholder):
            parts.append(placeholder_text)
        elif node.tag not in ("script", "style"):
            parts.append(_text_of(node.children, placeholder_text))
    return "".join(parts)


# --- the skeleton: where each link and placeholder sits --------------------------------------


@dataclass(frozen=True, slots=True)
class Spot:
    """Where a link or placeholder sits: its block path ('' = outside any block) and link."""

    block: str
    """E.g. ``p#2`` or ``ul#1/li#3``: tag and 1-based index among its block siblings."""
    link: str | None = None
    """The href of the link it is inside (placeholders only)."""


@dataclass(frozen=True, slots=True)
class Skeleton:
    blocks: tuple[str, ...]
    """Signature of each top-level block, e.g. ``h2``, ``p``, ``ul(li,li)``."""
    placeholders: tuple[tuple[int, Spot], ...]
    links: tuple[tuple[str, Spot], ...]
    stray_text: tuple[str, ...]
    """Non-blank text found outside any block, in order."""


@dataclass
class _SkeletonWalk:
    placeholders: list[tuple[int, Spot]] = field(default_factory=list)
    links: list[tuple[str, Spot]] = field(default_factory=list)
    stray: list[str] = field(default_factory=list)


def skeleton(parsed: ParsedHtml) -> Skeleton:
    """Reduce a parsed key or value to its blocks and the spots of its links and placeholders."""
    walk = _SkeletonWalk()
    _walk(parsed.nodes, "", None, walk)
    blocks = tuple(_signature(node) for node in parsed.nodes
                   if isinstance(node, Element) and node.tag in BLOCK_TAGS)
    return Skeleton(blocks, tuple(walk.placeholders), tuple(walk.links), tuple(walk.stray))


def _walk(nodes: Sequence[Node], block: str, link: str | None, walk: _SkeletonWalk) -> None:
    counts: Counter[str] = Counter()
    for node in nodes:
        if isinstance(node, Placeholder):
            walk.placeholders.append((node.number, Spot(block, link)))
        elif isinstance(node, Text):
            # Text of a link outside any block is reported with the link, not twice.
            if not block and link is None and node.data.strip():
                walk.stray.append(node.data.strip())
        elif node.tag in BLOCK_TAGS:
            counts[node.tag] += 1
            path = f"{block}/{node.tag}#{counts[node.tag]}" if block else f"{node.tag}#{counts[node.tag]}"
            _walk(node.children, path, link, walk)
        elif node.tag == "a" and node.attr("href") is not None:
            walk.links.append((node.attr("href") or "", Spot(block, link)))
            _walk(node.children, block, node.attr("href"), walk)
        else:
            _walk(node.children, block, link, walk)


def _signature(element: Element) -> str:
    inner = [_signature(child) for child in element.children
             if isinstance(child, Element) and child.tag in BLOCK_TAGS]
    return f"{element.tag}({','.join(inner)})" if inner else element.tag


def _describe_block(block: str) -> str:
    names = {"p": "paragraph", "li": "list item", "ul": "list", "ol": "list", "pre": "code block"}
    last = block.rsplit("/", 1)[-1]
    tag, _, index = last.partition("#")
    name = f"heading {tag}" if re.fullmatch(r"h[1-6]", tag) else names.get(tag, f"<{tag}>")
    return f"{name} {index}" if block else "outside any block"


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
    if not value.strip():
        return [_warning("empty", "the translation is empty; the page shows the English notes")] \
            if key.strip() else []
    if value == key or normalize_key(value) == normalize_key(key):
        return [_warning("untranslated", "the translation is the English text")] \
            if has_words(key) else []
    key_html, value_html = parse_html(key), parse_html(value)
    problems = _placeholder_problems(key, value, originals)
    problems += _tag_problems(key_html, value_html)
    problems += _layout_problems(skeleton(key_html), skeleton(value_html), originals)
    problems += _href_problems(key_html, value_html)
    problems += _unsafe_problems(key_html, value_html)
    if glossary is not None:
        key_text = _text_of(key_html.nodes, " ")
        value_text = _text_of(value_html.nodes, " ")
        problems += [Problem("glossary", severity, message)
                     for severity, message in glossary.violations(key_text, value_text)]
    return problems


def has_words(key: str) -> bool:
    """True when the key has letters outside tags and placeholders (something to translate)."""
    return any(char.isalpha() for char in visible_text(key))


def _placeholder_problems(key: str, value: str, originals: Sequence[Protected]) -> list[Problem]:
    expected = Counter(int(n) for n in _CANONICAL.findall(key))
    canonical = Counter(int(n) for n in _CANONICAL.findall(value))
    rest = _CANONICAL.sub(" ", value)
    variants = Counter(find_placeholders(rest))
    damaged = [rest[max(0, m.start() - 22):m.end() + 7].strip() for m in _VARIANT_MARKER.finditer(rest)]
    damaged += _remnants(_VARIANT_MARKER.sub(" ", rest))
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
    for match in _MARKER_REMNANT.finditer(text):
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
            listed = ", ".join(_show_placeholder(n, originals) for n in sorted(numbers.elements()))
            parts.append(f"{label}: {listed}")
    return "placeholders differ from the key's; " + "; ".join(parts)


def _show_placeholder(number: int, originals: Sequence[Protected]) -> str:
    """``_^_3_^_ ($W_{ij}$)``: the number, and what it stands for when the unit is known."""
    if number >= len(originals):
        return f"_^_{number}_^_"
    original = originals[number]
    shown = {ProtectedKind.INLINE_MATH: f"${original.source}$",
             ProtectedKind.DISPLAY_MATH: f"$${original.source}$$",
             ProtectedKind.CODE_SPAN: f"`{original.source}`",
             ProtectedKind.IMAGE: f"image {original.alt or original.url}",
             ProtectedKind.CODE_BLOCK: "code block"}[original.kind]
    shown = " ".join(shown.split())
    return f"_^_{number}_^_ ({shown if len(shown) <= 40 else shown[:37] + '...'})"


def _tag_problems(key_html: ParsedHtml, value_html: ParsedHtml) -> list[Problem]:
    problems = []
    nested = Counter(value_html.nested_links) - Counter(key_html.nested_links)
    if nested:
        problems.append(_error("nested-link", "a link inside another link: "
                               + "; ".join(sorted(nested.elements()))
                               + "; close the first link before the next one starts"))
    unbalanced = Counter(value_html.tag_problems) - Counter(key_html.tag_problems)
    if unbalanced:
        problems.append(_error("unbalanced-tags", "tags do not match: "
                               + "; ".join(sorted(unbalanced.elements()))))
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
        name = f"placeholder {_show_placeholder(number, originals)}"
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
        outside.append(f"{name} is outside any block (in the key it is in {_describe_block(was.block)})")
    elif same_blocks and was.block != spot.block:
        moved.append(f"{name} moved from {_describe_block(was.block)} to {_describe_block(spot.block)}")


def _href_problems(key_html: ParsedHtml, value_html: ParsedHtml) -> list[Problem]:
    def targets(parsed: ParsedHtml) -> set[str]:
        found = set()
        for element in iter_elements(parsed.nodes):
            if element.tag == "a" and element.attr("href") is not None:
                found.add(f'href="{element.attr("href")}"')
            if element.attr("id") is not None:
                found.add(f'id="{element.attr("id")}"')
        return found

    expected, found = targets(key_html), targets(value_html)
    if expected == found:
        return []
    parts = [f"{label}: {', '.join(sorted(items))}" for label, items
             in (("missing", expected - found), ("not in the key", found - expected)) if items]
    return [_error("hrefs", "link targets differ from the key's; " + "; ".join(parts))]


def _unsafe_problems(key_html: ParsedHtml, value_html: ParsedHtml) -> list[Problem]:
    unsafe = Counter(_unsafe_parts(value_html)) - Counter(_unsafe_parts(key_html))
    if not unsafe:
        return []
    return [_error("unsafe-html", "unsafe HTML: " + "; ".join(sorted(unsafe))
                   + "; remove it (pages never run scripts from translations)")]


def _unsafe_parts(parsed: ParsedHtml) -> list[str]:
    parts = []
    for element in iter_elements(parsed.nodes):
        if element.tag in _UNSAFE_TAGS:
            parts.append(f"<{element.tag}>")
        for name, value in element.attrs:
            if name.startswith("on"):
                parts.append(f"{name}= on <{element.tag}>")
            elif name in _URL_ATTRIBUTES and _UNSAFE_SCHEME.match(_URL_NOISE.sub("", value)):
                parts.append(f'{name}="{value[:30]}" on <{element.tag}>')
            elif name == "style" and re.search(r"expression\s*\(|javascript:", value, re.I):
                parts.append(f"style with script on <{element.tag}>")
    return parts


# --- catalogs and corpora ---------------------------------------------------------------------


def run_checks(catalog: Catalog, *, file: str, glossary: Glossary | None = None,
               originals: Mapping[str, Sequence[Protected]] | None = None) -> list[Finding]:
    """Check every entry of ``catalog``; ``file`` names it in findings (relative to its root).

    Args:
        originals: key -> the unit's masked originals, so messages show placeholders as
            their LaTeX or code (keys without units, e.g. orphans, show only numbers).
    """
    findings = []
    for key, value in catalog.entries.items():
        problems = check_value(key, value, originals=(originals or {}).get(key, ()),
                               glossary=glossary)
        findings += [Finding(file=file, key=key, check=p.check, severity=p.severity,
                             message=p.message, line=catalog.lines.get(key, 0)) for p in problems]
    return findings


def check_corpus(corpus: "Corpus", translations_dir: Path, glossaries: Mapping[str, Glossary]) -> list[Finding]:
    """Check every cache of a loaded corpus (stale caches too), file by file in sorted order."""
    findings = []
    for corpus_file in corpus.files:
        for lang, translation in corpus_file.translations.items():
            originals = {unit.key: unit.masked.originals for unit in corpus_file.units}
            originals.update({r.matched_key: r.unit.masked.originals
                              for r in translation.results if r.matched_key})
            findings += run_checks(translation.catalog, glossary=glossaries.get(lang),
                                   file=_relative(translation.catalog.path, translations_dir),
                                   originals=originals)
    for stale in corpus.stale_caches:
        findings += run_checks(stale.catalog, glossary=glossaries.get(stale.catalog.lang),
                               file=_relative(stale.catalog.path, translations_dir))
    return findings


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def has_errors(findings: Sequence[Finding]) -> bool:
    return any(finding.severity is Severity.ERROR for finding in findings)


def check_cache_files(paths: Sequence[Path], translations_dir: Path | None = None, *,
                      languages: Sequence[str] = ()) -> tuple[list[Finding], list[SiteBuilderError]]:
    """Check cache files on their own (no sources): each value against its own key.

    A folder stands for every cache below it (sidecars and glossaries left out). The language
    comes from the name (``x.ja.json``; only ``languages`` are checked when given); the glossary from ``translations_dir`` or the nearest
    ``glossary.<lang>.json`` above the file. A malformed file (or one that is not a cache) is
    returned as an error with ``path:line:col`` and the other files are still checked, so one
    bad file never hides the findings of the rest. Reads files, never writes.
    """
    findings: list[Finding] = []
    errors: list[SiteBuilderError] = []
    for path in _expand_cache_paths(paths):
        if languages and path.name.split(".")[-2:-1] not in [[lang] for lang in languages]:
            continue
        try:
            findings += _check_cache_file(path, translations_dir)
        except SiteBuilderError as err:
            errors.append(err)
    return findings, errors


def _expand_cache_paths(paths: Sequence[Path]) -> list[Path]:
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


def _check_cache_file(path: Path, translations_dir: Path | None) -> list[Finding]:
    if not _is_cache_name(path.name):
        raise TranslationFileError("not a translation cache (expected <file id>.<lang>.json)",
                                   location=Location(path),
                                   hint="pass cache files such as translations/x/__init__.ja.json")
    lang = path.name.split(".")[-2]
    with at_file(path):
        catalog = load_catalog(path, lang)
        glossary = find_glossary(path, lang, translations_dir)
    label = _relative(path.resolve(), translations_dir.resolve()) if translations_dir else path.as_posix()
    return run_checks(catalog, file=label, glossary=glossary)

"""The editor's model of a value: a key's or value's HTML <-> blocks of text and protected tokens.

Translators edit text, not HTML. A key's HTML is cut into *frames* (block tags such as ``<p>``,
``<ul><li>``, ``</li>\\n<li>`` and the whitespace between blocks: the structure ``check``
demands, never typed) and *runs* (what sits inside a leaf block: text, inline tags and
placeholders). The editor shows one block per run; inside it, text is editable and every inline
tag (``<a href=…>``, ``</a>``, ``<strong>``) and placeholder is one atomic *token*, so a link's
address or a placeholder's marker cannot be mistyped. A run standing outside any block with
only placeholders in it (display math, a code block) is *fixed*: it always comes from the key.
Input is a key (and a value); output is JSON-ready blocks, and the reverse: blocks -> the value's
exact HTML (text escaped as the key renderer does, ``html.escape(quote=True)``, frames copied
from the key). A value whose structure is not the key's, or whose HTML would not come back byte
for byte, has no blocks (None): the editor then offers only the raw HTML. Title and summary keys
are plain text: one run, no escaping. This module is pure: no I/O, no HTTP.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from site_builder.render.htmltree import BLOCK_TAGS
from site_builder.render.placeholders import CANONICAL

# One token of the format's HTML: a canonical placeholder, a comment, a tag (quoted attribute
# values may hold ">"), or a run of text. The key renderer escapes "<" in text, so a "<" that
# starts none of these is text too.
_TOKEN = re.compile(
    r"(?P<ph><span translate=no>_\^_\d+_\^_</span>)"
    r"|(?P<comment><!--.*?-->)"
    r"|(?P<tag></?[A-Za-z][A-Za-z0-9-]*(?:[^<>\"']|\"[^\"]*\"|'[^']*')*>)"
    r"|(?P<text>[^<]+|<)",
    re.DOTALL,
)
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_VOID = frozenset({"br", "img", "wbr"})


@dataclass(frozen=True, slots=True)
class Token:
    """One protected piece of a run: an inline tag or a placeholder, kept byte for byte."""

    html: str
    kind: str
    """``open``, ``close``, ``void`` (``<br>``, ``<img>``) or ``placeholder``."""
    tag: str = ""
    number: int = -1
    """The placeholder's N (-1 for tags)."""

    def json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"html": self.html, "kind": self.kind, "tag": self.tag}
        if self.number >= 0:
            shown["number"] = self.number
        href = _HREF.search(self.html) if self.kind == "open" else None
        if href:
            shown["href"] = html.unescape(next(g for g in href.groups() if g is not None))
        return shown


Item = str | Token


@dataclass(frozen=True, slots=True)
class Run:
    """What one leaf block holds (or a bare run between blocks)."""

    tag: str
    """The innermost block around it (``p``, ``h2``, ``li``), "" outside any block."""
    items: tuple[Item, ...]
    fixed: bool = False


@dataclass(frozen=True, slots=True)
class Skeleton:
    """``frames[0] + runs[0] + frames[1] + … + runs[-1] + frames[-1]`` is the HTML."""

    frames: tuple[str, ...]
    runs: tuple[Run, ...]


def tokens_of(text: str) -> list[Item]:
    """The HTML as text pieces (unescaped) and tokens (block tags included, kind ``open``/``close``)."""
    items: list[Item] = []
    for match in _TOKEN.finditer(text):
        if match.group("ph"):
            number = int(CANONICAL.fullmatch(match.group("ph")).group(1))  # type: ignore[union-attr]
            items.append(Token(match.group("ph"), "placeholder", number=number))
        elif match.group("comment"):
            items.append(Token(match.group("comment"), "void", "!--"))
        elif match.group("tag"):
            raw = match.group("tag")
            name = _TAG_NAME.match(raw).group(1).lower()  # type: ignore[union-attr]
            kind = "close" if raw.startswith("</") else ("void" if name in _VOID or raw.endswith("/>") else "open")
            items.append(Token(raw, kind, name))
        else:
            text_piece = html.unescape(match.group("text"))
            if items and isinstance(items[-1], str):  # "a < b" reads as one piece
                items[-1] += text_piece
            else:
                items.append(text_piece)
    return items


def _is_block(item: Item) -> bool:
    return isinstance(item, Token) and item.tag in BLOCK_TAGS


def skeleton(text: str, *, plain: bool = False) -> Skeleton:
    """Cut HTML into frames and runs (see the module docstring); plain text is one run."""
    if plain:
        return Skeleton(("", ""), (Run("", (text,) if text else ()),))
    frames: list[str] = []
    runs: list[Run] = []
    frame: list[str] = []
    run: list[Item] = []
    stack: list[str] = []
    last_structural: Token | None = None

    def flush(following: Token | None) -> None:
        nonlocal run
        items, run = run, []
        if not items:
            return
        trailing: list[str] = []
        if not stack:  # outside blocks, whitespace at either end is layout, not content
            while items and isinstance(items[0], str) and not items[0].strip():
                frame.append(html.escape(str(items.pop(0)), quote=True))
            while items and isinstance(items[-1], str) and not items[-1].strip():
                trailing.insert(0, html.escape(str(items.pop()), quote=True))
        blank = all(isinstance(item, str) and not item.strip() for item in items)
        empty_leaf = (last_structural is not None and last_structural.kind == "open"
                      and following is not None and following.kind == "close")
        if items and (not blank or empty_leaf):
            frames.append("".join(frame))
            frame.clear()
            fixed = not stack and all((isinstance(i, Token) and i.kind == "placeholder") or
                                      (isinstance(i, str) and not i.strip()) for i in items)
            runs.append(Run(stack[-1] if stack else "", tuple(items), fixed))
        else:
            frame.extend(html.escape(i, quote=True) if isinstance(i, str) else i.html for i in items)
        frame.extend(trailing)

    for item in tokens_of(text):
        if _is_block(item):
            assert isinstance(item, Token)
            flush(item)
            frame.append(item.html)
            last_structural = item
            if item.kind == "open" and item.tag != "hr":
                stack.append(item.tag)
            elif item.kind == "close" and item.tag in stack:
                del stack[len(stack) - 1 - stack[::-1].index(item.tag):]
        else:
            run.append(item)
    flush(None)
    frames.append("".join(frame))
    return Skeleton(tuple(frames), tuple(runs))


def join(key: str, blocks: Sequence[Sequence[Any]], *, plain: bool = False) -> str:
    """Blocks (lists of text strings and ``{"html": token}`` objects) -> the value's HTML.

    The frames and fixed runs come from ``key``; text is escaped as the key renderer does
    (plain text keys: not at all); a token must be one whole tag or placeholder.

    Raises:
        ValueError: the number of blocks is not the key's, or an item is not text or a token.
    """
    shape = skeleton(key, plain=plain)
    if len(blocks) != len(shape.runs):
        raise ValueError(f"the key has {len(shape.runs)} block(s), {len(blocks)} were sent")
    out = [shape.frames[0]]
    for run, block, frame in zip(shape.runs, blocks, shape.frames[1:], strict=True):
        out.append(_run_html(run.items) if run.fixed else _block_html(block, plain))
        out.append(frame)
    return "".join(out)


def _block_html(block: Sequence[Any], plain: bool) -> str:
    pieces = []
    for item in block:
        if isinstance(item, str):
            pieces.append(item if plain else html.escape(item, quote=True))
        elif isinstance(item, dict) and isinstance(item.get("html"), str) and not plain:
            token = tokens_of(item["html"])
            if len(token) != 1 or not isinstance(token[0], Token) or _is_block(token[0]):
                raise ValueError(f"not one inline tag or placeholder: {item['html']!r}")
            pieces.append(item["html"])
        else:
            raise ValueError(f"a block holds text and {{'html': tag}} items, not {item!r}")
    return "".join(pieces)


def _run_html(items: Sequence[Item]) -> str:
    return "".join(html.escape(i, quote=True) if isinstance(i, str) else i.html for i in items)


def _json_items(items: Sequence[Item]) -> list[Any]:
    return [item if isinstance(item, str) else item.json() for item in items]


def blocks_json(shape: Skeleton) -> list[dict[str, Any]]:
    """The runs as the editor receives them: ``{"tag", "fixed", "items"}`` each."""
    return [{"tag": run.tag, "fixed": run.fixed, "items": _json_items(run.items)} for run in shape.runs]


def editor_model(key: str, value: str | None, *, plain: bool = False) -> dict[str, Any]:
    """What the editor needs for one unit.

    ``source``: the key's blocks (to copy the English in, and the tokens a value should hold);
    ``blocks``: the value's blocks, or, for a unit without a value, the key's structure with
    its tokens in place and no text; None when the value cannot be shown as blocks (the
    editor then shows the raw HTML).
    """
    shape = skeleton(key, plain=plain)
    source = blocks_json(shape)
    if not value:
        start = [{"tag": run.tag, "fixed": run.fixed,
                  "items": _json_items(run.items if run.fixed else
                                       [i for i in run.items if isinstance(i, Token)])}
                 for run in shape.runs]
        return {"source": source, "blocks": start}
    return {"source": source, "blocks": value_blocks(key, value, plain=plain)}


def value_blocks(key: str, value: str, *, plain: bool = False) -> list[dict[str, Any]] | None:
    """The value cut along the key's structure; None unless it has the key's frames and fixed
    runs and comes back byte for byte from :func:`join`."""
    shape = skeleton(key, plain=plain)
    mine = skeleton(value, plain=plain)
    if mine.frames != shape.frames or len(mine.runs) != len(shape.runs):
        return None
    if any(a.fixed != b.fixed or (a.fixed and a.items != b.items) for a, b in zip(mine.runs, shape.runs, strict=True)):
        return None
    blocks = blocks_json(mine)
    try:
        again = join(key, [block["items"] for block in blocks], plain=plain)
    except ValueError:
        return None
    return blocks if again == value else None

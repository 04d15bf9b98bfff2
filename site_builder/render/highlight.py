"""Leaf renderer: source code -> highlighted HTML (Pygments), for the code column and for notes.

``highlight_sections(source)`` lexes a whole file in ONE Pygments call, so a string or bracket
that spans sections lexes as it does in the file, then cuts the token stream back into each
section's lines: one HTML fragment per section, each line carrying its real source line number.
The number is drawn by CSS from ``data-line`` (``.ln::before``), so it is never part of copied
text, its span is ``aria-hidden`` so screen readers read only the code, and each number sits
in its own line, so numbers stay aligned when a phone wraps or scrolls the code.
``highlight_code`` and ``highlight_inline`` do fenced and inline code in notes;
``pygments_css`` makes the light and dark (Material ``slate``) stylesheet shipped in
``assets/pygments.css``, each style's colours shaded where needed to keep 4.5:1 (WCAG AA).
Pure functions: no file I/O here, and nothing about page layout.
"""

from __future__ import annotations

import ast
import functools
import html
import re
from collections.abc import Iterable, Iterator

from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import PythonLexer, TextLexer, get_lexer_by_name
from pygments.token import STANDARD_TYPES, Name, _TokenType, is_token_subtype
from pygments.util import ClassNotFound

from site_builder.model import SourceFile, SourceKind
from site_builder.render.lexing import accelerated

#: Class on every block of highlighted code; the generated stylesheet is scoped to it.
CODE_CLASS = "sb-hl"
#: Pygments styles the shipped stylesheet is made from.
LIGHT_STYLE = "default"
DARK_STYLE = "github-dark"
#: Selector Material puts on the page in its dark palette.
DARK_SCOPE = '[data-md-color-scheme="slate"]'

Line = list[tuple[_TokenType, str]]
#: ``(line, column, href, definition number)`` of each linked identifier, sorted.
CodeLinks = tuple[tuple[int, int, str, int], ...]


@functools.lru_cache(maxsize=1024)
def highlight_sections(source: SourceFile, links: CodeLinks = ()) -> tuple[str, ...]:
    """HTML of each section's code, highlighted as one file; '' for a section without code.

    Cached per source and links: every language's page shows the same code with the same
    (relative) links, so it is lexed once per build. ``links`` are ``(line, column, href,
    definition number)`` of identifiers to wrap in ``<a>`` (see :mod:`site_builder.names.links`);
    a link whose position is not the start of a name token is ignored.

    The code of all sections is lexed together with blank lines standing in for the lines
    that moved to the notes column (comments, docstrings), so token positions map back to
    real line numbers.
    """
    numbered = {line.number: line.text for section in source.sections for line in section.code}
    if not numbered:
        return tuple("" for _ in source.sections)
    last = max(numbered)
    text = "\n".join(numbered.get(number, "") for number in range(1, last + 1)) + "\n"
    lexer = _file_lexer(source)
    lines = list(_split_lines(lexer.get_tokens(text)))
    width = len(str(last))
    def tokens_of(number: int) -> Line:
        return lines[number - 1] if number <= len(lines) else []
    by_line: dict[int, dict[int, tuple[str, int]]] = {}
    for line_number, column, href, number in links:
        by_line.setdefault(line_number, {})[column] = (href, number)
    return tuple(
        _code_block((_numbered_line(line.number, tokens_of(line.number), by_line.get(line.number))
                     for line in section.code), width) if section.code else ""
        for section in source.sections)


@functools.lru_cache(maxsize=4096)
def highlight_code(code: str, language: str) -> str:
    """A fenced code block from notes: highlighted by ``language`` (plain text if unknown)."""
    lexer = _lexer_for(language)
    lines = list(_split_lines(lexer.get_tokens(code.rstrip("\n") + "\n")))
    body = "\n".join(_spans(line) for line in lines)
    language_class = f' class="language-{html.escape(language.split()[0])}"' if language.strip() else ""
    return f'<pre class="{CODE_CLASS}"><code{language_class}>{body}</code></pre>'


@functools.lru_cache(maxsize=16384)
def highlight_inline(code: str) -> str:
    """Inline code from notes, highlighted as Python, in a ``<code>`` with no ``<pre>``.

    A command line, a flag or a path (``--data-dir``, ``capsnet-train --out runs``,
    ``runs/capsnet/checkpoint.pt``) is not Python, though Python may parse some of them
    (``--data-dir`` is a negated subtraction): it is shown uncoloured, not as builtins.
    """
    if _is_shell_like(code):
        return f'<code class="{CODE_CLASS} sb-inline">{html.escape(code, quote=False)}</code>'
    lexer = _INLINE_LEXER
    body = "".join(_spans(line) for line in _split_lines(lexer.get_tokens(code)))
    return f'<code class="{CODE_CLASS} sb-inline">{body}</code>'


_FLAG = re.compile(r"(?:^|\s)--?[A-Za-z][\w-]*(?=[\s=]|$)")
_PATH = re.compile(r"^(?:\.{1,2}/|/|~/)?[\w.*-]+(?:/[\w.*<>-]*)+$"  # a path with a slash
                   r"|^[\w]+(?:\.[\w]+)*\.(?:py|md|json|txt|pt|gz|yml|yaml|png|toml)$")  # a file name
_HYPHENATED = re.compile(r"^[A-Za-z][\w]*(?:-[A-Za-z][\w]*)+(?:\s|$)")


def _is_shell_like(code: str) -> bool:
    """A flag, a command (its first word hyphenated, or with flags and not Python) or a path."""
    text = code.strip()
    if re.match(r"--?[A-Za-z]|\$ ", text) or _PATH.match(text) or _HYPHENATED.match(text):
        return True
    if not _FLAG.search(text):
        return False
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return True
    return False


def pygments_css() -> str:
    """The stylesheet for highlighted code: the light style, then the dark one for ``slate``.

    The dark block first resets every token span, so a property only the light style sets
    (a bold keyword, an italic comment) does not leak into the dark theme.
    """
    light = HtmlFormatter(style=LIGHT_STYLE)
    dark = HtmlFormatter(style=DARK_STYLE)
    scope, dark_scope = f".{CODE_CLASS}", f"{DARK_SCOPE} .{CODE_CLASS}"
    parts = [
        "/* Generated by site_builder.render.highlight.pygments_css() from the Pygments styles "
        f"'{LIGHT_STYLE}' (light) and '{DARK_STYLE}' (dark); do not edit. */",
        _frame_css(scope, light),
        *_readable_rules(light.get_token_style_defs(scope), light.style.background_color),
        _frame_css(dark_scope, dark),
        f"{dark_scope} span {{ color: inherit; background: none; border: none; "
        "font-weight: inherit; font-style: inherit; }",
        *_readable_rules(dark.get_token_style_defs(dark_scope), dark.style.background_color),
        _GUTTER_CSS,
        _gutter_colour_css(scope, light.style.background_color),
        _gutter_colour_css(dark_scope, dark.style.background_color),
    ]
    return "\n".join(parts) + "\n"


#: Lexers keep no state between calls, so one instance serves every inline code span (and one
#: every file). ``accelerated`` gives Pygments' own tokens, faster (see ``render.lexing``).
_INLINE_LEXER = accelerated(PythonLexer(stripnl=False, ensurenl=False))
_PYTHON_FILE_LEXER = accelerated(PythonLexer(stripnl=False, ensurenl=True))
_TEXT_FILE_LEXER = TextLexer(stripnl=False, ensurenl=True)


# --- tokens to lines to HTML ----------------------------------------------------------------

def _file_lexer(source: SourceFile) -> Lexer:
    return _PYTHON_FILE_LEXER if source.kind is SourceKind.PYTHON else _TEXT_FILE_LEXER


@functools.lru_cache(maxsize=64)
def _lexer_for(language: str) -> Lexer:
    name = language.strip().split()[0].lower() if language.strip() else "text"
    try:
        return accelerated(get_lexer_by_name(name, stripnl=False, ensurenl=True))
    except ClassNotFound:
        plain: Lexer = TextLexer(stripnl=False, ensurenl=True)  # the stubs leave TextLexer untyped
        return plain


def _split_lines(tokens: Iterable[tuple[_TokenType, str]]) -> Iterator[Line]:
    """Regroup a token stream into lines; a token spanning lines is cut at each newline."""
    line: Line = []
    for token_type, value in tokens:
        if "\n" not in value:
            # Most tokens: no cut, and no split() list to build (empty tokens are dropped).
            if value:
                line.append((token_type, value))
            continue
        pieces = value.split("\n")
        for piece in pieces[:-1]:
            if piece:
                line.append((token_type, piece))
            yield line
            line = []
        if pieces[-1]:
            line.append((token_type, pieces[-1]))
    if line:
        yield line


def _css_class(token_type: _TokenType) -> str:
    """Pygments' short class ('k', 'nf', 's2'...) of the nearest styled ancestor type."""
    css_class = _CSS_CLASSES.get(token_type)
    if css_class is None:
        styled = token_type
        while styled not in STANDARD_TYPES and styled.parent is not None:
            styled = styled.parent
        css_class = _CSS_CLASSES[token_type] = STANDARD_TYPES.get(styled, "")
    return css_class


#: Token type -> its class, filled as types are met (there are a few hundred types at most).
_CSS_CLASSES: dict[_TokenType, str] = {}


def _spans(line: Line) -> str:
    """One line's HTML; neighbouring tokens of one class share a span (smaller pages)."""
    parts: list[str] = []
    open_class = ""  # the class of the span left open ('' = no span open)
    for token_type, value in line:
        css_class = _CSS_CLASSES.get(token_type)
        if css_class is None:
            css_class = _css_class(token_type)
        if css_class != open_class:
            if open_class:
                parts.append("</span>")
            if css_class:
                parts.append(f'<span class="{css_class}">')
            open_class = css_class
        # html.escape(value, quote=False), inlined; escaping a run token by token is the same.
        parts.append(value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    if open_class:
        parts.append("</span>")
    return "".join(parts)


def _numbered_line(number: int, line: Line, links: dict[int, tuple[str, int]] | None = None) -> str:
    body = _linked_spans(line, links) if links else _spans(line)
    # Hidden from assistive technology: a screen reader would read the CSS-drawn number first.
    gutter = f'<span class="ln" aria-hidden="true" data-line="{number}"></span>'
    if not body:
        return gutter
    # The line in a box of its own, classed by its indentation: where the page lets long
    # lines wrap (site_builder.css), a continuation hangs below the line's own code.
    return f'{gutter}<span class="sb-l sb-i{min(_indent(line), _MAX_INDENT)}">{body}</span>'


#: Deeper indents share the last class (a wrapped line of such depth is rare).
_MAX_INDENT = 24


def _indent(line: Line) -> int:
    """Leading spaces of a line (a tab counts as 4, as the page's tab-size)."""
    text = "".join(value for _, value in line)
    stripped = text.lstrip(" \t")
    return len(text[: len(text) - len(stripped)].expandtabs(4))


def _linked_spans(line: Line, links: dict[int, tuple[str, int]]) -> str:
    """A line's HTML with the name tokens at the given columns as links to their definitions.

    The link takes the token's own class, so it is coloured as the name it replaces; the
    class ``sb-n`` and ``data-d`` (the definition's number) are what the page script reads.
    """
    parts: list[str] = []
    pending: list[tuple[_TokenType, str]] = []
    column = 0
    for token_type, value in line:
        target = links.get(column)
        if target is not None and is_token_subtype(token_type, Name) and value.isidentifier():
            parts.append(_spans(pending))
            pending = []
            href, number = target
            css_class = _css_class(token_type)
            parts.append(f'<a class="{css_class} sb-n" href="{html.escape(href)}" data-d="{number}">'
                         f"{html.escape(value, quote=False)}</a>")
        else:
            pending.append((token_type, value))
        column += len(value)
    parts.append(_spans(pending))
    return "".join(parts)


def _code_block(lines: Iterable[str], number_width: int) -> str:
    # One gutter width per file keeps the code of every section of a page in one column. A
    # class, not a style attribute: the pages' Content-Security-Policy allows no inline style.
    width = min(max(number_width, 1), _MAX_GUTTER_DIGITS)
    return (f'<pre class="{CODE_CLASS} sb-lnw-{width}"><code>' + "\n".join(lines)
            + "</code></pre>")


def _frame_css(scope: str, formatter: HtmlFormatter[str]) -> str:
    """Background and text colour of a code block; the background also feeds the sticky gutter."""
    background = formatter.style.background_color
    text = "".join(rule for rule in formatter.get_background_style_defs(scope) if rule.startswith(scope + " {"))
    colour = text.split("color:")[1].split("}")[0].strip().rstrip(";") if "color:" in text else "inherit"
    return f"{scope} {{ --sb-hl-bg: {background}; background: var(--sb-hl-bg); color: {colour}; }}"


_MAX_GUTTER_DIGITS = 7
# --- colour contrast ------------------------------------------------------------------------

#: WCAG 2.1 AA for normal text: every token colour keeps this contrast with its background.
MIN_CONTRAST = 4.5
#: What the line numbers would be drawn in; each palette gets the nearest readable shade.
_GUTTER_COLOUR = "#8b8b8b"
_RULE_COLOUR = re.compile(r"(?<![-\w])color: (#[0-9A-Fa-f]{3,8})\b")
_RULE_BACKGROUND = re.compile(r"background-color: (#[0-9A-Fa-f]{3,8})\b")


def contrast_ratio(colour: str, background: str) -> float:
    """WCAG contrast ratio of two '#rgb'/'#rrggbb' colours, 1.0 to 21.0."""
    lighter, darker = sorted((_luminance(colour), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_colour(colour: str, background: str) -> str:
    """``colour`` itself if it is readable on ``background``, else the shade nearest to it
    (mixed towards black on a light background, white on a dark one) that is."""
    if contrast_ratio(colour, background) >= MIN_CONTRAST:
        return colour
    target = (0, 0, 0) if _luminance(background) > 0.18 else (255, 255, 255)
    rgb = _rgb(colour)
    for step in range(1, 21):
        mixed = "#" + "".join(f"{round(c + (t - c) * step / 20):02x}" for c, t in zip(rgb, target, strict=True))
        if contrast_ratio(mixed, background) >= MIN_CONTRAST:
            return mixed
    return "#000000" if target == (0, 0, 0) else "#ffffff"


def _readable_rules(rules: Iterable[str], background: str) -> list[str]:
    """Token rules with each too-faint colour replaced by :func:`readable_colour` (against the
    token's own background where the style gives it one)."""
    def fix(rule: str) -> str:
        own = _RULE_BACKGROUND.search(rule)
        behind = own.group(1) if own else background
        return _RULE_COLOUR.sub(lambda m: f"color: {readable_colour(m.group(1), behind)}", rule)
    return [fix(rule) for rule in rules]


def _gutter_colour_css(scope: str, background: str) -> str:
    return f"{scope} span.ln {{ color: {readable_colour(_GUTTER_COLOUR, background)}; }}"


def _rgb(colour: str) -> tuple[int, int, int]:
    digits = colour.lstrip("#")
    if len(digits) in (3, 4):
        digits = "".join(c * 2 for c in digits[:3])
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


_GUTTER_CSS = """\
.sb-hl > code { background: transparent; }
/* The number is generated content: never selected, never copied with the code. */
pre.sb-hl span.ln { display: inline-block; box-sizing: content-box; width: var(--sb-ln-width, 3ch);
  padding-right: 0.6em; margin-right: 0.8em; text-align: right;
  border-right: 1px solid rgba(128, 128, 128, 0.35); user-select: none; -webkit-user-select: none;
  position: sticky; left: 0; background: var(--sb-hl-bg); }
pre.sb-hl span.ln::before { content: attr(data-line); }
/* Gutter width per file, in digits of its largest line number (a class: see _code_block). */
pre.sb-hl.sb-lnw-1 { --sb-ln-width: 1ch; }
pre.sb-hl.sb-lnw-2 { --sb-ln-width: 2ch; }
pre.sb-hl.sb-lnw-3 { --sb-ln-width: 3ch; }
pre.sb-hl.sb-lnw-4 { --sb-ln-width: 4ch; }
pre.sb-hl.sb-lnw-5 { --sb-ln-width: 5ch; }
pre.sb-hl.sb-lnw-6 { --sb-ln-width: 6ch; }
pre.sb-hl.sb-lnw-7 { --sb-ln-width: 7ch; }
code.sb-hl.sb-inline { background: var(--sb-hl-bg); }"""

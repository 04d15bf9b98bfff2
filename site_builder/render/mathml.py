r"""Leaf renderer: LaTeX from notes -> MathML that Chromium's MathML Core draws right, at build time.

``render_math(latex, display=...)`` returns a :class:`~site_builder.model.RenderedMath`. The
conversion itself is latex2mathml's; this module prepares the LaTeX it handles poorly and then
repairs the MathML tree for MathML Core, which ignores most of MathML 3: font variants become
Unicode Mathematical Alphanumeric Symbols, multi-line environments become one ``<mtable>`` with
LaTeX's right/left column pairs, colours are dropped (they are unreadable on one of the two
themes), ``\mathop``/``\max`` limits move under the operator in display style, and unknown macros
show as their own text. The pipeline is: check the source (braces, environments) -> prepare the
text -> convert -> repair the tree -> serialise. Anything that cannot be converted becomes a
visible ``<code class="math-error">`` box holding the escaped LaTeX, with ``error`` saying why, so
a formula never vanishes and the caller can count it. This module never raises, never reads or
writes files, and emits no JavaScript: the page needs only ``assets/math.css`` and its font.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator
from xml.etree.ElementTree import Element, tostring

from latex2mathml import commands as l2m_commands
from latex2mathml.converter import Converter
from latex2mathml.symbols_parser import convert_symbol

from site_builder.model import RenderedMath

_MATHML_NS = "http://www.w3.org/1998/Math/MathML"


class _MathError(Exception):
    """LaTeX this module refuses to convert; the message is shown to the author."""


@functools.lru_cache(maxsize=8192)
def render_math(latex: str, *, display: bool) -> RenderedMath:
    r"""Convert one expression (without its ``$`` delimiters) to a ``<math>`` element.

    Args:
        latex: the expression as written in the notes, e.g. ``\frac{a}{b}`` or a whole
            ``\begin{align}...\end{align}``.
        display: True for display math (``$$...$$``, bare ``align``): ``display="block"``.

    Returns:
        ``RenderedMath(html, error="")`` on success; on failure ``html`` is the error box and
        ``error`` a one-line reason. Results are cached: notes repeat the same expressions.
    """
    try:
        _check_source(latex)
        prepared, texts = _prepare(latex)
        converter = Converter(display="block" if display else "inline")
        math = converter.convert_to_element(prepared)
        _repair(math, texts)
        # alttext: the source as written, one line, for search text and tools that read no MathML.
        math.attrib = {"xmlns": _MATHML_NS, "display": "block" if display else "inline",
                       "alttext": " ".join(latex.split())}
        return RenderedMath(tostring(math, encoding="unicode", short_empty_elements=False))
    except Exception as err:  # the converter raises many unrelated types; none may escape
        why = _describe(err)
        return RenderedMath(error_box(latex, why, display=display), why)


def error_box(latex: str, why: str, *, display: bool) -> str:
    """The visible stand-in for math that could not be converted: the escaped LaTeX, boxed."""
    delimiter = "$$" if display else "$"
    css_class = "math-error math-display" if display else "math-error"
    return (f'<code class="{css_class}" title="{html.escape("math error: " + why)}">'
            f"{html.escape(delimiter + latex + delimiter)}</code>")


_ERROR_TEXT = {
    "NoAvailableTokensError": "a command is missing its argument",
    "NumeratorNotFoundError": "\\frac is missing its numerator",
    "DenominatorNotFoundError": "\\frac is missing its denominator",
    "ExtraLeftOrMissingRightError": "\\left without a matching \\right",
    "MissingSuperScriptOrSubscriptError": "^ or _ without anything to attach to",
    "DoubleSubscriptsError": "double subscript; use braces, e.g. x_{ij}",
    "DoubleSuperscriptsError": "double superscript; use braces, e.g. x^{ab}",
    "MissingEndError": "\\begin without a matching \\end",
    "InvalidAlignmentError": "invalid column alignment",
    "LimitsMustFollowMathOperatorError": "\\limits must follow an operator such as \\sum",
    "RecursionError": "the expression is nested too deeply",
}


def _describe(err: Exception) -> str:
    if isinstance(err, _MathError):
        return str(err)
    name = type(err).__name__
    return _ERROR_TEXT.get(name, f"the converter failed ({name}{': ' + str(err) if str(err) else ''})")


# --- Checking the source --------------------------------------------------------------------

#: LaTeX tokens as far as structure goes: commands, escaped characters, braces, comments, text.
_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|%[^\n]*|[{}&]|[^\\{}&%]+", re.S)
_ENV = re.compile(r"\\(begin|end)\s*\{([^{}]*)\}")


def _check_source(latex: str) -> None:
    """Refuse what latex2mathml would silently mangle: unbalanced braces and environments."""
    depth = 0
    for match in _TOKEN.finditer(latex):
        if match.group() == "{":
            depth += 1
        elif match.group() == "}":
            depth -= 1
            if depth < 0:
                raise _MathError(f"unbalanced braces: '}}' at offset {match.start()} closes nothing")
    if depth:
        raise _MathError(f"unbalanced braces: {depth} '{{' not closed")
    stack: list[str] = []
    for match in _ENV.finditer(latex):
        kind, name = match.groups()
        if kind == "begin":
            stack.append(name)
        elif not stack or stack.pop() != name:
            raise _MathError(f"\\end{{{name}}} does not match an open \\begin{{{name}}}")
    if stack:
        raise _MathError(f"\\begin{{{stack[-1]}}} without \\end{{{stack[-1]}}}")


# --- Preparing the LaTeX for the converter ---------------------------------------------------

_TEXT_COMMANDS = ("text", "textrm", "textnormal", "textup", "textmd", "textbf", "textit",
                  "textsf", "texttt", "emph", "mbox", "hbox")
_TEXT_START = re.compile(r"\\(" + "|".join(_TEXT_COMMANDS) + r")\s*\{")
_TEXT_SIZES = re.compile(r"\\(?:tiny|scriptsize|footnotesize|small|normalsize|large|Large|LARGE|huge|Huge)"
                         r"(?![A-Za-z])\s*")
_TEXT_ESCAPES = {"\\_": "_", "\\&": "&", "\\%": "%", "\\#": "#", "\\$": "$", "\\{": "{", "\\}": "}",
                 "\\ ": " ", "~": "\u00a0", "\\,": "\u2009", "\\;": "\u2005", "\\quad": "\u2003"}
#: Environments laid out as LaTeX's align (right/left column pairs) or gather (centred rows).
_ALIGN_ENVS = {"align", "align*", "aligned", "flalign", "flalign*", "split", "eqnarray", "eqnarray*"}
_GATHER_ENVS = {"gather", "gather*", "gathered", "multline", "multline*", "equation", "equation*"}
_FONT_ONE_LETTER = re.compile(r"(\\(?:math[a-z]+|boldsymbol|bm|Bbb|bold))\s*\{\s*([A-Za-z0-9])\s*\}")
_SMALL_FIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\\\n"), r"\\ "),                       # backslash-newline is a control space
    (re.compile(r"\\\\\s*\[[^\]]*\]"), r"\\\\"),         # \\[4pt]: the extra row gap is dropped
    (re.compile(r"\\\\(?=[{}])"), r"\\"),             # "\\{" in a non-raw docstring means "\{"
    (re.compile(r"\\(?:label|eqref|ref)\s*\{[^{}]*\}"), ""),
    (re.compile(r"\\pmb(?![A-Za-z])"), r"\\boldsymbol"),  # poor man's bold keeps the italic shape
)


def _prepare(latex: str) -> tuple[str, tuple[str, ...]]:
    """Rewrite LaTeX into the subset latex2mathml converts well; return it and the texts taken out."""
    latex, texts = _take_out_texts(latex)
    for pattern, replacement in _SMALL_FIXES:
        latex = pattern.sub(replacement, latex)
    latex = _wrap_top_level_rows(latex)
    latex = _rewrite_environments(latex)
    # latex2mathml maps \mathbf{x} (one letter) through a symbol table that loses \mathrm's
    # upright style; doubled braces send every font command down the same mathvariant path.
    latex = _FONT_ONE_LETTER.sub(r"\1{{\2}}", latex)
    return latex, tuple(texts)


def _matching_brace(latex: str, open_at: int) -> int:
    """Index of the '}' closing the '{' at ``open_at`` (braces are known to balance)."""
    depth = 0
    for match in _TOKEN.finditer(latex, open_at):
        depth += {"{": 1, "}": -1}.get(match.group(), 0)
        if depth == 0:
            return match.start()
    raise _MathError("unbalanced braces")


def _take_out_texts(latex: str) -> tuple[str, list[str]]:
    r"""Replace each ``\text{...}`` body by a marker; the converter would show its macros raw."""
    texts: list[str] = []
    out: list[str] = []
    position = 0
    for match in _TEXT_START.finditer(latex):
        if match.start() < position:
            continue  # a text command inside a text already taken out
        close = _matching_brace(latex, match.end() - 1)
        out.append(latex[position:match.start()])
        out.append(f"\\{match.group(1)}{{SBTEXT{len(texts)}}}")
        texts.append(_plain_text(latex[match.end():close]))
        position = close + 1
    out.append(latex[position:])
    return "".join(out), texts


def _plain_text(body: str) -> str:
    """The characters a text-mode body shows: sizes dropped, escapes resolved, spaces kept."""
    body = _TEXT_SIZES.sub("", body)
    body = re.sub(r"\\[_&%#${} ,;]|\\quad(?![A-Za-z])|~", lambda m: _TEXT_ESCAPES[m.group()], body)
    body = re.sub(r"\$([^$]*)\$", r"\1", body).replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", body).replace(" ", "\u00a0")  # MathML trims plain spaces


def _wrap_top_level_rows(latex: str) -> str:
    r"""``a \\ b`` or ``a &= b`` outside any environment: lay it out as gather or align."""
    depth = envs = 0
    found: set[str] = set()
    for match in _TOKEN.finditer(latex):
        token = match.group()
        depth += {"{": 1, "}": -1}.get(token, 0)
        if token in ("\\begin", "\\end"):
            envs += 1 if token == "\\begin" else -1
        elif depth == 0 and envs == 0 and token in ("\\\\", "&"):
            found.add(token)
    if "&" in found:
        return f"\\begin{{aligned}}{latex}\\end{{aligned}}"
    if found:
        return f"\\begin{{gathered}}{latex}\\end{{gathered}}"
    return latex


def _rewrite_environments(latex: str) -> str:
    r"""Map align/gather families to environments latex2mathml knows, tagged with ``\class``."""
    def replace(match: re.Match[str]) -> str:
        kind, name = match.groups()
        if name in _ALIGN_ENVS:  # align* drops the "(1)" numbers: KaTeX-rendered notes show none
            return r"\class{sb-align}{\begin{align*}" if kind == "begin" else r"\end{align*}}"
        if name in _GATHER_ENVS:
            return r"\class{sb-gather}{\begin{matrix}" if kind == "begin" else r"\end{matrix}}"
        return match.group()
    return _ENV.sub(replace, latex)


# --- Repairing the tree for MathML Core -------------------------------------------------------

def _repair(math: Element, texts: tuple[str, ...]) -> None:
    """Apply every tree fix, in an order where each sees the result of the one before."""
    passes: tuple[Callable[[Element], None], ...] = (
        _check_arity, _resolve_character_references, _drop_colours, _resolve_macros_left_as_text,
        _apply_mathvariants, _merge_upright_letters, _flatten_mathop, _mark_accents,
        _limits_under_operators, _space_after_functions, _lay_out_tables, _fences_as_operators,
        _braced_operators_are_ordinary,
    )
    for fix in passes:
        fix(math)
    _restore_texts(math, texts)


_ARITY = {"mfrac": (2, "\\frac needs a numerator and a denominator"),
          "mroot": (2, "\\sqrt[n] needs a radicand"),
          "msub": (2, "_ needs a subscript"), "msup": (2, "^ needs a superscript"),
          "msubsup": (3, "_ and ^ need a script each"), "munder": (2, "a limit or \\underset is missing"),
          "mover": (2, "an accent or \\overset is missing its argument"),
          "munderover": (3, "a limit is missing")}


def _check_arity(math: Element) -> None:
    """latex2mathml lets ``\\frac{a}`` through as a one-child <mfrac>; refuse such trees."""
    for el in math.iter():
        if el.tag in _ARITY and len(el) != _ARITY[el.tag][0]:
            raise _MathError(_ARITY[el.tag][1])


def _parents(root: Element) -> Iterator[Element]:
    """Every element that has children, snapshotted so fixes may edit while iterating."""
    return iter([el for el in root.iter() if len(el)])


_CHAR_REF = re.compile(r"&#x([0-9A-Fa-f]+);")


def _resolve_character_references(math: Element) -> None:
    """latex2mathml stores characters as "&#x...;" strings; make them real characters."""
    for el in math.iter():
        if el.text and "&#x" in el.text:
            el.text = _CHAR_REF.sub(lambda m: chr(int(m.group(1), 16)), el.text)


def _drop_colours(math: Element) -> None:
    """Colours chosen for one background are unreadable on the other theme: drop them."""
    for el in math.iter():
        for name in ("mathcolor", "mathbackground", "border-color"):
            el.attrib.pop(name, None)


#: Macros latex2mathml leaves as "\name" that are operator names in LaTeX.
_EXTRA_FUNCTIONS = {"\\arg", "\\Pr", "\\det", "\\gcd", "\\sgn", "\\tr", "\\diag", "\\erf"}
_FUNCTION_NAMES = {name[1:] for name in (*l2m_commands.FUNCTIONS, *_EXTRA_FUNCTIONS)}


def _resolve_macros_left_as_text(math: Element) -> None:
    r"""``\Vert`` after ``\big``, ``\arg``...: resolve known ones; show unknown ones as text."""
    for el in math.iter():
        text = el.text or ""
        if el.tag not in ("mi", "mo") or not re.fullmatch(r"\\[A-Za-z]+|\\.", text):
            continue
        symbol = convert_symbol(text)
        if symbol:
            el.text = chr(int(symbol, 16))
        elif text[1:] in _FUNCTION_NAMES:
            el.tag, el.text = "mi", text[1:]
        else:  # an unknown macro stays visible as typed, marked for the sweep and for CSS
            el.tag = "mtext"
            el.attrib = {"class": "math-unknown"}


def _flatten_mathop(math: Element) -> None:
    r"""``\mathop{\mathbb{E}}`` gives ``<mo><mrow>...</mrow></mo>``: an mo may hold text only."""
    for el in math.iter("mo"):
        if len(el):
            el.text = "".join(el.itertext())
            for child in list(el):
                el.remove(child)
            el.attrib.update({"movablelimits": "true", "lspace": "0", "rspace": "0.1667em"})


def _merge_upright_letters(math: Element) -> None:
    r"""``\mathrm{softmax}`` arrives as seven upright ``<mi>``: one ``<mi>softmax</mi>`` reads better."""
    for parent in _parents(math):
        children = list(parent)
        for left, right in itertools.pairwise(children):
            if left.text and right.text and all(c.tag == "mi" and c.get("mathvariant") == "normal" and not c.tail
                                                for c in (left, right)) and left in list(parent):
                right.text = left.text + right.text
                parent.remove(left)
        for child in parent:
            if child.tag == "mi" and child.get("mathvariant") == "normal" and len(child.text or "") > 1:
                del child.attrib["mathvariant"]  # several letters are upright by default


def _build_alphanumerics() -> dict[tuple[str, str], str]:
    """(mathvariant, plain character) -> Mathematical Alphanumeric Symbol, from Unicode names."""
    styles = {"BOLD ITALIC": "bold-italic", "BOLD SCRIPT": "bold-script", "BOLD FRAKTUR": "bold-fraktur",
              "SANS-SERIF BOLD ITALIC": "sans-serif-bold-italic", "SANS-SERIF BOLD": "bold-sans-serif",
              "SANS-SERIF ITALIC": "sans-serif-italic", "SANS-SERIF": "sans-serif", "BOLD": "bold",
              "ITALIC": "italic", "SCRIPT": "script", "FRAKTUR": "fraktur",
              "DOUBLE-STRUCK": "double-struck", "MONOSPACE": "monospace"}
    plain = {"CAPITAL": "LATIN CAPITAL LETTER", "SMALL": "LATIN SMALL LETTER"}
    table: dict[tuple[str, str], str] = {}
    for code in range(0x1D400, 0x1D800):
        name = unicodedata.name(chr(code), "")
        if not name.startswith("MATHEMATICAL "):
            continue
        rest = name[len("MATHEMATICAL "):]
        style = next((s for s in styles if rest.startswith(s + " ")), None)
        if style is None:
            continue
        what = rest[len(style) + 1:]
        words = what.split(" ", 1)
        candidates = [what]
        if words[0] in plain and len(words) == 2:
            greek = "GREEK " + words[0] + " LETTER " + words[1]
            candidates = [plain[words[0]] + " " + words[1], greek]
        elif what.endswith(" SYMBOL"):
            candidates = ["GREEK " + what, what]
        for candidate in candidates:
            try:
                table[(styles[style], unicodedata.lookup(candidate))] = chr(code)
                break
            except KeyError:
                continue
    # Letters encoded before the block existed live in Letterlike Symbols (holes in the block).
    holes = {"italic": "h\u210e", "script": "B\u212cE\u2130F\u2131H\u210bI\u2110L\u2112M\u2133R\u211b"
             "e\u212fg\u210ao\u2134", "fraktur": "C\u212dH\u210cI\u2111R\u211cZ\u2128",
             "double-struck": "C\u2102H\u210dN\u2115P\u2119Q\u211aR\u211dZ\u2124"}
    for variant, pairs in holes.items():
        for base, char in zip(pairs[::2], pairs[1::2], strict=True):  # (letter, its character) pairs
            table[(variant, base)] = char
    return table


_ALPHANUMERICS = _build_alphanumerics()
_TEXT_STYLES = {"bold": "font-weight:bold", "italic": "font-style:italic",
                "bold-italic": "font-weight:bold;font-style:italic", "monospace": "font-family:monospace"}


def _apply_mathvariants(math: Element) -> None:
    """MathML Core honours only mathvariant="normal" on one-letter <mi>: use Unicode letters."""
    for el in math.iter():
        variant = el.attrib.pop("mathvariant", None)
        if variant is None:
            continue
        if variant == "normal":
            if el.tag == "mi" and len(el.text or "") == 1:
                el.set("mathvariant", "normal")
        elif el.tag == "mtext" and variant in _TEXT_STYLES:
            el.set("style", _TEXT_STYLES[variant])  # \textbf{if}: real letters copy and search well
        elif el.text:
            el.text = "".join(_ALPHANUMERICS.get((variant, ch), ch) for ch in el.text)


#: Accent characters latex2mathml puts over a base (\hat, \tilde, \bar, \dot, \vec, ...).
_ACCENTS = set("\u00b4\u00af\u02d8\u02c7\u02d9\u00a8\u0060\u005e\u02da\u007e\u20db\u20dc\u2192")
_FIXED_WIDTH_ACCENTS = set("\u00b4\u00af\u02d8\u02c7\u02d9\u00a8\u0060\u005e\u02da\u007e")
#: ASCII ^ and ~ sit off-centre and too high over a letter in STIX Two Math; the spacing
#: modifier letters are the glyphs its MATH table positions as accents.
_ACCENT_GLYPHS = {"^": "\u02c6", "~": "\u02dc"}


def _mark_accents(math: Element) -> None:
    r"""Core infers nothing: without accent="true" a hat sits a full script gap above its base."""
    for el in math.iter("mover"):
        if len(el) != 2 or el[1].tag != "mo" or (el[1].text or "") not in _ACCENTS:
            continue
        mark = el[1]
        if mark.text == "\u2192" and mark.get("stretchy") != "true":
            continue  # \overrightarrow: a stretchy arrow over its base, not an accent
        el.set("accent", "true")
        if mark.text in _FIXED_WIDTH_ACCENTS:
            mark.set("stretchy", "false")  # \hat{x} and \bar{x} are one glyph, as in TeX
            mark.text = _ACCENT_GLYPHS.get(mark.text, mark.text)


_LARGE_OPERATORS = set("\u2211\u220f\u2210\u22c3\u22c2\u2a01\u2a02\u2a00\u22c1\u22c0\u2a04")
_SCRIPT_TO_LIMIT = {"msub": "munder", "msup": "mover", "msubsup": "munderover"}


def _limits_under_operators(math: Element) -> None:
    r"""``\max_x``, ``\mathop{E}_x``, ``\sum_i``: limits go under in display style, beside in text.

    munder plus movablelimits="true" is exactly TeX's rule in MathML Core: Chromium lays it out
    as a subscript when the math style is compact (inline math, table cells) and as a limit
    otherwise. Integrals keep their scripts beside, as in TeX.
    """
    for el in math.iter():
        if (el.tag in _SCRIPT_TO_LIMIT.values() and len(el) and el[0].tag == "mo"
                and (el[0].text or "") in _LARGE_OPERATORS):  # already under (display \sum)
            el[0].set("movablelimits", "true")
        if el.tag not in _SCRIPT_TO_LIMIT or not len(el):
            continue
        base = el[0]
        while base.tag == "mrow" and len(base) == 1:
            base = base[0]
        text = base.text or ""
        if base.tag == "mo" and (text in _LARGE_OPERATORS or base.get("movablelimits") == "true"
                                 or (len(text) > 1 and text.replace("\u2009", "").isalpha())):
            el.tag = _SCRIPT_TO_LIMIT[el.tag]
            base.set("movablelimits", "true")


def _is_function(el: Element, operator_names: set[str]) -> bool:
    if el.tag in ("msub", "msup", "msubsup") and len(el):
        el = el[0]
    return el.tag == "mi" and (el.text or "") in operator_names


def _is_operator_at(el: Element, end: int) -> bool:
    """Whether ``el`` begins (end=0) or ends (end=-1) with an operator or a space."""
    while el.tag in ("mrow", "mstyle") and len(el):
        el = el[end]
    return el.tag in ("mo", "mspace")


def _space_after_functions(math: Element) -> None:
    r"""``x \log y``: TeX puts thin spaces around an operator name; Core puts none between two mi."""
    operator_names = set(_FUNCTION_NAMES)
    for el in math.iter("mo"):
        text = el.text or ""
        if len(text) > 1 and text.isalpha() and "movablelimits" not in el.attrib:
            el.tag = "mi"  # \operatorname{softmax}: a name, spaced like \log
            operator_names.add(text)
        elif len(text) > 1 and "lspace" not in el.attrib:
            el.attrib.update({"lspace": "0", "rspace": "0.1667em"})  # \max: thin space after only
    for parent in _parents(math):
        children = list(parent)
        for index, child in enumerate(children):
            if not _is_function(child, operator_names):
                continue
            if index + 1 < len(children) and not _is_operator_at(children[index + 1], 0):
                parent.insert(list(parent).index(child) + 1, Element("mspace", width="0.1667em"))
            if index > 0 and not _is_operator_at(children[index - 1], -1):
                parent.insert(list(parent).index(child), Element("mspace", width="0.1667em"))


def _lay_out_tables(math: Element) -> None:
    r"""Tag align/gather tables (math.css spaces their cells as LaTeX does); drop MathML 3 spacing.

    Cell alignment needs no change here: latex2mathml writes ``columnalign`` on each cell and
    math.css turns it into the ``text-align`` value Chromium honours for math in a cell.
    """
    for parent in _parents(math):
        for index, wrapper in enumerate(list(parent)):
            kind = wrapper.get("class", "")
            table = next(wrapper.iter("mtable"), None) if wrapper.tag == "mrow" else None
            if kind not in ("sb-align", "sb-gather") or table is None:
                continue
            table.set("class", kind[3:])
            table.set("displaystyle", "true")
            for name in ("rowspacing", "columnspacing"):
                table.attrib.pop(name, None)  # not in MathML Core; math.css spaces the cells
            if len(wrapper) == 1:  # drop the wrapper row, keep the table in its place
                table.tail = wrapper.tail
                parent.remove(wrapper)
                parent.insert(index, table)
            else:
                del wrapper.attrib["class"]


def _fences_as_operators(math: Element) -> None:
    r"""``|`` and ``\Vert`` are ordinary symbols in TeX: no operator space around ``q(x|y)``."""
    for el in math.iter():
        if el.tag in ("mi", "mo") and el.text in ("\u2016", "|") and el.get("fence") != "true":
            el.tag = "mo"
            el.attrib.update({"stretchy": el.get("stretchy", "false"), "lspace": "0", "rspace": "0"})


_ROW_PARENTS = {"math", "mrow", "mstyle", "mtd", "mpadded", "msqrt"}


def _braced_operators_are_ordinary(math: Element) -> None:
    r"""``1{,}000`` and ``{+}``: in TeX braces make a symbol ordinary, with no operator space."""
    for parent in _parents(math):
        if parent.tag not in _ROW_PARENTS:
            continue  # a braced base or script (\underset{x}{\max}) keeps its operator spacing
        for group in parent:
            if group.tag == "mrow" and len(group) == 1 and group[0].tag == "mo" \
                    and len(group[0].text or "") == 1 and not group.attrib:
                group[0].attrib.update({"lspace": "0", "rspace": "0"})


def _restore_texts(math: Element, texts: tuple[str, ...]) -> None:
    for el in math.iter("mtext"):
        marker = re.fullmatch(r"SBTEXT(\d+)", el.text or "")
        if marker:
            el.text = texts[int(marker.group(1))]

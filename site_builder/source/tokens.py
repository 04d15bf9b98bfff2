"""Tokens: a decoded Python text -> a stream of its tokens, and its full-line comments.

Two tokenizers give the same stream: Python's reference :mod:`tokenize`, and, where it is
exact and fast, CPython 3.11's tokenizer in C (``_tokenize.TokenizerIter``, a private name:
what ``tokenize`` itself uses from 3.12 on, about 8x faster). Tokens are yielded one at a
time and never kept, each as a short tuple without its physical line, so memory does not
grow with the file; the C tokenizer copies the whole line into every token it makes, so it
is used only for files whose lines are all short (time would grow with the square of a long
line). It is used only when it is the code it was checked against: Python 3.11, and at import
a probe text must give exactly the tokens recorded here; otherwise every file goes to the
reference. This module yields tokens: it must not decide what a line is.
"""

from __future__ import annotations

import importlib
import io
import re
import sys
import tokenize
from collections.abc import Iterator, Sequence
from types import ModuleType

from site_builder.errors import Location, SourceError

#: A token as the classifier reads it: (string, type, start row, end row, start column,
#: end column); columns count characters, or UTF-8 bytes on the C path (``byte_columns``).
Token = tuple[str, int, int, int, int, int]
#: Token types that are names: the C tokenizer gives ``async``/``await`` types of their own.
NAME_TYPES = frozenset({tokenize.NAME, tokenize.ASYNC, tokenize.AWAIT})
#: Longest line the C path takes: each of its tokens copies the line it is on.
C_LINE_LIMIT = 400


class NotExact(Exception):
    """The C tokenizer's stream may differ from the reference's here: use the reference."""


class PythonTokens:
    """The reference tokenizer's stream (without comments and NL), its errors as SourceError.

    ``comments`` (line -> comment text, full-line comments only) is complete once iterated.
    """

    byte_columns = False

    def __init__(self, text: str) -> None:
        self.text = text
        self.comments: dict[int, str] = {}

    def __iter__(self) -> Iterator[Token]:
        bad: SourceError | None = None
        try:
            for token in tokenize.generate_tokens(io.StringIO(self.text).readline):
                kind = token.type
                if kind == tokenize.COMMENT:
                    line, column = token.line, token.start[1]
                    if line[:column].isspace() or not column:
                        self.comments[token.start[0]] = line.strip()
                elif kind == tokenize.ERRORTOKEN and bad is None and not _tolerated(token.string):
                    bad = SourceError(f"Python cannot tokenize this file: unexpected {token.string!r}",
                                      location=Location(None, token.start[0], token.start[1] + 1),
                                      hint="fix the syntax (an unclosed quote?)")
                elif kind != tokenize.NL:
                    yield (token.string, kind, token.start[0], token.end[0], token.start[1], token.end[1])
        except tokenize.TokenError as err:
            message, (line, column) = err.args
            raise SourceError(f"Python cannot tokenize this file: {message}",
                              location=Location(None, line, column + 1 if column else 0),
                              hint="fix the syntax (an unclosed string or bracket?)") from None
        except SyntaxError as err:  # IndentationError and friends
            raise SourceError(f"Python cannot tokenize this file: {err.msg}",
                              location=Location(None, err.lineno or 0, err.offset or 0),
                              hint="fix the indentation or syntax") from None
        if bad is not None:  # reported after a TokenError, as a whole-file tokenize would
            raise bad


def _tolerated(text: str) -> bool:
    # The pure-Python tokenizer flags some identifier characters CPython accepts (combining
    # marks, variation selectors); anything else it flags (a stray quote, $, ?, €) is an error.
    return not text.strip() or (not text.isascii() and ("a" + text).isidentifier())


# --- the C tokenizer, where it is exact -------------------------------------------------------

_c_tokenizer: ModuleType | None
try:  # Python 3.11's tokenizer in C (private, so no stubs: its attributes are untyped)
    _c_tokenizer = importlib.import_module("_tokenize")
except ImportError:  # pragma: no cover (another Python)
    _c_tokenizer = None

#: Types the C tokenizer gives the tokens ``tokenize`` would give for a file it accepts.
_C_TYPES = frozenset({tokenize.NAME, tokenize.NUMBER, tokenize.STRING, tokenize.NEWLINE,
                      tokenize.INDENT, tokenize.DEDENT, tokenize.ASYNC, tokenize.AWAIT,
                      *tokenize.EXACT_TOKEN_TYPES.values()})
#: What the reference tokenizer reads as one name (a non-ASCII name it splits is tested).
_PYTHON_NAME = re.compile(r"\w+")

#: The probe the C tokenizer must tokenize exactly so (3.11.x, checked at import): a
#: decorator, ``async``, a non-ASCII name (byte columns), a trailing comment (the NEWLINE
#: token carries it), a multi-line docstring, INDENT/DEDENT columns of -1, and no ENDMARKER.
_PROBE = '@dec\nasync def f(\u00e9=1):  # c\n    """d\n    e"""\n    return await g(x)\n'
_PROBE_TOKENS = (
    ("@", 49, 1, 1, 0, 1), ("dec", 1, 1, 1, 1, 4), ("", 4, 1, 1, 4, 4), ("async", 56, 2, 2, 0, 5),
    ("def", 1, 2, 2, 6, 9), ("f", 1, 2, 2, 10, 11), ("(", 7, 2, 2, 11, 12),
    ("\u00e9", 1, 2, 2, 12, 14), ("=", 22, 2, 2, 14, 15), ("1", 2, 2, 2, 15, 16),
    (")", 8, 2, 2, 16, 17), (":", 11, 2, 2, 17, 18), ("# c", 4, 2, 2, 20, 23),
    ("", 5, 3, 3, -1, -1), ('"""d\n    e"""', 3, 3, 4, 4, 8), ("", 4, 4, 4, 8, 8),
    ("return", 1, 5, 5, 4, 10), ("await", 55, 5, 5, 11, 16), ("g", 1, 5, 5, 17, 18),
    ("(", 7, 5, 5, 18, 19), ("x", 1, 5, 5, 19, 20), (")", 8, 5, 5, 20, 21), ("", 4, 5, 5, 21, 21),
    ("", 6, 5, 5, -1, -1),
)


def _c_tokenizer_checked() -> bool:
    """Whether the C tokenizer is here and is the one this module was checked against."""
    if _c_tokenizer is None or sys.version_info[:2] != (3, 11):
        return False
    try:
        found = tuple(tuple(token[:6]) for token in _c_tokenizer.TokenizerIter(_PROBE))
    except Exception:
        return False
    return found == _PROBE_TOKENS


#: True when the C path may be used; tests set it False to force the reference tokenizer.
FAST_PATH = _c_tokenizer_checked()


def fast_path_fits(lines: Sequence[str]) -> bool:
    """Whether the C path may take a file with these lines (checked, and no long line)."""
    return FAST_PATH and all(len(line) <= C_LINE_LIMIT for line in lines)


class CTokens:
    """The stream :class:`PythonTokens` gives, from the C tokenizer; raises :class:`NotExact`
    (possibly after yielding some tokens) whenever the two might differ.

    Exact because each way the C tokenizer of Python 3.11 differs is tested: it drops comments
    and NL tokens (the comments are found from the lines, outside multi-line strings), ends
    without ENDMARKER (one is added), and on bad input either raises, or stops early without a
    word (its last NEWLINE, before the closing DEDENTs, is then above the last line of code), or
    gives a stray character (``$``, ``?``) the generic OP type; and it reads the indentation of
    a line that starts with a backslash continuation its own way (such files are left to the
    reference). Its columns count UTF-8 bytes.
    """

    byte_columns = True

    def __init__(self, text: str, lines: Sequence[str]) -> None:
        self.text, self.lines = text, lines
        self.comments: dict[int, str] = {}

    def __iter__(self) -> Iterator[Token]:
        ascii_text = self.text.isascii()
        interior: set[int] = set()
        last: Token | None = None  # the last token that is not a DEDENT
        if _c_tokenizer is None:
            raise NotExact  # another Python: only the reference tokenizer
        try:
            for token in _c_tokenizer.TokenizerIter(self.text):
                string, kind, start, end = token[0], token[1], token[2], token[3]
                if kind not in _C_TYPES:
                    raise NotExact
                if not ascii_text and kind == tokenize.NAME and not _PYTHON_NAME.fullmatch(string):
                    raise NotExact  # a name the reference tokenizer splits (a combining accent in it)
                if kind == tokenize.STRING and end > start:
                    interior.update(range(start + 1, end + 1))
                small: Token = (string, kind, start, end, token[4], token[5])
                if kind != tokenize.DEDENT:
                    last = small
                yield small
        except NotExact:
            raise
        except Exception:
            raise NotExact from None
        last_code = self._comments(interior)
        if last_code and not (last is not None and last[1] == tokenize.NEWLINE and last[2] >= last_code):
            raise NotExact  # stopped early: an error the reference tokenizer reports
        end_row = len(self.lines) + 1
        yield ("", tokenize.ENDMARKER, end_row, end_row, 0, 0)

    def _comments(self, interior: set[int]) -> int:
        """Fill ``comments`` from the lines outside strings; the last line of code's number."""
        last_code = 0
        for number, line in enumerate(self.lines, start=1):
            content = line.lstrip(" \t\f")
            if content.startswith("#") and number not in interior:
                self.comments[number] = line.strip()
            elif content:
                if content.startswith("\\") and number not in interior:
                    raise NotExact  # a line opening with a continuation: the two indent it differently
                last_code = number
        return last_code

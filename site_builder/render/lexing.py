"""Leaf: Pygments' regex lexers, each token found by one compiled match chosen by its first character.

Pygments' ``RegexLexer`` finds each token by calling its state's rules one by one, in order,
from Python: on Python code about 35 ``match`` calls per token, the largest single cost of a
build. ``accelerated(lexer)`` returns a lexer of the same class and options whose loop asks
ONE pattern per token: for the state and the character at the position, the alternation
``(?P<r0>rule)|(?P<r1>rule)|...`` of only those of the state's rules that can start with that
character, in the state's order (about a fifth of Pygments' time on the standard library).
The tokens are the same by construction: an alternation tried with ``match`` takes the first
alternative that matches at the position, with each alternative's own backtracking, which is
exactly the first rule whose own ``match`` succeeds, and ``lastindex`` names it (its wrapping
group closes last); a rule is left out of a character's alternation only when its parsed
pattern proves no match of it starts with that character (:func:`_start_set`), so anything
not understood, and any rule that can match the empty string, is in every alternation. A rule
whose action reads its groups (``bygroups``, ``using``) is matched again by its own pattern. A
state whose rules cannot be joined (a backreference, differing flags, an alternation that does
not compile) tries the same rules one by one, as Pygments does; a lexer that is not a plain
``RegexLexer`` is returned as it is. The loop is a fork of Pygments' and reads its private
``_tokens`` and the private ``re._parser``: :data:`FAST` is true only when Pygments'
``get_tokens_unprocessed`` and the code that builds ``_tokens`` are the code this module was
checked against (:mod:`site_builder.render.upstream`) and ``re._parser`` still parses a probe
pattern into what :func:`_start_set` expects; otherwise ``accelerated`` returns every lexer
as it is (Pygments' own loop). Pure: no I/O, no tokens of its own making.
"""

from __future__ import annotations

import functools
import logging
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, cast

from pygments.filter import Filter
from pygments.lexer import Lexer, RegexLexer, RegexLexerMeta
from pygments.token import Error, Whitespace, _TokenType

from site_builder.render.upstream import upstream_matches

if TYPE_CHECKING:
    # typeshed describes the regex parser under its pre-3.11 names; re._parser is the same code.
    import sre_constants as _sre
    import sre_parse as _sre_parse
else:
    try:  # Python 3.11+
        from re import _constants as _sre
        from re import _parser as _sre_parse
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_constants as _sre
        import sre_parse as _sre_parse

#: A pattern's leading global flags, e.g. ``(?i)``, which Python allows only at the start;
#: inside the alternation they become the scoped form ``(?i:...)``.
_LEADING_FLAGS = re.compile(r"\(\?([aiLmsux]+)\)")
#: Backreferences would point at another alternative's groups once the rules are joined.
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
#: The characters whose rules are told apart; every other character, and the end of the
#: text (an empty slice), share one conservative bucket.
_ASCII = tuple(chr(code) for code in range(128))

#: A rule's action: a token type, a callback given the lexer and the rule's match, or nothing.
Callback = Callable[..., Iterator[tuple[int, _TokenType, str]]]
Action = _TokenType | Callback | None
#: A transition as Pygments processes it: state names to push (or '#pop'), a pop count, '#push'.
NewState = tuple[str, ...] | int | str | None
#: One processed rule as Pygments stores it in ``_tokens``: its pattern's ``match``, action, transition.
Rule = tuple[Callable[[str, int], re.Match[str] | None], Action, NewState]
TokenDefs = dict[str, list[Rule]]


class _AlternativeMatch(Protocol):
    """A match of a joined alternation. Every alternative is a group, so a successful match
    always has a ``lastindex`` (the group that closed last: the alternative's own)."""

    @property
    def lastindex(self) -> int: ...
    def group(self) -> str: ...
    def end(self) -> int: ...


JoinedMatch = Callable[[str, int], _AlternativeMatch | None]
#: One bucket of a state: the alternation's ``match`` and, by the group number of each rule's
#: wrapping group, the rule itself; or ``None`` and the bucket's rules to try one by one.
Bucket = tuple[JoinedMatch, dict[int, Rule]] | tuple[None, list[Rule]]


def _alternation_match(pattern: re.Pattern[str]) -> JoinedMatch:
    # Only for patterns whose every alternative is a group (see _AlternativeMatch).
    return cast(JoinedMatch, pattern.match)


#: The bucket of no rules: nothing can match, Pygments' recovery follows.
_NO_RULES: Bucket = (_alternation_match(re.compile(r"(?!)")), {})


def accelerated(lexer: Lexer) -> Lexer:
    """A lexer giving the same tokens as ``lexer``, faster when it is a plain ``RegexLexer``
    (and the upstream code is the code this fork was checked against: :data:`FAST`)."""
    if not FAST or not isinstance(lexer, RegexLexer):
        return lexer
    cls = type(lexer)
    if cls.get_tokens_unprocessed is not RegexLexer.get_tokens_unprocessed:
        return lexer
    return _accelerated_class(cls)(**lexer.options)


@functools.cache
def _accelerated_class(cls: type[RegexLexer]) -> type[RegexLexer]:
    methods: dict[str, object] = {"__module__": cls.__module__, "__doc__": cls.__doc__,
               "get_tokens_unprocessed": _tokens_unprocessed,
               # Pickled by reference to the class it accelerates: this one has no importable name.
               "__reduce__": lambda self: (_unpickled, (cls, self.__dict__))}
    if cls.get_tokens is Lexer.get_tokens:
        # A class with its own ``get_tokens`` keeps it (it calls the loop above).
        methods["get_tokens"] = _tokens
    # A subclass of ``cls``: what ``type`` makes is typed only as a class.
    return cast("type[RegexLexer]", type(cls.__name__, (cls,), methods))


def _unpickled(cls: type[RegexLexer], state: dict[str, Any]) -> RegexLexer:
    lexer: RegexLexer = object.__new__(_accelerated_class(cls))
    lexer.__dict__.update(state)
    return lexer


def _tokens(self: Lexer, text: str | bytes | bytearray, unfiltered: bool = False) -> Iterator[tuple[_TokenType, str]]:
    """``Lexer.get_tokens``: the same preprocessing and filters, the index dropped in C."""
    # Pygments' private preprocessing (decoding, tabs, newlines), which its stubs leave out.
    source: str = self._preprocess_lexer_input(text)  # type: ignore[attr-defined]
    stream: Iterator[tuple[_TokenType, str]] = map(_TYPE_AND_VALUE, self.get_tokens_unprocessed(source))
    if not unfiltered:
        for token_filter in self.filters:
            stream = _filtered(token_filter, self, stream)
    return stream


_TYPE_AND_VALUE = operator.itemgetter(1, 2)


def _filtered(token_filter: Filter, lexer: Lexer,
              stream: Iterable[tuple[_TokenType, str]]) -> Iterator[tuple[_TokenType, str]]:
    yield from token_filter.filter(lexer, stream)


# --- joining a state's rules ----------------------------------------------------------------

def _dispatches(lexer: RegexLexer) -> _Dispatches:
    # Keyed by the lexer's processed rules, not its class: ``_tokens`` is made when the class
    # is first instantiated, and some lexers choose theirs per instance (C#'s 'unicodelevel').
    # RegexLexerMeta stores the processed rules on the class; Pygments' stubs leave them out.
    tokendefs: TokenDefs = lexer._tokens  # type: ignore[attr-defined]
    known = _DISPATCHES.get(id(tokendefs))
    if known is None or known[0] is not tokendefs:
        known = _DISPATCHES[id(tokendefs)] = (tokendefs, _Dispatches(tokendefs, type(lexer).flags))
    return known[1]


#: ``id(tokendefs)`` -> (tokendefs, their dispatch); holding the rules keeps the id unique.
_DISPATCHES: dict[int, tuple[TokenDefs, _Dispatches]] = {}


class _Dispatches(dict[str, "_StateDispatch"]):
    """State name -> its :class:`_StateDispatch`, made on the state's first use (a build
    meets only some of a lexer's states, and joining them all costs about a second)."""

    def __init__(self, tokendefs: TokenDefs, flags: int) -> None:
        super().__init__()
        self.tokendefs, self.flags = tokendefs, flags

    def __missing__(self, state: str) -> _StateDispatch:
        dispatch = self[state] = _StateDispatch(self.tokendefs[state], self.flags)
        return dispatch


class _StateDispatch(dict[str, Bucket]):
    """Character at the position -> the :data:`Bucket` of the state's rules a match there
    can start with, in the state's order; each bucket made on the first use of its
    character. Non-ASCII characters and the end of the text (``''``) share one bucket."""

    def __init__(self, rules: list[Rule], flags: int) -> None:
        super().__init__()
        self.rules, self.flags = rules, flags
        self.patterns: list[object] = [getattr(rexmatch, "__self__", None) for rexmatch, _, _ in rules]
        self.joinable_patterns = _joinable(self.patterns, flags)
        self.joinable = self.joinable_patterns is not None
        # A rule that cannot be analysed is, like one matching the empty string, in every bucket.
        self.starts: list[_Start | None] = [_start_set(p) if isinstance(p, re.Pattern) else None for p in self.patterns]
        self.buckets: dict[tuple[int, ...], Bucket] = {}
        self.non_ascii: Bucket | None = None

    def __missing__(self, char: str) -> Bucket:
        if len(char) == 1 and char < "\x80":
            bucket = self[char] = self._shared([start is None or char in start.ascii for start in self.starts])
            return bucket
        # Not stored per character: there are too many of them.
        if self.non_ascii is None:
            self.non_ascii = self._shared([start is None or start.other for start in self.starts])
        return self.non_ascii

    def _shared(self, chosen: list[bool]) -> Bucket:
        """The bucket of the chosen rules; characters with the same rules share one."""
        members = tuple(i for i, is_chosen in enumerate(chosen) if is_chosen)
        bucket = self.buckets.get(members)
        if bucket is None:
            bucket = self.buckets[members] = self._bucket(members)
        return bucket

    def _bucket(self, members: tuple[int, ...]) -> Bucket:
        rules = [self.rules[i] for i in members]
        joinable = self.joinable_patterns
        joined = _join(rules, [joinable[i] for i in members], self.flags) if joinable is not None else None
        return joined if joined is not None else (None, rules)


def _joinable(patterns: list[object], flags: int) -> list[re.Pattern[str]] | None:
    """The rules' patterns, when all of them can be joined into one alternation."""
    compiled = [p for p in patterns if isinstance(p, re.Pattern) and isinstance(p.pattern, str)]
    if (len(compiled) == len(patterns)
            and all(_compiled_with(p, flags) for p in compiled)
            and not any(_BACKREFERENCE.search(p.pattern) for p in compiled)):
        return compiled
    return None


def _join(rules: list[Rule], patterns: list[re.Pattern[str]], flags: int) -> Bucket | None:
    if not rules:
        return _NO_RULES
    alternatives = "|".join(f"(?P<r{i}>{_scoped(p)})" for i, p in enumerate(patterns))
    try:
        joined = re.compile(alternatives, flags)
    except (re.error, RecursionError, OverflowError):
        return None
    # Each rule's wrapping group is numbered after the groups of the rules before it.
    table: dict[int, Rule] = {}
    number = 1
    for rule, pattern in zip(rules, patterns, strict=True):
        table[number] = rule
        number += 1 + pattern.groups
    if joined.groups != number - 1:
        return None
    return _alternation_match(joined), table


def _compiled_with(pattern: re.Pattern[str], flags: int) -> bool:
    """Whether ``pattern`` means, under the lexer's ``flags``, what it meant when compiled.

    Its own ``flags`` include its leading inline flags; an empty pattern (Pygments'
    ``default(...)``) means the same under any flags."""
    if not pattern.pattern:
        return True
    try:
        return re.compile(pattern.pattern, flags).flags == pattern.flags
    except re.error:
        return False


def _scoped(pattern: re.Pattern[str]) -> str:
    """The pattern's text as one alternative: leading global flags made scoped, and in
    verbose mode a final newline, so that a trailing ``# comment`` ends before the
    alternative's closing parenthesis (a newline at the end of a verbose pattern is ignored)."""
    text = pattern.pattern
    end = "\n" if pattern.flags & re.VERBOSE else ""
    leading = _LEADING_FLAGS.match(text)
    if not leading:
        return text + end
    return f"(?{leading.group(1)}:{text[leading.end():]}{end})"


# --- what a match can start with ------------------------------------------------------------

class _Start(NamedTuple):
    """The characters a match of a pattern (or part of one) can start with, conservatively."""
    ascii: frozenset[str]
    other: bool  #: may start with a non-ASCII character
    nullable: bool  #: may match the empty string, so what follows it may start the match


_ALL_ASCII = frozenset(_ASCII)
_ANYTHING = _Start(_ALL_ASCII, True, True)
_ZERO_WIDTH = _Start(frozenset(), False, True)
_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", _sre.MAX_REPEAT)}
_ZERO_WIDTH_OPS = {_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT}
_CHAR_OPS = {_sre.LITERAL, _sre.NOT_LITERAL, _sre.IN, _sre.ANY}
_CATEGORY_ESCAPES = {
    _sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D",
    _sre.CATEGORY_SPACE: r"\s", _sre.CATEGORY_NOT_SPACE: r"\S",
    _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W",
}


@functools.lru_cache(maxsize=4096)
def _start_set(pattern: re.Pattern[str]) -> _Start | None:
    """What a match of ``pattern`` can start with; ``None`` when it belongs in every
    alternation: it can match the empty string, or it could not be analysed."""
    try:
        start = _sequence_start(_sre_parse.parse(pattern.pattern, pattern.flags), pattern.flags)
    except (re.error, RecursionError, TypeError, ValueError, AttributeError):
        return None
    return None if start.nullable else start


def _sequence_start(items: _sre_parse.SubPattern, flags: int) -> _Start:
    """A sequence starts with its first item's characters, and the next item's while the
    items so far can match the empty string."""
    ascii: set[str] = set()
    other = False
    # A parsed pattern's items are its ``data`` (what iterating it yields, item by item).
    for op, argument in items.data:
        start = _item_start(op, argument, flags)
        ascii |= start.ascii
        other = other or start.other
        if not start.nullable:
            return _Start(frozenset(ascii), other, False)
    return _Start(frozenset(ascii), other, True)


def _item_start(op: int, argument: Any, flags: int) -> _Start:
    # ``argument``'s shape depends on ``op`` (a union typeshed cannot narrow by op): read per case.
    if op in _CHAR_OPS:
        return _char_start(op, argument, flags)
    if op in _ZERO_WIDTH_OPS:
        # Anchors and lookarounds consume nothing: the match starts with what follows.
        return _ZERO_WIDTH
    if op == _sre.SUBPATTERN:
        _, add_flags, del_flags, items = argument
        return _sequence_start(items, (flags | add_flags) & ~del_flags)
    if op == getattr(_sre, "ATOMIC_GROUP", None):
        return _sequence_start(argument, flags)
    if op in _REPEATS:
        low, high, items = argument
        if high == 0:
            return _ZERO_WIDTH
        start = _sequence_start(items, flags)
        return start._replace(nullable=start.nullable or low == 0)
    if op == _sre.BRANCH:
        starts = [_sequence_start(items, flags) for items in argument[1]]
        return _Start(frozenset().union(*(s.ascii for s in starts)), any(s.other for s in starts),
                      any(s.nullable for s in starts))
    return _ANYTHING


def _char_start(op: int, argument: Any, flags: int) -> _Start:
    """The ASCII characters one character item matches, asked of the regex engine itself (so
    case-insensitive matching is exactly the engine's); non-ASCII ones are not enumerated."""
    if op == _sre.ANY or flags & re.LOCALE:
        return _Start(_ALL_ASCII, True, False)
    if op == _sre.IN:
        negate = bool(argument) and argument[0][0] == _sre.NEGATE
        members = argument[1:] if negate else argument
    else:
        negate, members = op == _sre.NOT_LITERAL, [(_sre.LITERAL, argument)]
    # Under IGNORECASE an ASCII letter also matches non-ASCII ones (``k`` matches the Kelvin sign).
    other = negate or bool(flags & re.IGNORECASE)
    body: list[str] = []
    for kind, value in members:
        if kind == _sre.LITERAL:
            body.append(f"\\U{value:08x}")
            other = other or value >= 128
        elif kind == _sre.RANGE:
            body.append(f"\\U{value[0]:08x}-\\U{value[1]:08x}")
            other = other or value[1] >= 128
        elif kind == _sre.CATEGORY and value in _CATEGORY_ESCAPES:
            body.append(_CATEGORY_ESCAPES[value])
            other = True
        else:
            return _Start(_ALL_ASCII, True, False)
    if not body:
        return _Start(_ALL_ASCII, True, False)
    one_char = re.compile(f"[{'^' if negate else ''}{''.join(body)}]", flags & (re.IGNORECASE | re.ASCII))
    return _Start(frozenset(char for char in _ASCII if one_char.match(char)), other, False)


# --- the token loop -------------------------------------------------------------------------

def _tokens_unprocessed(self: RegexLexer, text: str,
                        stack: Iterable[str] = ("root",)) -> Iterator[tuple[int, _TokenType, str]]:
    """``RegexLexer.get_tokens_unprocessed`` with one dispatched match per token (see the module)."""
    dispatches = _dispatches(self)
    pos = 0
    statestack = list(stack)
    dispatch = dispatches[statestack[-1]]
    while True:
        # ``text[pos:pos + 1]`` is '' at the end of the text: only an empty match is left.
        bucket = dispatch[text[pos:pos + 1]]
        if bucket[0] is not None:
            found = bucket[0](text, pos)
            if found:
                rule = bucket[1][found.lastindex]
                action = rule[1]
                if type(action) is _TokenType:
                    yield pos, action, found.group()
                elif action is not None:
                    # Callbacks read their groups by number: give them the rule's own match.
                    yield from cast(Callback, action)(self, rule[0](text, pos))
                pos = found.end()
                if rule[2] is not None:
                    _change_state(statestack, rule[2])
                    dispatch = dispatches[statestack[-1]]
                continue
        else:
            # A state that cannot be joined: its rules one by one, as Pygments tries them.
            for rexmatch, action, new_state in bucket[1]:
                m = rexmatch(text, pos)
                if m:
                    if action is not None:
                        if type(action) is _TokenType:
                            yield pos, action, m.group()
                        else:
                            yield from cast(Callback, action)(self, m)
                    pos = m.end()
                    if new_state is not None:
                        _change_state(statestack, new_state)
                        dispatch = dispatches[statestack[-1]]
                    break
            else:
                m = None
            if m:
                continue
        # No rule matched: Pygments' recovery, a newline back to 'root', else one Error char.
        if pos >= len(text):
            return
        if text[pos] == "\n":
            statestack = ["root"]
            dispatch = dispatches["root"]
            yield pos, Whitespace, "\n"
        else:
            yield pos, Error, text[pos]
        pos += 1


def _change_state(statestack: list[str], new_state: NewState) -> None:
    """Pygments' state transitions: a tuple of pushes/pops, a negative pop count, '#push'."""
    if isinstance(new_state, tuple):
        for state in new_state:
            if state == "#pop":
                if len(statestack) > 1:
                    statestack.pop()
            elif state == "#push":
                statestack.append(statestack[-1])
            else:
                statestack.append(state)
    elif isinstance(new_state, int):
        # Pop, keeping at least one state, as Pygments does for unbalanced input.
        if abs(new_state) >= len(statestack):
            del statestack[1:]
        else:
            del statestack[new_state:]
    elif new_state == "#push":
        statestack.append(statestack[-1])
    else:
        raise ValueError(f"unknown lexer state transition {new_state!r}")


# --- the guard --------------------------------------------------------------------------------

#: What the loop mirrors, and what makes the ``_tokens`` it reads (``(match, action,
#: new_state)`` per rule, states by name), by name.
UPSTREAM: dict[str, Callable[..., Any] | None] = {
    "RegexLexer.get_tokens_unprocessed": RegexLexer.get_tokens_unprocessed,
    # Private and left out of Pygments' stubs; if it were gone, no fingerprint matches.
    "RegexLexerMeta._process_state": getattr(RegexLexerMeta, "_process_state", None),
    "RegexLexerMeta.process_tokendef": RegexLexerMeta.process_tokendef,
}
#: Their fingerprints in the releases the fork was read against (Pygments 2.21.x).
CHECKED = {
    "RegexLexer.get_tokens_unprocessed": frozenset({"dda6229f98c72106"}),
    "RegexLexerMeta._process_state": frozenset({"31853527d4a8b8c5"}),
    "RegexLexerMeta.process_tokendef": frozenset({"ebc22896e0c415d5"}),
}


def _parser_understood() -> bool:
    """Whether ``re._parser`` still gives :func:`_start_set` the structures it reads."""
    probe = _start_set.__wrapped__(re.compile(r"(?:[a-c]x|def)+\s|\d"))
    expected = frozenset("abcd0123456789")
    if probe is None or probe.ascii != expected or probe.nullable:
        logging.getLogger(__name__).debug("lexer fork: stock path, re._parser gave %r for the probe", probe)
        return False
    return True


#: Whether ``accelerated`` accelerates (tests set it false to run Pygments' own loop).
FAST = upstream_matches("lexer fork", "pygments", ((2, 15), (3,)), UPSTREAM, CHECKED) and _parser_understood()

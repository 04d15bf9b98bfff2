"""lexing: the accelerated lexers give exactly Pygments' tokens, only faster."""

from __future__ import annotations

import pickle
import re
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pygments.lexer import RegexLexer, bygroups, default, include
from pygments.lexers import CLexer, JsonLexer, PythonLexer, get_lexer_by_name
from pygments.token import (
    Error,
    Keyword,
    Name,
    Number,
    Punctuation,
    String,
    Text,
    Whitespace,
)

from site_builder.render import lexing
from site_builder.render.lexing import accelerated

STDLIB = Path(re.__file__).resolve().parent.parent
SITE_BUILDER = Path(lexing.__file__).resolve().parent.parent

#: Stdlib modules picked for their variety: f-strings, regexes, decorators, match/case,
#: long docstrings, odd literals, non-ASCII text.
STDLIB_MODULES = [
    "argparse.py", "ast.py", "asyncio/base_events.py", "calendar.py", "dataclasses.py",
    "decimal.py", "email/_header_value_parser.py", "enum.py", "fractions.py", "inspect.py",
    "json/decoder.py", "logging/__init__.py", "pathlib.py", "pydoc.py", "re/_parser.py",
    "string.py", "tarfile.py", "textwrap.py", "typing.py", "unicodedata.py" if (STDLIB / "unicodedata.py").exists()
    else "locale.py", "test/test_grammar.py", "test/test_fstring.py", "test/test_patma.py",
]

EDGE_CASES = {
    "f-strings with nested quotes": 'x = f"{d["key"]!r:>{width}} {f\'{y}\'}" + f\'{a!s}\'\n',
    "f-string spanning lines": 'msg = f"""total: {\n    a + b\n} done"""\n',
    "raw, byte and triple strings spanning lines": (
        "r = r'\\d+\\'' + rb\"\\x00\"\nb = b'''one\ntwo'''\ns = \"\"\"a\n\"b\"\nc\"\"\"\nu = u'é'\n"),
    "unterminated strings": "a = 'never closed\nb = \"also open\nc = '''still\n",
    "line continuations": "total = 1 + \\\n    2 + \\\n    3\nif a and \\\n   b: pass\n",
    "decorators": ("@functools.lru_cache(maxsize=None)\n@ property\n@a.b.c\n"
                   "def f(x: int = 1, *a, **k) -> None: ...\nclass C(B, metaclass=M): pass\n"),
    "match/case soft keywords": (
        "match command.split():\n    case [action]:\n        pass\n    case [\"go\", direction] if direction:\n"
        "        match = case = _ = 1\n    case Point(x=0) | {'k': v, **rest}:\n        pass\n"
        "    case _:\n        type X = int\n"),
    "non-ASCII identifiers": "größe = 1\n変数 = größe + ñ\nclass Ünicode: π = 3.14\n# コメント\nΔ = '¿qué?'\n",
    "numbers and operators": "x = 0x_1F + 0o17 + 0b1010 + 1_000.5e-3j + .5 @ m ** 2 // 3 := 4\nx @= y; a -> b\n",
    "a file ending without newline": "import os\nprint(os.sep)",
    "empty input": "",
    "only newlines": "\n\n\n",
    "tabs, form feeds and carriage returns": "if x:\r\n\tpass\f\n\x0c# c\r",
    "stray characters": "a = $ ? ` \x00 \u2028 b\n",
}


def pygments_tokens(lexer, text):
    return list(lexer.get_tokens(text)), list(lexer.get_tokens_unprocessed(text))


def assert_same_tokens(lexer, text):
    fast = accelerated(lexer)
    assert type(fast) is not type(lexer) and isinstance(fast, type(lexer))
    assert pygments_tokens(fast, text) == pygments_tokens(lexer, text)


@pytest.mark.parametrize("module", STDLIB_MODULES)
def test_python_tokens_equal_pygments_on_stdlib_module(module):
    text = (STDLIB / module).read_text(encoding="utf-8")
    assert_same_tokens(PythonLexer(stripnl=False, ensurenl=True), text)


@pytest.mark.parametrize("path", sorted(SITE_BUILDER.rglob("*.py")), ids=lambda p: str(p.relative_to(SITE_BUILDER)))
def test_python_tokens_equal_pygments_on_site_builder_source(path):
    assert_same_tokens(PythonLexer(stripnl=False, ensurenl=True), path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
@pytest.mark.parametrize("options", [{"stripnl": False, "ensurenl": True}, {"stripnl": False, "ensurenl": False}, {}],
                         ids=["file", "inline", "pygments-defaults"])
def test_python_tokens_equal_pygments_on_edge_case(name, options):
    assert_same_tokens(PythonLexer(**options), EDGE_CASES[name])


def test_unterminated_string_recovers_at_the_newline_and_stray_characters_are_errors_as_in_pygments():
    text = "a = 'never closed\nb = $\n"
    fast = list(accelerated(PythonLexer()).get_tokens(text))
    assert (Whitespace, "\n") in fast and (Name, "b") in fast and (Error, "$") in fast
    assert fast == list(PythonLexer().get_tokens(text))


FENCED = {
    "bash": ('for f in *.py; do\n  echo "${f%.py}: $(wc -l < "$f")" >> out.txt  # count\ndone\n'
             'export A=1 && [[ -n $A ]]\n'),
    "javascript": ("const re = /a[/]b/g; let s = `x ${y + `z`}`;\n"
                   "class A extends B { #p = 1; get x() { return this.#p ?? 0; } }\n"),
    "markdown": "# Title\n\nSome *em* and `code`, a [link](http://x).\n\n```python\nprint(1)\n```\n- item\n",
    "html": '<!DOCTYPE html>\n<p class="a">x &amp; y<script>if (a < b) {}</script><style>p{color:red}</style>\n',
    "css": "@media (max-width: 10px) { .a > b::before { content: '\\201C'; color: #fff !important; } }\n",
    "text": "plain text\n\twith a tab\n",
}


@pytest.mark.parametrize("language", sorted(FENCED))
def test_fenced_code_lexer_tokens_equal_pygments(language):
    lexer = get_lexer_by_name(language, stripnl=False, ensurenl=True)
    fast = accelerated(lexer)
    assert pygments_tokens(fast, FENCED[language]) == pygments_tokens(lexer, FENCED[language])


@pytest.mark.parametrize("level", ["none", "basic", "full"])
def test_lexer_choosing_its_rules_per_instance_gives_pygments_tokens(level):
    # C# compiles a rule set per 'unicodelevel' option, kept on the instance, not the class.
    lexer = get_lexer_by_name("csharp", unicodelevel=level)
    text = 'class Ünï { string s = @"a""b"; int ñ = 0x1F; } // done\n'
    assert pygments_tokens(accelerated(lexer), text) == pygments_tokens(lexer, text)


@pytest.mark.parametrize("lexer", [JsonLexer(), CLexer()], ids=["own Lexer", "own token loop"])
def test_lexer_that_is_not_a_plain_regex_lexer_is_returned_unchanged(lexer):
    assert accelerated(lexer) is lexer


def test_accelerated_lexer_keeps_the_options():
    fast = accelerated(PythonLexer(stripnl=True, tabsize=4))
    assert fast.stripnl is True and fast.tabsize == 4
    text = "\n\nif x:\n\tpass\n\n"
    assert list(fast.get_tokens(text)) == list(PythonLexer(stripnl=True, tabsize=4).get_tokens(text))


class BackreferenceLexer(RegexLexer):
    """A quoted string closed by the quote that opened it: a backreference, not joinable."""
    name = "backreference-test"
    tokens: ClassVar[dict[str, list[Any]]] = {
        "root": [
            (r"([\"'])(?:\\.|(?!\1).)*\1", String),
            (r"\w+", Name),
            (r"\s+", Whitespace),
            (r"[(]", Punctuation, "inner"),
        ],
        "inner": [
            (r"[)]", Punctuation, "#pop"),
            (r"\d+", Number),
            (r"[(]", Punctuation, "#push"),
            include("root"),
        ],
    }


class MixedFlagsLexer(RegexLexer):
    """One rule compiled with a flag the others lack: joining would change its meaning."""
    name = "mixed-flags-test"
    flags = re.MULTILINE
    tokens: ClassVar[dict[str, list[Any]]] = {
        "root": [
            (r"select\b", Keyword),
            (r"[A-Za-z]+", Name),
            (r"\s+", Whitespace),
            (r"[(](\d+)([)])", bygroups(Number, Punctuation)),
            (r"[,;]", Punctuation, "list"),
        ],
        "list": [(r"\d+", Number), (r";", Punctuation, "#pop:5"), default("#pop")],
    }

    @classmethod
    def _process_regex(cls, regex, rflags, state):
        return re.compile(regex, rflags | (re.IGNORECASE if regex.startswith("select") else 0)).match


@pytest.mark.parametrize("cls, text", [
    (BackreferenceLexer, "say 'it''s' \"a'b\" (1 (2) 'x') ) 'open\nnext ! (\n"),
    (MixedFlagsLexer, "SELECT a, 1;Select (12) selection;2 ; ! é\nselect"),
], ids=["backreference", "different flags"])
def test_state_that_cannot_be_joined_falls_back_and_gives_pygments_tokens(cls, text):
    lexer = cls()
    fast = accelerated(lexer)
    assert pygments_tokens(fast, text) == pygments_tokens(lexer, text)
    root = lexing._dispatches(fast)["root"]
    assert not root.joinable and root["s"][0] is None  # rules tried one by one


class VerboseLexer(RegexLexer):
    """Verbose patterns ending in comments, one with leading flags of its own."""
    name = "verbose-test"
    flags = re.VERBOSE
    tokens: ClassVar[dict[str, list[Any]]] = {
        "root": [
            (r"(?i) select  # a keyword, any case", Keyword),
            (r"[a-z]+  # a word", Name),
            (r"[0-9] +  # digits", Number),
            (r"\s+", Whitespace),
        ],
    }


def test_verbose_patterns_ending_in_a_comment_are_joined_and_give_pygments_tokens():
    lexer = VerboseLexer()
    fast = accelerated(lexer)
    text = "SELECT word 42 selected\n!"
    assert pygments_tokens(fast, text) == pygments_tokens(lexer, text)
    assert lexing._dispatches(fast)["root"]["s"][0] is not None  # one joined match


class TransitionsLexer(RegexLexer):
    """Pushes, pops beyond the bottom, '#push', int pops, callbacks and no-match recovery."""
    name = "transitions-test"
    tokens: ClassVar[dict[str, list[Any]]] = {
        "root": [
            (r"(def)(\s+)(\w+)", bygroups(Keyword, Whitespace, Name.Function)),
            (r"\{", Punctuation, ("block", "block")),
            (r"\}", Punctuation, "#pop"),
            (r"[a-z]+", Name),
            (r"[ \t]+", Text),
            (r"(?i)k", Keyword.Kelvin),
        ],
        "block": [
            (r"\}", Punctuation, "#pop:3"),
            (r"\[", Punctuation, "#push"),
            (r"\]", Punctuation, "#pop:2"),
            (r"\d+", Number),
            (r"(?=x)", Text, "#pop"),
            include("root"),
        ],
    }


@pytest.mark.parametrize("text", [
    "def f { 1 [ 2 ] } } } x { x } ~ \u212a K k\n{ 3 \n ! ]]]",
    "", "}}}}", "{[[[\n]]", "\u212a", "def  g{x",
])
def test_state_transitions_callbacks_and_errors_match_pygments(text):
    lexer = TransitionsLexer()
    assert pygments_tokens(accelerated(lexer), text) == pygments_tokens(lexer, text)


def test_case_insensitive_rule_is_tried_for_non_ascii_characters_it_folds_to():
    # The Kelvin sign matches (?i)k: the rule must stay in the non-ASCII bucket.
    lexer = TransitionsLexer()
    assert list(accelerated(lexer).get_tokens("\u212a")) == [(Keyword.Kelvin, "\u212a"), (Whitespace, "\n")]


@pytest.mark.parametrize("pattern, starts, non_ascii", [
    (r"abc|x", {"a", "x"}, False),
    (r"(?i)ab", {"a", "A"}, True),
    (r"\s*:", {" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", ":"}, True),
    (r"(?<!\.)(?=[a-c])[a-c]x?", {"a", "b", "c"}, False),
    (r"(?:0[xX])?[0-9]+", {str(d) for d in range(10)}, False),
    (r"[^\n]", set(map(chr, range(128))) - {"\n"}, True),
])
def test_start_set_holds_every_character_a_match_can_start_with(pattern, starts, non_ascii):
    start = lexing._start_set(re.compile(pattern))
    assert set(start.ascii) == starts and start.other is non_ascii


@pytest.mark.parametrize("pattern", [r"", r"a*", r"(?=x)", r"$", r"(a|)", r"(?:x{0,3})"])
def test_rule_that_can_match_empty_is_in_every_bucket(pattern):
    assert lexing._start_set(re.compile(pattern)) is None


@pytest.mark.slow
def test_python_tokens_equal_pygments_on_the_whole_stdlib():
    base = PythonLexer(stripnl=False, ensurenl=True)
    fast = accelerated(base)
    differ = []
    for path in sorted(STDLIB.rglob("*.py")):
        if "site-packages" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if list(fast.get_tokens_unprocessed(text)) != list(base.get_tokens_unprocessed(text)):
            differ.append(str(path))
    assert differ == []


@pytest.mark.slow
def test_every_pygments_regex_lexer_gives_its_own_tokens_on_mixed_snippets():
    from pygments.lexers import find_lexer_class_by_name, get_all_lexers
    snippets = [Path(__file__).read_text(encoding="utf-8")[:6000], FENCED["bash"], FENCED["html"],
                '{"a": [1, 2.5e3, null]}\nkey: value\n- item\n', "é 日本語 \u212a \x00 \t\r\n", "", "(((", "'''"]
    differ = []
    for name, aliases, _, _ in get_all_lexers():
        lexer = find_lexer_class_by_name(aliases[0])() if aliases else None
        fast = accelerated(lexer) if lexer is not None else None
        if fast is not None and fast is not lexer and any(
                pygments_tokens(fast, text) != pygments_tokens(lexer, text) for text in snippets):
            differ.append(name)
    assert differ == []


def test_accelerated_lexer_pickles_as_an_accelerated_lexer_with_its_options():
    fast = accelerated(PythonLexer(stripnl=False, tabsize=2))
    copy = pickle.loads(pickle.dumps(fast))
    assert type(copy) is type(fast) and copy.options == fast.options
    text = "if x:\n\tpass\n"
    assert list(copy.get_tokens(text)) == list(PythonLexer(stripnl=False, tabsize=2).get_tokens(text))

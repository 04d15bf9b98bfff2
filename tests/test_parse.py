"""Parse stage: sections of annotated Python and Markdown pages (spec: translation-format.md)."""

from __future__ import annotations

import ast
import sysconfig
import tokenize
import warnings
from pathlib import Path

import pytest
from corpus_files import write_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.catalog.units import split_units
from site_builder.errors import SourceError
from site_builder.model import SectionKind, SourceKind
from site_builder.render.highlight import highlight_sections
from site_builder.source import tokens
from site_builder.source.classify import classify
from site_builder.source.discover import file_id, find_sources
from site_builder.source.parse import parse_file
from site_builder.source.sections import docstring_notes


def c_path_exact(text: str) -> bool:
    """Whether the C tokenizer's stream is used for ``text`` (it ran to its end without NotExact)."""
    try:
        for _ in tokens.CTokens(text, text.split("\n")):
            pass
    except tokens.NotExact:
        return False
    return True


def parse_text(tmp_path: Path, text: str, name: str = "mod.py"):
    write_corpus(tmp_path, {name: text})
    return parse_file(tmp_path / name, tmp_path)


def code_numbers(source) -> list[int]:
    return [line.number for section in source.sections for line in section.code]


# --- sections ---------------------------------------------------------------------------------


def test_module_docstring_is_the_first_section_and_keeps_the_code_after_it(tmp_path):
    source = parse_text(tmp_path, '''\
        """
        Adds numbers.
        """

        import math
        # Square roots
        root = math.sqrt(2)
        ''')
    first, second = source.sections
    assert first.kind is SectionKind.MODULE_DOCSTRING
    assert first.notes == "\nAdds numbers.\n\n"
    assert [line.number for line in first.code] == [4, 5]
    assert second.kind is SectionKind.COMMENT and second.notes == "Square roots\n"
    assert [line.text for line in second.code] == ["root = math.sqrt(2)"]


def test_front_matter_gives_title_and_summary_and_leaves_the_notes(tmp_path):
    source = parse_text(tmp_path, '''\
        """
        ---
        title: Running sums
        summary: >
          Keeps a total
          as items arrive.
        level: easy
        ---

        # Running sums
        """
        ''')
    assert source.front.title == "Running sums"
    assert source.front.summary == "Keeps a total as items arrive."
    assert source.front.extra == (("level", "easy"),)
    # Only the block's own lines go: the notes still open with a blank line.
    assert source.sections[0].notes == "\n\n# Running sums\n\n"


def test_title_without_front_matter_is_the_first_level_one_heading_without_its_link(tmp_path):
    source = parse_text(tmp_path, '"""\n## Not this\n# [Window sums](index.html)\n"""\n')
    assert source.front.title == "Window sums"
    assert source.front.summary == ""


def test_title_without_front_matter_or_heading_is_the_file_name(tmp_path):
    assert parse_text(tmp_path, "x = 1\n", name="helpers.py").front.title == "helpers.py"


def test_def_docstring_section_holds_decorators_and_signature_but_not_the_docstring(tmp_path):
    source = parse_text(tmp_path, '''\
        x = 1


        @cache
        @trace(level=2)
        def scaled(value,
                   factor=3):
            """Multiply the value"""
            return value * factor
        ''')
    code, doc = source.sections
    assert code.kind is SectionKind.CODE and code.notes == ""
    assert doc.kind is SectionKind.DOCSTRING and doc.name == "scaled"
    assert doc.notes == "Multiply the value\n"
    assert doc.line == 4
    assert [line.number for line in doc.code] == [4, 5, 6, 7, 9]


def test_class_and_method_docstrings_are_separate_sections_named_after_them(tmp_path):
    source = parse_text(tmp_path, '''\
        class Counter:
            """
            ## Counter
            """

            async def bump(self):
                """Add one"""
                self.n += 1
        ''')
    names = [(s.kind, s.name) for s in source.sections]
    assert names == [(SectionKind.DOCSTRING, "Counter"), (SectionKind.DOCSTRING, "bump")]
    assert [line.number for line in source.sections[0].code] == [1, 5]


def test_comment_run_becomes_a_comment_section_with_the_code_below_it(tmp_path):
    source = parse_text(tmp_path, "# Start at zero\n# and count up\ntotal = 0\ncount = 0\n")
    (section,) = source.sections
    assert section.kind is SectionKind.COMMENT
    assert section.notes == "Start at zero\nand count up\n"
    assert [line.text for line in section.code] == ["total = 0", "count = 0"]


def test_comment_blank_line_comment_gives_two_sections(tmp_path):
    source = parse_text(tmp_path, "# first note\n\n# second note\nx = 1\n")
    assert [s.notes for s in source.sections] == ["first note\n", "second note\n"]
    assert [line.number for line in source.sections[0].code] == [2]


def test_bare_hash_line_is_a_paragraph_break_inside_one_section(tmp_path):
    source = parse_text(tmp_path, "# one\n#\n# two\nx = 1\n")
    (section,) = source.sections
    assert section.notes == "one\n\ntwo\n"


def test_comment_directly_above_a_documented_def_merges_with_its_docstring(tmp_path):
    source = parse_text(tmp_path, '''\
        # ### Helpers
        @staticmethod
        def helper():
            """
            Does little
            """
            return 1
        ''')
    (section,) = source.sections
    assert section.kind is SectionKind.DOCSTRING and section.name == "helper"
    assert section.notes == "### Helpers\n\nDoes little\n\n"
    assert section.line == 1
    assert [line.number for line in section.code] == [2, 3, 7]


def test_comment_above_an_undocumented_def_keeps_the_def_as_its_code(tmp_path):
    source = parse_text(tmp_path, "# Plain helper\ndef helper():\n    return 1\n")
    (section,) = source.sections
    assert section.kind is SectionKind.COMMENT
    assert [line.number for line in section.code] == [2, 3]


def test_comment_separated_from_a_def_by_a_blank_line_does_not_merge(tmp_path):
    source = parse_text(tmp_path, '# Note\n\ndef f():\n    """Doc"""\n')
    assert [s.kind for s in source.sections] == [SectionKind.COMMENT, SectionKind.DOCSTRING]


def test_inline_comments_stay_in_the_code_column(tmp_path):
    source = parse_text(tmp_path, "x = 1  # not a note\n")
    (section,) = source.sections
    assert section.kind is SectionKind.CODE
    assert section.code[0].text == "x = 1  # not a note"


def test_shebang_and_encoding_lines_are_code_not_notes(tmp_path):
    source = parse_text(tmp_path, "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nx = 1\n")
    assert [s.kind for s in source.sections] == [SectionKind.CODE]
    assert code_numbers(source) == [1, 2, 3]


def test_strings_that_are_not_docstrings_stay_code(tmp_path):
    source = parse_text(tmp_path, 'x = 1\n"""after code"""\ndef f():\n    y = 2\n    """late"""\n'
                                  'def g():\n    f"""{y}"""\n')
    assert {s.kind for s in source.sections} == {SectionKind.CODE}
    assert code_numbers(source) == list(range(1, 8))


def test_async_with_at_statement_start_is_not_a_def_header(tmp_path):
    source = parse_text(tmp_path, 'async def f():\n    async with lock:\n        """not a doc"""\n')
    assert [s.kind for s in source.sections] == [SectionKind.CODE]


def test_crlf_line_endings_and_a_missing_final_newline_are_accepted(tmp_path):
    write_corpus(tmp_path, {"mod.py": b"# note\r\nx = 1\r\ny = 2"})
    source = parse_file(tmp_path / "mod.py", tmp_path)
    assert source.sections[0].notes == "note\n"
    assert [line.text for line in source.sections[0].code] == ["x = 1", "y = 2"]


# --- encodings and line endings ----------------------------------------------------------------

_ACCENTED = '"""\n# Café crème\n\nDéjà vu – 5 €.\n"""\n\n# Très bien\nx = "é"\n'


def keys_and_code(source) -> tuple[list[str], list[list[str]]]:
    return ([unit.key for unit in split_units(source)],
            [[line.text for line in section.code] for section in source.sections])


@pytest.mark.parametrize("name, data, words", [
    ("latin1.py", ("# -*- coding: latin-1 -*-\n" + _ACCENTED.replace(" – 5 €", "")).encode("latin-1"),
     "Déjà vu."),
    ("cp1252.py", ("#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\n" + _ACCENTED).encode("cp1252"),
     "Déjà vu – 5 €."),
    ("bom.py", ("\ufeff" + _ACCENTED).encode("utf-8"), "Déjà vu – 5 €."),
])
def test_declared_encodings_and_a_bom_decode_as_python_does(tmp_path, name, data, words):
    write_corpus(tmp_path, {name: data})
    source = parse_file(tmp_path / name, tmp_path)
    keys, code = keys_and_code(source)
    assert keys == ["Café crème", f"<h1>Café crème</h1>\n<p>{words}</p>\n", "<p>Très bien </p>\n"]
    assert code[-1] == ['x = "é"']
    # The shebang and the declaration are code, not notes.
    assert not any("coding" in section.notes or "#!" in section.notes for section in source.sections)


def test_same_notes_give_the_same_keys_whatever_the_encoding(tmp_path):
    text = _ACCENTED.replace(" – 5 €", "")
    write_corpus(tmp_path, {"utf8.py": "# coding: utf-8\n" + text,
                            "latin1.py": ("# coding: latin-1\n" + text).encode("latin-1")})
    assert (keys_and_code(parse_file(tmp_path / "utf8.py", tmp_path))[0]
            == keys_and_code(parse_file(tmp_path / "latin1.py", tmp_path))[0])


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_crlf_and_cr_files_give_the_sections_and_keys_of_the_lf_file(tmp_path, ending):
    text = ('"""\nModule.\n"""\n\n# Note\n#\n# more\ndef f(a,\n      b):\n'
            '    """Doc\n    two"""\n    s = """a\nb"""\n')
    write_corpus(tmp_path, {"lf/mod.py": text, "other/mod.py": text.replace("\n", ending).encode()})
    lf, other = (parse_file(tmp_path / name, tmp_path) for name in ("lf/mod.py", "other/mod.py"))
    assert keys_and_code(other) == keys_and_code(lf)
    assert [(s.kind, s.line) for s in other.sections] == [(s.kind, s.line) for s in lf.sections]
    assert not any("\r" in html for html in highlight_sections(other))


def test_form_feeds_and_tab_indentation_give_the_keys_of_the_plain_file(tmp_path):
    spaces = 'class A:\n    """\n    Doc line\n      indented\n    """\n\n# Note\nx = 1\n'
    tabs = spaces.replace("    ", "\t")
    write_corpus(tmp_path, {"spaces/mod.py": spaces, "tabs/mod.py": tabs.replace("\n# Note", "\n\f\n# Note")})
    plain, tabbed = (parse_file(tmp_path / name, tmp_path) for name in ("spaces/mod.py", "tabs/mod.py"))
    assert keys_and_code(tabbed)[0] == keys_and_code(plain)[0]
    code = [line.text for section in tabbed.sections for line in section.code]
    assert code == ["class A:", "", "", "x = 1"]  # the page-break line shows as a blank line


def test_source_invalid_in_its_declared_encoding_names_the_encoding_line_and_column(tmp_path):
    write_corpus(tmp_path, {"bad.py": b"# coding: ascii\r\nx = 1\r\ny = '\xe9'\n"})
    with pytest.raises(SourceError) as caught:
        parse_file(tmp_path / "bad.py", tmp_path)
    assert str(caught.value) == (f"{tmp_path / 'bad.py'}:3:6: not valid ascii: byte 0xe9 cannot be "
                                 "decoded; save the file as ascii, or correct its coding declaration")


@pytest.mark.parametrize("data, line, column, name", [
    (b"# -*- coding: klingon -*-\nx = 1\n", 1, 15, "klingon"),
    (b"#!/usr/bin/python\n# coding=rot13\nx = 1\n", 2, 10, "rot13"),
])
def test_unknown_declared_encoding_is_a_source_error_at_the_declaration(tmp_path, data, line, column, name):
    write_corpus(tmp_path, {"mod.py": data})
    with pytest.raises(SourceError) as caught:
        parse_file(tmp_path / "mod.py", tmp_path)
    assert (caught.value.location.line, caught.value.location.column) == (line, column)
    assert caught.value.message == f"unknown encoding {name!r} in the coding declaration"
    assert "encoding Python knows" in caught.value.hint


def test_bom_with_a_conflicting_declaration_is_a_source_error(tmp_path):
    write_corpus(tmp_path, {"mod.py": b"\xef\xbb\xbf# coding: latin-1\nx = 1\n"})
    with pytest.raises(SourceError) as caught:
        parse_file(tmp_path / "mod.py", tmp_path)
    assert caught.value.location.line == 1 and "byte order mark" in caught.value.message


# --- percent-format cells -----------------------------------------------------------------------

_NOTEBOOK = """\
# ---
# jupyter:
#   jupytext:
#     formats: py:percent
# ---

# %% [markdown]
# # Données d'entraînement
#
# Première cellule.

# %%
import math

# %% Training loop
# One pass per epoch.
for epoch in range(3):
    print(epoch)

# %% [markdown]
# Closing words.

# Still the same cell.
"""


def test_cell_markers_are_boundaries_and_shown_nowhere(tmp_path):
    source = parse_text(tmp_path, _NOTEBOOK, name="nb.py")
    notes = [s.notes for s in source.sections]
    code = [line.text for s in source.sections for line in s.code]
    assert not any("%%" in text or "jupyter" in text for text in notes + code)
    assert "import math" in code and "for epoch in range(3):" in code
    assert source.front.title == "Données d'entraînement"
    assert source.sections[0].line == 8 and source.sections[0].notes.startswith("# Données")


def test_markdown_cell_comments_are_one_section_and_a_cell_title_its_heading(tmp_path):
    source = parse_text(tmp_path, _NOTEBOOK, name="nb.py")
    with_notes = [s for s in source.sections if s.notes]
    assert [s.notes for s in with_notes] == [
        "# Données d'entraînement\n\nPremière cellule.\n",
        "## Training loop\nOne pass per epoch.\n",
        "Closing words.\n\nStill the same cell.\n",
    ]
    assert [line.text for line in with_notes[1].code] == ["for epoch in range(3):", "    print(epoch)", ""]
    assert with_notes[1].line == 15  # the marker line: where the titled section starts
    assert [unit.key for unit in split_units(source)][2:] == [
        "<h2>Training loop</h2>\n<p>One pass per epoch. </p>\n",
        "<p>Closing words.</p>\n<p>Still the same cell. </p>\n",
    ]


@pytest.mark.parametrize("marker, title", [
    ("# %%", ""), ("#%%", ""), ("# %% Load the data", "Load the data"),
    ('# %% Plots [markdown] tags=["hide"]', "Plots"), ('# %% tags=["parameters"]', ""),
    ("# In[12]:", ""), ("# In[ ]:", ""),
])
def test_cell_marker_forms_and_their_titles(tmp_path, marker, title):
    source = parse_text(tmp_path, f"x = 1\n{marker}\ny = 2\n")
    assert [line.text for s in source.sections for line in s.code] == ["x = 1", "y = 2"]
    assert [s.notes for s in source.sections if s.notes] == ([f"## {title}\n"] if title else [])


def test_percent_signs_that_are_not_a_marker_stay_notes(tmp_path):
    source = parse_text(tmp_path, "# %%time is an IPython magic\n# 50% done\nx = 1\n")
    assert source.sections[0].notes == "%%time is an IPython magic\n50% done\n"


# --- docstring notes ---------------------------------------------------------------------------


@pytest.mark.parametrize("token, column, notes", [
    ('"""One line"""', 4, "One line\n"),
    ('"""\n    Next line\n    """', 4, "\nNext line\n\n"),
    ('"""Same line\n    and more"""', 4, "Same line\nand more\n"),
    ('r"""\n    $\\frac{a}{b}$\n      indented\n    """', 4, "\n$\\frac{a}{b}$\n  indented\n\n"),
    ("'''\n  under-indented\n    '''", 4, "\n  under-indented\n\n"),
])
def test_docstring_notes_keep_the_newlines_the_corpus_generator_saw(token, column, notes):
    assert docstring_notes(token, column) == notes


# --- errors ------------------------------------------------------------------------------------


def test_non_utf8_source_is_a_source_error_with_line_and_column(tmp_path):
    write_corpus(tmp_path, {"bad.py": b"x = 1\ny = '\xe9'\n"})
    with pytest.raises(SourceError) as caught:
        parse_file(tmp_path / "bad.py", tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'bad.py'}:2:6: not UTF-8")


def _only_code_and_the_syntax_finding(source, text: str):
    """A file Python cannot tokenize: one notes-less section holding every line, and its finding."""
    (section,) = source.sections
    assert section.kind is SectionKind.CODE and section.notes == ""
    assert [line.text for line in section.code] == text.splitlines()
    (finding,) = source.findings
    assert finding.check == "syntax"
    return finding


def test_an_unclosed_string_keeps_the_page_as_code_with_pythons_message_and_line(tmp_path):
    text = 'x = 1\ny = """never closed\n'
    finding = _only_code_and_the_syntax_finding(parse_text(tmp_path, text), text)
    assert finding.line == 2 and "unterminated triple-quoted string" in finding.message


def test_an_inconsistent_dedent_keeps_the_page_as_code_with_its_line(tmp_path):
    text = "if x:\n        y = 1\n    z = 2\n"
    finding = _only_code_and_the_syntax_finding(parse_text(tmp_path, text), text)
    assert finding.line == 3 and "indent" in finding.message


def test_a_stray_character_keeps_the_page_as_code_with_its_line_and_column(tmp_path):
    text = "x = 1\ncost = 3 $ 4\n"
    finding = _only_code_and_the_syntax_finding(parse_text(tmp_path, text), text)
    assert finding.line == 2 and "column 10" in finding.message


def test_front_matter_that_is_not_yaml_is_a_source_error(tmp_path):
    with pytest.raises(SourceError) as caught:
        parse_text(tmp_path, '"""\n---\ntitle: [unclosed\n---\n"""\n')
    assert "YAML" in caught.value.message and caught.value.location.line >= 3


# --- Markdown pages and files -----------------------------------------------------------------


def test_markdown_page_is_one_notes_only_section_with_its_front_matter_read(tmp_path):
    source = parse_text(tmp_path, "---\ntitle: Guide\n---\n\n# Guide\n\nRead me.\n", name="docs/readme.md")
    assert source.kind is SourceKind.MARKDOWN and source.id == "docs/readme"
    (section,) = source.sections
    assert section.kind is SectionKind.MARKDOWN and section.code == ()
    assert section.notes == "\n# Guide\n\nRead me.\n"
    assert source.front.title == "Guide"


def test_markdown_page_is_utf8_whatever_its_first_lines_say(tmp_path):
    source = parse_text(tmp_path, "# Decoding: latin-1 bytes\n\nCafé\n", name="notes.md")
    assert source.sections[0].notes == "# Decoding: latin-1 bytes\n\nCafé\n"


def test_find_sources_is_sorted_and_skips_hidden_cache_and_excluded_files(tmp_path):
    write_corpus(tmp_path, {"b/z.py": "", "a.py": "", "b/readme.md": "", ".hidden/x.py": "",
                            "b/__pycache__/z.py": "", "b/data.txt": "", "b/skip/me.py": ""})
    found = find_sources(tmp_path, exclude=("**/skip/*",))
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.py", "b/readme.md", "b/z.py"]


def test_file_id_is_the_posix_path_without_extension(tmp_path):
    assert file_id(tmp_path / "capsule_networks" / "__init__.py", tmp_path) == "capsule_networks/__init__"


# --- invariant: every line once, in order, with its own number --------------------------------


_names = st.sampled_from(["alpha", "beta", "gamma", "delta"])
_words = st.lists(st.sampled_from(["sum", "the", "$x_i$", "`k`", "**b**", "it's", "<a>"]),
                  min_size=1, max_size=4).map(" ".join)


@st.composite
def _block(draw) -> list[tuple[str, bool]]:
    """A few lines of a module, each with whether it is notes (comment or docstring)."""
    kind = draw(st.sampled_from(["comment", "blank", "code", "def", "class", "hash", "deco"]))
    if kind == "comment":
        return [(f"# {draw(_words)}", True) for _ in range(draw(st.integers(1, 3)))]
    if kind == "hash":
        return [("#", True)]
    if kind == "blank":
        return [("", False)]
    if kind == "code":
        return [(f"{draw(_names)} = {draw(st.integers(0, 9))}  # {draw(_words)}", False)]
    header = [("@wrap", False)] if kind == "deco" else []
    opener = "class" if kind == "class" else "def"
    if draw(st.booleans()):
        header += [(f"{opener} {draw(_names)}(a,", False), ("        b):", False)]
    else:
        header += [(f"{opener} {draw(_names)}():", False)]
    doc = draw(st.sampled_from([
        [f'    """{draw(_words)}"""'],
        ['    """', f"    {draw(_words)}", '    """'],
        ['    r"""', f"    ## {draw(_words)}", "", f'    {draw(_words)}"""'],
        [],
    ]))
    return header + [(line, True) for line in doc] + [(f"    return {draw(st.integers(0, 9))}", False)]


@given(st.lists(_block(), max_size=12), st.booleans())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_mixes_keep_every_code_line_once_in_order_with_its_number(tmp_path, blocks, module_doc):
    lines = [('"""', True), ("Module notes", True), ('"""', True)] if module_doc else []
    for block in blocks:
        lines.extend(block)
    text = "".join(line + "\n" for line, _ in lines)
    write_corpus(tmp_path, {"mod.py": text}, dedent=False)
    source = parse_file(tmp_path / "mod.py", tmp_path)
    expected = [number for number, (_, notes) in enumerate(lines, start=1) if not notes]
    assert code_numbers(source) == expected
    for section in source.sections:
        for line in section.code:
            assert line.text == lines[line.number - 1][0]


# --- the installed standard library -------------------------------------------------------------


def _cpython_rejects(path: Path) -> str:
    """Why CPython cannot use this file as source ('' when it can); it decodes it itself."""
    data = path.read_bytes()
    try:
        compile(data, str(path), "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as err:
        return f"CPython cannot compile it: {err.__class__.__name__}"
    return ""


@pytest.mark.slow
def test_every_standard_library_module_parses_or_is_rejected_with_a_source_error():
    root = Path(sysconfig.get_paths()["stdlib"])
    paths = [p for p in sorted(root.rglob("*.py")) if "site-packages" not in p.parts]
    assert len(paths) > 500
    rejected, not_utf8 = {}, []
    for path in paths:
        try:
            source = parse_file(path, root)
        except SourceError as err:
            reason = _cpython_rejects(path)
            assert reason, f"{path} is valid Python but was rejected: {err}"
            assert str(path) in str(err)
            rejected[path.name] = reason
            continue
        _check_lines(path, source)
        with open(path, "rb") as file:
            if tokenize.detect_encoding(file.readline)[0] != "utf-8":
                not_utf8.append(path.name)
    assert len(rejected) < 20, rejected
    # The sweep covers the declared encodings and BOMs the library's own test data uses.
    assert len(not_utf8) >= 3, not_utf8


def _check_lines(path: Path, source) -> None:
    """Code lines are the file's own, in order, once; every other line is a note: a line
    starting with '#' or part of a docstring as Python's own parser sees docstrings."""
    with tokenize.open(path) as file:  # decoded as Python decodes it, line endings made \n
        text = file.read()
    lines = text.removesuffix("\n").split("\n") if text else []
    numbers = code_numbers(source)
    assert numbers == sorted(set(numbers)), path
    assert all(line.text == _shown(lines[line.number - 1]) for s in source.sections for line in s.code), path
    docstring_lines: set[int] = set()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # old escape sequences in test data are not ours
            tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return  # tokenizes but CPython cannot compile it (Python 2 test data): nothing to compare
    owners = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    for node in ast.walk(tree):
        if isinstance(node, owners) and ast.get_docstring(node, clean=False) is not None:
            docstring_lines.update(range(node.body[0].lineno, node.body[0].end_lineno + 1))
    for number in set(range(1, len(lines) + 1)) - set(numbers):
        assert lines[number - 1].lstrip(" \t\f").startswith("#") or number in docstring_lines, (path, number)


def _shown(line: str) -> str:
    stripped = line.lstrip(" \t\f")
    return line[: len(line) - len(stripped)].replace("\f", "") + stripped


# --- pass 1 with Python 3.11's C tokenizer: the same lines as the reference tokenizer ---------

ACCEPTED_BY_BOTH = {
    "decorated async def": '@app.route("/")\n@other\nasync def handler():\n    """Serves it."""\n    await x\n',
    "comments inside brackets and after code": "x = (1,  # one\n     # a full line\n     2)\n# after\n",
    "comment-like lines inside strings": 'x = """\n# not a comment\n"""\n# a comment\ny = \'a\\\n# still a string\'\n',
    "continued lines": 'x = 1 + \\\n    2  # two\n# after\ndef f(a, \\\n      b):\n    """Doc."""\n',
    "non-ASCII before a docstring's line": 'é = 1\nclass Café:\n    """Déjà vu."""\n',
    "one-line body is no docstring": 'class A:\n  def f(self): "one"\n  def g(self):\n    "two"\n',
    "form feed before a comment": "x = 1\n\f# after a page break\n",
    "f-string and bytes are no docstrings": 'f"{x}"\ndef f():\n    b"bytes"\n',
    "no final newline": '"""Module."""\nx = 1  # last',
    "header over several lines": 'def f(\n    a: dict[str, int] = {"k": 1},  # why\n) -> None:\n    """Doc."""\n',
    "comment-only file": "# only\n# comments\n",
}


@pytest.mark.parametrize("name", sorted(ACCEPTED_BY_BOTH))
def test_c_tokenizer_finds_the_comments_and_docstrings_the_reference_tokenizer_finds(name, monkeypatch):
    text = ACCEPTED_BY_BOTH[name]
    assert c_path_exact(text)
    fast = classify(text)
    monkeypatch.setattr(tokens, "FAST_PATH", False)
    assert fast == classify(text)


@pytest.mark.parametrize("module", ["tokenize", "dataclasses", "argparse", "typing", "asyncio/tasks"])
def test_c_tokenizer_classifies_a_standard_library_module_as_the_reference_does(module, monkeypatch):
    text = (Path(sysconfig.get_paths()["stdlib"]) / f"{module}.py").read_text(encoding="utf-8")
    fast = classify(text)
    monkeypatch.setattr(tokens, "FAST_PATH", False)
    assert fast == classify(text)


@pytest.mark.parametrize("text", [
    "x = 1 \\\n",                      # a continuation at the end of the file
    "x = (1,\n# c\n",                  # an unclosed bracket (the C tokenizer stops without a word)
    "if x:\n    y\n  z\n",              # an unindent to no outer level (likewise)
    "x = 1\ncost = 3 ? 4\n",           # a stray character (the C tokenizer calls it an operator)
    'y = """never closed\n',           # an unclosed string (the C tokenizer raises)
    "if x:\n    y = 1\n  \\\n    # c\n",  # a continuation opening a line, indented to no level
])
def test_input_the_reference_tokenizer_rejects_is_left_to_it_and_its_error(text):
    assert not c_path_exact(text)
    with pytest.raises(SourceError):
        classify(text)


def test_a_name_the_reference_tokenizer_splits_is_left_to_it_and_named_as_it_names_it():
    text = "def cafe\u0301():\n    \"A combining accent the reference reads as no name.\"\n"
    assert not c_path_exact(text)
    assert [doc.name for doc in classify(text).docstrings] == ["cafe"]


def test_a_line_opening_with_a_continuation_is_left_to_the_reference_tokenizer():
    text = 'def f():\n    \\\n    "Doc."\n'
    assert not c_path_exact(text)
    assert [(doc.start, doc.indent) for doc in classify(text).docstrings] == [(3, "    ")]


def test_indentation_only_the_reference_tokenizer_accepts_is_left_to_it():
    text = "\tif x:\n        y = 1\n        # a note\n"  # a tab, then eight spaces: one level to it
    assert not c_path_exact(text)
    assert classify(text).comments == {3: "# a note"}


# --- a section for every definition -----------------------------------------------------------


def sections_of(source) -> list[tuple[str, str, list[int], str]]:
    return [(s.kind.value, s.id, [line.number for line in s.code], s.notes) for s in source.sections]


def test_every_class_function_and_method_opens_its_own_section_docstring_or_not(tmp_path):
    source = parse_text(tmp_path, '''\
        """Module."""

        import torch


        class LayerNorm(torch.nn.Module):
            def __init__(self, d):
                super().__init__()
                self.d = d

            @torch.no_grad()
            def forward(self, x):
                def inner(y):  # nested in a function: part of its code
                    return y
                return inner(x)

            class Config:
                size = 1


        def helper():
            return 1
        ''')
    assert sections_of(source) == [
        ("module-docstring", "section-0", [2, 3, 4, 5], "Module.\n"),
        ("code", "LayerNorm", [6], ""),
        ("code", "LayerNorm.__init__", [7, 8, 9, 10], ""),
        ("code", "LayerNorm.forward", [11, 12, 13, 14, 15, 16], ""),
        ("code", "LayerNorm.Config", [17, 18, 19, 20], ""),
        ("code", "helper", [21, 22], ""),
    ]


def test_the_comment_right_above_a_definition_is_its_notes_and_a_blank_line_parts_them(tmp_path):
    source = parse_text(tmp_path, '''\
        # Layer normalization
        @decorate
        class LayerNorm:
            # The output projection
            def project(self):
                return 1

        # A free-standing note

        def apart():
            pass
        ''')
    assert sections_of(source) == [
        ("comment", "LayerNorm", [2, 3], "Layer normalization\n"),
        ("comment", "LayerNorm.project", [5, 6, 7], "The output projection\n"),
        ("comment", "LayerNorm.project+1", [9], "A free-standing note\n"),
        ("code", "apart", [10, 11], ""),
    ]


def test_definitions_under_if_or_in_a_function_open_no_section(tmp_path):
    source = parse_text(tmp_path, '''\
        import sys
        if sys.version_info > (3,):
            def compat():
                pass
        def outer():
            async def local():
                pass
            return local
        ''')
    assert [(s.id, [line.number for line in s.code]) for s in source.sections] == [
        ("section-0", [1, 2, 3, 4]), ("outer", [5, 6, 7, 8])]


def test_async_definitions_and_one_line_bodies_open_sections_too(tmp_path):
    source = parse_text(tmp_path, "async def fetch():\n    await x\ndef one(): return 1\nclass Empty: pass\n")
    assert [s.id for s in source.sections] == ["fetch", "one", "Empty"]


@pytest.mark.parametrize("opening", [
    "#!/usr/bin/env python\n",
    "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\n",
    "# coding: latin-1\n",
    "from __future__ import annotations\n\n",
])
def test_a_shebang_encoding_or_future_line_makes_no_row_of_its_own(tmp_path, opening):
    source = parse_text(tmp_path, opening + '"""Module."""\nX = 1\n' if "__future__" not in opening
                        else '"""Module."""\n' + opening + "# A note\nX = 1\n")
    assert all(section.notes for section in source.sections)
    assert code_numbers(source)[0] == 1 or "__future__" in opening


def test_a_leading_shebang_goes_with_the_first_notes_and_keeps_every_line_in_order(tmp_path):
    source = parse_text(tmp_path, "#!/usr/bin/env python\nfrom __future__ import annotations\n\n# Notes\nX = 1\n")
    assert sections_of(source) == [("comment", "section-0", [1, 2, 3, 5], "Notes\n")]


def test_keys_of_documented_code_do_not_change_with_definition_sections(tmp_path):
    text = '''\
        """Module."""


        # A comment over a documented function
        def f():
            """Its docstring."""
            return 1


        class A:
            def g(self):
                # Inside g
                return 2
        '''
    keys = [unit.key for unit in split_units(parse_text(tmp_path, text))]
    # As the corpus generator made them (the edge spaces of the notes' newlines included).
    assert keys == ["mod.py", "<p>Module. </p>\n",
                    "<p>A comment over a documented function Its docstring. </p>\n",
                    "<p>Inside g </p>\n"]


# --- limits and failures confined to one file ----------------------------------------------------


def test_a_file_over_max_file_bytes_is_an_error_naming_the_setting(tmp_path):
    (tmp_path / "big.py").write_text("x = 1\n" * 100, encoding="utf-8")
    with pytest.raises(SourceError, match=r"600 bytes, over max_file_bytes \(599\): skipped") as raised:
        parse_file(tmp_path / "big.py", tmp_path, max_file_bytes=599)
    assert "raise max_file_bytes" in raised.value.hint and raised.value.location.path == tmp_path / "big.py"


def test_a_line_over_max_line_chars_keeps_the_page_with_a_warning(tmp_path):
    (tmp_path / "wide.py").write_text('"""Wide."""\nx = [' + "1, " * 50 + "1]\n", encoding="utf-8")
    source = parse_file(tmp_path / "wide.py", tmp_path, max_line_chars=100)
    assert [(f.check, f.line, f.severity.value) for f in source.findings] == [("long-line", 2, "warning")]
    assert "over max_line_chars (100)" in source.findings[0].message
    assert code_numbers(source) == [2]


def test_a_recursion_or_memory_error_while_parsing_is_a_source_error_for_that_file(tmp_path, monkeypatch):
    from site_builder.catalog.corpus import load_corpus
    from site_builder.config import SiteConfig
    from site_builder.source import parse as parse_driver

    write_corpus(tmp_path / "src", {"a.py": "A = 1\n", "b.py": "B = 2\n"})
    real_classify = parse_driver.classify

    def failing(text):
        if text.startswith("B"):
            raise MemoryError
        return real_classify(text)

    monkeypatch.setattr(parse_driver, "classify", failing)
    with pytest.raises(SourceError, match=r"could not be read \(MemoryError\): skipped"):
        parse_file(tmp_path / "src" / "b.py", tmp_path / "src")
    corpus = load_corpus(SiteConfig(source_dir=tmp_path / "src", translations_dir=tmp_path / "t"),
                         keep_going=True)
    assert [file.source.id for file in corpus.files] == ["a"]
    assert [err.location.path.name for err in corpus.errors] == ["b.py"]


def test_a_one_line_file_parses_in_memory_that_grows_with_the_text_not_its_square(tmp_path):
    import tracemalloc

    text = "x = [" + "1, " * 10_000 + "1]\n"  # 30 KB on one line, 20,000 tokens
    (tmp_path / "flat.py").write_text(text, encoding="utf-8")
    tracemalloc.start()
    try:
        source = parse_file(tmp_path / "flat.py", tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [f.check for f in source.findings] == ["long-line"]
    # A few copies of the text; every token holding its own copy of the line took 600 MB here
    # (and 24 GB for 300 KB).
    assert peak < 40 * len(text)


# --- the C tokenizer, guarded ---------------------------------------------------------------------


def test_the_c_tokenizer_is_used_only_when_its_probe_gives_the_recorded_tokens(monkeypatch):
    assert tokens._c_tokenizer_checked() is tokens.FAST_PATH
    monkeypatch.setattr(tokens, "_PROBE_TOKENS", tokens._PROBE_TOKENS[:-1])
    assert tokens._c_tokenizer_checked() is False
    monkeypatch.setattr(tokens.sys, "version_info", (3, 12, 0))
    assert tokens._c_tokenizer_checked() is False


def test_long_lines_go_to_the_reference_tokenizer():
    assert not tokens.fast_path_fits(["x" * (tokens.C_LINE_LIMIT + 1)])


@pytest.mark.parametrize("module", ["tokenize", "dataclasses", "argparse", "typing", "asyncio/tasks",
                                    "functools", "enum"])
def test_the_stock_tokenizer_gives_the_same_sections_and_keys_on_standard_library_modules(
        module, monkeypatch, tmp_path):
    path = Path(sysconfig.get_paths()["stdlib"]) / f"{module}.py"
    fast = parse_file(path, path.parent)
    monkeypatch.setattr(tokens, "FAST_PATH", False)
    stock = parse_file(path, path.parent)
    assert stock.sections == fast.sections
    assert [unit.key for unit in split_units(stock)] == [unit.key for unit in split_units(fast)]

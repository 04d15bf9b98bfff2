"""names: identifiers in the corpus's code resolved to their definitions, and the ones never linked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder.names.index import index_names
from site_builder.names.model import NameIndex, absolute_module, module_name
from site_builder.source.discover import find_sources
from site_builder.source.parse import parse_file


def index_of(root: Path) -> NameIndex:
    return index_names(parse_file(path, root) for path in find_sources(root, ("**/*.py",)))


def links_of(index: NameIndex, root: Path, file_id: str, line_text: str, name: str) -> list[str]:
    """``file:qualname`` of each link on the (unique) line holding ``line_text``, for ``name``."""
    lines = (root / f"{file_id}.py").read_text(encoding="utf-8").splitlines()
    numbers = [i + 1 for i, text in enumerate(lines) if line_text in text]
    assert len(numbers) == 1, f"{line_text!r} is on lines {numbers}"
    line = numbers[0]
    found = []
    for match in re.finditer(rf"\b{re.escape(name)}\b", lines[line - 1]):
        number = index.references_in(file_id).get((line, match.start()))
        if number is not None:
            definition = index.definitions[number]
            found.append(f"{definition.file_id}:{definition.qualname}")
    return found


PACKAGE = {
    "pkg/__init__.py": '''\
        """Package docstring."""
        from .mha import MultiHeadAttention
        ''',
    "pkg/mha.py": '''\
        """Attention."""
        import torch

        SCALE = 0.5


        class MultiHeadAttention(torch.nn.Module):
            """Heads."""

            def __init__(self, heads: int):
                super().__init__()
                self.heads = heads

            def forward(self, x):
                return x * SCALE

            def prepare(self, x):
                return self.forward(x)
        ''',
    "pkg/models.py": '''\
        """Models."""
        import pkg.mha as attention
        import pkg.mha
        from pkg import MultiHeadAttention
        from .mha import SCALE


        class Layer:
            def __init__(self, attn: MultiHeadAttention, size: int):
                self.attn = attn
                self.other = MultiHeadAttention(4)
                self.third = attention.MultiHeadAttention(2)

            def forward(self, x):
                y = self.attn(x)
                z = self.other.forward(y)
                w = self.third.prepare(z) + SCALE
                return pkg.mha.SCALE * self.attn.heads


        def shadowed(SCALE, MultiHeadAttention):
            return SCALE + MultiHeadAttention


        def local_assignment(x):
            SCALE = 2
            return x * SCALE


        def comprehension(items):
            return [SCALE for SCALE in items]


        def uses_torch(x):
            return torch_like(x)
        ''',
}


def test_relative_from_import_links_to_the_class_in_the_other_file(tmp_path, write_corpus):
    root = write_corpus(tmp_path, PACKAGE)
    index = index_of(root)
    assert links_of(index, root, "pkg/__init__", "from .mha import", "MultiHeadAttention") == [
        "pkg/mha:MultiHeadAttention"]
    assert links_of(index, root, "pkg/models", "from .mha import SCALE", "SCALE") == ["pkg/mha:SCALE"]


def test_a_package_reexport_is_followed_to_the_real_definition(tmp_path, write_corpus):
    root = write_corpus(tmp_path, PACKAGE)
    index = index_of(root)
    assert links_of(index, root, "pkg/models", "from pkg import", "MultiHeadAttention") == [
        "pkg/mha:MultiHeadAttention"]
    assert links_of(index, root, "pkg/models", "self.other = ", "MultiHeadAttention") == [
        "pkg/mha:MultiHeadAttention"]


def test_import_as_alias_resolves_attributes_of_the_module(tmp_path, write_corpus):
    root = write_corpus(tmp_path, PACKAGE)
    index = index_of(root)
    assert links_of(index, root, "pkg/models", "self.third = ", "MultiHeadAttention") == [
        "pkg/mha:MultiHeadAttention"]
    assert links_of(index, root, "pkg/models", "import pkg.mha as attention", "attention") == ["pkg/mha:"]


def test_dotted_import_resolves_through_the_package(tmp_path, write_corpus):
    root = write_corpus(tmp_path, PACKAGE)
    index = index_of(root)
    assert links_of(index, root, "pkg/models", "return pkg.mha.SCALE", "SCALE") == ["pkg/mha:SCALE"]


def test_self_attribute_typed_by_a_constructor_call_resolves_its_methods(tmp_path, write_corpus):
    root = write_corpus(tmp_path, PACKAGE)
    index = index_of(root)
    assert links_of(index, root, "pkg/models", "z = self.other.forward(y)", "forward") == [
        "pkg/mha:MultiHeadAttention.forward"]
    assert links_of(index, root, "pkg/models", "z = self.other.forward(y)", "other") == ["pkg/models:Layer.other"]
    assert links_of(index, root, "pkg/models", "self.third.prepare(z)", "prepare") == [
        "pkg/mha:MultiHeadAttention.prepare"]


def test_self_attribute_typed_by_an_annotated_parameter_resolves_calls_and_attributes(tmp_path, write_corpus):
    root = write_corpus(tmp_path, PACKAGE)
    index = index_of(root)
    assert links_of(index, root, "pkg/models", "y = self.attn(x)", "attn") == ["pkg/models:Layer.attn"]
    assert links_of(index, root, "pkg/models", "self.attn.heads", "heads") == ["pkg/mha:MultiHeadAttention.heads"]


def test_methods_through_self_and_module_constants_resolve(tmp_path, write_corpus):
    root = write_corpus(tmp_path, PACKAGE)
    index = index_of(root)
    assert links_of(index, root, "pkg/mha", "return self.forward(x)", "forward") == [
        "pkg/mha:MultiHeadAttention.forward"]
    assert links_of(index, root, "pkg/mha", "return x * SCALE", "SCALE") == ["pkg/mha:SCALE"]


def test_parameters_shadow_module_names_and_are_not_linked(tmp_path, write_corpus):
    root = write_corpus(tmp_path, PACKAGE)
    index = index_of(root)
    assert links_of(index, root, "pkg/models", "return SCALE + MultiHeadAttention", "SCALE") == []
    assert links_of(index, root, "pkg/models", "return SCALE + MultiHeadAttention", "MultiHeadAttention") == []


def test_local_assignments_and_comprehension_variables_shadow_and_are_not_linked(tmp_path, write_corpus):
    root = write_corpus(tmp_path, PACKAGE)
    index = index_of(root)
    assert links_of(index, root, "pkg/models", "return x * SCALE", "SCALE") == []
    assert links_of(index, root, "pkg/models", "[SCALE for SCALE in items]", "SCALE") == []


def test_names_from_outside_the_corpus_and_unknown_names_are_not_linked(tmp_path, write_corpus):
    root = write_corpus(tmp_path, PACKAGE)
    index = index_of(root)
    assert links_of(index, root, "pkg/mha", "class MultiHeadAttention(torch.nn.Module)", "torch") == []
    assert links_of(index, root, "pkg/mha", "class MultiHeadAttention(torch.nn.Module)", "Module") == []
    assert links_of(index, root, "pkg/models", "return torch_like(x)", "torch_like") == []
    assert links_of(index, root, "pkg/mha", "super().__init__()", "super") == []


def test_a_method_inherited_from_outside_the_corpus_is_not_linked(tmp_path, write_corpus):
    root = write_corpus(tmp_path, PACKAGE)
    index = index_of(root)
    # nn.Module's own __init__, reached through super(): not a definition of ours.
    assert links_of(index, root, "pkg/mha", "super().__init__()", "__init__") == []


def test_definitions_point_at_the_section_that_holds_them_with_their_signature(tmp_path, write_corpus):
    root = write_corpus(tmp_path, PACKAGE)
    source = parse_file(root / "pkg/mha.py", root)
    index = index_names([source])
    by_name = {d.qualname: d for d in index.definitions}
    cls = by_name["MultiHeadAttention"]
    assert cls.signature == "class MultiHeadAttention(torch.nn.Module)"
    assert cls.kind == "class"
    assert source.sections[cls.section].name == "MultiHeadAttention"
    assert by_name["MultiHeadAttention.forward"].signature == "def forward(self, x)"
    assert by_name["SCALE"].signature == "SCALE = 0.5"


def test_an_attribute_without_a_comment_of_its_own_is_described_by_its_class(tmp_path, write_corpus):
    root = write_corpus(tmp_path, PACKAGE)
    index = index_of(root)
    other = next(d for d in index.definitions if d.qualname == "Layer.other")
    cls = next(d for d in index.definitions if d.qualname == "MultiHeadAttention")
    assert other.notes == (cls.file_id, cls.section)


def test_a_corpus_rooted_inside_its_package_resolves_absolute_imports(tmp_path, write_corpus):
    # The sources are pkg's files without pkg/ (a slice of a bigger repository).
    root = write_corpus(tmp_path, {
        "transformers/mha.py": "class MultiHeadAttention:\n    pass\n",
        "transformers/models.py": "from labml_nn.transformers.mha import MultiHeadAttention\n"
                                  "layer = MultiHeadAttention()\n",
    })
    index = index_of(root)
    assert links_of(index, root, "transformers/models", "layer = ", "MultiHeadAttention") == [
        "transformers/mha:MultiHeadAttention"]


def test_columns_count_characters_on_lines_with_non_ascii_text(tmp_path, write_corpus):
    root = write_corpus(tmp_path, {"m.py": 'def f():\n    pass\n\nx = "é"; f()\n'})
    index = index_of(root)
    assert links_of(index, root, "m", 'x = "é"; f()', "f") == ["m:f"]


def test_a_file_that_is_not_valid_python_is_skipped_and_reported(tmp_path, write_corpus):
    root = write_corpus(tmp_path, {"good.py": "A = 1\nprint(A)\n", "bad.py": "print 'py2'\n"})
    index = index_of(root)
    assert index.stats.files_skipped == ("bad",)
    assert links_of(index, root, "good", "print(A)", "A") == ["good:A"]


def test_stats_count_linked_local_and_outside_names_and_say_the_share(tmp_path, write_corpus):
    root = write_corpus(tmp_path, {"m.py": "import os\nA = 1\n\ndef f(x):\n    return os.sep, A, x, x.y\n"})
    stats = index_of(root).stats
    # linked: A (its assignment), f (its def), A (use); local: x, x; outside: os (imported),
    # os, os.sep; unknown: x.y.
    assert (stats.linked, stats.local, stats.external, stats.unresolved) == (3, 2, 3, 1)
    assert stats.total == 9
    assert stats.summary() == (
        "code navigation: 3 of the 9 names in the code link to their definitions; not linked: "
        "2 parameters and local variables (by design), 3 builtins and names from outside the project, "
        "1 whose definition cannot be known without running the code (attributes of values of unknown type)")


def test_module_names_and_relative_imports():
    assert module_name("pkg/sub/__init__") == "pkg.sub"
    assert module_name("pkg/mha") == "pkg.mha"
    assert absolute_module("pkg.models", False, 1, "mha") == "pkg.mha"
    assert absolute_module("pkg", True, 1, "mha") == "pkg.mha"
    assert absolute_module("pkg.sub.x", False, 2, None) == "pkg"


def test_each_part_of_an_imported_module_path_links_to_that_module(tmp_path, write_corpus):
    root = write_corpus(tmp_path, PACKAGE)
    index = index_of(root)
    assert links_of(index, root, "pkg/models", "from .mha import SCALE", "mha") == ["pkg/mha:"]
    assert links_of(index, root, "pkg/models", "import pkg.mha as attention", "pkg") == ["pkg/__init__:"]
    assert links_of(index, root, "pkg/models", "import pkg.mha as attention", "mha") == ["pkg/mha:"]
    assert links_of(index, root, "pkg/mha", "import torch", "torch") == []


# --- positions are Python's: the text parsing decoded, split at "\n" only ---------------------------


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\x0b"])
def test_a_character_str_splitlines_breaks_at_but_python_does_not_leaves_columns_right(
        tmp_path, write_corpus, separator):
    # str.splitlines() breaks line 2 in two: the reference to X was placed on the wrong line's
    # text and so at column 19 (its UTF-8 byte offset) instead of 16.
    root = write_corpus(tmp_path, {"m.py": f'X = 1\n# a{separator}b\nY = "ééé" + str(X)\n'})
    index = index_of(root)
    references = index.references_in("m")
    assert (3, 16) in references and index.definitions[references[(3, 16)]].qualname == "X"
    assert (3, 19) not in references


def test_columns_after_a_separator_inside_a_string_and_crlf_line_endings(tmp_path):
    (tmp_path / "m.py").write_bytes('X = 1\r\ns = "a\u2028b"; t = "é" + str(X)\r\n'.encode())
    index = index_of(tmp_path)
    assert index.definitions[index.references_in("m")[(2, 25)]].qualname == "X"


def test_the_names_stage_reads_the_text_parsing_decoded_not_the_file(tmp_path, write_corpus):
    root = write_corpus(tmp_path, {"m.py": "X = 1\nprint(X)\n"})
    source = parse_file(root / "m.py", root)
    (root / "m.py").unlink()  # gone: only the SourceFile's text is left
    index = index_names([source])
    assert index.definitions[index.references_in("m")[(2, 6)]].qualname == "X"


def test_a_file_python_cannot_compile_is_left_out_and_its_finding_says_why(tmp_path, write_corpus):
    root = write_corpus(tmp_path, {"bad.py": "A = 1\nx = = 2\n", "good.py": "A = 1\nprint(A)\n"})
    source = parse_file(root / "bad.py", root)
    assert [(f.check, f.line) for f in source.findings] == [("syntax", 2)]
    assert "invalid syntax" in source.findings[0].message and "line 2" in source.findings[0].message
    assert [line.text for section in source.sections for line in section.code] == ["A = 1", "x = = 2"]
    assert index_of(root).stats.files_skipped == ("bad",)


def test_an_expression_too_deep_for_python_is_a_finding_and_skipped_not_a_crash(tmp_path, write_corpus):
    deep = "x = (\n" + " +\n".join(["1"] * 20_000) + ")\n"  # short lines: only the depth is the problem
    root = write_corpus(tmp_path, {"deep.py": deep, "ok.py": "B = 2\n"})
    source = parse_file(root / "deep.py", root)
    assert [f.check for f in source.findings] == ["syntax"]
    assert "nested too deeply" in source.findings[0].message
    index = index_of(root)
    assert index.stats.files_skipped == ("deep",)
    assert index.references_in("ok")


def test_a_tree_too_deep_for_the_walk_leaves_only_that_file_out(tmp_path, write_corpus, monkeypatch):
    from site_builder.names import walker

    root = write_corpus(tmp_path, {"a.py": "A = 1\nprint(A)\n", "b.py": "B = 1\nprint(B)\n"})
    visit = walker.Walker.visit

    def deep_in_b(self, node):
        if self.module.source.id == "b":
            raise RecursionError("maximum recursion depth exceeded")
        visit(self, node)

    monkeypatch.setattr(walker.Walker, "visit", deep_in_b)
    index = index_of(root)
    assert index.stats.files_skipped == ("b",)
    assert index.references_in("a") and not index.references_in("b")
    assert [f.check for f in index.findings["b"]] == ["names"]


def test_a_card_shows_the_notes_of_the_names_own_definition_only(tmp_path, write_corpus):
    root = write_corpus(tmp_path, {"m.py": '''\
        """Module."""


        class Documented:
            """A documented class."""

            def run(self):
                # output projection
                return 1


        class Bare:
            def go(self):
                return Documented().run()


        # The helper's own comment.
        def helper():
            return Bare()
        '''})
    source = parse_file(root / "m.py", root)
    index = index_of(root)
    by_name = {d.qualname: d for d in index.definitions}
    notes = {name: source.sections[d.notes[1]].notes for name, d in by_name.items() if name}
    assert notes["Bare"] == "" and notes["Bare.go"] == ""  # their own sections: no notes, nothing borrowed
    assert notes["helper"] == "The helper's own comment.\n"
    assert notes["Documented"] == "A documented class.\n"
    assert [source.sections[by_name[n].section].id for n in ("Bare", "Bare.go", "helper")] == [
        "Bare", "Bare.go", "helper"]


def test_a_form_feed_in_the_indentation_is_not_counted_as_the_page_shows_the_line_without_it(
        tmp_path, write_corpus):
    root = write_corpus(tmp_path, {"m.py": "X = 1\n\fprint(X)\nif X:\n \f  print(X)\n"})
    source = parse_file(root / "m.py", root)
    shown = {line.number: line.text for section in source.sections for line in section.code}
    assert shown[2] == "print(X)" and shown[4] == "   print(X)"
    references = index_of(root).references_in("m")
    assert (2, 6) in references and (4, 9) in references


def test_a_name_defined_inside_another_definitions_section_borrows_none_of_its_notes(tmp_path, write_corpus):
    root = write_corpus(tmp_path, {"m.py": '''\
        class Layer:
            def __init__(self):
                """Make the layer."""
                self.size = 4
                self.norm = Norm()
                # The layer's scale
                self.scale = 2.0


        def helper():
            """Help."""
            return 1

        LIMIT = 3


        class Norm:
            """Normalise."""
        '''})
    source = parse_file(root / "m.py", root)
    by_name = {d.qualname: d for d in index_of(root).definitions}

    def card_notes(name: str) -> str:
        file_id, section = by_name[name].notes
        return source.sections[section].notes if file_id else ""

    assert card_notes("Layer.size") == ""  # not "Make the layer.": that is __init__'s
    assert card_notes("LIMIT") == ""  # below helper's code, not helper's notes
    assert card_notes("Layer.scale") == "The layer's scale\n"
    assert card_notes("Layer.norm") == "Normalise.\n"  # the class it holds describes it
    assert card_notes("Layer.__init__") == "Make the layer.\n"

"""The guarded speed forks: each checks the upstream code at import, and its stock path gives the same output.

``render.inline_prefilter`` (Python-Markdown's inline stage) and ``render.lexing`` (Pygments'
lexer loop) are used only while the library functions they mirror have the fingerprints they were
checked against; otherwise the stock path runs. Here the stock path is forced and compared with
the fast one on real files: modules of the standard library.
"""

from __future__ import annotations

import logging
import sysconfig
from pathlib import Path

import pytest
from markdown.treeprocessors import InlineProcessor
from pygments.lexers import PythonLexer

from site_builder.render import inline_prefilter, lexing, notes
from site_builder.render.upstream import fingerprint, upstream_matches
from site_builder.source.parse import parse_file

STDLIB = Path(sysconfig.get_paths()["stdlib"])
FILES = ["argparse.py", "textwrap.py", "json/__init__.py", "dataclasses.py", "fractions.py"]


def stdlib_notes() -> list[str]:
    found = []
    for name in FILES:
        source = parse_file(STDLIB / name, STDLIB)
        found += [section.notes for section in source.sections if section.notes]
    return found


def test_the_renderer_uses_the_prefiltered_inline_stage_exactly_when_the_guard_passes():
    inline = notes._Renderer().md.treeprocessors["inline"]
    assert isinstance(inline, inline_prefilter.PrefilteredInlineProcessor) is inline_prefilter.FAST


def test_the_stock_inline_stage_gives_the_same_keys_on_stdlib_modules(monkeypatch):
    fast = notes._Renderer()
    monkeypatch.setattr(inline_prefilter, "FAST", False)
    stock = notes._Renderer()
    assert type(stock.md.treeprocessors["inline"]) is InlineProcessor
    texts = stdlib_notes()
    assert len(texts) > 200
    for text in texts:
        for style in (None, "auto"):
            assert stock.render(text, style) == fast.render(text, style), text


def test_the_stock_lexer_loop_gives_the_same_tokens_on_stdlib_modules(monkeypatch):
    fast = lexing.accelerated(PythonLexer())
    assert (type(fast) is not PythonLexer) is lexing.FAST
    monkeypatch.setattr(lexing, "FAST", False)
    stock_lexer = PythonLexer()
    assert lexing.accelerated(stock_lexer) is stock_lexer
    for name in FILES:
        text = (STDLIB / name).read_text(encoding="utf-8")
        assert list(fast.get_tokens(text)) == list(stock_lexer.get_tokens(text)), name


def test_a_changed_upstream_function_or_release_means_the_stock_path(caplog):
    functions = {"InlineProcessor.run": InlineProcessor.run}
    checked = {"InlineProcessor.run": frozenset({fingerprint(InlineProcessor.run)})}
    assert upstream_matches("probe", "markdown", ((3, 5), (4,)), functions, checked)
    with caplog.at_level(logging.DEBUG, logger="site_builder.render.upstream"):
        assert not upstream_matches("probe", "markdown", ((3, 5), (4,)), functions,
                                    {"InlineProcessor.run": frozenset({"0" * 16})})
        assert not upstream_matches("probe", "markdown", ((1, 0), (3,)), functions, checked)
    assert "not the code the fork was checked against" in caplog.text
    assert "outside the checked range" in caplog.text


@pytest.mark.parametrize("module", [inline_prefilter, lexing])
def test_every_mirrored_function_has_fingerprints_and_the_guard_reads_them(module):
    assert set(module.UPSTREAM) == set(module.CHECKED)
    known = all(fingerprint(function) in module.CHECKED[name] for name, function in module.UPSTREAM.items())
    assert known >= module.FAST  # fast only when every fingerprint is a checked one

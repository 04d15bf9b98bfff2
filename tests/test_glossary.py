"""glossary.py: glossary.<lang>.json -> Glossary (validated with file:line), and term checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.errors import TranslationFileError
from site_builder.model import Severity
from site_builder.translators.glossary import (
    Glossary,
    Term,
    find_glossary,
    glossary_rows,
    load_glossary,
    term_pattern,
)

PROJECT_GLOSSARY = Path(__file__).parents[1] / "translations" / "glossary.ja.json"


def write(tmp_path: Path, text: str, name: str = "glossary.ja.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_glossary_loads_with_the_line_of_each_term(tmp_path):
    path = write(tmp_path, '{\n "terms": [\n  {"en": "capsule", "required": "カプセル"},\n'
                           '  {"en": "train", "wrong": ["列車"], "note": "not a railway"}\n ]\n}')
    glossary = load_glossary(path)
    assert glossary.lang == "ja"
    assert glossary.terms == (Term("capsule", ("カプセル",), line=3),
                              Term("train", wrong=("列車",), note="not a railway", line=4))


def test_a_missing_glossary_is_empty(tmp_path):
    assert load_glossary(tmp_path / "glossary.zh.json") == Glossary(lang="zh", path=tmp_path / "glossary.zh.json")


@pytest.mark.parametrize("text, where, message", [
    ('{"terms": [\n {"en": "a", "requried": ["x"]}\n]}', ":2:14", 'unknown field "requried"'),
    ('{"terms": [\n {"en": "a", "wrong": "x"}\n]}', ":2:23", '"wrong" must be a list'),
    ('{"terms": [\n {"required": ["x"]}\n]}', ":2:2", '"en" must be a non-empty string'),
    ('{"terms": [\n {"en": "a"}\n]}', ":2:2", 'needs "required" or "wrong"'),
    ('{"terms": [\n {"en": "a", "wrong": ["x"]},\n {"en": "A", "wrong": ["y"]}\n]}', ":3",
     "listed twice (first at line 2)"),
    ('{"language": "zh", "terms": []}', ":1:14", "'zh' but the file is for 'ja'"),
    ('{"terms": {}}', ":1:11", 'expected a "terms" list'),
    ('{"terms": [], "terms": []}', ":1:15", "duplicate key"),
    ('{"terms": [}', ":1:12", "invalid JSON"),
])
def test_malformed_glossaries_are_errors_at_file_line_column(tmp_path, text, where, message):
    path = write(tmp_path, text)
    with pytest.raises(TranslationFileError) as caught:
        load_glossary(path)
    assert f"{path}{where}" in str(caught.value) and message in str(caught.value)


def test_a_byte_order_mark_is_refused(tmp_path):
    path = tmp_path / "glossary.ja.json"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"terms": []}')
    with pytest.raises(TranslationFileError, match="byte order mark"):
        load_glossary(path)


@pytest.mark.parametrize("term, text, found", [
    (Term("capsule", ("x",)), "Capsules route votes", True),
    (Term("capsule", ("x",)), "they encapsulate it", False),
    (Term("capsule", ("x",)), "capsule-based", True),
    (Term("probability", ("x",)), "class probabilities", True),
    (Term("margin loss", ("x",)), "the Margin  loss and margin-losses", True),
    (Term("matrix", ("x",), forms=("matrices",)), "weight matrices", True),
    (Term("train", wrong=("x",)), "training the model", False),
])
def test_terms_match_on_word_boundaries_with_plurals_and_forms(term, text, found):
    assert bool(term_pattern(term).search(text)) is found


def test_a_missing_required_rendering_is_a_warning_and_a_forbidden_one_an_error():
    glossary = Glossary("ja", (Term("transformer", ("トランスフォーマー", "Transformer"), ("変圧器",), line=7),))
    assert glossary.violations("A transformer", "トランスフォーマー") == []
    assert glossary.violations("A transformer", "Transformer です") == []
    [(severity, message)] = glossary.violations("Transformers", "変換器")
    assert severity is Severity.WARNING and "トランスフォーマー" in message
    [(severity, message)] = glossary.violations("The transformer", "変圧器です")
    assert severity is Severity.ERROR and "変圧器" in message and "glossary.ja.json:7" in message
    assert glossary.violations("An electrical device", "変圧器") == []


def test_rows_for_the_guide_are_sorted_by_english_term():
    glossary = Glossary("ja", (Term("train", wrong=("列車",)), Term("Capsule", ("カプセル",), note="n")))
    rows = glossary_rows(glossary)
    assert [(r.en, r.use, r.avoid, r.note) for r in rows] == [("Capsule", "カプセル", "", "n"),
                                                             ("train", "", "列車", "")]


def test_the_project_glossary_pins_the_capsule_network_terms():
    glossary = load_glossary(PROJECT_GLOSSARY)
    terms = {term.en: term for term in glossary.terms}
    assert terms["capsule"].required[0] == "カプセル"
    assert terms["routing"].required[0] == "ルーティング"
    assert terms["squash"].required[0] == "スカッシュ"
    assert terms["margin loss"].required[0] == "マージン損失"
    assert terms["reconstruction"].required[0] == "再構成"
    assert "変圧器" in terms["transformer"].wrong and "列車" in terms["train"].wrong
    for name in ("dynamic routing", "decoder", "coupling coefficient", "agreement", "training",
                 "epoch", "batch", "gradient", "tensor", "embedding"):
        assert name in terms
    assert json.loads(PROJECT_GLOSSARY.read_text(encoding="utf-8"))["language"] == "ja"


def test_a_cache_checked_alone_uses_the_nearest_glossary_above_it(tmp_path):
    write(tmp_path, '{"terms": [{"en": "capsule", "required": "カプセル"}]}')
    (tmp_path / "pkg").mkdir()
    write(tmp_path / "pkg", '{"terms": [{"en": "squash", "required": "スカッシュ"}]}')
    (tmp_path / "pkg" / "deep" / "er").mkdir(parents=True)
    cache = tmp_path / "pkg" / "deep" / "er" / "m.ja.json"
    assert [t.en for t in find_glossary(cache, "ja").terms] == ["squash"]
    assert [t.en for t in find_glossary(tmp_path / "n.ja.json", "ja").terms] == ["capsule"]
    assert find_glossary(cache, "zh") == Glossary(lang="zh")


def test_a_given_translations_root_wins_over_the_walk_up(tmp_path):
    write(tmp_path, '{"terms": [{"en": "capsule", "required": "カプセル"}]}')
    root = tmp_path / "elsewhere"
    root.mkdir()
    write(root, '{"terms": [{"en": "routing", "required": "ルーティング"}]}')
    assert [t.en for t in find_glossary(tmp_path / "m.ja.json", "ja", root).terms] == ["routing"]

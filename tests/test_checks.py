"""checks.py: each translation against its own key -> findings with stable check ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.catalog.store import load_catalog
from site_builder.errors import TranslationFileError
from site_builder.model import Catalog, Protected, ProtectedKind, Severity
from site_builder.render.htmltree import parse_html
from site_builder.translators.checks import check_cache_files, check_value, run_checks
from site_builder.translators.skeleton import skeleton


def ph(number: int) -> str:
    return f"<span translate=no>_^_{number}_^_</span>"


def checks_of(key: str, value: str, **kwargs) -> list[str]:
    return [problem.check for problem in check_value(key, value, **kwargs)]


KEY = f'<p>The shape of {ph(0)} is {ph(1)}. See <a href="a.html">this</a>.</p>\n<p>Next {ph(2)}</p>\n'

# (value, the check ids it must produce): one row per kind of mistake seen in public caches.
MISTAKES = [
    (f'<p>{ph(0)} の形は {ph(1)}。<a href="a.html">ここ</a>を参照</p>\n<p>次 {ph(2)}</p>\n', []),
    (f'<p>{ph(1)} と {ph(0)}。<a href="a.html">ここ</a></p>\n<p>{ph(2)} 次。</p>\n', []),
    (f'<p>{ph(0)} の形。<a href="a.html">ここ</a></p>\n<p>次 {ph(2)}</p>\n', ["placeholders"]),
    (f'<p>{ph(0)}{ph(0)}{ph(1)}<a href="a.html">x</a></p>\n<p>{ph(2)}</p>\n', ["placeholders"]),
    (f'<p>_%5e_0_%5e_ {ph(1)}<a href="a.html">x</a></p>\n<p>{ph(2)}</p>\n', ["placeholder-mangled"]),
    (f'<p>_^_ 0 _^_ {ph(1)}<a href="a.html">x</a></p>\n<p>{ph(2)}</p>\n', ["placeholder-mangled"]),
    (f'<p><span translate="no">_^_0_^_</span> {ph(1)}<a href="a.html">x</a></p>\n<p>{ph(2)}</p>\n',
     ["placeholder-mangled"]),
    (f'<p>_^_x_^_ {ph(0)} {ph(1)}<a href="a.html">x</a></p>\n<p>{ph(2)}</p>\n',
     ["placeholder-mangled"]),
    (f'<p>{ph(0)}{ph(1)}<a href="a.html">x<a href="b.html">y</a></a></p>\n<p>{ph(2)}</p>\n',
     ["nested-link", "hrefs"]),
    (f'<p>{ph(0)}{ph(1)}<a href="a.html">x</a></p></a>\n<p>{ph(2)}</p>\n', ["unbalanced-tags"]),
    (f'<p>{ph(0)}{ph(1)}<strong><a href="a.html">x</a></p>\n<p>{ph(2)}</p>\n', ["unbalanced-tags"]),
    (f'<p>{ph(0)}{ph(1)}</p><a href="a.html">x</a>\n<p>{ph(2)}</p>\n', ["outside-block"]),
    (f'<p>{ph(0)}<a href="a.html">x</a></p>{ph(1)}\n<p>{ph(2)}</p>\n', ["outside-block"]),
    (f'<p>{ph(0)}{ph(1)}<a href="a.html">x</a>です</p>。\n<p>{ph(2)}</p>\n', ["text-after-block"]),
    (f'<p>{ph(0)}{ph(1)}<a href="a.html">x</a> {ph(2)}</p>\n', ["structure"]),
    (f'<p>{ph(0)}<a href="a.html">x</a></p>\n<p>{ph(1)} {ph(2)}</p>\n', ["structure"]),
    (f'<p>{ph(0)}<a href="a.html">x {ph(1)}</a></p>\n<p>{ph(2)}</p>\n', ["placeholder-link"]),
    (f'<p>{ph(0)}{ph(1)}<a href="b.html">x</a></p>\n<p>{ph(2)}</p>\n', ["hrefs"]),
    (f'<p>{ph(0)}{ph(1)}<a href="a.html" onclick="x()">x</a></p>\n<p>{ph(2)}</p>\n', ["unsafe-html"]),
    (f'<p>{ph(0)}{ph(1)}<a href="a.html">x</a><script>x()</script></p>\n<p>{ph(2)}</p>\n',
     ["unsafe-html"]),
    (KEY, ["untranslated"]),
    ("", ["empty"]),
]


@pytest.mark.parametrize("value, expected", MISTAKES)
def test_each_kind_of_mistake_gets_its_own_check_id(value, expected):
    assert checks_of(KEY, value) == expected


def test_a_value_equal_to_a_key_with_words_is_untranslated_but_math_only_keys_are_not():
    assert checks_of("<p>Iterate </p>\n", "<p>Iterate</p>\n") == ["untranslated"]
    assert checks_of(f"<p>{ph(0)} </p>\n", f"<p>{ph(0)}</p>\n") == []
    assert checks_of("<p> </p>\n", "<p></p>\n") == []


def test_untranslated_and_empty_are_warnings_and_structural_mistakes_errors():
    assert check_value("<p>Iterate </p>\n", "<p>Iterate </p>\n")[0].severity is Severity.WARNING
    assert check_value("<p>Iterate </p>\n", "  ")[0].severity is Severity.WARNING
    assert check_value(KEY, MISTAKES[11][0])[0].severity is Severity.ERROR


def test_links_may_be_reordered_inside_their_paragraph():
    key = '<p>A <a href="x">x</a> of <a href="y">y</a>.</p>\n'
    assert checks_of(key, '<p><a href="y">y</a>の<a href="x">x</a>。</p>\n') == []


def test_a_bare_display_math_placeholder_may_stay_bare_but_not_move_into_a_paragraph():
    key = f"<p>To calculate</p>\n{ph(0)}<p> </p>\n"
    assert checks_of(key, f"<p>計算するには</p>\n{ph(0)}<p></p>\n") == []
    assert checks_of(key, f"<p>計算するには{ph(0)}</p>\n<p></p>\n") == ["structure"]


def test_lists_compare_item_by_item():
    key = f"<ul><li>{ph(0)} is one </li>\n<li>{ph(1)} is two</li></ul>\n"
    assert checks_of(key, f"<ul><li>{ph(0)}は一</li>\n<li>{ph(1)}は二</li></ul>\n") == []
    assert checks_of(key, f"<ul><li>{ph(0)}は一 {ph(1)}</li>\n<li>は二</li></ul>\n") == ["structure"]


def test_unsafe_urls_are_found_through_case_spaces_and_entities():
    key = '<p><a href="a.html">x</a></p>\n'
    for href in ("JavaScript:alert(1)", " java\tscript:x", "&#106;avascript:x", "data:text/html,x"):
        assert "unsafe-html" in checks_of(key, f'<p><a href="{href}">x</a></p>\n'), href
    assert "unsafe-html" in checks_of(key, '<p><a href="a.html">x</a><iframe src="a"></iframe></p>\n')
    assert checks_of(key, '<p><a href="a.html">エックス</a></p>\n') == []


def test_unsafe_html_already_in_the_english_is_not_blamed_on_the_translator():
    key = '<p>Video:</p>\n<iframe src="https://example.org/v"></iframe>\n'
    assert checks_of(key, '<p>動画:</p>\n<iframe src="https://example.org/v"></iframe>\n') == []


def test_placeholder_messages_show_what_the_placeholder_stands_for():
    originals = (Protected(ProtectedKind.INLINE_MATH, r"\alpha"),)
    problems = check_value(f"<p>Set {ph(0)} </p>\n", "<p>設定</p>\n", originals=originals)
    assert problems[0].check == "placeholders" and r"$\alpha$" in problems[0].message


def test_skeleton_records_blocks_and_where_links_and_placeholders_sit():
    found = skeleton(parse_html(f'<h2>T</h2>\n<p>a {ph(0)} <a href="u">{ph(1)}</a></p>\n'))
    assert found.blocks == ("h2", "p")
    assert dict(found.placeholders)[1].link == "u" and dict(found.placeholders)[0].block == "p#1"


def test_seed_translation_reports_the_nested_link_and_the_link_pushed_out_of_its_paragraph(seed_path):
    findings = run_checks(load_catalog(seed_path, "ja"))
    by_check = {f.check: f for f in findings}
    assert {"nested-link", "outside-block"} <= set(by_check)
    assert by_check["nested-link"].line == 2 and "https://pytorch.org" in by_check["nested-link"].message
    assert "mnist.html" in by_check["outside-block"].message
    assert all(f.file == seed_path.absolute() for f in findings)


def test_findings_carry_the_line_of_their_key():
    catalog = Catalog(path=Path("x.ja.json"), lang="ja",
                      entries={"<p>a</p>\n": "<p>あ</p>\n", "<p>b</p>\n": "<p>い</p>。\n"},
                      lines={"<p>a</p>\n": 2, "<p>b</p>\n": 3})
    [finding] = run_checks(catalog)
    assert (finding.line, finding.check, finding.key) == (3, "text-after-block", "<p>b</p>\n")


def test_cache_files_are_checked_alone_with_the_nearest_glossary(tmp_path):
    (tmp_path / "glossary.ja.json").write_text(
        '{"terms": [{"en": "transformer", "wrong": ["変圧器"]}]}', encoding="utf-8")
    cache = tmp_path / "pkg" / "m.ja.json"
    cache.parent.mkdir()
    cache.write_text('{\n "<p>A transformer</p>\\n": "<p>変圧器</p>\\n"\n}', encoding="utf-8")
    [finding], errors = check_cache_files([cache], tmp_path)
    assert not errors
    assert (finding.file, finding.check, finding.severity) == (cache, "glossary", Severity.ERROR)


def test_a_malformed_cache_is_an_error_with_line_and_column_and_the_rest_is_still_checked(tmp_path):
    cache = tmp_path / "m.ja.json"
    cache.write_text('{\n "a": "b",\n "a": "c"\n}', encoding="utf-8")
    other = tmp_path / "n.ja.json"
    other.write_text('{\n "<p>a</p>\\n": "<p>b</p>\\n\u3002"\n}', encoding="utf-8")
    findings, [error] = check_cache_files([cache, other])
    assert isinstance(error, TranslationFileError)
    assert f"{cache}:3:2" in str(error) and "duplicate key" in str(error)
    assert [f.check for f in findings] == ["text-after-block"]


def test_sidecars_are_not_mistaken_for_caches(tmp_path):
    sidecar = tmp_path / "m.ja.fuzzy.json"
    sidecar.write_text("{}", encoding="utf-8")
    findings, [error] = check_cache_files([sidecar])
    assert not findings and "not a translation cache" in str(error)


def test_a_folder_stands_for_its_caches_without_sidecars_or_glossary(tmp_path):
    (tmp_path / "glossary.ja.json").write_text('{"terms": []}', encoding="utf-8")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.ja.json").write_text('{\n "<p>a</p>\\n": "<p>b</p>\\n\u3002"\n}',
                                              encoding="utf-8")
    (tmp_path / "pkg" / "m.ja.fuzzy.json").write_text('{"x": 1}', encoding="utf-8")
    (tmp_path / "pkg" / "m.ja.archive.json").write_text('{"a": "b"}', encoding="utf-8")
    findings, errors = check_cache_files([tmp_path], tmp_path)
    assert not errors
    assert [(f.file, f.check) for f in findings] == [(tmp_path / "pkg" / "m.ja.json", "text-after-block")]

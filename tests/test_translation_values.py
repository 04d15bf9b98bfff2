"""Untrusted translation values, tightened: placeholders only in text, the renderer's own classes
only, no id/name, bidi and control characters reported and removed, fuzzy PO entries checked;
and the one plain-markup tokenizer gives the same trees as the standard library's parser."""

from __future__ import annotations

import random

import pytest
from test_po import edit_po, export, import_, odd_project

from site_builder.render import htmltree
from site_builder.render.controls import strip_controls
from site_builder.render.htmltree import html_problem, parse_html
from site_builder.render.page import use_translation
from site_builder.render.placeholders import restore_placeholders
from site_builder.render.sanitize import sanitize_html, sanitize_page_html, text_html
from site_builder.translators.checks import check_value

KEY = "<p>Scale <span translate=no>_^_0_^_</span> by the norm.</p>\n"
MATH = '<math><mi>x</mi></math>'


def checks_of(value: str, key: str = KEY) -> dict[str, str]:
    return {problem.check: problem.severity.value for problem in check_value(key, value)}


@pytest.mark.parametrize("value", [
    '<p><span title="<span translate=no>_^_0_^_</span>">norm</span></p>\n',
    '<p><a href="#x" title="_^_0_^_">norm</a> <span translate=no>_^_0_^_</span></p>\n',
    '<p><a href="#x" title="_&#94;_0_&#94;_">norm</a> <span translate=no>_^_0_^_</span></p>\n',
])
def test_a_placeholder_inside_an_attribute_is_a_check_error_and_the_build_shows_english(value):
    assert checks_of(value)["placeholder-in-attribute"] == "error"
    html, problem = use_translation(value, [MATH], sanitize_html)
    assert html is None and problem[0] in ("placeholder-in-attribute", "placeholders")
    assert html_problem(value) is not None or problem[0] == "placeholders"


def test_placeholders_are_restored_in_text_only_never_in_an_escaped_attribute():
    sanitized = sanitize_html('<p><a href="#x" title="<span translate=no>_^_0_^_</span>">x</a></p>')
    assert "_^_0_^_" in sanitized and restore_placeholders(sanitized, [MATH]) is None
    assert restore_placeholders("<p>a <span translate=no>_^_0_^_</span></p>", [MATH]) == f"<p>a {MATH}</p>"


def test_classes_outside_the_renderers_own_are_removed_and_reported():
    value = ('<p>Scale <span class="md-dialog md-dialog--active sb-fallback">x</span> '
             '<span translate=no>_^_0_^_</span></p>\n')
    out = sanitize_html(value)
    assert "md-dialog" not in out and 'class="sb-fallback"' in out
    assert checks_of(value)["unsafe-html"] == "error"
    assert 'class=' not in sanitize_html('<p><span class="md-dialog">x</span></p>')


def test_ids_and_names_are_dropped_from_translated_links():
    out = sanitize_html('<p><a id="__drawer" name="top" href="#a">x</a></p>')
    assert "id=" not in out and "name=" not in out and 'href="#a"' in out
    assert {"hrefs", "unsafe-html"} <= set(checks_of(
        '<p>Scale <a id="i" name="n">x</a> <span translate=no>_^_0_^_</span></p>\n'))


def test_a_hand_written_page_keeps_markdown_classes_and_heading_ids_but_not_the_themes():
    out = sanitize_page_html('<div class="admonition note md-dialog"><p class="admonition-title">N</p></div>'
                             '<h2 id="usage">Usage</h2><h2 id="__drawer">x</h2><pre><code class="language-py">'
                             '<span class="k">def</span></code></pre>')
    assert 'class="admonition note"' in out and 'id="usage"' in out and "__drawer" not in out
    assert 'class="language-py"' in out and '<span class="k">' in out and "md-dialog" not in out


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
                                  "\u2068", "\u2069"])
def test_bidi_controls_are_check_errors_and_removed_by_the_build(char):
    value = f"<p>Scale {char}<span translate=no>_^_0_^_</span> mron eht yb</p>\n"
    assert checks_of(value)["bidi-control"] == "error"
    assert char not in sanitize_html(value) and char not in text_html(f"Title {char}x")
    html, _ = use_translation(value, [MATH], sanitize_html)
    assert html is not None and char not in html
    assert checks_of(f"Titre {char}x", "Title")["bidi-control"] == "error"  # plain-text values too


def test_control_characters_are_errors_invisible_ones_warnings_and_joiners_are_legitimate():
    assert checks_of("<p>a\x07 <span translate=no>_^_0_^_</span></p>\n")["control-character"] == "error"
    assert checks_of("<p>a\u200bb <span translate=no>_^_0_^_</span></p>\n")["invisible-character"] == "warning"
    joiners = "<p>می\u200cخواهم \U0001F469\u200d\U0001F4BB <span translate=no>_^_0_^_</span></p>\n"
    assert checks_of(joiners) == {}
    assert strip_controls(joiners) == joiners
    assert "invisible-character" not in checks_of("<p>x\u200eb</p>\n", "<p>x\u200eb c</p>\n")  # the key has it too


def test_import_po_refuses_a_bidi_control_and_a_placeholder_in_an_attribute(tmp_path):
    config = odd_project(tmp_path)
    [po] = export(config, tmp_path / "po")
    edit_po(po, 'msgid "<p>Unchanged entries must come back byte for byte </p>\\n"',
            '"<p>\u202e訳 <span title=\\"_^_0_^_\\">x</span></p>\\n"')
    plans, written = import_(config, tmp_path / "po")
    checks = {finding.check for plan in plans for finding in plan.findings}
    assert written is None and {"bidi-control", "placeholder-in-attribute"} <= checks


def test_a_fuzzy_po_entry_with_a_hostile_value_is_refused(tmp_path):
    config = odd_project(tmp_path)
    [po] = export(config, tmp_path / "po")
    msgid = 'msgid "<p>Unchanged entries must come back byte for byte </p>\\n"'
    edit_po(po, msgid, '"<p><a href=\\"javascript:alert(1)\\">訳</a></p>\\n"')
    lines = po.read_text(encoding="utf-8").split("\n")
    at = lines.index(msgid)
    at -= 1 if lines[at - 1].startswith("msgctxt") else 0
    lines.insert(at, "#, fuzzy")
    po.write_text("\n".join(lines), encoding="utf-8")
    plans, written = import_(config, tmp_path / "po")
    errors = [f for plan in plans for f in plan.findings if f.severity.value == "error"]
    assert written is None and any(f.check == "unsafe-html" and "(fuzzy entry)" in f.message for f in errors)


# --- the one tokenizer ------------------------------------------------------------------------

_PIECES = ["<p>", "</p>", '<a href="x">', "</a>", "<a href='y' id=z>", "<span translate=no>_^_1_^_</span>",
           "<span translate=no >_^_2_^_</span>", "<ul>", "<li>", "</li>", "</ul>", "text", "&amp;", "&lt;x",
           "<br>", "<br/>", "<P>", "</P>", "<div/>", " &#1; ", "<em>", "</em>", "</b>", "<h2>",
           '<A HREF="q&amp;r">', "<img src=x alt>", "a > b", "<code>", "</code>", '<a title="_^_3_^_">',
           "<!-- c -->", "<script>x</script>", "a < b", '<span title="<b>">']


def _library_tree(markup: str) -> htmltree.ParsedHtml:
    builder = htmltree._TreeBuilder()
    builder.feed(markup)
    return builder.result()


def test_the_plain_tokenizer_builds_the_tree_the_standard_parser_builds():
    rng = random.Random(19)
    plain = 0
    for _ in range(4000):
        markup = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 12)))
        assert parse_html(markup) == _library_tree(markup), markup
        plain += htmltree._parse_plain(markup) is not None
    assert plain > 1000  # the fast path is taken, not only the fallback


def test_a_large_catalog_checked_in_processes_gives_the_same_findings_in_the_same_order(tmp_path):
    from site_builder.model import Catalog
    from site_builder.translators.checks import run_checks

    entries = {}
    for n in range(6000):
        key = f'<p>Step {n} <a href="https://e.org/{n}">x</a> <span translate=no>_^_0_^_</span></p>\n'
        good = f'<p>手順 {n} <a href="https://e.org/{n}">x</a> <span translate=no>_^_0_^_</span></p>\n'
        entries[key] = good if n % 7 else good.replace("_^_0_^_", "_^_1_^_").replace("手順", "\u202e手順")
    catalog = Catalog(path=tmp_path / "x.ja.json", lang="ja", entries=entries)
    alone = run_checks(catalog, jobs=1)
    assert len(alone) == 2 * len(range(0, 6000, 7))
    assert run_checks(catalog, jobs=3) == alone


def test_the_glossarys_substring_prefilter_never_hides_a_term_the_pattern_finds():
    from pathlib import Path

    from site_builder.translators.glossary import Term, load_glossary, term_needles, term_pattern

    terms = list(load_glossary(Path(__file__).parents[1] / "translations" / "glossary.ja.json", "ja").terms)
    terms += [Term(en="body", required=("本体",)), Term(en="Capsule Network", forms=("CapsNet",), required=("x",))]
    for term in terms:
        last = term.en.split()[-1]
        head = " ".join(term.en.split()[:-1])
        spellings = [term.en, *term.forms, *(f"{head} {p}".strip() for p in
                                              (last + "s", last + "es", last[:-1] + "ies"))]
        for spelling in spellings:
            for text in (f"See the {spelling.upper()}.", f"a-{spelling.replace(' ', '-')}"):
                if term_pattern(term).search(text):
                    assert any(n in text.casefold() for n in term_needles(term)), (term, text)


def test_a_translated_title_and_summary_lose_their_bidi_controls_everywhere_they_are_shown():
    from pathlib import Path

    from site_builder.model import FrontMatter, Masked, SourceFile, SourceKind, Unit, UnitKind, UnitResult, UnitState
    from site_builder.render.page import title_and_description

    source = SourceFile(id="m", path=Path("m.py"), kind=SourceKind.PYTHON, front=FrontMatter("Title", "Sum"),
                        sections=())
    results = [UnitResult(unit=Unit("m", kind, 0, 0, Masked(text, ())), state=UnitState.TRANSLATED,
                          text=f"\u202e{text}\u2066訳", matched_key=text)
               for kind, text in ((UnitKind.TITLE, "Title"), (UnitKind.SUMMARY, "Sum"))]
    assert title_and_description(source, results, "ja") == ("Title訳", "Sum訳")


def test_checks_without_trees_for_values_with_the_keys_tags_find_what_the_trees_find(monkeypatch):
    """Values whose tags are their key's skip the trees: the findings must be the same."""
    import json
    import re
    from pathlib import Path

    from site_builder.translators import checks
    from site_builder.translators.glossary import load_glossary

    root = Path(__file__).parents[1]
    glossary = load_glossary(root / "translations" / "glossary.ja.json", "ja")
    pairs = [(k, v) for f in sorted((root / "translations").rglob("*.ja.json")) if "glossary" not in f.name
             for k, v in json.loads(f.read_text(encoding="utf-8")).items() if k.startswith("<")]
    rng = random.Random(21)
    texts = ["", " ", "\n", "訳", "capsule", "routing", "&amp;", "。", "_^_1_^_", "\u202e", "x < y"]
    for key, _ in list(pairs):
        for _ in range(6):  # the key's tags, other texts (placeholders kept), as a translator might
            pieces = re.split(r"(<[^>]*>|_\^_\d+_\^_)", key)
            pairs.append((key, "".join(p if p.startswith("<") or "_^_" in p else rng.choice([p, *texts])
                                       for p in pieces)))
    fast = 0
    for key, value in pairs:
        for gl in (None, glossary):
            monkeypatch.setattr(checks, "_same_markup_problems", lambda *a: None)
            with_trees = checks.check_value(key, value, glossary=gl)
            monkeypatch.undo()
            assert checks.check_value(key, value, glossary=gl) == with_trees, (key, value)
            fast += checks._same_markup_problems(key, value, (), gl) is not None
    assert fast >= 100  # the path without trees was taken, and agreed

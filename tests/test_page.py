"""page.py: sections -> page fragments: layout, fallback marking, placeholder restore, sanitising order."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.model import (
    CodeLine,
    FrontMatter,
    Masked,
    Protected,
    ProtectedKind,
    RenderedMath,
    Section,
    SectionKind,
    Severity,
    SourceFile,
    SourceKind,
    Unit,
    UnitKind,
    UnitResult,
    UnitState,
)
from site_builder.render.layout import PageChrome, page_html
from site_builder.render.page import (
    PageSources,
    Renderers,
    build_page,
    use_translation,
)
from site_builder.render.placeholders import PLACEHOLDER_TEMPLATE

P = PLACEHOLDER_TEMPLATE.format


class Spy:
    """Renderers that mark their output, and record what the sanitizer was given."""

    def __init__(self) -> None:
        self.sanitized: list[str] = []

    def math(self, latex: str, *, display: bool) -> RenderedMath:
        if latex == "\\bad":
            return RenderedMath('<code class="math-error">\\bad</code>', error="unknown macro")
        return RenderedMath(f'<math display="{"block" if display else "inline"}"><mi>{latex}</mi></math>')

    def sanitize(self, text: str) -> str:
        self.sanitized.append(text)
        return text.replace("<script>", "").replace("</script>", "")

    def renderers(self) -> Renderers:
        return Renderers(math=self.math,
                         sections=lambda src: tuple(f"<pre>CODE{i}</pre>" for i in range(len(src.sections))),
                         code=lambda code, lang: f'<pre class="block-{lang}">{code}</pre>',
                         inline=lambda code: f'<code class="hl">{code}</code>',
                         sanitize=self.sanitize)


SECTIONS = (
    Section(SectionKind.MODULE_DOCSTRING, "# Capsules\n\nIntro", (CodeLine(10, "import torch"),), 1),
    Section(SectionKind.DOCSTRING, "## Squash\n\nEq. (1)", (CodeLine(12, "class Squash:"),), 11, name="Squash"),
    Section(SectionKind.COMMENT, "Iterate $x$ over `xs`", (CodeLine(20, "for x in xs:"),), 19),
    Section(SectionKind.DOCSTRING, "Forward", (CodeLine(30, "def forward(self):"),), 29, name="forward"),
)
SOURCE = SourceFile(id="pkg/mod", path=Path("/src/pkg/mod.py"), kind=SourceKind.PYTHON,
                    front=FrontMatter(title="Capsules", summary="About capsules"), sections=SECTIONS)
MATH_X = Protected(ProtectedKind.INLINE_MATH, "x")
CODE_XS = Protected(ProtectedKind.CODE_SPAN, "xs")


def units() -> list[Unit]:
    def notes(section: int, key: str, originals=(), line=0) -> Unit:
        return Unit("pkg/mod", UnitKind.NOTES, section, 0, Masked(key, tuple(originals)), line=line)

    return [Unit("pkg/mod", UnitKind.TITLE, -1, 0, Masked("Capsules")),
            Unit("pkg/mod", UnitKind.SUMMARY, -1, 0, Masked("About capsules")),
            notes(0, "<h1>Capsules</h1>\n<p>Intro</p>\n"),
            notes(1, "<h2>Squash</h2>\n<p>Eq. (1)</p>\n"),
            notes(2, f"<p>Iterate {P(0)} over {P(1)}</p>\n", (MATH_X, CODE_XS), line=19),
            notes(3, "<p>Forward</p>\n")]


def results(translations: dict[int, str]) -> list[UnitResult]:
    """Results with the given unit indexes translated; the rest missing."""
    return [UnitResult(u, UnitState.TRANSLATED, text=translations[i], matched_key=u.key)
            if i in translations else UnitResult(u, UnitState.MISSING) for i, u in enumerate(units())]


WHERE = PageSources(source_file=Path("/proj/src/pkg/mod.py"), catalog_file=Path("/proj/t/pkg/mod.ja.json"),
                    catalog_lines={"<p>Iterate <span translate=no>_^_0_^_</span> over "
                                   "<span translate=no>_^_1_^_</span></p>\n": 7})


def page(translations: dict[int, str], lang: str = "ja", spy: Spy | None = None):
    return build_page(SOURCE, results(translations), lang, renderers=(spy or Spy()).renderers(), where=WHERE)


def test_english_page_restores_math_and_code_and_marks_nothing():
    result = page({}, lang="en")
    notes = result.sections[2].notes_html
    assert notes == ('<p>Iterate <math display="inline"><mi>x</mi></math> over '
                     '<code class="hl">xs</code></p>\n')
    assert not any(section.fallback for section in result.sections)
    assert [s.code_html for s in result.sections] == ["<pre>CODE0</pre>", "<pre>CODE1</pre>",
                                                      "<pre>CODE2</pre>", "<pre>CODE3</pre>"]
    assert (result.title, result.description) == ("Capsules", "About capsules")


def test_translated_notes_get_our_rendered_originals_back():
    result = page({0: "カプセル", 1: "カプセルについて", 4: f"<p>{P(1)} の各 {P(0)} について繰り返す</p>\n"})
    assert result.sections[2].notes_html == (
        '<p><code class="hl">xs</code> の各 <math display="inline"><mi>x</mi></math> について繰り返す</p>\n')
    assert not result.sections[2].fallback
    assert (result.title, result.description) == ("カプセル", "カプセルについて")


def test_untranslated_units_fall_back_to_english_marked_lang_en():
    result = page({})
    assert result.sections[1].fallback
    assert result.sections[1].notes_html == ('<div class="sb-fallback" lang="en"><h2>Squash</h2>\n'
                                             '<p>Eq. (1)</p>\n</div>')
    assert result.findings == ()  # missing is not a problem to report while building


def test_fuzzy_units_are_shown_in_english():
    fuzzy = [UnitResult(u, UnitState.FUZZY, suggestion="古い訳") for u in units()]
    result = build_page(SOURCE, fuzzy, "ja", renderers=Spy().renderers(), where=WHERE)
    assert all(section.fallback for section in result.sections)
    assert "古い訳" not in "".join(s.notes_html for s in result.sections)


@pytest.mark.parametrize("value, check", [
    (f"<p>{P(0)} だけ</p>\n", "placeholders"),                       # placeholder 1 missing
    (f"<p>{P(0)} {P(1)} {P(1)}</p>\n", "placeholders"),              # placeholder 1 twice
    (f"<p>{P(0)} {P(2)}</p>\n", "placeholders"),                     # out of range
    (f"<p>{P(0)} と _^_x_^_ {P(1)}</p>\n", "placeholders"),          # a damaged marker left over
    (f'<p><a href="a">{P(0)} <a href="b">{P(1)}</a></a></p>\n', "nested-link"),
    (f"<p>{P(0)} {P(1)}</b></p>\n", "unbalanced-tags"),
    (f"<p>{P(0)} {P(1)}\n", "unbalanced-tags"),                      # unclosed
    (f"<p>{P(0)}<ul><li>{P(1)}</li></ul></p>\n", "block-in-paragraph"),  # a list inside <p>
])
def test_a_value_that_would_break_the_page_falls_back_with_a_finding(value, check):
    result = page({4: value})
    section = result.sections[2]
    assert section.fallback
    assert section.notes_html.startswith('<div class="sb-fallback" lang="en"><p>Iterate <math')
    assert "_^_" not in section.notes_html
    [finding] = result.findings
    assert (finding.check, finding.file, finding.line, finding.severity) == (
        check, Path("/proj/t/pkg/mod.ja.json"), 7, Severity.WARNING)


def test_variant_placeholders_still_restore():
    # translate.py recognises quoted / spaced variants machine translation produces.
    value = '<p><span translate="no">_^_0_^_</span> と <span translate = no>_^_1_^_</span></p>\n'
    result = page({4: value})
    assert not result.sections[2].fallback
    assert '<math display="inline"><mi>x</mi></math> と <code class="hl">xs</code>' in result.sections[2].notes_html


def test_translation_is_sanitised_before_our_renderings_go_in():
    spy = Spy()
    result = page({4: f"<p><script>{P(0)}</script>{P(1)}</p>\n"}, spy=spy)
    assert spy.sanitized == [f"<p><script>{P(0)}</script>{P(1)}</p>\n"]
    assert all("<math" not in text and "hl" not in text for text in spy.sanitized)
    assert "<math" in result.sections[2].notes_html and "<script>" not in result.sections[2].notes_html


def test_broken_html_is_detected_before_sanitising_could_hide_it():
    spy = Spy()
    page({4: f'<p><a href="a">{P(0)}<a href="b">{P(1)}</a></a></p>\n'}, spy=spy)
    assert spy.sanitized == []


def test_math_that_fails_to_convert_is_a_finding_in_the_english_build_only():
    source_units = units()
    source_units[4] = Unit("pkg/mod", UnitKind.NOTES, 2, 0,
                           Masked(f"<p>Iterate {P(0)} over {P(1)}</p>\n",
                                  (Protected(ProtectedKind.INLINE_MATH, "\\bad"), CODE_XS)), line=19)
    english = build_page(SOURCE, [UnitResult(u, UnitState.MISSING) for u in source_units], "en",
                         renderers=Spy().renderers(), where=WHERE)
    [finding] = english.findings
    assert (finding.check, finding.file, finding.line) == ("math", Path("/proj/src/pkg/mod.py"), 19)
    assert "math-error" in english.sections[2].notes_html
    japanese = build_page(SOURCE, [UnitResult(u, UnitState.MISSING) for u in source_units], "ja",
                          renderers=Spy().renderers(), where=WHERE)
    assert japanese.findings == ()


def test_images_resolve_from_the_source_folder_and_keep_alt_text():
    image = Protected(ProtectedKind.IMAGE, "![A \"capsule\"](fig.png)", alt='A "capsule"', url="fig.png")
    remote = Protected(ProtectedKind.IMAGE, "", alt="badge", url="https://img.example/b.svg")
    unit = Unit("pkg/mod", UnitKind.NOTES, 0, 0, Masked(f"<p>{P(0)}{P(1)}</p>\n", (image, remote)))
    result = build_page(SOURCE, [UnitResult(unit, UnitState.MISSING)], "en",
                        renderers=Spy().renderers(), image_prefix="../")
    assert result.sections[0].notes_html == (
        '<p><img src="../fig.png" alt="A &quot;capsule&quot;" loading="lazy">'
        '<img src="https://img.example/b.svg" alt="badge" loading="lazy"></p>\n')


def test_layout_puts_each_section_in_a_row_with_notes_then_code():
    result = page({}, lang="en")
    body = page_html(result, SourceKind.PYTHON, PageChrome(
        breadcrumbs=(("Home", "../index.html"), ("pkg", "")), source_url="https://x/pkg/mod.py"))
    assert body.count('<section class="sb-row"') == 4
    row = body.split('<section class="sb-row" id="squash">')[1].split("</section>")[0]
    assert row.startswith('<a class="sb-alias" id="section-1"></a><div class="sb-notes">')
    assert row.index('class="sb-notes"') < row.index('<div class="sb-code"><pre>CODE1</pre></div>')
    row = body.split('<section class="sb-row" id="squash+1">')[1]  # after the heading it follows
    assert row.startswith('<a class="sb-alias" id="section-2"></a><div class="sb-notes">')
    assert '<li><a href="../index.html">Home</a></li><li>pkg</li>' in body
    assert '<a class="sb-source" href="https://x/pkg/mod.py">View source</a>' in body
    assert body.count("<h1") == 1  # the notes' own h1; no second title


def test_layout_adds_a_title_when_the_notes_have_none_and_a_notice_on_fallback_rows():
    chrome = PageChrome(notice_html="NOTICE", page_notice_html="PAGE NOTICE")
    body = page_html(page({2: "<h1>カプセル</h1>\n"}), SourceKind.PYTHON, chrome)
    assert ('<p class="sb-notice" role="note" lang="ja">NOTICE</p>'
            '<div class="sb-fallback" lang="en"><h2>Squash') in body
    assert "PAGE NOTICE" not in body
    assert ('<div class="sb-notes" id="__sb-notes" tabindex="-1"><a class="sb-permalink" href="#capsules" '
            'aria-label="Link to this section" title="Link to this section">#</a><h1>') in body


def test_a_wholly_untranslated_page_has_one_notice_at_the_top():
    body = page_html(page({}), SourceKind.PYTHON, PageChrome(notice_html="NOTICE", page_notice_html="PAGE"))
    assert body.count('class="sb-notice') == 1
    assert '<p class="sb-notice sb-notice--page" role="note" lang="ja" id="__sb-notes" tabindex="-1">PAGE</p>' in body
    assert body.count('id="__sb-notes"') == 1  # the skip link lands on the notice, not the first notes
    assert body.index("PAGE") < body.index('<section class="sb-row"')
    no_h1 = build_page(SOURCE, results({})[3:4], "en", renderers=Spy().renderers())
    assert "<h1>Capsules</h1>" in page_html(no_h1, SourceKind.PYTHON)


def test_layout_names_each_permalink_and_lets_the_skip_link_land_on_the_first_notes_only():
    chrome = PageChrome(permalink_label="このセクションへのリンク")
    body = page_html(page({i: f"<p>訳{i}</p>\n" for i in range(4)}), SourceKind.PYTHON, chrome)
    assert body.count('aria-label="このセクションへのリンク"') == body.count('class="sb-permalink"') == 4
    assert "aria-hidden" not in body  # a focusable link hidden from screen readers is a trap
    assert body.count('id="__sb-notes"') == 1
    assert body.index('id="__sb-notes"') < body.index('class="sb-code"')  # the first row's notes


def test_markdown_pages_use_the_full_width():
    md = SourceFile(id="readme", path=Path("/src/readme.md"), kind=SourceKind.MARKDOWN,
                    front=FrontMatter(title="Readme"),
                    sections=(Section(SectionKind.MARKDOWN, "Hello", (), 1),))
    unit = Unit("readme", UnitKind.NOTES, 0, 0, Masked("<p>Hello</p>\n"))
    built = build_page(md, [UnitResult(unit, UnitState.MISSING)], "en", renderers=Spy().renderers())
    body = page_html(built, SourceKind.MARKDOWN)
    assert 'class="sb-row sb-row--wide"' in body and "sb-code" not in body


def test_use_translation_reports_why_it_refuses():
    usable, why = use_translation(f"<p>{P(0)}</p>", ["<b>R</b>"], lambda text: text)
    assert (usable, why) == ("<p><b>R</b></p>", ("", ""))
    refused, why = use_translation("<p>none</p>", ["<b>R</b>"], lambda text: text)
    assert refused is None and why[0] == "placeholders"

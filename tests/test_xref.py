"""xref: resolved names become links in the highlighted code, and cards come from the notes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_builder.catalog.corpus import load_corpus
from site_builder.catalog.store import dump_catalog
from site_builder.config import SiteConfig
from site_builder.model import CodeLine, FrontMatter, Section, SectionKind, SourceFile, SourceKind, UnitKind
from site_builder.names.index import index_names
from site_builder.names.links import card_entry, cards_document, code_links, first_paragraph, paragraph_entry
from site_builder.names.model import Definition, NameIndex
from site_builder.render.highlight import highlight_sections
from site_builder.site.navigation import CodeNavigation, cards_path
from site_builder.site.plan import plan_site


def one_section_source(text: str) -> SourceFile:
    lines = tuple(CodeLine(n, line) for n, line in enumerate(text.splitlines(), start=1))
    return SourceFile("m", Path("m.py"), SourceKind.PYTHON, FrontMatter("m"),
                      (Section(SectionKind.CODE, "", lines, 1),))


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)

    def handle_endtag(self, tag):
        self.ok = self.ok and bool(self.stack) and self.stack.pop() == tag


def test_a_linked_name_becomes_an_anchor_with_its_token_class_href_and_definition():
    source = one_section_source("x = squash(s)\n")
    html = highlight_sections(source, ((1, 4, "#squash", 7),))[0]
    assert '<a class="n sb-n" href="#squash" data-d="7">squash</a>' in html
    checker = _Balance()
    checker.feed(html)
    assert checker.ok and not checker.stack


def test_a_link_not_at_the_start_of_a_name_token_is_ignored():
    source = one_section_source("x = squash(s)\n")
    plain = highlight_sections(source)[0]
    assert highlight_sections(source, ((1, 5, "#squash", 7), (1, 2, "#eq", 8)))[0] == plain


def test_the_code_with_links_and_without_are_cached_apart():
    source = one_section_source("y = f(x)\n")
    linked = highlight_sections(source, ((1, 4, "other.html#f", 1),))[0]
    plain = highlight_sections(source)[0]
    assert "sb-n" in linked and "sb-n" not in plain


def test_hrefs_are_escaped_in_the_code():
    source = one_section_source("f()\n")
    html = highlight_sections(source, ((1, 0, 'a.html#"x"&y', 1),))[0]
    assert 'href="a.html#&quot;x&quot;&amp;y"' in html


def test_code_links_leave_out_definitions_that_have_no_page():
    definitions = (Definition(0, "a", 0, "f", "function", "def f()"),
                   Definition(1, "b", 0, "g", "function", "def g()"))
    index = NameIndex(definitions=definitions, references={"a": {(3, 4): 0, (1, 0): 1}})
    links = code_links(index, "a", lambda d: "#f" if d.file_id == "a" else None)
    assert links == ((3, 4, "#f", 0),)


def test_first_paragraph_skips_the_heading_and_keeps_math():
    notes = '<h2>Squash</h2>\n<p>Eq. <math><mi>v</mi></math> keeps\nthe direction.</p>\n<p>Second.</p>'
    assert first_paragraph(notes) == ('<p>Eq. <math><mi>v</mi></math> keeps\nthe direction.</p>', False)


def test_first_paragraph_in_an_english_fallback_block_is_marked_english_on_other_languages():
    notes = '<div class="sb-fallback" lang="en"><p>Not translated.<br>Yet.</p></div>'
    assert first_paragraph(notes) == ("<p>Not translated.<br>Yet.</p>", True)
    assert paragraph_entry(notes, "ja") == {"h": "<p>Not translated.<br>Yet.</p>", "l": "en"}
    assert paragraph_entry("<h2>Only a heading</h2>", "ja") is None


def test_a_card_ending_with_a_colon_takes_the_short_formula_it_introduces():
    formula = '<math display="block"><mi>v</mi><mo>=</mo><mi>s</mi></math>'
    notes = f"<p>The length can be read as a probability:</p>\n<p>{formula}</p>\n<p>More.</p>"
    assert paragraph_entry(notes, "en")["h"] == f"<p>The length can be read as a probability: {formula}</p>"


def test_a_card_ending_with_a_colon_before_a_long_formula_stops_at_the_sentence_before():
    formula = '<math display="block">' + "<mi>v</mi>" * 400 + "</math>"
    notes = f"<p>Squash keeps <em>direction. Yes</em>. The length is a probability:</p>\n<p>{formula}</p>"
    assert paragraph_entry(notes, "en")["h"] == "<p>Squash keeps <em>direction. Yes</em>.</p>"
    japanese = f"<p>向きは保たれます。長さは確率として読めます：</p>\n<p>{formula}</p>"
    assert paragraph_entry(japanese, "ja")["h"] == "<p>向きは保たれます。</p>"


def test_cards_document_lists_each_paragraph_once():
    definition = Definition(3, "a", 1, "Squash", "class", "class Squash(nn.Module)")
    text = cards_document({3: card_entry(definition, 0, where="Model"), 4: card_entry(definition, 0)},
                          [{"h": "<p>カプセル</p>"}], "ja", {"go_to_definition": "定義へ移動"})
    data = json.loads(text)
    assert data["defs"]["3"] == {"s": "class Squash(nn.Module)", "p": 0, "w": "Model"}
    assert data["defs"]["4"]["p"] == 0 and data["paras"] == [{"h": "<p>カプセル</p>"}]
    assert "カプセル" in text  # kept as UTF-8, not \\u escapes: smaller files


def test_card_files_sit_beside_their_pages():
    assert cards_path("capsule_networks/model.html") == "capsule_networks/model.names.json"
    assert cards_path("capsule_networks/model/") == "capsule_networks/model/index.names.json"


def test_cross_file_links_are_relative_and_cards_use_the_page_language_notes(tmp_path, write_corpus):
    root = write_corpus(tmp_path, {
        "src/pkg/mha.py": '''\
            """
            # Attention
            """


            class MultiHeadAttention:
                """
                ## Multi-head attention

                Splits the model into heads.
                """
                pass
            ''',
        "src/pkg/models.py": '''\
            """
            # Models
            """
            from .mha import MultiHeadAttention

            layer = MultiHeadAttention()
            ''',
    })
    config = SiteConfig(source_dir=root / "src", translations_dir=root / "translations", languages=("en", "ja"))
    corpus = load_corpus(config)
    index = index_names(file.source for file in corpus.files)
    plan = plan_site(config, [file.source for file in corpus.files], [])
    navigation = CodeNavigation.for_corpus(plan, corpus, index, "ja")
    models = next(page for page in plan.pages if page.file_id == "pkg/models")
    hrefs = {href for _, _, href, _ in navigation.page_links(models)}
    assert "mha.html#multi-head-attention" in hrefs
    from site_builder.model import UnitResult, UnitState
    from site_builder.render.page import build_page
    for file in corpus.files:
        results = tuple(UnitResult(unit=unit, state=UnitState.MISSING) for unit in file.units)
        navigation.built[file.source.id] = build_page(file.source, results, "ja")
    data = json.loads(navigation.cards_json(models))
    card = next(card for card in data["defs"].values() if card["s"] == "class MultiHeadAttention")
    assert data["paras"][card["p"]] == {"h": "<p>Splits the model into heads.</p>", "l": "en"}
    assert card["w"] == "Attention"


def test_the_page_names_its_card_file_only_when_it_has_one():
    from site_builder.model import Page
    from site_builder.render.layout import PageChrome, page_html

    page = Page(file_id="m", lang="en", title="M", description="", sections=())
    assert 'data-sb-cards="m.names.json"' in page_html(page, SourceKind.PYTHON, PageChrome(cards_url="m.names.json"))
    assert "data-sb-cards" not in page_html(page, SourceKind.PYTHON, PageChrome())


BUILD_YML = """site_name: Links
site_url: https://example.org/
use_directory_urls: false
theme:
  name: material
  font: false
plugins:
  - site_builder:
      source_dir: src
      translations_dir: translations
      languages: [en, ja]
"""


@pytest.mark.slow
def test_a_build_links_names_across_pages_writes_card_files_and_logs_the_share(tmp_path, write_corpus):
    root = write_corpus(tmp_path, {
        "mkdocs.yml": BUILD_YML,
        "docs/.keep": "",
        "src/pkg/mha.py": '''\
            """
            # Attention
            """


            class Attention:
                """
                ## Attention heads

                Splits the model into heads.
                """
                pass
            ''',
        "src/pkg/model.py": '''\
            """
            # Model
            """
            from .mha import Attention

            layer = Attention()
            ''',
    })
    config = SiteConfig(source_dir=root / "src", translations_dir=root / "translations", languages=("en", "ja"))
    [mha] = [file for file in load_corpus(config, []).files if file.source.id == "pkg/mha"]
    entries = {unit.key: "<p>モデルをヘッドに分けます。</p>\n" for unit in mha.units
               if unit.kind is UnitKind.NOTES and "Splits" in unit.key}
    write_corpus(root, {"translations/pkg/mha.ja.json": dump_catalog(entries)}, dedent=False)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml")],
                            capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, result.stderr
    assert re.search(r"code navigation: [\d,]+ of the [\d,]+ names in the code link to their definitions",
                     result.stderr)
    for prefix, paragraph in (("", "Splits the model into heads."), ("ja/", "モデルをヘッドに分けます。")):
        page = (root / "site" / prefix / "pkg/model.html").read_text(encoding="utf-8")
        assert re.search(r'<a class="n sb-n" href="mha.html#attention-heads" data-d="\d+">Attention</a>', page)
        assert 'data-sb-cards="model.names.json"' in page
        cards = json.loads((root / "site" / prefix / "pkg/model.names.json").read_text(encoding="utf-8"))
        card = next(card for card in cards["defs"].values() if card["s"] == "class Attention")
        assert paragraph in cards["paras"][card["p"]]["h"]
        assert "l" not in cards["paras"][card["p"]]


def test_inline_code_in_notes_naming_a_definition_links_to_it_unless_already_a_link(tmp_path, write_corpus):
    root = write_corpus(tmp_path, {
        "src/pkg/grids.py": '''\
            """Grids."""


            class Grid:
                """A grid."""

                def resample(self):
                    """Finer."""
            ''',
        "src/pkg/use.py": '''\
            """Uses."""
            ''',
    })
    config = SiteConfig(source_dir=root / "src", translations_dir=root / "translations")
    corpus = load_corpus(config)
    index = index_names(file.source for file in corpus.files)
    plan = plan_site(config, [file.source for file in corpus.files], [])
    navigation = CodeNavigation.for_corpus(plan, corpus, index, "en")
    use = next(page for page in plan.pages if page.file_id == "pkg/use")
    code = '<code class="sb-hl sb-inline">{}</code>'.format
    notes = (f"<p>{code('Grid')}, {code('pkg.grids.Grid')}, {code('Grid.resample()')}, {code('x')} and "
             f'<a href="other.html">{code("Grid")}</a></p>\n')
    linked = navigation.link_notes_code(use, notes)
    assert linked.count('<a class="sb-code-ref" href="grids.html#Grid">') == 2
    assert f'<a class="sb-code-ref" href="grids.html#Grid.resample">{code("Grid.resample()")}</a>' in linked
    assert f"{code('x')} and <a href=\"other.html\">{code('Grid')}</a>" in linked
    from site_builder.model import Page, PageSection
    navigation.built["pkg/use"] = Page(file_id="pkg/use", lang="en", title="Uses", description="", sections=(
        PageSection(anchor="x", number=0, notes_html=linked, code_html=""),))
    assert navigation._notes("pkg/use", 0) == notes  # cards show the code without the page's links

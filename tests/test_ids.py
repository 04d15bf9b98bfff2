"""core/ids.py: one stable id per section, used by the page, PO msgctxt and findings."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from site_builder.catalog.corpus import load_corpus
from site_builder.catalog.store import catalog_path, save_catalog
from site_builder.config import SiteConfig
from site_builder.model import CodeLine, Masked, Section, SectionKind, Unit, UnitKind, UnitResult, UnitState
from site_builder.render.layout import page_html
from site_builder.render.page import build_page
from site_builder.source.ids import (
    file_anchor,
    first_heading,
    heading_slug,
    section_ids,
    section_of_unit_id,
    unit_ids,
)
from site_builder.source.parse import parse_file
from site_builder.translators.checks import check_corpus
from site_builder.translators.po import export_file, read_po_file


@pytest.mark.parametrize("text, slug", [
    ("Primary Capsules", "primary-capsules"),
    ("Where `b_ij` is updated", "where-b_ij-is-updated"),       # code spans keep their text
    ("カプセル", "カプセル"),
    ("動的ルーティング (Routing)", "動的ルーティング-routing"),
    ("Eq. (2): $\\hat{u}_{j|i}$ predictions", "eq-2-predictions"),  # math makes no readable slug
    ("See [the paper](https://arxiv.org/abs/1710.09829)", "see-the-paper"),
    ("**Bold** and _emphasis_ in snake_case", "bold-and-emphasis-in-snake_case"),
    ("$x$", ""),
])
def test_heading_slug(text, slug):
    assert heading_slug(text) == slug


@pytest.mark.parametrize("notes, heading", [
    ("Intro\n\n## Squash ##\n", "Squash"),
    ("Squash\n======\n\ntext", "Squash"),
    ("```python\n# not a heading\n```\n\n### Real\n", "Real"),
    ("    # indented code, not a heading\n", ""),
    ("no heading here", ""),
])
def test_first_heading_skips_code(notes, heading):
    assert first_heading(notes) == heading


def ids_of_file(write_corpus, tmp_path: Path, text: str) -> tuple[str, ...]:
    root = write_corpus(tmp_path / "src", {"pkg/mod.py": text})
    return tuple(section.id for section in parse_file(root / "pkg" / "mod.py", root).sections)


MODULE = '''\
    """
    # Capsules

    Intro.
    """

    import torch


    class Squash:
        """Squash."""

        def forward(self, s):
            """Forward."""
            # Scale the length
            x = s
            # Keep the direction
            return x


    class Plain:
        def forward(self):
            """Documented inside an undocumented class."""
            return 1


    # ## Margin loss
    loss = 0
    # ## Margin loss
    again = 1
    # ## Section 1
    odd = 2
    '''


def test_ids_come_from_headings_then_qualified_names_then_the_previous_id(write_corpus, tmp_path):
    assert ids_of_file(write_corpus, tmp_path, MODULE) == (
        "capsules", "Squash", "Squash.forward", "Squash.forward+1", "Squash.forward+2",
        "Plain", "Plain.forward", "margin-loss", "margin-loss-2", "section-1-2")


def test_a_section_before_any_named_one_is_positional():
    sections = (Section(SectionKind.CODE, "", (CodeLine(1, "import os"),), 1),
                Section(SectionKind.COMMENT, "plain words", (CodeLine(3, "x = 1"),), 2))
    assert section_ids(sections) == ("section-0", "section-1")


def test_an_edit_elsewhere_in_the_file_leaves_the_other_ids_alone(write_corpus, tmp_path):
    before = ids_of_file(write_corpus, tmp_path / "a", MODULE)
    edited = MODULE.replace('    import torch\n', '    import torch\n    # A new comment\n    import os\n')
    edited = edited.replace('"""Squash."""', '"""Squash, now\n        explained at length."""')
    after = ids_of_file(write_corpus, tmp_path / "b", edited)
    assert after[0] == before[0] and after[1] == "capsules+1" and after[2:] == before[1:]


def test_ids_are_unique_on_a_page_and_never_another_sections_alias():
    sections = tuple(Section(SectionKind.COMMENT, notes, (), n)
                     for n, notes in enumerate(["## A", "## A", "## A-2", "## Section 0", "x"]))
    ids = section_ids(sections)
    assert ids == ("a", "a-2", "a-2-2", "section-0-2", "section-0-2+1")
    assert len(set(ids)) == len(ids)


def test_unit_ids_name_title_summary_sections_and_the_blocks_of_split_sections():
    units = [Unit("pkg/m", UnitKind.TITLE, -1, 0, Masked("M")),
             Unit("pkg/m", UnitKind.SUMMARY, -1, 0, Masked("S")),
             Unit("pkg/m", UnitKind.NOTES, 1, 0, Masked("<p>a</p>\n"), section_id="Squash.forward"),
             Unit("pkg/m", UnitKind.NOTES, 2, 0, Masked("<p>b</p>\n"), section_id="loss"),
             Unit("pkg/m", UnitKind.NOTES, 2, 1, Masked("<p>c</p>\n"), section_id="loss")]
    ids = unit_ids("pkg/m", units)
    assert ids == ["pkg/m:title", "pkg/m:summary", "pkg/m#Squash.forward", "pkg/m#loss:0", "pkg/m#loss:1"]
    assert [section_of_unit_id(i) for i in ids] == ["", "", "Squash.forward", "loss", "loss"]


def test_status_rows_have_readable_ids():
    assert file_anchor("capsule_networks/__init__") == "file-capsule_networks-__init__"
    assert file_anchor("ノート/メモ") == "file-ノート-メモ"


# --- against the built page -------------------------------------------------------------------


LONG = "\n#\n".join(f"# Paragraph {n} " + "words " * 120 for n in range(12))
PAGE_SOURCE = f'''\
"""
# Routing

Where `b_ij` is updated.
"""


class Router:
    """## 動的ルーティング

    Japanese heading.
    """

    def forward(self, u):
        """Forward."""
        # Iterate
        return u


# ## Where `b_ij` is updated
b = 0
# Plain words
c = 1
# ## Where `b_ij` is updated
d = 2
{LONG}
e = 3
'''


def built_page(tmp_path: Path):
    root = tmp_path / "src"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "mod.py").write_text(PAGE_SOURCE, encoding="utf-8")
    config = SiteConfig(source_dir=root, translations_dir=tmp_path / "translations", languages=("en", "ja"))
    [corpus_file] = load_corpus(config).files
    translation = corpus_file.translations["ja"]
    body = page_html(build_page(corpus_file.source, translation.results, "ja"), corpus_file.source.kind)
    return corpus_file, translation, {html.unescape(found) for found in re.findall(r'\sid="([^"]*)"', body)}


def test_every_po_msgctxt_names_a_section_id_that_is_on_the_built_page(tmp_path):
    corpus_file, translation, page_ids = built_page(tmp_path)
    po = tmp_path / "mod.ja.po"
    po.write_bytes(export_file(corpus_file, translation, tmp_path / "src"))
    contexts = [message.context for message in read_po_file(po) if message.id]
    sections = [section_of_unit_id(context) for context in contexts if "#" in context]
    assert any(":" in context.rpartition("#")[2] for context in contexts)  # a split section is there
    assert {"where-b_ij-is-updated", "where-b_ij-is-updated-2", "動的ルーティング"} <= set(sections)
    assert sorted(set(sections) - page_ids) == []
    assert {context for context in contexts if "#" not in context} == {"pkg/mod:title"}


def test_every_section_keeps_its_positional_alias_on_the_page(tmp_path):
    corpus_file, _, page_ids = built_page(tmp_path)
    count = len(corpus_file.source.sections)
    assert {f"section-{n}" for n in range(count)} <= page_ids
    assert {section.id for section in corpus_file.source.sections} <= page_ids


def test_findings_name_the_section_of_their_unit(tmp_path):
    corpus_file, translation, page_ids = built_page(tmp_path)
    unit = next(u for u in corpus_file.units if u.section_id == "Router.forward")
    results = [UnitResult(r.unit, UnitState.TRANSLATED, text="<p>閉じない") if r.unit == unit else r
               for r in translation.results]
    [fallback] = build_page(corpus_file.source, results, "ja").findings
    assert (fallback.check, fallback.section) == ("unbalanced-tags", "Router.forward")
    cache = catalog_path(tmp_path / "translations", "pkg/mod", "ja")
    save_catalog(cache, {unit.key: "<p>閉じない"})
    config = SiteConfig(source_dir=tmp_path / "src", translations_dir=tmp_path / "translations",
                        languages=("en", "ja"))
    [finding] = check_corpus(load_corpus(config), {})
    assert (finding.check, finding.section) == ("unbalanced-tags", "Router.forward")
    assert finding.section in page_ids

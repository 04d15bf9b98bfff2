"""The search index made from the model: an entry per section at its id, plain safe text, zh words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.adapters.cli import main
from site_builder.catalog.corpus import load_corpus
from site_builder.config import SiteConfig
from site_builder.model import Page, PageSection, UnitResult, UnitState
from site_builder.render.page import build_page
from site_builder.site.search import merged_index, page_entries, plain_text, segmenter

MODULE = r'''"""
---
title: Routing
summary: How capsules route.
---

# Routing

Agreement decides, Eq. (3): $c_{ij} = b_{ij}$.
"""

import math


class Router:
    """Routes by agreement."""

    def squash(self, s):
        """Squash `s`."""
        # Keep short vectors short
        return s
'''


def _english(units):
    return [UnitResult(unit=u, state=UnitState.TRANSLATED, text=u.key, matched_key=u.key) for u in units]


def _entries(tmp_path: Path, write_corpus) -> list[dict[str, str]]:
    write_corpus(tmp_path / "src", {"pkg/routing.py": MODULE})
    corpus = load_corpus(SiteConfig(source_dir=tmp_path / "src", translations_dir=tmp_path / "t"))
    file = corpus.files[0]
    page = build_page(file.source, _english(file.units), "en")
    return page_entries(page, file.source, "pkg/routing.html")


def test_a_page_entry_comes_first_then_one_entry_per_section_at_its_id(tmp_path, write_corpus):
    entries = _entries(tmp_path, write_corpus)
    assert entries[0] == {"location": "pkg/routing.html", "title": "Routing", "text": "How capsules route."}
    locations = [entry["location"] for entry in entries[1:]]
    assert locations == ["pkg/routing.html#routing", "pkg/routing.html#Router",
                         "pkg/routing.html#Router.squash", "pkg/routing.html#Router.squash+1"]


def test_sections_are_titled_by_heading_else_page_title_and_qualified_name(tmp_path, write_corpus):
    titles = [entry["title"] for entry in _entries(tmp_path, write_corpus)[1:]]
    assert titles == ["Routing", "Routing – Router", "Routing – Router.squash", "Routing – Router.squash"]


def test_section_text_is_notes_without_heading_with_math_as_its_tex_then_code(tmp_path, write_corpus):
    first, _, _, comment = _entries(tmp_path, write_corpus)[1:]
    assert first["text"].startswith("Agreement decides, Eq. (3): $")
    assert "c_{ij}" in first["text"] and "<math" not in first["text"] and "Routing" not in first["text"]
    assert first["text"].endswith("<pre><code>import math</code></pre>")
    assert comment["text"] == "Keep short vectors short <pre><code>        return s</code></pre>"


def test_math_reads_as_its_tex_source_in_search_text():
    from site_builder.render.mathml import render_math

    formula = render_math(r"\| \mathbf{s}_j \| < 1", display=False).html
    assert plain_text(f"<p>maps its length into {formula}, so that</p>") == (
        r"maps its length into $\| \mathbf{s}_j \| &lt; 1$, so that")


def test_table_cells_of_hand_written_pages_are_separated_for_the_theme_indexer():
    from site_builder.site.search import separate_table_cells

    table = ("<table><thead><tr><th>英語</th><th>備考</th></tr></thead><tbody><tr><td>agreement</td>"
             "<td>一致</td></tr></tbody></table>")
    assert separate_table_cells(table) == ("<table><thead><tr><th>英語</th>\n<th>備考</th></tr>\n</thead><tbody>"
                                           "<tr><td>agreement</td>\n<td>一致</td></tr></tbody></table>")


def test_table_cells_and_paragraphs_do_not_run_together():
    text = plain_text("<p>one</p><p>two</p><table><tr><td>capsule</td><td>カプセル</td></tr></table>")
    assert text == "one two capsule カプセル"


def test_titles_and_texts_hold_no_live_markup():
    notes = ('<h2>T<img src=x onerror="alert(1)"></h2><p>a &lt;b&gt; <b onclick="x()">bold</b>'
             '<script>alert(2)</script></p>')
    page = Page(file_id="m", lang="en", title="<i>x</i>", description="",
                sections=(PageSection(anchor="t", number=0, notes_html=notes, code_html=""),))
    from site_builder.model import FrontMatter, Section, SectionKind, SourceFile, SourceKind
    source = SourceFile(id="m", path=Path("m.py"), kind=SourceKind.PYTHON, front=FrontMatter(title="x"),
                        sections=(Section(kind=SectionKind.MARKDOWN, notes="", code=(), line=1, id="t"),))
    entries = page_entries(page, source, "m.html")
    dumped = json.dumps(entries)
    assert "<img" not in dumped and "onclick" not in dumped and "<script" not in dumped
    assert "alert(2)" not in dumped and "<b>" not in dumped
    assert entries[0]["title"] == "&lt;i&gt;x&lt;/i&gt;" and "a &lt;b&gt; bold" in entries[1]["text"]


def test_merging_keeps_the_theme_config_and_cleans_its_entries():
    theme = {"config": {"lang": ["ja"]}, "docs": [{"location": "a.html", "title": "<img src=x onerror=y>A",
                                                 "text": "t"}]}
    merged = json.loads(merged_index(theme, [{"location": "b.html", "title": "B", "text": ""}]))
    assert merged["config"] == {"lang": ["ja"]}
    assert [doc["location"] for doc in merged["docs"]] == ["a.html", "b.html"]
    assert merged["docs"][0]["title"] == "A"


def test_chinese_text_is_split_into_words_by_zero_width_spaces():
    pytest.importorskip("jieba")
    segment = segmenter("zh")
    assert segment is not None and segmenter("ja") is None and segmenter("en") is None
    words = segment("胶囊网络使用动态路由 (routing)")
    assert "\u200b" in words and words.replace("\u200b", "") == "胶囊网络使用动态路由 (routing)"


@pytest.mark.slow
def test_a_built_site_indexes_every_section_and_not_the_page_html(tmp_path, write_corpus, monkeypatch):
    write_corpus(tmp_path, {"src/pkg/routing.py": MODULE})
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--source", "src", "--translations", "translations", "--languages", "en,ja",
                 "--site-dir", str(tmp_path / "out")]) == 0
    for index_file in ("out/search/search_index.json", "out/ja/search/search_index.json"):
        docs = json.loads((tmp_path / index_file).read_text(encoding="utf-8"))["docs"]
        page = [doc for doc in docs if doc["location"].startswith("pkg/routing.html")]
        assert [doc["location"] for doc in page] == [
            "pkg/routing.html", "pkg/routing.html#routing", "pkg/routing.html#Router",
            "pkg/routing.html#Router.squash", "pkg/routing.html#Router.squash+1"]
        # Material's own parse of the page would carry the page's chrome ("#" permalinks).
        assert not any("View source" in doc["text"] or doc["text"].startswith("#") for doc in page)


@pytest.mark.slow
def test_materials_indexer_is_not_run_on_pages_we_index_ourselves(tmp_path, write_corpus, monkeypatch):
    from material.plugins.search.plugin import SearchPlugin

    seen: list[str] = []
    original = SearchPlugin.on_page_context

    def counting(self, context, *, page, config, nav):
        seen.append(page.file.src_uri)
        return original(self, context, page=page, config=config, nav=nav)

    monkeypatch.setattr(SearchPlugin, "on_page_context", counting)
    write_corpus(tmp_path, {"src/pkg/routing.py": MODULE})
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--source", "src", "--translations", "translations", "--languages", "en",
                 "--site-dir", str(tmp_path / "out")]) == 0
    # Material still reads the generated home page; the source page is indexed from the model.
    assert "index.md" in seen and "pkg/routing.md" not in seen
    docs = json.loads((tmp_path / "out/search/search_index.json").read_text(encoding="utf-8"))["docs"]
    assert any(doc["location"] == "" or doc["location"].startswith("index.html") for doc in docs)
    assert any(doc["location"].startswith("pkg/routing.html#") for doc in docs)


def test_the_index_written_by_parts_is_the_same_bytes_as_written_whole():
    from site_builder.site.search import index_json

    theme = [{"location": "a.html", "title": "Ä", "text": "<p>x</p>"},
             {"location": "a.html#b", "title": "B", "text": ""}]
    ours = [{"location": "c.html", "title": "C", "text": "t\u200bu"}]
    config = {"lang": ["zh"], "separator": "[\\s\\u200b]+", "pipeline": ["stemmer"]}
    parts: dict = {}
    assert index_json(config, [theme, ours, []], parts) == merged_index({"config": config, "docs": theme}, ours,
                                                                         clean=False)
    replaced = [{"location": "c.html", "title": "C2", "text": ""}]
    assert '"title":"C2"' in index_json(config, [theme, replaced], parts)


# --- plain_text's fast path reads our own HTML as nh3 does ------------------------------------

RICH_MODULE = r'''"""
# Capsules &amp; routing

Each capsule outputs $\mathbf{v}_j$ with $\lVert \mathbf{s}_j \rVert < 1$ and
$$c_{ij} = \frac{\exp b_{ij}}{\sum_k \exp b_{ik}}$$

* a `code <span>` item & an *emphasised* one, "quoted" 'too'
* a [link](https://example.org/?a=1&b=2) and **bold**

| name | 容量 |
|------|------|
| capsule | カプセル |

```python
x = "<b>" if a < b else '&amp;'
```
"""

x = 1
'''

PLAIN_TEXT_FRAGMENTS = [
    '<p>a <math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow><mi>x</mi><mo>&lt;</mo>'
    '<msub><mi>y</mi><mn>1</mn></msub></mrow></math> b</p>',
    "<p>x<math><mi>a<b>breakout</b></mi></math>y</p>", "<p>x<math><mrow><p>html</p></mrow></math>y</p>",
    "<p>x<math><mrow><math><mi>n</mi></math>after</mrow></math>y</p>", "<p>x<math><mi>open</math>y</p>",
    "<p>x<math><mrow>unclosed</math>y</p>", "<p>x<math><mspace width=\"1em\"/>s</math>y</p>",
    "<p>x<math>no end", "<p>x<MATH><mi>u</mi></MATH>y</p>", "<p>x<mathx>y</mathx></p>",
    "<p>x<math><annotation encoding=\"application/x-tex\">a &lt; b</annotation></math>y</p>",
    "<p>x<math><annotation-xml encoding=\"text/html\"><p>h</p></annotation-xml></math>y</p>",
    "<pre>\nleading newline</pre>", "<pre><code>\nkept</code></pre>", "<pre>x</pre>",
    "<p>&amp;lt; &quot;q&quot; &#39;s&#39; &#x27;t&#x27; &nbsp; &copy; &amp</p>",
    "<p>&amp;lt; &quot;q&quot; &#39;s&#39; &#x27;t&#x27; &nbsp;&gt;</p>", "<p>a&am<math><mi>x</mi></math>p;</p>",
    "<p>cr\r\nlf nul\x00 nb\xa0sp ctrl\x01</p>", "<p>a > b, c < d</p>",
    "<table><tr><td>a</td>text<td>b</td></tr></table>",
    "<p><a href=x>1<a href=y>2</a>3</a></p>", "<p><em>crossed</p></em>", "<p>unclosed", "</p>stray", "<br/><br></br>",
    "<p/>x", "<div><P>Caps</P></div>", "<p><!-- c -->x</p>", "<p><script>s</script><style>t</style>x</p>",
    "<svg><text>v</text></svg>x", "<button>b</button>x", "<select><option>o</option></select>x",
    "<textarea><p>t</p></textarea>", "<h2>a<h3>b</h3></h2><li>c<li>d</li></li>", "<p>x<img src=a alt='b'>y</p>",
]


def _slow_plain_text(fragment: str) -> str:
    from site_builder.site import search

    fragment = search._MATH_WITH_SOURCE.sub(search._tex_of, fragment)
    spaced = search._BLOCK_TAG.sub(r" <\1\2", fragment)
    return search._SPACES.sub(" ", search._text_only(spaced)).strip()


def _rendered_notes(tmp_path: Path, write_corpus) -> list[str]:
    write_corpus(tmp_path / "src", {"pkg/rich.py": RICH_MODULE, "pkg/routing.py": MODULE})
    corpus = load_corpus(SiteConfig(source_dir=tmp_path / "src", translations_dir=tmp_path / "t"))
    return [section.notes_html for file in corpus.files
            for section in build_page(file.source, _english(file.units), "en").sections]


def test_plain_text_of_rendered_notes_is_what_nh3_reads(tmp_path, write_corpus):
    from site_builder.site import search

    notes = _rendered_notes(tmp_path, write_corpus)
    assert any("<math" in n for n in notes)
    assert any(search._plain_markup_text(n) is not None and "<math" in n for n in notes)
    for fragment in notes:
        assert plain_text(fragment) == _slow_plain_text(fragment)


@pytest.mark.parametrize("fragment", PLAIN_TEXT_FRAGMENTS)
def test_plain_text_of_hostile_fragments_is_what_nh3_reads(fragment):
    from site_builder.site import search

    fast = search._plain_markup_text(fragment)
    slow = search._text_only(search._BLOCK_TAG.sub(r" <\1\2", fragment))
    assert fast is None or fast == slow
    assert plain_text(fragment) == _slow_plain_text(fragment)


def test_plain_text_reads_our_math_without_nh3():
    from site_builder.site import search

    assert search._plain_markup_text(PLAIN_TEXT_FRAGMENTS[0]) == " a  b "
    assert search._plain_markup_text(PLAIN_TEXT_FRAGMENTS[1]) is None  # a tag inside <mi>


def test_jiebas_word_table_is_kept_in_the_machine_cache_and_read_back_the_same(tmp_path, monkeypatch):
    import types

    import jieba

    from site_builder.site import search

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    def library(tokenizer):
        return types.SimpleNamespace(dt=tokenizer, DEFAULT_DICT=jieba.DEFAULT_DICT, __file__=jieba.__file__,
                                     __version__=jieba.__version__)

    first = jieba.Tokenizer()
    search._load_dictionary(library(first))  # jieba builds it, the cache keeps it
    assert first.initialized and list((tmp_path / "site_builder" / "jieba").glob("*.entry"))
    second = jieba.Tokenizer()
    monkeypatch.setattr(second, "initialize", lambda *a: pytest.fail("read from the cache, not jieba's"))
    search._load_dictionary(library(second))
    assert second.initialized and second.total == first.total and second.FREQ == first.FREQ
    sentence = "胶囊网络的动态路由"
    assert list(second.cut(sentence)) == list(first.cut(sentence))


def test_a_dictionary_of_ones_own_is_left_to_jieba(tmp_path, monkeypatch):
    import types

    import jieba

    from site_builder.site import search

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    words = tmp_path / "words.txt"
    words.write_text("胶囊网络 10 n\n", encoding="utf-8")
    tokenizer = jieba.Tokenizer(str(words))
    search._load_dictionary(types.SimpleNamespace(dt=tokenizer, DEFAULT_DICT=jieba.DEFAULT_DICT,
                                                  __file__=jieba.__file__, __version__=jieba.__version__))
    assert not tokenizer.initialized and not (tmp_path / "site_builder").exists()

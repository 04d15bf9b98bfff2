"""render/htmltree.py: one parser and tag table for the build's fallback and the translators' checks."""

from __future__ import annotations

import pytest

from site_builder.render.htmltree import (
    BLOCK_TAGS,
    CLOSES_PARAGRAPH,
    VOID_TAGS,
    Element,
    Placeholder,
    Text,
    html_problem,
    iter_elements,
    parse_html,
    structural_problems,
    visible_text,
)
from site_builder.render.placeholders import placeholder
from site_builder.translators.checks import check_value


def test_a_value_becomes_a_tree_with_placeholders_as_leaves():
    parsed = parse_html(f'<p>a &amp; <a href="#x">{placeholder(0)}</a><br></p>')
    assert parsed.nodes == (Element("p", (), (
        Text("a & "), Element("a", (("href", "#x"),), (Placeholder(0),)), Element("br", ()))),)
    assert [e.tag for e in iter_elements(parsed.nodes)] == ["p", "a", "br"]


def test_only_the_canonical_span_is_a_placeholder_leaf():
    [quoted] = parse_html('<span translate="no">_^_0_^_</span>').nodes
    assert isinstance(quoted, Element) and quoted.children == (Text("_^_0_^_"),)


def test_visible_text_drops_tags_and_scripts_and_decodes_entities():
    value = f"<h2>Squash &lt;1&gt;</h2><script>alert(1)</script><p>{placeholder(0)} x</p>"
    assert visible_text(value) == "Squash <1>  x"
    assert visible_text(value, placeholders="[m]") == "Squash <1>[m] x"


@pytest.mark.parametrize("value, problem", [
    ("<p>ok <em>fine</em><br></p>", None),
    ('<p><a href="x">a</a> <img src="y"><wbr></p>', None),
    ("<p>a<ul><li>b</li></ul></p>", ("block-in-paragraph", "<ul> inside <p>")),
    ("<p>a<blockquote>q</blockquote></p>", ("block-in-paragraph", "<blockquote> inside <p>")),
    ("<p>a<hr></p>", ("block-in-paragraph", "<hr> inside <p>")),
    ('<a href="a">x<a href="b">y</a></a>',
     ("nested-link", 'a link inside another link: <a href="b"> inside <a href="a">')),
    ("<p>a</p></p>", ("unbalanced-tags", "</p> closes nothing")),
    ("<h2>a</p>", ("unbalanced-tags", "</p> closes nothing")),
    ("<p><em>a</p>", ("unbalanced-tags", "<em> is closed by </p>")),
    ("<p>a", ("unbalanced-tags", "<p> is never closed")),
])
def test_html_problem_names_the_first_structural_problem(value, problem):
    assert html_problem(value) == problem


def test_every_problem_is_listed_under_its_own_check_id():
    parsed = parse_html('<p>a<div>b</div><a href="1"><a href="2">c</a></a>')
    assert [check for check, _ in structural_problems(parsed)] == [
        "nested-link", "block-in-paragraph", "unbalanced-tags"]


def test_one_tag_table():
    assert "hr" in VOID_TAGS and "hr" in BLOCK_TAGS and "p" in CLOSES_PARAGRAPH
    assert CLOSES_PARAGRAPH < BLOCK_TAGS and "td" not in CLOSES_PARAGRAPH
    assert not VOID_TAGS & {"p", "a", "span", "li"}


@pytest.mark.parametrize("value", [
    f"<p>{placeholder(0)}<ul><li>x</li></ul></p>\n",
    f'<p><a href="a">{placeholder(0)} <a href="b">y</a></a></p>\n',
    f"<p>{placeholder(0)} <b>x</p>\n",
])
def test_a_value_the_build_refuses_is_reported_by_check_under_the_same_id(value):
    key = f'<p>{placeholder(0)} <a href="a">x</a></p>\n'
    check, _ = html_problem(value)
    assert check in {problem.check for problem in check_value(key, value)}


@pytest.mark.parametrize("value", [
    '<p>Use <span translate=no>_^_0_^_</span> <a href="a.html?x=1&amp;y=2" id=k>here</a></p>\n',
    "<p><a href=x><a href='y' id=\"z\">inner</a></a></p>",
    "<p>list <ul><li>one</li></ul></p>",
    "<p><em>crossed</p></em>", "</div>stray", "<P><A HREF=\"U\">caps", "<p>a < b and c > d</p>",
    "<span x=1/>open", "<span x=1 />closed", "<br/><hr /><img src=i.png>", "<p><!-- note --></p>",
    "<p><script>'</p>'</script></p>", '<a href="&lt;b&gt;"><a href=t>', "<p\nclass=\"c\">x</p>", "",
    "<p>text then <", "a<b", "<p>x</p>trailing <", "</br></img><br></br>", "<ul><li><p>x</ul>",
    "<A HREF=u><b><A href='&amp;v' ID=w>x</A></b></A>", "<a id=o><p><a href=i>in</a></p></a><a href=n>",
    "<span translate=no>_^_0_^_</span><p><span translate=no>_^_1_^_</p></span>", "<h2><div>d</div></h2><p><h3>",
    "<p><textarea>x</textarea></p>", "<em>a</strong></em>", "<p>a</p\n>", "<x-y>z</x-y>",
])
def test_html_problem_finds_what_the_full_parser_finds(value):
    from site_builder.render.htmltree import html_problem, parse_html, structural_problems

    problems = structural_problems(parse_html(value))
    assert html_problem(value) == (problems[0] if problems else None)

"""One language's build as a value: a planned page in, a RenderedPage out, the same from the cache."""

from __future__ import annotations

import json

from site_builder.adapters.mkdocs.language_build import LanguageBuild, SharedBuild
from site_builder.cache import BuildCache
from site_builder.catalog.corpus import load_corpus
from site_builder.config import SiteConfig
from site_builder.site.pages import RenderedPage
from site_builder.site.plan import plan_site

SQUASH = '''"""
# Squash

Short vectors shrink: $x$.
"""


def squash(s):
    """Squash `s`."""
    return s
'''
KEY = "<p>Squash <span translate=no>_^_0_^_</span>. </p>\n"
ROUTE = '''"""
# Route
"""

from pkg.squash import squash


def route(u):
    # Squash the sum, broken math: $\\left( x$
    return squash(u)
'''


def _build(tmp_path, write_corpus, lang="ja"):
    write_corpus(tmp_path, {"src/pkg/squash.py": SQUASH, "src/pkg/route.py": ROUTE,
                            "translations/pkg/squash.ja.json": json.dumps({
                                KEY: "<p><span translate=no>_^_0_^_</span> を潰す。</p>\n"}, ensure_ascii=False)})
    site = SiteConfig(source_dir=tmp_path / "src", translations_dir=tmp_path / "translations",
                      languages=("en", "ja"))
    corpus = load_corpus(site, keep_going=True)
    shared = SharedBuild(site=site, corpus=corpus, root_site_url="", findings_folder=tmp_path,
                         cache=BuildCache(tmp_path / "cache"))
    plan = plan_site(site, [file.source for file in corpus.files], [])
    return LanguageBuild(shared, plan, lang), {page.file_id: page for page in plan.pages}


def test_render_returns_the_body_the_findings_and_the_page_it_made(tmp_path, write_corpus):
    build, pages = _build(tmp_path, write_corpus)
    rendered = build.render(pages["pkg/squash"])
    assert isinstance(rendered, RenderedPage)
    assert "を潰す" in rendered.body and rendered.page.title == "Squash"
    assert rendered.findings == ()
    assert build.navigation.built["pkg/squash"] is rendered.page  # kept for the other pages' cards
    route = build.render(pages["pkg/route"])
    assert 'href="squash.html#' in route.body  # the code links to the definition
    english = build.for_language("en").render(pages["pkg/route"])
    assert [finding.check for finding in english.findings] == ["math"]  # returned, for the build to report


def test_a_page_found_in_the_cache_is_the_page_rendered_and_is_indexed_alike(tmp_path, write_corpus):
    build, pages = _build(tmp_path, write_corpus)
    first = build.page(pages["pkg/squash"], "pkg/squash.html")
    later = LanguageBuild(build.shared, build.plan, "ja")  # the next build of the same inputs
    second = later.page(pages["pkg/squash"], "pkg/squash.html")
    assert second == first and build.shared.cache.hits == 1
    assert later.search.source_pages == build.search.source_pages != {}
    assert later.navigation.built["pkg/squash"] == first.page


def test_a_helper_view_of_another_language_renders_that_language(tmp_path, write_corpus):
    build, pages = _build(tmp_path, write_corpus, lang="en")
    helper = build.for_language("ja")
    assert helper.lang == "ja" and helper.plan is build.plan
    assert "を潰す" in helper.render(pages["pkg/squash"]).body
    assert "を潰す" not in build.render(pages["pkg/squash"]).body

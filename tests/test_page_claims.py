"""Helping a language another process builds: each page rendered once, found by its builder."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest

from site_builder.adapters.cli import main
from site_builder.adapters.mkdocs import plugin as plugin_module
from site_builder.adapters.mkdocs.claims import PageClaims
from site_builder.cache import BuildCache


@pytest.fixture(name="claims")
def _claims():
    return PageClaims(multiprocessing.get_context("fork"), ("ja", "zh"), pages=4)


def test_a_page_its_builder_reached_is_not_helped(claims):
    claims.build("ja", 3)
    assert not claims.help("ja", 3)
    assert claims.help("ja", 2) and claims.help("zh", 3)


def test_the_builder_waits_for_the_page_a_helper_is_rendering(claims):
    assert claims.help("ja", 1)
    threading.Timer(0.2, claims.helped, ("ja", 1)).start()
    start = time.monotonic()
    claims.build("ja", 1)
    assert time.monotonic() - start >= 0.15


def test_a_builder_does_not_wait_forever_for_a_helper_that_died(claims, monkeypatch):
    monkeypatch.setattr(PageClaims, "PATIENCE", 0.1)
    assert claims.help("zh", 0)
    start = time.monotonic()
    claims.build("zh", 0)  # never marked helped
    assert time.monotonic() - start < 5


def test_english_is_never_in_the_table_and_finishing_stops_help(claims):
    claims.build("en", 0)  # no row: nothing to claim, nothing to wait for
    assert not claims.finished("ja")
    claims.finish("ja")
    assert claims.finished("ja") and not claims.finished("zh")


MODULE = '''"""
# Module {n}

Notes of module {n}, with $x^{n}$.
"""


def f{n}(x):
    """Double `x`."""
    return 2 * x
'''


@pytest.mark.slow
def test_pages_a_helper_renders_are_the_ones_the_builder_would_render(tmp_path, write_corpus, monkeypatch):
    files = {f"src/m{n}.py": MODULE.format(n=n) for n in range(4)}
    write_corpus(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    seen = {}
    on_env = plugin_module.SiteBuilderPlugin.on_env

    def remember(self, env, **kwargs):
        seen[self.language] = self.language_build
        return on_env(self, env, **kwargs)

    monkeypatch.setattr(plugin_module.SiteBuilderPlugin, "on_env", remember)
    assert main(["build", "--source", "src", "--translations", "translations", "--languages", "en,ja",
                 "--site-dir", str(tmp_path / "site"), "--jobs", "1"]) == 0
    english, japanese = seen["en"], seen["ja"]
    built = {page.file_id: japanese.page_key(page) for page in japanese.plan.pages}
    bodies = {file_id: japanese.shared.cache.get(key).body for file_id, key in built.items()}
    # A helper in another process of the same build: the English build's state, a fresh cache.
    english.shared.cache = BuildCache(tmp_path / "helped")
    claims = PageClaims(multiprocessing.get_context("fork"), ("ja",), len(english.plan.pages))
    last = len(english.plan.pages) - 1
    claims.build("ja", last)  # the builder has got to the last page: the helper leaves it
    english.help("ja", claims)
    stored = {file_id: english.shared.cache.get(key) for file_id, key in built.items()}
    reached = english.plan.pages[last].file_id
    assert stored[reached] is None
    helped = {file_id: value.body for file_id, value in stored.items() if value is not None}
    assert helped == {file_id: body for file_id, body in bodies.items() if file_id != reached}
    assert "ホーム" in helped["m0"]  # rendered in Japanese

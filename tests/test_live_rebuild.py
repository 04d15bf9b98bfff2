"""Serve's partial rebuilds: after edits of every kind, the served tree is what a fresh build writes."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from site_builder.adapters.mkdocs.driver import _config_file, _load
from site_builder.adapters.mkdocs.live import LiveSite
from site_builder.catalog.corpus import load_corpus
from site_builder.config import SiteConfig
from site_builder.site.incremental import Changes, classify_changes

pytestmark = pytest.mark.slow

SERVE_URL = "http://127.0.0.1:8000/"

ROUTING = '''"""
---
title: Routing
summary: How capsules route.
---

# Routing

Agreement decides.
"""

from pkg.squash import squash


def route(u):
    """Route `u` by agreement."""
    # Squash the weighted sum
    return squash(u)
'''

SQUASH = '''"""
---
title: Squash
summary: Squashing.
---

# Squash

Short vectors shrink.
"""


def squash(s):
    """Squash `s`."""
    # Keep the direction
    return s
'''

CACHE_JA = '{\n "<p>Keep the direction</p>\\n": "<p>向きを保つ</p>\\n"\n}'


def _write(path: Path, text: str) -> None:
    """Write and move the mtime on, so a change within one clock tick is still seen."""
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stamp + 10**9, stamp + 10**9))


def _tree(folder: Path) -> dict[str, bytes]:
    # sitemap.xml.gz carries the time it was compressed: not the pages' content.
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "sitemap.xml.gz"}


@pytest.fixture
def project(tmp_path, write_corpus, monkeypatch):
    write_corpus(tmp_path, {"src/pkg/routing.py": ROUTING, "src/pkg/squash.py": SQUASH,
                            "translations/pkg/squash.ja.json": CACHE_JA})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _site(root: Path) -> SiteConfig:
    return SiteConfig(source_dir=root / "src", translations_dir=root / "translations",
                      languages=("en", "ja", "zh"))


def _fresh_build(root: Path, out: Path) -> None:
    site = _site(root)
    with _config_file(site, None, out) as path:
        LiveSite(lambda: _load(path, site, site_dir=str(out)), SERVE_URL, lambda: []).full_build()


def test_edits_of_each_kind_leave_the_tree_a_fresh_build_writes(project, caplog):
    site, served = _site(project), project / "served"
    with _config_file(site, None, served) as path:
        requested: list[int] = []
        live = LiveSite(lambda: _load(path, site, site_dir=str(served)), SERVE_URL,
                        lambda: [site.source_dir, site.translations_dir],
                        request_rebuild=lambda: requested.append(1))
        live.full_build()
        edits = [
            (project / "src/pkg/squash.py", SQUASH.replace("Short vectors shrink.", "Short ones shrink.")),
            (project / "translations/pkg/squash.ja.json", CACHE_JA.replace("向きを保つ", "向きはそのまま")),
            (project / "src/pkg/squash.py", SQUASH.replace("    return s\n", "    t = s\n    return t\n")),
            (project / "translations/pkg/squash.zh.json", CACHE_JA.replace("向きを保つ", "保持方向")),
            (project / "src/pkg/routing.py", ROUTING.replace("# Squash the weighted sum", "# Squash it")),
        ]
        with caplog.at_level(logging.INFO):
            for file, text in edits:
                _write(file, text)
                live.rebuild()
                while requested:  # what the server does when asked for another rebuild
                    requested.pop()
                    live.rebuild()
        partial = [r.getMessage() for r in caplog.records if r.getMessage().startswith("rebuilt ")]
        # Each edit is partial (a new cache of a known source too); the code edit also redid the links.
        assert len([m for m in partial if "(code links)" not in m]) == len(edits)
        assert len([m for m in partial if "(code links)" in m]) == 1
    _fresh_build(project, project / "fresh")
    served_tree, fresh_tree = _tree(served), _tree(project / "fresh")
    assert "保持方向" in fresh_tree["zh/pkg/squash.html"].decode()
    assert sorted(served_tree) == sorted(fresh_tree)
    assert [name for name in fresh_tree if served_tree[name] != fresh_tree[name]] == []


def test_a_translation_edit_reloads_one_file_in_one_language(project):
    site = _site(project)
    corpus = load_corpus(site, keep_going=True)
    changes = classify_changes([project / "translations/pkg/squash.ja.json"], site, corpus)
    assert changes == Changes(caches=frozenset({("pkg/squash", "ja")}))
    assert classify_changes([project / "src/pkg/new.py"], site, corpus).full


def test_on_an_mkdocs_it_was_not_written_for_an_edit_rebuilds_everything_correctly(project, caplog, monkeypatch):
    from site_builder.adapters.mkdocs import internals

    monkeypatch.setattr(internals, "installed_version", lambda name: "2.0.0")
    internals._unsupported.cache_clear()
    try:
        site, served = _site(project), project / "served"
        with _config_file(site, None, served) as path:
            live = LiveSite(lambda: _load(path, site, site_dir=str(served)), SERVE_URL,
                            lambda: [site.source_dir, site.translations_dir])
            live.full_build()
            _write(project / "translations/pkg/squash.ja.json", CACHE_JA.replace("向きを保つ", "向きはそのまま"))
            with caplog.at_level(logging.INFO):
                live.rebuild()
        assert not [r for r in caplog.records if r.getMessage().startswith("rebuilt ")]  # a full build
        _fresh_build(project, project / "fresh")
    finally:
        internals._unsupported.cache_clear()
    served_tree, fresh_tree = _tree(served), _tree(project / "fresh")
    assert "向きはそのまま" in served_tree["ja/pkg/squash.html"].decode()
    assert [name for name in fresh_tree if served_tree.get(name) != fresh_tree[name]] == []

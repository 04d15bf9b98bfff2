"""corpus.py: sources -> units -> per-language lookup, stale caches, errors with paths, stats."""

from __future__ import annotations

import pytest
from corpus_files import write_corpus

from site_builder.catalog.corpus import FileStats, file_stats, language_stats, load_corpus
from site_builder.catalog.store import catalog_path, fuzzy_path, save_catalog, save_suggestions
from site_builder.config import SiteConfig
from site_builder.errors import SourceError, TranslationFileError
from site_builder.model import Suggestion, UnitKind, UnitState

MODULE = '''"""
---
title: Module {name}
summary: What module {name} does.
---

Intro of {name}.
"""

import os

# Iterate over $x$
for x in range(3):
    print(x)

# Done with `x`
y = 1
'''


@pytest.fixture
def config(tmp_path) -> SiteConfig:
    write_corpus(tmp_path / "src", {"pkg/a.py": MODULE.format(name="a"), "b.py": MODULE.format(name="b")})
    return SiteConfig(source_dir=tmp_path / "src", translations_dir=tmp_path / "translations",
                      languages=("en", "ja", "zh"))


def keys_of(config: SiteConfig, file_id: str) -> list[str]:
    corpus = load_corpus(config, [])
    return [unit.key for file in corpus.files if file.source.id == file_id for unit in file.units]


def test_every_source_is_loaded_in_sorted_order_with_its_units(config):
    corpus = load_corpus(config)
    assert [f.source.id for f in corpus.files] == ["b", "pkg/a"]
    kinds = [unit.kind for unit in corpus.files[1].units]
    assert kinds[:2] == [UnitKind.TITLE, UnitKind.SUMMARY] and UnitKind.NOTES in kinds


def test_english_is_never_a_target_language(config):
    assert load_corpus(config).languages == ("ja", "zh")
    assert load_corpus(config, ["en", "zh"]).languages == ("zh",)


def test_without_caches_every_unit_is_missing(config):
    corpus = load_corpus(config, ["ja"])
    for file in corpus.files:
        translation = file.translations["ja"]
        assert {r.state for r in translation.results} == {UnitState.MISSING}
        assert len(translation.results) == len(file.units) and translation.orphans == ()


def test_cache_entries_translate_units_and_unused_ones_are_orphans(config):
    keys = keys_of(config, "pkg/a")
    save_catalog(catalog_path(config.translations_dir, "pkg/a", "ja"),
                 {keys[0]: "モジュール a", keys[-1]: "<p>訳</p>\n", "<p>gone</p>\n": "<p>消</p>\n"})
    files = load_corpus(config, ["ja"]).files
    translation = next(f for f in files if f.source.id == "pkg/a").translations["ja"]
    states = [r.state for r in translation.results]
    assert states[0] is UnitState.TRANSLATED and states[-1] is UnitState.TRANSLATED
    assert states.count(UnitState.MISSING) == len(keys) - 2
    assert [o.key for o in translation.orphans] == ["<p>gone</p>\n"]
    assert file_stats(translation) == FileStats(units=len(keys), translated=2, missing=len(keys) - 2,
                                                fuzzy=0, orphaned=1)


def test_suggestion_in_the_sidecar_makes_a_missing_unit_fuzzy(config):
    keys = keys_of(config, "b")
    cache = catalog_path(config.translations_dir, "b", "zh")
    save_suggestions(fuzzy_path(cache), {keys[1]: Suggestion("old", "旧", 0.7)})
    translation = next(f for f in load_corpus(config, ["zh"]).files if f.source.id == "b").translations["zh"]
    assert translation.results[1].state is UnitState.FUZZY
    assert file_stats(translation).fuzzy == 1 and file_stats(translation).missing == len(keys) - 1


def test_cache_whose_source_is_gone_is_stale_and_all_orphaned(config):
    save_catalog(catalog_path(config.translations_dir, "removed/old", "ja"), {"a": "1", "b": "2"})
    corpus = load_corpus(config)
    assert [(s.file_id, s.catalog.lang) for s in corpus.stale_caches] == [("removed/old", "ja")]
    assert language_stats(corpus, "ja")["removed/old"] == FileStats(orphaned=2)
    assert "removed/old" not in language_stats(corpus, "zh")


def test_broken_cache_raises_with_its_path_by_default(config):
    cache = catalog_path(config.translations_dir, "b", "ja")
    cache.parent.mkdir(parents=True)
    cache.write_text('{\n "a": 1\n}')
    with pytest.raises(TranslationFileError) as caught:
        load_corpus(config)
    assert f"{cache}:2:7:" in str(caught.value)


def test_keep_going_reports_broken_cache_and_keeps_everything_else(config):
    cache = catalog_path(config.translations_dir, "b", "ja")
    cache.parent.mkdir(parents=True)
    cache.write_text('{"a": "1",}')
    corpus = load_corpus(config, keep_going=True)
    assert [str(err).split(": ")[0] for err in corpus.errors] == [f"{cache}:1:10"]  # the trailing comma
    b, a = corpus.files
    assert set(b.translations) == {"zh"} and set(a.translations) == {"ja", "zh"}
    assert set(language_stats(corpus, "ja")) == {"pkg/a"}


def test_broken_fuzzy_sidecar_names_the_sidecar(config):
    sidecar = fuzzy_path(catalog_path(config.translations_dir, "b", "ja"))
    sidecar.parent.mkdir(parents=True)
    sidecar.write_text('{"k": "not a suggestion"}')
    with pytest.raises(TranslationFileError) as caught:
        load_corpus(config)
    assert str(caught.value).startswith(f"{sidecar}:1:7:")


def test_unparsable_source_is_an_error_with_its_path(config):
    bad = config.source_dir / "pkg" / "bad.py"
    bad.write_bytes(b"x = '\xff'\n")
    with pytest.raises(SourceError) as caught:
        load_corpus(config)
    assert str(bad) in str(caught.value)
    corpus = load_corpus(config, keep_going=True)
    assert [f.source.id for f in corpus.files] == ["b", "pkg/a"] and len(corpus.errors) == 1


def test_cache_of_an_unparsable_source_is_not_called_stale(config):
    (config.source_dir / "bad.py").write_bytes(b"\xff\n")
    save_catalog(catalog_path(config.translations_dir, "bad", "ja"), {"a": "1"})
    assert load_corpus(config, keep_going=True).stale_caches == ()


def test_two_sources_with_one_file_id_is_an_error(config):
    write_corpus(config.source_dir, {"b.md": "# B\n\nText.\n"})
    with pytest.raises(SourceError, match="file id 'b'"):
        load_corpus(config)


def test_stats_add_up_and_percent_is_none_without_units():
    total = FileStats(4, 3, 1, 0, 0) + FileStats(2, 0, 1, 1, 5)
    assert total == FileStats(units=6, translated=3, missing=2, fuzzy=1, orphaned=5)
    assert total.percent == 50.0 and FileStats(orphaned=3).percent is None

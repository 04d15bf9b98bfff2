"""The build cache: keys carry the versions, a damaged entry is a miss, units come back the same."""

from __future__ import annotations

from site_builder import cache as cache_module
from site_builder.cache import BuildCache
from site_builder.catalog.corpus import parse_and_split


def test_a_stored_value_comes_back_under_the_same_key(tmp_path):
    cache = BuildCache(tmp_path / "c")
    key = cache.key("page", "en", {"a": 1})
    cache.put(key, ("body", ()))
    assert cache.get(key) == ("body", ()) and cache.hits == 1


def test_another_library_version_is_another_key(tmp_path, monkeypatch):
    cache = BuildCache(tmp_path / "c")
    before = cache.key("page", "same input")
    monkeypatch.setattr(cache_module, "versions", lambda: (("pygments", "99.0"),))
    assert cache.key("page", "same input") != before


def test_a_damaged_entry_is_a_miss(tmp_path):
    cache = BuildCache(tmp_path / "c")
    key = cache.key("units", "x")
    cache.put(key, [1])
    (tmp_path / "c" / f"{key}.entry").write_bytes(b"not a pickle")
    assert cache.get(key) is None and cache.misses == 1


def test_without_a_folder_nothing_is_stored(tmp_path):
    cache = BuildCache(None)
    cache.put(cache.key("page", 1), "value")
    assert cache.get(cache.key("page", 1)) is None and not list(tmp_path.iterdir())


def test_units_from_the_cache_equal_freshly_split_ones_and_follow_edits(tmp_path, write_corpus):
    write_corpus(tmp_path / "src", {"m.py": '# A note with $x$\nX = 1\n'})
    path, cache = tmp_path / "src/m.py", BuildCache(tmp_path / "c")
    fresh = parse_and_split(path, tmp_path / "src")
    assert parse_and_split(path, tmp_path / "src", cache) == fresh
    assert parse_and_split(path, tmp_path / "src", cache) == fresh and cache.hits == 1
    path.write_text('# Another note\nX = 2\n', encoding="utf-8")
    keys = [unit.key for unit in parse_and_split(path, tmp_path / "src", cache)[1]]
    assert any("Another note" in key for key in keys) and keys != [unit.key for unit in fresh[1]]

"""The build caches cannot be turned against their user: nothing read from them runs code or
changes a page, a cache that cannot be written is a warning, keys are the same in every process,
the folder stays under its size bound, and ``site-builder cache info|clear`` shows and empties it."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import pickle
import stat
import subprocess
import sys
import types
from pathlib import Path

import pytest

from site_builder import cache as cache_module
from site_builder.adapters.cli import main
from site_builder.cache import MAGIC, BuildCache, canonical, load_secret
from site_builder.catalog.store import dump_catalog

MODULE = '''"""
---
title: Routing
---

# Routing

Routing sends each output where it agrees.
"""

import math


# Iterate `r` times over the coupling
def route(r):
    return r
'''
MKDOCS_YML = """site_name: Cache test
use_directory_urls: false
theme:
  name: material
  font: false
plugins:
  - search
  - site_builder:
      source_dir: src
      translations_dir: translations
      languages: [en, ja]
"""


@pytest.fixture(autouse=True)
def private_key_and_machine_cache(tmp_path, monkeypatch):
    """Each test signs with its own key and has its own machine cache."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "machine"))
    monkeypatch.delenv("SITE_BUILDER_CACHE_KEY", raising=False)


class RunsCode:
    """A pickle that, when loaded, creates ``marker`` (os.system would run just as well)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def stored(cache: BuildCache, kind: str = "page") -> tuple[str, Path]:
    key = cache.key(kind, "input")
    cache.put(key, ("<p>body</p>", ()))
    return key, cache.path(key)


def test_the_signing_key_is_made_once_outside_the_cache_with_mode_0600(tmp_path):
    cache = BuildCache(tmp_path / "c")
    stored(cache)
    key_file = tmp_path / "config" / "site_builder" / "cache.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and len(key_file.read_bytes()) == 32
    assert not key_file.is_relative_to(tmp_path / "c")
    assert load_secret(key_file) == key_file.read_bytes()


def test_a_key_others_may_read_is_refused_and_the_cache_is_off_with_a_warning(tmp_path, caplog):
    key_file = tmp_path / "loose.key"
    key_file.write_bytes(os.urandom(32))
    key_file.chmod(0o644)
    cache = BuildCache(tmp_path / "c", secret=key_file)
    cache.put("page/x", "value")
    assert cache.get("page/x") is None and not (tmp_path / "c").exists()
    assert "chmod 600" in caplog.text


def test_a_malicious_pickle_in_place_of_an_entry_does_not_run(tmp_path, caplog):
    cache = BuildCache(tmp_path / "c")
    key, path = stored(cache)
    marker = tmp_path / "ran"
    evil = pickle.dumps(RunsCode(marker))
    for forged in (evil, MAGIC + b"\0" * 32 + evil, MAGIC + path.read_bytes()[4:36] + evil):
        path.write_bytes(forged)
        assert cache.get(key) is None
    assert not marker.exists() and cache.rejected == 3
    assert str(path) in caplog.text and "rebuilt" in caplog.text


def test_even_a_correctly_signed_entry_cannot_build_anything_but_data(tmp_path):
    """The second wall: were the key stolen, the unpickler still makes only plain values."""
    cache = BuildCache(tmp_path / "c")
    marker = tmp_path / "ran"
    cache.put("page/evil", RunsCode(marker))
    assert cache.get("page/evil") is None and not marker.exists()


def test_an_entry_moved_under_another_key_or_truncated_is_a_miss(tmp_path):
    cache = BuildCache(tmp_path / "c")
    key, path = stored(cache)
    other = cache.key("page", "another input")
    cache.path(other).write_bytes(path.read_bytes())
    assert cache.get(other) is None
    path.write_bytes(path.read_bytes()[:-3])
    assert cache.get(key) is None
    path.write_bytes(path.read_bytes()[:10])
    assert cache.get(key) is None and cache.rejected == 3 and cache.hits == 0


def test_an_entry_signed_by_another_user_is_a_miss(tmp_path):
    theirs = BuildCache(tmp_path / "c", secret=tmp_path / "their.key")
    key, _ = stored(theirs)
    assert theirs.get(key) is not None
    assert BuildCache(tmp_path / "c").get(key) is None


def test_a_folder_that_cannot_be_made_is_one_warning_and_nothing_stored(tmp_path, caplog):
    (tmp_path / "blocked").write_text("a file where the cache folder should be")
    cache = BuildCache(tmp_path / "blocked" / "site_builder")
    for n in range(3):
        cache.put(cache.key("page", n), "value")
    assert caplog.text.count("cannot be written") == 1
    assert cache.get(cache.key("page", 0)) is None


def test_a_full_disk_is_one_warning_and_the_cache_stops_writing(tmp_path, monkeypatch, caplog):
    def full(path, data, *, durable=True):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(cache_module, "write_atomic", full)
    cache = BuildCache(tmp_path / "c")
    for n in range(3):
        cache.put(cache.key("page", n), "value")
    assert caplog.text.count("No space left on device") == 1


def test_the_least_recently_used_entries_are_evicted_past_the_bound(tmp_path):
    cache = BuildCache(tmp_path / "c", max_bytes=10**9)
    keys = [cache.key("page", n) for n in range(8)]
    for n, key in enumerate(keys):
        cache.put(key, "x" * 2000)
        os.utime(cache.path(key), ns=(n * 10**9, n * 10**9))  # written one second apart
    cache.get(keys[0])  # read: recently used again
    cache.max_bytes = 10_000
    cache.put(cache.key("page", "last"), "x" * 2000)
    kept = {key for key in keys if cache.path(key).exists()}
    assert keys[0] in kept and keys[1] not in kept
    assert sum(size for _, size, _ in cache.entries()) <= 10_000


def test_the_bound_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SITE_BUILDER_CACHE_MAX_MB", "2")
    assert BuildCache(tmp_path).max_bytes == 2 * 1024 * 1024


def test_keys_of_sets_and_mappings_do_not_follow_the_hash_seed():
    program = ("import sys; sys.path[:0] = sys.argv[1:]; from site_builder.cache import BuildCache; "
               "print(BuildCache(None).key('site', frozenset({'ja', 'zh', 'en', 'ko', 'fr'}), "
               "{'b': frozenset('xyz'), 'a': 1}))")
    keys = {subprocess.run([sys.executable, "-c", program, *sys.path], capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}, check=True).stdout
            for seed in (1, 2, 3, 4)}
    assert len(keys) == 1


def test_canonical_encoding_tells_types_and_boundaries_apart():
    assert len({canonical(v) for v in (1, "1", True, 1.0, b"1", (1,), [1], None)}) == 8
    assert canonical(("ab", "c")) != canonical(("a", "bc"))
    assert canonical({"a": 1, "b": 2}) == canonical({"b": 2, "a": 1})


def test_a_tampered_jieba_table_is_rebuilt_by_jieba(tmp_path):
    from site_builder.site.search import _load_dictionary

    (tmp_path / "jieba").mkdir()
    (tmp_path / "jieba" / "dict.txt").write_text("字 1\n", encoding="utf-8")

    def initialize():
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = {"字": 1}, 1, True

    tokenizer = types.SimpleNamespace(initialized=False, dictionary="default", cache_file=None,
                                      lock=__import__("threading").Lock(), initialize=initialize)
    jieba = types.SimpleNamespace(dt=tokenizer, DEFAULT_DICT="default", __version__="0",
                                  __file__=str(tmp_path / "jieba" / "__init__.py"))
    _load_dictionary(jieba)
    [entry] = list((tmp_path / "machine" / "site_builder").rglob("*.entry"))
    data = entry.read_bytes()
    entry.write_bytes(data[:36] + pickle.dumps(({"毒": 99}, 99)))
    tokenizer.initialized = False
    _load_dictionary(jieba)
    assert tokenizer.FREQ == {"字": 1}


# --- whole builds ------------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "src" / "pkg" / "__init__.py").write_text(MODULE, encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "docs").mkdir()
    for name in ("guide.md", "guide.ja.md"):  # the plan holds {guide.md: frozenset({en, ja})}
        (root / "docs" / name).write_text("# Guide\n\nText.\n", encoding="utf-8")
    (root / "translations" / "pkg").mkdir(parents=True)
    (root / "translations" / "pkg" / "__init__.ja.json").write_text(dump_catalog({}), encoding="utf-8")
    return root


def build(project: Path, site: Path) -> None:
    assert main(["build", "--config", str(project / "mkdocs.yml"), "--site-dir", str(site), "--jobs", "1"]) == 0


def pages(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*.html"))}


@pytest.mark.slow
def test_an_altered_page_entry_is_not_published_and_the_site_equals_a_clean_build(project, tmp_path, caplog):
    build(project, tmp_path / "clean")
    cache_folder = project / ".cache" / "site_builder"
    page_entries = sorted((cache_folder / "page").rglob("*.entry"))
    assert page_entries
    for entry in page_entries:
        data = entry.read_bytes()
        rendered = pickle.loads(data[36:])
        altered = dataclasses.replace(rendered, body="<p>PUBLISHED BY AN ATTACKER</p>")
        entry.write_bytes(data[:36] + pickle.dumps(altered))
    build(project, tmp_path / "again")
    assert pages(tmp_path / "again") == pages(tmp_path / "clean")
    assert "did not write" in caplog.text


@pytest.mark.slow
def test_a_build_whose_cache_folder_cannot_be_made_goes_on_with_one_warning(project, tmp_path, caplog):
    (project / ".cache").write_text("a file: the folder cannot be made")
    build(project, tmp_path / "site")
    assert (tmp_path / "site" / "ja" / "pkg" / "index.html").is_file()
    assert caplog.text.count("cannot be written") == 1


@pytest.mark.slow
def test_a_second_process_with_another_hash_seed_renders_nothing_again(project, tmp_path):
    def run(seed: int) -> set[Path]:
        env = {**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": os.pathsep.join(sys.path)}
        done = subprocess.run([sys.executable, "-m", "site_builder.adapters.cli", "build", "--config",
                               str(project / "mkdocs.yml"), "--site-dir", str(tmp_path / f"site{seed}"),
                               "--jobs", "1"], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        # An entry rendered again is written again, atomically: a new file (inode); a hit is only read.
        return {p: p.stat().st_ino for p in (project / ".cache" / "site_builder").rglob("*.entry")}

    first = run(1)
    assert any(p.parent.name == "page" for p in first)
    assert run(2) == first  # nothing rendered again, so nothing stored again
    assert pages(tmp_path / "site1") == pages(tmp_path / "site2")


def test_cache_info_and_clear_show_and_empty_both_caches(project, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(project)
    folder = project / ".cache" / "site_builder"
    cache = BuildCache(folder)
    stored(cache)
    machine = BuildCache(tmp_path / "machine" / "site_builder")
    machine.put(machine.key("jieba", "table"), 1)
    assert main(["cache", "info", "--format", "json"]) == 0
    info = json.loads(capsys.readouterr().out)
    counts = {row["cache"]: row["entries"] for row in info["caches"]}
    assert counts == {"project": 1, "machine": 1} and info["key"].endswith("cache.key")
    assert main(["cache", "clear", "--project"]) == 0
    assert "removed 1 entry" in capsys.readouterr().out
    assert not list(folder.rglob("*.entry")) and list((tmp_path / "machine").rglob("*.entry"))
    assert (tmp_path / "config" / "site_builder" / "cache.key").exists()  # the key is kept


def test_clear_and_eviction_delete_only_entries_never_through_a_link(tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    (precious / ("a" * 64 + ".entry")).write_text("named like an entry, but not in the cache")
    cache = BuildCache(tmp_path / "c")
    stored(cache)
    (tmp_path / "c" / "page" / "README").write_text("not an entry")
    (tmp_path / "c" / "linked").symlink_to(precious, target_is_directory=True)
    assert cache.clear() == 1
    assert (precious / "notes.txt").exists() and (precious / ("a" * 64 + ".entry")).exists()
    assert (tmp_path / "c" / "page" / "README").exists()
    linked_cache = BuildCache(tmp_path / "link")
    (tmp_path / "link").symlink_to(precious, target_is_directory=True)
    assert linked_cache.clear() == 0 and (precious / "notes.txt").exists()


def test_a_cache_folder_that_is_a_link_is_not_written_through(tmp_path, caplog):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "page").symlink_to(elsewhere, target_is_directory=True)
    cache = BuildCache(tmp_path / "c")
    cache.put(cache.key("page", 1), "value")
    assert not list(elsewhere.iterdir()) and "symbolic link" in caplog.text

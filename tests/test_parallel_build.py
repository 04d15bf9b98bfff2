"""Languages built in worker processes (--jobs N): the same bytes as a serial build, warnings kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.adapters.cli import main

pytestmark = pytest.mark.slow

MODULE = '''"""
---
title: Squash {n}
summary: Squashing number {n}.
---

# Squash {n}

Short vectors shrink to $0$, long ones approach $1$.
"""


def squash(s):
    """Squash `s`."""
    # Keep the direction
    return s
'''


#: A module whose code names definitions of the others: its page's code has links.
USER = '''"""
# Using the squashes
"""
from pkg.m0 import squash
from pkg import m1


def both(s):
    # Squash twice
    return m1.squash(squash(s))
'''


def _project(root: Path, write_corpus, modules: int = 3) -> Path:
    files = {f"src/pkg/m{n}.py": MODULE.format(n=n) for n in range(modules)}
    files["src/pkg/user.py"] = USER
    files["translations/pkg/m0.ja.json"] = ('{\n "<p>Squash <code>s</code>.</p>\\n": '
                                            '"<p><code>s</code> を潰す。</p>\\n"\n}')
    files["translations/pkg/m1.zh.json"] = '{\n "<p>Keep the direction</p>\\n": "<p>保持方向</p>\\n"\n}'
    return write_corpus(root, files)


def _build(root: Path, out: str, *extra: str) -> int:
    return main(["build", "--source", "src", "--translations", "translations", "--languages", "en,ja,zh",
                 "--site-dir", str(root / out), *extra])


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_jobs_write_the_same_bytes_as_one(tmp_path, write_corpus, monkeypatch):
    # Enough files for the sources to be split and the code highlighted in forked processes.
    _project(tmp_path, write_corpus, modules=10)
    monkeypatch.chdir(tmp_path)
    assert _build(tmp_path, "serial", "--jobs", "1") == 0
    assert _build(tmp_path, "parallel", "--jobs", "2") == 0
    serial, parallel = _tree(tmp_path / "serial"), _tree(tmp_path / "parallel")
    assert "ja/pkg/m0.html" in serial and "zh/search/search_index.json" in serial
    assert 'sb-n" href="m0.html#squash" data-d=' in serial["ja/pkg/user.html"].decode()
    assert sorted(parallel) == sorted(serial)
    assert [name for name in serial if serial[name] != parallel[name]] == []


def test_a_warning_in_a_worker_fails_a_strict_build_and_is_shown(tmp_path, write_corpus, monkeypatch, capsys,
                                                              caplog):
    _project(tmp_path, write_corpus)
    (tmp_path / "translations/pkg/m1.zh.json").write_text('{\n "a": "b",\n "c" "d"\n}', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert _build(tmp_path, "out", "--jobs", "3", "--strict") != 0
    assert "strict mode" in capsys.readouterr().err
    # Logged once, as in a serial build (every process reads the file, the English one reports it).
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert sum("translations/pkg/m1.zh.json:3" in message for message in warnings) == 1


def test_jobs_must_be_positive(tmp_path, write_corpus, monkeypatch):
    _project(tmp_path, write_corpus)
    monkeypatch.chdir(tmp_path)
    assert _build(tmp_path, "out", "--jobs", "0") != 0


def test_sources_split_in_two_processes_load_the_same_corpus_as_one(tmp_path, write_corpus):
    from site_builder.cache import BuildCache
    from site_builder.catalog.corpus import load_corpus
    from site_builder.config import SiteConfig

    files = {f"src/pkg/m{n:02d}.py": MODULE.format(n=n) for n in range(12)}
    files["src/pkg/broken.py"] = b"x = '\xe9'\n"  # not UTF-8: skipped, reported by the parent
    files["translations/pkg/m03.ja.json"] = '{\n "<p>Keep the direction</p>\\n": "<p>方向を保つ</p>\\n"\n}'
    files["translations/pkg/m05.ja.json"] = '{\n "a": "b",\n "c" "d"\n}'  # reported, by the parent
    write_corpus(tmp_path, files)
    config = SiteConfig(source_dir=tmp_path / "src", translations_dir=tmp_path / "translations",
                        languages=("en", "ja"), include=("**/*.py",))
    serial = load_corpus(config, keep_going=True)
    cache = BuildCache(tmp_path / "cache")
    parallel = load_corpus(config, keep_going=True, cache=cache, jobs=2)
    assert len(parallel.files) == 12 and parallel.files == serial.files
    assert [str(err) for err in parallel.errors] == [str(err) for err in serial.errors]
    assert len(serial.errors) == 2 and "m05.ja.json:3" in str(serial.errors[1])
    assert parallel.files[3].translations["ja"].results[-1].text == "<p>方向を保つ</p>\n"
    # The split files went into the cache: loading again reads them back, the same.
    again = load_corpus(config, keep_going=True, cache=cache, jobs=2)
    assert again.files == serial.files and cache.hits == 12

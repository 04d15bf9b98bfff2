"""write_atomic: the old file or the new one, never half; the file's mode survives a rewrite."""

from __future__ import annotations

import os
import stat

import pytest

from site_builder.fileio import write_atomic


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_rewriting_a_file_keeps_its_mode(tmp_path, mode):
    path = tmp_path / "cache.ja.json"
    path.write_text("old", encoding="utf-8")
    path.chmod(mode)
    write_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_a_new_file_is_readable_by_everyone_and_its_folders_are_made(tmp_path):
    path = tmp_path / "a" / "b" / "x.json"
    write_atomic(path, b"\x00bytes")
    assert path.read_bytes() == b"\x00bytes"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "x.json"
    path.write_text("old", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]

"""No lost work: every writer of a cache takes its one lock and merges into what is on disk now."""

from __future__ import annotations

import json
import multiprocessing
import threading
from pathlib import Path

import pytest
from workbench_project import make_project

from site_builder.catalog.store import (
    CatalogConflict,
    apply_changes,
    catalog_path,
    conflict_path,
    dump_catalog,
    read_entries,
    save_catalog,
)
from site_builder.fileio import lock_path, locked, replace_if_unchanged
from site_builder.translators.fixes.files import apply_plan, plan_catalog
from site_builder.translators.workbench.session import Workbench


def _external_writer(path: str, prefix: str, count: int) -> None:
    """Another process (update, import-po, check --fix, a second workbench) adding its keys."""
    for n in range(count):
        apply_changes(Path(path), "ja", {f"{prefix}{n}": (None, f"<p>{prefix} {n}</p>\n")})


def test_saves_racing_writers_in_other_processes_and_threads_lose_no_edit(tmp_path):
    config = make_project(tmp_path)
    bench = Workbench(config, "ja")
    path = catalog_path(config.translations_dir, "capsnet/train", "ja")
    before = json.loads(path.read_text())
    train_keys = list(before)
    context = multiprocessing.get_context("fork")
    others = [context.Process(target=_external_writer, args=(str(path), f"process{p}-", 25)) for p in range(2)]
    threads = [threading.Thread(target=_external_writer, args=(str(path), f"thread{t}-", 25)) for t in range(2)]
    for worker in [*others, *threads]:
        worker.start()
    answers = []
    for round_ in range(10):  # the workbench saves meanwhile, each from the value it loaded
        for number, key in enumerate(train_keys[1:3]):
            loaded = json.loads(path.read_text()).get(key)
            value = before[key].replace("</p>", f"（{round_}-{number}）</p>", 1)
            answers.append(bench.save("capsnet/train", key, value, base=loaded, override=True).status)
    for worker in [*others, *threads]:
        worker.join(60)
    assert set(answers) == {200}
    final = json.loads(path.read_text())
    for prefix in ("process0-", "process1-", "thread0-", "thread1-"):
        assert all(f"{prefix}{n}" in final for n in range(25)), prefix
    assert "（9-0）" in final[train_keys[1]] and "（9-1）" in final[train_keys[2]]
    assert path.read_text() == dump_catalog(final)  # still the exact format


def test_a_key_changed_on_disk_and_here_is_a_conflict_and_both_versions_are_kept(tmp_path):
    path = tmp_path / "x.ja.json"
    save_catalog(path, {"a": "disk", "b": "B"})
    with pytest.raises(CatalogConflict) as raised:
        apply_changes(path, "ja", {"a": ("what we read", "ours"), "c": (None, "C")})
    assert json.loads(path.read_text()) == {"a": "disk", "b": "B"}  # left as it is
    assert json.loads(conflict_path(path).read_text()) == {"a": "ours", "b": "B", "c": "C"}
    assert raised.value.keys == ("a",) and raised.value.disk == {"a": "disk"}
    assert "x.ja.json.conflict" in str(raised.value) and str(path) in str(raised.value)


def test_a_change_landing_before_the_replace_is_read_again_not_overwritten(tmp_path, monkeypatch):
    path = tmp_path / "x.ja.json"
    save_catalog(path, {"a": "A"})
    import site_builder.catalog.store as store

    real = store.replace_if_unchanged
    landed = []

    def late_writer(target, data, expected):  # an editor saving between our read and our replace
        if not landed:
            landed.append(True)
            target.write_text(dump_catalog({"a": "A", "z": "theirs"}))
        return real(target, data, expected)

    monkeypatch.setattr(store, "replace_if_unchanged", late_writer)
    assert apply_changes(path, "ja", {"b": (None, "ours")}) == {"a": "A", "b": "ours", "z": "theirs"}
    assert json.loads(path.read_text()) == {"a": "A", "b": "ours", "z": "theirs"}


def test_replace_if_unchanged_refuses_a_file_that_moved_on(tmp_path):
    path = tmp_path / "f.json"
    path.write_text("one")
    assert not replace_if_unchanged(path, "two", b"zero")
    assert path.read_text() == "one"
    assert replace_if_unchanged(path, "two", b"one") and path.read_text() == "two"
    assert not list(tmp_path.glob(".f.json.*.tmp"))


def test_the_lock_file_lives_outside_the_project(tmp_path):
    target = tmp_path / "translations" / "x.ja.json"
    where = lock_path(target)
    assert tmp_path not in where.parents
    with locked(target), locked(target):  # a writer calling a writer in the same thread does not wait for itself
        pass
    assert not list(tmp_path.rglob("*.lock"))


def test_check_fix_keeps_a_value_saved_since_it_read_the_file(tmp_path):
    path = tmp_path / "x.ja.json"
    key = "<p>Hi</p>\n"
    save_catalog(path, {key: "<p>やあ</p>。\n", "<p>Other</p>\n": "<p>他</p>\n"})
    plan = plan_catalog(path, read_entries(path, "ja")[1])
    assert plan.changed
    apply_changes(path, "ja", {"<p>New</p>\n": (None, "<p>新</p>\n")})  # the workbench, meanwhile
    assert apply_plan(plan)
    final = json.loads(path.read_text())
    assert final["<p>New</p>\n"] == "<p>新</p>\n" and final[key] == plan.after[key]

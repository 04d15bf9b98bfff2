"""store.py: cache JSON <-> Catalog, exact bytes, strict errors with path:line:col, sidecars."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from site_builder.catalog.store import (
    archive_path,
    catalog_path,
    dump_catalog,
    fuzzy_path,
    list_caches,
    load_catalog,
    load_json_object,
    load_suggestions,
    save_catalog,
    save_suggestions,
)
from site_builder.errors import TranslationFileError
from site_builder.model import Suggestion


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --- exact bytes ------------------------------------------------------------------------------

def test_seed_loads_and_dumps_to_identical_bytes(seed_path):
    catalog = load_catalog(seed_path, "ja")
    assert dump_catalog(catalog.entries).encode("utf-8") == seed_path.read_bytes()


def test_seed_saved_again_is_byte_identical(tmp_path, seed_path):
    target = tmp_path / "capsule_networks" / "__init__.ja.json"
    save_catalog(target, load_catalog(seed_path, "ja").entries)
    assert target.read_bytes() == seed_path.read_bytes()


def test_dump_is_one_space_indent_sorted_ascii_without_final_newline():
    text = dump_catalog({"b": "ビ", "a": "<p>x</p>\n"})
    assert text == '{\n "a": "<p>x</p>\\n",\n "b": "\\u30d3"\n}'
    assert text == json.dumps({"b": "ビ", "a": "<p>x</p>\n"}, indent=1, sort_keys=True)


def test_empty_catalog_dumps_as_braces():
    assert dump_catalog({}) == "{}"


def test_missing_cache_is_an_empty_catalog(tmp_path):
    catalog = load_catalog(tmp_path / "nothing.ja.json", "ja")
    assert dict(catalog.entries) == {} and catalog.lang == "ja"


def test_each_key_records_its_line(tmp_path):
    path = write(tmp_path / "a.ja.json", '{\n "a": "1",\n\n "b": "2"\n}')
    catalog = load_catalog(path, "ja")
    assert dict(catalog.lines) == {"a": 2, "b": 4}
    assert load_json_object(path) == ({"a": "1", "b": "2"}, {"a": 2, "b": 4})


def test_catalog_keeps_file_order(tmp_path):
    path = write(tmp_path / "a.ja.json", '{"z": "1", "a": "2"}')
    assert list(load_catalog(path, "ja").entries) == ["z", "a"]


def test_trailing_newline_from_an_editor_is_accepted(tmp_path):
    path = write(tmp_path / "a.ja.json", '{\n "a": "1"\n}\n')
    assert dict(load_catalog(path, "ja").entries) == {"a": "1"}


def test_catalog_path_is_file_id_then_language():
    assert catalog_path(Path("tr"), "capsule_networks/__init__", "ja") == Path(
        "tr/capsule_networks/__init__.ja.json")


# --- strict reading: every bad input names path:line:col ---------------------------------------

BAD_INPUTS = [
    ("utf8_bom", b'\xef\xbb\xbf{"a": "1"}', 1, 1, "byte order mark"),
    ("utf16_bom", '{"a": "1"}'.encode("utf-16"), 1, 1, "UTF-16 byte order mark"),
    ("invalid_utf8", b'{\n "a": "x\xffy"\n}', 2, 9, "invalid UTF-8"),
    ("missing_comma", b'{\n "a": "1"\n "b": "2"\n}', 3, 2, "expected ',' or '}'"),
    ("trailing_comma", b'{\n "a": "1",\n}', 2, 10, "trailing comma before }"),
    ("line_break_in_string", b'{\n "a": "1\n}', 2, 9, "line break inside a string"),
    ("unterminated_string", b'{\n "a": "1', 2, 7, "unterminated string"),
    ("non_string_number", b'{\n "a": 12\n}', 2, 7, "is a number, expected a string"),
    ("non_string_object", b'{\n "a": {"x": "y"}\n}', 2, 7, "is an object, expected a string"),
    ("non_string_null", b'{\n "a": null\n}', 2, 7, "is null, expected a string"),
    ("top_level_array", b'\n["a", "b"]', 2, 1, "top level is an array"),
    ("top_level_string", b'"a"', 1, 1, "top level is a string"),
    ("empty_file", b"", 1, 1, "empty"),
    ("extra_data", b'{"a": "1"}\n{}', 2, 1, "extra data"),
    ("nan", b'{"a": NaN}', 1, 7, "NaN is not allowed"),
]


@pytest.mark.parametrize("name, data, line, column, words", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_cache_is_an_error_at_path_line_column(tmp_path, name, data, line, column, words):
    path = write(tmp_path / f"{name}.ja.json", data)
    with pytest.raises(TranslationFileError) as caught:
        load_catalog(path, "ja")
    assert f"{path}:{line}:{column}: " in str(caught.value)
    assert words in str(caught.value)
    assert caught.value.hint


def test_duplicate_key_names_the_first_occurrence(tmp_path):
    path = write(tmp_path / "d.ja.json",
                 '{\n "<p>Iterate </p>\\n": "a",\n "b": "x",\n "<p>Iterate </p>\\n": "c"\n}')
    with pytest.raises(TranslationFileError) as caught:
        load_catalog(path, "ja")
    message = str(caught.value)
    assert message.startswith(f"{path}:4:2: duplicate key ")
    assert "(first at 2:2)" in message and "<p>Iterate </p>\\n" in message


def test_duplicate_key_is_refused_by_the_generic_reader_too(tmp_path):
    path = write(tmp_path / "glossary.ja.json", '{"a": 1, "a": 2}')
    with pytest.raises(TranslationFileError, match="duplicate key"):
        load_json_object(path)


def test_column_counts_characters_not_bytes(tmp_path):
    path = write(tmp_path / "c.ja.json", '{"ビビ": 1}')
    with pytest.raises(TranslationFileError) as caught:
        load_catalog(path, "ja")
    assert f"{path}:1:8:" in str(caught.value)  # 12 if counted in bytes


def test_unreadable_path_is_an_error_not_a_crash(tmp_path):
    folder = tmp_path / "x.ja.json"
    folder.mkdir()
    with pytest.raises(TranslationFileError) as caught:
        load_catalog(folder, "ja")
    assert str(folder) in str(caught.value)


def test_save_refuses_non_string_values(tmp_path):
    with pytest.raises(TypeError):
        save_catalog(tmp_path / "a.ja.json", {"a": 1})  # type: ignore[dict-item]


# --- atomic writes -----------------------------------------------------------------------------

# The writer stops inside fsync, after the new bytes are in the temporary file and before the
# rename: the moment a crash would do the most harm.
_KILLED_WRITER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from site_builder.catalog.store import save_catalog

    def stall(fd):
        print("writing", flush=True)
        time.sleep(60)

    os.fsync = stall
    save_catalog(Path(sys.argv[1]), {f"key {i}": "x" * 1000 for i in range(20000)})
""")


def test_writer_killed_mid_write_leaves_old_file_intact(tmp_path):
    target = tmp_path / "mod.ja.json"
    save_catalog(target, {"old": "value"})
    old_bytes = target.read_bytes()
    writer = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(target)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "writing"
        leftovers = [p for p in tmp_path.iterdir() if p != target]
        assert leftovers and leftovers[0].stat().st_size > 1_000_000  # really was mid-write
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    assert target.read_bytes() == old_bytes
    assert list_caches(tmp_path, "ja") == {"mod": target}  # the temporary is not taken for a cache


def test_save_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "deep" / "mod.ja.json"
    save_catalog(target, {"a": "1"})
    save_catalog(target, {"a": "2"})
    assert target.read_text() == '{\n "a": "2"\n}'
    assert [p.name for p in target.parent.iterdir()] == ["mod.ja.json"]


# --- sidecars ----------------------------------------------------------------------------------

def test_sidecar_paths_sit_beside_the_cache():
    cache = Path("tr/capsule_networks/__init__.ja.json")
    assert fuzzy_path(cache) == Path("tr/capsule_networks/__init__.ja.fuzzy.json")
    assert archive_path(cache) == Path("tr/capsule_networks/__init__.ja.archive.json")


def test_suggestions_round_trip_in_cache_byte_format(tmp_path):
    path = tmp_path / "m.ja.fuzzy.json"
    suggestions = {"<p>New</p>\n": Suggestion(previous="<p>Old</p>\n", translation="<p>古い</p>\n",
                                              score=0.8)}
    save_suggestions(path, suggestions)
    assert load_suggestions(path) == suggestions
    assert path.read_text() == json.dumps(
        {"<p>New</p>\n": {"previous": "<p>Old</p>\n", "translation": "<p>古い</p>\n", "score": 0.8}},
        indent=1, sort_keys=True)


def test_missing_sidecar_means_no_suggestions(tmp_path):
    assert load_suggestions(tmp_path / "m.ja.fuzzy.json") == {}


def test_saving_no_suggestions_removes_the_sidecar(tmp_path):
    path = write(tmp_path / "m.ja.fuzzy.json", "{}")
    save_suggestions(path, {})
    assert not path.exists()


@pytest.mark.parametrize("entry", [
    '"just a string"',
    '{"previous": "a", "translation": "b"}',
    '{"previous": "a", "translation": "b", "score": "high"}',
    '{"previous": "a", "translation": 3, "score": 0.5}',
    '{"previous": "a", "translation": "b", "score": true}',
])
def test_malformed_suggestion_is_an_error_at_its_value(tmp_path, entry):
    path = write(tmp_path / "m.ja.fuzzy.json", '{\n "k":  ' + entry + "\n}")
    with pytest.raises(TranslationFileError) as caught:
        load_suggestions(path)
    assert f"{path}:2:8: " in str(caught.value)


def test_duplicate_inside_a_suggestion_is_an_error(tmp_path):
    path = write(tmp_path / "m.ja.fuzzy.json",
                 '{"k": {"previous": "a", "translation": "b", "score": 0.5, "score": 1}}')
    with pytest.raises(TranslationFileError, match='duplicate key "score"'):
        load_suggestions(path)


def test_list_caches_ignores_sidecars_glossary_and_other_languages(tmp_path):
    for name in ["a.ja.json", "a.ja.fuzzy.json", "a.ja.archive.json", "a.zh.json",
                 "pkg/__init__.ja.json", "glossary.ja.json", "pkg/glossary.ja.json",
                 ".hidden/x.ja.json", ".a.ja.json.k2j3.tmp"]:
        write(tmp_path / name, "{}")
    assert list_caches(tmp_path, "ja") == {
        "a": tmp_path / "a.ja.json",
        "pkg/__init__": tmp_path / "pkg/__init__.ja.json",
        "pkg/glossary": tmp_path / "pkg/glossary.ja.json",
    }


def test_list_caches_of_a_missing_root_is_empty(tmp_path):
    assert list_caches(tmp_path / "none", "ja") == {}


@pytest.mark.parametrize("text, where, bracket", [
    ('{\n "a": "b",\n}\n', (2, 10), "}"),
    ('{\n "a": {"x": "y",},\n "b": "c"\n}\n', (2, 17), "}"),
    ('{\n "a": ["x",\n ]\n}\n', (3, 2), "]"),
])
def test_a_trailing_comma_is_reported_as_such_with_line_and_column(tmp_path, text, where, bracket):
    path = write(tmp_path / "m.ja.json", text)
    with pytest.raises(TranslationFileError) as error:
        load_json_object(path)
    assert f"trailing comma before {bracket}" in str(error.value)
    assert "expected a key in double quotes" not in str(error.value)
    assert (error.value.location.line, error.value.location.column) == where

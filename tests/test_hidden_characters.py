"""Hidden characters named for translators: what each is called, where it is, and the table the
workbench draws its badges from."""

from __future__ import annotations

import json
import threading
import urllib.request

from site_builder.adapters.workbench.server import WorkbenchServer
from site_builder.config import SiteConfig
from site_builder.render.controls import (
    BIDI_CONTROLS,
    CONTROL_CHARACTERS,
    INVISIBLE,
    describe,
    hidden_characters,
    hidden_positions,
    hidden_table,
)


def test_each_kind_of_hidden_character_is_named_and_rated_like_its_check():
    rlo = describe("\u202e")
    assert (rlo.code, rlo.short, rlo.name, rlo.check, rlo.error) == (
        "U+202E", "RLO", "RIGHT-TO-LEFT OVERRIDE", "bidi-control", True)
    bell = describe("\x07")
    assert (bell.code, bell.short, bell.check, bell.error) == ("U+0007", "BEL", "control-character", True)
    assert describe("\x9b").short == "CSI" and describe("\x7f").short == "DEL"
    zwsp = describe("\u200b")
    assert (zwsp.short, zwsp.name, zwsp.check, zwsp.error) == ("ZWSP", "ZERO WIDTH SPACE", "invisible-character", False)


def test_every_hidden_character_has_a_short_name_of_its_own():
    for char in BIDI_CONTROLS + CONTROL_CHARACTERS + INVISIBLE:
        assert describe(char).short != describe(char).code, f"U+{ord(char):04X} has no short name"


def test_positions_are_lines_and_columns_counted_from_one():
    value = "<p>a\u202eb\n\u2066c\u200b</p>\n"
    assert [(line, column, h.short) for line, column, h in hidden_positions(value)] == [
        (1, 5, "RLO"), (2, 1, "LRI"), (2, 3, "ZWSP")]
    assert hidden_positions("<p>می\u200cخواهم</p>") == []  # the joiners are letters' business


def test_a_finding_names_the_character_and_where_it_is():
    [(check, error, message)] = hidden_characters("<p>Scale</p>\n", "<p>縮\u202e尺</p>\n")
    assert (check, error) == ("bidi-control", True)
    assert "U+202E RIGHT-TO-LEFT OVERRIDE (RLO) at line 1, column 5" in message
    [(check, error, message)] = hidden_characters("<p>x</p>", "<p>x\u200b</p>")
    assert (check, error) == ("invisible-character", False) and "ZERO WIDTH SPACE (ZWSP) at line 1, column 5" in message


def test_a_finding_lists_a_few_occurrences_and_counts_the_rest():
    [(_, _, message)] = hidden_characters("<p>x</p>", "\u202e" * 8)
    assert message.count("RIGHT-TO-LEFT OVERRIDE") == 5 and "and 3 more" in message
    assert "\u202e" not in message  # the message itself is safe to show


def test_the_table_covers_every_hidden_character_once_with_the_checks_severity():
    table = hidden_table()
    assert sorted(row["char"] for row in table) == sorted(BIDI_CONTROLS + CONTROL_CHARACTERS + INVISIBLE)
    rows = {row["char"]: row for row in table}
    assert rows["\u202e"]["severity"] == "error" and rows["\u2060"]["severity"] == "warning"
    assert json.loads(json.dumps(table)) == table  # as the workbench's API sends it


def test_the_workbench_sends_the_table_with_its_languages(tmp_path):
    (tmp_path / "src").mkdir()
    config = SiteConfig(source_dir=tmp_path / "src", translations_dir=tmp_path / "translations",
                        languages=("en", "ja"))
    server = WorkbenchServer(config, ("ja",), token="t")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{server.port}/api/languages",
                                         headers={"Authorization": "Bearer t"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.load(response)
    finally:
        server.shutdown()
        server.server_close()
    assert body["languages"] == ["ja"] and body["hidden"] == hidden_table()

"""The workbench's JSON API over real HTTP: token, Host, refusals, conflicts and the bytes it writes."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from corpus_files import write_corpus
from workbench_project import P, make_project

from site_builder.adapters.workbench.server import WorkbenchServer
from site_builder.catalog.store import catalog_path, dump_catalog, fuzzy_path, save_catalog
from site_builder.config import SiteConfig


@pytest.fixture
def project(tmp_path) -> SiteConfig:
    return make_project(tmp_path)


@pytest.fixture
def server(project) -> Iterator[WorkbenchServer]:
    running = WorkbenchServer(project, ("ja",), token="secret-token")
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    try:
        yield running
    finally:
        running.shutdown()
        running.server_close()


def request(server: WorkbenchServer, method: str, path: str, body: object = None, *,
            token: str | None = "secret-token", host: str | None = None) -> tuple[int, object]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    headers = {"Host": host or f"127.0.0.1:{server.port}"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    payload = json.dumps(body).encode() if body is not None else None
    if payload is not None:
        headers["Content-Type"] = "application/json"
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    content = json.loads(data) if response.getheader("Content-Type") == "application/json" else data
    return response.status, content


def units_path(file_id: str) -> str:
    return f"/api/units?lang=ja&file={quote(file_id)}"


def test_requests_without_the_token_or_with_a_wrong_one_are_refused(server):
    assert request(server, "GET", "/api/files?lang=ja", token=None)[0] == 403
    assert request(server, "GET", "/api/files?lang=ja", token="guess")[0] == 403
    assert request(server, "GET", "/", token=None)[0] == 403
    assert request(server, "GET", "/api/files?lang=ja&token=secret-token", token=None)[0] == 200


def test_a_foreign_host_header_is_refused_even_with_the_token(server):
    assert request(server, "GET", "/api/files?lang=ja", host=f"evil.example:{server.port}")[0] == 403
    assert request(server, "GET", "/api/files?lang=ja", host="127.0.0.1:1")[0] == 403
    assert request(server, "GET", "/api/files?lang=ja", host=f"localhost:{server.port}")[0] == 200


def test_every_answer_carries_a_strict_content_security_policy(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    connection.request("GET", "/?token=secret-token", headers={"Host": f"127.0.0.1:{server.port}"})
    response = connection.getresponse()
    response.read()
    assert response.status == 200
    assert "default-src 'none'" in response.getheader("Content-Security-Policy")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    connection.close()


def test_files_lists_counts_per_file(server):
    status, files = request(server, "GET", "/api/files?lang=ja")
    assert status == 200
    by_id = {row["file"]: row for row in files}
    assert by_id["capsnet/train"] | {} == {"file": "capsnet/train", "units": 4, "translated": 4,
                                          "missing": 0, "fuzzy": 0, "orphaned": 0, "problems": 0}
    assert (by_id["capsnet/__init__"]["translated"], by_id["capsnet/__init__"]["fuzzy"]) == (1, 1)


def test_units_carry_memory_and_fuzzy_suggestions_with_file_and_score(server, project):
    status, units = request(server, "GET", units_path("capsnet/__init__"))
    assert status == 200
    by_english = {unit["english"]: unit for unit in units}
    create = by_english["<p>Create experiment </p>\n"]
    assert create["value"] is None and create["state"] == "missing"
    assert create["suggestions"][0] == {"value": "<p>実験を作成する</p>\n", "source": "memory",
                                        "file": "capsnet/train", "score": 1.0,
                                        "english": create["suggestions"][0]["english"],
                                        "blocks": [{"tag": "p", "fixed": False, "items": ["実験を作成する"]}]}
    squash = next(unit for unit in units if "squash" in unit["english"])
    [similar] = squash["suggestions"]
    assert similar["source"] == "memory" and 0.75 <= similar["score"] < 1.0
    assert [p["kind"] for p in squash["placeholders"]] == ["inline-math", "code-span"]
    assert "<math" in squash["english_html"]
    assert squash["glossary"] == []
    heading = next(unit for unit in units if unit["state"] == "fuzzy")
    assert heading["suggestions"][0]["source"] == "fuzzy"
    assert {"id", "key", "english", "value", "state", "findings", "suggestions"} <= set(heading)


def test_a_good_value_is_saved_byte_exactly(server, project):
    cache = catalog_path(project.translations_dir, "capsnet/__init__", "ja")
    status, units = request(server, "GET", units_path("capsnet/__init__"))
    create = next(u for u in units if u["english"].startswith("<p>Create"))
    status, body = request(server, "PUT", units_path("capsnet/__init__"),
                           {"key": create["key"], "value": "<p>実験を作成する</p>\n"})
    assert (status, body["state"], body["findings"]) == (200, "translated", [])
    expected = {"Capsule Networks": "カプセルネットワーク", create["key"]: "<p>実験を作成する</p>\n"}
    assert cache.read_bytes() == json.dumps(expected, indent=1, sort_keys=True).encode("ascii")


def test_a_broken_placeholder_is_refused_with_findings_and_the_file_untouched(server, project):
    cache = catalog_path(project.translations_dir, "capsnet/__init__", "ja")
    before = cache.read_bytes()
    _, units = request(server, "GET", units_path("capsnet/__init__"))
    squash = next(unit for unit in units if "squash" in unit["english"])
    status, body = request(server, "PUT", units_path("capsnet/__init__"),
                           {"key": squash["key"], "value": "<p>関数 _%5e_0_%5e_ は縮める</p>\n"})
    assert status == 422
    assert {"placeholder-mangled", "placeholders"} <= {f["check"] for f in body["findings"]}
    assert cache.read_bytes() == before


def test_a_warning_is_saved_only_when_the_translator_overrides_it(server, project):
    cache = catalog_path(project.translations_dir, "capsnet/__init__", "ja")
    _, units = request(server, "GET", units_path("capsnet/__init__"))
    heading = next(unit for unit in units if unit["state"] == "fuzzy")
    value = heading["key"].replace("Capsule Networks</h1>", "CapsNet</h1>")  # glossary: カプセル missing
    value = value.replace("This is a", "これは")
    status, body = request(server, "PUT", units_path("capsnet/__init__"), {"key": heading["key"], "value": value})
    assert status == 422 and body["override"] is True
    assert [f["check"] for f in body["findings"]] == ["glossary"]
    status, body = request(server, "PUT", units_path("capsnet/__init__"),
                           {"key": heading["key"], "value": value, "override": True})
    assert status == 200 and json.loads(cache.read_text())[heading["key"]] == value


def test_saving_a_fuzzy_unit_removes_its_suggestion_from_the_sidecar(server, project):
    cache = catalog_path(project.translations_dir, "capsnet/__init__", "ja")
    _, units = request(server, "GET", units_path("capsnet/__init__"))
    heading = next(unit for unit in units if unit["state"] == "fuzzy")
    accepted = heading["suggestions"][0]["value"].replace("<p>古い</p>", heading["key"].split("</h1>\n")[1]
                                                          .replace("This is a", "これは"))
    status, _ = request(server, "PUT", units_path("capsnet/__init__"), {"key": heading["key"], "value": accepted})
    assert status == 200
    assert not fuzzy_path(cache).exists()  # its only suggestion is gone, so the sidecar is too


def test_a_cache_changed_on_disk_since_it_was_loaded_is_not_overwritten(server, project):
    cache = catalog_path(project.translations_dir, "capsnet/__init__", "ja")
    _, units = request(server, "GET", units_path("capsnet/__init__"))
    create = next(u for u in units if u["english"].startswith("<p>Create"))
    cache.write_text(dump_catalog({"Capsule Networks": "カプセル網", create["key"]: "<p>他の人の訳</p>\n"}))
    changed = cache.read_bytes()
    status, body = request(server, "PUT", units_path("capsnet/__init__"),
                           {"key": create["key"], "value": "<p>実験を作成する</p>\n"})
    assert status == 409 and body["disk_value"] == "<p>他の人の訳</p>\n"
    assert cache.read_bytes() == changed
    _, units = request(server, "GET", units_path("capsnet/__init__"))  # a reload shows the new value
    assert next(u for u in units if u["key"] == create["key"])["value"] == "<p>他の人の訳</p>\n"
    status, _ = request(server, "PUT", units_path("capsnet/__init__"),
                        {"key": create["key"], "value": "<p>実験を作成する</p>\n"})
    assert status == 200
    assert json.loads(cache.read_text())["Capsule Networks"] == "カプセル網"


def test_writes_need_put_or_post_and_a_json_body(server, project):
    cache = catalog_path(project.translations_dir, "capsnet/__init__", "ja")
    before = cache.read_bytes()
    assert request(server, "GET", units_path("capsnet/__init__") + "&key=x&value=y")[0] == 200
    assert request(server, "PUT", units_path("capsnet/__init__"), {"value": "x"})[0] == 400
    assert request(server, "PUT", units_path("capsnet/__init__"), {"key": "<p>nope</p>", "value": "x"})[0] == 404
    assert request(server, "DELETE", units_path("capsnet/__init__"))[0] == 405
    assert cache.read_bytes() == before


def test_check_endpoint_reports_findings_and_a_sanitised_preview(server):
    _, units = request(server, "GET", units_path("capsnet/__init__"))
    squash = next(unit for unit in units if "squash" in unit["english"])
    value = f'<p>関数 {P.format(0)} は {P.format(1)} を縮める<img src=x onerror="alert(1)"></p>\n'
    status, body = request(server, "POST", "/api/check?lang=ja&file=capsnet/__init__",
                           {"key": squash["key"], "value": value})
    assert status == 200
    assert [f["check"] for f in body["findings"]] == ["unsafe-html"]
    assert "<math" in body["preview"] and "onerror" not in body["preview"]


def test_caches_without_sources_are_served_and_saved_too(tmp_path):
    """A folder of caches alone (no sources) can still be edited, with memory across its files."""
    root = write_corpus(tmp_path, {"src/.keep": ""})
    translations = root / "translations"
    save_catalog(translations / "a.ja.json", {"<p>Create experiment</p>\n": "<p>実験を作成</p>\n"})
    save_catalog(translations / "b.ja.json", {"<p>Create experiment</p>\n": "", "<p>Run</p>\n": "<p>実行</p>\n"})
    config = SiteConfig(source_dir=root / "src", translations_dir=translations, languages=("en", "ja"))
    running = WorkbenchServer(config, ("ja",), token="secret-token")
    threading.Thread(target=running.serve_forever, daemon=True).start()
    try:
        _, files = request(running, "GET", "/api/files?lang=ja")
        assert [row["file"] for row in files] == ["a", "b"]
        _, units = request(running, "GET", units_path("b"))
        create = next(u for u in units if u["key"] == "<p>Create experiment</p>\n")
        assert (create["value"], create["suggestions"][0]["file"]) == (None, "a")
        status, _ = request(running, "PUT", units_path("b"), {"key": create["key"], "value": "<p>実験を作成</p>\n"})
        assert status == 200
        assert (translations / "b.ja.json").read_bytes() == dump_catalog(
            {"<p>Create experiment</p>\n": "<p>実験を作成</p>\n", "<p>Run</p>\n": "<p>実行</p>\n"}).encode()
        status, _ = request(running, "PUT", units_path("b"), {"key": "<p>Run</p>\n", "value": "<p>実行 _^_0_^_</p>\n"})
        assert status == 422
    finally:
        running.shutdown()
        running.server_close()


def test_the_translate_command_prints_its_address_with_the_token_and_serves_it(project, tmp_path):
    import re
    import subprocess
    import sys

    command = [sys.executable, "-m", "site_builder.adapters.cli", "translate", "--no-browser",
               "--config", str(tmp_path / "absent.yml"), "--source", str(project.source_dir),
               "--translations", str(project.translations_dir), "--lang", "ja", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", line)
        assert match, line + process.stderr.read() if process.poll() is not None else line
        port, token = int(match.group(1)), match.group(2)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        connection.request("GET", f"/api/files?lang=ja&token={token}", headers={"Host": f"127.0.0.1:{port}"})
        response = connection.getresponse()
        assert response.status == 200 and len(json.loads(response.read())) == 2
        connection.close()
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_cache_broken_on_disk_is_a_conflict_not_a_crash_and_stays_as_it_is(server, project):
    cache = catalog_path(project.translations_dir, "capsnet/__init__", "ja")
    _, units = request(server, "GET", units_path("capsnet/__init__"))
    create = next(u for u in units if u["english"].startswith("<p>Create"))
    cache.write_text('{\n "Capsule Networks": "x",\n}')
    status, body = request(server, "PUT", units_path("capsnet/__init__"),
                           {"key": create["key"], "value": "<p>実験</p>\n"})
    assert status == 409 and body["disk_value"] is None
    assert cache.read_text() == '{\n "Capsule Networks": "x",\n}'
    status, body = request(server, "GET", units_path("capsnet/__init__"))
    assert status == 409 and "__init__.ja.json:2:" in body["error"] and "comma" in body["error"]


def test_translate_on_a_folder_of_caches_alone_needs_no_sources_config_or_language(tmp_path):
    """`translate --translations DIR` on a copy of someone's caches: languages come from the names."""
    import re
    import subprocess
    import sys

    translations = tmp_path / "copy"
    save_catalog(translations / "a" / "m.ja.json", {"<p>Create experiment</p>\n": "<p>実験を作成</p>\n"})
    save_catalog(translations / "b.ja.json", {"<p>Create experiment</p>\n": ""})
    command = [sys.executable, "-m", "site_builder.adapters.cli", "translate", "--no-browser",
               "--config", str(tmp_path / "absent.yml"), "--translations", str(translations), "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=tmp_path)
    try:
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", line)
        assert match, line + process.stderr.read() if process.poll() is not None else line
        port, token = int(match.group(1)), match.group(2)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        connection.request("GET", f"/api/units?lang=ja&file=b&token={token}", headers={"Host": f"127.0.0.1:{port}"})
        response = connection.getresponse()
        units = json.loads(response.read())
        connection.close()
        assert response.status == 200
        assert [(u["state"], u["suggestions"][0]["file"]) for u in units] == [("orphaned", "a/m")]
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_the_page_and_the_session_answer_to_the_cookie_but_the_api_does_not(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    cookie = {"Host": f"127.0.0.1:{server.port}", "Cookie": "sb_workbench=secret-token"}
    for path, expected in (("/", 200), ("/api/session", 200), ("/api/files", 403), ("/api/units?file=x", 403)):
        connection.request("GET", path, headers=cookie)
        response = connection.getresponse()
        body = response.read()
        assert response.status == expected, path
        if path == "/api/session":
            assert json.loads(body) == {"token": "secret-token"}
            assert "Access-Control-Allow-Origin" not in response.headers
    connection.request("GET", "/api/session", headers={**cookie, "Cookie": "sb_workbench=wrong"})
    assert connection.getresponse().status == 403


def test_units_come_a_page_at_a_time_filtered_and_across_files(server):
    status, page = request(server, "GET", units_path("capsnet/__init__") + "&limit=2&offset=1")
    assert status == 200 and page["total"] >= 3 and len(page["units"]) == 2 and page["offset"] == 1
    status, missing = request(server, "GET", units_path("capsnet/__init__") + "&show=missing&limit=50")
    assert missing["units"] and all(unit["state"] == "missing" for unit in missing["units"])
    status, everywhere = request(server, "GET", "/api/units?lang=ja&file=*&show=translated&limit=50")
    assert {unit["file"] for unit in everywhere["units"]} == {"capsnet/train", "capsnet/__init__"}
    assert all(unit["state"] == "translated" for unit in everywhere["units"])
    status, progress = request(server, "GET", "/api/progress?lang=ja")
    assert progress["files"] == progress["indexed"] == 2 and progress["translated"] == 5


def test_concordance_search_finds_english_and_translations_with_their_files(server):
    status, found = request(server, "GET", "/api/search?lang=ja&q=squash%20FUNCTION&in=source")
    assert status == 200 and {hit["file"] for hit in found["hits"]} == {"capsnet/train", "capsnet/__init__"}
    status, found = request(server, "GET", "/api/search?lang=ja&q=" + quote("実験") + "&in=translation")
    assert [hit["file"] for hit in found["hits"]] == ["capsnet/train"]


def test_a_unit_can_be_saved_as_blocks_and_its_editor_holds_the_keys_structure(server, project):
    status, units = request(server, "GET", units_path("capsnet/__init__"))
    create = next(unit for unit in units if unit["english"] == "<p>Create experiment </p>\n")
    assert create["editor"]["blocks"] == [{"tag": "p", "fixed": False, "items": []}]
    status, body = request(server, "PUT", units_path("capsnet/__init__"),
                           {"key": create["key"], "blocks": [["実験を作る"]], "base": None})
    assert status == 200 and body["value"] == "<p>実験を作る</p>\n"
    cache = catalog_path(project.translations_dir, "capsnet/__init__", "ja")
    assert json.loads(cache.read_text())[create["key"]] == "<p>実験を作る</p>\n"
    status, body = request(server, "PUT", units_path("capsnet/__init__"),
                           {"key": create["key"], "blocks": [["a"], ["b"]]})
    assert status == 400


def test_a_save_from_a_stale_base_is_a_conflict_but_other_keys_changing_is_not(server, project):
    cache = catalog_path(project.translations_dir, "capsnet/__init__", "ja")
    status, units = request(server, "GET", units_path("capsnet/__init__"))
    create = next(unit for unit in units if unit["english"] == "<p>Create experiment </p>\n")
    entries = json.loads(cache.read_text())
    entries["an unrelated key"] = "changed by another writer"
    save_catalog(cache, entries)
    status, body = request(server, "PUT", units_path("capsnet/__init__"),
                           {"key": create["key"], "value": "<p>実験</p>\n", "base": None})
    assert status == 200
    entries = json.loads(cache.read_text())
    assert entries["an unrelated key"] == "changed by another writer"
    entries[create["key"]] = "<p>他の人</p>\n"
    save_catalog(cache, entries)
    status, body = request(server, "PUT", units_path("capsnet/__init__"),
                           {"key": create["key"], "value": "<p>私の訳</p>\n", "base": "<p>実験</p>\n"})
    assert status == 409 and body["disk_value"] == "<p>他の人</p>\n"
    assert json.loads(cache.read_text())[create["key"]] == "<p>他の人</p>\n"


def test_pretranslation_puts_exact_matches_in_the_fuzzy_sidecar_never_in_the_cache(server, project):
    cache = catalog_path(project.translations_dir, "capsnet/__init__", "ja")
    before = cache.read_bytes()
    status, body = request(server, "POST", "/api/pretranslate?lang=ja&file=*")
    assert status == 200 and body["files"] == {"capsnet/__init__": 1}
    assert cache.read_bytes() == before
    sidecar = json.loads(fuzzy_path(cache).read_text())
    assert sidecar["<p>Create experiment </p>\n"]["translation"] == "<p>実験を作成する</p>\n"
    status, units = request(server, "GET", units_path("capsnet/__init__"))
    create = next(unit for unit in units if unit["english"] == "<p>Create experiment </p>\n")
    assert create["state"] == "fuzzy" and create["value"] is None


def test_a_fuzzy_unit_shows_a_word_diff_of_its_english(server):
    _, units = request(server, "GET", units_path("capsnet/__init__"))
    fuzzy = next(unit for unit in units if unit["state"] == "fuzzy")
    diff = fuzzy["suggestions"][0]["diff"]
    assert ["-", "Old text"] in diff or any(op == "-" and "Old" in text for op, text in diff)
    assert any(op == "+" for op, _ in diff)


def test_a_cache_linked_from_outside_is_neither_listed_nor_read_nor_written_through(tmp_path):
    config = make_project(tmp_path / "project")
    secret = tmp_path / "elsewhere" / "secret.json"
    secret.parent.mkdir()
    secret.write_text('{"<p>Create experiment </p>\\n": "<p>secret</p>\\n"}')
    (config.translations_dir / "leak.ja.json").symlink_to(secret)
    cache = catalog_path(config.translations_dir, "capsnet/__init__", "ja")
    cache.unlink()
    cache.symlink_to(secret)
    running = WorkbenchServer(config, ("ja",), token="secret-token")
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    try:
        status, files = request(running, "GET", "/api/files?lang=ja")
        assert "leak" not in {row["file"] for row in files}
        status, body = request(running, "GET", units_path("capsnet/__init__"))
        assert status == 409 and "<p>secret</p>" not in json.dumps(body, ensure_ascii=False)
        status, body = request(running, "PUT", units_path("capsnet/__init__"),
                               {"key": "<p>Create experiment </p>\n", "value": "<p>実験</p>\n"})
        assert status == 409 and "outside" in body["error"]
        assert secret.read_text() == '{"<p>Create experiment </p>\\n": "<p>secret</p>\\n"}'
        assert cache.is_symlink()
    finally:
        running.shutdown()
        running.server_close()

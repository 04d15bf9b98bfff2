"""Plain-text units (titles, summaries) are text everywhere: escaped for pages and templates,
reported by ``check``, the build and ``import-po`` when a translator puts markup in one; and the
search-index cleaner leaves nothing the search UI would run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from xss_site import HTML_FORMS, PLAIN, page_text, scan_search_index

from site_builder.adapters.cli import main
from site_builder.adapters.mkdocs.site_files import front_matter as _front_matter
from site_builder.render.sanitize import plain_text_markup, search_safe_html, text_html
from site_builder.translators.checks import check_value


def test_text_html_shows_the_text_exactly_and_is_inert_in_content_and_attributes():
    for payload in PLAIN:
        escaped = text_html(payload)
        assert "<" not in escaped and '"' not in escaped and "'" not in escaped
        assert "".join(page_text(f"<p>{escaped}</p>").parts) == payload
        assert page_text(f'<meta name="description" content="{escaped}">').description == payload


@pytest.mark.parametrize("payload", PLAIN + HTML_FORMS)
def test_search_text_keeps_no_live_markup_for_any_payload(payload, tmp_path):
    index = tmp_path / "search_index.json"
    cleaned = search_safe_html(f"<p>見出し {payload} 後</p>")
    index.write_text(json.dumps({"docs": [{"location": "x.html", "title": search_safe_html(payload),
                                           "text": cleaned}]}), encoding="utf-8")
    assert scan_search_index(index) == []
    assert "見出し" in cleaned  # the text before the payload is kept (after it may be swallowed)
    again = tmp_path / "again.json"  # a second pass (issue 11 may clean text twice) is as safe
    again.write_text(json.dumps({"docs": [{"location": "x.html", "title": "t",
                                           "text": search_safe_html(cleaned)}]}), encoding="utf-8")
    assert scan_search_index(again) == []


def test_search_text_keeps_the_formatting_the_index_uses_and_escaped_text():
    text = "<p>Use <code>&lt;span&gt;</code> and <strong>this</strong></p><pre><code>a &lt; b</code></pre>"
    assert search_safe_html(text) == text


def test_plain_text_markup_names_tags_comments_and_references_the_key_lacks():
    assert plain_text_markup("評価<img src=x onerror=alert(1)>", "Evaluation") == ["<img src=x onerror=alert(1)>"]
    assert plain_text_markup("&lt;script&gt;", "x") == ["&lt;", "&gt;"]
    assert plain_text_markup("a <!-- c -->", "a") == ["<!-- c -->"]
    assert plain_text_markup("AT&T と R&D、a < b、1<2", "AT&T") == []
    assert plain_text_markup("List<T> の型", "List<T> types") == []  # the English has it too


def test_check_reports_markup_in_a_title_as_an_error_and_accepts_plain_text():
    [problem] = check_value("Evaluating CapsNet", "CapsNet の評価<script>alert(1)</script>")
    assert problem.check == "markup-in-text" and problem.severity.value == "error"
    assert "<script>" in problem.message
    assert check_value("Evaluating CapsNet", "CapsNet の評価 (a < b)") == []


def test_front_matter_hands_mkdocs_titles_and_descriptions_as_html_that_shows_the_text():
    import yaml

    title = "評価</title><script>alert(1)</script>"
    meta = yaml.safe_load(_front_matter(title, '" onmouseover="x', wide=True).split("---")[1])
    assert meta["title"] == "評価&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert meta["description"] == "&quot; onmouseover=&quot;x"


def _project(root: Path) -> Path:
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "src" / "pkg" / "m.py").write_text(
        'r"""\n---\ntitle: Evaluating\nsummary: What it does.\n---\n\nThe notes.\n"""\nx = 1\n',
        encoding="utf-8")
    (root / "translations").mkdir()
    return root


def _set_msgstr(po_file: Path, msgid: str, value: str) -> None:
    with po_file.open("rb") as handle:
        catalog = read_po(handle)
    message = next(message for message in catalog if message.id == msgid)
    message.string = value
    with po_file.open("wb") as handle:
        write_po(handle, catalog)


@pytest.mark.parametrize("msgid, value, check", [
    ("Evaluating", "評価<img src=x onerror=alert(1)>", "markup-in-text"),
    ("What it does.", "概要&lt;script&gt;", "markup-in-text"),
    ("<p>The notes.</p>\n", "<p>注釈<img src=x onerror=alert(1)></p>\n", "unsafe-html"),
])
def test_import_po_refuses_markup_in_titles_and_unsafe_html_in_notes(tmp_path, capsys, msgid, value, check):
    root = _project(tmp_path)
    common = ["--source", str(root / "src"), "--translations", str(root / "translations"), "--lang", "ja"]
    assert main(["export-po", *common, "--out", str(tmp_path / "po")]) == 0
    [po_file] = (tmp_path / "po").rglob("*.po")
    _set_msgstr(po_file, msgid, value)
    assert main(["import-po", *common, str(tmp_path / "po")]) == 1
    output = capsys.readouterr()
    assert check in output.out and "refused" in output.err
    assert not list((root / "translations").rglob("*.ja.json"))  # nothing written


def test_the_live_reload_server_s_script_is_allowed_by_the_page_it_is_added_to(tmp_path):
    from mkdocs.livereload import LiveReloadServer

    from site_builder.adapters.mkdocs.plugin import SiteBuilderPlugin
    from site_builder.site.csp import content_security_policy, inline_scripts, script_hash

    page = (f'<html><head><meta http-equiv="Content-Security-Policy" '
            f'content="{text_html(content_security_policy())}"></head><body>x</body></html>').encode()
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    try:
        plain = server._inject_js_into_html(page, 7).decode()
        SiteBuilderPlugin().on_serve(server, config=None, builder=None)
        served = server._inject_js_into_html(page, 7).decode()
    finally:
        server.server_close()
    [script] = inline_scripts(served)
    assert script_hash(script) not in plain.replace("&#x27;", "'")
    meta = served.split('content="')[1].split('"')[0].replace("&#x27;", "'")
    assert f"script-src 'self' {script_hash(script)};" in meta and "object-src 'none'" in meta

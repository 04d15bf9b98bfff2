"""The one door to MkDocs' and Material's private names: only it reaches them, and on a version
it was not written for every door falls back (the build still works) and says what to pin."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer

from site_builder.adapters.cli import main
from site_builder.adapters.mkdocs import internals

ADAPTER = Path(internals.__file__).parent
#: Names of MkDocs' and Material's objects reached only through internals.py.
PRIVATE = {"_build_page", "_populate_page", "_inject_js_into_html", "_event_origins", "_rebuild_cond",
           "_want_rebuild", "jieba", "search_index", "entries", "observer", "events"}


@pytest.fixture
def unsupported(monkeypatch):
    """Pretend MkDocs 2 and Material 10 are installed."""
    monkeypatch.setattr(internals, "installed_version", lambda name: "10.0.0" if "material" in name else "2.0.0")
    internals._unsupported.cache_clear()
    internals._say_once.cache_clear()
    yield
    internals._unsupported.cache_clear()
    internals._say_once.cache_clear()


def _private_uses(path: Path) -> list[str]:
    """``x._name`` (x not self/cls), ``from mkdocs... import _name``, and the names in PRIVATE."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute):
            owner = node.value.id if isinstance(node.value, ast.Name) else ""
            private = node.attr.startswith("_") and not node.attr.startswith("__") and owner not in ("self", "cls")
            if private or (node.attr in PRIVATE and owner not in ("self",)):
                found.append(f"{path.name}:{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("mkdocs", "material"):
            found += [f"{path.name}:{node.lineno}: {alias.name}" for alias in node.names if alias.name.startswith("_")]
    return found


def test_only_the_internals_module_reaches_private_names_of_mkdocs_or_material():
    uses = [use for path in sorted(ADAPTER.glob("*.py")) if path.name != "internals.py"
            for use in _private_uses(path)]
    assert uses == []
    assert _private_uses(ADAPTER / "internals.py")  # the check sees them where they are


def test_the_installed_versions_are_the_ones_the_internals_were_written_for():
    assert internals.can_render_pages_again()
    assert internals._unsupported("mkdocs-material") == ""
    assert internals._unsupported(internals.engine()) == ""


def test_another_version_turns_each_door_to_its_fallback_and_names_the_pin(unsupported, tmp_path, caplog):
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    try:
        inject = server._inject_js_into_html
        with caplog.at_level(logging.INFO, logger="mkdocs.plugins.site_builder.internals"):
            assert not internals.can_render_pages_again()
            internals.allow_live_reload_script(server, lambda before, after: after)
            assert internals.rebuild_requester(server) is None
            internals.segment_chinese_only_in_chinese("ja")
        assert server._inject_js_into_html == inject  # left as MkDocs made it
    finally:
        server.server_close()
    messages = [record.getMessage() for record in caplog.records]
    assert any("mkdocs 2.0.0 is installed" in m and "'mkdocs>=1.6,<1.7'" in m for m in messages), messages
    assert any("mkdocs-material 10.0.0 is installed" in m and "mkdocs-material>=9.5,<10" in m for m in messages)


MODULE = '''"""
# Routing

Routing sends each output where it agrees: $c_{ij}$.
"""


def route(r):
    """Return the number of iterations"""
    return r
'''


def _tree(folder: Path) -> dict[str, bytes]:
    # sitemap.xml.gz carries the time it was compressed; Material's own index of the
    # hand-written pages is where its jieba fallback may segment differently.
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in ("sitemap.xml.gz", "search_index.json")}


@pytest.mark.slow
def test_a_build_with_every_fallback_writes_the_same_pages(tmp_path, write_corpus, monkeypatch, request):
    write_corpus(tmp_path, {"src/pkg/routing.py": MODULE, "translations/pkg/routing.ja.json": "{}\n"})
    monkeypatch.chdir(tmp_path)
    common = ["build", "--source", "src", "--translations", "translations", "--languages", "en,ja", "--jobs", "1"]
    assert main([*common, "--site-dir", str(tmp_path / "supported")]) == 0
    request.getfixturevalue("unsupported")
    (tmp_path / ".cache").rename(tmp_path / "old-cache")  # every page rendered again
    assert main([*common, "--site-dir", str(tmp_path / "fallback")]) == 0
    supported, fallback = _tree(tmp_path / "supported"), _tree(tmp_path / "fallback")
    assert sorted(supported) == sorted(fallback)
    assert [name for name in supported if supported[name] != fallback[name]] == []

"""The MkDocs adapter's edges: what serve watches; warnings name files from where the user stands."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer

from site_builder.adapters.mkdocs import driver
from site_builder.adapters.mkdocs.language_build import SharedBuild
from site_builder.adapters.mkdocs.plugin import BuildOrders, SiteBuilderPlugin
from site_builder.catalog.corpus import load_corpus
from site_builder.config import SiteConfig

MODULE = '''\
"""A module."""


# Broken math: $\\left( x$
def f():
    return 1
'''

MKDOCS_YML = """\
site_name: Test site
use_directory_urls: false
theme:
  name: material
  font: false
plugins:
  - search
  - site_builder:
      languages: [en, ja]
"""


def plugin_for(source_dir: Path, translations_dir: Path) -> SiteBuilderPlugin:
    site = SiteConfig(source_dir=source_dir, translations_dir=translations_dir, languages=("en", "ja"))
    plugin = SiteBuilderPlugin()
    plugin.take_orders(BuildOrders(shared=SharedBuild(site=site, corpus=load_corpus(site, keep_going=True),
                                                       root_site_url="", findings_folder=source_dir.parent)))
    return plugin


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RecordingServer:
    def __init__(self) -> None:
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


def test_serve_watches_the_source_and_translation_folders(tmp_path, write_corpus):
    write_corpus(tmp_path, {"src/m.py": MODULE, "translations/m.ja.json": "{}\n"})
    server = RecordingServer()
    returned = plugin_for(tmp_path / "src", tmp_path / "translations").on_serve(
        server, config=None, builder=lambda: None)
    assert returned is server
    assert server.watched == [str(tmp_path / "src"), str(tmp_path / "translations")]


def test_serve_skips_a_translations_folder_that_does_not_exist_yet(tmp_path, write_corpus):
    write_corpus(tmp_path, {"src/m.py": MODULE})
    server = RecordingServer()
    plugin_for(tmp_path / "src", tmp_path / "translations").on_serve(server, config=None, builder=None)
    assert server.watched == [str(tmp_path / "src")]


@pytest.mark.slow
def test_site_builder_serve_builds_and_watches_docs_config_sources_and_translations(
        tmp_path, monkeypatch, write_corpus):
    project = write_corpus(tmp_path / "proj", {"src/m.py": MODULE, "translations/m.ja.json": "{}\n",
                                               "docs/about.md": "# About\n", "mkdocs.yml": MKDOCS_YML})
    seen: dict[str, object] = {}

    def serve_once(server: LiveReloadServer, **_: object) -> None:
        seen["watched"] = set(server._watched_paths)
        seen["built"] = (Path(server.root) / "m.html").is_file() and (Path(server.root) / "ja/m.html").is_file()

    monkeypatch.setattr(LiveReloadServer, "serve", serve_once)
    site = SiteConfig(source_dir=project / "src", translations_dir=project / "translations", languages=("en", "ja"))
    driver.serve_site(site, project / "mkdocs.yml", dev_addr=f"127.0.0.1:{free_port()}")
    assert seen["built"]
    assert {str(project / name) for name in ("docs", "mkdocs.yml", "src", "translations")} <= seen["watched"]


@pytest.mark.slow
def test_mkdocs_build_names_files_in_warnings_relative_to_the_config_folder(tmp_path, write_corpus):
    project = write_corpus(tmp_path / "proj", {"src/m.py": MODULE, "docs/.keep": "", "mkdocs.yml": MKDOCS_YML})
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", "proj/mkdocs.yml"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [warning] = [line for line in result.stderr.splitlines() if "math did not convert" in line]
    assert "WARNING" in warning and " src/m.py:4: math did not convert" in warning
    assert str(project) not in warning

"""The preview server's guards: a busy port is one line before anything is built, and a request
naming another site in its Host header (DNS rebinding) is refused."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer

from site_builder.adapters.mkdocs.plugin import SiteBuilderPlugin
from site_builder.adapters.mkdocs.serving import allowed_hosts, refuse_foreign_hosts

ROOT = Path(__file__).resolve().parents[1]
MODULE = '"""\n# M\n\nNotes.\n"""\n\nX = 1\n'


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def _request(port: int, host: str, path: str = "/") -> tuple[int, bytes]:
    """A raw HTTP/1.0 request with the given Host header: (status, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(f"GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.fixture
def server(tmp_path):
    (tmp_path / "index.html").write_text("<html><body>preview</body></html>")
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    yield server
    server.shutdown()
    server.serve_thread.join()


def _start(server: LiveReloadServer) -> int:
    server.server_bind()
    server.server_activate()
    server.serve_thread.start()
    return server.server_address[1]


@pytest.mark.parametrize("guard", [refuse_foreign_hosts, lambda server: SiteBuilderPlugin().on_serve(
    server, config=None, builder=lambda: None)], ids=["site-builder serve", "mkdocs serve (the plugin)"])
def test_a_request_for_another_host_is_refused_and_the_own_address_answered(server, guard):
    guard(server)
    port = _start(server)
    status, body = _request(port, "evil.example")
    assert status == 403 and body.count(b"\n") == 1 and b"own address" in body
    assert _request(port, f"evil.example:{port}")[0] == 403
    for own in (f"127.0.0.1:{port}", f"localhost:{port}"):
        status, body = _request(port, own)
        assert status == 200 and b"preview" in body


def test_a_server_on_every_interface_answers_addresses_but_not_names():
    allowed = allowed_hosts("0.0.0.0", 8000)
    assert allowed("192.168.1.20:8000") and allowed("[fe80::1]:8000") and allowed("localhost:8000")
    assert not allowed("evil.example:8000") and not allowed("192.168.1.20:9000") and not allowed("")


def _project(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "m.py").write_text(MODULE)
    return tmp_path


def test_serve_on_a_busy_port_says_so_in_one_line_before_building(tmp_path):
    project = _project(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        start = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "site_builder.adapters.cli", "serve", "--source", "src",
                                 "--translations", "translations", "--dev-addr", f"127.0.0.1:{port}"],
                                cwd=project, capture_output=True, text=True, env=_env(), timeout=120)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # no traceback, no build log
    assert f"127.0.0.1:{port}" in lines[0] and "in use" in lines[0] and "--dev-addr 127.0.0.1:" in lines[0]
    assert "Building" not in result.stdout + result.stderr
    assert time.monotonic() - start < 60


@pytest.mark.slow
def test_site_builder_serve_refuses_a_foreign_host_header(tmp_path):
    project = _project(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "site_builder.adapters.cli", "serve", "--source", "src",
                               "--translations", "translations", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=_env())
    try:
        assert server.stdout is not None
        for line in server.stdout:  # MkDocs logs "Serving on ..." once the site is built
            if "Serving on" in line:
                break
        assert _request(port, "evil.example")[0] == 403
        status, body = _request(port, f"127.0.0.1:{port}", "/m.html")
        assert status == 200 and b"Notes." in body
    finally:
        server.terminate()
        server.wait(timeout=30)

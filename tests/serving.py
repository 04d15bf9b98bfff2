"""Serve a built site folder on 127.0.0.1 for browser tests (a quiet handler, a port of its own)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep test output readable
        pass


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[http.server.ThreadingHTTPServer]:
    """Serve ``folder`` on a free loopback port for the duration of the block."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()

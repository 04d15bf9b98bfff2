"""The workbench's HTTP adapter: requests on 127.0.0.1 -> :class:`Workbench` replies as JSON, and the editor's files.

Standard library only (``http.server``). Safety is decided here, before any work: the server
binds to 127.0.0.1; a request whose ``Host`` is not ``127.0.0.1:PORT`` or ``localhost:PORT``
is refused (a page on another site that rebinds its name to 127.0.0.1 still sends its own
name); every request needs the session token, compared in constant time, as ``?token=``,
``Authorization: Bearer`` or, for the editor's own page and static files only (never the
API), the cookie the first page load sets (the page then drops the token from the address
bar and keeps it in the tab's sessionStorage) and ``GET /api/session``, which hands that page
the token: a page of another origin cannot read the answer (no CORS), and the cookie is
``SameSite=Strict``; writes are PUT/POST only. Every answer carries a Content-Security-Policy that
allows nothing from outside (scripts, styles, fonts and requests only from this origin), and
``X-Content-Type-Options: nosniff``. This module must not decide what is saved: that is
:mod:`.session`'s work.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import secrets
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from site_builder.config import SiteConfig
from site_builder.errors import ConfigError
from site_builder.render.controls import hidden_table
from site_builder.translators.workbench.session import Reply, Workbench

HOST = "127.0.0.1"
_COOKIE = "sb_workbench"
_MAX_BODY = 2_000_000
_SHOWS = frozenset({"all", "missing", "fuzzy", "translated", "orphaned", "problems"})
_STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8", ".woff2": "font/woff2"}
_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'")


class WorkbenchServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer on 127.0.0.1 holding the session token and the workbenches."""

    daemon_threads = True

    def __init__(self, config: SiteConfig, languages: tuple[str, ...], port: int = 0,
                 token: str | None = None) -> None:
        if not languages:
            raise ConfigError("no language to translate into",
                              hint="pass --lang L or list languages in mkdocs.yml")
        super().__init__((HOST, port), _Handler)
        self.config = config
        self.languages = languages
        self.token = token or secrets.token_urlsafe(24)
        self._benches: dict[str, Workbench] = {}
        self._bench_lock = threading.Lock()

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/?token={self.token}"

    @contextlib.contextmanager
    def foreground(self) -> Iterator[None]:
        """While a request is answered, the workbenches' background indexes wait."""
        with contextlib.ExitStack() as stack:
            for bench in list(self._benches.values()):
                stack.enter_context(bench.index.foreground())
            yield

    def bench(self, lang: str) -> Workbench | None:
        """The workbench of ``lang`` (loaded on first use); None for a language not served."""
        if lang not in self.languages:
            return None
        with self._bench_lock:
            if lang not in self._benches:
                self._benches[lang] = Workbench(self.config, lang)
            return self._benches[lang]


class _Handler(BaseHTTPRequestHandler):
    server: WorkbenchServer
    server_version = "site-builder-workbench"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:  # the terminal shows the URL, not traffic
        pass

    # --- gate ------------------------------------------------------------------------------

    def _allowed(self, *, static: bool) -> bool:
        """Host and token checks; answers 403 itself when refused."""
        port = self.server.port
        if self.headers.get("Host", "") not in (f"{HOST}:{port}", f"localhost:{port}"):
            self._send_json(403, {"error": "this server answers only to 127.0.0.1 and localhost"})
            return False
        if not any(hmac.compare_digest(given.encode(), self.server.token.encode())
                   for given in self._tokens(static=static)):
            self._send_json(403, {"error": "missing or wrong token; open the URL the command printed"})
            return False
        return True

    def _tokens(self, *, static: bool) -> list[str]:
        given = list(parse_qs(urlsplit(self.path).query).get("token", []))
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            given.append(auth[len("Bearer "):].strip())
        if static:
            for part in self.headers.get("Cookie", "").split(";"):
                name, _, value = part.strip().partition("=")
                if name == _COOKIE:
                    given.append(value)
        return given

    # --- verbs -----------------------------------------------------------------------------

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/" or url.path.startswith("/static/") or url.path.startswith("/assets/"):
            # The page itself may come with the cookie alone: the editor drops the token from the
            # address bar, and a reload must still open; the API always needs the token itself.
            if self._allowed(static=True):
                self._send_static(url.path)
            return
        if url.path == "/api/session":  # the cookie -> the token, for a page opened by a link
            if self._allowed(static=True):
                self._send_json(200, {"token": self.server.token})
            return
        if not self._allowed(static=False):
            return
        query = parse_qs(url.query)
        route = {"/api/files": self._get_files, "/api/units": self._get_units,
                 "/api/languages": self._get_languages, "/api/progress": self._get_progress,
                 "/api/search": self._get_search}.get(url.path)
        if route is None:
            self._send_json(404, {"error": f"no such address {url.path}"})
            return
        self._answer(lambda: route(query))

    def do_PUT(self) -> None:
        url = urlsplit(self.path)
        if not self._allowed(static=False):
            return
        if url.path != "/api/units":
            self._send_json(405 if url.path.startswith("/api/") else 404, {"error": "PUT /api/units only"})
            return
        self._answer(lambda: self._put_unit(parse_qs(url.query)))

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if not self._allowed(static=False):
            return
        if url.path == "/api/check":
            self._answer(lambda: self._post_check(parse_qs(url.query)))
        elif url.path == "/api/units":
            self._answer(lambda: self._put_unit(parse_qs(url.query)))
        elif url.path == "/api/pretranslate":
            self._answer(lambda: self._post_pretranslate(parse_qs(url.query)))
        else:
            self._send_json(404, {"error": f"no such address {url.path}"})

    def do_DELETE(self) -> None:
        if self._allowed(static=False):
            self._send_json(405, {"error": "nothing is deleted here; save an empty value instead"})

    # --- routes ----------------------------------------------------------------------------

    def _get_languages(self, query: dict[str, list[str]]) -> Reply:
        # The hidden characters' names come along: the page shows each as a badge, never as itself.
        return Reply(200, {"languages": list(self.server.languages), "hidden": hidden_table()})

    def _get_files(self, query: dict[str, list[str]]) -> Reply:
        bench = self._bench(query)
        return bench if isinstance(bench, Reply) else bench.files(wait=_one(query, "partial") != "1")

    def _get_progress(self, query: dict[str, list[str]]) -> Reply:
        bench = self._bench(query)
        return bench if isinstance(bench, Reply) else bench.progress()

    def _get_search(self, query: dict[str, list[str]]) -> Reply:
        bench = self._bench(query)
        if isinstance(bench, Reply):
            return bench
        where = _one(query, "in") or "both"
        if where not in ("both", "source", "translation"):
            return Reply(400, {"error": "in= is source, translation or both"})
        return bench.search(_one(query, "q"), where, _number(query, "limit", 200))

    def _get_units(self, query: dict[str, list[str]]) -> Reply:
        bench = self._bench(query)
        if isinstance(bench, Reply):
            return bench
        show = _one(query, "show") or "all"
        if show not in _SHOWS:
            return Reply(400, {"error": f"show= is one of {', '.join(sorted(_SHOWS))}"})
        limit = _number(query, "limit", -1)
        return bench.units(_one(query, "file"), show=show, offset=max(0, _number(query, "offset", 0)),
                           limit=None if limit < 0 else min(limit, 500), at=_one(query, "at"))

    def _put_unit(self, query: dict[str, list[str]]) -> Reply:
        edit = self._edit(query)
        if isinstance(edit, Reply):
            return edit
        bench, file_id, body, value = edit
        extra = {"base": body["base"]} if "base" in body and isinstance(body["base"], (str, type(None))) else {}
        return bench.save(file_id, body["key"], value, override=bool(body.get("override")),
                          version=body.get("version") or None, **extra)

    def _post_check(self, query: dict[str, list[str]]) -> Reply:
        edit = self._edit(query)
        if isinstance(edit, Reply):
            return edit
        bench, file_id, body, value = edit
        return bench.check(file_id, body["key"], value)

    def _edit(self, query: dict[str, list[str]]) -> tuple[Workbench, str, dict[str, Any], str] | Reply:
        """(session, file id, JSON body, value as HTML) of a save or check; a Reply if one is bad."""
        bench = self._bench(query)
        if isinstance(bench, Reply):
            return bench
        body = self._json_body()
        if isinstance(body, Reply):
            return body
        file_id = _one(query, "file") or str(body.get("file", ""))
        value = self._value(bench, file_id, body)
        return value if isinstance(value, Reply) else (bench, file_id, body, value)

    def _post_pretranslate(self, query: dict[str, list[str]]) -> Reply:
        bench = self._bench(query)
        if isinstance(bench, Reply):
            return bench
        return bench.pretranslate(_one(query, "file") or "*")

    @staticmethod
    def _value(bench: Workbench, file_id: str, body: dict[str, Any]) -> str | Reply:
        """The value sent as HTML (``value``) or as the editor's blocks (``blocks``)."""
        if isinstance(body.get("value"), str):
            return body["value"]
        return bench.value_of(file_id, body["key"], body.get("blocks"))

    def _bench(self, query: dict[str, list[str]]) -> Workbench | Reply:
        lang = _one(query, "lang") or self.server.languages[0]
        bench = self.server.bench(lang)
        if bench is None:
            return Reply(400, {"error": f"language {lang!r} is not served",
                               "languages": list(self.server.languages)})
        return bench

    def _json_body(self) -> dict[str, Any] | Reply:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            return Reply(400, {"error": "bad Content-Length"})
        if not 0 < length <= _MAX_BODY:
            return Reply(413 if length > _MAX_BODY else 400, {"error": "send a JSON object body"})
        try:
            body = json.loads(self.rfile.read(length).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            return Reply(400, {"error": f"the body is not JSON: {err}"})
        if not isinstance(body, dict) or not isinstance(body.get("key"), str) \
                or not (isinstance(body.get("value"), str) or isinstance(body.get("blocks"), list)):
            return Reply(400, {"error": 'expected {"key": string, "value": string} (or "blocks": list)'})
        return body

    # --- answers ---------------------------------------------------------------------------

    def _answer(self, work: Callable[[], Reply]) -> None:
        try:
            with self.server.foreground():
                reply = work()
        except Exception as err:  # one bad request must not stop the translator's session
            reply = Reply(500, {"error": f"{type(err).__name__}: {err}"})
        self._send_json(reply.status, reply.body)

    def _send_json(self, status: int, body: Any) -> None:
        self._send(status, json.dumps(body).encode("ascii"), "application/json")

    def _send(self, status: int, payload: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Content-Security-Policy", _CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Cache-Control", "no-store")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _send_static(self, path: str) -> None:
        found = _static_file(path)
        if found is None:
            self._send_json(404, {"error": f"no such file {path}"})
            return
        payload = found.read_bytes()
        extra = {}
        if path == "/":
            extra["Set-Cookie"] = f"{_COOKIE}={self.server.token}; Path=/; HttpOnly; SameSite=Strict"
        self._send(200, payload, _STATIC_TYPES.get(found.suffix, "application/octet-stream"), extra)


def _static_file(path: str) -> Path | None:
    """The file behind an editor address; only names that exist in the two folders, no '..'."""
    if path == "/":
        path = "/static/editor.html"
    folder, _, name = path.lstrip("/").partition("/")
    root = {"static": Path(str(resources.files("site_builder.adapters.workbench") / "static")),
            "assets": Path(str(resources.files("site_builder") / "assets"))}.get(folder)
    if root is None or not name or any(part in ("", ".", "..") for part in name.split("/")):
        return None
    candidate = root.joinpath(*name.split("/"))
    return candidate if candidate.is_file() and candidate.suffix in _STATIC_TYPES else None


def _number(query: dict[str, list[str]], name: str, default: int) -> int:
    try:
        return int(_one(query, name) or default)
    except ValueError:
        return default


def _one(query: dict[str, list[str]], name: str) -> str:
    values = query.get(name) or [""]
    return values[0]


def serve(config: SiteConfig, languages: tuple[str, ...], *, port: int = 0,
          open_browser: bool = True, announce: Callable[[str], None] = print) -> None:
    """Serve the editor until interrupted; announce its URL (with the token) first."""
    try:
        server = WorkbenchServer(config, languages, port)
    except OSError as err:
        raise ConfigError(f"cannot listen on {HOST}:{port}: {err.strerror}",
                          hint="pass another --port, or --port 0 for any free one") from None
    # Loaded while the browser opens the page (its first request waits for it); the corpus is
    # read file by file later, so the address comes at once whatever the corpus's size.
    def load_and_report() -> None:
        bench = server.bench(languages[0])
        if bench is not None:
            bench.index.ready.wait()
            for error in bench.errors:  # sources that could not be read: the rest is served
                announce(f"warning: {error}")

    threading.Thread(target=load_and_report, daemon=True).start()
    announce(f"translators' workbench for {', '.join(languages)}: {server.url}")
    announce("press Ctrl+C to stop")
    if open_browser:
        import webbrowser

        threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
    try:
        server.serve_forever()
    finally:
        server.server_close()

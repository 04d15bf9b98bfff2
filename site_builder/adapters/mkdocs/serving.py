"""The local preview server's two guards: the address is free before anything is built, and
a request must name the server's own address as its Host.

Part of the MkDocs adapter, used by ``site-builder serve`` (the driver) and by ``mkdocs serve``
through the plugin's ``on_serve``. A busy port is found by binding to it the way the server
will (address reuse on), so the user learns it in one line before a whole site is built. A
request whose ``Host`` header names another site (a page on another domain whose name was
pointed at this machine, the DNS-rebinding attack) gets 403 with a one-line reason; the
server's own address, ``localhost`` and, for a server on every interface, any IP address are
answered. This module uses the WSGI calls of the standard library only; it must not build.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from mkdocs.livereload import LiveReloadServer

from site_builder.errors import ConfigError, Location

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

_WILDCARDS = {"", "0.0.0.0", "::"}


def check_address_free(host: str, port: int) -> None:
    """Raise a one-line :class:`ConfigError` when nothing could listen on ``host:port``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind((host, port))
        except OSError as err:
            busy = err.errno in (98, 48, 10048)  # EADDRINUSE on Linux, macOS, Windows
            reason = "is in use by another program" if busy else f"cannot be listened on ({err.strerror})"
            other = f"{host}:{port + 1 if port < 65535 else 8000}"
            raise ConfigError(f"the address {reason}", location=Location(_shown(host, port)),
                              hint=f"pick another with --dev-addr {other}") from None


def allowed_hosts(host: str, port: int) -> Callable[[str], bool]:
    """Whether a ``Host`` header value names this server (bound to ``host:port``)."""
    names = {_shown(host, port), f"localhost:{port}"}
    if host in ("localhost", "127.0.0.1", "::1"):
        names |= {f"127.0.0.1:{port}", f"[::1]:{port}"}
    if port == 80:
        names |= {host, "localhost"}

    def allowed(value: str) -> bool:
        value = value.strip().lower()
        if value in names:
            return True
        if host not in _WILDCARDS:
            return False
        # On every interface: any address of this machine, never a name (a name is what
        # DNS rebinding points at us).
        name, _, given_port = value.rpartition(":")
        if given_port != str(port):
            return False
        try:
            ipaddress.ip_address(name.strip("[]"))
        except ValueError:
            return False
        return True
    return allowed


class _HostCheck:
    """A WSGI app: 403 for a request whose ``Host`` does not name the server, else ``app``'s answer."""

    def __init__(self, app: WSGIApplication, server: LiveReloadServer) -> None:
        self.app, self.server = app, server
        self.host = str(server.server_address[0])  # as given: bound only when the server starts

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        allowed = allowed_hosts(self.host, int(self.server.server_address[1]))  # port 0: the one bound
        if not allowed(str(environ.get("HTTP_HOST", ""))):
            body = b"403 Forbidden: this preview server answers only to its own address\n"
            start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8"),
                                             ("Content-Length", str(len(body)))])
            return [body]
        return self.app(environ, start_response)


def refuse_foreign_hosts(server: LiveReloadServer) -> None:
    """Answer 403 to requests whose ``Host`` is not the server's own address (idempotent)."""
    app = server.get_app()
    if app is not None and not isinstance(app, _HostCheck):
        server.set_app(_HostCheck(app, server))


def _shown(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

"""Answer only the host names the server was started for: no DNS rebinding, no cross-site websockets.

A page on another site that makes its name resolve to 127.0.0.1 reaches the local app with that name in
the Host header; a page on another site that opens a websocket to 127.0.0.1 sends its own Origin. The
guard is the first rule of the tornado application, so it sees every request before any route (pages,
/api/kernels, static files, websockets, even the 404s) and refuses it with 403 and a Swedish message.

Voilà standalone is a tornado application, not a Jupyter ServerApp: it sets `allow_remote_access` and its
static and request-info handlers are plain tornado handlers that never check the Host, and jupyter_server's
check refuses every non-loopback IP address (a workshop on `--host 0.0.0.0` is reached by its LAN address).
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import tornado.log
import tornado.web
from tornado.httputil import HTTPServerRequest
from tornado.routing import Matcher, Rule

ALLOWED_HOSTS_ENV = "NYTTOLIB_ALLOWED_HOSTS"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
EVERY_INTERFACE = ("", "0.0.0.0", "::")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

REFUSED_HOST = (
    "Åtkomst nekad: nyttolib svarar bara på de adresser som servern startades för.\n"
    "Öppna sidan med adressen som visades när servern startade. Ska servern nås med ett annat namn, "
    "starta den med --allow-host NAMN (eller miljövariabeln NYTTOLIB_ALLOWED_HOSTS).\n"
)
REFUSED_ORIGIN = (
    "Åtkomst nekad: begäran kom från en annan webbplats än nyttolib. "
    "Öppna nyttolib direkt med adressen som visades när servern startade.\n"
)

_HOST_AND_PORT = re.compile(r"^(\[[^\]]*\]|[^:]*)(:\d+)?$")


def host_name(host_header: str) -> str:
    """The name in a Host header (or an Origin's netloc), lower case, without port, brackets or final dot."""
    match = _HOST_AND_PORT.match(host_header.strip().lower())
    name = match.group(1) if match else host_header.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    return name[:-1] if name.endswith(".") else name


def configured_hosts(value: str | None = None) -> list[str]:
    """Host names from NYTTOLIB_ALLOWED_HOSTS (or the given text): separated by commas or spaces."""
    text = os.environ.get(ALLOWED_HOSTS_ENV, "") if value is None else value
    return [name for name in re.split(r"[,\s]+", text) if name]


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True)
class HostPolicy:
    """Which Host names the server answers: loopback, the address it listens on, and the configured ones."""

    names: frozenset[str]
    every_interface: bool  # listening on 0.0.0.0: this machine's own addresses are its names too

    @classmethod
    def for_server(cls, listen_host: str, extra: list[str] | tuple[str, ...] = ()) -> HostPolicy:
        listen = host_name(listen_host)
        names = {*LOOPBACK_NAMES, *(host_name(name) for name in extra)}
        if listen not in EVERY_INTERFACE:
            names.add(listen)
        return cls(frozenset(names), every_interface=listen in EVERY_INTERFACE)

    def allows_host(self, host_header: str, local_address: str | None = None) -> bool:
        """A loopback or listed name; with every interface, also the address the connection came in on."""
        name = host_name(host_header)
        if name in self.names:
            return True
        address = _ip(name)
        if address is None:
            return False  # a name nobody configured: the DNS-rebinding case
        if address.is_loopback:
            return True
        return self.every_interface and local_address is not None and _ip(local_address) == address

    def refusal(self, request: HTTPServerRequest) -> str | None:
        """Why this request is refused, or None: a foreign Host, or a websocket or change from another site."""
        host = request.headers.get("Host", "")
        if not self.allows_host(host, _local_address(request)):
            return REFUSED_HOST
        if _is_websocket(request) or request.method not in SAFE_METHODS:
            origin = request.headers.get("Origin")
            if origin is not None and urlsplit(origin.lower()).netloc != host.strip().lower():
                return REFUSED_ORIGIN
        return None


def _is_websocket(request: HTTPServerRequest) -> bool:
    return request.headers.get("Upgrade", "").lower() == "websocket"


def _local_address(request: HTTPServerRequest) -> str | None:
    """The address of this machine that the connection was made to."""
    try:
        return request.connection.stream.socket.getsockname()[0]  # type: ignore[union-attr]
    except (AttributeError, OSError, IndexError):
        return None


class _Refused(Matcher):
    def __init__(self, policy: HostPolicy) -> None:
        self.policy = policy

    def match(self, request: HTTPServerRequest) -> dict | None:
        reason = self.policy.refusal(request)
        return None if reason is None else {"target_kwargs": {"reason": reason}}


class RefusedHandler(tornado.web.RequestHandler):
    """403 with a plain Swedish message, for every method (a websocket upgrade is a GET)."""

    SUPPORTED_METHODS = ("GET", "HEAD", "POST", "DELETE", "PATCH", "PUT", "OPTIONS")

    def initialize(self, reason: str) -> None:
        self.reason = reason

    def prepare(self) -> None:
        tornado.log.app_log.warning(
            "Nekade %s %s: Host %r, Origin %r",
            self.request.method,
            self.request.path,
            self.request.headers.get("Host"),
            self.request.headers.get("Origin"),
        )
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(self.reason)


def install_host_guard(application: tornado.web.Application, policy: HostPolicy) -> None:
    """Put the guard before every route the application has or will get."""
    rule = application.default_router.process_rule(Rule(_Refused(policy), RefusedHandler))
    application.default_router.rules.insert(0, rule)

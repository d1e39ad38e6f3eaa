"""Who may use the studio and how: the token, the host check, CSRF, body limits and the security headers.

Everything here runs before any page or action: :class:`Door` wraps the app as
plain ASGI middleware, so a refused request never reaches a route. Bound to
loopback without a token, the studio answers only to loopback host names (a web
page elsewhere cannot reach it by DNS rebinding). With a token, every request
must carry it: once as ``?token=`` (then kept in a cookie), or in a header.
State changes also need the CSRF token of the browser's session, which pages
carry in a hidden field and a ``<meta>`` tag for scripts.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from clapboard.errors import ClapboardError

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The largest request body the studio reads: an uploaded frame or recording, with room for the form around it.
BODY_LIMIT = 20 * 1024 * 1024
#: Where the token comes from when ``serve`` is given none.
TOKEN_ENV = "CLAPBOARD_STUDIO_TOKEN"
#: The shortest token accepted for a studio reachable from other machines.
SHORTEST_TOKEN = 16

SESSION_COOKIE = "studio_session"
TOKEN_COOKIE = "studio_token"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"

CONTENT_SECURITY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) is reachable from this machine only."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def check_binding(host: str, token: str | None) -> None:
    """Refuse to serve beyond loopback without a token, or with one short enough to guess."""
    if is_loopback(host):
        return
    if not token:
        raise ClapboardError(
            f"the studio would be open to the network on {host} without a token; "
            f"pass --token or set {TOKEN_ENV}, or bind 127.0.0.1"
        )
    if len(token) < SHORTEST_TOKEN:
        raise ClapboardError(f"the studio token must be at least {SHORTEST_TOKEN} characters long")


class Door:
    """ASGI middleware every request passes: host, token, body size, session cookie and security headers."""

    def __init__(self, app: ASGIApp, *, token: str | None, secret: bytes, limit: int = BODY_LIMIT) -> None:
        self.app = app
        self.token = token
        self.secret = secret
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        cookies = _cookies(headers.get("cookie", ""))
        if self.token is None and not _loopback_host(headers.get("host", "")):
            await _refuse(send, 421, "This studio answers on 127.0.0.1 or localhost only.")
            return
        if self.token is not None:
            offered = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"))).get("token")
            if offered is not None and _same(offered, self.token):
                await self._welcome(scope, send)
                return
            if not self._admitted(headers, cookies):
                await _refuse(send, 401, "This studio needs its token: open the address it printed when it started.")
                return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await _refuse(send, 413, f"Too large: the studio takes at most {self.limit // (1024 * 1024)} MB.")
            return
        session = cookies.get(SESSION_COOKIE, "")
        fresh = not _valid_session(session)
        if fresh:
            session = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["session"] = session
        scope["state"]["csrf"] = csrf_for(self.secret, session)
        started = False

        async def dressed(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                extra = list(_HEADERS)
                if fresh:
                    extra.append((b"set-cookie", _cookie(SESSION_COOKIE, session)))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        taken = 0

        async def counted() -> Message:
            nonlocal taken
            message = await receive()
            if message["type"] == "http.request":
                taken += len(message.get("body", b""))
                if taken > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, dressed)
        except _TooLarge:
            if started:
                raise
            await _refuse(send, 413, f"Too large: the studio takes at most {self.limit // (1024 * 1024)} MB.")

    def _admitted(self, headers: dict[str, str], cookies: dict[str, str]) -> bool:
        assert self.token is not None
        if _same(cookies.get(TOKEN_COOKIE, ""), _pass(self.token)):
            return True
        bearer = headers.get("authorization", "")
        offered = [
            headers.get("x-studio-token", ""),
            bearer[7:].strip() if bearer.lower().startswith("bearer ") else "",
        ]
        return any(o and _same(o, self.token) for o in offered)

    async def _welcome(self, scope: Scope, send: Send) -> None:
        """Keep a token offered in the address in a cookie, and send the browser on without it in the address."""
        assert self.token is not None
        query = [(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1")) if k != "token"]
        target = scope.get("path", "/") or "/"
        if not target.startswith("/") or target.startswith("//"):
            target = "/"
        if query:
            target += "?" + urlencode(query)
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", target.encode("latin-1", "replace")),
                    (b"set-cookie", _cookie(TOKEN_COOKIE, _pass(self.token))),
                    (b"cache-control", b"no-store"),
                    *_HEADERS,
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})


def csrf_for(secret: bytes, session: str) -> str:
    """The CSRF token of a browser session: a keyed hash, so a cookie planted by someone else cannot match it."""
    return hmac.new(secret, session.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The CSRF token pages of this request's session carry."""
    return request.scope["state"]["csrf"]


def csrf_ok(request: Request, offered: str | None) -> bool:
    """Whether a state change carries its session's CSRF token and, when the browser says where it comes from,
    comes from the studio's own pages."""
    if not offered or not _valid_session(request.cookies.get(SESSION_COOKIE, "")):
        return False
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
        return False
    return _same(offered, csrf_token(request))


class _TooLarge(Exception):
    """A request body past the limit, found while reading it."""


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _pass(token: str) -> str:
    """What the token cookie holds: a hash of the token, cookie-safe whatever the token's characters."""
    return hashlib.sha256(f"clapboard-studio:{token}".encode()).hexdigest()


def _valid_session(session: str) -> bool:
    return 32 <= len(session) <= 64 and all(c.isalnum() or c in "-_" for c in session)


def _loopback_host(host: str) -> bool:
    """Whether a request's Host header names this machine: ``127.0.0.1``, ``localhost`` or ``[::1]``, any port."""
    name = host if host.endswith("]") else host.rsplit(":", 1)[0]
    return name.startswith(("127.", "localhost", "[")) and is_loopback(name)


def _headers(scope: Scope) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in scope.get("headers", []):
        name = key.decode("latin-1").lower()
        text = value.decode("latin-1")
        # Two Cookie headers are joined as one; any other header counts once, as first given.
        found[name] = f"{found[name]}; {text}" if name == "cookie" and name in found else found.get(name, text)
    return found


def _cookies(header: str) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:  # a malformed Cookie header reads as no cookies
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def _cookie(name: str, value: str) -> bytes:
    return f"{name}={value}; Path=/; HttpOnly; SameSite=Strict".encode()


async def _refuse(send: Send, status: int, text: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-store"), *_HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": text.encode()})

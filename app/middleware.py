"""ASGI middleware: request size limit, no NUL in URLs, security headers, a write gate."""

from __future__ import annotations

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
# The OpenAPI pages load their own scripts and styles from a CDN-free bundle
# only in FastAPI's inline form, so they get a looser policy of their own.
DOCS_PATHS = ("/docs", "/redoc")


async def send_json(send: Send, status: int, payload: dict[str, object]) -> None:
    """Answer from a middleware with a JSON body, before the app has run."""
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    pass


class LimitBodySize:
    """Refuse request bodies over ``max_bytes`` with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(send)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        await send_json(send, 413, {"detail": f"request body exceeds {self.max_bytes} bytes"})


class SecurityHeaders:
    """A strict Content-Security-Policy (no 'unsafe-inline') and friends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        strict = not scope["path"].startswith(DOCS_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if strict:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"same-origin"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RefuseNulInUrl:
    """422 for a NUL character in the path or query string.

    Every text a client sends is refused it (``app.schemas.Text`` for bodies):
    PostgreSQL cannot store or compare it. URLs are checked here, once, so no
    route's path or query parameter can carry one into SQL.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        where = None
        if scope["type"] == "http":
            if "\x00" in scope["path"]:
                where = "path"
            elif b"%00" in scope.get("query_string", b""):
                where = "query"
        if where is not None:
            message = "the URL must not contain NUL characters"
            error = {"type": "nul_character", "loc": [where], "msg": message}
            await send_json(send, 422, {"detail": f"{where}: {message}", "errors": [error]})
            return
        await self.app(scope, receive, send)


class WriteGate:
    """At most ``slots`` writing requests at a time in this process (SQLite).

    SQLite lets one transaction write at a time; the others wait in its busy
    handler, each holding a worker thread. If every thread of the pool waited
    there, the request holding the lock would find no thread to commit on,
    and everyone would wait out the busy timeout. Writers beyond ``slots``
    therefore queue here, on the event loop, holding no thread.
    """

    def __init__(self, app: ASGIApp, slots: int) -> None:
        self.app = app
        self.slots = slots
        self._gate: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        if self._gate is None:
            self._gate = asyncio.Semaphore(self.slots)
        async with self._gate:
            await self.app(scope, receive, send)

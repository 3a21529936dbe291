"""Plain ASGI middleware (body size limit, security headers): websockets pass untouched."""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hallq import ratelimit

# Pages load only from this server: no inline script, no third-party origin.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class BodyTooLarge(Exception):
    pass


async def _reply(send: Send, status: int, detail: str, code: str, headers: list | None = None) -> None:
    body = json.dumps({"detail": detail, "code": code}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class LimitBody:
    """Refuse request bodies over `limit` bytes with 413 (announced by Content-Length or not), and
    paths no resource can have (a NUL) with 404."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if "\x00" in scope["path"]:
            # No hall, window or ticket has a NUL in its name (PostgreSQL could not even look it up).
            return await _reply(send, 404, "no such resource", "not_found")
        too_large = f"request body over {self.limit} bytes"
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    announced = int(value)
                except ValueError:
                    return await _reply(send, 400, "bad Content-Length", "bad_request")
                if announced > self.limit:
                    return await _reply(send, 413, too_large, "too_large")
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _reply(send, 413, too_large, "too_large")


class RateLimit:
    """429 (or a refused websocket) once a client address exceeds its allowance."""

    def __init__(self, app: ASGIApp, limiters: dict) -> None:
        self.app = app
        self.limiters = limiters

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        method = "WS" if scope["type"] == "websocket" else scope["method"]
        limiter = self.limiters.get(ratelimit.kind_of(method, scope["path"]))
        if limiter is not None:
            address = scope["client"][0] if scope.get("client") else "?"
            wait = limiter.allow(f"{method} {address}")
            if wait:
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008, "reason": "too many connections"})
                    return
                return await _reply(
                    send, 429, f"too many requests; try again in {wait:.0f} s", "rate_limited",
                    headers=[(b"retry-after", str(max(1, round(wait))).encode())],
                )  # fmt: skip
        await self.app(scope, receive, send)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in names]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, with_headers)

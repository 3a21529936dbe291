"""The fast lane: the hall's busiest request goes straight to its endpoint, past FastAPI's router.

Taking a number is what every kiosk does all day. Through FastAPI, one such request spends more
time in route matching, dependency solving and exit stacks than the endpoint spends on its own
work. The fast lane matches a few routes by method and path pattern and awaits the very same
endpoint function FastAPI would (it takes the request and returns a Response), maps its errors
through the app's own exception handlers, and sends the response. It sits inside the body limit,
rate limit and security headers, so those still apply; every other request passes to FastAPI.
The route stays declared on the FastAPI router as well: that is where /docs gets it from.
"""

from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

Endpoint = Callable[..., Awaitable[Response]]


class FastLane:
    def __init__(self, app: ASGIApp, owner: FastAPI, routes: list[tuple[str, str, Endpoint]]) -> None:
        self.app = app
        self.owner = owner  # whose exception handlers turn errors into responses
        # Paths compiled as Starlette compiles them, parameters converted by its own convertors.
        self.routes = [(method, *compile_path(path)[::2], endpoint) for method, path, endpoint in routes]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for method, pattern, convertors, endpoint in self.routes:
                match = pattern.match(scope["path"]) if scope["method"] == method else None
                if match:
                    params = {k: convertors[k].convert(v) for k, v in match.groupdict().items()}
                    request = Request(scope, receive, send)
                    try:
                        response = await endpoint(request=request, **params)
                    except Exception as exc:
                        response = await self._answer(request, exc)
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _answer(self, request: Request, exc: Exception) -> Response:
        """The response the app's exception handler gives; anything unhandled goes on up."""
        handlers = self.owner.exception_handlers
        for cls in type(exc).__mro__:
            if cls in handlers:
                return await handlers[cls](request, exc)
        raise exc

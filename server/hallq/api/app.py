"""The application: lifespan (database, hub, voice), error handling, routers and pages."""

import gc
import json
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError

from hallq import __version__, feed, ratelimit, timeouts
from hallq.api import fastsend, jsonbody, pages
from hallq.api.fastlane import FastLane
from hallq.api.middleware import LimitBody, RateLimit, SecurityHeaders
from hallq.api.routes import auth, board, desks, halls, health, live, ratings, tickets, users, voice, windows
from hallq.config import Settings, get_settings
from hallq.db import Database
from hallq.errors import HallQError
from hallq.live import Hub, backend_for_url
from hallq.live.snapshots import SharedReads
from hallq.models.requests import TicketCreate
from hallq.startup import prepare_database
from hallq.voice import Voice
from hallq.web import web_root

log = logging.getLogger("hallq")

DESCRIPTION = """Queue numbers for a service hall: issue tickets, call them at windows, follow
everything live. See docs/api.md for the rules behind each endpoint and the live events."""


def _error(status: int, detail, code: str) -> JSONResponse:
    return JSONResponse({"detail": detail, "code": code}, status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HallQError)
    async def domain_error(_request: Request, exc: HallQError):
        return _error(exc.status, exc.detail, exc.code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError):
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return _error(422, errors, "invalid")

    @app.exception_handler(IntegrityError)
    async def integrity_error(_request: Request, exc: IntegrityError):
        # The unique constraints are the backstop behind the row locks: nothing was written.
        log.warning("integrity conflict: %s", exc.orig)
        return _error(409, "that change collided with another one; try again", "collision")

    @app.exception_handler(OperationalError)
    async def database_down(_request: Request, exc: OperationalError):
        log.error("database unavailable: %s", exc.orig)
        return _error(503, "the database is unavailable; try again shortly", "database_unavailable")

    @app.exception_handler(DataError)
    async def bad_value(_request: Request, exc: DataError):
        # A value the database cannot hold (a NUL in a path, a number out of range): bad input.
        return _error(422, "a value in the request cannot be stored or looked up", "invalid")

    @app.exception_handler(DBAPIError)
    async def database_error(_request: Request, exc: DBAPIError):
        if exc.connection_invalidated:
            return _error(503, "the database connection was lost; try again", "database_unavailable")
        log.exception("database error")
        return _error(500, "internal error", "internal")


def create_app(settings: Settings | None = None, *, freeze_startup: bool = False) -> FastAPI:
    """The app; `freeze_startup` (the served process) keeps what startup built out of the collector."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        db = Database(settings.sqlalchemy_url)
        generated = prepare_database(db, settings)
        if generated:
            # Printed once, on the first start: it is stored only as a hash.
            print(f"\n  HallQ: created user 'admin' with password: {generated}\n", flush=True)

        async def replay(hall_id: int, after_seq: int):
            return await db.read(feed.replay, hall_id=hall_id, after_seq=after_seq)

        async def latest_seq(hall_id: int):
            return await db.read(feed.latest_seq, hall_id=hall_id)

        hub = Hub(
            backend_for_url(settings.broadcast_url),
            replay=replay,
            latest_seq=latest_seq,
            queue_size=settings.ws_queue_size,
        )
        speaker = Voice(settings, chime=web_root() / "sounds" / "chime.wav")
        speaker.start()
        # After each commit: start saying the calls, then ring the hub (the WAV is made while it flies).
        db.set_publisher(speaker.publishing(hub.publish))
        await hub.start()

        async def snapshot(slug: str) -> tuple[int, str]:
            snap = await db.read(feed.snapshot, slug=slug, recent=settings.recent_calls)
            return snap["seq"], json.dumps(snap, ensure_ascii=False, separators=(",", ":"))

        app.state.settings, app.state.db, app.state.hub, app.state.voice = settings, db, hub, speaker
        app.state.snapshots = SharedReads(snapshot)
        if freeze_startup:
            # The hundreds of thousands of objects the imports and startup made live as long as
            # the process: frozen, a full collection no longer walks them all. Measured at 500
            # tickets/s, this took the issuing p99 from 55-95 ms down to about 10 ms.
            gc.collect()
            gc.freeze()
        try:
            async with timeouts.auto_no_show(db, settings.auto_no_show_seconds):
                yield
        finally:
            await hub.stop()
            db.close()
            speaker.close()

    app = FastAPI(
        title="HallQ",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by pages.py from vendored files: a hall may have no internet
        redoc_url=None,
    )
    _install_error_handlers(app)
    # Routes are matched in this order: the health check, then the busiest (issuing, calling).
    for module in (health, tickets, windows, auth, halls, board, desks, ratings, users, voice, live):
        app.include_router(module.router)
    jsonbody.document(app, TicketCreate)
    pages.mount(app)
    # Innermost: the limits and headers below apply to the fast lane too.
    issuing = ("POST", "/api/halls/{hall}/tickets", tickets.issue_ticket)
    app.add_middleware(FastLane, owner=app, routes=[issuing])
    app.add_middleware(LimitBody, limit=settings.max_body_bytes)
    app.add_middleware(RateLimit, limiters=ratelimit.limiters_from(settings))
    app.add_middleware(SecurityHeaders)
    app.add_middleware(fastsend.KeepRawSend)  # outermost: sees the server's own send
    return app


def serve_app() -> FastAPI:
    """The factory `hallq serve` gives uvicorn (each worker process calls it)."""
    return create_app(freeze_startup=True)

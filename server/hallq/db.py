"""Engines, transactions and the rule that events go out only after their commit."""

import asyncio
import logging
import sqlite3
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from anyio import to_thread
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

from hallq.loopwriter import LoopWriter
from hallq.writer import OUTBOX, GroupWriter, Job

T = TypeVar("T")
log = logging.getLogger("hallq.db")
Publish = Callable[[list[Any]], Awaitable[None]]


def _null(_value: None) -> None:
    return None


# For each None it binds, sqlite3 looks for an adapter; missing, the lookup costs a formatted
# AttributeError, a fifth of the work of binding a new ticket and its event. Registered: NULL.
sqlite3.register_adapter(type(None), _null)


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10}, pool_size=20)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # We issue BEGIN ourselves (below), so the driver must not.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk before the customer holds the ticket, power cut or not.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        # Checkpoints run in the background (see Checkpointer), not inside a customer's commit;
        # this larger limit is only the safety net should that thread fall behind.
        cur.execute("PRAGMA wal_autocheckpoint=20000")
        # Savepoints (writer.py runs each batch's writes inside one) keep the pages they change
        # in a sub-journal; in a temp file, that doubled the cost of inserting a ticket.
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # IMMEDIATE takes the write lock up front: two processes never both read, then both
        # try to upgrade and deadlock; the second simply waits its turn.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Checkpointer:
    """Copies the WAL back into the database file once a second, off the request path.

    A checkpoint with synchronous=FULL waits for the disk; left to SQLite, it happens inside
    whichever commit crosses the limit, and that customer waits tens of milliseconds.
    """

    def __init__(self, engine: Engine, every: float = 1.0) -> None:
        self._engine = engine
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hallq-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                raw = self._engine.raw_connection()  # outside any transaction, as a checkpoint must be
                try:
                    raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
                finally:
                    raw.close()
            except Exception as exc:  # noqa: BLE001 - a missed checkpoint is retried next second
                log.warning("checkpoint failed: %s", exc)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class Database:
    """Where every read and write of HallQ goes through.

    SQLite allows one writer at a time, so the event loop runs this process's writes in
    batches (loopwriter.py) and writers queue in Python instead of spinning on a busy lock.
    PostgreSQL serialises with row locks, so writer threads run batches in parallel there.
    """

    def __init__(self, url: str, *, publish: Publish | None = None, write_threads: int = 8):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = _sqlite_engine(url, immediate=False)
            self.write_engine = _sqlite_engine(url, immediate=True)
            self._checkpointer = Checkpointer(self.engine)
        else:
            # A database that goes away must fail requests quickly (503), not hang them: short
            # connect timeout, TCP keepalives to notice a dead link, and a ping before reuse.
            connect_args = dict(
                connect_timeout=5, keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=2
            )
            self.engine = create_engine(
                url,
                pool_size=20,
                max_overflow=20,
                pool_pre_ping=True,
                pool_timeout=10,
                connect_args=connect_args,
            )
            self.write_engine = self.engine
            self._checkpointer = None
        self._publish = publish
        self._writer = (
            LoopWriter(self._write_session)
            if self.is_sqlite
            else GroupWriter(self._write_session, write_threads)
        )

    def _write_session(self) -> Session:
        return Session(self.write_engine, expire_on_commit=False)

    def set_publisher(self, publish: Publish | None) -> None:
        self._publish = publish

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session (and, on PostgreSQL, also usable for writes in tests)."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any error.

        An error marked keep_changes (a failed sign-in counting towards lockout) is raised
        after committing what was written before it.
        """
        with Session(self.write_engine, expire_on_commit=False) as session:
            session.begin()
            try:
                yield session
            except BaseException as exc:
                if getattr(exc, "keep_changes", False):
                    session.commit()
                else:
                    session.rollback()
                raise
            session.commit()

    def run_write(self, fn: Callable[..., T], /, **kwargs: Any) -> tuple[T, list[Any]]:
        """Run fn(session=…, **kwargs) in a transaction; return its result and the events it recorded."""
        with self.transaction() as session:
            result = fn(session=session, **kwargs)
        return result, session.info.pop(OUTBOX, [])

    async def write(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        """Run a domain write on a writer thread, then publish what it recorded: only after the commit."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._writer.submit(Job(fn, kwargs, loop, future))
        result, outbox = await future
        if outbox and self._publish is not None:
            await self._publish(outbox)
        return result

    async def read(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        def run() -> T:
            with self.session() as session:
                return fn(session=session, **kwargs)

        return await to_thread.run_sync(run)

    def close(self) -> None:
        self._writer.close()
        if self._checkpointer is not None:
            self._checkpointer.close()
        self.engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()

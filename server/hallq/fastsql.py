"""The few statements on the hottest paths, run on the driver's own connection.

SQLAlchemy spends some 50 µs of Python on each statement it executes; a batch of tickets takes
eight or so, and a busy hall issues hundreds a minute from many kiosks. These statements are still
written once, as SQLAlchemy Core (so the schema stays the single source of truth), compiled
once per dialect into SQL text, and then executed on the DBAPI connection underneath the
session: same transaction, none of the per-call machinery. Values bypass SQLAlchemy's type
processing, so `bind` converts dates and times exactly as SQLAlchemy would store them.
"""

from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlmodel import Session


class Statement:
    def __init__(self, stmt: ClauseElement) -> None:
        self.stmt = stmt
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict]] = {}

    def _for(self, dialect) -> tuple[str, tuple[str, ...] | None, dict]:
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.stmt.compile(dialect=dialect)
            order = tuple(compiled.positiontup) if compiled.positional else None
            # Literal values written in the statement (last=1, or None) become parameters too;
            # a bindparam without a value is the caller's to give.
            constants = {k: v for k, v in compiled.params.items() if not compiled.binds[k].required}
            found = self._compiled[dialect.name] = (str(compiled), order, constants)
        return found

    def run(self, session: Session, params: dict[str, Any]):
        """Execute in the session's transaction; returns the DBAPI cursor."""
        return self._execute(session, [params], many=False)

    def many(self, session: Session, rows: list[dict[str, Any]]) -> None:
        """Execute once per row (executemany: one statement prepared, the rows bound in C)."""
        if rows:
            self._execute(session, rows, many=True).close()

    def _execute(self, session: Session, rows: list[dict[str, Any]], *, many: bool):
        driver, dialect = _driver(session)
        sql, order, constants = self._for(dialect)
        sqlite = dialect.name == "sqlite"
        # Rows of one call share their times, days and enums (a batch is issued at one moment):
        # each distinct value is converted once.
        bound: dict[Any, Any] = {}

        def convert(v):
            try:
                found = bound.get(v, _MISSING)
            except TypeError:  # unhashable (a JSON value): converted each time
                return bind(v, sqlite)
            if found is _MISSING:
                found = bound[v] = bind(v, sqlite)
            return found

        args = []
        for params in rows:
            if constants:
                params = {**constants, **params}
            if order is not None:
                values = map(params.__getitem__, order)
                args.append(tuple([v if type(v) in _PLAIN else convert(v) for v in values]))
            else:
                args.append({k: v if type(v) in _PLAIN else convert(v) for k, v in params.items()})
        cursor = driver.cursor()
        try:
            if many:
                cursor.executemany(sql, args)
            else:
                cursor.execute(sql, args[0])
        except dialect.loaded_dbapi.Error as exc:
            # Raised as SQLAlchemy would, so the API maps it like any other (409, 422, 503).
            raise DBAPIError.instance(sql, args, exc, dialect.loaded_dbapi.Error, dialect=dialect) from exc
        return cursor

    def scalar(self, session: Session, params: dict[str, Any]):
        cursor = self.run(session, params)
        row = cursor.fetchone()
        cursor.close()
        return None if row is None else row[0]

    def all(self, session: Session, params: dict[str, Any]) -> list[tuple]:
        cursor = self.run(session, params)
        rows = cursor.fetchall()
        cursor.close()
        return rows


_DRIVER = "hallq.driver"
_PLAIN = frozenset({int, str, float, bool, type(None)})
_MISSING = object()


def _driver(session: Session):
    """The DBAPI connection of the session's current transaction (asking SQLAlchemy costs ~20 µs)."""
    transaction = session.get_transaction()
    cached = session.info.get(_DRIVER)
    if cached is not None and transaction is not None and cached[0] is transaction:
        return cached[1], cached[2]
    conn = session.connection()
    session.info[_DRIVER] = (session.get_transaction(), conn.connection.driver_connection, conn.dialect)
    return conn.connection.driver_connection, conn.dialect


def bind(value: Any, sqlite: bool) -> Any:
    """A Python value as SQLAlchemy would have sent it: naive UTC times; ISO text on SQLite."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        value = value.astimezone(UTC).replace(tzinfo=None)
        # SQLAlchemy's SQLite text form, "%Y-%m-%d %H:%M:%S.%f" (isoformat makes it 5x faster).
        return value.isoformat(" ", "microseconds") if sqlite else value
    if isinstance(value, date) and sqlite:
        return value.isoformat()
    return value

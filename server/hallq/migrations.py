"""The schema, created and upgraded by the program itself.

A one-row table holds the schema version. On start-up, under a lock that other starting
processes wait on, a new database gets every table at the latest version; an older one gets
each missing step of MIGRATIONS in order. We keep this instead of Alembic: the steps are few,
plain SQL, and run the same on SQLite and PostgreSQL without another tool to ship.
"""

from collections.abc import Callable

from sqlalchemy import Connection, text
from sqlmodel import SQLModel

import hallq.models  # noqa: F401  (registers every table)

# (version, what it does, the step). Append only; never edit a released step.
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = []
LATEST = max((v for v, _, _ in MIGRATIONS), default=1)


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        # Held until this transaction ends: a second process starting at once waits here.
        conn.execute(text("SELECT pg_advisory_xact_lock(7163001)"))


def current_version(conn: Connection) -> int | None:
    if not conn.dialect.has_table(conn, "hallq_schema"):
        return None
    return conn.execute(text("SELECT version FROM hallq_schema")).scalar_one()


def upgrade(conn: Connection) -> int:
    """Bring the schema to LATEST inside the caller's transaction; return the version found."""
    _lock(conn)
    found = current_version(conn)
    if found is None:
        SQLModel.metadata.create_all(conn)
        conn.execute(text("CREATE TABLE hallq_schema (version INTEGER NOT NULL)"))
        conn.execute(text("INSERT INTO hallq_schema (version) VALUES (:v)"), {"v": LATEST})
        return 0
    if found > LATEST:
        raise RuntimeError(
            f"the database is at schema {found}, newer than this HallQ ({LATEST}): upgrade HallQ"
        )
    for version, _what, step in MIGRATIONS:
        if version > found:
            step(conn)
            conn.execute(text("UPDATE hallq_schema SET version = :v"), {"v": version})
    return found

"""Fixtures shared by every test: a fresh database per test, the app, a client, and factories.

Set HALLQ_TEST_PG_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5433) to run everything on
PostgreSQL (each test gets its own database) and HALLQ_TEST_REDIS_URL to carry live events through Redis.
"""

import os
import uuid

import pytest

from hallq.config import Settings
from hallq.db import Database
from hallq.startup import prepare_database

ADMIN_PASSWORD = "admin-pass-123"
PG_URL = os.environ.get("HALLQ_TEST_PG_URL")
# Tests hammer the API from one address; the limits themselves are tested in test_ratelimit.py.
NO_RATE_LIMITS = {
    "rate_issue_per_minute": 0,
    "rate_login_per_minute": 0,
    "rate_read_per_minute": 0,
    "rate_socket_per_minute": 0,
}
REDIS_URL = os.environ.get("HALLQ_TEST_REDIS_URL")


def _fresh_pg_database() -> tuple[str, callable]:
    from sqlalchemy import create_engine, text

    name = f"hallq_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{PG_URL}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"{PG_URL}/{name}", drop


@pytest.fixture
def database_url(tmp_path):
    if PG_URL:
        url, drop = _fresh_pg_database()
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path / 'hallq.db'}"


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=tmp_path,
        database_url=database_url,
        broadcast_url=REDIS_URL or "memory://",
        admin_password=ADMIN_PASSWORD,
        **NO_RATE_LIMITS,
    )


@pytest.fixture
def db(settings):
    database = Database(settings.sqlalchemy_url)
    prepare_database(database, settings)
    yield database
    database.close()


@pytest.fixture
def app(settings):
    from hallq.api import create_app

    return create_app(settings)


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def anyio_backend():
    return "asyncio"


def pytest_collection_modifyitems(config, items):
    """Browser tests last: Playwright keeps an event loop running for the rest of the session,
    which the asyncio tests cannot share. PostgreSQL-only tests run in the PostgreSQL pass of
    scripts/test.sh; in the SQLite pass they are deselected, and said so (never silently).
    SQLite-only tests (its own writer) are deselected the same way in the PostgreSQL pass."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    if PG_URL:
        sqlite_only = [item for item in items if item.get_closest_marker("sqlite")]
        if sqlite_only:
            config.hook.pytest_deselected(items=sqlite_only)
            items[:] = [item for item in items if not item.get_closest_marker("sqlite")]
            print(f"\n{len(sqlite_only)} SQLite-only tests deselected in this PostgreSQL pass")
        return
    if os.environ.get("CI") == "true" and os.environ.get("HALLQ_TEST_REQUIRE_PG") == "true":
        raise pytest.UsageError(
            "HALLQ_TEST_PG_URL is not set, but this CI pass must run the PostgreSQL tests"
        )
    postgres_only = [item for item in items if item.get_closest_marker("postgres")]
    if postgres_only:
        config.hook.pytest_deselected(items=postgres_only)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]
        print(f"\n{len(postgres_only)} PostgreSQL-only tests deselected in this SQLite pass")

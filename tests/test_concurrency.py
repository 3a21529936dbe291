"""Hammer it: many kiosks issuing while every window calls. No number twice, no gaps, no double calls."""

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from hallq import issuing, windows
from hallq.access import Actor
from tests.conftest import PG_URL
from tests.factories import admin
from tests.invariants import check_all_served_once
from tests.servers import ServerProcess

ISSUERS, PER_ISSUER, WINDOWS = 8, 50, 8


def run_together(issuer, caller, issuing_done: threading.Event) -> None:
    """All issuers and all windows at once; the windows stop when the issuers are done and nobody waits."""
    with ThreadPoolExecutor(ISSUERS + WINDOWS) as pool:
        callers = [pool.submit(caller, w) for w in range(1, WINDOWS + 1)]
        issuers = [pool.submit(issuer, i) for i in range(ISSUERS)]
        try:
            for f in issuers:
                f.result()
        finally:
            issuing_done.set()  # even if an issuer failed: the windows must stop, and the error show
        for f in callers:
            f.result()


def test_threads_issuing_and_calling_at_once_directly_on_the_database(db):
    """Each thread has its own connection and transaction: the database alone keeps order."""
    boss = admin(db)
    issuing_done = threading.Event()
    # A window that found nobody waits for the next issue, as a clerk would, instead of
    # hammering the database lock with empty calls (SQLite's lock is not fair to waiters).
    issued = threading.Condition()
    count = [0]

    def issuer(i: int) -> None:
        for n in range(PER_ISSUER):
            service = "ABCD"[(i + n) % 4]
            db.run_write(issuing.issue_ticket, hall="main", service=service, actor=Actor.public(f"kiosk{i}"))
            with issued:
                count[0] += 1
                issued.notify_all()

    def caller(window: int) -> None:
        while True:
            done_before = issuing_done.is_set()
            seen = count[0]
            ticket, _ = db.run_write(windows.call_next, hall="main", window=window, actor=boss)
            if ticket is None and done_before:
                return
            if ticket is None:
                with issued:
                    issued.wait_for(lambda seen=seen: count[0] != seen or issuing_done.is_set(), timeout=1)

    run_together(issuer, caller, issuing_done)
    check_all_served_once(db, ISSUERS * PER_ISSUER)


@pytest.mark.slow
def test_two_server_processes_on_one_database(tmp_path, database_url, db):
    """Kiosks and clerks spread over two processes sharing the database, over HTTP."""
    url = database_url if PG_URL else None
    servers = [ServerProcess(tmp_path, database_url=url).start() for _ in range(2)]
    try:
        headers = servers[0].login()
        issuing_done = threading.Event()

        def issuer(i: int) -> None:
            with httpx.Client(base_url=servers[i % 2].url) as http:
                for n in range(PER_ISSUER // 2):
                    r = http.post("/api/halls/main/tickets", json={"service": "ABCD"[(i + n) % 4]})
                    assert r.status_code == 201, r.text

        def caller(window: int) -> None:
            with httpx.Client(base_url=servers[window % 2].url, headers=headers) as http:
                while True:
                    done_before = issuing_done.is_set()
                    r = http.post(f"/api/halls/main/windows/{window}/call")
                    assert r.status_code in (200, 204), r.text
                    if r.status_code == 204 and done_before:
                        return

        run_together(issuer, caller, issuing_done)
    finally:
        for server in servers:
            server.kill()
    check_all_served_once(db, ISSUERS * PER_ISSUER // 2)

"""SQLite's writer runs batches on the event loop, but never makes the loop wait for a lock."""

import asyncio
import sqlite3
import threading

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from hallq import issuing
from hallq.access import Actor
from hallq.errors import NotFound
from hallq.models import Ticket

pytestmark = pytest.mark.sqlite  # PostgreSQL has writer threads instead


def issue(db, service: str = "A", kiosk: str = "kiosk-1"):
    return db.write(issuing.issue_ticket, hall="main", service=service, actor=Actor.public(kiosk))


def test_the_loop_keeps_serving_while_another_process_holds_the_write_lock(db):
    other = sqlite3.connect(make_url(db.url).database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # as a `hallq` command in another process would

    async def scenario() -> str:
        write = asyncio.create_task(issue(db))
        for _ in range(10):  # the loop keeps turning (a blocked loop would run none of these)...
            turned = asyncio.Event()
            asyncio.get_running_loop().call_soon(turned.set)
            await turned.wait()
        assert not write.done()  # ...while the write waits for the lock, off the loop
        other.execute("COMMIT")
        ticket = await asyncio.wait_for(write, timeout=10)
        return ticket.number

    try:
        number = asyncio.run(scenario())
    finally:
        other.close()
    assert number == "A001"


def test_writes_arriving_together_share_a_batch_and_keep_their_own_outcomes(db):
    async def scenario():
        services = ["A", "B", "Z", "A", "C"] * 6
        return await asyncio.gather(*(issue(db, s) for s in services), return_exceptions=True)

    outcomes = asyncio.run(scenario())
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 6 and all(isinstance(o, NotFound) for o in refused)
    numbers = sorted(o.number for o in outcomes if not isinstance(o, Exception))
    expected = [f"A{n:03d}" for n in range(1, 13)] + [f"{s}{n:03d}" for s in "BC" for n in range(1, 7)]
    assert numbers == sorted(expected)


def test_event_loops_in_two_threads_write_side_by_side(db):
    errors: list[BaseException] = []

    def kiosk(name: str) -> None:
        async def twenty():
            for n in range(20):
                await issue(db, "ABCD"[n % 4], name)

        try:
            asyncio.run(twenty())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=kiosk, args=(f"kiosk-{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors and not any(thread.is_alive() for thread in threads)
    with db.session() as session:
        numbers = session.scalars(select(Ticket.number)).all()
    assert sorted(numbers) == [f"{s}{n:03d}" for s in "ABCD" for n in range(1, 16)]

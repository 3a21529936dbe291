"""叫号超时自动过号: a background task that passes called tickets whose customer did not come in time.

Off unless HALLQ_AUTO_NO_SHOW_SECONDS is set. Every server process may run it: the pass
itself takes the hall lock and compares-and-sets (windows.pass_overdue), so a ticket is
passed once, by whichever process gets there first.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from hallq import halls, windows
from hallq.db import Database

log = logging.getLogger("hallq.timeouts")


async def sweep(db: Database, after_seconds: int) -> list[str]:
    """One round over every hall; the numbers passed. A cheap read first: most rounds pass nothing."""
    passed: list[str] = []
    for hall in await db.read(halls.list_halls):
        if await db.read(windows.overdue, hall=hall.slug, after_seconds=after_seconds):
            passed += await db.write(windows.pass_overdue, hall=hall.slug, after_seconds=after_seconds)
    return passed


async def _run(db: Database, after_seconds: int, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            passed = await sweep(db, after_seconds)
            if passed:
                log.info("passed after %s s without the customer: %s", after_seconds, ", ".join(passed))
        except Exception:  # noqa: BLE001 - a failed round (database away) is retried next round
            log.exception("automatic no-show round failed")


@contextlib.asynccontextmanager
async def auto_no_show(db: Database, after_seconds: int | None) -> AsyncIterator[None]:
    """Run the task for the lifespan of the app, when configured."""
    if not after_seconds:
        yield
        return
    # Checked a few times per timeout, so a ticket is passed at most a few seconds late.
    task = asyncio.create_task(_run(db, after_seconds, every=min(5.0, after_seconds / 5)))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

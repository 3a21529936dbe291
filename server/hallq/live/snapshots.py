"""One snapshot read for many sockets at once.

When a server process dies, its displays and phones all reconnect to the others in the same
second, and each new socket starts with a snapshot of its hall: several queries and a JSON
text, the same for all of them. Sockets asking together share one read, as long as the read
began after the socket subscribed: then every event the snapshot does not contain is still
in that socket's queue (the same reasoning as for a read of its own).
"""

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class SharedReads(Generic[T]):
    def __init__(self, read: Callable[[str], Awaitable[T]]) -> None:
        self._read = read
        self._clock = itertools.count(1)
        self._running: dict[str, tuple[int, asyncio.Task]] = {}
        self.reads = 0  # how many reads were really made

    def mark(self) -> int:
        """A moment to pass to `get`: take it once the socket is subscribed (or asks to resync)."""
        return next(self._clock)

    async def get(self, key: str, since: int) -> T:
        """The value of a read that started after `since`: a running one if there is, else a new one."""
        running = self._running.get(key)
        if running is None or running[0] < since:
            running = (next(self._clock), asyncio.ensure_future(self._read(key)))
            self.reads += 1
            self._running[key] = running
            running[1].add_done_callback(lambda task, entry=running: self._finished(key, entry, task))
        # Shielded: one socket going away must not cancel the read the others wait for.
        return await asyncio.shield(running[1])

    def _finished(self, key: str, entry: tuple[int, asyncio.Task], task: asyncio.Task) -> None:
        if self._running.get(key) is entry:
            del self._running[key]
        if not task.cancelled():
            task.exception()  # retrieved here too: every waiter may have gone before it failed

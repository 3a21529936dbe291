"""Reconnecting sockets share snapshot reads, but never one that began before they subscribed."""

import asyncio

import pytest

from hallq.live.snapshots import SharedReads

pytestmark = pytest.mark.anyio


class SlowRead:
    """A read that waits until released, and counts how often it ran."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.release = asyncio.Event()

    async def __call__(self, key: str) -> str:
        self.calls.append(key)
        version = len(self.calls)
        await self.release.wait()
        if key == "broken":
            raise ConnectionError("database unreachable")
        return f"{key}@{version}"


async def test_sockets_asking_together_share_one_read():
    read = SlowRead()
    shared = SharedReads(read)
    marks = [shared.mark() for _ in range(100)]
    waiters = [asyncio.create_task(shared.get("main", since)) for since in marks]
    await asyncio.sleep(0)
    read.release.set()
    assert await asyncio.gather(*waiters) == ["main@1"] * 100
    assert read.calls == ["main"] and shared.reads == 1


async def test_a_socket_subscribed_after_a_read_began_gets_a_read_of_its_own():
    read = SlowRead()
    shared = SharedReads(read)
    early = asyncio.create_task(shared.get("main", shared.mark()))
    await asyncio.sleep(0)
    late_mark = shared.mark()  # subscribed while the first read runs: it may miss events
    late = asyncio.create_task(shared.get("main", late_mark))
    await asyncio.sleep(0)
    read.release.set()
    assert await early == "main@1"
    assert await late == "main@2"


async def test_halls_do_not_share_and_a_finished_read_is_not_reused():
    read = SlowRead()
    read.release.set()
    shared = SharedReads(read)
    assert await shared.get("main", shared.mark()) == "main@1"
    assert await shared.get("town", shared.mark()) == "town@2"
    assert await shared.get("main", shared.mark()) == "main@3"


async def test_one_socket_leaving_does_not_cancel_the_read_of_the_others():
    read = SlowRead()
    shared = SharedReads(read)
    since = shared.mark()
    leaving = asyncio.create_task(shared.get("main", since))
    staying = asyncio.create_task(shared.get("main", since))
    await asyncio.sleep(0)
    leaving.cancel()
    read.release.set()
    assert await staying == "main@1"
    assert leaving.cancelled()


async def test_a_failed_read_fails_each_waiter_and_the_next_ask_reads_again():
    read = SlowRead()
    shared = SharedReads(read)
    since = shared.mark()
    waiters = [asyncio.create_task(shared.get("broken", since)) for _ in range(3)]
    await asyncio.sleep(0)
    read.release.set()
    for outcome in await asyncio.gather(*waiters, return_exceptions=True):
        assert isinstance(outcome, ConnectionError)
    with pytest.raises(ConnectionError):
        await shared.get("broken", shared.mark())
    assert len(read.calls) == 2

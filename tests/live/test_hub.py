"""The hub: every subscriber gets every event once, in seq order, even when the backend misbehaves."""

import asyncio

import pytest

from hallq.events import Published
from hallq.live import Hub
from hallq.live.backends import MemoryBackend


class FakeLog:
    """The event log the hub replays from: what was committed."""

    def __init__(self) -> None:
        self.events: dict[int, str] = {}

    def commit(self, seq: int) -> Published:
        self.events[seq] = f'{{"seq":{seq}}}'
        return Published(1, seq, self.events[seq])

    async def replay(self, hall_id: int, after: int):
        return [(s, t) for s, t in sorted(self.events.items()) if s > after]

    async def latest(self, hall_id: int) -> int:
        return max(self.events, default=0)


async def drain(sub, n, timeout=2.0):
    got = []
    async with asyncio.timeout(timeout):
        while len(got) < n:
            item = await sub.get()
            got.append(item if item is None else item[0])
    return got


async def until(condition, timeout=2.0) -> None:
    """Let the hub's tasks run until `condition()` holds (the hub's delivery is a task of its own)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0)


def make_hub(log, **kw):
    return Hub(MemoryBackend(), replay=log.replay, latest_seq=log.latest, **kw)


@pytest.mark.anyio
async def test_events_reach_every_subscriber_in_order():
    log = FakeLog()
    hub = make_hub(log)
    await hub.start()
    async with hub.subscribe(1) as a, hub.subscribe(1) as b:
        await hub.publish([log.commit(s) for s in (1, 2, 3)])
        assert await drain(a, 3) == [1, 2, 3]
        assert await drain(b, 3) == [1, 2, 3]
    await hub.stop()


@pytest.mark.anyio
async def test_out_of_order_events_are_held_back_and_reordered():
    log = FakeLog()
    hub = make_hub(log, gap_wait=5)  # long: the reorder must not need the replay
    await hub.start()
    async with hub.subscribe(1) as sub:
        e1, e2, e3 = (log.commit(s) for s in (1, 2, 3))
        await hub.publish([e3, e1, e2])
        assert await drain(sub, 3) == [1, 2, 3]
    await hub.stop()


@pytest.mark.anyio
async def test_a_lost_doorbell_is_replayed_from_the_log():
    log = FakeLog()
    hub = make_hub(log, gap_wait=0.01)
    await hub.start()
    async with hub.subscribe(1) as sub:
        log.commit(1)  # committed, but its publish never arrived
        await hub.publish([log.commit(2)])
        assert await drain(sub, 2) == [1, 2]
    await hub.stop()


@pytest.mark.anyio
async def test_a_silent_loss_is_caught_by_the_periodic_check():
    log = FakeLog()
    hub = make_hub(log, check_every=0.02)
    await hub.start()
    async with hub.subscribe(1) as sub:
        log.commit(1)  # nothing is published at all
        assert await drain(sub, 1) == [1]
    await hub.stop()


@pytest.mark.anyio
async def test_a_slow_subscriber_is_dropped_without_holding_up_the_others():
    log = FakeLog()
    hub = make_hub(log, queue_size=8)
    await hub.start()
    async with hub.subscribe(1) as slow, hub.subscribe(1) as fast:
        got = []
        for seq in range(1, 21):
            await hub.publish([log.commit(seq)])
            got += await drain(fast, 1)
        assert got == list(range(1, 21))
        assert slow.dropped
        assert await drain(slow, 1) == [None]  # told to resync, nothing else buffered
        assert slow.queue.empty()
    await hub.stop()


@pytest.mark.anyio
async def test_an_idle_subscriber_takes_a_batch_at_once_as_one_message():
    log = FakeLog()
    hub = make_hub(log)
    await hub.start()
    log.commit(1)
    log.commit(2)
    async with hub.subscribe(1) as sub:
        await hub.publish([log.commit(3)])
        assert await drain(sub, 1) == [3]
    await hub.stop()


class FlakyBackend(MemoryBackend):
    """Fails the first time it is asked for a message, as a backend with a bad moment would."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = 1

    async def next_published(self):
        if self.failures:
            self.failures -= 1
            raise RuntimeError("backend hiccup")
        return await super().next_published()


@pytest.mark.anyio
async def test_the_hub_keeps_listening_after_a_backend_error(caplog):
    log = FakeLog()
    hub = Hub(FlakyBackend(), replay=log.replay, latest_seq=log.latest)
    await hub.start()
    async with hub.subscribe(1) as sub:
        await hub.publish([log.commit(1)])
        assert await drain(sub, 1) == [1]
    await hub.stop()
    assert "live backend failed" in caplog.text


@pytest.mark.anyio
async def test_an_idle_subscriber_takes_a_burst_directly_as_one_batch():
    log = FakeLog()
    hub = make_hub(log)
    await hub.start()
    async with hub.subscribe(1) as sub:
        taken: list[tuple[list[int], str]] = []
        sub.direct = lambda items, text: taken.append(([s for s, _ in items], text)) or True
        await hub.publish([log.commit(1), log.commit(2)])
        await until(lambda: taken)
        assert taken == [([1, 2], '[{"seq":1},{"seq":2}]')]
        assert sub.queue.empty()
    await hub.stop()


@pytest.mark.anyio
async def test_nothing_overtakes_what_is_already_queued():
    log = FakeLog()
    hub = make_hub(log)
    await hub.start()
    async with hub.subscribe(1) as sub:
        sub.direct = lambda items, text: False  # busy: everything waits in the queue
        await hub.publish([log.commit(1)])
        await until(lambda: not sub.queue.empty())
        taken = []
        sub.direct = lambda items, text: taken.append(items) or True  # idle again, but 1 is queued
        await hub.publish([log.commit(2)])
        await until(lambda: sub.queue.qsize() >= 2 or taken)
        assert taken == []  # 2 queued behind 1, not written ahead of it
        assert await drain(sub, 2) == [1, 2]
    await hub.stop()

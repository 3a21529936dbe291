"""The hub: one per process. It hands each committed event to every local subscriber of its hall,
exactly once and in seq order, whatever the backend did.

Events of one hall may arrive out of order (two processes commit seq 10 and 11 and publish
in the other order) or not at all (Redis restarted, a publish failed after the commit). The
hub holds back an event that comes early; if the gap is not filled within `gap_wait`, it reads
the missing events from the event log, where every committed event is. A periodic check of
the hall's latest seq catches events whose doorbell never rang.

Events delivered together (a call is two: the previous ticket finished, the next one called)
go to each subscriber as one batch. A subscriber that is idle may take a batch directly (a
socket writes it at once, no task switch); otherwise it goes into the subscriber's bounded
queue: one that falls behind (a dead or slow socket) is dropped and told so, never allowed
to grow memory or hold up the others.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol

from hallq.live.backends import Backend

log = logging.getLogger("hallq.live")

Replay = Callable[[int, int], Awaitable[list[tuple[int, str]]]]  # (hall_id, after_seq) -> [(seq, text)]
LatestSeq = Callable[[int], Awaitable[int]]


class Direct(Protocol):
    def __call__(self, items: list[tuple[int, str]], text: str) -> bool:
        """Take the batch now (`text` is it as one message); False leaves it to the queue."""


class Subscription:
    def __init__(self, hall_id: int, size: int) -> None:
        self.hall_id = hall_id
        self.queue: asyncio.Queue[tuple[int, str] | None] = asyncio.Queue(size)
        self.dropped = False
        self.direct: Direct | None = None

    def offer_batch(self, items: list[tuple[int, str]], text: str) -> None:
        if self.dropped:
            return
        # Straight through only when nothing is queued: events never overtake each other.
        if self.direct is not None and self.queue.empty() and self.direct(items, text):
            return
        for item in items:
            self.offer(item)

    def offer(self, item: tuple[int, str]) -> None:
        if self.dropped:
            return
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            # Too far behind to catch up event by event: it must resync from a snapshot.
            self.close()

    def close(self) -> None:
        """Empty the queue and leave None in it: the consumer learns it was dropped."""
        if self.dropped and not self.queue.empty():
            return
        self.dropped = True
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(None)

    async def get(self) -> tuple[int, str] | None:
        """The next (seq, text); None means this subscriber was dropped and must resync."""
        return await self.queue.get()


class _Feed:
    """A hall's stream in this process."""

    def __init__(self) -> None:
        self.subscribers: set[Subscription] = set()
        self.last_seq = 0
        self.early: dict[int, str] = {}
        self.gap_task: asyncio.Task | None = None
        self.ready = asyncio.Event()
        self.outgoing: list[tuple[int, str]] = []


def channel_for(hall_id: int) -> str:
    return f"hallq.hall.{hall_id}"


class Hub:
    def __init__(
        self,
        backend: Backend,
        *,
        replay: Replay,
        latest_seq: LatestSeq,
        queue_size: int = 256,
        gap_wait: float = 0.05,
        check_every: float = 2.0,
    ) -> None:
        self.backend = backend
        self._replay = replay
        self._latest_seq = latest_seq
        self._queue_size = queue_size
        self._gap_wait = gap_wait
        self._check_every = check_every
        self._feeds: dict[int, _Feed] = {}
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> None:
        await self.backend.connect()
        self._tasks = [
            asyncio.create_task(self._listen(), name="hallq-hub-listen"),
            asyncio.create_task(self._check_periodically(), name="hallq-hub-check"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for feed in self._feeds.values():
            if feed.gap_task:
                feed.gap_task.cancel()
            for sub in feed.subscribers:
                sub.close()
        await self.backend.disconnect()

    async def publish(self, events) -> None:
        """Ring the doorbell for committed events. A failure loses nothing: the event log has them."""
        for event in events:
            try:
                await self.backend.publish(channel_for(event.hall_id), f"{event.seq}\n{event.text}")
            except Exception as exc:  # noqa: BLE001 - the commit stands whatever the backend does
                log.warning(
                    "could not publish event %s of hall %s: %s",
                    event.seq,
                    event.hall_id,
                    exc,
                )

    @contextlib.asynccontextmanager
    async def subscribe(self, hall_id: int) -> AsyncIterator[Subscription]:
        feed = self._feeds.get(hall_id)
        if feed is None:
            feed = self._feeds[hall_id] = _Feed()
            await self.backend.subscribe(channel_for(hall_id))
            # Subscribed first, then read: an event committed in between is not missed.
            feed.last_seq = await self._latest_seq(hall_id)
            feed.ready.set()
        else:
            await feed.ready.wait()
        sub = Subscription(hall_id, self._queue_size)
        feed.subscribers.add(sub)
        try:
            yield sub
        finally:
            feed.subscribers.discard(sub)
            if not feed.subscribers and self._feeds.get(hall_id) is feed:
                del self._feeds[hall_id]
                if feed.gap_task:
                    feed.gap_task.cancel()
                await self.backend.unsubscribe(channel_for(hall_id))

    def subscriber_count(self) -> int:
        return sum(len(f.subscribers) for f in self._feeds.values())

    async def _listen(self) -> None:
        while True:
            try:
                channel, message = await self.backend.next_published()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the listener must outlive any backend trouble
                log.exception("live backend failed; listening again shortly")
                await asyncio.sleep(0.5)
                continue
            try:
                hall_id = int(channel.rsplit(".", 1)[1])
                seq_text, text = message.split("\n", 1)
                self._receive(hall_id, int(seq_text), text)
            except Exception:  # noqa: BLE001 - one bad message must not stop the hub
                log.exception("bad live message on %s", channel)

    def _receive(self, hall_id: int, seq: int, text: str) -> None:
        feed = self._feeds.get(hall_id)
        if feed is None or not feed.ready.is_set() or seq <= feed.last_seq:
            return
        if seq == feed.last_seq + 1:
            self._deliver(feed, seq, text)
            while feed.last_seq + 1 in feed.early:
                nxt = feed.last_seq + 1
                self._deliver(feed, nxt, feed.early.pop(nxt))
            return
        feed.early[seq] = text
        if feed.gap_task is None or feed.gap_task.done():
            feed.gap_task = asyncio.create_task(self._fill_gap(hall_id, feed, delay=self._gap_wait))

    def _deliver(self, feed: _Feed, seq: int, text: str) -> None:
        feed.last_seq = seq
        if not feed.outgoing:
            # Hand over once the listener has taken every message already waiting: a burst
            # becomes one batch per subscriber.
            asyncio.get_running_loop().call_soon(self._flush, feed)
        feed.outgoing.append((seq, text))

    def _flush(self, feed: _Feed) -> None:
        items, feed.outgoing = feed.outgoing, []
        text = items[0][1] if len(items) == 1 else "[" + ",".join(t for _, t in items) + "]"
        for sub in list(feed.subscribers):
            sub.offer_batch(items, text)

    async def _fill_gap(self, hall_id: int, feed: _Feed, *, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            missing = await self._replay(hall_id, feed.last_seq)
        except Exception as exc:  # noqa: BLE001 - the database may be briefly away; the check retries
            log.warning("could not replay events of hall %s: %s", hall_id, exc)
            return
        for seq, text in missing:
            if seq == feed.last_seq + 1:
                feed.early.pop(seq, None)
                self._deliver(feed, seq, text)
        for seq in [s for s in feed.early if s <= feed.last_seq]:
            del feed.early[seq]

    async def _check_periodically(self) -> None:
        while True:
            await asyncio.sleep(self._check_every)
            await self.check_now()

    async def check_now(self) -> None:
        """Replay anything committed that this process has not delivered (a lost doorbell)."""
        for hall_id, feed in list(self._feeds.items()):
            if not feed.ready.is_set() or (feed.gap_task and not feed.gap_task.done()):
                continue
            try:
                latest = await self._latest_seq(hall_id)
            except Exception as exc:  # noqa: BLE001
                log.warning("could not check hall %s: %s", hall_id, exc)
                continue
            if latest > feed.last_seq:
                feed.gap_task = asyncio.create_task(self._fill_gap(hall_id, feed, delay=0))

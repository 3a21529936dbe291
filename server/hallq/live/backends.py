"""Where published events travel between server processes.

The interface is broadcaster's: connect, disconnect, subscribe, unsubscribe, publish, and
next_published. memory:// serves one process; redis:// lets every process of every host see
every event. A backend may lose messages (Redis restarts); the hub notices the gap by seq
and replays the missing events from the database, so subscribers never do.
"""

import asyncio
import logging
from typing import Protocol
from urllib.parse import urlparse

log = logging.getLogger("hallq.live")


class Backend(Protocol):
    async def connect(self) -> None: ...
    async def disconnect(self) -> None: ...
    async def subscribe(self, channel: str) -> None: ...
    async def unsubscribe(self, channel: str) -> None: ...
    async def publish(self, channel: str, message: str) -> None: ...
    async def next_published(self) -> tuple[str, str]: ...


class MemoryBackend:
    def __init__(self) -> None:
        self._channels: set[str] = set()
        self._queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()

    async def connect(self) -> None:
        pass

    async def disconnect(self) -> None:
        pass

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)

    async def publish(self, channel: str, message: str) -> None:
        if channel in self._channels:
            self._queue.put_nowait((channel, message))

    async def next_published(self) -> tuple[str, str]:
        return await self._queue.get()


class RedisBackend:
    """Redis pub/sub that outlives Redis restarts: it reconnects with backoff and re-subscribes."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis  # only needed when configured

        self._redis_module = redis
        self._url = url
        self._channels: set[str] = set()
        self._client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=None)
        self._pubsub = None
        self.reconnected = asyncio.Event()

    async def connect(self) -> None:
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)

    async def disconnect(self) -> None:
        if self._pubsub is not None:
            await self._pubsub.aclose()
        await self._client.aclose()

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)
        try:
            await self._pubsub.subscribe(channel)
        except (OSError, self._redis_module.RedisError) as exc:
            log.warning("redis subscribe failed (%s); will retry on reconnect", exc)

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)
        try:
            await self._pubsub.unsubscribe(channel)
        except (OSError, self._redis_module.RedisError):
            pass

    async def publish(self, channel: str, message: str) -> None:
        await self._client.publish(channel, message)

    async def next_published(self) -> tuple[str, str]:
        delay = 0.1
        while True:
            try:
                if not self._channels or self._pubsub.connection is None:
                    # Nothing subscribed yet (or the subscribe is still on its way).
                    await asyncio.sleep(0.05)
                    continue
                message = await self._pubsub.get_message(timeout=1.0)
                delay = 0.1
                if message is None or message["type"] != "message":
                    continue
                channel, data = message["channel"], message["data"]
                return (
                    channel.decode() if isinstance(channel, bytes) else channel,
                    data.decode() if isinstance(data, bytes) else data,
                )
            except (OSError, self._redis_module.RedisError) as exc:
                log.warning("redis connection lost (%s); reconnecting in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
                await self._resubscribe()

    async def _resubscribe(self) -> None:
        try:
            await self._pubsub.aclose()
        except Exception:  # the old connection is gone anyway
            pass
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        try:
            if self._channels:
                await self._pubsub.subscribe(*self._channels)
            # Messages sent while we were away are lost: the hub checks the database for them.
            self.reconnected.set()
        except (OSError, self._redis_module.RedisError):
            pass


def backend_for_url(url: str) -> Backend:
    scheme = urlparse(url).scheme
    if scheme == "memory":
        return MemoryBackend()
    if scheme in ("redis", "rediss"):
        return RedisBackend(url)
    raise ValueError(f"unknown broadcast backend {url!r}: use memory:// or redis://")

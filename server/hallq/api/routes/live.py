"""Live websockets: the hall feed (public, read-only) and one ticket's feed for the phone page."""

import asyncio
import contextlib
import json
import logging

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from hallq import halls, tickets
from hallq.api import fastsend
from hallq.errors import NotFound
from hallq.live import Subscription

router = APIRouter()
log = logging.getLogger("hallq.live")

# Close codes: 4404 unknown hall or ticket; 1008 a message we do not accept; 1009 too big;
# 1013 this socket fell too far behind (reconnect and take a fresh snapshot).
CLOSE_NOT_FOUND, CLOSE_POLICY, CLOSE_TOO_BIG, CLOSE_TRY_AGAIN = 4404, 1008, 1009, 1013
RESYNC, PING = -1, -2
MAX_BATCH = 64


class FeedSocket:
    """One socket of the hall feed: a snapshot, then every event after it, in seq order.

    A single coroutine writes to the socket; client requests ("resync", "ping") reach it
    through the subscription's own queue, so two writes never interleave.
    """

    def __init__(self, websocket: WebSocket, sub: Subscription, hall: str) -> None:
        self.ws = websocket
        self.sub = sub
        self.hall = hall
        self.app = websocket.app
        self.snapshot_seq = 0
        self.snapshots = websocket.app.state.snapshots
        self.subscribed = self.snapshots.mark()  # a shared snapshot must be read after this
        self.resync_asked = self.subscribed
        self.idle = False  # waiting for the queue: the hub may hand a batch straight to the socket
        sub.direct = self._direct

    async def run(self) -> None:
        """Until either side ends: the client goes (or misbehaves), or the writer closes."""
        tasks = [asyncio.create_task(self._write()), asyncio.create_task(self._read())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError, OSError):
                    await task

    async def _send_snapshot(self, since: int) -> None:
        self.snapshot_seq, text = await self.snapshots.get(self.hall, since)
        await self.ws.send_text(text)

    async def _write(self) -> None:
        with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
            await self._write_until_closed()

    async def _write_until_closed(self) -> None:
        await self._send_snapshot(self.subscribed)
        while True:
            self.idle = True
            first = await self.sub.get()
            self.idle = False
            batch = [first]
            while len(batch) < MAX_BATCH and not self.sub.queue.empty():
                batch.append(self.sub.queue.get_nowait())
            events: list[str] = []
            for item in batch:
                if item is not None and item[0] > 0:
                    if item[0] > self.snapshot_seq:
                        events.append(item[1])
                    continue
                await self._send_events(events)
                events = []
                if item is None:
                    log.warning("closing a hall feed socket of %s: it fell behind", self.hall)
                    await self.ws.close(CLOSE_TRY_AGAIN, "fell behind; reconnect for a fresh snapshot")
                    return
                if item[0] == RESYNC:
                    await self._send_snapshot(self.resync_asked)
                else:
                    await self.ws.send_text('{"type":"pong"}')
            await self._send_events(events)

    def _direct(self, items: list[tuple[int, str]], text: str) -> bool:
        """Write a batch at once if this socket is idle and its connection allows the fast path."""
        if not self.idle:
            return False
        if items[0][0] <= self.snapshot_seq:
            fresh = [t for seq, t in items if seq > self.snapshot_seq]
            if not fresh:
                return True
            text = fresh[0] if len(fresh) == 1 else "[" + ",".join(fresh) + "]"
        return fastsend.try_write(self.ws.scope, text)

    async def _send_events(self, events: list[str]) -> None:
        """Events ready together go out as one message (a JSON array): a call is usually two
        events, the previous ticket's finish and the call, and every message costs a system
        call per socket, thousands of sockets at a time."""
        if not events:
            return
        text = events[0] if len(events) == 1 else "[" + ",".join(events) + "]"
        if not fastsend.try_write(self.ws.scope, text):
            await self.ws.send_text(text)

    async def _read(self) -> None:
        limit = self.app.state.settings.ws_max_message_bytes
        try:
            while True:
                text = await self.ws.receive_text()
                if len(text) > limit:
                    await self.ws.close(CLOSE_TOO_BIG, "message too big")
                    return
                try:
                    kind = json.loads(text).get("type")
                except (ValueError, AttributeError):
                    kind = None
                if kind == "resync":
                    self.resync_asked = self.snapshots.mark()  # the snapshot must be newer than the ask
                    self.sub.offer((RESYNC, ""))
                elif kind == "ping":
                    self.sub.offer((PING, ""))
                else:
                    await self.ws.close(
                        CLOSE_POLICY, 'this feed is read-only: send {"type":"resync"} or ping'
                    )
                    return
        except (WebSocketDisconnect, KeyError, RuntimeError):
            pass  # the client is gone


@router.websocket("/ws/halls/{hall}")
async def hall_feed(websocket: WebSocket, hall: str) -> None:
    """Public, read-only. First a snapshot with `seq`, then one message per change."""
    state = websocket.app.state
    try:
        hall_id = await state.db.read(halls.hall_id, slug=hall)
    except NotFound:
        await websocket.close(CLOSE_NOT_FOUND, "unknown hall")
        return
    await websocket.accept()
    async with state.hub.subscribe(hall_id) as sub:
        await FeedSocket(websocket, sub, hall).run()


@router.websocket("/ws/tickets/{token}")
async def ticket_feed(websocket: WebSocket, token: str) -> None:
    """One ticket for its holder's phone: {"type":"ticket","ticket":…} now and whenever it changes."""
    state = websocket.app.state
    try:
        ticket = await state.db.read(tickets.ticket_by_token, token=token)
        hall_id = await state.db.read(halls.hall_id, slug=ticket.hall)
    except NotFound:
        await websocket.close(CLOSE_NOT_FOUND, "unknown ticket")
        return
    await websocket.accept()
    async with state.hub.subscribe(hall_id) as sub:
        sent = None
        try:
            while True:
                if ticket != sent:
                    await websocket.send_text(
                        json.dumps({"type": "ticket", "ticket": ticket.model_dump(mode="json")})
                    )
                    sent = ticket
                item = await sub.get()
                if item is None:
                    await websocket.close(CLOSE_TRY_AGAIN, "reconnect")
                    return
                # Many events may be queued: one look at the ticket answers them all.
                while not sub.queue.empty():
                    if sub.queue.get_nowait() is None:
                        await websocket.close(CLOSE_TRY_AGAIN, "reconnect")
                        return
                ticket = await state.db.read(tickets.ticket_by_token, token=token)
        except (WebSocketDisconnect, RuntimeError):
            pass

"""One hall event to thousands of sockets: write the same frame bytes to each connection.

Telling a hall that a number was called means one websocket message per screen, thousands at
a time. Through Starlette, uvicorn and the websockets protocol object, each message costs about
50 µs of Python before its system call; the frame itself is identical for every socket (the
server never masks, and we turn per-message compression off). So where the connection is
uvicorn's websockets-sansio protocol, open, with no extension negotiated and not paused by
flow control, we write the prebuilt frame straight to its transport; in every other case the
message takes the ordinary ASGI path. The frame format is the protocol's own (RFC 6455).
"""

from collections import OrderedDict

from starlette.types import ASGIApp, Receive, Scope, Send
from websockets.frames import Frame, Opcode
from websockets.protocol import OPEN

RAW_SEND = "hallq.raw_send"


class KeepRawSend:
    """Pure ASGI, outermost: remembers the server's own websocket `send` before anyone wraps it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            scope[RAW_SEND] = send
        await self.app(scope, receive, send)


_frames: OrderedDict[str, bytes] = OrderedDict()


def _frame(text: str) -> bytes:
    """The serialized text frame, shared by every socket sending the same message."""
    frame = _frames.get(text)
    if frame is None:
        frame = Frame(Opcode.TEXT, text.encode()).serialize(mask=False)
        _frames[text] = frame
        if len(_frames) > 32:
            _frames.popitem(last=False)
    return frame


def try_write(scope: Scope, text: str) -> bool:
    """Write the message directly if this connection allows it; False means use the ASGI send."""
    protocol = getattr(scope.get(RAW_SEND), "__self__", None)
    conn = getattr(protocol, "conn", None)
    transport = getattr(protocol, "transport", None)
    if (
        conn is None
        or transport is None
        or getattr(conn, "state", None) is not OPEN
        or conn.extensions
        or protocol.close_sent
        or not protocol.writable.is_set()
        or transport.is_closing()
    ):
        return False
    transport.write(_frame(text))
    return True

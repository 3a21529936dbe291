"""The shared-frame fast path writes exactly what the websocket protocol would, or steps aside."""

import asyncio
from types import SimpleNamespace

from websockets.frames import Frame
from websockets.protocol import CLOSING, OPEN

from hallq.api import fastsend


class FakeTransport:
    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return self.closing


def scope_for(*, state=OPEN, extensions=(), paused=False, close_sent=False):
    writable = asyncio.Event()
    if not paused:
        writable.set()
    protocol = SimpleNamespace(
        conn=SimpleNamespace(state=state, extensions=list(extensions)),
        transport=FakeTransport(),
        writable=writable,
        close_sent=close_sent,
    )
    protocol.send = lambda message: None
    # A bound method's __self__ is the protocol, as with uvicorn's own send.
    send = SimpleNamespace(__self__=protocol)
    return {fastsend.RAW_SEND: send}, protocol.transport


def test_an_open_plain_connection_gets_the_protocols_own_frame():
    scope, transport = scope_for()
    text = '{"type":"ticket.called","text":"请A001号到3号窗口办理"}'
    assert fastsend.try_write(scope, text)
    (written,) = transport.written
    assert written == Frame(0x1, text.encode()).serialize(mask=False)
    assert written[0] == 0x81 and text.encode() in written  # FIN + text, unmasked


def test_anything_unusual_takes_the_ordinary_path():
    for case in (
        {"state": CLOSING},
        {"extensions": ["permessage-deflate"]},
        {"paused": True},
        {"close_sent": True},
    ):
        scope, transport = scope_for(**case)
        assert not fastsend.try_write(scope, "{}"), case
        assert transport.written == []
    assert not fastsend.try_write({}, "{}")  # another server: no raw send known

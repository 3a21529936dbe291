"""A real server in a subprocess: uvicorn, real websockets, kill -9 and restart, Ctrl-C."""

import asyncio
import json

import httpx
import pytest
import websockets

from tests.conftest import PG_URL
from tests.servers import ServerProcess

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path, database_url):
    proc = ServerProcess(tmp_path, database_url=database_url if PG_URL else None).start()
    yield proc
    proc.kill()


async def receive_type(ws, wanted: str, timeout: float = 5) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            for event in message if isinstance(message, list) else [message]:
                if event["type"] == wanted:
                    return event


@pytest.mark.anyio
async def test_a_websocket_client_receives_ticket_called_after_the_http_call(server):
    headers = server.login()
    async with httpx.AsyncClient(base_url=server.url) as http:
        await http.post("/api/halls/main/tickets", json={"service": "D"})
        async with websockets.connect(f"{server.ws_url}/ws/halls/main") as ws:
            snapshot = json.loads(await ws.recv())
            assert snapshot["type"] == "snapshot"
            response = await http.post("/api/halls/main/windows/8/call", headers=headers)
            assert response.status_code == 200
            called = await receive_type(ws, "ticket.called")
    assert called["ticket"]["number"] == "D001" and called["window"] == 8
    assert called["text"] == "请D001号到8号窗口办理"
    assert called["seq"] == snapshot["seq"] + 1


def test_tickets_and_counters_survive_a_killed_server(server):
    issued = [
        httpx.post(f"{server.url}/api/halls/main/tickets", json={"service": "A"}).json() for _ in range(3)
    ]
    headers = server.login()
    httpx.post(f"{server.url}/api/halls/main/windows/1/call", headers=headers)
    server.kill()
    server.start()
    for ticket in issued:
        again = httpx.get(f"{server.url}/api/tickets/{ticket['token']}").json()
        assert again["number"] == ticket["number"]
    assert httpx.get(f"{server.url}/api/tickets/{issued[0]['token']}").json()["status"] == "called"
    # Numbering continues where it was: no duplicate after the crash.
    assert (
        httpx.post(f"{server.url}/api/halls/main/tickets", json={"service": "A"}).json()["number"] == "A004"
    )
    # The sign-in token was stored too.
    assert (
        httpx.post(f"{server.url}/api/halls/main/windows/1/call", headers=headers).json()["number"] == "A002"
    )


def test_ctrl_c_stops_the_server_cleanly_even_with_a_display_connected(server):
    async def hold_socket_then_stop():
        async with websockets.connect(f"{server.ws_url}/ws/halls/main") as ws:
            await ws.recv()
            return await asyncio.to_thread(server.stop)

    assert asyncio.run(hold_socket_then_stop()) == 0

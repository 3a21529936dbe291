"""The live feed over websockets: snapshot first, then every change with an increasing seq."""

import pytest
from starlette.websockets import WebSocketDisconnect

from tests.factories import login


def test_first_message_is_a_snapshot_then_events_follow(client):
    client.post("/api/halls/main/tickets", json={"service": "A"})
    headers = login(client)
    with client.websocket_connect("/ws/halls/main") as ws:
        snapshot = ws.receive_json()
        assert snapshot["type"] == "snapshot" and snapshot["seq"] == 1
        assert snapshot["hall"]["services"][0]["waiting"] == 1
        assert len(snapshot["hall"]["windows"]) == 8
        client.post("/api/halls/main/tickets", json={"service": "B"})
        issued = ws.receive_json()
        assert (issued["type"], issued["seq"], issued["ticket"]["number"]) == ("ticket.issued", 2, "B001")
        assert issued["waiting"] == {"A": 1, "B": 1, "C": 0, "D": 0}
        client.post("/api/halls/main/windows/1/call", headers=headers)
        called = ws.receive_json()
        assert called["type"] == "ticket.called" and called["seq"] == 3
        assert called["ticket"]["number"] == "A001" and called["window"] == 1
        assert called["text"] == "请A001号到1号窗口办理" and called["recall"] is False
        client.post("/api/halls/main/windows/1/pause", headers=headers)
        updated = ws.receive_json()
        assert updated["type"] == "window.updated" and updated["window"]["status"] == "paused"
        assert updated["seq"] == 4


def test_snapshot_carries_todays_recent_calls_newest_first(client):
    headers = login(client)
    for service in "AB":
        client.post("/api/halls/main/tickets", json={"service": service})
    client.post("/api/halls/main/windows/1/call", headers=headers)
    client.post("/api/halls/main/windows/3/call", headers=headers)
    with client.websocket_connect("/ws/halls/main") as ws:
        calls = ws.receive_json()["recent_calls"]
    assert [(c["ticket"]["number"], c["window"]) for c in calls] == [("B001", 3), ("A001", 1)]


def test_a_refused_action_publishes_nothing(client):
    headers = login(client)
    with client.websocket_connect("/ws/halls/main") as ws:
        ws.receive_json()
        assert client.post("/api/halls/main/windows/1/finish", headers=headers).status_code == 409
        client.post("/api/halls/main/tickets", json={"service": "A"})
        # The next message is the issue, with the next seq: nothing came from the refused finish.
        assert ws.receive_json()["seq"] == 1


def test_resync_sends_a_fresh_snapshot_and_ping_pongs(client):
    with client.websocket_connect("/ws/halls/main") as ws:
        ws.receive_json()
        client.post("/api/halls/main/tickets", json={"service": "A"})
        assert ws.receive_json()["type"] == "ticket.issued"
        ws.send_json({"type": "resync"})
        again = ws.receive_json()
        assert again["type"] == "snapshot" and again["seq"] == 1
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}


def test_the_feed_is_read_only_anything_else_closes_that_socket_only(client):
    with (
        client.websocket_connect("/ws/halls/main") as good,
        client.websocket_connect("/ws/halls/main") as bad,
    ):
        good.receive_json()
        bad.receive_json()
        bad.send_json({"type": "call", "window": 1})
        with pytest.raises(WebSocketDisconnect) as closed:
            bad.receive_json()
        assert closed.value.code == 1008
        client.post("/api/halls/main/tickets", json={"service": "A"})
        assert good.receive_json()["type"] == "ticket.issued"


def test_an_oversized_message_closes_the_socket(client):
    with client.websocket_connect("/ws/halls/main") as ws:
        ws.receive_json()
        ws.send_text("x" * 10_000)
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 1009


def test_unknown_hall_is_refused(client):
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/ws/halls/nowhere") as ws:
        ws.receive_json()
    assert refused.value.code == 4404


def test_the_ticket_feed_follows_one_ticket(client):
    headers = login(client)
    mine = client.post("/api/halls/main/tickets", json={"service": "A"}).json()
    client.post("/api/halls/main/tickets", json={"service": "A"})
    with client.websocket_connect(f"/ws/tickets/{mine['token']}") as ws:
        first = ws.receive_json()
        assert first["type"] == "ticket" and first["ticket"]["number"] == "A001"
        assert first["ticket"]["status"] == "waiting"
        client.post("/api/halls/main/windows/2/call", headers=headers)
        called = ws.receive_json()["ticket"]
        assert called["status"] == "called" and called["window"] == 2
        assert "phone" not in called


def test_the_ticket_feed_needs_a_real_token(client):
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/ws/tickets/nope") as ws:
        ws.receive_json()
    assert refused.value.code == 4404

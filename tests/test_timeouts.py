"""叫号超时自动过号: a called ticket whose customer does not come is passed by itself, once, when enabled."""

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from hallq import clock, windows
from hallq.errors import Conflict
from hallq.models import Event
from tests.factories import admin, issue, login, next_event, run


def act(db, action, window):
    return run(db, getattr(windows, action), hall="main", window=window, actor=admin(db))


def pass_overdue(db, after=60, later=61):
    return run(
        db,
        windows.pass_overdue,
        hall="main",
        after_seconds=after,
        moment=clock.now() + timedelta(seconds=later),
    )


def test_a_called_ticket_nobody_came_for_is_passed_by_the_system(db):
    issue(db, service="A")
    act(db, "call_next", 1)
    assert pass_overdue(db, later=30) == ([], [])  # not yet
    passed, events = pass_overdue(db, later=61)
    assert passed == ["A001"]
    message = json.loads(events[0].text)
    assert message["type"] == "ticket.no_show" and message["automatic"] is True
    with db.session() as session:
        assert session.scalars(select(Event.actor).where(Event.type == "ticket.no_show")).one() == "system"
    assert pass_overdue(db) == ([], [])  # once only


def test_a_customer_being_served_is_never_passed(db):
    issue(db, service="A")
    act(db, "call_next", 1)
    started, events = act(db, "start", 1)
    assert started.arrived_at is not None and json.loads(events[0].text)["type"] == "ticket.arrived"
    assert pass_overdue(db, later=3600)[0] == []
    with pytest.raises(Conflict) as refused:
        act(db, "start", 1)
    assert refused.value.code == "already_started"


def test_a_recall_starts_the_wait_again(db, monkeypatch):
    issue(db, service="A")
    act(db, "call_next", 1)
    called = clock.now()
    monkeypatch.setattr(clock, "now", lambda: called + timedelta(seconds=50))
    act(db, "recall", 1)
    monkeypatch.undo()
    # 70 s after the first call but only 20 s after the recall: still waiting for the customer.
    early, late = called + timedelta(seconds=70), called + timedelta(seconds=111)
    assert run(db, windows.pass_overdue, hall="main", after_seconds=60, moment=early)[0] == []
    assert run(db, windows.pass_overdue, hall="main", after_seconds=60, moment=late)[0] == ["A001"]


def test_a_new_call_forgets_the_last_windows_arrival(db):
    issue(db, service="A")
    act(db, "call_next", 1)
    act(db, "start", 1)
    run(db, windows.transfer, hall="main", window=1, actor=admin(db), service="B")
    act(db, "call_next", 3)
    assert pass_overdue(db)[0] == ["A001"]  # called again at window 3 and nobody came there


def test_several_processes_passing_at_once_pass_each_ticket_once(db):
    for service in "ABCD":
        issue(db, service=service)
    for window in (1, 3, 5, 7):
        act(db, "call_next", window)
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def sweep():
        try:
            results.append(pass_overdue(db)[0])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(n for passed in results for n in passed) == ["A001", "B001", "C001", "D001"]


def test_the_server_passes_overdue_tickets_by_itself_when_enabled(settings, monkeypatch):
    from fastapi.testclient import TestClient

    from hallq.api import create_app

    settings.auto_no_show_seconds = 5
    with TestClient(create_app(settings)) as client:
        headers = login(client)
        client.post("/api/halls/main/tickets", json={"service": "A"})
        with client.websocket_connect("/ws/halls/main") as ws:
            assert next_event(ws)["type"] == "snapshot"
            client.post("/api/halls/main/windows/1/call", headers=headers)
            assert next_event(ws)["type"] == "ticket.called"
            desk = client.get("/api/halls/main/windows/1/desk", headers=headers).json()
            assert desk["auto_no_show_seconds"] == 5 and desk["no_show_at"]
            ahead = clock.now() + timedelta(seconds=6)
            monkeypatch.setattr(clock, "now", lambda: ahead)
            passed = next_event(ws)  # the background round comes within a second
            assert passed["type"] == "ticket.no_show" and passed["automatic"] is True

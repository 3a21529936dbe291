"""Queues as staff see them; a manager moving a waiting ticket to the front or cancelling it."""

import json

import pytest
from sqlalchemy import select

from hallq import queues, windows
from hallq.errors import Conflict, Forbidden, NotFound
from hallq.models import Event, Priority, PriorityReason
from tests.factories import add_user, admin, issue, login, run


def call(db, window):
    return run(db, windows.call_next, hall="main", window=window, actor=admin(db))[0]


def all_queues(db, who=None, limit=20):
    with db.session() as session:
        return queues.hall_queues(session=session, hall="main", actor=who or admin(db), limit=limit)


def test_every_service_in_call_order_with_priority_first(db):
    guide = add_user(db, "guide1", "guide")
    issue(db, service="A")
    issue(db, service="A", priority=Priority.priority, priority_reason=PriorityReason.urgent, who=guide)
    issue(db, service="B")
    by_code = {q.code: q for q in all_queues(db, guide)}
    assert [t.number for t in by_code["A"].next] == ["A002", "A001"]
    assert by_code["A"].next[0].priority_reason == "urgent"
    assert by_code["A"].waiting == 2 and by_code["B"].waiting == 1 and by_code["C"].next == []
    assert call(db, 1).number == "A002"  # what the queue said comes next does


def test_the_public_cannot_see_staff_queues(db):
    from hallq.access import Actor
    from hallq.errors import Unauthorized

    with pytest.raises(Unauthorized):
        all_queues(db, Actor.public())


def test_a_manager_moves_a_ticket_to_the_front_and_it_is_called_next(db):
    manager = add_user(db, "boss", "manager")
    for _ in range(3):
        issue(db, service="A")
    third = all_queues(db)[0].next[2]
    moved, events = run(db, queues.move_to_front, hall="main", ticket_id=third.id, actor=manager)
    assert moved.number == "A003"
    assert json.loads(events[0].text)["type"] == "ticket.moved_to_front"
    assert all_queues(db)[0].next[0].front is True
    assert call(db, 1).number == "A003"
    with db.session() as session:
        assert (
            session.scalars(select(Event.actor).where(Event.type == "ticket.moved_to_front")).one() == "boss"
        )


def test_a_manager_cancels_a_waiting_ticket_and_the_counts_follow(db):
    manager = add_user(db, "boss", "manager")
    issue(db, service="A")
    issue(db, service="A")
    first = all_queues(db)[0].next[0]
    cancelled, events = run(db, queues.cancel, hall="main", ticket_id=first.id, actor=manager)
    assert cancelled.status == "cancelled"
    message = json.loads(events[0].text)
    assert message["type"] == "ticket.cancelled" and message["waiting"]["A"] == 1
    assert call(db, 1).number == "A002"
    with pytest.raises(Conflict) as refused:
        run(db, queues.cancel, hall="main", ticket_id=first.id, actor=manager)
    assert refused.value.code == "not_waiting"


def test_only_a_manager_or_admin_moves_or_cancels(db):
    guide = add_user(db, "guide1", "guide")
    clerk = add_user(db, "clerk1", "clerk", windows=[1])
    ticket = issue(db, service="A")
    for who in (guide, clerk):
        for action in (queues.move_to_front, queues.cancel):
            with pytest.raises(Forbidden):
                run(db, action, hall="main", ticket_id=ticket.id, actor=who)


def test_a_called_or_unknown_ticket_cannot_be_moved(db):
    ticket = issue(db, service="A")
    call(db, 1)
    with pytest.raises(Conflict):
        run(db, queues.move_to_front, hall="main", ticket_id=ticket.id, actor=admin(db))
    with pytest.raises(NotFound):
        run(db, queues.cancel, hall="main", ticket_id=99999, actor=admin(db))


def test_moving_twice_is_a_conflict(db):
    ticket = issue(db, service="A")
    run(db, queues.move_to_front, hall="main", ticket_id=ticket.id, actor=admin(db))
    with pytest.raises(Conflict) as refused:
        run(db, queues.move_to_front, hall="main", ticket_id=ticket.id, actor=admin(db))
    assert refused.value.code == "already_front"


def test_queue_moves_over_http(client):
    admin_headers = login(client)
    client.post("/api/halls/main/tickets", json={"service": "C"})
    second = client.post("/api/halls/main/tickets", json={"service": "C"}).json()
    queue = client.get("/api/halls/main/queues", headers=admin_headers).json()
    assert [t["number"] for t in queue[2]["next"]] == ["C001", "C002"]
    assert client.get("/api/halls/main/queues").status_code == 401
    front = client.post(f"/api/halls/main/tickets/{second['id']}/front", headers=admin_headers)
    assert front.status_code == 200
    queue = client.get("/api/halls/main/queues?limit=1", headers=admin_headers).json()
    assert [t["number"] for t in queue[2]["next"]] == ["C002"]
    gone = client.post(f"/api/halls/main/tickets/{second['id']}/cancel", headers=admin_headers)
    assert gone.status_code == 200 and gone.json()["status"] == "cancelled"
    assert client.post("/api/halls/main/tickets/0/cancel", headers=admin_headers).status_code == 422

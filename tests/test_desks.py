"""The clerk console's view of a window, and each clerk's own tally of the day."""

from datetime import timedelta

import pytest

from hallq import clock, desks, queues, ratings, windows
from hallq.access import Actor
from hallq.errors import Forbidden
from hallq.models import Score
from tests.factories import add_user, admin, issue, login, run


def act(db, action, window, who, **kw):
    return run(db, getattr(windows, action), hall="main", window=window, actor=who, **kw)[0]


def desk(db, window, who, limit=3, auto=None):
    with db.session() as session:
        return desks.desk(
            session=session,
            hall="main",
            window=window,
            actor=who,
            recall_limit=limit,
            auto_no_show_seconds=auto,
        )


def tally(db, who):
    with db.session() as session:
        return desks.tally(session=session, hall="main", actor=who)


def test_the_desk_shows_the_current_ticket_with_phone_and_what_comes_next(db):
    clerk = add_user(db, "li", "clerk", windows=[3])
    issue(db, service="B", phone="13812345678")
    issue(db, service="B")
    issue(db, service="A")
    view = desk(db, 3, clerk)
    assert view.current is None and view.window.status == "open"
    assert [(q.code, q.waiting, [t.number for t in q.next]) for q in view.queues] == [
        ("B", 2, ["B001", "B002"])
    ]
    act(db, "call_next", 3, clerk)
    view = desk(db, 3, clerk)
    assert view.current.number == "B001" and view.current.phone == "13812345678"
    assert [t.number for t in view.queues[0].next] == ["B002"] and view.queues[0].waiting == 1


def test_a_ticket_sent_to_another_window_is_not_in_this_windows_next(db):
    issue(db, service="B")
    issue(db, service="B")
    act(db, "call_next", 3, admin(db))
    act(db, "transfer", 3, admin(db), to_window=4)
    assert [t.number for t in desk(db, 3, admin(db)).queues[0].next] == ["B002"]
    mine = desk(db, 4, admin(db)).queues[0].next
    assert [t.number for t in mine] == ["B001", "B002"] and mine[0].target_window == 4


def test_after_the_recall_limit_the_desk_suggests_no_show(db):
    issue(db, service="B")
    act(db, "call_next", 3, admin(db))
    for _ in range(2):
        act(db, "recall", 3, admin(db))
    assert desk(db, 3, admin(db), limit=3).suggest_no_show is False
    act(db, "recall", 3, admin(db))
    assert desk(db, 3, admin(db), limit=3).suggest_no_show is True


def test_the_desk_says_when_the_automatic_no_show_will_pass_the_ticket(db):
    issue(db, service="B")
    called = act(db, "call_next", 3, admin(db))
    view = desk(db, 3, admin(db), auto=60)
    assert view.no_show_at == called.called_at + timedelta(seconds=60)
    act(db, "start", 3, admin(db))
    assert desk(db, 3, admin(db), auto=60).no_show_at is None
    assert desk(db, 3, admin(db)).no_show_at is None


def test_a_clerk_sees_only_their_own_windows_desk_and_a_guide_none(db):
    clerk = add_user(db, "li", "clerk", windows=[3])
    guide = add_user(db, "guide1", "guide")
    with pytest.raises(Forbidden):
        desk(db, 4, clerk)
    with pytest.raises(Forbidden):
        desk(db, 3, guide)


def test_the_tally_counts_what_this_clerk_served_today(db, monkeypatch):
    li = add_user(db, "li", "clerk", windows=[3])
    wang = add_user(db, "wang", "clerk", windows=[4])
    for _ in range(4):
        issue(db, service="B")
    start = clock.now()
    moment = [start]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    act(db, "call_next", 3, li)
    moment[0] = start + timedelta(seconds=60)
    act(db, "finish", 3, li)  # handled in 60 s
    act(db, "call_next", 3, li)
    act(db, "no_show", 3, li)
    act(db, "call_next", 4, wang)
    act(db, "finish", 4, wang)
    monkeypatch.undo()
    mine = tally(db, li)
    assert (mine.served, mine.no_show, mine.average_handling_seconds) == (1, 1, 60.0)
    assert mine.ratings == {"very_satisfied": 0, "satisfied": 0, "dissatisfied": 0}
    pad = Actor.public("pad")
    last = desk(db, 4, wang)  # nothing current; rate wang's last ticket
    assert last.current is None
    with db.session() as session:
        to_rate = ratings.pad_state(session=session, hall="main", window=4, rating_seconds=90).to_rate
    run(
        db,
        ratings.rate,
        hall="main",
        window=4,
        ticket_id=to_rate.id,
        score=Score.very_satisfied,
        reasons=[],
        rating_seconds=90,
        actor=pad,
    )
    theirs = tally(db, wang)
    assert theirs.served == 1 and theirs.ratings["very_satisfied"] == 1
    assert tally(db, li).ratings["very_satisfied"] == 0


def test_a_cancelled_ticket_is_not_in_anyones_tally(db):
    clerk = add_user(db, "li", "clerk", windows=[3])
    ticket = issue(db, service="B")
    run(db, queues.cancel, hall="main", ticket_id=ticket.id, actor=admin(db))
    assert tally(db, clerk).served == 0 and desk(db, 3, clerk).queues[0].waiting == 0


def test_desk_and_tally_over_http(client):
    headers = login(client)
    client.post("/api/halls/main/tickets", json={"service": "D"})
    client.post("/api/halls/main/windows/7/call", headers=headers)
    view = client.get("/api/halls/main/windows/7/desk", headers=headers).json()
    assert view["current"]["number"] == "D001" and view["recall_limit"] == 3
    assert view["auto_no_show_seconds"] is None
    client.post("/api/halls/main/windows/7/finish", headers=headers)
    mine = client.get("/api/halls/main/tally", headers=headers).json()
    assert mine["served"] == 1 and mine["username"] == "admin"
    assert client.get("/api/halls/main/windows/7/desk").status_code == 401
    assert client.get("/api/halls/main/windows/70/desk", headers=headers).status_code == 404

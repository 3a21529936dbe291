"""The evaluation pad: what it shows, and that it rates only what its window just finished, once, in time."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from hallq import clock, ratings, windows
from hallq.access import Actor
from hallq.errors import Conflict, Invalid
from hallq.models import Complaint, Event, Rating, Score
from tests.factories import add_user, admin, issue, login, run

PAD = Actor.public("pad")


def act(db, action, window, who=None, **kw):
    return run(db, getattr(windows, action), hall="main", window=window, actor=who or admin(db), **kw)[0]


def rate(db, window, ticket_id, score=Score.satisfied, reasons=(), seconds=90):
    return run(
        db,
        ratings.rate,
        hall="main",
        window=window,
        ticket_id=ticket_id,
        score=score,
        reasons=list(reasons),
        rating_seconds=seconds,
        actor=PAD,
    )


def pad(db, window, seconds=90):
    with db.session() as session:
        return ratings.pad_state(session=session, hall="main", window=window, rating_seconds=seconds)


def test_the_pad_shows_the_clerk_and_number_then_asks_for_a_rating_after_finish(db):
    clerk = add_user(db, "wang", "clerk", windows=[3])
    issue(db, service="B")
    assert pad(db, 3).current is None and pad(db, 3).clerk is None
    called = act(db, "call_next", 3, who=clerk)
    state = pad(db, 3)
    assert state.current.number == called.number and state.clerk == "wang" and state.to_rate is None
    act(db, "finish", 3, who=clerk)
    state = pad(db, 3)
    assert state.current is None and state.to_rate.number == "B001" and state.rate_until is not None


def test_a_rating_is_stored_with_ticket_window_and_clerk_and_published(db):
    clerk = add_user(db, "wang", "clerk", windows=[3])
    issue(db, service="B")
    ticket = act(db, "call_next", 3, who=clerk)
    act(db, "finish", 3, who=clerk)
    result, events = rate(db, 3, ticket.id, Score.dissatisfied, [Complaint.long_wait, Complaint.attitude])
    assert result.score == "dissatisfied" and result.reasons == ["attitude", "long_wait"]
    with db.session() as session:
        stored = session.scalars(select(Rating)).one()
        logged = session.scalars(select(Event).where(Event.type == "ticket.rated")).one()
    assert (stored.ticket_id, stored.clerk_id, stored.score) == (ticket.id, clerk.user_id, "dissatisfied")
    assert logged.window_id == stored.window_id and logged.actor == "pad"
    assert '"score":"dissatisfied"' in events[0].text
    assert pad(db, 3).to_rate is None  # rated: the pad goes back to idle


def test_one_rating_per_ticket(db):
    issue(db, service="B")
    ticket = act(db, "call_next", 3)
    act(db, "finish", 3)
    rate(db, 3, ticket.id, Score.very_satisfied)
    with pytest.raises(Conflict) as refused:
        rate(db, 3, ticket.id, Score.dissatisfied)
    assert refused.value.code == "already_rated"


def test_only_the_ticket_the_window_just_finished(db):
    for _ in range(3):
        issue(db, service="B")
    first = act(db, "call_next", 3)
    second = act(db, "call_next", 3)  # finishes the first
    with pytest.raises(Conflict) as refused:
        rate(db, 3, second.id)  # still being served
    assert refused.value.code == "not_rateable"
    act(db, "finish", 3)
    with pytest.raises(Conflict):
        rate(db, 3, first.id)  # no longer the last one finished here
    with pytest.raises(Conflict):
        rate(db, 4, second.id)  # another window's pad
    assert rate(db, 3, second.id)[0].ticket == second.number


def test_a_passed_number_cannot_be_rated(db):
    issue(db, service="B")
    ticket = act(db, "call_next", 3)
    act(db, "no_show", 3)
    with pytest.raises(Conflict):
        rate(db, 3, ticket.id)


def test_the_time_to_rate_runs_out(db, monkeypatch):
    issue(db, service="B")
    ticket = act(db, "call_next", 3)
    act(db, "finish", 3)
    later = clock.now() + timedelta(seconds=91)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert pad(db, 3).to_rate is None
    with pytest.raises(Conflict) as refused:
        rate(db, 3, ticket.id)
    assert refused.value.code == "rating_closed"


def test_reasons_only_with_dissatisfied(db):
    issue(db, service="B")
    ticket = act(db, "call_next", 3)
    act(db, "finish", 3)
    with pytest.raises(Invalid):
        rate(db, 3, ticket.id, Score.satisfied, [Complaint.other])


def test_rating_over_http_is_public_and_checks_its_input(client):
    staff = login(client)
    client.post("/api/halls/main/tickets", json={"service": "B"})
    ticket = client.post("/api/halls/main/windows/3/call", headers=staff).json()
    client.post("/api/halls/main/windows/3/finish", headers=staff)
    state = client.get("/api/halls/main/windows/3/pad").json()
    assert state["to_rate"]["id"] == ticket["id"] and "phone" not in state["to_rate"]
    bad = client.post("/api/halls/main/windows/3/rating", json={"ticket": ticket["id"], "score": "great"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"
    body = {"ticket": ticket["id"], "score": "dissatisfied", "reasons": ["not_solved"]}
    done = client.post("/api/halls/main/windows/3/rating", json=body)
    assert done.status_code == 201 and done.json()["reasons"] == ["not_solved"]
    again = client.post("/api/halls/main/windows/3/rating", json=body)
    assert again.status_code == 409 and again.json()["code"] == "already_rated"

"""Many kiosks at once: a batch of orders is issued exactly as the same orders one by one would be."""

import json
import re
from typing import ClassVar

import pytest
from sqlalchemy import select

from hallq import events, issuing, windows
from hallq import tickets as tickets_service
from hallq.access import Actor
from hallq.models import DailyCounter, Event, Priority
from tests.factories import add_user, issue, make_hall, run, set_service


def issue_batch(db, orders: list[dict]):
    with db.transaction() as session:
        return issuing.issue_many(session=session, orders=orders)


def order(service: str, hall: str = "main", **kw) -> dict:
    return {"hall": hall, "service": service, "actor": Actor.public("kiosk-1"), **kw}


def test_each_order_gets_its_own_outcome_and_the_good_ones_their_numbers(db):
    outcomes = issue_batch(
        db,
        [
            order("A"),
            order("Z"),  # no such service
            order("A", priority=Priority.priority),  # the public may not
            order("B"),
            order("A", phone="123"),  # not a mobile number
            order("A", hall="nowhere"),
            order("A"),
        ],
    )
    numbers = [o.result.number if o.result else None for o in outcomes]
    assert numbers == ["A001", None, None, "B001", None, None, "A002"]
    codes = [o.error.code if o.error else None for o in outcomes]
    assert codes == [None, "unknown_service", "unauthorized", None, "bad_phone", "unknown_hall", None]
    assert [o.result.ahead for o in outcomes if o.result] == [0, 0, 1]
    assert issue(db, service="A").number == "A003"  # nothing was skipped


def test_the_events_follow_the_orders_with_the_counts_just_after_each(db):
    outcomes = issue_batch(db, [order("A"), order("B"), order("A"), order("C")])
    messages = [json.loads(o.events[0].text) for o in outcomes]
    assert [m["ticket"]["number"] for m in messages] == ["A001", "B001", "A002", "C001"]
    seqs = [m["seq"] for m in messages]
    assert seqs == list(range(seqs[0], seqs[0] + 4))
    assert [m["waiting"] for m in messages] == [
        {"A": 1, "B": 0, "C": 0, "D": 0},
        {"A": 1, "B": 1, "C": 0, "D": 0},
        {"A": 2, "B": 1, "C": 0, "D": 0},
        {"A": 2, "B": 1, "C": 1, "D": 0},
    ]
    with db.session() as session:
        logged = session.scalars(select(Event.payload).where(Event.seq.in_(seqs)).order_by(Event.seq)).all()
    assert [json.loads(text) for text in logged] == messages


def test_orders_past_the_daily_cap_are_refused_and_give_their_numbers_back(db):
    set_service(db, "A", daily_cap=3)
    issue(db, service="A")
    outcomes = issue_batch(db, [order("A"), order("B"), order("A"), order("A")])
    assert [o.result.number if o.result else o.error.code for o in outcomes] == [
        "A002",
        "B001",
        "A003",
        "cap_reached",
    ]
    assert outcomes[3].events == []
    with db.session() as session:
        counters = {c.service_id: (c.last, c.waiting) for c in session.scalars(select(DailyCounter))}
    assert sorted(counters.values()) == [(1, 1), (3, 3)]


def test_numbers_past_the_width_are_refused_like_a_cap(db):
    make_hall(db, "tiny", {1: "A"})
    set_service(db, "A", hall="tiny", number_width=1)
    outcomes = issue_batch(db, [order("A", hall="tiny") for _ in range(11)])
    assert [o.result.number for o in outcomes[:9]] == [f"A{n}" for n in range(1, 10)]
    assert outcomes[9].error.code == outcomes[10].error.code == "cap_reached"
    assert "1-digit" in outcomes[9].error.detail


def test_a_request_id_twice_in_one_batch_is_one_ticket(db):
    outcomes = issue_batch(
        db,
        [
            order("A", request_id="kiosk1-0001"),
            order("A", request_id="kiosk1-0001"),
            order("B", request_id="kiosk1-0001"),
        ],
    )
    first, again, other_service = outcomes
    assert again.result.token == first.result.token and again.events == []
    assert other_service.error.code == "request_id_reused"
    assert issue(db, service="A").number == "A002"


def test_a_guide_and_a_kiosk_in_one_batch_get_their_own_views(db):
    guide = add_user(db, "guide1", "guide")
    outcomes = issue_batch(
        db,
        [
            order("A", phone="13812345678"),
            {**order("A", priority=Priority.priority, phone="13912345678"), "actor": guide},
        ],
    )
    public, staff = (o.result for o in outcomes)
    assert not hasattr(public, "phone") and staff.phone == "13912345678"
    assert staff.priority == "priority" and staff.ahead == 0 and public.ahead == 0
    message = json.loads(outcomes[1].events[0].text)
    assert message["ticket"]["priority"] == "priority"


def test_a_batch_is_issued_at_one_moment_and_called_in_arrival_order(db):
    outcomes = issue_batch(db, [order("A") for _ in range(5)])
    tickets = [o.result for o in outcomes]
    assert len({t.issued_at for t in tickets}) == 1  # committed together, issued together
    ids = [t.id for t in tickets]
    assert ids == sorted(ids) and len(set(ids)) == 5
    assert len({t.token for t in tickets}) == 5
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", t.token) for t in tickets)
    with db.session() as session:  # the ids are those of the rows: each token finds its ticket
        for t in tickets:
            assert tickets_service.ticket_by_token(session=session, token=t.token).number == t.number
    # Equal issue times: the queue falls back on the ids, so the first to ask is called first.
    clerk = add_user(db, "clerk1", "clerk", windows=[1])
    called = [run(db, windows.call_next, hall="main", window=1, actor=clerk)[0].number for _ in range(5)]
    assert called == ["A001", "A002", "A003", "A004", "A005"]


def test_event_messages_open_with_type_seq_hall_and_time(db):
    make_hall(db, "town-1", {1: "A"})
    outcomes = issue_batch(db, [order("A", hall="town-1"), order("A", hall="town-1")])
    for outcome in outcomes:
        text = outcome.events[0].text
        message = json.loads(text)
        assert list(message)[:4] == ["type", "seq", "hall", "at"]
        assert message["type"] == "ticket.issued" and message["hall"] == "town-1"
        assert message["ticket"]["number"] == outcome.result.number


def test_an_event_type_must_be_a_plain_dotted_name():
    with pytest.raises(TypeError, match="plain dotted name"):

        class Odd(events.LiveEvent):
            type: ClassVar[str] = 'ticket "odd"'

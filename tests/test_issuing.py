"""Many kiosks at once: a batch of orders is issued exactly as the same orders one by one would be."""

import json

from sqlalchemy import select

from hallq import issuing
from hallq.access import Actor
from hallq.models import DailyCounter, Event, Priority
from tests.factories import add_user, issue, make_hall, set_service


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

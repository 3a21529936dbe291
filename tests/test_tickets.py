"""Issuing tickets: numbering, caps, priority, phone numbers, when a service is closed."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from hallq import issuing, tickets, windows
from hallq.access import Actor
from hallq.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from hallq.models import Priority, Ticket
from tests.factories import add_user, admin, issue, make_hall, run, set_service


def test_numbers_are_prefix_and_zero_padded_sequence_per_service(db):
    numbers = [issue(db, service=s).number for s in "AABAB"]
    assert numbers == ["A001", "A002", "B001", "A003", "B002"]


def test_numbers_start_again_at_001_each_local_day(db):
    # 23:59 and 00:01 in Shanghai are different business days, though the same UTC date.
    before_midnight = datetime(2026, 3, 1, 15, 59, tzinfo=UTC)
    after_midnight = before_midnight + timedelta(minutes=2)
    first = issue(db, service="A", moment=before_midnight)
    second = issue(db, service="A", moment=before_midnight + timedelta(seconds=30))
    next_day = issue(db, service="A", moment=after_midnight)
    assert (first.number, second.number, next_day.number) == ("A001", "A002", "A001")
    assert (first.business_day, next_day.business_day) == ("2026-03-01", "2026-03-02")


def test_halls_number_independently(db):
    make_hall(db, "town", {1: "A"})
    assert issue(db, hall="main").number == "A001"
    assert issue(db, hall="town").number == "A001"
    assert issue(db, hall="main").number == "A002"


def test_daily_cap_refuses_and_leaves_no_gap(db):
    set_service(db, "B", daily_cap=2)
    assert [issue(db, service="B").number for _ in range(2)] == ["B001", "B002"]
    with pytest.raises(Conflict) as refused:
        issue(db, service="B")
    assert refused.value.code == "cap_reached"
    # The refused attempt did not consume a number: raising the cap continues at 003.
    set_service(db, "B", daily_cap=3)
    assert issue(db, service="B").number == "B003"


def test_a_failed_issue_does_not_consume_a_number(db):
    issue(db, service="A")
    with pytest.raises(Invalid):
        issue(db, service="A", phone="12345")
    assert issue(db, service="A").number == "A002"


def test_unknown_hall_or_service_is_not_found(db):
    with pytest.raises(NotFound):
        issue(db, hall="nowhere")
    with pytest.raises(NotFound) as unknown:
        issue(db, service="Z")
    assert unknown.value.code == "unknown_service"


def test_priority_ticket_needs_a_guide_manager_or_admin(db):
    with pytest.raises(Unauthorized):
        issue(db, priority=Priority.priority)
    clerk = add_user(db, "clerk1", "clerk", windows=[1])
    with pytest.raises(Forbidden):
        issue(db, priority=Priority.priority, who=clerk)
    guide = add_user(db, "guide1", "guide")
    ticket = issue(db, priority=Priority.priority, who=guide)
    assert ticket.priority == "priority"


def test_priority_ticket_goes_before_normal_ones(db):
    guide = add_user(db, "guide1", "guide")
    for _ in range(3):
        issue(db, service="A")
    urgent = issue(db, service="A", priority=Priority.priority, who=guide)
    assert urgent.ahead == 0
    last = issue(db, service="A")
    assert last.ahead == 4


def test_ahead_counts_only_the_same_service_and_shrinks_as_calls_happen(db):
    first = issue(db, service="A")
    issue(db, service="B")
    second = issue(db, service="A")
    assert (first.ahead, second.ahead) == (0, 1)
    run(db, windows.call_next, hall="main", window=1, actor=admin(db))
    with db.session() as session:
        assert tickets.ticket_by_token(session=session, token=second.token).ahead == 0
        called = tickets.ticket_by_token(session=session, token=first.token)
    assert called.status == "called" and called.window == 1


@pytest.mark.parametrize(
    "phone, stored",
    [("13812345678", "13812345678"), ("138 1234 5678", "13812345678"), ("+8613812345678", "13812345678")],
)
def test_phone_is_normalised(db, phone, stored):
    issue(db, phone=phone)
    with db.session() as session:
        assert session.scalars(select(Ticket)).one().phone == stored


@pytest.mark.parametrize("phone", ["12345", "23812345678", "1381234567a", "138123456789"])
def test_bad_phone_is_refused(db, phone):
    with pytest.raises(Invalid) as refused:
        issue(db, phone=phone)
    assert refused.value.code == "bad_phone"


def test_outside_opening_hours_no_number_is_issued(db):
    make_hall(db, "town", {1: "A"}, opening_hours="08:30-17:30")
    night = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
    morning = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    with pytest.raises(Conflict) as refused:
        issue(db, hall="town", moment=night)
    assert refused.value.code == "hall_closed"
    assert issue(db, hall="town", moment=morning).number == "A001"


def test_no_number_when_every_window_for_the_service_is_closed(db):
    for number in (1, 2):
        run(db, windows.set_status, hall="main", window=number, actor=admin(db), status="closed")
    with pytest.raises(Conflict) as refused:
        issue(db, service="A")
    assert refused.value.code == "no_window_open"
    # A paused window still counts: its clerk is only away for a moment.
    run(db, windows.set_status, hall="main", window=1, actor=admin(db), status="open")
    run(db, windows.set_status, hall="main", window=1, actor=admin(db), status="paused")
    assert issue(db, service="A").number == "A001"


def test_issue_records_an_event_with_the_waiting_counts(db):
    issue(db, service="B")
    result, events = run(db, issuing.issue_ticket, hall="main", service="A", actor=Actor.public("kiosk-1"))
    assert len(events) == 1
    message = json.loads(events[0].text)
    assert message["type"] == "ticket.issued"
    assert message["ticket"]["number"] == "A001"
    assert message["waiting"] == {"A": 1, "B": 1, "C": 0, "D": 0}
    assert "token" not in message["ticket"] and "phone" not in message["ticket"]


def test_token_lookup_is_the_only_way_in(db):
    ticket = issue(db)
    assert len(ticket.token) >= 20
    with db.session() as session, pytest.raises(NotFound):
        tickets.ticket_by_token(session=session, token=ticket.token[:-1] + "x")


def test_a_guide_gives_a_priority_ticket_with_its_reason(db):
    from hallq.models import PriorityReason

    guide = add_user(db, "guide1", "guide")
    ticket = issue(
        db, service="D", priority=Priority.priority, priority_reason=PriorityReason.urgent, who=guide
    )
    assert ticket.priority == "priority" and ticket.priority_reason == "urgent"
    with pytest.raises(Invalid) as refused:
        issue(db, service="D", priority_reason=PriorityReason.elderly_disabled, who=guide)
    assert refused.value.code == "reason_without_priority"


def test_a_retried_confirm_gets_the_same_ticket_not_a_second_number(db):
    first, events = run(
        db, issuing.issue_ticket, hall="main", service="A", actor=Actor.public(), request_id="k1-7f3a9c"
    )
    again, replayed = run(
        db, issuing.issue_ticket, hall="main", service="A", actor=Actor.public(), request_id="k1-7f3a9c"
    )
    assert (again.number, again.token) == (first.number, first.token)
    assert len(events) == 1 and replayed == []  # nothing new happened: the display hears nothing
    other = issue(db, service="A", request_id="k1-0b41d2")
    assert other.number == "A002"  # no number was used by the retry


def test_a_retry_still_gets_its_ticket_after_the_service_closed(db):
    first = issue(db, service="A", request_id="k1-first-try")
    for number in (1, 2):
        run(db, windows.set_status, hall="main", window=number, actor=admin(db), status="closed")
    assert issue(db, service="A", request_id="k1-first-try").token == first.token


def test_a_request_id_is_one_confirm_of_one_service(db):
    issue(db, service="A", request_id="k1-abcdef12")
    with pytest.raises(Conflict) as refused:
        issue(db, service="B", request_id="k1-abcdef12")
    assert refused.value.code == "request_id_reused"


def test_request_ids_are_per_hall(db):
    make_hall(db, "town", {1: "A"})
    mine = issue(db, hall="main", request_id="same-id-123")
    theirs = issue(db, hall="town", request_id="same-id-123")
    assert mine.token != theirs.token

"""Window actions: call order, recall, no-show, finish, transfer, pause, and who may do them."""

import json

import pytest

from hallq import windows
from hallq.errors import Conflict, Forbidden, Invalid, NotFound
from hallq.models import Priority
from tests.factories import add_user, admin, issue, make_hall, run


def call(db, window, who=None, hall="main"):
    return run(db, windows.call_next, hall=hall, window=window, actor=who or admin(db))


def act(db, action, window, who=None, hall="main", **kw):
    return run(db, getattr(windows, action), hall=hall, window=window, actor=who or admin(db), **kw)


def test_call_next_takes_the_earliest_waiting_ticket_of_the_windows_services(db):
    issue(db, service="B")
    issue(db, service="A")
    issue(db, service="A")
    ticket, events = call(db, 1)
    assert ticket.number == "A001" and ticket.status == "called" and ticket.window == 1
    message = json.loads(events[-1].text)
    assert message["type"] == "ticket.called"
    assert message["text"] == "请A001号到1号窗口办理"
    assert message["window"] == 1 and message["recall"] is False
    assert message["waiting"]["A"] == 1


def test_priority_before_normal_then_earliest_issued(db):
    guide = add_user(db, "guide1", "guide")
    issue(db, service="A")
    issue(db, service="A", priority=Priority.priority, who=guide)
    issue(db, service="A")
    order = [call(db, 1)[0].number for _ in range(3)]
    assert order == ["A002", "A001", "A003"]


def test_a_window_serving_two_services_takes_the_earliest_of_both(db):
    make_hall(db, "town", {1: "AB", 2: "B"})
    issue(db, hall="town", service="B")
    issue(db, hall="town", service="A")
    assert call(db, 1, hall="town")[0].number == "B001"
    assert call(db, 1, hall="town")[0].number == "A001"


def test_calling_next_finishes_the_current_ticket_first(db):
    issue(db, service="A")
    issue(db, service="A")
    first, _ = call(db, 1)
    second, events = call(db, 1)
    types = [json.loads(e.text)["type"] for e in events]
    assert types == ["ticket.finished", "ticket.called"]
    assert second.number == "A002"
    finished = json.loads(events[0].text)["ticket"]
    assert finished["number"] == first.number and finished["status"] == "done"


def test_nobody_waiting_returns_none_but_still_finishes_the_current(db):
    issue(db, service="A")
    call(db, 1)
    ticket, events = call(db, 1)
    assert ticket is None
    assert [json.loads(e.text)["type"] for e in events] == ["ticket.finished"]
    assert call(db, 1) == (None, [])


def test_a_ticket_is_never_called_by_two_windows(db):
    issue(db, service="A")
    issue(db, service="A")
    a, _ = call(db, 1)
    b, _ = call(db, 2)
    assert {a.number, b.number} == {"A001", "A002"}
    assert call(db, 2)[0] is None  # window 2 finished A002; nothing left


def test_paused_window_cannot_call_or_recall_until_resumed(db):
    issue(db, service="A")
    _, events = act(db, "set_status", 1, status="paused")
    assert json.loads(events[0].text)["window"]["status"] == "paused"
    with pytest.raises(Conflict) as refused:
        call(db, 1)
    assert refused.value.code == "window_paused"
    act(db, "set_status", 1, status="open")
    assert call(db, 1)[0].number == "A001"


def test_pausing_twice_is_a_conflict(db):
    act(db, "set_status", 1, status="paused")
    with pytest.raises(Conflict):
        act(db, "set_status", 1, status="paused")


def test_a_window_serving_someone_cannot_close(db):
    issue(db)
    call(db, 1)
    with pytest.raises(Conflict) as refused:
        act(db, "set_status", 1, status="closed")
    assert refused.value.code == "window_busy"


def test_recall_says_it_again_and_counts(db):
    issue(db)
    call(db, 1)
    ticket, events = act(db, "recall", 1)
    ticket, events = act(db, "recall", 1)
    message = json.loads(events[0].text)
    assert ticket.recall_count == 2
    assert message["recall"] is True and message["recall_count"] == 2
    assert message["text"] == "重呼，请A001号到1号窗口办理"


@pytest.mark.parametrize("action", ["recall", "finish", "no_show"])
def test_actions_on_the_current_ticket_need_one(db, action):
    with pytest.raises(Conflict) as refused:
        act(db, action, 1)
    assert refused.value.code == "no_current_ticket"


def test_no_show_and_finish_end_the_ticket(db):
    issue(db)
    issue(db)
    call(db, 1)
    passed, events = act(db, "no_show", 1)
    assert passed.status == "no_show" and passed.finished_at is not None
    assert json.loads(events[0].text)["type"] == "ticket.no_show"
    call(db, 1)
    done, events = act(db, "finish", 1)
    assert done.status == "done" and json.loads(events[0].text)["type"] == "ticket.finished"


def test_transfer_to_another_service_keeps_the_number_and_is_called_there(db):
    issue(db, service="A")
    issue(db, service="B")
    call(db, 1)
    moved, events = act(db, "transfer", 1, service="B")
    assert moved.number == "A001" and moved.service == "B" and moved.status == "waiting"
    message = json.loads(events[0].text)
    assert (message["from_service"], message["to_service"], message["from_window"]) == ("A", "B", 1)
    assert message["waiting"]["B"] == 2
    # It was issued before B001, so window 3 (service B) calls it first.
    assert call(db, 3)[0].number == "A001"


def test_transfer_to_a_named_window_is_called_only_there(db):
    issue(db, service="A")
    issue(db, service="A")
    call(db, 1)
    moved, _ = act(db, "transfer", 1, to_window=2)
    assert moved.service == "A"
    assert call(db, 1)[0].number == "A002"  # window 1 does not take it back
    assert call(db, 2)[0].number == "A001"


def test_transfer_to_a_window_of_another_service_changes_the_service(db):
    issue(db, service="A")
    call(db, 1)
    moved, _ = act(db, "transfer", 1, to_window=5)
    assert moved.service == "C"
    assert call(db, 6)[0] is None  # reserved for window 5
    assert call(db, 5)[0].number == "A001"


@pytest.mark.parametrize(
    "target, error",
    [({}, Invalid), ({"service": "A"}, Conflict), ({"to_window": 1}, Conflict), ({"service": "Z"}, NotFound)],
)
def test_bad_transfers_are_refused(db, target, error):
    issue(db, service="A")
    call(db, 1)
    with pytest.raises(error):
        act(db, "transfer", 1, **target)


def test_only_the_windows_clerk_a_manager_or_an_admin_may_act(db):
    issue(db, service="A")
    issue(db, service="A")
    clerk = add_user(db, "clerk1", "clerk", windows=[1])
    guide = add_user(db, "guide1", "guide")
    manager = add_user(db, "boss", "manager")
    with pytest.raises(Forbidden) as refused:
        call(db, 2, who=clerk)
    assert refused.value.code == "not_your_window"
    with pytest.raises(Forbidden):
        call(db, 2, who=guide)
    assert call(db, 1, who=clerk)[0].number == "A001"
    assert call(db, 2, who=manager)[0].number == "A002"


def test_staff_of_another_hall_may_not_act_here(db):
    make_hall(db, "town", {1: "A"})
    issue(db, hall="town")
    town_manager = add_user(db, "townboss", "manager", hall="town")
    with pytest.raises(Forbidden):
        call(db, 1, who=town_manager)  # hall main
    assert call(db, 1, who=town_manager, hall="town")[0].number == "A001"


def test_unknown_window_is_not_found(db):
    with pytest.raises(NotFound) as missing:
        call(db, 99)
    assert missing.value.code == "unknown_window"


def test_yesterdays_waiting_tickets_are_not_called_today(db):
    from datetime import timedelta

    from hallq import clock

    issue(db, moment=clock.now() - timedelta(days=1))
    assert call(db, 1)[0] is None


def test_every_action_is_in_the_event_log_with_who_did_it(db):
    from sqlalchemy import select

    from hallq.models import Event

    clerk = add_user(db, "clerk1", "clerk", windows=[1])
    issue(db)
    call(db, 1, who=clerk)
    act(db, "recall", 1, who=clerk)
    act(db, "finish", 1, who=clerk)
    with db.session() as session:
        rows = session.execute(select(Event.seq, Event.type, Event.actor).order_by(Event.seq)).all()
    assert [(r.type, r.actor) for r in rows] == [
        ("ticket.issued", "kiosk"),
        ("ticket.called", "clerk1"),
        ("ticket.called", "clerk1"),
        ("ticket.finished", "clerk1"),
    ]
    assert [r.seq for r in rows] == [1, 2, 3, 4]


def test_a_refused_action_records_nothing(db):
    from sqlalchemy import func, select

    from hallq.models import Event

    issue(db)
    act(db, "set_status", 1, status="paused")
    with pytest.raises(Conflict):
        call(db, 1)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 2


def test_the_waiting_counts_kept_with_each_change_match_the_queue(db):
    from sqlalchemy import func, select

    from hallq import halls, layout
    from hallq.models import Ticket

    for service in "AABBCAD":
        issue(db, service=service)
    call(db, 1)
    act(db, "transfer", 1, service="C")
    call(db, 3)
    act(db, "transfer", 3, to_window=8)
    call(db, 5)
    with db.session() as session:
        kept = halls.waiting_counts(
            session, layout.load_layout(session, "main"), halls.today("Asia/Shanghai")
        )
        rows = session.execute(
            select(Ticket.service_id, func.count())
            .where(Ticket.status == "waiting")
            .group_by(Ticket.service_id)
        ).all()
        place = layout.load_layout(session, "main")
    counted = {code: 0 for code in "ABCD"} | {place.service_by_id[sid].code: n for sid, n in rows}
    assert kept == counted == {"A": 2, "B": 1, "C": 1, "D": 2}

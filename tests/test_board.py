"""The notice board: today's duty manager (经理值班) and the announcements (公告) on the display."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hallq import board, layout
from hallq.access import Actor
from hallq.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from hallq.models import Event
from tests.factories import add_user, admin, login, make_hall, next_event, run

# 2026-11-23 is a Monday; 01:00 UTC is 09:00 in Asia/Shanghai.
MONDAY_MORNING = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
SATURDAY_MORNING = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
FRIDAY_LATE_UTC = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)  # already Saturday 01:00 in the hall


def board_at(db, moment, hall="main"):
    with db.session() as session:
        return board._board(session, layout.load_layout(session, hall), moment)


def test_the_demo_hall_has_five_leaders_on_weekdays_and_policy_notices(db):
    monday = board_at(db, MONDAY_MORNING)
    assert [d.weekday for d in monday.roster] == [0, 1, 2, 3, 4]
    assert (monday.duty_today.name, monday.duty_today.title) == ("王建国", "总经理")
    assert any("95598" in n.text for n in monday.notices)
    assert board_at(db, SATURDAY_MORNING).duty_today is None


def test_the_duty_day_is_the_halls_local_day(db):
    assert board_at(db, FRIDAY_LATE_UTC).duty_today is None  # Friday in UTC, Saturday in the hall


def test_a_manager_posts_an_announcement_and_the_display_hears_of_it(db):
    manager = add_user(db, "boss", "manager")
    notice, events = run(
        db, board.post_notice, hall="main", text="  今日14:00-15:00  系统升级，暂停交费业务。 ", actor=manager
    )
    assert notice.text == "今日14:00-15:00 系统升级，暂停交费业务。"
    message = json.loads(events[-1].text)
    assert message["type"] == "board.updated"
    newest = message["board"]["notices"][-1]
    assert (newest["id"], newest["text"]) == (notice.id, notice.text)
    with db.session() as session:
        logged = session.scalars(select(Event).where(Event.seq == message["seq"])).one()
    assert logged.actor == "boss" and logged.type == "board.updated"  # who did it, in the log


def test_a_manager_removes_one(db):
    notice, _ = run(db, board.post_notice, hall="main", text="临时公告", actor=admin(db))
    _, events = run(db, board.remove_notice, hall="main", notice_id=notice.id, actor=admin(db))
    assert notice.id not in [n["id"] for n in json.loads(events[-1].text)["board"]["notices"]]
    with pytest.raises(NotFound):
        run(db, board.remove_notice, hall="main", notice_id=notice.id, actor=admin(db))


@pytest.mark.parametrize("role", ["clerk", "guide"])
def test_clerks_and_guides_may_not_post(db, role):
    who = add_user(db, f"u-{role}", role, windows=[1] if role == "clerk" else None)
    with pytest.raises(Forbidden):
        run(db, board.post_notice, hall="main", text="我想说", actor=who)


def test_the_public_may_not_post_and_another_halls_manager_may_not_either(db):
    with pytest.raises(Unauthorized):
        run(db, board.post_notice, hall="main", text="广告", actor=Actor.public())
    make_hall(db, "town")
    other = add_user(db, "town-boss", "manager", hall="town")
    with pytest.raises(Forbidden):
        run(db, board.post_notice, hall="main", text="别的大厅", actor=other)


def test_blank_and_too_many_announcements_are_refused(db):
    with pytest.raises(Invalid):
        run(db, board.post_notice, hall="main", text="   ", actor=admin(db))
    for i in range(board.MAX_NOTICES - len(board.DEMO_NOTICES)):
        run(db, board.post_notice, hall="main", text=f"公告{i}", actor=admin(db))
    with pytest.raises(Conflict):
        run(db, board.post_notice, hall="main", text="再来一条", actor=admin(db))


# --- through the API


def test_board_endpoint_and_snapshot(client):
    public = client.get("/api/halls/main/board").json()
    assert len(public["roster"]) == 5 and len(public["notices"]) == len(board.DEMO_NOTICES)
    with client.websocket_connect("/ws/halls/main") as ws:
        assert next_event(ws)["board"] == public
    assert client.get("/api/halls/nowhere/board").status_code == 404


def test_post_and_delete_notices_over_http(client):
    headers = login(client)
    with client.websocket_connect("/ws/halls/main") as ws:
        next_event(ws)
        posted = client.post(
            "/api/halls/main/notices", json={"text": "元旦假期营业时间：9:00-15:00"}, headers=headers
        )
        assert posted.status_code == 201
        assert next_event(ws)["board"]["notices"][-1]["text"] == "元旦假期营业时间：9:00-15:00"
        gone = client.delete(f"/api/halls/main/notices/{posted.json()['id']}", headers=headers)
        assert gone.status_code == 204
        assert posted.json()["id"] not in [n["id"] for n in next_event(ws)["board"]["notices"]]
    assert client.post("/api/halls/main/notices", json={"text": "x"}).status_code == 401
    too_long = client.post("/api/halls/main/notices", json={"text": "长" * 301}, headers=headers)
    assert too_long.status_code == 422
    extra = client.post("/api/halls/main/notices", json={"text": "x", "pin": True}, headers=headers)
    assert extra.status_code == 422

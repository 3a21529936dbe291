"""The hall's notice board (公告公示区): today's duty manager (经理值班) and the announcements (公告).

The display shows both; managers post and remove announcements; the weekday roster of the
five leaders on duty is seeded for the demo hall (editing it belongs to the admin pages).
Each change is recorded as a `board.updated` event carrying the whole board, which is small.
"""

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from hallq import clock, layout
from hallq.access import SUPERVISORS, Actor, require_hall, require_role
from hallq.errors import Conflict, Invalid, NotFound
from hallq.events import BoardUpdated, record
from hallq.layout import Layout
from hallq.models import DutyManager, Hall, Notice
from hallq.models.public import DutyPublic, HallBoard, NoticePublic

MAX_NOTICES = 20  # a bar that scrolls longer than this is read by nobody


def _board(session: Session, hall: Layout, moment: datetime | None = None) -> HallBoard:
    info = hall.hall
    roster = [
        DutyPublic(weekday=d.weekday, name=d.name, title=d.title)
        for d in session.scalars(
            select(DutyManager).where(DutyManager.hall_id == info.id).order_by(DutyManager.weekday)
        )
    ]
    weekday = clock.local(moment or clock.now(), info.timezone).weekday()
    notices = [
        NoticePublic(id=n.id, text=n.text, posted_at=n.posted_at)
        for n in session.scalars(select(Notice).where(Notice.hall_id == info.id).order_by(Notice.id))
    ]
    return HallBoard(
        duty_today=next((d for d in roster if d.weekday == weekday), None), roster=roster, notices=notices
    )


def board(*, session: Session, slug: str) -> HallBoard:
    return _board(session, layout.load_layout(session, slug))


def _supervisor(session: Session, hall: Layout, actor: Actor) -> None:
    require_role(actor, SUPERVISORS, "change the hall's announcements")
    require_hall(actor, session.get(Hall, hall.hall.id))


def post_notice(*, session: Session, hall: str, text: str, actor: Actor) -> NoticePublic:
    """Add an announcement at the end of the display's bar (manager or admin)."""
    place = layout.load_layout(session, hall, lock=True)
    _supervisor(session, place, actor)
    text = " ".join(text.split())
    if not text:
        raise Invalid("an announcement needs some text", code="empty_notice")
    count = session.scalar(select(func.count()).where(Notice.hall_id == place.hall.id))
    if count >= MAX_NOTICES:
        raise Conflict(
            f"the hall already shows {MAX_NOTICES} announcements; remove one first", code="too_many_notices"
        )
    notice = Notice(hall_id=place.hall.id, text=text, posted_at=clock.now(), posted_by=actor.name[:60])
    session.add(notice)
    session.flush()
    record(session, place, BoardUpdated(board=_board(session, place)), actor=actor)
    return NoticePublic(id=notice.id, text=notice.text, posted_at=notice.posted_at)


def remove_notice(*, session: Session, hall: str, notice_id: int, actor: Actor) -> None:
    place = layout.load_layout(session, hall, lock=True)
    _supervisor(session, place, actor)
    notice = session.get(Notice, notice_id)
    if notice is None or notice.hall_id != place.hall.id:
        raise NotFound(f"no announcement {notice_id} in hall {hall}", code="unknown_notice")
    session.delete(notice)
    session.flush()
    record(session, place, BoardUpdated(board=_board(session, place)), actor=actor)


# The demo hall's roster and announcements: a county company's five leaders, real policies.
DEMO_ROSTER = [
    ("王建国", "总经理"),
    ("李红梅", "党委书记"),
    ("张卫东", "副总经理"),
    ("刘志强", "副总经理"),
    ("陈晓燕", "总工程师"),
]
DEMO_NOTICES = [
    "居民客户凭有效身份证件即可申请新装用电（一证办电），其余资料可后补。",
    "居民生活用电实行阶梯电价，分档电量及电价标准请咨询电费管理窗口或查阅公告栏。",
    "“网上国网”App可办理交费、报修、新装增容等业务，欢迎扫码下载。",
    "故障报修、投诉建议请拨打24小时供电服务热线95598。",
    "本厅实行延时服务：客户不走完，办电人员不下班。",
    "经理值班：工作日值班经理在咨询辅导区接待客户意见和建议。",
]


def seed_demo(session: Session, hall: Hall) -> None:
    for weekday, (name, title) in enumerate(DEMO_ROSTER):
        session.add(DutyManager(hall_id=hall.id, weekday=weekday, name=name, title=title))
    now = clock.now()
    for text in DEMO_NOTICES:
        session.add(Notice(hall_id=hall.id, text=text, posted_at=now, posted_by="demo"))
    session.flush()

"""Halls: what a kiosk or display needs to know about one, and how halls are set up."""

from datetime import date, datetime

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from hallq import clock, layout
from hallq.errors import Invalid, NotFound
from hallq.fastsql import Statement
from hallq.layout import Layout, ServiceInfo, WindowInfo
from hallq.models import (
    DailyCounter,
    Hall,
    Service,
    Ticket,
    TicketStatus,
    Window,
    WindowService,
    WindowStatus,
)
from hallq.models.public import HallDetail, HallSummary, ServicePublic, WindowPublic

_WAITING = Statement(
    select(DailyCounter.service_id, DailyCounter.waiting).where(
        DailyCounter.hall_id == bindparam("hall_id"), DailyCounter.business_day == bindparam("day")
    )
)


def get_hall(session: Session, slug: str) -> Hall:
    hall = session.scalars(select(Hall).where(Hall.slug == slug)).first()
    if hall is None:
        raise NotFound(f"no hall {slug!r}", code="unknown_hall")
    return hall


def hall_id(*, session: Session, slug: str) -> int:
    return layout.load_layout(session, slug).hall.id


def today(tz: str, moment: datetime | None = None) -> date:
    return clock.business_day(moment or clock.now(), tz)


def waiting_counts(session: Session, hall: Layout, day: date) -> dict[str, int]:
    counts = {s.code: 0 for s in hall.services}
    for service_id, n in _WAITING.all(session, {"hall_id": hall.hall.id, "day": day}):
        counts[hall.service_by_id[service_id].code] = n
    return counts


def issued_counts(session: Session, hall_id: int, day: date) -> dict[int, int]:
    rows = session.execute(
        select(DailyCounter.service_id, DailyCounter.last).where(
            DailyCounter.hall_id == hall_id, DailyCounter.business_day == day
        )
    )
    return {service_id: last for service_id, last in rows}


def closed_reason(hall: Layout, service: ServiceInfo, *, issued: int, moment: datetime) -> str | None:
    """Why a kiosk may not issue a number for this service now, or None when it may."""
    if not service.active:
        return "inactive"
    if not clock.is_open(hall.hall.opening_hours, moment, hall.hall.timezone):
        return "hall_closed"
    if service.daily_cap is not None and issued >= service.daily_cap:
        return "cap_reached"
    # A paused window is only away for a moment; a closed one is not staffed today.
    if not any(w.status != WindowStatus.closed for w in hall.windows_serving(service)):
        return "no_window_open"
    return None


def current_tickets(session: Session, hall_id: int) -> dict[int, Ticket]:
    """The ticket each window is serving now, by window id."""
    rows = session.scalars(
        select(Ticket).where(Ticket.hall_id == hall_id, Ticket.status == TicketStatus.called)
    )
    return {t.window_id: t for t in rows}


def window_public(
    hall: Layout, window: WindowInfo, current: Ticket | None, status: str | None = None
) -> WindowPublic:
    return WindowPublic(
        number=window.number,
        name=window.name,
        services=hall.codes_of(window),
        status=status or window.status,
        current=hall.brief(current) if current else None,
    )


def hall_detail(*, session: Session, slug: str) -> HallDetail:
    hall = layout.load_layout(session, slug)
    info = hall.hall
    moment = clock.now()
    day = today(info.timezone, moment)
    waiting = waiting_counts(session, hall, day)
    issued = issued_counts(session, info.id, day)
    current = current_tickets(session, info.id)
    services = []
    for s in hall.services:
        n_issued = issued.get(s.id, 0)
        reason = closed_reason(hall, s, issued=n_issued, moment=moment)
        services.append(
            ServicePublic(
                code=s.code,
                name=s.name,
                name_en=s.name_en,
                number_width=s.number_width,
                daily_cap=s.daily_cap,
                documents=list(s.documents),
                documents_en=list(s.documents_en),
                active=s.active,
                waiting=waiting[s.code],
                issued_today=n_issued,
                available=reason is None,
                closed_reason=reason,
            )
        )
    return HallDetail(
        slug=info.slug,
        name=info.name,
        name_en=info.name_en,
        timezone=info.timezone,
        opening_hours=info.opening_hours,
        open=clock.is_open(info.opening_hours, moment, info.timezone),
        business_day=day.isoformat(),
        services=services,
        windows=[window_public(hall, w, current.get(w.id)) for w in hall.windows],
    )


def list_halls(*, session: Session) -> list[HallSummary]:
    halls = session.scalars(select(Hall).order_by(Hall.id))
    return [HallSummary(slug=h.slug, name=h.name, name_en=h.name_en) for h in halls]


def create_hall(
    session: Session,
    *,
    slug: str,
    name: str,
    name_en: str = "",
    timezone: str = "Asia/Shanghai",
    opening_hours: str | None = None,
) -> Hall:
    try:
        clock.zone(timezone)
    except Exception:
        raise Invalid(f"unknown time zone {timezone!r}") from None
    if opening_hours is not None:
        try:
            clock.parse_hours(opening_hours)
        except ValueError as exc:
            raise Invalid(str(exc)) from None
    hall = Hall(slug=slug, name=name, name_en=name_en, timezone=timezone, opening_hours=opening_hours)
    session.add(hall)
    session.flush()
    return hall


def add_service(
    session: Session, hall: Hall, *, code: str, name: str, name_en: str = "", **fields
) -> Service:
    position = session.scalar(select(func.count()).where(Service.hall_id == hall.id))
    service = Service(hall_id=hall.id, code=code, name=name, name_en=name_en, position=position, **fields)
    session.add(service)
    session.flush()
    return service


def add_window(
    session: Session, hall: Hall, *, number: int, services: list[Service], name: str = ""
) -> Window:
    window = Window(hall_id=hall.id, number=number, name=name or f"{number}号窗口")
    session.add(window)
    session.flush()
    for position, service in enumerate(services):
        session.add(WindowService(window_id=window.id, service_id=service.id, position=position))
    session.flush()
    return window

"""Halls and their layout: which services there are and which windows serve them."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from hallq import clock
from hallq.errors import Invalid, NotFound
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
from hallq.models.public import (
    HallDetail,
    HallSummary,
    ServicePublic,
    TicketBrief,
    WindowPublic,
)


@dataclass
class Layout:
    """A hall's services and windows, loaded once per request."""

    hall: Hall
    services: list[Service]
    windows: list[Window]
    # window id -> service ids, in the window's order
    window_services: dict[int, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.service_by_id = {s.id: s for s in self.services}
        self.service_by_code = {s.code: s for s in self.services}
        self.window_by_id = {w.id: w for w in self.windows}
        self.window_by_number = {w.number: w for w in self.windows}

    def service(self, code: str) -> Service:
        try:
            return self.service_by_code[code]
        except KeyError:
            raise NotFound(f"no service {code!r} in hall {self.hall.slug}", code="unknown_service") from None

    def window(self, number: int) -> Window:
        try:
            return self.window_by_number[number]
        except KeyError:
            raise NotFound(f"no window {number} in hall {self.hall.slug}", code="unknown_window") from None

    def codes_of(self, window: Window) -> list[str]:
        return [self.service_by_id[sid].code for sid in self.window_services.get(window.id, [])]

    def windows_serving(self, service: Service) -> list[Window]:
        return [w for w in self.windows if service.id in self.window_services.get(w.id, [])]

    def brief(self, ticket: Ticket) -> TicketBrief:
        window = self.window_by_id.get(ticket.window_id) if ticket.window_id else None
        return TicketBrief(
            id=ticket.id,
            number=ticket.number,
            service=self.service_by_id[ticket.service_id].code,
            status=ticket.status,
            priority=ticket.priority,
            window=window.number if window else None,
            issued_at=ticket.issued_at,
            called_at=ticket.called_at,
            finished_at=ticket.finished_at,
            recall_count=ticket.recall_count,
        )


def get_hall(session: Session, slug: str) -> Hall:
    hall = session.scalars(select(Hall).where(Hall.slug == slug)).first()
    if hall is None:
        raise NotFound(f"no hall {slug!r}", code="unknown_hall")
    return hall


def load_layout(session: Session, hall: Hall | str) -> Layout:
    if isinstance(hall, str):
        hall = get_hall(session, hall)
    services = list(
        session.scalars(
            select(Service).where(Service.hall_id == hall.id).order_by(Service.position, Service.code)
        )
    )
    windows = list(session.scalars(select(Window).where(Window.hall_id == hall.id).order_by(Window.number)))
    links = session.execute(
        select(WindowService.window_id, WindowService.service_id)
        .join(Window, Window.id == WindowService.window_id)
        .where(Window.hall_id == hall.id)
        .order_by(WindowService.window_id, WindowService.position)
    )
    window_services: dict[int, list[int]] = {}
    for window_id, service_id in links:
        window_services.setdefault(window_id, []).append(service_id)
    return Layout(hall, services, windows, window_services)


def today(hall: Hall, moment: datetime | None = None) -> date:
    return clock.business_day(moment or clock.now(), hall.timezone)


def waiting_counts(session: Session, layout: Layout, day: date) -> dict[str, int]:
    rows = session.execute(
        select(Ticket.service_id, func.count())
        .where(
            Ticket.hall_id == layout.hall.id,
            Ticket.status == TicketStatus.waiting,
            Ticket.business_day == day,
        )
        .group_by(Ticket.service_id)
    )
    counts = {s.code: 0 for s in layout.services}
    for service_id, n in rows:
        counts[layout.service_by_id[service_id].code] = n
    return counts


def issued_counts(session: Session, hall: Hall, day: date) -> dict[int, int]:
    rows = session.execute(
        select(DailyCounter.service_id, DailyCounter.last).where(
            DailyCounter.hall_id == hall.id, DailyCounter.business_day == day
        )
    )
    return dict(rows.tuples().all())


def closed_reason(layout: Layout, service: Service, *, issued: int, moment: datetime) -> str | None:
    """Why a kiosk may not issue a number for this service now, or None when it may."""
    if not service.active:
        return "inactive"
    if not clock.is_open(layout.hall.opening_hours, moment, layout.hall.timezone):
        return "hall_closed"
    if service.daily_cap is not None and issued >= service.daily_cap:
        return "cap_reached"
    # A paused window is only away for a moment; a closed one is not staffed today.
    if not any(w.status != WindowStatus.closed for w in layout.windows_serving(service)):
        return "no_window_open"
    return None


def current_tickets(session: Session, hall: Hall) -> dict[int, Ticket]:
    """The ticket each window is serving now, by window id."""
    rows = session.scalars(
        select(Ticket).where(Ticket.hall_id == hall.id, Ticket.status == TicketStatus.called)
    )
    return {t.window_id: t for t in rows}


def window_public(layout: Layout, window: Window, current: Ticket | None) -> WindowPublic:
    return WindowPublic(
        number=window.number,
        name=window.name,
        services=layout.codes_of(window),
        status=window.status,
        current=layout.brief(current) if current else None,
    )


def hall_detail(*, session: Session, slug: str) -> HallDetail:
    layout = load_layout(session, slug)
    hall = layout.hall
    moment = clock.now()
    day = today(hall, moment)
    waiting = waiting_counts(session, layout, day)
    issued = issued_counts(session, hall, day)
    current = current_tickets(session, hall)
    services = []
    for s in layout.services:
        n_issued = issued.get(s.id, 0)
        reason = closed_reason(layout, s, issued=n_issued, moment=moment)
        services.append(
            ServicePublic(
                code=s.code,
                name=s.name,
                name_en=s.name_en,
                number_width=s.number_width,
                daily_cap=s.daily_cap,
                documents=s.documents,
                documents_en=s.documents_en,
                active=s.active,
                waiting=waiting[s.code],
                issued_today=n_issued,
                available=reason is None,
                closed_reason=reason,
            )
        )
    return HallDetail(
        slug=hall.slug,
        name=hall.name,
        name_en=hall.name_en,
        timezone=hall.timezone,
        opening_hours=hall.opening_hours,
        open=clock.is_open(hall.opening_hours, moment, hall.timezone),
        business_day=day.isoformat(),
        services=services,
        windows=[window_public(layout, w, current.get(w.id)) for w in layout.windows],
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
    hall = Hall(
        slug=slug,
        name=name,
        name_en=name_en,
        timezone=timezone,
        opening_hours=opening_hours,
    )
    session.add(hall)
    session.flush()
    return hall


def add_service(
    session: Session, hall: Hall, *, code: str, name: str, name_en: str = "", **fields
) -> Service:
    position = session.scalar(select(func.count()).where(Service.hall_id == hall.id))
    service = Service(
        hall_id=hall.id,
        code=code,
        name=name,
        name_en=name_en,
        position=position,
        **fields,
    )
    session.add(service)
    session.flush()
    return service


def add_window(
    session: Session,
    hall: Hall,
    *,
    number: int,
    services: list[Service],
    name: str = "",
) -> Window:
    window = Window(hall_id=hall.id, number=number, name=name or f"{number}号窗口")
    session.add(window)
    session.flush()
    for position, service in enumerate(services):
        session.add(WindowService(window_id=window.id, service_id=service.id, position=position))
    session.flush()
    return window


def hall_id(*, session: Session, slug: str) -> int:
    return get_hall(session, slug).id

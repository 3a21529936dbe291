"""What a window does: call next (叫号), recall (重呼), no-show (过号), finish (办结), transfer, pause.

Call order: the best waiting ticket of today among the services the window serves, by
rank (moved to the front by a manager, then priority, then normal), then earliest issued.
A ticket transferred to a named window is called only there, and before the others.
There is no weighting between services.

Calling next while a ticket is still current finishes that ticket first (as done), then
calls the next one, in one transaction: a clerk's hundredth click of the day is one click.

Concurrency: every write of a hall first locks the hall's row (layout.load_layout(lock=True)),
so the hall's writes queue in one order and never deadlock; the window's row and the ticket
taken are locked too (FOR UPDATE SKIP LOCKED on PostgreSQL), the ticket is set with a
compare-and-set on its status, and a unique index allows one current ticket per window.
"""

from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, func, or_, select, update
from sqlmodel import Session

from hallq import clock, halls, layout, speech, tickets, voice
from hallq.access import Actor, require_window
from hallq.errors import Conflict, Invalid
from hallq.events import (
    TicketArrived,
    TicketCalled,
    TicketFinished,
    TicketNoShow,
    TicketTransferred,
    WindowUpdated,
    record,
)
from hallq.fastsql import Statement
from hallq.layout import Layout, WindowInfo
from hallq.models import Ticket, TicketStatus, Window, WindowStatus
from hallq.models.public import StaffTicket, WindowPublic

_LOCK_WINDOW = select(Window.status).where(Window.id == bindparam("window_id")).with_for_update()
_CURRENT = (
    select(Ticket)
    .where(Ticket.window_id == bindparam("window_id"), Ticket.status == TicketStatus.called)
    .with_for_update()
)
# Written once: building a statement costs more than running it (see fastsql.py).
_TAKE = Statement(
    update(Ticket)
    .where(Ticket.id == bindparam("ticket_id"), Ticket.status == TicketStatus.waiting)
    .values(
        status=TicketStatus.called,
        called_at=bindparam("now"),
        window_id=bindparam("window_id"),
        clerk_id=bindparam("clerk_id"),
        target_window_id=None,
        recall_count=0,
        recalled_at=None,
        arrived_at=None,
    )
)
_NEXT_FOR_WINDOW = (
    select(Ticket)
    .where(
        Ticket.hall_id == bindparam("hall_id"),
        Ticket.status == TicketStatus.waiting,
        Ticket.service_id.in_(bindparam("service_ids", expanding=True)),
        Ticket.business_day == bindparam("day"),
        or_(Ticket.target_window_id.is_(None), Ticket.target_window_id == bindparam("me")),
    )
    # A ticket sent to this window comes first: that customer has been served once already.
    .order_by(case((Ticket.target_window_id == bindparam("me"), 0), else_=1), *tickets.queue_order())
    .limit(1)
    .with_for_update(skip_locked=True)
)
# Compare-and-set: only a ticket still called and still not come is passed by the timeout.
_PASS_OVERDUE = (
    update(Ticket)
    .where(
        Ticket.id == bindparam("ticket_id"), Ticket.status == TicketStatus.called, Ticket.arrived_at.is_(None)
    )
    .values(status=TicketStatus.no_show, finished_at=bindparam("now"))
)


class _Desk:
    """A window during one action: the hall's layout, the window, and its status read under lock."""

    def __init__(self, session: Session, hall: str, number: int, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.hall: Layout = layout.load_layout(session, hall, lock=True)
        self.window: WindowInfo = self.hall.window(number)
        require_window(actor, self.hall.hall, self.window)
        self.status = session.execute(_LOCK_WINDOW, {"window_id": self.window.id}).scalar_one()

    def require_calling(self) -> None:
        if self.status == WindowStatus.paused:
            raise Conflict(f"window {self.window.number} is paused; resume it first", code="window_paused")
        if self.status == WindowStatus.closed:
            raise Conflict(f"window {self.window.number} is closed; open it first", code="window_closed")

    def current(self) -> Ticket | None:
        return self.session.scalars(_CURRENT, {"window_id": self.window.id}).first()

    def require_current(self) -> Ticket:
        ticket = self.current()
        if ticket is None:
            raise Conflict(f"window {self.window.number} has no current ticket", code="no_current_ticket")
        return ticket

    def record(self, event, ticket: Ticket | None = None) -> None:
        record(
            self.session,
            self.hall,
            event,
            actor=self.actor,
            ticket_id=ticket.id if ticket else None,
            window_id=self.window.id,
        )

    def announce(self, ticket: Ticket, *, recall: bool) -> StaffTicket:
        """Record the call (the display shows it and says it) and answer with the ticket and its audio."""
        number, window = ticket.number, self.window.number
        # Made from the hall and what is said alone: any server process can answer it.
        audio_url = voice.audio_url(self.hall.hall.slug, number, window, recall=recall)
        self.record(
            TicketCalled(
                ticket=self.hall.brief(ticket),
                window=window,
                text=speech.call_text(number, window, recall=recall),
                text_en=speech.call_text(number, window, recall=recall, lang="en"),
                recall=recall,
                recall_count=ticket.recall_count,
                audio_url=audio_url,
            ),
            ticket,
        )
        public = self.public(ticket)
        public.audio_url = audio_url
        return public

    def end(self, ticket: Ticket, status: TicketStatus) -> None:
        ticket.status = status
        ticket.finished_at = clock.now()
        self.session.add(ticket)
        self.session.flush()
        event_class = TicketFinished if status == TicketStatus.done else TicketNoShow
        self.record(event_class(ticket=self.hall.brief(ticket), window=self.window.number), ticket)

    def take_next(self) -> Ticket | None:
        if not self.window.service_ids:
            return None
        params = {
            "hall_id": self.hall.hall.id,
            "service_ids": list(self.window.service_ids),
            "day": halls.today(self.hall.hall.timezone),
            "me": self.window.id,
        }
        return self.session.scalars(_NEXT_FOR_WINDOW, params).first()

    def public(self, ticket: Ticket) -> StaffTicket:
        return tickets.to_public(self.session, self.hall, ticket, staff=True)


def call_next(*, session: Session, hall: str, window: int, actor: Actor) -> StaffTicket | None:
    """Finish the current ticket if any, then call the next one; None when nobody waits."""
    desk = _Desk(session, hall, window, actor)
    desk.require_calling()
    current = desk.current()
    if current is not None:
        desk.end(current, TicketStatus.done)
    ticket = desk.take_next()
    if ticket is None:
        return None
    params = {
        "ticket_id": ticket.id,
        "now": clock.now(),
        "window_id": desk.window.id,
        "clerk_id": actor.user_id,
    }
    if _TAKE.run(session, params).rowcount != 1:
        raise Conflict("that ticket was just taken by another window; call again", code="race")
    tickets.leaves_queue(session, ticket)
    session.refresh(ticket)
    return desk.announce(ticket, recall=False)


def recall(*, session: Session, hall: str, window: int, actor: Actor) -> StaffTicket:
    desk = _Desk(session, hall, window, actor)
    desk.require_calling()
    ticket = desk.require_current()
    ticket.recall_count += 1
    ticket.recalled_at = clock.now()
    session.add(ticket)
    session.flush()
    return desk.announce(ticket, recall=True)


def start(*, session: Session, hall: str, window: int, actor: Actor) -> StaffTicket:
    """The called customer is here (开始办理): the automatic no-show no longer applies."""
    desk = _Desk(session, hall, window, actor)
    ticket = desk.require_current()
    if ticket.arrived_at is not None:
        raise Conflict(f"{ticket.number} is already being served", code="already_started")
    ticket.arrived_at = clock.now()
    session.add(ticket)
    session.flush()
    desk.record(TicketArrived(ticket=desk.hall.brief(ticket), window=desk.window.number), ticket)
    return desk.public(ticket)


def finish(*, session: Session, hall: str, window: int, actor: Actor) -> StaffTicket:
    desk = _Desk(session, hall, window, actor)
    ticket = desk.require_current()
    desk.end(ticket, TicketStatus.done)
    return desk.public(ticket)


def no_show(*, session: Session, hall: str, window: int, actor: Actor) -> StaffTicket:
    desk = _Desk(session, hall, window, actor)
    ticket = desk.require_current()
    desk.end(ticket, TicketStatus.no_show)
    return desk.public(ticket)


def transfer(
    *,
    session: Session,
    hall: str,
    window: int,
    actor: Actor,
    service: str | None = None,
    to_window: int | None = None,
) -> StaffTicket:
    """Send the current ticket back to waiting, for another service or a named window; it keeps its number."""
    if service is None and to_window is None:
        raise Invalid("say which service or window to transfer to", code="transfer_target")
    desk = _Desk(session, hall, window, actor)
    place = desk.hall
    ticket = desk.require_current()
    target_window = place.window(to_window) if to_window is not None else None
    if target_window is not None and target_window.id == desk.window.id:
        raise Conflict("a ticket cannot be transferred to the window serving it", code="same_window")
    if service is not None:
        target_service = place.service(service)
    elif not target_window.service_ids:
        raise Conflict(f"window {target_window.number} serves no service", code="window_serves_nothing")
    else:
        served = target_window.service_ids
        target_service = place.service_by_id[ticket.service_id if ticket.service_id in served else served[0]]
    if target_window is not None and target_service.id not in target_window.service_ids:
        raise Conflict(
            f"window {target_window.number} does not serve {target_service.code}",
            code="window_does_not_serve",
        )
    if target_service.id == ticket.service_id and target_window is None:
        raise Conflict("the ticket is already queued for that service", code="same_service")
    from_service = place.service_by_id[ticket.service_id].code
    ticket.status = TicketStatus.waiting
    ticket.service_id = target_service.id
    ticket.window_id = None
    ticket.target_window_id = target_window.id if target_window is not None else None
    ticket.transfer_count += 1
    session.add(ticket)
    session.flush()
    tickets.joins_queue(session, ticket)
    desk.record(
        TicketTransferred(
            ticket=place.brief(ticket),
            from_service=from_service,
            to_service=target_service.code,
            from_window=desk.window.number,
            to_window=target_window.number if target_window is not None else None,
        ),
        ticket,
    )
    return desk.public(ticket)


def set_status(
    *, session: Session, hall: str, window: int, actor: Actor, status: WindowStatus
) -> WindowPublic:
    """Open, pause (暂停服务), resume or close a window."""
    desk = _Desk(session, hall, window, actor)
    current = desk.current()
    if status == WindowStatus.closed and current is not None:
        raise Conflict(f"finish {current.number} before closing the window", code="window_busy")
    if desk.status == status:
        raise Conflict(f"window {desk.window.number} is already {status}", code=f"already_{status}")
    row = session.get(Window, desk.window.id)
    row.status = status
    session.add(row)
    session.flush()  # bumps the layout version: kiosks learn whether the service is still open
    public = halls.window_public(desk.hall, desk.window, current, status=status)
    desk.record(WindowUpdated(window=public))
    return public


def last_called(ticket: Ticket) -> datetime:
    return ticket.recalled_at or ticket.called_at


def overdue(*, session: Session, hall: str, after_seconds: int, moment: datetime | None = None) -> list[int]:
    """Ids of the called tickets whose customer has not come `after_seconds` after the last call."""
    place = layout.load_layout(session, hall)
    limit = (moment or clock.now()) - timedelta(seconds=after_seconds)
    return list(
        session.scalars(
            select(Ticket.id).where(
                Ticket.hall_id == place.hall.id,
                Ticket.status == TicketStatus.called,
                Ticket.arrived_at.is_(None),
                func.coalesce(Ticket.recalled_at, Ticket.called_at) <= limit,
            )
        )
    )


def pass_overdue(
    *, session: Session, hall: str, after_seconds: int, moment: datetime | None = None
) -> list[str]:
    """叫号超时自动过号: pass every called ticket whose customer has not come in time; their numbers.

    Safe with several server processes doing it at once: each takes the hall lock, and a
    compare-and-set passes a ticket only while it is still called and nobody has come.
    """
    place = layout.load_layout(session, hall, lock=True)
    now = moment or clock.now()
    passed = []
    for ticket_id in overdue(session=session, hall=hall, after_seconds=after_seconds, moment=now):
        if session.execute(_PASS_OVERDUE, {"ticket_id": ticket_id, "now": now}).rowcount != 1:
            continue
        ticket = session.get(Ticket, ticket_id, populate_existing=True)
        window = place.window_by_id[ticket.window_id]
        record(
            session,
            place,
            TicketNoShow(ticket=place.brief(ticket), window=window.number, automatic=True),
            actor=Actor.system(),
            ticket_id=ticket.id,
            window_id=window.id,
        )
        passed.append(ticket.number)
    return passed

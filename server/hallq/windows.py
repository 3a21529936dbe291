"""What a window does: call next (叫号), recall (重呼), no-show (过号), finish (办结), transfer (转移), pause.

Call order: the best waiting ticket of today among the services the window serves, by
rank (moved to the front by a manager, then priority, then normal), then earliest issued.
A ticket transferred to a named window is called only there. No weighting between services.

Calling next while a ticket is still current finishes that ticket first (as done), then calls
the next one, in one transaction: the clerk's hundredth click of the day needs no second click.

Concurrency: the window's row is locked for the whole action, so two clicks at the same window
are served one after the other; the waiting ticket is taken with FOR UPDATE SKIP LOCKED on
PostgreSQL (SQLite has a single writer), and a unique index allows one current ticket per window.
"""

from sqlalchemy import or_, select, update
from sqlmodel import Session

from hallq import clock, halls, speech, tickets
from hallq.access import Actor, require_window
from hallq.errors import Conflict, Invalid
from hallq.events import (
    TicketCalled,
    TicketFinished,
    TicketNoShow,
    TicketTransferred,
    WindowUpdated,
    record,
)
from hallq.halls import Layout
from hallq.models import Ticket, TicketStatus, Window, WindowStatus
from hallq.models.public import StaffTicket, WindowPublic


def _open_window(session: Session, hall: str, number: int, actor: Actor) -> tuple[Layout, Window]:
    """Load the hall, check the actor may act on the window, and lock the window's row."""
    layout = halls.load_layout(session, hall)
    window = layout.window(number)
    require_window(actor, layout.hall, window)
    locked = session.scalars(
        select(Window)
        .where(Window.id == window.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return layout, locked


def _current(session: Session, window: Window) -> Ticket | None:
    return session.scalars(
        select(Ticket)
        .where(Ticket.window_id == window.id, Ticket.status == TicketStatus.called)
        .with_for_update()
    ).first()


def _require_current(session: Session, window: Window) -> Ticket:
    ticket = _current(session, window)
    if ticket is None:
        raise Conflict(f"window {window.number} has no current ticket", code="no_current_ticket")
    return ticket


def _require_calling(window: Window) -> None:
    if window.status == WindowStatus.paused:
        raise Conflict(f"window {window.number} is paused; resume it first", code="window_paused")
    if window.status == WindowStatus.closed:
        raise Conflict(f"window {window.number} is closed; open it first", code="window_closed")


def _announce(
    session: Session,
    layout: Layout,
    window: Window,
    ticket: Ticket,
    actor: Actor,
    *,
    recall: bool,
) -> None:
    record(
        session,
        layout,
        TicketCalled(
            ticket=layout.brief(ticket),
            window=window.number,
            text=speech.call_text(ticket.number, window.number, recall=recall),
            text_en=speech.call_text(ticket.number, window.number, recall=recall, lang="en"),
            recall=recall,
            recall_count=ticket.recall_count,
        ),
        actor=actor,
        ticket_id=ticket.id,
        window_id=window.id,
    )


def _end(
    session: Session,
    layout: Layout,
    window: Window,
    ticket: Ticket,
    actor: Actor,
    status: TicketStatus,
) -> None:
    ticket.status = status
    ticket.finished_at = clock.now()
    session.add(ticket)
    session.flush()
    event_class = TicketFinished if status == TicketStatus.done else TicketNoShow
    record(
        session,
        layout,
        event_class(ticket=layout.brief(ticket), window=window.number),
        actor=actor,
        ticket_id=ticket.id,
        window_id=window.id,
    )


def _take_next(session: Session, layout: Layout, window: Window) -> Ticket | None:
    service_ids = layout.window_services.get(window.id, [])
    if not service_ids:
        return None
    day = halls.today(layout.hall)
    candidates = (
        select(Ticket)
        .where(
            Ticket.hall_id == layout.hall.id,
            Ticket.status == TicketStatus.waiting,
            Ticket.service_id.in_(service_ids),
            Ticket.business_day == day,
            or_(Ticket.target_window_id.is_(None), Ticket.target_window_id == window.id),
        )
        .order_by(*tickets.queue_order())
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    # A ticket transferred to this window comes before the rest: the customer has been served once.
    targeted = session.scalars(candidates.where(Ticket.target_window_id == window.id)).first()
    return targeted or session.scalars(candidates).first()


def call_next(*, session: Session, hall: str, window: int, actor: Actor) -> StaffTicket | None:
    """Finish the current ticket if any, then call the next one; None when nobody waits."""
    layout, win = _open_window(session, hall, window, actor)
    _require_calling(win)
    current = _current(session, win)
    if current is not None:
        _end(session, layout, win, current, actor, TicketStatus.done)
    ticket = _take_next(session, layout, win)
    if ticket is None:
        return None
    # Compare-and-set: the row must still be waiting, whoever else is calling.
    taken = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.status == TicketStatus.waiting)
        .values(
            status=TicketStatus.called,
            called_at=clock.now(),
            window_id=win.id,
            clerk_id=actor.user_id,
            target_window_id=None,
            recall_count=0,
        )
    ).rowcount
    if taken != 1:
        raise Conflict("that ticket was just taken by another window; call again", code="race")
    session.refresh(ticket)
    _announce(session, layout, win, ticket, actor, recall=False)
    return tickets.to_public(session, layout, ticket, staff=True)


def recall(*, session: Session, hall: str, window: int, actor: Actor) -> StaffTicket:
    layout, win = _open_window(session, hall, window, actor)
    _require_calling(win)
    ticket = _require_current(session, win)
    ticket.recall_count += 1
    session.add(ticket)
    session.flush()
    _announce(session, layout, win, ticket, actor, recall=True)
    return tickets.to_public(session, layout, ticket, staff=True)


def finish(*, session: Session, hall: str, window: int, actor: Actor) -> StaffTicket:
    layout, win = _open_window(session, hall, window, actor)
    ticket = _require_current(session, win)
    _end(session, layout, win, ticket, actor, TicketStatus.done)
    return tickets.to_public(session, layout, ticket, staff=True)


def no_show(*, session: Session, hall: str, window: int, actor: Actor) -> StaffTicket:
    layout, win = _open_window(session, hall, window, actor)
    ticket = _require_current(session, win)
    _end(session, layout, win, ticket, actor, TicketStatus.no_show)
    return tickets.to_public(session, layout, ticket, staff=True)


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
    layout, win = _open_window(session, hall, window, actor)
    ticket = _require_current(session, win)
    target_window = layout.window(to_window) if to_window is not None else None
    if target_window is not None and target_window.id == win.id:
        raise Conflict(
            "a ticket cannot be transferred to the window serving it",
            code="same_window",
        )
    if service is not None:
        target_service = layout.service(service)
    else:
        served = layout.window_services.get(target_window.id, [])
        if not served:
            raise Conflict(
                f"window {target_window.number} serves no service",
                code="window_serves_nothing",
            )
        keep = ticket.service_id in served
        target_service = layout.service_by_id[ticket.service_id if keep else served[0]]
    if target_window is not None and target_service.id not in layout.window_services.get(
        target_window.id, []
    ):
        raise Conflict(
            f"window {target_window.number} does not serve {target_service.code}",
            code="window_does_not_serve",
        )
    if target_service.id == ticket.service_id and target_window is None:
        raise Conflict("the ticket is already queued for that service", code="same_service")
    from_service = layout.service_by_id[ticket.service_id].code
    ticket.status = TicketStatus.waiting
    ticket.service_id = target_service.id
    ticket.window_id = None
    ticket.target_window_id = target_window.id if target_window is not None else None
    ticket.transfer_count += 1
    session.add(ticket)
    session.flush()
    record(
        session,
        layout,
        TicketTransferred(
            ticket=layout.brief(ticket),
            from_service=from_service,
            to_service=target_service.code,
            from_window=win.number,
            to_window=target_window.number if target_window is not None else None,
        ),
        actor=actor,
        ticket_id=ticket.id,
        window_id=win.id,
    )
    return tickets.to_public(session, layout, ticket, staff=True)


def set_status(
    *, session: Session, hall: str, window: int, actor: Actor, status: WindowStatus
) -> WindowPublic:
    """Open, pause (暂停服务), resume or close a window."""
    layout, win = _open_window(session, hall, window, actor)
    current = _current(session, win)
    if status == WindowStatus.closed and current is not None:
        raise Conflict(f"finish {current.number} before closing the window", code="window_busy")
    if win.status == status:
        raise Conflict(f"window {win.number} is already {status}", code=f"already_{status}")
    win.status = status
    session.add(win)
    session.flush()
    public = halls.window_public(layout, win, current)
    record(session, layout, WindowUpdated(window=public), actor=actor, window_id=win.id)
    return public

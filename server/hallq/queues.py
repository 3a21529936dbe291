"""The waiting lines as staff see them, and what a manager may do to a waiting ticket.

The order shown is the order `windows.call_next` calls in (tickets.queue_order), so what a
clerk sees as "next" is what the next click takes. A manager may move a waiting ticket to the
front of its service's queue or cancel it; both are in the event log with who did it.
"""

from sqlalchemy import case, or_, select
from sqlmodel import Session

from hallq import clock, halls, layout, tickets
from hallq.access import STAFF, SUPERVISORS, Actor, require_hall, require_role
from hallq.errors import Conflict, NotFound
from hallq.events import TicketCancelled, TicketMovedToFront, record
from hallq.layout import Layout, ServiceInfo, WindowInfo
from hallq.models import RANK_FRONT, Ticket, TicketStatus
from hallq.models.public import QueuedTicket, ServiceQueue, StaffTicket


def _queued(place: Layout, ticket: Ticket) -> QueuedTicket:
    target = place.window_by_id.get(ticket.target_window_id) if ticket.target_window_id else None
    return QueuedTicket(
        id=ticket.id,
        number=ticket.number,
        service=place.service_by_id[ticket.service_id].code,
        priority=ticket.priority,
        priority_reason=ticket.priority_reason,
        front=ticket.queue_rank >= RANK_FRONT,
        issued_at=ticket.issued_at,
        target_window=target.number if target else None,
        transferred=ticket.transfer_count > 0,
    )


def service_queue(
    session: Session,
    place: Layout,
    service: ServiceInfo,
    *,
    waiting: int,
    limit: int,
    window: WindowInfo | None = None,
) -> ServiceQueue:
    """The next `limit` tickets of a service; for a window, only those it may call, in its order."""
    query = select(Ticket).where(
        Ticket.hall_id == place.hall.id,
        Ticket.service_id == service.id,
        Ticket.status == TicketStatus.waiting,
        Ticket.business_day == halls.today(place.hall.timezone),
    )
    order = tickets.queue_order()
    if window is not None:
        query = query.where(or_(Ticket.target_window_id.is_(None), Ticket.target_window_id == window.id))
        order = (case((Ticket.target_window_id == window.id, 0), else_=1), *order)
    rows = session.scalars(query.order_by(*order).limit(limit))
    return ServiceQueue(
        code=service.code,
        name=service.name,
        name_en=service.name_en,
        waiting=waiting,
        next=[_queued(place, t) for t in rows],
    )


def hall_queues(*, session: Session, hall: str, actor: Actor, limit: int = 20) -> list[ServiceQueue]:
    """Every service's queue (the guide's and manager's view)."""
    place = layout.load_layout(session, hall)
    require_role(actor, STAFF, "see the queues")
    require_hall(actor, place.hall)
    waiting = halls.waiting_counts(session, place, halls.today(place.hall.timezone))
    return [service_queue(session, place, s, waiting=waiting[s.code], limit=limit) for s in place.services]


def _waiting_ticket(session: Session, place: Layout, ticket_id: int) -> Ticket:
    ticket = session.scalars(
        select(Ticket).where(Ticket.id == ticket_id, Ticket.hall_id == place.hall.id).with_for_update()
    ).first()
    if ticket is None:
        raise NotFound(f"no ticket {ticket_id} in hall {place.hall.slug}", code="unknown_ticket")
    if ticket.status != TicketStatus.waiting:
        raise Conflict(f"{ticket.number} is not waiting (it is {ticket.status})", code="not_waiting")
    return ticket


def move_to_front(*, session: Session, hall: str, ticket_id: int, actor: Actor) -> StaffTicket:
    """A manager puts a waiting ticket at the front of its service's queue (特事特办)."""
    place = layout.load_layout(session, hall, lock=True)
    require_role(actor, SUPERVISORS, "move tickets to the front")
    require_hall(actor, place.hall)
    ticket = _waiting_ticket(session, place, ticket_id)
    if ticket.queue_rank >= RANK_FRONT:
        raise Conflict(f"{ticket.number} is already at the front", code="already_front")
    ticket.queue_rank = RANK_FRONT
    session.add(ticket)
    session.flush()
    record(session, place, TicketMovedToFront(ticket=place.brief(ticket)), actor=actor, ticket_id=ticket.id)
    return tickets.to_public(session, place, ticket, staff=True)


def cancel(*, session: Session, hall: str, ticket_id: int, actor: Actor) -> StaffTicket:
    """A manager cancels a waiting ticket (the customer left, or took two numbers): it is not called."""
    place = layout.load_layout(session, hall, lock=True)
    require_role(actor, SUPERVISORS, "cancel tickets")
    require_hall(actor, place.hall)
    ticket = _waiting_ticket(session, place, ticket_id)
    ticket.status = TicketStatus.cancelled
    ticket.finished_at = clock.now()
    session.add(ticket)
    session.flush()
    tickets.leaves_queue(session, ticket)
    record(session, place, TicketCancelled(ticket=place.brief(ticket)), actor=actor, ticket_id=ticket.id)
    return tickets.to_public(session, place, ticket, staff=True)

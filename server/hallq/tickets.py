"""Tickets after they are issued (issuing.py): their place in the queue, and looking them up.

The per-day counter row of each service holds the last number given out and how many wait;
the statements that move it live here, because issuing, calling, transferring and cancelling
all do.
"""

import re

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from hallq import layout
from hallq.errors import Invalid, NotFound
from hallq.layout import Layout
from hallq.models import (
    DailyCounter,
    Hall,
    Ticket,
    TicketStatus,
    User,
)
from hallq.models.public import StaffTicket, TicketBrief, TicketPublic

PHONE = re.compile(r"^1[3-9]\d{9}$")


_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def counter_upserts(*, issue: bool) -> dict:
    """counter_upsert for each dialect (an upsert is written in each database's own words)."""
    return {name: counter_upsert(fn, issue=issue) for name, fn in _INSERTS.items()}


def counter_upsert(insert_fn, *, issue: bool):
    """+n waiting for a (hall, service, day), and when issuing n numbers more, in one statement.

    Returns the counter's `last` number after the change.
    """
    n = bindparam("n")
    first = {"last": n if issue else 0, "waiting": n}
    bump = {"waiting": DailyCounter.waiting + n}
    if issue:
        bump["last"] = DailyCounter.last + n
    return (
        insert_fn(DailyCounter)
        .values(
            hall_id=bindparam("hall_id"),
            service_id=bindparam("service_id"),
            business_day=bindparam("day"),
            **first,
        )
        .on_conflict_do_update(index_elements=["hall_id", "service_id", "business_day"], set_=bump)
        .returning(DailyCounter.last)
    )


_ONE_MORE_WAITING = counter_upserts(issue=False)
_ONE_LESS_WAITING = (
    update(DailyCounter)
    .where(
        DailyCounter.hall_id == bindparam("h"),
        DailyCounter.service_id == bindparam("s"),
        DailyCounter.business_day == bindparam("day"),
    )
    .values(waiting=DailyCounter.waiting - 1)
)


_BY_TOKEN = select(Ticket).where(Ticket.token == bindparam("token"))


def normalize_phone(phone: str | None) -> str | None:
    """A mainland mobile number (11 digits, for the SMS reminder), spaces and dashes ignored."""
    if phone is None:
        return None
    digits = re.sub(r"[\s-]", "", phone)
    if digits.startswith("+86"):
        digits = digits[3:]
    if not digits:
        return None
    if not PHONE.match(digits):
        raise Invalid("phone must be an 11-digit mobile number", code="bad_phone")
    return digits


def joins_queue(session: Session, ticket: Ticket) -> None:
    """A ticket starts waiting for its service (transferred there)."""
    conn = session.connection()
    params = {"hall_id": ticket.hall_id, "service_id": ticket.service_id, "day": ticket.business_day, "n": 1}
    conn.execute(_ONE_MORE_WAITING[conn.dialect.name], params)


def leaves_queue(session: Session, ticket: Ticket) -> None:
    """A waiting ticket stops waiting for its service (called, transferred away, cancelled)."""
    params = {"h": ticket.hall_id, "s": ticket.service_id, "day": ticket.business_day}
    session.connection().execute(_ONE_LESS_WAITING, params)


def queue_order():
    """Call order: rank first (moved to the front, then priority, then normal), then earliest issued."""
    return (Ticket.queue_rank.desc(), Ticket.issued_at, Ticket.id)


def ahead_of(session: Session, ticket: Ticket) -> int:
    """Waiting tickets of the same service that will be called before this one."""
    if ticket.status != TicketStatus.waiting:
        return 0
    before = or_(
        Ticket.queue_rank > ticket.queue_rank,
        and_(
            Ticket.queue_rank == ticket.queue_rank,
            or_(
                Ticket.issued_at < ticket.issued_at,
                and_(Ticket.issued_at == ticket.issued_at, Ticket.id < ticket.id),
            ),
        ),
    )
    return session.scalar(
        select(func.count()).where(
            Ticket.hall_id == ticket.hall_id,
            Ticket.service_id == ticket.service_id,
            Ticket.business_day == ticket.business_day,
            Ticket.status == TicketStatus.waiting,
            before,
        )
    )


def to_public(
    session: Session,
    hall: Layout,
    ticket: Ticket,
    *,
    staff: bool = False,
    ahead: int | None = None,
    brief: TicketBrief | None = None,
) -> TicketPublic:
    """The ticket as its holder (or staff) see it; `brief`, when the caller has it, saves making it again."""
    service = hall.service_by_id[ticket.service_id]
    fields = (brief or hall.brief(ticket)).model_dump()
    fields.update(
        service_name=service.name,
        service_name_en=service.name_en,
        ahead=ahead_of(session, ticket) if ahead is None else ahead,
        token=ticket.token,
        documents=list(service.documents),
        documents_en=list(service.documents_en),
        business_day=ticket.business_day.isoformat(),
        hall=hall.hall.slug,
        hall_name=hall.hall.name,
        timezone=hall.hall.timezone,
    )
    if not staff:
        return TicketPublic(**fields)
    clerk = session.get(User, ticket.clerk_id) if ticket.clerk_id else None
    return StaffTicket(
        **fields,
        phone=ticket.phone,
        clerk=clerk.display_name or clerk.username if clerk else None,
        priority_reason=ticket.priority_reason,
        arrived_at=getattr(ticket, "arrived_at", None),  # a ticket just issued has none
    )


def ticket_by_token(*, session: Session, token: str) -> TicketPublic:
    """What the phone page shows: this ticket only, never another customer's."""
    ticket = session.scalars(_BY_TOKEN, {"token": token}).first()
    if ticket is None:
        raise NotFound("no such ticket", code="unknown_ticket")
    slug = session.scalar(select(Hall.slug).where(Hall.id == ticket.hall_id))
    return to_public(session, layout.load_layout(session, slug), ticket)

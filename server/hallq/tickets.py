"""Issuing numbered tickets (取号) and looking them up.

Numbering: prefix letter + zero-padded sequence per hall, service and local day. The sequence
comes from one counter row bumped by an atomic upsert inside the issuing transaction, so two
kiosks (or two server processes) can never get the same number, and a failed issue rolls the
counter back with it: numbers have no gaps. A unique constraint on the number is the backstop.
"""

import re
import secrets
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from hallq import clock, halls
from hallq.access import ISSUERS, Actor, require_role
from hallq.errors import Conflict, Invalid, NotFound
from hallq.events import TicketIssued, record
from hallq.halls import Layout
from hallq.models import (
    RANK_NORMAL,
    RANK_PRIORITY,
    DailyCounter,
    Hall,
    Priority,
    Service,
    Ticket,
    TicketStatus,
    User,
)
from hallq.models.public import StaffTicket, TicketPublic

PHONE = re.compile(r"^1[3-9]\d{9}$")
CLOSED_MESSAGES = {
    "inactive": "this service is not offered now",
    "hall_closed": "the hall is not issuing numbers now (outside opening hours)",
    "cap_reached": "today's numbers for this service are all taken",
    "no_window_open": "no window serving this service is open",
}


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


def _next_number(session: Session, hall: Hall, service: Service, day) -> int:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(DailyCounter)
        .values(hall_id=hall.id, service_id=service.id, business_day=day, last=1)
        .on_conflict_do_update(
            index_elements=["hall_id", "service_id", "business_day"],
            set_={"last": DailyCounter.last + 1},
        )
        .returning(DailyCounter.last)
    )
    return session.execute(stmt).scalar_one()


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


def to_public(session: Session, layout: Layout, ticket: Ticket, *, staff: bool = False) -> TicketPublic:
    service = layout.service_by_id[ticket.service_id]
    fields = layout.brief(ticket).model_dump()
    fields.update(
        service_name=service.name,
        service_name_en=service.name_en,
        ahead=ahead_of(session, ticket),
        token=ticket.token,
        documents=service.documents,
        documents_en=service.documents_en,
        business_day=ticket.business_day.isoformat(),
        hall=layout.hall.slug,
        hall_name=layout.hall.name,
    )
    if not staff:
        return TicketPublic(**fields)
    clerk = session.get(User, ticket.clerk_id) if ticket.clerk_id else None
    return StaffTicket(
        **fields,
        phone=ticket.phone,
        clerk=clerk.display_name or clerk.username if clerk else None,
    )


def issue_ticket(
    *,
    session: Session,
    hall: str,
    service: str,
    actor: Actor,
    priority: Priority = Priority.normal,
    phone: str | None = None,
    moment: datetime | None = None,
) -> TicketPublic:
    """Take a number for a service. Public, except that priority tickets need a guide, manager or admin."""
    layout = halls.load_layout(session, hall)
    hall_row = layout.hall
    svc = layout.service(service)
    if priority == Priority.priority:
        require_role(actor, ISSUERS, "issue priority tickets")
    phone = normalize_phone(phone)
    moment = moment or clock.now()
    day = halls.today(hall_row, moment)
    # The cap is checked against the counter itself below; here only the other reasons.
    reason = halls.closed_reason(layout, svc, issued=0, moment=moment)
    if reason:
        raise Conflict(CLOSED_MESSAGES[reason], code=reason)
    seq = _next_number(session, hall_row, svc, day)
    if svc.daily_cap is not None and seq > svc.daily_cap:
        raise Conflict(CLOSED_MESSAGES["cap_reached"], code="cap_reached")
    if seq >= 10**svc.number_width:
        raise Conflict(
            f"service {svc.code} has run out of {svc.number_width}-digit numbers today",
            code="cap_reached",
        )
    ticket = Ticket(
        hall_id=hall_row.id,
        service_id=svc.id,
        number=f"{svc.code}{seq:0{svc.number_width}d}",
        business_day=day,
        priority=priority,
        queue_rank=RANK_PRIORITY if priority == Priority.priority else RANK_NORMAL,
        phone=phone,
        token=secrets.token_urlsafe(16),
        issued_at=moment,
        issued_by_id=actor.user_id,
    )
    session.add(ticket)
    session.flush()
    record(
        session,
        layout,
        TicketIssued(ticket=layout.brief(ticket)),
        actor=actor,
        ticket_id=ticket.id,
    )
    return to_public(session, layout, ticket, staff=actor.user_id is not None)


def ticket_by_token(*, session: Session, token: str) -> TicketPublic:
    """What the phone page shows: this ticket only, never another customer's."""
    ticket = session.scalars(select(Ticket).where(Ticket.token == token)).first()
    if ticket is None:
        raise NotFound("no such ticket", code="unknown_ticket")
    layout = halls.load_layout(session, session.get(Hall, ticket.hall_id))
    return to_public(session, layout, ticket)

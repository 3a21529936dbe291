"""Issuing numbered tickets (取号) and looking them up.

Numbering: prefix letter + zero-padded sequence per hall, service and local day. The sequence
comes from one counter row bumped by an atomic upsert inside the issuing transaction, so two
kiosks (or two server processes) can never get the same number, and a failed issue rolls the
counter back with it: numbers have no gaps. A unique constraint on the number is the backstop.

Issuing is the hottest write of a hall, so it runs six prepared statements and builds its
answer from what they return instead of reading the ticket back.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from hallq import clock, halls, layout
from hallq.access import ISSUERS, Actor, require_role
from hallq.errors import Conflict, Invalid, NotFound
from hallq.events import TicketIssued, record
from hallq.fastsql import Statement
from hallq.layout import Layout
from hallq.models import (
    RANK_NORMAL,
    RANK_PRIORITY,
    DailyCounter,
    Hall,
    Priority,
    PriorityReason,
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


def _counter_upsert(insert_fn, *, issue: bool):
    """+1 waiting for a (hall, service, day), and when issuing also the next number, in one statement."""
    first = {"last": 1 if issue else 0, "waiting": 1}
    bump = {"waiting": DailyCounter.waiting + 1}
    if issue:
        bump["last"] = DailyCounter.last + 1
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


_DIALECTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
_NEXT_NUMBER = {name: Statement(_counter_upsert(fn, issue=True)) for name, fn in _DIALECTS.items()}
_ONE_MORE_WAITING = {name: _counter_upsert(fn, issue=False) for name, fn in _DIALECTS.items()}
_ONE_LESS_WAITING = (
    update(DailyCounter)
    .where(
        DailyCounter.hall_id == bindparam("h"),
        DailyCounter.service_id == bindparam("s"),
        DailyCounter.business_day == bindparam("day"),
    )
    .values(waiting=DailyCounter.waiting - 1)
)


@dataclass(slots=True)
class NewTicket:
    """A ticket being issued: the columns of its row, without the ORM's bookkeeping (it is written once)."""

    hall_id: int
    service_id: int
    number: str
    business_day: date
    priority: str
    queue_rank: int
    phone: str | None
    token: str
    issued_at: datetime
    issued_by_id: int | None
    priority_reason: str | None = None
    status: str = TicketStatus.waiting
    id: int | None = None
    window_id: int | None = None
    called_at: datetime | None = None
    finished_at: datetime | None = None
    clerk_id: int | None = None
    recall_count: int = 0
    transfer_count: int = 0
    target_window_id: int | None = None
    request_id: str | None = None


_NEW_COLUMNS = [f for f in NewTicket.__slots__ if f != "id"]
_INSERT_TICKET = Statement(
    insert(Ticket).values({c: bindparam(c) for c in _NEW_COLUMNS}).returning(Ticket.id)
)
_BY_TOKEN = select(Ticket).where(Ticket.token == bindparam("token"))
_BY_REQUEST = Statement(
    select(Ticket.id, Ticket.service_id).where(
        Ticket.hall_id == bindparam("hall_id"), Ticket.request_id == bindparam("rid")
    )
)


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
    params = {"hall_id": ticket.hall_id, "service_id": ticket.service_id, "day": ticket.business_day}
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
    session: Session, hall: Layout, ticket: Ticket, *, staff: bool = False, ahead: int | None = None
) -> TicketPublic:
    service = hall.service_by_id[ticket.service_id]
    fields = hall.brief(ticket).model_dump()
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


def issue_ticket(
    *,
    session: Session,
    hall: str,
    service: str,
    actor: Actor,
    priority: Priority = Priority.normal,
    phone: str | None = None,
    priority_reason: PriorityReason | None = None,
    request_id: str | None = None,
    moment: datetime | None = None,
) -> TicketPublic:
    """Take a number for a service. Public, except that priority tickets need a guide, manager or admin.

    A request_id already seen in this hall gets the ticket issued for it back, not a second one.
    """
    place = layout.load_layout(session, hall, lock=True)
    svc = place.service(service)
    if priority == Priority.priority:
        require_role(actor, ISSUERS, "issue priority tickets")
    elif priority_reason is not None:
        raise Invalid("a priority reason goes with a priority ticket", code="reason_without_priority")
    if request_id is not None:
        # Race-free: the hall row is locked, so a retry waits until the first try committed.
        earlier = _BY_REQUEST.all(session, {"hall_id": place.hall.id, "rid": request_id})
        if earlier:
            ticket_id, service_id = earlier[0]
            if service_id != svc.id:
                raise Conflict("this request_id was used for another service", code="request_id_reused")
            return to_public(session, place, session.get(Ticket, ticket_id), staff=actor.user_id is not None)
    phone = normalize_phone(phone)
    moment = moment or clock.now()
    day = halls.today(place.hall.timezone, moment)
    # The cap is checked against the counter itself below; here only the other reasons.
    reason = halls.closed_reason(place, svc, issued=0, moment=moment)
    if reason:
        raise Conflict(CLOSED_MESSAGES[reason], code=reason)
    params = {"hall_id": place.hall.id, "service_id": svc.id, "day": day}
    seq = _NEXT_NUMBER[session.get_bind().dialect.name].scalar(session, params)
    if svc.daily_cap is not None and seq > svc.daily_cap:
        raise Conflict(CLOSED_MESSAGES["cap_reached"], code="cap_reached")
    if seq >= 10**svc.number_width:
        raise Conflict(
            f"service {svc.code} has run out of {svc.number_width}-digit numbers today", code="cap_reached"
        )
    ticket = NewTicket(
        hall_id=place.hall.id,
        service_id=svc.id,
        number=f"{svc.code}{seq:0{svc.number_width}d}",
        business_day=day,
        priority=priority,
        queue_rank=RANK_PRIORITY if priority == Priority.priority else RANK_NORMAL,
        phone=phone,
        token=secrets.token_urlsafe(16),
        issued_at=moment,
        issued_by_id=actor.user_id,
        priority_reason=priority_reason,
        request_id=request_id,
    )
    ticket.id = _INSERT_TICKET.scalar(session, {c: getattr(ticket, c) for c in _NEW_COLUMNS})
    event = TicketIssued(ticket=place.brief(ticket))
    record(session, place, event, actor=actor, ticket_id=ticket.id)
    # A normal ticket is the last of its service's queue: all the others waiting are ahead.
    ahead = event.waiting[svc.code] - 1 if ticket.queue_rank == RANK_NORMAL else None
    return to_public(session, place, ticket, staff=actor.user_id is not None, ahead=ahead)


def ticket_by_token(*, session: Session, token: str) -> TicketPublic:
    """What the phone page shows: this ticket only, never another customer's."""
    ticket = session.scalars(_BY_TOKEN, {"token": token}).first()
    if ticket is None:
        raise NotFound("no such ticket", code="unknown_ticket")
    slug = session.scalar(select(Hall.slug).where(Hall.id == ticket.hall_id))
    return to_public(session, layout.load_layout(session, slug), ticket)

"""Taking a number (取号): one ticket, or many at once when many kiosks ask together.

Numbering: prefix letter + zero-padded sequence per hall, service and local day. The sequence
comes from one counter row bumped by an atomic upsert inside the issuing transaction, so two
kiosks (or two server processes) can never get the same number, and a failed issue takes its
numbers back with it: numbers have no gaps. A unique constraint on the number is the backstop.

Issuing is the hottest write of a hall, so the writer hands it every issue waiting in its queue
at once (`issue_many`): the hall is locked once, each service's counter moves once by the number
of tickets it gives out, the hall's event seq moves once, and the waiting counts are read once.
Each ticket then costs two inserts (itself and its event). One ticket is a batch of one: there
is a single way to issue. Each order that cannot be served gets its own error, the others go on.
"""

import base64
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlmodel import Session

from hallq import clock, halls, layout
from hallq.access import ISSUERS, Actor, require_role
from hallq.errors import Conflict, HallQError, Invalid
from hallq.events import TicketIssued, record_many
from hallq.fastsql import Statement
from hallq.layout import Layout
from hallq.models import RANK_NORMAL, RANK_PRIORITY, DailyCounter, Priority, PriorityReason, Ticket
from hallq.models.public import TicketPublic
from hallq.tickets import counter_upserts, normalize_phone, to_public
from hallq.writer import Outcome, batched

CLOSED_MESSAGES = {
    "inactive": "this service is not offered now",
    "hall_closed": "the hall is not issuing numbers now (outside opening hours)",
    "cap_reached": "today's numbers for this service are all taken",
    "no_window_open": "no window serving this service is open",
}

_TAKE_NUMBERS = {name: Statement(stmt) for name, stmt in counter_upserts(issue=True).items()}
_GIVE_BACK = Statement(
    update(DailyCounter)
    .where(
        DailyCounter.hall_id == bindparam("hall_id"),
        DailyCounter.service_id == bindparam("service_id"),
        DailyCounter.business_day == bindparam("day"),
    )
    .values(last=DailyCounter.last - bindparam("n"), waiting=DailyCounter.waiting - bindparam("n"))
)
# The columns a new ticket sets; the rest take their defaults, written here as constants.
_NEW_COLUMNS = (
    "id", "hall_id", "service_id", "number", "business_day", "priority", "queue_rank", "phone", "token",
    "issued_at", "issued_by_id", "priority_reason", "request_id",
)  # fmt: skip
# All the tickets of a batch go in with one executemany, so their ids are taken beforehand:
# SQLite's write lock is held, so the next ids are those after the largest; PostgreSQL's
# sequence hands out as many as asked for, to this transaction alone.
_INSERT_TICKETS = Statement(
    insert(Ticket).values(
        {c: bindparam(c) for c in _NEW_COLUMNS}
        | {"status": "waiting", "recall_count": 0, "transfer_count": 0}
    )
)
_NEW_IDS = {
    "sqlite": Statement(select(func.coalesce(func.max(Ticket.id), 0))),
    "postgresql": Statement(
        select(func.nextval(func.pg_get_serial_sequence("ticket", "id"))).select_from(
            func.generate_series(1, bindparam("n"))
        )
    ),
}
_BY_REQUEST = Statement(
    select(Ticket.id, Ticket.service_id).where(
        Ticket.hall_id == bindparam("hall_id"), Ticket.request_id == bindparam("rid")
    )
)


@dataclass(slots=True)
class NewTicket:
    """A ticket being issued, as its row and its brief need it (it is written once, not tracked)."""

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
    priority_reason: str | None
    request_id: str | None
    id: int | None = None
    status: str = "waiting"
    window_id: None = None
    called_at: None = None
    finished_at: None = None
    recall_count: int = 0
    clerk_id: None = None


def issue_many(*, session: Session, orders: list[dict[str, Any]]) -> list[Outcome]:
    """Issue a ticket for each order (issue_ticket's keywords), in order; one Outcome per order."""
    outcomes = [Outcome() for _ in orders]
    by_hall: dict[str, list[int]] = {}
    for i, order in enumerate(orders):
        by_hall.setdefault(order["hall"], []).append(i)
    for slug in sorted(by_hall):  # one lock order for every batch: no deadlock between them
        try:
            place = layout.load_layout(session, slug, lock=True)
        except HallQError as exc:
            for i in by_hall[slug]:
                outcomes[i].error = exc
            continue
        _issue_in_hall(session, place, [(orders[i], outcomes[i]) for i in by_hall[slug]])
    return outcomes


@batched(issue_many)
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
    order = dict(hall=hall, service=service, actor=actor, priority=priority, phone=phone)
    order.update(priority_reason=priority_reason, request_id=request_id, moment=moment)
    outcome = issue_many(session=session, orders=[order])[0]
    if outcome.error is not None:
        raise outcome.error
    return outcome.result


def _issue_in_hall(session: Session, place: Layout, batch: list[tuple[dict, Outcome]]) -> None:
    # 1. Check each order, and answer repeated request_ids with the ticket already issued.
    fresh: list[tuple[dict, Outcome]] = []
    first_with: dict[str, Outcome] = {}
    repeats: list[tuple[dict, Outcome, Outcome]] = []
    # The tickets of a batch are committed together: they are issued at one moment.
    moment = clock.now()
    reasons: dict[tuple[str, datetime], str | None] = {}
    for order, outcome in batch:
        try:
            order["moment"] = order.get("moment") or moment
            _check_order(place, order)
            rid = order.get("request_id")
            if rid is not None and rid in first_with:
                repeats.append((order, outcome, first_with[rid]))
                continue
            if rid is not None:
                first_with[rid] = outcome
                if _answer_repeat(session, place, order, outcome):
                    continue
            _check_open(place, order, reasons)
            fresh.append((order, outcome))
        except HallQError as exc:
            outcome.error = exc
    # 2. Numbers: each (service, day) counter moves once for all its tickets.
    tickets = _number(session, place, fresh)
    # 3. The tickets, then their events under consecutive seqs, each with the counts after it.
    issued = [(ticket, outcome, order) for order, outcome, ticket in tickets]
    if issued:
        for (ticket, _, _), ticket_id in zip(issued, _new_ids(session, len(issued)), strict=True):
            ticket.id = ticket_id
        _INSERT_TICKETS.many(session, [{c: getattr(t, c) for c in _NEW_COLUMNS} for t, _, _ in issued])
        _record_issued(session, place, issued)
    for order, outcome, first in repeats:
        same_service = first.result is None or first.result.service == order["service"]
        if first.error is not None or not same_service:
            outcome.error = first.error or _reused()
        else:
            outcome.result = first.result


def _check_order(place: Layout, order: dict) -> None:
    """Refuse an order that could never be served as asked (unknown service, priority without right)."""
    place.service(order["service"])
    if order.get("priority", Priority.normal) == Priority.priority:
        require_role(order["actor"], ISSUERS, "issue priority tickets")
    elif order.get("priority_reason") is not None:
        raise Invalid("a priority reason goes with a priority ticket", code="reason_without_priority")


def _check_open(place: Layout, order: dict, reasons: dict[tuple[str, datetime], str | None]) -> None:
    """Refuse a new number the service cannot give now; a retry of an issued one never gets here.

    `reasons` keeps each service's answer for the rest of the batch."""
    order["phone"] = normalize_phone(order.get("phone"))
    key = (order["service"], order["moment"])
    if key not in reasons:
        # The cap is checked against the counter itself (_number); here only the other reasons.
        reasons[key] = halls.closed_reason(place, place.service(key[0]), issued=0, moment=key[1])
    reason = reasons[key]
    if reason:
        raise Conflict(CLOSED_MESSAGES[reason], code=reason)


def _reused() -> Conflict:
    return Conflict("this request_id was used for another service", code="request_id_reused")


def _answer_repeat(session: Session, place: Layout, order: dict, outcome: Outcome) -> bool:
    """A request_id this hall has seen (a kiosk retrying): the ticket issued for it, or a conflict."""
    earlier = _BY_REQUEST.all(session, {"hall_id": place.hall.id, "rid": order["request_id"]})
    if not earlier:
        return False
    ticket_id, service_id = earlier[0]
    if service_id != place.service(order["service"]).id:
        raise _reused()
    staff = order["actor"].user_id is not None
    outcome.result = to_public(session, place, session.get(Ticket, ticket_id), staff=staff)
    return True


def _number(session: Session, place: Layout, fresh: list[tuple[dict, Outcome]]):
    """Give each order its number; orders past the service's daily cap (or digits) get a conflict."""
    groups: dict[tuple[int, date], list[tuple[dict, Outcome]]] = {}
    days: dict[datetime, date] = {}
    for order, outcome in fresh:
        svc = place.service(order["service"])
        moment = order["moment"]
        if moment not in days:
            days[moment] = halls.today(place.hall.timezone, moment)
        groups.setdefault((svc.id, days[moment]), []).append((order, outcome))
    numbered: list[tuple[dict, Outcome, NewTicket]] = []
    tokens = _tokens(len(fresh))
    take = _TAKE_NUMBERS[session.get_bind().dialect.name]
    for (service_id, day), members in groups.items():
        svc = place.service_by_id[service_id]
        key = {"hall_id": place.hall.id, "service_id": service_id, "day": day}
        last = take.scalar(session, {**key, "n": len(members)})
        limit = 10**svc.number_width - 1
        if svc.daily_cap is not None:
            limit = min(limit, svc.daily_cap)
        over = min(len(members), last - limit) if last > limit else 0
        if over:  # give back the numbers past the limit: no gaps
            _GIVE_BACK.run(session, {**key, "n": over})
        first = last - len(members) + 1
        for k, (order, outcome) in enumerate(members):
            seq = first + k
            if seq > limit:
                outcome.error = _out_of_numbers(svc, seq)
                continue
            token = tokens.pop()
            numbered.append((order, outcome, _new_ticket(place, svc, seq, day, order, token)))
    # Back in arrival order: numbers, ids and seqs all follow it.
    position = {id(outcome): i for i, (_, outcome) in enumerate(fresh)}
    numbered.sort(key=lambda item: position[id(item[1])])
    return numbered


def _tokens(n: int) -> list[str]:
    """n unguessable tokens, as secrets.token_urlsafe(16) makes them, from one read of the OS's randomness."""
    raw = secrets.token_bytes(16 * n)
    return [base64.urlsafe_b64encode(raw[i : i + 16]).rstrip(b"=").decode() for i in range(0, 16 * n, 16)]


def _new_ids(session: Session, n: int) -> list[int]:
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        last = _NEW_IDS["sqlite"].scalar(session, {})
        return list(range(last + 1, last + n + 1))
    return sorted(row[0] for row in _NEW_IDS[dialect].all(session, {"n": n}))


def _out_of_numbers(svc, seq: int) -> Conflict:
    if svc.daily_cap is not None and seq > svc.daily_cap:
        return Conflict(CLOSED_MESSAGES["cap_reached"], code="cap_reached")
    digits = svc.number_width
    return Conflict(f"service {svc.code} has run out of {digits}-digit numbers today", code="cap_reached")


def _new_ticket(place: Layout, svc, seq: int, day: date, order: dict, token: str) -> NewTicket:
    priority = order.get("priority", Priority.normal)
    return NewTicket(
        hall_id=place.hall.id,
        service_id=svc.id,
        number=f"{svc.code}{seq:0{svc.number_width}d}",
        business_day=day,
        priority=priority,
        queue_rank=RANK_PRIORITY if priority == Priority.priority else RANK_NORMAL,
        phone=order["phone"],
        token=token,
        issued_at=order["moment"],
        issued_by_id=order["actor"].user_id,
        priority_reason=order.get("priority_reason"),
        request_id=order.get("request_id"),
    )


def _record_issued(session: Session, place: Layout, issued: list[tuple[NewTicket, Outcome, dict]]) -> None:
    """One ticket.issued per ticket, each carrying the waiting counts just after it."""
    days = {ticket.business_day for ticket, _, _ in issued}
    counts = {day: halls.waiting_counts(session, place, day) for day in days}
    waiting_after: list[dict[str, int]] = []
    for ticket, _, _ in reversed(issued):  # the counts now are those after the last one
        now = counts[ticket.business_day]
        waiting_after.append(dict(now))
        now[place.service_by_id[ticket.service_id].code] -= 1
    waiting_after.reverse()
    entries = []
    for (ticket, _, order), waiting in zip(issued, waiting_after, strict=True):
        event = TicketIssued(ticket=place.brief(ticket), waiting=waiting)
        entries.append((event, order["actor"], ticket.id, None))
    published = record_many(session, place, entries)
    for (ticket, outcome, order), event, message in zip(issued, entries, published, strict=True):
        code = place.service_by_id[ticket.service_id].code
        # A normal ticket is the last of its service's queue: all the others waiting are ahead.
        ahead = event[0].waiting[code] - 1 if ticket.queue_rank == RANK_NORMAL else None
        staff = order["actor"].user_id is not None
        outcome.result = to_public(session, place, ticket, staff=staff, ahead=ahead, brief=event[0].ticket)
        outcome.events = [message]

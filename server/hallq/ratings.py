"""The evaluation pad at each window (评价器): what it shows, and the customer's rating.

The pad faces the customer and holds no sign-in, so rating is public but narrow: only the
ticket its window finished last, only within a few minutes of that, and only once.
"""

from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session

from hallq import clock, halls, layout
from hallq.access import Actor
from hallq.errors import Conflict, Invalid
from hallq.events import TicketRated, record
from hallq.layout import Layout, WindowInfo
from hallq.models import Complaint, Rating, Score, Ticket, TicketStatus, User
from hallq.models.public import PadState, RatingPublic


def _last_finished(session: Session, place: Layout, window: WindowInfo) -> Ticket | None:
    """The window's last finished ticket today (the hall and day keep the lookup on the queue index)."""
    return session.scalars(
        select(Ticket)
        .where(
            Ticket.hall_id == place.hall.id,
            Ticket.status == TicketStatus.done,
            Ticket.business_day == halls.today(place.hall.timezone),
            Ticket.window_id == window.id,
        )
        .order_by(Ticket.finished_at.desc(), Ticket.id.desc())
        .limit(1)
    ).first()


def _rated(session: Session, ticket: Ticket) -> bool:
    return session.scalar(select(Rating.id).where(Rating.ticket_id == ticket.id)) is not None


def _clerk_name(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id else None
    return (user.display_name or user.username) if user else None


def pad_state(*, session: Session, hall: str, window: int, rating_seconds: int) -> PadState:
    place: Layout = layout.load_layout(session, hall)
    info = place.window(window)
    current = session.scalars(
        select(Ticket).where(Ticket.window_id == info.id, Ticket.status == TicketStatus.called)
    ).first()
    last = _last_finished(session, place, info)
    to_rate = rate_until = None
    if last is not None:
        until = last.finished_at + timedelta(seconds=rating_seconds)
        if until > clock.now() and not _rated(session, last):
            to_rate, rate_until = last, until
    # Who serves here: the clerk of the ticket at the window, else of the one just finished.
    latest = current or last
    return PadState(
        window=info.number,
        window_name=info.name,
        status=info.status,
        clerk=_clerk_name(session, latest.clerk_id) if latest else None,
        current=place.brief(current) if current else None,
        to_rate=place.brief(to_rate) if to_rate else None,
        rate_until=rate_until,
    )


def rate(
    *,
    session: Session,
    hall: str,
    window: int,
    ticket_id: int,
    score: Score,
    reasons: list[Complaint],
    rating_seconds: int,
    actor: Actor,
) -> RatingPublic:
    """Store the customer's rating of the ticket this window just finished, once."""
    place = layout.load_layout(session, hall, lock=True)
    info = place.window(window)
    if reasons and score != Score.dissatisfied:
        raise Invalid("reasons are given only with dissatisfied", code="reasons_need_dissatisfied")
    ticket = session.get(Ticket, ticket_id)
    if ticket is not None and ticket.window_id == info.id and _rated(session, ticket):
        raise Conflict(f"{ticket.number} has already been rated", code="already_rated")
    last = _last_finished(session, place, info)
    if ticket is None or last is None or last.id != ticket.id:
        raise Conflict("only the ticket this window has just finished can be rated", code="not_rateable")
    now = clock.now()
    if now > ticket.finished_at + timedelta(seconds=rating_seconds):
        raise Conflict(f"the time to rate {ticket.number} has passed", code="rating_closed")
    reasons = sorted({r.value for r in reasons})
    rating = Rating(
        hall_id=place.hall.id,
        ticket_id=ticket.id,
        window_id=info.id,
        clerk_id=ticket.clerk_id,
        service_id=ticket.service_id,
        business_day=ticket.business_day,
        score=score,
        reasons=reasons,
        at=now,
    )
    session.add(rating)
    session.flush()
    event = TicketRated(ticket=place.brief(ticket), window=info.number, score=score.value, reasons=reasons)
    record(session, place, event, actor=actor, ticket_id=ticket.id, window_id=info.id)
    return RatingPublic(ticket=ticket.number, window=info.number, score=score.value, reasons=reasons, at=now)

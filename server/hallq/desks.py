"""A window as its clerk's console sees it, and each member of staff's own figures of the day.

Everything here is read from the tickets themselves, so the console shows what the server
knows, not a count kept in the browser.
"""

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from hallq import halls, layout, queues, tickets, windows
from hallq.access import Actor, require_hall, require_signed_in, require_window
from hallq.models import Rating, Ticket, TicketStatus
from hallq.models.public import Desk, Tally


def desk(
    *,
    session: Session,
    hall: str,
    window: int,
    actor: Actor,
    recall_limit: int,
    auto_no_show_seconds: int | None = None,
    upcoming: int = 5,
) -> Desk:
    """The window, its current ticket, and what it would call next for each service it serves."""
    place = layout.load_layout(session, hall)
    info = place.window(window)
    require_window(actor, place.hall, info)
    current = session.scalars(
        select(Ticket).where(Ticket.window_id == info.id, Ticket.status == TicketStatus.called)
    ).first()
    waiting = halls.waiting_counts(session, place, halls.today(place.hall.timezone))
    served = [place.service_by_id[sid] for sid in info.service_ids]
    no_show_at = None
    if current is not None and current.arrived_at is None and auto_no_show_seconds:
        no_show_at = windows.last_called(current) + timedelta(seconds=auto_no_show_seconds)
    return Desk(
        window=halls.window_public(place, info, current),
        current=tickets.to_public(session, place, current, staff=True) if current else None,
        queues=[
            queues.service_queue(session, place, s, waiting=waiting[s.code], limit=upcoming, window=info)
            for s in served
        ],
        recall_limit=recall_limit,
        suggest_no_show=current is not None and current.recall_count >= recall_limit,
        auto_no_show_seconds=auto_no_show_seconds,
        no_show_at=no_show_at,
    )


def tally(*, session: Session, hall: str, actor: Actor) -> Tally:
    """Today's served count, no-shows, average handling time and ratings of the signed-in user."""
    require_signed_in(actor)
    place = layout.load_layout(session, hall)
    require_hall(actor, place.hall)
    day = halls.today(place.hall.timezone)
    rows = session.execute(
        select(Ticket.status, Ticket.called_at, Ticket.finished_at).where(
            Ticket.hall_id == place.hall.id,
            Ticket.status.in_((TicketStatus.done, TicketStatus.no_show)),
            Ticket.business_day == day,
            Ticket.clerk_id == actor.user_id,
        )
    ).all()
    handling = [(r.finished_at - r.called_at).total_seconds() for r in rows if r.status == TicketStatus.done]
    scores = Counter(
        dict(
            session.execute(
                select(Rating.score, func.count())
                .where(Rating.clerk_id == actor.user_id, Rating.business_day == day)
                .group_by(Rating.score)
            ).all()
        )
    )
    return Tally(
        username=actor.name,
        business_day=day.isoformat(),
        served=len(handling),
        no_show=len(rows) - len(handling),
        average_handling_seconds=round(sum(handling) / len(handling), 1) if handling else None,
        ratings={s: scores.get(s, 0) for s in ("very_satisfied", "satisfied", "dissatisfied")},
    )

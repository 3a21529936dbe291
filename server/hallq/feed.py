"""What a live subscriber reads: the snapshot it starts from, and events it may have missed."""

import json
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from hallq import board, clock, halls
from hallq.events import TicketCalled
from hallq.models import Event, Hall


def latest_seq(*, session: Session, hall_id: int) -> int:
    return session.scalar(select(Hall.event_seq).where(Hall.id == hall_id)) or 0


def replay(*, session: Session, hall_id: int, after_seq: int, limit: int = 1000) -> list[tuple[int, str]]:
    """Committed events of a hall after a seq, in order: what a subscriber missed."""
    rows = session.execute(
        select(Event.seq, Event.payload)
        .where(Event.hall_id == hall_id, Event.seq > after_seq)
        .order_by(Event.seq)
        .limit(limit)
    )
    return [(seq, payload) for seq, payload in rows]


def recent_calls(session: Session, hall: Hall, *, since: datetime, limit: int) -> list[dict]:
    """The last calls (newest first) since a moment, as their ticket.called messages said them."""
    rows = session.scalars(
        select(Event.payload)
        .where(Event.hall_id == hall.id, Event.type == TicketCalled.type, Event.at >= since)
        .order_by(Event.seq.desc())
        .limit(limit)
    )
    return [json.loads(payload) for payload in rows]


def snapshot(*, session: Session, slug: str, recent: int = 10) -> dict:
    """The whole hall as one consistent read, with the seq it is true at: the first live message."""
    if session.get_bind().dialect.name == "postgresql":
        # One snapshot for every query below, so the seq matches the state.
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    hall = halls.get_hall(session, slug)
    seq = hall.event_seq
    detail = halls.hall_detail(session=session, slug=slug)
    notice_board = board.board(session=session, slug=slug)
    day_start = clock.local(clock.now(), hall.timezone).replace(hour=0, minute=0, second=0, microsecond=0)
    calls = recent_calls(session, hall, since=day_start, limit=recent)
    return {
        "type": "snapshot",
        "seq": seq,
        "hall": detail.model_dump(mode="json"),
        "recent_calls": calls,
        "board": notice_board.model_dump(mode="json"),
    }

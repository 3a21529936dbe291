"""What must hold after any amount of concurrent issuing and calling, faults or not."""

import json
from collections import Counter

from sqlalchemy import select

from hallq.models import DailyCounter, Event, Ticket


def check_all_served_once(db, expected: int | None = None, acknowledged=()) -> None:
    """Numbers unique and gap-free per service, each ticket called exactly once and served, the event
    log's seqs contiguous, the kept waiting counts back to zero; every acknowledged ticket exists."""
    with db.session() as session:
        rows = session.scalars(select(Ticket)).all()
        called = Counter(
            json.loads(payload)["ticket"]["number"]
            for payload in session.scalars(select(Event.payload).where(Event.type == "ticket.called"))
        )
        seqs = session.scalars(select(Event.seq).order_by(Event.seq)).all()
        counters = session.scalars(select(DailyCounter)).all()
    numbers = [t.number for t in rows]
    if expected is not None:
        assert len(rows) == expected
    assert len(set(numbers)) == len(numbers), "a number was issued twice"
    assert set(acknowledged) <= set(numbers), "an acknowledged ticket was lost"
    by_service = Counter(n[0] for n in numbers)
    for service, count in by_service.items():
        assert sorted(n for n in numbers if n[0] == service) == [
            f"{service}{i:03d}" for i in range(1, count + 1)
        ]
    assert all(t.status in ("done", "called") for t in rows), "a ticket was left waiting"
    assert called == Counter(numbers), "a ticket was called twice, or never"
    assert seqs == list(range(1, len(seqs) + 1)), "the event log has a gap or a duplicate seq"
    assert [c.waiting for c in counters] == [0] * len(counters), "the waiting counters drifted"
    assert sum(c.last for c in counters) == len(numbers)

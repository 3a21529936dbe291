"""The closed set of live events, and how a change records one.

Every event is appended to the event log in the same transaction as the change it describes,
with the hall's next sequence number; the outbox hands it to the live layer only after commit.
The docstrings here are the documentation: docs/api.md is checked against them.
"""

import json
import re
from dataclasses import dataclass
from typing import ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import bindparam, insert, update
from sqlmodel import Session

from hallq import clock, halls
from hallq.access import Actor
from hallq.db import OUTBOX
from hallq.fastsql import Statement
from hallq.layout import Layout
from hallq.models import Event, Hall
from hallq.models.public import HallBoard, TicketBrief, WindowPublic


@dataclass(frozen=True, slots=True)
class Published:
    """A committed event on its way to subscribers: the JSON text is made once, sent to all."""

    hall_id: int
    seq: int
    text: str


class LiveEvent(BaseModel):
    type: ClassVar[str]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if not re.fullmatch(r"[a-z_]+\.[a-z_]+", cls.type):  # _message writes it into JSON as is
            raise TypeError(f"event type {cls.type!r} is not a plain dotted name")


class TicketIssued(LiveEvent):
    """A number was taken, at the kiosk or by a guide. `waiting` is each service's waiting count after it."""

    type: ClassVar[str] = "ticket.issued"
    ticket: TicketBrief
    waiting: dict[str, int] = {}


class TicketCalled(LiveEvent):
    """A window called a ticket: show it and say `text`. `recall` is true when it is called again (重呼)."""

    type: ClassVar[str] = "ticket.called"
    ticket: TicketBrief
    window: int
    text: str
    text_en: str
    recall: bool
    recall_count: int
    audio_url: str | None = Field(None, description="the spoken announcement, a WAV")
    waiting: dict[str, int] = {}


class TicketFinished(LiveEvent):
    """The window finished serving the ticket (办结); the evaluation pad may now ask for a rating."""

    type: ClassVar[str] = "ticket.finished"
    ticket: TicketBrief
    window: int


class TicketNoShow(LiveEvent):
    """The customer did not come after being called; the number is passed (过号). `automatic` is true when the
    call timed out (叫号超时自动过号) rather than the clerk passing it."""

    type: ClassVar[str] = "ticket.no_show"
    ticket: TicketBrief
    window: int
    automatic: bool = False


class TicketArrived(LiveEvent):
    """The called customer came to the window and is being served (开始办理); no automatic no-show now."""

    type: ClassVar[str] = "ticket.arrived"
    ticket: TicketBrief
    window: int


class TicketMovedToFront(LiveEvent):
    """A manager moved a waiting ticket to the front of its service's queue (特事特办), ahead of the rest."""

    type: ClassVar[str] = "ticket.moved_to_front"
    ticket: TicketBrief


class TicketCancelled(LiveEvent):
    """A manager cancelled a waiting ticket: it will not be called. `waiting` as after it."""

    type: ClassVar[str] = "ticket.cancelled"
    ticket: TicketBrief
    waiting: dict[str, int] = {}


class TicketRated(LiveEvent):
    """The customer rated the service on the window's evaluation pad (评价器): `score` is very_satisfied,
    satisfied or dissatisfied, `reasons` what went wrong when dissatisfied."""

    type: ClassVar[str] = "ticket.rated"
    ticket: TicketBrief
    window: int
    score: str
    reasons: list[str] = []


class TicketTransferred(LiveEvent):
    """The ticket went back to waiting under another service, keeping its number (转移)."""

    type: ClassVar[str] = "ticket.transferred"
    ticket: TicketBrief
    from_service: str
    to_service: str
    from_window: int | None
    to_window: int | None = Field(None, description="set when sent to a named window")
    waiting: dict[str, int] = {}


class WindowUpdated(LiveEvent):
    """A window opened, paused, resumed or closed (暂停服务)."""

    type: ClassVar[str] = "window.updated"
    window: WindowPublic


class BoardUpdated(LiveEvent):
    """An announcement (公告) was posted or removed, or the duty roster (经理值班) changed: the new board."""

    type: ClassVar[str] = "board.updated"
    board: HallBoard


EVENT_TYPES: tuple[type[LiveEvent], ...] = (
    TicketIssued,
    TicketCalled,
    TicketFinished,
    TicketNoShow,
    TicketTransferred,
    TicketArrived,
    TicketMovedToFront,
    TicketCancelled,
    TicketRated,
    WindowUpdated,
    BoardUpdated,
)


_NEXT_SEQS = Statement(
    update(Hall)
    .where(Hall.id == bindparam("hall_id"))
    .values(event_seq=Hall.event_seq + bindparam("n"))
    .returning(Hall.event_seq)
)
_EVENT_COLUMNS = ("hall_id", "seq", "type", "at", "actor_id", "actor", "ticket_id", "window_id", "payload")
_INSERT_EVENT = Statement(insert(Event).values({c: bindparam(c) for c in _EVENT_COLUMNS}))


def record(
    session: Session,
    hall: Layout,
    event: LiveEvent,
    *,
    actor: Actor,
    ticket_id: int | None = None,
    window_id: int | None = None,
) -> Published:
    """Append the event to the log under the hall's next seq, and queue it for after the commit.

    An event with a `waiting` field gets each service's waiting count filled in here. Every
    write takes the hall's row lock first (layout.load_layout), so all earlier commits of the
    hall are visible by now: the counts in seq order are exact, whatever other processes do.
    """
    if "waiting" in type(event).model_fields:
        event.waiting = halls.waiting_counts(session, hall, halls.today(hall.hall.timezone))
    return record_many(session, hall, [(event, actor, ticket_id, window_id)])[0]


def record_many(
    session: Session, hall: Layout, entries: list[tuple[LiveEvent, Actor, int | None, int | None]]
) -> list[Published]:
    """Append (event, actor, ticket_id, window_id) entries under consecutive seqs, in order.

    The caller fills in any `waiting` counts (issuing.py knows them for each ticket of a batch).
    """
    hall_id = hall.hall.id
    # This row update also orders the hall's commits, so seq order is commit order.
    last = _NEXT_SEQS.scalar(session, {"hall_id": hall_id, "n": len(entries)})
    at = clock.now()
    stamp = at.isoformat()
    outbox = session.info.setdefault(OUTBOX, [])
    published, rows = [], []
    # What follows each message's type and seq: the same for all the entries.
    members = json.dumps({"hall": hall.hall.slug, "at": stamp}, ensure_ascii=False, separators=(",", ":"))
    tail = "," + members[1:-1]
    for seq, (event, actor, ticket_id, window_id) in enumerate(entries, start=last - len(entries) + 1):
        text = _message(event, seq, tail)
        rows.append(
            {
                "hall_id": hall_id,
                "seq": seq,
                "type": event.type,
                "at": at,
                "actor_id": actor.user_id,
                "actor": actor.name[:60],
                "ticket_id": ticket_id,
                "window_id": window_id,
                "payload": text,
            }
        )
        published.append(Published(hall_id, seq, text))
    _INSERT_EVENT.many(session, rows)
    outbox.extend(published)
    return published


def _message(event: LiveEvent, seq: int, tail: str) -> str:
    """The event as one JSON object: its type, seq, hall and time first (`tail`: hall and time as
    JSON members), then its own fields. Types are plain dotted names: they need no escaping."""
    body = event.model_dump_json()
    head = f'{{"type":"{event.type}","seq":{seq}{tail}'
    return head + "}" if body == "{}" else head + "," + body[1:]

"""The event log: every change, with who made it, in per-hall sequence."""

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from hallq.models.types import UTCDateTime


class Event(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("hall_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id")
    seq: int
    type: str = Field(max_length=40)
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    # Who did it, readable without a join: a username, or "kiosk" for the public.
    actor: str = Field(max_length=60)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    window_id: int | None = Field(default=None, foreign_key="window.id")
    # The exact message sent to live subscribers, so a missed one can be replayed from here.
    payload: str = Field(sa_column=Column(Text, nullable=False))

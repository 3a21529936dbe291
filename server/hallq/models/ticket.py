"""Tickets and the per-day counters that number them."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from hallq.models.types import UTCDateTime


class TicketStatus(StrEnum):
    waiting = "waiting"
    called = "called"
    done = "done"
    no_show = "no_show"
    cancelled = "cancelled"


class Priority(StrEnum):
    normal = "normal"
    priority = "priority"


class PriorityReason(StrEnum):
    """Why a guide gave a priority ticket: for the clerk at the window and for the reports."""

    key_customer = "key_customer"  # 重点客户
    elderly_disabled = "elderly_disabled"  # 老年人、残障人士
    urgent = "urgent"  # 急事急办


# Queue order: a higher rank is called first, then the earliest issued.
RANK_NORMAL = 0
RANK_PRIORITY = 1
RANK_FRONT = 2  # a manager moved it to the front


class Ticket(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("hall_id", "business_day", "number"),
        # A kiosk retrying a confirm sends the same request_id: one ticket per confirm.
        UniqueConstraint("hall_id", "request_id"),
        Index("ix_ticket_queue", "hall_id", "status", "service_id", "business_day"),
        # A window serves one customer at a time: the database refuses a second current ticket.
        Index(
            "ux_ticket_current_per_window",
            "window_id",
            unique=True,
            sqlite_where=text("status = 'called'"),
            postgresql_where=text("status = 'called'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id")
    service_id: int = Field(foreign_key="service.id")
    number: str = Field(max_length=10)
    business_day: date
    status: TicketStatus = Field(default=TicketStatus.waiting, sa_type=String(10))
    priority: Priority = Field(default=Priority.normal, sa_type=String(10))
    priority_reason: PriorityReason | None = Field(default=None, sa_type=String(20))
    queue_rank: int = RANK_NORMAL
    phone: str | None = Field(default=None, max_length=20)
    token: str = Field(unique=True, max_length=40)
    issued_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    called_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    # The last recall (重呼), and when the customer came to the window (开始办理): the automatic
    # no-show counts from the last call and never passes a customer who is being served.
    recalled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    arrived_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    window_id: int | None = Field(default=None, foreign_key="window.id")
    # Set when transferred to a named window (一窗受理): only that window calls it.
    target_window_id: int | None = Field(default=None, foreign_key="window.id")
    clerk_id: int | None = Field(default=None, foreign_key="user.id")
    issued_by_id: int | None = Field(default=None, foreign_key="user.id")
    recall_count: int = 0
    transfer_count: int = 0
    request_id: str | None = Field(default=None, max_length=40)


class DailyCounter(SQLModel, table=True):
    """Per hall, service and local day: the last number issued (the row that makes numbering
    atomic) and how many wait now (kept with every change, so nobody counts the queue)."""

    hall_id: int = Field(foreign_key="hall.id", primary_key=True)
    service_id: int = Field(foreign_key="service.id", primary_key=True)
    business_day: date = Field(primary_key=True)
    last: int = 0
    waiting: int = 0

"""Ratings from the evaluation pad at each window (评价器)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, String
from sqlmodel import Field, SQLModel

from hallq.models.types import UTCDateTime


class Score(StrEnum):
    very_satisfied = "very_satisfied"  # 非常满意
    satisfied = "satisfied"  # 满意
    dissatisfied = "dissatisfied"  # 不满意


class Complaint(StrEnum):
    """What went wrong, when the customer was dissatisfied."""

    long_wait = "long_wait"  # 等待时间长
    attitude = "attitude"  # 服务态度
    not_solved = "not_solved"  # 问题未解决
    other = "other"  # 其他


class Rating(SQLModel, table=True):
    __table_args__ = (
        Index("ix_rating_day", "hall_id", "business_day"),
        Index("ix_rating_clerk_day", "clerk_id", "business_day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id")
    # One rating per ticket: the pad's double tap, or a second pad, is refused by the database too.
    ticket_id: int = Field(foreign_key="ticket.id", unique=True)
    window_id: int = Field(foreign_key="window.id")
    clerk_id: int | None = Field(default=None, foreign_key="user.id")
    service_id: int = Field(foreign_key="service.id")
    business_day: date
    score: Score = Field(sa_type=String(20))
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))

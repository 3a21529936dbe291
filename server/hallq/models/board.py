"""The hall's notice board: the duty manager roster (经理值班) and announcements (公告公示)."""

from datetime import datetime

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from hallq.models.types import UTCDateTime


class DutyManager(SQLModel, table=True):
    """Who of the company's leaders is on duty in the hall's advice area on a weekday."""

    __table_args__ = (UniqueConstraint("hall_id", "weekday"),)

    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id", index=True)
    weekday: int = Field(ge=0, le=4)  # 0 Monday … 4 Friday: nobody is on duty at weekends
    name: str = Field(max_length=40)
    title: str = Field(default="", max_length=40)


class Notice(SQLModel, table=True):
    """An announcement on the display's scrolling bar: policy, procedures, opening hours."""

    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id", index=True)
    text: str = Field(max_length=300)
    posted_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    posted_by: str = Field(max_length=60)
